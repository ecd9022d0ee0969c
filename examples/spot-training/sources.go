// # Sources
//
// Comments in this package cite their figures' sources by the name in
// brackets, e.g. [Spot Instance Advisor]:
//
//   - Spot Instance Advisor:
//     https://aws.amazon.com/ec2/spot/instance-advisor/ (feed
//     https://spot-bid-advisor.s3.amazonaws.com/spot-advisor-data.json,
//     snapshot 2025-06-28)
//   - Spot interruptions guide:
//     https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/spot-interruptions.html,
//     https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/spot-instance-termination-notices.html
//     and
//     https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/rebalance-recommendations.html
//   - per-second billing:
//     https://aws.amazon.com/about-aws/whats-new/2017/10/announcing-amazon-ec2-per-second-billing/
//   - Young 1974: J. W. Young, "A first order approximation to the optimum
//     checkpoint interval", CACM 17(9):530-531, 1974,
//     https://doi.org/10.1145/361147.361115
//   - Daly 2006: J. T. Daly, "A higher order estimate of the optimum
//     checkpoint interval for restart dumps", FGCS 22(3):303-312, 2006,
//     https://doi.org/10.1016/j.future.2004.11.016
package main

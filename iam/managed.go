package iam

import (
	"sync"
	"time"

	"github.com/nimbus-sim/nimbus/internal/mix"
)

// A few AWS managed policies, simplified but faithful in shape, so that
// scenarios can attach the policies students know by name. Their ARNs have
// the account "aws": arn:aws:iam::aws:policy/NAME.
var awsManagedDocs = []struct{ name, path, doc string }{
	{"AdministratorAccess", "/", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`},
	{"PowerUserAccess", "/", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","NotAction":["iam:*","organizations:*","account:*"],"Resource":"*"},
		{"Effect":"Allow","Action":["iam:CreateServiceLinkedRole","iam:DeleteServiceLinkedRole","iam:ListRoles","organizations:DescribeOrganization","account:ListRegions","account:GetAccountInformation"],"Resource":"*"}]}`},
	{"ReadOnlyAccess", "/", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["*:Describe*","*:Get*","*:List*","*:Head*"],"Resource":"*"}]}`},
	{"IAMFullAccess", "/", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:*","organizations:DescribeAccount","organizations:DescribeOrganization","organizations:DescribeOrganizationalUnit","organizations:DescribePolicy","organizations:ListChildren","organizations:ListParents","organizations:ListPoliciesForTarget","organizations:ListRoots","organizations:ListPolicies","organizations:ListTargetsForPolicy"],"Resource":"*"}]}`},
	{"AmazonS3FullAccess", "/", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","s3-object-lambda:*"],"Resource":"*"}]}`},
	{"AmazonS3ReadOnlyAccess", "/", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*","s3:Describe*","s3-object-lambda:Get*","s3-object-lambda:List*"],"Resource":"*"}]}`},
	{"AmazonEC2FullAccess", "/", `{"Version":"2012-10-17","Statement":[{"Action":"ec2:*","Effect":"Allow","Resource":"*"},{"Effect":"Allow","Action":"elasticloadbalancing:*","Resource":"*"},{"Effect":"Allow","Action":"cloudwatch:*","Resource":"*"},{"Effect":"Allow","Action":"autoscaling:*","Resource":"*"},{"Effect":"Allow","Action":"iam:CreateServiceLinkedRole","Resource":"*","Condition":{"StringEquals":{"iam:AWSServiceName":["autoscaling.amazonaws.com","ec2scheduled.amazonaws.com","elasticloadbalancing.amazonaws.com","spot.amazonaws.com","spotfleet.amazonaws.com","transitgateway.amazonaws.com"]}}}]}`},
	// Service-linked role policies, at /aws-service-role/: attached by
	// CreateServiceLinkedRole, attachable to nothing else.
	{"AutoScalingServiceRolePolicy", "/aws-service-role/", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:*","elasticloadbalancing:*","cloudwatch:DeleteAlarms","cloudwatch:DescribeAlarms","cloudwatch:PutMetricAlarm","sns:Publish","sqs:SendMessage"],"Resource":"*"}]}`},
	{"AWSElasticLoadBalancingServiceRolePolicy", "/aws-service-role/", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:Describe*","ec2:AttachNetworkInterface","ec2:CreateNetworkInterface","ec2:DeleteNetworkInterface","ec2:DetachNetworkInterface","ec2:ModifyNetworkInterfaceAttribute","ec2:AssignPrivateIpAddresses","ec2:UnassignPrivateIpAddresses"],"Resource":"*"}]}`},
	{"AWSEC2SpotServiceRolePolicy", "/aws-service-role/", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:DescribeInstances","ec2:StartInstances","ec2:StopInstances","ec2:CreateTags"],"Resource":"*"},{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":["ec2.amazonaws.com","ec2.amazonaws.com.cn"]}}}]}`},
	{"AWSEC2SpotFleetServiceRolePolicy", "/aws-service-role/", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:RunInstances","ec2:TerminateInstances","ec2:Describe*","ec2:CreateTags","elasticloadbalancing:RegisterInstancesWithLoadBalancer","elasticloadbalancing:RegisterTargets"],"Resource":"*"},{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":["ec2.amazonaws.com","ec2.amazonaws.com.cn"]}}}]}`},
	{"AWSOrganizationsServiceTrustPolicy", "/aws-service-role/", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:DeleteRole"],"Resource":"arn:aws:iam::*:role/aws-service-role/organizations.amazonaws.com/*"}]}`},
	{"AWSConfigServiceRolePolicy", "/aws-service-role/", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:Describe*","iam:Get*","iam:List*","s3:GetBucket*","s3:ListAllMyBuckets"],"Resource":"*"}]}`},
	{"AmazonEC2ReadOnlyAccess", "/", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:Describe*","Resource":"*"},{"Effect":"Allow","Action":"elasticloadbalancing:Describe*","Resource":"*"},{"Effect":"Allow","Action":["cloudwatch:ListMetrics","cloudwatch:GetMetricStatistics","cloudwatch:Describe*"],"Resource":"*"},{"Effect":"Allow","Action":"autoscaling:Describe*","Resource":"*"}]}`},
}

// awsManagedParsed holds the managed documents parsed once per program:
// a compiled Policy is immutable and evaluation only reads it, so every
// Service (one per world, many worlds in a study) shares them, instead of
// re-parsing them for each replication.
var awsManagedParsed = sync.OnceValue(func() []*Policy {
	out := make([]*Policy, len(awsManagedDocs))
	for i, m := range awsManagedDocs {
		out[i] = MustParsePolicy(m.doc)
	}
	return out
})

// awsManagedTemplates are the AWS managed policies as every Service starts
// them (in the "aws" partition, which is every Service's), with their ARN
// texts: built once per program and only copied from.
var awsManagedTemplates = sync.OnceValue(func() []awsManagedTemplate {
	epoch := time.Date(2015, 2, 6, 18, 39, 46, 0, time.UTC) // when AWS published its first managed policies
	docs := awsManagedParsed()
	out := make([]awsManagedTemplate, len(awsManagedDocs))
	for i, m := range awsManagedDocs {
		arn := ARN{Partition: "aws", Service: "iam", AccountID: "aws", Resource: "policy" + m.path + m.name}
		out[i] = awsManagedTemplate{key: arn.String(), policy: ManagedPolicy{ARN: arn, PolicyName: m.name,
			PolicyID: "ANPA" + pad17(m.name), Path: m.path, DefaultVersionID: "v1", CreateDate: epoch,
			Document: docs[i], awsManaged: true}}
	}
	return out
})

type awsManagedTemplate struct {
	key    string
	policy ManagedPolicy
}

// awsManaged returns the AWS managed policy whose ARN text is key. A
// Service's copies count their own attachments, so each Service has its
// own, made on the first lookup (most worlds never make one).
func (s *Service) awsManaged(key string) (*ManagedPolicy, bool) {
	if s.managed == nil {
		ts := awsManagedTemplates()
		s.managed = make(map[string]*ManagedPolicy, len(ts))
		slab := make([]ManagedPolicy, len(ts))
		for i := range ts {
			slab[i] = ts[i].policy
			s.managed[ts[i].key] = &slab[i]
		}
	}
	m, ok := s.managed[key]
	return m, ok
}

// pad17 derives a stable pseudo-ID from a name, so AWS managed policy IDs do
// not consume draws from the ID stream.
func pad17(name string) string {
	h := mix.FNV64a(name)
	b := make([]byte, 17)
	for i := range b {
		b[i] = keyAlphabet[h%32]
		h = h/32 ^ h<<7
	}
	return string(b)
}

// AWSManagedPolicyARN returns arn:aws:iam::aws:policy/NAME.
func AWSManagedPolicyARN(name string) ARN {
	return ARN{Partition: "aws", Service: "iam", AccountID: "aws", Resource: "policy/" + name}
}

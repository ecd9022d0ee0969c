package iam

// Table tests for single-policy evaluation. Each case cites the IAM User
// Guide section whose rule it checks:
//   [Action]    "IAM JSON policy elements: Action"
//   [NotAction] "IAM JSON policy elements: NotAction"
//   [Resource]  "IAM JSON policy elements: Resource"
//   [NotRes]    "IAM JSON policy elements: NotResource"
//   [Ops]       "IAM JSON policy elements: Condition operators"
//   [Multi]     "Conditions with multiple context keys or values"
//   [Sets]      "Single-valued vs. multivalued context keys" (set operators)
//   [Vars]      "IAM policy elements: Variables and tags"
//   [Version]   "IAM JSON policy elements: Version"
//   [Logic]     "Policy evaluation logic"

import (
	"strings"
	"testing"
	"time"
)

func testUser() *Principal {
	p := &Principal{Type: PrincipalUser, ARN: MustParseARN("arn:aws:iam::111122223333:user/alice"),
		AccountID: "111122223333", UserID: "AIDAEXAMPLEALICE0001", UserName: "alice",
		Tags: map[string]string{"team": "ml", "CostCenter": "42"}}
	p.finish()
	return p
}

func testSession() *Principal {
	p := &Principal{Type: PrincipalAssumedRole, ARN: MustParseARN("arn:aws:sts::111122223333:assumed-role/Trainer/job-1"),
		AccountID: "111122223333", UserID: "AROAEXAMPLETRAINER01:job-1",
		RoleARN: MustParseARN("arn:aws:iam::111122223333:role/Trainer"), SessionName: "job-1",
		Tags: map[string]string{"team": "ml"}}
	p.finish()
	return p
}

// stmt wraps statement JSON into a 2012-10-17 policy.
func stmt(s string) string { return `{"Version":"2012-10-17","Statement":[` + s + `]}` }

type evalCase struct {
	name   string
	cite   string
	policy string
	action string
	res    string
	ctx    map[string][]string
	p      *Principal
	when   time.Time
	want   Outcome
}

func runEvalCases(t *testing.T, cases []evalCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pol, err := ParsePolicy(tc.policy)
			if err != nil {
				t.Fatalf("%s: parse: %v", tc.cite, err)
			}
			p := tc.p
			if p == nil {
				p = testUser()
			}
			var res ARN
			if tc.res != "" {
				res = MustParseARN(tc.res)
			}
			req := &Request{Principal: p, Action: tc.action, Resource: res, Context: tc.ctx, Time: tc.when}
			if got := pol.Evaluate(req); got != tc.want {
				t.Errorf("%s: got %v, want %v\npolicy %s\naction %s resource %s ctx %v", tc.cite, got, tc.want, tc.policy, tc.action, tc.res, tc.ctx)
			}
		})
	}
}

func TestEvaluateActionAndResource(t *testing.T) {
	allowGet := stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`)
	runEvalCases(t, []evalCase{
		{"action exact", "[Action]", allowGet, "s3:GetObject", "arn:aws:s3:::b/k", nil, nil, time.Time{}, Allowed},
		{"action names are case-insensitive", "[Action]", allowGet, "S3:getobject", "arn:aws:s3:::b/k", nil, nil, time.Time{}, Allowed},
		{"action prefix must match the service", "[Action]", allowGet, "s3x:GetObject", "arn:aws:s3:::b/k", nil, nil, time.Time{}, NotApplicable},
		{"action wildcard suffix", "[Action]", stmt(`{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}`), "s3:GetObjectAcl", "arn:aws:s3:::b/k", nil, nil, time.Time{}, Allowed},
		{"action wildcard in the middle", "[Action]", stmt(`{"Effect":"Allow","Action":"iam:*AccessKey*","Resource":"*"}`), "iam:CreateAccessKey", "arn:aws:iam::111122223333:user/bob", nil, nil, time.Time{}, Allowed},
		{"action ? matches one character", "[Action]", stmt(`{"Effect":"Allow","Action":"s3:?etObject","Resource":"*"}`), "s3:GetObject", "arn:aws:s3:::b/k", nil, nil, time.Time{}, Allowed},
		{"action ? needs exactly one character", "[Action]", stmt(`{"Effect":"Allow","Action":"s3:?GetObject","Resource":"*"}`), "s3:GetObject", "arn:aws:s3:::b/k", nil, nil, time.Time{}, NotApplicable},
		{"bare * matches every action", "[Action]", stmt(`{"Effect":"Allow","Action":"*","Resource":"*"}`), "ec2:RunInstances", "arn:aws:ec2:us-east-1:111122223333:instance/*", nil, nil, time.Time{}, Allowed},
		{"action list is OR", "[Action]", stmt(`{"Effect":"Allow","Action":["s3:PutObject","s3:GetObject"],"Resource":"*"}`), "s3:GetObject", "arn:aws:s3:::b/k", nil, nil, time.Time{}, Allowed},
		{"NotAction allows everything else", "[NotAction]", stmt(`{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}`), "s3:GetObject", "arn:aws:s3:::b/k", nil, nil, time.Time{}, Allowed},
		{"NotAction excludes the listed", "[NotAction]", stmt(`{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}`), "iam:CreateUser", "arn:aws:iam::111122223333:user/x", nil, nil, time.Time{}, NotApplicable},
		{"NotAction is case-insensitive too", "[NotAction]", stmt(`{"Effect":"Allow","NotAction":"IAM:*","Resource":"*"}`), "iam:CreateUser", "arn:aws:iam::111122223333:user/x", nil, nil, time.Time{}, NotApplicable},
		{"resource ARNs are case-sensitive", "[Resource]", allowGet, "s3:GetObject", "arn:aws:s3:::B/k", nil, nil, time.Time{}, NotApplicable},
		{"* in a resource matches across /", "[Resource]", allowGet, "s3:GetObject", "arn:aws:s3:::b/a/b/c.txt", nil, nil, time.Time{}, Allowed},
		{"b/* does not match the bucket itself", "[Resource]", allowGet, "s3:GetObject", "arn:aws:s3:::b", nil, nil, time.Time{}, NotApplicable},
		{"b/* does not match bucket bb", "[Resource]", allowGet, "s3:GetObject", "arn:aws:s3:::bb/k", nil, nil, time.Time{}, NotApplicable},
		{"resource ? is one character", "[Resource]", stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/file?.txt"}`), "s3:GetObject", "arn:aws:s3:::b/file1.txt", nil, nil, time.Time{}, Allowed},
		{"resource ? is not two characters", "[Resource]", stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/file?.txt"}`), "s3:GetObject", "arn:aws:s3:::b/file12.txt", nil, nil, time.Time{}, NotApplicable},
		{"wildcard in region and account segments", "[Resource]", stmt(`{"Effect":"Allow","Action":"ec2:*","Resource":"arn:aws:ec2:*:*:instance/*"}`), "ec2:StopInstances", "arn:aws:ec2:eu-west-1:111122223333:instance/i-0abc", nil, nil, time.Time{}, Allowed},
		{"a segment wildcard stays in its segment", "[Resource]", stmt(`{"Effect":"Allow","Action":"ec2:*","Resource":"arn:aws:ec2:us-*:111122223333:instance/*"}`), "ec2:StopInstances", "arn:aws:ec2:eu-west-1:111122223333:instance/i-0abc", nil, nil, time.Time{}, NotApplicable},
		{"trailing * may expand across colons", "[Resource]", stmt(`{"Effect":"Allow","Action":"ec2:*","Resource":"arn:aws:ec2:*"}`), "ec2:StopInstances", "arn:aws:ec2:eu-west-1:111122223333:instance/i-0abc", nil, nil, time.Time{}, Allowed},
		{"short ARN: missing sections match anything", "[Resource]", stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3"}`), "s3:GetObject", "arn:aws:s3:::b/k", nil, nil, time.Time{}, Allowed},
		{"short ARN: given sections still compared", "[Resource]", stmt(`{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3"}`), "ec2:RunInstances", "arn:aws:ec2:us-east-1:111122223333:instance/i-1", nil, nil, time.Time{}, NotApplicable},
		{"service section is not case-sensitive", "[Resource]", stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:AWS:S3:::b/*"}`), "s3:GetObject", "arn:aws:s3:::b/k", nil, nil, time.Time{}, Allowed},
		{"resource list is OR", "[Resource]", stmt(`{"Effect":"Allow","Action":"s3:*","Resource":["arn:aws:s3:::a","arn:aws:s3:::b"]}`), "s3:ListBucket", "arn:aws:s3:::b", nil, nil, time.Time{}, Allowed},
		{"IAM path wildcard", "[Resource]", stmt(`{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::111122223333:user/division_abc/*"}`), "iam:GetUser", "arn:aws:iam::111122223333:user/division_abc/subdivision_xyz/Bob", nil, nil, time.Time{}, Allowed},
		{"NotResource applies to every other resource", "[NotRes]", stmt(`{"Effect":"Deny","Action":"s3:*","NotResource":["arn:aws:s3:::hr","arn:aws:s3:::hr/*"]}`), "s3:GetObject", "arn:aws:s3:::other/k", nil, nil, time.Time{}, Denied},
		{"NotResource skips the listed", "[NotRes]", stmt(`{"Effect":"Deny","Action":"s3:*","NotResource":["arn:aws:s3:::hr","arn:aws:s3:::hr/*"]}`), "s3:GetObject", "arn:aws:s3:::hr/k", nil, nil, time.Time{}, NotApplicable},
		{"explicit deny beats allow in one policy", "[Logic]", stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}`), "s3:DeleteBucket", "arn:aws:s3:::b", nil, nil, time.Time{}, Denied},
		{"deny order does not matter", "[Logic]", stmt(`{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"},{"Effect":"Allow","Action":"s3:*","Resource":"*"}`), "s3:DeleteBucket", "arn:aws:s3:::b", nil, nil, time.Time{}, Denied},
		{"no matching statement is NotApplicable (implicit deny)", "[Logic]", allowGet, "s3:PutObject", "arn:aws:s3:::b/k", nil, nil, time.Time{}, NotApplicable},
		{"Statement as a single object", "[Logic]", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`, "s3:GetObject", "arn:aws:s3:::b/k", nil, nil, time.Time{}, Allowed},
	})
}

func TestEvaluateConditionOperators(t *testing.T) {
	c := func(op, key, vals string) string {
		return stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"` + op + `":{"` + key + `":` + vals + `}}}`)
	}
	ctx := func(kv ...string) map[string][]string {
		m := map[string][]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = append(m[kv[i]], kv[i+1])
		}
		return m
	}
	res := "arn:aws:s3:::b/k"
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	runEvalCases(t, []evalCase{
		// String operators.
		{"StringEquals match", "[Ops] String", c("StringEquals", "aws:SourceVpce", `"vpce-1"`), "s3:GetObject", res, ctx("aws:SourceVpce", "vpce-1"), nil, at, Allowed},
		{"StringEquals is case-sensitive", "[Ops] String", c("StringEquals", "aws:SourceVpce", `"VPCE-1"`), "s3:GetObject", res, ctx("aws:SourceVpce", "vpce-1"), nil, at, NotApplicable},
		{"StringEquals treats * literally", "[Ops] String", c("StringEquals", "s3:prefix", `"home/*"`), "s3:GetObject", res, ctx("s3:prefix", "home/x"), nil, at, NotApplicable},
		{"condition key names are case-insensitive", "[Ops] String", c("StringEquals", "AWS:SOURCEVPCE", `"vpce-1"`), "s3:GetObject", res, ctx("aws:SourceVpce", "vpce-1"), nil, at, Allowed},
		{"StringEquals with the key absent is false", "[Ops] (key not present)", c("StringEquals", "aws:SourceVpce", `"vpce-1"`), "s3:GetObject", res, nil, nil, at, NotApplicable},
		{"StringNotEquals with the key absent is true", "[Ops] (key not present, negated)", c("StringNotEquals", "aws:SourceVpce", `"vpce-1"`), "s3:GetObject", res, nil, nil, at, Allowed},
		{"StringNotEquals list is NOR: one equal value fails", "[Multi] negated NOR", c("StringNotEquals", "aws:RequestedRegion", `["us-east-1","eu-west-1"]`), "s3:GetObject", res, ctx("aws:RequestedRegion", "eu-west-1"), nil, at, NotApplicable},
		{"StringNotEquals list is NOR: no equal value holds", "[Multi] negated NOR", c("StringNotEquals", "aws:RequestedRegion", `["us-east-1","eu-west-1"]`), "s3:GetObject", res, ctx("aws:RequestedRegion", "ap-south-1"), nil, at, Allowed},
		{"StringEquals list is OR", "[Multi] OR", c("StringEquals", "aws:RequestedRegion", `["us-east-1","eu-west-1"]`), "s3:GetObject", res, ctx("aws:RequestedRegion", "eu-west-1"), nil, at, Allowed},
		{"StringEqualsIgnoreCase", "[Ops] String", c("StringEqualsIgnoreCase", "aws:PrincipalTag/team", `"ML"`), "s3:GetObject", res, nil, nil, at, Allowed},
		{"StringNotEqualsIgnoreCase", "[Ops] String", c("StringNotEqualsIgnoreCase", "aws:PrincipalTag/team", `"ML"`), "s3:GetObject", res, nil, nil, at, NotApplicable},
		{"StringLike with *", "[Ops] String", c("StringLike", "s3:prefix", `"home/alice/*"`), "s3:GetObject", res, ctx("s3:prefix", "home/alice/docs/x"), nil, at, Allowed},
		{"StringLike with ?", "[Ops] String", c("StringLike", "s3:prefix", `"v?"`), "s3:GetObject", res, ctx("s3:prefix", "v2"), nil, at, Allowed},
		{"StringLike needs a wildcard for partial matches", "[Ops] String", c("StringLike", "s3:prefix", `"home/"`), "s3:GetObject", res, ctx("s3:prefix", "home/alice"), nil, at, NotApplicable},
		{"StringNotLike with the key absent is true", "[Ops] (key not present, negated)", c("StringNotLike", "s3:prefix", `"home/*"`), "s3:GetObject", res, nil, nil, at, Allowed},
		{"StringNotLike matching value", "[Ops] String", c("StringNotLike", "s3:prefix", `"home/*"`), "s3:GetObject", res, ctx("s3:prefix", "home/x"), nil, at, NotApplicable},
		{"empty-string value still present", "[Ops] String", c("StringEquals", "s3:prefix", `""`), "s3:GetObject", res, ctx("s3:prefix", ""), nil, at, Allowed},
		// Numeric.
		{"NumericLessThanEquals", "[Ops] Numeric", c("NumericLessThanEquals", "s3:max-keys", `"10"`), "s3:GetObject", res, ctx("s3:max-keys", "10"), nil, at, Allowed},
		{"NumericLessThan boundary", "[Ops] Numeric", c("NumericLessThan", "s3:max-keys", `10`), "s3:GetObject", res, ctx("s3:max-keys", "10"), nil, at, NotApplicable},
		{"NumericGreaterThan", "[Ops] Numeric", c("NumericGreaterThan", "s3:max-keys", `"10"`), "s3:GetObject", res, ctx("s3:max-keys", "11"), nil, at, Allowed},
		{"NumericEquals compares numbers, not text", "[Ops] Numeric", c("NumericEquals", "s3:max-keys", `"10"`), "s3:GetObject", res, ctx("s3:max-keys", "10.0"), nil, at, Allowed},
		{"NumericNotEquals absent key is true", "[Ops] (key not present, negated)", c("NumericNotEquals", "s3:max-keys", `"10"`), "s3:GetObject", res, nil, nil, at, Allowed},
		{"non-numeric request value never matches", "[Ops] Numeric", c("NumericGreaterThanEquals", "s3:max-keys", `"0"`), "s3:GetObject", res, ctx("s3:max-keys", "many"), nil, at, NotApplicable},
		// Date.
		{"DateLessThan aws:CurrentTime", "[Ops] Date", c("DateLessThan", "aws:CurrentTime", `"2026-06-30T00:00:00Z"`), "s3:GetObject", res, nil, nil, at, Allowed},
		{"DateGreaterThan aws:CurrentTime", "[Ops] Date", c("DateGreaterThan", "aws:CurrentTime", `"2026-06-30T00:00:00Z"`), "s3:GetObject", res, nil, nil, at, NotApplicable},
		{"Date with epoch seconds", "[Ops] Date", c("DateGreaterThanEquals", "aws:EpochTime", `"1772366400"`), "s3:GetObject", res, nil, nil, at, Allowed},
		{"Date request value in epoch form", "[Ops] Date", c("DateLessThan", "aws:TokenIssueTime", `"2026-01-01"`), "s3:GetObject", res, nil, nil, at, NotApplicable},
		{"DateEquals date-only value", "[Ops] Date", c("DateEquals", "s3:object-lock-retain-until-date", `"2026-03-01"`), "s3:GetObject", res, ctx("s3:object-lock-retain-until-date", "2026-03-01T00:00:00Z"), nil, at, Allowed},
		// Bool.
		{"Bool false matches aws:SecureTransport false", "[Ops] Boolean", c("Bool", "aws:SecureTransport", `"false"`), "s3:GetObject", res, ctx("aws:SecureTransport", "false"), nil, at, Allowed},
		{"Bool JSON boolean value", "[Ops] Boolean", c("Bool", "aws:SecureTransport", `true`), "s3:GetObject", res, ctx("aws:SecureTransport", "true"), nil, at, Allowed},
		{"Bool with the key absent is false", "[Ops] Boolean", c("Bool", "aws:SecureTransport", `"false"`), "s3:GetObject", res, nil, nil, at, NotApplicable},
		{"BoolIfExists with the key absent is true", "[Ops] ...IfExists", c("BoolIfExists", "aws:MultiFactorAuthPresent", `"false"`), "s3:GetObject", res, nil, nil, at, Allowed},
		// Binary.
		{"BinaryEquals", "[Ops] Binary", c("BinaryEquals", "key", `"QmluYXJ5VmFsdWVJbkJhc2U2NA=="`), "s3:GetObject", res, ctx("key", "QmluYXJ5VmFsdWVJbkJhc2U2NA=="), nil, at, Allowed},
		// IP.
		{"IpAddress CIDR", "[Ops] IP address", c("IpAddress", "aws:SourceIp", `"203.0.113.0/24"`), "s3:GetObject", res, ctx("aws:SourceIp", "203.0.113.9"), nil, at, Allowed},
		{"IpAddress outside", "[Ops] IP address", c("IpAddress", "aws:SourceIp", `"203.0.113.0/24"`), "s3:GetObject", res, ctx("aws:SourceIp", "198.51.100.1"), nil, at, NotApplicable},
		{"IpAddress single address", "[Ops] IP address", c("IpAddress", "aws:SourceIp", `"203.0.113.9"`), "s3:GetObject", res, ctx("aws:SourceIp", "203.0.113.9"), nil, at, Allowed},
		{"IpAddress IPv6", "[Ops] IP address", c("IpAddress", "aws:SourceIp", `"2001:DB8:1234:5678::/64"`), "s3:GetObject", res, ctx("aws:SourceIp", "2001:db8:1234:5678::1"), nil, at, Allowed},
		{"NotIpAddress outside holds", "[Ops] IP address", c("NotIpAddress", "aws:SourceIp", `["192.0.2.0/24","203.0.113.0/24"]`), "s3:GetObject", res, ctx("aws:SourceIp", "198.51.100.1"), nil, at, Allowed},
		{"NotIpAddress inside fails", "[Ops] IP address", c("NotIpAddress", "aws:SourceIp", `["192.0.2.0/24","203.0.113.0/24"]`), "s3:GetObject", res, ctx("aws:SourceIp", "192.0.2.7"), nil, at, NotApplicable},
		{"NotIpAddress absent key is true", "[Ops] (key not present, negated)", c("NotIpAddress", "aws:SourceIp", `"192.0.2.0/24"`), "s3:GetObject", res, nil, nil, at, Allowed},
		// ARN.
		{"ArnLike on aws:PrincipalArn", "[Ops] ARN", c("ArnLike", "aws:PrincipalArn", `"arn:aws:iam::111122223333:user/*"`), "s3:GetObject", res, nil, nil, at, Allowed},
		{"ArnEquals on a role session uses the role ARN", "[Ops] ARN", c("ArnEquals", "aws:PrincipalArn", `"arn:aws:iam::111122223333:role/Trainer"`), "s3:GetObject", res, nil, testSession(), at, Allowed},
		{"ArnLike wildcard in account segment", "[Ops] ARN", c("ArnLike", "aws:SourceArn", `"arn:aws:sns:us-east-1:*:topic"`), "s3:GetObject", res, ctx("aws:SourceArn", "arn:aws:sns:us-east-1:444455556666:topic"), nil, at, Allowed},
		{"ArnLike segment wildcard does not span colons", "[Ops] ARN", c("ArnLike", "aws:SourceArn", `"arn:aws:sns:us-*:444455556666:topic"`), "s3:GetObject", res, ctx("aws:SourceArn", "arn:aws:sns:eu-west-1:444455556666:topic"), nil, at, NotApplicable},
		{"ArnLike is case-sensitive in the service section", "[Ops] ARN", c("ArnLike", "aws:SourceArn", `"arn:aws:SNS:us-east-1:*:topic"`), "s3:GetObject", res, ctx("aws:SourceArn", "arn:aws:sns:us-east-1:444455556666:topic"), nil, at, NotApplicable},
		{"ArnEquals is case-sensitive in the region section", "[Ops] ARN", c("ArnEquals", "aws:SourceArn", `"arn:aws:sns:US-EAST-1:444455556666:topic"`), "s3:GetObject", res, ctx("aws:SourceArn", "arn:aws:sns:us-east-1:444455556666:topic"), nil, at, NotApplicable},
		{"ArnNotLike: a different-case ARN is not like", "[Ops] ARN", c("ArnNotLike", "aws:SourceArn", `"arn:aws:SNS:*"`), "s3:GetObject", res, ctx("aws:SourceArn", "arn:aws:sns:us-east-1:444455556666:topic"), nil, at, Allowed},
		{"ArnNotEquals absent key is true", "[Ops] (key not present, negated)", c("ArnNotEquals", "aws:SourceArn", `"arn:aws:sns:us-east-1:1:t"`), "s3:GetObject", res, nil, nil, at, Allowed},
		// IfExists and Null.
		{"StringEqualsIfExists absent key is true", "[Ops] ...IfExists", c("StringEqualsIfExists", "ec2:InstanceType", `"t3.micro"`), "s3:GetObject", res, nil, nil, at, Allowed},
		{"StringEqualsIfExists present key is checked", "[Ops] ...IfExists", c("StringEqualsIfExists", "ec2:InstanceType", `"t3.micro"`), "s3:GetObject", res, ctx("ec2:InstanceType", "p4d.24xlarge"), nil, at, NotApplicable},
		{"StringNotEqualsIfExists absent key is true", "[Ops] ...IfExists", c("StringNotEqualsIfExists", "ec2:InstanceType", `"t3.micro"`), "s3:GetObject", res, nil, nil, at, Allowed},
		{"Null true: key absent", "[Ops] Null", c("Null", "aws:TokenIssueTime", `"true"`), "s3:GetObject", res, nil, nil, at, Allowed},
		{"Null true: key present fails", "[Ops] Null", c("Null", "aws:TokenIssueTime", `"true"`), "s3:GetObject", res, nil, func() *Principal { p := testSession(); p.TokenIssueTime = at; return p }(), at, NotApplicable},
		{"Null false: key present", "[Ops] Null", c("Null", "aws:SourceVpce", `"false"`), "s3:GetObject", res, ctx("aws:SourceVpce", "vpce-1"), nil, at, Allowed},
		{"Null false: key absent fails", "[Ops] Null", c("Null", "aws:SourceVpce", `"false"`), "s3:GetObject", res, nil, nil, at, NotApplicable},
		// Several keys and operators.
		{"two keys under one operator are AND (both hold)", "[Multi] AND", stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1","aws:PrincipalTag/team":"ml"}}}`), "s3:GetObject", res, ctx("aws:SourceVpce", "vpce-1"), nil, at, Allowed},
		{"two keys under one operator are AND (one fails)", "[Multi] AND", stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1","aws:PrincipalTag/team":"web"}}}`), "s3:GetObject", res, ctx("aws:SourceVpce", "vpce-1"), nil, at, NotApplicable},
		{"two operators are AND", "[Multi] AND", stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1"},"Bool":{"aws:SecureTransport":"true"}}}`), "s3:GetObject", res, ctx("aws:SourceVpce", "vpce-1", "aws:SecureTransport", "false"), nil, at, NotApplicable},
		{"deny unless TLS (Bool false with key false)", "[Ops] Boolean", stmt(`{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`), "s3:GetObject", res, ctx("aws:SecureTransport", "false"), nil, at, Denied},
		{"global keys: aws:username", "[Ops] String", c("StringEquals", "aws:username", `"alice"`), "s3:GetObject", res, nil, nil, at, Allowed},
		{"aws:username absent for a role session", "[Ops] String", c("StringEquals", "aws:username", `"job-1"`), "s3:GetObject", res, nil, testSession(), at, NotApplicable},
		{"aws:userid of a role session", "[Ops] String", c("StringLike", "aws:userid", `"AROAEXAMPLETRAINER01:*"`), "s3:GetObject", res, nil, testSession(), at, Allowed},
		{"aws:PrincipalType", "[Ops] String", c("StringEquals", "aws:PrincipalType", `"AssumedRole"`), "s3:GetObject", res, nil, testSession(), at, Allowed},
		{"principal tag keys are case-insensitive", "[Ops] String", c("StringEquals", "aws:PrincipalTag/costcenter", `"42"`), "s3:GetObject", res, nil, nil, at, Allowed},
		{"the caller cannot spoof aws:username", "[Ops] String", c("StringEquals", "aws:username", `"root"`), "s3:GetObject", res, ctx("aws:username", "root"), nil, at, NotApplicable},
	})
}

func TestEvaluateSetOperators(t *testing.T) {
	c := func(op, vals string) string {
		return stmt(`{"Effect":"Allow","Action":"iam:TagUser","Resource":"*","Condition":{"` + op + `":{"aws:TagKeys":` + vals + `}}}`)
	}
	tags := func(keys ...string) map[string][]string { return map[string][]string{"aws:TagKeys": keys} }
	res := "arn:aws:iam::111122223333:user/bob"
	runEvalCases(t, []evalCase{
		{"ForAllValues: every value in the set", "[Sets] ForAllValues", c("ForAllValues:StringEquals", `["environment","cost-center"]`), "iam:TagUser", res, tags("environment"), nil, time.Time{}, Allowed},
		{"ForAllValues: one value outside", "[Sets] ForAllValues", c("ForAllValues:StringEquals", `["environment","cost-center"]`), "iam:TagUser", res, tags("environment", "owner"), nil, time.Time{}, NotApplicable},
		{"ForAllValues: key absent is true", "[Sets] ForAllValues", c("ForAllValues:StringEquals", `["environment"]`), "iam:TagUser", res, nil, nil, time.Time{}, Allowed},
		{"ForAllValues: empty set is true", "[Sets] ForAllValues", c("ForAllValues:StringEquals", `["environment"]`), "iam:TagUser", res, tags(), nil, time.Time{}, Allowed},
		{"ForAnyValue: one value in the set", "[Sets] ForAnyValue", c("ForAnyValue:StringEquals", `["environment","cost-center"]`), "iam:TagUser", res, tags("owner", "cost-center"), nil, time.Time{}, Allowed},
		{"ForAnyValue: none in the set", "[Sets] ForAnyValue", c("ForAnyValue:StringEquals", `["environment"]`), "iam:TagUser", res, tags("owner"), nil, time.Time{}, NotApplicable},
		{"ForAnyValue: key absent is false", "[Sets] ForAnyValue", c("ForAnyValue:StringEquals", `["environment"]`), "iam:TagUser", res, nil, nil, time.Time{}, NotApplicable},
		{"ForAnyValue: empty set is false", "[Sets] ForAnyValue", c("ForAnyValue:StringEquals", `["environment"]`), "iam:TagUser", res, tags(), nil, time.Time{}, NotApplicable},
		{"ForAllValues:StringNotLike key1* with key1:legal does not match", "[Sets] example DenyRestrictedTags", c("ForAllValues:StringNotLike", `"key1*"`), "iam:TagUser", res, tags("key1:legal"), nil, time.Time{}, NotApplicable},
		{"ForAllValues:StringNotLike key1* with key2:audit matches", "[Sets] example DenyRestrictedTags", c("ForAllValues:StringNotLike", `"key1*"`), "iam:TagUser", res, tags("key2:audit"), nil, time.Time{}, Allowed},
		{"ForAllValues:StringNotLike key absent matches", "[Sets] example DenyRestrictedTags", c("ForAllValues:StringNotLike", `"key1*"`), "iam:TagUser", res, nil, nil, time.Time{}, Allowed},
		{"ForAllValues:StringNotLike mixed values do not match", "[Sets] negated per value", c("ForAllValues:StringNotLike", `"key1*"`), "iam:TagUser", res, tags("key1:hr", "key2:audit"), nil, time.Time{}, NotApplicable},
		{"ForAnyValue:StringNotEquals: one value outside", "[Sets] negated per value", c("ForAnyValue:StringNotEquals", `["environment"]`), "iam:TagUser", res, tags("environment", "owner"), nil, time.Time{}, Allowed},
		{"ForAnyValue:StringNotEquals: all inside", "[Sets] negated per value", c("ForAnyValue:StringNotEquals", `["environment","owner"]`), "iam:TagUser", res, tags("environment", "owner"), nil, time.Time{}, NotApplicable},
		{"ForAnyValue:StringLike wildcard", "[Sets] ForAnyValue", c("ForAnyValue:StringLike", `"cost*"`), "iam:TagUser", res, tags("owner", "cost-center"), nil, time.Time{}, Allowed},
		{"ForAnyValue:StringEqualsIfExists absent is true", "[Ops] ...IfExists", c("ForAnyValue:StringEqualsIfExists", `"environment"`), "iam:TagUser", res, nil, nil, time.Time{}, Allowed},
		{"bare operator on a multivalued key does not match", "[Sets] set operator required", c("StringEquals", `["environment","owner"]`), "iam:TagUser", res, tags("environment", "owner"), nil, time.Time{}, NotApplicable},
		{"bare negated operator on a multivalued key does not match", "[Sets] set operator required", c("StringNotEquals", `"x"`), "iam:TagUser", res, tags("environment", "owner"), nil, time.Time{}, NotApplicable},
		{"bare operator on aws:TagKeys with one value does not match", "[Sets] set operator required", c("StringEquals", `"environment"`), "iam:TagUser", res, tags("environment"), nil, time.Time{}, NotApplicable},
		{"bare operator on a documented multivalued key, absent, negated", "[Ops] (key not present, negated)", c("StringNotEquals", `"environment"`), "iam:TagUser", res, nil, nil, time.Time{}, Allowed},
	})
}

func TestEvaluatePolicyVariables(t *testing.T) {
	home := `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/home/${aws:username}/*"}`
	v12 := `{"Version":"2012-10-17","Statement":[` + home + `]}`
	runEvalCases(t, []evalCase{
		{"variable substituted", "[Vars] Using variables", v12, "s3:GetObject", "arn:aws:s3:::b/home/alice/notes.txt", nil, nil, time.Time{}, Allowed},
		{"variable is the caller's, not another's", "[Vars] Using variables", v12, "s3:GetObject", "arn:aws:s3:::b/home/bob/notes.txt", nil, nil, time.Time{}, NotApplicable},
		{"variable with no value matches nothing", "[Vars] Policy variables with no value", v12, "s3:GetObject", "arn:aws:s3:::b/home/job-1/notes.txt", nil, testSession(), time.Time{}, NotApplicable},
		{"variable with no value: not even an empty segment", "[Vars] Policy variables with no value", v12, "s3:GetObject", "arn:aws:s3:::b/home//notes.txt", nil, testSession(), time.Time{}, NotApplicable},
		{"Version absent: ${...} is literal", "[Version]", `{"Statement":[` + home + `]}`, "s3:GetObject", "arn:aws:s3:::b/home/alice/notes.txt", nil, nil, time.Time{}, NotApplicable},
		{"Version absent: literal text matches itself", "[Version]", `{"Statement":[` + home + `]}`, "s3:GetObject", "arn:aws:s3:::b/home/${aws:username}/x", nil, nil, time.Time{}, Allowed},
		{"Version 2008-10-17: literal", "[Version]", `{"Version":"2008-10-17","Statement":[` + home + `]}`, "s3:GetObject", "arn:aws:s3:::b/home/alice/notes.txt", nil, nil, time.Time{}, NotApplicable},
		{"principal tag as a variable", "[Vars] Tags as policy variables", stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:PrincipalTag/team}/*"}`), "s3:GetObject", "arn:aws:s3:::b/ml/data", nil, nil, time.Time{}, Allowed},
		{"default value used when missing", "[Vars] Specifying default values", stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:PrincipalTag/dept, 'company-wide'}/*"}`), "s3:GetObject", "arn:aws:s3:::b/company-wide/x", nil, nil, time.Time{}, Allowed},
		{"default value ignored when present", "[Vars] Specifying default values", stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:PrincipalTag/team, 'company-wide'}/*"}`), "s3:GetObject", "arn:aws:s3:::b/company-wide/x", nil, nil, time.Time{}, NotApplicable},
		{"${*} is a literal star", "[Vars] special characters", stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${*}"}`), "s3:GetObject", "arn:aws:s3:::b/*", nil, nil, time.Time{}, Allowed},
		{"${*} does not act as a wildcard", "[Vars] special characters", stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${*}"}`), "s3:GetObject", "arn:aws:s3:::b/anything", nil, nil, time.Time{}, NotApplicable},
		{"${?} and ${$} are literal", "[Vars] special characters", stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${?}${$}"}`), "s3:GetObject", "arn:aws:s3:::b/?$", nil, nil, time.Time{}, Allowed},
		{"variable in a condition value", "[Vars] Where you can use", stmt(`{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"StringLike":{"s3:prefix":["home/${aws:username}/*"]}}}`), "s3:ListBucket", "arn:aws:s3:::b", map[string][]string{"s3:prefix": {"home/alice/docs"}}, nil, time.Time{}, Allowed},
		{"variable in a condition value, other prefix", "[Vars] Where you can use", stmt(`{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"StringLike":{"s3:prefix":["home/${aws:username}/*"]}}}`), "s3:ListBucket", "arn:aws:s3:::b", map[string][]string{"s3:prefix": {"home/bob/"}}, nil, time.Time{}, NotApplicable},
		// A variable's key has a colon of its own; it must not split the ARN
		// into sections ("Where you can use policy variables": Resource
		// element, any part of the ARN).
		{"variable in the account section", "[Vars] Where you can use", stmt(`{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::${aws:PrincipalAccount}:user/*"}`), "iam:GetUser", "arn:aws:iam::111122223333:user/bob", nil, nil, time.Time{}, Allowed},
		{"variable in the account section, other account", "[Vars] Where you can use", stmt(`{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::${aws:PrincipalAccount}:user/*"}`), "iam:GetUser", "arn:aws:iam::444455556666:user/bob", nil, nil, time.Time{}, NotApplicable},
		{"variables in region and account sections", "[Vars] Where you can use", stmt(`{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:${aws:RequestedRegion}:${aws:PrincipalAccount}:jobs"}`), "sqs:SendMessage", "arn:aws:sqs:eu-west-1:111122223333:jobs", map[string][]string{"aws:RequestedRegion": {"eu-west-1"}}, nil, time.Time{}, Allowed},
		{"variable in an ArnLike value's account section", "[Vars] Where you can use", stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:${aws:PrincipalAccount}:*"}}}`), "s3:GetObject", "arn:aws:s3:::b/k", map[string][]string{"aws:SourceArn": {"arn:aws:sns:us-east-1:111122223333:topic"}}, nil, time.Time{}, Allowed},
		{"2008-10-17: ${...} colon is a section separator", "[Version]", `{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::${aws:PrincipalAccount}:user/*"}]}`, "iam:GetUser", "arn:aws:iam::111122223333:user/bob", nil, nil, time.Time{}, NotApplicable},
		{"multivalued key cannot be a variable", "[Sets] policy variables", stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:TagKeys}"}`), "s3:GetObject", "arn:aws:s3:::b/a", map[string][]string{"aws:TagKeys": {"a", "b"}}, nil, time.Time{}, NotApplicable},
	})
}

// TestTrainingBucketReadWrite checks the read/write policy for a training
// bucket: ListBucket needs the bucket ARN, object actions the object ARNs
// (Amazon S3 User Guide, "Policy actions for Amazon S3": bucket operations
// vs object operations).
func TestTrainingBucketReadWrite(t *testing.T) {
	good := MustParsePolicy(`{
	  "Version": "2012-10-17",
	  "Statement": [
	    {"Sid": "ListTheBucket", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::training-data"},
	    {"Sid": "ReadWriteObjects", "Effect": "Allow",
	     "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
	     "Resource": "arn:aws:s3:::training-data/*"}
	  ]}`)
	// The classic mistake: ListBucket on the object ARNs only.
	bad := MustParsePolicy(`{
	  "Version": "2012-10-17",
	  "Statement": [
	    {"Sid": "ReadWrite", "Effect": "Allow",
	     "Action": ["s3:ListBucket", "s3:GetObject", "s3:PutObject"],
	     "Resource": "arn:aws:s3:::training-data/*"}
	  ]}`)
	p := testUser()
	bucket := MustParseARN("arn:aws:s3:::training-data")
	obj := MustParseARN("arn:aws:s3:::training-data/checkpoints/epoch-3.pt")
	cases := []struct {
		pol    *Policy
		action string
		res    ARN
		want   bool
	}{
		{good, "s3:ListBucket", bucket, true},
		{good, "s3:GetObject", obj, true},
		{good, "s3:PutObject", obj, true},
		{good, "s3:DeleteObject", obj, true},
		{good, "s3:ListBucket", obj, false},   // ListBucket on an object ARN matches nothing
		{good, "s3:GetObject", bucket, false}, // and GetObject on the bucket ARN neither
		{good, "s3:DeleteBucket", bucket, false},
		{good, "s3:GetObject", MustParseARN("arn:aws:s3:::training-data-2/x"), false},
		{bad, "s3:GetObject", obj, true},
		{bad, "s3:ListBucket", bucket, false},
	}
	for _, c := range cases {
		d := Authorize(&Request{Principal: p, Action: c.action, Resource: c.res, ResourceAccount: p.AccountID}, []*Policy{c.pol}, nil, nil)
		if d.Allowed != c.want {
			t.Errorf("%s on %s: allowed=%v, want %v\n%s", c.action, c.res, d.Allowed, c.want, d.Explain())
		}
	}
	d := Authorize(&Request{Principal: p, Action: "s3:ListBucket", Resource: bucket, ResourceAccount: p.AccountID}, []*Policy{bad}, nil, nil)
	ex := d.Explain()
	for _, want := range []string{
		"ListBucket applies to the bucket ARN arn:aws:s3:::training-data, not to objects",
		`Add "arn:aws:s3:::training-data" to the statement's Resource`,
		"DENY (implicit)",
	} {
		if !strings.Contains(ex, want) {
			t.Errorf("explanation lacks %q:\n%s", want, ex)
		}
	}
	wantMsg := "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: s3:ListBucket on resource: arn:aws:s3:::training-data because no identity-based policy allows the s3:ListBucket action"
	if d.Err() == nil || !strings.Contains(d.Err().Error(), wantMsg) {
		t.Errorf("error = %v\nwant it to contain %q", d.Err(), wantMsg)
	}
	// The converse mistake: GetObject granted on the bucket ARN only.
	onBucket := MustParsePolicy(stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::training-data"}`))
	d = Authorize(&Request{Principal: p, Action: "s3:GetObject", Resource: obj, ResourceAccount: p.AccountID}, []*Policy{onBucket}, nil, nil)
	if d.Allowed || !strings.Contains(d.Explain(), "GetObject applies to objects") {
		t.Errorf("GetObject on bucket ARN: allowed=%v\n%s", d.Allowed, d.Explain())
	}
}

// TestS3AllExceptDeleteBucket: "s3:*" plus an explicit Deny of
// s3:DeleteBucket ("Policy evaluation logic": an explicit deny overrides any
// allow), and the NotAction form of the same intent.
func TestS3AllExceptDeleteBucket(t *testing.T) {
	withDeny := MustParsePolicy(`{"Version":"2012-10-17","Statement":[
	  {"Sid":"AllS3","Effect":"Allow","Action":"s3:*","Resource":"*"},
	  {"Sid":"NoBucketDeletion","Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}]}`)
	notAction := MustParsePolicy(`{"Version":"2012-10-17","Statement":[
	  {"Effect":"Allow","NotAction":"s3:DeleteBucket","Resource":"arn:aws:s3:::*"}]}`)
	p := testUser()
	bucket := MustParseARN("arn:aws:s3:::b")
	for _, c := range []struct {
		action string
		res    ARN
		want   [2]bool // withDeny, notAction
	}{
		{"s3:GetObject", MustParseARN("arn:aws:s3:::b/k"), [2]bool{true, true}},
		{"s3:PutBucketPolicy", bucket, [2]bool{true, true}},
		{"s3:DeleteObject", MustParseARN("arn:aws:s3:::b/k"), [2]bool{true, true}},
		{"s3:DeleteBucket", bucket, [2]bool{false, false}},
		{"s3:deletebucket", bucket, [2]bool{false, false}}, // case-insensitive action
		{"ec2:RunInstances", MustParseARN("arn:aws:ec2:us-east-1:111122223333:instance/*"), [2]bool{false, false}},
	} {
		for i, pol := range []*Policy{withDeny, notAction} {
			d := Authorize(&Request{Principal: p, Action: c.action, Resource: c.res, ResourceAccount: p.AccountID}, []*Policy{pol}, nil, nil)
			if d.Allowed != c.want[i] {
				t.Errorf("policy %d, %s: allowed=%v want %v\n%s", i, c.action, d.Allowed, c.want[i], d.Explain())
			}
		}
	}
	d := Authorize(&Request{Principal: p, Action: "s3:DeleteBucket", Resource: bucket, ResourceAccount: p.AccountID}, []*Policy{withDeny}, nil, nil)
	if d.Reason != ExplicitDeny || d.Statement.Sid != "NoBucketDeletion" {
		t.Fatalf("reason %v statement %v", d.Reason, d.Statement)
	}
	if msg := d.Message(); !strings.HasSuffix(msg, "with an explicit deny in an identity-based policy") {
		t.Errorf("message %q", msg)
	}
	// With the NotAction form DeleteBucket is only implicitly denied: another
	// policy could still allow it.
	d = Authorize(&Request{Principal: p, Action: "s3:DeleteBucket", Resource: bucket, ResourceAccount: p.AccountID},
		[]*Policy{notAction, MustParsePolicy(stmt(`{"Effect":"Allow","Action":"s3:DeleteBucket","Resource":"*"}`))}, nil, nil)
	if !d.Allowed {
		t.Errorf("NotAction is not a deny; a second policy may allow:\n%s", d.Explain())
	}
}

package iam

// Principal matching in resource-based policies: IAM User Guide, "AWS JSON
// policy elements: Principal" and "AWS JSON policy elements: NotPrincipal".

import (
	"testing"
	"time"
)

func TestPrincipalElement(t *testing.T) {
	res := "arn:aws:s3:::b/k"
	pol := func(principal string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":` + principal + `,"Action":"s3:GetObject","Resource":"*"}]}`
	}
	other := &Principal{Type: PrincipalUser, ARN: MustParseARN("arn:aws:iam::444455556666:user/eve"), AccountID: "444455556666", UserName: "eve"}
	other.finish()
	cases := []evalCase{
		{"* matches anyone", "[Principal] anonymous", pol(`"*"`), "s3:GetObject", res, nil, AnonymousPrincipal(), time.Time{}, Allowed},
		{`{"AWS":"*"} matches anyone`, "[Principal] anonymous", pol(`{"AWS":"*"}`), "s3:GetObject", res, nil, AnonymousPrincipal(), time.Time{}, Allowed},
		{"account ID matches its users", "[Principal] AWS account", pol(`{"AWS":"111122223333"}`), "s3:GetObject", res, nil, nil, time.Time{}, Allowed},
		{"account root ARN matches its users", "[Principal] AWS account", pol(`{"AWS":"arn:aws:iam::111122223333:root"}`), "s3:GetObject", res, nil, nil, time.Time{}, Allowed},
		{"account root ARN matches its role sessions", "[Principal] AWS account", pol(`{"AWS":"arn:aws:iam::111122223333:root"}`), "s3:GetObject", res, nil, testSession(), time.Time{}, Allowed},
		{"another account does not match", "[Principal] AWS account", pol(`{"AWS":"111122223333"}`), "s3:GetObject", res, nil, other, time.Time{}, NotApplicable},
		{"user ARN", "[Principal] IAM user", pol(`{"AWS":"arn:aws:iam::111122223333:user/alice"}`), "s3:GetObject", res, nil, nil, time.Time{}, Allowed},
		{"user ARN of someone else", "[Principal] IAM user", pol(`{"AWS":"arn:aws:iam::111122223333:user/bob"}`), "s3:GetObject", res, nil, nil, time.Time{}, NotApplicable},
		{"role ARN matches its sessions", "[Principal] IAM role", pol(`{"AWS":"arn:aws:iam::111122223333:role/Trainer"}`), "s3:GetObject", res, nil, testSession(), time.Time{}, Allowed},
		{"session ARN", "[Principal] role session", pol(`{"AWS":"arn:aws:sts::111122223333:assumed-role/Trainer/job-1"}`), "s3:GetObject", res, nil, testSession(), time.Time{}, Allowed},
		{"other session of the same role", "[Principal] role session", pol(`{"AWS":"arn:aws:sts::111122223333:assumed-role/Trainer/job-2"}`), "s3:GetObject", res, nil, testSession(), time.Time{}, NotApplicable},
		{"service principal", "[Principal] AWS service", pol(`{"Service":"ec2.amazonaws.com"}`), "s3:GetObject", res, nil, ServicePrincipal("ec2.amazonaws.com"), time.Time{}, Allowed},
		{"service principal is not a user", "[Principal] AWS service", pol(`{"Service":"ec2.amazonaws.com"}`), "s3:GetObject", res, nil, nil, time.Time{}, NotApplicable},
		{"anonymous is not an account", "[Principal] anonymous", pol(`{"AWS":"111122223333"}`), "s3:GetObject", res, nil, AnonymousPrincipal(), time.Time{}, NotApplicable},
		{"user unique ID", "[Principal] unique IDs", pol(`{"AWS":"AIDAEXAMPLEALICE0001"}`), "s3:GetObject", res, nil, nil, time.Time{}, Allowed},
		{"role unique ID matches its sessions", "[Principal] unique IDs", pol(`{"AWS":"AROAEXAMPLETRAINER01"}`), "s3:GetObject", res, nil, testSession(), time.Time{}, Allowed},
		{"list of principals is OR", "[Principal]", pol(`{"AWS":["arn:aws:iam::111122223333:user/bob","arn:aws:iam::111122223333:user/alice"]}`), "s3:GetObject", res, nil, nil, time.Time{}, Allowed},
		{"NotPrincipal deny hits everyone else", "[NotPrincipal]", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"s3:*","Resource":"*"}]}`, "s3:GetObject", res, nil, other, time.Time{}, Denied},
		{"NotPrincipal deny spares the listed", "[NotPrincipal]", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"s3:*","Resource":"*"}]}`, "s3:GetObject", res, nil, nil, time.Time{}, NotApplicable},
		{"NotPrincipal with the account spares its members", "[NotPrincipal]", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"111122223333"},"Action":"s3:*","Resource":"*"}]}`, "s3:GetObject", res, nil, testSession(), time.Time{}, NotApplicable},
	}
	runEvalCases(t, cases)
}

func TestVariablesInConditions(t *testing.T) {
	c := func(op string) string {
		return stmt(`{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"` + op + `":{"s3:prefix":"${aws:username}"}}}`)
	}
	ctx := map[string][]string{"s3:prefix": {"job-1"}}
	runEvalCases(t, []evalCase{
		// "Policy variables with no value": positive operators do not match
		// a variable with no value; inverted ones do.
		{"StringEquals against a missing variable", "[Vars] no value", c("StringEquals"), "s3:ListBucket", "arn:aws:s3:::b", ctx, testSession(), time.Time{}, NotApplicable},
		{"StringNotEquals against a missing variable", "[Vars] no value", c("StringNotEquals"), "s3:ListBucket", "arn:aws:s3:::b", ctx, testSession(), time.Time{}, Allowed},
		{"StringLike against a present variable", "[Vars]", c("StringLike"), "s3:ListBucket", "arn:aws:s3:::b", map[string][]string{"s3:prefix": {"alice"}}, nil, time.Time{}, Allowed},
		{"Version absent: condition value is literal", "[Version]", `{"Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"StringEquals":{"s3:prefix":"${aws:username}"}}}]}`, "s3:ListBucket", "arn:aws:s3:::b", map[string][]string{"s3:prefix": {"${aws:username}"}}, nil, time.Time{}, Allowed},
	})
}

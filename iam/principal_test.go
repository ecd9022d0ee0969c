package iam

// Principal matching in resource-based policies: IAM User Guide, "AWS JSON
// policy elements: Principal" and "AWS JSON policy elements: NotPrincipal".

import (
	"strings"
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
	}
	runEvalCases(t, cases)
}

// TestNotPrincipal: "AWS JSON policy elements: NotPrincipal"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html).
// With Deny, the statement denies every principal except those listed. The
// page warns that AWS "might validate the account first, then the role,
// and then the assumed-role user", and its examples list the user with its
// account, and the session with its role and account. We apply the strict
// reading (see notPrincipalExempts): every identity AWS may validate must
// be listed.
func TestNotPrincipal(t *testing.T) {
	res := "arn:aws:s3:::b/k"
	deny := func(list string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":` + list + `},"Action":"s3:*","Resource":"*"}]}`
	}
	bob := MustNewPrincipal("arn:aws:iam::111122223333:user/bob")
	root := MustNewPrincipal("arn:aws:iam::111122223333:root")
	job2 := MustNewPrincipal("arn:aws:sts::111122223333:assumed-role/Trainer/job-2")
	const (
		alice   = `"arn:aws:iam::111122223333:user/alice"`
		acct    = `"arn:aws:iam::111122223333:root"`
		role    = `"arn:aws:iam::111122223333:role/Trainer"`
		session = `"arn:aws:sts::111122223333:assumed-role/Trainer/job-1"`
	)
	cite := "[NotPrincipal] " + "reference_policies_elements_notprincipal.html"
	runEvalCases(t, []evalCase{
		{"user and account listed: the user is exempt", cite, deny(`[` + alice + `,` + acct + `]`), "s3:GetObject", res, nil, nil, time.Time{}, NotApplicable},
		{"user and account listed: another user of the account is denied", cite, deny(`[` + alice + `,` + acct + `]`), "s3:GetObject", res, nil, bob, time.Time{}, Denied},
		{"user and account listed: the account's root user is exempt", cite, deny(`[` + alice + `,` + acct + `]`), "s3:GetObject", res, nil, root, time.Time{}, NotApplicable},
		{"user alone: the account is validated first, so the user is denied", cite, deny(alice), "s3:GetObject", res, nil, nil, time.Time{}, Denied},
		{"account alone (ARN): exempts only the root user, not every user", cite, deny(acct), "s3:GetObject", res, nil, nil, time.Time{}, Denied},
		{"account alone (ID): exempts only the root user, not every user", cite, deny(`"111122223333"`), "s3:GetObject", res, nil, root, time.Time{}, NotApplicable},
		{"user by unique ID with the account", cite, deny(`["AIDAEXAMPLEALICE0001",` + acct + `]`), "s3:GetObject", res, nil, nil, time.Time{}, NotApplicable},
		{"session, role and account listed: the session is exempt", cite, deny(`[` + session + `,` + role + `,` + acct + `]`), "s3:GetObject", res, nil, testSession(), time.Time{}, NotApplicable},
		{"session, role and account listed: another session of the role is denied", cite, deny(`[` + session + `,` + role + `,` + acct + `]`), "s3:GetObject", res, nil, job2, time.Time{}, Denied},
		{"role and account only: the role's sessions are denied", cite, deny(`[` + role + `,` + acct + `]`), "s3:GetObject", res, nil, testSession(), time.Time{}, Denied},
		{"account only: a session is denied", cite, deny(acct), "s3:GetObject", res, nil, testSession(), time.Time{}, Denied},
		{"session and account without the role: denied", cite, deny(`[` + session + `,` + acct + `]`), "s3:GetObject", res, nil, testSession(), time.Time{}, Denied},
		{"session alone: denied", cite, deny(session), "s3:GetObject", res, nil, testSession(), time.Time{}, Denied},
		{"role by unique ID with session and account", cite, deny(`[` + session + `,"AROAEXAMPLETRAINER01",` + acct + `]`), "s3:GetObject", res, nil, testSession(), time.Time{}, NotApplicable},
		{"an unlisted account's user is denied", cite, deny(`[` + alice + `,` + acct + `]`), "s3:GetObject", res, nil, MustNewPrincipal("arn:aws:iam::444455556666:user/eve"), time.Time{}, Denied},
		{"anonymous is denied", cite, deny(acct), "s3:GetObject", res, nil, AnonymousPrincipal(), time.Time{}, Denied},
		{"a listed service is exempt", cite, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:*","Resource":"*"}]}`, "s3:PutObject", res, nil, ServicePrincipal("cloudtrail.amazonaws.com"), time.Time{}, NotApplicable},
		{"an unlisted service is denied", cite, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:*","Resource":"*"}]}`, "s3:PutObject", res, nil, ServicePrincipal("config.amazonaws.com"), time.Time{}, Denied},
		{"NotPrincipal * exempts everyone", cite, deny(`"*"`), "s3:GetObject", res, nil, bob, time.Time{}, NotApplicable},
	})
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

func TestNotPrincipalExplain(t *testing.T) {
	pol := MustParsePolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"s3:*","Resource":"*"}]}`)
	req := &Request{Principal: testUser(), Action: "s3:GetObject", Resource: MustParseARN("arn:aws:s3:::b/k"), ResourceAccount: "111122223333", ResourcePolicy: pol}
	d := Authorize(req, []*Policy{MustParsePolicy(stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`))}, nil, nil)
	if d.Allowed || d.Reason != ExplicitDeny {
		t.Fatalf("%+v", d)
	}
	if !strings.Contains(d.Explain(), "list its account (arn:aws:iam::111122223333:root) too") {
		t.Errorf("no hint:\n%s", d.Explain())
	}
}

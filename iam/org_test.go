package iam

// AWS Organizations policies: IAM User Guide, "Policy evaluation logic"
// (the evaluation flow: deny evaluation, RCPs, SCPs, resource-based,
// identity-based, boundaries, session policies) and the Organizations User
// Guide, "Service control policies (SCPs)" and "Resource control policies
// (RCPs)".

import (
	"strings"
	"testing"
)

var fullAccess = MustParsePolicy(stmt(`{"Effect":"Allow","Action":"*","Resource":"*"}`))

func TestServiceControlPolicies(t *testing.T) {
	svc, root := newTestService(t)
	alice, _ := svc.Authenticate(aliceKey(t, svc, root))
	rootP, _ := svc.Authenticate(root)
	mustDo(t, svc.AttachUserPolicy(root, "alice", AWSManagedPolicyARN("AdministratorAccess")))
	s3Only := MustParsePolicy(stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`))
	denyLeave := MustParsePolicy(stmt(`{"Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}`))
	// Organization root: FullAWSAccess plus a deny; the account's OU: S3 only.
	mustDo(t, svc.SetServiceControlPolicies(acctA, []*Policy{fullAccess, denyLeave}, []*Policy{s3Only}))

	ec2 := "arn:aws:ec2:us-east-1:111122223333:instance/*"
	cases := []struct {
		name    string
		p       *Principal
		action  string
		res     string
		allowed bool
		missing PolicyKind
		reason  Reason
	}{
		{"allowed at every level", alice, "s3:GetObject", "arn:aws:s3:::b/k", true, 0, AllowedByIdentity},
		{"an SCP grants nothing: admin limited to S3", alice, "ec2:RunInstances", ec2, false, ServiceControlPolicy, ImplicitDeny},
		{"an SCP deny wins over AdministratorAccess", alice, "organizations:LeaveOrganization", "arn:aws:organizations::111122223333:account/o-1/111122223333", false, ServiceControlPolicy, ExplicitDeny},
		{"SCPs apply to a member account's root user", rootP, "ec2:RunInstances", ec2, false, ServiceControlPolicy, ImplicitDeny},
	}
	for _, c := range cases {
		d := svc.Authorize(s3req(c.p, c.action, c.res, acctA))
		if d.Allowed != c.allowed || d.Missing != c.missing || d.Reason != c.reason {
			t.Errorf("%s: %+v\n%s", c.name, d, d.Explain())
		}
	}
	d := svc.Authorize(s3req(alice, "ec2:RunInstances", ec2, acctA))
	if !strings.Contains(d.Message(), "because no service control policy allows the ec2:RunInstances action") {
		t.Errorf("message %q", d.Message())
	}
	if !strings.Contains(d.Explain(), "Service control policies") {
		t.Errorf("explanation omits the SCPs:\n%s", d.Explain())
	}
	// A resource-based policy does not get around an SCP.
	req := s3req(alice, "sqs:SendMessage", "arn:aws:sqs:us-east-1:111122223333:q", acctA)
	req.ResourcePolicy = MustParsePolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"sqs:SendMessage","Resource":"*"}]}`)
	if d := svc.Authorize(req); d.Allowed {
		t.Errorf("resource policy bypassed the SCP:\n%s", d.Explain())
	}
	// Removing the SCPs (a management account) restores IAM's answer.
	mustDo(t, svc.SetServiceControlPolicies(acctA))
	if d := svc.Authorize(s3req(alice, "ec2:RunInstances", ec2, acctA)); !d.Allowed {
		t.Errorf("without SCPs: %s", d.Explain())
	}
}

func TestResourceControlPolicies(t *testing.T) {
	svc, root := newTestService(t)
	rootB, _ := svc.CreateAccount(acctB)
	if _, err := svc.CreateUser(rootB, CreateUserInput{UserName: "eve"}); err != nil {
		t.Fatal(err)
	}
	ek, _ := svc.CreateAccessKey(rootB, "eve")
	eve, _ := svc.Authenticate(ek.Credentials())
	mustDo(t, svc.PutUserPolicy(rootB, "eve", "s3", stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`)))
	alice, _ := svc.Authenticate(aliceKey(t, svc, root))
	mustDo(t, svc.PutUserPolicy(root, "alice", "s3", stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`)))
	// The data perimeter: nobody outside account A touches A's buckets.
	perimeter := MustParsePolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*",
	  "Condition":{"StringNotEqualsIfExists":{"aws:PrincipalAccount":"111122223333"}}}]}`)
	mustDo(t, svc.SetResourceControlPolicies(acctA, []*Policy{fullAccess, perimeter}))
	bucketPolicy := MustParsePolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::a-data/*"}]}`)
	req := s3req(eve, "s3:GetObject", "arn:aws:s3:::a-data/k", acctA)
	req.ResourcePolicy = bucketPolicy
	if d := svc.Authorize(req); d.Allowed || d.Reason != ExplicitDeny || d.Missing != ResourceControlPolicy {
		t.Errorf("outsider despite bucket policy: %+v", d)
	}
	if d := svc.Authorize(s3req(alice, "s3:GetObject", "arn:aws:s3:::a-data/k", acctA)); !d.Allowed {
		t.Errorf("insider: %s", d.Explain())
	}
	// RCPs do not restrict AWS service principals.
	sreq := s3req(ServicePrincipal("cloudtrail.amazonaws.com"), "s3:PutObject", "arn:aws:s3:::a-data/AWSLogs/x", acctA)
	sreq.ResourcePolicy = MustParsePolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::a-data/AWSLogs/*"}]}`)
	if d := svc.Authorize(sreq); !d.Allowed {
		t.Errorf("service principal under RCP: %s", d.Explain())
	}
	// The pure evaluator agrees.
	d := Evaluate(EvaluateInput{Request: req, Identity: []*Policy{MustParsePolicy(stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`))},
		RCPs: [][]*Policy{{fullAccess, perimeter}}})
	if d.Allowed || d.Missing != ResourceControlPolicy {
		t.Errorf("Evaluate: %+v", d)
	}
}

func TestPrincipalOrgID(t *testing.T) {
	svc, root := newTestService(t)
	alice, _ := svc.Authenticate(aliceKey(t, svc, root))
	bp := MustParsePolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::shared/*",
	  "Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abcdef1234"}}}]}`)
	req := s3req(alice, "s3:GetObject", "arn:aws:s3:::shared/k", acctB)
	req.ResourcePolicy = bp
	mustDo(t, svc.PutUserPolicy(root, "alice", "s3", stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`)))
	if svc.Authorize(req).Allowed {
		t.Fatal("allowed outside the organization")
	}
	mustDo(t, svc.SetOrganization(acctA, "o-abcdef1234"))
	if d := svc.Authorize(req); !d.Allowed {
		t.Fatalf("inside the organization: %s", d.Explain())
	}
	if err := svc.SetOrganization(acctA, "org-1"); err == nil {
		t.Error("bad organization ID accepted")
	}
}

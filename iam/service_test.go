package iam

// Tests of the Service: identities, authentication, and the evaluation
// logic across policy types. Sections cited:
//   [Logic]    IAM User Guide, "Policy evaluation logic"
//   [Cross]    "Cross-account policy evaluation logic"
//   [Boundary] "Permissions boundaries for IAM entities"
//   [Session]  "Session policies" (in "Policies and permissions in IAM")
//   [IDs]      "IAM identifiers"
//   [Quotas]   "IAM and AWS STS quotas"

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/smithy-go"
	"github.com/nimbus-sim/nimbus/sim"
)

func s3req(p *Principal, action, res, owner string) *Request {
	return &Request{Principal: p, Action: action, Resource: MustParseARN(res), ResourceAccount: owner}
}

func TestCreateAccountAndKeysFormat(t *testing.T) {
	svc, root := newTestService(t)
	if !strings.HasPrefix(root.AccessKeyID, "AKIA") || len(root.AccessKeyID) != 20 || len(root.SecretAccessKey) != 40 {
		t.Fatalf("root keys %q / %d-char secret; want AKIA + 16 and 40 chars [IDs]", root.AccessKeyID, len(root.SecretAccessKey))
	}
	if _, err := svc.CreateAccount(acctA); !errors.Is(err, ErrEntityAlreadyExists) {
		t.Errorf("duplicate account: %v", err)
	}
	for _, bad := range []string{"12345", "11112222333a", ""} {
		if _, err := svc.CreateAccount(bad); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("CreateAccount(%q) = %v, want InvalidInput", bad, err)
		}
	}
	u, err := svc.GetUser(root, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if u.ARN.String() != "arn:aws:iam::111122223333:user/alice" || !strings.HasPrefix(u.UserID, "AIDA") {
		t.Errorf("user %+v", u)
	}
	id, err := svc.GetCallerIdentity(root)
	if err != nil || id.Arn.String() != "arn:aws:iam::111122223333:root" || id.UserID != acctA || id.Account != acctA {
		t.Errorf("root identity %+v %v", id, err)
	}
}

func TestAuthenticateErrors(t *testing.T) {
	svc, root := newTestService(t)
	k, err := svc.CreateAccessKey(root, "alice")
	if err != nil {
		t.Fatal(err)
	}
	good := k.Credentials()
	if p, err := svc.Authenticate(good); err != nil || p.ARN.String() != "arn:aws:iam::111122223333:user/alice" {
		t.Fatalf("good key: %v %v", p, err)
	}
	cases := []struct {
		name string
		c    Credentials
		want error
	}{
		{"unknown key", Credentials{AccessKeyID: "AKIAAAAAAAAAAAAAAAAA", SecretAccessKey: good.SecretAccessKey}, ErrInvalidClientTokenID},
		{"wrong secret", Credentials{AccessKeyID: good.AccessKeyID, SecretAccessKey: "x"}, ErrSignatureDoesNotMatch},
		{"token on a long-term key", Credentials{AccessKeyID: good.AccessKeyID, SecretAccessKey: good.SecretAccessKey, SessionToken: "t"}, ErrInvalidClientTokenID},
	}
	for _, c := range cases {
		_, err := svc.Authenticate(c.c)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
		var api smithy.APIError
		if !errors.As(err, &api) || api.ErrorFault() != smithy.FaultClient {
			t.Errorf("%s: not a client-fault smithy.APIError: %v", c.name, err)
		}
	}
	mustDo(t, svc.UpdateAccessKey(root, "alice", good.AccessKeyID, "Inactive"))
	if _, err := svc.Authenticate(good); !errors.Is(err, ErrInvalidClientTokenID) {
		t.Errorf("inactive key: %v", err)
	}
	mustDo(t, svc.UpdateAccessKey(root, "alice", good.AccessKeyID, "Active"))
	if _, err := svc.CreateAccessKey(root, "alice"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateAccessKey(root, "alice"); !errors.Is(err, ErrLimitExceeded) {
		t.Errorf("third key: %v, want LimitExceeded [Quotas]", err)
	}
}

func TestIAMOperationsAuthorizeThemselves(t *testing.T) {
	svc, root := newTestService(t)
	alice := aliceKey(t, svc, root)
	_, err := svc.CreateUser(alice, CreateUserInput{UserName: "bob"})
	if !errors.Is(err, ErrAccessDenied) {
		t.Fatalf("alice without policies created a user: %v", err)
	}
	want := "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::111122223333:user/bob because no identity-based policy allows the iam:CreateUser action"
	if !strings.Contains(err.Error(), want) {
		t.Errorf("message:\n%v\nwant %q", err, want)
	}
	mustDo(t, svc.AttachUserPolicy(root, "alice", AWSManagedPolicyARN("IAMFullAccess")))
	if _, err := svc.CreateUser(alice, CreateUserInput{UserName: "bob", Path: "/eng/"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateUser(alice, CreateUserInput{UserName: "BOB"}); !errors.Is(err, ErrEntityAlreadyExists) {
		t.Errorf("names are unique case-insensitively: %v", err)
	}
	b, _ := svc.GetUser(root, "bob")
	if b.ARN.String() != "arn:aws:iam::111122223333:user/eng/bob" || b.ARN.Path() != "/eng/" {
		t.Errorf("bob ARN %v path %q", b.ARN, b.ARN.Path())
	}
	if _, err := svc.GetUser(root, "carol"); !errors.Is(err, ErrNoSuchEntity) {
		t.Errorf("missing user: %v", err)
	}
	if err := svc.PutUserPolicy(root, "bob", "p", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*"}}`); !errors.Is(err, ErrMalformedPolicyDocument) {
		t.Errorf("statement without Resource: %v", err)
	}
	if err := svc.PutUserPolicy(root, "bob", "p", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}}`); !errors.Is(err, ErrMalformedPolicyDocument) {
		t.Errorf("principal in identity policy: %v", err)
	}
	if err := svc.PutUserPolicy(root, "bob", "p", `{"Version":"2012-10-17","Statement":{"Sid":"read-all","Effect":"Allow","Action":"s3:*","Resource":"*"}}`); !errors.Is(err, ErrMalformedPolicyDocument) {
		t.Errorf("non-alphanumeric Sid in an IAM policy: %v", err)
	}
	if _, err := ParseResourcePolicy(`{"Version":"2012-10-17","Statement":{"Sid":"read all","Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}}`); err != nil {
		t.Errorf("bucket policies allow any Sid: %v", err)
	}
	if err := svc.DeleteUser(root, "alice"); !errors.Is(err, ErrDeleteConflict) {
		t.Errorf("delete user with keys and policies: %v", err)
	}
}

func TestSameAccountIdentityOrResourcePolicy(t *testing.T) {
	svc, root := newTestService(t)
	alice, _ := svc.Authenticate(aliceKey(t, svc, root))
	obj := "arn:aws:s3:::data/k"
	// No policy at all: implicit deny [Logic].
	d := svc.Authorize(s3req(alice, "s3:GetObject", obj, acctA))
	if d.Allowed || d.Reason != ImplicitDeny || d.Missing != IdentityPolicy {
		t.Fatalf("no policies: %+v", d)
	}
	// A bucket policy naming alice's ARN grants on its own in the same account.
	bp := MustParsePolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*"}]}`)
	req := s3req(alice, "s3:GetObject", obj, acctA)
	req.ResourcePolicy = bp
	if d := svc.Authorize(req); !d.Allowed || d.Reason != AllowedByResource {
		t.Errorf("resource policy naming the user, same account: %+v\n%s", d, d.Explain())
	}
	// Naming the account only delegates to the account's IAM policies.
	acct := MustParsePolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*"}]}`)
	req.ResourcePolicy = acct
	if d := svc.Authorize(req); d.Allowed {
		t.Errorf("account principal must not grant without an identity policy:\n%s", d.Explain())
	}
	// Identity policy alone suffices in the same account.
	mustDo(t, svc.PutUserPolicy(root, "alice", "read", stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*"}`)))
	req.ResourcePolicy = nil
	if d := svc.Authorize(req); !d.Allowed || d.Reason != AllowedByIdentity {
		t.Errorf("identity policy, same account: %+v", d)
	}
	// An explicit deny in the resource policy overrides the identity allow.
	req.ResourcePolicy = MustParsePolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::data/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`)
	req.Context = map[string][]string{"aws:SecureTransport": {"false"}}
	if d := svc.Authorize(req); d.Allowed || d.Reason != ExplicitDeny || d.Missing != ResourcePolicy {
		t.Errorf("deny in bucket policy: %+v", d)
	} else if !strings.Contains(d.Message(), "with an explicit deny in a resource-based policy") {
		t.Errorf("message %q", d.Message())
	}
	req.Context = map[string][]string{"aws:SecureTransport": {"true"}}
	if d := svc.Authorize(req); !d.Allowed {
		t.Errorf("TLS request: %s", d.Explain())
	}
}

func TestCrossAccountNeedsBothSides(t *testing.T) {
	svc, root := newTestService(t)
	if _, err := svc.CreateAccount(acctB); err != nil {
		t.Fatal(err)
	}
	alice, _ := svc.Authenticate(aliceKey(t, svc, root))
	obj := "arn:aws:s3:::theirs/k"
	grant := MustParsePolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::theirs/*"}]}`)
	req := s3req(alice, "s3:GetObject", obj, acctB)
	req.ResourcePolicy = grant
	// Resource side allows, identity side does not [Cross].
	d := svc.Authorize(req)
	if d.Allowed || d.Missing != IdentityPolicy {
		t.Fatalf("resource-only cross-account: %+v", d)
	}
	if !strings.Contains(d.Explain(), "cross-account") {
		t.Errorf("explanation should say cross-account:\n%s", d.Explain())
	}
	// Identity side allows, resource side does not.
	mustDo(t, svc.PutUserPolicy(root, "alice", "read", stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`)))
	req.ResourcePolicy = nil
	if d := svc.Authorize(req); d.Allowed || d.Missing != ResourcePolicy {
		t.Fatalf("identity-only cross-account: %+v", d)
	} else if !strings.Contains(d.Message(), "because no resource-based policy allows the s3:GetObject action") {
		t.Errorf("message %q", d.Message())
	}
	// Both: allowed.
	req.ResourcePolicy = grant
	if d := svc.Authorize(req); !d.Allowed || d.Reason != AllowedByBoth {
		t.Fatalf("both sides: %+v\n%s", d, d.Explain())
	}
	// The other account's root in its own account is not the resource owner
	// here; root of acctA cross-account still needs the resource policy.
	rootP, _ := svc.Authenticate(root)
	r := s3req(rootP, "s3:GetObject", obj, acctB)
	if d := svc.Authorize(r); d.Allowed {
		t.Errorf("root cross-account without resource policy allowed")
	}
	r.ResourcePolicy = grant
	if d := svc.Authorize(r); !d.Allowed {
		t.Errorf("root cross-account with resource policy: %s", d.Explain())
	}
}

func TestRootUserOwnAccount(t *testing.T) {
	svc, root := newTestService(t)
	p, _ := svc.Authenticate(root)
	if d := svc.Authorize(s3req(p, "ec2:TerminateInstances", "arn:aws:ec2:us-east-1:111122223333:instance/i-1", acctA)); !d.Allowed || d.Reason != AllowedAsRoot {
		t.Errorf("root in own account: %+v", d)
	}
	req := s3req(p, "s3:DeleteBucket", "arn:aws:s3:::b", acctA)
	req.ResourcePolicy = MustParsePolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:DeleteBucket","Resource":"arn:aws:s3:::b"}]}`)
	if d := svc.Authorize(req); d.Allowed {
		t.Errorf("a resource policy deny applies to root too")
	}
}

func TestGroupsPoliciesApplyToMembers(t *testing.T) {
	svc, root := newTestService(t)
	alice, _ := svc.Authenticate(aliceKey(t, svc, root))
	if _, err := svc.CreateGroup(root, "readers", ""); err != nil {
		t.Fatal(err)
	}
	mustDo(t, svc.AttachGroupPolicy(root, "readers", AWSManagedPolicyARN("AmazonS3ReadOnlyAccess")))
	req := s3req(alice, "s3:GetObject", "arn:aws:s3:::b/k", acctA)
	if svc.Authorize(req).Allowed {
		t.Fatal("allowed before joining the group")
	}
	mustDo(t, svc.AddUserToGroup(root, "readers", "alice"))
	if d := svc.Authorize(req); !d.Allowed || !strings.Contains(d.Statement.Policy.Name, "AmazonS3ReadOnlyAccess") {
		t.Fatalf("group member: %+v", d)
	}
	if svc.Authorize(s3req(alice, "s3:PutObject", "arn:aws:s3:::b/k", acctA)).Allowed {
		t.Error("read-only policy allowed PutObject")
	}
	mustDo(t, svc.PutGroupPolicy(root, "readers", "deny-secret", stmt(`{"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::b/secret/*"}`)))
	if svc.Authorize(s3req(alice, "s3:GetObject", "arn:aws:s3:::b/secret/x", acctA)).Allowed {
		t.Error("group deny ignored")
	}
	mustDo(t, svc.RemoveUserFromGroup(root, "readers", "alice"))
	if svc.Authorize(req).Allowed {
		t.Error("still allowed after leaving the group")
	}
	if err := svc.DeleteGroup(root, "readers"); !errors.Is(err, ErrDeleteConflict) {
		t.Errorf("delete group with policies: %v", err)
	}
}

func TestPermissionsBoundary(t *testing.T) {
	svc, root := newTestService(t)
	alice, _ := svc.Authenticate(aliceKey(t, svc, root))
	mustDo(t, svc.AttachUserPolicy(root, "alice", AWSManagedPolicyARN("AdministratorAccess")))
	b, err := svc.CreatePolicy(root, CreatePolicyInput{PolicyName: "S3Only", PolicyDocument: stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`)})
	if err != nil {
		t.Fatal(err)
	}
	mustDo(t, svc.PutUserPermissionsBoundary(root, "alice", b.ARN))
	// Effective permissions = identity ∩ boundary [Boundary].
	if d := svc.Authorize(s3req(alice, "s3:GetObject", "arn:aws:s3:::b/k", acctA)); !d.Allowed {
		t.Errorf("inside boundary: %s", d.Explain())
	}
	d := svc.Authorize(s3req(alice, "ec2:RunInstances", "arn:aws:ec2:us-east-1:111122223333:instance/*", acctA))
	if d.Allowed || d.Missing != PermissionsBoundary {
		t.Fatalf("outside boundary: %+v", d)
	}
	if !strings.Contains(d.Message(), "because no permissions boundary allows the ec2:RunInstances action") {
		t.Errorf("message %q", d.Message())
	}
	// A boundary alone grants nothing.
	if err := svc.DetachUserPolicy(root, "alice", AWSManagedPolicyARN("AdministratorAccess")); err != nil {
		t.Fatal(err)
	}
	if svc.Authorize(s3req(alice, "s3:GetObject", "arn:aws:s3:::b/k", acctA)).Allowed {
		t.Error("the boundary by itself granted access")
	}
	// A resource policy naming the user directly is not limited by the
	// boundary (same account) [Boundary].
	req := s3req(alice, "ec2:RunInstances", "arn:aws:ec2:us-east-1:111122223333:instance/*", acctA)
	req.ResourcePolicy = MustParsePolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"ec2:RunInstances","Resource":"*"}]}`)
	if d := svc.Authorize(req); !d.Allowed {
		t.Errorf("resource policy naming the user: %s", d.Explain())
	}
	if err := svc.DeletePolicy(root, b.ARN); !errors.Is(err, ErrDeleteConflict) {
		t.Errorf("delete a policy in use as a boundary: %v", err)
	}
	// "AWS JSON policy elements: NotPrincipal": a Deny with NotPrincipal
	// always denies a principal with a permissions boundary, even one it
	// lists; without the boundary the same listing spares alice.
	mustDo(t, svc.AttachUserPolicy(root, "alice", AWSManagedPolicyARN("AdministratorAccess")))
	notAlice := MustParsePolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::111122223333:user/alice","111122223333"]},"Action":"s3:*","Resource":"*"}]}`)
	req = s3req(alice, "s3:GetObject", "arn:aws:s3:::b/k", acctA)
	req.ResourcePolicy = notAlice
	if d := svc.Authorize(req); d.Allowed || d.Reason != ExplicitDeny || d.Missing != ResourcePolicy {
		t.Errorf("NotPrincipal deny with a boundary: %+v\n%s", d, d.Explain())
	}
	mustDo(t, svc.DeleteUserPermissionsBoundary(root, "alice"))
	if d := svc.Authorize(req); !d.Allowed {
		t.Errorf("NotPrincipal deny without a boundary: %s", d.Explain())
	}
}

func TestPolicyQuotas(t *testing.T) {
	svc, root := newTestService(t)
	big := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":[` +
		strings.Repeat(`"arn:aws:s3:::bucket-with-a-long-name/prefix/0123456789",`, 40) + `"*"]}]}`
	if err := svc.PutUserPolicy(root, "alice", "big", big); !errors.Is(err, ErrLimitExceeded) {
		t.Errorf("inline user policy over 2048 characters: %v [Quotas]", err)
	}
	for i := 0; i < MaxAttachedPolicies; i++ {
		m, err := svc.CreatePolicy(root, CreatePolicyInput{PolicyName: "p" + string(rune('a'+i)), PolicyDocument: stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`)})
		if err != nil {
			t.Fatal(err)
		}
		mustDo(t, svc.AttachUserPolicy(root, "alice", m.ARN))
	}
	if err := svc.AttachUserPolicy(root, "alice", AWSManagedPolicyARN("ReadOnlyAccess")); !errors.Is(err, ErrLimitExceeded) {
		t.Errorf("11th managed policy: %v [Quotas]", err)
	}
	if _, err := svc.CreatePolicy(root, CreatePolicyInput{PolicyName: "pa", PolicyDocument: stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`)}); !errors.Is(err, ErrEntityAlreadyExists) {
		t.Errorf("duplicate policy name: %v", err)
	}
}

func TestConditionsSeeSimulationClock(t *testing.T) {
	svc, root := newTestService(t)
	alice, _ := svc.Authenticate(aliceKey(t, svc, root))
	// Access only during January 2026 (aws:CurrentTime, "Date condition operators").
	mustDo(t, svc.PutUserPolicy(root, "alice", "jan", stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",
	  "Condition":{"DateGreaterThanEquals":{"aws:CurrentTime":"2026-01-01T00:00:00Z"},"DateLessThan":{"aws:CurrentTime":"2026-02-01T00:00:00Z"}}}`)))
	if d := svc.Authorize(s3req(alice, "s3:GetObject", "arn:aws:s3:::b/k", acctA)); !d.Allowed {
		t.Fatalf("in January: %s", d.Explain())
	}
	svc.Env().RunFor(31 * 24 * time.Hour)
	d := svc.Authorize(s3req(alice, "s3:GetObject", "arn:aws:s3:::b/k", acctA))
	if d.Allowed {
		t.Fatal("allowed in February")
	}
	if ex := d.Explain(); !strings.Contains(ex, `condition DateLessThan aws:CurrentTime ["2026-02-01T00:00:00Z"] is not met`) ||
		!strings.Contains(ex, `"2026-02-01T00:00:00Z"] in the request`) {
		t.Errorf("explanation should name the failed condition and the request's value:\n%s", ex)
	}
}

func TestExplainExplicitDenyAndTrace(t *testing.T) {
	env := sim.New(1, sim.WithTrace())
	defer env.Close()
	svc := NewService(env)
	root, _ := svc.CreateAccount(acctA)
	if _, err := svc.CreateUser(root, CreateUserInput{UserName: "alice"}); err != nil {
		t.Fatal(err)
	}
	alice, _ := svc.Authenticate(aliceKey(t, svc, root))
	mustDo(t, svc.AttachUserPolicy(root, "alice", AWSManagedPolicyARN("AdministratorAccess")))
	mustDo(t, svc.PutUserPolicy(root, "alice", "guard", stmt(`{"Sid":"NoLeaving","Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}`)))
	d := svc.Authorize(s3req(alice, "organizations:LeaveOrganization", "arn:aws:organizations::111122223333:account/o-1/111122223333", acctA))
	if d.Allowed || d.Reason != ExplicitDeny {
		t.Fatalf("%+v", d)
	}
	ex := d.Explain()
	for _, want := range []string{
		`DENY (explicit) — statement 0 (Sid "NoLeaving") of inline policy "guard" of user alice denies it`,
		"managed policy arn:aws:iam::aws:policy/AdministratorAccess",
		"MATCHES: allows",
		"MATCHES: explicit deny",
	} {
		if !strings.Contains(ex, want) {
			t.Errorf("explanation lacks %q:\n%s", want, ex)
		}
	}
	found := false
	for _, e := range env.Trace().Records() {
		if e.Kind == "AccessDenied" {
			found = true
		}
	}
	if !found {
		t.Error("no AccessDenied trace event")
	}
}

func TestResourcePolicyNamingRoleVsSession(t *testing.T) {
	svc, root, alice := setupRole(t)
	mustDo(t, svc.PutUserPolicy(root, "alice", "assume", stmt(`{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}`)))
	// The role's own policies allow nothing on SQS; a session policy limits
	// the session further.
	out, err := svc.AssumeRole(alice, AssumeRoleInput{RoleArn: trainerARN, RoleSessionName: "job-7",
		Policy: stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`)})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := svc.Authenticate(out.Credentials)
	q := "arn:aws:sqs:us-east-1:111122223333:jobs"
	byRole := MustParsePolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/Trainer"},"Action":"sqs:SendMessage","Resource":"*"}]}`)
	bySession := MustParsePolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:sts::111122223333:assumed-role/Trainer/job-7"},"Action":"sqs:SendMessage","Resource":"*"}]}`)
	req := s3req(p, "sqs:SendMessage", q, acctA)
	// Naming the role ARN: the session policy still limits ("Session
	// policies": resource-based policy that specifies the role ARN).
	req.ResourcePolicy = byRole
	if d := svc.Authorize(req); d.Allowed {
		t.Errorf("role ARN principal bypassed the session policy:\n%s", d.Explain())
	}
	// Naming the session ARN: the grant stands on its own.
	req.ResourcePolicy = bySession
	if d := svc.Authorize(req); !d.Allowed || d.Reason != AllowedByResource {
		t.Errorf("session ARN principal: %+v\n%s", d, d.Explain())
	}
}

func TestSimulatePrincipalPolicy(t *testing.T) {
	svc, root, _ := setupRole(t)
	mustDo(t, svc.PutUserPolicy(root, "alice", "read", stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`)))
	ds, err := svc.SimulatePrincipalPolicy(root, SimulatePrincipalPolicyInput{
		PolicySourceArn: MustParseARN("arn:aws:iam::111122223333:user/alice"),
		ActionNames:     []string{"s3:GetObject", "s3:PutObject"},
		ResourceArns:    []ARN{MustParseARN("arn:aws:s3:::b/k")},
	})
	if err != nil || len(ds) != 2 || !ds[0].Allowed || ds[1].Allowed {
		t.Fatalf("%v %+v", err, ds)
	}
	ds, err = svc.SimulatePrincipalPolicy(root, SimulatePrincipalPolicyInput{
		PolicySourceArn: trainerARN, ActionNames: []string{"s3:DeleteBucket", "ec2:RunInstances"},
	})
	if err != nil || !ds[0].Allowed || ds[1].Allowed {
		t.Fatalf("role simulation: %v %+v", err, ds)
	}
	if _, err := svc.SimulatePrincipalPolicy(root, SimulatePrincipalPolicyInput{PolicySourceArn: MustParseARN("arn:aws:iam::111122223333:user/nobody"), ActionNames: []string{"s3:GetObject"}}); !errors.Is(err, ErrNoSuchEntity) {
		t.Errorf("unknown user: %v", err)
	}
}

func TestExplainHintsForImplicitDenies(t *testing.T) {
	svc, root := newTestService(t)
	if _, err := svc.CreateAccount(acctB); err != nil {
		t.Fatal(err)
	}
	alice, _ := svc.Authenticate(aliceKey(t, svc, root))
	mustDo(t, svc.PutUserPolicy(root, "alice", "read", stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`)))
	cases := []struct {
		name string
		req  *Request
		want string
	}{
		{"action listed nowhere", s3req(alice, "s3:PutObject", "arn:aws:s3:::b/k", acctA), "no Allow statement lists s3:PutObject"},
		{"cross-account, no bucket policy", s3req(alice, "s3:GetObject", "arn:aws:s3:::theirs/k", acctB), "its resource-based policy must also allow"},
	}
	for _, c := range cases {
		d := svc.Authorize(c.req)
		if d.Allowed || !strings.Contains(d.Explain(), c.want) {
			t.Errorf("%s: allowed=%v, explanation lacks %q:\n%s", c.name, d.Allowed, c.want, d.Explain())
		}
	}
}

package iam

// STS tests. Sections cited:
//   [AssumeRole] AWS STS API Reference, "AssumeRole"
//   [Trust]      IAM User Guide, "How to use trust policies with IAM roles"
//   [Chaining]   IAM User Guide, "Methods to assume a role" (role chaining)
//   [Session]    IAM User Guide, "Session policies"
//   [GCI]        AWS STS API Reference, "GetCallerIdentity"
//   [Profiles]   IAM User Guide, "Use instance profiles"

import (
	"errors"
	"strings"
	"testing"
	"time"
)

const trustAccountA = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}]}`

func setupRole(t *testing.T) (*Service, Credentials, Credentials) {
	t.Helper()
	svc, root := newTestService(t)
	alice := aliceKey(t, svc, root)
	_, err := svc.CreateRole(root, CreateRoleInput{RoleName: "Trainer", AssumeRolePolicyDocument: trustAccountA,
		MaxSessionDuration: 4 * time.Hour, Tags: map[string]string{"team": "ml"}})
	if err != nil {
		t.Fatal(err)
	}
	mustDo(t, svc.PutRolePolicy(root, "Trainer", "s3", stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`)))
	return svc, root, alice
}

var trainerARN = MustParseARN("arn:aws:iam::111122223333:role/Trainer")

func TestAssumeRoleNeedsCallerPermissionWhenTrustNamesAccount(t *testing.T) {
	svc, root, alice := setupRole(t)
	_, err := svc.AssumeRole(alice, AssumeRoleInput{RoleArn: trainerARN, RoleSessionName: "job-1"})
	if !errors.Is(err, ErrAccessDenied) {
		t.Fatalf("trust names the account, alice lacks sts:AssumeRole: %v [Trust]", err)
	}
	if !strings.Contains(err.Error(), "is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::111122223333:role/Trainer") {
		t.Errorf("message: %v", err)
	}
	mustDo(t, svc.PutUserPolicy(root, "alice", "assume", stmt(`{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::111122223333:role/Trainer"}`)))
	out, err := svc.AssumeRole(alice, AssumeRoleInput{RoleArn: trainerARN, RoleSessionName: "job-1"})
	if err != nil {
		t.Fatal(err)
	}
	c := out.Credentials
	if !strings.HasPrefix(c.AccessKeyID, "ASIA") || c.SessionToken == "" {
		t.Errorf("temporary credentials %+v [AssumeRole]", c)
	}
	if got := c.Expiration.Sub(svc.Env().NowTime()); got != time.Hour {
		t.Errorf("default duration %v, want 1h [AssumeRole]", got)
	}
	if out.AssumedRoleUser.Arn.String() != "arn:aws:sts::111122223333:assumed-role/Trainer/job-1" {
		t.Errorf("session ARN %v", out.AssumedRoleUser.Arn)
	}
	id, err := svc.GetCallerIdentity(c)
	if err != nil || id.Arn != out.AssumedRoleUser.Arn || !strings.HasPrefix(id.UserID, "AROA") || !strings.HasSuffix(id.UserID, ":job-1") {
		t.Errorf("GetCallerIdentity %+v %v [GCI]", id, err)
	}
	p, _ := svc.Authenticate(c)
	if d := svc.Authorize(s3req(p, "s3:PutObject", "arn:aws:s3:::b/k", acctA)); !d.Allowed {
		t.Errorf("role policy: %s", d.Explain())
	}
	if d := svc.Authorize(s3req(p, "ec2:RunInstances", "arn:aws:ec2:us-east-1:111122223333:instance/*", acctA)); d.Allowed {
		t.Error("role session got permissions the role lacks")
	} else if !strings.HasPrefix(d.Message(), "User: arn:aws:sts::111122223333:assumed-role/Trainer/job-1 is not authorized") {
		t.Errorf("message %q", d.Message())
	}
	if p.Tags["team"] != "ml" {
		t.Errorf("role tags are principal tags: %v", p.Tags)
	}
}

func TestAssumeRoleTrustNamingUserDirectly(t *testing.T) {
	svc, root := newTestService(t)
	alice := aliceKey(t, svc, root)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"sts:AssumeRole"}]}`
	if _, err := svc.CreateRole(root, CreateRoleInput{RoleName: "R", AssumeRolePolicyDocument: trust}); err != nil {
		t.Fatal(err)
	}
	// Same account and the trust policy names alice: no identity policy needed [Trust].
	if _, err := svc.AssumeRole(alice, AssumeRoleInput{RoleArn: MustParseARN("arn:aws:iam::111122223333:role/R"), RoleSessionName: "s1"}); err != nil {
		t.Fatalf("trust policy naming the user: %v", err)
	}
	// Someone else in the account is not trusted.
	if _, err := svc.CreateUser(root, CreateUserInput{UserName: "bob"}); err != nil {
		t.Fatal(err)
	}
	bk, _ := svc.CreateAccessKey(root, "bob")
	mustDo(t, svc.PutUserPolicy(root, "bob", "assume", stmt(`{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}`)))
	// Unlike most resources, a role's trust policy must allow even within
	// the account: bob's identity policy alone is not enough, even with
	// AdministratorAccess [Trust].
	mustDo(t, svc.AttachUserPolicy(root, "bob", AWSManagedPolicyARN("AdministratorAccess")))
	if _, err := svc.AssumeRole(bk.Credentials(), AssumeRoleInput{RoleArn: MustParseARN("arn:aws:iam::111122223333:role/R"), RoleSessionName: "s1"}); !errors.Is(err, ErrAccessDenied) {
		t.Errorf("same-account identity policy without trust: %v [Trust]", err)
	}
	// An explicit deny in alice's own policies wins over the trust policy.
	mustDo(t, svc.PutUserPolicy(root, "alice", "deny", stmt(`{"Effect":"Deny","Action":"sts:AssumeRole","Resource":"*"}`)))
	if _, err := svc.AssumeRole(alice, AssumeRoleInput{RoleArn: MustParseARN("arn:aws:iam::111122223333:role/R"), RoleSessionName: "s1"}); !errors.Is(err, ErrAccessDenied) {
		t.Errorf("explicit deny: %v", err)
	}
}

func TestAssumeRoleCrossAccount(t *testing.T) {
	svc, rootA := newTestService(t)
	alice := aliceKey(t, svc, rootA)
	rootB, _ := svc.CreateAccount(acctB)
	if _, err := svc.CreateRole(rootB, CreateRoleInput{RoleName: "Auditor", AssumeRolePolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"xyz"}}}]}`}); err != nil {
		t.Fatal(err)
	}
	auditor := MustParseARN("arn:aws:iam::444455556666:role/Auditor")
	mustDo(t, svc.PutUserPolicy(rootA, "alice", "assume", stmt(`{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::444455556666:role/*"}`)))
	if _, err := svc.AssumeRole(alice, AssumeRoleInput{RoleArn: auditor, RoleSessionName: "audit"}); !errors.Is(err, ErrAccessDenied) {
		t.Errorf("missing external ID: %v", err)
	}
	out, err := svc.AssumeRole(alice, AssumeRoleInput{RoleArn: auditor, RoleSessionName: "audit", ExternalID: "xyz"})
	if err != nil {
		t.Fatalf("cross-account with both sides allowing: %v", err)
	}
	if out.AssumedRoleUser.Arn.AccountID != acctB {
		t.Errorf("session lives in the role's account: %v", out.AssumedRoleUser.Arn)
	}
	// Without the identity-side allow it fails even though trust allows [Cross].
	mustDo(t, svc.DeleteUserPolicy(rootA, "alice", "assume"))
	if _, err := svc.AssumeRole(alice, AssumeRoleInput{RoleArn: auditor, RoleSessionName: "audit", ExternalID: "xyz"}); !errors.Is(err, ErrAccessDenied) {
		t.Errorf("cross-account without identity policy: %v", err)
	}
	// A role that does not exist is AccessDenied too, not NoSuchEntity.
	if _, err := svc.AssumeRole(alice, AssumeRoleInput{RoleArn: MustParseARN("arn:aws:iam::444455556666:role/Nope"), RoleSessionName: "x1"}); !errors.Is(err, ErrAccessDenied) {
		t.Errorf("missing role: %v", err)
	}
}

func TestAssumeRoleDurationsAndValidation(t *testing.T) {
	svc, root, alice := setupRole(t)
	mustDo(t, svc.PutUserPolicy(root, "alice", "assume", stmt(`{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}`)))
	cases := []struct {
		name string
		in   AssumeRoleInput
		want error
		dur  time.Duration
	}{
		{"15 minutes is the minimum", AssumeRoleInput{RoleArn: trainerARN, RoleSessionName: "ok", Duration: 15 * time.Minute}, nil, 15 * time.Minute},
		{"below 15 minutes", AssumeRoleInput{RoleArn: trainerARN, RoleSessionName: "ok", Duration: 14 * time.Minute}, ErrValidationError, 0},
		{"up to MaxSessionDuration", AssumeRoleInput{RoleArn: trainerARN, RoleSessionName: "ok", Duration: 4 * time.Hour}, nil, 4 * time.Hour},
		{"beyond MaxSessionDuration", AssumeRoleInput{RoleArn: trainerARN, RoleSessionName: "ok", Duration: 5 * time.Hour}, ErrValidationError, 0},
		{"beyond 12 hours", AssumeRoleInput{RoleArn: trainerARN, RoleSessionName: "ok", Duration: 13 * time.Hour}, ErrValidationError, 0},
		{"session name too short", AssumeRoleInput{RoleArn: trainerARN, RoleSessionName: "x"}, ErrValidationError, 0},
		{"session name bad character", AssumeRoleInput{RoleArn: trainerARN, RoleSessionName: "a b"}, ErrValidationError, 0},
	}
	for _, c := range cases {
		out, err := svc.AssumeRole(alice, c.in)
		switch {
		case c.want != nil && !errors.Is(err, c.want):
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		case c.want == nil && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.want == nil && out.Credentials.Expiration.Sub(svc.Env().NowTime()) != c.dur:
			t.Errorf("%s: duration %v", c.name, out.Credentials.Expiration.Sub(svc.Env().NowTime()))
		}
	}
	if _, err := svc.AssumeRole(root, AssumeRoleInput{RoleArn: trainerARN, RoleSessionName: "root"}); !errors.Is(err, ErrAccessDenied) {
		t.Errorf("root assuming a role: %v", err)
	}
	if _, err := svc.CreateRole(root, CreateRoleInput{RoleName: "X", AssumeRolePolicyDocument: trustAccountA, MaxSessionDuration: 30 * time.Minute}); !errors.Is(err, ErrValidationError) {
		t.Errorf("MaxSessionDuration below 1h: %v", err)
	}
}

func TestRoleChainingLimitedToOneHour(t *testing.T) {
	svc, root, alice := setupRole(t)
	mustDo(t, svc.PutUserPolicy(root, "alice", "assume", stmt(`{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}`)))
	mustDo(t, svc.PutRolePolicy(root, "Trainer", "assume", stmt(`{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}`)))
	out, err := svc.AssumeRole(alice, AssumeRoleInput{RoleArn: trainerARN, RoleSessionName: "first", Duration: 2 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	_, err = svc.AssumeRole(out.Credentials, AssumeRoleInput{RoleArn: trainerARN, RoleSessionName: "second", Duration: 2 * time.Hour})
	if !errors.Is(err, ErrValidationError) || !strings.Contains(err.Error(), "role chaining") {
		t.Errorf("chained 2h session: %v [Chaining]", err)
	}
	if _, err := svc.AssumeRole(out.Credentials, AssumeRoleInput{RoleArn: trainerARN, RoleSessionName: "second"}); err != nil {
		t.Errorf("chained 1h session: %v", err)
	}
}

func TestTemporaryCredentialsExpireInVirtualTime(t *testing.T) {
	svc, root, alice := setupRole(t)
	mustDo(t, svc.PutUserPolicy(root, "alice", "assume", stmt(`{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}`)))
	out, err := svc.AssumeRole(alice, AssumeRoleInput{RoleArn: trainerARN, RoleSessionName: "job", Duration: 15 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	env := svc.Env()
	env.RunFor(15*time.Minute - time.Nanosecond)
	if _, err := svc.Authenticate(out.Credentials); err != nil {
		t.Fatalf("1 ns before expiry: %v", err)
	}
	env.RunFor(time.Nanosecond)
	if _, err := svc.Authenticate(out.Credentials); !errors.Is(err, ErrExpiredToken) {
		t.Fatalf("at expiry: %v, want ExpiredToken", err)
	}
	if _, err := svc.GetCallerIdentity(out.Credentials); !errors.Is(err, ErrExpiredToken) {
		t.Errorf("GetCallerIdentity after expiry: %v", err)
	}
	bad := out.Credentials
	bad.SessionToken = "forged"
	if _, err := svc.Authenticate(bad); !errors.Is(err, ErrInvalidClientTokenID) {
		t.Errorf("wrong token: %v", err)
	}
}

func TestSessionPolicyLimitsRole(t *testing.T) {
	svc, root, alice := setupRole(t)
	mustDo(t, svc.PutUserPolicy(root, "alice", "assume", stmt(`{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}`)))
	out, err := svc.AssumeRole(alice, AssumeRoleInput{RoleArn: trainerARN, RoleSessionName: "narrow",
		Policy: stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*"}`)})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := svc.Authenticate(out.Credentials)
	if d := svc.Authorize(s3req(p, "s3:GetObject", "arn:aws:s3:::data/x", acctA)); !d.Allowed {
		t.Errorf("inside session policy: %s", d.Explain())
	}
	d := svc.Authorize(s3req(p, "s3:PutObject", "arn:aws:s3:::data/x", acctA))
	if d.Allowed || d.Missing != SessionPolicy {
		t.Errorf("role allows s3:*, session policy only GetObject: %+v [Session]", d)
	}
	// A session policy cannot grant what the role lacks.
	out, err = svc.AssumeRole(alice, AssumeRoleInput{RoleArn: trainerARN, RoleSessionName: "wide",
		Policy: stmt(`{"Effect":"Allow","Action":"ec2:*","Resource":"*"}`)})
	if err != nil {
		t.Fatal(err)
	}
	p, _ = svc.Authenticate(out.Credentials)
	if svc.Authorize(s3req(p, "ec2:RunInstances", "arn:aws:ec2:us-east-1:111122223333:instance/*", acctA)).Allowed {
		t.Error("session policy granted beyond the role's policies")
	}
	// Session tags need sts:TagSession in the trust policy.
	if _, err := svc.AssumeRole(alice, AssumeRoleInput{RoleArn: trainerARN, RoleSessionName: "tagged", Tags: map[string]string{"project": "x"}}); !errors.Is(err, ErrAccessDenied) {
		t.Errorf("session tags without sts:TagSession: %v", err)
	}
	// A source identity needs sts:SetSourceIdentity in the trust policy
	// ("Monitor and control actions taken with assumed roles") and a valid
	// value ([AssumeRole]: 2-64 characters of [\w=,.@-]).
	if _, err := svc.AssumeRole(alice, AssumeRoleInput{RoleArn: trainerARN, RoleSessionName: "src", SourceIdentity: "alice"}); !errors.Is(err, ErrAccessDenied) ||
		!strings.Contains(err.Error(), "sts:SetSourceIdentity") {
		t.Errorf("source identity without sts:SetSourceIdentity: %v", err)
	}
	mustDo(t, svc.UpdateAssumeRolePolicy(root, "Trainer", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":["sts:AssumeRole","sts:SetSourceIdentity"]}]}`))
	mustDo(t, svc.PutUserPolicy(root, "alice", "assume", stmt(`{"Effect":"Allow","Action":["sts:AssumeRole","sts:SetSourceIdentity"],"Resource":"*"}`)))
	out, err = svc.AssumeRole(alice, AssumeRoleInput{RoleArn: trainerARN, RoleSessionName: "src", SourceIdentity: "alice@example.com"})
	if err != nil || out.SourceIdentity != "alice@example.com" {
		t.Fatalf("source identity with sts:SetSourceIdentity: %v %v", out, err)
	}
	// The session carries aws:SourceIdentity, and a chained session keeps it.
	onlyAlice := MustParsePolicy(stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:SourceIdentity":"alice@example.com"}}}`))
	sess, err := svc.Authenticate(out.Credentials)
	if err != nil || onlyAlice.Evaluate(&Request{Principal: sess, Action: "s3:GetObject", Resource: MustParseARN("arn:aws:s3:::b/k")}) != Allowed {
		t.Errorf("aws:SourceIdentity of the session: %v", err)
	}
	mustDo(t, svc.PutRolePolicy(root, "Trainer", "chain", stmt(`{"Effect":"Allow","Action":["sts:AssumeRole","sts:SetSourceIdentity"],"Resource":"*"}`)))
	chained, err := svc.AssumeRole(out.Credentials, AssumeRoleInput{RoleArn: trainerARN, RoleSessionName: "chained"})
	if err != nil || chained.SourceIdentity != "alice@example.com" {
		t.Fatalf("chained session: %v %v", chained, err)
	}
	if sess, _ = svc.Authenticate(chained.Credentials); sess == nil || sess.SourceIdentity != "alice@example.com" {
		t.Errorf("chained session lost its source identity: %+v", sess)
	}
	if alicePrincipal, _ := svc.Authenticate(alice); onlyAlice.Evaluate(&Request{Principal: alicePrincipal, Action: "s3:GetObject", Resource: MustParseARN("arn:aws:s3:::b/k")}) != NotApplicable {
		t.Error("aws:SourceIdentity present for a user without a session")
	}
	for _, bad := range []string{"x", "has space", "semi;colon", strings.Repeat("x", 1225)} {
		if _, err := svc.AssumeRole(alice, AssumeRoleInput{RoleArn: trainerARN, RoleSessionName: "ext", ExternalID: bad}); !errors.Is(err, ErrValidationError) {
			t.Errorf("ExternalId %q: %v, want ValidationError [AssumeRole]", bad, err)
		}
	}
	for _, bad := range []string{"a", "aws:alice", "alice smith", strings.Repeat("x", 65)} {
		if _, err := svc.AssumeRole(alice, AssumeRoleInput{RoleArn: trainerARN, RoleSessionName: "src", SourceIdentity: bad}); !errors.Is(err, ErrValidationError) {
			t.Errorf("SourceIdentity %q: %v, want ValidationError", bad, err)
		}
	}
}

func TestInstanceProfileCredentials(t *testing.T) {
	svc, root := newTestService(t)
	ec2Trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	if _, err := svc.CreateRole(root, CreateRoleInput{RoleName: "WebApp", AssumeRolePolicyDocument: ec2Trust}); err != nil {
		t.Fatal(err)
	}
	mustDo(t, svc.AttachRolePolicy(root, "WebApp", AWSManagedPolicyARN("AmazonS3ReadOnlyAccess")))
	ip, err := svc.CreateInstanceProfile(root, "WebApp", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.InstanceProfileCredentials(ip.ARN, "i-0123456789abcdef0"); !errors.Is(err, ErrNoSuchEntity) {
		t.Errorf("empty profile: %v", err)
	}
	mustDo(t, svc.AddRoleToInstanceProfile(root, "WebApp", "WebApp"))
	if err := svc.AddRoleToInstanceProfile(root, "WebApp", "WebApp"); !errors.Is(err, ErrLimitExceeded) {
		t.Errorf("second role in a profile: %v [Profiles]", err)
	}
	c, err := svc.InstanceProfileCredentials(ip.ARN, "i-0123456789abcdef0")
	if err != nil {
		t.Fatal(err)
	}
	id, _ := svc.GetCallerIdentity(c)
	if id.Arn.String() != "arn:aws:sts::111122223333:assumed-role/WebApp/i-0123456789abcdef0" || c.Source != SourceIMDS {
		t.Errorf("instance identity %v source %q", id.Arn, c.Source)
	}
	// A role whose trust policy does not name ec2.amazonaws.com cannot be
	// used by instances.
	if _, err := svc.CreateRole(root, CreateRoleInput{RoleName: "Human", AssumeRolePolicyDocument: trustAccountA}); err != nil {
		t.Fatal(err)
	}
	ip2, _ := svc.CreateInstanceProfile(root, "Human", "")
	mustDo(t, svc.AddRoleToInstanceProfile(root, "Human", "Human"))
	if _, err := svc.InstanceProfileCredentials(ip2.ARN, "i-1"); !errors.Is(err, ErrAccessDenied) {
		t.Errorf("trust policy without ec2.amazonaws.com: %v", err)
	}
	if err := svc.DeleteRole(root, "WebApp"); !errors.Is(err, ErrDeleteConflict) {
		t.Errorf("delete a role in a profile: %v", err)
	}
	// PassRole: alice may launch with the profile only with iam:PassRole.
	alice, _ := svc.Authenticate(aliceKey(t, svc, root))
	roleARN, _ := svc.ProfileRole(ip.ARN)
	if err := svc.CheckPassRole(alice, roleARN); !errors.Is(err, ErrAccessDenied) {
		t.Errorf("PassRole without permission: %v", err)
	}
	mustDo(t, svc.PutUserPolicy(root, "alice", "pass", stmt(`{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::111122223333:role/WebApp"}`)))
	if err := svc.CheckPassRole(alice, roleARN); err != nil {
		t.Errorf("PassRole with permission: %v", err)
	}
	mustDo(t, svc.PutUserPolicy(root, "alice", "pass", stmt(`{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"ec2.amazonaws.com"}}}`)))
	if err := svc.CheckPassRoleTo(alice, roleARN, "ec2.amazonaws.com"); err != nil {
		t.Errorf("PassRole to EC2: %v", err)
	}
	if err := svc.CheckPassRoleTo(alice, roleARN, "lambda.amazonaws.com"); !errors.Is(err, ErrAccessDenied) {
		t.Errorf("PassRole to Lambda: %v", err)
	}
}

func TestDeletedRoleSessionsStopWorking(t *testing.T) {
	svc, root, alice := setupRole(t)
	mustDo(t, svc.PutUserPolicy(root, "alice", "assume", stmt(`{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}`)))
	out, err := svc.AssumeRole(alice, AssumeRoleInput{RoleArn: trainerARN, RoleSessionName: "job"})
	if err != nil {
		t.Fatal(err)
	}
	mustDo(t, svc.DeleteRolePolicy(root, "Trainer", "s3"))
	mustDo(t, svc.DeleteRole(root, "Trainer"))
	if _, err := svc.Authenticate(out.Credentials); !errors.Is(err, ErrInvalidClientTokenID) {
		t.Errorf("session of a deleted role: %v", err)
	}
}

package iam

// AWS Organizations policies: IAM User Guide, "Policy evaluation logic"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html)
// and the Organizations User Guide, "Service control policies (SCPs)"
// (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html),
// "SCP evaluation" (.../orgs_manage_policies_scps_evaluation.html) and
// "Resource control policies (RCPs)" (.../orgs_manage_policies_rcps.html).

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const acctM = "999988887777" // the management account

var fullAccess = MustParsePolicy(stmt(`{"Effect":"Allow","Action":"*","Resource":"*"}`))

// orgFixture: management account M owns an organization with SCPs and RCPs
// enabled; acctA (user alice) and acctB (user eve) are members under the
// root. Nothing else is attached but the managed full-access policies.
type orgFixture struct {
	svc              *Service
	org              *Organizations
	mgmt, rootA      Credentials
	rootB            Credentials
	rootID           string
	alice, eve, boss *Principal // boss: an admin user in the management account
}

func newOrgFixture(t *testing.T) *orgFixture {
	t.Helper()
	svc, rootA := newTestService(t)
	f := &orgFixture{svc: svc, org: svc.Organizations(), rootA: rootA}
	var err error
	f.mgmt, err = svc.CreateAccount(acctM)
	require.NoError(t, err)
	f.rootB, err = svc.CreateAccount(acctB)
	require.NoError(t, err)
	f.alice, _ = svc.Authenticate(aliceKey(t, svc, rootA))
	f.eve = newUser(t, svc, f.rootB, "eve")
	f.boss = newUser(t, svc, f.mgmt, "boss")
	for _, c := range []struct {
		root Credentials
		user string
	}{{rootA, "alice"}, {f.rootB, "eve"}, {f.mgmt, "boss"}} {
		require.NoError(t, svc.AttachUserPolicy(c.root, c.user, AWSManagedPolicyARN("AdministratorAccess")))
	}

	_, err = f.org.CreateOrganization(f.mgmt, &CreateOrganizationInput{FeatureSet: FeatureSetAll})
	require.NoError(t, err)
	roots, err := f.org.ListRoots(f.mgmt, nil)
	require.NoError(t, err)
	f.rootID = roots.Roots[0].Id
	for _, typ := range []string{ServiceControlPolicyType, ResourceControlPolicyType} {
		_, err = f.org.EnablePolicyType(f.mgmt, &EnablePolicyTypeInput{RootId: f.rootID, PolicyType: typ})
		require.NoError(t, err)
	}
	for _, m := range []Credentials{rootA, f.rootB} {
		id, _ := svc.GetCallerIdentity(m)
		inv, err := f.org.InviteAccountToOrganization(f.mgmt, &InviteAccountToOrganizationInput{Target: HandshakeParty{Type: "ACCOUNT", Id: id.Account}})
		require.NoError(t, err)
		_, err = f.org.AcceptHandshake(m, &AcceptHandshakeInput{HandshakeId: inv.Handshake.Id})
		require.NoError(t, err)
	}
	return f
}

func newUser(t *testing.T, svc *Service, root Credentials, name string) *Principal {
	t.Helper()
	_, err := svc.CreateUser(root, CreateUserInput{UserName: name})
	require.NoError(t, err)
	k, err := svc.CreateAccessKey(root, name)
	require.NoError(t, err)
	p, err := svc.Authenticate(k.Credentials())
	require.NoError(t, err)
	return p
}

// policy creates an organization policy and returns its ID.
func (f *orgFixture) policy(t *testing.T, typ, name, doc string) string {
	t.Helper()
	out, err := f.org.CreatePolicy(f.mgmt, &CreateOrgPolicyInput{Type: typ, Name: name, Content: doc})
	require.NoError(t, err)
	return out.Policy.PolicySummary.Id
}

func (f *orgFixture) attach(t *testing.T, policyID, target string) {
	t.Helper()
	_, err := f.org.AttachPolicy(f.mgmt, &AttachPolicyInput{PolicyId: policyID, TargetId: target})
	require.NoError(t, err)
}

func (f *orgFixture) ou(t *testing.T, parent, name string) string {
	t.Helper()
	out, err := f.org.CreateOrganizationalUnit(f.mgmt, &CreateOrganizationalUnitInput{ParentId: parent, Name: name})
	require.NoError(t, err)
	return out.OrganizationalUnit.Id
}

func (f *orgFixture) move(t *testing.T, acct, from, to string) {
	t.Helper()
	_, err := f.org.MoveAccount(f.mgmt, &MoveAccountInput{AccountId: acct, SourceParentId: from, DestinationParentId: to})
	require.NoError(t, err)
}

// TestSCPLevels: "SCP evaluation": every level from the root to the
// account must allow (an SCP grants nothing), a Deny at any level wins,
// and SCPs cap the member account's root user too; they do not apply to
// the management account ("Policy evaluation logic": "The only exceptions
// are principals in the organization management account and service-linked
// roles").
func TestSCPLevels(t *testing.T) {
	f := newOrgFixture(t)
	rootA, _ := f.svc.Authenticate(f.rootA)
	mgmtRoot, _ := f.svc.Authenticate(f.mgmt)
	s3Only := f.policy(t, ServiceControlPolicyType, "S3Only", stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`))
	denyLeave := f.policy(t, ServiceControlPolicyType, "DenyLeave", stmt(`{"Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}`))
	prod := f.ou(t, f.rootID, "Prod")
	ml := f.ou(t, prod, "ML")
	f.move(t, acctA, f.rootID, ml)
	f.attach(t, denyLeave, f.rootID)
	f.attach(t, s3Only, prod)
	// Prod's FullAWSAccess must go for S3Only to bite (deny-list vs allow-list).
	_, err := f.org.DetachPolicy(f.mgmt, &DetachPolicyInput{PolicyId: "p-FullAWSAccess", TargetId: prod})
	require.NoError(t, err)

	ec2 := "arn:aws:ec2:us-east-1:111122223333:instance/*"
	leave := "arn:aws:organizations::999988887777:account/o-x/111122223333"
	cases := []struct {
		name    string
		p       *Principal
		action  string
		res     string
		acct    string
		allowed bool
		missing PolicyKind
		reason  Reason
	}{
		{"allowed at every level (root, Prod, ML, account)", f.alice, "s3:GetObject", "arn:aws:s3:::b/k", acctA, true, 0, AllowedByIdentity},
		{"an SCP grants nothing: admin limited to S3 by an OU two levels up", f.alice, "ec2:RunInstances", ec2, acctA, false, ServiceControlPolicy, ImplicitDeny},
		{"a deny at the root wins over AdministratorAccess", f.alice, "organizations:LeaveOrganization", leave, acctA, false, ServiceControlPolicy, ExplicitDeny},
		{"SCPs apply to a member account's root user", rootA, "ec2:RunInstances", ec2, acctA, false, ServiceControlPolicy, ImplicitDeny},
		{"an account outside the OU keeps FullAWSAccess", f.eve, "ec2:RunInstances", "arn:aws:ec2:us-east-1:444455556666:instance/*", acctB, true, 0, AllowedByIdentity},
		{"the root's deny reaches every member", f.eve, "organizations:LeaveOrganization", leave, acctB, false, ServiceControlPolicy, ExplicitDeny},
		{"the management account's users are exempt", f.boss, "organizations:LeaveOrganization", leave, acctM, true, 0, AllowedByIdentity},
		{"the management account's root user is exempt", mgmtRoot, "organizations:LeaveOrganization", leave, acctM, true, 0, AllowedAsRoot},
	}
	for _, c := range cases {
		d := f.svc.Authorize(s3req(c.p, c.action, c.res, c.acct))
		require.Equal(t, c.allowed, d.Allowed, "%s\n%s", c.name, d.Explain())
		require.Equal(t, c.missing, d.Missing, c.name)
		require.Equal(t, c.reason, d.Reason, c.name)
	}
	d := f.svc.Authorize(s3req(f.alice, "ec2:RunInstances", ec2, acctA))
	require.Contains(t, d.Message(), "because no service control policy allows the ec2:RunInstances action")
	require.Contains(t, d.Explain(), "attached to OU "+prod+" (Prod)")

	// A resource-based policy does not get around an SCP.
	req := s3req(f.alice, "sqs:SendMessage", "arn:aws:sqs:us-east-1:111122223333:q", acctA)
	req.ResourcePolicy = MustParsePolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"sqs:SendMessage","Resource":"*"}]}`)
	require.False(t, f.svc.Authorize(req).Allowed, "resource policy bypassed the SCP")

	// Moving the account back under the root restores IAM's answer.
	f.move(t, acctA, ml, f.rootID)
	require.True(t, f.svc.Authorize(s3req(f.alice, "ec2:RunInstances", ec2, acctA)).Allowed)
}

// TestSCPDoesNotApply: "Policy evaluation logic": SCPs cap principals of
// member accounts; not service-linked roles, and not AWS service principals
// (they belong to no member account).
func TestSCPDoesNotApply(t *testing.T) {
	f := newOrgFixture(t)
	denyAll := f.policy(t, ServiceControlPolicyType, "DenyEC2", stmt(`{"Effect":"Deny","Action":"ec2:*","Resource":"*"}`))
	f.attach(t, denyAll, f.rootID)
	_, err := f.svc.CreateServiceLinkedRole(f.rootA, CreateServiceLinkedRoleInput{AWSServiceName: "autoscaling.amazonaws.com"})
	require.NoError(t, err)
	slrCreds, err := f.svc.ServiceLinkedRoleCredentials(acctA, "autoscaling.amazonaws.com")
	require.NoError(t, err)
	slr, err := f.svc.Authenticate(slrCreds)
	require.NoError(t, err)
	ec2 := "arn:aws:ec2:us-east-1:111122223333:instance/*"

	require.False(t, f.svc.Authorize(s3req(f.alice, "ec2:RunInstances", ec2, acctA)).Allowed, "the SCP should deny alice")
	d := f.svc.Authorize(s3req(slr, "ec2:RunInstances", ec2, acctA))
	require.True(t, d.Allowed, "service-linked role under an SCP deny:\n%s", d.Explain())
}

// TestRCPs: "Resource control policies (RCPs)" and "Policy evaluation
// logic": RCPs cap access to member accounts' resources by anyone (other
// accounts, AWS service principals), but not resources of the management
// account, not calls by service-linked roles, and only for services that
// support RCPs.
func TestRCPs(t *testing.T) {
	f := newOrgFixture(t)
	perimeter := f.policy(t, ResourceControlPolicyType, "Perimeter", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*",
	  "Condition":{"StringNotEqualsIfExists":{"aws:PrincipalAccount":"111122223333"}}}]}`)
	confused := f.policy(t, ResourceControlPolicyType, "ConfusedDeputy", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*",
	  "Condition":{"StringNotEqualsIfExists":{"aws:SourceAccount":["111122223333","444455556666","999988887777"]},"Bool":{"aws:PrincipalIsAWSService":"true"}}}]}`)
	f.attach(t, perimeter, acctA)
	f.attach(t, confused, f.rootID)
	bucketPolicy := MustParsePolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}`)
	get := func(p *Principal, owner string) Decision {
		req := s3req(p, "s3:GetObject", "arn:aws:s3:::data/k", owner)
		req.ResourcePolicy = bucketPolicy
		return f.svc.Authorize(req)
	}
	outsider := ServicePrincipalFor("cloudtrail.amazonaws.com", "123456789012", MustParseARN("arn:aws:cloudtrail:us-east-1:123456789012:trail/t"))
	insider := ServicePrincipalFor("cloudtrail.amazonaws.com", acctA, MustParseARN("arn:aws:cloudtrail:us-east-1:111122223333:trail/t"))
	cases := []struct {
		name    string
		d       Decision
		allowed bool
	}{
		{"an outsider is stopped by the member account's RCP despite the bucket policy", get(f.eve, acctA), false},
		{"an insider passes the perimeter", get(f.alice, acctA), true},
		{"the management account's resources are not capped", get(f.eve, acctM), true},
		{"an AWS service acting for another account is capped (aws:SourceAccount)", get(outsider, acctB), false},
		{"an AWS service acting for a member passes", get(insider, acctB), true},
	}
	for _, c := range cases {
		require.Equal(t, c.allowed, c.d.Allowed, "%s\n%s", c.name, c.d.Explain())
	}
	require.Equal(t, ResourceControlPolicy, get(f.eve, acctA).Missing)

	// EC2 does not support RCPs: the same perimeter does not cap it.
	ec2 := s3req(f.eve, "ec2:DescribeInstances", "arn:aws:ec2:us-east-1:444455556666:instance/i-1", acctB)
	rcps := [][]*Policy{{rcpFullAWSAccess.doc}, {MustParsePolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}]}`)}}
	require.True(t, Evaluate(EvaluateInput{Request: ec2, Identity: []*Policy{fullAccess}, RCPs: rcps}).Allowed)
	s3 := s3req(f.eve, "s3:GetObject", "arn:aws:s3:::eve-data/k", acctB)
	require.False(t, Evaluate(EvaluateInput{Request: s3, Identity: []*Policy{fullAccess}, RCPs: rcps}).Allowed, "the same RCPs cap S3")
	// The pure evaluator applies RCPs to AWS service principals too.
	svcReq := s3req(outsider, "s3:PutObject", "arn:aws:s3:::data/k", acctB)
	svcReq.ResourcePolicy = bucketPolicy
	d := Evaluate(EvaluateInput{Request: svcReq, RCPs: rcps})
	require.False(t, d.Allowed)
	require.Equal(t, ResourceControlPolicy, d.Missing)
}

func TestPrincipalOrgID(t *testing.T) {
	f := newOrgFixture(t)
	o, err := f.org.DescribeOrganization(f.rootA, nil)
	require.NoError(t, err)
	require.Equal(t, acctM, o.Organization.MasterAccountId)
	bp := MustParsePolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::shared/*",
	  "Condition":{"StringEquals":{"aws:PrincipalOrgID":"` + o.Organization.Id + `"}}}]}`)
	for _, c := range []struct {
		p    *Principal
		want bool
	}{{f.alice, true}, {f.eve, true}} {
		req := s3req(c.p, "s3:GetObject", "arn:aws:s3:::shared/k", "123456789012")
		req.ResourcePolicy = bp
		require.Equal(t, c.want, f.svc.Authorize(req).Allowed, c.p.ARN.String())
	}
	// An account outside the organization does not match.
	root3, err := f.svc.CreateAccount("123456789012")
	require.NoError(t, err)
	out := newUser(t, f.svc, root3, "out")
	require.NoError(t, f.svc.AttachUserPolicy(root3, "out", AWSManagedPolicyARN("AdministratorAccess")))
	req := s3req(out, "s3:GetObject", "arn:aws:s3:::shared/k", acctA)
	req.ResourcePolicy = bp
	require.False(t, f.svc.Authorize(req).Allowed)
	require.True(t, strings.HasPrefix(o.Organization.Id, "o-"))
}

// TestOrgAuthorizeAllocations: with SCPs and RCPs at three levels, a
// steady-state Authorize still allocates nothing (the levels are cached
// per account until the organization changes).
func TestOrgAuthorizeAllocations(t *testing.T) {
	f := newOrgFixture(t)
	prod := f.ou(t, f.rootID, "Prod")
	f.move(t, acctA, f.rootID, prod)
	f.attach(t, f.policy(t, ServiceControlPolicyType, "NoLeave", stmt(`{"Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}`)), prod)
	f.attach(t, f.policy(t, ResourceControlPolicyType, "TLS", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`), prod)
	req := s3req(f.alice, "s3:GetObject", "arn:aws:s3:::b/k", acctA)
	require.True(t, f.svc.Authorize(req).Allowed)
	require.Zero(t, testing.AllocsPerRun(200, func() { f.svc.Authorize(req) }))
	// A change to the organization is seen at once.
	f.attach(t, f.policy(t, ServiceControlPolicyType, "NoS3", stmt(`{"Effect":"Deny","Action":"s3:*","Resource":"*"}`)), acctA)
	require.False(t, f.svc.Authorize(req).Allowed)
}

// TestEvaluateWhereOrgPoliciesApply: the pure evaluator applies the same
// rules as Service.Authorize ("Policy evaluation logic": SCPs spare
// service-linked roles, and AWS service principals belong to no member
// account; RCPs spare service-linked roles but cap AWS services).
func TestEvaluateWhereOrgPoliciesApply(t *testing.T) {
	denyAll := [][]*Policy{{fullAWSAccess.doc, MustParsePolicy(stmt(`{"Effect":"Deny","Action":"*","Resource":"*"}`))}}
	denyAllRCP := [][]*Policy{{rcpFullAWSAccess.doc, MustParsePolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}]}`)}}
	slr, err := NewRoleSessionPrincipal(MustParseARN("arn:aws:iam::111122223333:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"), "AutoScaling")
	require.NoError(t, err)
	session := MustNewPrincipal("arn:aws:sts::111122223333:assumed-role/Ops/s1")
	svc := ServicePrincipal("cloudtrail.amazonaws.com")
	open := MustParsePolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`)
	cases := []struct {
		name        string
		p           *Principal
		scp, rcp    [][]*Policy
		wantAllow   bool
		wantMissing PolicyKind
	}{
		{"an SCP deny caps a role session", session, denyAll, nil, false, ServiceControlPolicy},
		{"an SCP deny spares a service-linked role", slr, denyAll, nil, true, 0},
		{"an SCP deny does not reach an AWS service principal", svc, denyAll, nil, true, 0},
		{"an RCP deny caps a role session", session, nil, denyAllRCP, false, ResourceControlPolicy},
		{"an RCP deny spares a service-linked role", slr, nil, denyAllRCP, true, 0},
		{"an RCP deny caps an AWS service principal", svc, nil, denyAllRCP, false, ResourceControlPolicy},
		{"an RCP deny caps anonymous callers", AnonymousPrincipal(), nil, denyAllRCP, false, ResourceControlPolicy},
	}
	for _, c := range cases {
		req := &Request{Principal: c.p, Action: "s3:GetObject", Resource: MustParseARN("arn:aws:s3:::b/k"), ResourceAccount: "111122223333", ResourcePolicy: open}
		d := Evaluate(EvaluateInput{Request: req, Identity: []*Policy{fullAccess}, SCPs: c.scp, RCPs: c.rcp})
		require.Equal(t, c.wantAllow, d.Allowed, "%s\n%s", c.name, d.Explain())
		require.Equal(t, c.wantMissing, d.Missing, c.name)
	}
}

// TestOrgConditionKeys: "AWS global condition context keys"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html):
// aws:PrincipalOrgPaths is the path o-id/r-id/ou-id/.../ of the principal's
// account, aws:ResourceOrgID and aws:ResourceOrgPaths those of the
// resource's account, aws:SourceOrgID the organization of the account an
// AWS service acts for.
func TestOrgConditionKeys(t *testing.T) {
	f := newOrgFixture(t)
	o, err := f.org.DescribeOrganization(f.mgmt, nil)
	require.NoError(t, err)
	orgID := o.Organization.Id
	prod := f.ou(t, f.rootID, "Prod")
	ml := f.ou(t, prod, "ML")
	f.move(t, acctA, f.rootID, ml)
	mlPath := orgID + "/" + f.rootID + "/" + prod + "/" + ml + "/"
	bucket := func(cond string) *Policy {
		return MustParsePolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*","Condition":` + cond + `}]}`)
	}
	alice := f.alice
	svcFor := ServicePrincipalFor("cloudtrail.amazonaws.com", acctB, MustParseARN("arn:aws:cloudtrail:us-east-1:444455556666:trail/t"))
	outside := ServicePrincipalFor("cloudtrail.amazonaws.com", "123456789012", MustParseARN("arn:aws:cloudtrail:us-east-1:123456789012:trail/t"))
	cases := []struct {
		name  string
		p     *Principal
		owner string
		cond  string
		want  bool
	}{
		{"PrincipalOrgPaths under Prod", alice, acctB, `{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"` + orgID + "/" + f.rootID + "/" + prod + `/*"}}`, true},
		{"PrincipalOrgPaths exact", alice, acctB, `{"ForAnyValue:StringEquals":{"aws:PrincipalOrgPaths":"` + mlPath + `"}}`, true},
		{"a multivalued key needs a set operator", alice, acctB, `{"StringEquals":{"aws:PrincipalOrgPaths":"` + mlPath + `"}}`, false},
		{"PrincipalOrgPaths of an account under the root", f.eve, acctA, `{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"` + orgID + "/" + f.rootID + "/" + prod + `/*"}}`, false},
		{"ResourceOrgID", f.eve, acctA, `{"StringEquals":{"aws:ResourceOrgID":"` + orgID + `"}}`, true},
		{"ResourceOrgPaths", f.eve, acctA, `{"ForAnyValue:StringLike":{"aws:ResourceOrgPaths":"*/` + ml + `/"}}`, true},
		{"ResourceOrgID of an account outside", alice, "123456789012", `{"StringEquals":{"aws:ResourceOrgID":"` + orgID + `"}}`, false},
		{"SourceOrgID of a member", svcFor, acctA, `{"StringEquals":{"aws:SourceOrgID":"` + orgID + `"}}`, true},
		{"SourceOrgID of an outsider", outside, acctA, `{"StringEquals":{"aws:SourceOrgID":"` + orgID + `"}}`, false},
	}
	for _, c := range cases {
		req := s3req(c.p, "s3:GetObject", "arn:aws:s3:::b/k", c.owner)
		req.ResourcePolicy = bucket(c.cond)
		d := f.svc.Authorize(req)
		require.Equal(t, c.want, d.Allowed, "%s\n%s", c.name, d.Explain())
	}
}

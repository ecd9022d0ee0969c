package iam

// The Organizations API's bad inputs get Organizations' error codes and
// change nothing (AWS Organizations API Reference, each operation's
// "Errors": CreateOrganizationalUnit, MoveAccount, CreatePolicy,
// AttachPolicy, EnablePolicyType:
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_Operations.html).

import (
	"errors"
	"sort"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nimbus-sim/nimbus/internal/awserr"
)

// orgState is everything the organization API can change, for "nothing
// changed" checks.
func orgState(f *orgFixture) string {
	o := f.svc.accounts[acctM].org
	out := ""
	for _, id := range sortedKeys(o.nodes) {
		n := o.nodes[id]
		out += id + ":" + n.name + "["
		for _, p := range n.attached {
			out += p.id + " "
		}
		out += "] "
	}
	for _, id := range sortedKeys(o.members) {
		a := o.members[id]
		out += id + "@" + a.parent.id + "["
		for _, p := range a.orgAttached {
			out += p.id + " "
		}
		out += "] "
	}
	out += "policies:" + strconv.Itoa(len(o.policies)) + " handshakes:" + strconv.Itoa(len(o.handshakes))
	for _, t := range []string{ServiceControlPolicyType, ResourceControlPolicyType} {
		if o.enabled[t] {
			out += " " + t
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestOrganizationsBadInput(t *testing.T) {
	f := newOrgFixture(t)
	scp := f.policy(t, ServiceControlPolicyType, "Deny", stmt(`{"Effect":"Deny","Action":"ec2:*","Resource":"*"}`))
	prod := f.ou(t, f.rootID, "Prod")
	ml := f.ou(t, prod, "ML")
	f.move(t, acctA, f.rootID, ml)
	f.attach(t, scp, prod)

	nested := prod
	for i := 2; i <= MaxOUDepth; i++ {
		nested = f.ou(t, nested, "L"+strconv.Itoa(i))
	}
	cases := []struct {
		name string
		call func() error
		code string
	}{
		{"attach to an unknown OU", func() error {
			_, err := f.org.AttachPolicy(f.mgmt, &AttachPolicyInput{PolicyId: scp, TargetId: "ou-zzzz-zzzzzzzz"})
			return err
		}, "TargetNotFoundException"},
		{"attach to an account outside the organization", func() error {
			_, err := f.org.AttachPolicy(f.mgmt, &AttachPolicyInput{PolicyId: scp, TargetId: "123456789012"})
			return err
		}, "TargetNotFoundException"},
		{"attach an unknown policy", func() error {
			_, err := f.org.AttachPolicy(f.mgmt, &AttachPolicyInput{PolicyId: "p-00000000", TargetId: prod})
			return err
		}, "PolicyNotFoundException"},
		{"attach twice", func() error {
			_, err := f.org.AttachPolicy(f.mgmt, &AttachPolicyInput{PolicyId: scp, TargetId: prod})
			return err
		}, "DuplicatePolicyAttachmentException"},
		{"move into an unknown OU", func() error {
			_, err := f.org.MoveAccount(f.mgmt, &MoveAccountInput{AccountId: acctA, SourceParentId: ml, DestinationParentId: "ou-zzzz-zzzzzzzz"})
			return err
		}, "DestinationParentNotFoundException"},
		{"move from a parent the account is not in", func() error {
			_, err := f.org.MoveAccount(f.mgmt, &MoveAccountInput{AccountId: acctA, SourceParentId: f.rootID, DestinationParentId: prod})
			return err
		}, "SourceParentNotFoundException"},
		{"move an account outside the organization", func() error {
			_, err := f.org.MoveAccount(f.mgmt, &MoveAccountInput{AccountId: "123456789012", SourceParentId: f.rootID, DestinationParentId: prod})
			return err
		}, "AccountNotFoundException"},
		{"move to where it is", func() error {
			_, err := f.org.MoveAccount(f.mgmt, &MoveAccountInput{AccountId: acctA, SourceParentId: ml, DestinationParentId: ml})
			return err
		}, "DuplicateAccountException"},
		{"an OU under an unknown parent", func() error {
			_, err := f.org.CreateOrganizationalUnit(f.mgmt, &CreateOrganizationalUnitInput{ParentId: "ou-zzzz-zzzzzzzz", Name: "X"})
			return err
		}, "ParentNotFoundException"},
		{"an OU name taken under the same parent", func() error {
			_, err := f.org.CreateOrganizationalUnit(f.mgmt, &CreateOrganizationalUnitInput{ParentId: f.rootID, Name: "Prod"})
			return err
		}, "DuplicateOrganizationalUnitException"},
		{"an OU deeper than five levels", func() error {
			_, err := f.org.CreateOrganizationalUnit(f.mgmt, &CreateOrganizationalUnitInput{ParentId: nested, Name: "TooDeep"})
			return err
		}, "ConstraintViolationException"},
		{"a member account creating an OU", func() error {
			_, err := f.org.CreateOrganizationalUnit(f.rootA, &CreateOrganizationalUnitInput{ParentId: f.rootID, Name: "Mine"})
			return err
		}, "AccessDeniedException"},
		{"an SCP with a Principal", func() error {
			_, err := f.org.CreatePolicy(f.mgmt, &CreateOrgPolicyInput{Type: ServiceControlPolicyType, Name: "P",
				Content: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}]}`})
			return err
		}, "MalformedPolicyDocumentException"},
		{"an RCP naming a principal other than *", func() error {
			_, err := f.org.CreatePolicy(f.mgmt, &CreateOrgPolicyInput{Type: ResourceControlPolicyType, Name: "P",
				Content: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"111122223333"},"Action":"s3:*","Resource":"*"}]}`})
			return err
		}, "MalformedPolicyDocumentException"},
		{"a policy name taken", func() error {
			_, err := f.org.CreatePolicy(f.mgmt, &CreateOrgPolicyInput{Type: ServiceControlPolicyType, Name: "Deny", Content: stmt(`{"Effect":"Deny","Action":"s3:*","Resource":"*"}`)})
			return err
		}, "DuplicatePolicyException"},
		{"a policy over 5,120 characters", func() error {
			big := stmt(`{"Sid":"` + pad(5200) + `","Effect":"Deny","Action":"s3:*","Resource":"*"}`)
			_, err := f.org.CreatePolicy(f.mgmt, &CreateOrgPolicyInput{Type: ServiceControlPolicyType, Name: "Big", Content: big})
			return err
		}, "ConstraintViolationException"},
		{"enabling an enabled type", func() error {
			_, err := f.org.EnablePolicyType(f.mgmt, &EnablePolicyTypeInput{RootId: f.rootID, PolicyType: ServiceControlPolicyType})
			return err
		}, "PolicyTypeAlreadyEnabledException"},
		{"enabling on an unknown root", func() error {
			_, err := f.org.EnablePolicyType(f.mgmt, &EnablePolicyTypeInput{RootId: "r-zzzz", PolicyType: ServiceControlPolicyType})
			return err
		}, "RootNotFoundException"},
		{"detaching a target's last SCP", func() error {
			_, err := f.org.DetachPolicy(f.mgmt, &DetachPolicyInput{PolicyId: "p-FullAWSAccess", TargetId: acctA})
			return err
		}, "ConstraintViolationException"},
		{"detaching a policy that is not attached", func() error {
			_, err := f.org.DetachPolicy(f.mgmt, &DetachPolicyInput{PolicyId: scp, TargetId: ml})
			return err
		}, "PolicyNotAttachedException"},
		{"a second organization", func() error {
			_, err := f.org.CreateOrganization(f.rootA, nil)
			return err
		}, "AlreadyInOrganizationException"},
	}
	for _, c := range cases {
		before := orgState(f)
		err := c.call()
		require.Error(t, err, c.name)
		var ae *awserr.Error
		require.True(t, errors.As(err, &ae), "%s: %v", c.name, err)
		require.Equal(t, c.code, ae.Code, "%s: %v", c.name, err)
		require.Equal(t, 400, ae.StatusCode, c.name)
		require.Equal(t, before, orgState(f), "%s changed state", c.name)
	}
}

func TestOrganizationsNotInUse(t *testing.T) {
	svc, root := newTestService(t)
	org := svc.Organizations()
	_, err := org.CreateOrganizationalUnit(root, &CreateOrganizationalUnitInput{ParentId: "r-abcd", Name: "X"})
	require.ErrorIs(t, err, ErrAWSOrganizationsNotInUse)
	_, err = org.AttachPolicy(root, &AttachPolicyInput{PolicyId: "p-FullAWSAccess", TargetId: acctA})
	require.ErrorIs(t, err, ErrAWSOrganizationsNotInUse)
	_, err = org.DescribeOrganization(root, nil)
	require.ErrorIs(t, err, ErrAWSOrganizationsNotInUse)
}

// TestAttachBeforeEnable: "Enabling a policy type": until SCPs are
// enabled on the root, attaching one is PolicyTypeNotEnabledException.
func TestAttachBeforeEnable(t *testing.T) {
	svc, root := newTestService(t)
	org := svc.Organizations()
	_, err := org.CreateOrganization(root, nil)
	require.NoError(t, err)
	roots, err := org.ListRoots(root, nil)
	require.NoError(t, err)
	require.Empty(t, roots.Roots[0].PolicyTypes)
	p, err := org.CreatePolicy(root, &CreateOrgPolicyInput{Type: ServiceControlPolicyType, Name: "X", Content: stmt(`{"Effect":"Deny","Action":"s3:*","Resource":"*"}`)})
	require.NoError(t, err)
	_, err = org.AttachPolicy(root, &AttachPolicyInput{PolicyId: p.Policy.PolicySummary.Id, TargetId: roots.Roots[0].Id})
	require.ErrorIs(t, err, ErrPolicyTypeNotEnabled)
	en, err := org.EnablePolicyType(root, &EnablePolicyTypeInput{RootId: roots.Roots[0].Id, PolicyType: ServiceControlPolicyType})
	require.NoError(t, err)
	require.Equal(t, []PolicyTypeSummary{{Type: ServiceControlPolicyType, Status: "ENABLED"}}, en.Root.PolicyTypes)
	_, err = org.AttachPolicy(root, &AttachPolicyInput{PolicyId: p.Policy.PolicySummary.Id, TargetId: roots.Roots[0].Id})
	require.NoError(t, err)
}

// TestOrganizationsIAMAuthorization: Organizations actions need the
// caller's IAM permission like any other action.
func TestOrganizationsIAMAuthorization(t *testing.T) {
	svc, root := newTestService(t)
	alice := aliceKey(t, svc, root)
	_, err := svc.Organizations().CreateOrganization(alice, nil)
	require.ErrorIs(t, err, ErrOrgAccessDenied)
	require.Contains(t, err.Error(), "is not authorized to perform: organizations:CreateOrganization")
	require.Nil(t, svc.accounts[acctA].org, "a denied call created an organization")
}

func pad(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = 'x'
	}
	return string(b)
}

// TestSetOrganizationKeepsRealOrganizations: SetOrganization labels an
// account that the scenario does not put in a modeled organization; it
// cannot relabel a member of a real one (the tree and the label would
// disagree).
func TestSetOrganizationKeepsRealOrganizations(t *testing.T) {
	f := newOrgFixture(t)
	require.ErrorIs(t, f.svc.SetOrganization(acctA, "o-abcdefghij"), ErrInvalidInput)
	_, err := f.svc.CreateAccount("123456789012")
	require.NoError(t, err)
	require.NoError(t, f.svc.SetOrganization("123456789012", "o-abcdefghij"))
	require.Equal(t, "o-abcdefghij", f.svc.OrganizationOf("123456789012"))
	require.Error(t, f.svc.SetOrganization("123456789012", "org-1"))
}

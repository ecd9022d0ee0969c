package region_test

// The Organizations client goes through the request pipeline: IAM
// authorizes organizations:OPERATION, the call takes network time, faults
// apply, and bad input gets Organizations' error codes (AWS Organizations
// API Reference, https://docs.aws.amazon.com/organizations/latest/APIReference/).

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/require"

	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/internal/testprincipal"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
)

func TestOrganizationsClient(t *testing.T) {
	env := sim.New(3)
	t.Cleanup(env.Close)
	w := region.MustNewWorld(env, region.Options{HostsPerAZ: map[string]int{"m5": 1}})
	mgmt := testprincipal.Account(t, w, "999988887777")
	member := testprincipal.Account(t, w, "111122223333")
	// An operator in the management account allowed only to read the
	// organization: IAM refuses it the rest.
	readerKeys := testprincipal.User(t, w, mgmt, "reader", testprincipal.Allow(
		[]string{"organizations:Describe*", "organizations:List*"}, []string{"*"}))

	org := w.OrganizationsClient(mgmt)
	mem := w.OrganizationsClient(member)
	reader := w.OrganizationsClient(readerKeys)
	calls0 := w.PipelineStats().Calls
	var calls []string
	check := func(what string, err error, code string) {
		t.Helper()
		calls = append(calls, what)
		if code == "" {
			require.NoError(t, err, what)
			return
		}
		var ae smithy.APIError
		require.True(t, errors.As(err, &ae), "%s: %v", what, err)
		require.Equal(t, code, ae.ErrorCode(), "%s: %v", what, err)
		var oe *smithy.OperationError
		require.True(t, errors.As(err, &oe), what)
		require.Equal(t, "Organizations", oe.ServiceID)
	}
	env.Go("admin", func(p *sim.Proc) {
		start := env.Now()
		_, err := org.CreateOrganizationalUnit(p, &iam.CreateOrganizationalUnitInput{ParentId: "r-abcd", Name: "X"})
		check("OU before any organization", err, "AWSOrganizationsNotInUseException")
		_, err = org.CreateOrganization(p, &iam.CreateOrganizationInput{})
		check("CreateOrganization", err, "")
		require.Greater(t, env.Now(), start, "a call through the pipeline takes network time")
		roots, err := reader.ListRoots(p, nil)
		check("ListRoots by the reader", err, "")
		rootID := roots.Roots[0].Id
		_, err = reader.EnablePolicyType(p, &iam.EnablePolicyTypeInput{RootId: rootID, PolicyType: iam.ServiceControlPolicyType})
		check("EnablePolicyType by the reader", err, "AccessDeniedException")
		_, err = org.EnablePolicyType(p, &iam.EnablePolicyTypeInput{RootId: rootID, PolicyType: iam.ServiceControlPolicyType})
		check("EnablePolicyType", err, "")
		inv, err := org.InviteAccountToOrganization(p, &iam.InviteAccountToOrganizationInput{Target: iam.HandshakeParty{Type: "ACCOUNT", Id: "111122223333"}})
		check("Invite", err, "")
		_, err = mem.AcceptHandshake(p, &iam.AcceptHandshakeInput{HandshakeId: inv.Handshake.Id})
		check("AcceptHandshake", err, "")
		ou, err := org.CreateOrganizationalUnit(p, &iam.CreateOrganizationalUnitInput{ParentId: rootID, Name: "Sandbox"})
		check("CreateOrganizationalUnit", err, "")
		_, err = org.MoveAccount(p, &iam.MoveAccountInput{AccountId: "111122223333", SourceParentId: rootID, DestinationParentId: "ou-nope-nopenope"})
		check("MoveAccount to an unknown OU", err, "DestinationParentNotFoundException")
		_, err = org.MoveAccount(p, &iam.MoveAccountInput{AccountId: "111122223333", SourceParentId: rootID, DestinationParentId: ou.OrganizationalUnit.Id})
		check("MoveAccount", err, "")
		pol, err := org.CreatePolicy(p, &iam.CreateOrgPolicyInput{Type: iam.ServiceControlPolicyType, Name: "NoDescribe",
			Content: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"organizations:DescribeOrganization","Resource":"*"}]}`})
		check("CreatePolicy", err, "")
		_, err = org.AttachPolicy(p, &iam.AttachPolicyInput{PolicyId: pol.Policy.PolicySummary.Id, TargetId: "ou-nope-nopenope"})
		check("AttachPolicy to an unknown target", err, "TargetNotFoundException")
		_, err = org.AttachPolicy(p, &iam.AttachPolicyInput{PolicyId: pol.Policy.PolicySummary.Id, TargetId: ou.OrganizationalUnit.Id})
		check("AttachPolicy", err, "")
		// The SCP on Sandbox now caps the member, not the management account.
		_, err = mem.DescribeOrganization(p, nil)
		check("DescribeOrganization by the member under the SCP", err, "AccessDeniedException")
		require.Contains(t, err.Error(), "with an explicit deny in a service control policy")
		d, err := org.DescribeOrganization(p, nil)
		check("DescribeOrganization by the management account", err, "")
		require.Equal(t, "999988887777", d.Organization.MasterAccountId)
	})
	env.Run()
	require.Len(t, calls, 15, "the process ran to the end")
	require.Equal(t, 15, w.PipelineStats().Calls-calls0, "every call went through the pipeline")
}

func TestOrganizationsClientNeedsProc(t *testing.T) {
	env := sim.New(1)
	t.Cleanup(env.Close)
	w := region.MustNewWorld(env, region.Options{HostsPerAZ: map[string]int{"m5": 1}})
	_, err := w.OrganizationsClient(iam.Credentials{}).ListRoots(context.Background(), nil)
	require.ErrorIs(t, err, sim.ErrNoProcess)
}

// A region-based SCP works through the pipeline: World.Call sets
// aws:RequestedRegion from the region serving the call, so an SCP denying
// eu-central-1 blocks an EC2 call there and not in us-east-1.
func TestSCPRequestedRegionThroughPipeline(t *testing.T) {
	env := sim.New(5)
	t.Cleanup(env.Close)
	w := region.MustNewWorld(env, region.Options{HostsPerAZ: map[string]int{"m5": 1}})
	mgmt := testprincipal.Account(t, w, "999988887777")
	member := testprincipal.Account(t, w, "111122223333")
	dev := testprincipal.User(t, w, member, "dev", testprincipal.Allow([]string{"ec2:*"}, []string{"*"}))
	org := w.OrganizationsClient(mgmt)
	mem := w.OrganizationsClient(member)
	require.NoError(t, w.Setup(func(ctx context.Context) error {
		if _, err := org.CreateOrganization(ctx, &iam.CreateOrganizationInput{}); err != nil {
			return err
		}
		roots, err := org.ListRoots(ctx, nil)
		if err != nil {
			return err
		}
		rootID := roots.Roots[0].Id
		if _, err := org.EnablePolicyType(ctx, &iam.EnablePolicyTypeInput{RootId: rootID, PolicyType: iam.ServiceControlPolicyType}); err != nil {
			return err
		}
		inv, err := org.InviteAccountToOrganization(ctx, &iam.InviteAccountToOrganizationInput{Target: iam.HandshakeParty{Type: "ACCOUNT", Id: "111122223333"}})
		if err != nil {
			return err
		}
		if _, err := mem.AcceptHandshake(ctx, &iam.AcceptHandshakeInput{HandshakeId: inv.Handshake.Id}); err != nil {
			return err
		}
		pol, err := org.CreatePolicy(ctx, &iam.CreateOrgPolicyInput{Type: iam.ServiceControlPolicyType, Name: "NoFrankfurt",
			Content: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*",
			  "Condition":{"StringEquals":{"aws:RequestedRegion":"eu-central-1"}}}]}`})
		if err != nil {
			return err
		}
		_, err = org.AttachPolicy(ctx, &iam.AttachPolicyInput{PolicyId: pol.Policy.PolicySummary.Id, TargetId: "111122223333"})
		return err
	}))
	call := func(reg string) error {
		return w.Setup(func(ctx context.Context) error {
			return w.Call(ctx, region.Request{Service: "ec2", Operation: "DescribeInstances", Region: reg, Credentials: dev},
				func(*region.Call) error { return nil })
		})
	}
	require.NoError(t, call("us-east-1"))
	err := call("eu-central-1")
	var de *iam.DeniedError
	require.True(t, errors.As(err, &de), "%v", err)
	require.Contains(t, err.Error(), "service control policy")
}

package region_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/smithy-go"

	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
)

// An organization built through the Organizations API: the management
// account creates it, enables SCPs, invites a member that accepts, and
// attaches an SCP to the root. The SCP caps the member; the management
// account is not affected by SCPs.
func ExampleOrganizationsClient() {
	env := sim.New(1)
	defer env.Close()
	w := region.MustNewWorld(env, region.Options{HostsPerAZ: map[string]int{"m5": 1}})
	mgmt, _ := w.CreateAccount("999988887777")
	member, _ := w.CreateAccount("111122223333")

	err := w.Setup(func(ctx context.Context) error {
		org, mem := w.OrganizationsClient(mgmt), w.OrganizationsClient(member)
		if _, err := org.CreateOrganization(ctx, &iam.CreateOrganizationInput{FeatureSet: iam.FeatureSetAll}); err != nil {
			return err
		}
		roots, _ := org.ListRoots(ctx, nil)
		root := roots.Roots[0].Id
		org.EnablePolicyType(ctx, &iam.EnablePolicyTypeInput{RootId: root, PolicyType: iam.ServiceControlPolicyType})
		inv, _ := org.InviteAccountToOrganization(ctx, &iam.InviteAccountToOrganizationInput{
			Target: iam.HandshakeParty{Type: "ACCOUNT", Id: "111122223333"}})
		mem.AcceptHandshake(ctx, &iam.AcceptHandshakeInput{HandshakeId: inv.Handshake.Id})
		scp, _ := org.CreatePolicy(ctx, &iam.CreateOrgPolicyInput{Type: iam.ServiceControlPolicyType, Name: "NoDescribe",
			Content: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"organizations:DescribeOrganization","Resource":"*"}]}`})
		if _, err := org.AttachPolicy(ctx, &iam.AttachPolicyInput{PolicyId: scp.Policy.PolicySummary.Id, TargetId: "ou-nope-00000000"}); err != nil {
			var ae smithy.APIError
			errors.As(err, &ae)
			fmt.Println("attach to an unknown OU:", ae.ErrorCode())
		}
		org.AttachPolicy(ctx, &iam.AttachPolicyInput{PolicyId: scp.Policy.PolicySummary.Id, TargetId: root})

		if _, err := mem.DescribeOrganization(ctx, nil); err != nil {
			var ae smithy.APIError
			errors.As(err, &ae)
			fmt.Println("member:", ae.ErrorCode())
		}
		d, err := org.DescribeOrganization(ctx, nil)
		fmt.Println("management:", err == nil, d.Organization.MasterAccountId)
		return nil
	})
	fmt.Println("setup:", err)
	// Output:
	// attach to an unknown OU: TargetNotFoundException
	// member: AccessDeniedException
	// management: true 999988887777
	// setup: <nil>
}

package iam_test

import (
	"fmt"

	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/sim"
)

// An SCP deny-list ("Service control policy examples": deny access to AWS
// based on the requested Region,
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_general.html):
// attached at the root, it blocks eu-central-1 for every member account,
// even for an administrator and the member's root user, while FullAWSAccess
// still allows everything else. The management account is not affected by
// SCPs, so its administrator can still work there.
func ExampleOrganizations_AttachPolicy() {
	env := sim.New(1)
	defer env.Close()
	svc := iam.NewService(env)
	org := svc.Organizations()
	mgmt, _ := svc.CreateAccount("999988887777")
	member, _ := svc.CreateAccount("111122223333")
	admin := func(root iam.Credentials) *iam.Principal {
		svc.CreateUser(root, iam.CreateUserInput{UserName: "admin"})
		svc.AttachUserPolicy(root, "admin", iam.AWSManagedPolicyARN("AdministratorAccess"))
		k, _ := svc.CreateAccessKey(root, "admin")
		p, _ := svc.Authenticate(k.Credentials())
		return p
	}
	mgmtAdmin, memberAdmin := admin(mgmt), admin(member)
	memberRoot, _ := svc.Authenticate(member)

	// The organization, SCPs enabled (FullAWSAccess goes on everything),
	// and the member invited and accepted.
	org.CreateOrganization(mgmt, &iam.CreateOrganizationInput{FeatureSet: iam.FeatureSetAll})
	roots, _ := org.ListRoots(mgmt, nil)
	rootID := roots.Roots[0].Id
	org.EnablePolicyType(mgmt, &iam.EnablePolicyTypeInput{RootId: rootID, PolicyType: iam.ServiceControlPolicyType})
	inv, _ := org.InviteAccountToOrganization(mgmt, &iam.InviteAccountToOrganizationInput{
		Target: iam.HandshakeParty{Type: "ACCOUNT", Id: "111122223333"}})
	org.AcceptHandshake(member, &iam.AcceptHandshakeInput{HandshakeId: inv.Handshake.Id})

	scp, err := org.CreatePolicy(mgmt, &iam.CreateOrgPolicyInput{
		Type: iam.ServiceControlPolicyType, Name: "DenyEuCentral1",
		Content: `{"Version":"2012-10-17","Statement":[{"Sid":"DenyEuCentral1","Effect":"Deny",
		  "NotAction":["iam:*","organizations:*","sts:*","support:*"],"Resource":"*",
		  "Condition":{"StringEquals":{"aws:RequestedRegion":"eu-central-1"}}}]}`})
	if err != nil {
		panic(err)
	}
	if _, err := org.AttachPolicy(mgmt, &iam.AttachPolicyInput{PolicyId: scp.Policy.PolicySummary.Id, TargetId: rootID}); err != nil {
		panic(err)
	}

	run := func(who string, p *iam.Principal, region string) {
		d := svc.Authorize(&iam.Request{Principal: p, Action: "ec2:RunInstances", RequestedRegion: region,
			Resource:        iam.MustParseARN("arn:aws:ec2:" + region + ":" + p.AccountID + ":instance/*"),
			ResourceAccount: p.AccountID})
		if d.Allowed {
			fmt.Printf("%-13s %-12s allowed\n", who, region)
			return
		}
		fmt.Printf("%-13s %-12s denied by %s\n", who, region, d.Statement)
	}
	run("member admin", memberAdmin, "eu-central-1")
	run("member root", memberRoot, "eu-central-1")
	run("member admin", memberAdmin, "eu-west-1")
	run("mgmt admin", mgmtAdmin, "eu-central-1")
	// Output:
	// member admin  eu-central-1 denied by statement 0 (Sid "DenyEuCentral1") of SCP p-tjvgo8yt (DenyEuCentral1) attached to root r-6wcf
	// member root   eu-central-1 denied by statement 0 (Sid "DenyEuCentral1") of SCP p-tjvgo8yt (DenyEuCentral1) attached to root r-6wcf
	// member admin  eu-west-1    allowed
	// mgmt admin    eu-central-1 allowed
}

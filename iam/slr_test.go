package iam

// Service-linked roles: IAM User Guide, "Using service-linked roles"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html)
// and the CreateServiceLinkedRole API reference
// (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateServiceLinkedRole.html).

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nimbus-sim/nimbus/internal/awserr"
)

func TestCreateServiceLinkedRole(t *testing.T) {
	svc, root := newTestService(t)
	r, err := svc.CreateServiceLinkedRole(root, CreateServiceLinkedRoleInput{AWSServiceName: "autoscaling.amazonaws.com"})
	require.NoError(t, err)
	require.Equal(t, "AWSServiceRoleForAutoScaling", r.RoleName)
	require.Equal(t, "/aws-service-role/autoscaling.amazonaws.com/", r.Path)
	require.Equal(t, "arn:aws:iam::111122223333:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling", r.ARN.String())
	require.Equal(t, []ARN{AWSManagedPolicyARN("aws-service-role/AutoScalingServiceRolePolicy")}, r.AttachedPolicies)
	// The trust policy names the service principal, and only it.
	trust := r.AssumeRolePolicyDocument
	require.Len(t, trust.Statements, 1)
	require.Equal(t, []string{"autoscaling.amazonaws.com"}, trust.Statements[0].Principal.Service)
	require.Empty(t, trust.Statements[0].Principal.AWS)

	// The service can act through it.
	creds, err := svc.ServiceLinkedRoleCredentials(acctA, "autoscaling.amazonaws.com")
	require.NoError(t, err)
	p, err := svc.Authenticate(creds)
	require.NoError(t, err)
	require.True(t, p.slr)
	d := svc.Authorize(s3req(p, "ec2:RunInstances", "arn:aws:ec2:us-east-1:111122223333:instance/*", acctA))
	require.True(t, d.Allowed, d.Explain())

	// A suffix makes a second one, for services that take suffixes.
	r2, err := svc.CreateServiceLinkedRole(root, CreateServiceLinkedRoleInput{AWSServiceName: "autoscaling.amazonaws.com", CustomSuffix: "batch"})
	require.NoError(t, err)
	require.Equal(t, "AWSServiceRoleForAutoScaling_batch", r2.RoleName)
}

func TestServiceLinkedRoleBadInput(t *testing.T) {
	svc, root := newTestService(t)
	_, err := svc.CreateServiceLinkedRole(root, CreateServiceLinkedRoleInput{AWSServiceName: "spot.amazonaws.com"})
	require.NoError(t, err)
	count := func() int { rs, err := svc.ListRoles(root); require.NoError(t, err); return len(rs) }
	n := count()
	cases := []struct {
		name string
		call func() error
		code string
	}{
		{"unknown service", func() error {
			_, err := svc.CreateServiceLinkedRole(root, CreateServiceLinkedRoleInput{AWSServiceName: "nosuch.amazonaws.com"})
			return err
		}, "InvalidInput"},
		{"empty service", func() error {
			_, err := svc.CreateServiceLinkedRole(root, CreateServiceLinkedRoleInput{})
			return err
		}, "ValidationError"},
		{"name taken (AWS's words)", func() error {
			_, err := svc.CreateServiceLinkedRole(root, CreateServiceLinkedRoleInput{AWSServiceName: "spot.amazonaws.com"})
			return err
		}, "InvalidInput"},
		{"suffix on a service without suffixes", func() error {
			_, err := svc.CreateServiceLinkedRole(root, CreateServiceLinkedRoleInput{AWSServiceName: "spot.amazonaws.com", CustomSuffix: "x"})
			return err
		}, "InvalidInput"},
		{"CreateRole under the reserved path", func() error {
			_, err := svc.CreateRole(root, CreateRoleInput{RoleName: "Sneaky", Path: "/aws-service-role/spot.amazonaws.com/", AssumeRolePolicyDocument: ec2TrustDoc})
			return err
		}, "InvalidInput"},
		{"editing the role's trust policy", func() error {
			return svc.UpdateAssumeRolePolicy(root, "AWSServiceRoleForEC2Spot", ec2TrustDoc)
		}, "UnmodifiableEntity"},
		{"adding an inline policy to it", func() error {
			return svc.PutRolePolicy(root, "AWSServiceRoleForEC2Spot", "x", stmt(`{"Effect":"Allow","Action":"*","Resource":"*"}`))
		}, "UnmodifiableEntity"},
		{"deleting it with DeleteRole", func() error {
			return svc.DeleteRole(root, "AWSServiceRoleForEC2Spot")
		}, "UnmodifiableEntity"},
		{"attaching a service role policy to a user", func() error {
			return svc.AttachUserPolicy(root, "alice", AWSManagedPolicyARN("aws-service-role/AWSEC2SpotServiceRolePolicy"))
		}, "PolicyNotAttachable"},
	}
	for _, c := range cases {
		err := c.call()
		var ae *awserr.Error
		require.True(t, errors.As(err, &ae), "%s: %v", c.name, err)
		require.Equal(t, c.code, ae.Code, "%s: %v", c.name, err)
		require.Equal(t, n, count(), "%s changed the roles", c.name)
	}
	r, err := svc.GetRole(root, "AWSServiceRoleForEC2Spot")
	require.NoError(t, err)
	require.Equal(t, []string{"spot.amazonaws.com"}, r.AssumeRolePolicyDocument.Statements[0].Principal.Service)
	require.Empty(t, r.InlinePolicies)
}

const ec2TrustDoc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

// TestCreateServiceLinkedRoleAuthorization: the caller needs
// iam:CreateServiceLinkedRole, which policies scope with iam:AWSServiceName
// (as AmazonEC2FullAccess does).
func TestCreateServiceLinkedRoleAuthorization(t *testing.T) {
	svc, root := newTestService(t)
	alice := aliceKey(t, svc, root)
	require.NoError(t, svc.AttachUserPolicy(root, "alice", AWSManagedPolicyARN("AmazonEC2FullAccess")))
	_, err := svc.CreateServiceLinkedRole(alice, CreateServiceLinkedRoleInput{AWSServiceName: "config.amazonaws.com"})
	require.ErrorIs(t, err, ErrAccessDenied)
	_, err = svc.CreateServiceLinkedRole(alice, CreateServiceLinkedRoleInput{AWSServiceName: "elasticloadbalancing.amazonaws.com"})
	require.NoError(t, err)
}

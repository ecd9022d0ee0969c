package region

// The AWS Organizations client: each method is one API call through the
// request pipeline (endpoint, authentication, latency, faults, retries),
// whose effect is iam's Organizations operation of the same name, which
// authorizes organizations:OPERATION. Organizations is a global
// service whose endpoint lives in one region (organizations.us-east-1.amazonaws.com
// in the aws partition: "AWS Organizations endpoints and quotas",
// https://docs.aws.amazon.com/general/latest/gr/ao.html). Organizations
// charges nothing, so nothing is metered.

import (
	"context"

	"github.com/nimbus-sim/nimbus/iam"
)

// OrganizationsClient is an AWS Organizations client for one set of
// credentials, like aws-sdk-go-v2's organizations.Client: every method
// takes the calling context first and is one API call through World.Call.
// As with IAMClient, the effect (iam.Organizations) authorizes
// organizations:OPERATION itself on the exact resource (the parent OU, the
// policy, the account), so the pipeline does not authorize twice; a
// refusal is Organizations' AccessDeniedException with IAM's explanation.
type OrganizationsClient struct {
	w     *World
	creds Credentials
	cfg   *ClientConfig
}

// OrganizationsClient returns an Organizations client calling with creds.
// Like IAMClient it names no region: the partition's global endpoint
// (organizations.us-east-1.amazonaws.com in aws) serves every call.
func (w *World) OrganizationsClient(creds Credentials) *OrganizationsClient {
	return &OrganizationsClient{w: w, creds: creds}
}

// WithClientConfig returns a copy of the client using cfg for retries and
// timeouts.
func (c *OrganizationsClient) WithClientConfig(cfg ClientConfig) *OrganizationsClient {
	d := *c
	d.cfg = &cfg
	return &d
}

// orgCall sends operation op through the pipeline with effect, iam's
// operation of the same name, run at the server instant.
func orgCall[In, Out any](ctx context.Context, c *OrganizationsClient, op string, in In,
	effect func(*iam.Organizations, iam.Credentials, In) (Out, error)) (Out, error) {
	var out Out
	req := Request{Service: "organizations", ServiceID: "Organizations", Operation: op,
		Credentials: c.creds, Client: c.cfg, iamAuthorizes: true}
	err := c.w.call(ctx, &req, func(*Call) error {
		var err error
		out, err = effect(c.w.iam.Organizations(), c.creds, in)
		return err
	})
	return out, err
}

// CreateOrganization creates an organization with the caller's account as
// its management account.
func (c *OrganizationsClient) CreateOrganization(ctx context.Context, in *iam.CreateOrganizationInput) (*iam.CreateOrganizationOutput, error) {
	return orgCall(ctx, c, "CreateOrganization", in, (*iam.Organizations).CreateOrganization)
}

// DescribeOrganization describes the caller's organization.
func (c *OrganizationsClient) DescribeOrganization(ctx context.Context, in *iam.DescribeOrganizationInput) (*iam.DescribeOrganizationOutput, error) {
	return orgCall(ctx, c, "DescribeOrganization", in, (*iam.Organizations).DescribeOrganization)
}

// ListRoots lists the organization's root.
func (c *OrganizationsClient) ListRoots(ctx context.Context, in *iam.ListRootsInput) (*iam.ListRootsOutput, error) {
	return orgCall(ctx, c, "ListRoots", in, (*iam.Organizations).ListRoots)
}

// EnablePolicyType enables SCPs or RCPs on the root.
func (c *OrganizationsClient) EnablePolicyType(ctx context.Context, in *iam.EnablePolicyTypeInput) (*iam.EnablePolicyTypeOutput, error) {
	return orgCall(ctx, c, "EnablePolicyType", in, (*iam.Organizations).EnablePolicyType)
}

// CreateOrganizationalUnit creates an OU under the root or an OU.
func (c *OrganizationsClient) CreateOrganizationalUnit(ctx context.Context, in *iam.CreateOrganizationalUnitInput) (*iam.CreateOrganizationalUnitOutput, error) {
	return orgCall(ctx, c, "CreateOrganizationalUnit", in, (*iam.Organizations).CreateOrganizationalUnit)
}

// InviteAccountToOrganization invites an account to the organization.
func (c *OrganizationsClient) InviteAccountToOrganization(ctx context.Context, in *iam.InviteAccountToOrganizationInput) (*iam.InviteAccountToOrganizationOutput, error) {
	return orgCall(ctx, c, "InviteAccountToOrganization", in, (*iam.Organizations).InviteAccountToOrganization)
}

// AcceptHandshake accepts an invitation; the caller's account joins.
func (c *OrganizationsClient) AcceptHandshake(ctx context.Context, in *iam.AcceptHandshakeInput) (*iam.AcceptHandshakeOutput, error) {
	return orgCall(ctx, c, "AcceptHandshake", in, (*iam.Organizations).AcceptHandshake)
}

// MoveAccount moves a member account between the root and OUs.
func (c *OrganizationsClient) MoveAccount(ctx context.Context, in *iam.MoveAccountInput) (*iam.MoveAccountOutput, error) {
	return orgCall(ctx, c, "MoveAccount", in, (*iam.Organizations).MoveAccount)
}

// CreatePolicy creates an SCP or RCP.
func (c *OrganizationsClient) CreatePolicy(ctx context.Context, in *iam.CreateOrgPolicyInput) (*iam.CreateOrgPolicyOutput, error) {
	return orgCall(ctx, c, "CreatePolicy", in, (*iam.Organizations).CreatePolicy)
}

// AttachPolicy attaches an SCP or RCP to the root, an OU or an account.
func (c *OrganizationsClient) AttachPolicy(ctx context.Context, in *iam.AttachPolicyInput) (*iam.AttachPolicyOutput, error) {
	return orgCall(ctx, c, "AttachPolicy", in, (*iam.Organizations).AttachPolicy)
}

// DetachPolicy detaches an SCP or RCP from a target.
func (c *OrganizationsClient) DetachPolicy(ctx context.Context, in *iam.DetachPolicyInput) (*iam.DetachPolicyOutput, error) {
	return orgCall(ctx, c, "DetachPolicy", in, (*iam.Organizations).DetachPolicy)
}

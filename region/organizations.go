package region

// The AWS Organizations client: each method is one API call through the
// request pipeline (endpoint, authentication, IAM authorization of
// organizations:OPERATION, latency, faults), whose effect is iam's
// Organizations operation of the same name. Organizations is a global
// service whose endpoint lives in one region (organizations.us-east-1.amazonaws.com
// in the aws partition: "AWS Organizations endpoints and quotas",
// https://docs.aws.amazon.com/general/latest/gr/ao.html). Organizations
// charges nothing, so nothing is metered.

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/smithy-go"

	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/internal/awserr"
	"github.com/nimbus-sim/nimbus/sim"
)

// OrganizationsClient calls AWS Organizations with one set of credentials,
// as the SDK's organizations.Client does.
type OrganizationsClient struct {
	w     *World
	creds Credentials
	// Region is where the Organizations endpoint is served:
	// "us-east-1" (the aws partition's) unless set.
	Region string
	// From is the caller's place; the zero Location is an internet client.
	From Location
}

// NewOrganizationsClient returns a client that signs with creds.
func NewOrganizationsClient(w *World, creds Credentials) *OrganizationsClient {
	if w == nil {
		panic("region: NewOrganizationsClient with nil world")
	}
	return &OrganizationsClient{w: w, creds: creds, Region: "us-east-1"}
}

// orgCall sends operation op through the pipeline, authorized on the
// Organizations entity resourceID names ("" or unknown: "*"), with effect
// run at the server instant.
func orgCall[In, Out any](ctx context.Context, c *OrganizationsClient, op, resourceID string, in In,
	effect func(*iam.Organizations, iam.Credentials, In) (Out, error)) (Out, error) {
	var out Out
	p, ok := ctx.(*sim.Proc)
	if !ok || p == nil {
		return out, &smithy.OperationError{ServiceID: "Organizations", OperationName: op,
			Err: fmt.Errorf("region: Organizations %s: ctx must be the calling *sim.Proc, got %T", op, ctx)}
	}
	org := c.w.IAM().Organizations()
	res := "*"
	if resourceID != "" {
		res = org.OrganizationsARN(c.creds, resourceID)
	}
	req := Request{Service: "organizations", ServiceID: "Organizations", Operation: op, Region: c.Region,
		Credentials: c.creds, From: c.From, Resource: res}
	// Organizations actions are granted by the caller's own identity-based
	// policies (its resources have no resource-based policies here), so
	// the call is authorized as one within the caller's account.
	if p, err := c.w.IAM().Authenticate(c.creds); err == nil {
		req.ResourceAccount = p.AccountID
	}
	err := c.w.Call(p, req, func(call *Call) error {
		var err error
		out, err = effect(org, call.Request().Credentials, in)
		return err
	})
	return out, accessDeniedException(err)
}

// accessDeniedException rewrites the pipeline's AccessDenied under the code
// Organizations uses for it, keeping IAM's explanation.
func accessDeniedException(err error) error {
	var ae *awserr.Error
	if err == nil || !errors.As(err, &ae) || ae.Code != "AccessDenied" {
		return err
	}
	u := awserr.New("AccessDeniedException", 400, false, "%s", ae.Message)
	u.RequestID = ae.RequestID
	var oe *smithy.OperationError
	if errors.As(err, &oe) {
		return &smithy.OperationError{ServiceID: oe.ServiceID, OperationName: oe.OperationName, Err: u}
	}
	return u
}

// CreateOrganization creates an organization with the caller's account as
// its management account.
func (c *OrganizationsClient) CreateOrganization(ctx context.Context, in *iam.CreateOrganizationInput) (*iam.CreateOrganizationOutput, error) {
	return orgCall(ctx, c, "CreateOrganization", "", in, (*iam.Organizations).CreateOrganization)
}

// DescribeOrganization describes the caller's organization.
func (c *OrganizationsClient) DescribeOrganization(ctx context.Context, in *iam.DescribeOrganizationInput) (*iam.DescribeOrganizationOutput, error) {
	return orgCall(ctx, c, "DescribeOrganization", "", in, (*iam.Organizations).DescribeOrganization)
}

// ListRoots lists the organization's root.
func (c *OrganizationsClient) ListRoots(ctx context.Context, in *iam.ListRootsInput) (*iam.ListRootsOutput, error) {
	return orgCall(ctx, c, "ListRoots", "", in, (*iam.Organizations).ListRoots)
}

// EnablePolicyType enables SCPs or RCPs on the root.
func (c *OrganizationsClient) EnablePolicyType(ctx context.Context, in *iam.EnablePolicyTypeInput) (*iam.EnablePolicyTypeOutput, error) {
	return orgCall(ctx, c, "EnablePolicyType", idOf(in, func(in *iam.EnablePolicyTypeInput) string { return in.RootId }), in, (*iam.Organizations).EnablePolicyType)
}

// CreateOrganizationalUnit creates an OU under the root or an OU.
func (c *OrganizationsClient) CreateOrganizationalUnit(ctx context.Context, in *iam.CreateOrganizationalUnitInput) (*iam.CreateOrganizationalUnitOutput, error) {
	return orgCall(ctx, c, "CreateOrganizationalUnit", idOf(in, func(in *iam.CreateOrganizationalUnitInput) string { return in.ParentId }), in, (*iam.Organizations).CreateOrganizationalUnit)
}

// InviteAccountToOrganization invites an account to the organization.
func (c *OrganizationsClient) InviteAccountToOrganization(ctx context.Context, in *iam.InviteAccountToOrganizationInput) (*iam.InviteAccountToOrganizationOutput, error) {
	return orgCall(ctx, c, "InviteAccountToOrganization", "", in, (*iam.Organizations).InviteAccountToOrganization)
}

// AcceptHandshake accepts an invitation; the caller's account joins.
func (c *OrganizationsClient) AcceptHandshake(ctx context.Context, in *iam.AcceptHandshakeInput) (*iam.AcceptHandshakeOutput, error) {
	return orgCall(ctx, c, "AcceptHandshake", idOf(in, func(in *iam.AcceptHandshakeInput) string { return in.HandshakeId }), in, (*iam.Organizations).AcceptHandshake)
}

// MoveAccount moves a member account between the root and OUs.
func (c *OrganizationsClient) MoveAccount(ctx context.Context, in *iam.MoveAccountInput) (*iam.MoveAccountOutput, error) {
	return orgCall(ctx, c, "MoveAccount", idOf(in, func(in *iam.MoveAccountInput) string { return in.AccountId }), in, (*iam.Organizations).MoveAccount)
}

// CreatePolicy creates an SCP or RCP.
func (c *OrganizationsClient) CreatePolicy(ctx context.Context, in *iam.CreateOrgPolicyInput) (*iam.CreateOrgPolicyOutput, error) {
	return orgCall(ctx, c, "CreatePolicy", "", in, (*iam.Organizations).CreatePolicy)
}

// AttachPolicy attaches an SCP or RCP to the root, an OU or an account.
func (c *OrganizationsClient) AttachPolicy(ctx context.Context, in *iam.AttachPolicyInput) (*iam.AttachPolicyOutput, error) {
	return orgCall(ctx, c, "AttachPolicy", idOf(in, func(in *iam.AttachPolicyInput) string { return in.PolicyId }), in, (*iam.Organizations).AttachPolicy)
}

// DetachPolicy detaches an SCP or RCP from a target.
func (c *OrganizationsClient) DetachPolicy(ctx context.Context, in *iam.DetachPolicyInput) (*iam.DetachPolicyOutput, error) {
	return orgCall(ctx, c, "DetachPolicy", idOf(in, func(in *iam.DetachPolicyInput) string { return in.PolicyId }), in, (*iam.Organizations).DetachPolicy)
}

// idOf reads the ID an operation is authorized on from a possibly nil
// input (the SDK treats nil params as empty ones).
func idOf[In any](in *In, f func(*In) string) string {
	if in == nil {
		return ""
	}
	return f(in)
}

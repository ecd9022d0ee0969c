package region

import (
	"context"
	"errors"
	"fmt"

	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/internal/awserr"
	"github.com/nimbus-sim/nimbus/sim"
)

// IAMClient is an IAM client for one set of credentials, like
// aws-sdk-go-v2's iam.Client built from a config: every method takes the
// calling context first and is one API call through World.Call (network
// latency to IAM's global endpoint, throttling and faults, retries,
// PipelineStats) whose effect is the world's iam.Service. iam.Service
// authorizes the operation itself, with the same evaluation the pipeline
// uses for every other service and the exact resource ARN (an entity's
// path, a role's trust policy).
type IAMClient struct {
	w     *World
	creds Credentials
	cfg   *ClientConfig
}

// IAMClient returns an IAM client calling with creds.
func (w *World) IAMClient(creds Credentials) *IAMClient { return &IAMClient{w: w, creds: creds} }

// WithClientConfig returns a copy of the client using cfg for retries and
// timeouts.
func (c *IAMClient) WithClientConfig(cfg ClientConfig) *IAMClient {
	d := *c
	d.cfg = &cfg
	return &d
}

func (c *IAMClient) call(ctx context.Context, op string, effect func() error) error {
	req := Request{Service: "iam", ServiceID: "IAM", Operation: op, Credentials: c.creds, Client: c.cfg,
		iamAuthorizes: true}
	return c.w.call(ctx, &req, func(*Call) error { return effect() })
}

func parsePolicyARN(s string) (iam.ARN, error) {
	a, err := iam.ParseARN(s)
	if err != nil {
		return iam.ARN{}, awserr.New("InvalidInput", 400, false, "ARN %s is not valid.", s)
	}
	return a, nil
}

// STSClient is an STS client for one set of credentials and region ("" for
// the legacy global endpoint sts.amazonaws.com), like aws-sdk-go-v2's
// sts.Client. Every method is one call through World.Call.
type STSClient struct {
	w      *World
	region string
	creds  Credentials
	cfg    *ClientConfig
}

// STSClient returns an STS client calling region's endpoint with creds.
func (w *World) STSClient(region string, creds Credentials) *STSClient {
	return &STSClient{w: w, region: region, creds: creds}
}

func (c *STSClient) call(ctx context.Context, op string, effect func() error) error {
	req := Request{Service: "sts", ServiceID: "STS", Operation: op, Region: c.region, Credentials: c.creds,
		Client: c.cfg, iamAuthorizes: true}
	return c.w.call(ctx, &req, func(*Call) error { return effect() })
}

// AssumeRoleOutput is the output of STSClient.AssumeRole.
type AssumeRoleOutput = iam.AssumeRoleOutput

// AssumeRole is STS's AssumeRole: the caller's identity policy must allow
// sts:AssumeRole on the role and the role's trust policy must trust the
// caller.
func (c *STSClient) AssumeRole(ctx context.Context, in *iam.AssumeRoleInput) (*AssumeRoleOutput, error) {
	if in == nil {
		in = &iam.AssumeRoleInput{}
	}
	var out *AssumeRoleOutput
	err := c.call(ctx, "AssumeRole", func() error {
		var err error
		out, err = c.w.iam.AssumeRole(c.creds, *in)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// GetCallerIdentityOutput is the output of STSClient.GetCallerIdentity.
type GetCallerIdentityOutput struct {
	Account, Arn, UserId string
}

// GetCallerIdentity is STS's GetCallerIdentity. No permission is needed:
// "No permissions are required to perform this operation."
// https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
func (c *STSClient) GetCallerIdentity(ctx context.Context) (*GetCallerIdentityOutput, error) {
	var out GetCallerIdentityOutput
	err := c.call(ctx, "GetCallerIdentity", func() error {
		id, err := c.w.iam.GetCallerIdentity(c.creds)
		out = GetCallerIdentityOutput{Account: id.Account, Arn: id.Arn.String(), UserId: id.UserID}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// STSOperations lists the STS operations STSClient offers.
func STSOperations() []string { return []string{"AssumeRole", "GetCallerIdentity"} }

// CreateAccount opens an account in the world (signing up, which is not an
// API call) and returns its root user's access keys. Everything after
// that — users, roles, policies — is API calls with those keys, usually
// inside Setup.
func (w *World) CreateAccount(accountID string) (Credentials, error) {
	return w.iam.CreateAccount(accountID)
}

// Setup runs a scenario's set-up (creating users, roles, policies, buckets
// before the run) as what it is: API calls from a process. fn runs in a
// process started now, from an internet client near the world's first
// region unless it attaches another Location, and its calls pay latency,
// can be throttled and show in PipelineStats like any other; Setup
// advances the simulation only until fn returns (a few round trips of
// virtual time) and returns fn's error. Other processes due meanwhile run
// too, as they would.
func (w *World) Setup(fn func(ctx context.Context) error) error {
	if fn == nil {
		panic("region: Setup(nil)")
	}
	var err error
	done := false
	w.env.Go("setup", func(p *sim.Proc) {
		err = fn(p)
		done = true
	})
	for !done && w.env.Step() {
	}
	if !done {
		return errors.New("region: Setup: the set-up process is still waiting with nothing left to run")
	}
	if err != nil {
		return fmt.Errorf("region: Setup: %w", err)
	}
	return nil
}

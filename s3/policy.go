package s3

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/nimbus-sim/nimbus/iam"
)

// PutBucketPolicyInput is PutBucketPolicy's request.
type PutBucketPolicyInput struct {
	Bucket string
	Policy string
}

// PutBucketPolicyOutput is PutBucketPolicy's response.
type PutBucketPolicyOutput struct{}

// PutBucketPolicy attaches a resource policy to the bucket. IAM evaluates
// it with the caller's identity policies on every request: within the
// owner's account either may allow; across accounts both must. A policy
// that is public (grants "Principal": "*" without a condition that pins
// the caller down) is refused with AccessDenied while the bucket's Block
// Public Access has BlockPublicPolicy, as new buckets do.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
func (c *Client) PutBucketPolicy(ctx context.Context, in *PutBucketPolicyInput) (*PutBucketPolicyOutput, error) {
	if in == nil {
		in = &PutBucketPolicyInput{}
	}
	err := c.call(ctx, &request{op: "PutBucketPolicy", bucket: in.Bucket, write: true}, func(sv *served) error {
		b := sv.b
		pol, err := ParseBucketPolicy(in.Policy, b.partition, b.name)
		if err != nil {
			return err
		}
		if b.pab.BlockPublicPolicy && IsPublicPolicy(pol) {
			return errAccessDenied("Access Denied: the bucket's Block Public Access settings (BlockPublicPolicy) forbid a public bucket policy.")
		}
		b.policy, b.policyDoc = pol, in.Policy
		b.refreshPolicy()
		c.svc.meterRequest(sv, classStandard, 1)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &PutBucketPolicyOutput{}, nil
}

// GetBucketPolicyInput is GetBucketPolicy's request.
type GetBucketPolicyInput struct{ Bucket string }

// GetBucketPolicyOutput is GetBucketPolicy's response.
type GetBucketPolicyOutput struct{ Policy string }

// GetBucketPolicy returns the policy document as put;
// NoSuchBucketPolicy (404) when there is none.
func (c *Client) GetBucketPolicy(ctx context.Context, in *GetBucketPolicyInput) (*GetBucketPolicyOutput, error) {
	if in == nil {
		in = &GetBucketPolicyInput{}
	}
	var out *GetBucketPolicyOutput
	err := c.call(ctx, &request{op: "GetBucketPolicy", bucket: in.Bucket}, func(sv *served) error {
		if sv.b.policy == nil {
			return s3err("NoSuchBucketPolicy", http.StatusNotFound, "The bucket policy does not exist (bucket %s).", sv.b.name)
		}
		out = &GetBucketPolicyOutput{Policy: sv.b.policyDoc}
		c.svc.meterRequest(sv, classStandard, 2)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteBucketPolicyInput is DeleteBucketPolicy's request.
type DeleteBucketPolicyInput struct{ Bucket string }

// DeleteBucketPolicyOutput is DeleteBucketPolicy's response.
type DeleteBucketPolicyOutput struct{}

// DeleteBucketPolicy removes the bucket policy (no error if none).
func (c *Client) DeleteBucketPolicy(ctx context.Context, in *DeleteBucketPolicyInput) (*DeleteBucketPolicyOutput, error) {
	if in == nil {
		in = &DeleteBucketPolicyInput{}
	}
	err := c.call(ctx, &request{op: "DeleteBucketPolicy", bucket: in.Bucket, write: true}, func(sv *served) error {
		sv.b.policy, sv.b.policyDoc = nil, ""
		sv.b.refreshPolicy()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &DeleteBucketPolicyOutput{}, nil
}

// PublicAccessBlockConfiguration is a bucket's Block Public Access
// settings. ACLs are disabled in this model, so the two ACL settings are
// kept and reported but change nothing.
type PublicAccessBlockConfiguration struct {
	BlockPublicAcls       bool
	IgnorePublicAcls      bool
	BlockPublicPolicy     bool
	RestrictPublicBuckets bool
}

// PutPublicAccessBlockInput is PutPublicAccessBlock's request.
type PutPublicAccessBlockInput struct {
	Bucket                         string
	PublicAccessBlockConfiguration *PublicAccessBlockConfiguration
}

// PutPublicAccessBlockOutput is PutPublicAccessBlock's response.
type PutPublicAccessBlockOutput struct{}

// PutPublicAccessBlock replaces the bucket's Block Public Access
// settings. With RestrictPublicBuckets on, a public policy grants nothing
// to anonymous callers or other accounts.
func (c *Client) PutPublicAccessBlock(ctx context.Context, in *PutPublicAccessBlockInput) (*PutPublicAccessBlockOutput, error) {
	if in == nil {
		in = &PutPublicAccessBlockInput{}
	}
	err := c.call(ctx, &request{op: "PutPublicAccessBlock", action: "s3:PutBucketPublicAccessBlock", bucket: in.Bucket, write: true}, func(sv *served) error {
		if in.PublicAccessBlockConfiguration == nil {
			return s3err("MalformedXML", http.StatusBadRequest, "The XML you provided was not well-formed or did not validate against our published schema (no PublicAccessBlockConfiguration).")
		}
		sv.b.pab = *in.PublicAccessBlockConfiguration
		sv.b.refreshPolicy()
		c.svc.meterRequest(sv, classStandard, 1)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &PutPublicAccessBlockOutput{}, nil
}

// GetPublicAccessBlockInput is GetPublicAccessBlock's request.
type GetPublicAccessBlockInput struct{ Bucket string }

// GetPublicAccessBlockOutput is GetPublicAccessBlock's response.
type GetPublicAccessBlockOutput struct {
	PublicAccessBlockConfiguration *PublicAccessBlockConfiguration
}

// GetPublicAccessBlock returns the bucket's Block Public Access settings
// (all on for a new bucket).
func (c *Client) GetPublicAccessBlock(ctx context.Context, in *GetPublicAccessBlockInput) (*GetPublicAccessBlockOutput, error) {
	if in == nil {
		in = &GetPublicAccessBlockInput{}
	}
	var out *GetPublicAccessBlockOutput
	err := c.call(ctx, &request{op: "GetPublicAccessBlock", action: "s3:GetBucketPublicAccessBlock", bucket: in.Bucket}, func(sv *served) error {
		if sv.b.pab == (PublicAccessBlockConfiguration{}) {
			return s3err("NoSuchPublicAccessBlockConfiguration", http.StatusNotFound, "The public access block configuration was not found (bucket %s).", sv.b.name)
		}
		cfg := sv.b.pab
		out = &GetPublicAccessBlockOutput{PublicAccessBlockConfiguration: &cfg}
		c.svc.meterRequest(sv, classStandard, 2)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ParseBucketPolicy parses a bucket policy and checks what S3 checks
// beyond IAM's grammar: at most 20 KB, every statement names a Principal,
// every action is an S3 action, and every resource is the bucket or
// inside it. Problems are MalformedPolicy (HTTP 400) with S3's wording.
func ParseBucketPolicy(doc, partition, bucket string) (*iam.Policy, error) {
	malformed := func(format string, args ...any) error {
		return s3err("MalformedPolicy", http.StatusBadRequest, format, args...)
	}
	if len(doc) > MaxBucketPolicyBytes {
		return nil, malformed("Policies must be less than or equal to 20 KB (%d bytes)", len(doc))
	}
	pol, err := iam.ParsePolicy(doc)
	if err != nil {
		var pe *iam.PolicyError
		if errors.As(err, &pe) {
			return nil, malformed("%s", pe.Error())
		}
		return nil, malformed("%v", err)
	}
	if len(pol.Statements) == 0 {
		return nil, malformed("Missing required field Statement")
	}
	bucketARN := "arn:" + partition + ":s3:::" + bucket
	for i, st := range pol.Statements {
		if st.Principal == nil {
			return nil, malformed("Missing required field Principal (Statement[%d])", i)
		}
		if st.Resource == nil {
			return nil, malformed("Missing required field Resource (Statement[%d])", i)
		}
		for _, a := range st.Action {
			if a != "*" && !strings.HasPrefix(strings.ToLower(a), "s3:") {
				return nil, malformed("Policy has invalid action (%q in Statement[%d])", a, i)
			}
		}
		for _, r := range st.Resource {
			if r != bucketARN && !strings.HasPrefix(r, bucketARN+"/") && !(strings.HasSuffix(r, "*") && strings.HasPrefix(bucketARN, strings.TrimSuffix(r, "*"))) {
				return nil, malformed("Policy has invalid resource (%q in Statement[%d]; it must be %s or under it)", r, i, bucketARN)
			}
		}
	}
	return pol, nil
}

// pinningKeys are the condition keys whose fixed values make a statement
// granting "Principal": "*" non-public, per "The meaning of public":
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status
var pinningKeys = map[string]bool{
	"aws:sourcearn": true, "aws:sourcevpc": true, "aws:sourcevpce": true, "aws:sourceaccount": true,
	"aws:sourceowner": true, "aws:principalorgid": true, "aws:principalaccount": true, "aws:principalarn": true,
	"aws:userid": true, "aws:sourceip": true, "aws:sourceorgid": true, "aws:principalorgpaths": true,
	"s3:datasourceaccount": true, "s3:x-amz-server-side-encryption-aws-kms-key-id": true,
}

// IsPublicPolicy reports whether a bucket policy is public: some Allow
// statement grants every principal ("*", {"AWS": "*"} or NotPrincipal)
// with no condition pinning a fixed value of a key such as aws:SourceVpce,
// aws:SourceIp (a CIDR narrower than /8), aws:SourceAccount or
// aws:PrincipalOrgID.
func IsPublicPolicy(p *iam.Policy) bool {
	for i := range p.Statements {
		if publicStatement(&p.Statements[i]) {
			return true
		}
	}
	return false
}

func publicStatement(st *iam.Statement) bool {
	if st.Effect != iam.Allow || st.Principal == nil {
		return false
	}
	wild := st.NotPrincipal || st.Principal.All
	for _, a := range st.Principal.AWS {
		if a == "*" {
			wild = true
		}
	}
	if !wild {
		return false
	}
	for _, c := range st.Condition {
		op := strings.ToLower(c.Operator)
		if strings.HasSuffix(op, "ifexists") || strings.HasPrefix(op, "stringnot") || strings.HasPrefix(op, "arnnot") || op == "notipaddress" || op == "null" {
			continue
		}
		if !pinningKeys[strings.ToLower(c.Key)] {
			continue
		}
		fixed := true
		for _, v := range c.Values {
			if strings.ContainsAny(v, "*?") || strings.ToLower(c.Key) == "aws:sourceip" && broadCIDR(v) {
				fixed = false
			}
		}
		if fixed && len(c.Values) > 0 {
			return false
		}
	}
	return true
}

// broadCIDR reports whether an IPv4 CIDR is wider than /8, which S3 treats
// as public.
func broadCIDR(v string) bool {
	_, bits, ok := strings.Cut(v, "/")
	if !ok {
		return false
	}
	n := 0
	for _, c := range bits {
		if c < '0' || c > '9' {
			return true
		}
		n = n*10 + int(c-'0')
	}
	return n < 8
}

// refreshPolicy recomputes the policy IAM sees: under
// RestrictPublicBuckets the public statements grant nothing (only
// principals of the owner's account, through their own identity
// policies, keep access).
func (b *bucket) refreshPolicy() {
	b.effectivePolicy = b.policy
	if b.policy == nil || !b.pab.RestrictPublicBuckets || !IsPublicPolicy(b.policy) {
		return
	}
	restricted := &iam.Policy{Version: b.policy.Version, ID: b.policy.ID}
	for i := range b.policy.Statements {
		if !publicStatement(&b.policy.Statements[i]) {
			restricted.Statements = append(restricted.Statements, b.policy.Statements[i])
		}
	}
	if len(restricted.Statements) == 0 {
		restricted = nil
	}
	b.effectivePolicy = restricted
}

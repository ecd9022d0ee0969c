package iam

// Where SCPs and RCPs apply, and the levels they are evaluated in.
//
// "Policy evaluation logic"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html),
// under "Processing the request context":
//
//   - SCPs "apply to principals in member accounts, including each AWS
//     account root user"; "the only exceptions are principals in the
//     organization management account and service-linked roles". An AWS
//     service principal belongs to no member account, so SCPs do not cap
//     it (its requests are capped, if at all, by the RCPs of the resource).
//   - RCPs "apply to resources in member accounts and impact the effective
//     permissions for principals, including the AWS account root user,
//     regardless of whether the principals belong to your organization";
//     they "don't apply to resources in the organization management
//     account and to calls made by service-linked roles". AWS service
//     principals are not exempt: the RCP examples exempt them explicitly
//     with aws:PrincipalIsAWSService, or check aws:SourceAccount
//     ("Resource control policy examples",
//     https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_examples.html).
//   - RCPs apply only to the services that support them ("List of AWS
//     services that support RCPs",
//     https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html#rcp-supported-services).
//
// Levels ("SCP evaluation",
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html):
// the root, each OU from the root down, and the account. At every level an
// attached policy must allow; a Deny at any level denies.

import (
	"fmt"
	"strings"
)

// rcpServices are the action prefixes RCPs apply to: the five services RCPs
// launched with (S3, STS, KMS, SQS, Secrets Manager) and those the RCP page
// lists since (DynamoDB, ECR, CloudWatch Logs, Cognito user pools,
// OpenSearch Serverless). Actions of other services (EC2, IAM, ...) are not
// capped by RCPs.
var rcpServices = [...]string{"s3", "sts", "kms", "sqs", "secretsmanager", "dynamodb", "ecr", "logs", "cognito-idp", "aoss"}

func rcpApplies(action string) bool {
	i := strings.IndexByte(action, ':')
	if i < 0 {
		return false
	}
	svc := action[:i]
	for _, s := range rcpServices {
		if strings.EqualFold(svc, s) {
			return true
		}
	}
	return false
}

// scpApplies reports whether SCPs can cap p at all (before looking at its
// account): not AWS service principals, anonymous callers or sessions of
// service-linked roles.
func scpApplies(p *Principal) bool {
	return p != nil && !p.slr && p.Type != PrincipalService && p.Type != PrincipalAnonymous
}

// orgCache holds an account's levels of one policy type, rebuilt when the
// Service's generation moves (every Organizations change bumps it), so that
// Authorize allocates nothing in steady state.
type orgCache struct {
	levels [][]PolicyRef
	gen    uint64
	valid  bool
}

// orgLevels returns the levels of typ policies that apply to account a
// (root first, then each OU, then the account), or nil when none do: a is
// outside an organization, is its management account, or typ is not
// enabled.
func (s *Service) orgLevels(a *account, typ string, c *orgCache) [][]PolicyRef {
	if a == nil || a.org == nil || a.org.mgmt == a || !a.org.enabled[typ] {
		return nil
	}
	if c.valid && c.gen == s.gen {
		return c.levels
	}
	var path []*orgNode
	for n := a.parent; n != nil; n = n.parent {
		path = append(path, n)
	}
	levels := make([][]PolicyRef, 0, len(path)+1)
	for i := len(path) - 1; i >= 0; i-- {
		n := path[i]
		what := "root " + n.id
		if n.parent != nil {
			what = fmt.Sprintf("OU %s (%s)", n.id, n.name)
		}
		levels = append(levels, orgPolicyRefs(n.attached, typ, what))
	}
	levels = append(levels, orgPolicyRefs(a.orgAttached, typ, "account "+a.id))
	c.levels, c.gen, c.valid = levels, s.gen, true
	return levels
}

func orgPolicyRefs(attached []*orgPolicy, typ, where string) []PolicyRef {
	kind, short := ServiceControlPolicy, "SCP"
	if typ == ResourceControlPolicyType {
		kind, short = ResourceControlPolicy, "RCP"
	}
	var out []PolicyRef
	for _, p := range attached {
		if p.typ == typ {
			out = append(out, PolicyRef{Kind: kind, Name: fmt.Sprintf("%s %s (%s) attached to %s", short, p.id, p.name, where), Policy: p.doc})
		}
	}
	return out
}

// orgPath is the account's aws:PrincipalOrgPaths / aws:ResourceOrgPaths
// value, "o-id/r-id/ou-id/.../" down to its parent ("AWS global condition
// context keys", aws:PrincipalOrgPaths:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgpaths),
// cached until the organization changes; "" outside an organization.
func (s *Service) orgPath(a *account) string {
	if a == nil || a.org == nil {
		return ""
	}
	if a.pathValid && a.pathGen == s.gen {
		return a.path
	}
	var ids []string
	for n := a.parent; n != nil; n = n.parent {
		ids = append(ids, n.id)
	}
	var b strings.Builder
	b.WriteString(a.org.id + "/")
	for i := len(ids) - 1; i >= 0; i-- {
		b.WriteString(ids[i] + "/")
	}
	a.path, a.pathGen, a.pathValid = b.String(), s.gen, true
	return a.path
}

// orgKeys fills the request's Organizations condition keys the Service
// knows: aws:PrincipalOrgPaths, aws:ResourceOrgID, aws:ResourceOrgPaths
// and, for an AWS service acting for an account, aws:SourceOrgID.
func (s *Service) orgKeys(req *Request, resAcct *account) {
	// Most requests involve no organization and no AWS service: all four
	// keys are absent. This test is small enough to inline into decide.
	if p := req.Principal; (p == nil || p.Type != PrincipalService && (p.acct == nil || p.acct.org == nil)) && (resAcct == nil || resAcct.org == nil) {
		req.orgKeys = orgKeyValues{}
		return
	}
	s.orgKeysIn(req, resAcct)
}

// orgKeysIn is orgKeys where some key may be present.
func (s *Service) orgKeysIn(req *Request, resAcct *account) {
	// Built in a local and stored once; orgPath is "" outside an
	// organization, so it is called only for an account in one.
	var k orgKeyValues
	p := req.Principal
	if p != nil && p.acct != nil && p.acct.org != nil {
		k.principalPath = s.orgPath(p.acct)
	}
	if resAcct != nil && resAcct.org != nil {
		k.resourceOrg, k.resourcePath = resAcct.org.id, s.orgPath(resAcct)
	}
	if p != nil && p.Type == PrincipalService && p.SourceAccount != "" {
		if a := s.accounts[p.SourceAccount]; a != nil {
			k.sourceOrg = a.orgID
		}
	}
	req.orgKeys = k
}

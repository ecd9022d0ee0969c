package iam

import (
	"time"
)

// Credentials are what a caller signs requests with: long-term user keys
// (AccessKeyID starts AKIA, no SessionToken, zero Expiration) or temporary
// STS credentials (ASIA..., with SessionToken and Expiration). Source names
// where a credential chain found them ("EnvConfigCredentials",
// "SharedConfigCredentials", "EC2RoleProvider", ...); it is informational.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	Expiration      time.Time
	Source          string
}

// HasKeys reports whether c carries an access key pair at all.
func (c Credentials) HasKeys() bool { return c.AccessKeyID != "" && c.SecretAccessKey != "" }

// CanExpire reports whether c are temporary credentials.
func (c Credentials) CanExpire() bool { return !c.Expiration.IsZero() }

// Expired reports whether c have expired at instant t.
func (c Credentials) Expired(t time.Time) bool { return c.CanExpire() && !t.Before(c.Expiration) }

// PrincipalType is the value of the aws:PrincipalType condition key.
type PrincipalType string

// Principal types ("AWS global condition context keys": aws:PrincipalType).
const (
	PrincipalAccount     PrincipalType = "Account" // the account's root user
	PrincipalUser        PrincipalType = "User"
	PrincipalAssumedRole PrincipalType = "AssumedRole"
	PrincipalService     PrincipalType = "AWSService"
	PrincipalAnonymous   PrincipalType = "Anonymous"
)

// Principal is an authenticated caller, as Authenticate returns it. Its
// exported fields are what GetCallerIdentity and the aws:Principal* keys
// report; the rest links to the identity whose policies apply.
type Principal struct {
	Type PrincipalType
	// ARN is the caller's ARN: arn:aws:iam::ACCT:root, arn:aws:iam::ACCT:user/alice,
	// arn:aws:sts::ACCT:assumed-role/Role/Session. Service principals and
	// anonymous callers have the zero ARN.
	ARN       ARN
	AccountID string
	// UserID is aws:userid: the account ID for root, AIDA... for users,
	// AROA...:session for role sessions.
	UserID   string
	UserName string // IAM users only
	// RoleARN and SessionName describe a role session.
	RoleARN     ARN
	SessionName string
	// ServiceName is the service principal, e.g. "ec2.amazonaws.com".
	ServiceName string
	// Tags are the principal tags (aws:PrincipalTag/key): a user's tags, or
	// a role's tags overridden by session tags.
	Tags map[string]string
	// OrgID is aws:PrincipalOrgID for principals built by hand; the
	// Service uses its account's organization (SetOrganization).
	OrgID string
	// SourceIdentity is the role session's source identity
	// (aws:SourceIdentity), set by AssumeRole and kept through role
	// chaining; empty when none was set.
	SourceIdentity string
	// TokenIssueTime is set for temporary credentials.
	TokenIssueTime time.Time
	// Expiration is when the credentials used stop working (zero for
	// long-term keys).
	Expiration time.Time

	// Strings the evaluator hands out without formatting per request.
	arnText, roleText, typeText string

	acct    *account
	user    *user
	session *session
}

// ServicePrincipal returns the principal of an AWS service acting on its
// own behalf (e.g. "ec2.amazonaws.com" assuming an instance profile's role).
func ServicePrincipal(name string) *Principal {
	p := &Principal{Type: PrincipalService, ServiceName: name}
	p.finish()
	return p
}

// AnonymousPrincipal returns the unauthenticated caller; only resource-based
// policies with Principal "*" can allow it anything.
func AnonymousPrincipal() *Principal {
	p := &Principal{Type: PrincipalAnonymous}
	p.finish()
	return p
}

// finish precomputes the strings condition evaluation hands out.
func (p *Principal) finish() {
	p.arnText = p.ARN.String()
	p.roleText = p.RoleARN.String()
	p.typeText = string(p.Type)
}

// ARNString returns p.ARN as text, computed once when p was built (the
// request pipeline reads it on every call).
func (p *Principal) ARNString() string {
	if p.arnText == "" && p.ARN != (ARN{}) {
		return p.ARN.String()
	}
	return p.arnText
}

// principalARN is aws:PrincipalArn: for a role session it is the role's ARN,
// not the session's.
func (p *Principal) principalARN() string {
	if p.Type == PrincipalAssumedRole {
		return p.roleText
	}
	return p.arnText
}

func (p *Principal) orgID() string {
	if p.acct != nil {
		return p.acct.orgID
	}
	return p.OrgID
}

// display is the "User: ..." part of AccessDenied messages.
func (p *Principal) display() string {
	switch {
	case p == nil:
		return "anonymous"
	case p.Type == PrincipalService:
		return p.ServiceName
	case p.Type == PrincipalAnonymous:
		return "anonymous"
	}
	return p.arnText
}

// Request is one authorization question: may Principal perform Action on
// Resource? Callers fill Context with the request's condition keys
// (aws:SourceIp, aws:SourceVpce, aws:SecureTransport, s3:prefix,
// aws:RequestTag/k, aws:TagKeys, ...); keys derived from the principal
// (aws:username, aws:userid, aws:PrincipalArn, aws:PrincipalAccount,
// aws:PrincipalType, aws:PrincipalTag/k, aws:SourceIdentity), from the resource
// (aws:ResourceAccount) and from the clock (aws:CurrentTime,
// aws:EpochTime) are supplied by the evaluator and cannot be overridden.
type Request struct {
	Principal *Principal
	// Action is "service:Operation", e.g. "s3:GetObject".
	Action   string
	Resource ARN
	// ResourceAccount owns the resource; when empty, Resource.AccountID is
	// used (S3 ARNs carry none, so S3 must say whose bucket it is).
	ResourceAccount string
	// ResourcePolicy is the resource's policy (bucket policy, trust
	// policy, ...), or nil.
	ResourcePolicy *Policy
	Context        map[string][]string
	// RequireResourcePolicy marks resources whose policy must allow the
	// request even within their own account: IAM role trust policies (and
	// KMS key policies). An identity-based allow alone is not enough there.
	RequireResourcePolicy bool
	// Time is the request instant (aws:CurrentTime). Service.Authorize
	// fills a zero Time from the simulation clock.
	Time time.Time
}

func (r *Request) resourceAccount() string {
	if r.ResourceAccount != "" {
		return r.ResourceAccount
	}
	return r.Resource.AccountID
}

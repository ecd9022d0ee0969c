package iam

import (
	"fmt"
	"strings"
	"time"

	"github.com/nimbus-sim/nimbus/sim"
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

	// SourceAccount and SourceARN are aws:SourceAccount and aws:SourceArn:
	// for an AWS service principal acting on behalf of a resource (S3
	// delivering an event from a bucket, CloudTrail writing a trail's logs),
	// the account and ARN of that resource. Empty otherwise; see
	// ServicePrincipalFor.
	SourceAccount string
	SourceARN     ARN

	// Strings the evaluator hands out without formatting per request.
	arnText, roleText, sourceText string
	// slr marks a session of a service-linked role (a role under
	// /aws-service-role/): SCPs and RCPs do not apply to it.
	slr bool
	// done is set by finish on a principal with a Type (see
	// finished). A flag, not a copy of Type as text: the 16 bytes keep
	// an account's accountBlock, which holds its root's Principal, in
	// the 896-byte size class (with the allocator's 8-byte header it
	// was 1,024).
	done bool

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

// ServicePrincipalFor returns the principal of an AWS service acting on
// behalf of a resource: it carries aws:SourceAccount (the resource's
// account) and aws:SourceArn (the resource's ARN), the keys resource
// policies and RCPs check to stop a confused deputy ("AWS global condition
// context keys", aws:SourceAccount and aws:SourceArn:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceaccount).
// An empty sourceAccount is taken from sourceARN.
func ServicePrincipalFor(name, sourceAccount string, sourceARN ARN) *Principal {
	if sourceAccount == "" {
		sourceAccount = sourceARN.AccountID
	}
	p := &Principal{Type: PrincipalService, ServiceName: name, SourceAccount: sourceAccount, SourceARN: sourceARN}
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

// NewPrincipal returns the caller whose ARN is arn, filled in the way
// Authenticate fills it, for the package-level Evaluate and Authorize and
// for Policy.Evaluate without a Service:
//
//   - arn:aws:iam::ACCT:root is the account's root user (aws:userid is the
//     account ID);
//   - arn:aws:iam::ACCT:user/path/name is an IAM user;
//   - arn:aws:sts::ACCT:assumed-role/Role/session is a role session, whose
//     role is arn:aws:iam::ACCT:role/Role (a session ARN carries no role
//     path, so the role is taken to be at "/"; NewRoleSessionPrincipal
//     keeps a path).
//
// A role's own ARN is not a caller (callers are sessions of the role), nor
// is any other ARN: both are errors. Fields the ARN does not carry (UserID,
// Tags, SourceIdentity, OrgID) may be set on the result; ARN, RoleARN and
// Type must not change once it is built.
func NewPrincipal(arn string) (*Principal, error) {
	a, err := ParseARN(arn)
	if err != nil {
		return nil, err
	}
	p := &Principal{ARN: a, AccountID: a.AccountID}
	if !isAccountID(a.AccountID) {
		return nil, fmt.Errorf("iam: NewPrincipal(%q): a caller's ARN names its 12-digit account", arn)
	}
	switch {
	case a.Service == "iam" && a.Resource == "root":
		p.Type, p.UserID = PrincipalAccount, a.AccountID
	case a.Service == "iam" && strings.HasPrefix(a.Resource, "user/"):
		p.Type = PrincipalUser
		p.UserName = a.Resource[strings.LastIndexByte(a.Resource, '/')+1:]
	case a.Service == "sts" && strings.HasPrefix(a.Resource, "assumed-role/"):
		role, session, ok := strings.Cut(strings.TrimPrefix(a.Resource, "assumed-role/"), "/")
		if !ok || role == "" || session == "" || strings.Contains(session, "/") {
			return nil, fmt.Errorf("iam: NewPrincipal(%q): a role session ARN is arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION", arn)
		}
		p.Type, p.SessionName = PrincipalAssumedRole, session
		p.RoleARN = ARN{Partition: a.Partition, Service: "iam", AccountID: a.AccountID, Resource: "role/" + role}
	case a.Service == "iam" && strings.HasPrefix(a.Resource, "role/"):
		return nil, fmt.Errorf("iam: NewPrincipal(%q): a role does not make requests; its sessions do (arn:aws:sts::%s:assumed-role/ROLE/SESSION)", arn, a.AccountID)
	default:
		return nil, fmt.Errorf("iam: NewPrincipal(%q): not a caller's ARN (want arn:aws:iam::ACCOUNT:root, ...:user/NAME or arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION); use ServicePrincipal for AWS services", arn)
	}
	p.finish()
	return p, nil
}

// NewRoleSessionPrincipal returns the session named sessionName of the
// role roleARN (arn:aws:iam::ACCT:role/path/Name), keeping the role's path
// for aws:PrincipalArn and Principal matching.
func NewRoleSessionPrincipal(roleARN ARN, sessionName string) (*Principal, error) {
	if roleARN.Service != "iam" || roleARN.ResourceType() != "role" || !isAccountID(roleARN.AccountID) {
		return nil, fmt.Errorf("iam: NewRoleSessionPrincipal(%q): not a role ARN (arn:aws:iam::ACCOUNT:role/NAME)", roleARN)
	}
	if err := checkSessionName(sessionName); err != nil {
		return nil, err
	}
	p, err := NewPrincipal("arn:" + roleARN.Partition + ":sts::" + roleARN.AccountID + ":assumed-role/" + roleARN.Name() + "/" + sessionName)
	if err != nil {
		return nil, err
	}
	p.RoleARN = roleARN
	p.finish()
	return p, nil
}

// MustNewPrincipal is NewPrincipal for literals in tests and examples; it
// panics on a bad ARN.
func MustNewPrincipal(arn string) *Principal {
	p, err := NewPrincipal(arn)
	if err != nil {
		panic(err)
	}
	return p
}

// finish precomputes the strings condition evaluation hands out.
func (p *Principal) finish() { p.finishText(p.ARN.String(), p.RoleARN.String()) }

// finishText is finish for a caller that has the text of p.ARN (arn) and
// of p.RoleARN (role) at hand.
func (p *Principal) finishText(arn, role string) {
	p.arnText = arn
	p.roleText = role
	p.done = p.Type != ""
	p.sourceText = p.SourceARN.String()
	p.slr = p.Type == PrincipalAssumedRole && p.RoleARN.Service == "iam" &&
		strings.HasPrefix(p.RoleARN.Resource, "role"+ServiceLinkedRolePathPrefix)
}

// finished returns p itself when it was built by a constructor or a
// Service, else a completed copy: a Principal written as a composite
// literal has not precomputed the strings evaluation compares, and would
// silently match no Principal element and print no name. The copy leaves
// the caller's value untouched, so concurrent evaluations do not race.
func (p *Principal) finished() *Principal {
	if p == nil || p.done || p.Type == "" && !p.ARN.IsValid() {
		return p
	}
	c := *p
	if c.Type == "" {
		if q, err := NewPrincipal(c.ARN.String()); err == nil {
			c.Type = q.Type
			if c.RoleARN == (ARN{}) {
				c.RoleARN = q.RoleARN
			}
			if c.SessionName == "" {
				c.SessionName = q.SessionName
			}
			if c.UserName == "" {
				c.UserName = q.UserName
			}
		}
	}
	if c.AccountID == "" {
		c.AccountID = c.ARN.AccountID
	}
	c.finish()
	return &c
}

// withFinished returns req, or a copy whose Principal is finished.
func withFinished(req *Request) *Request {
	if req.Principal == nil || req.Principal.done {
		return req
	}
	r := *req
	r.Principal = req.Principal.finished()
	return &r
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
	case p.arnText == "":
		return p.ARN.String() // a hand-built principal
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
	// Context holds the request's other condition keys.
	Context map[string][]string
	// FrozenContext promises that Context will never change again. Only
	// then may Service.Check remember an allowed request that has a
	// Context and answer the same request (the same map, compared by
	// identity) without evaluating it: a caller that refills one map
	// between calls must not get the answer for its old keys. The
	// request pipeline sets it for the source-key maps it builds once per
	// place and never writes again.
	FrozenContext bool
	// RequireResourcePolicy marks resources whose policy must allow the
	// request even within their own account: IAM role trust policies (and
	// KMS key policies). An identity-based allow alone is not enough there.
	RequireResourcePolicy bool
	// Time is the request instant (aws:CurrentTime). For a zero Time,
	// Service.Authorize and Service.Check take the instant of the call
	// from the simulation clock, but make its calendar time and store it
	// here only when a condition reads aws:CurrentTime or aws:EpochTime:
	// after a call whose policies never ask, Time stays zero. (It was
	// always filled before; nothing in this module reads it back.)
	Time time.Time
	// RequestedRegion is aws:RequestedRegion, the region the request was
	// sent to ("us-east-1" for IAM and other global services); when
	// empty, Context may carry the key instead.
	RequestedRegion string

	// orgKeys are the Organizations keys Service.Authorize derives.
	orgKeys orgKeyValues
	// clock and at are the simulation and the instant of a Service's
	// call, for a zero Time: currentTime makes the calendar time from
	// them when a condition first needs it. A Decision's copy of the
	// request keeps them, so Explain sees the same instant later.
	clock *sim.Env
	at    sim.Time
}

// currentTime is aws:CurrentTime: Time, else the calendar time of the
// Service's call, kept in Time for the next condition; zero outside a
// Service with no Time given.
func (r *Request) currentTime() time.Time {
	if r.Time.IsZero() && r.clock != nil {
		r.Time = r.clock.TimeOf(r.at)
	}
	return r.Time
}

// orgKeyValues are aws:PrincipalOrgPaths, aws:ResourceOrgID,
// aws:ResourceOrgPaths and aws:SourceOrgID for one request.
type orgKeyValues struct {
	principalPath, resourceOrg, resourcePath, sourceOrg string
}

// none reports whether k is the zero orgKeyValues, outside any
// organization. Comparing with orgKeyValues{} calls the struct's
// generated equality, which compares the four strings' bytes too (70
// instructions, on every request Check allows); an empty string is one
// of length 0.
func (k *orgKeyValues) none() bool {
	return len(k.principalPath)|len(k.resourceOrg)|len(k.resourcePath)|len(k.sourceOrg) == 0
}

func (r *Request) resourceAccount() string {
	if r.ResourceAccount != "" {
		return r.ResourceAccount
	}
	return r.Resource.AccountID
}

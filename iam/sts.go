package iam

// AWS STS: AssumeRole and GetCallerIdentity (AWS STS API Reference), and
// the temporary credentials they issue.

import (
	"fmt"
	"strings"
	"time"

	"github.com/nimbus-sim/nimbus/internal/awserr"
	"github.com/nimbus-sim/nimbus/sim"
)

// session is a role session. Every instance launched with a profile
// starts one, so its sessionBlock is kept within 632 bytes: with the
// 8-byte header the allocator puts before a larger object that has
// pointers, that is the 640-byte size class (it was 896, then 704).
// Hence its name, issue time and expiry are its principal's SessionName,
// TokenIssueTime and Expiration, kept there only, the rare session
// policy's PolicyRef is allocated apart, and the key points at the
// session's principal, which points at the session (Principal.session):
// the session needs no pointer back.
type session struct {
	role *role
	// policyRef holds the merged session policies, or is nil. (No
	// separate *Policy: its Policy is the one.)
	policyRef *PolicyRef
	// expiresAt is the expiry in virtual time, which Authenticate
	// compares with the clock on every call without making a calendar
	// time.
	expiresAt sim.Time
	token     string
}

// AssumeRoleInput is the input of AssumeRole.
type AssumeRoleInput struct {
	RoleArn         ARN
	RoleSessionName string
	// Duration of the session: 15 min up to the role's MaxSessionDuration
	// (1 h when the caller is itself a role session); zero means 1 h.
	Duration time.Duration
	// Policy is an optional inline session policy; PolicyArns optional
	// managed session policies. The session may do only what both the
	// role's policies and the session policies allow.
	Policy     string
	PolicyArns []ARN
	// Tags are session tags (need sts:TagSession in the trust policy);
	// they override role tags of the same key as aws:PrincipalTag values.
	Tags map[string]string
	// ExternalID is checked by trust policies through sts:ExternalId.
	ExternalID     string
	SourceIdentity string
}

// AssumedRoleUser identifies the session.
type AssumedRoleUser struct {
	// AssumedRoleID is ROLEID:session-name (the session's aws:userid).
	AssumedRoleID string
	// Arn is arn:aws:sts::ACCT:assumed-role/RoleName/session-name.
	Arn ARN
}

// AssumeRoleOutput is the output of AssumeRole.
type AssumeRoleOutput struct {
	Credentials     Credentials
	AssumedRoleUser AssumedRoleUser
	// PackedPolicySize is the session policies' share of the packed size
	// limit, in percent.
	PackedPolicySize int
	SourceIdentity   string
}

// AssumeRole returns temporary credentials for a role. The caller needs
// sts:AssumeRole on the role (identity-based policy, unless the trust
// policy names the caller directly in the same account), and the role's
// trust policy must allow the caller: across accounts both must allow
// ("How to use trust policies with IAM roles"). The account root user
// cannot assume roles. A missing role is reported as AccessDenied, as AWS
// does, so that role names do not leak.
func (s *Service) AssumeRole(caller Credentials, in AssumeRoleInput) (*AssumeRoleOutput, error) {
	p, err := s.Authenticate(caller)
	if err != nil {
		return nil, err
	}
	return s.assumeRole(p, in, "AssumedRoleProvider")
}

func (s *Service) assumeRole(p *Principal, in AssumeRoleInput, source string) (*AssumeRoleOutput, error) {
	if err := checkSessionName(in.RoleSessionName); err != nil {
		return nil, err
	}
	if err := checkSourceIdentity(in.SourceIdentity); err != nil {
		return nil, err
	}
	if err := checkExternalID(in.ExternalID); err != nil {
		return nil, err
	}
	if in.SourceIdentity == "" && p.Type == PrincipalAssumedRole {
		// A source identity, once set, persists through role chaining
		// ("Monitor and control actions taken with assumed roles").
		in.SourceIdentity = p.SourceIdentity
	}
	if in.RoleArn.Service != "iam" || in.RoleArn.ResourceType() != "role" {
		return nil, validationError("%q is not a role ARN (arn:aws:iam::ACCOUNT:role/NAME)", in.RoleArn.String())
	}
	d := in.Duration
	if d == 0 {
		d = DefaultSessionDuration
	}
	if d < MinSessionDuration || d%time.Second != 0 {
		return nil, validationError("1 validation error detected: Value '%d' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900", int64(d/time.Second))
	}
	if d > MaxRoleSessionDuration {
		return nil, validationError("1 validation error detected: Value '%d' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200", int64(d/time.Second))
	}
	if p.Type == PrincipalAccount {
		return nil, awserr.New("AccessDenied", 403, false, "Roles may not be assumed by root accounts.")
	}
	if p.Type == PrincipalAssumedRole && d > RoleChainingLimit {
		return nil, validationError("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
	}

	var r *role
	if a, ok := s.accounts[in.RoleArn.AccountID]; ok {
		if rr, ok := a.roles[in.RoleArn.Name()]; ok && rr.arn == in.RoleArn {
			r = rr
		}
	}
	ctx := map[string][]string{"sts:RoleSessionName": {in.RoleSessionName}}
	if in.ExternalID != "" {
		ctx["sts:ExternalId"] = []string{in.ExternalID}
	}
	if in.SourceIdentity != "" {
		ctx["sts:SourceIdentity"] = []string{in.SourceIdentity}
	}
	if len(in.Tags) > 0 {
		keys := make([]string, 0, len(in.Tags))
		for k, v := range in.Tags {
			keys = append(keys, k)
			ctx["aws:RequestTag/"+k] = []string{v}
		}
		ctx["aws:TagKeys"] = keys
	}
	req := &Request{Principal: p, Action: "sts:AssumeRole", Resource: in.RoleArn, ResourceAccount: in.RoleArn.AccountID, Context: ctx,
		RequireResourcePolicy: true}
	if r == nil {
		// The same message as for a role that does not trust the caller.
		dec := s.Authorize(req)
		if dec.Reason != ExplicitDeny {
			dec.Missing = 0
		}
		return nil, dec.Err()
	}
	req.ResourcePolicy = r.trust
	if dec := s.Authorize(req); !dec.Allowed {
		return nil, dec.Err()
	}
	if len(in.Tags) > 0 {
		tr := *req
		tr.Action = "sts:TagSession"
		if dec := s.Authorize(&tr); !dec.Allowed {
			return nil, dec.Err()
		}
		if err := checkTags(in.Tags); err != nil {
			return nil, err
		}
	}
	if in.SourceIdentity != "" {
		// "Monitor and control actions taken with assumed roles": setting
		// a source identity needs sts:SetSourceIdentity in the trust
		// policy (and, like AssumeRole, the caller's own permission).
		tr := *req
		tr.Action = "sts:SetSourceIdentity"
		if dec := s.Authorize(&tr); !dec.Allowed {
			return nil, dec.Err()
		}
	}
	if d > r.maxSession {
		return nil, validationError("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}
	sp, packed, err := s.sessionPolicy(r, in)
	if err != nil {
		return nil, err
	}
	out := s.startSession(r, in.RoleSessionName, d, sp, packed, in.Tags, in.SourceIdentity, source)
	return &out, nil
}

func checkSessionName(n string) error {
	if len(n) < 2 || len(n) > 64 {
		return validationError("1 validation error detected: Value '%s' at 'roleSessionName' failed to satisfy constraint: Member must have length between 2 and 64", n)
	}
	for _, r := range n {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '+' || r == '=' || r == ',' || r == '.' || r == '@' || r == '-') {
			return validationError("1 validation error detected: Value '%s' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*", n)
		}
	}
	return nil
}

// checkSourceIdentity validates AssumeRole's SourceIdentity (AWS STS API
// Reference, "AssumeRole": length 2-64, pattern [\w=,.@-]*); empty means
// none.
func checkSourceIdentity(v string) error {
	if v == "" {
		return nil
	}
	if len(v) < 2 || len(v) > 64 {
		return validationError("1 validation error detected: Value '%s' at 'sourceIdentity' failed to satisfy constraint: Member must have length between 2 and 64", v)
	}
	for _, r := range v {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '=' || r == ',' || r == '.' || r == '@' || r == '-') {
			return validationError("1 validation error detected: Value '%s' at 'sourceIdentity' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w=,.@-]*", v)
		}
	}
	return nil
}

// checkExternalID validates AssumeRole's ExternalId (AWS STS API
// Reference, "AssumeRole": length 2-1224, pattern [\w+=,.@:\/-]*); empty
// means none.
func checkExternalID(v string) error {
	if v == "" {
		return nil
	}
	if len(v) < 2 || len(v) > 1224 {
		return validationError("1 validation error detected: Value '%s' at 'externalId' failed to satisfy constraint: Member must have length between 2 and 1224", v)
	}
	for _, r := range v {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_+=,.@:/-", r)) {
			return validationError("1 validation error detected: Value '%s' at 'externalId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@:\\/-]*", v)
		}
	}
	return nil
}

// sessionPolicy merges the inline and managed session policies into one
// (their union is the most the session may do).
func (s *Service) sessionPolicy(r *role, in AssumeRoleInput) (*Policy, int, error) {
	if in.Policy == "" && len(in.PolicyArns) == 0 {
		return nil, 0, nil
	}
	if len(in.PolicyArns) > 10 {
		return nil, 0, validationError("1 validation error detected: Value at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to 10")
	}
	merged := &Policy{Version: Version2012}
	size := 0
	if in.Policy != "" {
		p, psize, err := parseIdentityPolicy(s.policies, in.Policy, 0)
		if err != nil {
			return nil, 0, err
		}
		merged.Statements = append(merged.Statements, p.Statements...)
		size += psize
	}
	a := s.accounts[r.arn.AccountID]
	for _, arn := range in.PolicyArns {
		m, err := s.findPolicy(a, arn)
		if err != nil {
			return nil, 0, err
		}
		merged.Statements = append(merged.Statements, m.Document.Statements...)
		size += len(arn.String())
	}
	packed := size * 100 / MaxSessionPolicySize
	if packed > 100 {
		return nil, 0, awserr.New("PackedPolicyTooLarge", 400, false, "Packed policy consumes %d%% of allotted space, please use smaller policy.", packed)
	}
	return merged, packed, nil
}

// tokenPrefix makes session tokens look like STS's (base64 of a
// serialized structure); only their identity matters.
const tokenPrefix = "IQoJb3JpZ2luX2VjE"

// tokenLen is a session token's length: the prefix and 300 characters.
const tokenLen = len(tokenPrefix) + 300

// sessionBlock is a role session with its principal and its temporary
// key, allocated together: the key points at the principal, the
// principal at the session, and none outlives the others.
type sessionBlock struct {
	key accessKey
	se  session
	p   Principal
}

// startSession issues temporary credentials for a session of r. Every
// instance launched with a profile gets one, so it builds them with two
// allocations: the sessionBlock, and one string holding the key's ID and
// secret, the token, the session's ARN and its aws:userid. The random
// characters are drawn in the order they always were: the key ID (again
// while it repeats one), its secret, the token.
func (s *Service) startSession(r *role, name string, d time.Duration, sp *Policy, packed int, tags map[string]string, sourceIdentity, source string) AssumeRoleOutput {
	a := s.accounts[r.arn.AccountID]
	now := s.env.NowTime()
	const arnHead, resHead = len("arn:") + len(":sts::") + len(":"), len("assumed-role/") + len("/")
	arnLen := arnHead + len(s.partition) + len(a.id) + resHead + len(r.name) + len(name)
	var b strings.Builder
	b.Grow(keyTextLen + tokenLen + arnLen + len(r.id) + 1 + len(name))
	s.drawKey(&b, "ASIA")
	b.WriteString(tokenPrefix)
	s.drawTo(&b, secretAlphabet, tokenLen-len(tokenPrefix))
	b.WriteString("arn:")
	b.WriteString(s.partition)
	b.WriteString(":sts::")
	b.WriteString(a.id)
	b.WriteString(":assumed-role/")
	b.WriteString(r.name)
	b.WriteString("/")
	b.WriteString(name)
	b.WriteString(r.id)
	b.WriteString(":")
	b.WriteString(name)
	text := b.String()
	token, rest := text[keyTextLen:keyTextLen+tokenLen], text[keyTextLen+tokenLen:]
	arnText, userID := rest[:arnLen], rest[arnLen:]

	blk := &sessionBlock{}
	se, k := &blk.se, &blk.key
	expires := now.Add(d)
	*se = session{role: r, expiresAt: s.env.Now() + sim.Time(d), token: token}
	if sp != nil {
		se.policyRef = &PolicyRef{Kind: SessionPolicy, Name: "session policy", Policy: sp}
	}
	ptags := cloneTags(r.tags)
	if len(tags) > 0 {
		if ptags == nil {
			ptags = map[string]string{}
		}
		for k, v := range tags {
			ptags[k] = v
		}
	}
	// The session ARN's resource, assumed-role/ROLE/SESSION, is the tail
	// of its text.
	sessARN := ARN{Partition: s.partition, Service: "sts", AccountID: a.id, Resource: arnText[arnLen-(resHead+len(r.name)+len(name)):]}
	p := &blk.p
	*p = Principal{
		Type: PrincipalAssumedRole, ARN: sessARN, AccountID: a.id, UserID: userID,
		RoleARN: r.arn, SessionName: name, Tags: ptags, SourceIdentity: sourceIdentity, TokenIssueTime: now, Expiration: expires,
		acct: a, session: se,
	}
	p.finishText(arnText, r.arnString())
	*k = accessKey{active: true, created: s.env.Now(), acct: a, sess: p}
	s.addKey(k, text)
	if s.env.Tracing() { // the fields cost allocations
		s.emit(a.id, "AssumeRole", simF("session", arnText), simF("expires", expires))
	}
	return AssumeRoleOutput{
		Credentials: Credentials{AccessKeyID: k.id, SecretAccessKey: k.secret, SessionToken: se.token,
			Expiration: expires, Source: source},
		AssumedRoleUser:  AssumedRoleUser{AssumedRoleID: p.UserID, Arn: sessARN},
		PackedPolicySize: packed,
		SourceIdentity:   sourceIdentity,
	}
}

// CallerIdentity is the output of GetCallerIdentity.
type CallerIdentity struct {
	UserID  string
	Account string
	Arn     ARN
}

// GetCallerIdentity returns who the credentials belong to. It needs no
// permission: "No permissions are required to perform this operation",
// and even an explicit deny cannot block it.
func (s *Service) GetCallerIdentity(c Credentials) (CallerIdentity, error) {
	p, err := s.Authenticate(c)
	if err != nil {
		return CallerIdentity{}, err
	}
	return CallerIdentity{UserID: p.UserID, Account: p.AccountID, Arn: p.ARN}, nil
}

func (o *AssumeRoleOutput) String() string {
	return fmt.Sprintf("%s until %s", o.AssumedRoleUser.Arn, o.Credentials.Expiration.Format(time.RFC3339))
}

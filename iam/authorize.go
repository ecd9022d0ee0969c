package iam

// Authorization across policy types, following the IAM User Guide's
// "Policy evaluation logic":
//
//  1. An explicit Deny in any applicable policy (identity-based,
//     resource-based, permissions boundary, session policy) denies.
//  2. Within one account, the request is allowed when an identity-based
//     policy allows it (and the permissions boundary and session policy,
//     where present, allow it too), or when the resource-based policy
//     allows it for this principal. A resource-based policy that names the
//     user's or the session's own ARN is not limited by a boundary or
//     session policy; one that names the role's ARN is; one that names the
//     account (its ID or :root) only delegates to the account, so an
//     identity-based policy must still allow.
//     IAM role trust policies are the exception: there the trust policy
//     must allow even within the account (Request.RequireResourcePolicy).
//  3. Across accounts, both must allow: the caller's identity-based
//     policies (within boundary and session policy) and the resource's
//     policy.
//  4. Otherwise the request is implicitly denied.
//
// AWS Organizations policies cap all of this: a service control policy
// (SCP) limits the principals of an account, a resource control policy
// (RCP) the access to an account's resources; at every level of the
// organization some SCP (RCP) must allow, and a Deny in any denies. Where
// each applies (not in the management account, not to service-linked
// roles, ...) is in organizations_eval.go.
//
// Page: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
//
// The account root user has every permission in its own account; only
// explicit denies in resource-based policies limit it.

import (
	"fmt"
	"strings"

	"github.com/nimbus-sim/nimbus/internal/awserr"
	"github.com/nimbus-sim/nimbus/internal/refs"
	"github.com/nimbus-sim/nimbus/internal/strs"
)

// PolicyKind says which kind of policy a statement came from.
type PolicyKind uint8

// Kinds of policy, in the order AWS evaluates them.
const (
	IdentityPolicy PolicyKind = iota + 1
	ResourcePolicy
	PermissionsBoundary
	SessionPolicy
	ServiceControlPolicy  // AWS Organizations SCP: limits principals of an account
	ResourceControlPolicy // AWS Organizations RCP: limits access to an account's resources
)

func (k PolicyKind) String() string {
	switch k {
	case IdentityPolicy:
		return "identity-based policy"
	case ResourcePolicy:
		return "resource-based policy"
	case PermissionsBoundary:
		return "permissions boundary"
	case SessionPolicy:
		return "session policy"
	case ServiceControlPolicy:
		return "service control policy"
	case ResourceControlPolicy:
		return "resource control policy"
	}
	return "policy"
}

func (k PolicyKind) article() string {
	if k == IdentityPolicy {
		return "an " + k.String()
	}
	return "a " + k.String()
}

// PolicyRef names one policy that took part in a decision.
type PolicyRef struct {
	Kind PolicyKind
	// Name is the managed policy ARN, or "inline policy NAME of user U" /
	// "... of role R" / "... of group G", "resource policy", "session policy".
	Name   string
	Policy *Policy
}

// StatementRef points at one statement of one policy.
type StatementRef struct {
	Policy PolicyRef
	Index  int
	Sid    string
}

func (r StatementRef) String() string {
	if r.Policy.Policy == nil {
		return ""
	}
	s := fmt.Sprintf("statement %d", r.Index)
	if r.Sid != "" {
		s += fmt.Sprintf(" (Sid %q)", r.Sid)
	}
	return s + " of " + r.Policy.Name
}

// Reason classifies a Decision.
type Reason uint8

// Decision reasons.
const (
	ImplicitDeny Reason = iota
	ExplicitDeny
	AllowedByIdentity // an identity-based policy allowed (within limits)
	AllowedByResource // the resource-based policy allowed on its own
	AllowedByBoth     // cross-account: both allowed
	AllowedAsRoot     // the account root user in its own account
)

// Decision is the answer to a Request, with enough to explain it. The zero
// Decision is an implicit deny.
type Decision struct {
	Allowed bool
	Reason  Reason
	// Missing is, for an implicit deny, the kind of policy that lacked an
	// Allow (the "because no ... allows" of the AccessDenied message); for
	// an explicit deny, the kind of policy that denied.
	Missing PolicyKind
	// Statement is the statement that decided: the Deny that matched, or
	// the Allow that granted. Zero for an implicit deny.
	Statement StatementRef

	req      Request
	identity []PolicyRef
	boundary *PolicyRef
	session  *PolicyRef
	scps     [][]PolicyRef
	rcps     [][]PolicyRef
}

// verdict is a Decision without its copy of the request: what decide
// fills. Check, on every call of a World, needs only Allowed, so it keeps
// this 112-byte struct and builds the 400-byte Decision for a denial only.
type verdict struct {
	Allowed bool
	Reason  Reason
	Missing PolicyKind
	// The statement that decided is statement stmtIdx of *stmtPolicy, or
	// of the request's resource-based policy when stmtResource is set;
	// its StatementRef (Decision.Statement, 56 bytes with the Sid looked
	// up) is built only with a Decision.
	stmtResource bool
	stmtPolicy   *PolicyRef
	stmtIdx      int

	identity []PolicyRef
	boundary *PolicyRef
	session  *PolicyRef
	scps     [][]PolicyRef
	rcps     [][]PolicyRef
}

// decision is v with the request it answered.
func (v *verdict) decision(req *Request) (d Decision) {
	v.fill(&d, req)
	return d
}

// fill sets every field of *d from v and req.
func (v *verdict) fill(d *Decision, req *Request) {
	d.Allowed, d.Reason, d.Missing = v.Allowed, v.Reason, v.Missing
	switch {
	case v.stmtPolicy != nil:
		d.Statement = stmtRef(*v.stmtPolicy, v.stmtIdx)
	case v.stmtResource:
		d.Statement = stmtRef(resourceRef(req.ResourcePolicy), v.stmtIdx)
	default:
		d.Statement = StatementRef{}
	}
	d.req = *req
	d.identity, d.boundary, d.session, d.scps, d.rcps = v.identity, v.boundary, v.session, v.scps, v.rcps
}

// resourceRef is the PolicyRef of a request's resource-based policy.
func resourceRef(rp *Policy) PolicyRef {
	return PolicyRef{Kind: ResourcePolicy, Name: "resource-based policy", Policy: rp}
}

// Err returns nil when d allows, else an AccessDenied error (HTTP 403)
// worded like AWS's.
func (d Decision) Err() error {
	if d.Allowed {
		return nil
	}
	e := awserr.New("AccessDenied", 403, false, "%s", d.Message())
	e.Err = &DeniedError{Decision: d}
	return e
}

// DeniedError is the cause inside an AccessDenied error: errors.As
// reaches it from the error a call returns, and its Decision says which
// statement denied, or which kind of policy failed to allow (Explain).
type DeniedError struct{ Decision Decision }

func (e *DeniedError) Error() string { return e.Decision.Message() }

// Message is the AccessDenied message: "User: arn:aws:iam::111122223333:user/alice
// is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::b/k
// because no identity-based policy allows the s3:GetObject action".
func (d Decision) Message() string {
	r := &d.req
	who := "anonymous"
	if r.Principal != nil {
		who = r.Principal.display()
	}
	res := r.Resource.String()
	if res == "" {
		res = "*"
	}
	head := fmt.Sprintf("User: %s is not authorized to perform: %s on resource: %s", who, r.Action, res)
	switch {
	case d.Allowed:
		return fmt.Sprintf("User: %s is authorized to perform: %s on resource: %s", who, r.Action, res)
	case d.Reason == ExplicitDeny:
		return head + " with an explicit deny in " + d.Missing.article()
	case d.Missing == 0:
		return head
	}
	return head + " because no " + d.Missing.String() + " allows the " + r.Action + " action"
}

// Authorize evaluates req and returns the decision. A zero req.Time
// stands for the simulation clock's instant (Request.Time says when it
// is filled in). It allocates nothing in steady state.
func (s *Service) Authorize(req *Request) (d Decision) {
	var v verdict
	s.decide(&v, req)
	v.fill(&d, req)
	return d
}

// Check is Authorize for callers that need only the verdict, as the
// request pipeline does on every call: nil when req is allowed, else
// the decision's AccessDenied error (Decision.Err).
func (s *Service) Check(req *Request) error {
	a := &s.allowed
	near := a.answersBut(s, req)
	if near {
		// The very string (a run of calls on one resource) needs no
		// byte compared; with a proved prefix, the prefix alone is
		// compared, which answers the remembered resource too.
		r, q := a.resource.Resource, req.Resource.Resource
		if strs.SameMemory(r, q) || a.resK <= 0 && r == q || a.resK > 0 && a.prefixAnswers(q) {
			// What decide leaves in req for a later evaluation of the same
			// request (an endpoint policy's, in the request pipeline).
			req.orgKeys = orgKeyValues{}
			req.clock, req.at = s.env, s.env.Now()
			return nil
		}
	}
	var v verdict
	s.decide(&v, req)
	if v.Allowed {
		// An answer that read the clock (req.Time filled in) holds for
		// this instant only; one for a given Time, or with organization
		// keys, is not worth the room (allowedRequest).
		if p := req.Principal; p != nil && p.acct != nil && p.acct.svc == s && req.Time.IsZero() && req.orgKeys.none() &&
			(req.Context == nil || req.FrozenContext) {
			if near {
				// Another resource of the remembered request's run (the
				// next object of a bucket): only the resource and its
				// prefix change, and the walk that proves the prefix is
				// paid only by such runs. Resources that differ from
				// their first byte (instance/... then volume/..., as
				// RunInstances and AttachVolume check) alternate between
				// kinds, where a prefix, at least a byte, would have
				// answered neither: the walk would be wasted.
				// A walk that proves nothing costs half an evaluation, and
				// the policies that defeat it (a '?', a condition on the
				// resource's tags) usually defeat the next one too: after
				// one, the next walkBackoff such requests go without. So
				// do those after a prefix that answered nothing (objects
				// of two buckets in turn, each missing the other's).
				r, q := a.resource.Resource, req.Resource.Resource
				a.resource.Resource = q
				switch {
				case a.resK < 0:
					a.resK++
				case a.resK > 0 && !a.resUsed:
					a.resK = -walkBackoff
				case r != "" && q != "" && r[0] == q[0]:
					a.resUsed = false
					if a.resK = resourcePrefix(&v, req); a.resK == 0 {
						a.resK = -walkBackoff
					}
				default:
					a.resK = 0
				}
			} else {
				a.remember(s, req)
			}
		}
		return nil
	}
	return v.decision(req).Err()
}

// allowedRequest is the last request Check allowed, Service.allowed: a
// caller's calls come in runs of the same request (a poll, a transfer in
// parts), and comparing it with the last is a tenth of evaluating it
// (spot-training: three requests in four are the one before). The answer
// depends on nothing else but the Service's state, which Service.gen
// follows (every change of policies, memberships, attachments, tags,
// organizations and accounts advances it), and the clock, which an
// answer that read it is not remembered for. Only principals of this
// Service's accounts are remembered: their fields change with the
// Service's state alone, where a principal built by hand is the caller's
// to change. Request.Context maps are compared by identity, so a request
// with a Context is remembered only when its FrozenContext promises the
// map never changes.
// Requests with a Time given, or in an organization (with organization
// keys), are not remembered: a Time and the keys would take 88 bytes
// more in every Service, the 352-byte size class where it is 448.
//
// A request that differs from the remembered one in its ARN's resource
// part alone is answered too when that part begins with the remembered
// one's first resK bytes (resK > 0): resourcePrefix proved that every
// statement then decides as it did (resprefix.go). resK is 0 until a
// second request of such a run is evaluated; below 0 when the last walk
// proved nothing, counting the requests that go without one (Check).
type allowedRequest struct {
	valid     bool
	require   bool
	resUsed   bool // the prefix resK answered a request
	resK      int32
	gen       uint64
	principal *Principal
	action    string
	resource  ARN
	resAcct   string
	resPolicy *Policy
	context   map[string][]string
	region    string
}

// prefixAnswers reports whether resource part q begins with the proved
// prefix (resK > 0), and notes that the prefix answered a request.
func (a *allowedRequest) prefixAnswers(q string) bool {
	k := int(a.resK)
	if len(q) < k || q[:k] != a.resource.Resource[:k] {
		return false
	}
	a.resUsed = true
	return true
}

// walkBackoff is how many requests of a run, after a walk for a prefix
// that proved nothing, Check evaluates without walking again: a walk's
// cost spread over them is a few percent of an evaluation.
const walkBackoff = 31

// answersBut reports whether req is the remembered request, with the
// Service in the state it was allowed in, but for its ARN's resource
// part, which Check compares.
func (a *allowedRequest) answersBut(s *Service, req *Request) bool {
	r, q := &a.resource, &req.Resource
	return a.valid && a.principal == req.Principal && a.gen == s.gen && strs.Same(a.action, req.Action) &&
		strs.Same(r.AccountID, q.AccountID) && strs.Same(r.Service, q.Service) &&
		strs.Same(r.Region, q.Region) && strs.Same(r.Partition, q.Partition) &&
		strs.Same(a.resAcct, req.ResourceAccount) && a.resPolicy == req.ResourcePolicy &&
		a.require == req.RequireResourcePolicy && strs.Same(a.region, req.RequestedRegion) && req.Time.IsZero() &&
		refs.Same(&a.context, &req.Context)
}

// remember makes req, just allowed, the remembered request.
func (a *allowedRequest) remember(s *Service, req *Request) {
	*a = allowedRequest{valid: true, require: req.RequireResourcePolicy, gen: s.gen, principal: req.Principal,
		action: req.Action, resource: req.Resource, resAcct: req.ResourceAccount, resPolicy: req.ResourcePolicy,
		context: req.Context, region: req.RequestedRegion}
}

// decide fills the zero verdict *d with
// the Service's answer: the caller's identity-based policies, and the
// organization's SCPs and RCPs where they apply.
func (s *Service) decide(d *verdict, req *Request) {
	if req.Time.IsZero() {
		// The calendar time costs a time.Time.Add; most requests meet
		// no condition on the time (Request.currentTime).
		req.clock, req.at = s.env, s.env.Now()
	}
	// The policies go straight into *d, which keeps them for Explain;
	// decide reads them from there, so no idPolicies is built and copied
	// on this path, which every request of a World takes.
	root := d.setIdentityPolicies(s, req.Principal)
	var resAcct *account
	switch ra, p := req.resourceAccount(), req.Principal; {
	case ra == "":
		// No account owns "*" (Describe calls): no account has the ID "".
	case p != nil && p.acct != nil && p.acct.svc == s && p.acct.id == ra:
		// Most other requests stay in the caller's account: its account
		// is s.accounts[ra] (accounts are never removed), without hashing
		// ra.
		resAcct = p.acct
	default:
		resAcct = s.accounts[ra]
	}
	s.orgKeys(req, resAcct)
	// Where Organizations policies apply: organizations_eval.go. Outside
	// an organization orgLevels has nothing to return; the org test
	// spares most requests the call.
	if p := req.Principal; scpApplies(p) && p.acct != nil && p.acct.org != nil {
		d.scps = s.orgLevels(p.acct, ServiceControlPolicyType, &p.acct.scpCache)
	}
	if p := req.Principal; resAcct != nil && resAcct.org != nil && (p == nil || !p.slr) && rcpApplies(req.Action) {
		d.rcps = s.orgLevels(resAcct, ResourceControlPolicyType, &resAcct.rcpCache)
	}
	decide(d, req, root)
	if !d.Allowed && s.env.Tracing() {
		acct := "anonymous"
		if req.Principal != nil && req.Principal.AccountID != "" {
			acct = req.Principal.AccountID
		}
		s.env.Emit("iam/"+acct, "AccessDenied", simF("message", d.decision(req).Message()))
	}
}

// idPolicies is what applies to a principal besides the resource policy,
// for the Service-less Authorize and Evaluate.
type idPolicies struct {
	identity []PolicyRef
	boundary *PolicyRef
	session  *PolicyRef
	root     bool
	scps     [][]PolicyRef // levels, organization root first
	rcps     [][]PolicyRef
}

// setIdentityPolicies sets d's identity-based policies, permissions
// boundary and session policy from p, and reports whether p is an
// account's root user.
func (d *verdict) setIdentityPolicies(s *Service, p *Principal) (root bool) {
	switch {
	case p == nil:
	case p.Type == PrincipalAccount:
		return true
	case p.user != nil:
		d.identity = p.user.policyRefs(s)
		d.boundary = p.user.boundaryRef()
	case p.session != nil:
		se := p.session
		if se.role != nil {
			d.identity = se.role.policyRefs(s)
			d.boundary = se.role.boundaryRef()
		}
		d.session = se.policyRef
	}
	return false
}

// Authorize evaluates req against explicitly given policies, without a
// Service: identity-based policies of the caller, optional permissions
// boundary and session policy (nil when absent), and req.ResourcePolicy.
// It is the evaluation logic on its own, for teaching and testing.
func Authorize(req *Request, identity []*Policy, boundary, session *Policy) Decision {
	req = withFinished(req)
	var ip idPolicies
	for i, p := range identity {
		ip.identity = append(ip.identity, PolicyRef{Kind: IdentityPolicy, Name: fmt.Sprintf("identity policy %d", i), Policy: p})
	}
	if boundary != nil {
		ip.boundary = &PolicyRef{Kind: PermissionsBoundary, Name: "permissions boundary", Policy: boundary}
	}
	if session != nil {
		ip.session = &PolicyRef{Kind: SessionPolicy, Name: "session policy", Policy: session}
	}
	if req.Principal != nil && req.Principal.Type == PrincipalAccount {
		ip.root = true
	}
	return authorize(req, ip)
}

// EvaluateInput is every policy that can bear on one request, for
// Evaluate.
type EvaluateInput struct {
	Request  *Request // its ResourcePolicy is the resource-based policy
	Identity []*Policy
	Boundary *Policy // permissions boundary, or nil
	Session  *Policy // session policy, or nil
	// SCPs are the service control policies that apply to the principal's
	// account, one slice per level of the organization (root, OUs,
	// account): every level must allow. RCPs likewise for the resource's
	// account. Leave them empty outside an organization and for the
	// management account (neither applies there). Evaluate itself leaves
	// out SCPs for AWS service principals, anonymous callers and sessions
	// of service-linked roles, and RCPs for service-linked roles and for
	// actions of services RCPs do not support, as AWS does
	// (organizations_eval.go).
	SCPs [][]*Policy
	RCPs [][]*Policy
}

// Evaluate is the complete evaluation logic without a Service: explicit
// denies in any policy first, then RCPs and SCPs (each level must allow),
// then resource-based, identity-based, boundary and session policies as
// Authorize describes.
func Evaluate(in EvaluateInput) Decision {
	in.Request = withFinished(in.Request)
	ip := idPolicies{}
	for i, p := range in.Identity {
		ip.identity = append(ip.identity, PolicyRef{Kind: IdentityPolicy, Name: fmt.Sprintf("identity policy %d", i), Policy: p})
	}
	if in.Boundary != nil {
		ip.boundary = &PolicyRef{Kind: PermissionsBoundary, Name: "permissions boundary", Policy: in.Boundary}
	}
	if in.Session != nil {
		ip.session = &PolicyRef{Kind: SessionPolicy, Name: "session policy", Policy: in.Session}
	}
	if p := in.Request.Principal; p != nil && p.Type == PrincipalAccount {
		ip.root = true
	}
	if p := in.Request.Principal; scpApplies(p) {
		ip.scps = orgRefs(ServiceControlPolicy, "SCP", in.SCPs)
	}
	if p := in.Request.Principal; (p == nil || !p.slr) && rcpApplies(in.Request.Action) {
		ip.rcps = orgRefs(ResourceControlPolicy, "RCP", in.RCPs)
	}
	return authorize(in.Request, ip)
}

func orgRefs(kind PolicyKind, short string, levels [][]*Policy) [][]PolicyRef {
	out := make([][]PolicyRef, len(levels))
	for l, level := range levels {
		for i, p := range level {
			out[l] = append(out[l], PolicyRef{Kind: kind, Name: fmt.Sprintf("%s %d at level %d", short, i, l), Policy: p})
		}
	}
	return out
}

// evalLevels checks organization policies: a Deny anywhere denies (deny
// set); otherwise ok reports whether every level has an Allow.
func evalLevels(levels [][]PolicyRef, ec *evalCtx) (ok bool, deny *PolicyRef, denyIdx int) {
	ok = true
	for _, level := range levels {
		allowed := false
		for k := range level {
			o, i, _ := level[k].Policy.eval(ec)
			if o == Denied {
				return false, &level[k], i
			}
			allowed = allowed || o == Allowed
		}
		ok = ok && allowed
	}
	return ok, nil, 0
}

func authorize(req *Request, ip idPolicies) Decision {
	v := verdict{identity: ip.identity, boundary: ip.boundary, session: ip.session, scps: ip.scps, rcps: ip.rcps}
	decide(&v, req, ip.root)
	return v.decision(req)
}

// decide is the evaluation logic: given the policies that apply in
// d.identity, d.boundary, d.session, d.scps and d.rcps (the rest of *d
// zero), and whether the caller is an account's root user, it fills in
// the decision on req. The verdict has no copy of the request, which
// only explaining the decision needs: filling the caller's verdict in
// place and leaving the Decision to callers that keep one spares the hot
// path (Service.Check) both the copy and zeroing a Decision on every
// allowed request.
func decide(d *verdict, req *Request, root bool) {
	ec := evalCtx{req: req, p: req.Principal}
	p := req.Principal

	// 1. Explicit denies, identity first as AWS reports them.
	idAllow := NotApplicable
	// The first identity-based Allow, as a policy and statement index:
	// its StatementRef is built only if it decides.
	var idRef *PolicyRef
	idIdx := 0
	for k := range d.identity {
		ref := &d.identity[k]
		o, i, _ := ref.Policy.eval(&ec)
		if o == Denied {
			denied(d, ref, i)
			return
		}
		if o == Allowed && idAllow != Allowed {
			idAllow, idRef, idIdx = Allowed, ref, i
		}
	}
	resAllow, resPM, resIdx := NotApplicable, pmNone, 0
	if rp := req.ResourcePolicy; rp != nil {
		o, i, pm := rp.eval(&ec)
		if o == Denied {
			d.Reason, d.Missing, d.stmtResource, d.stmtIdx = ExplicitDeny, ResourcePolicy, true, i
			return
		}
		resAllow, resPM, resIdx = o, pm, i
	}
	bAllow, sAllow := true, true
	if d.boundary != nil {
		o, i, _ := d.boundary.Policy.eval(&ec)
		if o == Denied {
			denied(d, d.boundary, i)
			return
		}
		bAllow = o == Allowed
	}
	if d.session != nil {
		o, i, _ := d.session.Policy.eval(&ec)
		if o == Denied {
			denied(d, d.session, i)
			return
		}
		sAllow = o == Allowed
	}

	// Most requests meet no organization policy: the tests spare them
	// the calls.
	rcpOK, scpOK := true, true
	if len(d.rcps) > 0 {
		ok, rd, ri := evalLevels(d.rcps, &ec)
		if rd != nil {
			denied(d, rd, ri)
			return
		}
		rcpOK = ok
	}
	if len(d.scps) > 0 {
		ok, sd, si := evalLevels(d.scps, &ec)
		if sd != nil {
			denied(d, sd, si)
			return
		}
		scpOK = ok
	}
	// RCPs and SCPs grant nothing; they only cap. Every level must allow.
	if !rcpOK {
		d.Missing = ResourceControlPolicy
		return
	}
	if !scpOK {
		d.Missing = ServiceControlPolicy
		return
	}

	// 2. Allows.
	principalAcct := ""
	if p != nil {
		principalAcct = p.AccountID
	}
	resAcct := req.resourceAccount()
	same := principalAcct != "" && (resAcct == "" || resAcct == principalAcct)
	identityOK := root || idAllow == Allowed && bAllow && sAllow
	resOK := resAllow == Allowed

	if same && req.RequireResourcePolicy {
		// Role trust policies: the trust policy must allow; if it names
		// only the account, the identity side must allow too.
		switch {
		case resOK && (resPM == pmDirect || resPM == pmRole && bAllow && sAllow):
			allowedByResource(d, AllowedByResource, resIdx)
			return
		case resOK && identityOK:
			allowedByResource(d, AllowedByBoth, resIdx)
			return
		case !resOK:
			d.Missing = ResourcePolicy
		case idAllow != Allowed && !root:
			d.Missing = IdentityPolicy
		case !bAllow:
			d.Missing = PermissionsBoundary
		default:
			d.Missing = SessionPolicy
		}
		return
	}
	if same {
		switch {
		case root:
			d.Allowed, d.Reason = true, AllowedAsRoot
			return
		case identityOK:
			d.Allowed, d.Reason, d.stmtPolicy, d.stmtIdx = true, AllowedByIdentity, idRef, idIdx
			return
		case resOK && (resPM == pmDirect || resPM == pmRole && bAllow && sAllow):
			allowedByResource(d, AllowedByResource, resIdx)
			return
		}
		switch {
		case idAllow != Allowed:
			d.Missing = IdentityPolicy
		case !bAllow:
			d.Missing = PermissionsBoundary
		default:
			d.Missing = SessionPolicy
		}
		return
	}
	// Different accounts, or a caller with no account (a service or
	// anonymous): the resource policy must allow, and an account's caller
	// needs its own identity-based allow too.
	if principalAcct == "" {
		if resOK && resPM == pmDirect {
			allowedByResource(d, AllowedByResource, resIdx)
			return
		}
		d.Missing = ResourcePolicy
		return
	}
	if identityOK && resOK {
		allowedByResource(d, AllowedByBoth, resIdx)
		return
	}
	switch {
	case !root && idAllow != Allowed:
		d.Missing = IdentityPolicy
	case !root && !bAllow:
		d.Missing = PermissionsBoundary
	case !root && !sAllow:
		d.Missing = SessionPolicy
	default:
		d.Missing = ResourcePolicy
	}
}

func stmtRef(ref PolicyRef, i int) StatementRef {
	return StatementRef{Policy: ref, Index: i, Sid: ref.Policy.Statements[i].Sid}
}

// allowedByResource records that statement i of the resource-based
// policy allowed, for reason why.
func allowedByResource(d *verdict, why Reason, i int) {
	d.Allowed, d.Reason, d.stmtResource, d.stmtIdx = true, why, true, i
}

// denied records that statement i of *ref denied. ref points into the
// verdict's policies, which outlive it.
func denied(d *verdict, ref *PolicyRef, i int) {
	d.Reason, d.Missing, d.stmtPolicy, d.stmtIdx = ExplicitDeny, ref.Kind, ref, i
}

// Explain describes in plain words why d came out as it did: the request,
// the decision, and for each policy consulted what each statement made of
// the request (action, resource, principal, conditions), with hints for the
// usual mistakes (ListBucket needs the bucket ARN, GetObject the object ARN).
func (d Decision) Explain() string {
	var b strings.Builder
	r := &d.req
	who := "anonymous"
	if r.Principal != nil {
		who = r.Principal.display()
	}
	res := r.Resource.String()
	if res == "" {
		res = "*"
	}
	fmt.Fprintf(&b, "Request: %s wants %s on %s", who, r.Action, res)
	if ra := r.resourceAccount(); ra != "" && r.Principal != nil && r.Principal.AccountID != "" {
		if ra == r.Principal.AccountID {
			fmt.Fprintf(&b, " (same account %s)", ra)
		} else {
			fmt.Fprintf(&b, " (cross-account: caller in %s, resource in %s, so both sides must allow)", r.Principal.AccountID, ra)
		}
	}
	b.WriteString("\n")
	switch {
	case d.Allowed && d.Reason == AllowedAsRoot:
		b.WriteString("Decision: ALLOW — the account's root user may do anything in its own account.\n")
	case d.Allowed:
		fmt.Fprintf(&b, "Decision: ALLOW — granted by %s.\n", d.Statement)
	case d.Reason == ExplicitDeny:
		fmt.Fprintf(&b, "Decision: DENY (explicit) — %s denies it; an explicit Deny overrides every Allow.\n", d.Statement)
	default:
		fmt.Fprintf(&b, "Decision: DENY (implicit) — no %s allows %s; everything not allowed is denied by default.\n", d.Missing, r.Action)
	}
	ec := evalCtx{req: r, p: r.Principal}
	var hints []string
	explainPolicy := func(ref PolicyRef) {
		fmt.Fprintf(&b, "  %s:\n", ref.Name)
		for i := range ref.Policy.Statements {
			line, hint := explainStatement(ref.Policy, i, &ec)
			fmt.Fprintf(&b, "    %s\n", line)
			if hint != "" && !containsStr(hints, hint) {
				hints = append(hints, hint)
			}
		}
	}
	if len(d.identity) > 0 {
		b.WriteString("Identity-based policies:\n")
		for _, ref := range d.identity {
			explainPolicy(ref)
		}
	} else if r.Principal != nil && r.Principal.Type != PrincipalAccount {
		b.WriteString("Identity-based policies: none attached.\n")
	}
	if r.ResourcePolicy != nil {
		b.WriteString("Resource-based policy:\n")
		explainPolicy(resourceRef(r.ResourcePolicy))
	}
	if d.boundary != nil {
		b.WriteString("Permissions boundary (limits what identity-based policies can grant):\n")
		explainPolicy(*d.boundary)
	}
	if d.session != nil {
		b.WriteString("Session policy (limits what the role's policies can grant):\n")
		explainPolicy(*d.session)
	}
	for _, org := range []struct {
		what   string
		levels [][]PolicyRef
	}{{"Service control policies (every level must allow)", d.scps}, {"Resource control policies (every level must allow)", d.rcps}} {
		if len(org.levels) == 0 {
			continue
		}
		b.WriteString(org.what + ":\n")
		for _, level := range org.levels {
			for _, ref := range level {
				explainPolicy(ref)
			}
		}
	}
	if !d.Allowed && d.Reason == ImplicitDeny {
		hints = append(hints, d.missingHint()...)
	}
	for _, h := range hints {
		b.WriteString("Hint: " + h + "\n")
	}
	return b.String()
}

// missingHint says, for an implicit deny, what kind of grant would be
// needed.
func (d Decision) missingHint() []string {
	r := &d.req
	if r.Principal == nil {
		return nil
	}
	ra, pa := r.resourceAccount(), r.Principal.AccountID
	cross := ra != "" && pa != "" && ra != pa
	switch d.Missing {
	case ResourcePolicy:
		if cross {
			return []string{fmt.Sprintf("the resource belongs to account %s: its resource-based policy must also allow %s (Principal {\"AWS\": %q}) to perform %s.",
				ra, r.Principal.display(), r.Principal.principalARN(), r.Action)}
		}
		if r.RequireResourcePolicy {
			return []string{fmt.Sprintf("a role's trust policy must allow %s even within its own account; an identity-based policy alone is not enough.", r.Action)}
		}
		return []string{fmt.Sprintf("only a resource-based policy can grant %s to this caller.", r.Action)}
	case IdentityPolicy:
		if cross {
			return []string{fmt.Sprintf("the caller's own account (%s) must also grant %s on %s in an identity-based policy; a resource policy in another account is not enough.",
				pa, r.Action, resText(r.Resource))}
		}
		for _, ref := range d.identity {
			for i := range ref.Policy.Statements {
				if ref.Policy.Statements[i].Effect == Allow && ref.Policy.Statements[i].matchAction(r.Action) {
					return nil // some statement lists the action: its line above says why it did not apply
				}
			}
		}
		return []string{fmt.Sprintf("no Allow statement lists %s; add it to a policy attached to the caller (or to its group or role).", r.Action)}
	case PermissionsBoundary:
		return []string{fmt.Sprintf("an identity-based policy allows %s, but the permissions boundary does not: effective permissions are the intersection of both.", r.Action)}
	case SessionPolicy:
		return []string{fmt.Sprintf("the role allows %s, but the session policy passed to AssumeRole does not: a session can only do what both allow.", r.Action)}
	case ServiceControlPolicy:
		return []string{fmt.Sprintf("the organization's SCPs cap account %s: some SCP at every level (root, each OU, the account) must allow %s, whatever IAM policies say.", pa, r.Action)}
	case ResourceControlPolicy:
		return []string{fmt.Sprintf("the organization's RCPs cap access to account %s's resources: some RCP at every level must allow %s.", ra, r.Action)}
	}
	return nil
}

func containsStr(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// explainStatement says what statement i made of the request, and offers a
// hint when the statement nearly applied.
func explainStatement(p *Policy, i int, ec *evalCtx) (string, string) {
	st := &p.Statements[i]
	name := fmt.Sprintf("statement %d", i)
	if st.Sid != "" {
		name += fmt.Sprintf(" (Sid %q)", st.Sid)
	}
	req := ec.req
	act := "Action"
	if st.NotAction {
		act = "NotAction"
	}
	head := fmt.Sprintf("%s: %s %s %v", name, st.Effect, act, st.Action)
	if st.Resource != nil {
		rs := "Resource"
		if st.NotResource {
			rs = "NotResource"
		}
		head += fmt.Sprintf(" %s %v", rs, st.Resource)
	}
	if !st.matchAction(req.Action) {
		if st.NotAction {
			return head + fmt.Sprintf(" — does not apply: %s is excluded by NotAction", req.Action), ""
		}
		return head + fmt.Sprintf(" — does not apply: the action %s is not listed", req.Action), ""
	}
	if st.matchPrincipal(ec.p) == pmNone {
		if st.NotPrincipal {
			return head + " — does not apply: NotPrincipal lists the caller and every identity AWS checks for it (its account, and its role for a session)", ""
		}
		return head + " — does not apply: the caller is not the statement's principal", ""
	}
	if !st.matchResource(&req.Resource, ec) {
		return head + fmt.Sprintf(" — does not apply: the resource %s does not match", resText(req.Resource)), resourceHint(st, req)
	}
	if j := st.matchConditions(ec); j >= 0 {
		c := st.Condition[j]
		v := ec.lookup(st.c.conds[j].key, st.c.conds[j].bid)
		have := "absent from the request"
		if v.n > 0 {
			vals := make([]string, v.n)
			for k := range vals {
				vals[k] = v.at(k)
			}
			have = fmt.Sprintf("%q in the request", vals)
		}
		return head + fmt.Sprintf(" — does not apply: condition %s %s %q is not met (%s is %s)", c.Operator, c.Key, c.Values, c.Key, have), ""
	}
	if st.Effect == Deny {
		if p := ec.p; st.NotPrincipal && p != nil && p.arnText != "" && slicesContains(st.Principal.AWS, p.arnText) {
			return head + " — MATCHES: explicit deny", "NotPrincipal names the caller but not every identity AWS checks for it: list its account (arn:aws:iam::" +
				p.AccountID + ":root) too, and for a role session the role's ARN, as the NotPrincipal page recommends."
		}
		return head + " — MATCHES: explicit deny", ""
	}
	return head + " — MATCHES: allows", ""
}

func resText(a ARN) string {
	if s := a.String(); s != "" {
		return s
	}
	return "*"
}

// resourceHint explains the commonest resource mistake: S3 bucket-level
// actions (ListBucket, GetBucketLocation, ...) act on the bucket ARN
// arn:aws:s3:::b, object-level actions (GetObject, PutObject, ...) on
// object ARNs arn:aws:s3:::b/key.
func resourceHint(st *Statement, req *Request) string {
	a := req.Resource
	if st.NotResource || a.Service != "s3" || !a.IsValid() {
		return fmt.Sprintf("%s acts on %s, which none of %v matches.", req.Action, resText(a), st.Resource)
	}
	action := req.Action
	if _, op, ok := strings.Cut(action, ":"); ok {
		action = op
	}
	bucket, key, isObject := strings.Cut(a.Resource, "/")
	bucketARN := "arn:" + a.Partition + ":s3:::" + bucket
	if !isObject {
		for _, r := range st.Resource {
			if strings.HasPrefix(r, bucketARN+"/") {
				return fmt.Sprintf("%s applies to the bucket ARN %s, not to objects (%s). Add %q to the statement's Resource.",
					action, bucketARN, r, bucketARN)
			}
		}
		return fmt.Sprintf("%s applies to the bucket ARN %s, which none of %v matches.", action, bucketARN, st.Resource)
	}
	for _, r := range st.Resource {
		if r == bucketARN {
			return fmt.Sprintf("%s applies to objects (%s/%s), not to the bucket ARN %s. Add %q to the statement's Resource.",
				action, bucketARN, key, bucketARN, bucketARN+"/*")
		}
	}
	return fmt.Sprintf("%s applies to the object ARN %s, which none of %v matches.", action, a, st.Resource)
}

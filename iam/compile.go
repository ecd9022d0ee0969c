package iam

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// compiledStatement holds a statement's patterns, split once at parse time.
type compiledStatement struct {
	actions   []pattern
	resources []resourcePattern
	conds     []compiledCond
	// anyAction says that the statement's Action (or NotAction) lists
	// "*", allResources that its Resource does (not its NotResource):
	// then matching needs no pattern. Most statements are one or both.
	anyAction, allResources bool
}

// compile prepares every statement for evaluation. Policy variables are
// live only in Version 2012-10-17 documents ("IAM JSON policy elements:
// Version": with 2008-10-17 or no Version, ${...} is literal text).
func (p *Policy) compile() error {
	vars := p.Version == Version2012
	for i := range p.Statements {
		st := &p.Statements[i]
		loc := stmtLoc(i)
		c := compiledStatement{actions: make([]pattern, 0, len(st.Action))}
		if len(st.Resource) > 0 {
			c.resources = make([]resourcePattern, 0, len(st.Resource))
		}
		for _, a := range st.Action {
			// Action names are case-insensitive ("IAM JSON policy
			// elements: Action"); no variables in actions.
			pt, err := compilePattern(a, true, false, true)
			if err != nil {
				return errf(loc+".Action", "%v", err)
			}
			c.actions = append(c.actions, pt)
			c.anyAction = c.anyAction || pt.shape == shAny
		}
		for j, r := range st.Resource {
			rp, err := compileResource(r, vars)
			if err != nil {
				return errf(fmt.Sprintf("%s.Resource[%d]", loc, j), "%v", err)
			}
			c.resources = append(c.resources, rp)
			c.allResources = c.allResources || rp.any && !st.NotResource
		}
		for _, cd := range st.Condition {
			cc, err := compileCondition(cd, vars, loc+".Condition."+cd.Operator+"."+cd.Key)
			if err != nil {
				return err
			}
			c.conds = append(c.conds, cc)
		}
		st.c = c
	}
	return nil
}

func (st *Statement) matchAction(action string) bool {
	if st.c.anyAction {
		return !st.NotAction
	}
	return st.listsAction(action) != st.NotAction
}

// listsAction reports whether an entry of the statement's Action (or
// NotAction) matches action. It settles the commonest entry, an exact
// name, without pattern.match: requests and policies nearly always spell
// an action as AWS does, and an ASCII name folds only to a text at least
// as long (each character folds to one of as many bytes or more).
func (st *Statement) listsAction(action string) bool {
	for i := range st.c.actions {
		p := &st.c.actions[i]
		lit := p.lit
		switch p.shape {
		case shPrefix:
			// "ec2:*", "s3:Get*": the commonest wildcard, settled here
			// as pattern.match would, without the call. lit is not empty
			// (an empty prefix is shAny); comparing first bytes spares
			// most entries of other services the memequal call.
			if len(action) < len(lit) {
				continue
			}
			if action[0] == lit[0] && action[:len(lit)] == lit ||
				p.fold && mayFold(action, lit) && strings.EqualFold(action[:len(lit)], lit) {
				return true
			}
		case shExact:
			if len(action) == len(lit) && (len(lit) == 0 || action[0] == lit[0]) && action == lit {
				return true
			}
			if p.fold && (len(action) >= len(lit) || !p.ascii) && mayFold(action, lit) && strings.EqualFold(action, lit) {
				return true
			}
		default:
			if p.match(action, nil) {
				return true
			}
		}
	}
	return false
}

// mayFold reports false when s and lit cannot be equal under case folding
// because their first characters are ASCII and not the same letter in
// either case (ASCII letters' cases differ in bit 0x20 only; no other
// ASCII character folds to another). Most entries a request's action is
// compared with name another service ("ec2:*" for "s3:GetObject"): this
// spares them strings.EqualFold's call.
func mayFold(s, lit string) bool {
	return len(s) == 0 || len(lit) == 0 || s[0] >= utf8.RuneSelf || lit[0] >= utf8.RuneSelf || s[0]|0x20 == lit[0]|0x20
}

func (st *Statement) matchResource(a *ARN, ec *evalCtx) bool {
	// Trust policies may omit Resource: the role itself is implied.
	if st.c.allResources || st.Resource == nil {
		return true
	}
	return st.listsResource(a, ec) != st.NotResource
}

// listsResource reports whether an entry of the statement's Resource (or
// NotResource) matches a.
func (st *Statement) listsResource(a *ARN, ec *evalCtx) bool {
	for i := range st.c.resources {
		if st.c.resources[i].match(a, ec) {
			return true
		}
	}
	return false
}

// matchConditions ANDs every operator/key pair; it returns the index of
// the first that failed, or -1.
func (st *Statement) matchConditions(ec *evalCtx) int {
	for i := range st.c.conds {
		if !st.c.conds[i].eval(ec) {
			return i
		}
	}
	return -1
}

// principalMatch is how a resource-based statement's Principal matched the
// caller; it decides whether the resource policy can grant on its own.
type principalMatch uint8

const (
	pmNone principalMatch = iota
	// pmAccount: the account ID or its root ARN. This delegates to the
	// account: its identity-based policies must still allow.
	pmAccount
	// pmRole: the role's ARN matched a session of that role; the session's
	// permissions boundary and session policy still limit it.
	pmRole
	// pmDirect: "*", the user's ARN, the session's ARN or the service.
	pmDirect
)

func (st *Statement) matchPrincipal(p *Principal) principalMatch {
	if st.Principal == nil {
		// Identity-based statement: the principal is whoever holds it.
		return pmDirect
	}
	return st.matchPrincipalElement(p)
}

// matchPrincipalElement is matchPrincipal for a statement with a
// Principal or NotPrincipal element (resource-based policies).
func (st *Statement) matchPrincipalElement(p *Principal) principalMatch {
	if st.NotPrincipal {
		// "AWS JSON policy elements: NotPrincipal"
		// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html):
		// a Deny with NotPrincipal always denies an IAM user or role
		// that has a permissions boundary, whatever NotPrincipal lists.
		if st.Effect == Deny && p.hasBoundary() {
			return pmDirect
		}
		if notPrincipalExempts(st.Principal, p) {
			return pmNone
		}
		return pmDirect
	}
	return matchPrincipalSet(st.Principal, p)
}

// notPrincipalExempts reports whether a NotPrincipal element leaves p out.
//
// The NotPrincipal page says that "AWS might validate the account first and
// then the user", and for a role session "the account first, then the role,
// and then the assumed-role user", so that a NotPrincipal naming only Bob
// "might" deny Bob's whole account, and its examples list the user with
// its account, and the session with its role and its account. The page
// hedges ("might", "depending on the service"); we choose the reading
// under which its examples are needed and sufficient: every identity AWS
// may validate must be listed. So
//
//   - the root user is left out when its account is listed (ID or :root);
//   - an IAM user when its account and the user (ARN or unique ID) are;
//     naming the account alone leaves out only the root user, not every
//     user of the account, and naming the user alone exempts nobody;
//   - a role session when its account, its role (ARN or unique ID) and the
//     session's own ARN are; the role and account alone do not exempt the
//     role's sessions, nor does the session ARN alone;
//   - an AWS service when the Service list names it;
//   - "*" (or {"AWS": "*"}) leaves out everyone.
func notPrincipalExempts(ps *PrincipalSet, p *Principal) bool {
	if ps.All || slicesContains(ps.AWS, "*") {
		return true
	}
	if p == nil {
		return false
	}
	switch p.Type {
	case PrincipalService:
		for _, s := range ps.Service {
			// Service principals are nearly always spelled as AWS spells
			// them: the exact test first spares the fold.
			if s == p.ServiceName || strings.EqualFold(s, p.ServiceName) {
				return true
			}
		}
		return false
	case PrincipalAccount:
		return listsAccount(ps, p)
	case PrincipalUser:
		return listsAccount(ps, p) && (slicesContains(ps.AWS, p.arnText) || p.UserID != "" && slicesContains(ps.AWS, p.UserID))
	case PrincipalAssumedRole:
		roleID, _, _ := strings.Cut(p.UserID, ":")
		return listsAccount(ps, p) && slicesContains(ps.AWS, p.arnText) &&
			(slicesContains(ps.AWS, p.roleText) || roleID != "" && slicesContains(ps.AWS, roleID))
	}
	return false
}

// listsAccount reports whether ps names p's account, by ID or root ARN.
func listsAccount(ps *PrincipalSet, p *Principal) bool {
	if p.AccountID == "" {
		return false
	}
	for _, s := range ps.AWS {
		if s == p.AccountID {
			return true
		}
		if strings.HasSuffix(s, ":root") {
			if a, err := ParseARN(s); err == nil && a.Service == "iam" && a.AccountID == p.AccountID && a.Resource == "root" {
				return true
			}
		}
	}
	return false
}

func slicesContains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// hasBoundary reports whether the user, or the role behind a session, has
// a permissions boundary attached.
func (p *Principal) hasBoundary() bool {
	switch {
	case p == nil:
		return false
	case p.user != nil:
		return p.user.boundary != nil
	case p.session != nil && p.session.role != nil:
		return p.session.role.boundary != nil
	}
	return false
}

func matchPrincipalSet(ps *PrincipalSet, p *Principal) principalMatch {
	if ps.All {
		return pmDirect
	}
	best := pmNone
	for _, s := range ps.AWS {
		if s == "*" {
			return pmDirect
		}
		if p == nil || p.AccountID == "" {
			continue
		}
		var m principalMatch
		switch {
		case s == p.arnText && p.Type != PrincipalAccount:
			m = pmDirect
		case p.Type == PrincipalAssumedRole && s == p.roleText:
			m = pmRole
		case s == p.AccountID:
			m = pmAccount
		case p.Type == PrincipalUser && s == p.UserID:
			m = pmDirect
		case p.Type == PrincipalAssumedRole && len(p.UserID) > len(s) && p.UserID[len(s)] == ':' && p.UserID[:len(s)] == s:
			m = pmRole // the role's unique ID
		case strings.HasSuffix(s, ":root"):
			if a, err := ParseARN(s); err == nil && a.Service == "iam" && a.AccountID == p.AccountID && a.Resource == "root" {
				m = pmAccount
			}
		}
		best = max(best, m)
	}
	if p != nil && p.Type == PrincipalService {
		for _, s := range ps.Service {
			if strings.EqualFold(s, p.ServiceName) {
				return pmDirect
			}
		}
	}
	return best
}

// Outcome is what one policy says about a request.
type Outcome uint8

// Policy outcomes.
const (
	// NotApplicable: no statement matched (an implicit deny, unless
	// another policy allows).
	NotApplicable Outcome = iota
	// Allowed: an Allow statement matched and no Deny did.
	Allowed
	// Denied: a Deny statement matched (explicit deny).
	Denied
)

func (o Outcome) String() string {
	switch o {
	case Allowed:
		return "Allow"
	case Denied:
		return "Deny"
	}
	return "NotApplicable"
}

// Evaluate applies this one policy to req: Denied if any matching statement
// denies, Allowed if one allows and none denies, NotApplicable otherwise.
// Statements with a Principal are matched against req.Principal. It
// allocates nothing; see Service.Authorize for the full evaluation logic
// across identity, resource, boundary and session policies.
func (p *Policy) Evaluate(req *Request) Outcome {
	req = withFinished(req)
	ec := evalCtx{req: req, p: req.Principal}
	o, _, _ := p.eval(&ec)
	return o
}

// eval returns the outcome, the deciding statement (first Deny, else the
// first Allow with the strongest principal match) and the principal match.
func (p *Policy) eval(ec *evalCtx) (Outcome, int, principalMatch) {
	out, idx, pm := NotApplicable, -1, pmNone
	action, res := ec.req.Action, &ec.req.Resource
	for i := range p.Statements {
		st := &p.Statements[i]
		if st.Effect == Allow && out == Allowed && pm == pmDirect {
			continue // cannot improve on a direct allow; only a Deny matters now
		}
		if !st.matchAction(action) {
			continue
		}
		m := st.matchPrincipal(ec.p)
		if m == pmNone {
			continue
		}
		if !st.c.allResources && !st.matchResource(res, ec) || st.matchConditions(ec) >= 0 {
			continue
		}
		if st.Effect == Deny {
			return Denied, i, m
		}
		if out != Allowed || m > pm {
			out, idx, pm = Allowed, i, m
		}
	}
	return out, idx, pm
}

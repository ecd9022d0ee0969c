package iam

// Check's answer for a run of requests that differ only in the resource
// part of their ARN (the objects of one S3 bucket): which prefix of that
// part decides. Check remembers the request it allowed last
// (allowedRequest); resourcePrefix finds, for that request, a length K
// such that any request equal to it but for an ARN resource part that
// begins with the same K bytes is decided the same way, or reports that
// it cannot prove one.
//
// Why the rest of the evaluation cannot tell the two requests apart: the
// principal, action, the other four ARN sections, the resource account
// and policy, the Context map (by identity, and frozen), the requested
// region and the Service's state (gen) are the same; the clock was not
// read (Check remembers no answer that read it, and the same statements
// read the same keys again); Organizations keys are absent. Condition
// keys take their values from the principal, the Context, the resource
// account and the clock (evalCtx.lookup), never from the ARN's resource
// part; nor do policy variables. That part is read by one thing only:
// matching a statement's Resource or NotResource (resourcePattern.match),
// and by ARN.IsValid (empty or not). So if every Resource and NotResource
// entry that the evaluation may match gives the same answer for both
// resource parts, every statement gives the same answer, every policy
// the same outcome, and decide the same verdict.
//
// Which entries are considered: every statement of every policy the
// evaluation read (identity-based, resource-based, boundary, session,
// SCPs, RCPs) whose action and principal match the request; eval skips
// the others before it looks at the resource. Entries that cannot match
// any of these requests because another section of the ARN differs are
// skipped too. For the rest, with r the remembered resource part and
// r' the new one, r'[:K] == r[:K], len(r') >= K >= 1:
//
//   - "*", as the whole entry or as its resource section: matches both.
//   - an exact text L (no wildcard): let c be the length of r's and L's
//     common prefix. If c < len(r), r differs from L at byte c or is
//     longer: with K > c, so does r', and neither matches. If r is L or
//     a prefix of it, nothing is proved.
//   - L followed by one '*' (prefix): if r begins with L, K >= len(L)
//     makes r' begin with it too, and both match. Otherwise if r differs
//     from L at c < len(r), K > c makes r' differ there too: neither
//     matches. If r is a proper prefix of L, nothing is proved.
//   - literals and stars ending with a star ("training-*/*"), which r
//     matches: K at least the end of the last literal's leftmost place in
//     r makes r' match at the same places (starMatchEnd).
//   - any other shape (a '*' inside, '?', a policy variable): every match
//     begins with its leading literal text, when it has one; if r
//     differs from it at c < len(r), K > c proves neither matches.
//     Otherwise nothing is proved.
//
// Matching is exact byte comparison here: the resource section never
// folds case (compileARNPattern), and a pattern that would is refused.
// The statements' conditions are left alone by the proof, but a
// statement that reads aws:ResourceTag/* or s3:ExistingObjectTag/* is
// refused all the same: those keys describe the resource, and an
// evaluator that one day derives them from it must not meet a
// remembered answer for another resource.

// resourcePrefix returns K (above) for req, which v (the policies decide
// read, filled by Service.decide) just allowed, or 0 when it proves
// none.
func resourcePrefix(v *verdict, req *Request) int32 {
	pv := prefixProof{req: req, r: req.Resource.Resource, k: 1}
	if pv.r == "" || len(pv.r) > 1<<30 {
		return 0
	}
	ok := true
	for i := range v.identity {
		ok = ok && pv.policy(v.identity[i].Policy)
	}
	if req.ResourcePolicy != nil {
		ok = ok && pv.policy(req.ResourcePolicy)
	}
	if v.boundary != nil {
		ok = ok && pv.policy(v.boundary.Policy)
	}
	if v.session != nil {
		ok = ok && pv.policy(v.session.Policy)
	}
	for _, levels := range [2][][]PolicyRef{v.scps, v.rcps} {
		for _, level := range levels {
			for i := range level {
				ok = ok && pv.policy(level[i].Policy)
			}
		}
	}
	if !ok {
		return 0
	}
	return int32(pv.k)
}

// prefixProof is resourcePrefix's walk: k is the prefix length needed so
// far.
type prefixProof struct {
	req *Request
	r   string
	k   int
}

// policy reports whether every statement of p that may read the
// resource decides alike on every resource part the prefix admits,
// raising pv.k as needed.
func (pv *prefixProof) policy(p *Policy) bool {
	for i := range p.Statements {
		st := &p.Statements[i]
		if !st.matchAction(pv.req.Action) || st.matchPrincipal(pv.req.Principal) == pmNone {
			continue // eval skips it before the resource
		}
		for j := range st.c.conds {
			if describesResource(st.c.conds[j].key) {
				return false
			}
		}
		if st.c.allResources || st.Resource == nil {
			continue
		}
		for j := range st.c.resources {
			if !pv.entry(&st.c.resources[j]) {
				return false
			}
		}
	}
	return true
}

// describesResource reports whether a condition key names a property of
// the resource itself (its tags).
func describesResource(key string) bool {
	return hasPrefixFold(key, "aws:ResourceTag/", true) || hasPrefixFold(key, "s3:ExistingObjectTag/", true)
}

// entry reports whether one Resource or NotResource entry matches alike
// every resource part the prefix admits.
func (pv *prefixProof) entry(rp *resourcePattern) bool {
	if rp.any {
		return true
	}
	if rp.whole != nil {
		return false // matched against the whole ARN text
	}
	// The other four sections are the request's own in every request
	// the prefix answers: an entry one of them fails never matches.
	// Sections with a policy variable are not matched here (a variable
	// may read the clock, which Check's answer must not have read): the
	// resource section alone then decides what is proved.
	a := &pv.req.Resource
	heads := [4]string{a.Partition, a.Service, a.Region, a.AccountID}
	for i := range heads {
		if sp := &rp.secs[i]; sp.shape != shGeneral && !sp.match(heads[i], nil) {
			return true
		}
	}
	return pv.section(&rp.secs[4])
}

// section proves what entry says for the resource section's pattern.
func (pv *prefixProof) section(sp *pattern) bool {
	if sp.fold {
		return false
	}
	r := pv.r
	switch sp.shape {
	case shAny:
		return true
	case shExact:
		c := commonPrefixLen(r, sp.lit)
		if c == len(r) {
			return false // r is the text, or a prefix of it
		}
		pv.need(c + 1)
		return true
	case shPrefix:
		c := commonPrefixLen(r, sp.lit)
		switch {
		case c == len(sp.lit):
			pv.need(c) // both begin with the text
		case c < len(r):
			pv.need(c + 1) // both differ from it at c
		default:
			return false // r is a proper prefix of the text
		}
		return true
	}
	if n := len(sp.toks); sp.shape == shStars && sp.toks[n-1].kind == tStar {
		// A pattern of literals and stars that ends with a star
		// ("training-*/*") and matches r: every r' that begins with
		// r[:end] matches too, its literals at the same places (an
		// earlier place of one in r' would end before end, inside the
		// bytes r' shares with r, and so be an earlier place in r).
		if end, ok := starMatchEnd(sp.toks, r); ok {
			pv.need(end)
			return true
		}
	}
	if len(sp.toks) == 0 || sp.toks[0].kind != tLit {
		return false
	}
	lead := sp.toks[0].s
	c := commonPrefixLen(r, lead)
	if c == len(lead) || c == len(r) {
		return false // r may match, or r' may
	}
	pv.need(c + 1)
	return true
}

func (pv *prefixProof) need(n int) { pv.k = max(pv.k, n) }

func commonPrefixLen(a, b string) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

package region

import (
	"strings"
	"time"

	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/internal/awserr"
	"github.com/nimbus-sim/nimbus/internal/refs"
	"github.com/nimbus-sim/nimbus/internal/strs"
)

// This file is steps 2 and 3 of the pipeline: authenticate the
// credentials (they exist and are unexpired at the current virtual time)
// and authorize the action with the world's iam.Service (default deny,
// explicit deny wins). There is no other guard: every call, tests'
// included, is authorized by IAM with real principals and policies.

// Credentials are a caller's AWS credentials: iam.Credentials.
type Credentials = iam.Credentials

// Principal is the authenticated caller as the pipeline sees it.
type Principal struct {
	Account string // 12-digit account ID; "" for an anonymous caller
	ARN     string // arn:aws:iam::111122223333:user/alice
	// IAM is the IAM principal (iam.AnonymousPrincipal for an anonymous
	// caller).
	IAM *iam.Principal
	// Anonymous marks a request without credentials that the service
	// accepted (Request.AllowAnonymous).
	Anonymous bool
}

// Sentinels for authentication and authorization errors, with AWS's codes.
var (
	ErrInvalidClientTokenID  = awserr.Code("InvalidClientTokenId")
	ErrSignatureDoesNotMatch = awserr.Code("SignatureDoesNotMatch")
	ErrExpiredToken          = awserr.Code("ExpiredToken")
	ErrMissingAuthToken      = awserr.Code("MissingAuthenticationToken")
	ErrAccessDenied          = awserr.Code("AccessDenied")
)

// authenticate is step 2: a request without an access key is anonymous
// where the service accepts that, else MissingAuthenticationToken (HTTP
// 403); otherwise iam checks the key, secret, session token and expiry.
// The caller is written into *dst, which is zero, only on success, and
// field by field: a Principal is too big to be stored whole without the
// bulk write barrier, and returning one costs a copy on every call.
func (w *World) authenticate(req *Request, dst *Principal) error {
	if req.Credentials.AccessKeyID == "" {
		if req.AllowAnonymous {
			if w.anon == nil {
				w.anon = iam.AnonymousPrincipal() // most worlds never see one
			}
			dst.ARN, dst.IAM, dst.Anonymous = "anonymous", w.anon, true
			return nil
		}
		return awserr.New("MissingAuthenticationToken", 403, false,
			"Request is missing Authentication Token")
	}
	p, err := w.iam.Authenticate(req.Credentials)
	if err != nil {
		return err
	}
	dst.Account, dst.ARN, dst.IAM = p.AccountID, p.ARNString(), p
	return nil
}

// authorize is step 3: IAM evaluates the identity and resource policies
// for the request (action is its IAM action, r.action()), with the
// route's source keys in the context. A denial
// is iam's AccessDenied, through which errors.As reaches the
// *iam.DeniedError and its Decision. A Request.Resource that is not "*"
// must be an ARN.
func (w *World) authorize(p *iam.Principal, r *Request, action, region string, route *Route) error {
	// aws:RequestedRegion is the region serving the call: the partition's
	// global region for global services, so region-based SCPs (deny
	// outside eu-central-1, say) apply to every call through the pipeline.
	// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-requestedregion
	//
	// The iam.Request is the pipeline's own, kept from call to call
	// (pipeline.authReq): a call's fields are stored only where they
	// differ from the last call's, which in a run of calls (the objects
	// of a bucket) is the resource alone. Building a fresh one zeroed and
	// filled some 40 words a call, and copied the parsed ARN whole.
	// Check fills iam's own per-request fields (the Organizations keys,
	// the clock) afresh on every call; the Time a condition may have
	// made is cleared here, as a fresh Request would have it.
	pp := &w.pipe
	req := &pp.authReq
	refs.SetPtr(&req.Principal, p)
	refs.SetString(&req.Action, action)
	refs.SetString(&req.ResourceAccount, r.ResourceAccount)
	refs.SetPtr(&req.ResourcePolicy, r.ResourcePolicy)
	refs.SetString(&req.RequestedRegion, region)
	if !req.Time.IsZero() {
		req.Time = time.Time{}
	}
	req.RequireResourcePolicy = false
	ctx, frozen := r.Context, false
	if route != nil {
		if r.Context == nil {
			// Built once per set of keys and never written again.
			ctx, frozen = pp.sourceKeyContext(&route.Keys), true
		} else if !route.Keys.IsZero() {
			ctx = withSourceKeys(r.Context, route.Keys)
		}
	}
	if !refs.Same(&req.Context, &ctx) {
		req.Context = ctx
	}
	req.FrozenContext = frozen
	if res := r.resource(); res != "*" {
		// The very string of the last call (a run of calls on one
		// resource) needs nothing; any other goes to parseResource,
		// whose prefix comparison answers an equal copy as well: comparing
		// the whole ARNs first would read the bytes twice for a
		// neighbouring resource (the next S3 object's ARN differs only at
		// its end).
		if !strs.SameMemory(res, pp.lastRes) {
			if err := pp.parseResource(res); err != nil {
				return awserr.New("InvalidParameterValue", 400, false, "resource %q is not an ARN: %v", res, err)
			}
		}
		setARN(&req.Resource, &pp.lastARN)
	} else {
		setARN(&req.Resource, &iam.ARN{})
	}
	if err := w.iam.Check(req); err != nil {
		return err
	}
	if route != nil && route.EndpointPolicy != nil {
		return authorizeEndpoint(req, route)
	}
	return nil
}

// setARN sets *d to *a, storing only the sections that differ (refs.SetString).
func setARN(d, a *iam.ARN) {
	refs.SetString(&d.Partition, a.Partition)
	refs.SetString(&d.Service, a.Service)
	refs.SetString(&d.Region, a.Region)
	refs.SetString(&d.AccountID, a.AccountID)
	refs.SetString(&d.Resource, a.Resource)
}

// parseResource makes res, a resource ARN, the last one parsed
// (pp.lastRes, pp.lastARN). A caller's calls often name the same
// resource again (authorize tests that first, by pointer), or another one
// under the same partition, service, region and account (the objects of
// one S3 bucket), whose ARN differs from the last one only after the
// fifth colon. Such an ARN shares the last one's first five sections
// byte for byte, so ParseARN would split it at the same colons: only its
// resource changes, and parsing is skipped.
func (pp *pipeline) parseResource(res string) error {
	if last := pp.lastRes; last != "" {
		h := len(last) - len(pp.lastARN.Resource) // "arn:aws:s3:::"
		same := false
		if len(res) > h && h >= 8 && h <= 16 {
			// A head of 8 to 16 bytes (S3's) is compared a word from each
			// end, where == calls the runtime's memequal, whose call and
			// dispatch on the length cost more than the bytes.
			same = strs.Load64(res) == strs.Load64(last) && strs.Load64(res[h-8:]) == strs.Load64(last[h-8:])
		} else if len(res) > h {
			same = res[:h] == last[:h]
		}
		if same {
			pp.lastARN.Resource = res[h:]
			pp.lastRes = res
			return nil
		}
	}
	arn, err := iam.ParseARN(res)
	if err != nil {
		return err
	}
	pp.lastRes, pp.lastARN = res, arn
	return nil
}

// authorizeEndpoint evaluates a VPC endpoint policy for a request IAM has
// already allowed: the policy acts as a resource-based policy that must
// allow (the caller's identity policies do not stand in for it), so it is
// evaluated alone, as if the resource were in the caller's account.
func authorizeEndpoint(req *iam.Request, route *Route) error {
	r := *req
	r.ResourcePolicy = route.EndpointPolicy
	r.RequireResourcePolicy = true
	if r.Principal != nil {
		r.ResourceAccount = r.Principal.AccountID
	}
	d := iam.Evaluate(iam.EvaluateInput{Request: &r})
	if d.Allowed {
		return nil
	}
	// AWS names the policy kind: "... because no VPC endpoint policy
	// allows the s3:GetObject action", "... with an explicit deny in a
	// VPC endpoint policy".
	// https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html
	msg := strings.Replace(d.Message(), "resource-based policy", "VPC endpoint policy", 1)
	if route.Keys.SourceVpce != "" {
		msg += " (" + route.Keys.SourceVpce + ")"
	}
	e := awserr.New("AccessDenied", 403, false, "%s", msg)
	e.Err = &iam.DeniedError{Decision: d}
	return e
}

// keyCache caches the IAM context of a route's source keys, for requests
// without their own condition keys (the common case), so that a routed
// call allocates no map: the first few sets of keys a world sees (an
// instance's public address, a VPC endpoint) in keyCtxs, the next dozen
// in keyCtx, the others in keyMap, each made on first use. A world sees
// a handful (in spot-training 44% of the replications see five or more,
// 3% more than ten), and a short list grows by less than a map costs.
// The last one is kept apart, since a caller's calls come in runs from
// one place.
type keyCache struct {
	// vals holds the one-element value lists of the contexts built, a
	// block at a time (sourceKeyMap).
	vals       []string
	keyCtxs    [4]keyContext
	nKeyCtxs   int
	keyCtx     []keyContext // at most maxKeyCtxList
	keyMap     map[SourceKeys]map[string][]string
	lastKeys   SourceKeys
	lastKeyCtx map[string][]string
}

// maxKeyCtxList bounds keyCache.keyCtx, and so the keys a call that is
// not from the last place compares with before a map lookup.
const maxKeyCtxList = 12

// sourceKeyContext returns the IAM context of a route's source keys,
// built once per set of keys, or nil if k sets no key.
func (pp *pipeline) sourceKeyContext(k *SourceKeys) map[string][]string {
	// The last keys are never zero: comparing with them first answers the
	// common call at the cost of one comparison, not two (and inline).
	if kc := pp.keyCache; kc != nil && sameKeys(&kc.lastKeys, k) {
		return kc.lastKeyCtx
	}
	return pp.otherKeyContext(k)
}

// sameKeys is *a == *b, inline: the generated comparison is a call, and
// runs on every routed call.
func sameKeys(a, b *SourceKeys) bool {
	return a.SourceIP == b.SourceIP && a.VpcSourceIP == b.VpcSourceIP && a.SourceVpc == b.SourceVpc &&
		a.SourceVpce == b.SourceVpce
}

// otherKeyContext is sourceKeyContext for keys other than the last ones.
func (pp *pipeline) otherKeyContext(k *SourceKeys) map[string][]string {
	kc := pp.keyCache
	if k.IsZero() {
		return nil
	}
	if kc == nil {
		kc = new(keyCache)
		pp.keyCache = kc
	}
	m := kc.known(k)
	if m == nil {
		m = pp.sourceKeyMap(kc, k)
		switch {
		case kc.nKeyCtxs < len(kc.keyCtxs):
			kc.keyCtxs[kc.nKeyCtxs] = keyContext{keys: *k, ctx: m}
			kc.nKeyCtxs++
		case len(kc.keyCtx) < maxKeyCtxList:
			kc.keyCtx = append(kc.keyCtx, keyContext{keys: *k, ctx: m})
		default:
			if kc.keyMap == nil {
				kc.keyMap = map[SourceKeys]map[string][]string{}
			}
			kc.keyMap[*k] = m
		}
	}
	kc.lastKeys, kc.lastKeyCtx = *k, m
	return m
}

// keyContext is a set of source keys and its IAM context.
type keyContext struct {
	keys SourceKeys
	ctx  map[string][]string
}

// known returns the IAM context built for k, or nil.
func (kc *keyCache) known(k *SourceKeys) map[string][]string {
	for i := range kc.keyCtxs[:kc.nKeyCtxs] {
		if e := &kc.keyCtxs[i]; e.keys == *k {
			return e.ctx
		}
	}
	for i := range kc.keyCtx {
		if e := &kc.keyCtx[i]; e.keys == *k {
			return e.ctx
		}
	}
	return kc.keyMap[*k]
}

// sourceKeyMap is withSourceKeys(nil, *k) for the cache: a context made
// once per set of keys and never changed, so its value lists are cut from
// a block of kc.vals (capped, so that nothing appending to one reaches
// the next), where withSourceKeys makes a list per key.
func (pp *pipeline) sourceKeyMap(kc *keyCache, k *SourceKeys) map[string][]string {
	m := make(map[string][]string, 4)
	if k.SourceIP.IsValid() {
		m["aws:SourceIp"] = kc.value(k.SourceIP.String())
	}
	if k.SourceVpc != "" {
		m["aws:SourceVpc"] = kc.value(k.SourceVpc)
	}
	if k.SourceVpce != "" {
		m["aws:SourceVpce"] = kc.value(k.SourceVpce)
	}
	if k.VpcSourceIP.IsValid() {
		m["aws:VpcSourceIp"] = kc.value(k.VpcSourceIP.String())
	}
	return m
}

// value returns the one-element list of s, from the block.
func (kc *keyCache) value(s string) []string {
	if len(kc.vals) == cap(kc.vals) {
		kc.vals = make([]string, 0, 4)
	}
	kc.vals = append(kc.vals, s)
	n := len(kc.vals)
	return kc.vals[n-1 : n : n]
}

// withSourceKeys returns a copy of ctx with the route's global condition
// keys added.
func withSourceKeys(ctx map[string][]string, k SourceKeys) map[string][]string {
	m := make(map[string][]string, len(ctx)+4)
	for key, v := range ctx {
		m[key] = v
	}
	if k.SourceIP.IsValid() {
		m["aws:SourceIp"] = []string{k.SourceIP.String()}
	}
	if k.SourceVpc != "" {
		m["aws:SourceVpc"] = []string{k.SourceVpc}
	}
	if k.SourceVpce != "" {
		m["aws:SourceVpce"] = []string{k.SourceVpce}
	}
	if k.VpcSourceIP.IsValid() {
		m["aws:VpcSourceIp"] = []string{k.VpcSourceIP.String()}
	}
	return m
}

// checkNetwork validates a Location's network identity: the interface
// must be attached (AttachInterface) or known to the Router, and the VPC
// and subnet known to the Router. Without a Router nothing knows a VPC or
// subnet ID. l is taken by pointer: the call pipeline checks its caller's
// place on every call.
func (w *World) checkNetwork(l *Location) error {
	if l.net == nil {
		return nil
	}
	n := l.net
	if n.NetworkInterfaceID != "" && n.VpcID == "" && n.SubnetID == "" {
		if _, ok := w.flows.links[n.NetworkInterfaceID]; ok {
			return nil
		}
	}
	if w.router != nil {
		pp := &w.pipe
		if pp.changes == nil {
			return w.router.CheckNetwork(*n)
		}
		gen := pp.changes.NetworkChanges()
		if pp.checked == n && pp.checkedGen == gen {
			return nil
		}
		if err := w.router.CheckNetwork(*n); err != nil {
			return err
		}
		pp.checked, pp.checkedGen = n, gen
		return nil
	}
	switch {
	case n.SubnetID != "":
		return awserr.New("InvalidSubnetID.NotFound", 400, false,
			"The subnet ID '%s' does not exist (location %v; the world has no network layer)", n.SubnetID, *l)
	case n.VpcID != "":
		return awserr.New("InvalidVpcID.NotFound", 400, false,
			"The vpc ID '%s' does not exist (location %v; the world has no network layer)", n.VpcID, *l)
	case n.NetworkInterfaceID != "":
		return awserr.New("InvalidNetworkInterfaceID.NotFound", 400, false,
			"The networkInterface ID '%s' does not exist (location %v)", n.NetworkInterfaceID, *l)
	}
	return nil
}

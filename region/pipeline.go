package region

import (
	"context"
	"errors"
	"fmt"
	"github.com/nimbus-sim/nimbus/internal/chunks"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/internal/awserr"
	"github.com/nimbus-sim/nimbus/internal/mix"
	"github.com/nimbus-sim/nimbus/internal/strs"
	"github.com/nimbus-sim/nimbus/sim"
)

// Request describes one API call for the pipeline.
type Request struct {
	// Service is the endpoint prefix ("s3", "ec2", "iam", "sts") and
	// Operation the AWS operation name ("GetObject").
	Service   string
	Operation string
	// ServiceID names the service in errors as the SDK does
	// ("operation error S3: GetObject, ..."); default: Service upper-cased.
	ServiceID string
	// Region is the target region; "" for global services.
	Region      string
	Credentials Credentials
	// AllowAnonymous says the service accepts requests without
	// credentials (S3 does, for public objects): such a request reaches
	// authorization as the anonymous principal, and only a resource policy
	// can allow it. Otherwise a request without credentials fails with
	// MissingAuthenticationToken.
	AllowAnonymous bool
	// From is the caller's place; the zero Location means the Location
	// attached to the call's context (SetLocation, WithLocation), or else
	// an internet client near the target region.
	From Location
	// Action is the IAM action (default "service:Operation"); Resource the
	// ARN acted on (default "*"), with the resource's account and policy
	// (or nil) and extra condition keys (s3:prefix, ...). The route's
	// source keys (aws:SourceIp, aws:SourceVpc, ...) are added to Context.
	Action          string
	Resource        string
	ResourceAccount string
	ResourcePolicy  *iam.Policy
	Context         map[string][]string
	// Payer says whose account the call's metering goes to (Call.Payer):
	// the caller (default), the resource owner (S3 bills the bucket
	// owner), or the requester of a Requester Pays resource.
	Payer Payer
	// BillErrors says which failed requests are billed; by default only
	// successful ones are.
	BillErrors ErrorBilling
	// BillRequest, if set, runs at the end of the server instant of every
	// attempt whose outcome is billed (success, or a failure BillErrors
	// bills), with the attempt's error (nil on success), including
	// failures before the effect ran (an AccessDenied). Services record
	// their per-request charges there, to c.Payer().
	BillRequest func(c *Call, err error)
	// RequestBytes travel with the request; the effect sets the response
	// size with Call.SetResponseBytes.
	RequestBytes int64
	// Client overrides the world's retry and timeout configuration.
	Client *ClientConfig
	// AuthorizeInEffect skips the pipeline's authorization step: the
	// effect authorizes with Call.Authorize once it has looked the
	// resource up (S3 answers NoSuchBucket for a bucket that does not
	// exist, whoever asks). Authentication still runs first.
	AuthorizeInEffect bool

	// iamAuthorizes is set by region's own IAM and STS clients: their
	// effect calls iam.Service, which runs step 3 itself with the same
	// evaluation and the exact resource ARNs (an entity's path, a role's
	// trust policy), so the pipeline does not authorize twice.
	iamAuthorizes bool
}

// Payer is whose account pays for a call's metered usage.
type Payer uint8

const (
	// PayCaller: the authenticated caller's account (EC2, IAM, most
	// services).
	PayCaller Payer = iota
	// PayResourceOwner: the account owning the resource (S3 bills the
	// bucket owner for requests and data transfer out). Anonymous
	// requests are billed this way whatever the setting.
	PayResourceOwner
	// PayRequester: the requester of a Requester Pays bucket. An anonymous
	// request cannot pay: it is refused with AccessDenied.
	// https://docs.aws.amazon.com/AmazonS3/latest/userguide/RequesterPaysBuckets.html
	PayRequester
)

func (p Payer) String() string {
	switch p {
	case PayCaller:
		return "caller"
	case PayResourceOwner:
		return "resource-owner"
	case PayRequester:
		return "requester"
	}
	return "invalid-payer"
}

// ErrorBilling says which failed requests a service bills.
type ErrorBilling uint8

const (
	// BillSuccessOnly: only successful requests are metered.
	BillSuccessOnly ErrorBilling = iota
	// BillClientErrors is S3's rule: requests with 2xx and 4xx responses
	// are billed, 5xx (503 Slow Down, say) are not; and since May 2024 an
	// AccessDenied (403) is not billed when the request comes from outside
	// the resource owner's account and organization. Services exempt
	// further codes in their BillRequest.
	// https://docs.aws.amazon.com/AmazonS3/latest/userguide/ErrorCodeBilling.html
	BillClientErrors
)

func (r *Request) action() string {
	if r.Action != "" {
		return r.Action
	}
	return r.Service + ":" + r.Operation
}

func (r *Request) resource() string {
	if r.Resource != "" {
		return r.Resource
	}
	return "*"
}

func (r *Request) serviceID() string {
	if r.ServiceID != "" {
		return r.ServiceID
	}
	return strings.ToUpper(r.Service)
}

// Call is the server side of one attempt, handed to the effect. The effect
// runs at one virtual instant and must not wait; it changes the service's
// state and returns nil or a typed error.
//
// The Call, and the Request and Route it points to, belong to the
// pipeline: they are valid until World.Call returns, and then reused by
// later calls (so that a call allocates nothing). Copy what must outlive
// the call (a Route, a Request) instead of keeping the pointer.
type Call struct {
	w             *World
	serviceRegion string
	req           *Request
	action        string // the IAM action: Request.Action, or service:Operation
	principal     Principal
	// id is drawn at the server instant; requestID is its text, rendered
	// on first use, since most successful calls never read it.
	id        requestID
	requestID string
	attempt   int
	delay     time.Duration
	respBytes int64
	route     *Route // nil without a Router; else routeBuf
	routeBuf  *Route // where the Router's answer is kept
	routed    bool   // the Router wrote routeBuf
	meters    []func()
}

// callFrame is everything one call needs besides its stack: the request
// the effect sees (Call.Request), the first attempt's Call and Route. The
// pipeline keeps released frames for reuse (pipeline.free), so that a
// call allocates nothing in steady state; a retry gets a fresh Call, so
// no Call handed to an effect is ever reset during its call.
type callFrame struct {
	req   Request
	call  Call
	route Route
}

// World returns the world.
func (c *Call) World() *World { return c.w }

// Now returns the instant of the effect.
func (c *Call) Now() sim.Time { return c.w.env.Now() }

// Principal returns the authenticated caller (Anonymous for an
// unauthenticated request a service accepts).
func (c *Call) Principal() Principal { return c.principal }

// RequestID returns the request ID the response will carry.
func (c *Call) RequestID() string {
	if c.requestID == "" && c.id.drawn {
		c.requestID = c.id.String()
	}
	return c.requestID
}

// Attempt returns the attempt number, from 1.
func (c *Call) Attempt() int { return c.attempt }

// Region returns the region serving the call (the partition's global
// region for global services).
func (c *Call) Region() string { return c.serviceRegion }

// From returns the caller's location.
func (c *Call) From() Location { return c.req.From }

// Request returns the request being served.
func (c *Call) Request() *Request { return c.req }

// Route returns the route the Router gave the request, or nil when the
// world has no Router (a direct path).
func (c *Call) Route() *Route { return c.route }

// Payer returns the account the call's metering goes to, following
// Request.Payer: the caller's, or the resource owner's (also for an
// anonymous caller). "" when neither is known.
func (c *Call) Payer() string {
	if c.req.Payer == PayResourceOwner || c.principal.Anonymous {
		return c.req.ResourceAccount
	}
	return c.principal.Account
}

// Authorize evaluates IAM for another resource of the same call, with the
// caller's principal and the request's context (route keys included):
// EC2 authorizes each instance of a multi-instance request this way. r
// is a copy of Request() with Action, Resource, ResourceAccount or
// ResourcePolicy changed.
func (c *Call) Authorize(r *Request) error {
	action := r.Action
	if action == "" {
		if q := c.req; q.Action == "" && r.Service == q.Service && r.Operation == q.Operation {
			action = c.action // built once per operation
		} else {
			action = r.action()
		}
	}
	return c.w.authorize(c.principal.IAM, r, action, c.serviceRegion, c.route)
}

// Delay adds server-side processing time before the response leaves (S3's
// first-byte latency, say).
func (c *Call) Delay(d time.Duration) {
	if d < 0 {
		panic(fmt.Sprintf("region: Call.Delay(%v): negative", d))
	}
	c.delay += d
}

// SetResponseBytes sets the response body size, which travels back at the
// path's throughput, sharing the caller's interface bandwidth with its
// other flows.
func (c *Call) SetResponseBytes(n int64) {
	if n < 0 {
		panic(fmt.Sprintf("region: Call.SetResponseBytes(%d): negative", n))
	}
	c.respBytes = n
}

// Meter registers a metering step: f runs after the effect (step 7) when
// the outcome is billed: on success, and on a failure the request's
// BillErrors bills. By default failed requests are not billed.
func (c *Call) Meter(f func()) {
	if f == nil {
		panic("region: Call.Meter(nil)")
	}
	c.meters = append(c.meters, f)
}

// Client-side error sentinels.
var (
	// ErrRequestTimeout: the response did not arrive within ReadTimeout
	// (the request may have been applied).
	ErrRequestTimeout = awserr.Code("RequestTimeout")
	// ErrConnectTimeout matches a *ConnectTimeoutError: no connection
	// within ConnectTimeout (no route, partition, dark zone, total loss);
	// the request was not sent.
	ErrConnectTimeout = errors.New("region: connect timeout")
	// Server-side transient and throttling codes the pipeline injects.
	ErrInternalError      = awserr.Code("InternalError")
	ErrInternalFailure    = awserr.Code("InternalFailure")
	ErrServiceUnavailable = awserr.Code("ServiceUnavailable")
	ErrThrottling         = awserr.Code("Throttling")
	ErrSlowDown           = awserr.Code("SlowDown")
	ErrRequestLimit       = awserr.Code("RequestLimitExceeded")
)

// MaxAttemptsError wraps the last error when the retry budget ran out, as
// aws-sdk-go-v2's retry.MaxAttemptsError does; errors.Is/As see through it.
type MaxAttemptsError struct {
	Attempt int
	Err     error
}

func (e *MaxAttemptsError) Error() string {
	return fmt.Sprintf("exceeded maximum number of attempts, %d, %v", e.Attempt, e.Err)
}

func (e *MaxAttemptsError) Unwrap() error { return e.Err }

// QuotaExceededError wraps the last error when the retry token bucket was
// empty (aws-sdk-go-v2: "failed to get rate limit token, retry quota
// exceeded").
type QuotaExceededError struct {
	Tokens, Cost int
	Err          error
}

func (e *QuotaExceededError) Error() string {
	return fmt.Sprintf("failed to get rate limit token, retry quota exceeded, %d available, %d requested: %v", e.Tokens, e.Cost, e.Err)
}

func (e *QuotaExceededError) Unwrap() error { return e.Err }

type pipeline struct {
	w   *World
	cfg ClientConfig
	// streams are the streams of every (service, region) pair that made a
	// call, in the order of their first calls: a world calls a handful of
	// services, mostly in runs to one (pipeline.last), so a scan finds
	// the others as fast as a map, without making one per world.
	streams []*callStreams
	stats   PipelineStats
	// byOp counts calls whose endpoint did not resolve (the others are
	// counted in their service's callStreams), made on first use.
	byOp map[opKey]int
	// keyCache (auth.go) is made by the first call whose route carries
	// source keys: a world without a network layer never needs its 450
	// bytes, and kept out of the World they no longer put every World in
	// a larger size class.
	*keyCache
	// last is the endpoint the previous call resolved: calls come in runs
	// to one service, and this saves two map lookups with string keys.
	last endpoint
	// lastARN caches the parse of the last resource ARN authorized.
	lastRes string
	lastARN iam.ARN
	// authReq is the request authorize hands IAM, the last call's until
	// authorize sets the next one's fields (auth.go).
	authReq iam.Request
	// changes is the Router's change counter, if it has one; checked is
	// the network identity the Router last found valid, at its change
	// count checkedGen (checkNetwork). An identity is never mutated once
	// set, so the same pointer is the same identity.
	changes NetworkChangeCounter
	// callRouter is the Router, if it answers calls' routes by pointer.
	callRouter CallRouter
	checked    *NetworkIdentity
	checkedGen uint64
	// lastProc is the last process found to have a place (SetLocation),
	// and lastPlace that place, which SetLocation updates in place
	// (placeOf).
	lastProc  *sim.Proc
	lastPlace *Location
	// routing is set while the Router answers an attempt: a panic then
	// is the Router's, and endCall reports it.
	routing bool
	// free holds the frames of calls that returned, for reuse; it grows
	// to the most calls ever in progress at once.
	free []*callFrame
	// texts keeps the operations' IAM actions (opStat).
	texts chunks.Text
}

// endpoint is a resolved (service, region) pair of a request: the region
// serving it and the service's streams there.
type endpoint struct {
	service, region string
	sr              *Region
	ss              *callStreams
}

// opStat counts an operation's calls and keeps its default IAM action
// ("s3:GetObject"), built once. The action names the operation too: it
// is the service, a colon and the operation.
type opStat struct {
	calls  int
	action string
}

// opBlock holds the counters of a service's operations in the order of
// their first calls, a block at a time: a world's services see a handful
// of operations each, every world anew, and a scan of the first block
// costs less than making a map.
type opBlock struct {
	stats [8]opStat // in use up to the first with no action
	more  *opBlock
}

type opKey struct{ service, op string }

// callStreams are the random streams of one service in one region:
// "region/pipeline/<service>/<region>/latency" (network draws of its
// calls), ".../faults" and ".../backoff". Adding calls to one service
// never changes another service's draws.
type callStreams struct {
	// latency draws on every call; the others are taken on first use
	// (faultsRand, ...): most worlds inject no faults and retry nothing,
	// and a stream's draws depend on its name alone, not on when it is
	// taken.
	latency, faults, backoff, loss *rand.Rand
	env                            *sim.Env
	service, region                string
	// salt and seq number the service's request IDs, so that they too
	// are the same whatever other services do.
	salt, seq uint64
	// tokens is the retry quota per access key; ops counts calls per
	// operation (the first block is here: every service that calls has
	// one). Keeping them here saves a map lookup with a multi-string key
	// on every call. The first access key's quota is key0's, kept
	// here (most services see one caller per world); tokens holds the
	// others, made on first use.
	tokens    map[string]*int
	tokenSlab []int // where tokens' counters are, a block at a time
	key0      string
	tokens0   int
	has0      bool
	// The last operation and access key seen, since calls come in runs.
	lastOp, lastKey string
	lastOpStat      *opStat
	lastTokens      *int
	texts           *chunks.Text // the world's (pipeline.texts)
	ops             opBlock
}

// opStat returns the counters of an operation of the service.
func (s *callStreams) opStat(service, op string) *opStat {
	if s.lastOpStat != nil && strs.Same(s.lastOp, op) {
		return s.lastOpStat
	}
	n := len(service) + 1 // an action's operation follows "service:"
	for b := &s.ops; ; b = b.more {
		for i := range b.stats {
			st := &b.stats[i]
			if st.action == "" { // the first call of op
				st.action = s.texts.Concat3(256, service, ":", op)
			} else if st.action[n:] != op {
				continue
			}
			s.lastOp, s.lastOpStat = op, st
			return st
		}
		if b.more == nil {
			b.more = new(opBlock)
		}
	}
}

// eachOp calls f with the counters of every operation of the service.
func (s *callStreams) eachOp(f func(st *opStat)) {
	for b := &s.ops; b != nil; b = b.more {
		for i := range b.stats {
			if b.stats[i].action == "" {
				return
			}
			f(&b.stats[i])
		}
	}
}

// tokensOf returns the retry quota of an access key's calls, starting at
// full.
func (s *callStreams) tokensOf(accessKeyID string, full int) *int {
	if s.lastTokens != nil && strs.Same(s.lastKey, accessKeyID) {
		return s.lastTokens
	}
	t := s.tokenCount(accessKeyID)
	switch {
	case t != nil:
	case !s.has0:
		s.key0, s.tokens0, s.has0 = accessKeyID, full, true
		t = &s.tokens0
	default:
		// The counters are cut from a block: a service sees a few access
		// keys per world (an instance role's session each).
		if len(s.tokenSlab) == cap(s.tokenSlab) {
			s.tokenSlab = make([]int, 0, 4)
		}
		s.tokenSlab = append(s.tokenSlab, full)
		t = &s.tokenSlab[len(s.tokenSlab)-1]
		if s.tokens == nil {
			s.tokens = map[string]*int{}
		}
		s.tokens[accessKeyID] = t
	}
	s.lastKey, s.lastTokens = accessKeyID, t
	return t
}

// tokenCount returns the retry quota of an access key that has called,
// or nil.
func (s *callStreams) tokenCount(accessKeyID string) *int {
	if s.has0 && s.key0 == accessKeyID {
		return &s.tokens0
	}
	return s.tokens[accessKeyID]
}

// faultsRand, backoffRand and lossRand return the service's
// fault-injection, retry-backoff and packet-loss streams, made on first
// use: most calls never draw from them.
func (s *callStreams) faultsRand() *rand.Rand  { return s.stream(&s.faults, "faults") }
func (s *callStreams) backoffRand() *rand.Rand { return s.stream(&s.backoff, "backoff") }
func (s *callStreams) lossRand() *rand.Rand    { return s.stream(&s.loss, "loss") }

// stream returns *r, the service's stream of that name, made if need be.
func (s *callStreams) stream(r **rand.Rand, name string) *rand.Rand {
	if *r == nil {
		*r = s.env.Rand("region/pipeline/" + s.service + "/" + s.region + "/" + name)
	}
	return *r
}

// findStreams returns the streams of service in region, or nil before
// its first call.
func (p *pipeline) findStreams(service, region string) *callStreams {
	for _, s := range p.streams {
		if s.service == service && s.region == region {
			return s
		}
	}
	return nil
}

func (p *pipeline) streamsFor(service, region string) *callStreams {
	if s := p.findStreams(service, region); s != nil {
		return s
	}
	const suffix = "latency"
	name := "region/pipeline/" + service + "/" + region + "/" + suffix
	base := name[:len(name)-len(suffix)] // "region/pipeline/<service>/<region>/"
	env := p.w.env
	s := &callStreams{latency: env.Rand(name), env: env, service: service, region: region, salt: fnv64(base),
		texts: &p.texts}
	if p.streams == nil {
		p.streams = make([]*callStreams, 0, 4) // a world calls a handful of services
	}
	p.streams = append(p.streams, s)
	if !catalogService(service) {
		p.w.faults.know(service) // it has made a call: faults may name it
	}
	return s
}

// PipelineStats counts what the pipeline did.
type PipelineStats struct {
	Calls, Attempts, Retries, Succeeded, Failed int
	Throttled, Transient, TimedOut, Unreachable int
	// NoRoute counts attempts the Router found no route for.
	NoRoute int
	// ByOperation counts calls per "service:Operation" (endpoint prefix
	// and API operation: "s3:HeadObject"), not per IAM action (S3
	// authorizes HeadObject as s3:GetObject).
	ByOperation map[string]int
}

func (p *pipeline) init(w *World, cfg ClientConfig) {
	p.w, p.cfg = w, cfg
}

// PipelineStats returns the pipeline's counters.
func (w *World) PipelineStats() PipelineStats {
	s := w.pipe.stats
	s.ByOperation = make(map[string]int, len(w.pipe.byOp))
	for k, v := range w.pipe.byOp {
		s.ByOperation[k.service+":"+k.op] += v
	}
	for _, ss := range w.pipe.streams {
		ss.eachOp(func(st *opStat) { s.ByOperation[st.action] += st.calls }) // action is service:op
	}
	return s
}

// endpointOf resolves a request's service and region to the region serving
// it and the service's streams there (serviceRegion, then streamsFor).
func (w *World) endpointOf(service, region string) (*Region, *callStreams, error) {
	pp := &w.pipe
	if e := &pp.last; e.ss != nil && strs.Same(e.service, service) && strs.Same(e.region, region) {
		return e.sr, e.ss, nil
	}
	sr, err := w.serviceRegion(service, region)
	if err != nil {
		return nil, nil, err
	}
	ss := pp.streamsFor(service, sr.spec.Code)
	pp.last = endpoint{service: service, region: region, sr: sr, ss: ss}
	return sr, ss, nil
}

func (cfg *ClientConfig) validate() error {
	if cfg.MaxAttempts < 1 || cfg.BaseBackoff < 0 || cfg.MaxBackoff < 0 || cfg.RetryTokens < 0 ||
		cfg.RetryCost < 0 || cfg.RetryTimeoutCost < 0 || cfg.NoRetryIncrement < 0 ||
		cfg.ConnectTimeout < 0 || cfg.ReadTimeout < 0 {
		return awserr.New("InvalidParameterValue", 400, false, "invalid client configuration %+v", *cfg)
	}
	return nil
}

// Backoff returns the delay before retry number attempt (1 for the first
// retry) for a uniform draw u in [0, 1): full jitter over the capped
// exponential, u x min(MaxBackoff, BaseBackoff x 2^attempt). This is
// aws-sdk-go-v2's backoffDelay2026 with base 1 s; its legacy
// ExponentialJitterBackoff (u x 2^attempt s, but exactly MaxBackoff once
// attempt > log2(MaxBackoff/1s)) gives the same delays for the first four
// retries, so the two agree under the default three attempts.
func (cfg ClientConfig) Backoff(attempt int, u float64) time.Duration {
	ceil := cfg.MaxBackoff
	if attempt < 62 {
		if e := cfg.BaseBackoff << attempt; e>>attempt == cfg.BaseBackoff && e < ceil {
			ceil = e
		}
	}
	return time.Duration(u * float64(ceil))
}

// waiter is how a call (or a Transmit) sleeps, honouring its context: a
// sim.WithTimeout deadline ends the sleep at the deadline with
// context.DeadlineExceeded, and a cancelled or expired context fails at
// once. The context's deadline is looked up once per call rather than on
// every sleep (the lookup walks the context chain, and a context's
// deadline never changes).
type waiter struct {
	ctx context.Context
	p   *sim.Proc
	// plain says ctx is the process itself: no deadline, never cancelled.
	plain bool
	// at is the deadline, if bounded.
	bounded bool
	at      sim.Time
}

func newWaiter(ctx context.Context, p *sim.Proc) waiter {
	wt := waiter{ctx: ctx, p: p, plain: ctx == context.Context(p)}
	if !wt.plain {
		wt.at, wt.bounded = sim.DeadlineOf(ctx)
	}
	return wt
}

// sleep sleeps wt.p for d under wt.ctx.
func (wt *waiter) sleep(d time.Duration) error {
	p := wt.p
	if !wt.plain {
		if err := wt.ctx.Err(); err != nil {
			return err
		}
		if wt.bounded && p.Now().Add(d) > wt.at {
			if err := p.SleepUntil(wt.at); err != nil {
				return err
			}
			return context.DeadlineExceeded
		}
	}
	return p.Sleep(d)
}

// Call runs one API call through the pipeline from the calling process
// (ctx is the *sim.Proc or a context derived from it, as the SDK takes
// ctx): resolve the endpoint, then per attempt route (the Router, if
// any), connect and send (network latency; partitions and missing routes
// block until ConnectTimeout), authenticate and authorize, draw injected
// faults (throttling, transient 5xx, hung responses), run effect at one
// virtual instant, meter, and return after the response latency.
// Retryable errors are retried under the client's standard retry mode
// with backoff slept in virtual time. The error is nil, or wraps an
// *awserr.Error or a *ConnectTimeoutError in a *smithy.OperationError.
//
// If the process is interrupted while waiting, the call is abandoned and
// the *sim.Interrupted error returned; past a sim.WithTimeout deadline the
// call returns at the deadline with an error matching
// context.DeadlineExceeded. A nil context, or one without a process, is an
// error (sim.ErrNoProcess).
func (w *World) Call(ctx context.Context, req Request, effect func(c *Call) error) error {
	return w.call(ctx, &req, effect)
}

// CallRef is Call with the Request passed by pointer, for services that
// build a Request per call: a Request is some 300 bytes, and passing it by
// value copies it into Call's arguments on every call. CallRef reads *req
// before the call first waits, copying it into the call's own Request
// (the one Call.Request returns), and neither keeps nor changes it: the
// caller may reuse *req as soon as CallRef returns. In every other way it
// is Call.
func (w *World) CallRef(ctx context.Context, req *Request, effect func(c *Call) error) error {
	return w.call(ctx, req, effect)
}

// call is Call and CallRef. It only reads *src (and does not let it
// escape), so that Call's argument stays on its stack: the one copy of
// the Request a call makes is into its frame (Request.set).
func (w *World) call(ctx context.Context, src *Request, effect func(c *Call) error) (rerr error) {
	if effect == nil {
		panic("region: Call with a nil effect")
	}
	pp := &w.pipe
	p, ok := sim.ProcFrom(ctx)
	if !ok {
		return opError(src, sim.ErrNoProcess)
	}
	pp.stats.Calls++
	if err := ctx.Err(); err != nil {
		pp.stats.Failed++
		return opError(src, err)
	}
	// The world's configuration was validated by NewWorld; a request's own
	// is checked here.
	// The world's is read in place (NewWorld set it for good), a
	// request's copied.
	cfg := &pp.cfg
	if src.Client != nil {
		own := *src.Client
		if err := own.validate(); err != nil {
			return opError(src, err)
		}
		cfg = &own
	}
	sr, ss, err := w.endpointOf(src.Service, src.Region)
	if err != nil {
		if pp.byOp == nil {
			pp.byOp = map[opKey]int{}
		}
		pp.byOp[opKey{src.Service, src.Operation}]++
		pp.stats.Failed++
		return opError(src, err)
	}
	op := ss.opStat(src.Service, src.Operation)
	op.calls++
	// The caller's place is read where it is, and copied once, into the
	// frame.
	from := &src.From
	if !from.IsValid() {
		from = pp.placeOf(ctx, p) // nil: an internet client, set below
	}
	// From here on the call works on its frame's copy of the Request.
	f := pp.frame(w)
	defer w.endCall(f, &rerr)
	r := &f.req
	if from != nil {
		r.setFrom(src, from)
	} else {
		r.set(src)
		r.From = OnInternet(sr.spec.Code)
	}
	// A caller in the serving region needs no region lookup (the common
	// case), only its network identity checked.
	var locErr error
	if from := &r.From; from.region != sr.spec.Code {
		locErr = w.checkLoc(*from)
	} else if from.net != nil {
		locErr = w.checkNetwork(from)
	}
	if locErr != nil {
		pp.stats.Failed++
		return opError(r, locErr)
	}
	tokens := ss.tokensOf(r.Credentials.AccessKeyID, cfg.RetryTokens)
	wt := newWaiter(ctx, p)
	action := r.Action
	if action == "" {
		action = op.action
	}
	lastCost := 0
	for attempt := 1; ; attempt++ {
		pp.stats.Attempts++
		// The frame's Call is clean (new, or reset by release) and points
		// to the frame's Request and Route for good: only the fields
		// that change per call are stored.
		c := &f.call
		if attempt > 1 {
			c = &Call{w: w, req: r}
		}
		c.serviceRegion, c.action, c.attempt = sr.spec.Code, action, attempt
		err := w.attempt(&wt, c, sr, ss, cfg, effect)
		if err == nil {
			pp.stats.Succeeded++
			refund := cfg.NoRetryIncrement
			if attempt > 1 {
				refund = lastCost
			}
			*tokens = min(*tokens+refund, cfg.RetryTokens)
			return nil
		}
		var intr *sim.Interrupted
		if errors.As(err, &intr) {
			pp.stats.Failed++
			return err
		}
		if !retryable(err) {
			pp.stats.Failed++
			return opError(r, err)
		}
		if attempt >= cfg.MaxAttempts {
			pp.stats.Failed++
			return opError(r, &MaxAttemptsError{Attempt: attempt, Err: err})
		}
		cost := cfg.RetryCost
		if errors.Is(err, ErrRequestTimeout) || errors.Is(err, ErrConnectTimeout) {
			cost = cfg.RetryTimeoutCost
		}
		if *tokens < cost {
			pp.stats.Failed++
			return opError(r, &QuotaExceededError{Tokens: *tokens, Cost: cost, Err: err})
		}
		*tokens -= cost
		lastCost = cost
		pp.stats.Retries++
		if err := wt.sleep(cfg.Backoff(attempt, ss.backoffRand().Float64())); err != nil {
			pp.stats.Failed++
			if errors.As(err, &intr) {
				return err
			}
			return opError(r, err)
		}
	}
}

// placeOf is locationOf(ctx) for a call made with ctx from process p,
// remembering the last process's place: a process's calls come in runs,
// and finding the place among its values costs a scan comparing
// interfaces on every call. A process's place is one *Location for its
// life (SetLocation writes into it), so the pointer stays good; the
// context of a call made with a derived context may carry another, and
// is asked.
func (pp *pipeline) placeOf(ctx context.Context, p *sim.Proc) *Location {
	if ctx != context.Context(p) {
		return locationOf(ctx)
	}
	if p == pp.lastProc && pp.lastPlace.IsValid() {
		return pp.lastPlace
	}
	l := locationOf(p)
	if l != nil {
		pp.lastProc, pp.lastPlace = p, l
	}
	return l
}

// frame returns a released call frame, or a new one, whose Call points to
// its Request and Route.
func (pp *pipeline) frame(w *World) *callFrame {
	if n := len(pp.free); n > 0 {
		f := pp.free[n-1]
		pp.free = pp.free[:n-1]
		return f
	}
	f := new(callFrame)
	f.call.w, f.call.req, f.call.routeBuf = w, &f.req, &f.route
	return f
}

// release takes back the frame of a call that returned. Calls interleave
// (a process waits in one while others run), so a frame is reused only
// once its call is over. Clearing it drops what the call referenced and
// makes a pointer kept past the call read zero values, not another
// call's, until a later call reuses the frame: the Call's per-call
// fields, the Request and, if a Router answered, the Route. The Call's
// pointers to the World and to the frame's own Request and Route stay,
// as does the meters' array, for the next call.
//
// The frame is cleared field by field rather than with *f = callFrame{}:
// while the garbage collector marks, a whole-struct store runs the bulk
// write barrier over every pointer word of the frame (some 40), and
// frames are cleared once per call. TestReleaseClearsTheFrame checks,
// field by field, that nothing is left.
func (pp *pipeline) release(f *callFrame) {
	c := &f.call
	if len(c.meters) > 0 {
		clear(c.meters)
		c.meters = c.meters[:0]
	}
	if c.routed {
		f.route = Route{}
	}
	c.serviceRegion, c.action, c.requestID = "", "", ""
	c.principal.Account, c.principal.ARN, c.principal.IAM, c.principal.Anonymous = "", "", nil, false
	c.id = requestID{}
	c.attempt, c.delay, c.respBytes = 0, 0, 0
	c.route, c.routed = nil, false
	f.req.clear()
	pp.free = append(pp.free, f)
}

// set copies *src into r, which is zero (a released frame's), field by
// field: a whole-struct copy runs the bulk write barrier over all of
// Request's pointer words while the garbage collector marks, and the
// pipeline copies one Request per call. TestRequestSetAndClear checks
// that set copies every field and clear clears every one.
func (r *Request) set(src *Request) { r.setFrom(src, &src.From) }

// setFrom is set with the caller's place from instead of src.From.
func (r *Request) setFrom(src *Request, from *Location) {
	r.Service, r.Operation, r.ServiceID, r.Region = src.Service, src.Operation, src.ServiceID, src.Region
	k, d := &src.Credentials, &r.Credentials
	d.AccessKeyID, d.SecretAccessKey, d.SessionToken = k.AccessKeyID, k.SecretAccessKey, k.SessionToken
	d.Expiration, d.Source = k.Expiration, k.Source
	r.AllowAnonymous = src.AllowAnonymous
	l, e := from, &r.From
	e.region, e.az, e.host, e.internet, e.net = l.region, l.az, l.host, l.internet, l.net
	r.Action, r.Resource, r.ResourceAccount = src.Action, src.Resource, src.ResourceAccount
	r.ResourcePolicy, r.Context = src.ResourcePolicy, src.Context
	r.Payer, r.BillErrors, r.BillRequest = src.Payer, src.BillErrors, src.BillRequest
	r.RequestBytes, r.Client, r.AuthorizeInEffect = src.RequestBytes, src.Client, src.AuthorizeInEffect
	r.iamAuthorizes = src.iamAuthorizes
}

// clear zeroes r field by field, for the reason set gives.
func (r *Request) clear() {
	r.Service, r.Operation, r.ServiceID, r.Region = "", "", "", ""
	d := &r.Credentials
	d.AccessKeyID, d.SecretAccessKey, d.SessionToken = "", "", ""
	d.Expiration, d.Source = time.Time{}, ""
	r.AllowAnonymous = false
	e := &r.From
	e.region, e.az, e.host, e.internet, e.net = "", "", 0, false, nil
	r.Action, r.Resource, r.ResourceAccount = "", "", ""
	r.ResourcePolicy, r.Context = nil, nil
	r.Payer, r.BillErrors, r.BillRequest = 0, 0, nil
	r.RequestBytes, r.Client, r.AuthorizeInEffect = 0, nil, false
	r.iamAuthorizes = false
}

// opError wraps err as the SDK does: "operation error S3: GetObject, ...".
func opError(req *Request, err error) error {
	return awserr.Operation(req.serviceID(), req.Operation, err)
}

// retryable reports whether the standard retry mode retries err: a
// retryable AWS error, or a connection that timed out.
func retryable(err error) bool {
	var ct *ConnectTimeoutError
	return awserr.IsRetryable(err) || errors.As(err, &ct)
}

// RetryTokens returns the retry quota left for an access key's calls to a
// service in a region.
func (w *World) RetryTokens(accessKeyID, service, region string) (int, bool) {
	ss := w.pipe.findStreams(service, region)
	if ss == nil {
		return 0, false
	}
	t := ss.tokenCount(accessKeyID)
	if t == nil {
		return 0, false
	}
	return *t, true
}

// fnv64 is FNV-1a, naming a service's request-ID sequence.
func fnv64(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// requestID is a drawn request ID: the world's seed and the service's
// salted counter it is mixed from. The mixing (two SplitMix64 rounds) and
// the text wait until something reads the ID (String): most successful
// calls never do.
type requestID struct {
	seed, seq uint64
	drawn     bool
}

// nextRequestID draws the service's next request ID from the seed, the
// service's name and region, and the service's own counter, so IDs are
// reproducible, drawing them disturbs no random stream, and one service's
// calls never renumber another's.
func (w *World) nextRequestID(ss *callStreams) requestID {
	ss.seq++
	return requestID{seed: w.env.Seed(), seq: ss.seq ^ ss.salt, drawn: true}
}

// halves mixes the ID's two halves, in a UUID's version 4 layout.
func (id requestID) halves() (a, b uint64) {
	a = mix.SplitMix64(id.seed ^ mix.SplitMix64(id.seq))
	b = mix.SplitMix64(a ^ id.seq)
	a = a&^(0xf<<12) | 0x4<<12 // version 4
	b = b&^(0xc<<60) | 0x8<<60 // RFC 4122 variant
	return a, b
}

// newRequestID draws the next request ID as text.
func (w *World) newRequestID(ss *callStreams) string { return w.nextRequestID(ss).String() }

// String renders the ID as 8-4-4-4-12 lowercase hex digits.
func (id requestID) String() string {
	const hex = "0123456789abcdef"
	var buf [36]byte
	pos := 0
	a, b := id.halves()
	for i, x := range [2]uint64{a, b} {
		for j := 60; j >= 0; j -= 4 {
			if n := i*16 + (60-j)/4; n == 8 || n == 12 || n == 16 || n == 20 {
				buf[pos] = '-'
				pos++
			}
			buf[pos] = hex[x>>uint(j)&0xf]
			pos++
		}
	}
	return string(buf[:])
}

func withID(err error, id string) error {
	var ae *awserr.Error
	if errors.As(err, &ae) && ae.RequestID == "" {
		return ae.WithRequestID(id)
	}
	return err
}

// routeInto asks the Router for the request's route and keeps it in *dst
// (which is zero). The Route goes straight into the call's buffer: it is
// some 120 bytes, and each copy of it shows on a routed call. A Router
// that panics is reported by endCall.
func (w *World) routeInto(dst *Route, req *Request, sr *Region) (ok bool) {
	pp := &w.pipe
	pp.routing = true
	if cr := pp.callRouter; cr != nil {
		ok = cr.RouteCall(dst, &req.From, req.Service, sr.spec.Code)
	} else {
		*dst, ok = w.router.Route(req.From, Destination{Service: req.Service, Region: sr.spec.Code, Port: 443})
	}
	pp.routing = false
	return ok
}

// endCall ends a call, deferred: it releases the call's frame and turns
// a panic of the Router while it routed one of the call's attempts into
// the call's error, naming the operation and a request ID (an
// InternalFailure, which is not retried). The panic is recovered here,
// once per call, rather than around every Route: a deferred recover per
// attempt would cost every routed call. Other panics (an effect's) go on.
func (w *World) endCall(f *callFrame, errp *error) {
	pp := &w.pipe
	if pp.routing {
		pp.routing = false
		if v := recover(); v != nil {
			req := &f.req
			_, ss, _ := w.endpointOf(req.Service, req.Region) // resolved when the call began
			id := w.newRequestID(ss)
			err := awserr.New("InternalFailure", 500, false,
				"%s %s: the network layer's Router panicked while routing request %s from %v: %v",
				req.serviceID(), req.Operation, id, req.From, v).WithRequestID(id)
			pp.stats.Failed++
			*errp = opError(req, err)
		}
	}
	pp.release(f)
}

// attempt runs one attempt of the call c and returns its error
// (unwrapped).
func (w *World) attempt(wt *waiter, c *Call, sr *Region, ss *callStreams, cfg *ClientConfig,
	effect func(*Call) error) error {
	pp := &w.pipe
	env := w.env
	req := c.req
	to := InRegion(sr.spec.Code)
	if w.router != nil {
		if c.routeBuf == nil {
			c.routeBuf = new(Route) // a retry's Call
		}
		c.routed = true
		if !w.routeInto(c.routeBuf, req, sr) {
			pp.stats.NoRoute++
			return w.connectTimeout(wt, sr, cfg, "no route from "+req.From.String())
		}
		c.route = c.routeBuf
	}
	// The hops' latency is added both ways; the Route, and so its hops,
	// stay as they are for the whole call.
	var extra time.Duration
	if c.route != nil {
		extra = c.route.ExtraLatency()
	}
	// Connect and send. An unreachable endpoint costs the connect timeout.
	// Both ways of the attempt draw over one path, worked out here.
	path := w.net.path(&req.From, &to)
	send, err := w.callLatency(ss, &path, false, &req.From, &to, extra)
	if err != nil {
		pp.stats.Unreachable++
		return w.connectTimeout(wt, sr, cfg, err.Error())
	}
	// A call without a body (most) moves none: the Locations are not
	// copied to flow for it. A body that shares no interface's bandwidth
	// is slept with the latency, as the response's is (below).
	body := req.RequestBytes
	if sleepsWithLatency(wt, &req.From, &to, body) {
		send, body = send+w.plainFlowTime(&req.From, &to, body), 0
	}
	if err := wt.sleep(send); err != nil {
		return err
	}
	if body != 0 {
		if err := w.flow(wt, &req.From, &to, body); err != nil {
			return err
		}
	}
	// The read timeout runs from the last byte of the request to the first
	// byte of the response (and between bytes, which flow at the path's
	// rate here), not over the whole body.
	deadline := sim.Time(-1)
	if cfg.ReadTimeout > 0 {
		deadline = env.Now().Add(cfg.ReadTimeout)
	}
	// The server instant: everything from here to the response is atomic.
	c.id = w.nextRequestID(ss)
	if env.Tracing() {
		env.Emit(c.RequestID(), "request", sim.F("service", req.Service), sim.F("op", req.Operation),
			sim.F("region", sr.spec.Code), sim.F("attempt", c.attempt))
	}
	hung := false
	res := w.serve(c, ss, &hung, effect)
	if env.Tracing() {
		env.Emit(c.RequestID(), "response", sim.F("err", fmt.Sprint(res)), sim.F("hung", hung))
	}
	if hung {
		if deadline < 0 {
			// No read timeout: the client would wait forever; end the
			// wait after a day so the simulation can go on.
			deadline = env.Now().Add(24 * time.Hour)
		}
		return w.readTimeout(wt, req, cfg, deadline)
	}
	back, err := w.callLatency(ss, &path, true, &to, &req.From, extra)
	if err != nil {
		// The path broke while the request was served: the response is lost.
		if deadline < 0 {
			deadline = env.Now().Add(24 * time.Hour)
		}
		return w.readTimeout(wt, req, cfg, deadline)
	}
	first := c.delay + back
	if deadline >= 0 && env.Now().Add(first) > deadline {
		return w.readTimeout(wt, req, cfg, deadline)
	}
	body = c.respBytes
	if sleepsWithLatency(wt, &to, &req.From, body) {
		first, body = first+w.plainFlowTime(&to, &req.From, body), 0
	}
	if err := wt.sleep(first); err != nil {
		return err
	}
	if body != 0 {
		if err := w.flow(wt, &to, &req.From, body); err != nil {
			return err
		}
	}
	if res != nil {
		return withID(res, c.RequestID())
	}
	return nil
}

// readTimeout waits until the read deadline and returns the SDK's
// RequestTimeout: the response did not come in time.
func (w *World) readTimeout(wt *waiter, req *Request, cfg *ClientConfig, deadline sim.Time) error {
	env := w.env
	w.pipe.stats.TimedOut++
	if deadline >= env.Now() {
		if err := wt.sleep(deadline.Sub(env.Now())); err != nil {
			return err
		}
	}
	return awserr.New("RequestTimeout", 408, true,
		"%s %s: no response within the read timeout of %v", req.serviceID(), req.Operation, cfg.ReadTimeout)
}

// sleepsWithLatency reports whether a body of bytes from one place to
// another is slept with the latency before it, for plainFlowTime: when it
// shares no interface's bandwidth (flow's plain case) it takes a fixed
// time, so the process sleeps to its last byte at once rather than
// waking at its first, and nothing can happen to it in between (a plain
// waiter has no deadline and no cancellation; an interrupt ends either
// sleep the same way). TestPlainBodySleepsWithLatency checks it against
// flow's path.
func sleepsWithLatency(wt *waiter, from, to *Location, bytes int64) bool {
	return bytes != 0 && wt.plain && from.net == nil && to.net == nil
}

// serve is the server instant of an attempt: authenticate, authorize,
// injected faults, the effect, metering.
func (w *World) serve(c *Call, ss *callStreams, hung *bool, effect func(*Call) error) error {
	err := w.serveSteps(c, ss, hung, effect)
	if err == nil || w.billed(c, err) {
		if req := c.req; req.BillRequest != nil {
			req.BillRequest(c, err)
		}
		for _, m := range c.meters {
			m()
		}
	}
	return err
}

// serveSteps is serve up to the metering: authentication, authorization,
// injected faults and the effect.
func (w *World) serveSteps(c *Call, ss *callStreams, hung *bool, effect func(*Call) error) error {
	pp := &w.pipe
	req := c.req
	code := c.serviceRegion
	if err := w.authenticate(req, &c.principal); err != nil {
		return err
	}
	princ := &c.principal
	if req.Payer == PayRequester && princ.Anonymous {
		return awserr.New("AccessDenied", 403, false,
			"Anonymous users cannot be charged: %s is a Requester Pays resource", req.resource())
	}
	if !req.iamAuthorizes && !req.AuthorizeInEffect {
		if err := w.authorize(princ.IAM, req, c.action, code, c.route); err != nil {
			return err
		}
	}
	if len(w.faults.impaired) > 0 && w.faults.impaired[code] {
		return unavailable(req.Service)
	}
	if r := rateOf(w.faults.throttle, req.Service, code); r > 0 && ss.faultsRand().Float64() < r {
		pp.stats.Throttled++
		return throttled(req.Service)
	}
	if r := rateOf(w.faults.errRate, req.Service, code); r > 0 && ss.faultsRand().Float64() < r {
		pp.stats.Transient++
		return transient(req.Service, ss.faultsRand())
	}
	if r := rateOf(w.faults.timeout, req.Service, code); r > 0 && ss.faultsRand().Float64() < r {
		*hung = true
	}
	return effect(c)
}

// billed reports whether an attempt's outcome is billed under the
// request's ErrorBilling.
func (w *World) billed(c *Call, err error) bool {
	if err == nil {
		return true
	}
	if c.req.BillErrors != BillClientErrors {
		return false
	}
	var ae *awserr.Error
	if !errors.As(err, &ae) || ae.StatusCode >= 500 || ae.StatusCode < 300 {
		return false
	}
	if ae.StatusCode == 403 && ae.Code == "AccessDenied" {
		return w.insideOwner(c.principal, c.req.ResourceAccount)
	}
	return true
}

// insideOwner reports whether a caller is in the resource owner's account
// or AWS organization.
func (w *World) insideOwner(p Principal, owner string) bool {
	if p.Anonymous || p.Account == "" || owner == "" {
		return false
	}
	if p.Account == owner {
		return true
	}
	a, b := w.iam.OrganizationOf(p.Account), w.iam.OrganizationOf(owner)
	return a != "" && a == b
}

// callLatency draws a one-way latency for a call's packet from the
// service's stream over the attempt's path: the path class's draw plus
// extra, the route's hops, plus retransmission timeouts under loss. back
// says the packet is the response, from the endpoint to the caller.
func (w *World) callLatency(ss *callStreams, path *netPath, back bool, from, to *Location, extra time.Duration) (time.Duration, error) {
	// Without an injected fault (the common case, twice per attempt) the
	// path is reachable and loses nothing: the checks are skipped, and
	// the Locations not copied to them.
	f := &w.faults
	if len(f.downAZ) > 0 || len(f.rules) > 0 {
		if err := f.reachable(w, *from, *to); err != nil {
			return 0, err
		}
	}
	median := path.median
	if back {
		median = path.backMedian
	}
	d := w.net.draw(ss.latency, path, median, from, to)
	d += extra
	if len(f.rules) == 0 {
		return d, nil // no rule, no loss (lossProb is 0)
	}
	if p := f.lossProb(*from, *to); p > 0 {
		rto := w.net.m.MinRTO
		for tries := 0; ss.lossRand().Float64() < p; tries++ {
			if tries == 15 {
				return 0, awserr.New("NetworkUnreachable", 504, true,
					"connection from %v to %v lost: packet loss %.2f", *from, *to, p)
			}
			d += rto
			rto *= 2
		}
	}
	return d, nil
}

// connectTimeout waits out the connect timeout and returns the SDK's
// dial error.
func (w *World) connectTimeout(wt *waiter, sr *Region, cfg *ClientConfig, why string) error {
	if err := wt.sleep(cfg.ConnectTimeout); err != nil {
		return err
	}
	return &ConnectTimeoutError{Endpoint: sr.spec.Code, After: cfg.ConnectTimeout, Reason: why}
}

// ConnectTimeoutError is what the SDK's HTTP client reports when it cannot
// connect within its dial timeout: a network error, not an AWS error code
// (no route, a partition, a dark zone). The request was not sent. It
// matches ErrConnectTimeout with errors.Is and is retryable, as the SDK
// retries connection errors.
type ConnectTimeoutError struct {
	Endpoint string // the region whose endpoint was dialled
	After    time.Duration
	Reason   string
}

func (e *ConnectTimeoutError) Error() string {
	return fmt.Sprintf("dial tcp %s:443: i/o timeout after %v (%s)", e.Endpoint, e.After, e.Reason)
}

// Timeout reports true, as net.Error's does.
func (e *ConnectTimeoutError) Timeout() bool { return true }

// Is matches ErrConnectTimeout.
func (e *ConnectTimeoutError) Is(target error) bool { return target == ErrConnectTimeout }

func unavailable(service string) error {
	switch service {
	case "ec2":
		return awserr.New("Unavailable", 503, true, "The server is overloaded and can't handle the request.")
	case "s3":
		return awserr.New("ServiceUnavailable", 503, true, "Service is unable to handle request.")
	}
	return awserr.New("ServiceUnavailable", 503, true, "The request has failed due to a temporary failure of the server.")
}

func throttled(service string) error {
	switch service {
	case "s3":
		return awserr.New("SlowDown", 503, true, "Please reduce your request rate.")
	case "ec2":
		return awserr.New("RequestLimitExceeded", 503, true, "Request limit exceeded.")
	}
	return awserr.New("Throttling", 400, true, "Rate exceeded")
}

func transient(service string, r *rand.Rand) error {
	if r.IntN(2) == 0 {
		return unavailable(service)
	}
	switch service {
	case "s3":
		return awserr.New("InternalError", 500, true, "We encountered an internal error. Please try again.")
	case "ec2":
		return awserr.New("InternalError", 500, true, "An internal error has occurred.")
	}
	return awserr.New("InternalFailure", 500, true,
		"The request processing has failed because of an unknown error, exception or failure.")
}

package region

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/internal/awserr"
	"github.com/nimbus-sim/nimbus/internal/mix"
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
	// From is the caller's place; the zero Location means an internet
	// client near the target region.
	From Location
	// Action is the IAM action (default "service:Operation"); Resource the
	// ARN acted on (default "*"), with the resource's account and policy
	// (or nil) and extra condition keys (aws:SourceIp, s3:prefix, ...).
	Action          string
	Resource        string
	ResourceAccount string
	ResourcePolicy  *iam.Policy
	Context         map[string][]string
	// RequestBytes travel with the request; the effect sets the response
	// size with Call.SetResponseBytes.
	RequestBytes int64
	// Client overrides the world's retry and timeout configuration.
	Client *ClientConfig
}

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
type Call struct {
	w             *World
	serviceRegion string
	req           *Request
	principal     Principal
	requestID     string
	attempt       int
	delay         time.Duration
	respBytes     int64
	meters        []func()
}

// World returns the world.
func (c *Call) World() *World { return c.w }

// Now returns the instant of the effect.
func (c *Call) Now() sim.Time { return c.w.env.Now() }

// Principal returns the authenticated caller.
func (c *Call) Principal() Principal { return c.principal }

// RequestID returns the request ID the response will carry.
func (c *Call) RequestID() string { return c.requestID }

// Attempt returns the attempt number, from 1.
func (c *Call) Attempt() int { return c.attempt }

// Region returns the region serving the call (the partition's global
// region for global services).
func (c *Call) Region() string { return c.serviceRegion }

// From returns the caller's location.
func (c *Call) From() Location { return c.req.From }

// Request returns the request being served.
func (c *Call) Request() *Request { return c.req }

// Delay adds server-side processing time before the response leaves (S3's
// first-byte latency, say).
func (c *Call) Delay(d time.Duration) {
	if d < 0 {
		panic(fmt.Sprintf("region: Call.Delay(%v): negative", d))
	}
	c.delay += d
}

// SetResponseBytes sets the response body size, which travels back at the
// path's throughput.
func (c *Call) SetResponseBytes(n int64) {
	if n < 0 {
		panic(fmt.Sprintf("region: Call.SetResponseBytes(%d): negative", n))
	}
	c.respBytes = n
}

// Meter registers a metering step: f runs after the effect succeeds (step
// 7), and not at all when the effect fails — failed requests (5xx) are not
// billed [Amazon S3 error responses]. Services record their billing.Usage in f.
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
	// ErrConnectTimeout: no connection within ConnectTimeout (partition,
	// dark zone, total loss); the request was not sent.
	ErrConnectTimeout = awserr.Code("ConnectTimeout")
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

type bucketKey struct{ key, service, region string }

type pipeline struct {
	w       *World
	cfg     ClientConfig
	guard   Guard
	buckets map[bucketKey]*int
	faultR  *rand.Rand
	backoff *rand.Rand
	seq     uint64
	stats   PipelineStats
}

// PipelineStats counts what the pipeline did.
type PipelineStats struct {
	Calls, Attempts, Retries, Succeeded, Failed int
	Throttled, Transient, TimedOut, Unreachable int
}

func (p *pipeline) init(w *World, cfg ClientConfig, g Guard) {
	p.w, p.cfg, p.guard = w, cfg, g
	p.buckets = map[bucketKey]*int{}
	p.faultR = w.env.Rand("region/pipeline/faults")
	p.backoff = w.env.Rand("region/pipeline/backoff")
}

// SetGuard replaces the pipeline's authenticator and authorizer.
func (w *World) SetGuard(g Guard) {
	if g == nil {
		panic("region: SetGuard(nil)")
	}
	w.pipe.guard = g
}

// Guard returns the pipeline's guard.
func (w *World) Guard() Guard { return w.pipe.guard }

// PipelineStats returns the pipeline's counters.
func (w *World) PipelineStats() PipelineStats { return w.pipe.stats }

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

// Call runs one API call through the pipeline from process p (the caller's
// context): resolve the endpoint, then per attempt connect and send
// (network latency; partitions block until ConnectTimeout), authenticate
// and authorize, draw injected faults (throttling, transient 5xx, hung
// responses), run effect at one virtual instant, meter, and return after
// the response latency. Retryable errors are retried under the client's
// standard retry mode with backoff slept in virtual time. The error is nil
// or wraps an *awserr.Error in a *smithy.OperationError.
//
// If p is interrupted while waiting, the call is abandoned and the
// *sim.Interrupted error returned (like a cancelled context).
func (w *World) Call(p *sim.Proc, req Request, effect func(c *Call) error) error {
	if p == nil || effect == nil {
		panic("region: Call with nil process or effect")
	}
	pp := &w.pipe
	pp.stats.Calls++
	wrap := func(err error) error { return awserr.Operation(req.serviceID(), req.Operation, err) }
	cfg := pp.cfg
	if req.Client != nil {
		cfg = *req.Client
	}
	if err := cfg.validate(); err != nil {
		return wrap(err)
	}
	sr, err := w.serviceRegion(req.Service, req.Region)
	if err != nil {
		pp.stats.Failed++
		return wrap(err)
	}
	if req.From == (Location{}) {
		req.From = OnInternet(sr.spec.Code)
	} else if err := w.checkLoc(req.From); err != nil {
		return wrap(err)
	}
	bk := bucketKey{req.Credentials.AccessKeyID, req.Service, sr.spec.Code}
	tokens := pp.buckets[bk]
	if tokens == nil {
		t := cfg.RetryTokens
		tokens = &t
		pp.buckets[bk] = tokens
	}
	lastCost := 0
	for attempt := 1; ; attempt++ {
		pp.stats.Attempts++
		err := w.attempt(p, &req, sr, &cfg, attempt, effect)
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
		if !awserr.IsRetryable(err) {
			pp.stats.Failed++
			return wrap(err)
		}
		if attempt >= cfg.MaxAttempts {
			pp.stats.Failed++
			return wrap(&MaxAttemptsError{Attempt: attempt, Err: err})
		}
		cost := cfg.RetryCost
		if errors.Is(err, ErrRequestTimeout) || errors.Is(err, ErrConnectTimeout) {
			cost = cfg.RetryTimeoutCost
		}
		if *tokens < cost {
			pp.stats.Failed++
			return wrap(&QuotaExceededError{Tokens: *tokens, Cost: cost, Err: err})
		}
		*tokens -= cost
		lastCost = cost
		pp.stats.Retries++
		if err := p.Sleep(cfg.Backoff(attempt, pp.backoff.Float64())); err != nil {
			pp.stats.Failed++
			return err
		}
	}
}

// RetryTokens returns the retry quota left for an access key's calls to a
// service in a region.
func (w *World) RetryTokens(accessKeyID, service, region string) (int, bool) {
	t := w.pipe.buckets[bucketKey{accessKeyID, service, region}]
	if t == nil {
		return 0, false
	}
	return *t, true
}

// newRequestID returns a UUID-shaped request ID (version 4 layout) derived
// from the seed and a counter, so IDs are reproducible and drawing them
// disturbs no random stream.
func (w *World) newRequestID() string {
	const hex = "0123456789abcdef"
	w.pipe.seq++
	a := mix.SplitMix64(w.env.Seed() ^ mix.SplitMix64(w.pipe.seq))
	b := mix.SplitMix64(a ^ w.pipe.seq)
	a = a&^(0xf<<12) | 0x4<<12 // version 4
	b = b&^(0xc<<60) | 0x8<<60 // RFC 4122 variant
	var buf [36]byte
	pos := 0
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

// attempt runs one attempt and returns its error (unwrapped).
func (w *World) attempt(p *sim.Proc, req *Request, sr *Region, cfg *ClientConfig, attempt int, effect func(*Call) error) error {
	pp := &w.pipe
	env := w.env
	start := env.Now()
	to := InRegion(sr.spec.Code)
	// Connect and send. An unreachable endpoint costs the connect timeout.
	send, err := w.transfer(req.From, to, req.RequestBytes)
	if err != nil {
		pp.stats.Unreachable++
		wait := cfg.ConnectTimeout
		if err := p.Sleep(wait); err != nil {
			return err
		}
		return awserr.New("ConnectTimeout", 408, true,
			"dial %s: connection timed out after %v (%v)", sr.spec.Code, wait, err)
	}
	deadline := sim.Time(-1)
	if cfg.ReadTimeout > 0 {
		deadline = start.Add(cfg.ReadTimeout)
	}
	timeout := func() error {
		pp.stats.TimedOut++
		if deadline >= env.Now() {
			if err := p.SleepUntil(deadline); err != nil {
				return err
			}
		}
		return awserr.New("RequestTimeout", 408, true,
			"%s %s: no response within the read timeout of %v", req.serviceID(), req.Operation, cfg.ReadTimeout)
	}
	if deadline >= 0 && start.Add(send) > deadline {
		return timeout()
	}
	if err := p.Sleep(send); err != nil {
		return err
	}
	// The server instant: everything from here to the response is atomic.
	id := w.newRequestID()
	if env.Tracing() {
		env.Emit(id, "request", sim.F("service", req.Service), sim.F("op", req.Operation),
			sim.F("region", sr.spec.Code), sim.F("attempt", attempt))
	}
	c := &Call{w: w, serviceRegion: sr.spec.Code, req: req, requestID: id, attempt: attempt}
	hung := false
	res := func() error {
		princ, err := pp.guard.Authenticate(env.NowTime(), req.Credentials)
		if err != nil {
			return err
		}
		c.principal = princ
		if err := pp.guard.Authorize(princ, req); err != nil {
			return err
		}
		if w.faults.impaired[sr.spec.Code] {
			return unavailable(req.Service)
		}
		if r := rateOf(w.faults.throttle, req.Service, sr.spec.Code); r > 0 && pp.faultR.Float64() < r {
			pp.stats.Throttled++
			return throttled(req.Service)
		}
		if r := rateOf(w.faults.errRate, req.Service, sr.spec.Code); r > 0 && pp.faultR.Float64() < r {
			pp.stats.Transient++
			return transient(req.Service, pp.faultR)
		}
		if r := rateOf(w.faults.timeout, req.Service, sr.spec.Code); r > 0 && pp.faultR.Float64() < r {
			hung = true
		}
		if err := effect(c); err != nil {
			return err
		}
		for _, m := range c.meters {
			m()
		}
		return nil
	}()
	if env.Tracing() {
		env.Emit(id, "response", sim.F("err", fmt.Sprint(res)), sim.F("hung", hung))
	}
	if hung {
		if deadline < 0 {
			// No read timeout: the client would wait forever; end the
			// wait after a day so the simulation can go on.
			deadline = env.Now().Add(24 * time.Hour)
		}
		return timeout()
	}
	back, err := w.transfer(to, req.From, c.respBytes)
	if err != nil {
		// The path broke while the request was served: the response is lost.
		if deadline < 0 {
			deadline = env.Now().Add(24 * time.Hour)
		}
		return timeout()
	}
	total := c.delay + back
	if deadline >= 0 && env.Now().Add(total) > deadline {
		return timeout()
	}
	if err := p.Sleep(total); err != nil {
		return err
	}
	if res != nil {
		return withID(res, id)
	}
	return nil
}

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

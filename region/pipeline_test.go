package region

import (
	"context"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/require"

	"github.com/nimbus-sim/nimbus/billing"
	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/internal/awserr"
	"github.com/nimbus-sim/nimbus/sim"
)

func pipelineWorld(t testing.TB, seed uint64) *World {
	w := newWorld(t, seed, Options{HostsPerAZ: map[string]int{}})
	withAlice(t, w)
	return w
}

// run runs f in a process to completion and returns how much virtual time
// it took.
func run(w *World, f func(p *sim.Proc)) time.Duration {
	env := w.Env()
	start := env.Now()
	var end sim.Time
	env.Go("caller", func(p *sim.Proc) { f(p); end = env.Now() })
	env.Run()
	return end.Sub(start)
}

func getReq(w *World, from Location) Request {
	return Request{Service: "s3", Operation: "GetObject", Region: "us-east-1", Credentials: alice(w), From: from,
		Resource: "arn:aws:s3:::bucket/key"}
}

func TestRetriedTransientErrorSucceedsWithinBudget(t *testing.T) {
	w := pipelineWorld(t, 1)
	from, _ := w.InAZ("use1-az1")
	calls, metered := 0, 0
	var err error
	elapsed := run(w, func(p *sim.Proc) {
		err = w.Call(p, getReq(w, from), func(c *Call) error {
			calls++
			c.Meter(func() { metered++ })
			if c.Attempt() < 3 {
				return awserr.New("InternalError", 500, true, "We encountered an internal error. Please try again.")
			}
			return nil
		})
	})
	if err != nil || calls != 3 || metered != 1 {
		t.Fatalf("err %v after %d attempts, metered %d; want success on the third, metered once", err, calls, metered)
	}
	// Two backoffs, each under min(20 s, 1 s x 2^i): below 2 s + 4 s, plus
	// three sub-millisecond round trips.
	if elapsed > 6*time.Second+10*time.Millisecond || elapsed <= 0 {
		t.Errorf("elapsed %v", elapsed)
	}
	st := statsOf(w)
	if st.Attempts != 3 || st.Retries != 2 || st.Succeeded != 1 {
		t.Errorf("stats %+v", st)
	}
	// Two retries cost 5 tokens each; the success refunds the last retry's.
	if tok, _ := w.RetryTokens(alice(w).AccessKeyID, "s3", "us-east-1"); tok != 495 {
		t.Errorf("retry tokens %d, want 495", tok)
	}
}

func TestRetryBudgetExhausted(t *testing.T) {
	w := pipelineWorld(t, 1)
	calls := 0
	var err error
	run(w, func(p *sim.Proc) {
		err = w.Call(p, getReq(w, Location{}), func(c *Call) error {
			calls++
			return awserr.New("InternalError", 500, true, "boom")
		})
	})
	var mae *MaxAttemptsError
	if calls != 3 || !errors.As(err, &mae) || mae.Attempt != 3 || !errors.Is(err, ErrInternalError) {
		t.Fatalf("calls %d, err %v", calls, err)
	}
	var oe *smithy.OperationError
	if !errors.As(err, &oe) || oe.ServiceID != "S3" || oe.OperationName != "GetObject" {
		t.Fatalf("not an OperationError: %v", err)
	}
}

func TestNonRetryableErrorIsNotRetried(t *testing.T) {
	w := pipelineWorld(t, 1)
	calls := 0
	var err error
	run(w, func(p *sim.Proc) {
		err = w.Call(p, getReq(w, Location{}), func(c *Call) error {
			calls++
			return awserr.New("NoSuchKey", 404, false, "The specified key does not exist.")
		})
	})
	if calls != 1 || !errors.Is(err, awserr.Code("NoSuchKey")) {
		t.Fatalf("calls %d, err %v", calls, err)
	}
	var api smithy.APIError
	var ae *awserr.Error
	if !errors.As(err, &api) || api.ErrorCode() != "NoSuchKey" || !errors.As(err, &ae) || ae.RequestID == "" {
		t.Fatalf("error lacks code or request ID: %v", err)
	}
	if !strings.HasPrefix(err.Error(), "operation error S3: GetObject, api error NoSuchKey: The specified key does not exist.") {
		t.Errorf("message %q", err.Error())
	}
	if statsOf(w).Retries != 0 {
		t.Error("retried")
	}
}

// TestTimeoutFiresInVirtualTime: every response hangs; with one attempt
// the call fails with RequestTimeout ReadTimeout after the request was sent,
// and the effect was applied (a timeout does not tell the outcome).
func TestTimeoutFiresInVirtualTime(t *testing.T) {
	w := pipelineWorld(t, 1)
	if err := w.Faults().SetTimeoutRate("s3", "us-east-1", 1); err != nil {
		t.Fatal(err)
	}
	cfg := DefaultClientConfig()
	cfg.MaxAttempts = 1
	cfg.ReadTimeout = 5 * time.Second
	req := getReq(w, Location{})
	req.Client = &cfg
	applied := 0
	var err error
	elapsed := run(w, func(p *sim.Proc) {
		err = w.Call(p, req, func(c *Call) error { applied++; return nil })
	})
	// The read timeout runs from the request's last byte (an internet
	// client's send, some milliseconds, comes first) to the response's first.
	if !errors.Is(err, ErrRequestTimeout) || elapsed < 5*time.Second || elapsed > 5*time.Second+100*time.Millisecond || applied != 1 {
		t.Fatalf("err %v after %v, applied %d; want RequestTimeout 5s after the request was sent, applied once", err, elapsed, applied)
	}
	// A partition: the connection never opens; ConnectTimeout after 2 s,
	// and the effect never runs.
	w.Faults().SetTimeoutRate("s3", "us-east-1", 0)
	w.Faults().Partition("internet", "us-east-1")
	cfg.ConnectTimeout = 2 * time.Second
	applied = 0
	elapsed = run(w, func(p *sim.Proc) {
		err = w.Call(p, req, func(c *Call) error { applied++; return nil })
	})
	if !errors.Is(err, ErrConnectTimeout) || elapsed != 2*time.Second || applied != 0 {
		t.Fatalf("partitioned: err %v after %v, applied %d", err, elapsed, applied)
	}
}

func TestNoCredentialsFailsBeforeAnyEffect(t *testing.T) {
	cases := []struct {
		name  string
		creds func(w *World) Credentials
		op    string
		code  string
		at    time.Duration
	}{
		{"no credentials", func(*World) Credentials { return Credentials{} }, "GetObject", "MissingAuthenticationToken", 0},
		{"unknown key", func(*World) Credentials { return Credentials{AccessKeyID: "AKIANOBODY", SecretAccessKey: "x"} },
			"GetObject", "InvalidClientTokenId", 0},
		{"wrong secret", func(w *World) Credentials {
			c := alice(w)
			c.SecretAccessKey = "guess"
			return c
		}, "GetObject", "SignatureDoesNotMatch", 0},
		{"expired session", expiringSession, "GetObject", "ExpiredToken", 2 * time.Hour},
		{"explicit deny", alice, "DeleteObject", "AccessDenied", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := pipelineWorld(t, 1)
			creds := c.creds(w)
			w.Env().RunFor(c.at)
			effects, meters := 0, 0
			var err error
			run(w, func(p *sim.Proc) {
				req := getReq(w, Location{})
				req.Credentials, req.Operation = creds, c.op
				err = w.Call(p, req, func(call *Call) error {
					effects++
					call.Meter(func() { meters++ })
					return nil
				})
			})
			if effects != 0 || meters != 0 || !errors.Is(err, awserr.Code(c.code)) {
				t.Fatalf("err %v, effects %d, meters %d; want %s before any effect", err, effects, meters, c.code)
			}
			var ae *awserr.Error
			if errors.As(err, &ae); ae.StatusCode != 403 || ae.Retryable {
				t.Errorf("status %d retryable %v", ae.StatusCode, ae.Retryable)
			}
		})
	}
}

// TestIAMGuardDefaultDenyThenAllow: with the world's IAM, an account's
// root may call; a fresh user with no policy is denied with AWS's
// message, before any effect; after PutUserPolicy grants s3:GetObject on
// the bucket, the call goes through and the effect sees the user.
func TestIAMGuardDefaultDenyThenAllow(t *testing.T) {
	w := newWorld(t, 1, emptyFleet())
	root, err := w.CreateAccount("111122223333")
	if err != nil {
		t.Fatal(err)
	}
	var bob Credentials
	if err := w.Setup(func(ctx context.Context) error {
		c := w.IAMClient(root)
		if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: "bob"}); err != nil {
			return err
		}
		out, err := c.CreateAccessKey(ctx, &CreateAccessKeyInput{UserName: "bob"})
		bob = out.AccessKey.Credentials()
		return err
	}); err != nil {
		t.Fatal(err)
	}
	call := func(c Credentials) (string, error) {
		who := ""
		var err error
		run(w, func(p *sim.Proc) {
			req := getReq(w, Location{})
			req.Credentials = c
			req.ResourceAccount = "111122223333"
			err = w.Call(p, req, func(call *Call) error { who = call.Principal().ARN; return nil })
		})
		return who, err
	}
	if who, err := call(root); err != nil || who != "arn:aws:iam::111122223333:root" {
		t.Fatalf("root: %q, %v", who, err)
	}
	who, err := call(bob)
	want := "User: arn:aws:iam::111122223333:user/bob is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::bucket/key because no identity-based policy allows the s3:GetObject action"
	if who != "" || !errors.Is(err, ErrAccessDenied) || !strings.Contains(err.Error(), want) {
		t.Fatalf("bob without policy: effect by %q, err %v", who, err)
	}
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*"}]}`
	if err := w.Setup(func(ctx context.Context) error {
		_, err := w.IAMClient(root).PutUserPolicy(ctx, &PutUserPolicyInput{UserName: "bob", PolicyName: "read", PolicyDocument: doc})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if who, err := call(bob); err != nil || who != "arn:aws:iam::111122223333:user/bob" {
		t.Fatalf("bob with policy: %q, %v", who, err)
	}
}

// TestInjectedErrorRateMatchesRetryClosedForm: with transient errors at
// rate q on every attempt and 3 attempts, a call fails with probability
// q^3. Seed 21, 4,000 calls at q = 0.5: 1/8 expected, tolerance 0.025
// (about 2.4 standard errors).
func TestInjectedErrorRateMatchesRetryClosedForm(t *testing.T) {
	w := pipelineWorld(t, 21)
	cfg := DefaultClientConfig()
	cfg.RetryTokens = 1 << 30
	w.Faults().SetErrorRate("s3", "*", 0.5)
	failed, n := 0, 4000
	run(w, func(p *sim.Proc) {
		for range n {
			req := getReq(w, Location{})
			req.Client = &cfg
			if err := w.Call(p, req, func(*Call) error { return nil }); err != nil {
				if !errors.Is(err, ErrInternalError) && !errors.Is(err, ErrServiceUnavailable) {
					t.Fatalf("unexpected %v", err)
				}
				failed++
			}
		}
	})
	if f := float64(failed) / float64(n); math.Abs(f-0.125) > 0.025 {
		t.Errorf("failure fraction %.4f, want 0.125", f)
	}
	// Throttling for EC2 reads as RequestLimitExceeded.
	w.Faults().SetThrottleRate("ec2", "us-east-1", 1)
	var err error
	run(w, func(p *sim.Proc) {
		err = w.Call(p, Request{Service: "ec2", Operation: "RunInstances", Region: "us-east-1", Credentials: alice(w)},
			func(*Call) error { return nil })
	})
	if !errors.Is(err, ErrRequestLimit) {
		t.Errorf("throttled EC2: %v", err)
	}
}

func TestRegionImpairmentAndUnknownRegion(t *testing.T) {
	w := pipelineWorld(t, 1)
	w.Faults().ImpairRegion("us-east-1")
	var err error
	run(w, func(p *sim.Proc) { err = w.Call(p, getReq(w, Location{}), func(*Call) error { return nil }) })
	if !errors.Is(err, ErrServiceUnavailable) {
		t.Fatalf("impaired region: %v", err)
	}
	w.Faults().RestoreRegion("us-east-1")
	run(w, func(p *sim.Proc) { err = w.Call(p, getReq(w, Location{}), func(*Call) error { return nil }) })
	if err != nil {
		t.Fatalf("restored region: %v", err)
	}
	effects := 0
	run(w, func(p *sim.Proc) {
		req := getReq(w, Location{})
		req.Region = "us-mars-1"
		err = w.Call(p, req, func(*Call) error { effects++; return nil })
	})
	if !errors.Is(err, ErrUnknownEndpoint) || effects != 0 {
		t.Fatalf("unknown region: %v", err)
	}
}

// TestCallLatencyFollowsThePath: an EC2 call from a zone of the region
// costs about a same-AZ round trip; from Europe, the transatlantic one;
// an IAM call from anywhere travels to us-east-1.
func TestCallLatencyFollowsThePath(t *testing.T) {
	w := pipelineWorld(t, 4)
	local, _ := w.InAZ("use1-az2")
	europe, _ := w.InAZ("euw1-az1")
	measure := func(req Request) time.Duration {
		return run(w, func(p *sim.Proc) {
			if err := w.Call(p, req, func(*Call) error { return nil }); err != nil {
				t.Fatal(err)
			}
		})
	}
	ec2 := Request{Service: "ec2", Operation: "DescribeInstances", Region: "us-east-1", Credentials: alice(w), From: local}
	if d := measure(ec2); d > 5*time.Millisecond {
		t.Errorf("in-region call took %v", d)
	}
	ec2.From = europe
	if d := measure(ec2); d < 60*time.Millisecond || d > 80*time.Millisecond {
		t.Errorf("call from eu-west-1 took %v, want about 69.5 ms", d)
	}
	iamReq := Request{Service: "iam", Operation: "ListUsers", Credentials: alice(w), From: europe}
	if d := measure(iamReq); d < 60*time.Millisecond {
		t.Errorf("IAM call from Europe took %v; IAM is served from us-east-1", d)
	}
	// Server-side delay and response size add up.
	get := getReq(w, local)
	if d := run(w, func(p *sim.Proc) {
		w.Call(p, get, func(c *Call) error { c.Delay(100 * time.Millisecond); c.SetResponseBytes(625_000_000); return nil })
	}); d < 1100*time.Millisecond || d > 1110*time.Millisecond {
		t.Errorf("100 ms service time + 625 MB at 5 Gbit/s took %v", d)
	}
}

func TestInterruptAbandonsCall(t *testing.T) {
	w := pipelineWorld(t, 1)
	w.Faults().SetTimeoutRate("s3", "us-east-1", 1)
	env := w.Env()
	start := env.Now()
	var err error
	caller := env.Go("caller", func(p *sim.Proc) {
		err = w.Call(p, getReq(w, Location{}), func(*Call) error { return nil })
	})
	env.After(time.Second, func() { caller.Interrupt("spot reclaim") })
	env.Run()
	var intr *sim.Interrupted
	if !errors.As(err, &intr) || env.Now() != start.Add(time.Second) {
		t.Fatalf("err %v at %v", err, env.Now())
	}
}

func TestBackoffIsCappedFullJitter(t *testing.T) {
	cfg := DefaultClientConfig()
	cases := []struct {
		attempt int
		u       float64
		want    time.Duration
	}{
		{1, 0.999999, 2 * time.Second}, {1, 0.5, time.Second}, {2, 0.5, 2 * time.Second},
		{4, 0.999999, 16 * time.Second}, {5, 0.5, 10 * time.Second}, {40, 0.5, 10 * time.Second}, {3, 0, 0},
	}
	for _, c := range cases {
		got := cfg.Backoff(c.attempt, c.u)
		if got < c.want-time.Millisecond || got > c.want {
			t.Errorf("Backoff(%d, %v) = %v, want %v", c.attempt, c.u, got, c.want)
		}
	}
}

// TestMeteringOnlyOnSuccess: a GET that succeeds is metered to the ledger
// as one Requests-Tier2 record; a GET that fails (5xx, not billed [Amazon S3 error responses])
// or is refused is not.
func TestMeteringOnlyOnSuccess(t *testing.T) {
	w := pipelineWorld(t, 1)
	get := func(fail bool) error {
		var err error
		run(w, func(p *sim.Proc) {
			cfg := DefaultClientConfig()
			cfg.MaxAttempts = 1
			req := getReq(w, Location{})
			req.Client = &cfg
			err = w.Call(p, req, func(c *Call) error {
				c.Record(billing.Usage{Service: "AmazonS3", UsageType: "Requests-Tier2", ResourceID: "bucket", Quantity: 1})
				if fail {
					return awserr.New("InternalError", 500, true, "boom")
				}
				return nil
			})
		})
		return err
	}
	if err := get(false); err != nil {
		t.Fatal(err)
	}
	if err := get(true); err == nil {
		t.Fatal("failing GET succeeded")
	}
	inv := w.Billing().Invoice("111122223333", billing.MonthOf(w.Env().NowTime()))
	var records uint64
	for _, li := range inv.Lines {
		if strings.Contains(li.UsageType, "Requests-Tier2") {
			records += li.Records
			if li.Region != "us-east-1" || li.Operation != "GetObject" {
				t.Errorf("line %+v lacks the request's region or operation", li)
			}
		}
	}
	if records != 1 {
		t.Fatalf("metered %d GETs, want 1 (lines %+v)", records, inv.Lines)
	}
	if ep := BillingEndpoint(OnInternet("us-east-1")); !ep.Internet {
		t.Error("internet endpoint")
	}
}

func TestRequestIDsAreUUIDShapedAndDistinct(t *testing.T) {
	w := pipelineWorld(t, 1)
	seen := map[string]bool{}
	for range 1000 {
		id := w.newRequestID(w.pipe.streamsFor("s3", "us-east-1"))
		if len(id) != 36 || id[8] != '-' || id[13] != '-' || id[18] != '-' || id[23] != '-' || id[14] != '4' ||
			!strings.ContainsRune("89ab", rune(id[19])) || strings.Trim(id, "0123456789abcdef-") != "" {
			t.Fatalf("request ID %q is not a v4 UUID", id)
		}
		if seen[id] {
			t.Fatalf("duplicate request ID %q", id)
		}
		seen[id] = true
	}
}

// TestByOperationCountsOperations: PipelineStats.ByOperation counts by
// "service:Operation", not by the IAM action a request is authorized
// under (S3's HeadObject is authorized as s3:GetObject).
func TestByOperationCountsOperations(t *testing.T) {
	w := pipelineWorld(t, 1)
	root, err := w.CreateAccount("444455556666")
	require.NoError(t, err)
	run(w, func(p *sim.Proc) {
		err = w.Call(p, Request{Service: "s3", Operation: "HeadObject", Action: "s3:GetObject", Region: "us-east-1",
			Credentials: root, Resource: "arn:aws:s3:::b/k", ResourceAccount: "444455556666"}, func(*Call) error { return nil })
	})
	require.NoError(t, err)
	st := statsOf(w)
	require.Equal(t, 1, st.ByOperation["s3:HeadObject"])
	require.Zero(t, st.ByOperation["s3:GetObject"])
}

// TestRetryTokensPerAccessKey: each access key has its own retry quota on
// a service, the first key's kept apart from the others'; keys that never
// called have none.
func TestRetryTokensPerAccessKey(t *testing.T) {
	w := pipelineWorld(t, 1)
	root, err := w.CreateAccount("444455556666")
	require.NoError(t, err)
	keys := []Credentials{alice(w), newUser(t, w, root, "bob", alicePolicy), newUser(t, w, root, "carol", alicePolicy)}
	from, _ := w.InAZ("use1-az1")
	// Each retry costs 5 tokens, a success after retries refunds the last
	// one's: alice's call fails all three attempts (490 left), bob's
	// succeeds on the third (495), carol's on the first (500).
	failures := []int{3, 2, 0}
	for i, k := range keys {
		run(w, func(p *sim.Proc) {
			req := getReq(w, from)
			req.Credentials = k
			err := w.Call(p, req, func(c *Call) error {
				if c.Attempt() <= failures[i] {
					return awserr.New("InternalError", 500, true, "We encountered an internal error. Please try again.")
				}
				return nil
			})
			require.Equal(t, failures[i] == 3, err != nil, "key %d: %v", i, err)
		})
	}
	for i, want := range []int{490, 495, 500} {
		tok, ok := w.RetryTokens(keys[i].AccessKeyID, "s3", "us-east-1")
		require.True(t, ok, "key %d", i)
		require.Equal(t, want, tok, "key %d", i)
	}
	_, ok := w.RetryTokens("AKIANEVERCALLED00000", "s3", "us-east-1")
	require.False(t, ok)
}

// TestCallRefIsCall checks that CallRef serves a request as Call does (the
// same latency, request ID and default location) and leaves the caller's
// Request as it was.
func TestCallRefIsCall(t *testing.T) {
	type seen struct {
		from       Location
		id         string
		elapsed    time.Duration
		sameTarget bool
	}
	serve := func(ref bool) seen {
		w := pipelineWorld(t, 7)
		req := getReq(w, Location{}) // the zero From: the default applies
		orig := req
		var s seen
		s.elapsed = run(w, func(p *sim.Proc) {
			effect := func(c *Call) error {
				s.from, s.id = c.From(), c.RequestID()
				s.sameTarget = c.Request() == &req
				return nil
			}
			var err error
			if ref {
				err = w.CallRef(p, &req, effect)
			} else {
				err = w.Call(p, req, effect)
			}
			if err != nil {
				t.Fatal(err)
			}
		})
		if !reflect.DeepEqual(req, orig) {
			t.Errorf("ref=%v: the caller's Request changed: %+v", ref, req)
		}
		return s
	}
	byValue, byRef := serve(false), serve(true)
	if byRef.sameTarget {
		t.Error("CallRef handed the effect the caller's Request, not the call's own")
	}
	if byValue != byRef {
		t.Errorf("Call saw %+v, CallRef %+v", byValue, byRef)
	}
	if !byRef.from.IsValid() {
		t.Error("the default location was not applied")
	}
}

package elb_test

import (
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/ec2/elb"
	"github.com/nimbus-sim/nimbus/ec2/serve"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

// load sends rate req/s for d from the internet and returns the recorder.
func (f *fix) load(ep serve.Endpoint, path string, rate float64, d time.Duration) (*serve.Recorder, sim.Time) {
	rec := &serve.Recorder{}
	start := f.env.Now()
	g := &serve.Poisson{Rate: rate, Start: start, Stop: start + sim.Time(d), From: region.OnInternet(testRegion),
		Path: path, To: ep, Rec: rec, Bytes: 500}
	require.NoError(f.t, g.Run(f.env))
	f.env.RunUntil(start + sim.Time(d) + sim.Time(2*time.Minute))
	return rec, start
}

func TestRoundRobinAcrossZones(t *testing.T) {
	f := newFix(t, 10)
	st := f.newStack(2, handler(20*time.Millisecond), serveOpts())
	served := map[string]int{}
	rec, start := f.load(st.ep, "/", 100, 100*time.Second)
	s := rec.Summary(start, f.env.Now())
	require.InDelta(t, 10000, s.Count, 400) // Poisson, 4 sd at seed 10
	require.Equal(t, s.Count, s.ByStatus[200], "%v", s.ByStatus)
	for _, m := range st.machines {
		v, _ := f.srv.Server(m.ID(), 80)
		n, _, _ := v.Stats()
		served[m.ID()] = int(n)
	}
	// Round robin with cross-zone: each of 4 targets gets a quarter
	// (health checks add a handful each).
	for id, n := range served {
		require.InDelta(t, s.Count/4, n, 20, id)
	}
	// Latency: 20 ms of service plus internet and in-region hops.
	require.Greater(t, s.P50, 20*time.Millisecond)
	require.Less(t, s.P99, 200*time.Millisecond)
}

func TestErrorSemantics(t *testing.T) {
	f := newFix(t, 11)
	st := f.newStack(1, handler(time.Millisecond), serveOpts())
	var empty, slow string
	f.do(func(p *sim.Proc) {
		tg, err := f.c.CreateTargetGroup(p, &elb.CreateTargetGroupInput{Name: "empty", Protocol: "HTTP", Port: i32(80), VpcId: f.subnets[0].VpcId})
		require.NoError(t, err)
		empty = tg.TargetGroups[0].TargetGroupArn
		_, err = f.c.CreateRule(p, &elb.CreateRuleInput{ListenerArn: st.listenerArn, Priority: i32(10),
			Conditions: []elb.RuleCondition{{Field: "path-pattern", Values: []string{"/empty/*"}}},
			Actions:    []elb.Action{{Type: "forward", TargetGroupArn: empty}}})
		require.NoError(t, err)
		_, err = f.c.CreateRule(p, &elb.CreateRuleInput{ListenerArn: st.listenerArn, Priority: i32(20),
			Conditions: []elb.RuleCondition{{Field: "path-pattern", Values: []string{"/teapot"}}},
			Actions:    []elb.Action{{Type: "fixed-response", FixedResponseConfig: &elb.FixedResponseActionConfig{StatusCode: "418"}}}})
		require.NoError(t, err)
		slow = "/slow"
	})
	// 503: the rule's target group has no registered targets.
	rec, start := f.load(st.ep, "/empty/x", 10, 10*time.Second)
	s := rec.Summary(start, f.env.Now())
	require.Positive(t, s.Count)
	require.Equal(t, s.Count, s.ByStatus[503])
	rec, start = f.load(st.ep, "/teapot", 10, 10*time.Second)
	require.Equal(t, rec.Summary(start, f.env.Now()).Count, rec.Summary(start, f.env.Now()).ByStatus[418])
	_ = slow

	// 504: the handler takes longer than the 60 s idle timeout.
	f2 := newFix(t, 12)
	st2 := f2.newStack(1, func(p *sim.Proc, r *serve.Request) serve.Response {
		if r.Path == "/health" {
			return serve.Response{Status: 200}
		}
		_ = p.Sleep(90 * time.Second)
		return serve.Response{Status: 200}
	}, serveOpts())
	rec, start = f2.load(st2.ep, "/", 0.2, 20*time.Second)
	s = rec.Summary(start, f2.env.Now())
	require.Positive(t, s.Count)
	require.Equal(t, s.Count, s.ByStatus[504], "%v", s.ByStatus)
	for _, x := range rec.Samples() {
		require.InDelta(t, float64(60*time.Second), float64(x.Latency), float64(time.Second))
	}
}

func TestFailOpenAndDroppedConnections(t *testing.T) {
	f := newFix(t, 13)
	st := f.newStack(1, handler(time.Millisecond), serveOpts())
	// Kill every server: health checks fail (connection refused), the
	// targets go unhealthy, and the ALB fails open: it still routes to
	// them, and the refused connections become 502s.
	for _, m := range st.machines {
		v, _ := f.srv.Server(m.ID(), 80)
		v.Close()
	}
	f.env.RunFor(2 * time.Minute)
	f.do(func(p *sim.Proc) {
		hs, err := f.c.DescribeTargetHealth(p, &elb.DescribeTargetHealthInput{TargetGroupArn: st.tgArn})
		require.NoError(t, err)
		for _, d := range hs.TargetHealthDescriptions {
			require.Equal(t, "unhealthy", d.TargetHealth.State)
			require.Equal(t, "Target.FailedHealthChecks", d.TargetHealth.Reason)
		}
	})
	rec, start := f.load(st.ep, "/", 20, 10*time.Second)
	s := rec.Summary(start, f.env.Now())
	require.Positive(t, s.Count)
	require.Equal(t, s.Count, s.ByStatus[502], "%v", s.ByStatus)
	require.Equal(t, s.Count, int(f.lb.RequestCount(st.tgArn))-0, "fail-open forwards every request")
}

func TestHealthThresholds(t *testing.T) {
	f := newFix(t, 14)
	st := f.newStack(1, handler(time.Millisecond), serveOpts())
	m := st.machines[0]
	v, _ := f.srv.Server(m.ID(), 80)
	t0 := f.env.Now()
	v.Close()
	// Unhealthy after 2 consecutive failed checks: at most 2 intervals
	// (+ a round trip) after the failure.
	var wentBad sim.Time
	for f.env.Now() < t0+sim.Time(5*time.Minute) && wentBad == 0 {
		f.env.RunFor(time.Second)
		if f.lb.TargetState(st.tgArn, m.ID()) == "unhealthy" {
			wentBad = f.env.Now()
		}
	}
	require.NotZero(t, wentBad)
	require.LessOrEqual(t, time.Duration(wentBad-t0), 2*30*time.Second+time.Second)
	require.Greater(t, time.Duration(wentBad-t0), 30*time.Second-time.Second)
	// Back: healthy after 5 consecutive passing checks.
	_, err := f.srv.Listen(m, 80, handler(time.Millisecond), serveOpts())
	require.NoError(t, err)
	t1 := f.env.Now()
	var good sim.Time
	for f.env.Now() < t1+sim.Time(10*time.Minute) && good == 0 {
		f.env.RunFor(time.Second)
		if f.lb.TargetState(st.tgArn, m.ID()) == "healthy" {
			good = f.env.Now()
		}
	}
	require.NotZero(t, good)
	require.InDelta(t, float64(4*30*time.Second), float64(good-t1), float64(31*time.Second))
}

func TestDeregistrationDrains(t *testing.T) {
	f := newFix(t, 15)
	st := f.newStack(1, handler(time.Millisecond), serveOpts())
	m := st.machines[0]
	f.do(func(p *sim.Proc) {
		_, err := f.c.DeregisterTargets(p, &elb.DeregisterTargetsInput{TargetGroupArn: st.tgArn, Targets: []elb.TargetDescription{{Id: m.ID()}}})
		require.NoError(t, err)
		hs, err := f.c.DescribeTargetHealth(p, &elb.DescribeTargetHealthInput{TargetGroupArn: st.tgArn})
		require.NoError(t, err)
		require.Len(t, hs.TargetHealthDescriptions, 2)
		require.Equal(t, "draining", hs.TargetHealthDescriptions[0].TargetHealth.State)
		require.Equal(t, "Target.DeregistrationInProgress", hs.TargetHealthDescriptions[0].TargetHealth.Reason)
		require.NoError(t, p.Sleep(299*time.Second))
		hs, _ = f.c.DescribeTargetHealth(p, &elb.DescribeTargetHealthInput{TargetGroupArn: st.tgArn})
		require.Len(t, hs.TargetHealthDescriptions, 2)
		require.NoError(t, p.Sleep(2*time.Second))
		hs, _ = f.c.DescribeTargetHealth(p, &elb.DescribeTargetHealthInput{TargetGroupArn: st.tgArn})
		require.Len(t, hs.TargetHealthDescriptions, 1)
	})
	// No request reaches the drained target.
	before, _, _ := mustServer(t, f, m.ID()).Stats()
	rec, start := f.load(st.ep, "/", 20, 10*time.Second)
	require.Equal(t, rec.Summary(start, f.env.Now()).Count, rec.Summary(start, f.env.Now()).ByStatus[200])
	after, _, _ := mustServer(t, f, m.ID()).Stats()
	require.Equal(t, before, after)
}

func mustServer(t *testing.T, f *fix, id string) *serve.Server {
	v, ok := f.srv.Server(id, 80)
	require.True(t, ok)
	return v
}

func TestLeastOutstandingRequests(t *testing.T) {
	f := newFix(t, 16)
	// One slow target among fast ones: LOR sends it less.
	st := f.newStack(2, handler(10*time.Millisecond), serve.Options{Workers: 64})
	f.do(func(p *sim.Proc) {
		_, err := f.c.ModifyTargetGroupAttributes(p, &elb.ModifyTargetGroupAttributesInput{TargetGroupArn: st.tgArn,
			Attributes: []elb.TargetGroupAttribute{{Key: "load_balancing.algorithm.type", Value: "least_outstanding_requests"}}})
		require.NoError(t, err)
	})
	slowID := st.machines[0].ID()
	require.NoError(t, f.lb.SlowTarget(slowID, 20))
	rec, start := f.load(st.ep, "/", 400, 30*time.Second)
	s := rec.Summary(start, f.env.Now())
	require.Equal(t, s.Count, s.ByStatus[200])
	slow, _, _ := mustServer(t, f, slowID).Stats()
	fast, _, _ := mustServer(t, f, st.machines[1].ID()).Stats()
	require.Less(t, float64(slow), 0.5*float64(fast), "slow %d fast %d", slow, fast)
}

// TestSlowStart: a target joining a group with a 120 s slow start gets a
// share growing from zero: in its first 30 s far less than a third.
func TestSlowStart(t *testing.T) {
	f := newFix(t, 17)
	st := f.newStack(1, handler(time.Millisecond), serveOpts())
	var late string
	f.do(func(p *sim.Proc) {
		_, err := f.c.ModifyTargetGroupAttributes(p, &elb.ModifyTargetGroupAttributesInput{TargetGroupArn: st.tgArn,
			Attributes: []elb.TargetGroupAttribute{{Key: "slow_start.duration_seconds", Value: "120"}}})
		require.NoError(t, err)
		m := f.launch(p, f.subnets[0].SubnetId, 1)[0]
		_, err = f.srv.Listen(m, 80, handler(time.Millisecond), serveOpts())
		require.NoError(t, err)
		_, err = f.c.RegisterTargets(p, &elb.RegisterTargetsInput{TargetGroupArn: st.tgArn, Targets: []elb.TargetDescription{{Id: m.ID()}}})
		require.NoError(t, err)
		require.NoError(t, p.Sleep(time.Second))
		late = m.ID()
	})
	require.Equal(t, "healthy", f.lb.TargetState(st.tgArn, late))
	rec, start := f.load(st.ep, "/", 100, 30*time.Second)
	s := rec.Summary(start, f.env.Now())
	n, _, _ := mustServer(t, f, late).Stats()
	// Linear ramp over 120 s: about 30/120/2 of a full share in the first
	// 30 s, i.e. ~1/8 x 1/3 of the requests; a third would be ~1,000.
	t.Logf("late target served %d of %d", n, s.Count)
	require.Less(t, float64(n), float64(s.Count)/3/2)
	require.Positive(t, n)
}

package elb_test

import (
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/ec2/serve"
	"github.com/nimbus-sim/nimbus/failure"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

// TestAZLoss: 4 targets in 2 zones behind an ALB under 200 requests/s; at
// t = 1 h one zone goes dark for 30 minutes. Errors are confined to the
// detection window the settings imply, and the p99 before, during and
// after is reported.
func TestAZLoss(t *testing.T) {
	if testing.Short() {
		t.Skip("1.4 million requests")
	}
	f := newFix(t, 30)
	st := f.newStack(2, handler(20*time.Millisecond), serve.Options{Workers: 16, Backlog: 128})
	t0 := f.env.Now()
	outage := t0 + sim.Time(time.Hour)
	restore := outage + sim.Time(30*time.Minute)
	end := restore + sim.Time(30*time.Minute)
	rec := &serve.Recorder{}
	g := &serve.Poisson{Rate: 200, Start: t0, Stop: end, From: region.OnInternet(testRegion), To: st.ep, Rec: rec, Bytes: 500}
	require.NoError(t, g.Run(f.env))
	dark := st.machines[0].AvailabilityZoneID()
	h, err := failure.NewHarness(f.env, f.w.Faults(), f.lb)
	require.NoError(t, err)
	require.NoError(t, h.Start(failure.At(time.Hour, failure.AZOutage(dark, 30*time.Minute))))
	f.env.RunUntil(end + sim.Time(2*time.Minute))
	require.NoError(t, h.Err())

	// The bound, from the settings: the zone's targets are taken out after
	// UnhealthyThresholdCount failed checks, the first of which starts at
	// most one interval after the outage and fails after the timeout:
	// 2 x 30 s + 5 s = 65 s. Clients stop resolving the dark node after
	// the DNS TTL (60 s). Requests already in flight at the outage (sent up
	// to a second before) are dropped.
	const interval, timeout, unhealthy, ttl = 30 * time.Second, 5 * time.Second, 2, 60 * time.Second
	detect := max(time.Duration(unhealthy)*interval+timeout, ttl)
	lo, hi := outage-sim.Time(time.Second), outage+sim.Time(detect)
	errs := 0
	for _, x := range rec.Samples() {
		if !x.OK() {
			errs++
			require.True(t, x.Sent >= lo && x.Sent <= hi, "error outside the detection window: sent at %v (outage at %v), status %d, %v",
				time.Duration(x.Sent-outage), time.Duration(outage), x.Status, x.Outcome)
		}
	}
	require.Positive(t, errs, "the outage should cost some requests")
	before := rec.Summary(t0, lo)
	window := rec.Summary(lo, hi)
	during := rec.Summary(hi, restore)
	after := rec.Summary(restore, end)
	require.Equal(t, 1.0, before.Availability())
	require.Equal(t, 1.0, during.Availability())
	require.Equal(t, 1.0, after.Availability())
	require.InDelta(t, 720_000, before.Count, 4*850) // Poisson, 4 sd
	t.Logf("detection bound %v; %d errors", detect, errs)
	t.Logf("before:    %v", before)
	t.Logf("detection: %v", window)
	t.Logf("during:    %v", during)
	t.Logf("after:     %v", after)
}

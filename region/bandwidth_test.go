package region

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nimbus-sim/nimbus/sim"
)

const oneGiB = 1 << 30

// fastNetwork lets a single flow to a regional endpoint run at 25 Gbit/s,
// so a 10 Gbit/s interface, not the path, is what limits it.
func fastNetwork() *NetworkModel {
	m := DefaultNetwork()
	m.ThroughputBps[PathRegional] = 25e9
	m.TCPWindowBytes = 1 << 30
	return &m
}

// transfers runs n parallel Transmits of size bytes from an instance with
// a 10 Gbit/s interface to the regional endpoint and returns each one's
// duration and the interface's stats afterwards.
func transfers(t *testing.T, n int, bw Bandwidth) ([]time.Duration, InterfaceStats) {
	w := newWorld(t, 1, Options{HostsPerAZ: map[string]int{}, Network: fastNetwork()})
	az, _ := w.InAZ("use1-az1")
	require.NoError(t, w.Network().AttachInterface("eni-1", az, bw))
	from := az.WithNetwork(NetworkIdentity{NetworkInterfaceID: "eni-1", OnInstance: true})
	env := w.Env()
	took := make([]time.Duration, n)
	peak := 0.0
	for i := range n {
		env.Go("sender", func(p *sim.Proc) {
			start := env.Now()
			require.NoError(t, w.Network().Transmit(p, from, InRegion("us-east-1"), oneGiB))
			took[i] = env.Now().Sub(start)
		})
	}
	// Sample the aggregate rate every 100 ms while the flows run.
	env.GoDaemon("sampler", func(p *sim.Proc) {
		for {
			st, _ := w.Network().InterfaceStats("eni-1")
			peak = max(peak, st.RateBps)
			p.Sleep(100 * time.Millisecond)
		}
	})
	env.Run()
	st, _ := w.Network().InterfaceStats("eni-1")
	require.LessOrEqual(t, peak, st.PeakBps)
	return took, st
}

// TestParallelTransfersShareTheNIC: eight parallel 1 GiB transfers from a
// 10 Gbit/s instance finish together, each about 8x slower than one
// alone, and the interface never carries more than 10 Gbit/s.
func TestParallelTransfersShareTheNIC(t *testing.T) {
	bw := Bandwidth{BaselineBps: 10e9}
	alone, st1 := transfers(t, 1, bw)
	eight, st8 := transfers(t, 8, bw)
	t.Logf("alone %v, eight in parallel %v (%.3fx), peak %.4g bit/s", alone[0], eight, eight[0].Seconds()/alone[0].Seconds(), st8.PeakBps)
	// Alone: 2^33 bits at 10 Gbit/s plus a sub-millisecond latency draw.
	require.InDelta(t, (oneGiB * 8 / 10e9), alone[0].Seconds(), 0.002)
	for _, d := range eight {
		require.InDelta(t, eight[0].Seconds(), d.Seconds(), 0.002, "the eight finish together")
		require.InDelta(t, 8, d.Seconds()/alone[0].Seconds(), 0.01, "each ~8x slower")
	}
	require.LessOrEqual(t, st1.PeakBps, 10e9*(1+1e-9))
	require.LessOrEqual(t, st8.PeakBps, 10e9*(1+1e-9), "the sum never exceeds the NIC")
	require.InDelta(t, 10e9, st8.PeakBps, 1, "and the NIC is full while they run")
	require.InDelta(t, 8*oneGiB*8, st8.Bits, 1e3)
	require.Zero(t, st8.Flows)
}

// TestSlowFlowKeepsItsCap: a flow to the internet (100 Mbit/s single-flow
// cap) keeps its rate beside two fast flows, which share the rest of the
// interface max-min fairly.
func TestSlowFlowKeepsItsCap(t *testing.T) {
	w := newWorld(t, 1, Options{HostsPerAZ: map[string]int{}, Network: fastNetwork()})
	az, _ := w.InAZ("use1-az1")
	require.NoError(t, w.Network().AttachInterface("eni-1", az, Bandwidth{BaselineBps: 10e9}))
	from := az.WithNetwork(NetworkIdentity{NetworkInterfaceID: "eni-1"})
	env := w.Env()
	for _, to := range []Location{OnInternet("us-east-1"), InRegion("us-east-1"), InRegion("us-east-1")} {
		env.Go("sender", func(p *sim.Proc) { require.NoError(t, w.Network().Transmit(p, from, to, 10*oneGiB)) })
	}
	env.RunFor(time.Second)
	st, _ := w.Network().InterfaceStats("eni-1")
	require.Equal(t, 3, st.Flows)
	require.InDelta(t, 10e9, st.RateBps, 1)
	require.Len(t, w.flows.all, 3)
	var slow, fast []float64
	for _, f := range w.flows.all {
		if f.cap < 1e9 {
			slow = append(slow, f.rate)
		} else {
			fast = append(fast, f.rate)
		}
	}
	require.Equal(t, []float64{100e6}, slow)
	require.InDeltaSlice(t, []float64{4.95e9, 4.95e9}, fast, 1)
}

// TestUpToBandwidthBurstsThenFallsToBaseline: an "up to 10 Gbit/s"
// interface with a 1.25 Gbit/s baseline bursts while its credit lasts
// (here 60 s), then runs at the baseline.
func TestUpToBandwidthBurstsThenFallsToBaseline(t *testing.T) {
	w := newWorld(t, 1, Options{HostsPerAZ: map[string]int{}, Network: fastNetwork()})
	az, _ := w.InAZ("use1-az1")
	bw := Bandwidth{BaselineBps: 1.25e9, BurstBps: 10e9, BurstFor: time.Minute}
	require.NoError(t, w.Network().AttachInterface("eni-1", az, bw))
	from := az.WithNetwork(NetworkIdentity{NetworkInterfaceID: "eni-1"})
	env := w.Env()
	env.Go("sender", func(p *sim.Proc) {
		require.NoError(t, w.Network().Transmit(p, from, InRegion("us-east-1"), 200*oneGiB))
	})
	env.RunFor(30 * time.Second)
	st, _ := w.Network().InterfaceStats("eni-1")
	require.InDelta(t, 10e9, st.RateBps, 1)
	env.RunFor(60 * time.Second)
	st, _ = w.Network().InterfaceStats("eni-1")
	require.InDelta(t, 1.25e9, st.RateBps, 1)
	require.InDelta(t, 0, st.CreditBits, 1)
}

// TestTransmitHonoursTheContext: a deadline ends a transfer early and
// frees its share for the others.
func TestTransmitHonoursTheContext(t *testing.T) {
	w := newWorld(t, 1, Options{HostsPerAZ: map[string]int{}, Network: fastNetwork()})
	az, _ := w.InAZ("use1-az1")
	require.NoError(t, w.Network().AttachInterface("eni-1", az, Bandwidth{BaselineBps: 10e9}))
	from := az.WithNetwork(NetworkIdentity{NetworkInterfaceID: "eni-1"})
	env := w.Env()
	var errShort error
	var longTook time.Duration
	env.Go("short", func(p *sim.Proc) {
		ctx, cancel := sim.WithTimeout(p, 500*time.Millisecond)
		defer cancel()
		errShort = w.Network().Transmit(ctx, from, InRegion("us-east-1"), 10*oneGiB)
	})
	env.Go("long", func(p *sim.Proc) {
		require.NoError(t, w.Network().Transmit(p, from, InRegion("us-east-1"), 2*oneGiB))
		longTook = env.Now().Duration()
	})
	env.Run()
	require.ErrorIs(t, errShort, context.DeadlineExceeded)
	// 0.5 s at 5 Gbit/s, then the rest at 10: 2^34 bits = 0.5x5e9 + rest/10e9.
	want := 0.5 + (2*oneGiB*8-0.5*5e9)/10e9
	require.InDelta(t, want, longTook.Seconds(), 0.002)
	st, ok := w.Network().InterfaceStats("eni-1")
	require.True(t, ok)
	require.Zero(t, st.Flows)
}

// TestDetachStopsFlows: an interface detached mid-transfer fails its
// flows.
func TestDetachStopsFlows(t *testing.T) {
	w := newWorld(t, 1, Options{HostsPerAZ: map[string]int{}, Network: fastNetwork()})
	az, _ := w.InAZ("use1-az1")
	require.NoError(t, w.Network().AttachInterface("eni-1", az, Bandwidth{BaselineBps: 10e9}))
	from := az.WithNetwork(NetworkIdentity{NetworkInterfaceID: "eni-1"})
	env := w.Env()
	var err error
	env.Go("sender", func(p *sim.Proc) { err = w.Network().Transmit(p, from, InRegion("us-east-1"), 10*oneGiB) })
	env.After(time.Second, func() { w.Network().DetachInterface("eni-1") })
	env.Run()
	require.ErrorIs(t, err, ErrUnreachable)
	require.Error(t, w.Network().AttachInterface("eni-2", az, Bandwidth{BaselineBps: -1}))
}

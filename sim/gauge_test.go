package sim

import (
	"math"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// TestGaugeRunningIntegralsMatchHistory: a gauge without history reports
// exactly (bit for bit) the mean, maximum and whole-life windows of the
// same gauge with history, for random change sequences, same-instant
// changes included.
func TestGaugeRunningIntegralsMatchHistory(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		env := New(1)
		defer env.Close()
		env.RunFor(time.Duration(rapid.IntRange(0, 5).Draw(rt, "start")) * time.Second)
		v0 := rapid.Float64Range(-10, 10).Draw(rt, "v0")
		flat, full := env.NewGauge("flat", v0), env.NewGauge("full", v0, KeepHistory())
		require.False(rt, flat.KeepsHistory())
		require.True(rt, full.KeepsHistory())
		for i, n := 0, rapid.IntRange(0, 40).Draw(rt, "n"); i < n; i++ {
			env.RunFor(time.Duration(rapid.IntRange(0, 3).Draw(rt, "gap")) * time.Second)
			if rapid.Bool().Draw(rt, "add") {
				d := rapid.Float64Range(-5, 5).Draw(rt, "d")
				flat.Add(d)
				full.Add(d)
			} else {
				v := rapid.Float64Range(-10, 10).Draw(rt, "v")
				flat.Set(v)
				full.Set(v)
			}
		}
		env.RunFor(time.Duration(rapid.IntRange(0, 3).Draw(rt, "tail")) * time.Second)
		require.Equal(rt, full.Value(), flat.Value())
		require.Equal(rt, full.Max(), flat.Max())
		now := env.Now()
		if now > 0 { // Mean over an empty life is the reading; both agree, tested below
			require.Equal(rt, full.Mean(), flat.Mean())
		}
		for _, w := range [][2]Time{{0, now}, {0, now + Time(time.Hour)}, {flat.start, now}} {
			require.Equal(rt, full.MeanOver(w[0], w[1]), flat.MeanOver(w[0], w[1]), "window %v", w)
			require.Equal(rt, full.MaxOver(w[0], w[1]), flat.MaxOver(w[0], w[1]), "window %v", w)
		}
	})
}

// TestGaugeWindowNeedsHistory: a window inside a history-less gauge's
// life cannot be answered from integrals; it is a clear panic, not a
// wrong number.
func TestGaugeWindowNeedsHistory(t *testing.T) {
	env := New(1)
	defer env.Close()
	g := env.NewGauge("queue", 0)
	env.At(Time(10*time.Second), func() { g.Set(4) })
	env.RunUntil(Time(20 * time.Second))
	require.PanicsWithValue(t, `sim: Gauge "queue": MeanOver(+5s, +20s) needs the gauge's history (it covers [+0s, +10s] only); create it with sim.KeepHistory()`,
		func() { g.MeanOver(Time(5*time.Second), Time(20*time.Second)) })
	require.Panics(t, func() { g.MaxOver(0, Time(5*time.Second)) })
	require.Equal(t, 2.0, g.Mean())
	require.Equal(t, 4.0, g.Max())
}

// mmcRetained runs an M/M/4 queue at load 0.8 (lambda 3.2/s, mu 1/s) on a
// Resource for the given number of customers and returns the heap the
// run leaves live while its Env is still open, measured after a GC.
func mmcRetained(customers int, opts ...GaugeOption) (retained int64, busy float64) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	env := New(2026)
	servers := NewResource(env, "servers", 4, opts...)
	arrivals, service := env.Rand("arrivals"), env.Rand("service")
	env.Go("source", func(p *Proc) {
		for range customers {
			p.Sleep(Exp(arrivals, time.Second*10/32))
			env.Go("customer", func(q *Proc) {
				servers.Acquire(q)
				q.Sleep(Exp(service, time.Second))
				servers.Release()
			})
		}
	})
	env.Run()
	runtime.GC()
	runtime.ReadMemStats(&after)
	busy = servers.Busy().Mean()
	runtime.KeepAlive(env)
	env.Close()
	return int64(after.HeapAlloc) - int64(before.HeapAlloc), busy
}

// TestMillionCustomerMMcIsFlat: a million customers through an M/M/c
// queue leave less than 2 MiB live: the Resource's gauges keep running
// integrals, not a history that grew by ~50 MB. The control run with
// KeepHistory shows the measurement sees history when there is one
// (200,000 customers, > 2 MiB). The margins are an order of magnitude,
// so GC noise cannot flip the outcome.
func TestMillionCustomerMMcIsFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("a million customers; skipped with -short")
	}
	const limit = 2 << 20
	kept, _ := mmcRetained(200_000, KeepHistory())
	t.Logf("200,000 customers with history: %.1f MiB live", float64(kept)/(1<<20))
	require.Greater(t, kept, int64(limit), "the control run's history is not visible to the measurement")
	flat, busy := mmcRetained(1_000_000)
	t.Logf("1,000,000 customers without history: %.2f MiB live", float64(flat)/(1<<20))
	require.Less(t, flat, int64(limit))
	require.InDelta(t, 3.2, busy, 0.05, "mean busy servers = lambda/mu (seed 2026)")
	require.False(t, math.IsNaN(busy))
}

package sim

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkHold is the classic hold model (Vaucher & Duval 1975; Jones
// 1986), run exactly as internal/bench/baseline runs it: n events are
// pending; each popped event schedules one new event at now+Exp(1) drawn
// from a PCG stream. The figure to compare is ns/event against the
// baseline's `-bench hold -impl dary4 -n N`.
func BenchmarkHold(b *testing.B) {
	for _, n := range []int{1000, 1000000} {
		b.Run(fmt.Sprintf("pending=%d", n), func(b *testing.B) {
			env := New(1)
			defer env.Close()
			rng := env.Rand("hold")
			var h Handler
			h = env.Handle(func(arg uint64) {
				env.Schedule(env.now+Time(rng.ExpFloat64()*float64(time.Second)), h, arg)
			})
			for i := 0; i < n; i++ {
				env.Schedule(Time(rng.ExpFloat64()*float64(time.Second)), h, uint64(i))
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				env.Step()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/event")
		})
	}
}

// BenchmarkHoldTimer is the hold model through the cancellable-timer API
// (After with a closure bound once per entity), the form model code that
// needs cancellation uses.
func BenchmarkHoldTimer(b *testing.B) {
	for _, n := range []int{1000, 1000000} {
		b.Run(fmt.Sprintf("pending=%d", n), func(b *testing.B) {
			env := New(1)
			defer env.Close()
			rng := env.Rand("hold")
			for i := 0; i < n; i++ {
				var fire func()
				fire = func() { env.After(time.Duration(rng.ExpFloat64()*float64(time.Second)), fire) }
				env.After(time.Duration(rng.ExpFloat64()*float64(time.Second)), fire)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				env.Step()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/event")
		})
	}
}

// BenchmarkSleep is the process-switch benchmark of go-baseline's
// `-bench proc -impl pull`: 1,000 processes each looping Sleep(Exp(1)),
// b.N waits in all, run to completion by Env.Run. One op is one completed
// wait.
func BenchmarkSleep(b *testing.B) {
	const procs = 1000
	env := New(1)
	defer env.Close()
	rng := env.Rand("sleep")
	per := max(b.N/procs, 1)
	for i := 0; i < procs; i++ {
		env.Go("sleeper", func(p *Proc) {
			for k := 0; k < per; k++ {
				p.Sleep(time.Duration(rng.ExpFloat64() * float64(time.Second)))
			}
		})
	}
	b.ReportAllocs()
	b.ResetTimer()
	env.Run()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(per*procs), "ns/wait")
}

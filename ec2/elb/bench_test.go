package elb_test

import (
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/ec2/serve"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
)

// BenchmarkRequest measures simulated requests per second of wall time:
// an internet client's request to the ALB, a node in a zone, a target's
// server (a worker process sleeping 20 ms of service time), and the
// response back, at 1,000 requests per virtual second over 4 targets.
func BenchmarkRequest(b *testing.B) {
	f := newFix(b, 40)
	st := f.newStack(2, handler(20*time.Millisecond), serve.Options{Workers: 64, Backlog: 256})
	ok := 0
	const rate = 1000.0
	start := f.env.Now()
	stop := start + sim.Time(float64(b.N)/rate*float64(time.Second))
	g := &serve.Poisson{Rate: rate, Start: start, Stop: stop, From: region.OnInternet(testRegion), To: st.ep, Bytes: 500,
		OnDone: func(r *serve.Request) {
			if r.Status() == 200 {
				ok++
			}
		}}
	if err := g.Run(f.env); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	f.env.RunUntil(stop + sim.Time(time.Minute))
	b.StopTimer()
	if g.Sent() > 0 && float64(ok) < 0.99*float64(g.Sent()) {
		b.Fatalf("%d of %d requests succeeded", ok, g.Sent())
	}
	b.ReportMetric(float64(g.Sent())/b.Elapsed().Seconds(), "req/s")
}

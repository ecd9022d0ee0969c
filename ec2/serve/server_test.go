package serve_test

import (
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/ec2/serve"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

// sleepHandler serves every request in d.
func sleepHandler(d time.Duration) serve.Handler {
	return func(p *sim.Proc, r *serve.Request) serve.Response {
		if err := p.Sleep(d); err != nil {
			return serve.Response{Status: 500}
		}
		return serve.Response{Status: 200, Bytes: 1000}
	}
}

// burst sends n requests at once straight to the server and returns the
// recorder once all are answered.
func burst(f *fix, m interface{ ID() string }, n int) *serve.Recorder {
	rec := &serve.Recorder{}
	d := f.srv.Direct(m.ID(), 80)
	from := region.OnInternet("us-east-1")
	for i := 0; i < n; i++ {
		r := &serve.Request{Path: "/", From: from, Sent: f.env.Now()}
		r.Reply = func(r *serve.Request) { rec.Record(r, f.env.Now()) }
		d.Send(r)
	}
	f.env.RunFor(10 * time.Minute)
	return rec
}

func TestWorkersBacklogRefused(t *testing.T) {
	f := newFix(t, 1)
	m := f.launch("m5.large")
	_, err := f.srv.Listen(m, 80, sleepHandler(time.Second), serve.Options{Workers: 2, Backlog: 3})
	require.NoError(t, err)
	rec := burst(f, m, 8)
	s := rec.Summary(0, f.env.Now())
	// 2 in service + 3 queued; the other 3 are refused.
	require.Equal(t, 5, s.ByStatus[200])
	require.Equal(t, 3, s.ByStatus[0])
	// The queued ones wait: the last answered took about 3 service times.
	require.Greater(t, s.Max, 3*time.Second-time.Millisecond)
	require.Less(t, s.Max, 3*time.Second+time.Second)
	for _, x := range rec.Samples() {
		if x.Status == 0 {
			require.Equal(t, serve.Refused, x.Outcome)
		}
	}
}

func TestListenPortInUse(t *testing.T) {
	f := newFix(t, 2)
	m := f.launch("m5.large")
	_, err := f.srv.Listen(m, 80, sleepHandler(time.Second), serve.Options{})
	require.NoError(t, err)
	_, err = f.srv.Listen(m, 80, sleepHandler(time.Second), serve.Options{})
	require.ErrorIs(t, err, serve.ErrPortInUse)
	_, err = f.srv.Listen(m, 0, sleepHandler(time.Second), serve.Options{})
	require.Error(t, err)
}

func TestStopDropsConnections(t *testing.T) {
	for _, how := range []string{"stop", "reboot", "terminate"} {
		t.Run(how, func(t *testing.T) {
			f := newFix(t, 3)
			m := f.launch("m5.large")
			v, err := f.srv.Listen(m, 80, sleepHandler(time.Minute), serve.Options{Workers: 1, Backlog: 4})
			require.NoError(t, err)
			rec := &serve.Recorder{}
			d := f.srv.Direct(m.ID(), 80)
			for i := 0; i < 3; i++ {
				r := &serve.Request{Path: "/", From: region.OnInternet("us-east-1")}
				r.Reply = func(r *serve.Request) { rec.Record(r, f.env.Now()) }
				d.Send(r)
			}
			f.env.Go("op", func(p *sim.Proc) {
				require.NoError(t, p.Sleep(10*time.Second))
				ids := []string{m.ID()}
				switch how {
				case "stop":
					_, err = f.c.StopInstances(p, &ec2StopIn{InstanceIds: ids})
				case "reboot":
					_, err = f.c.RebootInstances(p, &ec2RebootIn{InstanceIds: ids})
				case "terminate":
					_, err = f.c.TerminateInstances(p, &ec2TermIn{InstanceIds: ids})
				}
				require.NoError(t, err)
			})
			f.env.RunFor(5 * time.Minute)
			require.Len(t, rec.Samples(), 3)
			for _, x := range rec.Samples() {
				require.Equal(t, serve.Dropped, x.Outcome, "%+v", x)
				require.Less(t, x.Latency, 15*time.Second)
			}
			require.Equal(t, serve.Closed, v.State())
			_, ok := f.srv.Server(m.ID(), 80)
			require.False(t, ok)
		})
	}
}

func TestHandlerPanicIsA502NotACrash(t *testing.T) {
	f := newFix(t, 4)
	m := f.launch("m5.large")
	_, err := f.srv.Listen(m, 80, func(p *sim.Proc, r *serve.Request) serve.Response {
		if r.Path == "/boom" {
			panic("nil map")
		}
		return serve.Response{Status: 200}
	}, serve.Options{Workers: 1})
	require.NoError(t, err)
	rec := &serve.Recorder{}
	d := f.srv.Direct(m.ID(), 80)
	for _, path := range []string{"/boom", "/ok"} {
		r := &serve.Request{Path: path, From: region.OnInternet("us-east-1")}
		r.Reply = func(r *serve.Request) { rec.Record(r, f.env.Now()) }
		d.Send(r)
	}
	f.env.RunFor(time.Minute)
	require.Len(t, rec.Samples(), 2)
	ps := f.srv.Panics()
	require.Len(t, ps, 1)
	require.Equal(t, m.ID(), ps[0].InstanceID)
	require.Positive(t, ps[0].At)
	require.Contains(t, ps[0].String(), m.ID())
	st := map[string]int{}
	for _, x := range rec.Samples() {
		st[x.Outcome.String()]++
	}
	require.Equal(t, map[string]int{"dropped": 1, "answered": 1}, st)
}

func TestStartupHookRefusesUntilReady(t *testing.T) {
	f := newFix(t, 5)
	m := f.launch("m5.large")
	v, err := f.srv.Listen(m, 80, sleepHandler(time.Millisecond), serve.Options{Startup: func(p *sim.Proc) error {
		return p.Sleep(30 * time.Second) // loading a model, say
	}})
	require.NoError(t, err)
	require.Equal(t, serve.Starting, v.State())
	rec := burst(f, m, 1)
	require.Equal(t, serve.Refused, rec.Samples()[0].Outcome)
	require.Equal(t, serve.Listening, v.State())
	rec = burst(f, m, 1)
	require.Equal(t, 200, rec.Samples()[0].Status)
}

func TestPoissonRate(t *testing.T) {
	f := newFix(t, 6)
	m := f.launch("m5.large")
	_, err := f.srv.Listen(m, 80, sleepHandler(10*time.Millisecond), serve.Options{Workers: 8})
	require.NoError(t, err)
	rec := &serve.Recorder{}
	start := f.env.Now()
	g := &serve.Poisson{Rate: 100, Start: start, Stop: start + sim.Time(100*time.Second), From: region.OnInternet("us-east-1"),
		To: f.srv.Direct(m.ID(), 80), Rec: rec}
	require.NoError(t, g.Run(f.env))
	f.env.RunFor(3 * time.Minute)
	s := rec.Summary(start, f.env.Now())
	// 10,000 expected; Poisson sd 100: within 4 sd at seed 6.
	require.InDelta(t, 10000, s.Count, 400)
	require.Equal(t, s.Count, s.ByStatus[200])
	require.Greater(t, s.P50, 10*time.Millisecond)
}

func TestClosedLoop(t *testing.T) {
	f := newFix(t, 7)
	m := f.launch("m5.large")
	_, err := f.srv.Listen(m, 80, sleepHandler(100*time.Millisecond), serve.Options{Workers: 1})
	require.NoError(t, err)
	rec := &serve.Recorder{}
	start := f.env.Now()
	g := &serve.ClosedLoop{Users: 5, Think: 0, Start: start, Stop: start + sim.Time(60*time.Second), From: region.OnInternet("us-east-1"),
		To: f.srv.Direct(m.ID(), 80), Rec: rec}
	require.NoError(t, g.Run(f.env))
	f.env.RunFor(2 * time.Minute)
	s := rec.Summary(start, f.env.Now())
	// One worker at 100 ms: throughput is capped at 10/s whatever the users.
	require.InDelta(t, 600, s.Count, 10)
	// Five users queue behind one worker: about 5 service times each.
	require.InDelta(t, float64(500*time.Millisecond), float64(s.P50), float64(50*time.Millisecond))
}

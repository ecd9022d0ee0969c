package serve

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
)

// Sample is one request as its client saw it.
type Sample struct {
	Sent    sim.Time
	Latency time.Duration
	Status  int // 0: no HTTP response (refused, dropped, timed out)
	Outcome Outcome
}

// OK reports whether the request succeeded (a 2xx or 3xx response).
func (s Sample) OK() bool { return s.Status >= 200 && s.Status < 400 }

// Recorder keeps every request's latency and status, in completion order.
type Recorder struct {
	samples []Sample
}

// Record adds a finished request at virtual time now.
func (rec *Recorder) Record(r *Request, now sim.Time) {
	rec.samples = append(rec.samples, Sample{Sent: r.Sent, Latency: time.Duration(now - r.Sent), Status: r.Status(), Outcome: r.Outcome})
}

// Samples returns the samples recorded so far.
func (rec *Recorder) Samples() []Sample { return rec.samples }

// Summary describes the requests sent in [From, To).
type Summary struct {
	From, To      sim.Time
	Count, Errors int
	ByStatus      map[int]int
	P50, P99, Max time.Duration
}

// Availability is the fraction of requests that succeeded (1 with none).
func (s Summary) Availability() float64 {
	if s.Count == 0 {
		return 1
	}
	return float64(s.Count-s.Errors) / float64(s.Count)
}

func (s Summary) String() string {
	return fmt.Sprintf("%d requests, %d errors (availability %.5f), p50 %v, p99 %v, max %v",
		s.Count, s.Errors, s.Availability(), s.P50, s.P99, s.Max)
}

// Summary summarizes the requests sent in [from, to): counts by status,
// errors (anything but 2xx/3xx) and latency quantiles of all of them
// (nearest rank).
func (rec *Recorder) Summary(from, to sim.Time) Summary {
	s := Summary{From: from, To: to, ByStatus: map[int]int{}}
	var lat []time.Duration
	for _, x := range rec.samples {
		if x.Sent < from || x.Sent >= to {
			continue
		}
		s.Count++
		s.ByStatus[x.Status]++
		if !x.OK() {
			s.Errors++
		}
		lat = append(lat, x.Latency)
	}
	if len(lat) > 0 {
		slices.Sort(lat)
		q := func(p float64) time.Duration {
			i := int(math.Ceil(p*float64(len(lat)))) - 1
			return lat[max(i, 0)]
		}
		s.P50, s.P99, s.Max = q(0.50), q(0.99), lat[len(lat)-1]
	}
	return s
}

// Poisson is an open-loop load generator: requests arrive as a Poisson
// process whatever the responses do, as independent users on the internet
// (or a fleet of instances) would send them.
type Poisson struct {
	// Rate is the mean arrival rate per second.
	Rate float64
	// Start and Stop bound the arrivals (virtual times); Stop zero means
	// never (run the env with RunUntil).
	Start, Stop sim.Time
	// From is where the requests come from (OnInternet, an instance's host).
	From region.Location
	// Method, Path, Port and Bytes describe every request.
	Method, Path string
	Port         int
	Bytes        int64
	// To receives the requests.
	To Endpoint
	// Rec records each finished request; nil records nothing.
	Rec *Recorder
	// Stream names the random stream of inter-arrival times; default
	// "serve/poisson".
	Stream string
	// OnDone, if set, hears each finished request.
	OnDone func(*Request)

	env   *sim.Env
	rng   *rand.Rand
	h     sim.Handler
	free  []*Request
	reply func(*Request)
	sent  int64
}

// Start schedules the arrivals on env. Arrivals are ordinary events, so
// env.Run keeps going until Stop and the last response.
func (g *Poisson) Run(env *sim.Env) error {
	if g.Rate <= 0 || math.IsNaN(g.Rate) || math.IsInf(g.Rate, 0) {
		return fmt.Errorf("serve: Poisson rate %v must be positive", g.Rate)
	}
	if g.To == nil {
		return fmt.Errorf("serve: Poisson needs an endpoint")
	}
	if !g.From.IsValid() {
		return fmt.Errorf("serve: Poisson needs a From location")
	}
	if g.Stream == "" {
		g.Stream = "serve/poisson"
	}
	if g.Method == "" {
		g.Method = "GET"
	}
	if g.Path == "" {
		g.Path = "/"
	}
	if g.Port == 0 {
		g.Port = 80
	}
	g.env = env
	g.rng = env.Rand(g.Stream)
	g.reply = g.done
	g.h = env.Handle(func(uint64) { g.arrive() })
	g.next(max(g.Start, env.Now()))
	return nil
}

// Sent returns how many requests the generator has sent.
func (g *Poisson) Sent() int64 { return g.sent }

func (g *Poisson) next(from sim.Time) {
	gap := time.Duration(g.rng.ExpFloat64() / g.Rate * float64(time.Second))
	at := from + sim.Time(gap)
	if g.Stop != 0 && at >= g.Stop {
		return
	}
	g.env.Schedule(at, g.h, 0)
}

func (g *Poisson) arrive() {
	var r *Request
	if n := len(g.free); n > 0 {
		r = g.free[n-1]
		g.free = g.free[:n-1]
		*r = Request{}
	} else {
		r = &Request{}
	}
	r.Method, r.Path, r.Port, r.Bytes, r.From = g.Method, g.Path, g.Port, g.Bytes, g.From
	r.Sent = g.env.Now()
	r.Reply = g.reply
	g.sent++
	g.next(g.env.Now())
	g.To.Send(r)
}

func (g *Poisson) done(r *Request) {
	if g.Rec != nil {
		g.Rec.Record(r, g.env.Now())
	}
	if g.OnDone != nil {
		g.OnDone(r)
	}
	g.free = append(g.free, r)
}

// ClosedLoop is a closed-loop load generator: Users users each send a
// request, wait for the answer, think for an exponential time with mean
// Think, and send again, so the offered load falls as latency grows.
type ClosedLoop struct {
	Users        int
	Think        time.Duration
	Start, Stop  sim.Time
	From         region.Location
	Method, Path string
	Port         int
	Bytes        int64
	To           Endpoint
	Rec          *Recorder
	Stream       string // default "serve/closed-loop"
}

// Run starts the users as processes on env.
func (g *ClosedLoop) Run(env *sim.Env) error {
	if g.Users <= 0 || g.Think < 0 || g.To == nil || !g.From.IsValid() {
		return fmt.Errorf("serve: ClosedLoop needs Users > 0, Think >= 0, an endpoint and a From location")
	}
	if g.Stream == "" {
		g.Stream = "serve/closed-loop"
	}
	if g.Path == "" {
		g.Path = "/"
	}
	if g.Port == 0 {
		g.Port = 80
	}
	rng := env.Rand(g.Stream)
	for u := 0; u < g.Users; u++ {
		env.Go(fmt.Sprintf("user-%d", u), func(p *sim.Proc) {
			if err := p.SleepUntil(max(g.Start, p.Now())); err != nil {
				return
			}
			for g.Stop == 0 || p.Now() < g.Stop {
				ev := env.NewEvent("response")
				r := &Request{Method: g.Method, Path: g.Path, Port: g.Port, Bytes: g.Bytes, From: g.From, Sent: p.Now(),
					Reply: func(r *Request) { ev.Trigger(r) }}
				g.To.Send(r)
				if err := p.Wait(ev); err != nil {
					return
				}
				if g.Rec != nil {
					g.Rec.Record(r, p.Now())
				}
				if g.Think > 0 { // zero think time: the next request at once
					if err := p.Sleep(sim.Exp(rng, g.Think)); err != nil {
						return
					}
				}
			}
		})
	}
	return nil
}

package region

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/nimbus-sim/nimbus/internal/awserr"
	"github.com/nimbus-sim/nimbus/sim"
)

// This file shares a network interface's bandwidth between the flows
// through it, max-min fairly, as SimGrid's flow model shares a link: every
// flow gets an equal share of the interface, except that a flow whose own
// cap (its path's single-flow throughput) is below the share keeps its cap
// and leaves the rest to the others. Rates change only when a flow starts
// or ends or burst credit runs out, so the model costs one timer per
// interface, not one per packet.

// Bandwidth is a network interface's capacity, from its instance type's
// "Network performance": BaselineBps sustained, and for "Up to" types
// BurstBps while burst credit lasts. EC2 instances with "Up to" bandwidth
// "use a network I/O credit mechanism to burst beyond their baseline
// bandwidth"; a full credit lasts BurstFor at BurstBps (AWS: "typically
// from 5 to 60 minutes").
// https://docs.aws.amazon.com/ec2/latest/instancetypes/ec2-instance-network-bandwidth.html
type Bandwidth struct {
	BaselineBps float64
	BurstBps    float64 // 0: no burst
	BurstFor    time.Duration
}

func (b Bandwidth) validate() error {
	if !(b.BaselineBps > 0) || b.BurstBps < 0 || math.IsInf(b.BaselineBps, 0) || math.IsNaN(b.BurstBps) ||
		(b.BurstBps > 0 && b.BurstBps < b.BaselineBps) || b.BurstFor < 0 {
		return awserr.New("InvalidParameterValue", 400, false, "invalid bandwidth %+v: baseline must be positive and burst at least the baseline", b)
	}
	return nil
}

// creditCap is the burst credit of a full bucket, in bits above baseline.
func (b Bandwidth) creditCap() float64 {
	if b.BurstBps <= b.BaselineBps {
		return 0
	}
	return (b.BurstBps - b.BaselineBps) * b.BurstFor.Seconds()
}

// InterfaceStats is what an interface has carried.
type InterfaceStats struct {
	// RateBps is the aggregate rate now; PeakBps the highest aggregate
	// rate it has run at.
	RateBps, PeakBps float64
	// Flows is the number of flows now.
	Flows int
	// Bits carried so far (completed and in progress).
	Bits float64
	// CreditBits is the burst credit left, in bits above baseline.
	CreditBits float64
}

type flow struct {
	links     [2]*link // sender's and receiver's interfaces (nil if none)
	remaining float64  // bits
	cap       float64  // bits per second
	rate      float64
	frozen    bool
	done      *sim.Event
}

type link struct {
	id     string
	loc    Location
	bw     Bandwidth
	credit float64
	flows  []*flow
	stats  InterfaceStats
}

func (l *link) capacity() float64 {
	if l.bw.BurstBps > l.bw.BaselineBps && l.credit > 0 {
		return l.bw.BurstBps
	}
	return l.bw.BaselineBps
}

type flows struct {
	w     *World
	links map[string]*link
	all   []*flow
	last  sim.Time
	timer sim.Timer
	armed bool
}

// AttachInterface registers a network interface with its bandwidth, at a
// place: ec2 attaches an instance's primary interface at launch, vpc the
// interfaces it creates. A Location naming the interface is valid from
// then on, and the flows through it share bw. Attaching an ID again
// updates its place and bandwidth (a resize); its burst credit starts
// full.
func (w *World) AttachInterface(id string, at Location, bw Bandwidth) error {
	if id == "" {
		return awserr.New("InvalidParameterValue", 400, false, "empty network interface ID")
	}
	if err := bw.validate(); err != nil {
		return err
	}
	if err := w.checkLoc(at); err != nil {
		return err
	}
	f := &w.flows
	if f.links == nil {
		f.links = map[string]*link{}
	}
	f.advance()
	l := f.links[id]
	if l == nil {
		l = &link{id: id}
		f.links[id] = l
	}
	l.loc, l.bw, l.credit = at, bw, bw.creditCap()
	l.stats.CreditBits = l.credit
	f.reshare()
	return nil
}

// DetachInterface removes an interface; flows through it stop with an
// error (the instance went away mid-transfer).
func (w *World) DetachInterface(id string) {
	f := &w.flows
	l := f.links[id]
	if l == nil {
		return
	}
	f.advance()
	for _, fl := range append([]*flow(nil), l.flows...) {
		f.remove(fl)
		fl.done.Fail(awserr.New("NetworkUnreachable", 504, true, "network interface %s was detached during the transfer", id))
	}
	delete(f.links, id)
	f.reshare()
}

// InterfaceStats returns what an interface carries.
func (w *World) InterfaceStats(id string) (InterfaceStats, bool) {
	l := w.flows.links[id]
	if l == nil {
		return InterfaceStats{}, false
	}
	w.flows.advance()
	return l.stats, true
}

// Transmit moves bytes from one place to another as one flow: the path's
// one-way latency, then the body at a rate shared max-min fairly with the
// other flows through the interfaces at either end (the Locations'
// NetworkInterfaceIDs, when attached), each flow capped at its path's
// single-flow throughput. Without attached interfaces it takes what
// World.Transfer draws. It returns when the last byte arrives, or early
// with ctx's error (the process interrupted, killed, or past a
// sim.WithTimeout deadline); an unreachable path is an error.
func (w *World) Transmit(ctx context.Context, from, to Location, bytes int64) error {
	p, err := sim.MustProcFrom(ctx)
	if err != nil {
		return err
	}
	if bytes < 0 {
		return awserr.New("InvalidParameterValue", 400, false, "negative transfer size %d", bytes)
	}
	if err := w.checkLoc(from); err != nil {
		return err
	}
	if err := w.checkLoc(to); err != nil {
		return err
	}
	if err := w.faults.reachable(w, from, to); err != nil {
		return err
	}
	d, _ := w.net.oneWay(w.net.streams[classOf(from, to)], from, to)
	if err := sleepCtx(ctx, p, d); err != nil {
		return err
	}
	return w.flow(ctx, p, from, to, bytes)
}

// flow moves the body of a transfer: through the flow model when an end
// has an attached interface, else at the path's single-flow rate.
func (w *World) flow(ctx context.Context, p *sim.Proc, from, to Location, bytes int64) error {
	if bytes == 0 {
		return nil
	}
	capBps := w.net.throughput(from, to) * 8
	f := &w.flows
	a, b := f.links[from.net.NetworkInterfaceID], f.links[to.net.NetworkInterfaceID]
	if a == nil && b == nil {
		return sleepCtx(ctx, p, time.Duration(float64(bytes)*8/capBps*float64(time.Second)))
	}
	f.advance()
	fl := &flow{links: [2]*link{a, b}, remaining: float64(bytes) * 8, cap: capBps, done: w.env.NewEvent("flow")}
	for _, l := range fl.links {
		if l != nil {
			l.flows = append(l.flows, fl)
			l.stats.Flows++
		}
	}
	f.all = append(f.all, fl)
	f.reshare()
	var werr error
	if at, ok := sim.DeadlineOf(ctx); ok {
		var fired bool
		fired, werr = p.WaitTimeout(fl.done, at.Sub(p.Now()))
		if werr == nil && !fired {
			werr = context.DeadlineExceeded
		}
	} else {
		werr = p.Wait(fl.done)
	}
	if !fl.done.Triggered() {
		// Abandoned (interrupted, killed, deadline): the flow stops.
		f.advance()
		f.remove(fl)
		f.reshare()
	}
	return werr
}

// advance brings every flow's remaining bits and every link's credit up
// to now at the current rates.
func (f *flows) advance() {
	now := f.w.env.Now()
	dt := now.Sub(f.last).Seconds()
	f.last = now
	if dt <= 0 {
		return
	}
	for _, fl := range f.all {
		fl.remaining = max(fl.remaining-fl.rate*dt, 0)
	}
	for _, l := range f.links {
		l.stats.Bits += l.stats.RateBps * dt
		if c := l.bw.creditCap(); c > 0 {
			l.credit = min(max(l.credit-(l.stats.RateBps-l.bw.BaselineBps)*dt, 0), c)
			l.stats.CreditBits = l.credit
		}
	}
}

func (f *flows) remove(fl *flow) {
	for _, l := range fl.links {
		if l == nil {
			continue
		}
		for i, x := range l.flows {
			if x == fl {
				l.flows = append(l.flows[:i], l.flows[i+1:]...)
				l.stats.Flows--
				break
			}
		}
	}
	for i, x := range f.all {
		if x == fl {
			f.all = append(f.all[:i], f.all[i+1:]...)
			break
		}
	}
}

// reshare finishes flows with nothing left, recomputes the max-min fair
// rates by progressive filling, and arms the timer for the next change.
func (f *flows) reshare() {
	const eps = 1e-3 // bits: below this a flow is done (float dust)
	for i := 0; i < len(f.all); {
		if fl := f.all[i]; fl.remaining <= eps {
			f.remove(fl)
			fl.done.Trigger(nil)
			continue
		}
		i++
	}
	// Progressive filling: raise every unfrozen flow's rate equally until
	// a flow reaches its cap or a link fills; freeze those; repeat.
	for _, fl := range f.all {
		fl.rate, fl.frozen = 0, false
	}
	for {
		inc := math.Inf(1)
		active := 0
		for _, fl := range f.all {
			if !fl.frozen {
				active++
				inc = min(inc, fl.cap-fl.rate)
			}
		}
		if active == 0 {
			break
		}
		for _, l := range f.links {
			n, used := 0, 0.0
			for _, fl := range l.flows {
				used += fl.rate
				if !fl.frozen {
					n++
				}
			}
			if n > 0 {
				inc = min(inc, (l.capacity()-used)/float64(n))
			}
		}
		inc = max(inc, 0)
		for _, fl := range f.all {
			if !fl.frozen {
				fl.rate += inc
			}
		}
		// Freeze flows at their cap or on a full link.
		for _, fl := range f.all {
			if !fl.frozen && fl.rate >= fl.cap*(1-1e-12) {
				fl.frozen = true
			}
		}
		for _, l := range f.links {
			used := 0.0
			for _, fl := range l.flows {
				used += fl.rate
			}
			if used >= l.capacity()*(1-1e-12) {
				for _, fl := range l.flows {
					fl.frozen = true
				}
			}
		}
	}
	next := math.Inf(1)
	for _, fl := range f.all {
		if fl.rate > 0 {
			next = min(next, fl.remaining/fl.rate)
		}
	}
	for _, l := range f.links {
		rate := 0.0
		for _, fl := range l.flows {
			rate += fl.rate
		}
		l.stats.RateBps = rate
		l.stats.PeakBps = max(l.stats.PeakBps, rate)
		if l.credit > 0 && rate > l.bw.BaselineBps {
			next = min(next, l.credit/(rate-l.bw.BaselineBps))
		}
	}
	if f.armed {
		f.timer.Stop()
		f.armed = false
	}
	if !math.IsInf(next, 1) {
		// Round up so the flow is done (not a hair short) when the timer runs.
		d := time.Duration(math.Ceil(next * float64(time.Second)))
		f.timer = f.w.env.At(f.w.env.Now().Add(d), func() {
			f.armed = false
			f.advance()
			f.reshare()
		})
		f.armed = true
	}
}

func (f *flows) String() string {
	return fmt.Sprintf("%d flows on %d interfaces", len(f.all), len(f.links))
}

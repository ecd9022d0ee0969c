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
	last   sim.Time // stats and credit are up to date at last
	mark   uint64   // reshare's pass that last listed the link
}

// advance brings the link's carried bits and burst credit up to now at
// its current rate (an idle link refills its credit).
func (l *link) advance(now sim.Time) {
	dt := now.Sub(l.last).Seconds()
	l.last = now
	if dt <= 0 {
		return
	}
	l.stats.Bits += l.stats.RateBps * dt
	if c := l.bw.creditCap(); c > 0 {
		l.credit = min(max(l.credit-(l.stats.RateBps-l.bw.BaselineBps)*dt, 0), c)
		l.stats.CreditBits = l.credit
	}
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
	pass  uint64
	busy  []*link // links with flows, listed by reshare
	// spare holds records of detached interfaces for the next attach:
	// instances come and go, and each attaches one interface for its life.
	spare []*link
	// spareFlows holds finished flows for reuse (newFlow).
	spareFlows []*flow
	// scratch is reshare's list of the links it looks at, kept between
	// passes so that a pass allocates none; onTimer is the timer's
	// function, made once.
	scratch []*link
	onTimer func()
}

// maxSpareLinks bounds the detached records kept for reuse.
const maxSpareLinks = 16

// AttachInterface registers a network interface with its bandwidth, at a
// place: ec2 attaches an instance's primary interface at launch, vpc the
// interfaces it creates. A Location naming the interface is valid from
// then on, and the flows through it share bw. Attaching an ID again
// updates its place and bandwidth (a resize); its burst credit starts
// full.
func (v Network) AttachInterface(id string, at Location, bw Bandwidth) error {
	w := v.w
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
		if n := len(f.spare); n > 0 {
			l, f.spare = f.spare[n-1], f.spare[:n-1]
			l.id = id
		} else {
			l = &link{id: id}
		}
		f.links[id] = l
	}
	l.advance(w.env.Now())
	l.loc, l.bw, l.credit = at, bw, bw.creditCap()
	l.stats.CreditBits = l.credit
	f.reshare()
	return nil
}

// DetachInterface removes an interface; flows through it stop with an
// error (the instance went away mid-transfer).
func (v Network) DetachInterface(id string) {
	w := v.w
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
	// Nothing refers to l now: its flows were removed, and reshare listed
	// it busy no more.
	if len(f.spare) < maxSpareLinks {
		*l = link{}
		f.spare = append(f.spare, l)
	}
}

// InterfaceStats returns what an interface carries.
func (v Network) InterfaceStats(id string) (InterfaceStats, bool) {
	w := v.w
	l := w.flows.links[id]
	if l == nil {
		return InterfaceStats{}, false
	}
	w.flows.advance()
	l.advance(w.env.Now())
	return l.stats, true
}

// Transmit moves bytes from one place to another as one flow: the path's
// one-way latency, then the body at a rate shared max-min fairly with the
// other flows through the interfaces at either end (the Locations'
// NetworkInterfaceIDs, when attached), each flow capped at its path's
// single-flow throughput. Without attached interfaces it takes what
// Network.Transfer draws. With a Router, a flow from or to a place inside a
// VPC follows its route (hop latency added; no route is an error). It
// returns when the last byte arrives, or early
// with ctx's error (the process interrupted, killed, or past a
// sim.WithTimeout deadline); an unreachable path is an error.
func (v Network) Transmit(ctx context.Context, from, to Location, bytes int64) error {
	w := v.w
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
	d, _ := w.net.oneWay(w.net.stream(classOf(&from, &to)), from, to)
	if w.router != nil && (from.net != nil || to.net != nil) {
		r, ok, err := v.Route(from, Destination{To: to})
		if err != nil {
			return err
		}
		if !ok {
			return awserr.New("NetworkUnreachable", 504, false, "no route from %v to %v", from, to)
		}
		d += r.ExtraLatency()
	}
	wt := newWaiter(ctx, p)
	if err := wt.sleep(d); err != nil {
		return err
	}
	return w.flow(&wt, &from, &to, bytes)
}

// Route asks the registered Router how from reaches to, as services do for
// flows between places (the pipeline asks for each call's own route).
// Without a Router every path is direct: a zero Route and ok == true. A
// panicking Router is an error naming the places.
func (v Network) Route(from Location, to Destination) (r Route, ok bool, err error) {
	w := v.w
	if w.router == nil {
		return Route{}, true, nil
	}
	if err := w.checkLoc(from); err != nil {
		return Route{}, false, err
	}
	defer func() {
		if x := recover(); x != nil {
			r, ok = Route{}, false
			err = awserr.New("InternalFailure", 500, false, "the network layer's Router panicked routing %v to %v: %v", from, to, x)
		}
	}()
	r, ok = w.router.Route(from, to)
	return r, ok, nil
}

// flow moves the body of a transfer: through the flow model when an end
// has an attached interface, else at the path's single-flow rate. The
// Locations are taken by pointer (seven words each), and an end without
// an interface (most calls' caller or endpoint) is not looked up:
// AttachInterface refuses the empty ID, so no link has it.
func (w *World) flow(wt *waiter, from, to *Location, bytes int64) error {
	if bytes == 0 {
		return nil
	}
	capBps := w.net.throughputOf(from, to) * 8
	f := &w.flows
	var a, b *link
	if from.net != nil {
		a = f.linkOf(from.net.NetworkInterfaceID)
	}
	if to.net != nil {
		b = f.linkOf(to.net.NetworkInterfaceID)
	}
	if a == nil && b == nil {
		return wt.sleep(w.plainFlowTime(from, to, bytes))
	}
	f.advance()
	fl := f.newFlow()
	fl.links, fl.remaining, fl.cap, fl.done = [2]*link{a, b}, float64(bytes)*8, capBps, w.env.NewEvent("flow")
	for _, l := range fl.links {
		if l != nil {
			l.flows = append(l.flows, fl)
			l.stats.Flows++
		}
	}
	f.all = append(f.all, fl)
	f.reshare()
	var werr error
	p := wt.p
	if at, ok := wt.at, wt.bounded; ok { // sim.DeadlineOf(ctx), looked up by newWaiter
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
	// Nothing refers to fl now: reshare (or remove, above) took it off
	// its links and f.all, and its event has fired or been left.
	f.freeFlow(fl)
	return werr
}

// plainFlowTime is the time bytes take from one place to another when
// neither end has an interface whose bandwidth flows share: the path's
// single-flow throughput alone.
func (w *World) plainFlowTime(from, to *Location, bytes int64) time.Duration {
	capBps := w.net.throughputOf(from, to) * 8
	return time.Duration(float64(bytes) * 8 / capBps * float64(time.Second))
}

// linkOf returns the attached interface id, or nil; "" (no interface)
// is never attached.
func (f *flows) linkOf(id string) *link {
	if id == "" {
		return nil
	}
	return f.links[id]
}

// maxSpareFlows bounds the finished flows kept for reuse.
const maxSpareFlows = 64

// newFlow returns a zero flow, reusing a finished one: a study moves
// thousands of bodies, each a flow that is over when its call returns.
func (f *flows) newFlow() *flow {
	if n := len(f.spareFlows); n > 0 {
		fl := f.spareFlows[n-1]
		f.spareFlows[n-1] = nil
		f.spareFlows = f.spareFlows[:n-1]
		return fl
	}
	return new(flow)
}

// freeFlow takes back a flow that is no longer on any list, cleared so
// that it keeps no link or event alive.
func (f *flows) freeFlow(fl *flow) {
	if len(f.spareFlows) < maxSpareFlows {
		*fl = flow{}
		f.spareFlows = append(f.spareFlows, fl)
	}
}

// advance brings every flow's remaining bits, and the busy links' stats
// and credit, up to now at the current rates. Idle links catch up when
// next touched, so the cost is in the flows, not the world's interfaces.
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
	for _, l := range f.busy {
		l.advance(now)
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
	if len(f.all) == 0 && len(f.busy) == 0 && !f.armed {
		// No flow, no busy link, no timer: nothing to finish, share or
		// arm. Every instance attaches and detaches an interface, mostly
		// with no flow running.
		return
	}
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
	// The links whose rates may change: those of remaining flows, and
	// those that were busy before (they may have gone idle).
	now := f.w.env.Now()
	f.pass++
	busy := f.scratch[:0] // f.busy is read while busy is built
	list := func(l *link) {
		if l != nil && l.mark != f.pass {
			l.mark = f.pass
			l.advance(now)
			busy = append(busy, l)
		}
	}
	for _, l := range f.busy {
		list(l)
	}
	for _, fl := range f.all {
		fl.rate, fl.frozen = 0, false
		list(fl.links[0])
		list(fl.links[1])
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
		for _, l := range busy {
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
		for _, l := range busy {
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
	f.busy = f.busy[:0]
	for _, l := range busy {
		rate := 0.0
		for _, fl := range l.flows {
			rate += fl.rate
		}
		l.stats.RateBps = rate
		l.stats.PeakBps = max(l.stats.PeakBps, rate)
		if l.credit > 0 && rate > l.bw.BaselineBps {
			next = min(next, l.credit/(rate-l.bw.BaselineBps))
		}
		if len(l.flows) > 0 {
			f.busy = append(f.busy, l)
		}
	}
	clear(busy) // keeps no link alive
	f.scratch = busy[:0]
	if f.armed {
		f.timer.Stop()
		f.armed = false
	}
	if !math.IsInf(next, 1) {
		// Round up so the flow is done (not a hair short) when the timer runs.
		d := time.Duration(math.Ceil(next * float64(time.Second)))
		if f.onTimer == nil {
			f.onTimer = func() {
				f.armed = false
				f.advance()
				f.reshare()
			}
		}
		f.timer = f.w.env.At(f.w.env.Now().Add(d), f.onTimer)
		f.armed = true
	}
}

func (f *flows) String() string {
	return fmt.Sprintf("%d flows on %d interfaces", len(f.all), len(f.links))
}

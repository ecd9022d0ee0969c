package sim

import (
	"fmt"
	"math"
)

// Counter counts occurrences. The zero Counter is ready to use.
type Counter struct {
	n int64
}

// Add adds d to the counter.
func (c *Counter) Add(d int64) { c.n += d }

// Inc adds one.
func (c *Counter) Inc() { c.n++ }

// Value returns the count.
func (c *Counter) Value() int64 { return c.n }

// Gauge is a time-weighted quantity (queue length, instances running,
// credit balance): it holds a value that changes at instants, and reports
// its time-weighted mean and maximum.
//
// By default a gauge keeps running integrals only (the area under it, its
// maximum and its last reading), so it takes constant memory however long
// the run: a queue that sees a million customers costs the same as one
// that sees ten. Mean, Max and Value cover the gauge's whole life, and
// MeanOver and MaxOver answer any window that contains it (from at or
// before creation, to at or after the last change).
//
// Arbitrary windows chosen after the run (availability over the second
// week, say) need every change: create the gauge with KeepHistory, which
// costs memory in proportion to the number of changes.
type Gauge struct {
	env   *Env
	name  string
	start Time    // creation
	first float64 // reading at creation (after same-instant changes)
	last  float64 // current reading
	lastT Time    // instant of the last change (start if none)
	area  float64 // integral over [start, lastT]
	max   float64 // largest reading held over a positive stretch before lastT (-Inf if none)

	hist *gaugeHistory // nil unless KeepHistory
}

// gaugeHistory is every change: the gauge read vs[i] from ts[i] on.
type gaugeHistory struct {
	ts []Time
	vs []float64
}

// GaugeOption configures NewGauge (and NewResource's gauges).
type GaugeOption func(*Gauge)

// KeepHistory makes a gauge keep every change, so that MeanOver and
// MaxOver answer any window. Memory grows with the number of changes.
func KeepHistory() GaugeOption {
	return func(g *Gauge) {
		if g.hist == nil {
			g.hist = &gaugeHistory{ts: []Time{g.start}, vs: []float64{g.first}}
		}
	}
}

// NewGauge returns a gauge reading v0 from now on.
func (e *Env) NewGauge(name string, v0 float64, opts ...GaugeOption) *Gauge {
	g := &Gauge{env: e, name: name, start: e.now, first: v0, last: v0, lastT: e.now, max: math.Inf(-1)}
	for _, o := range opts {
		o(g)
	}
	return g
}

// Name returns the gauge's name.
func (g *Gauge) Name() string { return g.name }

// KeepsHistory reports whether the gauge keeps every change.
func (g *Gauge) KeepsHistory() bool { return g.hist != nil }

// Set records that the gauge reads v from now on.
func (g *Gauge) Set(v float64) {
	now := g.env.now
	if now == g.lastT {
		// A change at the same instant replaces the reading: the value it
		// replaces was never in force.
		g.last = v
		if now == g.start {
			g.first = v
		}
	} else {
		g.area += g.last * float64(now-g.lastT)
		g.max = math.Max(g.max, g.last)
		g.last, g.lastT = v, now
	}
	if h := g.hist; h != nil {
		if n := len(h.ts); h.ts[n-1] == now {
			h.vs[n-1] = v
			return
		}
		h.ts = append(h.ts, now)
		h.vs = append(h.vs, v)
	}
}

// Add changes the gauge by d.
func (g *Gauge) Add(d float64) { g.Set(g.last + d) }

// Value returns the current reading.
func (g *Gauge) Value() float64 { return g.last }

// Mean returns the time-weighted mean from the gauge's creation to now.
func (g *Gauge) Mean() float64 { return g.MeanOver(g.start, g.env.now) }

// Max returns the largest reading from creation to now.
func (g *Gauge) Max() float64 { return math.Max(g.max, g.last) }

// whole reports whether [from, to] contains the gauge's life up to its
// last change, the windows the running integrals answer.
func (g *Gauge) whole(from, to Time) bool { return from <= g.start && to >= g.lastT }

func (g *Gauge) needHistory(op string, from, to Time) {
	panic(fmt.Sprintf("sim: Gauge %q: %s(%v, %v) needs the gauge's history (it covers [%v, %v] only); create it with sim.KeepHistory()",
		g.name, op, from, to, g.start, g.lastT))
}

// MeanOver returns the time-weighted mean over [from, to]. An empty window
// returns the reading at from. Before its creation the gauge counts as
// reading its first value. Without KeepHistory the window must contain
// the gauge's life up to its last change, or MeanOver panics.
func (g *Gauge) MeanOver(from, to Time) float64 {
	if to < from {
		panic(fmt.Sprintf("sim: Gauge.MeanOver: window [%v, %v] is reversed", from, to))
	}
	if g.hist != nil {
		return g.hist.meanOver(from, to)
	}
	if !g.whole(from, to) {
		g.needHistory("MeanOver", from, to)
	}
	if to == from {
		return g.last // from <= start and to >= lastT: no change after start
	}
	// The same sums in the same order as the history's, so that a gauge
	// reports the same mean with or without history.
	area := g.area
	if end := to; end > g.lastT {
		area += g.last * float64(end-g.lastT)
	}
	if from < g.start {
		area += g.first * float64(g.start-from)
	}
	return area / float64(to-from)
}

// MaxOver returns the largest reading in force at any instant of [from,
// to]. Without KeepHistory the window must contain the gauge's life up to
// its last change, or MaxOver panics.
func (g *Gauge) MaxOver(from, to Time) float64 {
	if g.hist != nil {
		return g.hist.maxOver(from, to)
	}
	if !g.whole(from, to) {
		g.needHistory("MaxOver", from, to)
	}
	return g.Max()
}

func (h *gaugeHistory) meanOver(from, to Time) float64 {
	if to == from {
		return h.at(from)
	}
	var area float64
	for i := range h.ts {
		start := max(h.ts[i], from)
		end := to
		if i+1 < len(h.ts) {
			end = min(h.ts[i+1], to)
		}
		if end > start {
			area += h.vs[i] * float64(end-start)
		}
	}
	// Before the first change the gauge read its initial value.
	if from < h.ts[0] {
		area += h.vs[0] * float64(min(h.ts[0], to)-from)
	}
	return area / float64(to-from)
}

func (h *gaugeHistory) maxOver(from, to Time) float64 {
	m := h.at(from)
	for i, t := range h.ts {
		if t > from && t <= to {
			m = math.Max(m, h.vs[i])
		}
	}
	return m
}

func (h *gaugeHistory) at(t Time) float64 {
	v := h.vs[0]
	for i, ti := range h.ts {
		if ti > t {
			break
		}
		v = h.vs[i]
	}
	return v
}

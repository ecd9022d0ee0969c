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
// its time average and maximum over any window. It keeps every change, so
// windows can be chosen after the run.
type Gauge struct {
	env  *Env
	name string
	ts   []Time
	vs   []float64
}

// NewGauge returns a gauge reading v0 from now on.
func (e *Env) NewGauge(name string, v0 float64) *Gauge {
	return &Gauge{env: e, name: name, ts: []Time{e.now}, vs: []float64{v0}}
}

// Name returns the gauge's name.
func (g *Gauge) Name() string { return g.name }

// Set records that the gauge reads v from now on.
func (g *Gauge) Set(v float64) {
	now := g.env.now
	if n := len(g.ts); g.ts[n-1] == now {
		g.vs[n-1] = v
		return
	}
	g.ts = append(g.ts, now)
	g.vs = append(g.vs, v)
}

// Add changes the gauge by d.
func (g *Gauge) Add(d float64) { g.Set(g.Value() + d) }

// Value returns the current reading.
func (g *Gauge) Value() float64 { return g.vs[len(g.vs)-1] }

// Mean returns the time-weighted mean from the gauge's creation to now.
func (g *Gauge) Mean() float64 { return g.MeanOver(g.ts[0], g.env.now) }

// Max returns the largest reading from creation to now.
func (g *Gauge) Max() float64 { return g.MaxOver(g.ts[0], g.env.now) }

// MeanOver returns the time-weighted mean over [from, to]. An empty window
// returns the reading at from.
func (g *Gauge) MeanOver(from, to Time) float64 {
	if to < from {
		panic(fmt.Sprintf("sim: Gauge.MeanOver: window [%v, %v] is reversed", from, to))
	}
	if to == from {
		return g.at(from)
	}
	var area float64
	for i := range g.ts {
		start := max(g.ts[i], from)
		end := to
		if i+1 < len(g.ts) {
			end = min(g.ts[i+1], to)
		}
		if end > start {
			area += g.vs[i] * float64(end-start)
		}
	}
	// Before the first change the gauge read its initial value.
	if from < g.ts[0] {
		area += g.vs[0] * float64(min(g.ts[0], to)-from)
	}
	return area / float64(to-from)
}

// MaxOver returns the largest reading in force at any instant of [from, to].
func (g *Gauge) MaxOver(from, to Time) float64 {
	m := g.at(from)
	for i, t := range g.ts {
		if t > from && t <= to {
			m = math.Max(m, g.vs[i])
		}
	}
	return m
}

func (g *Gauge) at(t Time) float64 {
	v := g.vs[0]
	for i, ti := range g.ts {
		if ti > t {
			break
		}
		v = g.vs[i]
	}
	return v
}

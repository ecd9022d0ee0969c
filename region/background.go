package region

import (
	"math/rand/v2"
	"sort"
	"time"

	"github.com/nimbus-sim/nimbus/internal/awserr"
	"github.com/nimbus-sim/nimbus/sim"
)

// BackgroundDemand is other customers' on-demand load on a pool of hosts:
// launches arrive as a Poisson process and each tenant stays for an
// exponential lifetime. In steady state the pool holds about
// ArrivalsPerHour x MeanLifetime/1h tenants (Little's law), so capacity
// pressure, InsufficientInstanceCapacity and (in ec2) spot reclamation
// emerge from the model instead of a fixed rate.
type BackgroundDemand struct {
	ArrivalsPerHour float64
	MeanLifetime    time.Duration
	// Mix weights the instance types launched; nil means every type the
	// host type supports, equally.
	Mix map[string]float64
}

// BackgroundStats counts a pool's background tenants.
type BackgroundStats struct {
	Launched int // placed
	Rejected int // found no host (InsufficientInstanceCapacity)
	Departed int // left at the end of their lifetime
}

type background struct {
	pool   *pool
	demand BackgroundDemand
	shapes []uint16
	cum    []float64
	rng    *rand.Rand
	active bool
	epoch  uint32
	stats  BackgroundStats
}

type bgHandles struct {
	ok             bool
	arrive, depart sim.Handler
}

// StartBackground starts (or replaces) background demand on the hosts of
// hostType in zone azID. Tenants are ordinary placements marked
// Background in SlotInfo and HostEvent. Arrivals and departures are
// daemon events (see package sim): they run alongside the scenario but do
// not keep env.Run going, which returns when the scenario's own processes
// are done; RunUntil and RunFor play a fixed horizon with the tenants.
func (v Fleet) StartBackground(azID, hostType string, d BackgroundDemand) error {
	w := v.w
	p, err := w.poolOf(azID, hostType)
	if err != nil {
		return err
	}
	if !(d.ArrivalsPerHour > 0) || d.MeanLifetime <= 0 {
		return awserr.New("InvalidParameterValue", 400, false,
			"background demand needs a positive arrival rate and lifetime, got %v/h and %v", d.ArrivalsPerHour, d.MeanLifetime)
	}
	ht := &w.hostTypes[p.typ]
	var shapes []uint16
	var weights []float64
	if d.Mix == nil {
		for i := range w.shapes {
			if ht.Supports(w.shapes[i]) {
				shapes = append(shapes, uint16(i))
				weights = append(weights, 1)
			}
		}
	} else {
		names := make([]string, 0, len(d.Mix))
		for n := range d.Mix {
			names = append(names, n)
		}
		sort.Strings(names) // map order must not leak into the draws
		for _, n := range names {
			si, ok := w.shapeIx[n]
			if !ok || !ht.Supports(w.shapes[si]) || !(d.Mix[n] >= 0) {
				return awserr.New("InvalidParameterValue", 400, false,
					"background mix: %q is not an instance type host type %s hosts, or its weight is negative", n, hostType)
			}
			shapes = append(shapes, si)
			weights = append(weights, d.Mix[n])
		}
	}
	cum := make([]float64, len(weights))
	total := 0.0
	for i, x := range weights {
		total += x
		cum[i] = total
	}
	if len(shapes) == 0 || !(total > 0) {
		return awserr.New("InvalidParameterValue", 400, false, "background mix for %s has no weight", hostType)
	}
	if !w.bg.ok {
		// Daemon handlers: other tenants come and go for ever, by
		// themselves, so their arrivals and departures must not keep
		// env.Run going once the scenario's own work is done.
		w.bg = bgHandles{ok: true, arrive: w.env.HandleDaemon(w.bgArrive), depart: w.env.HandleDaemon(w.bgDepart)}
	}
	b := p.bg
	if b == nil {
		b = &background{pool: p, rng: w.env.Rand("region/background/" + azID + "/" + hostType)}
		p.bg = b
	}
	b.demand, b.shapes, b.cum = d, shapes, cum
	b.active = true
	b.epoch++
	w.scheduleArrival(b)
	return nil
}

// StopBackground stops new background launches on a pool; tenants already
// running leave at the end of their lifetimes.
func (v Fleet) StopBackground(azID, hostType string) error {
	w := v.w
	p, err := w.poolOf(azID, hostType)
	if err != nil {
		return err
	}
	if p.bg != nil {
		p.bg.active = false
		p.bg.epoch++
	}
	return nil
}

// Background returns a pool's background counts.
func (v Fleet) Background(azID, hostType string) (BackgroundStats, error) {
	w := v.w
	p, err := w.poolOf(azID, hostType)
	if err != nil || p.bg == nil {
		return BackgroundStats{}, err
	}
	return p.bg.stats, nil
}

func (w *World) poolOf(azID, hostType string) (*pool, error) {
	z, err := w.AZ(azID)
	if err != nil {
		return nil, err
	}
	ti, ok := w.hostTypeIx[hostType]
	if !ok || w.zonePools(z)[ti] == nil {
		return nil, awserr.New("InvalidParameterValue", 400, false, "zone %s has no hosts of type %q", azID, hostType)
	}
	return w.zonePools(z)[ti], nil
}

func (w *World) scheduleArrival(b *background) {
	mean := time.Duration(float64(time.Hour) / b.demand.ArrivalsPerHour)
	w.env.ScheduleAfter(sim.Exp(b.rng, mean), w.bg.arrive, uint64(b.epoch)<<32|uint64(b.pool.idx))
}

func (w *World) bgArrive(arg uint64) {
	b := w.pools[uint32(arg)].bg
	if !b.active || uint32(arg>>32) != b.epoch {
		return // stopped or restarted since this arrival was drawn
	}
	u := b.rng.Float64() * b.cum[len(b.cum)-1]
	k := sort.SearchFloat64s(b.cum, u)
	if k >= len(b.shapes) {
		k = len(b.shapes) - 1
	}
	si := b.shapes[k]
	hi, alloc, ok := w.search(b.pool, &w.shapes[si], PlaceOptions{}, nil)
	if !ok || w.faults.azDown(b.pool.az) {
		b.stats.Rejected++
		if !w.faults.azDown(b.pool.az) {
			w.shortage(b.pool.az, si, true)
		}
	} else {
		s := w.take(hi, si, alloc, 0, 0, true)
		b.stats.Launched++
		w.env.ScheduleAfter(sim.Exp(b.rng, b.demand.MeanLifetime), w.bg.depart, uint64(s))
	}
	w.scheduleArrival(b)
}

func (w *World) bgDepart(arg uint64) {
	s := Slot(arg)
	sl, err := w.lookup(s)
	if err != nil || !sl.background() {
		return // its host failed first
	}
	if b := w.pools[w.hosts[sl.host].pool].bg; b != nil {
		b.stats.Departed++
	}
	w.free(s.index())
}

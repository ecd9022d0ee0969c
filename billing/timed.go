package billing

import (
	"time"

	"github.com/nimbus-sim/nimbus/sim"
)

// Granularity is how a timed meter rounds a run (a start-to-stop interval).
type Granularity uint8

const (
	// PerSecond60 bills each run per second, rounding the run up to a
	// whole second, with a 60-second minimum per start: Linux on-demand and
	// spot instances and EBS volumes since 2017-10-02 [per-second billing].
	// It is the zero value.
	PerSecond60 Granularity = iota
	// PerSecond bills per second without a minimum (continuously metered
	// storage such as S3 byte-hours, public IPv4 address time).
	PerSecond
	// PerHour bills every started hour in full (OSes with an hourly fee,
	// Dedicated Instances, NAT gateway hours, fast snapshot restore).
	PerHour
)

func (g Granularity) String() string {
	switch g {
	case PerSecond60:
		return "per-second (60 s minimum)"
	case PerSecond:
		return "per-second"
	case PerHour:
		return "per-hour"
	}
	return "Granularity(?)"
}

// MeterID names a running timed meter. The zero value is invalid.
type MeterID uint64

func (id MeterID) IsValid() bool { return id != 0 }

// firstMeters is the room a ledger's first timed meter makes for more.
const firstMeters = 8

func meterID(idx, gen uint32) MeterID { return MeterID(uint64(gen)<<32 | uint64(idx)) }

// StopOptions qualifies how a timed meter stops.
type StopOptions struct {
	// Interrupted marks an EC2-initiated spot interruption. Per "Billing
	// for interrupted Spot Instances" [interrupted Spot billing]: interrupted
	// in the first instance-hour, the run is not charged at all; after it,
	// per-second for the time used (per-hour meters: full hours only, the
	// interrupted partial hour is free). A user-initiated stop is billed
	// normally.
	Interrupted bool
}

// seg is a stretch of a run with one rate and price.
type seg struct {
	from  sim.Time
	rate  int64
	price Price
}

// A timedMeter is 120 bytes, so that a replication's first block of
// firstMeters fits a 1 KiB size class.
type timedMeter struct {
	gen  uint32
	live bool
	gran Granularity
	// runPos is the meter's index in its account's running list, so that
	// StopTimed removes it without searching a list as long as the
	// account's fleet.
	runPos int32
	// slot is the accumulator the last piece went to (at first, that of
	// the run's start; its key has the piece's month and price): most runs
	// commit into a single slot, found here without hashing the key again.
	slot     int32
	base     lineKey // month and price filled per piece
	runStart sim.Time
	// committed is whole seconds since runStart already added to slots;
	// pending holds segments not yet committed (those started in a run's
	// first hour, which an interruption could still make free, and all of a
	// per-hour run). cur is the open segment.
	committed int64
	pending   []seg
	cur       seg
}

// StartTimed starts a time-based or capacity-based meter at the current
// instant: u.Quantity raw units accrue per second of the run — 1 for an
// instance (raw unit: seconds), the provisioned GiB for an EBS volume
// (GiB-seconds), IOPS above the free baseline for gp3 IOPS, bytes stored
// for S3 storage. Capacity accrues whether or not it is used. u.Start and
// u.End are ignored; u.Price overrides the catalog price (spot).
//
// Each StartTimed begins a run, so the 60-second minimum of PerSecond60
// applies per start: stop and start an instance three times for 30 s each
// and three minutes are billed.
func (l *Ledger) StartTimed(u Usage, g Granularity) (MeterID, error) {
	if g > PerHour {
		return 0, newErr(ErrInvalidUsage, "billing: unknown granularity %d", g)
	}
	if u.Quantity < 0 || u.Price < 0 {
		return 0, newErr(ErrInvalidUsage, "billing: negative rate %d or price %v for %s", u.Quantity, u.Price, u.UsageType)
	}
	now := l.env.Now()
	d, err := l.dimsOf(&u)
	if err != nil {
		return 0, err
	}
	k := lineKey{slotKey: slotKey{dims: d, timed: true}, resource: u.ResourceID}
	if len(u.Tags) > 0 {
		k.tags = l.tagID(u.Tags)
	}
	// Validate now, so that a bad usage type fails at start, not at stop.
	probe := k
	probe.month, probe.price = l.monthOf(now), u.Price
	si, err := l.slotOf(&probe)
	if err != nil {
		return 0, err
	}
	var idx uint32
	if n := len(l.freeMeters); n > 0 {
		idx = l.freeMeters[n-1]
		l.freeMeters = l.freeMeters[:n-1]
	} else {
		idx = uint32(len(l.meters))
		if l.meters == nil {
			// Room for a replication's fleet: an instance, its volume
			// and address, restarted a few times (7 meters at most in
			// most of examples/spot-training's replications); a bigger
			// fleet grows by doubling, as appends do.
			l.meters, l.freeMeters = make([]timedMeter, 0, firstMeters), make([]uint32, 0, firstMeters)
		}
		l.meters = append(l.meters, timedMeter{})
	}
	m := &l.meters[idx]
	m.gen++
	if m.gen == 0 {
		m.gen = 1
	}
	m.live = true
	m.base = k
	m.gran = g
	m.runStart = now
	m.committed = 0
	m.pending = m.pending[:0]
	m.cur = seg{from: now, rate: u.Quantity, price: u.Price}
	m.slot = si
	a := l.dims[d].acct // set by slotOf
	m.runPos = int32(len(a.running))
	if a.running == nil {
		a.running = a.running0[:0]
	}
	a.running = append(a.running, idx)
	if l.watched != nil {
		l.touch(a.id)
	}
	if l.env.Tracing() {
		l.env.Emit(k.resource, "billing.meter.start", sim.F("usageType", u.UsageType), sim.F("rate", u.Quantity))
	}
	return meterID(idx, m.gen), nil
}

func (l *Ledger) meter(id MeterID) (*timedMeter, uint32, error) {
	idx, gen := uint32(id), uint32(id>>32)
	if int(idx) >= len(l.meters) || l.meters[idx].gen != gen || !l.meters[idx].live {
		return nil, 0, newErr(ErrNoSuchMeter, "billing: no running meter %#x", uint64(id))
	}
	return &l.meters[idx], idx, nil
}

// Running reports whether id names a running meter.
func (l *Ledger) Running(id MeterID) bool {
	_, _, err := l.meter(id)
	return err == nil
}

// SetTimedRate changes a running meter's rate from now on (a volume
// resized, bytes stored changed) without starting a new run. The rate it
// already has changes nothing: the running segment goes on (an S3 object
// overwritten by one of its size, as a checkpoint under a fixed key is,
// leaves the bucket's bytes as they were).
func (l *Ledger) SetTimedRate(id MeterID, rate int64) error {
	m, _, err := l.meter(id)
	if err != nil {
		return err
	}
	if rate < 0 {
		return newErr(ErrInvalidUsage, "billing: negative rate %d", rate)
	}
	if rate == m.cur.rate {
		return nil
	}
	l.cut(m, seg{rate: rate, price: m.cur.price})
	return nil
}

// SetTimedPrice changes a running meter's caller-supplied price from now on
// (the spot price moved).
func (l *Ledger) SetTimedPrice(id MeterID, p Price) error {
	m, _, err := l.meter(id)
	if err != nil {
		return err
	}
	if p <= 0 {
		return newErr(ErrInvalidUsage, "billing: SetTimedPrice needs a positive price, got %v", p)
	}
	l.cut(m, seg{rate: m.cur.rate, price: p})
	return nil
}

// cut closes the open segment at now and opens next.
func (l *Ledger) cut(m *timedMeter, next seg) {
	now := l.env.Now()
	next.from = now
	if now == m.cur.from {
		m.cur = next
		return
	}
	m.pending = append(m.pending, m.cur)
	m.cur = next
	// Commit eagerly once the run is past its first hour (an interruption
	// can no longer make it free) so pending stays short for meters whose
	// rate changes often, such as S3 bytes stored.
	if m.gran != PerHour && now.Sub(m.runStart) >= time.Hour {
		if s := m.pending[0]; len(m.pending) == 1 && s.from >= l.span.start && now <= l.span.end {
			// The one closed segment lies in the cached month, as it
			// does for a meter whose rate changes often: emitRun's one
			// piece, without its loop and indirect call.
			if secs := int64(now.Sub(m.runStart)/time.Second) - m.committed; secs > 0 {
				l.commitPiece(m, piece{month: l.span.m, rate: s.rate, price: s.price, secs: secs, first: s.from, last: now})
			}
		} else {
			l.emitRun(m, m.pending, now, endCut, l.commitPiece)
		}
		m.pending = m.pending[:0]
	}
	if l.watched != nil {
		l.touch(l.dims[m.base.dims].account)
	}
}

// StopTimed stops a meter at the current instant and commits its run.
func (l *Ledger) StopTimed(id MeterID, opt StopOptions) error {
	m, idx, err := l.meter(id)
	if err != nil {
		return err
	}
	now := l.env.Now()
	e := endStop
	if opt.Interrupted {
		e = endInterrupt
	}
	if c := m.cur.from; len(m.pending) == 0 && c >= l.span.start && c < l.span.end && now <= l.span.end {
		// One segment, within the cached month, as most runs are:
		// emitRun's one piece, without its loops and indirect call.
		if secs := billedSeconds(m.gran, now.Sub(m.runStart), e) - m.committed; secs > 0 {
			l.commitPiece(m, piece{month: l.span.m, rate: m.cur.rate, price: m.cur.price, secs: secs, first: c, last: now})
		}
	} else {
		l.emitRun(m, l.runSegs(m), now, e, l.commitPiece)
	}
	m.pending = m.pending[:0]
	m.live = false
	// Swap-remove from the running list, as a search would find it there.
	d := &l.dims[m.base.dims]
	a := d.acct
	run := a.running
	i, last := m.runPos, run[len(run)-1]
	if invariants && run[i] != idx {
		panic("billing: invariant: a running meter is not where its runPos says")
	}
	run[i] = last
	l.meters[last].runPos = i
	a.running = run[:len(run)-1]
	l.freeMeters = append(l.freeMeters, idx)
	if l.watched != nil {
		l.touch(a.id)
	}
	if l.env.Tracing() {
		l.env.Emit(m.base.resource, "billing.meter.stop", sim.F("usageType", d.usageType), sim.F("interrupted", opt.Interrupted))
	}
	return nil
}

// runEnd says how the uncommitted part of a run is being closed.
type runEnd uint8

const (
	endCut       runEnd = iota // a rate or price change: commit whole seconds so far
	endStop                    // the user stopped the meter
	endInterrupt               // EC2 interrupted a spot instance
	endAccrued                 // a view at an instant (invoices, budgets): nothing committed
)

// billedSeconds is the whole-second length a run of duration d is billed
// when it ends as e. A running meter has accrued the elapsed whole seconds
// (at least the 60-second minimum once started; a started hour for hourly
// meters), so its cost is a non-decreasing step function of time whose
// steps fall on whole seconds after the start; stopping rounds the last
// partial second (or hour) up.
func billedSeconds(g Granularity, d time.Duration, e runEnd) int64 {
	secs := int64((d + time.Second - 1) / time.Second)
	if e == endAccrued {
		secs = int64(d / time.Second)
	}
	switch g {
	case PerSecond60:
		if e == endInterrupt && d < time.Hour {
			return 0
		}
		return max(secs, 60)
	case PerSecond:
		if e == endInterrupt && d < time.Hour {
			return 0
		}
		return secs
	default: // PerHour
		h := int64((d + time.Hour - 1) / time.Hour)
		switch e {
		case endInterrupt:
			h = int64(d / time.Hour) // the interrupted partial hour is free
		case endAccrued:
			h = max(h, 1)
		}
		return h * 3600
	}
}

// piece is a run's contribution to one (month, rate, price) accumulator.
type piece struct {
	month       Month
	rate        int64
	price       Price
	secs        int64
	first, last sim.Time
}

// runSegs returns the uncommitted segments of m's run, the open one
// last, in the ledger's scratch: valid until the next call. Most meters
// never change rate, so their pending list would otherwise be allocated
// just to stop them once.
func (l *Ledger) runSegs(m *timedMeter) []seg {
	l.segs = append(append(l.segs[:0], m.pending...), m.cur)
	return l.segs
}

// emitRun splits the uncommitted part of a run — segs, ending at end —
// into pieces at segment and month boundaries and hands them to emit.
// Whole seconds are assigned by flooring the elapsed time since the run's
// start at each boundary, so pieces add up exactly; if final, the last
// piece also takes the rounding up and the minimum (billedSeconds). The
// meter's committed count advances only when emit commits (virtual
// evaluations for budgets and invoices pass a non-committing emit).
func (l *Ledger) emitRun(m *timedMeter, segs []seg, end sim.Time, e runEnd, emit func(m *timedMeter, p piece)) int64 {
	committed := m.committed
	final := e != endCut
	var total int64
	if final {
		total = billedSeconds(m.gran, end.Sub(m.runStart), e)
		if total == 0 {
			return committed
		}
	}
	floorAt := func(t sim.Time) int64 { return int64(t.Sub(m.runStart) / time.Second) }
	for i, s := range segs {
		to := end
		if i+1 < len(segs) {
			to = segs[i+1].from
		}
		from := s.from
		for from < to {
			mo := l.monthOf(from)
			ms := l.span // monthOf's month: mo's span
			if ms.m != mo {
				ms = spanOf(l.env, mo)
			}
			pe := min(to, ms.end)
			last := final && i == len(segs)-1 && pe == to
			var upto int64
			switch {
			case last:
				upto = total
			case final:
				upto = min(floorAt(pe), total)
			default:
				upto = floorAt(pe)
			}
			if secs := upto - committed; secs > 0 {
				emit(m, piece{month: mo, rate: s.rate, price: s.price, secs: secs, first: from, last: pe})
				committed = upto
			}
			from = pe
		}
	}
	if final && committed < total && len(segs) > 0 {
		// A zero-length final segment: put the minimum on the last segment.
		s := segs[len(segs)-1]
		emit(m, piece{month: l.monthOf(s.from), rate: s.rate, price: s.price, secs: total - committed, first: s.from, last: end})
		committed = total
	}
	return committed
}

// commitPiece adds a piece to its slot.
func (l *Ledger) commitPiece(m *timedMeter, p piece) {
	s := l.slots.at(m.slot)
	if p.month != s.key.month || p.price != s.key.price {
		k := m.base
		k.month, k.price = p.month, p.price
		i, err := l.slotOf(&k)
		if err != nil {
			// The key was validated at StartTimed; only a caller price of
			// zero on a caller-priced type can get here, and SetTimedPrice
			// rejects it.
			panic("billing: timed meter lost its price: " + err.Error())
		}
		m.slot, s = i, l.slots.at(i)
	}
	s.qty.mulAdd(uint64(p.secs), uint64(p.rate))
	s.first = min(s.first, p.first)
	s.last = max(s.last, p.last)
	s.records++
	m.committed += p.secs
}

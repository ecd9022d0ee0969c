package failure

import (
	"fmt"
	"strings"
	"time"
)

// Injector schedules faults on a Harness. Injectors are values that print
// themselves (the trace and a study's fault plan name them) and compose:
//
//	failure.At(2*time.Hour, failure.AZOutage("use1-az1", 30*time.Minute))
//	failure.All(failure.HostFailures("h-1", 1000*time.Hour, 4*time.Hour), ...)
//	failure.During(time.Hour, 3*time.Hour, failure.Randomly(0.5, ...))
//
// Start is called at the instant the injector begins; times in an
// injector are relative to that instant.
type Injector interface {
	fmt.Stringer
	Start(h *Harness)
}

type forInj struct {
	f Fault
	d time.Duration
}

// For applies f and reverts it after d. A d of zero or less keeps the
// fault for the rest of the run.
func For(f Fault, d time.Duration) Injector { return forInj{f, d} }

func (i forInj) String() string {
	if i.d <= 0 {
		return i.f.String()
	}
	return i.f.String() + " for " + i.d.String()
}
func (i forInj) Start(h *Harness) {
	a := h.Apply(i.f)
	if i.d > 0 {
		h.After(i.d, a.Revert)
	}
}

// HostCrash takes a host down for d.
func HostCrash(hostID string, d time.Duration) Injector { return For(HostDown(hostID), d) }

// AZOutage takes an AZ down for d.
func AZOutage(azID string, d time.Duration) Injector { return For(AZDown(azID), d) }

// RegionImpairment impairs a region for d.
func RegionImpairment(region string, d time.Duration) Injector {
	return For(RegionImpaired(region), d)
}

// NetworkPartition cuts a from b for d, then heals.
func NetworkPartition(a, b string, d time.Duration) Injector { return For(Partitioned(a, b), d) }

// LatencyDegradation multiplies the latency between a and b by factor for d.
func LatencyDegradation(a, b string, factor float64, d time.Duration) Injector {
	return For(SlowLink(a, b, factor), d)
}

// PacketLoss drops packets between a and b with probability p for d.
func PacketLoss(a, b string, p float64, d time.Duration) Injector { return For(Lossy(a, b, p), d) }

// ErrorSpike fails a fraction rate of service's requests in region for d.
func ErrorSpike(service, region string, rate float64, d time.Duration) Injector {
	return For(Errors(service, region, rate), d)
}

// ThrottleSpike throttles a fraction rate of service's requests in region
// for d.
func ThrottleSpike(service, region string, rate float64, d time.Duration) Injector {
	return For(Throttled(service, region, rate), d)
}

// VolumeFailure fails an EBS volume for good.
func VolumeFailure(volumeID string) Injector { return For(VolumeLost(volumeID), 0) }

// SpotStorm reclaims fraction of an AZ's spot instances of a type
// ("" for all) in waves: waves reclaims, gap apart (a reclamation storm
// as capacity is pulled back). One wave with no gap is a single reclaim.
func SpotStorm(azID, instanceType string, fraction float64, waves int, gap time.Duration) Injector {
	return spotStorm{SpotReclaim(azID, instanceType, fraction), waves, gap}
}

type spotStorm struct {
	f     Fault
	waves int
	gap   time.Duration
}

func (s spotStorm) String() string {
	return fmt.Sprintf("spot-storm(%v, waves=%d, gap=%v)", s.f, s.waves, s.gap)
}
func (s spotStorm) Start(h *Harness) {
	if s.waves < 1 || (s.waves > 1 && s.gap <= 0) {
		h.Fail(fmt.Errorf("failure: %v: need at least one wave and a positive gap between waves", s))
		return
	}
	var wave func(n int)
	wave = func(n int) {
		h.Apply(s.f)
		if n+1 < s.waves {
			h.After(s.gap, func() { wave(n + 1) })
		}
	}
	wave(0)
}

type atInj struct {
	d   time.Duration
	inj Injector
}

// At starts inj d after the injector itself starts.
func At(d time.Duration, inj Injector) Injector { return atInj{d, inj} }

func (a atInj) String() string { return "at " + a.d.String() + ": " + a.inj.String() }
func (a atInj) Start(h *Harness) {
	if a.d < 0 {
		h.Fail(fmt.Errorf("failure: %v: negative offset", a))
		return
	}
	h.After(a.d, func() { a.inj.Start(h) })
}

type allInj []Injector

// All starts every injector at once.
func All(injs ...Injector) Injector { return allInj(injs) }

func (a allInj) String() string {
	parts := make([]string, len(a))
	for i, inj := range a {
		parts[i] = inj.String()
	}
	return "all(" + strings.Join(parts, "; ") + ")"
}
func (a allInj) Start(h *Harness) { h.Start(a...) }

type randomly struct {
	p   float64
	inj Injector
}

// Randomly starts inj with probability p, drawn from the stream
// "failure/randomly/<inj>".
func Randomly(p float64, inj Injector) Injector { return randomly{p, inj} }

func (r randomly) String() string { return "randomly(" + num(r.p) + ", " + r.inj.String() + ")" }
func (r randomly) Start(h *Harness) {
	if !(r.p >= 0 && r.p <= 1) {
		h.Fail(fmt.Errorf("failure: %v: probability outside [0, 1]", r))
		return
	}
	if h.Rand("failure/randomly/"+r.inj.String()).Float64() < r.p {
		r.inj.Start(h)
	}
}

type during struct {
	from, to time.Duration
	inj      Injector
}

// During confines inj to the window [from, to) after its start: inj starts
// at from, and at to its pending timers are silenced and its faults still
// in force are reverted. No fault of inj is in force outside the window.
func During(from, to time.Duration, inj Injector) Injector { return during{from, to, inj} }

func (d during) String() string {
	return "during [" + d.from.String() + ", " + d.to.String() + "): " + d.inj.String()
}
func (d during) Start(h *Harness) {
	if d.from < 0 || d.to <= d.from {
		h.Fail(fmt.Errorf("failure: %v: window must satisfy 0 <= from < to", d))
		return
	}
	s := h.scope()
	h.After(d.from, func() { s.Start(d.inj) })
	h.After(d.to, s.Stop)
}

type alternating struct {
	f        Fault
	up, down Durations
}

// Alternating is an alternating renewal process: the world runs for a
// time drawn from up, then f is in force for a time drawn from down, and
// so on (host crash/repair with MTBF and MTTR). Draws come from the
// streams "failure/<key>/up" and "failure/<key>/down".
func Alternating(f Fault, up, down Durations) Injector { return alternating{f, up, down} }

// HostFailures crashes a host after Exp(mtbf) and repairs it after
// Exp(mttr), forever.
func HostFailures(hostID string, mtbf, mttr time.Duration) Injector {
	return Alternating(HostDown(hostID), Exp(mtbf), Exp(mttr))
}

func (a alternating) String() string {
	return "alternating(" + a.f.String() + ", up=" + a.up.String() + ", down=" + a.down.String() + ")"
}
func (a alternating) Start(h *Harness) {
	for _, d := range []Durations{a.up, a.down} {
		if err := d.Validate(); err != nil {
			h.Fail(fmt.Errorf("failure: %v: %s", a, strings.TrimPrefix(err.Error(), "failure: ")))
			return
		}
	}
	if a.up.Mean()+a.down.Mean() <= 0 {
		h.Fail(fmt.Errorf("failure: %v: up and down times are both zero; the process would never advance", a))
		return
	}
	up := a.up.WithSource(h.Rand("failure/" + a.f.Key() + "/up"))
	down := a.down.WithSource(h.Rand("failure/" + a.f.Key() + "/down"))
	var fail func()
	fail = func() {
		act := h.Apply(a.f)
		h.After(down.Rand(), func() {
			act.Revert()
			h.After(up.Rand(), fail)
		})
	}
	h.After(up.Rand(), fail)
}

type recurring struct {
	gap Durations
	inj Injector
}

// Recurring starts inj again and again, with gaps drawn from gap (stream
// "failure/recurring/<inj>"): Recurring(Exp(24*time.Hour), ErrorSpike(...))
// is a Poisson process of error spikes. Starts may overlap; overlapping
// faults stack.
func Recurring(gap Durations, inj Injector) Injector { return recurring{gap, inj} }

func (r recurring) String() string {
	return "recurring(" + r.gap.String() + ", " + r.inj.String() + ")"
}
func (r recurring) Start(h *Harness) {
	if err := r.gap.Validate(); err != nil {
		h.Fail(fmt.Errorf("failure: %v: %s", r, strings.TrimPrefix(err.Error(), "failure: ")))
		return
	}
	if r.gap.Mean() <= 0 {
		h.Fail(fmt.Errorf("failure: %v: mean gap is zero; the process would never advance", r))
		return
	}
	gap := r.gap.WithSource(h.Rand("failure/recurring/" + r.inj.String()))
	var next func()
	next = func() {
		r.inj.Start(h)
		h.After(gap.Rand(), next)
	}
	h.After(gap.Rand(), next)
}

type oneOf []Injector

// OneOf starts one of injs, chosen uniformly from the stream
// "failure/oneof/<injs>": a plan that loses one AZ of three, say.
func OneOf(injs ...Injector) Injector { return oneOf(injs) }

func (o oneOf) String() string {
	parts := make([]string, len(o))
	for i, inj := range o {
		parts[i] = inj.String()
	}
	return "one-of(" + strings.Join(parts, "; ") + ")"
}
func (o oneOf) Start(h *Harness) {
	if len(o) == 0 {
		h.Fail(fmt.Errorf("failure: one-of(): no injectors to choose from"))
		return
	}
	o[h.Rand("failure/oneof/"+o.String()).IntN(len(o))].Start(h)
}

package failure

import (
	"errors"
	"fmt"
	"math"
	"strconv"
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

// Forever is the duration of a fault that stays for the rest of the run:
// For(f, Forever). Permanence is spelled out, never implied: a zero or
// negative duration is an error, not an endless outage.
const Forever time.Duration = math.MaxInt64

type forInj struct {
	f Fault
	d time.Duration
}

// For applies f and reverts it after d, which must be positive; d ==
// Forever keeps the fault for the rest of the run. For a fault with no
// inverse (a Permanent one, or a Func without revert) use Once.
func For(f Fault, d time.Duration) Injector { return forInj{f, d} }

func (i forInj) String() string {
	if i.d == Forever {
		return i.f.String() + " forever"
	}
	return i.f.String() + " for " + i.d.String()
}

// Check refuses a duration that is not positive, and a permanent fault
// (which cannot be held for a while).
func (i forInj) Check(h *Harness) error {
	if err := i.params(); err != nil {
		return err
	}
	return check(i.f, h)
}

// params checks the parameters only; Check adds the fault and its targets.
func (i forInj) params() error {
	if i.f == nil {
		return errors.New("failure: For: nil fault")
	}
	if i.d <= 0 {
		return fmt.Errorf("failure: %v: duration must be positive (use failure.Forever for a fault that stays)", i)
	}
	if _, ok := i.f.(Permanent); ok {
		return fmt.Errorf("failure: %v: %v has no inverse; inject it with failure.Once", i, i.f)
	}
	return nil
}

func (i forInj) Start(h *Harness) {
	if err := i.params(); err != nil {
		h.Fail(err)
		return
	}
	a := h.Apply(i.f)
	if i.d != Forever {
		h.After(i.d, a.Revert)
	}
}

type onceInj struct{ f Fault }

// Once applies a fault that has no inverse: a Permanent fault such as
// VolumeLost or SpotReclaim, or an instantaneous event (a Func without
// revert, such as a crash signal). A fault with an inverse needs a
// duration: use For(f, d) or For(f, Forever).
func Once(f Fault) Injector { return onceInj{f} }

func (i onceInj) String() string { return i.f.String() }

// Check refuses a fault with an inverse.
func (i onceInj) Check(h *Harness) error {
	if err := i.params(); err != nil {
		return err
	}
	return check(i.f, h)
}

func (i onceInj) params() error {
	if i.f == nil {
		return errors.New("failure: Once: nil fault")
	}
	if _, ok := i.f.(Permanent); !ok {
		return fmt.Errorf("failure: once(%v): the fault has an inverse; give it a duration with For(f, d) or For(f, Forever)", i.f)
	}
	return nil
}

func (i onceInj) Start(h *Harness) {
	if err := i.params(); err != nil {
		h.Fail(err)
		return
	}
	h.applyOnce(i.f)
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
func VolumeFailure(volumeID string) Injector { return Once(VolumeLost(volumeID)) }

// SpotStorm reclaims fraction of an AZ's spot instances of a type
// ("" for all) in waves: waves reclaims, gap apart (a reclamation storm
// as capacity is pulled back). One wave with no gap is a single reclaim.
func SpotStorm(azID, instanceType string, fraction float64, waves int, gap time.Duration) Injector {
	// One string holds the name of the stream a Recurring storm draws its
	// gaps from, "failure/recurring/<storm>", then the reclaim's key: the
	// storm's name and the reclaim's are inside it. A replication arms a
	// storm per zone, and this way names its stream without building it.
	var buf [192]byte
	b := append(buf[:0], recurringPrefix...)
	b = append(b, "spot-storm("...)
	from := len(b)
	b, to := appendReclaim(b, azID, instanceType, fraction)
	// The storm's name goes on after the reclaim's, where appendReclaim
	// put the key: the key moves to the end.
	var keyBuf [64]byte
	key := append(keyBuf[:0], b[to:]...)
	b = append(b[:to], ", waves="...)
	b = strconv.AppendInt(b, int64(waves), 10)
	b = append(b, ", gap="...)
	b = append(b, gap.String()...)
	b = append(b, ')')
	m := len(b)
	b = append(b, key...)
	s := string(b)
	// The reclaim's key is the string's tail: name s[from:to], key s[m:].
	f := newSpotReclaim(s[from:to], s[m:], azID, instanceType, fraction)
	return spotStorm{f: f, waves: waves, gap: gap, stream: s[:m]}
}

type spotStorm struct {
	f     Fault
	waves int
	gap   time.Duration
	// stream is "failure/recurring/" and the storm's name: the name of
	// the stream of a Recurring storm.
	stream string
}

// recurringPrefix starts the name of a Recurring injector's stream.
const recurringPrefix = "failure/recurring/"

func (s spotStorm) String() string { return s.stream[len(recurringPrefix):] }

func (s spotStorm) params() error {
	if s.waves < 1 || s.gap < 0 || (s.waves > 1 && s.gap == 0) {
		return fmt.Errorf("failure: %v: need at least one wave and a positive gap between waves", s)
	}
	return nil
}

// Check checks the waves and the reclaim.
func (s spotStorm) Check(h *Harness) error {
	if err := s.params(); err != nil {
		return err
	}
	return check(s.f, h)
}

func (s spotStorm) Start(h *Harness) {
	if err := s.params(); err != nil {
		h.Fail(err)
		return
	}
	if s.waves == 1 { // the common single reclaim: no closures to schedule
		h.applyOnce(s.f)
		return
	}
	var wave func(n int)
	wave = func(n int) {
		h.applyOnce(s.f)
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
func (a atInj) params() error {
	if a.inj == nil {
		return errors.New("failure: At: nil injector")
	}
	if a.d < 0 {
		return fmt.Errorf("failure: %v: negative offset", a)
	}
	return nil
}

// Check checks the offset and the injector it delays.
func (a atInj) Check(h *Harness) error {
	if err := a.params(); err != nil {
		return err
	}
	return check(a.inj, h)
}

func (a atInj) Start(h *Harness) {
	if err := a.params(); err != nil {
		h.Fail(err)
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

// Check checks every injector, joining the errors.
func (a allInj) Check(h *Harness) error { return checkAll(a, h) }

func checkAll(injs []Injector, h *Harness) error {
	var errs []error
	for _, inj := range injs {
		if inj == nil {
			errs = append(errs, errors.New("failure: nil injector"))
			continue
		}
		errs = append(errs, check(inj, h))
	}
	return errors.Join(errs...)
}

type randomly struct {
	p   float64
	inj Injector
}

// Randomly starts inj with probability p, drawn from the stream
// "failure/randomly/<inj>".
func Randomly(p float64, inj Injector) Injector { return randomly{p, inj} }

func (r randomly) String() string { return "randomly(" + num(r.p) + ", " + r.inj.String() + ")" }
func (r randomly) params() error {
	if r.inj == nil {
		return errors.New("failure: Randomly: nil injector")
	}
	if !(r.p >= 0 && r.p <= 1) {
		return fmt.Errorf("failure: %v: probability outside [0, 1]", r)
	}
	return nil
}

// Check checks the probability and the injector, whether or not it will
// be drawn.
func (r randomly) Check(h *Harness) error {
	if err := r.params(); err != nil {
		return err
	}
	return check(r.inj, h)
}

func (r randomly) Start(h *Harness) {
	if err := r.params(); err != nil {
		h.Fail(err)
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
func (d during) params() error {
	if d.inj == nil {
		return errors.New("failure: During: nil injector")
	}
	if d.from < 0 || d.to <= d.from {
		return fmt.Errorf("failure: %v: window must satisfy 0 <= from < to", d)
	}
	return nil
}

// Check checks the window and the injector.
func (d during) Check(h *Harness) error {
	if err := d.params(); err != nil {
		return err
	}
	return check(d.inj, h)
}

func (d during) Start(h *Harness) {
	if err := d.params(); err != nil {
		h.Fail(err)
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
func (a alternating) params() error {
	if a.f == nil {
		return errors.New("failure: Alternating: nil fault")
	}
	if _, ok := a.f.(Permanent); ok {
		return fmt.Errorf("failure: %v: %v has no inverse to alternate with", a, a.f)
	}
	for _, d := range []Durations{a.up, a.down} {
		if err := d.Validate(); err != nil {
			return faultErr(a, err)
		}
	}
	if a.up.Mean()+a.down.Mean() <= 0 {
		return fmt.Errorf("failure: %v: up and down times are both zero; the process would never advance", a)
	}
	return nil
}

// Check checks the distributions and the fault.
func (a alternating) Check(h *Harness) error {
	if err := a.params(); err != nil {
		return err
	}
	return check(a.f, h)
}

func (a alternating) Start(h *Harness) {
	if err := a.params(); err != nil {
		h.Fail(err)
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

// streamName is the name of the stream the gaps are drawn from,
// "failure/recurring/<inj>", which a storm (the recurring injector
// replications arm most) carries ready.
func (r recurring) streamName() string {
	if s, ok := r.inj.(spotStorm); ok {
		return s.stream
	}
	return recurringPrefix + r.inj.String()
}

func (r recurring) String() string {
	return "recurring(" + r.gap.String() + ", " + r.inj.String() + ")"
}
func (r recurring) params() error {
	if r.inj == nil {
		return errors.New("failure: Recurring: nil injector")
	}
	if err := r.gap.Validate(); err != nil {
		return faultErr(r, err)
	}
	if r.gap.Mean() <= 0 {
		return fmt.Errorf("failure: %v: mean gap is zero; the process would never advance", r)
	}
	return nil
}

// Check checks the gaps and the injector.
func (r recurring) Check(h *Harness) error {
	if err := r.params(); err != nil {
		return err
	}
	return check(r.inj, h)
}

func (r recurring) Start(h *Harness) {
	if err := r.params(); err != nil {
		h.Fail(err)
		return
	}
	rc := &recurrence{h: h, inj: r.inj, gap: r.gap.WithSource(h.Rand(r.streamName()))}
	rc.next = rc.fire
	h.afterGuarded(rc.gap.Rand(), rc.next)
}

// recurrence is a started Recurring: one object and one function value
// for the life of the run, however many times it fires (a replication
// arms one per zone).
type recurrence struct {
	h    *Harness
	inj  Injector
	gap  Durations
	next func() // fire, bound once
}

// fire starts the injector and schedules the next start, unless the
// harness has been stopped (it is guarded as After guards).
func (rc *recurrence) fire() {
	if rc.h.stopped {
		return
	}
	rc.inj.Start(rc.h)
	rc.h.afterGuarded(rc.gap.Rand(), rc.next)
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

// Check checks every choice.
func (o oneOf) Check(h *Harness) error {
	if len(o) == 0 {
		return errors.New("failure: one-of(): no injectors to choose from")
	}
	return checkAll(o, h)
}

func (o oneOf) Start(h *Harness) {
	if len(o) == 0 {
		h.Fail(fmt.Errorf("failure: one-of(): no injectors to choose from"))
		return
	}
	o[h.Rand("failure/oneof/"+o.String()).IntN(len(o))].Start(h)
}

package failure

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/nimbus-sim/nimbus/sim"
)

// Harness applies faults to targets inside one Env and keeps the books:
// which faults are in force, every window a fault was in force, and the
// errors targets returned. Injectors schedule themselves on it.
//
// Faults with the same Key stack (see Fault): the Harness calls the target
// only when what is in force changes, so overlapping outages compose and
// the last revert restores the world.
//
// A Harness belongs to one Env and, like it, is single-goroutine. Scoped
// harnesses made by During share the books and can be stopped, which ends
// their injectors and reverts their faults.
type Harness struct {
	st       *state
	parent   *Harness
	children []*Harness
	active   map[*Active]struct{}
	stopped  bool
}

type state struct {
	env       *sim.Env
	targets   Targets
	stacks    map[string][]*Active
	windows   windowBook
	errs      []error
	observers []func(Change)
	onError   []func(error)
	nm        *names
	// spare is room for the next handles: storms apply a fault every few
	// hours of a run, and handles are taken from blocks, not one by one.
	spare []Active
}

// newActive returns a zero handle from the current block.
func (st *state) newActive() *Active {
	if len(st.spare) == 0 {
		st.spare = make([]Active, 16)
	}
	a := &st.spare[0]
	st.spare = st.spare[1:]
	return a
}

// windowBook is the books of fault applications: the windows without
// their IDs (a window's ID is its place), in chunks of windowChunk that
// never move. A storm applies a fault every few hours of a run; a flat
// slice of Windows would copy the books at every doubling and leave the
// old copies to the collector. A window's fault and key strings are
// shared with the other windows of the same fault (see names).
type windowBook struct {
	chunks [][]windowRec
	n      int
	// first is the room of chunks for the first two chunks' headers.
	first [2][]windowRec
	// recent are the names of the last faults applied, most of them
	// again and again.
	recent [8]*faultNames
	next   int // where the next new names go in recent
}

// windowChunk is how many windows a chunk holds (384 bytes).
const windowChunk = 16

// windowRec is a Window without its ID.
type windowRec struct {
	names      *faultNames
	start, end sim.Time
}

// faultNames are a window's Fault and Key.
type faultNames struct{ fault, key string }

// names returns the names fault and key, shared with a recent window
// that has the same.
func (b *windowBook) names(fault, key string) *faultNames {
	for _, n := range b.recent {
		if n != nil && n.fault == fault && n.key == key {
			return n
		}
	}
	n := &faultNames{fault, key}
	b.recent[b.next] = n
	b.next = (b.next + 1) % len(b.recent)
	return n
}

// add records a window and returns its ID.
func (b *windowBook) add(w windowRec) int {
	id := b.n
	if id%windowChunk == 0 {
		if b.chunks == nil {
			b.chunks = b.first[:0]
		}
		b.chunks = append(b.chunks, make([]windowRec, 0, windowChunk))
	}
	c := &b.chunks[len(b.chunks)-1]
	*c = append(*c, w)
	b.n++
	return id
}

// at returns the record of window id.
func (b *windowBook) at(id int) *windowRec {
	return &b.chunks[id/windowChunk][id%windowChunk]
}

// window returns window id.
func (b *windowBook) window(id int) Window {
	r := b.at(id)
	return Window{ID: id, Fault: r.names.fault, Key: r.names.key, Start: r.start, End: r.end}
}

// Window is one application of a fault, from Start until End. End is
// sim.MaxTime while the fault is in force; a permanent fault's window has
// End == Start, and so has the window of a fault that its target refused
// (Err reports why).
type Window struct {
	ID         int
	Fault, Key string
	Start, End sim.Time
}

// Open reports whether the fault is still in force.
func (w Window) Open() bool { return w.End == sim.MaxTime }

// Contains reports whether instant t falls in [Start, End).
func (w Window) Contains(t sim.Time) bool { return t >= w.Start && t < w.End }

// Change is what observers see when a fault is applied or reverted.
type Change struct {
	Window
	Applied bool // false when reverted
}

// Active is a handle on an applied fault.
type Active struct {
	h      *Harness
	id     int
	f      Fault
	parts  []*Active
	failed bool // the target refused the fault; nothing to revert
	done   bool
}

// Fault returns the applied fault.
func (a *Active) Fault() Fault { return a.f }

// Reverted reports whether Revert has been called.
func (a *Active) Reverted() bool { return a.done }

// NewHarness returns a harness driving faults in env against targets
// (region.World, ec2's service, a *Topology for name checks, test fakes,
// ...). It refuses a nil Env and a target it cannot drive: one that
// implements none of the target interfaces (HostTarget, ..., SpotTarget)
// nor a name checker (HostChecker, ..., TopologySource). No targets at all
// is fine for a harness that drives only Func faults on the workload.
func NewHarness(env *sim.Env, targets ...any) (*Harness, error) {
	if env == nil {
		return nil, errors.New("failure: NewHarness: nil Env")
	}
	for i, t := range targets {
		if t == nil {
			return nil, fmt.Errorf("failure: NewHarness: target %d is nil", i)
		}
		if !drivable(t) {
			return nil, fmt.Errorf("failure: NewHarness: target %d (%T) implements no target interface; faults cannot drive it", i, t)
		}
	}
	// The maps of faults in force are made by the first fault with an
	// inverse: a harness of storms (reclaims, which have none) never needs
	// them.
	return &Harness{st: &state{env: env, targets: Targets(slices.Clone(targets))}}, nil
}

// names returns the harness's name checks, built on first use.
func (h *Harness) names() *names {
	if h.st.nm == nil {
		h.st.nm = newNames(h.st.targets)
	}
	return h.st.nm
}

// Env returns the harness's Env.
func (h *Harness) Env() *sim.Env { return h.st.env }

// Targets returns the targets faults act on.
func (h *Harness) Targets() Targets { return h.st.targets }

// Start arms injectors at the current instant. Each is checked first (see
// Checker): its parameters, a target for each of its faults, and the
// hosts, zones, regions and services it names. One that fails is not
// started; its error goes to Err, Errors and the OnError observers, and
// Start returns the errors of this call, joined.
func (h *Harness) Start(injs ...Injector) error {
	var errs []error
	for _, inj := range injs {
		if inj == nil {
			panic("failure: Harness.Start: nil injector")
		}
		if h.stopped {
			continue
		}
		if err := check(inj, h); err != nil {
			h.Fail(err)
			errs = append(errs, err)
			continue
		}
		if h.st.env.Tracing() {
			h.st.env.Emit("failure", "inject", sim.F("injector", inj.String()))
		}
		inj.Start(h)
	}
	return errors.Join(errs...)
}

// After runs fn after d unless the harness (or a parent) is stopped by
// then. Injectors schedule through it so that stopping a scope silences
// them.
//
// The timer is a daemon timer (sim.Env.AfterDaemon): faults are the
// world's doing, not the scenario's work, so a pending fault or revert
// never keeps Env.Run going. Run ends when the workload's own processes
// are done; RunUntil or RunFor play a fixed horizon, faults included.
//
// A d that would carry past the end of the simulated clock (sim.MaxTime),
// such as For(f, math.MaxInt64) once the clock has moved, schedules
// nothing: the instant is never reached.
func (h *Harness) After(d time.Duration, fn func()) sim.Timer {
	return h.afterGuarded(d, h.guard(fn))
}

// guard returns fn made to do nothing once h is stopped.
func (h *Harness) guard(fn func()) func() {
	return func() {
		if !h.stopped {
			fn()
		}
	}
}

// afterGuarded is After for a function already guarded (see guard), so
// that an injector rescheduling itself wraps its step once, not per start.
func (h *Harness) afterGuarded(d time.Duration, fn func()) sim.Timer {
	env := h.st.env
	if d > 0 && d > time.Duration(sim.MaxTime-env.Now()) {
		return sim.Timer{}
	}
	return env.AfterDaemon(d, fn)
}

// Rand returns the named stream of the harness's Env.
func (h *Harness) Rand(name string) *rand.Rand { return h.st.env.Rand(name) }

// OnChange registers an observer called after every fault is applied or
// reverted (recovery metrics use it to learn when faults start).
func (h *Harness) OnChange(fn func(Change)) { h.st.observers = append(h.st.observers, fn) }

// Fail records an error that stops nothing by itself: injectors report
// bad parameters this way, and the harness the errors targets return. Err
// and Errors return them; OnError observers hear of each at once.
func (h *Harness) Fail(err error) {
	if err == nil {
		return
	}
	st := h.st
	st.errs = append(st.errs, err)
	st.env.Emit("failure", "fault.error", sim.F("error", err.Error()))
	for _, fn := range st.onError {
		fn(err)
	}
}

// Err returns the errors targets and injectors reported, joined, or nil.
// A scenario returns it (or fails its replication with it) once the run
// is over: a fault that did not happen makes the run's numbers wrong.
func (h *Harness) Err() error { return errors.Join(h.st.errs...) }

// Errors returns a copy of the errors reported so far, in order.
func (h *Harness) Errors() []error { return slices.Clone(h.st.errs) }

// OnError registers an observer called with every error as it is
// reported, for a scenario that stops at the first one:
//
//	h.OnError(func(error) { env.Stop() })
func (h *Harness) OnError(fn func(error)) { h.st.onError = append(h.st.onError, fn) }

// Windows returns every fault application so far, in order of application.
// The slice is the caller's: a copy of the books as they stand.
func (h *Harness) Windows() []Window {
	b := &h.st.windows
	if b.n == 0 {
		return nil
	}
	ws := make([]Window, b.n)
	for i := range ws {
		ws[i] = b.window(i)
	}
	return ws
}

// InForce reports whether some fault with the given key is in force.
func (h *Harness) InForce(key string) bool { return len(h.st.stacks[key]) > 0 }

// Apply applies f now and returns a handle whose Revert undoes it. In a
// stopped harness Apply does nothing and returns an already reverted
// handle.
func (h *Harness) Apply(f Fault) *Active {
	if f == nil {
		panic("failure: Harness.Apply: nil fault")
	}
	st := h.st
	a := st.newActive()
	*a = Active{h: h, id: st.windows.n, f: f}
	if h.stopped {
		a.done, a.failed = true, true
		return a
	}
	now := st.env.Now()
	h.open(f, now)
	// refused closes the window of a fault the target (or the fault's own
	// validation) refused: the world did not change, so the window is
	// empty and observers are not told, lest Recovery.Watch open an
	// incident that nothing can end. Err reports the refusal.
	refused := func(err error) *Active {
		h.Fail(err)
		a.done, a.failed = true, true
		st.windows.at(a.id).end = now
		return a
	}
	switch f := f.(type) {
	case Composite:
		// A composite's own Apply only validates; its parts change the world.
		if err := f.Apply(st.targets); err != nil {
			return refused(err)
		}
		for _, p := range f.Parts() {
			a.parts = append(a.parts, h.Apply(p))
		}
	case Permanent:
		a.done, a.failed = true, true
		h.applyPermanent(f, a.id, now)
		return a
	default:
		s := st.stacks[f.Key()]
		if len(s) == 0 || s[len(s)-1].f.String() != f.String() {
			if err := f.Apply(st.targets); err != nil {
				return refused(err)
			}
		}
		if st.stacks == nil {
			st.stacks = make(map[string][]*Active)
		}
		st.stacks[f.Key()] = append(s, a)
	}
	if h.active == nil {
		h.active = make(map[*Active]struct{})
	}
	h.active[a] = struct{}{}
	h.notify(a.id, true)
	return a
}

// open records the window of f, applied now, and traces it. The
// window's ID is its index.
func (h *Harness) open(f Fault, now sim.Time) {
	st := h.st
	id := st.windows.add(windowRec{names: st.windows.names(f.String(), f.Key()), start: now, end: sim.MaxTime})
	if st.env.Tracing() { // the fields (the fault rendered, the ID boxed) allocate
		st.env.Emit("failure", "fault.apply", sim.F("fault", f.String()), sim.F("id", id))
	}
}

// applyPermanent applies f, a fault without inverse whose window id was
// just opened: the window closes at once, and observers hear of the fault
// unless its target refused it (see Apply).
func (h *Harness) applyPermanent(f Fault, id int, now sim.Time) {
	st := h.st
	err := f.Apply(st.targets)
	if err != nil {
		h.Fail(err)
	}
	st.windows.at(id).end = now
	if err == nil {
		h.notify(id, true)
	}
}

// applyOnce is Apply for an injector that has no use for the handle (a
// storm's reclaims, Once): a fault without inverse then needs none, and
// a storm applying one every few hours of every replication allocates
// nothing for it. Anything else goes through Apply.
func (h *Harness) applyOnce(f Fault) {
	if f == nil {
		panic("failure: Harness.Apply: nil fault")
	}
	switch f.(type) {
	case Composite:
	case Permanent:
		if !h.stopped {
			now := h.st.env.Now()
			h.open(f, now)
			h.applyPermanent(f, h.st.windows.n-1, now)
		}
		return
	}
	h.Apply(f)
}

func (h *Harness) notify(id int, applied bool) {
	for _, fn := range h.st.observers {
		fn(Change{Window: h.st.windows.window(id), Applied: applied})
	}
}

// Revert undoes the fault. Reverting twice does nothing.
func (a *Active) Revert() {
	if a.done {
		return
	}
	a.done = true
	h, st := a.h, a.h.st
	delete(h.active, a)
	for i := len(a.parts) - 1; i >= 0; i-- {
		a.parts[i].Revert()
	}
	if _, composite := a.f.(Composite); !composite && !a.failed {
		key := a.f.Key()
		s := st.stacks[key]
		i := indexOf(s, a)
		wasTop := i == len(s)-1
		s = append(s[:i:i], s[i+1:]...)
		if len(s) == 0 {
			delete(st.stacks, key)
			if err := a.f.Revert(st.targets); err != nil {
				h.Fail(err)
			}
		} else {
			st.stacks[key] = s
			if top := s[len(s)-1]; wasTop && top.f.String() != a.f.String() {
				if err := top.f.Apply(st.targets); err != nil {
					h.Fail(err)
				}
			}
		}
	}
	st.windows.at(a.id).end = st.env.Now()
	if st.env.Tracing() { // the fields (the fault rendered, the ID boxed) allocate
		st.env.Emit("failure", "fault.revert", sim.F("fault", a.f.String()), sim.F("id", a.id))
	}
	h.notify(a.id, false)
}

func indexOf(s []*Active, a *Active) int {
	for i, x := range s {
		if x == a {
			return i
		}
	}
	panic(fmt.Sprintf("failure: internal: fault %v not on its stack", a.f))
}

// scope returns a child harness sharing the books.
func (h *Harness) scope() *Harness {
	c := &Harness{st: h.st, parent: h, stopped: h.stopped}
	h.children = append(h.children, c)
	return c
}

// Stop ends the harness's injectors (their pending timers do nothing) and
// reverts the faults they applied that are still in force, most recent
// first. Scopes started from it stop too.
func (h *Harness) Stop() {
	if h.stopped {
		return
	}
	h.stopped = true
	for _, c := range h.children {
		c.Stop()
	}
	// Revert in reverse order of application, for a deterministic order.
	var as []*Active
	for a := range h.active {
		as = append(as, a)
	}
	for len(as) > 0 {
		best := 0
		for i, a := range as {
			if a.id > as[best].id {
				best = i
			}
		}
		as[best].Revert()
		as = append(as[:best], as[best+1:]...)
	}
}

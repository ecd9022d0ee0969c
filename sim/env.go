package sim

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// Env is one simulated world: a virtual clock, the future event set, the
// processes, the named random streams and the trace. An Env is driven by one
// goroutine at a time (the one that calls Run, RunUntil or Step) and needs no
// locks; run independent replications in independent Envs.
//
// The zero Env is not usable; create one with New. Call Close when done so
// that processes still suspended release their coroutines, and so that
// the next New starts in the room this one grew (room.go).
type Env struct {
	now   Time
	seq   uint64
	q     eventQueue
	stale int // cancelled events still in q
	fg    int // live foreground (non-daemon) events in q

	handlers []func(arg uint64)
	daemonH  []bool // handlers registered with HandleDaemon
	timers   []timerSlot
	freeTmr  []uint32

	procs    []*Proc
	freeProc []freeSlot
	current  *Proc
	live     int
	idle     []*worker // coroutines of ended processes, for the next ones (proc.go)
	workers  int       // workers made or taken from a crew, and not given back
	// pooled: WithPooledCoroutines. crew is the crew this run took its
	// idle workers from, and crewTried says the run asked the pool
	// already (crew.go).
	pooled    bool
	crew      *crew
	crewTried bool
	closing   bool // Close is killing the processes

	running bool
	stopped bool
	closed  bool

	// The run loop in progress: limit and fgOnly are its bounds (see
	// step), fast allows Sleep's fast path (see Proc.Sleep) and is set by
	// Run, RunUntil and RunFor, not Step, which promises one event; and
	// resuming is the process the loop is running now.
	fast     bool
	fgOnly   bool
	limit    Time
	resuming *Proc

	epoch   time.Time
	seed    uint64
	streams map[string]*rand.Rand
	// spareStreams is room for the next streams (rand.go).
	spareStreams []stream
	trace        *Trace

	room *room // the holder the structures above came in (room.go)

	// handlersBuf and daemonHBuf are the first room of handlers and
	// daemonH, inside the Env: most Envs register no handler or two, and
	// a replication makes a new Env (one allocation instead of three).
	handlersBuf [numBuiltinHandlers + 2]func(arg uint64)
	daemonHBuf  [numBuiltinHandlers + 2]bool
}

// Built-in handler indices; user handlers registered with Handle follow.
const (
	hTimer = iota // arg = slot<<32 | gen: a cancellable callback
	hProc         // arg = proc index<<32 | gen: resume a process
	numBuiltinHandlers
)

type timerSlot struct {
	fn     func()
	at     Time
	gen    uint32
	daemon bool
}

// Option configures New.
type Option func(*Env)

// WithEpoch sets the calendar instant at which the clock reads zero.
func WithEpoch(epoch time.Time) Option { return func(e *Env) { e.epoch = epoch.UTC() } }

// WithTrace turns the trace on from the start; see Env.EnableTrace.
func WithTrace() Option { return func(e *Env) { e.EnableTrace() } }

// New returns an Env whose random streams all derive from seed.
func New(seed uint64, opts ...Option) *Env {
	r, _ := rooms.Get().(*room)
	return newEnv(seed, r, opts...)
}

// newEnv is New in the room of a closed Env (nil for none).
func newEnv(seed uint64, r *room, opts ...Option) *Env {
	e := &Env{
		epoch: DefaultEpoch(),
		seed:  seed,
	}
	e.handlers = e.handlersBuf[:numBuiltinHandlers]
	e.daemonH = e.daemonHBuf[:numBuiltinHandlers]
	e.takeRoom(r)
	for _, o := range opts {
		o(e)
	}
	return e
}

// Seed returns the root seed the Env was created with.
func (e *Env) Seed() uint64 { return e.seed }

// Now returns the current virtual instant.
func (e *Env) Now() Time { return e.now }

// Epoch returns the calendar instant of Time zero.
func (e *Env) Epoch() time.Time { return e.epoch }

// TimeOf returns the calendar instant of t: e.Epoch().Add(t), the same
// value to ==. Services convert instants on every description and every
// object they list; Add (some 130 instructions) checks for a monotonic
// reading and carries that the epoch, a UTC instant without one
// (WithEpoch), does not need, and time.Unix of the split instant is the
// same value in a few instructions.
func (e *Env) TimeOf(t Time) time.Time {
	if t < 0 {
		return e.epoch.Add(time.Duration(t))
	}
	sec, nsec := e.epoch.Unix()+int64(t)/1e9, int64(e.epoch.Nanosecond())+int64(t)%1e9
	if nsec >= 1e9 {
		sec, nsec = sec+1, nsec-1e9
	}
	return time.Unix(sec, nsec).UTC()
}

// NowTime returns the current virtual instant as a calendar time.
func (e *Env) NowTime() time.Time { return e.TimeOf(e.now) }

// FromTime returns the virtual instant of a calendar time. Instants before
// the epoch give negative values, which cannot be scheduled.
func (e *Env) FromTime(t time.Time) Time { return Time(t.Sub(e.epoch)) }

// Pending returns the number of events in the event set, counting
// cancelled timers that have not been purged yet.
func (e *Env) Pending() int { return e.q.len() }

// Handler names a callback registered with Env.Handle.
type Handler uint16

// Handle registers fn as a handler for events scheduled with Schedule. It
// is the allocation-free way to schedule many events: register once, then
// each event carries only a 64-bit argument (an entity index, say) instead
// of a closure. At most 32,766 handlers can be registered.
func (e *Env) Handle(fn func(arg uint64)) Handler { return e.handle(fn, false) }

// HandleDaemon is Handle for background machinery: events scheduled for
// the handler are daemon events, which run like any other but do not keep
// Run going (see Env.Run).
func (e *Env) HandleDaemon(fn func(arg uint64)) Handler { return e.handle(fn, true) }

func (e *Env) handle(fn func(arg uint64), daemon bool) Handler {
	if fn == nil {
		panic("sim: Handle: fn is nil")
	}
	if len(e.handlers) >= maxHandlers {
		panic("sim: Handle: too many handlers")
	}
	e.handlers = append(e.handlers, fn)
	e.daemonH = append(e.daemonH, daemon)
	return Handler(len(e.handlers) - 1)
}

// Schedule arranges for handler h to run with arg at instant at. Events at
// the same instant run in the order they were scheduled. Scheduling in the
// past panics. Events scheduled this way cannot be cancelled; use At or
// After for a Timer that can.
func (e *Env) Schedule(at Time, h Handler, arg uint64) {
	if int(h) < numBuiltinHandlers || int(h) >= len(e.handlers) {
		panic(fmt.Sprintf("sim: Schedule: unknown handler %d", h))
	}
	e.push(at, uint16(h), arg, e.daemonH[h])
}

// ScheduleAfter is Schedule at Now()+d.
func (e *Env) ScheduleAfter(d time.Duration, h Handler, arg uint64) {
	if d < 0 {
		panic(fmt.Sprintf("sim: ScheduleAfter: negative delay %v", d))
	}
	e.Schedule(e.now+Time(d), h, arg)
}

func (e *Env) push(at Time, h uint16, arg uint64, daemon bool) {
	if at < e.now {
		e.panicPast(at)
	}
	e.seq++
	key := e.seq<<handlerBits | uint64(h)
	if daemon {
		key |= daemonBit
	} else {
		e.fg++
	}
	e.q.push(event{at: at, key: key, arg: arg})
}

func (e *Env) panicPast(at Time) {
	panic(fmt.Sprintf("sim: scheduling at %v, before now (%v)", at, e.now))
}

// Timer is a handle on a callback scheduled with At or After. The zero
// Timer is not pending and Stop on it is a no-op.
type Timer struct {
	env  *Env
	slot uint32
	gen  uint32
}

// At schedules fn to run at instant t and returns a Timer that can cancel
// it. Scheduling in the past panics.
func (e *Env) At(t Time, fn func()) Timer { return e.at(t, fn, false) }

// AtDaemon is At for background machinery: the callback runs like any
// other, but a pending daemon timer does not keep Run going.
func (e *Env) AtDaemon(t Time, fn func()) Timer { return e.at(t, fn, true) }

// AfterDaemon is After for background machinery; see AtDaemon.
func (e *Env) AfterDaemon(d time.Duration, fn func()) Timer {
	if d < 0 {
		panic(fmt.Sprintf("sim: AfterDaemon: negative delay %v", d))
	}
	return e.at(e.now+Time(d), fn, true)
}

func (e *Env) at(t Time, fn func(), daemon bool) Timer {
	if fn == nil {
		panic("sim: At: fn is nil")
	}
	if t < e.now {
		panic(fmt.Sprintf("sim: At: instant %v is before now (%v)", t, e.now))
	}
	var slot uint32
	if n := len(e.freeTmr); n > 0 {
		slot = e.freeTmr[n-1]
		e.freeTmr = e.freeTmr[:n-1]
	} else {
		e.timers = append(e.timers, timerSlot{})
		slot = uint32(len(e.timers) - 1)
	}
	ts := &e.timers[slot]
	ts.fn = fn
	ts.at = t
	ts.daemon = daemon
	e.push(t, hTimer, uint64(slot)<<32|uint64(ts.gen), daemon)
	return Timer{env: e, slot: slot, gen: ts.gen}
}

// After schedules fn to run after d. A negative d panics.
func (e *Env) After(d time.Duration, fn func()) Timer {
	if d < 0 {
		panic(fmt.Sprintf("sim: After: negative delay %v", d))
	}
	return e.at(e.now+Time(d), fn, false)
}

// Pending reports whether the timer is scheduled and has neither fired nor
// been stopped.
func (t Timer) Pending() bool {
	// The bounds check covers timers of a closed Env, whose slots are gone.
	return t.env != nil && int(t.slot) < len(t.env.timers) && t.env.timers[t.slot].gen == t.gen
}

// When returns the instant the timer fires at, if it is pending.
func (t Timer) When() (Time, bool) {
	if !t.Pending() {
		return 0, false
	}
	return t.env.timers[t.slot].at, true
}

// Stop cancels the timer. It reports whether the call stopped it, false if
// it had already fired or been stopped. Cancellation is O(1): the event
// stays in the queue, marked dead, and is purged lazily.
func (t Timer) Stop() bool {
	if !t.Pending() {
		return false
	}
	daemon := t.env.timers[t.slot].daemon
	t.env.freeTimer(t.slot)
	t.env.noteStale(daemon)
	return true
}

func (e *Env) freeTimer(slot uint32) {
	ts := &e.timers[slot]
	ts.fn = nil
	ts.gen++
	e.freeTmr = append(e.freeTmr, slot)
}

// noteStale records that one event in the queue is now dead (so it no
// longer counts as foreground work), and purges the dead events once they
// outnumber the live ones so that a workload that cancels most of its
// timers keeps a small queue.
func (e *Env) noteStale(daemon bool) {
	if !daemon {
		e.fg--
	}
	e.stale++
	if e.stale > 1024 && e.stale > e.q.len()/2 {
		e.q.filter(e.isLive)
		e.stale = 0
		e.fg = 0
		e.q.forEach(func(ev *event) {
			if !ev.daemon() {
				e.fg++
			}
		})
	}
}

func (e *Env) isLive(ev *event) bool {
	slot, gen := uint32(ev.arg>>32), uint32(ev.arg)
	switch ev.handler() {
	case hTimer:
		return e.timers[slot].gen == gen
	case hProc:
		p := e.procs[slot]
		return p != nil && p.gen == gen
	}
	return true
}

// Step runs the next event, advancing the clock to its instant. It reports
// false if there was no event to run.
func (e *Env) Step() bool {
	e.enter("Step")
	defer e.leave()
	e.limit, e.fgOnly = MaxTime, false
	return e.step()
}

// step runs the next live event at or before e.limit. With e.fgOnly it
// stops, returning false, once no foreground event is left. The bounds
// are the Env's, not arguments, because Sleep's fast path must respect
// the same ones.
func (e *Env) step() bool {
	for e.q.n > 0 {
		if e.fgOnly && e.fg == 0 {
			return false
		}
		next := e.q.min()
		if next.at > e.limit {
			return false
		}
		ev := *next
		e.q.drop(next)
		h := ev.handler()
		slot, gen := uint32(ev.arg>>32), uint32(ev.arg)
		switch h {
		case hTimer:
			ts := &e.timers[slot]
			if ts.gen != gen {
				e.stale--
				continue
			}
			fn := ts.fn
			e.freeTimer(slot)
			e.dispatched(&ev)
			fn()
		case hProc:
			p := e.procs[slot]
			if p == nil || p.gen != gen {
				e.stale--
				continue
			}
			e.dispatched(&ev)
			p.resume()
		default:
			e.dispatched(&ev)
			e.handlers[h](ev.arg)
		}
		return true
	}
	return false
}

func (e *Env) dispatched(ev *event) {
	e.now = ev.at
	if !ev.daemon() {
		e.fg--
	}
	if e.trace != nil {
		e.trace.foldEvent(ev.at, ev.handler())
	}
}

// Run runs events until no foreground event is left, or Stop is called.
// Daemon events — background machinery such as failure renewal processes,
// spot price walks or other tenants' demand, scheduled with AtDaemon,
// HandleDaemon or GoDaemon — run interleaved with the rest but do not keep
// Run going: when only they remain, Run returns and the clock stays at the
// last foreground event. Use RunUntil or RunFor to run a fixed horizon,
// daemons included.
func (e *Env) Run() {
	e.enter("Run")
	defer e.leave()
	e.fast, e.limit, e.fgOnly = true, MaxTime, true
	for !e.stopped && e.step() {
	}
}

// RunUntil runs every event scheduled at or before t, then sets the clock
// to t (if it is not already later, as after Stop). It panics if t is
// before now.
func (e *Env) RunUntil(t Time) {
	if t < e.now {
		panic(fmt.Sprintf("sim: RunUntil: %v is before now (%v)", t, e.now))
	}
	e.enter("RunUntil")
	defer e.leave()
	e.fast, e.limit, e.fgOnly = true, t, false
	for !e.stopped && e.step() {
	}
	if !e.stopped {
		e.now = t
	}
}

// RunFor is RunUntil(Now()+d).
func (e *Env) RunFor(d time.Duration) {
	if d < 0 {
		panic(fmt.Sprintf("sim: RunFor: negative duration %v", d))
	}
	e.RunUntil(e.now + Time(d))
}

// Stop makes the Run, RunUntil or RunFor in progress return after the
// current event. The next call to a Run method resumes.
func (e *Env) Stop() { e.stopped = true }

func (e *Env) enter(op string) {
	if e.running {
		panic("sim: " + op + " called while the Env is already running (from a process or callback)")
	}
	if e.closed {
		panic("sim: " + op + " called on a closed Env")
	}
	e.running = true
	e.stopped = false
}

func (e *Env) leave() {
	e.running, e.fast = false, false
	// The test keeps the common case (nothing idle, no pool) inline:
	// Step leaves after every event.
	if e.pooled || len(e.idle) > 0 {
		e.dropIdle()
	}
}

// Close ends every process still alive (in creation order, so that their
// deferred calls run deterministically) and drops all pending events and
// random streams. A closed Env cannot run again; the room its structures
// grew into goes to the next New (room.go).
func (e *Env) Close() {
	if r := e.shut(); r != nil {
		rooms.Put(r)
	}
}

// shut is Close but for the hand-over: it returns the room to hand on, or
// nil if there is none.
func (e *Env) shut() *room {
	if e.closed {
		return nil
	}
	e.closing = true // Kill leaves the workers it frees to the release below
	for e.live > 0 {
		for i := 0; i < len(e.procs); i++ {
			if p := e.procs[i]; p != nil && p.state != procDone {
				p.Kill(ErrEnvClosed)
			}
		}
	}
	if e.running {
		e.trimIdle() // closed from a callback: as before; leave drops any later ones
	} else {
		e.dropIdle()
	}
	e.closed = true
	e.fg = 0
	if e.running {
		// Closed from a callback: the run loop still holds the queue and
		// slots on its stack and will look at them once more, so they
		// are dropped rather than handed on.
		e.q = eventQueue{}
		e.timers, e.freeTmr, e.streams = nil, nil, nil
		return nil
	}
	return e.emptyRoom()
}

package sim

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"runtime/debug"
	"time"
)

// Proc is a simulated process: straight-line Go code that waits in virtual
// time. Start one with Env.Go. Inside its function the process calls
// methods of its own *Proc to wait (Sleep, Wait, WaitAny, Resource.Acquire,
// ...); each wait suspends the process, lets the clock move, and resumes it
// when the wait is over.
//
// A process runs as a runtime coroutine (iter.Pull): switching into and out
// of it costs about as much as a function call through a channel-free
// hand-off, and exactly one process runs at a time, so model code needs no
// locks.
//
// *Proc implements context.Context so that simulated API calls can take it
// as their first argument, as the AWS SDK takes ctx. Its Done channel is
// closed when the process ends, and Err then reports why.
type Proc struct {
	// Hot fields first: a wait touches only the first cache line. The
	// flags share a word and interrupts are kept as pointers, which keeps
	// a Proc at 224 bytes (a replication starts dozens; the next size
	// class is 240).
	env          *Env
	gen          uint32 // wait generation: events for older generations are stale
	idx          uint32
	state        procState
	woken        bool         // the current wait has been decided
	reason       wake         // why the current wait ended
	timerPending bool         // an hProc event for gen is in the queue
	daemon       bool         // its events do not keep Run going
	killed       bool         // Kill is unwinding it: its next wait panics with killSignal
	frozen       bool         // Freeze: wake-ups are held until Thaw (freeze.go)
	thawPending  bool         // a wake-up arrived while frozen
	w            *worker      // the coroutine running it (nil until it first runs)
	pendingIntr  *Interrupted // interrupt to deliver at the next wait
	intr         *Interrupted // interrupt that ended the current wait

	name  string
	which int // index of the event that ended a WaitAny
	fn    func(*Proc)

	err    error // why the process ended; nil while alive
	done   chan struct{}
	values []procValue // SetValue's, in order; a process has one or two
	onExit []func(*Proc)
	// valuesBuf and onExitBuf are the first room of values and onExit,
	// inside the Proc: most processes set a value or two and register an
	// exit hook, and a replication starts dozens of processes.
	valuesBuf [2]procValue
	onExitBuf [1]func(*Proc)
}

type procState uint8

const (
	procCreated procState = iota
	procRunning
	procWaiting
	procDone
)

type wake uint8

const (
	wakeNone wake = iota
	wakeTimer
	wakeEvent
	wakeGrant
	wakeInterrupt
)

// ErrEnvClosed is the cause given to processes ended by Env.Close.
var ErrEnvClosed = errors.New("sim: environment closed")

// ErrFinished is what Err reports for a process whose function returned.
var ErrFinished = fmt.Errorf("sim: process finished: %w", context.Canceled)

// Interrupted is the error a wait returns when another process or callback
// calls Interrupt on the waiting process. Cause says why (a spot reclaim
// notice, a failover, ...).
type Interrupted struct {
	Cause any
}

func (i *Interrupted) Error() string { return fmt.Sprintf("sim: interrupted: %v", i.Cause) }

// Killed is the error Err reports for a process ended by Kill.
type Killed struct {
	Cause error
}

func (k *Killed) Error() string { return fmt.Sprintf("sim: process killed: %v", k.Cause) }

// Unwrap lets errors.Is(err, context.Canceled) and errors.Is(err, Cause)
// both hold.
func (k *Killed) Unwrap() []error { return []error{context.Canceled, k.Cause} }

// killSignal unwinds a killed process's stack through its deferred calls.
type killSignal struct{}

// Go starts a process running fn at the current instant, after the events
// already scheduled for this instant. The name labels the process in traces
// and panics; it need not be unique.
func (e *Env) Go(name string, fn func(p *Proc)) *Proc { return e.goProc(name, fn, false) }

// GoDaemon starts a background process: it runs like any other, but its
// pending wake-ups do not keep Run going (see Env.Run). Use it for
// machinery that never ends by itself — a failure renewal process, a spot
// price walk, other tenants' demand — so that Run returns when the
// scenario's own processes are done.
func (e *Env) GoDaemon(name string, fn func(p *Proc)) *Proc { return e.goProc(name, fn, true) }

func (e *Env) goProc(name string, fn func(p *Proc), daemon bool) *Proc {
	if fn == nil {
		panic(fmt.Sprintf("sim: Go(%q): fn is nil", name))
	}
	if e.closed {
		panic(fmt.Sprintf("sim: Go(%q) on a closed Env", name))
	}
	p := &Proc{env: e, name: name, fn: fn, daemon: daemon}
	if n := len(e.freeProc); n > 0 {
		// A reused slot starts past the generation its last process
		// ended with, so that events of that process never match this one.
		s := e.freeProc[n-1]
		e.freeProc = e.freeProc[:n-1]
		p.idx, p.gen = s.idx, s.gen+1
		e.procs[p.idx] = p
	} else {
		e.procs = append(e.procs, p)
		p.idx = uint32(len(e.procs) - 1)
	}
	e.live++
	if e.trace != nil {
		e.trace.procStart(e.now, p)
	}
	p.timerPending = true
	e.push(e.now, hProc, uint64(p.idx)<<32|uint64(p.gen), daemon)
	return p
}

// freeSlot is a free process slot and the last generation its process
// used.
type freeSlot struct{ idx, gen uint32 }

// worker is a coroutine (iter.Pull) that runs processes one after
// another: when a process ends, its worker waits in Env.idle for the next
// one to start. A new coroutine starts on a small stack that grows, by
// copying, as deep as the process's calls go (an API call through the
// region pipeline goes deep), so reusing a grown one saves the copies and
// the coroutine's creation. Idle workers are stopped when the run loop
// returns (Env.leave) and by Close, or with WithPooledCoroutines go to a
// pool for the next run of any such Env (crew.go), so an Env left alone
// holds no more goroutines than its live processes.
type worker struct {
	next  func() (struct{}, bool)
	stop  func()
	yield func(struct{}) bool
	env   *Env  // nil while in a crew (crew.go)
	p     *Proc // the process it runs; nil while idle
	grow  bool  // grow the stack to stackRoom before the first process
}

// worker returns an idle worker, or a new one.
func (e *Env) worker() *worker {
	if len(e.idle) == 0 && e.pooled && !e.crewTried {
		e.takeCrew()
	}
	if n := len(e.idle); n > 0 {
		w := e.idle[n-1]
		e.idle[n-1] = nil
		e.idle = e.idle[:n-1]
		return w
	}
	w := &worker{env: e, grow: e.workers < roomyWorkers}
	e.workers++
	w.next, w.stop = iter.Pull(w.loop)
	return w
}

// loop is the worker's coroutine body: run the assigned process, go back
// to the idle list, wait to be resumed with the next one. It returns when
// the worker is stopped.
func (w *worker) loop(yield func(struct{}) bool) {
	w.yield = yield
	if w.grow {
		growStack()
	}
	for {
		w.p.body()
		// A process that ends by panicking takes its worker down with it
		// (finish re-panics), so only workers of cleanly ended processes
		// get here.
		w.p = nil
		w.env.idle = append(w.env.idle, w)
		if !yield(struct{}{}) {
			return
		}
	}
}

// stackRoom is the stack a worker grows to before its first process
// runs. A coroutine starts on a small stack, and a process calling an API
// (the region pipeline, IAM authorization, the service's effect) outgrows
// it several times over; each growth copies the stack and walks every
// frame to adjust its pointers. Growing once, while the stack holds
// nothing but this frame, costs one copy of almost nothing. Only the
// first roomyWorkers live workers of an Env get the room: a model of
// thousands of concurrent small processes keeps the runtime's small
// stacks.
const (
	stackRoom    = 12 << 10
	roomyWorkers = 64
)

// growStack takes a frame of stackRoom bytes, so that the stack grows to
// hold it at once.
//
//go:noinline
func growStack() byte {
	var room [stackRoom]byte
	return touch(room[:])
}

//go:noinline
func touch(b []byte) byte { return b[len(b)-1] }

// dropIdle stops the idle workers, or with WithPooledCoroutines hands
// them to the pool.
func (e *Env) dropIdle() {
	if e.pooled {
		e.releaseIdle()
	} else if len(e.idle) > 0 {
		e.trimIdle()
	}
}

// trimIdle stops the idle workers.
func (e *Env) trimIdle() {
	for i, w := range e.idle {
		e.idle[i] = nil
		w.stop()
		e.workers--
	}
	e.idle = e.idle[:0]
}

func (p *Proc) body() {
	defer p.finish()
	p.fn(p)
}

// finish runs as the coroutine unwinds, normally or by Kill.
func (p *Proc) finish() {
	r := recover()
	if r != nil {
		if _, ok := r.(killSignal); !ok {
			msg := fmt.Sprintf("sim: process %q panicked at %v (%s): %v\n%s",
				p.name, p.env.now, p.env.NowTime().Format(time.RFC3339Nano), r, debug.Stack())
			p.err = fmt.Errorf("sim: process %q panicked: %v", p.name, r)
			p.end()
			p.env.current = nil
			panic(msg)
		}
	}
	if p.err == nil {
		p.err = ErrFinished
	}
	p.end()
}

func (p *Proc) end() {
	if p.state == procDone {
		return
	}
	e := p.env
	p.state = procDone
	p.invalidate()
	e.procs[p.idx] = nil
	e.freeProc = append(e.freeProc, freeSlot{p.idx, p.gen})
	e.live--
	if p.done != nil {
		close(p.done)
	}
	if e.trace != nil {
		e.trace.procEnd(e.now, p)
	}
	for _, f := range p.onExit {
		f(p)
	}
}

// resume switches into the process until its next wait or its end.
func (p *Proc) resume() {
	e := p.env
	p.timerPending = false
	if p.state == procWaiting && !p.woken {
		p.reason = wakeTimer
	}
	if p.frozen {
		p.holdWake()
		return
	}
	p.state = procRunning
	e.current = p // resume runs only from the event loop, never nested
	e.resuming = p
	if p.w == nil {
		p.w = e.worker()
		p.w.p = p
	}
	_, ok := p.w.next()
	e.resuming = nil
	e.current = nil
	if !ok && p.state != procDone {
		p.end()
	}
}

// Current returns the process that is running now, or nil when the Env is
// running a callback (or is not running). Services use it to tell whether a
// call comes from a process they are about to kill.
func (e *Env) Current() *Proc { return e.current }

// Name returns the name given to Go.
func (p *Proc) Name() string { return p.name }

// Env returns the environment the process runs in.
func (p *Proc) Env() *Env { return p.env }

// Now returns the current virtual instant.
func (p *Proc) Now() Time { return p.env.now }

// Alive reports whether the process has not ended.
func (p *Proc) Alive() bool { return p.state != procDone }

// String returns the process name.
func (p *Proc) String() string { return p.name }

// OnExit registers f to run when the process ends, for any reason.
func (p *Proc) OnExit(f func(*Proc)) {
	if p.state == procDone {
		f(p)
		return
	}
	if p.onExit == nil {
		p.onExit = p.onExitBuf[:0]
	}
	p.onExit = append(p.onExit, f)
}

// beginWait starts a new wait generation. It returns a pending interrupt, if
// one was queued while the process was not waiting.
func (p *Proc) beginWait(op string) (uint32, error) {
	if p.env.current != p {
		panic(fmt.Sprintf("sim: %s called on process %q from outside it", op, p.name))
	}
	if intr := p.pendingIntr; intr != nil {
		p.pendingIntr = nil
		return 0, intr
	}
	p.gen++
	p.woken = false
	p.reason = wakeNone // p.intr is read only when reason is wakeInterrupt
	return p.gen, nil
}

// suspend yields to the scheduler until the current wait is decided.
func (p *Proc) suspend() {
	if p.killed {
		// A deferred call of a killed process waits: it cannot.
		panic(killSignal{})
	}
	p.state = procWaiting
	if !p.w.yield(struct{}{}) || p.killed {
		// Kill (or Env.Close) resumed the process to unwind it, or its
		// coroutine is being stopped.
		panic(killSignal{})
	}
}

// wakeAt ends the wait of generation gen (if it is still current) for the
// given reason, and schedules the process to resume at the current instant.
func (p *Proc) wakeAt(gen uint32, r wake, which int) bool {
	if p.gen != gen || p.woken || p.state != procWaiting {
		return false
	}
	e := p.env
	p.woken = true
	p.reason = r
	p.which = which
	p.invalidate()
	p.timerPending = true
	e.push(e.now, hProc, uint64(p.idx)<<32|uint64(p.gen), p.daemon)
	return true
}

// invalidate makes every event and registration of the current wait
// generation stale.
func (p *Proc) invalidate() {
	p.gen++
	if p.timerPending {
		p.timerPending = false
		p.env.noteStale(p.daemon)
	}
}

func (p *Proc) armTimer(d time.Duration) {
	e := p.env
	p.timerPending = true
	e.push(e.now+Time(d), hProc, uint64(p.idx)<<32|uint64(p.gen), p.daemon)
}

// Sleep suspends the process for d of virtual time. It returns nil, or an
// *Interrupted error if Interrupt was called during the sleep (the sleep
// then ends early). A negative d panics.
func (p *Proc) Sleep(d time.Duration) error {
	e := p.env
	if d < 0 || e.current != p || p.pendingIntr != nil {
		return p.sleepSlow(d)
	}
	// The hot path of every simulation: start a wait generation, arm the
	// wake-up event, switch to the event loop.
	p.gen++
	p.woken = false
	p.reason = wakeNone
	t := e.now + Time(d)
	if e.resuming == p && e.fast && !e.stopped && !p.frozen && t <= e.limit &&
		e.q.allAfter(t) && !(e.fgOnly && p.daemon && e.fg == 0) {
		// Nothing else is due before the wake-up: the run loop would take
		// this very event next and resume p at once. Advance the clock
		// here instead and skip the two coroutine switches and the queue
		// round trip. Everything observable is as if the event had run:
		// the same instant, the trace folds the same event, and events
		// due at t later on come after, as they would have. (An event
		// already due at t was scheduled first and must run first, hence
		// the strict comparison; a daemon's wake-up must not keep Run
		// going when no foreground work is left.)
		e.now = t
		if e.trace != nil {
			e.trace.foldEvent(t, hProc)
		}
		return nil
	}
	p.timerPending = true
	e.push(t, hProc, uint64(p.idx)<<32|uint64(p.gen), p.daemon)
	p.suspend()
	if p.reason == wakeInterrupt {
		return p.intr
	}
	return nil
}

// sleepSlow is Sleep with its checks: a negative duration, a call from
// outside the process, or an interrupt queued before the wait.
func (p *Proc) sleepSlow(d time.Duration) error {
	if d < 0 {
		panic(fmt.Sprintf("sim: Sleep: negative duration %v in process %q", d, p.name))
	}
	if _, err := p.beginWait("Sleep"); err != nil {
		return err
	}
	p.armTimer(d)
	p.suspend()
	if p.reason == wakeInterrupt {
		return p.intr
	}
	return nil
}

// SleepUntil suspends the process until instant t (now, if t has passed).
func (p *Proc) SleepUntil(t Time) error {
	if t < p.env.now {
		t = p.env.now
	}
	return p.Sleep(time.Duration(t - p.env.now))
}

// Interrupt delivers cause to p: if p is waiting, its wait ends at once with
// an *Interrupted error carrying cause; otherwise the next wait p starts
// returns it immediately. It reports false if p has ended. A process cannot
// interrupt itself.
func (p *Proc) Interrupt(cause any) bool {
	if p.state == procDone {
		return false
	}
	if p.env.current == p {
		panic(fmt.Sprintf("sim: process %q interrupted itself", p.name))
	}
	err := &Interrupted{Cause: cause}
	if p.state == procWaiting && !p.woken {
		p.intr = err
		p.wakeAt(p.gen, wakeInterrupt, -1)
		if p.env.trace != nil {
			p.env.Emit(p.name, "interrupt", F("cause", cause))
		}
		return true
	}
	p.pendingIntr = err
	return true
}

// Kill ends p now: its wait is abandoned, its deferred calls run, its Done
// channel closes and Err reports a *Killed error wrapping cause (and
// context.Canceled). This is how a stopped or reclaimed instance takes its
// processes down. A process that kills itself unwinds at once. Kill
// reports false if p had already ended.
func (p *Proc) Kill(cause error) bool {
	if p.state == procDone {
		return false
	}
	if cause == nil {
		cause = context.Canceled
	}
	p.err = &Killed{Cause: cause}
	e := p.env
	if e.trace != nil {
		e.Emit(p.name, "kill", F("cause", cause))
	}
	if e.current == p {
		panic(killSignal{})
	}
	p.invalidate()
	if p.state == procCreated {
		// Never started: its function must not run at all (and it has no
		// worker yet).
		p.end()
		return true
	}
	// Resume it to unwind: its wait panics with killSignal, its deferred
	// calls run, finish ends it and its worker goes idle.
	p.killed = true
	prev := e.current
	e.current = p
	p.w.next()
	e.current = prev
	if !e.running && !e.closing {
		// Outside the run loop nobody drops the worker it freed.
		e.dropIdle()
	}
	return true
}

// Deadline implements context.Context. A process has no deadline.
func (p *Proc) Deadline() (deadline time.Time, ok bool) { return time.Time{}, false }

// Done implements context.Context: the channel is closed when p ends.
func (p *Proc) Done() <-chan struct{} {
	if p.done == nil {
		p.done = make(chan struct{})
		if p.state == procDone {
			close(p.done)
		}
	}
	return p.done
}

// Err implements context.Context: nil while p is alive; afterwards
// ErrFinished or a *Killed error, both matching context.Canceled.
func (p *Proc) Err() error {
	if p.state != procDone {
		return nil
	}
	return p.err
}

// Value implements context.Context with the values set by SetValue.
func (p *Proc) Value(key any) any {
	if _, ok := key.(procKey); ok {
		return p // lets ProcFrom see through derived contexts (context.go)
	}
	for i := range p.values {
		if p.values[i].key == key {
			return p.values[i].val
		}
	}
	return nil
}

// procValue is a key and value set with SetValue. A process carries few
// (ec2 binds it to its instance, region to its location), and reading
// one back is the hot part (every metadata read finds its instance): a
// scan comparing interfaces beats hashing one.
type procValue struct{ key, val any }

// SetValue attaches a value to the process's context, as
// context.WithValue would (ec2 uses it to bind a process to its instance).
func (p *Proc) SetValue(key, val any) {
	for i := range p.values {
		if p.values[i].key == key {
			p.values[i].val = val
			return
		}
	}
	if p.values == nil {
		p.values = p.valuesBuf[:0]
	}
	p.values = append(p.values, procValue{key, val})
}

var _ context.Context = (*Proc)(nil)

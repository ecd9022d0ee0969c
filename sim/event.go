package sim

import (
	"fmt"
	"math"
	"time"
)

// Event is a one-shot signal that processes can wait for, in SimPy's sense:
// it is pending until Trigger is called, then it carries a value (or an
// error) for ever. Create one with Env.NewEvent or Env.Timeout.
type Event struct {
	env       *Env
	name      string
	triggered bool
	failed    bool // by Fail: value holds the error
	value     any
	waiters   waiterList
	// callbacks are OnTrigger's, behind a pointer: few events have any.
	callbacks *[]func(*Event)
}

// waiterList is an event's waiters in the order they came: the first in
// the Event itself, any others behind a pointer. Most events have one
// waiter, and a replication creates dozens of events: with the list
// this small an Event takes 80 bytes (a slice and a first slot of room
// took 112). An empty list has no first waiter, and then no others.
type waiterList struct {
	first waiter
	rest  *moreWaiters
}

// moreWaiters are the waiters after the first, with room for two of them
// in the same allocation.
type moreWaiters struct {
	ws  []waiter
	buf [2]waiter
}

// addWaiter queues w, in the Event's own room while it has one waiter.
func (ev *Event) addWaiter(w waiter) {
	l := &ev.waiters
	if l.first.p == nil {
		l.first = w
		return
	}
	if l.rest == nil {
		l.rest = new(moreWaiters)
		l.rest.ws = l.rest.buf[:0]
	}
	l.rest.ws = append(l.rest.ws, w)
}

// waiter is a process waiting on an event, and the wait generation it
// waits in.
type waiter struct {
	p     *Proc
	gen   uint32
	which int32 // WaitAny's argument index; WaitAny refuses more
}

// NewEvent returns a pending event. The name labels it in traces.
func (e *Env) NewEvent(name string) *Event {
	return &Event{env: e, name: name}
}

// Timeout returns an event that triggers by itself after d.
func (e *Env) Timeout(d time.Duration) *Event {
	ev := e.NewEvent("timeout")
	e.After(d, func() { ev.Trigger(nil) })
	return ev
}

// Name returns the event's name.
func (ev *Event) Name() string { return ev.name }

// Triggered reports whether the event has happened.
func (ev *Event) Triggered() bool { return ev.triggered }

// Value returns the value passed to Trigger (nil while pending).
func (ev *Event) Value() any {
	if ev.failed {
		return nil
	}
	return ev.value
}

// Err returns the error passed to Fail (nil while pending or on success).
func (ev *Event) Err() error {
	if ev.failed {
		return ev.value.(error)
	}
	return nil
}

// Trigger makes the event happen now with value v. Waiting processes resume
// at the current instant in the order they started waiting; callbacks run
// at once. Triggering twice panics.
func (ev *Event) Trigger(v any) { ev.trigger(v, false) }

// trigger is Trigger, or with failed Fail, whose error is v.
func (ev *Event) trigger(v any, failed bool) {
	if ev.triggered {
		panic(fmt.Sprintf("sim: event %q triggered twice", ev.name))
	}
	ev.triggered = true
	ev.failed = failed
	ev.value = v
	if l := ev.waiters; l.first.p != nil {
		ev.waiters = waiterList{}
		l.first.p.wakeAt(l.first.gen, wakeEvent, int(l.first.which))
		if l.rest != nil {
			for _, w := range l.rest.ws {
				w.p.wakeAt(w.gen, wakeEvent, int(w.which))
			}
		}
	}
	if ev.callbacks == nil {
		return
	}
	cbs := *ev.callbacks
	ev.callbacks = nil
	for _, f := range cbs {
		f(ev)
	}
}

// Fail makes the event happen now with an error, which Wait returns.
func (ev *Event) Fail(err error) {
	if err == nil {
		panic(fmt.Sprintf("sim: event %q failed with a nil error", ev.name))
	}
	ev.trigger(err, true)
}

// OnTrigger registers f to run when the event happens (at once if it has).
func (ev *Event) OnTrigger(f func(*Event)) {
	if ev.triggered {
		f(ev)
		return
	}
	if ev.callbacks == nil {
		ev.callbacks = new([]func(*Event))
	}
	*ev.callbacks = append(*ev.callbacks, f)
}

func (p *Proc) checkEvent(op string, ev *Event) {
	if ev == nil {
		panic(fmt.Sprintf("sim: %s: nil event in process %q", op, p.name))
	}
	if ev.env != p.env {
		panic(fmt.Sprintf("sim: %s: event %q belongs to another Env than process %q", op, ev.name, p.name))
	}
}

// Wait suspends the process until ev happens. It returns ev's error (from
// Fail), or an *Interrupted error if the process is interrupted first.
func (p *Proc) Wait(ev *Event) error {
	_, err := p.WaitAny(ev)
	return err
}

// WaitAny suspends the process until the first of evs happens and returns
// its index. If several have already happened, the first in argument order
// wins. Combine with Env.Timeout for a wait with a deadline:
//
//	i, err := p.WaitAny(done, env.Timeout(30*time.Second))
//	if i == 1 { /* timed out */ }
func (p *Proc) WaitAny(evs ...*Event) (int, error) {
	if len(evs) == 0 {
		panic(fmt.Sprintf("sim: WaitAny: no events in process %q", p.name))
	}
	if len(evs) > math.MaxInt32 {
		panic(fmt.Sprintf("sim: WaitAny: %d events in process %q, more than a waiter can index", len(evs), p.name))
	}
	for _, ev := range evs {
		p.checkEvent("WaitAny", ev)
	}
	gen, err := p.beginWait("WaitAny")
	if err != nil {
		return -1, err
	}
	for i, ev := range evs {
		if ev.triggered {
			return i, ev.Err()
		}
	}
	for i, ev := range evs {
		ev.addWaiter(waiter{p: p, gen: gen, which: int32(i)})
	}
	p.suspend()
	if p.reason == wakeInterrupt {
		p.dropWaiters(evs)
		return -1, p.intr
	}
	p.dropWaiters(evs)
	return p.which, evs[p.which].Err()
}

// dropWaiters removes the process's stale registrations from events that
// did not fire, so long-lived events do not accumulate them.
func (p *Proc) dropWaiters(evs []*Event) {
	for _, ev := range evs {
		ev.waiters.drop(p)
	}
}

// drop removes every registration of p, keeping the others in order.
func (l *waiterList) drop(p *Proc) {
	if l.rest != nil {
		rest := l.rest.ws
		ws := rest[:0]
		for _, w := range rest {
			if w.p != p {
				ws = append(ws, w)
			}
		}
		clear(rest[len(ws):])
		l.rest.ws = ws
	}
	if l.first.p != p {
		return
	}
	// The next waiter, if any, moves up to first place.
	if l.rest == nil || len(l.rest.ws) == 0 {
		l.first = waiter{}
		return
	}
	rest := l.rest.ws
	l.first = rest[0]
	copy(rest, rest[1:])
	rest[len(rest)-1] = waiter{}
	l.rest.ws = rest[:len(rest)-1]
}

// WaitAll suspends the process until every one of evs has happened. It
// returns the first error among them in argument order, or an
// *Interrupted error.
func (p *Proc) WaitAll(evs ...*Event) error {
	for _, ev := range evs {
		p.checkEvent("WaitAll", ev)
	}
	for _, ev := range evs {
		if !ev.triggered {
			if _, err := p.WaitAny(ev); err != nil {
				if _, ok := err.(*Interrupted); ok {
					return err
				}
			}
		}
	}
	for _, ev := range evs {
		if err := ev.Err(); err != nil {
			return err
		}
	}
	return nil
}

// WaitTimeout waits for ev for at most d. It reports whether ev happened.
func (p *Proc) WaitTimeout(ev *Event, d time.Duration) (bool, error) {
	p.checkEvent("WaitTimeout", ev)
	if d < 0 {
		panic(fmt.Sprintf("sim: WaitTimeout: negative duration %v in process %q", d, p.name))
	}
	gen, err := p.beginWait("WaitTimeout")
	if err != nil {
		return false, err
	}
	if ev.triggered {
		return true, ev.Err()
	}
	ev.addWaiter(waiter{p: p, gen: gen})
	p.armTimer(d)
	p.suspend()
	switch p.reason {
	case wakeInterrupt:
		p.dropWaiters([]*Event{ev})
		return false, p.intr
	case wakeTimer:
		p.dropWaiters([]*Event{ev})
		return false, nil
	}
	return true, ev.Err()
}

package sim

import (
	"runtime"
	"sync"
)

// WithPooledCoroutines makes the Env take its processes' coroutines from
// a pool shared by the Envs made with this option, and give them back
// when its run loop returns and at Close, instead of creating them for
// each run and stopping them after. A Monte Carlo study runs thousands of
// short replications, each of which would otherwise create its
// coroutines afresh (iter.Pull's allocations, a goroutine, a stack grown
// to stackRoom by a copy) and stop them at the end: about 60,000
// instructions and 33 allocations of a spot-training replication's
// 1.39 million and 711. study.Run uses it for its replications.
//
// Only for Envs run, and closed, on goroutines that are not locked to
// their OS thread: not after runtime.LockOSThread, not during package
// initialization, not in a cgo callback. The runtime can switch to a
// coroutine only from a goroutine in the lock state it was created in,
// and aborts the program otherwise; a pooled coroutine is created on one
// goroutine and resumed on another.
//
// The pool holds at most maxCrew idle coroutines a crew, and a crew it
// drops (unused over two garbage collections) stops them, so an Env left
// without Close still holds no goroutine once its run returns. A worker
// carries nothing from one process to the next but its grown stack, so
// which one runs a process changes nothing observable.
func WithPooledCoroutines() Option { return func(e *Env) { e.pooled = true } }

// crew is idle workers between runs, detached from any Env (worker.env
// is nil), in the crews pool.
type crew struct {
	s *crewState
}

// crewState is what the cleanup stops. It is apart from crew so that the
// cleanup's argument does not keep the crew reachable.
type crewState struct {
	ws []*worker
}

// crews holds the crews of idle workers. Like rooms, a sync.Pool: safe for
// concurrent use, and a crew is held by one Env at a time.
var crews sync.Pool

// maxCrew bounds the workers a crew keeps (each holds a goroutine and its
// stack, stackRoom rounded up to 16 KiB for the first roomyWorkers);
// beyond it idle workers are stopped, as without the option.
const maxCrew = 32

func newCrew() *crew {
	c := &crew{s: new(crewState)}
	runtime.AddCleanup(c, stopCrew, c.s)
	return c
}

// stopCrew stops the workers of a crew the pool dropped. It runs on the
// runtime's cleanup goroutine; no Env can reach the workers any more, so
// nothing resumes them at the same time.
func stopCrew(s *crewState) {
	for i, w := range s.ws {
		s.ws[i] = nil
		w.stop()
	}
	s.ws = nil
}

// takeCrew gives e the workers of a crew from the pool, once per run:
// a run that needs a worker and has none idle asks the pool, and one that
// found the pool empty makes its own from then on.
func (e *Env) takeCrew() {
	e.crewTried = true
	c, _ := crews.Get().(*crew)
	if c == nil {
		return
	}
	e.crew = c
	for _, w := range c.s.ws {
		w.env = e
	}
	e.idle = append(e.idle, c.s.ws...)
	e.workers += len(c.s.ws)
	clear(c.s.ws)
	c.s.ws = c.s.ws[:0]
}

// releaseIdle hands e's idle workers to a crew in the pool (stopping any
// beyond maxCrew), so that e holds no goroutine for them.
func (e *Env) releaseIdle() {
	e.crewTried = false
	c := e.crew
	e.crew = nil
	if len(e.idle) == 0 {
		if c != nil {
			crews.Put(c) // empty, but its room and cleanup serve again
		}
		return
	}
	if c == nil {
		if c, _ = crews.Get().(*crew); c == nil {
			c = newCrew()
		}
	}
	for i, w := range e.idle {
		e.idle[i] = nil
		e.workers--
		if len(c.s.ws) >= maxCrew {
			w.stop()
			continue
		}
		w.env = nil
		c.s.ws = append(c.s.ws, w)
	}
	e.idle = e.idle[:0]
	crews.Put(c)
}

package sim

import (
	"math/rand/v2"
	"sync"
)

// room is the memory an Env's kernel grew into — the event queue's
// buckets, the timer and process slots, the streams' map — handed on by
// Close to the next New. A Monte Carlo study runs thousands of short
// replications, each of which would otherwise grow the same structures
// from nothing (a few dozen allocations and several kilobytes each, and
// the garbage collector's work to match); with the room handed on, a
// replication starts where the last one's structures ended.
//
// Only capacity is handed on, never content: every slice comes back with
// length zero and its elements cleared, the map empty, so a New with room
// behaves exactly like one without, and results stay bit-identical.
// Close hands the room on only when nothing can reach it through the
// closed Env any more (see Close), and the pool orders the hand-over
// between goroutines, so replications running concurrently share nothing.
type room struct {
	q        eventQueue
	timers   []timerSlot
	freeTmr  []uint32
	procs    []*Proc
	freeProc []freeSlot
	idle     []*worker
	streams  map[string]*rand.Rand
}

// rooms holds the room of closed Envs. It and crews (crew.go) are the
// kernel's only package-level variables: sync.Pool is safe for concurrent
// use, and what they hold carries no state (see room).
var rooms sync.Pool

// Bounds on what Close hands on: room sized for a replication, not the
// room of a run with a million pending events, which would stay alive in
// the pool for nothing.
const (
	maxRoomEvents  = 256  // per bucket, and the rebase scratch
	maxRoomSlots   = 1024 // timer and process slots
	maxRoomStreams = 256
)

// takeRoom gives e the room r of a closed Env, or, with r nil, an empty
// streams map.
func (e *Env) takeRoom(r *room) {
	if r == nil {
		e.streams = make(map[string]*rand.Rand)
		return
	}
	e.room = r
	e.q = r.q
	e.timers, e.freeTmr = r.timers, r.freeTmr
	e.procs, e.freeProc = r.procs, r.freeProc
	e.idle = r.idle
	e.streams = r.streams
	*r = room{}
}

// emptyRoom empties e's kernel structures into a room, for Close to hand
// on. e keeps nothing of it: its queue, slots and streams are gone, as
// Close promises.
func (e *Env) emptyRoom() *room {
	r := e.room
	if r == nil {
		r = new(room)
	}
	e.room = nil

	q := &e.q
	if q.b != nil {
		for i := range q.b {
			// Events hold no pointers: resetting the length is enough.
			q.b[i] = roomFor(q.b[i], maxRoomEvents)
		}
	}
	q.scratch = roomFor(q.scratch, maxRoomEvents)
	q.last, q.head, q.n, q.used = 0, 0, 0, 0
	r.q = *q
	*q = eventQueue{}

	clear(e.timers) // callbacks: let what they captured go
	r.timers = roomFor(e.timers, maxRoomSlots)
	r.freeTmr = roomFor(e.freeTmr, maxRoomSlots)
	clear(e.procs)
	r.procs = roomFor(e.procs, maxRoomSlots)
	r.freeProc = roomFor(e.freeProc, maxRoomSlots)
	clear(e.idle[:cap(e.idle)])
	r.idle = roomFor(e.idle, maxRoomSlots)
	e.timers, e.freeTmr, e.procs, e.freeProc, e.idle = nil, nil, nil, nil, nil

	if len(e.streams) <= maxRoomStreams {
		clear(e.streams)
		r.streams = e.streams
	} else {
		r.streams = make(map[string]*rand.Rand)
	}
	e.streams = nil
	return r
}

// roomFor returns s emptied, or nil if its room is more than max.
func roomFor[T any](s []T, max int) []T {
	if cap(s) > max {
		return nil
	}
	return s[:0]
}

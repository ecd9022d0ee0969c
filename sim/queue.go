package sim

// event is one entry of the future event set. It is a 24-byte value: the
// instant, a word that packs the scheduling sequence number (high 48 bits)
// with a daemon flag (bit 15) and the handler that runs it (low 15 bits),
// and an argument for the handler. Because sequence numbers are unique, comparing the packed word
// compares sequence numbers, so events at the same instant pop first-in
// first-out.
type event struct {
	at  Time
	key uint64 // seq<<handlerBits | daemonBit? | handler
	arg uint64
}

const (
	handlerBits = 16
	daemonBit   = 1 << 15
	handlerMask = daemonBit - 1
	// maxHandlers bounds the handler table; see Env.Handle.
	maxHandlers = daemonBit
)

func (e *event) handler() uint16 { return uint16(e.key & handlerMask) }

// daemon reports whether the event belongs to background machinery that
// does not keep Env.Run going.
func (e *event) daemon() bool { return e.key&daemonBit != 0 }

func less(a, b *event) bool {
	if a.at != b.at {
		return a.at < b.at
	}
	return a.key < b.key
}

// eventQueue is a 4-ary min-heap of value events. A 4-ary heap halves the
// depth of a binary heap and keeps the four children of a node in one or
// two cache lines, which is what dominates the cost at large sizes.
//
// The queue supports a deferred pop: take marks the earliest event as taken
// but leaves it in place while its handler runs. If the handler schedules an
// event (as most do: a process sleeps again, a timer re-arms), push replaces
// the taken root and sifts it down once, instead of a pop's sift-down
// followed by a push's sift-up. finish removes the root if nothing replaced
// it.
type eventQueue struct {
	a     []event
	taken bool // a[0] has been taken and awaits replacement or removal
}

func (q *eventQueue) len() int {
	if q.taken {
		return len(q.a) - 1
	}
	return len(q.a)
}

func (q *eventQueue) push(e event) {
	if q.taken {
		q.taken = false
		q.siftDown(0, e)
		return
	}
	q.a = append(q.a, e)
	a := q.a
	i := len(a) - 1
	for i > 0 {
		p := (i - 1) >> 2
		if !less(&e, &a[p]) {
			break
		}
		a[i] = a[p]
		i = p
	}
	a[i] = e
}

// take returns the earliest event and marks it taken. The queue must not be
// empty and must not hold a taken event.
func (q *eventQueue) take() event {
	q.taken = true
	return q.a[0]
}

// finish removes the taken event if no push replaced it.
func (q *eventQueue) finish() {
	if q.taken {
		q.taken = false
		q.pop()
	}
}

// pop removes and returns the earliest event. The queue must not be empty.
func (q *eventQueue) pop() event {
	a := q.a
	top := a[0]
	last := len(a) - 1
	x := a[last]
	a = a[:last]
	q.a = a
	if last > 0 {
		q.siftDown(0, x)
	}
	return top
}

func (q *eventQueue) siftDown(i int, x event) {
	a := q.a
	n := len(a)
	for {
		c := 4*i + 1
		if c >= n {
			break
		}
		m := c
		end := min(c+4, n)
		for j := c + 1; j < end; j++ {
			if less(&a[j], &a[m]) {
				m = j
			}
		}
		if !less(&a[m], &x) {
			break
		}
		a[i] = a[m]
		i = m
	}
	a[i] = x
}

// filter keeps only the events for which keep returns true and restores
// the heap order in O(n). It is how cancelled events are purged when they
// would otherwise outnumber the live ones.
func (q *eventQueue) filter(keep func(*event) bool) {
	q.finish()
	a := q.a
	n := 0
	for i := range a {
		if keep(&a[i]) {
			a[n] = a[i]
			n++
		}
	}
	clear(a[n:])
	q.a = a[:n]
	for i := (n - 2) >> 2; i >= 0; i-- {
		q.siftDown(i, q.a[i])
	}
}

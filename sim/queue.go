package sim

import "math/bits"

// event is one entry of the future event set. It is a 24-byte value: the
// instant, a word that packs the scheduling sequence number (high 48 bits)
// with a daemon flag (bit 15) and the handler that runs it (low 15 bits),
// and an argument for the handler.
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

// less orders events by (instant, scheduling sequence).
func less(a, b *event) bool {
	if a.at != b.at {
		return a.at < b.at
	}
	return a.key < b.key
}

// eventQueue is the future event set: a radix heap (Ahuja, Mehlhorn, Orlin
// and Tarjan 1990), which exploits what a simulation guarantees — events
// are never scheduled before the last one taken, and instants are
// integers. Bucket i holds the events whose instant first differs from
// the last instant taken in bit i-1; bucket 0 holds those at that very
// instant. Taking the minimum empties bucket 0 in order, then refills it by
// redistributing the lowest non-empty bucket around its minimum. Each event
// moves at most 64 times and usually a few, always by sequential appends,
// so a million pending events cost far fewer cache misses than a heap's
// random walk.
//
// Ties: every bucket keeps its events in scheduling order (a push carries
// the largest sequence number yet, and a redistribution appends into
// buckets that are empty), so events at the same instant come out
// first-in first-out.
type eventQueue struct {
	last    Time     // instant of the last event taken; nothing pending is earlier
	b       *buckets // nil until the first push (or New gives room)
	head    int      // next event of b[0]
	n       int
	used    uint64  // bit i-1 set: b[i] is not empty (i >= 1)
	scratch []event // reused by rebase
	slab    []event // room not yet given to a bucket (see room)
}

// buckets are the queue's 65 buckets. They are behind a pointer, not
// inside the Env: the array of slice headers is 1.5 KB, and with it
// inline every New would allocate it again, although Close hands the
// buckets on to the next Env (room.go).
type buckets [65][]event

func (q *eventQueue) len() int { return q.n }

// push adds e. The kernel never schedules before the clock, but the queue
// may have looked further ahead than the clock (taking a cancelled event,
// or finding the minimum beyond RunUntil's limit); an event pushed below
// that point re-buckets the queue around it first.
func (q *eventQueue) push(e event) {
	if e.at < q.last || q.b == nil {
		q.lower(e.at)
	}
	q.file(e)
	q.n++
}

// file appends e to the bucket of its distance from the last instant and
// marks that bucket used (bucket 0, the one min reads, has no bit).
func (q *eventQueue) file(e event) {
	i := bits.Len64(uint64(e.at ^ q.last))
	b := &q.b[i]
	if cap(*b) == 0 {
		*b = q.room()
	}
	*b = append(*b, e)
	// Bucket 0 has no bit: for i == 0 the count wraps to a shift of
	// more than 63, which gives 0.
	q.used |= 1 << uint(i-1)
}

// roomEvents is the room a bucket starts with.
const roomEvents = 4

// room returns an empty bucket with room for roomEvents events, carved
// from a slab shared by the buckets: appending to a nil bucket would
// allocate room for one event, then two, then four, in every bucket an
// Env uses. The full slice expression keeps a bucket that outgrows its
// room from writing into the next one's.
func (q *eventQueue) room() []event {
	if len(q.slab) < roomEvents {
		q.slab = make([]event, 16*roomEvents)
	}
	r := q.slab[:0:roomEvents]
	q.slab = q.slab[roomEvents:]
	return r
}

// min returns the earliest event without removing it. The queue must not
// be empty.
func (q *eventQueue) min() *event {
	if q.head == len(q.b[0]) {
		q.refill()
	}
	return &q.b[0][q.head]
}

// allAfter reports whether every pending event is due strictly after t,
// for t at or after the last instant taken. Unlike min it never
// reorganizes the queue (a refill would move the last instant past the
// clock, and a later push below it would cost a rebase). An event in
// bucket i < j, where j is the bucket t would go to, is earlier than t;
// one in a bucket above j is later; bucket j itself may hold either, and
// then the answer is a conservative false.
func (q *eventQueue) allAfter(t Time) bool {
	if q.n == 0 {
		return true
	}
	if t < q.last || q.head < len(q.b[0]) {
		return false
	}
	// Buckets 1..j are bits 0..j-1 of used (for j = 64 the shift gives 0,
	// and the mask all ones).
	j := bits.Len64(uint64(t ^ q.last))
	return q.used&(uint64(1)<<j-1) == 0
}

// take removes and returns the earliest event. The queue must not be empty.
func (q *eventQueue) take() event {
	e := *q.min()
	q.b[0][q.head] = event{}
	q.head++
	q.n--
	return e
}

// drop removes the earliest event, which min just returned: take without
// looking for it again.
func (q *eventQueue) drop(min *event) {
	*min = event{}
	q.head++
	q.n--
}

// refill moves the events of the lowest non-empty bucket into lower ones,
// around their minimum, which becomes the last instant.
func (q *eventQueue) refill() {
	b := q.b
	b[0] = b[0][:0]
	q.head = 0
	i := bits.TrailingZeros64(q.used) + 1
	used := q.used &^ (1 << (i - 1))
	src := b[i]
	m := src[0].at
	for k := 1; k < len(src); k++ {
		if src[k].at < m {
			m = src[k].at
		}
	}
	q.last = m
	// file, with the buckets and the used bits held in locals: every
	// event lands in a bucket below i.
	for k := range src {
		j := bits.Len64(uint64(src[k].at ^ m))
		d := &b[j]
		if cap(*d) == 0 {
			*d = q.room()
		}
		*d = append(*d, src[k])
		used |= 1 << uint(j-1) // 0 for bucket 0, as in file
	}
	q.used = used
	clear(src)
	b[i] = src[:0]
}

// lower makes room for an event at instant at: buckets for a queue that
// has none, a rebase if at is below the last instant. It stays out of
// line: inlined, it would crowd push's fast path with spills.
//
//go:noinline
func (q *eventQueue) lower(at Time) {
	if q.b == nil {
		q.b = new(buckets)
	}
	if at < q.last {
		q.rebase(at)
	}
}

// rebase lowers the last instant to at (below every pending event) and
// re-buckets the pending events around it, preserving their order within
// each instant. It costs O(pending) and happens only when events are
// scheduled from outside the event loop between runs, or after cancelled
// events were skipped at the end of a run.
func (q *eventQueue) rebase(at Time) {
	// Events at one instant sit in one bucket, in scheduling order; copying
	// bucket by bucket and re-appending keeps that order.
	all := q.scratch[:0]
	q.forEach(func(e *event) { all = append(all, *e) })
	for i := range q.b {
		clear(q.b[i])
		q.b[i] = q.b[i][:0]
	}
	q.head = 0
	q.last = at
	q.used = 0
	for k := range all {
		q.file(all[k])
	}
	clear(all)
	q.scratch = all[:0]
}

// forEach calls f for every pending event.
func (q *eventQueue) forEach(f func(*event)) {
	if q.b == nil {
		return
	}
	for i := range q.b {
		start := 0
		if i == 0 {
			start = q.head
		}
		for k := start; k < len(q.b[i]); k++ {
			f(&q.b[i][k])
		}
	}
}

// filter keeps only the events for which keep returns true, in order. It
// is how cancelled events are purged when they would otherwise outnumber
// the live ones.
func (q *eventQueue) filter(keep func(*event) bool) {
	if q.b == nil {
		return
	}
	q.n = 0
	for i := range q.b {
		src := q.b[i]
		start := 0
		if i == 0 {
			start = q.head
			q.head = 0
		}
		n := 0
		for k := start; k < len(src); k++ {
			if keep(&src[k]) {
				src[n] = src[k]
				n++
			}
		}
		clear(src[n:])
		q.b[i] = src[:n]
		q.n += n
		if i > 0 {
			if n > 0 {
				q.used |= 1 << (i - 1)
			} else {
				q.used &^= 1 << (i - 1)
			}
		}
	}
}

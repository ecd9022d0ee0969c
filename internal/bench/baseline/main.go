// Command baseline is the plain-Go floor behind the kernel ratios in the
// README: the sim package's benchmarks are quoted as ratios against this
// program run on the same machine, back to back. It has no dependencies
// beyond the standard library and prints one "RESULT ... ns_per_event=..."
// line per run. From the repository root:
//
//	go run ./internal/bench/baseline -bench hold -impl dary4 -n 1000
//	go run ./internal/bench/baseline -bench hold -impl dary4 -n 1000000
//	go run ./internal/bench/baseline -bench proc -impl pull
//
// Compare ratios, not absolute times, and quote medians of several rounds.
//
// hold model (Jones 1986 / Vaucher-Duval 1975): N events are pending; each
// popped event schedules one new event at now+Exp(1); E events are popped.
//
//	-impl heapfunc : container/heap over []*event holding a per-event closure
//	                 (the naive floor: one alloc per event + interface calls)
//	-impl bin      : hand-written binary heap, value-typed events, no closures
//	-impl dary4    : hand-written 4-ary heap, value-typed events, no closures
//	-impl dary4fn  : 4-ary heap, value-typed events carrying a pre-bound func
//
// process-switch benchmark: P processes each loop "wait Exp(1) timeout",
// W waits in total (W/P per process), driven by a 4-ary value heap.
//
//	-impl chan     : one goroutine per process, unbuffered-channel hand-off
//	-impl pull     : one iter.Pull coroutine per process (runtime coroswitch)
//	-impl callback : no coroutine; each process is a re-scheduling callback
//
// pure switch cost (no event queue, no RNG): one producer resumed W times.
//
//	-bench switch -impl pull : next() round trip into an iter.Pull coroutine
//	-bench switch -impl chan : resume/yield round trip to a goroutine over
//	                           two unbuffered channels
package main

import (
	"container/heap"
	"flag"
	"fmt"
	"iter"
	"math/rand/v2"
	"os"
	"runtime"
	"time"
)

var (
	bench  = flag.String("bench", "hold", "hold | proc | switch")
	impl   = flag.String("impl", "dary4", "hold: heapfunc|bin|dary4|dary4fn; proc: chan|pull|callback")
	n      = flag.Int("n", 1000, "hold: pending events")
	events = flag.Int("events", 5_000_000, "hold: events popped after setup")
	procs  = flag.Int("procs", 1000, "proc: processes")
	waits  = flag.Int("waits", 2_000_000, "proc: total waits")
	seed   = flag.Uint64("seed", 1, "PRNG seed")
)

var rng *rand.Rand

func exp1() float64 { return rng.ExpFloat64() }

// ---------------------------------------------------------------- naive floor

type fevent struct {
	t   float64
	seq uint64
	fn  func()
}

type fheap []*fevent

func (h fheap) Len() int { return len(h) }
func (h fheap) Less(i, j int) bool {
	if h[i].t != h[j].t {
		return h[i].t < h[j].t
	}
	return h[i].seq < h[j].seq
}
func (h fheap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *fheap) Push(x any)   { *h = append(*h, x.(*fevent)) }
func (h *fheap) Pop() any {
	old := *h
	k := len(old)
	x := old[k-1]
	old[k-1] = nil
	*h = old[:k-1]
	return x
}

type funcSim struct {
	now float64
	seq uint64
	q   fheap
}

func (s *funcSim) At(t float64, fn func()) {
	s.seq++
	heap.Push(&s.q, &fevent{t: t, seq: s.seq, fn: fn})
}

func (s *funcSim) Step() {
	e := heap.Pop(&s.q).(*fevent)
	s.now = e.t
	e.fn()
}

func holdHeapFunc(n, e int) (setup, run time.Duration) {
	s := &funcSim{}
	var hold func(id int)
	hold = func(id int) {
		// a fresh closure per event, as typical user code writes it
		s.At(s.now+exp1(), func() { hold(id) })
	}
	t0 := time.Now()
	for i := 0; i < n; i++ {
		id := i
		s.At(exp1(), func() { hold(id) })
	}
	t1 := time.Now()
	for i := 0; i < e; i++ {
		s.Step()
	}
	return t1.Sub(t0), time.Since(t1)
}

// ------------------------------------------------------- value-typed events

type vevent struct {
	t    float64
	seq  uint64
	id   int32
	kind int32
}

func vless(a, b *vevent) bool {
	if a.t != b.t {
		return a.t < b.t
	}
	return a.seq < b.seq
}

// binary heap
type binHeap struct{ a []vevent }

func (h *binHeap) push(e vevent) {
	h.a = append(h.a, e)
	a := h.a
	i := len(a) - 1
	for i > 0 {
		p := (i - 1) >> 1
		if !vless(&e, &a[p]) {
			break
		}
		a[i] = a[p]
		i = p
	}
	a[i] = e
}

func (h *binHeap) pop() vevent {
	a := h.a
	top := a[0]
	last := len(a) - 1
	x := a[last]
	a = a[:last]
	h.a = a
	if last == 0 {
		return top
	}
	i := 0
	for {
		c := 2*i + 1
		if c >= last {
			break
		}
		if c+1 < last && vless(&a[c+1], &a[c]) {
			c++
		}
		if !vless(&a[c], &x) {
			break
		}
		a[i] = a[c]
		i = c
	}
	a[i] = x
	return top
}

// 4-ary heap
type dHeap struct{ a []vevent }

func (h *dHeap) push(e vevent) {
	h.a = append(h.a, e)
	a := h.a
	i := len(a) - 1
	for i > 0 {
		p := (i - 1) >> 2
		if !vless(&e, &a[p]) {
			break
		}
		a[i] = a[p]
		i = p
	}
	a[i] = e
}

func (h *dHeap) pop() vevent {
	a := h.a
	top := a[0]
	last := len(a) - 1
	x := a[last]
	a = a[:last]
	h.a = a
	if last == 0 {
		return top
	}
	i := 0
	for {
		c := 4*i + 1
		if c >= last {
			break
		}
		m := c
		end := c + 4
		if end > last {
			end = last
		}
		for j := c + 1; j < end; j++ {
			if vless(&a[j], &a[m]) {
				m = j
			}
		}
		if !vless(&a[m], &x) {
			break
		}
		a[i] = a[m]
		i = m
	}
	a[i] = x
	return top
}

func holdBin(n, e int) (setup, run time.Duration) {
	h := &binHeap{a: make([]vevent, 0, n+1)}
	var seq uint64
	t0 := time.Now()
	for i := 0; i < n; i++ {
		seq++
		h.push(vevent{t: exp1(), seq: seq, id: int32(i)})
	}
	t1 := time.Now()
	for i := 0; i < e; i++ {
		ev := h.pop()
		now := ev.t
		switch ev.kind { // handler dispatch
		case 0:
			seq++
			h.push(vevent{t: now + exp1(), seq: seq, id: ev.id})
		}
	}
	return t1.Sub(t0), time.Since(t1)
}

func holdDary4(n, e int) (setup, run time.Duration) {
	h := &dHeap{a: make([]vevent, 0, n+1)}
	var seq uint64
	t0 := time.Now()
	for i := 0; i < n; i++ {
		seq++
		h.push(vevent{t: exp1(), seq: seq, id: int32(i)})
	}
	t1 := time.Now()
	for i := 0; i < e; i++ {
		ev := h.pop()
		now := ev.t
		switch ev.kind {
		case 0:
			seq++
			h.push(vevent{t: now + exp1(), seq: seq, id: ev.id})
		}
	}
	return t1.Sub(t0), time.Since(t1)
}

// 4-ary heap of value events that carry a pre-bound func (no per-event alloc)
type fvevent struct {
	t   float64
	seq uint64
	fn  func()
}

type fdHeap struct{ a []fvevent }

func fvless(a, b *fvevent) bool {
	if a.t != b.t {
		return a.t < b.t
	}
	return a.seq < b.seq
}

func (h *fdHeap) push(e fvevent) {
	h.a = append(h.a, e)
	a := h.a
	i := len(a) - 1
	for i > 0 {
		p := (i - 1) >> 2
		if !fvless(&e, &a[p]) {
			break
		}
		a[i] = a[p]
		i = p
	}
	a[i] = e
}

func (h *fdHeap) pop() fvevent {
	a := h.a
	top := a[0]
	last := len(a) - 1
	x := a[last]
	a[last] = fvevent{}
	a = a[:last]
	h.a = a
	if last == 0 {
		return top
	}
	i := 0
	for {
		c := 4*i + 1
		if c >= last {
			break
		}
		m := c
		end := c + 4
		if end > last {
			end = last
		}
		for j := c + 1; j < end; j++ {
			if fvless(&a[j], &a[m]) {
				m = j
			}
		}
		if !fvless(&a[m], &x) {
			break
		}
		a[i] = a[m]
		i = m
	}
	a[i] = x
	return top
}

type fdSim struct {
	now float64
	seq uint64
	q   fdHeap
}

func (s *fdSim) At(t float64, fn func()) {
	s.seq++
	s.q.push(fvevent{t: t, seq: s.seq, fn: fn})
}

type holder struct {
	s  *fdSim
	fn func()
}

func (h *holder) fire() { h.s.At(h.s.now+exp1(), h.fn) }

func holdDary4Fn(n, e int) (setup, run time.Duration) {
	s := &fdSim{q: fdHeap{a: make([]fvevent, 0, n+1)}}
	t0 := time.Now()
	for i := 0; i < n; i++ {
		h := &holder{s: s}
		h.fn = h.fire // bound once, reused for every event of this entity
		s.At(exp1(), h.fn)
	}
	t1 := time.Now()
	for i := 0; i < e; i++ {
		ev := s.q.pop()
		s.now = ev.t
		ev.fn()
	}
	return t1.Sub(t0), time.Since(t1)
}

// ------------------------------------------------------------ process switch

// procChan: goroutine per process, hand-off over unbuffered channels; the
// scheduler pops a 4-ary value heap whose id names the process to resume.
func procChan(p, w int) (setup, run time.Duration) {
	per := w / p
	h := &dHeap{a: make([]vevent, 0, p+1)}
	var seq uint64
	var now float64
	resume := make([]chan struct{}, p)
	yield := make(chan float64) // process -> scheduler: next delay (<0: done)
	t0 := time.Now()
	for i := 0; i < p; i++ {
		resume[i] = make(chan struct{})
		go func(i int) {
			for k := 0; k < per; k++ {
				<-resume[i]
				yield <- exp1() // "wait Exp(1) timeout"
			}
			<-resume[i]
			yield <- -1
		}(i)
		seq++
		h.push(vevent{t: 0, seq: seq, id: int32(i)})
	}
	t1 := time.Now()
	for len(h.a) > 0 {
		ev := h.pop()
		now = ev.t
		resume[ev.id] <- struct{}{}
		if d := <-yield; d >= 0 {
			seq++
			h.push(vevent{t: now + d, seq: seq, id: ev.id})
		}
	}
	return t1.Sub(t0), time.Since(t1)
}

// procPull: each process is an iter.Seq that yields its next delay; the
// scheduler resumes it with next() (runtime coroutine switch, no scheduler).
func procPull(p, w int) (setup, run time.Duration) {
	per := w / p
	h := &dHeap{a: make([]vevent, 0, p+1)}
	var seq uint64
	var now float64
	nexts := make([]func() (float64, bool), p)
	t0 := time.Now()
	for i := 0; i < p; i++ {
		body := func(yield func(float64) bool) {
			for k := 0; k < per; k++ {
				if !yield(exp1()) {
					return
				}
			}
		}
		next, stop := iter.Pull(iter.Seq[float64](body))
		defer stop()
		nexts[i] = next
		seq++
		h.push(vevent{t: 0, seq: seq, id: int32(i)})
	}
	t1 := time.Now()
	for len(h.a) > 0 {
		ev := h.pop()
		now = ev.t
		if d, ok := nexts[ev.id](); ok {
			seq++
			h.push(vevent{t: now + d, seq: seq, id: ev.id})
		}
	}
	return t1.Sub(t0), time.Since(t1)
}

// procCallback: each process is a state machine re-scheduled by the loop.
func procCallback(p, w int) (setup, run time.Duration) {
	per := int32(w / p)
	h := &dHeap{a: make([]vevent, 0, p+1)}
	left := make([]int32, p)
	var seq uint64
	var now float64
	t0 := time.Now()
	for i := 0; i < p; i++ {
		left[i] = per
		seq++
		h.push(vevent{t: 0, seq: seq, id: int32(i)})
	}
	t1 := time.Now()
	for len(h.a) > 0 {
		ev := h.pop()
		now = ev.t
		if left[ev.id] > 0 {
			left[ev.id]--
			seq++
			h.push(vevent{t: now + exp1(), seq: seq, id: ev.id})
		}
	}
	return t1.Sub(t0), time.Since(t1)
}

// switchPull: W resume+yield round trips into one iter.Pull coroutine.
func switchPull(w int) (setup, run time.Duration) {
	t0 := time.Now()
	next, stop := iter.Pull(iter.Seq[int](func(yield func(int) bool) {
		for i := 0; ; i++ {
			if !yield(i) {
				return
			}
		}
	}))
	defer stop()
	t1 := time.Now()
	s := 0
	for i := 0; i < w; i++ {
		v, _ := next()
		s += v
	}
	if s < 0 {
		panic("unreachable")
	}
	return t1.Sub(t0), time.Since(t1)
}

// switchChan: W resume+yield round trips to one goroutine over channels.
func switchChan(w int) (setup, run time.Duration) {
	t0 := time.Now()
	resume := make(chan struct{})
	yield := make(chan int)
	go func() {
		for i := 0; ; i++ {
			if _, ok := <-resume; !ok {
				return
			}
			yield <- i
		}
	}()
	t1 := time.Now()
	s := 0
	for i := 0; i < w; i++ {
		resume <- struct{}{}
		s += <-yield
	}
	close(resume)
	if s < 0 {
		panic("unreachable")
	}
	return t1.Sub(t0), time.Since(t1)
}

func main() {
	flag.Parse()
	rng = rand.New(rand.NewPCG(*seed, 0x5eed))
	var setup, run time.Duration
	var count int
	var label string
	switch *bench {
	case "hold":
		count = *events
		label = fmt.Sprintf("hold impl=%s N=%d events=%d", *impl, *n, *events)
		switch *impl {
		case "heapfunc":
			setup, run = holdHeapFunc(*n, *events)
		case "bin":
			setup, run = holdBin(*n, *events)
		case "dary4":
			setup, run = holdDary4(*n, *events)
		case "dary4fn":
			setup, run = holdDary4Fn(*n, *events)
		default:
			fmt.Fprintln(os.Stderr, "unknown impl", *impl)
			os.Exit(2)
		}
	case "proc":
		count = *waits
		label = fmt.Sprintf("proc impl=%s procs=%d waits=%d", *impl, *procs, *waits)
		switch *impl {
		case "chan":
			setup, run = procChan(*procs, *waits)
		case "pull":
			setup, run = procPull(*procs, *waits)
		case "callback":
			setup, run = procCallback(*procs, *waits)
		default:
			fmt.Fprintln(os.Stderr, "unknown impl", *impl)
			os.Exit(2)
		}
	case "switch":
		count = *waits
		label = fmt.Sprintf("switch impl=%s roundtrips=%d", *impl, *waits)
		switch *impl {
		case "pull":
			setup, run = switchPull(*waits)
		case "chan":
			setup, run = switchChan(*waits)
		default:
			fmt.Fprintln(os.Stderr, "unknown impl", *impl)
			os.Exit(2)
		}
	default:
		fmt.Fprintln(os.Stderr, "unknown bench", *bench)
		os.Exit(2)
	}
	fmt.Printf("RESULT peer=go-baseline %s setup_s=%.3f run_s=%.3f ns_per_event=%.1f gomaxprocs=%d\n",
		label, setup.Seconds(), run.Seconds(), float64(run.Nanoseconds())/float64(count), runtime.GOMAXPROCS(0))
}

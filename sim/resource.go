package sim

import "fmt"

// waitQueue is a FIFO of waiting processes. Entries whose wait ended some
// other way (interrupt, timeout) are skipped lazily when they reach the
// head.
type waitQueue struct {
	ws   []waiter
	head int
}

func (q *waitQueue) push(w waiter) { q.ws = append(q.ws, w) }

// popLive removes and returns the first entry whose process is still
// waiting in the same generation.
func (q *waitQueue) popLive() (waiter, bool) {
	for q.head < len(q.ws) {
		w := q.ws[q.head]
		q.ws[q.head] = waiter{}
		q.head++
		if q.head > 32 && q.head*2 > len(q.ws) {
			n := copy(q.ws, q.ws[q.head:])
			clear(q.ws[n:])
			q.ws = q.ws[:n]
			q.head = 0
		}
		if w.p.gen == w.gen && w.p.state == procWaiting && !w.p.woken {
			return w, true
		}
	}
	return waiter{}, false
}

// peekLive returns the first live entry without removing it.
func (q *waitQueue) peekLive() (waiter, bool) {
	for q.head < len(q.ws) {
		w := q.ws[q.head]
		if w.p.gen == w.gen && w.p.state == procWaiting && !w.p.woken {
			return w, true
		}
		q.ws[q.head] = waiter{}
		q.head++
	}
	return waiter{}, false
}

// len counts live waiters (O(n); for statistics, not hot paths).
func (q *waitQueue) len() int {
	n := 0
	for _, w := range q.ws[q.head:] {
		if w.p.gen == w.gen && w.p.state == procWaiting && !w.p.woken {
			n++
		}
	}
	return n
}

// Resource is a pool of identical units (servers, connection slots, host
// cores) that processes hold for a while: SimPy's Resource. Requests are
// granted first-come first-served.
type Resource struct {
	env      *Env
	name     string
	capacity int
	inUse    int
	q        waitQueue
	busy     *Gauge
	queued   *Gauge
}

// NewResource returns a resource with capacity units. A capacity below one
// panics. The options apply to its Busy and QueueLength gauges, which keep
// running integrals unless given KeepHistory.
func NewResource(env *Env, name string, capacity int, opts ...GaugeOption) *Resource {
	if capacity < 1 {
		panic(fmt.Sprintf("sim: NewResource(%q): capacity %d must be at least 1", name, capacity))
	}
	return &Resource{env: env, name: name, capacity: capacity,
		busy: env.NewGauge(name+".busy", 0, opts...), queued: env.NewGauge(name+".queue", 0, opts...)}
}

// Name returns the resource's name.
func (r *Resource) Name() string { return r.name }

// Capacity returns the number of units.
func (r *Resource) Capacity() int { return r.capacity }

// InUse returns the number of units held.
func (r *Resource) InUse() int { return r.inUse }

// Queued returns the number of processes waiting.
func (r *Resource) Queued() int { return r.q.len() }

// Busy is the time-weighted number of units in use (its mean over a run
// is the utilisation times the capacity).
func (r *Resource) Busy() *Gauge { return r.busy }

// QueueLength is the time-weighted number of waiting processes.
func (r *Resource) QueueLength() *Gauge { return r.queued }

// Acquire takes one unit, waiting in FIFO order if none is free. It returns
// nil once the unit is held, or an *Interrupted error (the process then
// holds nothing and has left the queue).
func (r *Resource) Acquire(p *Proc) error {
	if p.env != r.env {
		panic(fmt.Sprintf("sim: Acquire: resource %q belongs to another Env than process %q", r.name, p.name))
	}
	gen, err := p.beginWait("Acquire")
	if err != nil {
		return err
	}
	if r.TryAcquire() {
		if r.env.trace != nil {
			r.env.Emit(r.name, "acquire", F("proc", p.name))
		}
		return nil
	}
	if r.env.trace != nil {
		r.env.Emit(r.name, "queue", F("proc", p.name))
	}
	r.q.push(waiter{p: p, gen: gen})
	r.queued.Add(1)
	p.suspend()
	if p.reason == wakeInterrupt {
		r.queued.Add(-1)
		return p.intr
	}
	return nil
}

// TryAcquire takes a unit if one is free and nobody is queued.
func (r *Resource) TryAcquire() bool {
	if _, queued := r.q.peekLive(); r.inUse < r.capacity && !queued {
		r.inUse++
		r.busy.Set(float64(r.inUse))
		return true
	}
	return false
}

// Release returns one unit. If processes are waiting, the unit passes to
// the first of them, which resumes at the current instant. Releasing more
// than was acquired panics.
func (r *Resource) Release() {
	if r.inUse == 0 {
		panic(fmt.Sprintf("sim: Release: resource %q has no unit in use", r.name))
	}
	if w, ok := r.q.popLive(); ok {
		r.queued.Add(-1)
		w.p.wakeAt(w.gen, wakeGrant, 0)
		if r.env.trace != nil {
			r.env.Emit(r.name, "acquire", F("proc", w.p.name))
		}
		return
	}
	r.inUse--
	r.busy.Set(float64(r.inUse))
}

// Store is a bounded FIFO buffer of items: producers Put and block while it
// is full, consumers Get and block while it is empty (SimPy's Store).
type Store[T any] struct {
	env      *Env
	name     string
	capacity int
	items    []T
	getters  waitQueue
	putters  waitQueue
	handoff  map[*Proc]T // item given directly to a waiting getter, or held by a waiting putter
}

// NewStore returns a store holding at most capacity items; capacity must
// be at least one.
func NewStore[T any](env *Env, name string, capacity int) *Store[T] {
	if capacity < 1 {
		panic(fmt.Sprintf("sim: NewStore(%q): capacity %d must be at least 1", name, capacity))
	}
	return &Store[T]{env: env, name: name, capacity: capacity, handoff: make(map[*Proc]T)}
}

// Len returns the number of items in the store.
func (s *Store[T]) Len() int { return len(s.items) }

// Put adds item, waiting while the store is full. On an *Interrupted error
// the item was not added.
func (s *Store[T]) Put(p *Proc, item T) error {
	gen, err := p.beginWait("Put")
	if err != nil {
		return err
	}
	if s.TryPut(item) {
		return nil
	}
	s.handoff[p] = item
	s.putters.push(waiter{p: p, gen: gen})
	p.suspend()
	if p.reason == wakeInterrupt {
		delete(s.handoff, p)
		return p.intr
	}
	return nil
}

// TryPut adds item if there is room, reporting whether it did.
func (s *Store[T]) TryPut(item T) bool {
	if w, ok := s.getters.popLive(); ok {
		s.handoff[w.p] = item
		w.p.wakeAt(w.gen, wakeGrant, 0)
		return true
	}
	if len(s.items) < s.capacity {
		s.items = append(s.items, item)
		return true
	}
	return false
}

// Get removes and returns the oldest item, waiting while the store is
// empty.
func (s *Store[T]) Get(p *Proc) (T, error) {
	gen, err := p.beginWait("Get")
	if err != nil {
		var zero T
		return zero, err
	}
	if item, ok := s.TryGet(); ok {
		return item, nil
	}
	s.getters.push(waiter{p: p, gen: gen})
	p.suspend()
	if p.reason == wakeInterrupt {
		var zero T
		return zero, p.intr
	}
	item := s.handoff[p]
	delete(s.handoff, p)
	return item, nil
}

// TryGet removes and returns the oldest item if there is one.
func (s *Store[T]) TryGet() (T, bool) {
	var zero T
	if len(s.items) == 0 {
		return zero, false
	}
	item := s.items[0]
	s.items[0] = zero
	s.items = s.items[1:]
	// A waiting putter can now add its item.
	if w, ok := s.putters.popLive(); ok {
		s.items = append(s.items, s.handoff[w.p])
		delete(s.handoff, w.p)
		w.p.wakeAt(w.gen, wakeGrant, 0)
	}
	return item, true
}

// Container holds a continuous quantity (litres of fuel, GB of a disk,
// CPU credits) between zero and its capacity: SimPy's Container. Get waits
// until the requested amount is there; Put waits until it fits. Requests
// on each side are served first-come first-served.
type Container struct {
	env      *Env
	name     string
	capacity float64
	level    float64
	getters  waitQueue
	putters  waitQueue
	amounts  map[*Proc]float64
}

// NewContainer returns a container with the given capacity and initial
// level. Invalid arguments panic.
func NewContainer(env *Env, name string, capacity, init float64) *Container {
	if !(capacity > 0) {
		panic(fmt.Sprintf("sim: NewContainer(%q): capacity %v must be positive", name, capacity))
	}
	if init < 0 || init > capacity {
		panic(fmt.Sprintf("sim: NewContainer(%q): initial level %v outside [0, %v]", name, init, capacity))
	}
	return &Container{env: env, name: name, capacity: capacity, level: init, amounts: make(map[*Proc]float64)}
}

// Level returns the current amount.
func (c *Container) Level() float64 { return c.level }

// Capacity returns the maximum amount.
func (c *Container) Capacity() float64 { return c.capacity }

func (c *Container) checkAmount(op string, amount float64) {
	if !(amount > 0) || amount > c.capacity {
		panic(fmt.Sprintf("sim: Container(%q).%s: amount %v outside (0, %v]", c.name, op, amount, c.capacity))
	}
}

// Put adds amount, waiting until it fits.
func (c *Container) Put(p *Proc, amount float64) error {
	c.checkAmount("Put", amount)
	return c.wait(p, "Put", amount, &c.putters)
}

// Get removes amount, waiting until it is there.
func (c *Container) Get(p *Proc, amount float64) error {
	c.checkAmount("Get", amount)
	return c.wait(p, "Get", amount, &c.getters)
}

func (c *Container) wait(p *Proc, op string, amount float64, q *waitQueue) error {
	gen, err := p.beginWait(op)
	if err != nil {
		return err
	}
	if _, queued := q.peekLive(); !queued && c.apply(q == &c.putters, amount) {
		c.settle()
		return nil
	}
	c.amounts[p] = amount
	q.push(waiter{p: p, gen: gen})
	p.suspend()
	delete(c.amounts, p)
	if p.reason == wakeInterrupt {
		return p.intr
	}
	return nil
}

func (c *Container) apply(put bool, amount float64) bool {
	if put {
		if c.level+amount > c.capacity {
			return false
		}
		c.level += amount
		return true
	}
	if c.level < amount {
		return false
	}
	c.level -= amount
	return true
}

// settle serves waiting requests at the heads of both queues for as long
// as one of them can proceed.
func (c *Container) settle() {
	for progress := true; progress; {
		progress = false
		for _, side := range []struct {
			q   *waitQueue
			put bool
		}{{&c.getters, false}, {&c.putters, true}} {
			if w, ok := side.q.peekLive(); ok && c.apply(side.put, c.amounts[w.p]) {
				side.q.popLive()
				w.p.wakeAt(w.gen, wakeGrant, 0)
				progress = true
			}
		}
	}
}

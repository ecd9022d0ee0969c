package sim

import (
	"math/rand/v2"
	"strconv"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/require"
)

// TestRandStreamIsItsSource checks that a named stream draws what a Rand
// over the stream's own source (Source, StreamSource) draws, and stays the
// same stream for the Env's life.
func TestRandStreamIsItsSource(t *testing.T) {
	e := New(42)
	defer e.Close()
	for _, name := range []string{"", "a", "ec2/spot/use1-az1", "failure/recurring/x"} {
		got, want := e.Rand(name), rand.New(StreamSource(42, name))
		require.Same(t, got, e.Rand(name))
		for range 100 {
			require.Equal(t, want.Uint64(), got.Uint64(), name)
			require.Equal(t, want.NormFloat64(), got.NormFloat64(), name)
		}
	}
}

// A new stream costs an eighth of an allocation (its Rand and source
// together, cut from a block of eight) besides the map's growth: a
// replication takes a few dozen.
func TestRandStreamAllocations(t *testing.T) {
	e := New(1)
	defer e.Close()
	names := make([]string, 300)
	for i := range names {
		names[i] = "s/" + strconv.Itoa(i)
	}
	i := 0
	allocs := testing.AllocsPerRun(len(names)-1, func() {
		e.Rand(names[i])
		i++
	})
	require.LessOrEqual(t, allocs, 0.5)
}

// A process's first two values and first exit hook live inside the Proc:
// setting them allocates nothing.
func TestProcValuesInline(t *testing.T) {
	type key struct{ n int }
	k1, k2, v := &key{1}, &key{2}, &key{3}
	exit := func(*Proc) {}
	p := &Proc{}
	allocs := testing.AllocsPerRun(100, func() {
		p.values, p.onExit = nil, nil
		p.SetValue(k1, v)
		p.SetValue(k2, v)
		p.SetValue(k1, k2)
		p.OnExit(exit)
	})
	require.Zero(t, allocs)
	require.Same(t, k2, p.Value(k1))
	require.Same(t, v, p.Value(k2))
	require.Len(t, p.onExit, 1)
	p.SetValue(&key{4}, v) // a third spills to the heap, keeping the others
	require.Same(t, k2, p.Value(k1))
	require.Same(t, v, p.Value(k2))
}

// A process waiting on an event with no other waiter is queued in the
// Event's own room: a WaitAny on a fresh event allocates nothing for it.
func TestEventFirstWaiterInline(t *testing.T) {
	e := New(1)
	defer e.Close()
	ev := e.NewEvent("ev")
	var allocs float64
	e.Go("waiter", func(p *Proc) {
		allocs = testing.AllocsPerRun(20, func() {
			ev.addWaiter(waiter{p: p})
			p.dropWaiters([]*Event{ev})
		})
	})
	e.Run()
	require.Zero(t, allocs)
	require.Empty(t, ev.waiters)
}

// A replication creates dozens of processes and events: each is kept to a
// size class of its own (256 and 112 bytes), which the next field would
// push one class up.
func TestKernelObjectSizes(t *testing.T) {
	require.LessOrEqual(t, unsafe.Sizeof(Proc{}), uintptr(256))
	require.LessOrEqual(t, unsafe.Sizeof(Event{}), uintptr(112))
}

// OnTrigger's callbacks run once, in registration order, when the event
// happens, and at once when it already has.
func TestEventCallbacks(t *testing.T) {
	e := New(1)
	defer e.Close()
	ev := e.NewEvent("ev")
	var got []string
	ev.OnTrigger(func(x *Event) { got = append(got, "a:"+x.Value().(string)) })
	ev.OnTrigger(func(x *Event) { got = append(got, "b:"+x.Value().(string)) })
	require.Empty(t, got)
	ev.Trigger("v")
	require.Equal(t, []string{"a:v", "b:v"}, got)
	ev.OnTrigger(func(x *Event) { got = append(got, "c:"+x.Value().(string)) })
	require.Equal(t, []string{"a:v", "b:v", "c:v"}, got)
	require.Nil(t, ev.callbacks, "the triggered event kept its callbacks")
}

// A process that reuses an ended one's slot starts past the generation
// the ended one reached (the free list carries it), so a wake-up the
// ended process left in the queue cannot resume the new one.
func TestReusedSlotIgnoresStaleWakeups(t *testing.T) {
	e := New(1)
	defer e.Close()
	ev, never := e.NewEvent("ev"), e.NewEvent("never")
	a := e.Go("a", func(p *Proc) {
		ok, err := p.WaitTimeout(ev, time.Hour) // leaves its 1h wake-up behind
		require.True(t, ok)
		require.NoError(t, err)
	})
	e.After(time.Minute, func() { ev.Trigger(nil) })
	woke := false
	var b *Proc
	e.After(2*time.Minute, func() {
		b = e.Go("b", func(p *Proc) {
			_ = p.Wait(never)
			woke = true
		})
	})
	e.RunUntil(Time(2 * time.Hour))
	require.False(t, a.Alive())
	require.Equal(t, a.idx, b.idx, "b did not reuse a's slot")
	require.True(t, b.Alive())
	require.False(t, woke, "a's stale wake-up resumed b")
}

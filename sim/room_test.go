package sim

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// roomScenario exercises everything a room carries: processes (some still
// waiting when the horizon ends), cancelled and pending timers, events
// spread over many buckets, named streams and a rebase (a Schedule below
// the queue's last instant after RunFor); many events are still pending
// at the end. It returns the trace hash.
func roomScenario(e *Env) string {
	e.EnableTrace()
	r := e.Rand("room/a")
	h := e.Handle(func(arg uint64) {
		e.Emit("room", "handled", F("arg", arg), F("draw", e.Rand("room/b").Uint64()))
	})
	for i := range 40 {
		e.Go("sleeper", func(p *Proc) {
			for k := 0; k < 5+i%7; k++ {
				if err := p.Sleep(Exp(r, time.Duration(1+i)*time.Minute)); err != nil {
					return
				}
			}
			e.Emit("room", "woke", F("i", i))
		})
		t := e.After(Exp(r, time.Hour), func() { e.Emit("room", "timer", F("i", i)) })
		if i%3 == 0 {
			t.Stop()
		}
		e.Schedule(Time(Exp(r, 10*time.Hour)), h, uint64(i))
	}
	e.RunFor(2 * time.Hour)
	e.Schedule(e.Now(), h, 99) // below what the queue may have looked at
	e.RunFor(time.Hour)
	e.Emit("room", "pending", F("n", e.Pending()))
	return e.Trace().Hash()
}

// drainScenario is roomScenario run on until the queue is empty.
func drainScenario(e *Env) string {
	roomScenario(e)
	e.Run()
	e.Emit("room", "drained", F("n", e.Pending()), F("now", e.Now()))
	return e.Trace().Hash()
}

// Close empties the Env's structures into the room it hands on: nothing
// of the closed run's content survives (no callback, process or stream,
// no pending event), only capacity, and the closed Env keeps no
// reference to any of it.
func TestRoomCarriesOnlyCapacity(t *testing.T) {
	e := newEnv(1, nil)
	roomScenario(e)
	require.Positive(t, e.Pending())
	r := e.shut()
	require.NotNil(t, r)

	require.Zero(t, r.q.n)
	require.Zero(t, r.q.used)
	require.Zero(t, r.q.head)
	require.Zero(t, r.q.last)
	roomy := 0
	for i := range r.q.b {
		require.Empty(t, r.q.b[i], "bucket %d", i)
		roomy += cap(r.q.b[i])
	}
	require.Positive(t, roomy, "the buckets' room was not handed on")
	require.Positive(t, cap(r.timers))
	require.Positive(t, cap(r.procs))
	require.Empty(t, r.timers)
	require.Empty(t, r.freeTmr)
	require.Empty(t, r.procs)
	require.Empty(t, r.freeProc)
	require.Empty(t, r.idle)
	for _, ts := range r.timers[:cap(r.timers)] {
		require.Equal(t, timerSlot{}, ts)
	}
	for _, p := range r.procs[:cap(r.procs)] {
		require.Nil(t, p)
	}
	for _, w := range r.idle[:cap(r.idle)] {
		require.Nil(t, w)
	}
	require.NotNil(t, r.streams)
	require.Empty(t, r.streams)

	require.Zero(t, e.Pending())
	require.Nil(t, e.timers)
	require.Nil(t, e.procs)
	require.Nil(t, e.idle)
	require.Nil(t, e.streams)
	require.Nil(t, e.room)
	// A stream asked for after Close is a fresh one, not a handed-on map.
	require.Equal(t, newEnv(1, nil).Rand("room/a").Uint64(), e.Rand("room/a").Uint64())
	e.Close() // a second Close hands nothing on again
}

// An Env in the room of a closed one runs exactly as a fresh one: the
// same trace, event for event.
func TestRoomKeepsRunsIdentical(t *testing.T) {
	fresh := newEnv(7, nil)
	want := roomScenario(fresh)
	fresh.Close()

	used := newEnv(3, nil)
	roomScenario(used)
	r := used.shut()
	again := newEnv(7, r)
	require.Same(t, r, again.room)
	require.Equal(t, want, roomScenario(again))
	// And once more, in the room the second run grew, to the end.
	r = again.shut()
	fresh = newEnv(7, nil)
	want = drainScenario(fresh)
	require.Zero(t, fresh.Pending())
	require.Equal(t, want, drainScenario(newEnv(7, r)))
}

// Replications that open and close Envs on many goroutines at once share
// rooms through the pool; each still gets its own seed's results (run
// with -race, this also checks the hand-over is race-free).
func TestRoomConcurrentReplications(t *testing.T) {
	const seeds = 8
	want := make([]string, seeds)
	for s := range seeds {
		e := newEnv(uint64(s), nil)
		want[s] = roomScenario(e)
		e.shut()
	}
	rounds := 6
	if testing.Short() {
		rounds = 2
	}
	got := make([][seeds]string, rounds)
	var wg sync.WaitGroup
	for g := range rounds {
		wg.Go(func() {
			for s := range seeds {
				e := New(uint64(s))
				got[g][s] = roomScenario(e)
				e.Close()
			}
		})
	}
	wg.Wait()
	for g := range rounds {
		require.Equal(t, want, got[g][:], "round %d", g)
	}
}

// A callback that closes the Env mid-run leaves the run loop structures
// to look at: nothing is handed on, and the run ends cleanly.
func TestRoomNotHandedOnWhileRunning(t *testing.T) {
	e := newEnv(1, nil)
	var r *room
	e.Go("p", func(p *Proc) { _ = p.Sleep(time.Hour) })
	e.After(time.Minute, func() { r = e.shut() })
	e.After(2*time.Minute, func() { t.Error("ran after Close") })
	e.Run()
	require.Nil(t, r)
	require.True(t, e.closed)
}

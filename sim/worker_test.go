package sim

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestWorkerReuse: processes that start after others ended run on the
// ended ones' coroutines, so a run of many short processes keeps only as
// many coroutines as were alive at once.
func TestWorkerReuse(t *testing.T) {
	env := New(1)
	var seen []*worker
	var chain func(p *Proc)
	n := 0
	chain = func(p *Proc) {
		seen = append(seen, p.w)
		require.NoError(t, p.Sleep(time.Second))
		if n++; n < 50 {
			env.Go("next", chain)
		}
	}
	env.Go("first", chain)
	env.Run()
	require.Len(t, seen, 50)
	// Each process ends after starting the next, which first runs at the
	// next event: by then the previous one's worker is idle.
	for i, w := range seen {
		require.Same(t, seen[0], w, "process %d got a new coroutine", i)
	}
	require.Empty(t, env.idle, "idle workers outlived Run")
}

// TestWorkersDoNotOutliveRun: an Env that is never closed holds no
// goroutine for its ended processes once Run returns, as before workers
// were pooled.
func TestWorkersDoNotOutliveRun(t *testing.T) {
	before := runtime.NumGoroutine()
	for range 20 {
		env := New(1)
		for i := range 30 {
			env.Go("p", func(p *Proc) { _ = p.Sleep(time.Duration(i) * time.Second) })
		}
		env.Run()
		env.Step() // nothing left: Step must not leave workers behind either
	}
	runtime.Gosched()
	require.LessOrEqual(t, runtime.NumGoroutine(), before+2)
}

// TestKillOnPooledWorker: a killed process unwinds through its deferred
// calls (one that tries to wait is cut short, as before pooling), ends
// with a *Killed error, and its worker goes idle for the next process.
func TestKillOnPooledWorker(t *testing.T) {
	env := New(1)
	never := env.NewEvent("never")
	var deferRan, waitedInDefer bool
	victim := env.Go("victim", func(p *Proc) {
		defer func() {
			deferRan = true
			_ = p.Sleep(time.Second)
			waitedInDefer = true
		}()
		_ = p.Wait(never)
	})
	var victimWorker, killerWorker, laterWorker *worker
	later := false
	env.Go("killer", func(p *Proc) {
		require.NoError(t, p.Sleep(time.Second))
		victimWorker, killerWorker = victim.w, p.w
		require.True(t, victim.Kill(errors.New("reclaimed")))
		require.Contains(t, env.idle, victimWorker, "the killed process's coroutine did not go idle")
		env.Go("later", func(q *Proc) {
			laterWorker = q.w
			require.NoError(t, q.Sleep(time.Second))
			later = true
		})
	})
	env.Run()
	require.True(t, deferRan)
	require.False(t, waitedInDefer, "a killed process's deferred wait returned")
	var k *Killed
	require.ErrorAs(t, victim.Err(), &k)
	require.True(t, later)
	// Idle workers are taken last in, first out: the killer's, which
	// ended after the kill.
	require.Same(t, killerWorker, laterWorker, "a new coroutine was made with two idle")
	env.Close()
}

// TestKillOutsideRunTrimsWorker: Kill between runs frees the worker at
// once rather than leaving it parked until the next run.
func TestKillOutsideRunTrimsWorker(t *testing.T) {
	env := New(1)
	p := env.Go("waiter", func(p *Proc) { _ = p.Wait(env.NewEvent("never")) })
	env.Step()
	require.True(t, p.Alive())
	require.True(t, p.Kill(nil))
	require.Empty(t, env.idle)
	require.ErrorIs(t, p.Err(), context.Canceled)
}

// TestRoomyWorkersBounded: the first roomyWorkers live workers grow their
// stacks up front; a crowd of concurrent processes beyond them keeps the
// runtime's small stacks.
func TestRoomyWorkersBounded(t *testing.T) {
	env := New(1)
	var workers []*worker
	for range roomyWorkers + 36 {
		env.Go("p", func(p *Proc) {
			workers = append(workers, p.w)
			_ = p.Sleep(time.Second)
		})
	}
	env.Run()
	roomy := 0
	for _, w := range workers {
		if w.grow {
			roomy++
		}
	}
	require.Equal(t, roomyWorkers, roomy)
	require.Zero(t, env.workers, "stopped workers still counted")
	env.Close()
}

// TestProcValues: SetValue keeps one value per key (a second set
// replaces it), Value finds each key among several, misses give nil, and
// a read allocates nothing.
func TestProcValues(t *testing.T) {
	type k1 struct{}
	type k2 string
	env := New(1)
	env.Go("p", func(p *Proc) {
		require.Nil(t, p.Value(k1{}))
		p.SetValue(k1{}, "first")
		p.SetValue(k2("a"), 1)
		p.SetValue(k2("b"), 2)
		p.SetValue(k1{}, "second")
		require.Equal(t, "second", p.Value(k1{}))
		require.Equal(t, 1, p.Value(k2("a")))
		require.Equal(t, 2, p.Value(k2("b")))
		require.Nil(t, p.Value(k2("c")))
		require.Len(t, p.values, 3)
		require.Zero(t, testing.AllocsPerRun(100, func() { _ = p.Value(k2("b")) }))
	})
	env.Run()
}

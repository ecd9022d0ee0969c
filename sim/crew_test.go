package sim

import (
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestPooledCoroutinesReused: with WithPooledCoroutines, the workers of
// one Env's run serve the next Env's processes. (Only some of the time:
// sync.Pool keeps no promise, and under the race detector drops a
// quarter of what it is given.)
func TestPooledCoroutinesReused(t *testing.T) {
	seen := map[*worker]bool{}
	reused := 0
	for range 10 {
		env := New(1, WithPooledCoroutines())
		for range 3 {
			env.Go("p", func(p *Proc) {
				if seen[p.w] {
					reused++
				}
				seen[p.w] = true
				require.NoError(t, p.Sleep(time.Second))
			})
		}
		env.Run()
		require.Empty(t, env.idle)
		require.Zero(t, env.workers)
		env.Close()
	}
	require.Positive(t, reused)
}

// TestPooledCoroutinesBounded: Envs with pooled coroutines left without
// Close, and Envs closed with processes blocked, hold no more goroutines
// between them than one crew; and the crews the pool lets go stop their
// workers.
func TestPooledCoroutinesBounded(t *testing.T) {
	before := runtime.NumGoroutine()
	for i := range 20 {
		env := New(1, WithPooledCoroutines())
		never := env.NewEvent("never")
		closing := i%2 == 0
		for j := range 50 {
			env.Go("p", func(p *Proc) {
				if closing && j%2 == 1 {
					_ = p.Wait(never)
					return
				}
				_ = p.Sleep(time.Duration(j) * time.Second)
			})
		}
		env.RunFor(time.Minute)
		require.Empty(t, env.idle)
		if closing {
			env.Close() // unwinds the blocked ones: their workers go to the pool
		}
	}
	// The race detector's sync.Pool drops a quarter of what it is given,
	// so count once the dropped crews' cleanups have run.
	require.Eventually(t, func() bool {
		runtime.GC()
		return runtime.NumGoroutine() <= before+maxCrew+2
	}, 20*time.Second, 10*time.Millisecond)
}

// TestPooledCoroutinesSameResults: a model gives the same trace with and
// without pooled coroutines, and with a pool that earlier Envs filled.
func TestPooledCoroutinesSameResults(t *testing.T) {
	run := func(opts ...Option) string {
		env := New(7, append(opts, WithTrace())...)
		defer env.Close()
		r := env.Rand("work")
		res := NewResource(env, "r", 2)
		for i := range 20 {
			env.Go("job", func(p *Proc) {
				_ = p.Sleep(Exp(r, time.Second))
				if err := res.Acquire(p); err != nil {
					return
				}
				defer res.Release()
				_ = p.Sleep(time.Duration(1+i%3) * time.Second)
			})
		}
		env.Run()
		return env.Trace().Hash()
	}
	want := run()
	for range 5 {
		require.Equal(t, want, run(WithPooledCoroutines()))
	}
}

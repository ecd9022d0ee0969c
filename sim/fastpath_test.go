package sim

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// fastPathScenario mixes every case Sleep's fast path must tell apart: a
// lone sleeper with nothing else due (taken), sleeps that meet another
// event at the same instant (not taken: the earlier event runs first),
// sleeps across a pending timer, a daemon that outlives the foreground
// work, a zero sleep, and a process started while another sleeps.
func fastPathScenario(env *Env, log *[]string) {
	rec := func(p *Proc, what string) {
		*log = append(*log, p.Now().String()+" "+p.Name()+" "+what)
		env.Emit(p.Name(), what)
	}
	env.GoDaemon("daemon", func(p *Proc) {
		for range 6 {
			p.Sleep(7 * time.Second)
			rec(p, "tick")
		}
	})
	env.Go("lone", func(p *Proc) {
		for i := range 20 {
			p.Sleep(time.Duration(i%4) * time.Second)
			rec(p, "woke")
		}
		env.After(3*time.Second, func() { *log = append(*log, env.Now().String()+" timer") })
		p.Sleep(3 * time.Second) // meets the timer at the same instant: the timer first
		rec(p, "after timer")
		env.Go("child", func(c *Proc) {
			c.Sleep(0)
			rec(c, "child")
			c.Sleep(2 * time.Second)
			rec(c, "child done")
		})
		p.Sleep(time.Second)
		rec(p, "end")
	})
}

func runScenario(drive func(*Env)) ([]string, string, Time) {
	env := New(3)
	defer env.Close()
	env.EnableTrace()
	var log []string
	fastPathScenario(env, &log)
	drive(env)
	return log, env.Trace().Hash(), env.Now()
}

// TestSleepFastPathIsInvisible: Run and RunUntil take Sleep's fast path;
// Step never does (it promises one event per call). The logs, trace
// hashes and clocks must agree exactly.
func TestSleepFastPathIsInvisible(t *testing.T) {
	horizon := Time(100 * time.Second) // after the daemon's last tick (42 s)
	slowLog, slowHash, slowNow := runScenario(func(env *Env) {
		for env.Step() {
		}
		env.RunUntil(horizon) // sets the clock only: nothing is left
	})
	fastLog, fastHash, fastNow := runScenario(func(env *Env) { env.RunUntil(horizon) })
	require.Equal(t, slowLog, fastLog)
	require.Equal(t, slowHash, fastHash)
	require.Equal(t, slowNow, fastNow)
	require.Contains(t, fastLog, "+0s lone woke", "the scenario ran")

	// Run stops at the last foreground event although the daemon sleeps on.
	runLog, _, runNow := runScenario(func(env *Env) { env.Run() })
	require.Equal(t, Time(35*time.Second), runNow, "clock after Run: the last foreground event (%v)", runLog[len(runLog)-1])
	require.Equal(t, slowLog[:len(runLog)], runLog)
}

// TestSleepFastPathRespectsRunUntil: a lone sleeper stops at the horizon
// and continues on the next RunUntil, as with queued events.
func TestSleepFastPathRespectsRunUntil(t *testing.T) {
	env := New(1)
	defer env.Close()
	var wakes []Time
	env.Go("lone", func(p *Proc) {
		for range 10 {
			p.Sleep(time.Second)
			wakes = append(wakes, p.Now())
		}
	})
	env.RunUntil(Time(3500 * time.Millisecond))
	require.Len(t, wakes, 3)
	require.Equal(t, Time(3500*time.Millisecond), env.Now())
	env.Stop() // outside a run: no effect on the next one
	env.RunUntil(Time(20 * time.Second))
	require.Len(t, wakes, 10)
	require.Equal(t, Time(10*time.Second), wakes[9])
}

// TestSleepFastPathStop: a process that calls Stop and sleeps leaves its
// wake-up queued; Run returns at once.
func TestSleepFastPathStop(t *testing.T) {
	env := New(1)
	defer env.Close()
	n := 0
	env.Go("stopper", func(p *Proc) {
		for range 3 {
			n++
			env.Stop()
			p.Sleep(time.Second)
		}
	})
	env.Run()
	require.Equal(t, 1, n)
	require.Equal(t, Time(0), env.Now())
	env.Run()
	require.Equal(t, 2, n)
	require.Equal(t, Time(time.Second), env.Now())
}

// BenchmarkSleepAlone is a process that sleeps with nothing else due, as
// a poller in a quiet replication does: Sleep's fast path.
func BenchmarkSleepAlone(b *testing.B) {
	env := New(1)
	defer env.Close()
	env.Go("poller", func(p *Proc) {
		for range b.N {
			p.Sleep(5 * time.Second)
		}
	})
	b.ReportAllocs()
	b.ResetTimer()
	env.Run()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/wait")
}

package sim

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestSameInstantEventsRunFIFO(t *testing.T) {
	env := New(1)
	defer env.Close()
	var got []int
	for i := range 5 {
		env.At(Time(time.Second), func() { got = append(got, i) })
	}
	env.At(0, func() { got = append(got, -1) })
	env.Run()
	if fmt.Sprint(got) != "[-1 0 1 2 3 4]" {
		t.Fatalf("order %v", got)
	}
}

func TestProcessesStartInOrderAfterCurrentEvents(t *testing.T) {
	env := New(1)
	defer env.Close()
	var got []string
	env.At(0, func() { got = append(got, "timer") })
	env.Go("a", func(p *Proc) { got = append(got, "a") })
	env.Go("b", func(p *Proc) { got = append(got, "b") })
	env.Run()
	if fmt.Sprint(got) != "[timer a b]" {
		t.Fatalf("order %v", got)
	}
}

func TestSleepAdvancesVirtualTimeOnly(t *testing.T) {
	env := New(1)
	defer env.Close()
	var woke Time
	env.Go("sleeper", func(p *Proc) {
		p.Sleep(90 * time.Minute)
		woke = p.Now()
	})
	env.Run()
	if woke != Time(90*time.Minute) || env.Now() != woke {
		t.Fatalf("woke at %v, env at %v", woke, env.Now())
	}
	if got := env.TimeOf(woke); !got.Equal(DefaultEpoch().Add(90 * time.Minute)) {
		t.Fatalf("calendar time %v", got)
	}
}

func TestInterruptEndsWaitWithCause(t *testing.T) {
	env := New(1)
	defer env.Close()
	var err error
	var at Time
	worker := env.Go("worker", func(p *Proc) {
		err = p.Sleep(time.Hour)
		at = p.Now()
	})
	env.After(10*time.Minute, func() { worker.Interrupt("spot reclaim") })
	env.Run()
	var intr *Interrupted
	if !errors.As(err, &intr) || intr.Cause != "spot reclaim" {
		t.Fatalf("err = %v", err)
	}
	if at != Time(10*time.Minute) {
		t.Fatalf("resumed at %v", at)
	}
	if env.Now() != Time(10*time.Minute) {
		t.Fatalf("the abandoned sleep still advanced the clock to %v", env.Now())
	}
}

func TestInterruptBeforeWaitIsDeliveredAtNextWait(t *testing.T) {
	env := New(1)
	defer env.Close()
	var err error
	p := env.Go("late", func(p *Proc) { err = p.Sleep(time.Hour) })
	p.Interrupt("early")
	env.Run()
	if err == nil || env.Now() != 0 {
		t.Fatalf("err=%v now=%v", err, env.Now())
	}
}

func TestKillRunsDefersAndCancelsContext(t *testing.T) {
	env := New(1)
	defer env.Close()
	deferred := false
	reached := false
	cause := errors.New("instance i-123 terminated")
	p := env.Go("job", func(p *Proc) {
		defer func() { deferred = true }()
		p.Sleep(time.Hour)
		reached = true
	})
	var done <-chan struct{}
	env.After(time.Minute, func() {
		done = p.Done()
		if p.Err() != nil {
			t.Error("Err before kill")
		}
		if !p.Kill(cause) {
			t.Error("Kill returned false")
		}
	})
	env.Run()
	if !deferred || reached {
		t.Fatalf("deferred=%v reached=%v", deferred, reached)
	}
	select {
	case <-done:
	default:
		t.Fatal("Done not closed")
	}
	if !errors.Is(p.Err(), context.Canceled) || !errors.Is(p.Err(), cause) {
		t.Fatalf("Err = %v", p.Err())
	}
	if env.Now() != Time(time.Minute) {
		t.Fatalf("killed process's sleep advanced the clock to %v", env.Now())
	}
	if p.Kill(cause) {
		t.Fatal("second Kill returned true")
	}
}

func TestKillBeforeStartNeverRuns(t *testing.T) {
	env := New(1)
	defer env.Close()
	ran := false
	p := env.Go("never", func(p *Proc) { ran = true })
	p.Kill(nil)
	env.Run()
	if ran || p.Alive() {
		t.Fatalf("ran=%v alive=%v", ran, p.Alive())
	}
}

func TestSelfKillUnwinds(t *testing.T) {
	env := New(1)
	defer env.Close()
	after := false
	p := env.Go("self", func(p *Proc) {
		p.Kill(errors.New("bye"))
		after = true
	})
	env.Run()
	if after || p.Alive() {
		t.Fatal("self-kill did not unwind")
	}
}

func TestTimerAfterCloseIsNotPending(t *testing.T) {
	env := New(1)
	tm := env.After(time.Hour, func() {})
	env.Close()
	if tm.Pending() || tm.Stop() {
		t.Fatal("a timer of a closed Env is still pending")
	}
}

func TestCloseEndsSuspendedProcesses(t *testing.T) {
	env := New(1)
	cleaned := 0
	for range 10 {
		env.Go("forever", func(p *Proc) {
			defer func() { cleaned++ }()
			for {
				p.Sleep(time.Second)
			}
		})
	}
	env.RunFor(time.Minute)
	env.Close()
	if cleaned != 10 {
		t.Fatalf("%d of 10 processes unwound on Close", cleaned)
	}
}

func TestWaitAnyWithTimeout(t *testing.T) {
	env := New(1)
	defer env.Close()
	done := env.NewEvent("done")
	var idx []int
	env.Go("impatient", func(p *Proc) {
		i, _ := p.WaitAny(done, env.Timeout(time.Second))
		idx = append(idx, i)
		i, _ = p.WaitAny(done, env.Timeout(time.Hour))
		idx = append(idx, i)
	})
	env.After(5*time.Second, func() { done.Trigger("ok") })
	env.Run()
	if fmt.Sprint(idx) != "[1 0]" {
		t.Fatalf("WaitAny indices %v", idx)
	}
}

func TestWaitTimeoutAndWaitAll(t *testing.T) {
	env := New(1)
	defer env.Close()
	a, b := env.NewEvent("a"), env.NewEvent("b")
	var log []string
	env.Go("w", func(p *Proc) {
		ok, _ := p.WaitTimeout(a, time.Second)
		log = append(log, fmt.Sprint("a ", ok, " ", p.Now()))
		err := p.WaitAll(a, b)
		log = append(log, fmt.Sprint("all ", err, " ", p.Now()))
	})
	env.After(2*time.Second, func() { a.Trigger(nil) })
	env.After(3*time.Second, func() { b.Fail(errors.New("boom")) })
	env.Run()
	if got := strings.Join(log, "; "); got != "a false +1s; all boom +3s" {
		t.Fatalf("log %q", got)
	}
}

func TestProgrammerErrorsPanicWithNames(t *testing.T) {
	cases := map[string]func(env *Env){
		"scheduling at +0s, before now": func(env *Env) {
			env.RunUntil(Time(time.Second))
			env.Schedule(0, env.Handle(func(uint64) {}), 0)
		},
		"negative delay":            func(env *Env) { env.After(-1, func() {}) },
		`Go("x"): fn is nil`:        func(env *Env) { env.Go("x", nil) },
		"capacity 0 must be at":     func(env *Env) { NewResource(env, "r", 0) },
		"belongs to another Env":    waitOnForeignEvent,
		"before now":                func(env *Env) { env.RunFor(time.Second); env.RunUntil(0) },
		"capacity -1 must be at":    func(env *Env) { NewStore[int](env, "s", -1) },
		"initial level 5 outside":   func(env *Env) { NewContainer(env, "c", 1, 5) },
		`process "p" panicked at +`: func(env *Env) { env.Go("p", func(p *Proc) { p.Sleep(1); panic("oops") }); env.Run() },
	}
	for want, f := range cases {
		t.Run(want, func(t *testing.T) {
			env := New(1)
			defer env.Close()
			defer func() {
				r := recover()
				if r == nil || !strings.Contains(fmt.Sprint(r), want) {
					t.Fatalf("panic %q, want it to mention %q", r, want)
				}
			}()
			f(env)
		})
	}
}

func waitOnForeignEvent(env *Env) {
	other := New(2)
	defer other.Close()
	ev := other.NewEvent("foreign")
	env.Go("w", func(p *Proc) { p.Wait(ev) })
	env.Run()
}

func TestResourceIsFIFOAndBounded(t *testing.T) {
	env := New(1)
	defer env.Close()
	r := NewResource(env, "slots", 2)
	var order []int
	for i := range 5 {
		env.Go(fmt.Sprint("c", i), func(p *Proc) {
			r.Acquire(p)
			if r.InUse() > r.Capacity() {
				t.Error("over capacity")
			}
			order = append(order, i)
			p.Sleep(time.Second)
			r.Release()
		})
	}
	env.Run()
	if fmt.Sprint(order) != "[0 1 2 3 4]" || env.Now() != Time(3*time.Second) {
		t.Fatalf("order %v, end %v", order, env.Now())
	}
}

func TestInterruptedAcquireLeavesQueue(t *testing.T) {
	env := New(1)
	defer env.Close()
	r := NewResource(env, "one", 1)
	var got []string
	env.Go("holder", func(p *Proc) { r.Acquire(p); p.Sleep(10 * time.Second); r.Release() })
	impatient := env.Go("impatient", func(p *Proc) {
		if err := r.Acquire(p); err != nil {
			got = append(got, "gave up")
			return
		}
		got = append(got, "impatient got it")
	})
	env.Go("patient", func(p *Proc) {
		r.Acquire(p)
		got = append(got, fmt.Sprint("patient got it at ", p.Now()))
		r.Release()
	})
	env.After(time.Second, func() { impatient.Interrupt("timeout") })
	env.Run()
	if fmt.Sprint(got) != "[gave up patient got it at +10s]" {
		t.Fatalf("%v", got)
	}
	if r.InUse() != 0 {
		t.Fatalf("%d units leaked", r.InUse())
	}
}

func TestStoreProducerConsumer(t *testing.T) {
	env := New(1)
	defer env.Close()
	s := NewStore[int](env, "buf", 2)
	var got []string
	env.Go("producer", func(p *Proc) {
		for i := range 5 {
			s.Put(p, i)
			got = append(got, fmt.Sprint("put", i, "@", p.Now()))
		}
	})
	env.Go("consumer", func(p *Proc) {
		for range 5 {
			p.Sleep(time.Second)
			v, _ := s.Get(p)
			got = append(got, fmt.Sprint("get", v, "@", p.Now()))
		}
	})
	env.Run()
	want := "[put0@+0s put1@+0s get0@+1s put2@+1s get1@+2s put3@+2s get2@+3s put4@+3s get3@+4s get4@+5s]"
	if fmt.Sprint(got) != want {
		t.Fatalf("got  %v\nwant %v", got, want)
	}
}

func TestContainerLevels(t *testing.T) {
	env := New(1)
	defer env.Close()
	tank := NewContainer(env, "credits", 100, 10)
	var at Time
	env.Go("spender", func(p *Proc) {
		tank.Get(p, 50)
		at = p.Now()
	})
	env.Go("earner", func(p *Proc) {
		for range 10 {
			p.Sleep(time.Minute)
			tank.Put(p, 12)
		}
	})
	env.Run()
	// 10 + 12k >= 50 first at k = 4.
	if at != Time(4*time.Minute) {
		t.Fatalf("spender resumed at %v", at)
	}
	if tank.Level() != 10+120-50 {
		t.Fatalf("level %v", tank.Level())
	}
}

func TestProcIsAContext(t *testing.T) {
	env := New(1)
	defer env.Close()
	type key struct{}
	var ctxErr error
	env.Go("api-caller", func(p *Proc) {
		p.SetValue(key{}, "i-0abc")
		var ctx context.Context = p
		if ctx.Value(key{}) != "i-0abc" {
			t.Error("Value lost")
		}
		ctxErr = ctx.Err()
	})
	env.Run()
	if ctxErr != nil {
		t.Fatalf("live process context has Err %v", ctxErr)
	}
}

func TestRunUntilIncludesEventsAtTheLimit(t *testing.T) {
	env := New(1)
	defer env.Close()
	n := 0
	env.At(Time(time.Hour), func() { n++ })
	env.At(Time(time.Hour)+1, func() { n++ })
	env.RunUntil(Time(time.Hour))
	if n != 1 || env.Now() != Time(time.Hour) {
		t.Fatalf("n=%d now=%v", n, env.Now())
	}
	env.RunFor(time.Hour)
	if n != 2 || env.Now() != Time(2*time.Hour) {
		t.Fatalf("n=%d now=%v", n, env.Now())
	}
}

func TestGaugeTimeWeighted(t *testing.T) {
	env := New(1)
	defer env.Close()
	g := env.NewGauge("queue", 0, KeepHistory()) // windows after the run need the history
	env.At(Time(10*time.Second), func() { g.Set(4) })
	env.At(Time(20*time.Second), func() { g.Set(1) })
	env.RunUntil(Time(40 * time.Second))
	// 10 s at 0, 10 s at 4, 20 s at 1: mean 60/40.
	if m := g.Mean(); m != 1.5 {
		t.Fatalf("mean %v", m)
	}
	if m := g.MeanOver(Time(15*time.Second), Time(25*time.Second)); m != 2.5 {
		t.Fatalf("window mean %v", m)
	}
	if g.Max() != 4 || g.MaxOver(Time(21*time.Second), Time(30*time.Second)) != 1 {
		t.Fatalf("max %v / %v", g.Max(), g.MaxOver(Time(21*time.Second), Time(30*time.Second)))
	}
}

func TestProcessKillsAnotherProcess(t *testing.T) {
	env := New(1)
	defer env.Close()
	var log []string
	victim := env.Go("victim", func(p *Proc) {
		defer func() { log = append(log, fmt.Sprint("victim unwound at ", p.Now())) }()
		p.Sleep(time.Hour)
	})
	env.Go("reaper", func(p *Proc) {
		p.Sleep(time.Second)
		victim.Kill(errors.New("reclaimed"))
		log = append(log, "reaper continues")
		p.Sleep(time.Second)
		log = append(log, fmt.Sprint("reaper done at ", p.Now()))
	})
	env.Run()
	if got := strings.Join(log, "; "); got != "victim unwound at +1s; reaper continues; reaper done at +2s" {
		t.Fatalf("%s", got)
	}
}

// TestRunEndsWhenOnlyDaemonsRemain: background machinery (a daemon process
// and a daemon timer that re-arms for ever) runs interleaved with the
// scenario but does not keep Run going; RunUntil runs it over a horizon.
func TestRunEndsWhenOnlyDaemonsRemain(t *testing.T) {
	env := New(1)
	defer env.Close()
	ticks, beats := 0, 0
	env.GoDaemon("price-walk", func(p *Proc) {
		for {
			p.Sleep(10 * time.Minute)
			ticks++
		}
	})
	var beat func()
	beat = func() { beats++; env.AfterDaemon(time.Hour, beat) }
	env.AfterDaemon(time.Hour, beat)
	done := false
	env.Go("job", func(p *Proc) {
		p.Sleep(3 * time.Hour)
		done = true
	})
	env.Run()
	if !done || env.Now() != Time(3*time.Hour) {
		t.Fatalf("done=%v now=%v", done, env.Now())
	}
	// Run stops right after the last foreground event: the daemon events
	// due at 3h were scheduled after the job's wake-up, so they have not run
	// yet: 17 ticks (10m..2h50m) and 2 beats (1h, 2h).
	if ticks != 17 || beats != 2 {
		t.Fatalf("ticks=%d beats=%d", ticks, beats)
	}
	env.Run() // nothing in the foreground: returns at once
	if env.Now() != Time(3*time.Hour) {
		t.Fatalf("Run with only daemons moved the clock to %v", env.Now())
	}
	env.RunFor(time.Hour)
	if ticks != 24 || beats != 4 {
		t.Fatalf("RunFor: ticks=%d beats=%d", ticks, beats)
	}
	// A cancelled foreground timer does not keep Run going either.
	env.After(time.Hour, func() {}).Stop()
	env.Run()
	if env.Now() != Time(4*time.Hour) {
		t.Fatalf("a cancelled timer kept Run going to %v", env.Now())
	}
}

// TestCloseReleasesEveryCoroutine: processes blocked on events, resources,
// stores and daemon sleeps all unwind on Close, so a study that runs
// thousands of replications does not leak a goroutine per process.
func TestCloseReleasesEveryCoroutine(t *testing.T) {
	before := runtime.NumGoroutine()
	for range 20 {
		env := New(1)
		never := env.NewEvent("never")
		r := NewResource(env, "r", 1)
		s := NewStore[int](env, "s", 1)
		for i := range 50 {
			switch i % 5 {
			case 0:
				env.Go("waiter", func(p *Proc) { p.Wait(never) })
			case 1:
				env.Go("holder", func(p *Proc) { r.Acquire(p); p.Wait(never) })
			case 2:
				env.Go("getter", func(p *Proc) { s.Get(p) })
			case 3:
				env.GoDaemon("ticker", func(p *Proc) {
					for {
						p.Sleep(time.Second)
					}
				})
			case 4:
				env.Go("any", func(p *Proc) { p.WaitAny(never, env.Timeout(time.Hour)) })
			}
		}
		env.RunFor(time.Minute)
		env.Close()
	}
	runtime.Gosched()
	if after := runtime.NumGoroutine(); after > before+2 {
		t.Fatalf("%d goroutines before, %d after closing 20 Envs of 50 blocked processes", before, after)
	}
}

package sim

import (
	"cmp"
	"slices"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// TestEventSetMatchesSortedSlice drives the event set through random
// sequences of schedule, cancel and step, and checks that events fire in the
// order of a sorted slice of (time, scheduling sequence) holding the same
// live events: the naive model of a future event set.
func TestEventSetMatchesSortedSlice(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		env := New(1)
		defer env.Close()
		type item struct {
			at  Time
			seq int
		}
		var model []item
		timers := map[int]Timer{}
		var fired []int
		seq := 0
		ops := rapid.IntRange(1, 300).Draw(rt, "ops")
		for range ops {
			switch rapid.IntRange(0, 4).Draw(rt, "op") {
			case 0, 1: // schedule, often at the same instant as others
				d := time.Duration(rapid.IntRange(0, 20).Draw(rt, "delay"))
				id := seq
				seq++
				timers[id] = env.After(d, func() { fired = append(fired, id) })
				model = append(model, item{env.Now().Add(d), id})
			case 2: // cancel a random scheduled event
				if len(model) == 0 {
					continue
				}
				k := rapid.IntRange(0, len(model)-1).Draw(rt, "victim")
				id := model[k].seq
				if !timers[id].Stop() {
					rt.Fatalf("Stop of pending timer %d returned false", id)
				}
				if timers[id].Stop() {
					rt.Fatalf("second Stop of timer %d returned true", id)
				}
				model = slices.Delete(model, k, k+1)
			case 3: // step
				slices.SortFunc(model, func(a, b item) int {
					return cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(a.seq, b.seq))
				})
				before := len(fired)
				ok := env.Step()
				if ok != (len(model) > 0) {
					rt.Fatalf("Step returned %v with %d live events", ok, len(model))
				}
				if !ok {
					continue
				}
				if len(fired) != before+1 || fired[before] != model[0].seq {
					rt.Fatalf("fired %v, model expected %d next", fired[before:], model[0].seq)
				}
				if env.Now() != model[0].at {
					rt.Fatalf("clock %v, want %v", env.Now(), model[0].at)
				}
				model = model[1:]
			case 4: // run to a limit; events scheduled afterwards may fall below what the queue looked at
				limit := env.Now().Add(time.Duration(rapid.IntRange(0, 20).Draw(rt, "limit")))
				slices.SortFunc(model, func(a, b item) int {
					return cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(a.seq, b.seq))
				})
				before := len(fired)
				env.RunUntil(limit)
				k := 0
				for k < len(model) && model[k].at <= limit {
					k++
				}
				if len(fired)-before != k {
					rt.Fatalf("RunUntil(%v) fired %v, model expected %d events", limit, fired[before:], k)
				}
				for i := 0; i < k; i++ {
					if fired[before+i] != model[i].seq {
						rt.Fatalf("RunUntil fired %v, model expected %v", fired[before:], model[:k])
					}
				}
				model = model[k:]
				if env.Now() != limit {
					rt.Fatalf("clock %v after RunUntil(%v)", env.Now(), limit)
				}
			}
		}
	})
}

// TestQueueOrderUnderHold checks the event set directly against a sorted
// model: take the earliest, sometimes schedule a new event no earlier than
// it (the hold pattern, with many ties), and compare.
func TestQueueOrderUnderHold(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		var q eventQueue
		var seq uint64
		var model []event
		for range rapid.IntRange(1, 200).Draw(rt, "n") {
			seq++
			e := event{at: Time(rapid.IntRange(0, 50).Draw(rt, "at")), key: seq << handlerBits}
			q.push(e)
			model = append(model, e)
		}
		slices.SortFunc(model, func(a, b event) int {
			if less(&a, &b) {
				return -1
			}
			return 1
		})
		for len(model) > 0 {
			got := q.take()
			if got != model[0] {
				rt.Fatalf("took %+v, want %+v", got, model[0])
			}
			model = model[1:]
			if rapid.Bool().Draw(rt, "replace") {
				seq++
				e := event{at: got.at + Time(rapid.IntRange(0, 50).Draw(rt, "d")), key: seq << handlerBits}
				q.push(e)
				model = append(model, e)
				slices.SortFunc(model, func(a, b event) int {
					if less(&a, &b) {
						return -1
					}
					return 1
				})
			}
			if q.len() != len(model) {
				rt.Fatalf("len %d, want %d", q.len(), len(model))
			}
		}
	})
}

func TestCancelledTimersArePurged(t *testing.T) {
	env := New(1)
	defer env.Close()
	keep := env.After(time.Hour, func() {})
	for i := range 100000 {
		env.After(time.Duration(i+1)*time.Second, func() { t.Fatal("cancelled timer fired") }).Stop()
	}
	if n := env.Pending(); n > 3000 {
		t.Fatalf("%d events pending after cancelling 100,000 timers; dead events are not purged", n)
	}
	if !keep.Pending() {
		t.Fatal("purge dropped a live timer")
	}
	fired := false
	env.After(2*time.Hour, func() { fired = true })
	env.Run()
	if !fired || env.Now() != Time(2*time.Hour) {
		t.Fatalf("after Run: fired=%v now=%v", fired, env.Now())
	}
}

func TestHotPathsDoNotAllocate(t *testing.T) {
	env := New(1)
	defer env.Close()
	rng := env.Rand("hold")
	var h Handler
	h = env.Handle(func(arg uint64) {
		env.Schedule(env.Now()+Time(rng.ExpFloat64()*1e9), h, arg)
	})
	for i := range 1000 {
		env.Schedule(Time(i), h, uint64(i))
	}
	if a := testing.AllocsPerRun(10000, func() { env.Step() }); a != 0 {
		t.Errorf("hold step allocates %v per event", a)
	}
	var fire func()
	fire = func() { env.After(time.Second, fire) }
	env.After(0, fire)
	if a := testing.AllocsPerRun(10000, func() { env.Step() }); a != 0 {
		t.Errorf("timer re-arm allocates %v per event", a)
	}

	env2 := New(2)
	defer env2.Close()
	for range 100 {
		env2.Go("sleeper", func(p *Proc) {
			for {
				p.Sleep(time.Duration(1 + rng.IntN(1000)))
			}
		})
	}
	for range 100 {
		env2.Step()
	}
	if a := testing.AllocsPerRun(10000, func() { env2.Step() }); a != 0 {
		t.Errorf("Sleep allocates %v per wait", a)
	}
}

// TestRunStopsAtLastForegroundEvent: for random mixes of foreground and
// daemon timers, some cancelled, Run fires every live foreground timer and
// stops at the last of them, having fired exactly the daemon timers due
// strictly before it (or at the same instant but scheduled earlier).
func TestRunStopsAtLastForegroundEvent(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		env := New(1)
		defer env.Close()
		type tm struct {
			at             Time
			seq            int
			daemon, cancel bool
			fired          *bool
		}
		var all []tm
		for i := range rapid.IntRange(0, 60).Draw(rt, "n") {
			x := tm{
				at:     Time(rapid.IntRange(0, 30).Draw(rt, "at")),
				seq:    i,
				daemon: rapid.Bool().Draw(rt, "daemon"),
				cancel: rapid.IntRange(0, 3).Draw(rt, "c") == 0,
				fired:  new(bool),
			}
			f := x.fired
			var h Timer
			if x.daemon {
				h = env.AtDaemon(x.at, func() { *f = true })
			} else {
				h = env.At(x.at, func() { *f = true })
			}
			if x.cancel {
				h.Stop()
			}
			all = append(all, x)
		}
		env.Run()
		last := tm{at: -1, seq: -1}
		for _, x := range all {
			if !x.daemon && !x.cancel && (x.at > last.at || x.at == last.at && x.seq > last.seq) {
				last = x
			}
		}
		if last.seq >= 0 && env.Now() != last.at {
			rt.Fatalf("Run stopped at %v, last foreground event at %v", env.Now(), last.at)
		}
		for _, x := range all {
			due := x.at < last.at || x.at == last.at && x.seq <= last.seq
			if want := !x.cancel && due; *x.fired != want {
				rt.Fatalf("timer %+v fired=%v, want %v (last foreground %v #%d)", x, *x.fired, want, last.at, last.seq)
			}
		}
	})
}

// TestAllAfterIsSound: whenever allAfter(t) says every pending event is
// due after t, it is so, over random pushes and takes with wide gaps (so
// that events sit in many buckets); and it does not reorganize the queue.
func TestAllAfterIsSound(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		var q eventQueue
		var pending []Time
		now := Time(0)
		for range rapid.IntRange(1, 200).Draw(rt, "ops") {
			if len(pending) > 0 && rapid.Bool().Draw(rt, "take") {
				ev := q.take()
				now = ev.at
				i := slices.Index(pending, ev.at)
				pending = slices.Delete(pending, i, i+1)
				continue
			}
			at := now + Time(rapid.Int64Range(0, 1<<rapid.IntRange(0, 40).Draw(rt, "scale")).Draw(rt, "delay"))
			q.push(event{at: at})
			pending = append(pending, at)
			probe := now + Time(rapid.Int64Range(0, 1<<41).Draw(rt, "probe"))
			last := q.last
			if q.allAfter(probe) {
				for _, p := range pending {
					if p <= probe {
						rt.Fatalf("allAfter(%d) with an event pending at %d", probe, p)
					}
				}
			}
			if q.last != last {
				rt.Fatalf("allAfter moved the last instant from %d to %d", last, q.last)
			}
			for i := 1; i < len(q.b); i++ {
				if (len(q.b[i]) > 0) != (q.used&(1<<(i-1)) != 0) {
					rt.Fatalf("bucket %d holds %d events but its used bit is %v", i, len(q.b[i]), q.used&(1<<(i-1)) != 0)
				}
			}
		}
	})
}

package ec2

import (
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/sim"
	"pgregory.net/rapid"
)

// TestBilledSecondsMatchNaiveRecomputation drives one on-demand instance
// through a random sequence of StartInstances, StopInstances,
// RebootInstances and TerminateInstances calls at random instants (calls
// in a wrong state are rejected, as EC2 rejects them), then compares the
// seconds billing charged with a naive recomputation from the published
// state changes: every stretch from running to stopping/shutting-down is
// one start, billed per second rounded up with a 60-second minimum [per-second billing];
// a reboot is not a start.
func TestBilledSecondsMatchNaiveRecomputation(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		seed := rapid.Uint64().Draw(rt, "seed")
		n := rapid.IntRange(1, 12).Draw(rt, "n")
		ops := make([]int, n)
		gaps := make([]time.Duration, n)
		for i := range ops {
			ops[i] = rapid.IntRange(0, 3).Draw(rt, "op")
			// Seconds up to two hours, plus a sub-second jitter so that the
			// round-up matters.
			gaps[i] = time.Duration(rapid.Int64Range(0, 7200).Draw(rt, "gap"))*time.Second +
				time.Duration(rapid.Int64Range(0, int64(time.Second)-1).Draw(rt, "jitter"))
		}
		f := newFixture(t, seed, Options{})
		var events []StateChangeEvent
		f.svc.Subscribe(func(e StateChangeEvent) { events = append(events, e) })
		var id string
		f.do(40*time.Hour, func(p *sim.Proc) {
			out, err := f.c.RunInstances(p, &RunInstancesInput{ImageId: f.ami(), InstanceType: "m5.large", MinCount: 1, MaxCount: 1})
			if err != nil {
				rt.Fatal(err)
			}
			id = out.Instances[0].InstanceId
			ids := []string{id}
			for i, op := range ops {
				p.Sleep(gaps[i])
				switch op {
				case 0:
					f.c.StartInstances(p, &StartInstancesInput{InstanceIds: ids})
				case 1:
					f.c.StopInstances(p, &StopInstancesInput{InstanceIds: ids})
				case 2:
					f.c.RebootInstances(p, &RebootInstancesInput{InstanceIds: ids})
				case 3:
					f.c.TerminateInstances(p, &TerminateInstancesInput{InstanceIds: ids})
				}
			}
			f.c.TerminateInstances(p, &TerminateInstancesInput{InstanceIds: ids})
		})
		var want int64
		var since sim.Time
		running := false
		for _, e := range events {
			switch {
			case e.Current == InstanceStateRunning:
				since, running = e.At, true
			case running && (e.Current == InstanceStateStopping || e.Current == InstanceStateShuttingDown):
				secs := int64((e.At.Sub(since) + time.Second - 1) / time.Second)
				want += max(secs, 60)
				running = false
			}
		}
		if running {
			rt.Fatalf("instance still running at the end: %v", events)
		}
		if got := f.billedSeconds(testAccount, id); got != want {
			rt.Fatalf("billed %d s, naive recomputation %d s (events %v)", got, want, events)
		}
	})
}

package ec2

import (
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/sim"
)

func TestSmokeLifecycle(t *testing.T) {
	f := newFixture(t, 1, Options{})
	var events []StateChangeEvent
	f.svc.Subscribe(func(e StateChangeEvent) { events = append(events, e) })
	f.do(time.Hour, func(p *sim.Proc) {
		m := f.launch(p, RunInstancesInput{InstanceType: "m5.large"})
		if _, err := f.c.StopInstances(p, &StopInstancesInput{InstanceIds: []string{m.ID()}}); err != nil {
			t.Fatal(err)
		}
		p.Sleep(5 * time.Minute)
		if m.State() != InstanceStateStopped {
			t.Fatalf("state %s", m.State())
		}
		if _, err := f.c.TerminateInstances(p, &TerminateInstancesInput{InstanceIds: []string{m.ID()}}); err != nil {
			t.Fatal(err)
		}
	})
	for _, e := range events {
		t.Logf("%v %s %s->%s", e.At, e.InstanceID, e.Previous, e.Current)
	}
}

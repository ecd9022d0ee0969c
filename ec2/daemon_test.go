package ec2

import (
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/sim"
)

// guardRun arms a daemon timer that stops the Env at 1000h, so that a Run
// kept going by a background timer that should be daemon ends (and the
// test fails on the instant) instead of hanging.
func guardRun(env *sim.Env) { env.AtDaemon(sim.Time(1000*time.Hour), env.Stop) }

// TestRunEndsWithTheUsersWork: with every kind of background machinery
// armed — EBS volume losses, the statistical spot model's notices, spot
// price steps, a T3's credit clock, other tenants' on-demand demand —
// env.Run returns when the operator's own work is done: it terminates its
// spot instance after an hour and waits for nothing else. The user's
// termination completes (foreground), the one-hour "describable" period
// after it does not (daemon), and the machinery is still armed when Run
// returns.
func TestRunEndsWithTheUsersWork(t *testing.T) {
	// AFR 5% gives gp3 a 20-year mean time to data loss, so the loss
	// timers exist (P(beyond a century) = e^-5 per volume).
	f := newFixture(t, 11, Options{VolumeAFR: map[VolumeType]float64{VolumeTypeGp3: 0.05}})
	guardRun(f.env)
	must(t, f.svc.StartOnDemandDemand("use1-az1", OnDemandDemand{InstanceType: "m5.large", ArrivalsPerHour: 4, MeanLifetime: 3 * time.Hour}))
	withVolumes := spotInput(InterruptionTerminate)
	withVolumes.BlockDeviceMappings = []BlockDeviceMapping{
		{DeviceName: "/dev/sdf", Ebs: &EbsBlockDevice{VolumeType: VolumeTypeGp3, VolumeSize: 100}},
		{DeviceName: "/dev/sdg", Ebs: &EbsBlockDevice{VolumeType: VolumeTypeGp3, VolumeSize: 500}},
	}
	var doomed, kept, burst *Machine
	var terminatedAt, endOfWork sim.Time
	f.svc.Subscribe(func(e StateChangeEvent) {
		if doomed != nil && e.InstanceID == doomed.ID() && e.Current == InstanceStateTerminated {
			terminatedAt = e.At
		}
	})
	f.env.Go("operator", func(p *sim.Proc) {
		doomed = f.launch(p, withVolumes)
		kept = f.launch(p, spotInput(InterruptionTerminate))
		burst = f.launch(p, RunInstancesInput{InstanceType: "t3.micro",
			CreditSpecification: &CreditSpecificationRequest{CpuCredits: CreditStandard}})
		must(t, burst.SetCPUUtilization(0)) // earn credits for an hour
		_, err := doomed.Go("job", func(q *sim.Proc) { q.Sleep(30 * time.Minute) })
		must(t, err)
		p.Sleep(time.Hour)
		// Above the baseline: the hour's credits run down on a timer.
		must(t, burst.SetCPUUtilization(0.6))
		_, err = f.c.TerminateInstances(p, &TerminateInstancesInput{InstanceIds: []string{doomed.ID()}})
		must(t, err)
		endOfWork = p.Now()
	})
	f.env.Run()

	now := f.env.Now()
	if now < sim.Time(time.Hour) || now > sim.Time(time.Hour+5*time.Minute) {
		t.Fatalf("Run returned at %v, want about 1h (the termination and its shutdown)", now)
	}
	if doomed.State() != InstanceStateTerminated || now != terminatedAt || terminatedAt <= endOfWork {
		t.Errorf("Run returned at %v, %s %s at %v (call returned at %v): want Run to wait for the user's termination",
			now, doomed.ID(), doomed.State(), terminatedAt, endOfWork)
	}
	if _, ok := f.svc.Machine(doomed.ID()); !ok {
		t.Error("the terminated instance was forgotten although it stays describable for an hour")
	}
	// The background is still armed.
	if kept.State() != InstanceStateRunning || !kept.spot.timers[1].Pending() || !kept.spot.priceTm.Pending() {
		t.Errorf("the kept spot instance (%s) should still be running with its notice and price timers armed", kept.State())
	}
	if !burst.creditTm.Pending() {
		t.Error("the t3's credit timer is not armed")
	}
	armed := 0
	for _, v := range f.svc.volumes {
		if at, ok := v.lossTm.When(); ok && at > now {
			armed++
		}
	}
	if armed == 0 {
		t.Error("no volume has a loss timer armed (seed 11)")
	}
	st, _ := f.svc.OnDemandDemandStats("use1-az1", "m5.large")
	if st.Placed+st.Rejected == 0 {
		t.Errorf("other tenants' demand did not run alongside the workload: %+v (4/h for an hour, seed 11)", st)
	}

	// A fixed horizon plays the rest: the terminated instance is forgotten.
	f.env.RunFor(2 * time.Hour)
	if _, ok := f.svc.Machine(doomed.ID()); ok {
		t.Error("the terminated instance is still describable two hours later")
	}
}

// TestReclaimAfterTheWorkloadDoesNotExtendRun: a reclaim is EC2's doing,
// not the user's, from the notice through the interruption two minutes
// later to the end of the shutdown: none of it keeps Run going. A notice
// that lands in the workload's last minute leaves the instance running
// with its notice posted when Run returns; an interruption a second before
// the workload's end leaves it shutting down. RunFor carries either out.
func TestReclaimAfterTheWorkloadDoesNotExtendRun(t *testing.T) {
	for _, tc := range []struct {
		tail  time.Duration // from the reclaim to the end of the workload
		state InstanceStateName
	}{
		{time.Minute, InstanceStateRunning},
		{NoticeLead + time.Second, InstanceStateShuttingDown}, // the shutdown takes at least 3 s
	} {
		f := newFixture(t, 12, Options{Spot: &SpotOptions{Model: SpotMechanistic, Savings: 0.65, PriceStep: 24 * time.Hour}})
		guardRun(f.env)
		var m *Machine
		var end sim.Time
		f.env.Go("operator", func(p *sim.Proc) {
			m = f.launch(p, spotInput(InterruptionTerminate))
			p.Sleep(time.Hour)
			must(t, f.svc.ReclaimSpot(m.AvailabilityZoneID(), "m5.large", 1))
			p.Sleep(tc.tail)
			end = p.Now()
		})
		f.env.Run()
		if f.env.Now() != end {
			t.Fatalf("tail %v: Run returned at %v, want %v (the end of the workload)", tc.tail, f.env.Now(), end)
		}
		if m.State() != tc.state || m.spot.action == nil {
			t.Fatalf("tail %v: at the end of the workload %s, notice %v; want %s with the notice posted",
				tc.tail, m.State(), m.spot.action, tc.state)
		}
		f.env.RunFor(10 * time.Minute)
		if m.State() != InstanceStateTerminated {
			t.Errorf("tail %v: ten minutes later %s, want terminated", tc.tail, m.State())
		}
	}
}

// TestRunWaitsForWhatTheUserStarted: an operator that launches an
// instance, creates a volume or snapshots one, and returns without waiting:
// Run still returns only once the instance is running, the volume
// available or the snapshot completed, since each completes a call of the
// user's. One scenario each, so that no completion hides another.
func TestRunWaitsForWhatTheUserStarted(t *testing.T) {
	for _, tc := range []struct {
		name  string
		start func(f *fixture, p *sim.Proc) (done func() bool)
	}{
		{"RunInstances", func(f *fixture, p *sim.Proc) func() bool {
			out, err := f.c.RunInstances(p, &RunInstancesInput{ImageId: f.ami(), InstanceType: "m5.large", MinCount: 1, MaxCount: 1})
			must(t, err)
			m, _ := f.svc.Machine(out.Instances[0].InstanceId)
			return func() bool { return m.State() == InstanceStateRunning }
		}},
		{"CreateVolume", func(f *fixture, p *sim.Proc) func() bool {
			vol, err := f.c.CreateVolume(p, &CreateVolumeInput{AvailabilityZone: "us-east-1a", Size: 8, VolumeType: VolumeTypeGp3})
			must(t, err)
			return func() bool { return f.svc.volumes[vol.VolumeId].state == VolumeStateAvailable }
		}},
		{"CreateSnapshot", func(f *fixture, p *sim.Proc) func() bool {
			vol, err := f.c.CreateVolume(p, &CreateVolumeInput{AvailabilityZone: "us-east-1a", Size: 8, VolumeType: VolumeTypeGp3})
			must(t, err)
			for f.svc.volumes[vol.VolumeId].state != VolumeStateAvailable { // a snapshot needs an available volume
				p.Sleep(time.Second)
			}
			sn, err := f.c.CreateSnapshot(p, &CreateSnapshotInput{VolumeId: vol.VolumeId})
			must(t, err)
			return func() bool { return f.svc.snapshots[sn.SnapshotId].state == SnapshotCompleted }
		}},
	} {
		f := newFixture(t, 14, Options{})
		guardRun(f.env)
		var done func() bool
		var returned sim.Time
		f.env.Go("operator", func(p *sim.Proc) {
			done = tc.start(f, p)
			returned = p.Now()
		})
		f.env.Run()
		if !done() {
			t.Errorf("%s: Run returned at %v with the call's work unfinished", tc.name, f.env.Now())
		}
		if f.env.Now() <= returned {
			t.Errorf("%s: Run returned at %v, no later than the operator (%v): nothing was waited for", tc.name, f.env.Now(), returned)
		}
	}
}

// TestRunWaitsForWork: a process on an instance waits for its Work on an
// event that only the CPU scheduler's timer triggers; that timer is
// foreground while Work is in progress, so Run returns when the work is
// done: 3,600 vCPU-seconds on a c5.large (2 vCPUs) take 30 minutes.
func TestRunWaitsForWork(t *testing.T) {
	f := newFixture(t, 13, Options{})
	guardRun(f.env)
	var start, done sim.Time
	f.env.Go("operator", func(p *sim.Proc) {
		m := f.launch(p, RunInstancesInput{InstanceType: "c5.large"})
		_, err := m.Go("work", func(q *sim.Proc) {
			start = q.Now()
			must(t, m.Work(q, 3600))
			done = q.Now()
		})
		must(t, err)
	})
	f.env.Run()
	if done == 0 {
		t.Fatalf("Run returned at %v before the work was done", f.env.Now())
	}
	if got := done.Sub(start); got != 30*time.Minute {
		t.Errorf("work took %v, want 30m", got)
	}
	if f.env.Now() != done {
		t.Errorf("Run returned at %v, want %v (the end of the work)", f.env.Now(), done)
	}
}

package ec2

// Lifecycle rules from the EC2 User Guide, "Amazon EC2 instance state
// changes" (instance-lifecycle.md) and "Stop and start your instance".

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/internal/awserr"
	"github.com/nimbus-sim/nimbus/sim"
)

func TestInstanceStateCodes(t *testing.T) {
	for _, tc := range []struct {
		name InstanceStateName
		code int32
	}{
		{InstanceStatePending, 0}, {InstanceStateRunning, 16}, {InstanceStateShuttingDown, 32},
		{InstanceStateTerminated, 48}, {InstanceStateStopping, 64}, {InstanceStateStopped, 80},
	} {
		if got := tc.name.Code(); got != tc.code {
			t.Errorf("%s.Code() = %d, want %d", tc.name, got, tc.code)
		}
	}
}

func TestLifecyclePublishesEveryTransition(t *testing.T) {
	f := newFixture(t, 1, Options{})
	var got []string
	f.svc.Subscribe(func(e StateChangeEvent) { got = append(got, string(e.Previous)+">"+string(e.Current)) })
	f.do(2*time.Hour, func(p *sim.Proc) {
		m := f.launch(p, RunInstancesInput{InstanceType: "m5.large"})
		_, err := f.c.StopInstances(p, &StopInstancesInput{InstanceIds: []string{m.ID()}})
		must(t, err)
		p.Sleep(10 * time.Minute)
		_, err = f.c.StartInstances(p, &StartInstancesInput{InstanceIds: []string{m.ID()}})
		must(t, err)
		must(t, f.c.WaitUntilInstanceRunning(p, []string{m.ID()}, time.Hour))
		_, err = f.c.TerminateInstances(p, &TerminateInstancesInput{InstanceIds: []string{m.ID()}})
		must(t, err)
	})
	want := []string{">pending", "pending>running", "running>stopping", "stopping>stopped", "stopped>pending",
		"pending>running", "running>shutting-down", "shutting-down>terminated"}
	if len(got) != len(want) {
		t.Fatalf("transitions %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("transitions %v, want %v", got, want)
		}
	}
}

func TestStopReleasesPublicIP(t *testing.T) {
	f := newFixture(t, 2, Options{})
	f.do(time.Hour, func(p *sim.Proc) {
		m := f.launch(p, RunInstancesInput{InstanceType: "m5.large"})
		before := m.describe()
		if before.PublicIpAddress == "" || before.PrivateIpAddress == "" {
			t.Fatalf("running instance lacks addresses: %+v", before)
		}
		_, err := f.c.StopInstances(p, &StopInstancesInput{InstanceIds: []string{m.ID()}})
		must(t, err)
		p.Sleep(5 * time.Minute)
		stopped := m.describe()
		if stopped.State.Name != InstanceStateStopped {
			t.Fatalf("state %s", stopped.State.Name)
		}
		if !strings.HasPrefix(stopped.StateTransitionReason, "User initiated (2026-01-01 ") {
			t.Errorf("StateTransitionReason %q", stopped.StateTransitionReason)
		}
		if stopped.PublicIpAddress != "" {
			t.Errorf("stopped instance keeps public IP %s", stopped.PublicIpAddress)
		}
		if stopped.PrivateIpAddress != before.PrivateIpAddress {
			t.Errorf("private IP changed %s -> %s", before.PrivateIpAddress, stopped.PrivateIpAddress)
		}
		if len(stopped.BlockDeviceMappings) != 1 || stopped.BlockDeviceMappings[0].VolumeId != before.BlockDeviceMappings[0].VolumeId {
			t.Errorf("volumes not kept: %+v", stopped.BlockDeviceMappings)
		}
		if m.HostID() != "" {
			t.Errorf("stopped instance still on host %s", m.HostID())
		}
		_, err = f.c.StartInstances(p, &StartInstancesInput{InstanceIds: []string{m.ID()}})
		must(t, err)
		must(t, f.c.WaitUntilInstanceRunning(p, []string{m.ID()}, time.Hour))
		if after := m.describe(); after.PublicIpAddress == "" || after.PublicIpAddress == before.PublicIpAddress {
			t.Errorf("restart public IP %q, want a new one (was %s)", after.PublicIpAddress, before.PublicIpAddress)
		}
	})
}

func TestStartMayLandOnAnotherHost(t *testing.T) {
	f := newFixture(t, 3, Options{})
	f.do(time.Hour, func(p *sim.Proc) {
		a := f.launch(p, RunInstancesInput{InstanceType: "m5.24xlarge"}) // a whole m5 host
		hostA := a.HostID()
		_, err := f.c.StopInstances(p, &StopInstancesInput{InstanceIds: []string{a.ID()}})
		must(t, err)
		p.Sleep(5 * time.Minute)
		// Another launch takes the freed host (best fit prefers it? any
		// host will do: fill every other host first).
		var others []*Machine
		for i := 0; i < 4; i++ {
			others = append(others, f.launch(p, RunInstancesInput{InstanceType: "m5.24xlarge",
				Placement: &Placement{AvailabilityZone: a.azName}}))
			if others[len(others)-1].HostID() == hostA {
				break
			}
		}
		_, err = f.c.TerminateInstances(p, &TerminateInstancesInput{InstanceIds: []string{others[0].ID()}})
		must(t, err)
		p.Sleep(5 * time.Minute)
		_, err = f.c.StartInstances(p, &StartInstancesInput{InstanceIds: []string{a.ID()}})
		must(t, err)
		if a.HostID() == hostA && others[len(others)-1].HostID() == hostA {
			t.Fatalf("restarted on its old host %s, which is occupied", hostA)
		}
		if a.HostID() == "" {
			t.Fatal("restarted instance has no host")
		}
	})
}

func TestRebootKeepsHostAndIsNotANewStart(t *testing.T) {
	f := newFixture(t, 4, Options{})
	var killed error
	var id string
	f.do(3*time.Hour, func(p *sim.Proc) {
		m := f.launch(p, RunInstancesInput{InstanceType: "m5.large"})
		id = m.ID()
		host := m.HostID()
		w, err := m.Go("worker", func(q *sim.Proc) { q.Sleep(24 * time.Hour) })
		must(t, err)
		w.OnExit(func(q *sim.Proc) { killed = q.Err() })
		p.Sleep(20 * time.Minute)
		_, err = f.c.RebootInstances(p, &RebootInstancesInput{InstanceIds: []string{m.ID()}})
		must(t, err)
		if m.HostID() != host || m.State() != InstanceStateRunning {
			t.Fatalf("after reboot: host %s (was %s), state %s", m.HostID(), host, m.State())
		}
		if _, err := m.Go("early", func(*sim.Proc) {}); !errors.Is(err, ErrInstanceNotRunning) {
			t.Errorf("Go during reboot: %v, want ErrInstanceNotRunning", err)
		}
		p.Sleep(40 * time.Minute)
		_, err = f.c.StopInstances(p, &StopInstancesInput{InstanceIds: []string{m.ID()}})
		must(t, err)
	})
	var se *ShutdownError
	if !errors.As(killed, &se) || se.Event != "reboot" {
		t.Fatalf("worker ended with %v, want a reboot ShutdownError", killed)
	}
	m, _ := f.svc.Machine(id)
	running := time.Duration(0)
	_ = m
	// Billed from running to stopping in one piece: no extra minimum.
	got := f.billedSeconds(testAccount, id)
	running = time.Hour // 20 min + 40 min after WaitUntilInstanceRunning returned
	if got < int64(running/time.Second) || got > int64((running+2*time.Minute)/time.Second) {
		t.Fatalf("billed %d s for about an hour with a reboot", got)
	}
}

func TestStopKillsProcessesOnTheInstance(t *testing.T) {
	f := newFixture(t, 5, Options{})
	var w *sim.Proc
	f.do(time.Hour, func(p *sim.Proc) {
		m := f.launch(p, RunInstancesInput{InstanceType: "m5.large"})
		var err error
		w, err = m.Go("worker", func(q *sim.Proc) { q.Sleep(24 * time.Hour) })
		must(t, err)
		p.Sleep(time.Minute)
		_, err = f.c.StopInstances(p, &StopInstancesInput{InstanceIds: []string{m.ID()}})
		must(t, err)
		if w.Alive() {
			t.Fatal("process survived the stop")
		}
	})
	var se *ShutdownError
	if !errors.As(w.Err(), &se) || se.Event != "stop" {
		t.Fatalf("Err = %v", w.Err())
	}
}

func TestTerminatedInstancesStayDescribableForAWhile(t *testing.T) {
	f := newFixture(t, 6, Options{})
	f.do(3*time.Hour, func(p *sim.Proc) {
		m := f.launch(p, RunInstancesInput{InstanceType: "m5.large"})
		_, err := f.c.TerminateInstances(p, &TerminateInstancesInput{InstanceIds: []string{m.ID()}})
		must(t, err)
		p.Sleep(10 * time.Minute)
		out, err := f.c.DescribeInstances(p, &DescribeInstancesInput{InstanceIds: []string{m.ID()}})
		must(t, err)
		if st := out.Reservations[0].Instances[0].State; st != (InstanceState{48, InstanceStateTerminated}) {
			t.Fatalf("state %+v", st)
		}
		p.Sleep(2 * time.Hour)
		_, err = f.c.DescribeInstances(p, &DescribeInstancesInput{InstanceIds: []string{m.ID()}})
		wantCode(t, err, "InvalidInstanceID.NotFound")
	})
}

// TestInstanceTerminatesItself: a process on an instance that terminates
// its own instance (a batch job's last step) gets the call accepted — the
// instance goes shutting-down, then terminated, its meter and host slot
// released — and the process dies with the instance instead of carrying on.
func TestInstanceTerminatesItself(t *testing.T) {
	f := newFixture(t, 61, Options{})
	var m *Machine
	after := false
	f.do(time.Hour, func(p *sim.Proc) {
		m = f.launch(p, RunInstancesInput{InstanceType: "m5.large"})
		_, err := m.Go("batch-job", func(q *sim.Proc) {
			q.Sleep(time.Minute)
			f.c.TerminateInstances(q, &TerminateInstancesInput{InstanceIds: []string{m.ID()}})
			after = true
		})
		must(t, err)
	})
	if m.State() != InstanceStateTerminated {
		t.Fatalf("state %s after the instance terminated itself", m.State())
	}
	if after {
		t.Fatal("the process carried on after its instance was terminated")
	}
	if n := f.w.Fleet().Running(); n != 0 {
		t.Fatalf("%d host slots still held", n)
	}
}

func TestIncorrectInstanceState(t *testing.T) {
	f := newFixture(t, 7, Options{})
	f.do(time.Hour, func(p *sim.Proc) {
		out, err := f.c.RunInstances(p, &RunInstancesInput{ImageId: f.ami(), InstanceType: "m5.large", MinCount: 1, MaxCount: 1})
		must(t, err)
		id := out.Instances[0].InstanceId
		_, err = f.c.StopInstances(p, &StopInstancesInput{InstanceIds: []string{id}}) // pending
		wantCode(t, err, "IncorrectInstanceState")
		_, err = f.c.RebootInstances(p, &RebootInstancesInput{InstanceIds: []string{id}}) // pending
		wantCode(t, err, "IncorrectInstanceState")
		must(t, f.c.WaitUntilInstanceRunning(p, []string{id}, time.Hour))
		_, err = f.c.TerminateInstances(p, &TerminateInstancesInput{InstanceIds: []string{id}})
		must(t, err)
		_, err = f.c.StartInstances(p, &StartInstancesInput{InstanceIds: []string{id}})
		wantCode(t, err, "IncorrectInstanceState")
		_, err = f.c.StopInstances(p, &StopInstancesInput{InstanceIds: []string{"i-nothex"}})
		wantCode(t, err, "InvalidInstanceID.Malformed")
		_, err = f.c.StopInstances(p, &StopInstancesInput{InstanceIds: []string{"i-0123456789abcdef0"}})
		wantCode(t, err, "InvalidInstanceID.NotFound")
	})
}

func TestRunInstancesValidation(t *testing.T) {
	f := newFixture(t, 8, Options{})
	ami := ImageID(PublicImages[0].Name, testRegion)
	west := ImageID(PublicImages[0].Name, "us-west-2")
	for _, tc := range []struct {
		name string
		in   RunInstancesInput
		code string
	}{
		{"UnknownTypeIsInvalidParameterValue", RunInstancesInput{ImageId: ami, InstanceType: "m5.huge", MinCount: 1, MaxCount: 1}, "InvalidParameterValue"},
		{"AMIFromAnotherRegionIsNotFound", RunInstancesInput{ImageId: west, InstanceType: "m5.large", MinCount: 1, MaxCount: 1}, "InvalidAMIID.NotFound"},
		{"MalformedAMI", RunInstancesInput{ImageId: "ami-xyz", InstanceType: "m5.large", MinCount: 1, MaxCount: 1}, "InvalidAMIID.Malformed"},
		{"MissingImage", RunInstancesInput{InstanceType: "m5.large", MinCount: 1, MaxCount: 1}, "MissingParameter"},
		{"MaxBelowMin", RunInstancesInput{ImageId: ami, InstanceType: "m5.large", MinCount: 2, MaxCount: 1}, "InvalidParameterValue"},
		{"UnknownZone", RunInstancesInput{ImageId: ami, InstanceType: "m5.large", MinCount: 1, MaxCount: 1,
			Placement: &Placement{AvailabilityZone: "us-east-1z"}}, "InvalidParameterValue"},
		{"CreditsOnNonBurstable", RunInstancesInput{ImageId: ami, InstanceType: "m5.large", MinCount: 1, MaxCount: 1,
			CreditSpecification: &CreditSpecificationRequest{CpuCredits: CreditStandard}}, "InvalidParameterCombination"},
		{"SpotStopNeedsPersistent", RunInstancesInput{ImageId: ami, InstanceType: "m5.large", MinCount: 1, MaxCount: 1,
			InstanceMarketOptions: &InstanceMarketOptionsRequest{MarketType: MarketTypeSpot,
				SpotOptions: &SpotMarketOptions{InstanceInterruptionBehavior: InterruptionStop}}}, "InvalidParameterCombination"},
		{"SpotMaxPriceTooLow", RunInstancesInput{ImageId: ami, InstanceType: "m5.large", MinCount: 1, MaxCount: 1,
			InstanceMarketOptions: &InstanceMarketOptionsRequest{MarketType: MarketTypeSpot,
				SpotOptions: &SpotMarketOptions{MaxPrice: "0.001"}}}, "SpotMaxPriceTooLow"},
		{"RootSmallerThanImage", RunInstancesInput{ImageId: ami, InstanceType: "m5.large", MinCount: 1, MaxCount: 1,
			BlockDeviceMappings: []BlockDeviceMapping{{DeviceName: "/dev/xvda", Ebs: &EbsBlockDevice{VolumeSize: 4}}}}, "InvalidBlockDeviceMapping"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f.do(time.Second, func(p *sim.Proc) {
				in := tc.in
				_, err := f.c.RunInstances(p, &in)
				wantCode(t, err, tc.code)
				var ae *awserr.Error
				if errors.As(err, &ae) && ae.StatusCode != 400 {
					t.Errorf("HTTP %d, want 400", ae.StatusCode)
				}
			})
		})
	}
}

func TestAMIIDsAreRegionSpecific(t *testing.T) {
	seen := map[string]string{}
	for _, r := range []string{"us-east-1", "us-west-2", "eu-west-1"} {
		id := ImageID(PublicImages[0].Name, r)
		if !validID(id, "ami-") {
			t.Fatalf("malformed %s", id)
		}
		if prev, dup := seen[id]; dup {
			t.Fatalf("%s and %s share %s", prev, r, id)
		}
		seen[id] = r
	}
}

func TestInsufficientInstanceCapacitySurfaces(t *testing.T) {
	f := newFixture(t, 9, Options{}) // one p3 host per zone
	f.do(time.Hour, func(p *sim.Proc) {
		// A p3 host takes 8 p3.2xlarge (REFERENCE.md 1.2).
		_, err := f.c.RunInstances(p, &RunInstancesInput{ImageId: f.ami(), InstanceType: "p3.2xlarge", MinCount: 8, MaxCount: 8,
			Placement: &Placement{AvailabilityZone: "us-east-1a"}})
		must(t, err)
		_, err = f.c.RunInstances(p, &RunInstancesInput{ImageId: f.ami(), InstanceType: "p3.2xlarge", MinCount: 1, MaxCount: 1,
			Placement: &Placement{AvailabilityZone: "us-east-1a"}})
		wantCode(t, err, "InsufficientInstanceCapacity")
		if !errors.Is(err, ErrInsufficientInstanceCapacity) {
			t.Error("errors.Is with the sentinel failed")
		}
		var ae *awserr.Error
		if !errors.As(err, &ae) || ae.StatusCode != 500 {
			t.Errorf("want HTTP 500, got %v", err)
		}
	})
}

func TestMinCountIsAllOrNothing(t *testing.T) {
	f := newFixture(t, 10, Options{}) // one p3 host: eight p3.2xlarge fit (REFERENCE.md 1.2)
	f.do(time.Hour, func(p *sim.Proc) {
		az := &Placement{AvailabilityZone: "us-east-1b"}
		_, err := f.c.RunInstances(p, &RunInstancesInput{ImageId: f.ami(), InstanceType: "p3.2xlarge", MinCount: 9, MaxCount: 9, Placement: az})
		wantCode(t, err, "InsufficientInstanceCapacity")
		out, err := f.c.RunInstances(p, &RunInstancesInput{ImageId: f.ami(), InstanceType: "p3.2xlarge", MinCount: 1, MaxCount: 12, Placement: az})
		must(t, err)
		if len(out.Instances) != 8 {
			t.Fatalf("launched %d, want the 8 that fit", len(out.Instances))
		}
	})
}

func TestHostFailureStopsInstances(t *testing.T) {
	f := newFixture(t, 11, Options{})
	f.do(time.Hour, func(p *sim.Proc) {
		m := f.launch(p, RunInstancesInput{InstanceType: "m5.large"})
		w, err := m.Go("worker", func(q *sim.Proc) { q.Sleep(24 * time.Hour) })
		must(t, err)
		must(t, f.w.Faults().FailHost(m.HostID()))
		if w.Alive() {
			t.Fatal("process survived its host")
		}
		p.Sleep(5 * time.Minute)
		if m.State() != InstanceStateStopped || m.describe().StateReason.Code != "Server.InternalError" {
			t.Fatalf("state %s reason %+v", m.State(), m.describe().StateReason)
		}
	})
}

func TestClientTokenMakesRunInstancesIdempotent(t *testing.T) {
	f := newFixture(t, 12, Options{})
	f.do(time.Hour, func(p *sim.Proc) {
		in := RunInstancesInput{ImageId: f.ami(), InstanceType: "m5.large", MinCount: 1, MaxCount: 1, ClientToken: "launch-1"}
		a, err := f.c.RunInstances(p, &in)
		must(t, err)
		again := in // a fresh struct with the same parameters
		b, err := f.c.RunInstances(p, &again)
		must(t, err)
		if a.ReservationId != b.ReservationId || a.Instances[0].InstanceId != b.Instances[0].InstanceId {
			t.Fatalf("retry launched again: %s vs %s", a.ReservationId, b.ReservationId)
		}
		out, err := f.c.DescribeInstances(p, nil)
		must(t, err)
		if len(out.Reservations) != 1 {
			t.Fatalf("%d reservations", len(out.Reservations))
		}
		in.InstanceType = "c5.large"
		_, err = f.c.RunInstances(p, &in)
		wantCode(t, err, "IdempotentParameterMismatch")
	})
}

func TestDescribeImagesShowsTheRegionsOwnIDs(t *testing.T) {
	f := newFixture(t, 13, Options{})
	f.do(time.Minute, func(p *sim.Proc) {
		out, err := f.c.DescribeImages(p, &DescribeImagesInput{Names: []string{PublicImages[0].Name}})
		must(t, err)
		if len(out.Images) != 1 || out.Images[0].ImageId != f.ami() || out.Images[0].Region != testRegion {
			t.Fatalf("images %+v", out.Images)
		}
		_, err = f.c.DescribeImages(p, &DescribeImagesInput{ImageIds: []string{ImageID(PublicImages[0].Name, "eu-west-1")}})
		wantCode(t, err, "InvalidAMIID.NotFound")
	})
}

func TestStartFailsWithInsufficientCapacityWhenHostsAreFull(t *testing.T) {
	f := newFixture(t, 14, Options{}) // one p3 host per zone: 8 p3.2xlarge
	f.do(time.Hour, func(p *sim.Proc) {
		az := &Placement{AvailabilityZone: "us-east-1a"}
		a := f.launch(p, RunInstancesInput{InstanceType: "p3.2xlarge", Placement: az})
		_, err := f.c.StopInstances(p, &StopInstancesInput{InstanceIds: []string{a.ID()}})
		must(t, err)
		p.Sleep(5 * time.Minute)
		_, err = f.c.RunInstances(p, &RunInstancesInput{ImageId: f.ami(), InstanceType: "p3.2xlarge", MinCount: 8, MaxCount: 8, Placement: az})
		must(t, err)
		_, err = f.c.StartInstances(p, &StartInstancesInput{InstanceIds: []string{a.ID()}})
		wantCode(t, err, "InsufficientInstanceCapacity")
		if a.State() != InstanceStateStopped || a.HostID() != "" {
			t.Fatalf("after a failed start: %s on %q", a.State(), a.HostID())
		}
	})
}

func TestAZFailureStopsItsInstances(t *testing.T) {
	f := newFixture(t, 15, Options{})
	f.do(2*time.Hour, func(p *sim.Proc) {
		a := f.launch(p, RunInstancesInput{InstanceType: "m5.large", Placement: &Placement{AvailabilityZone: "us-east-1a"}})
		b := f.launch(p, RunInstancesInput{InstanceType: "m5.large", Placement: &Placement{AvailabilityZone: "us-east-1b"}})
		must(t, f.w.Faults().FailAZ(a.AvailabilityZoneID()))
		p.Sleep(5 * time.Minute)
		if a.State() != InstanceStateStopped || b.State() != InstanceStateRunning {
			t.Fatalf("after the AZ failure: %s in the dark zone, %s elsewhere", a.State(), b.State())
		}
		_, err := f.c.StartInstances(p, &StartInstancesInput{InstanceIds: []string{a.ID()}})
		if err == nil {
			t.Fatal("started an instance in a dark zone")
		}
		must(t, f.w.Faults().RestoreAZ(a.AvailabilityZoneID()))
		_, err = f.c.StartInstances(p, &StartInstancesInput{InstanceIds: []string{a.ID()}})
		must(t, err)
	})
}

// TestRepeatedInstanceIDActsOnce: an ID given twice names one instance;
// StartInstances used to place it twice and leak the first host slot.
func TestRepeatedInstanceIDActsOnce(t *testing.T) {
	f := newFixture(t, 94, Options{})
	f.do(time.Hour, func(p *sim.Proc) {
		m := f.launch(p, RunInstancesInput{InstanceType: "p3.2xlarge"})
		ids := []string{m.ID(), m.ID()}
		_, err := f.c.StopInstances(p, &StopInstancesInput{InstanceIds: ids})
		must(t, err)
		must(t, p.Sleep(10*time.Minute))
		out, err := f.c.StartInstances(p, &StartInstancesInput{InstanceIds: ids})
		must(t, err)
		if len(out.StartingInstances) != 1 {
			t.Errorf("%d state changes for one instance", len(out.StartingInstances))
		}
		must(t, p.Sleep(10*time.Minute))
		_, err = f.c.TerminateInstances(p, &TerminateInstancesInput{InstanceIds: ids})
		must(t, err)
		must(t, p.Sleep(10*time.Minute))
		hosts, err := f.w.Fleet().Hosts(m.AvailabilityZoneID(), "p3")
		must(t, err)
		for _, h := range hosts {
			if h.Instances != 0 {
				t.Errorf("host %s still holds %d instances after the only one terminated", h.ID, h.Instances)
			}
		}
	})
}

func TestTagRestrictions(t *testing.T) {
	f := newFixture(t, 95, Options{})
	many := make([]Tag, MaxTagsPerResource+1)
	for i := range many {
		many[i] = Tag{Key: fmt.Sprintf("k%d", i)}
	}
	for _, tc := range []struct {
		name string
		tags []Tag
		code string
	}{
		{"reserved prefix", []Tag{{Key: "AWS:cloudformation:stack-name", Value: "x"}}, "InvalidParameterValue"},
		{"long key", []Tag{{Key: strings.Repeat("k", 129)}}, "InvalidParameterValue"},
		{"long value", []Tag{{Key: "k", Value: strings.Repeat("v", 257)}}, "InvalidParameterValue"},
		{"empty key", []Tag{{Key: "", Value: "v"}}, "InvalidParameterValue"},
		{"duplicate key", []Tag{{Key: "Name", Value: "a"}, {Key: "Name", Value: "b"}}, "InvalidParameterValue"},
		{"too many", many, "TagLimitExceeded"},
		{"fifty is the limit", many[:MaxTagsPerResource], ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tags := tc.tags
			f.do(time.Second, func(p *sim.Proc) {
				_, err := f.c.RunInstances(p, &RunInstancesInput{ImageId: f.ami(), InstanceType: "m5.large", MinCount: 1, MaxCount: 1,
					TagSpecifications: []TagSpecification{{ResourceType: "instance", Tags: tags}}})
				_, verr := f.c.CreateVolume(p, &CreateVolumeInput{AvailabilityZone: "us-east-1a", Size: 10,
					TagSpecifications: []TagSpecification{{ResourceType: "volume", Tags: tags}}})
				if tc.code == "" {
					must(t, err)
					must(t, verr)
					return
				}
				wantCode(t, err, tc.code)
				wantCode(t, verr, tc.code)
			})
		})
	}
}

package ec2

// EBS rules from the EC2 User Guide: ebs-volume-types.md,
// ebs-attaching-volume.md, ebs-detaching-volume.md, ebs-deleting-volume.md,
// ebs-creating-snapshot.md [EBS volume types guide] and EBS pricing [AWS pricing pages].

import (
	"errors"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

func TestVolumeTypeLimits(t *testing.T) {
	for _, tc := range []struct {
		name            string
		t               VolumeType
		size, iops, tp  int32
		wantIOPS, wantT int32
		code            string
	}{
		{"Gp3Defaults", VolumeTypeGp3, 100, 0, 0, 3000, 125, ""},
		{"Gp3Provisioned", VolumeTypeGp3, 100, 16000, 1000, 16000, 1000, ""},
		{"Gp3IOPSTooHigh", VolumeTypeGp3, 100, 16001, 0, 0, 0, "InvalidParameterValue"},
		{"Gp3IOPSPerGiB", VolumeTypeGp3, 8, 5000, 0, 0, 0, "InvalidParameterValue"}, // > 500 IOPS/GiB
		{"Gp3ThroughputPerIOPS", VolumeTypeGp3, 100, 3000, 1000, 0, 0, "InvalidParameterValue"},
		{"Gp3TooBig", VolumeTypeGp3, 16385, 0, 0, 0, 0, "InvalidParameterValue"},
		{"Gp2ThreePerGiB", VolumeTypeGp2, 1000, 0, 0, 3000, 250, ""},
		{"Gp2Minimum100", VolumeTypeGp2, 10, 0, 0, 100, 128, ""},
		{"Gp2Max16000", VolumeTypeGp2, 16000, 0, 0, 16000, 250, ""},
		{"Gp2RejectsIOPS", VolumeTypeGp2, 100, 500, 0, 0, 0, "InvalidParameterCombination"},
		{"Io1NeedsIOPS", VolumeTypeIo1, 100, 0, 0, 0, 0, "MissingParameter"},
		{"Io1FiftyPerGiB", VolumeTypeIo1, 100, 5001, 0, 0, 0, "InvalidParameterValue"},
		{"Io1", VolumeTypeIo1, 100, 5000, 0, 5000, 1000, ""},
		{"Io2BlockExpress", VolumeTypeIo2, 4000, 256000, 0, 256000, 4000, ""},
		{"Io1TooSmall", VolumeTypeIo1, 3, 100, 0, 0, 0, "InvalidParameterValue"},
		{"St1Minimum125", VolumeTypeSt1, 100, 0, 0, 0, 0, "InvalidParameterValue"},
		{"St1FortyPerTiB", VolumeTypeSt1, 2048, 0, 0, 500, 80, ""},
		{"Sc1TwelvePerTiB", VolumeTypeSc1, 4096, 0, 0, 250, 48, ""},
		{"UnknownType", "gp9", 100, 0, 0, 0, 0, "InvalidParameterValue"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			iops, tp, err := volumeShape(tc.t, tc.size, tc.iops, tc.tp)
			if tc.code != "" {
				wantCode(t, err, tc.code)
				return
			}
			must(t, err)
			if iops != tc.wantIOPS || tp != tc.wantT {
				t.Fatalf("iops %d throughput %d, want %d and %d", iops, tp, tc.wantIOPS, tc.wantT)
			}
		})
	}
}

func (f *fixture) createVolume(p *sim.Proc, az string, size int32) string {
	out, err := f.c.CreateVolume(p, &CreateVolumeInput{AvailabilityZone: az, Size: size, VolumeType: VolumeTypeGp3})
	must(f.t, err)
	p.Sleep(time.Minute) // creating -> available
	return out.VolumeId
}

func TestEBSAttachCrossAZFails(t *testing.T) {
	f := newFixture(t, 51, Options{})
	f.do(time.Hour, func(p *sim.Proc) {
		m := f.launch(p, RunInstancesInput{InstanceType: "m5.large", Placement: &Placement{AvailabilityZone: "us-east-1a"}})
		vol := f.createVolume(p, "us-east-1b", 10)
		_, err := f.c.AttachVolume(p, &AttachVolumeInput{VolumeId: vol, InstanceId: m.ID(), Device: "/dev/sdf"})
		wantCode(t, err, "InvalidVolume.ZoneMismatch")
		if !errors.Is(err, ErrInvalidVolumeZoneMismatch) {
			t.Error("sentinel does not match")
		}
	})
}

func TestEBSAttachDetachDeleteRules(t *testing.T) {
	f := newFixture(t, 52, Options{})
	f.do(time.Hour, func(p *sim.Proc) {
		az := &Placement{AvailabilityZone: "us-east-1a"}
		m := f.launch(p, RunInstancesInput{InstanceType: "m5.large", Placement: az})
		n := f.launch(p, RunInstancesInput{InstanceType: "m5.large", Placement: az})
		out, err := f.c.CreateVolume(p, &CreateVolumeInput{AvailabilityZone: "us-east-1a", Size: 10})
		must(t, err)
		vol := out.VolumeId
		_, err = f.c.AttachVolume(p, &AttachVolumeInput{VolumeId: vol, InstanceId: m.ID(), Device: "/dev/sdf"})
		wantCode(t, err, "IncorrectState") // still creating
		p.Sleep(time.Minute)
		_, err = f.c.AttachVolume(p, &AttachVolumeInput{VolumeId: vol, InstanceId: m.ID(), Device: "/dev/xvda"})
		wantCode(t, err, "InvalidParameterValue") // the root device is taken
		_, err = f.c.AttachVolume(p, &AttachVolumeInput{VolumeId: vol, InstanceId: m.ID(), Device: "/dev/sdf"})
		must(t, err)
		_, err = f.c.AttachVolume(p, &AttachVolumeInput{VolumeId: vol, InstanceId: n.ID(), Device: "/dev/sdf"})
		wantCode(t, err, "VolumeInUse")
		_, err = f.c.DeleteVolume(p, &DeleteVolumeInput{VolumeId: vol})
		wantCode(t, err, "VolumeInUse")
		root := m.describe().BlockDeviceMappings[0].VolumeId
		_, err = f.c.DetachVolume(p, &DetachVolumeInput{VolumeId: root})
		wantCode(t, err, "OperationNotPermitted")
		_, err = f.c.DetachVolume(p, &DetachVolumeInput{VolumeId: vol, InstanceId: n.ID()})
		wantCode(t, err, "InvalidAttachment.NotFound")
		_, err = f.c.DetachVolume(p, &DetachVolumeInput{VolumeId: vol})
		must(t, err)
		_, err = f.c.DetachVolume(p, &DetachVolumeInput{VolumeId: vol})
		wantCode(t, err, "IncorrectState")
		_, err = f.c.DeleteVolume(p, &DeleteVolumeInput{VolumeId: vol})
		must(t, err)
		_, err = f.c.DescribeVolumes(p, &DescribeVolumesInput{VolumeIds: []string{vol}})
		wantCode(t, err, "InvalidVolume.NotFound")
	})
}

func TestRootVolumeDeletedOnTerminationAddedVolumesKept(t *testing.T) {
	f := newFixture(t, 53, Options{})
	f.do(time.Hour, func(p *sim.Proc) {
		m := f.launch(p, RunInstancesInput{InstanceType: "m5.large", BlockDeviceMappings: []BlockDeviceMapping{
			{DeviceName: "/dev/sdf", Ebs: &EbsBlockDevice{VolumeSize: 50, VolumeType: VolumeTypeGp3}}}})
		d := m.describe().BlockDeviceMappings
		if len(d) != 2 || !d[0].DeleteOnTermination || d[1].DeleteOnTermination {
			t.Fatalf("mappings %+v: want root DeleteOnTermination, added volume not", d)
		}
		_, err := f.c.TerminateInstances(p, &TerminateInstancesInput{InstanceIds: []string{m.ID()}})
		must(t, err)
		p.Sleep(10 * time.Minute)
		_, err = f.c.DescribeVolumes(p, &DescribeVolumesInput{VolumeIds: []string{d[0].VolumeId}})
		wantCode(t, err, "InvalidVolume.NotFound")
		out, err := f.c.DescribeVolumes(p, &DescribeVolumesInput{VolumeIds: []string{d[1].VolumeId}})
		must(t, err)
		if v := out.Volumes[0]; v.State != VolumeStateAvailable || len(v.Attachments) != 0 {
			t.Fatalf("added volume after termination: %+v", v)
		}
	})
}

func TestSnapshotRestorableIntoAnyAZOfTheRegion(t *testing.T) {
	f := newFixture(t, 54, Options{})
	f.do(2*time.Hour, func(p *sim.Proc) {
		vol := f.createVolume(p, "us-east-1a", 20)
		sn, err := f.c.CreateSnapshot(p, &CreateSnapshotInput{VolumeId: vol})
		must(t, err)
		_, err = f.c.CreateVolume(p, &CreateVolumeInput{AvailabilityZone: "us-east-1c", SnapshotId: sn.SnapshotId})
		wantCode(t, err, "IncorrectState") // still pending
		_, err = f.c.RunInstances(p, &RunInstancesInput{ImageId: f.ami(), InstanceType: "m5.large", MinCount: 1, MaxCount: 1,
			BlockDeviceMappings: []BlockDeviceMapping{{DeviceName: "/dev/sdf", Ebs: &EbsBlockDevice{SnapshotId: sn.SnapshotId}}}})
		wantCode(t, err, "IncorrectState") // a launch cannot restore it either
		p.Sleep(10 * time.Minute)
		for _, az := range []string{"us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d"} {
			out, err := f.c.CreateVolume(p, &CreateVolumeInput{AvailabilityZone: az, SnapshotId: sn.SnapshotId, VolumeType: VolumeTypeGp3})
			must(t, err)
			if out.Size != 20 || out.SnapshotId != sn.SnapshotId {
				t.Fatalf("restored %+v", out)
			}
		}
		_, err = f.c.CreateVolume(p, &CreateVolumeInput{AvailabilityZone: "us-east-1a", SnapshotId: sn.SnapshotId, Size: 10})
		wantCode(t, err, "InvalidParameterValue") // smaller than the snapshot
		west := f.svc.NewClient("us-west-2", f.c.creds)
		_, err = west.CreateVolume(p, &CreateVolumeInput{AvailabilityZone: "us-west-2a", SnapshotId: sn.SnapshotId})
		wantCode(t, err, "InvalidSnapshot.NotFound")
	})
}

func TestFailVolumeMakesIOFail(t *testing.T) {
	f := newFixture(t, 55, Options{})
	var before, after error
	f.do(time.Hour, func(p *sim.Proc) {
		m := f.launch(p, RunInstancesInput{InstanceType: "m5.large"})
		root := m.describe().BlockDeviceMappings[0].VolumeId
		done := f.env.NewEvent("io")
		_, err := m.Go("io", func(q *sim.Proc) {
			before = m.VolumeIO(q, root, 1<<20, 16<<10)
			must(t, f.svc.FailVolume(root))
			after = m.VolumeIO(q, root, 1<<20, 16<<10)
			done.Trigger(nil)
		})
		must(t, err)
		p.Wait(done)
		out, err := f.c.DescribeVolumes(p, &DescribeVolumesInput{VolumeIds: []string{root}})
		must(t, err)
		if out.Volumes[0].State != VolumeStateError {
			t.Fatalf("state %s", out.Volumes[0].State)
		}
	})
	if before != nil || !errors.Is(after, ErrVolumeIO) {
		t.Fatalf("I/O before %v, after %v", before, after)
	}
	if err := f.svc.FailVolume("vol-0123456789abcdef0"); !isCode(err, "InvalidVolume.NotFound") {
		t.Fatalf("FailVolume(unknown) = %v", err)
	}
}

func TestVolumeIOTimeModel(t *testing.T) {
	v := &volume{vtype: VolumeTypeGp3, iops: 3000, throughput: 125}
	// 1 GiB in 16 KiB I/Os: 65,536 ops / 3,000 IOPS = 21.845 s, more than
	// 1,024 MiB / 125 MiB/s = 8.19 s: IOPS-bound.
	ops, secs := 65536.0, 3000.0
	want := 2*time.Millisecond + time.Duration(ops/secs*float64(time.Second))
	if got := ioTime(v, 1<<30, 16<<10); got != want {
		t.Errorf("16 KiB I/O: %v, want %v", got, want)
	}
	// In 1 MiB I/Os: 1,024 ops = 0.34 s, throughput-bound at 8.192 s.
	mib, rate := 1024.0, 125.0
	want = 2*time.Millisecond + time.Duration(mib/rate*float64(time.Second))
	if got := ioTime(v, 1<<30, 1<<20); got != want {
		t.Errorf("1 MiB I/O: %v, want %v", got, want)
	}
}

// TestGp2BurstBucket: a 100 GiB gp2 volume (baseline 300 IOPS) starts
// with 5.4 M I/O credits and bursts to 3,000 IOPS for 5.4 M / 2,700 =
// 2,000 s [EBS volume types guide]. 12 M I/Os take the 2,000 s burst (6 M I/Os) plus 6 M at
// 300 IOPS = 20,000 s; an hour later the bucket has earned 1.08 M credits
// back, so 1 M I/Os run at the burst rate again.
func TestGp2BurstBucket(t *testing.T) {
	v := &volume{vtype: VolumeTypeGp2, iops: 300, throughput: 128}
	b := &ioBucket{balance: gp2BucketCredit}
	if sec := gp2IOTime(v, b, 0, 12e6); math.Abs(sec-22000) > 1e-6 || b.balance != 0 {
		t.Fatalf("12 M I/Os: %v s, balance %v; want 22,000 s and 0", sec, b.balance)
	}
	at := b.last.Add(time.Hour)
	if sec := gp2IOTime(v, b, at, 1e6); math.Abs(sec-1e6/3000) > 1e-6 {
		t.Fatalf("after an hour's refill: %v s, want %v", sec, 1e6/3000)
	}
	big := &volume{vtype: VolumeTypeGp2, iops: 3000, throughput: 250} // 1 TiB: baseline = burst
	if sec := gp2IOTime(big, &ioBucket{}, 0, 3e6); sec != 1000 {
		t.Fatalf("1 TiB gp2: %v s, want 1,000", sec)
	}
}

// TestEBSBilledWhetherOrNotWritten keeps a 100 GiB gp3 volume with 4,000
// IOPS for 30 days of January, writing nothing. Storage is prorated by the
// second over the month [AWS pricing pages]: 100 GiB x s / (31 x 86,400 s)
// GB-Mo, and the 1,000 IOPS above the included 3,000 likewise, where s is
// the whole seconds from the CreateVolume to the DeleteVolume effect
// (30 days plus the calls' latency, under a second).
func TestEBSBilledWhetherOrNotWritten(t *testing.T) {
	f := newFixture(t, 56, Options{VolumeAFR: map[VolumeType]float64{VolumeTypeGp3: 0}})
	var vol string
	f.do(31*24*time.Hour, func(p *sim.Proc) {
		out, err := f.c.CreateVolume(p, &CreateVolumeInput{AvailabilityZone: "us-east-1a", Size: 100, VolumeType: VolumeTypeGp3, Iops: 4000})
		must(t, err)
		vol = out.VolumeId
		p.Sleep(30 * 24 * time.Hour)
		_, err = f.c.DeleteVolume(p, &DeleteVolumeInput{VolumeId: vol})
		must(t, err)
	})
	month := big.NewRat(31*86400, 1)
	for _, tc := range []struct {
		ut   string
		rate int64
	}{
		{"EBS:VolumeUsage.gp3", 100},
		{"EBS:VolumeP-IOPS.gp3", 1000},
	} {
		ls := f.lines(testAccount, vol, tc.ut)
		if len(ls) != 1 {
			t.Fatalf("%s: lines %v", tc.ut, ls)
		}
		secs := new(big.Rat).Mul(ls[0].Amount, month)
		secs.Quo(secs, big.NewRat(tc.rate, 1))
		if !secs.IsInt() || secs.Num().Int64() < 30*86400 || secs.Num().Int64() > 30*86400+1 {
			t.Errorf("%s: %s = %d x %s s / month, want 30 days of whole seconds", tc.ut, ls[0].Amount.RatString(), tc.rate, secs.RatString())
		}
	}
	if ls := f.lines(testAccount, vol, "EBS:VolumeP-Throughput.gp3"); len(ls) != 0 {
		t.Errorf("baseline throughput billed: %v", ls)
	}
}

// TestReplicaModelMatchesAFR checks the replica chain against its closed
// form: lambda is solved so that MTTDL = 1/AFR years, and the mean of the
// exact loss-time sampler matches MTTDL (20,000 draws, seed 57: the
// standard error of the mean is about 0.7%, the tolerance 3%).
func TestReplicaModelMatchesAFR(t *testing.T) {
	for _, afr := range []float64{0.002, 0.00001, 0.2} {
		rm := newReplicaModel(afr, time.Hour)
		years := rm.MTTDLHours() / 8760
		if math.Abs(years*afr-1) > 1e-9 {
			t.Fatalf("AFR %v: MTTDL %v years, want %v", afr, years, 1/afr)
		}
		src := sim.StreamSource(57, "replicas")
		r := rand.New(sim.StreamSource(57, "geom"))
		var sum float64
		const n = 20000
		for i := 0; i < n; i++ {
			h, _ := rm.drawLoss(src, r)
			sum += h
		}
		if mean := sum / n / 8760; math.Abs(mean*afr-1) > 0.03 {
			t.Errorf("AFR %v: sampled MTTDL %.4g years, want %.4g", afr, mean, 1/afr)
		}
	}
}

// TestReplicaSamplerMatchesNaiveChain compares the Gamma/geometric sampler
// with a step-by-step simulation of the two-replica chain (lambda = 1/h,
// mu = 10/h, so MTTDL = 6.5 h): both means within 3% of the closed form.
func TestReplicaSamplerMatchesNaiveChain(t *testing.T) {
	rm := replicaModel{lambda: 1, mu: 10}
	closed := rm.MTTDLHours()
	if math.Abs(closed-6.5) > 1e-9 {
		t.Fatalf("closed form %v", closed)
	}
	r := rand.New(sim.StreamSource(58, "naive"))
	src := sim.StreamSource(58, "fast")
	const n = 20000
	var naive, fast float64
	for i := 0; i < n; i++ {
		up := 2
		for {
			if up == 2 {
				naive += r.ExpFloat64() / (2 * rm.lambda)
				up = 1
				continue
			}
			naive += r.ExpFloat64() / (rm.lambda + rm.mu)
			if r.Float64() < rm.lambda/(rm.lambda+rm.mu) {
				break
			}
			up = 2
		}
		h, _ := rm.drawLoss(src, r)
		fast += h
	}
	for name, v := range map[string]float64{"naive": naive / n, "sampler": fast / n} {
		if math.Abs(v/closed-1) > 0.03 {
			t.Errorf("%s mean %.4f h, closed form %.4f h", name, v, closed)
		}
	}
}

// TestVolumesAreLostAtTheirAFR gives gp3 an AFR of 50% (so that a year
// shows losses) and keeps 400 volumes for a year. Time to loss is the
// two-replica chain's absorption time, exponential to within
// lambda/mu (< 0.1% here), so about 1 - exp(-0.5) = 39.3% are lost;
// binomial sd 2.4%, tolerance 4 sd (seed 59). Lost volumes report state
// "error".
func TestVolumesAreLostAtTheirAFR(t *testing.T) {
	f := newFixture(t, 59, Options{VolumeAFR: map[VolumeType]float64{VolumeTypeGp3: 0.5}})
	const n = 400
	var ids []string
	f.do(365*24*time.Hour, func(p *sim.Proc) {
		for i := 0; i < n; i++ {
			out, err := f.c.CreateVolume(p, &CreateVolumeInput{AvailabilityZone: "us-east-1a", Size: 1, VolumeType: VolumeTypeGp3})
			must(t, err)
			ids = append(ids, out.VolumeId)
		}
	})
	lost := 0
	f.do(time.Minute, func(p *sim.Proc) {
		out, err := f.c.DescribeVolumes(p, &DescribeVolumesInput{VolumeIds: ids})
		must(t, err)
		for _, v := range out.Volumes {
			if v.State == VolumeStateError {
				lost++
			}
		}
	})
	got, want := float64(lost)/n, 1-math.Exp(-0.5)
	t.Logf("%d of %d lost (%.3f, expected %.3f)", lost, n, got, want)
	if math.Abs(got-want) > 4*math.Sqrt(want*(1-want)/n) {
		t.Fatalf("lost fraction %.3f, want %.3f", got, want)
	}
}

// An I/O too large for the clock (here MaxInt64 bytes, which also
// overflowed the op count) is an error, not a negative sleep; the volume
// still works afterwards.
func TestVolumeIOTooLargeIsAnError(t *testing.T) {
	f := newFixture(t, 56, Options{})
	var huge, small error
	var took time.Duration
	f.do(time.Hour, func(p *sim.Proc) {
		m := f.launch(p, RunInstancesInput{InstanceType: "m5.large"})
		root := m.describe().BlockDeviceMappings[0].VolumeId
		done := f.env.NewEvent("io")
		_, err := m.Go("io", func(q *sim.Proc) {
			huge = m.VolumeIO(q, root, math.MaxInt64, 1)
			t0 := q.Now()
			small = m.VolumeIO(q, root, 1<<20, 16<<10)
			took = q.Now().Sub(t0)
			done.Trigger(nil)
		})
		must(t, err)
		p.Wait(done)
	})
	if huge == nil || small != nil {
		t.Fatalf("huge I/O: %v; 1 MiB after it: %v", huge, small)
	}
	if took <= 0 || took > time.Second {
		t.Fatalf("1 MiB I/O after the refused one took %v", took)
	}
}

// volumeSpec's switch answers what the volumeSpecs table says, for every
// type and for an unknown one.
func TestVolumeSpecMatchesTable(t *testing.T) {
	require.Len(t, volumeSpecList, len(volumeSpecs))
	for vt, want := range volumeSpecs {
		got, ok := volumeSpec(vt)
		require.True(t, ok, vt)
		require.Equal(t, want, got, vt)
	}
	_, ok := volumeSpec("gp4")
	require.False(t, ok)
}

package ec2

import (
	"fmt"
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/sim"
)

// BenchmarkRunTerminate measures one RunInstances and one
// TerminateInstances call through the whole pipeline (IAM authentication
// and authorization, network latency, fault draws, the effect with slot
// packing and metering, response latency), the lifecycle transitions they
// cause, and the events they schedule. sim-ms/op is the virtual time one
// launch+terminate pair takes.
func BenchmarkRunTerminate(b *testing.B) {
	f := newFixture(b, 1, Options{VolumeAFR: map[VolumeType]float64{VolumeTypeGp3: 0}})
	in := &RunInstancesInput{ImageId: f.ami(), InstanceType: "m5.large", MinCount: 1, MaxCount: 1}
	var failed error
	var end sim.Time
	b.ReportAllocs()
	b.ResetTimer()
	f.env.Go("bench", func(p *sim.Proc) {
		for i := 0; i < b.N; i++ {
			out, err := f.c.RunInstances(p, in)
			if err != nil {
				failed = err
				return
			}
			if _, err := f.c.TerminateInstances(p, &TerminateInstancesInput{InstanceIds: []string{out.Instances[0].InstanceId}}); err != nil {
				failed = err
				return
			}
		}
		end = p.Now()
	})
	f.env.Run()
	b.StopTimer()
	if failed != nil {
		b.Fatal(failed)
	}
	b.ReportMetric(float64(end)/float64(time.Millisecond)/float64(b.N), "sim-ms/op")
}

// BenchmarkDescribeVolumes measures the call a volume waiter makes over and
// over (examples/spot-training's waitVolume and attach poll it every 5 s):
// DescribeVolumes of one tagged volume attached to an instance, through the
// whole pipeline.
func BenchmarkDescribeVolumes(b *testing.B) {
	f := newFixture(b, 1, Options{VolumeAFR: map[VolumeType]float64{VolumeTypeGp3: 0}})
	var in DescribeVolumesInput
	f.do(time.Hour, func(p *sim.Proc) {
		m := f.launch(p, RunInstancesInput{InstanceType: "m5.large"})
		vol, err := f.c.CreateVolume(p, &CreateVolumeInput{AvailabilityZone: m.azName, Size: 8, VolumeType: VolumeTypeGp3,
			TagSpecifications: []TagSpecification{{ResourceType: "volume", Tags: []Tag{{Key: "job", Value: "bench"}}}}})
		must(b, err)
		must(b, p.Sleep(time.Minute))
		_, err = f.c.AttachVolume(p, &AttachVolumeInput{VolumeId: vol.VolumeId, InstanceId: m.ID(), Device: "/dev/sdf"})
		must(b, err)
		in.VolumeIds = []string{vol.VolumeId}
	})
	if in.VolumeIds == nil {
		b.Fatal("no volume")
	}
	var failed error
	b.ReportAllocs()
	b.ResetTimer()
	f.env.Go("bench", func(p *sim.Proc) {
		for i := 0; i < b.N; i++ {
			out, err := f.c.DescribeVolumes(p, &in)
			if err != nil {
				failed = err
				return
			}
			if len(out.Volumes) != 1 || len(out.Volumes[0].Attachments) != 1 || len(out.Volumes[0].Tags) != 1 {
				failed = fmt.Errorf("unexpected output %+v", out)
				return
			}
		}
	})
	f.env.Run()
	b.StopTimer()
	if failed != nil {
		b.Fatal(failed)
	}
}

package ec2

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

// StateChangeEvent.Reason prints its value, not a pointer.
func TestStateChangeEventPrintsReason(t *testing.T) {
	ev := StateChangeEvent{InstanceID: "i-1", Reason: reasonSpotTerminate}
	s := fmt.Sprintf("%v", ev)
	require.Contains(t, s, "Server.SpotInstanceTermination")
	require.NotContains(t, s, "0xc")
}

// T4g has its own credit table (credits per hour and the 24-hour cap):
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/burstable-credits-baseline-concepts.html
func TestT4gCreditTable(t *testing.T) {
	for ty, want := range map[InstanceType][2]float64{"t4g.nano": {6, 144}, "t4g.micro": {12, 288}, "t4g.small": {24, 576},
		"t4g.medium": {24, 576}, "t4g.large": {36, 864}, "t4g.xlarge": {96, 2304}, "t4g.2xlarge": {192, 4608}} {
		it, ok := LookupInstanceType(ty)
		require.True(t, ok, ty)
		require.InDelta(t, want[0], it.CreditsPerHour(), 1e-9, ty)
		require.InDelta(t, want[1], it.MaxCredits(), 1e-9, ty)
		require.Equal(t, "arm64", it.Architecture)
		require.Zero(t, it.LaunchCreditsPerVCPU, "T4g gets no launch credits")
	}
}

// The modern families carry their accelerators and memory.
func TestModernFamiliesShapes(t *testing.T) {
	for ty, want := range map[InstanceType]struct {
		vcpu, gpus int
		memGiB     int64
		model      string
		gpuMemGiB  int64
	}{
		"p5.48xlarge":   {192, 8, 2048, "H100", 640},
		"p4d.24xlarge":  {96, 8, 1152, "A100", 320},
		"g5.xlarge":     {4, 1, 16, "A10G", 24},
		"g6.48xlarge":   {192, 8, 768, "L4", 192},
		"g4dn.12xlarge": {48, 4, 192, "T4", 64},
		"trn1.32xlarge": {128, 16, 512, "Trainium", 512},
		"inf2.48xlarge": {192, 12, 768, "Inferentia2", 384},
		"m7g.large":     {2, 0, 8, "", 0},
		"r6i.32xlarge":  {128, 0, 1024, "", 0},
	} {
		it, ok := LookupInstanceType(ty)
		require.True(t, ok, ty)
		require.Equal(t, want.vcpu, it.VCPUs, ty)
		require.Equal(t, want.gpus, it.GPUs, ty)
		require.Equal(t, want.memGiB*1024, it.MemoryMiB, ty)
		require.Equal(t, want.model, it.GPUModel, ty)
		require.Equal(t, want.gpuMemGiB*1024, it.GPUMemoryMiB, ty)
	}
}

// A persistent Spot instance with interruption behaviour hibernate is
// hibernated, not terminated, when reclaimed, and "resumed if hibernated"
// when capacity returns, its processes with it.
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/hibernate-spot-instances.html
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/interruption-behavior.html
func TestSpotHibernates(t *testing.T) {
	f := newFixture(t, 230, Options{Spot: &SpotOptions{Model: SpotMechanistic, Savings: 0.65, PriceStep: 24 * time.Hour}})
	f.do(3*time.Hour, func(p *sim.Proc) {
		in := spotInput(InterruptionHibernate)
		in.HibernationOptions = &HibernationOptionsRequest{Configured: true}
		in.BlockDeviceMappings = []BlockDeviceMapping{{DeviceName: "/dev/xvda", Ebs: &EbsBlockDevice{VolumeSize: 20, Encrypted: true}}}
		m := f.launch(p, in)
		ticks := 0
		proc, err := m.Go("loop", func(q *sim.Proc) {
			for q.Sleep(time.Minute) == nil {
				ticks++
			}
		})
		require.NoError(t, err)
		require.NoError(t, p.Sleep(time.Hour))
		require.NoError(t, f.svc.ReclaimSpot(m.AvailabilityZoneID(), "m5.large", 1))
		for m.State() != InstanceStateStopped {
			require.NoError(t, p.Sleep(time.Second))
		}
		require.True(t, m.Hibernated())
		require.True(t, proc.Alive())
		before := ticks
		require.NoError(t, p.Sleep(10*time.Minute))
		require.Equal(t, InstanceStateRunning, m.State(), "EC2 resumed it when capacity returned")
		require.NoError(t, p.Sleep(5*time.Minute))
		require.Greater(t, ticks, before+3, "its process resumed")
	})
}

// A quota request at or below the current value changes nothing.
func TestQuotaRequestBelowCurrentLeavesQuota(t *testing.T) {
	f := newFixture(t, 231, Options{Quotas: &QuotaOptions{}})
	require.NoError(t, f.iam.PutUserPolicy(f.root, "operator", "quotas",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"servicequotas:*","Resource":"*"}]}`))
	sq := f.svc.NewQuotasClient(testRegion, f.user)
	f.do(2*time.Hour, func(p *sim.Proc) {
		_, err := sq.RequestServiceQuotaIncrease(p, "ec2", "L-1216C47A", 2)
		require.Error(t, err)
		require.True(t, strings.Contains(err.Error(), "IllegalArgumentException"))
		require.NoError(t, p.Sleep(time.Hour))
		q, err := sq.GetServiceQuota(p, "ec2", "L-1216C47A")
		require.NoError(t, err)
		require.Equal(t, 5, q.Value)
	})
}

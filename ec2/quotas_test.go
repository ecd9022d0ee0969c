package ec2

import (
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

// The quota classes follow the instance family's letters:
// https://docs.aws.amazon.com/ec2/latest/instancetypes/ec2-instance-quotas.html
func TestQuotaClassOf(t *testing.T) {
	for fam, want := range map[string]QuotaClass{"m5": QuotaStandard, "t3": QuotaStandard, "c7g": QuotaStandard, "r6i": QuotaStandard,
		"g4dn": QuotaGVT, "g6": QuotaGVT, "vt1": QuotaGVT, "p3": QuotaP, "p5": QuotaP, "inf2": QuotaInf, "trn1": QuotaTrn, "x2iedn": QuotaX} {
		require.Equal(t, want, QuotaClassOf(fam), fam)
	}
}

// A new account's defaults: 5 Standard vCPUs On-Demand and Spot, no
// accelerated instances. Exceeding one is VcpuLimitExceeded (On-Demand) or
// MaxSpotInstanceCountExceeded (Spot), not a capacity error; a stop frees
// the vCPUs and a start needs them again; MaxCount is trimmed to what fits.
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-spot-limits.html
func TestVCPUQuotasNewAccount(t *testing.T) {
	f := newFixture(t, 160, Options{Quotas: NewAccountQuotas()})
	f.do(2*time.Hour, func(p *sim.Proc) {
		run := func(ty InstanceType, min, max int32) (*RunInstancesOutput, error) {
			return f.c.RunInstances(p, &RunInstancesInput{ImageId: f.ami(), InstanceType: ty, MinCount: min, MaxCount: max})
		}
		m := f.launch(p, RunInstancesInput{InstanceType: "m5.large"}) // 2 of 5
		f.launch(p, RunInstancesInput{InstanceType: "t3.micro"})      // 4 of 5
		_, err := run("m5.large", 1, 1)
		wantCode(t, err, "VcpuLimitExceeded")
		_, err = run("g4dn.xlarge", 1, 1)
		wantCode(t, err, "VcpuLimitExceeded")

		spot := spotInput(InterruptionTerminate) // m5.large: 2 Spot vCPUs each
		f.launch(p, spot)
		f.launch(p, spot)
		spot.ImageId, spot.MinCount, spot.MaxCount = f.ami(), 1, 1
		_, err = f.c.RunInstances(p, &spot)
		wantCode(t, err, "MaxSpotInstanceCountExceeded")

		f.stopAndWait(p, m) // 2 of 5
		other := f.launch(p, RunInstancesInput{InstanceType: "m5.large"})
		_, err = f.c.StartInstances(p, &StartInstancesInput{InstanceIds: []string{m.ID()}})
		wantCode(t, err, "VcpuLimitExceeded")
		require.Equal(t, InstanceStateStopped, m.State())

		_, err = f.c.TerminateInstances(p, &TerminateInstancesInput{InstanceIds: []string{other.ID()}})
		require.NoError(t, err)
		for other.State() != InstanceStateTerminated {
			require.NoError(t, p.Sleep(5*time.Second))
		}
		_, err = run("t3.nano", 2, 5) // 3 vCPUs free: one 2-vCPU t3.nano
		wantCode(t, err, "VcpuLimitExceeded")
		out, err := run("t3.nano", 1, 5)
		require.NoError(t, err)
		require.Len(t, out.Instances, 1)
	})
}

// Increases go through a Service Quotas-shaped request, approved after the
// configured delay; a value not above the current one is refused and
// changes nothing. QuotaOptions.Values sets a world's defaults.
func TestQuotaIncreaseRequests(t *testing.T) {
	f := newFixture(t, 161, Options{Quotas: &QuotaOptions{Values: map[string]int{"L-DB2E81BA": 4}, ApprovalDelay: time.Hour}})
	require.NoError(t, f.iam.PutUserPolicy(f.root, "operator", "quotas",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"servicequotas:*","Resource":"*"}]}`))
	sq := f.svc.NewQuotasClient(testRegion, f.user)
	f.do(3*time.Hour, func(p *sim.Proc) {
		f.launch(p, RunInstancesInput{InstanceType: "g4dn.xlarge"}) // G quota 4 from Values
		q, err := sq.GetServiceQuota(p, "ec2", "L-1216C47A")
		require.NoError(t, err)
		require.Equal(t, 5, q.Value)
		for _, v := range []float64{5, 3, 7.5} {
			_, err = sq.RequestServiceQuotaIncrease(p, "ec2", "L-1216C47A", v)
			wantCode(t, err, "IllegalArgumentException")
		}
		_, err = sq.RequestServiceQuotaIncrease(p, "ec2", "L-NOSUCH", 10)
		wantCode(t, err, "NoSuchResourceException")
		r, err := sq.RequestServiceQuotaIncrease(p, "ec2", "L-1216C47A", 16)
		require.NoError(t, err)
		require.Equal(t, "PENDING", r.Status)
		_, err = sq.RequestServiceQuotaIncrease(p, "ec2", "L-1216C47A", 32)
		wantCode(t, err, "ResourceAlreadyExistsException")
		_, err = f.c.RunInstances(p, &RunInstancesInput{ImageId: f.ami(), InstanceType: "m5.2xlarge", MinCount: 1, MaxCount: 1})
		wantCode(t, err, "VcpuLimitExceeded")
		require.NoError(t, p.Sleep(time.Hour))
		r, err = sq.GetRequestedServiceQuotaChange(p, r.Id)
		require.NoError(t, err)
		require.Equal(t, "APPROVED", r.Status)
		q, err = sq.GetServiceQuota(p, "ec2", "L-1216C47A")
		require.NoError(t, err)
		require.Equal(t, 16, q.Value)
		f.launch(p, RunInstancesInput{InstanceType: "m5.2xlarge"})
		all, err := sq.ListServiceQuotas(p, "ec2")
		require.NoError(t, err)
		require.Len(t, all, len(QuotaCodes()))
	})
	// Without servicequotas permissions the request is denied.
	g := newFixture(t, 162, Options{Quotas: &QuotaOptions{}})
	g.do(time.Minute, func(p *sim.Proc) {
		_, err := g.svc.NewQuotasClient(testRegion, g.user).GetServiceQuota(p, "ec2", "L-1216C47A")
		wantCode(t, err, "AccessDenied")
	})
}

func TestQuotaOptionsValidation(t *testing.T) {
	f := newFixture(t, 163, Options{})
	for _, o := range []QuotaOptions{{Values: map[string]int{"L-XXXX": 1}}, {Values: map[string]int{"L-1216C47A": -1}}, {ApprovalDelay: -time.Second}} {
		_, err := New(f.w, Options{Quotas: &o})
		require.Error(t, err, "%+v", o)
	}
}

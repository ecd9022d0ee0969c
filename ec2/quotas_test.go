package ec2

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/region"
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
	sq := allowServiceQuotas(f)
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
	for _, o := range []QuotaOptions{{Values: map[string]int{"L-XXXX": 1}}, {Values: map[string]int{"L-1216C47A": -1}}, {ApprovalDelay: -time.Second},
		{Accounts: map[string]map[string]int{"alice": {"L-1216C47A": 8}}}, {Accounts: map[string]map[string]int{testAccount: {"L-XXXX": 8}}},
		{Unlimited: true, Values: map[string]int{"L-1216C47A": 8}}, {Unlimited: true, ApprovalDelay: time.Minute}} {
		_, err := New(f.w, Options{Quotas: &o})
		require.Error(t, err, "%+v", o)
	}
}

const gpuMessage = "You have requested more vCPU capacity than your current vCPU limit of 0 allows for the instance bucket that the " +
	"specified instance type belongs to. Please visit http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit."

// allowServiceQuotas gives the fixture's operator servicequotas:*, through
// the IAM API.
func allowServiceQuotas(f *fixture) *QuotasClient {
	f.t.Helper()
	must(f.t, f.w.Setup(func(ctx context.Context) error {
		_, err := f.w.IAMClient(f.root).PutUserPolicy(ctx, &region.PutUserPolicyInput{UserName: "operator", PolicyName: "quotas",
			PolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"servicequotas:*","Resource":"*"}]}`})
		return err
	}))
	return f.svc.NewQuotasClient(testRegion, f.user)
}

// A world built with default Options is a new account's: no P vCPUs, so a
// p3.2xlarge is refused with EC2's VcpuLimitExceeded (not a capacity
// error), and as Spot with MaxSpotInstanceCountExceeded. An increase
// through Service Quotas is PENDING for the default 30 minutes, then
// APPROVED, and the launch goes through; the next one meets the new limit.
// Requests not above the current value are IllegalArgumentException and
// change nothing.
func TestDefaultWorldIsANewAccount(t *testing.T) {
	f := newFixtureQuotas(t, 164, Options{}, region.Options{HostsPerAZ: map[string]int{"p3": 2}}, nil)
	sq := allowServiceQuotas(f)
	p3 := QuotaCode(QuotaP, false)
	require.Equal(t, "L-417A185B", p3)
	f.do(3*time.Hour, func(p *sim.Proc) {
		run := func(spot bool) error {
			in := &RunInstancesInput{ImageId: f.ami(), InstanceType: "p3.2xlarge", MinCount: 1, MaxCount: 1}
			if spot {
				in.InstanceMarketOptions = &InstanceMarketOptionsRequest{MarketType: MarketTypeSpot}
			}
			_, err := f.c.RunInstances(p, in)
			return err
		}
		err := run(false)
		require.ErrorIs(t, err, ErrVcpuLimitExceeded)
		require.Contains(t, err.Error(), gpuMessage)
		require.False(t, errors.Is(err, ErrInsufficientInstanceCapacity), "a quota error is not a capacity error")
		err = run(true)
		require.ErrorIs(t, err, ErrMaxSpotInstanceCountExceeded)
		require.Contains(t, err.Error(), "Max spot instance count exceeded")

		for _, code := range QuotaCodes() {
			q, err := sq.GetServiceQuota(p, "ec2", code)
			require.NoError(t, err)
			want := 0
			if q.Class == QuotaStandard {
				want = 5
			}
			require.Equal(t, want, q.Value, code)
			require.Equal(t, want, q.NewAccountValue, code)
		}

		r, err := sq.RequestServiceQuotaIncrease(p, "ec2", p3, 8)
		require.NoError(t, err)
		require.Equal(t, "PENDING", r.Status)
		require.ErrorIs(t, run(false), ErrVcpuLimitExceeded, "refused while the request is pending")
		require.NoError(t, p.Sleep(25*time.Minute))
		got, err := sq.GetRequestedServiceQuotaChange(p, r.Id)
		require.NoError(t, err)
		require.Equal(t, "PENDING", got.Status)
		require.NoError(t, p.Sleep(5*time.Minute))
		got, err = sq.GetRequestedServiceQuotaChange(p, r.Id)
		require.NoError(t, err)
		require.Equal(t, "APPROVED", got.Status)
		require.Equal(t, 30*time.Minute, got.LastUpdated.Sub(got.Created))
		require.NoError(t, run(false))
		err = run(false)
		require.ErrorIs(t, err, ErrVcpuLimitExceeded)
		require.Contains(t, err.Error(), "current vCPU limit of 8 allows")
		require.ErrorIs(t, run(true), ErrMaxSpotInstanceCountExceeded, "the Spot quota is a separate one")

		for _, v := range []float64{4, 8, 0, -1, 8.5, math.NaN(), math.Inf(1), 2e10} {
			_, err = sq.RequestServiceQuotaIncrease(p, "ec2", p3, v)
			wantCode(t, err, "IllegalArgumentException")
		}
		_, err = sq.RequestServiceQuotaIncrease(p, "ec2", p3, 4)
		require.Contains(t, err.Error(), "You must provide a quota value greater than the current quota value")
		_, err = sq.RequestServiceQuotaIncrease(p, "s3", p3, 16)
		wantCode(t, err, "NoSuchResourceException")
		_, err = sq.GetRequestedServiceQuotaChange(p, "nosuchrequest")
		wantCode(t, err, "NoSuchResourceException")
		q, err := sq.GetServiceQuota(p, "ec2", p3)
		require.NoError(t, err)
		require.Equal(t, 8, q.Value, "refused requests change nothing")
	})
}

// QuotaOptions.Accounts raises one account's quotas; the others keep the
// world's. Quotas are per region.
func TestQuotaOptionsPerAccountAndRegion(t *testing.T) {
	f := newFixtureQuotas(t, 165, Options{Quotas: &QuotaOptions{Accounts: map[string]map[string]int{testAccount: {"L-417A185B": 8}}}},
		region.Options{HostsPerAZ: map[string]int{"p3": 2}}, nil)
	other, err := f.w.CreateAccount("444455556666")
	require.NoError(t, err)
	f.do(time.Hour, func(p *sim.Proc) {
		in := &RunInstancesInput{ImageId: f.ami(), InstanceType: "p3.2xlarge", MinCount: 1, MaxCount: 1}
		_, err := f.c.RunInstances(p, in)
		require.NoError(t, err)
		_, err = f.c.RunInstances(p, in)
		require.ErrorIs(t, err, ErrVcpuLimitExceeded, "8 vCPUs: one p3.2xlarge")
		_, err = f.svc.NewClient(testRegion, other).RunInstances(p, in)
		require.ErrorIs(t, err, ErrVcpuLimitExceeded, "another account has a new account's 0")
	})
	a := f.svc.quotas.account(testAccount, testRegion)
	require.Equal(t, 8, a.used[quotaIndex(QuotaP, false)])
	require.Equal(t, 8, f.svc.quotas.account(testAccount, "eu-west-1").limit[quotaIndex(QuotaP, false)])
	require.Zero(t, f.svc.quotas.account(testAccount, "eu-west-1").used[quotaIndex(QuotaP, false)])
}

// UnlimitedQuotas turns quotas off: only capacity limits launches, and
// Service Quotas has nothing to say.
func TestUnlimitedQuotas(t *testing.T) {
	f := newFixtureQuotas(t, 166, Options{Quotas: UnlimitedQuotas()}, region.Options{HostsPerAZ: map[string]int{"p3": 2}}, nil)
	sq := allowServiceQuotas(f)
	f.do(time.Hour, func(p *sim.Proc) {
		out, err := f.c.RunInstances(p, &RunInstancesInput{ImageId: f.ami(), InstanceType: "p3.2xlarge", MinCount: 1, MaxCount: 3})
		require.NoError(t, err)
		require.Len(t, out.Instances, 3)
		_, err = sq.GetServiceQuota(p, "ec2", "L-417A185B")
		wantCode(t, err, "NoSuchResourceException")
	})
}

// A Spot request beyond the Spot quota is refused when it is submitted,
// with EC2's MaxSpotInstanceCountExceeded
// (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-spot-limits.html).
func TestSpotRequestSurfacesQuota(t *testing.T) {
	f := newFixtureQuotas(t, 167, Options{}, region.Options{HostsPerAZ: map[string]int{"p3": 1}}, nil)
	f.do(time.Hour, func(p *sim.Proc) {
		_, err := f.c.RequestSpotInstances(p, &RequestSpotInstancesInput{
			LaunchSpecification: &RequestSpotLaunchSpecification{ImageId: f.ami(), InstanceType: "p3.2xlarge"}})
		require.ErrorIs(t, err, ErrMaxSpotInstanceCountExceeded)
		wantCode(t, err, "MaxSpotInstanceCountExceeded")
	})
}

// The launch path's quota check and usage tracking allocate nothing once
// the account's entry exists.
func TestQuotaCheckAllocatesNothing(t *testing.T) {
	f := newFixtureQuotas(t, 168, Options{}, region.Options{HostsPerAZ: map[string]int{"m5": 1}}, nil)
	it, ok := LookupInstanceType("m5.large")
	require.True(t, ok)
	sp := &launchSpec{it: it}
	in := &RunInstancesInput{MinCount: 1, MaxCount: 1}
	m := &Machine{machineHome: &machineHome{account: testAccount, region: testRegion}, itype: &it}
	require.NoError(t, f.svc.checkLaunchQuota(testAccount, testRegion, sp, in))
	allocs := testing.AllocsPerRun(1000, func() {
		_ = f.svc.checkLaunchQuota(testAccount, testRegion, sp, in)
		f.svc.trackQuota(m, InstanceStatePending, InstanceStateTerminated)
		f.svc.trackQuota(m, InstanceStateTerminated, InstanceStatePending)
		_ = f.svc.checkStartQuota(testAccount, testRegion, []*Machine{m})
	})
	require.Zero(t, allocs)
}

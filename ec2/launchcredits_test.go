package ec2

import (
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

func t2Standard() RunInstancesInput {
	return RunInstancesInput{InstanceType: "t2.micro", CreditSpecification: &CreditSpecificationRequest{CpuCredits: CreditStandard}}
}

// T2 Standard gets 30 launch credits per vCPU at launch and at each start;
// they do not count against the 144-credit limit of a t2.micro (idle 24 h:
// 174) and are spent before earned credits.
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/burstable-performance-instances-standard-mode-concepts.html
func TestT2LaunchCredits(t *testing.T) {
	f := newFixtureWorld(t, 200, Options{}, hostsFor("t2"))
	f.do(60*time.Hour, func(p *sim.Proc) {
		m := f.launch(p, t2Standard())
		require.InDelta(t, 30, m.CPUCreditBalance(), 1e-9)
		require.NoError(t, p.Sleep(24*time.Hour))
		require.InDelta(t, 174, m.CPUCreditBalance(), 1e-6, "launch credits do not count against the limit")
		// Burn 20 credits above earnings: they come out of the launch credits.
		require.NoError(t, m.SetCPUUtilization(1))
		require.NoError(t, p.Sleep(20*time.Hour/54))
		require.NoError(t, m.SetCPUUtilization(0))
		require.InDelta(t, 10, m.credits.launch, 1e-6)
		require.InDelta(t, 144, m.credits.balance, 1e-6)
		// A stop loses everything; the start brings new launch credits.
		f.stopAndWait(p, m)
		_, err := f.c.StartInstances(p, &StartInstancesInput{InstanceIds: []string{m.ID()}})
		require.NoError(t, err)
		f.waitRunning(p, m)
		require.InDelta(t, 30, m.CPUCreditBalance(), 1e-9)
		// T2 Unlimited and T3 get none.
		u := f.launch(p, RunInstancesInput{InstanceType: "t2.micro", CreditSpecification: &CreditSpecificationRequest{CpuCredits: CreditUnlimited}})
		require.Zero(t, u.CPUCreditBalance())
		t3 := f.launch(p, RunInstancesInput{InstanceType: "t3.micro", CreditSpecification: &CreditSpecificationRequest{CpuCredits: CreditStandard}})
		require.Zero(t, t3.CPUCreditBalance())
	})
}

// At most the limit of launches or starts per account, region and rolling
// 24 hours earn launch credits (100 by default; 2 here).
func TestT2LaunchCreditLimit(t *testing.T) {
	f := newFixtureWorld(t, 201, Options{LaunchCreditLimit: 2}, hostsFor("t2"))
	f.do(30*time.Hour, func(p *sim.Proc) {
		a := f.launch(p, t2Standard())
		b := f.launch(p, t2Standard())
		c := f.launch(p, t2Standard())
		require.Equal(t, 30.0, a.credits.launch)
		require.Equal(t, 30.0, b.credits.launch)
		require.Zero(t, c.credits.launch, "third launch within 24 h")
		require.NoError(t, p.Sleep(24*time.Hour))
		d := f.launch(p, t2Standard())
		require.Equal(t, 30.0, d.credits.launch, "the window rolled")
	})
}

// Switching standard -> unlimited removes launch credits and keeps earned
// ones; unlimited -> standard charges the spent surplus at once and grants
// no launch credits. Non-burstable instances are reported unsuccessful.
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/burstable-performance-instances-unlimited-mode-concepts.html
func TestModifyInstanceCreditSpecification(t *testing.T) {
	f := newFixtureWorld(t, 202, Options{}, hostsFor("t2"))
	var id string
	f.do(10*time.Hour, func(p *sim.Proc) {
		m := f.launch(p, t2Standard())
		id = m.ID()
		require.NoError(t, p.Sleep(time.Hour)) // earn 6
		out, err := f.c.ModifyInstanceCreditSpecification(p, &ModifyInstanceCreditSpecificationInput{
			InstanceCreditSpecifications: []InstanceCreditSpecificationRequest{{m.ID(), CreditUnlimited}}})
		require.NoError(t, err)
		require.Len(t, out.SuccessfulInstanceCreditSpecifications, 1)
		require.InDelta(t, 6, m.CPUCreditBalance(), 1e-3) // plus the call latency's earnings
		// Burst on surplus for an hour at 100%: 60 spent, 6 earned.
		require.NoError(t, m.SetCPUUtilization(1))
		require.NoError(t, p.Sleep(time.Hour))
		require.Greater(t, m.CPUSurplusCreditBalance(), 0.0)
		_, err = f.c.ModifyInstanceCreditSpecification(p, &ModifyInstanceCreditSpecificationInput{
			InstanceCreditSpecifications: []InstanceCreditSpecificationRequest{{m.ID(), CreditStandard}}})
		require.NoError(t, err)
		require.Zero(t, m.CPUSurplusCreditBalance())
		require.Greater(t, m.CPUSurplusCreditsCharged(), 0.0)
		require.Zero(t, m.credits.launch)
		require.NoError(t, m.SetCPUUtilization(0))
		other := f.launch(p, RunInstancesInput{InstanceType: "m5.large"})
		out, err = f.c.ModifyInstanceCreditSpecification(p, &ModifyInstanceCreditSpecificationInput{
			InstanceCreditSpecifications: []InstanceCreditSpecificationRequest{{other.ID(), CreditUnlimited}, {m.ID(), "turbo"}}})
		require.NoError(t, err)
		require.Len(t, out.UnsuccessfulInstanceCreditSpecifications, 2)
		require.Equal(t, "UnsupportedOperation", out.UnsuccessfulInstanceCreditSpecifications[0].Error.Code)
		require.Equal(t, "InvalidParameterValue", out.UnsuccessfulInstanceCreditSpecifications[1].Error.Code)
		require.Equal(t, CreditStandard, m.credits.mode)
	})
	require.NotEmpty(t, f.lines(testAccount, id, "CPUCredits:t2"), "the surplus was billed at the switch")
}

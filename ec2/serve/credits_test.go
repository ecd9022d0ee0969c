package serve_test

import (
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/ec2"
	"github.com/nimbus-sim/nimbus/ec2/serve"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

// TestOutOfCreditsServesSlowly: the same CPU-bound handler on an m5.large
// and on a t3.micro in standard mode with its credits spent; the T3 runs
// at its 10 % baseline, so a request takes about ten times longer.
func TestOutOfCreditsServesSlowly(t *testing.T) {
	f := newFix(t, 8)
	h := func(p *sim.Proc, r *serve.Request) serve.Response {
		if err := f.srv.Work(p, 0.1); err != nil {
			return serve.Response{Status: 500}
		}
		return serve.Response{Status: 200}
	}
	latency := func(m *ec2.Machine) time.Duration {
		_, err := f.srv.Listen(m, 80, h, serve.Options{Workers: 1})
		require.NoError(t, err)
		// Keep it busy for an hour to spend whatever credits it has, and
		// measure the second half hour (an idle pause would earn credits).
		rec := &serve.Recorder{}
		start := f.env.Now()
		g := &serve.ClosedLoop{Users: 1, Start: start, Stop: start + sim.Time(time.Hour),
			From: region.OnInternet("us-east-1"), To: f.srv.Direct(m.ID(), 80), Stream: m.ID(), Rec: rec}
		require.NoError(t, g.Run(f.env))
		f.env.RunFor(time.Hour + time.Minute)
		s := rec.Summary(start+sim.Time(30*time.Minute), start+sim.Time(time.Hour))
		require.Equal(t, s.Count, s.ByStatus[200])
		return s.P50
	}
	var t3 *ec2.Machine
	f.env.Go("launch", func(p *sim.Proc) {
		out, err := f.c.RunInstances(p, &ec2.RunInstancesInput{ImageId: ec2.ImageID(ec2.PublicImages()[0].Name, "us-east-1"),
			InstanceType: "t3.micro", MinCount: 1, MaxCount: 1,
			CreditSpecification: &ec2.CreditSpecificationRequest{CpuCredits: ec2.CreditStandard}})
		require.NoError(t, err)
		t3, _ = f.ec2.Machine(out.Instances[0].InstanceId)
	})
	f.env.RunFor(5 * time.Minute)
	m5 := f.launch("m5.large")
	fast, slow := latency(m5), latency(t3)
	t.Logf("m5.large %v, t3.micro out of credits %v", fast, slow)
	require.Greater(t, float64(slow), 5*float64(fast))
	require.Less(t, t3.CPUCreditBalance(), 1.0)
}

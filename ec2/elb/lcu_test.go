package elb_test

import (
	"math/big"
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/billing"
	"github.com/nimbus-sim/nimbus/ec2/elb"
	"github.com/nimbus-sim/nimbus/ec2/serve"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

// TestLCUBillingByHand checks one hour's LCUs and their cost against a
// hand computation: every request is a new connection of 512 bytes in
// and 1 MiB out, so processed bytes dominate the four dimensions.
func TestLCUBillingByHand(t *testing.T) {
	f := newFix(t, 20)
	st := f.newStack(1, func(p *sim.Proc, r *serve.Request) serve.Response {
		return serve.Response{Status: 200, Bytes: 1 << 20}
	}, serveOpts())
	hour := (f.env.Now()/sim.Time(time.Hour) + 1) * sim.Time(time.Hour)
	f.env.RunUntil(hour)
	rec := &serve.Recorder{}
	g := &serve.Poisson{Rate: 0.5, Start: hour, Stop: hour + sim.Time(50*time.Minute), From: region.OnInternet(testRegion),
		To: st.ep, Rec: rec, Bytes: 512}
	require.NoError(t, g.Run(f.env))
	f.env.RunUntil(hour + sim.Time(61*time.Minute))
	n := int64(len(rec.Samples()))
	require.InDelta(t, 1500, n, 160) // Poisson mean 1,500, 4 sd

	var h elb.LCUHour
	for _, x := range f.lb.LCUHours(st.lbArn) {
		if x.Start == hour {
			h = x
		}
	}
	require.Equal(t, n, h.NewConnections)
	require.Equal(t, n*(512+1<<20), h.ProcessedBytes)
	require.Zero(t, h.RuleEvaluations) // no rules beyond the 10 free
	// By hand: new connections n/(25*3600) LCU; active connections at
	// most n/(3000*60); processed bytes n*(512+2^20)/2^30 LCU: the max.
	bytesLCU := new(big.Rat).SetFrac64(n*(512+1<<20), 1<<30)
	require.Less(t, float64(n)/(25*3600), 0.1)
	require.LessOrEqual(t, float64(h.ActiveConnectionMinutes)/(3000*60), 0.1)
	micro := new(big.Rat).Mul(bytesLCU, big.NewRat(1_000_000, 1))
	want := new(big.Int).Quo(new(big.Int).Add(micro.Num(), new(big.Int).Sub(micro.Denom(), big.NewInt(1))), micro.Denom()) // ceil
	require.Equal(t, want.Int64(), h.MicroLCU)

	// The bill: LCU-hours at $0.008 and ALB hours at $0.0225.
	inv := f.w.Billing().Invoice("111122223333", billing.MonthOf(f.env.NowTime()))
	var lcu, hours *billing.LineItem
	for i := range inv.Lines {
		switch inv.Lines[i].UsageType {
		case "LCUUsage":
			lcu = &inv.Lines[i]
		case "LoadBalancerUsage":
			hours = &inv.Lines[i]
		}
	}
	require.NotNil(t, lcu)
	require.NotNil(t, hours)
	require.Equal(t, "AWSELB", lcu.Service)
	require.Zero(t, lcu.Amount.Cmp(new(big.Rat).SetFrac64(h.MicroLCU, 1_000_000)), "LCU-hours %v", lcu.Amount)
	wantCost := new(big.Rat).Mul(lcu.Amount, big.NewRat(8, 1000))
	got, _ := lcu.Cost.Rat().Float64()
	exp, _ := wantCost.Float64()
	require.InDelta(t, exp, got, 1e-9)
	require.Equal(t, "$0.0225", hours.UnitPrice.String())
}

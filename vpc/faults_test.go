package vpc

import (
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/failure"
	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

// TestFaultsComposeInAHarness: vpc faults print, schedule and stack like
// failure's own: a NAT gateway failure overlapping a second one on the
// same gateway restores only when both are over, and an internet gateway
// failure cuts the NAT path too.
func TestFaultsComposeInAHarness(t *testing.T) {
	f := newFixture(t, 61)
	var nat, igw, eni string
	f.do(func(p *sim.Proc) {
		n := f.privateNet(p)
		eni = f.instance(n.private).NetworkInterfaceID
		nat, igw = f.addNAT(p, n), n.igw
	})
	h := failure.NewHarness(f.env, f.svc)
	a := failure.At(time.Hour, failure.For(NATGatewayDown(nat), time.Hour))
	b := failure.At(90*time.Minute, failure.For(NATGatewayDown(nat), time.Hour))
	c := failure.At(4*time.Hour, failure.For(InternetGatewayDown(igw), 30*time.Minute))
	require.Equal(t, "at 1h0m0s: nat-down("+nat+") for 1h0m0s", a.String())
	base := f.env.Now()
	h.Start(a, b, c)
	kind := func() PathKind {
		p, err := f.svc.PathToService(eni, "dynamodb")
		require.NoError(t, err)
		return p.Kind
	}
	for _, step := range []struct {
		at   time.Duration
		want PathKind
	}{
		{30 * time.Minute, PathNATGateway},
		{75 * time.Minute, PathNone},
		{140 * time.Minute, PathNone}, // a is over, b still holds
		{160 * time.Minute, PathNATGateway},
		{245 * time.Minute, PathNone}, // the internet gateway is down
		{280 * time.Minute, PathNATGateway},
	} {
		f.env.RunUntil(base.Add(step.at))
		require.Equal(t, step.want, kind(), "at %v", step.at)
	}
	require.NoError(t, h.Err())
	require.Len(t, h.Windows(), 3)
}

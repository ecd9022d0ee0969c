package vpc

import (
	"context"
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
)

// BenchmarkRouteLookup: longest-prefix match in a route table of 1,000
// routes (random nested prefixes in 10.0.0.0/14 plus a default route),
// through the table's own lookup. Budget: 100 ns and no allocation.
func BenchmarkRouteLookup(b *testing.B) {
	f := newFixture(b, 21)
	var t *rtbRec
	f.do(func(p *sim.Proc) {
		v, err := f.c.CreateVpc(p, &CreateVpcInput{CidrBlock: "10.200.0.0/16"})
		if err != nil {
			b.Fatal(err)
		}
		t = f.svc.vpcs.get(v.Vpc.VpcId).mainRtb
	})
	r := rand.New(rand.NewPCG(5, 6))
	for _, e := range randomRoutes(r, 999) {
		t.routes = append(t.routes, &route{dst: e.p, kind: tENI, target: "eni-bench"})
	}
	t.dirty = true
	addrs := make([]netip.Addr, 1024)
	for i := range addrs {
		addrs[i] = netip.AddrFrom4([4]byte{10, byte(r.IntN(4)), byte(r.IntN(256)), byte(r.IntN(256))})
	}
	f.svc.lookup(t, addrs[0])
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for i := 0; i < b.N; i++ {
		if f.svc.lookup(t, addrs[i&1023]) != nil {
			n++
		}
	}
	if n == 0 {
		b.Fatal("no route matched")
	}
}

// BenchmarkReach: a reachability question in a default VPC, from the
// internet to an interface on SSH (gateway, NACL both ways, groups, the
// return route).
func BenchmarkReach(b *testing.B) {
	f := newFixture(b, 22)
	var eni string
	f.do(func(p *sim.Proc) {
		plan, err := f.svc.PlanLaunch(testAccount, testRegion, "", nil, "")
		if err != nil {
			b.Fatal(err)
		}
		info, _ := f.svc.LaunchInterface(plan, "i-bench", nil)
		eni = info.NetworkInterfaceID
		rule, _ := ParseRule("tcp 22 0.0.0.0/0")
		if _, err := f.c.AuthorizeSecurityGroupIngress(p, &AuthorizeSecurityGroupIngressInput{GroupId: info.Groups[0], IpPermissions: []IpPermission{rule}}); err != nil {
			b.Fatal(err)
		}
	})
	src := Internet(netip.MustParseAddr("198.51.100.1"))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		a, err := f.svc.Reach(src, ENI(eni), "tcp", 22)
		if err != nil || !a.Reachable {
			b.Fatal(a, err)
		}
	}
}

// BenchmarkCall: one S3-style call from an instance's interface in a
// private subnet through a gateway endpoint (the Router consulted on every
// attempt), against the same call from the zone without a network
// identity (direct, the Router answers at once). The ratio is the
// router's overhead.
func BenchmarkCall(b *testing.B) {
	for _, via := range []string{"direct", "router"} {
		b.Run(via, func(b *testing.B) {
			f := newFixture(b, 23)
			var ctx context.Context
			f.do(func(p *sim.Proc) {
				n := f.privateNet(p)
				i := f.instance(n.private)
				f.addS3Endpoint(p, n)
				if err := f.putS3Policy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`); err != nil {
					b.Fatal(err)
				}
				ctx = f.at(p, i)
				if via == "direct" {
					loc, _ := f.w.InAZ(i.AZID)
					ctx = region.WithLocation(p, loc)
				}
			})
			req := region.Request{Service: "s3", Operation: "GetObject", Region: testRegion,
				Credentials: region.Credentials(f.user), Resource: "arn:aws:s3:::data/k", ResourceAccount: testAccount}
			loc, _ := region.LocationOf(ctx)
			f.do(func(p *sim.Proc) {
				var through bool
				err := f.w.Call(region.WithLocation(p, loc), req, func(c *region.Call) error {
					if r := c.Route(); r != nil {
						_, through = r.Via(region.HopGatewayEndpoint)
					}
					return nil
				})
				if err != nil || through != (via == "router") {
					b.Fatalf("%s: err %v, through the gateway endpoint %v", via, err, through)
				}
			})
			b.ReportAllocs()
			f.env.Go("caller", func(p *sim.Proc) {
				c := region.WithLocation(p, loc)
				for i := 0; i < b.N; i++ {
					if err := f.w.Call(c, req, func(*region.Call) error { return nil }); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ResetTimer()
			f.env.Run()
		})
	}
}

package vpc

import (
	"math/rand/v2"
	"net/netip"
	"testing"

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
		t = f.svc.vpcs[v.Vpc.VpcId].mainRtb
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

package vpc

import (
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"
)

// naiveLPM is the reference: scan every prefix, keep the longest.
func naiveLPM(es []lpmEntry, a netip.Addr) int32 {
	best, bits := int32(-1), -1
	for _, e := range es {
		if e.p.Contains(a) && e.p.Bits() > bits {
			best, bits = e.val, e.p.Bits()
		}
	}
	return best
}

func TestLPMTable(t *testing.T) {
	es := []lpmEntry{
		{netip.MustParsePrefix("0.0.0.0/0"), 0},
		{netip.MustParsePrefix("10.0.0.0/16"), 1},
		{netip.MustParsePrefix("10.0.2.0/24"), 2},
		{netip.MustParsePrefix("10.0.2.15/32"), 3},
		{netip.MustParsePrefix("172.31.0.0/16"), 4},
		{netip.MustParsePrefix("255.255.255.255/32"), 5},
	}
	var tb lpm
	tb.build(append([]lpmEntry(nil), es...))
	for _, tc := range []struct {
		addr string
		want int32
	}{
		{"8.8.8.8", 0},
		{"10.0.0.1", 1},
		{"10.0.2.14", 2},
		{"10.0.2.15", 3},
		{"10.0.2.16", 2},
		{"10.0.3.0", 1},
		{"10.1.0.0", 0},
		{"172.31.255.255", 4},
		{"255.255.255.254", 0},
		{"255.255.255.255", 5},
		{"0.0.0.0", 0},
	} {
		require.Equal(t, tc.want, tb.lookup(addrU32(netip.MustParseAddr(tc.addr))), tc.addr)
	}
	var empty lpm
	empty.build(nil)
	require.Equal(t, int32(-1), empty.lookup(12345))
	var partial lpm
	partial.build([]lpmEntry{{netip.MustParsePrefix("10.0.0.0/8"), 7}})
	require.Equal(t, int32(-1), partial.lookup(addrU32(netip.MustParseAddr("11.0.0.0"))))
	require.Equal(t, int32(7), partial.lookup(addrU32(netip.MustParseAddr("10.255.255.255"))))
}

// TestLPMMatchesNaive checks the interval table against a linear scan on
// random nested tables (seed 1; exact agreement required).
func TestLPMMatchesNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := 0; round < 50; round++ {
		es := randomRoutes(r, 1+r.IntN(200))
		var tb lpm
		tb.build(append([]lpmEntry(nil), es...))
		for i := 0; i < 2000; i++ {
			a := netip.AddrFrom4([4]byte{10, byte(r.IntN(4)), byte(r.IntN(256)), byte(r.IntN(256))})
			if i%4 == 0 {
				a = u32Addr(r.Uint32())
			}
			require.Equal(t, naiveLPM(es, a), tb.lookup(addrU32(a)), "round %d addr %s", round, a)
		}
	}
}

// randomRoutes draws n distinct prefixes, mostly inside 10.0.0.0/14 so
// they nest.
func randomRoutes(r *rand.Rand, n int) []lpmEntry {
	seen := map[netip.Prefix]bool{}
	var es []lpmEntry
	for len(es) < n {
		bits := 14 + r.IntN(19)
		a := netip.AddrFrom4([4]byte{10, byte(r.IntN(4)), byte(r.IntN(256)), byte(r.IntN(256))})
		if r.IntN(10) == 0 {
			a, bits = u32Addr(r.Uint32()), r.IntN(33)
		}
		p, _ := a.Prefix(bits)
		if !seen[p] {
			seen[p] = true
			es = append(es, lpmEntry{p, int32(len(es))})
		}
	}
	return es
}

func BenchmarkLPMLookup(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	es := randomRoutes(r, 1000)
	var tb lpm
	tb.build(es)
	addrs := make([]uint32, 1024)
	for i := range addrs {
		addrs[i] = addrU32(netip.AddrFrom4([4]byte{10, byte(r.IntN(4)), byte(r.IntN(256)), byte(r.IntN(256))}))
	}
	b.ReportAllocs()
	b.ResetTimer()
	var sink int32
	for i := 0; i < b.N; i++ {
		sink += tb.lookup(addrs[i&1023])
	}
	_ = sink
}

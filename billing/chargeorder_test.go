package billing

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

// TestChargeOrderMatchesSortSlice checks that slices.SortFunc with
// chargeCmp orders charges exactly as sort.Slice with the same comparison
// did, ties (charges equal in every compared field) included: invoices
// consume free tier and tiers in this order.
func TestChargeOrderMatchesSortSlice(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	// The lines: every usage type, region and service, ranked as a
	// ledger ranks its canonical dims.
	var lines []*dimsEntry
	for _, ut := range []string{"BoxUsage:p3", "EBS:VolumeUsage.gp3", "SpotUsage:p3"} {
		for _, reg := range []string{"us-east-1", "us-west-2"} {
			for _, svc := range []string{"AmazonEC2", "AmazonS3"} {
				lines = append(lines, testLine(ut, reg, svc))
			}
		}
	}
	rankEntries(slices.Clone(lines))
	for range 2000 {
		n := r.IntN(80)
		cs := make([]*charge, n)
		for i := range cs {
			cs[i] = &charge{
				line:    lines[r.IntN(len(lines))],
				mk:      mergeKey{resource: pick("", "i-1", "i-2", "vol-1"), price: Price(r.IntN(2))},
				tagStr:  pick("", "a=b"),
				records: uint64(i), // tells ties apart
			}
		}
		want := slices.Clone(cs)
		sort.Slice(want, func(i, j int) bool { return chargeCmp(want[i], want[j]) < 0 })
		got := slices.Clone(cs)
		slices.SortFunc(got, chargeCmp)
		require.Equal(t, want, got)
		// The ranks order lines as their fields do.
		for i := 1; i < n; i++ {
			a, b := cs[i-1], cs[i]
			if a.line != b.line {
				require.Equal(t, fieldCmp(a.line, b.line), chargeCmp(a, b), "%v %v", a.line.dims, b.line.dims)
			}
		}
	}
}

// testLine is a canonical dims of a line, with a rate of its own.
func testLine(usageType, region, service string) *dimsEntry {
	return &dimsEntry{dims: dims{usageType: usageType, region: region, service: service},
		rate: &Rate{Product: &Product{Service: service}, UsageType: usageType}}
}

// fieldCmp is chargeCmp's order of lines as it was written before ranks:
// their fields one by one.
func fieldCmp(x, y *dimsEntry) int {
	switch {
	case x.rate.UsageType != y.rate.UsageType:
		return strings.Compare(x.rate.UsageType, y.rate.UsageType)
	case x.region != y.region:
		return strings.Compare(x.region, y.region)
	case x.service != y.service:
		return strings.Compare(x.service, y.service)
	case x.operation != y.operation:
		return strings.Compare(x.operation, y.operation)
	}
	return strings.Compare(x.az, y.az)
}

// TestRankLines checks a ledger's ranks against lineCmp, for few lines
// (counted) and many (sorted), and that a new line ranks them again.
func TestRankLines(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	uts := []string{"BoxUsage:t3.micro", "EBS:VolumeUsage.gp3", "Requests-Tier1", "USE1-PublicIPv4:InUseAddress"}
	regions := []string{"us-east-1", "eu-west-1"}
	for range 200 {
		env := sim.New(1)
		led := New(env, nil)
		for range 1 + r.IntN(20) {
			u := Usage{Account: "111111111111", UsageType: pickOf(r, uts), Region: pickOf(r, regions),
				Operation: pickOf(r, []string{"", "Op"}), AZ: pickOf(r, []string{"", "use1-az1"}), ResourceID: "r", Quantity: 1}
			if u.UsageType == "USE1-PublicIPv4:InUseAddress" {
				u.Region = "us-east-1"
			}
			require.NoError(t, led.Record(u))
			led.rankLines()
			for i := range led.dims {
				for j := range led.dims {
					x, y := &led.dims[i], &led.dims[j]
					if x.canon == uint32(i) && y.canon == uint32(j) {
						require.Equal(t, lineCmp(x, y), cmp.Compare(x.rank, y.rank))
					}
				}
			}
		}
		env.Close()
	}
}

func pickOf(r *rand.Rand, xs []string) string { return xs[r.IntN(len(xs))] }

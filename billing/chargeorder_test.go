package billing

import (
	"math/rand/v2"
	"slices"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestChargeOrderMatchesSortSlice checks that slices.SortFunc with
// chargeCmp orders charges exactly as sort.Slice with the same comparison
// did, ties (charges equal in every compared field) included: invoices
// consume free tier and tiers in this order.
func TestChargeOrderMatchesSortSlice(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	for range 2000 {
		n := r.IntN(80)
		cs := make([]*charge, n)
		for i := range cs {
			cs[i] = &charge{
				line: &dims{usageType: pick("BoxUsage:p3", "EBS:VolumeUsage.gp3", "SpotUsage:p3"),
					region: pick("us-east-1", "us-west-2"), service: pick("AmazonEC2", "AmazonS3")},
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
	}
}

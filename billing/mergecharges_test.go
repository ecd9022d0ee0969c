package billing

import (
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

// TestMergeChargesMatchesLookup checks collect's sort-then-merge against
// what it replaced: each charge merged into the first of its key, in the
// order they were added, then the merged charges sorted. Same charges in
// the same order with the same sums, including tag sets whose canonical
// strings collide (the fallback) and sums beyond 128 bits.
func TestMergeChargesMatchesLookup(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	lines := []*dimsEntry{
		testLine("BoxUsage:p3", "us-east-1", "AmazonEC2"),
		testLine("EBS:VolumeUsage.gp3", "us-east-1", "AmazonEC2"),
		testLine("BoxUsage:p3", "us-west-2", "AmazonEC2"),
	}
	rankEntries(slices.Clone(lines))
	tagStrs := []string{"", "a=b&c=d", "a=b&c=d", "x=y"} // 1 and 2 collide
	big128 := new(big.Int).Lsh(big.NewInt(1), 128)
	for iter := range 3000 {
		n := r.IntN(40)
		collide := iter%4 == 0
		type spec struct {
			canon, tags uint32
			price       Price
			res         string
			raw         u128
			first, last sim.Time
			records     uint64
		}
		specs := make([]spec, n)
		for i := range specs {
			tags := uint32(r.IntN(2)) * 3
			if collide {
				tags = uint32(r.IntN(4))
			}
			raw := u128{0, r.Uint64() >> r.IntN(64)}
			if r.IntN(8) == 0 {
				raw = u128{^uint64(0) - uint64(r.IntN(2)), r.Uint64()}
			}
			specs[i] = spec{canon: uint32(r.IntN(len(lines))), tags: tags, price: Price(r.IntN(2)),
				res: []string{"i-1", "i-2", "vol-1"}[r.IntN(3)], raw: raw,
				first: sim.Time(r.IntN(100)), last: sim.Time(100 + r.IntN(100)), records: uint64(r.IntN(5))}
		}
		make1 := func() []*charge {
			cs := make([]*charge, n)
			for i, s := range specs {
				cs[i] = &charge{line: lines[s.canon], mk: mergeKey{canon: s.canon, tags: s.tags, price: s.price, resource: s.res},
					seq: uint32(i), tagStr: tagStrs[s.tags], raw: s.raw, first: s.first, last: s.last, records: s.records}
			}
			return cs
		}
		// The reference: merged in order by key, then sorted.
		type sum struct {
			mk          mergeKey
			raw         *big.Int
			first, last sim.Time
			records     uint64
		}
		var ref []*charge
		sums := map[*charge]*sum{}
		for _, c := range make1() {
			i := slices.IndexFunc(ref, func(d *charge) bool { return d.mk == c.mk })
			if i < 0 {
				ref = append(ref, c)
				sums[c] = &sum{mk: c.mk, raw: c.raw.big(), first: c.first, last: c.last, records: c.records}
				continue
			}
			s := sums[ref[i]]
			s.raw.Add(s.raw, c.raw.big())
			s.first, s.last, s.records = min(s.first, c.first), max(s.last, c.last), s.records+c.records
		}
		slices.SortFunc(ref, chargeCmp)
		got := mergeCharges(make1())
		require.Len(t, got, len(ref))
		for i, c := range got {
			want := sums[ref[i]]
			require.Equal(t, want.mk, c.mk, "charge %d", i)
			raw := c.raw.big()
			if c.x != nil {
				raw = &c.x.raw
			} else {
				require.Negative(t, raw.Cmp(big128))
			}
			require.Zero(t, want.raw.Cmp(raw), "charge %d: %v != %v", i, raw, want.raw)
			require.Equal(t, []any{want.first, want.last, want.records}, []any{c.first, c.last, c.records})
		}
	}
}

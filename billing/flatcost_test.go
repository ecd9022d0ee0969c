package billing

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestFlatCostMatchesBig checks the 64-bit pricing shortcut against the
// big.Int computation it replaces, on random and boundary quantities.
func TestFlatCostMatchesBig(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	edges := []uint64{0, 1, 499_999, 500_000, 1 << 32, 1<<63 - 1, 1<<64 - 1}
	checked := 0
	for i := 0; i < 20000; i++ {
		qty, pu, price := r.Uint64()>>r.IntN(64), r.Uint64()>>(20+r.IntN(44)), int64(r.Uint64()>>(1+r.IntN(63)))
		if i < len(edges)*len(edges) {
			qty, pu = edges[i%len(edges)], max(edges[i/len(edges)]>>20, 1)
		}
		if pu == 0 {
			pu = 1
		}
		chargeable, bpu := new(big.Int).SetUint64(qty), new(big.Int).SetUint64(pu)
		got, ok := flatCost(chargeable, bpu, price)
		if !ok {
			continue
		}
		checked++
		num := new(big.Int).Mul(chargeable, big.NewInt(price))
		want := roundQuo(num, new(big.Int).Mul(bpu, femtoPerNano))
		require.True(t, want.IsInt64(), "qty %d pu %d price %d", qty, pu, price)
		require.Equal(t, want.Int64(), int64(got), "qty %d pu %d price %d", qty, pu, price)
	}
	t.Logf("%d of 20000 cases took the shortcut", checked)
	require.Greater(t, checked, 5000)
}

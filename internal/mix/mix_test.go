package mix

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestKnownValues(t *testing.T) {
	// FNV-1a reference values (the empty string is the offset basis).
	if FNV64a("") != 0xcbf29ce484222325 || FNV64a("a") != 0xaf63dc4c8601ec8c {
		t.Fatalf("FNV64a: %x %x", FNV64a(""), FNV64a("a"))
	}
	// splitmix64 from state 0: the first output of the reference generator.
	if SplitMix64(0) != 0xe220a8397b1dcdaf {
		t.Fatalf("SplitMix64(0) = %x", SplitMix64(0))
	}
	seen := map[uint64]bool{}
	for i := range uint64(10000) {
		v := SplitMix64(i)
		if seen[v] {
			t.Fatalf("collision at %d", i)
		}
		seen[v] = true
	}
}

// UnSplitMix64 undoes SplitMix64 on any word, so that an ID leads back to
// its counter.
func TestUnSplitMix64(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, x := range []uint64{0, 1, 2, 1 << 63, ^uint64(0), splitMixGamma} {
		require.Equal(t, x, UnSplitMix64(SplitMix64(x)), "%#x", x)
	}
	for range 10000 {
		x := r.Uint64()
		require.Equal(t, x, UnSplitMix64(SplitMix64(x)), "%#x", x)
	}
	require.Equal(t, uint64(1), splitMixMul1*splitMixInv1)
	require.Equal(t, uint64(1), splitMixMul2*splitMixInv2)
}

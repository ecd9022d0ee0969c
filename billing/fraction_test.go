package billing

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestFractionMatchesSetFrac checks the word-sized shortcut for line
// amounts against big.Rat.SetFrac, on random, boundary and multi-word
// terms: same value, same reduced numerator and denominator.
func TestFractionMatchesSetFrac(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var rm ratMaker
	edges := []uint64{0, 1, 2, 3600, 1 << 32, 1<<63 - 1, 1<<64 - 1}
	check := func(num, den *big.Int) {
		want := new(big.Rat).SetFrac(num, den)
		got := rm.fraction(num, den)
		require.Equal(t, want, got, "%v/%v: same representation", num, den)
		require.Zero(t, got.Cmp(want), "%v/%v", num, den)
		require.Equal(t, want.Num().String(), got.Num().String())
		require.Equal(t, want.Denom().String(), got.Denom().String())
		require.Equal(t, want.RatString(), got.RatString())
	}
	for _, n := range edges {
		for _, d := range edges[1:] {
			check(new(big.Int).SetUint64(n), new(big.Int).SetUint64(d))
		}
	}
	for range 20000 {
		g := r.Uint64() >> (32 + r.IntN(32)) // a shared factor, often
		n := (r.Uint64() >> r.IntN(64)) / max(g, 1) * g
		d := max((r.Uint64()>>r.IntN(64))/max(g, 1)*g, 1)
		check(new(big.Int).SetUint64(n), new(big.Int).SetUint64(d))
	}
	// Beyond a word, and negative: the big path.
	big2 := new(big.Int).Lsh(big.NewInt(3), 70)
	check(big2, big.NewInt(6))
	check(big.NewInt(6), big2)
	check(big.NewInt(-4), big.NewInt(6))
	// The result is a fresh value: changing it leaves the terms alone.
	num, den := big.NewInt(10), big.NewInt(4)
	f := rm.fraction(num, den)
	f.Add(f, big.NewRat(1, 2))
	require.Equal(t, "3/1", f.String())
	require.Equal(t, "10", num.String())
	require.Equal(t, "4", den.String())
	// Nor does it share words with another amount or with the template.
	g := rm.fraction(big.NewInt(10), big.NewInt(3))
	g.Add(g, g)
	require.Equal(t, "10/3", rm.fraction(big.NewInt(10), big.NewInt(3)).String())
	require.Equal(t, "1/1", rm.one.String())
	g.Num().SetInt64(7)
	g.Denom().SetInt64(9)
	require.Equal(t, "1/1", rm.one.String())
}

// An invoice has two amounts per resource: a word-sized amount costs one
// block, the Rat with its two terms, and no gcd scratch.
func TestFractionAllocations(t *testing.T) {
	var rm ratMaker
	num, den := big.NewInt(7200), big.NewInt(3600*4)
	_ = rm.fraction(num, den)
	allocs := testing.AllocsPerRun(100, func() { _ = rm.fraction(num, den) })
	require.Equal(t, 1.0, allocs)
	allocs = testing.AllocsPerRun(100, func() { _ = rm.fraction(new(big.Int), den) })
	require.LessOrEqual(t, allocs, 1.0)
}

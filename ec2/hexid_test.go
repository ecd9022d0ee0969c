package ec2

import (
	"testing"

	"github.com/nimbus-sim/nimbus/internal/mix"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// TestAppendIDMatchesMix checks appendID and idString against mix's
// renderings, which IDs were made with before (and ParseID reads).
func TestAppendIDMatchesMix(t *testing.T) {
	for _, v := range []uint64{0, 1, 9, 10, 15, 16, 0xabcdef, 0x0123456789abcdef, 0xfedcba9876543210, 1<<64 - 1} {
		require.Equal(t, string(mix.AppendID([]byte("x:"), "i", v)), string(appendID([]byte("x:"), "i", v)))
		require.Equal(t, mix.ID("vol", v), idString("vol", v))
	}
	rapid.Check(t, func(t *rapid.T) {
		v := rapid.Uint64().Draw(t, "v")
		prefix := rapid.SampledFrom([]string{"i", "r", "vol", "sir", ""}).Draw(t, "prefix")
		require.Equal(t, mix.ID(prefix, v), idString(prefix, v))
	})
}

func BenchmarkAppendID(b *testing.B) {
	var buf [64]byte
	for i := 0; i < b.N; i++ {
		_ = appendID(buf[:0], "i", uint64(i)*0x9e3779b97f4a7c15)
	}
}

// ImageID hashes name, a zero byte and region without concatenating them:
// the same IDs as before.
func TestImageIDUnchanged(t *testing.T) {
	for _, im := range PublicImages() {
		for _, r := range []string{"us-east-1", "eu-west-1", ""} {
			require.Equal(t, mix.ID("ami", mix.SplitMix64(mix.FNV64a(im.Name+"\x00"+r))), ImageID(im.Name, r))
		}
	}
	rapid.Check(t, func(t *rapid.T) {
		a, b := rapid.String().Draw(t, "a"), rapid.String().Draw(t, "b")
		require.Equal(t, mix.FNV64a(a+b), fnv64aMore(mix.FNV64a(a), b))
	})
}

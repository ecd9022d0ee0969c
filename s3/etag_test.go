package s3

import (
	"math/rand/v2"
	"testing"

	"github.com/nimbus-sim/nimbus/internal/mix"
	"github.com/stretchr/testify/require"
)

// slowSyntheticETag is the synthetic ETag as first written, a table
// look-up per digit: etagIn's word-at-a-time rendering must give the
// same bytes, or every listed and returned ETag would change.
func slowSyntheticETag(seq uint64, size int64) string {
	const hexdigits = "0123456789abcdef"
	buf := make([]byte, etagLen)
	buf[0], buf[33] = '"', '"'
	a, c := mix.SplitMix64(seq), mix.SplitMix64(seq^uint64(size)^0x9e3779b97f4a7c15)
	for i := range 8 {
		x, y := byte(a>>(8*i)), byte(c>>(8*i))
		buf[1+2*i], buf[2+2*i] = hexdigits[x>>4], hexdigits[x&0xf]
		buf[17+2*i], buf[18+2*i] = hexdigits[y>>4], hexdigits[y&0xf]
	}
	return string(buf)
}

func TestSyntheticETagMatchesDigitByDigit(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	cases := [][2]uint64{{0, 0}, {1, 1024}, {^uint64(0), 1 << 40}, {0x0123456789abcdef, 0}}
	for range 100_000 {
		cases = append(cases, [2]uint64{r.Uint64(), r.Uint64N(1 << 42)})
	}
	for _, c := range cases {
		v := &version{seq: c[0], size: int64(c[1])}
		require.Equal(t, slowSyntheticETag(c[0], int64(c[1])), v.etag(), "seq %d size %d", c[0], c[1])
	}
	// Every byte value in every position, so every digit is covered.
	for b := range 256 {
		for pos := range 4 {
			x := uint32(b) << (8 * pos)
			got := hex8(x)
			for i := range 4 {
				by := byte(x >> (8 * i))
				require.Equal(t, "0123456789abcdef"[by>>4], byte(got>>(16*i)), "byte %#x pos %d", b, pos)
				require.Equal(t, "0123456789abcdef"[by&0xf], byte(got>>(16*i+8)), "byte %#x pos %d", b, pos)
			}
		}
	}
}

package vpc

import (
	"testing"

	"github.com/nimbus-sim/nimbus/internal/mix"
	"github.com/stretchr/testify/require"
)

// FuzzAppendSeqID: appendSeqID renders every ID as mix.AppendID does.
func FuzzAppendSeqID(f *testing.F) {
	for _, seq := range []uint64{0, 1, 2, 41, 0x5bd1e995, 1 << 63, ^uint64(0)} {
		f.Add("eni", seq)
	}
	f.Fuzz(func(t *testing.T, prefix string, seq uint64) {
		want := string(mix.AppendID(nil, prefix, mix.SplitMix64(seq^0x5bd1e995)))
		require.Equal(t, want, string(appendSeqID(nil, prefix, seq)), "appendSeqID(%q, %d)", prefix, seq)
	})
}

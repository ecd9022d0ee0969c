package vpc

import (
	"testing"

	"github.com/nimbus-sim/nimbus/internal/mix"
)

// FuzzAppendSeqID: appendSeqID renders every ID as mix.AppendID does.
func FuzzAppendSeqID(f *testing.F) {
	for _, seq := range []uint64{0, 1, 2, 41, 0x5bd1e995, 1 << 63, ^uint64(0)} {
		f.Add("eni", seq)
	}
	f.Fuzz(func(t *testing.T, prefix string, seq uint64) {
		got := string(appendSeqID(nil, prefix, seq))
		want := string(mix.AppendID(nil, prefix, mix.SplitMix64(seq^0x5bd1e995)))
		if got != want {
			t.Fatalf("appendSeqID(%q, %d) = %q, want %q", prefix, seq, got, want)
		}
	})
}

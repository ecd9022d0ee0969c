package s3

import (
	"encoding/binary"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/nimbus-sim/nimbus/internal/mix"
	"github.com/stretchr/testify/require"
)

// TestSyntheticETagDigits checks the table-driven ETag rendering against
// the definition: the quoted hex of the two 64-bit mixes of the version's
// identity, low byte first.
func TestSyntheticETagDigits(t *testing.T) {
	for _, v := range []version{{}, {seq: 1, size: 1024}, {seq: 1<<64 - 1, size: 1 << 40}, {seq: 12345, size: 7}} {
		a := mix.SplitMix64(v.seq)
		c := mix.SplitMix64(v.seq ^ uint64(v.size) ^ 0x9e3779b97f4a7c15)
		want := `"` + hex.EncodeToString(binary.LittleEndian.AppendUint64(nil, a)) +
			hex.EncodeToString(binary.LittleEndian.AppendUint64(nil, c)) + `"`
		require.Equal(t, want, v.etag())
		require.Equal(t, want, v.etagIn(make([]byte, etagLen)))
	}
}

// TestObjectARNChunks checks that object ARNs written into the service's
// chunks are exact and never change afterwards, across chunk boundaries
// and for an ARN longer than a chunk.
func TestObjectARNChunks(t *testing.T) {
	s := &Service{}
	var got, want []string
	long := strings.Repeat("k", arnChunk+10)
	for i := range 500 {
		key := strings.Repeat("x", i%97) + "/" + string(rune('a'+i%26))
		if i == 250 {
			key = long
		}
		partition := "aws"
		if i%7 == 0 {
			partition = "aws-cn"
		}
		got = append(got, s.objectARNOf(partition, "bucket-"+string(rune('a'+i%26)), key))
		want = append(want, "arn:"+partition+":s3:::bucket-"+string(rune('a'+i%26))+"/"+key)
	}
	require.Equal(t, want, got)
}

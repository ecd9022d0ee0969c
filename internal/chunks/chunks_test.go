package chunks

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestStringsStayPut writes many strings across several chunks, one of
// them longer than a chunk, and checks that each still reads as written
// once everything is written.
func TestStringsStayPut(t *testing.T) {
	var c Text
	var got, want []string
	for i := range 200 {
		a, b := strings.Repeat("a", i%7), strings.Repeat("b", i%5)
		switch i % 3 {
		case 0:
			got, want = append(got, c.Concat(16, a, b)), append(want, a+b)
		case 1:
			got, want = append(got, c.Concat3(16, a, ":", b)), append(want, a+":"+b)
		default:
			got, want = append(got, c.Copy(16, a)), append(want, a)
		}
	}
	long := strings.Repeat("x", 40)
	got, want = append(got, c.Copy(16, long)), append(want, long)
	got, want = append(got, c.Concat(16, "after", "long")), append(want, "afterlong")
	require.Equal(t, want, got)
}

// TestTakeIsExact checks that Take hands out exactly n bytes whose
// capacity ends there, so an append by the caller cannot run into the
// next string.
func TestTakeIsExact(t *testing.T) {
	var c Text
	b := c.Take(5, 64)
	require.Len(t, b, 5)
	require.Equal(t, 5, cap(b))
	copy(b, "hello")
	s := String(b)
	_ = append(b, '!') // must reallocate, not write after s
	next := c.Copy(64, "world")
	require.Equal(t, "hello", s)
	require.Equal(t, "world", next)
	require.Equal(t, "", String(nil))
}

func TestConcatAllocatesOnlyChunks(t *testing.T) {
	var c Text
	c.Copy(1<<12, "warm")
	allocs := testing.AllocsPerRun(100, func() { c.Concat(1<<12, "arn:aws:s3:::b/", "k") })
	require.Zero(t, allocs)
}

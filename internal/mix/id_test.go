package mix

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestIDMatchesSprintf(t *testing.T) {
	for _, c := range []struct {
		prefix string
		v      uint64
	}{{"i", 0}, {"vol", 1}, {"eni", 0xdeadbeef}, {"r", ^uint64(0)}, {"snap", SplitMix64(7)}, {"", 42}} {
		require.Equal(t, fmt.Sprintf("%s-%017x", c.prefix, c.v), ID(c.prefix, c.v), "prefix %q, v %#x", c.prefix, c.v)
		require.Equal(t, "arn:"+ID(c.prefix, c.v), string(AppendID([]byte("arn:"), c.prefix, c.v)), "prefix %q, v %#x", c.prefix, c.v)
	}
	var ids []string
	allocs := testing.AllocsPerRun(100, func() { ids = append(ids[:0], ID("vol", 12345)) })
	require.Equal(t, 1.0, allocs, "the string is the only allocation")
}

// ParseID reads back exactly what ID renders, and nothing else.
func TestParseID(t *testing.T) {
	for _, c := range []struct {
		prefix string
		v      uint64
	}{{"i", 0}, {"vol", 1}, {"eni", 0xdeadbeef}, {"r", ^uint64(0)}, {"i", SplitMix64(7)}, {"", 42}} {
		id := ID(c.prefix, c.v)
		v, ok := ParseID(c.prefix, id)
		require.True(t, ok, id)
		require.Equal(t, c.v, v, id)
	}
	good := ID("i", 0xabcdef0123456789)
	for _, bad := range []string{"", "i", "i-0", good[:len(good)-1], good + "0", "I" + good[1:], "x" + good[1:],
		"i-1" + good[3:], "i-0" + "ABCDEF0123456789", "i-0abcdef012345678g", "vol" + good[1:]} {
		_, ok := ParseID("i", bad)
		require.False(t, ok, "%q parsed", bad)
	}
	require.True(t, IsLowerHex(""))
	require.True(t, IsLowerHex("0123456789abcdef"))
	for _, bad := range []string{"A", "g", "0x", " ", "\xff"} {
		require.False(t, IsLowerHex(bad), "%q", bad)
	}
}

// FuzzAppendID holds AppendID's eight-digits-a-turn rendering to fmt's.
func FuzzAppendID(f *testing.F) {
	for _, v := range []uint64{0, 9, 10, 15, 16, 0x0123456789abcdef, 0xfedcba9876543210, ^uint64(0)} {
		f.Add("i", v)
	}
	f.Fuzz(func(t *testing.T, prefix string, v uint64) {
		require.Equal(t, fmt.Sprintf("x:%s-%017x", prefix, v), string(AppendID([]byte("x:"), prefix, v)))
	})
}

func BenchmarkAppendID(b *testing.B) {
	var buf [64]byte
	for i := 0; b.Loop(); i++ {
		_ = AppendID(buf[:0], "i", uint64(i)*0x9e3779b97f4a7c15)
	}
}

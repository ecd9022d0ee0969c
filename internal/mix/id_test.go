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

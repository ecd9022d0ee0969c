package strs

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSame(t *testing.T) {
	a := "s3:GetObject"
	b := strings.Clone(a) // equal, other memory
	require.True(t, Same(a, a))
	require.True(t, Same(a, b))
	require.False(t, Same(a, "s3:PutObject"))
	require.False(t, Same(a, a[:len(a)-1]), "a prefix in the same memory")
	require.True(t, Same("", ""))

	require.True(t, SameMemory(a, a))
	require.False(t, SameMemory(a, b), "equal strings in other memory")
	require.False(t, SameMemory(a, a[:3]), "a prefix in the same memory")
}

func TestLoad64(t *testing.T) {
	require.Equal(t, uint64(0x3837363534333231), Load64("12345678"))
	require.Equal(t, uint64(0x3938373635343332), Load64("123456789"[1:]))
	var w uint64
	require.Panics(t, func() { w = Load64("1234567") }, "seven bytes")
	require.Zero(t, w)
}

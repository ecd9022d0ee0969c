package refs

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSetString(t *testing.T) {
	a := "s3:GetObject"
	s := a
	SetString(&s, a)
	require.Equal(t, a, s)
	b := strings.Clone(a)
	SetString(&s, b) // equal, other memory: stored
	require.Equal(t, b, s)
	SetString(&s, "")
	require.Empty(t, s)
	SetString(&s, a[:3]) // a prefix in the same memory
	require.Equal(t, "s3:", s)
}

func TestSetPtr(t *testing.T) {
	x, y := new(int), new(int)
	p := x
	SetPtr(&p, x)
	require.Same(t, x, p)
	SetPtr(&p, y)
	require.Same(t, y, p)
	SetPtr(&p, nil)
	require.Nil(t, p)
}

func TestSame(t *testing.T) {
	m1, m2 := map[string][]string{"k": {"v"}}, map[string][]string{"k": {"v"}}
	m := m1
	require.True(t, Same(&m, &m1))
	require.False(t, Same(&m, &m2), "equal contents, another map")
	var nilMap map[string][]string
	require.False(t, Same(&m, &nilMap))
	require.True(t, Same(&nilMap, &nilMap))

	f1 := func() int { return 1 }
	n := 2
	f2 := func() int { return n }
	f := f1
	require.True(t, Same(&f, &f1))
	require.False(t, Same(&f, &f2))

	require.Panics(t, func() { s1, s2 := "a", "a"; Same(&s1, &s2) }, "two words: not a reference")
}

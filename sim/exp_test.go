package sim

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestExpRejectsNonPositiveMean: Exp(r, 0) used to return 0 and Exp(r, -1s)
// negative delays, which scheduled in the past or silently collapsed a
// process; a mean that is not positive is now a clear panic.
func TestExpRejectsNonPositiveMean(t *testing.T) {
	r := New(1).Rand("t")
	for _, mean := range []time.Duration{0, -time.Second} {
		require.PanicsWithValue(t, "sim: Exp: mean "+mean.String()+" must be positive", func() { Exp(r, mean) })
	}
	require.Positive(t, Exp(r, time.Second))
}

// TestDefaultEpochIsAValue: the default epoch was an exported variable
// that any code could move under every Env; it is now a function.
func TestDefaultEpochIsAValue(t *testing.T) {
	want := time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC)
	require.Equal(t, want, DefaultEpoch())
	env := New(1)
	defer env.Close()
	require.Equal(t, want, env.Epoch())
}

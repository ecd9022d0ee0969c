package sim

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestTimeOf checks TimeOf against its definition, epoch.Add(t), value
// for value (== compares the instant, the monotonic reading and the
// location), for epochs with and without nanoseconds, given in another
// zone, and at the start of the calendar.
func TestTimeOf(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, epoch := range []time.Time{
		DefaultEpoch(),
		time.Date(2024, 2, 29, 23, 59, 59, 999_999_999, time.UTC),
		time.Date(1969, 12, 31, 23, 59, 59, 1, time.FixedZone("X", -3*3600)),
		time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC),
	} {
		env := New(1, WithEpoch(epoch))
		ts := []Time{0, 1, 999_999_999, 1e9, 1e9 + 1, MaxTime, MaxTime - 1, -1, -1e9 - 1}
		for range 2000 {
			ts = append(ts, Time(r.Int64N(int64(MaxTime))), Time(r.Int64N(1e12)))
		}
		for _, x := range ts {
			want := env.Epoch().Add(time.Duration(x))
			require.True(t, want == env.TimeOf(x), "epoch %v, t %d: %v, want %v", epoch, x, env.TimeOf(x), want)
		}
		env.Close()
	}
}

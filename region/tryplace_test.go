package region

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

// TryPlace answers false, with no error, exactly where Place fails with
// InsufficientInstanceCapacity, and passes Place's other errors on;
// Place's message is the one it always had.
func TestTryPlaceMatchesPlace(t *testing.T) {
	w := newWorld(t, 1, Options{HostsPerAZ: map[string]int{"m5": 2}})
	for range 4 {
		mustPlace(t, w, "use1-az1", "m5.8xlarge", PlaceOptions{})
	}
	_, ok, err := w.Fleet().TryPlace("use1-az1", "m5.12xlarge", PlaceOptions{})
	require.NoError(t, err)
	require.False(t, ok)
	_, err = w.Fleet().Place("use1-az1", "m5.12xlarge", PlaceOptions{})
	require.True(t, errors.Is(err, ErrInsufficientInstanceCapacity))
	require.Equal(t, insufficientCapacity("m5.12xlarge", "use1-az1").Error(), err.Error())

	sl, ok, err := w.Fleet().TryPlace("use1-az1", "m5.4xlarge", PlaceOptions{})
	require.NoError(t, err)
	require.True(t, ok)
	require.True(t, sl.IsValid())

	_, ok, err = w.Fleet().TryPlace("use1-az1", "c5.large", PlaceOptions{})
	require.False(t, ok)
	require.True(t, errors.Is(err, ErrUnsupported))
	_, ok, err = w.Fleet().TryPlace("use1-az1", "m9.huge", PlaceOptions{})
	require.False(t, ok)
	require.Error(t, err)
}

package region

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestWorldPrintsItself: a World prints as the world, not as the fleet it
// embeds; each view prints its own part.
func TestWorldPrintsItself(t *testing.T) {
	w := newWorld(t, 1, Options{HostsPerAZ: map[string]int{"m5": 1}})
	s := fmt.Sprint(w)
	require.True(t, strings.HasPrefix(s, "world{"), s)
	require.Contains(t, s, "regions")
	require.True(t, strings.HasPrefix(fmt.Sprint(w.Fleet()), "fleet{"))
	require.True(t, strings.HasPrefix(fmt.Sprint(w.Network()), "network{"))
	n, err := w.Fleet().HostCount(), error(nil)
	require.NoError(t, err)
	require.Positive(t, n)
}

package main

import (
	"bytes"
	"io"
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/internal/cli"
	"github.com/nimbus-sim/nimbus/internal/golden"
	"github.com/stretchr/testify/require"
)

// goldenArgs keep the pinned run to seconds: 50 req/s for 1h45m.
var goldenArgs = []string{"-seed", "1", "-rate", "50", "-hours", "1.75"}

// TestGolden pins the output at seed 1 (go test -update rewrites it).
func TestGolden(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(goldenArgs, &out, io.Discard))
	golden.Check(t, "output.golden", out.Bytes())
}

// TestTwoZonesRideItOut checks the claims the output makes, at seed 2: the
// two-zone fleet loses only the requests of the detection window and is
// back at full capacity in minutes; the one-zone fleet is down for the
// whole outage.
func TestTwoZonesRideItOut(t *testing.T) {
	o, err := parse([]string{"-seed", "2", "-rate", "20", "-hours", "1.6", "-outage", "20m"}, io.Discard)
	require.NoError(t, err)
	two, err := simulate(o, 2)
	require.NoError(t, err)
	one, err := simulate(o, 1)
	require.NoError(t, err)
	require.Positive(t, two.lost, "the outage should cost some requests")
	// At most about the detection bound (65 s) plus the DNS TTL (60 s) of
	// traffic to the dark zone's half: 20 req/s x 125 s / 2, with room.
	require.Less(t, two.lost, 2000)
	require.Equal(t, 1.0, two.after.Availability())
	require.Greater(t, two.during.Availability(), 0.95)
	require.Positive(t, two.restored)
	require.Less(t, two.restored, 5*time.Minute)
	require.Equal(t, 0.0, one.during.Availability())
	require.Equal(t, time.Duration(-1), one.restored)
	require.Greater(t, one.lost, two.lost)
	require.Positive(t, two.bill)
}

func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		flag string
	}{
		{[]string{"-rate", "0"}, "-rate"},
		{[]string{"-rate", "5000"}, "-rate"},
		{[]string{"-hours", "1"}, "-hours"},
		{[]string{"-hours", "30"}, "-hours"},
		{[]string{"-seed", "0"}, "-seed"},
		{[]string{"-seed", "x"}, "-seed"},
		{[]string{"-instance-type", "m5.huge"}, "-instance-type"},
		{[]string{"-per-az", "0"}, "-per-az"},
		{[]string{"-outage", "-1m"}, "-outage"},
		{[]string{"-model-mib", "0"}, "-model-mib"},
		{[]string{"-cpu", "0s"}, "-cpu"},
		{[]string{"-hc-interval", "1"}, "-hc-interval"},
		{[]string{"-unhealthy", "1"}, "-unhealthy"},
		{[]string{"extra"}, "unexpected"},
	} {
		err := run(tc.args, io.Discard, io.Discard)
		require.True(t, cli.IsUsage(err), "%v: %v", tc.args, err)
		require.Contains(t, err.Error(), tc.flag)
	}
}

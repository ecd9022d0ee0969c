package main

import (
	"bytes"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/nimbus-sim/nimbus/internal/cli"
	"github.com/nimbus-sim/nimbus/internal/golden"
	"github.com/stretchr/testify/require"
)

// TestOutput pins the default run (seed 1).
func TestOutput(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(nil, &out, io.Discard))
	golden.Check(t, "latency.golden", out.Bytes())
	s := out.String()
	for _, path := range []string{"same-host", "same-az", "cross-az", "cross-region", "internet"} {
		require.Contains(t, s, path)
	}
}

// TestCrossRegionNeverBeatsTheFloor checks, over 500 queries to Sydney
// at seed 7, that no cross-region query is faster than light in fibre.
func TestCrossRegionNeverBeatsTheFloor(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run([]string{"-queries", "500", "-far", "ap-southeast-2", "-seed", "7"}, &out, io.Discard))
	var line string
	for _, l := range strings.Split(out.String(), "\n") {
		if strings.HasPrefix(l, "cross-region") {
			line = l
		}
	}
	// cross-region ap-southeast-2 cross-region M ms F ms (D km) MIN ms ...
	f := strings.Fields(line)
	require.Greater(t, len(f), 10, line)
	floor, err := strconv.ParseFloat(f[5], 64)
	require.NoError(t, err, line)
	minq, err := strconv.ParseFloat(f[9], 64)
	require.NoError(t, err, line)
	require.Greater(t, floor, 100.0, "Virginia-Sydney is over 15,000 km: %s", line)
	require.GreaterOrEqual(t, minq, floor, line)
}

func TestBadFlagsAreUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"-queries", "0"}, {"-queries", "10001"}, {"-server", "-1ms"}, {"-server", "2s"},
		{"-far", "us-east-1"}, {"-far", "mars-north-1"}, {"-nope"}, {"extra"},
	} {
		var stderr bytes.Buffer
		err := run(args, io.Discard, &stderr)
		require.True(t, cli.IsUsage(err), "%v: %v", args, err)
		if args[0][0] == '-' {
			require.Contains(t, stderr.String(), args[0], "the usage error names the flag")
		}
	}
}

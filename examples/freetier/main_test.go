package main

import (
	"bytes"
	"io"
	"testing"

	"github.com/nimbus-sim/nimbus/internal/cli"
	"github.com/nimbus-sim/nimbus/internal/golden"
	"github.com/stretchr/testify/require"
)

// TestOutput pins the default run (seed 1) and the course's numbers in it.
func TestOutput(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(nil, &out, io.Discard))
	golden.Check(t, "freetier.golden", out.Bytes())
	s := out.String()
	// The course's arithmetic: 744 h free, 1,488 h of which 738 billed, a
	// t3.small's 744 h all billed.
	require.Contains(t, s, "1 x t3.micro      744    744      0     $0.00     $0.00     $0.00")
	require.Contains(t, s, "2 x t3.micro     1488    750    738")
	require.Contains(t, s, "1 x t3.small      744      0    744    $15.48")
}

func TestBadFlagsAreUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"-micros", "0"}, {"-micros", "9"}, {"-signup", "2025-08-01"},
		{"-signup", "2024-06-01"}, {"-signup", "yesterday"}, {"-nope"}, {"extra"},
	} {
		var stderr bytes.Buffer
		err := run(args, io.Discard, &stderr)
		require.True(t, cli.IsUsage(err), "%v: %v", args, err)
		if args[0][0] == '-' {
			require.Contains(t, stderr.String(), args[0], "the usage error names the flag")
		}
	}
}

package main

import (
	"bytes"
	"io"
	"testing"

	"github.com/nimbus-sim/nimbus/internal/cli"
	"github.com/nimbus-sim/nimbus/internal/golden"
	"github.com/stretchr/testify/require"
)

// TestOutput pins the default run (seed 1) and checks the figures the
// price list gives by hand (us-east-1, January 2026).
func TestOutput(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(nil, &out, io.Discard))
	golden.Check(t, "bill-shock.golden", out.Bytes())
	s := out.String()
	for _, want := range []string{
		"BoxUsage:p3.2xlarge                       $192.77",  // 63 h x $3.06 less the seconds before running
		"TimedStorage-ByteHrs                        $11.50", // 500 GB-month x $0.023
		"NatGateway-Bytes                           $45.00",  // 1000 GB x $0.045
		"USE1-EU-AWS-Out-Bytes                       $20.00", // 1000 GB x $0.02
		"USE1-PublicIPv4:IdleAddress                $14.88",  // 4 x 744 h x $0.005
		// $100 / ($3.06 + $0.005 IPv4 + gp3 8 GB) per hour = 32.6 h.
		"fired at Sun 2026-01-11 02:37:14.724, 32h37m2.709s after the instance started running, at cost $100.000713471",
	} {
		require.Contains(t, s, want)
	}
}

// TestBudgetFiresAtTheCrossing: a budget of $10 fires about 3.26 hours
// (10 / 3.066 $/h) after the p3 starts running, just over the limit (by
// less than one second of spending, $0.001).
func TestBudgetFiresAtTheCrossing(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run([]string{"-budget", "10"}, &out, io.Discard))
	require.Contains(t, out.String(), "3h15m42.")
	require.Regexp(t, `at cost \$10\.000[0-9]*\n`, out.String())
}

func TestBadFlagsAreUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"-budget", "0"}, {"-bucket-gb", "7"}, {"-bucket-gb", "0"}, {"-nat-gb", "-5"}, {"-xr-gb", "100005"},
		{"-far", "us-east-1"}, {"-far", "atlantis-1"}, {"-eips", "0"}, {"-eips", "101"}, {"-nope"}, {"extra"},
	} {
		var stderr bytes.Buffer
		err := run(args, io.Discard, &stderr)
		require.True(t, cli.IsUsage(err), "%v: %v", args, err)
		if args[0][0] == '-' {
			require.Contains(t, stderr.String(), args[0], "the usage error names the flag")
		}
	}
}

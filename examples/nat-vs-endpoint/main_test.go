package main

import (
	"bytes"
	"io"
	"testing"

	"github.com/nimbus-sim/nimbus/internal/cli"
	"github.com/nimbus-sim/nimbus/internal/golden"
	"github.com/stretchr/testify/require"
)

// TestOutput pins the default run (seed 1, 10 GiB a day) and checks the
// bill by hand from the us-east-1 price rows: NAT $0.045/h x 744 h =
// $33.48, processing $0.045/GB x 310 GiB = $13.95, the NAT's public IPv4
// $0.005/h x 744 h = $3.72; the gateway endpoint costs nothing.
func TestOutput(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(nil, &out, io.Discard))
	golden.Check(t, "nat-vs-endpoint.golden", out.Bytes())
	s := out.String()
	require.Contains(t, s, "NatGateway-Hours                       $33.48")
	require.Contains(t, s, "NatGateway-Bytes                       $13.95")
	require.Contains(t, s, "PublicIPv4:InUseAddress                 $3.72")
	require.Contains(t, s, "the NAT gateway costs $51.15 a month more")
	require.Contains(t, s, "i/o timeout")
	require.Contains(t, s, "ExplainRoute: blocked at route-table")
}

func TestBadFlagsAreUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"-gb", "0"}, {"-gb", "1001"}, {"-gb", "x"}, {"-nope"}, {"extra"}} {
		var stderr bytes.Buffer
		err := run(args, io.Discard, &stderr)
		require.True(t, cli.IsUsage(err), "%v: %v", args, err)
		if args[0][0] == '-' {
			require.Contains(t, stderr.String(), args[0], "the usage error names the flag")
		}
	}
}

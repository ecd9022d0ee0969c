package main

import (
	"bytes"
	"io"
	"testing"

	"github.com/nimbus-sim/nimbus/internal/cli"
	"github.com/nimbus-sim/nimbus/internal/golden"
	"github.com/stretchr/testify/require"
)

// TestGolden pins the whole output at seed 1 (go test -update rewrites it).
func TestGolden(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run([]string{"-seed", "1"}, &out, io.Discard))
	golden.Check(t, "output.golden", out.Bytes())
	require.Contains(t, out.String(), "USED (Source EC2RoleProvider")
	require.Contains(t, out.String(), "api error AccessDenied")
	require.Contains(t, out.String(), "ListBucket applies to the bucket ARN")
}

func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		flag string
	}{
		{[]string{"-bucket", "A_b"}, "-bucket"},
		{[]string{"-instance-type", "z9.huge"}, "-instance-type"},
		{[]string{"-instance-type", "p3.2xlarge"}, "-instance-type"},
		{[]string{"-seed", "-3"}, "-seed"},
		{[]string{"extra"}, "unexpected"},
	} {
		err := run(tc.args, io.Discard, io.Discard)
		require.True(t, cli.IsUsage(err), "%v: %v", tc.args, err)
		require.Contains(t, err.Error(), tc.flag)
	}
}

package main

import (
	"bytes"
	"io"
	"testing"

	"github.com/nimbus-sim/nimbus/internal/cli"
	"github.com/nimbus-sim/nimbus/internal/golden"
	"github.com/stretchr/testify/require"
)

// TestGolden pins the output at seed 1 with the default flags (go test
// -update rewrites it).
func TestGolden(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run([]string{"-seed", "1"}, &out, io.Discard))
	golden.Check(t, "output.golden", out.Bytes())
}

// TestDuplicatesOnePerTimeout checks the claim the output makes: with
// deterministic keys the bucket holds one object per file, with
// timestamped keys one more per timeout.
func TestDuplicatesOnePerTimeout(t *testing.T) {
	o := &options{seed: 7, files: 200, sizeMiB: 1, timeoutRate: 0.2, attempts: 10, readTimeout: 5e9}
	det, err := upload(o, false)
	require.NoError(t, err)
	ts, err := upload(o, true)
	require.NoError(t, err)
	require.Positive(t, ts.timeouts, "seed 7 at rate 0.2 saw no timeout: the check would not cover the retry")
	require.Equal(t, o.files-det.failed, det.objects)
	require.Equal(t, o.files-ts.failed+ts.timeouts, ts.objects)
	require.Greater(t, ts.bill, det.bill)
}

func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		flag string
	}{
		{[]string{"-files", "0"}, "-files"},
		{[]string{"-size-mib", "6000"}, "-size-mib"},
		{[]string{"-timeout-rate", "1"}, "-timeout-rate"},
		{[]string{"-timeout-rate", "-0.1"}, "-timeout-rate"},
		{[]string{"-attempts", "0"}, "-attempts"},
		{[]string{"-read-timeout", "-1s"}, "-read-timeout"},
		{[]string{"-seed", "x"}, "-seed"},
	} {
		err := run(tc.args, io.Discard, io.Discard)
		require.True(t, cli.IsUsage(err), "%v: %v", tc.args, err)
		require.Contains(t, err.Error(), tc.flag)
	}
}

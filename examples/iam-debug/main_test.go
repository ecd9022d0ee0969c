package main

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite testdata/output.golden")

// TestGolden pins the whole output at seed 1 (go test -update rewrites it).
func TestGolden(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run([]string{"-seed", "1"}, &out, io.Discard))
	path := filepath.Join("testdata", "output.golden")
	if *update {
		require.NoError(t, os.WriteFile(path, out.Bytes(), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create it")
	require.Equal(t, string(want), out.String())
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
		var ue usageError
		require.True(t, errors.As(err, &ue), "%v: %v", tc.args, err)
		require.Contains(t, err.Error(), tc.flag)
	}
}

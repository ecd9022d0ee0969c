package main

import (
	"os"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestOutOfRangeFlagExitsTwo runs main in a child process (the test binary
// itself) with an out-of-range flag: exit code 2, and the flag named.
func TestOutOfRangeFlagExitsTwo(t *testing.T) {
	if os.Getenv("EXAMPLE_RUN_MAIN") == "1" {
		os.Args = append([]string{"example"}, "-queries", "0")
		main()
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestOutOfRangeFlagExitsTwo$")
	cmd.Env = append(os.Environ(), "EXAMPLE_RUN_MAIN=1")
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee, "%s", out)
	require.Equal(t, 2, ee.ExitCode(), "%s", out)
	require.Contains(t, string(out), "-queries")
}

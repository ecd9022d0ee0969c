package main

import (
	"testing"

	"github.com/nimbus-sim/nimbus/internal/cli/clitest"
	"github.com/stretchr/testify/require"
)

// TestExitCodes runs main in a child process (the test binary itself): an
// out-of-range flag exits 2 naming the flag, -h prints the usage and
// exits 0.
func TestExitCodes(t *testing.T) {
	t.Run("bad", func(t *testing.T) {
		code, out := clitest.RunMain(t, main, "-budget", "0")
		require.Equal(t, 2, code, out)
		require.Contains(t, out, "-budget")
	})
	t.Run("help", func(t *testing.T) {
		code, out := clitest.RunMain(t, main, "-h")
		require.Equal(t, 0, code, out)
		require.Contains(t, out, "Usage of bill-shock:")
	})
}

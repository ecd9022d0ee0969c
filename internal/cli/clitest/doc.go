// Package clitest runs a command's main in a child process, so that a test
// can check the exit code and what main printed:
//
//	func TestOutOfRangeFlagExitsTwo(t *testing.T) {
//		code, out := clitest.RunMain(t, main, "-queries", "0")
//		require.Equal(t, 2, code, out)
//		require.Contains(t, out, "-queries")
//	}
//
// CheckExitCodes is the check every example makes with it: a bad flag
// exits 2 naming the flag, -h exits 0:
//
//	func TestExitCodes(t *testing.T) { clitest.CheckExitCodes(t, main, "latency", "-queries", "0") }
//
// The child is the test binary itself, re-running only the calling test
// with an environment variable that tells RunMain to call main.
package clitest

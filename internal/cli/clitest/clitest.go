package clitest

import (
	"errors"
	"os"
	"os/exec"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"
)

// childEnv names the test a child process runs main for.
const childEnv = "NIMBUS_CLITEST_MAIN"

// RunMain runs main with args in a child process and returns its exit
// code and its combined stdout and stderr. In the child it does not
// return: it runs main, then exits 0 if main returned.
func RunMain(t *testing.T, main func(), args ...string) (code int, output string) {
	t.Helper()
	if os.Getenv(childEnv) == t.Name() {
		os.Args = append([]string{"example"}, args...)
		main()
		os.Exit(0)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^"+regexp.QuoteMeta(t.Name())+"$")
	cmd.Env = append(os.Environ(), childEnv+"="+t.Name())
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode(), string(out)
	}
	require.NoError(t, err, "%s", out)
	return 0, string(out)
}

// CheckExitCodes checks the exit codes every example keeps, each in a
// child process: bad (a flag and its out-of-range value) exits 2 and
// names the flag; -h prints the usage text of the command name and exits
// 0.
func CheckExitCodes(t *testing.T, main func(), name string, bad ...string) {
	t.Helper()
	require.NotEmpty(t, bad)
	t.Run("bad", func(t *testing.T) {
		code, out := RunMain(t, main, bad...)
		require.Equal(t, 2, code, out)
		require.Contains(t, out, bad[0])
	})
	t.Run("help", func(t *testing.T) {
		code, out := RunMain(t, main, "-h")
		require.Equal(t, 0, code, out)
		require.Contains(t, out, "Usage of "+name+":")
	})
}

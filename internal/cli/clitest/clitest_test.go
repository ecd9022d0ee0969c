package clitest

import (
	"fmt"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

func exitThree() {
	fmt.Println("args", os.Args[1:])
	os.Exit(3)
}

func returns() { fmt.Fprintln(os.Stderr, "done") }

// TestExitCodeAndOutput: the child's exit code and both streams come back.
func TestExitCodeAndOutput(t *testing.T) {
	code, out := RunMain(t, exitThree, "-a", "b")
	require.Equal(t, 3, code, out)
	require.Contains(t, out, "args [-a b]")
}

// TestMainReturningExitsZero: main returning is a clean exit, as in a real
// process.
func TestMainReturningExitsZero(t *testing.T) {
	code, out := RunMain(t, returns)
	require.Equal(t, 0, code, out)
	require.Contains(t, out, "done")
}

// usageMain behaves like an example's main: -h prints the usage text and
// exits 0, anything else is a usage error naming -n, exit 2.
func usageMain() {
	if len(os.Args) > 1 && os.Args[1] == "-h" {
		fmt.Fprintln(os.Stderr, "Usage of cmd:")
		os.Exit(0)
	}
	fmt.Fprintln(os.Stderr, "cmd: -n 0: want 1..9")
	os.Exit(2)
}

func TestCheckExitCodes(t *testing.T) {
	CheckExitCodes(t, usageMain, "cmd", "-n", "0")
}

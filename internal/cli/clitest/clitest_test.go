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

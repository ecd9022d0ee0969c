package cli

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"testing"

	"github.com/stretchr/testify/require"
)

func parse(args []string, stderr io.Writer, style Style) (int, error) {
	fs := NewFlagSet("cmd", stderr, style)
	n := fs.Int("n", 1, "a count (1..9)")
	if err := fs.Parse(args); err != nil {
		return 0, err
	}
	switch {
	case fs.NArg() > 0:
		if style == AtExit {
			return 0, Errorf("unexpected arguments %q", fs.Args())
		}
		return 0, fs.Usagef("unexpected argument %q", fs.Arg(0))
	case *n < 1 || *n > 9:
		if style == AtExit {
			return 0, Errorf("-n %d: want 1..9", *n)
		}
		return 0, fs.Usagef("-n %d: want 1..9", *n)
	}
	return *n, nil
}

// TestAtParse: a usage error is printed once, at once, with the usage
// text, naming the flag; Exit adds nothing and returns 2.
func TestAtParse(t *testing.T) {
	for _, args := range [][]string{{"-n", "0"}, {"-n", "x"}, {"-nope"}, {"extra"}} {
		var stderr bytes.Buffer
		_, err := parse(args, &stderr, AtParse)
		require.True(t, IsUsage(err), "%v: %v", args, err)
		require.Contains(t, stderr.String(), args[0], "the usage error names the flag")
		require.Contains(t, stderr.String(), "Usage of cmd:")
		printed := stderr.Len()
		require.Equal(t, 2, Exit("cmd", err, &stderr))
		require.Equal(t, printed, stderr.Len(), "%v: printed twice", args)
	}
	var stderr bytes.Buffer
	_, err := parse([]string{"-n", "0"}, &stderr, AtParse)
	require.True(t, IsUsage(err))
	require.Equal(t, "cmd: -n 0: want 1..9\nUsage of cmd:\n  -n int\n    \ta count (1..9) (default 1)\n", stderr.String())
}

// TestAtExit: a range error is silent until Exit prints it on one line; a
// malformed flag is printed by the flag package and again by Exit.
func TestAtExit(t *testing.T) {
	var stderr bytes.Buffer
	_, err := parse([]string{"-n", "0"}, &stderr, AtExit)
	require.True(t, IsUsage(err))
	require.Empty(t, stderr.String())
	require.Equal(t, 2, Exit("cmd", err, &stderr))
	require.Equal(t, "cmd: -n 0: want 1..9\n", stderr.String())

	stderr.Reset()
	_, err = parse([]string{"-nope"}, &stderr, AtExit)
	require.Equal(t, 2, Exit("cmd", err, &stderr))
	require.Contains(t, stderr.String(), "Usage of cmd:")
	require.Contains(t, stderr.String(), "\ncmd: flag provided but not defined: -nope\n")
}

// TestHelpAndSuccessExitZero: -h prints the usage text and is not an
// error to Exit; neither is a clean run.
func TestHelpAndSuccessExitZero(t *testing.T) {
	for _, style := range []Style{AtParse, AtExit} {
		var stderr bytes.Buffer
		_, err := parse([]string{"-h"}, &stderr, style)
		require.ErrorIs(t, err, flag.ErrHelp)
		require.False(t, IsUsage(err))
		require.Contains(t, stderr.String(), "Usage of cmd:")
		printed := stderr.Len()
		require.Equal(t, 0, Exit("cmd", err, &stderr))
		require.Equal(t, printed, stderr.Len())

		n, err := parse([]string{"-n", "3"}, &stderr, style)
		require.NoError(t, err)
		require.Equal(t, 3, n)
		require.Equal(t, 0, Exit("cmd", nil, &stderr))
	}
}

// TestOtherErrorsExitOne: an error that is not about the input is printed
// with the command's name and exits 1, wrapped or not.
func TestOtherErrorsExitOne(t *testing.T) {
	var stderr bytes.Buffer
	require.Equal(t, 1, Exit("cmd", errors.New("disk full"), &stderr))
	require.Equal(t, "cmd: disk full\n", stderr.String())
	require.True(t, IsUsage(errors.Join(errors.New("while parsing"), Errorf("-n 0"))))
}

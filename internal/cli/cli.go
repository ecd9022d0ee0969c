package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

// UsageError is bad command-line input: exit code 2.
type UsageError struct {
	Err error
	// Reported says the message is already on stderr (with the usage
	// text), so Exit does not print it again.
	Reported bool
}

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// IsUsage reports whether err is, or wraps, a usage error.
func IsUsage(err error) bool {
	var ue *UsageError
	return errors.As(err, &ue)
}

// Errorf returns a usage error for Exit to print as "name: message".
func Errorf(format string, a ...any) error {
	return &UsageError{Err: fmt.Errorf(format, a...)}
}

// Style is when a usage error reaches stderr.
type Style int

const (
	// AtParse: at once, the message and then the usage text.
	AtParse Style = iota
	// AtExit: as one "name: message" line printed by Exit (a malformed
	// flag is printed by the flag package too, with the usage text).
	AtExit
)

// FlagSet is a flag.FlagSet that continues on error, writes to the
// command's stderr and returns usage errors.
type FlagSet struct {
	*flag.FlagSet
	name   string
	stderr io.Writer
	style  Style
}

// NewFlagSet returns an empty flag set for the command name.
func NewFlagSet(name string, stderr io.Writer, style Style) *FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return &FlagSet{FlagSet: fs, name: name, stderr: stderr, style: style}
}

// Parse parses args. It returns flag.ErrHelp for -h and -help (exit 0),
// and a usage error for a malformed or unknown flag, which the flag
// package has printed with the usage text. Arguments after the flags are
// left to the caller (NArg, Args).
func (f *FlagSet) Parse(args []string) error {
	err := f.FlagSet.Parse(args)
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return err
	}
	return &UsageError{Err: err, Reported: f.style == AtParse}
}

// Usagef prints "name: message" and the usage text to stderr and returns
// the usage error, already reported.
func (f *FlagSet) Usagef(format string, a ...any) error {
	err := fmt.Errorf(format, a...)
	fmt.Fprintln(f.stderr, f.name+":", err)
	f.Usage()
	return &UsageError{Err: err, Reported: true}
}

// Main runs a command's run function on the process's arguments and
// streams and exits with Exit's code.
func Main(name string, run func(args []string, stdout, stderr io.Writer) error) {
	os.Exit(Exit(name, run(os.Args[1:], os.Stdout, os.Stderr), os.Stderr))
}

// Exit returns the exit code for run's error: 0 for none and for -h, 2
// for a usage error, 1 otherwise. It prints "name: error" to stderr for
// an error not yet reported.
func Exit(name string, err error, stderr io.Writer) int {
	var ue *UsageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		if !ue.Reported {
			fmt.Fprintln(stderr, name+":", err)
		}
		return 2
	default:
		fmt.Fprintln(stderr, name+":", err)
		return 1
	}
}

package cli_test

import (
	"errors"
	"fmt"
	"os"

	"github.com/nimbus-sim/nimbus/internal/cli"
)

// A range check on a flag reported at once, with the usage text; main then
// exits 2 without printing it again.
func ExampleFlagSet_Usagef() {
	fs := cli.NewFlagSet("cmd", os.Stdout, cli.AtParse)
	n := fs.Int("n", 1, "a count (1..9)")
	if err := fs.Parse([]string{"-n", "12"}); err != nil {
		panic(err)
	}
	err := fs.Usagef("-n %d: want 1..9", *n)
	fmt.Println("exit", cli.Exit("cmd", err, os.Stdout))
	// Output:
	// cmd: -n 12: want 1..9
	// Usage of cmd:
	//   -n int
	//     	a count (1..9) (default 1)
	// exit 2
}

// Exit's codes: a usage error left for main to print, and any other error.
func ExampleExit() {
	fmt.Println("exit", cli.Exit("cmd", cli.Errorf("-n 0: want 1..9"), os.Stdout))
	fmt.Println("exit", cli.Exit("cmd", errors.New("disk full"), os.Stdout))
	fmt.Println("exit", cli.Exit("cmd", nil, os.Stdout))
	// Output:
	// cmd: -n 0: want 1..9
	// exit 2
	// cmd: disk full
	// exit 1
	// exit 0
}

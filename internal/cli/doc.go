// Package cli is the command-line scaffolding the examples share: a flag
// set that turns bad input into a usage error naming the flag, and the
// exit codes every example keeps (0 on success and on -h, 2 on a usage
// error, 1 on any other error).
//
// A command's main is one line, and its parse function declares its flags
// and checks their ranges:
//
//	func main() { cli.Main("latency", run) }
//
//	func parse(args []string, stderr io.Writer) (*options, error) {
//		o := &options{}
//		fs := cli.NewFlagSet("latency", stderr, cli.AtParse)
//		fs.IntVar(&o.queries, "queries", 10, "sequential queries per place (1..10000)")
//		if err := fs.Parse(args); err != nil {
//			return nil, err // flag.ErrHelp for -h, else a usage error
//		}
//		if o.queries < 1 || o.queries > 10000 {
//			return nil, fs.Usagef("-queries %d: want 1..10000", o.queries)
//		}
//		return o, nil
//	}
//
// The examples report usage errors in one of two ways, and the package
// keeps both so that their output stays as it is: AtParse prints the
// message and the usage text as soon as the input is found bad, the way
// the flag package does (FlagSet.Usagef); AtExit leaves a one-line
// "name: message" to Main on the way out (Errorf).
package cli

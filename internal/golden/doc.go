// Package golden compares a test's output with a file under testdata, the
// pinned output of a deterministic run, and rewrites the file when the
// test binary runs with -update:
//
//	func TestOutput(t *testing.T) {
//		var out bytes.Buffer
//		require.NoError(t, run(nil, &out, io.Discard))
//		golden.Check(t, "latency.golden", out.Bytes())
//	}
//
//	go test ./examples/latency -update   # after a deliberate change
//
// Importing the package registers -update once for the test binary; a
// test binary that imports it must not register -update itself.
package golden

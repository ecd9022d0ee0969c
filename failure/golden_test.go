package failure_test

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/nimbus-sim/nimbus/sim"
)

var update = flag.Bool("update", false, "rewrite testdata/streams.golden")

// TestStreamsGolden pins the first draws of every distribution on its
// named stream (seed 1), so that a change in how a distribution draws, or
// in the order of draws, shows up as a diff. Regenerate with -update and
// read the diff before committing.
func TestStreamsGolden(t *testing.T) {
	env := sim.New(1)
	defer env.Close()
	var b strings.Builder
	for _, d := range dists(env) {
		fmt.Fprintf(&b, "%v:", d)
		for range 4 {
			fmt.Fprintf(&b, " %.12g", d.Rand()) // 12 digits: immune to last-bit FMA differences between architectures
		}
		b.WriteByte('\n')
	}
	const path = "testdata/streams.golden"
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run TestStreamsGolden -update)", err)
	}
	if got := b.String(); got != string(want) {
		t.Errorf("draws changed:\n%s\nwant:\n%s", got, want)
	}
}

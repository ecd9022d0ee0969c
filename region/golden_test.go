package region

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// TestStreamsGolden pins the first draws of region's named streams at seed
// 1: per-account zone names, latency per path class, backoff jitter and
// request IDs. A change in draw order shows up as a diff; regenerate with
// go test ./region -run TestStreamsGolden -update, and read the diff.
func TestStreamsGolden(t *testing.T) {
	w := pipelineWorld(t, 1)
	var b strings.Builder
	for _, acct := range []string{"111122223333", "444455556666", "777788889999"} {
		fmt.Fprintf(&b, "az-names %s us-east-1: %s\n", acct, strings.TrimSpace(azMapping(t, w, acct, "us-east-1")))
	}
	a1, _ := w.InAZ("use1-az1")
	a2, _ := w.InAZ("use1-az2")
	for _, c := range []struct {
		name     string
		from, to Location
	}{
		{"regional", a1, InRegion("us-east-1")},
		{"cross-az", a1, a2},
		{"cross-region", a1, InRegion("eu-west-1")},
		{"internet", OnInternet("us-east-1"), InRegion("us-east-1")},
	} {
		fmt.Fprintf(&b, "latency %s:", c.name)
		for range 4 {
			d, err := w.Network().Latency(c.from, c.to)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, " %v", d)
		}
		b.WriteString("\n")
	}
	cfg := DefaultClientConfig()
	b.WriteString("backoff:")
	for i := 1; i <= 4; i++ {
		fmt.Fprintf(&b, " %v", cfg.Backoff(i, w.pipe.streamsFor("s3", "us-east-1").backoffRand().Float64()))
	}
	fmt.Fprintf(&b, "\nrequest-ids: %s %s\n", w.newRequestID(w.pipe.streamsFor("s3", "us-east-1")), w.newRequestID(w.pipe.streamsFor("s3", "us-east-1")))

	path := filepath.Join("testdata", "streams.golden")
	if *update {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got := b.String(); got != string(want) {
		t.Errorf("stream draws changed:\n--- got\n%s--- want\n%s", got, want)
	}
}

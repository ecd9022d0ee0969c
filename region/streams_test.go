package region

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nimbus-sim/nimbus/sim"
)

// ec2Trace runs an ec2 scenario (40 calls, 30% injected errors, retries)
// at seed 7, with or without an s3 workload beside it (60 calls, their own
// errors and throttling), and returns the ec2 calls' trace lines.
func ec2Trace(t *testing.T, withS3 bool) string {
	env := sim.New(7, sim.WithTrace())
	t.Cleanup(env.Close)
	w, err := NewWorld(env, Options{HostsPerAZ: map[string]int{}})
	require.NoError(t, err)
	withAlice(t, w)
	require.NoError(t, w.Faults().SetErrorRate("ec2", "us-east-1", 0.3))
	require.NoError(t, w.Faults().SetErrorRate("s3", "us-east-1", 0.3))
	require.NoError(t, w.Faults().SetThrottleRate("s3", "us-east-1", 0.2))
	az2, _ := w.InAZ("use1-az2")
	env.Go("ec2-client", func(p *sim.Proc) {
		for i := range 40 {
			op := []string{"DescribeInstances", "RunInstances", "TerminateInstances"}[i%3]
			w.Call(p, Request{Service: "ec2", Operation: op, Region: "us-east-1", Credentials: alice(w), From: az2},
				func(*Call) error { return nil })
			p.Sleep(time.Second)
		}
	})
	if withS3 {
		env.Go("s3-client", func(p *sim.Proc) {
			for range 60 {
				w.Call(p, getReq(w, Location{}), func(c *Call) error { c.SetResponseBytes(1 << 20); return nil })
				p.Sleep(300 * time.Millisecond)
			}
		})
	}
	env.Run()
	ids := map[string]bool{}
	var b strings.Builder
	for _, r := range env.Trace().Records() {
		if r.Kind == "request" {
			for _, f := range r.Fields {
				if f.Key == "service" && f.Value == "ec2" {
					ids[r.Subject] = true
				}
			}
		}
		if ids[r.Subject] {
			b.WriteString(r.String())
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// TestStreamsPerService pins that latency, fault and backoff draws and
// request IDs come from streams named per service and region: adding s3
// calls to an ec2 scenario leaves the ec2 trace unchanged, line for line,
// and the trace matches testdata/ec2-streams.golden (regenerate with
// -update and read the diff).
func TestStreamsPerService(t *testing.T) {
	alone := ec2Trace(t, false)
	mixed := ec2Trace(t, true)
	require.Equal(t, alone, mixed)
	require.Greater(t, strings.Count(alone, "\n"), 80, "the scenario made its calls")
	path := filepath.Join("testdata", "ec2-streams.golden")
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(alone), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run with -update to create it")
	require.Equal(t, string(want), alone)
}

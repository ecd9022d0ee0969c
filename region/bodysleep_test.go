package region

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nimbus-sim/nimbus/sim"
)

// TestPlainBodySleepsWithLatency checks the shortcut attempt takes for a
// body that shares no interface's bandwidth (slept with the latency, one
// wake-up) against the general path, which a context with a deadline
// takes (a sleep, then flow): the same seed gives the same elapsed time,
// to the nanosecond, with a request body, a response body and both.
func TestPlainBodySleepsWithLatency(t *testing.T) {
	for _, tc := range []struct {
		name      string
		req, resp int64
	}{{"request", 3 << 20, 0}, {"response", 0, 5 << 20}, {"both", 1 << 20, 7 << 20}} {
		t.Run(tc.name, func(t *testing.T) {
			elapsed := func(bounded bool) time.Duration {
				w := pipelineWorld(t, 7)
				from, err := w.InAZ("use1-az1")
				require.NoError(t, err)
				req := getReq(w, from)
				req.RequestBytes = tc.req
				return run(w, func(p *sim.Proc) {
					var ctx context.Context = p
					if bounded {
						c, cancel := sim.WithTimeout(p, time.Hour)
						defer cancel()
						ctx = c
					}
					for range 20 {
						require.NoError(t, w.Call(ctx, req, func(c *Call) error {
							c.SetResponseBytes(tc.resp)
							return nil
						}))
					}
				})
			}
			plain, general := elapsed(false), elapsed(true)
			require.Equal(t, general, plain)
			// 20 calls moving the bodies at no more than 10 Gbit/s take
			// at least their bytes' time: the bodies were not dropped.
			require.Greater(t, plain, time.Duration(20*(tc.req+tc.resp)*8/10)*time.Nanosecond)
		})
	}
}

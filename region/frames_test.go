package region

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nimbus-sim/nimbus/sim"
)

// TestInterleavedCallsKeepTheirOwnFrames: calls from many processes are in
// flight at once (each waits out its latency while the others run); every
// effect sees its own request, every meter runs for its own call, and the
// pipeline ends up with one reusable frame per call that was in flight.
func TestInterleavedCallsKeepTheirOwnFrames(t *testing.T) {
	w := pipelineWorld(t, 1)
	from, err := w.InAZ("use1-az1")
	require.NoError(t, err)
	const procs, calls = 20, 3
	metered := make([]int, procs)
	ids := map[string]bool{}
	inFlight, maxInFlight := 0, 0
	env := w.Env()
	for i := range procs {
		env.Go(fmt.Sprintf("caller-%d", i), func(p *sim.Proc) {
			for k := range calls {
				req := getReq(w, from)
				req.Resource = fmt.Sprintf("arn:aws:s3:::bucket/key-%d-%d", i, k)
				inFlight++
				err := w.Call(p, req, func(c *Call) error {
					maxInFlight = max(maxInFlight, inFlight)
					if c.Request().Resource != req.Resource || c.Attempt() != 1 {
						return fmt.Errorf("caller %d call %d sees %q attempt %d", i, k, c.Request().Resource, c.Attempt())
					}
					ids[c.RequestID()] = true
					c.Meter(func() { metered[i]++ })
					return nil
				})
				inFlight--
				if err != nil {
					t.Error(err)
				}
			}
		})
	}
	env.Run()
	require.Greater(t, maxInFlight, 1, "the calls did not interleave")
	for i, n := range metered {
		require.Equal(t, calls, n, "caller %d", i)
	}
	require.Len(t, ids, procs*calls, "request IDs")
	require.Len(t, w.pipe.free, maxInFlight, "one frame per call in flight at the peak")
}

// TestCallPointersAreClearedOnReturn: a Request kept past its call reads
// zero values, never a later call's.
func TestCallPointersAreClearedOnReturn(t *testing.T) {
	w := pipelineWorld(t, 1)
	from, err := w.InAZ("use1-az1")
	require.NoError(t, err)
	var kept, second *Request
	var errs [2]error
	var emptyBetween bool
	run(w, func(p *sim.Proc) {
		errs[0] = w.Call(p, getReq(w, from), func(c *Call) error { kept = c.Request(); return nil })
		emptyBetween = kept.Resource == ""
		req := getReq(w, from)
		req.Resource = "arn:aws:s3:::bucket/other"
		errs[1] = w.Call(p, req, func(c *Call) error { second = c.Request(); return nil })
	})
	require.NoError(t, errs[0])
	require.NoError(t, errs[1])
	require.True(t, emptyBetween, "the first call's request after it returned")
	require.Same(t, kept, second, "the frame is reused")
	require.Empty(t, kept.Resource)
}

// TestCallAllocatesNothing: a successful call authorized by IAM, with and
// without a Router, allocates nothing once the pipeline has a frame.
func TestCallAllocatesNothing(t *testing.T) {
	for _, routed := range []bool{false, true} {
		w := pipelineWorld(t, 1)
		req := getReq(w, vpcLoc(t, w, "subnet-public"))
		if routed {
			w.Network().SetRouter(&testRouter{})
		} else {
			req.From, _ = w.InAZ("use1-az1")
		}
		var allocs float64
		run(w, func(p *sim.Proc) {
			call := func() {
				if err := w.Call(p, req, func(*Call) error { return nil }); err != nil {
					t.Error(err)
				}
			}
			call()
			allocs = testing.AllocsPerRun(100, call)
		})
		require.Zero(t, allocs, "routed=%v", routed)
	}
}

package region

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nimbus-sim/nimbus/sim"
)

// TestCallContexts: a call finds its process through ctx.Value, so
// derived contexts work; a sim.WithTimeout deadline ends a hung call at
// the deadline with context.DeadlineExceeded and stops its retries; a nil
// or foreign context is a clear error.
func TestCallContexts(t *testing.T) {
	w := pipelineWorld(t, 1)
	ok := func(*Call) error { return nil }
	run(w, func(p *sim.Proc) {
		type key struct{}
		ctx := context.WithValue(p, key{}, "v")
		require.NoError(t, w.Call(ctx, getReq(w, Location{}), ok))
		cctx, cancel := context.WithCancel(p)
		require.NoError(t, w.Call(cctx, getReq(w, Location{}), ok))
		cancel()
		require.ErrorIs(t, w.Call(cctx, getReq(w, Location{}), ok), context.Canceled)
	})
	require.ErrorIs(t, w.Call(context.Background(), getReq(w, Location{}), ok), sim.ErrNoProcess)
	//lint:ignore SA1012 a nil context is the bad input under test
	require.ErrorIs(t, w.Call(nil, getReq(w, Location{}), ok), sim.ErrNoProcess) //nolint:staticcheck

	// Every response hangs: without a deadline the call would wait out
	// three 60 s read timeouts; with a 5 s virtual deadline it returns at
	// 5 s.
	require.NoError(t, w.Faults().SetTimeoutRate("s3", "us-east-1", 1))
	var err error
	elapsed := run(w, func(p *sim.Proc) {
		ctx, cancel := sim.WithTimeout(p, 5*time.Second)
		defer cancel()
		err = w.Call(ctx, getReq(w, Location{}), ok)
	})
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Contains(t, err.Error(), "operation error S3: GetObject")
	require.Equal(t, 5*time.Second, elapsed)
}

// TestProcessPlaceFollowsSetLocation: a process's calls come from the
// place SetLocation last gave it, also while the pipeline remembers the
// process's place (placeOf), and a derived context's own place wins.
func TestProcessPlaceFollowsSetLocation(t *testing.T) {
	w := pipelineWorld(t, 1)
	az1, err := w.InAZ("use1-az1")
	require.NoError(t, err)
	fromOf := func(ctx context.Context) Location {
		var from Location
		req := getReq(w, Location{})
		require.NoError(t, w.Call(ctx, req, func(c *Call) error { from = c.From(); return nil }))
		return from
	}
	var otherFrom Location
	run(w, func(p *sim.Proc) {
		require.Equal(t, OnInternet("us-east-1"), fromOf(p), "no place: an internet client")
		SetLocation(p, az1)
		require.Equal(t, az1, fromOf(p))
		require.Equal(t, az1, fromOf(p))
		other := OnInternet("eu-west-1")
		require.Equal(t, other, fromOf(WithLocation(p, other)))
		SetLocation(p, other)
		require.Equal(t, other, fromOf(p))
		SetLocation(p, az1)
		require.Equal(t, az1, fromOf(p))
		w.Env().Go("other", func(q *sim.Proc) {
			require.NoError(t, q.Sleep(time.Second)) // after p's calls
			otherFrom = fromOf(q)
		})
	})
	require.Equal(t, OnInternet("us-east-1"), otherFrom, "another process has no place")
}

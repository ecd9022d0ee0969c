package elb_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestDeterministic: the same seed gives the same latencies and statuses.
func TestDeterministic(t *testing.T) {
	run := func() string {
		f := newFix(t, 50)
		st := f.newStack(1, handler(5*time.Millisecond), serveOpts())
		rec, _ := f.load(st.ep, "/", 100, 20*time.Second)
		return fmt.Sprint(rec.Samples())
	}
	a, b := run(), run()
	require.NotEmpty(t, a)
	require.Equal(t, a, b)
}

package sim

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// A frozen process's sleep that ends meanwhile returns at Thaw (overdue),
// its context stays valid, an Interrupt sent while frozen arrives at the
// next wait, and Kill still ends it.
func TestFreezeHoldsWakeUntilThaw(t *testing.T) {
	env := New(1)
	var woke []Time
	var intr error
	p := env.Go("p", func(p *Proc) {
		require.NoError(t, p.Sleep(time.Minute))
		woke = append(woke, p.Now())
		intr = p.Sleep(time.Hour)
		woke = append(woke, p.Now())
		_ = p.Sleep(time.Hour)
	})
	env.At(Time(30*time.Second), p.Freeze)
	env.At(Time(10*time.Minute), func() {
		require.Empty(t, woke)
		require.NoError(t, p.Err())
		require.True(t, p.Frozen())
		p.Interrupt("while frozen")
		p.Thaw()
	})
	env.At(Time(20*time.Minute), func() { p.Kill(nil) })
	env.Run()
	require.Equal(t, []Time{Time(10 * time.Minute), Time(10 * time.Minute)}, woke)
	var in *Interrupted
	require.ErrorAs(t, intr, &in)
	require.False(t, p.Alive())
}

package sim

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// An event's waiters resume in the order they started waiting, also after
// some of them (the first among them) gave up on a timeout: the one after
// a dropped first waiter moves up in its place.
func TestEventWaitersKeepOrder(t *testing.T) {
	e := New(1)
	defer e.Close()
	ev := e.NewEvent("ev")
	var got []string
	wait := func(name string, d time.Duration) {
		e.Go(name, func(p *Proc) {
			if d > 0 {
				if ok, _ := p.WaitTimeout(ev, d); !ok {
					got = append(got, name+":timeout")
					return
				}
			} else {
				require.NoError(t, p.Wait(ev))
			}
			got = append(got, name)
		})
	}
	wait("a", time.Minute) // first, gives up
	wait("b", 0)
	wait("c", 2*time.Minute) // gives up too
	wait("d", 0)
	wait("e", 0)
	e.After(time.Hour, func() { ev.Trigger(nil) })
	e.Run()
	require.Equal(t, []string{"a:timeout", "c:timeout", "b", "d", "e"}, got)
	require.Empty(t, ev.waiters)
}

// Fail's error is what Err reports, and Value stays nil.
func TestEventFailValue(t *testing.T) {
	e := New(1)
	defer e.Close()
	ev := e.NewEvent("ev")
	require.NoError(t, ev.Err())
	boom := errTest("boom")
	ev.Fail(boom)
	require.True(t, ev.Triggered())
	require.Nil(t, ev.Value())
	require.Equal(t, boom, ev.Err())
	ok := e.NewEvent("ok")
	ok.Trigger(boom) // an error as a value is a value
	require.Equal(t, boom, ok.Value())
	require.NoError(t, ok.Err())
}

type errTest string

func (e errTest) Error() string { return string(e) }

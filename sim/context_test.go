package sim

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestProcFromSeesThroughDerivedContexts(t *testing.T) {
	env := New(1)
	defer env.Close()
	env.Go("p", func(p *Proc) {
		type key struct{}
		for _, ctx := range []context.Context{
			p,
			context.WithValue(p, key{}, 1),
			context.WithoutCancel(context.WithValue(p, key{}, 2)),
		} {
			if q, ok := ProcFrom(ctx); !ok || q != p {
				t.Errorf("ProcFrom(%v) = %v, %v", ctx, q, ok)
			}
		}
		d, cancel := WithTimeout(context.WithValue(p, key{}, 3), time.Second)
		defer cancel()
		if q, ok := ProcFrom(d); !ok || q != p {
			t.Error("ProcFrom through WithTimeout")
		}
	})
	env.Run()
	//lint:ignore SA1012 a nil context is the bad input under test
	if _, ok := ProcFrom(nil); ok { //nolint:staticcheck
		t.Error("nil context has a process")
	}
	if _, err := MustProcFrom(context.Background()); !errors.Is(err, ErrNoProcess) {
		t.Errorf("background: %v", err)
	}
}

func TestWithTimeoutIsVirtual(t *testing.T) {
	env := New(1)
	defer env.Close()
	env.Go("p", func(p *Proc) {
		ctx, cancel := WithTimeout(p, 10*time.Second)
		defer cancel()
		inner, cancel2 := WithTimeout(ctx, time.Hour) // the outer, earlier deadline wins
		defer cancel2()
		at, ok := DeadlineOf(inner)
		if !ok || at != Time(10*time.Second) {
			t.Errorf("deadline %v %v", at, ok)
		}
		if dl, ok := inner.Deadline(); !ok || !dl.Equal(env.Epoch().Add(10*time.Second)) {
			t.Errorf("calendar deadline %v", dl)
		}
		done := inner.Done()
		if inner.Err() != nil {
			t.Error("expired early")
		}
		p.Sleep(10 * time.Second)
		if !errors.Is(inner.Err(), context.DeadlineExceeded) {
			t.Errorf("err %v", inner.Err())
		}
		select {
		case <-done:
		default:
			t.Error("Done not closed at the deadline")
		}
		c3, cancel3 := WithTimeout(p, time.Minute)
		cancel3()
		cancel3()
		if !errors.Is(c3.Err(), context.Canceled) {
			t.Errorf("cancelled: %v", c3.Err())
		}
		<-c3.Done()
	})
	env.Run()
	if env.Now() != Time(10*time.Second) {
		t.Errorf("a deadline timer kept Run going: now %v", env.Now())
	}
	bg, cancel := WithTimeout(context.Background(), time.Second)
	defer cancel()
	if !errors.Is(bg.Err(), ErrNoProcess) || bg.Done() == nil {
		t.Errorf("no-process context: %v", bg.Err())
	}
}

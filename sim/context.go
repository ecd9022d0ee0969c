package sim

import (
	"context"
	"errors"
	"time"
)

// This file lets contexts compose: a simulated API call takes ctx first, as
// the AWS SDK does, and finds its process through ctx.Value, so
// context.WithValue and the deadlines below wrap a *Proc without hiding it.

// procKey is the ctx.Value key under which a *Proc answers with itself.
type procKey struct{}

// deadlineKey is the key under which a WithTimeout context answers with
// itself, so nested deadlines find the one to honour.
type deadlineKey struct{}

// ErrNoProcess is returned when a simulated call gets a nil context or one
// that was not derived from a *Proc (context.Background, say): there is no
// process whose virtual time the call could spend.
var ErrNoProcess = errors.New("sim: context carries no *sim.Proc: pass the calling process, or a context derived from it")

// ProcFrom returns the process behind ctx: ctx itself when it is a *Proc,
// else the process a derived context (context.WithValue, WithTimeout,
// context.WithCancel, ...) was made from. It reports false for a nil
// context and for one with no process behind it.
func ProcFrom(ctx context.Context) (*Proc, bool) {
	if ctx == nil {
		return nil, false
	}
	if p, ok := ctx.(*Proc); ok {
		return p, p != nil
	}
	p, ok := ctx.Value(procKey{}).(*Proc)
	return p, ok && p != nil
}

// MustProcFrom is ProcFrom for callers that return an error: it returns
// ErrNoProcess instead of false.
func MustProcFrom(ctx context.Context) (*Proc, error) {
	p, ok := ProcFrom(ctx)
	if !ok {
		return nil, ErrNoProcess
	}
	return p, nil
}

// timeoutCtx is a virtual-time deadline on a process's context.
type timeoutCtx struct {
	context.Context // the parent
	p               *Proc
	at              Time
	canceled        bool
	closed          bool
	done            chan struct{}
}

func (c *timeoutCtx) closeDone() {
	if c.done != nil && !c.closed {
		c.closed = true
		close(c.done)
	}
}

// WithTimeout returns a context whose deadline is d of virtual time from
// now, as context.WithTimeout sets one in wall-clock time. Every
// simulated service call honours it as the SDK honours a context
// deadline: a call that would still be waiting at the deadline returns
// at the deadline with an error matching context.DeadlineExceeded, and
// its retry loop stops. A deadline later than the parent's keeps the
// parent's. Calling cancel makes Err report context.Canceled.
//
// ctx must carry a process (ProcFrom); otherwise the returned context's
// Err is ErrNoProcess and every call made with it fails with that error.
func WithTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	p, ok := ProcFrom(ctx)
	if !ok {
		return WithDeadline(ctx, 0)
	}
	return WithDeadline(ctx, p.env.now.Add(d))
}

// WithDeadline is WithTimeout with an absolute virtual instant.
func WithDeadline(ctx context.Context, at Time) (context.Context, context.CancelFunc) {
	p, ok := ProcFrom(ctx)
	if !ok {
		c := &timeoutCtx{Context: noProc{ctx}}
		return c, func() { c.canceled = true }
	}
	if prev, ok := DeadlineOf(ctx); ok && prev < at {
		at = prev
	}
	c := &timeoutCtx{Context: ctx, p: p, at: at}
	return c, func() {
		c.canceled = true
		c.closeDone()
	}
}

// DeadlineOf returns the virtual deadline set on ctx by WithTimeout or
// WithDeadline (the earliest, when nested).
func DeadlineOf(ctx context.Context) (Time, bool) {
	if ctx == nil {
		return 0, false
	}
	c, ok := ctx.Value(deadlineKey{}).(*timeoutCtx)
	if !ok || c.p == nil {
		return 0, false
	}
	return c.at, true
}

// Deadline implements context.Context in calendar time (the epoch plus
// the virtual deadline).
func (c *timeoutCtx) Deadline() (time.Time, bool) {
	if c.p == nil {
		return time.Time{}, false
	}
	return c.p.env.TimeOf(c.at), true
}

// Err implements context.Context: Canceled after cancel, DeadlineExceeded
// once the virtual clock reaches the deadline, else the parent's Err.
func (c *timeoutCtx) Err() error {
	switch {
	case c.canceled:
		return context.Canceled
	case c.p == nil:
		return ErrNoProcess
	case c.p.env.now >= c.at:
		return context.DeadlineExceeded
	}
	return c.Context.Err()
}

// Done implements context.Context: the channel closes at the virtual
// deadline (a daemon timer, so it never keeps Run going) or on cancel.
// The parent's end shows in Err, not here.
func (c *timeoutCtx) Done() <-chan struct{} {
	if c.done != nil {
		return c.done
	}
	c.done = make(chan struct{})
	if c.canceled || c.p == nil {
		c.closeDone()
		return c.done
	}
	c.p.env.AtDaemon(max(c.at, c.p.env.now), c.closeDone)
	return c.done
}

// Value implements context.Context.
func (c *timeoutCtx) Value(key any) any {
	if _, ok := key.(deadlineKey); ok {
		return c
	}
	return c.Context.Value(key)
}

// noProc stands in for a parent (possibly nil) that carries no process, so
// Err says so and nothing dereferences a nil parent.
type noProc struct{ parent context.Context }

func (n noProc) Deadline() (time.Time, bool) { return time.Time{}, false }
func (n noProc) Done() <-chan struct{}       { return nil }
func (n noProc) Err() error                  { return ErrNoProcess }
func (n noProc) Value(key any) any {
	if n.parent == nil {
		return nil
	}
	return n.parent.Value(key)
}

package sim

import (
	"fmt"
	"time"
)

// Time is a virtual instant: nanoseconds since the simulation epoch of the
// Env that produced it (by default 2026-01-01T00:00:00Z). It is an integer
// so that ordering and arithmetic are exact and runs are reproducible.
// Use Env.TimeOf to turn it into a calendar time.Time.
type Time int64

// DefaultEpoch returns the calendar instant at which a new Env's clock
// reads zero, 2026-01-01T00:00:00Z (WithEpoch sets another). It is a
// function, not a variable, so that no code can move every Env's epoch at
// once while replications run.
func DefaultEpoch() time.Time { return time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC) }

// MaxTime is the largest representable virtual instant (about 292 years
// after the epoch).
const MaxTime = Time(1<<63 - 1)

// Add returns t+d.
func (t Time) Add(d time.Duration) Time { return t + Time(d) }

// Sub returns the duration t-u.
func (t Time) Sub(u Time) time.Duration { return time.Duration(t - u) }

// Before reports whether t is before u.
func (t Time) Before(u Time) bool { return t < u }

// After reports whether t is after u.
func (t Time) After(u Time) bool { return t > u }

// Duration returns the time elapsed since the epoch.
func (t Time) Duration() time.Duration { return time.Duration(t) }

// Seconds returns t in seconds since the epoch, for reports and plots.
func (t Time) Seconds() float64 { return time.Duration(t).Seconds() }

// String formats t as the offset from the epoch, e.g. "+1h2m3s".
func (t Time) String() string { return fmt.Sprintf("+%v", time.Duration(t)) }

// Clock is the read-only view of virtual time that packages which only
// read the clock (iam for credential expiry, billing for calendar months)
// accept instead of a whole Env. *Env implements it.
type Clock interface {
	// Now returns the current virtual instant.
	Now() Time
	// TimeOf returns the calendar instant of t.
	TimeOf(t Time) time.Time
}

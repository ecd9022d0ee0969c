package s3

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/nimbus-sim/nimbus/internal/awserr"
	"github.com/nimbus-sim/nimbus/sim"
)

// Throttle is S3's request-rate model. AWS documents at least 3,500
// PUT/COPY/POST/DELETE and 5,500 GET/HEAD requests per second per
// partitioned prefix, no limit on the number of prefixes, and gradual
// scaling with 503 SlowDown while it happens:
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/optimizing-performance.html
//
// Assumptions (AWS publishes no mechanism): a key's partition is its
// bucket plus the key up to and including its first "/" (keys without one
// share the bucket's root partition); rates are counted in fixed one-second
// windows; and a partition that keeps throttling doubles its capacity after
// every RampInterval of throttling, without bound, and keeps what it
// gained.
type Throttle struct {
	WritesPerSecond int
	ReadsPerSecond  int
	RampInterval    time.Duration
	// Disabled turns throttling off.
	Disabled bool
}

// DefaultThrottle returns AWS's documented baseline with a 30-minute ramp
// (the ramp is an assumption).
func DefaultThrottle() Throttle {
	return Throttle{WritesPerSecond: 3500, ReadsPerSecond: 5500, RampInterval: 30 * time.Minute}
}

func (t Throttle) validate() error {
	if t.Disabled {
		return nil
	}
	if t.WritesPerSecond <= 0 || t.ReadsPerSecond <= 0 || t.RampInterval <= 0 {
		return fmt.Errorf("s3: invalid Throttle %+v", t)
	}
	return nil
}

// partition is one partitioned prefix's rate state.
type partition struct {
	window        sim.Time // start of the current one-second window
	reads, writes int
	scale         int      // capacity multiplier, from 1
	hotSince      sim.Time // first throttle of the current hot spell; -1 when calm
	lastThrottle  sim.Time
}

// PartitionOf returns the partitioned prefix a key counts against under
// the Throttle model: the key up to and including its first "/".
func PartitionOf(key string) string {
	if i := strings.IndexByte(key, '/'); i >= 0 {
		return key[:i+1]
	}
	return ""
}

func (s *Service) throttle(b *bucket, r *request) error {
	t := &s.opts.Throttle
	if t.Disabled || r.noBucket {
		return nil
	}
	pk := PartitionOf(r.key)
	pt := b.hot[pk]
	if pt == nil {
		if b.hot == nil {
			b.hot = map[string]*partition{}
		}
		pt = &partition{scale: 1, hotSince: -1}
		b.hot[pk] = pt
	}
	now := s.env.Now()
	if w := now - now%sim.Time(time.Second); w != pt.window {
		// A whole calm second ends a hot spell.
		if pt.hotSince >= 0 && pt.lastThrottle < w-sim.Time(time.Second) {
			pt.hotSince = -1
		}
		pt.window, pt.reads, pt.writes = w, 0, 0
	}
	limit, n := t.ReadsPerSecond, &pt.reads
	if r.write {
		limit, n = t.WritesPerSecond, &pt.writes
	}
	*n++
	if *n <= limit*pt.scale {
		return nil
	}
	if pt.hotSince < 0 {
		pt.hotSince = now
	} else if time.Duration(now-pt.hotSince) >= t.RampInterval {
		pt.scale *= 2
		pt.hotSince = now
	}
	pt.lastThrottle = now
	s.stats.SlowDowns++
	return awserr.New("SlowDown", http.StatusServiceUnavailable, true, "Please reduce your request rate.")
}

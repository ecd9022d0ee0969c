package s3

import (
	"time"

	"github.com/nimbus-sim/nimbus/billing"
	"github.com/nimbus-sim/nimbus/sim"
)

// This file moves Intelligent-Tiering objects between access tiers as S3
// documents it: an object starts in the Frequent Access tier, moves to
// the Infrequent Access tier after 30 consecutive days without access and
// to the Archive Instant Access tier after 90; a GetObject or CopyObject
// of it (not HEAD or LIST) brings it back to Frequent Access. Objects
// smaller than 128 KiB are not monitored: they stay in Frequent Access and
// carry no monitoring and automation charge; every other object pays that
// charge per object and month. No retrieval or tiering charges apply.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/intelligent-tiering-overview.html
// https://aws.amazon.com/s3/pricing/ (as of 2026-12: the storage-pricing
// footnote on objects under 128 KB; tier and monitoring prices are in the
// billing catalog under the usage types below)
//
// No object has a timer. An object keeps the day of its last access; its
// tier is computed from that day when needed, and the bytes it will move
// are booked per bucket under the midnight (UTC) they move at. One daemon
// timer per bucket applies a midnight's moves to the tier meters then, so
// storage is metered per tier at the instants it changes tier and ten
// million objects cost a map entry per distinct access day, not a timer
// each. S3 does not say at what time of day it moves an object; this model
// moves it at the first midnight UTC at least 30 (90) days after its last
// access.

// intTier is an Intelligent-Tiering access tier.
type intTier uint8

const (
	tierFrequent intTier = iota
	tierInfrequent
	tierArchiveInstant
	numTiers
)

const (
	// intMonitorMin is the smallest object Intelligent-Tiering monitors.
	intMonitorMin    = 128 << 10
	intToInfrequent  = 30 // days without access
	intToArchive     = 90
	intMonitorUsage  = "Monitoring-Automation-INT"
	intMonitorOpName = "IntelligentTieringMonitoring"
	intStorageOpName = "IntelligentTieringStorage"
	secondsPerDay    = int64(day / time.Second)
	intTierUsageFA   = "TimedStorage-INT-FA-ByteHrs"
	intTierUsageIA   = "TimedStorage-INT-IA-ByteHrs"
	intTierUsageAIA  = "TimedStorage-INT-AIA-ByteHrs"
)

var tierUsage = [numTiers]string{intTierUsageFA, intTierUsageIA, intTierUsageAIA}

// intState is a bucket's Intelligent-Tiering bookkeeping.
type intState struct {
	// tiers are the Infrequent and Archive Instant meters (Frequent Access
	// is the class meter, b.meters[classIntelligentTiering]).
	tiers   [numTiers]classMeter
	monitor classMeter // rate: monitored objects
	// due maps a midnight (days since 1970-01-01 UTC) to the bytes that
	// move then: [0] Frequent to Infrequent, [1] Infrequent to Archive.
	due     map[uint32][2]int64
	through uint32 // the last midnight applied
	timer   sim.Timer
}

// dayIndex returns the day (since 1970-01-01 UTC) of the midnight at or
// before t; ceilDay the one at or after t.
func (s *Service) dayIndex(t sim.Time) uint32 {
	return uint32(s.env.TimeOf(t).Unix() / secondsPerDay)
}

func (s *Service) ceilDay(t sim.Time) uint32 {
	tt := s.env.TimeOf(t).UTC()
	m := tt.Truncate(day)
	d := m.Unix() / secondsPerDay
	if m.Before(tt) {
		d++
	}
	return uint32(d)
}

// monitored reports whether v is an Intelligent-Tiering object that moves
// between tiers.
func (v *version) monitored() bool {
	return v.class == classIntelligentTiering && !v.deleteMarker() && v.size >= intMonitorMin
}

// tierOf returns the access tier of an Intelligent-Tiering version now.
func (s *Service) tierOf(v *version) intTier {
	if !v.monitored() {
		return tierFrequent
	}
	today := s.dayIndex(s.env.Now())
	switch {
	case today >= v.accessDay+intToArchive:
		return tierArchiveInstant
	case today >= v.accessDay+intToInfrequent:
		return tierInfrequent
	}
	return tierFrequent
}

// intOf returns b's tiering state, creating it.
func (s *Service) intOf(b *bucket) *intState {
	if b.tiering == nil {
		b.tiering = &intState{due: map[uint32][2]int64{}, through: s.dayIndex(s.env.Now())}
	}
	return b.tiering
}

// catchUp applies the moves due at every midnight up to now, so the tier
// meters are right before anything changes them.
func (s *Service) catchUp(b *bucket) {
	st := b.tiering
	if st == nil {
		return
	}
	today := s.dayIndex(s.env.Now())
	for d := st.through + 1; d <= today && len(st.due) > 0; d++ {
		mv, ok := st.due[d]
		if !ok {
			continue
		}
		delete(st.due, d)
		s.moveTier(b, tierFrequent, tierInfrequent, mv[0])
		s.moveTier(b, tierInfrequent, tierArchiveInstant, mv[1])
	}
	if today > st.through {
		st.through = today
	}
}

func (s *Service) moveTier(b *bucket, from, to intTier, bytes int64) {
	if bytes == 0 {
		return
	}
	s.meterTier(b, from, -bytes)
	s.meterTier(b, to, bytes)
}

// meterTier changes the bytes of one tier of b.
func (s *Service) meterTier(b *bucket, t intTier, delta int64) {
	if t == tierFrequent {
		s.meterStorage(b, classIntelligentTiering, delta)
		return
	}
	s.meterBytes(b, &s.intOf(b).tiers[t], tierUsage[t], intStorageOpName, delta)
}

// book adds (sign 1) or removes (sign -1) v's pending moves.
func (st *intState) book(v *version, from intTier, sign int64) {
	if from == tierFrequent {
		st.add(v.accessDay+intToInfrequent, 0, sign*v.size)
	}
	if from <= tierInfrequent {
		st.add(v.accessDay+intToArchive, 1, sign*v.size)
	}
}

func (st *intState) add(d uint32, i int, delta int64) {
	mv := st.due[d]
	mv[i] += delta
	if mv == [2]int64{} {
		delete(st.due, d)
		return
	}
	st.due[d] = mv
}

// intAdd accounts a new Intelligent-Tiering version (or one moved into
// the class): it starts in Frequent Access, accessed now.
func (s *Service) intAdd(b *bucket, v *version) {
	v.accessDay = s.ceilDay(s.env.Now())
	s.catchUp(b)
	s.meterTier(b, tierFrequent, v.size)
	if !v.monitored() {
		return
	}
	st := s.intOf(b)
	st.book(v, tierFrequent, 1)
	s.meterBytes(b, &st.monitor, intMonitorUsage, intMonitorOpName, 1)
	s.armTiering(b)
}

// intRemove accounts an Intelligent-Tiering version leaving (deleted,
// overwritten, lost or moved to another class) from the tier it is in.
func (s *Service) intRemove(b *bucket, v *version) {
	s.catchUp(b)
	t := s.tierOf(v)
	s.meterTier(b, t, -v.size)
	if !v.monitored() {
		return
	}
	st := s.intOf(b)
	st.book(v, t, -1)
	s.meterBytes(b, &st.monitor, intMonitorUsage, intMonitorOpName, -1)
}

// intAccess records a GetObject or CopyObject of v: it moves back to
// Frequent Access and its 30 and 90 days start again.
func (s *Service) intAccess(b *bucket, v *version) {
	if !v.monitored() {
		return
	}
	s.catchUp(b)
	st := s.intOf(b)
	t := s.tierOf(v)
	st.book(v, t, -1)
	s.moveTier(b, t, tierFrequent, v.size)
	v.accessDay = s.ceilDay(s.env.Now())
	st.book(v, tierFrequent, 1)
	s.armTiering(b)
}

// armTiering keeps one daemon timer per bucket at the next midnight while
// moves are pending: tiering is S3's work, not the scenario's, so it
// never keeps the simulation running.
func (s *Service) armTiering(b *bucket) {
	st := b.tiering
	if st == nil || st.timer.Pending() || len(st.due) == 0 || b.deleted {
		return
	}
	now := s.env.TimeOf(s.env.Now()).UTC()
	next := s.env.FromTime(now.Truncate(day).Add(day))
	st.timer = s.env.AtDaemon(next, func() {
		s.catchUp(b)
		s.armTiering(b)
	})
}

// meterBytes changes one timed storage meter of b by delta (bytes, or
// objects for the monitoring charge).
func (s *Service) meterBytes(b *bucket, m *classMeter, usageType, op string, delta int64) {
	m.bytes += delta
	if m.id.IsValid() {
		if m.bytes == 0 {
			_ = s.ledger.StopTimed(m.id, billing.StopOptions{})
			m.id = 0
			return
		}
		_ = s.ledger.SetTimedRate(m.id, m.bytes)
		return
	}
	if m.bytes <= 0 {
		return
	}
	id, err := s.ledger.StartTimed(billing.Usage{Account: b.owner, Service: "AmazonS3", UsageType: usageType,
		Operation: op, Region: b.region, ResourceID: b.name, Quantity: m.bytes}, billing.PerSecond)
	if err == nil {
		m.id = id
	}
}

// addStorage meters a version's bytes in its class (in its tier, for
// Intelligent-Tiering); removeStorage takes them out.
func (s *Service) addStorage(b *bucket, v *version) {
	if v.class == classIntelligentTiering {
		s.intAdd(b, v)
		return
	}
	s.meterStorage(b, v.class, v.class.billable(v.size))
}

func (s *Service) removeStorage(b *bucket, v *version) {
	if v.class == classIntelligentTiering {
		s.intRemove(b, v)
		return
	}
	s.meterStorage(b, v.class, -v.class.billable(v.size))
}

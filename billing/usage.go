package billing

import (
	"hash/maphash"
	"math/bits"

	"github.com/nimbus-sim/nimbus/sim"
)

// Usage is one usage record a service reports to the meter: how much of a
// usage type a resource consumed over an interval, with the dimensions AWS
// puts on a Cost and Usage Report line.
//
// Quantity is an exact integer in the usage type's raw unit
// (Product.RawUnit: seconds for "Hrs" types, bytes for "GB", requests,
// byte-seconds for S3 storage, GiB-seconds for EBS, MB-ms for Lambda
// duration, ...); the catalog converts it to the pricing unit exactly.
type Usage struct {
	Account    string // 12-digit account ID of the payer
	Service    string // AWS product code: "AmazonEC2", "AmazonS3", "AWSLambda", "AWSDataTransfer"
	UsageType  string // "BoxUsage:t3.micro", "TimedStorage-ByteHrs"; the region prefix is optional
	Operation  string // "RunInstances", "PutObject", ...
	Region     string // "us-east-1"
	AZ         string // AZ ID ("use1-az1"), or "" for regional usage
	ResourceID string // "i-0abc...", a bucket name, a function ARN
	Tags       map[string]string
	// Start and End bound the usage; both zero means "now". A record is
	// billed in the calendar month containing Start (timed meters split
	// exactly at month boundaries themselves).
	Start, End sim.Time
	Quantity   int64
	// Price, if non-zero, is the unit price per pricing unit that the
	// reporting service supplies (spot instances, whose price ec2 owns). It
	// is required for caller-priced usage types and overrides the catalog
	// for others; overridden usage gets no free tier and no tiering.
	Price Price
}

// lineKey identifies one accumulator: everything a line item is grouped by.
type lineKey struct {
	account, service, usageType, operation, region, az, resource string
	tags                                                         uint32
	month                                                        Month
	price                                                        Price
	timed                                                        bool // from a timed meter (forecasts extrapolate only records)
}

// slot is a preallocated per-key accumulator: Record adds into it instead
// of appending the record, so steady-state metering allocates nothing.
type slot struct {
	key         lineKey
	rate        *Rate  // shared by the slots of a (region, usage type): see rateOf
	bound       uint64 // femto-dollars per raw unit, an upper bound (budgets)
	qty         u128
	first, last sim.Time
	records     uint64
	next        int32 // 1 + the next slot whose key has the same hash; 0 ends the chain
}

// slotStore holds the slots in chunks of slotChunk: a ledger gains a slot
// per resource and month, and one flat slice would copy them all (a few
// hundred bytes each, pointers included) every time it grew.
type slotStore struct {
	chunks [][]slot
	n      int32
}

const slotChunkBits = 10

func (st *slotStore) at(i int32) *slot {
	return &st.chunks[i>>slotChunkBits][i&(1<<slotChunkBits-1)]
}

// add appends *s and returns its index. The first chunk grows like a
// slice, so a small ledger stays small; the next ones are made whole. The
// slot is built by the caller and copied once: a copy into the heap while
// the collector marks pays a write barrier over the whole slot.
func (st *slotStore) add(s *slot) int32 {
	i := st.n
	c := int(i >> slotChunkBits)
	if c == len(st.chunks) {
		var chunk []slot
		if c > 0 {
			chunk = make([]slot, 0, 1<<slotChunkBits)
		}
		st.chunks = append(st.chunks, chunk)
	}
	st.chunks[c] = append(st.chunks[c], *s)
	st.n++
	return i
}

type acctMonth struct {
	account string
	month   Month
}

// Record adds a usage record to the ledger. It is allocation-free once the
// record's key (account, service, usage type, operation, region, AZ,
// resource, tag set, month, price) has been seen; the first record of a key
// resolves its price in the catalog and fails with ErrUnknownUsageType or
// ErrUnknownRegion if it cannot.
func (l *Ledger) Record(u Usage) error {
	if u.Start == 0 && u.End == 0 {
		u.Start = l.clk.Now()
		u.End = u.Start
	}
	if u.End < u.Start {
		return newErr(ErrInvalidUsage, "billing: usage of %s ends (%v) before it starts (%v)", u.UsageType, u.End, u.Start)
	}
	if u.Quantity < 0 || u.Price < 0 {
		return newErr(ErrInvalidUsage, "billing: negative quantity %d or price %v for %s", u.Quantity, u.Price, u.UsageType)
	}
	k := lineKey{
		account: u.Account, service: u.Service, usageType: u.UsageType, operation: u.Operation,
		region: u.Region, az: u.AZ, resource: u.ResourceID,
		month: l.monthOf(u.Start), price: u.Price,
	}
	if len(u.Tags) > 0 {
		k.tags = l.tagID(u.Tags)
	}
	// A one-entry cache in front of the map: services often report a run
	// of records for the same key (a request stream on one bucket).
	i := l.lastSlot
	if l.slots.n == 0 || l.slots.at(i).key != k {
		var err error
		if i, err = l.slotOf(&k); err != nil {
			return err
		}
		l.lastSlot = i
	}
	s := l.slots.at(i)
	s.qty.add64(uint64(u.Quantity))
	if u.Start < s.first {
		s.first = u.Start
	}
	if u.End > s.last {
		s.last = u.End
	}
	s.records++
	if l.watched != nil {
		l.noteRecord(u.Account, u.Quantity, s.bound)
	}
	return nil
}

// The index maps a 64-bit hash of a key to the first slot with that hash;
// slots sharing a hash are chained through slot.next. Hashing the key once
// per lookup-or-insert, and keeping the map's entries 12 bytes instead of a
// whole key, matters because a ledger gains a slot per resource and month:
// a fleet launching thousands of instances grows the map all run long.
func (l *Ledger) keyHash(k *lineKey) uint64 { return maphash.Comparable(l.seed, *k) }

// lookup returns the slot of k, whose hash is h; when there is none,
// chain is what a new slot of hash h chains to (its slot.next).
func (l *Ledger) lookup(k *lineKey, h uint64) (i int32, ok bool, chain int32) {
	i, ok = l.index[h]
	if !ok {
		return 0, false, 0
	}
	chain = i + 1
	for {
		s := l.slots.at(i)
		if s.key == *k {
			return i, true, 0
		}
		if s.next == 0 {
			return 0, false, chain
		}
		i = s.next - 1
	}
}

// slotOf returns the slot of k, creating (and validating) it if new.
func (l *Ledger) slotOf(k *lineKey) (int32, error) {
	h := l.keyHash(k)
	i, ok, chain := l.lookup(k, h)
	if ok {
		return i, nil
	}
	return l.newSlot(k, h, chain)
}

// newSlot validates a new key, whose hash is h, and allocates its
// accumulator, chained to next (lookup's chain: the index's current slot
// of hash h, plus one; 0 for none). A ledger gains a slot per resource and
// month, so the index is large: this path probes it once (lookup) and
// writes it once.
func (l *Ledger) newSlot(k *lineKey, h uint64, next int32) (int32, error) {
	if k.account == "" {
		return 0, newErr(ErrInvalidUsage, "billing: usage of %s has no account", k.usageType)
	}
	rt, err := l.rateOf(k.region, k.usageType)
	if err != nil {
		return 0, err
	}
	if rt.CallerPriced && k.price == 0 {
		return 0, newErr(ErrInvalidUsage, "billing: usage type %s is priced by the caller; set Usage.Price", k.usageType)
	}
	if l.index == nil {
		l.index = make(map[uint64]int32)
		l.byAcctMonth = make(map[acctMonth][]int32)
	}
	i := l.slots.add(&slot{key: *k, rate: rt, bound: priceBound(*rt, k.price), first: sim.MaxTime, last: -1 << 63, next: next})
	l.index[h] = i
	am := acctMonth{k.account, k.month}
	l.byAcctMonth[am] = append(l.byAcctMonth[am], i)
	if k.account != l.lastAccount { // accounts only grow: the last one seen is there
		if _, ok := l.accounts[k.account]; !ok {
			if l.accounts == nil {
				l.accounts = make(map[string]*account)
			}
			l.accounts[k.account] = &account{id: k.account, plan: l.defaultPlan}
			l.accountOrder = append(l.accountOrder, k.account)
		}
		l.lastAccount = k.account
	}
	return i, nil
}

// rateOf resolves a usage type in the catalog once per (region, usage
// type) — a catalog never changes (Merge makes a new one) — so a ledger
// gaining a slot per resource neither resolves the name again nor keeps a
// copy of the rate in every slot.
func (l *Ledger) rateOf(region, usageType string) (*Rate, error) {
	for i := range l.recentRates {
		if r := &l.recentRates[i]; r.rt != nil && r.usageType == usageType && r.region == region {
			return r.rt, nil
		}
	}
	k := [2]string{region, usageType}
	if rt, ok := l.rates[k]; ok {
		l.noteRate(region, usageType, rt)
		return rt, nil
	}
	rt, err := l.cat.Lookup(region, usageType)
	if err != nil {
		return nil, err
	}
	if l.rates == nil {
		l.rates = make(map[[2]string]*Rate)
	}
	l.rates[k] = &rt
	l.noteRate(region, usageType, &rt)
	return &rt, nil
}

type recentRate struct {
	region, usageType string
	rt                *Rate
}

func (l *Ledger) noteRate(region, usageType string, rt *Rate) {
	l.recentRates[l.rateNext] = recentRate{region, usageType, rt}
	l.rateNext ^= 1
}

// monthOf returns the calendar month of a virtual instant, caching the
// current month's bounds so the hot path is two comparisons.
func (l *Ledger) monthOf(t sim.Time) Month {
	if t >= l.span.start && t < l.span.end {
		return l.span.m
	}
	m := MonthOf(l.clk.TimeOf(t))
	l.span = spanOf(l.clk, m)
	return m
}

// tagID interns a tag set without allocating when it has been seen. A tag
// set is identified by a 128-bit, order-independent hash of its pairs (two
// sums over the pairs of differently mixed 64-bit string hashes): telling
// two sets apart by it fails with probability about n²/2^129 for n distinct
// sets, far below any other source of error, and saves comparing the maps
// pair by pair on every record.
func (l *Ledger) tagID(tags map[string]string) uint32 {
	var h [2]uint64
	for k, v := range tags {
		hk, hv := maphash.String(l.seed, k), maphash.String(l.seed, v)
		h[0] += hk*0x9E3779B97F4A7C15 ^ hv
		h[1] += bits.RotateLeft64(hv*0xC2B2AE3D27D4EB4F, 31) ^ hk
	}
	if id, ok := l.tagIndex[h]; ok {
		if invariants && !sameTags(l.tagSets[id], tags) {
			panic("billing: invariant: two tag sets share a 128-bit hash")
		}
		return id
	}
	c := make(map[string]string, len(tags))
	for k, v := range tags {
		c[k] = v
	}
	id := uint32(len(l.tagSets))
	l.tagSets = append(l.tagSets, c)
	if l.tagIndex == nil {
		l.tagIndex = make(map[[2]uint64]uint32)
	}
	l.tagIndex[h] = id
	return id
}

func sameTags(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range b {
		if w, ok := a[k]; !ok || w != v {
			return false
		}
	}
	return true
}

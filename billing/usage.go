package billing

import (
	"hash/maphash"
	"math/bits"

	"github.com/nimbus-sim/nimbus/internal/mix"
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

// dims are the dimensions of a usage record that services repeat across
// their resources: a fleet's instances share all six. A ledger interns
// each combination once (dimsOf), so that a slot holds one number instead
// of six strings and resolves its price and account through it.
type dims struct {
	account, service, usageType, operation, region, az string
}

// dimsEntry is an interned dims with what follows from it: the resolved
// rate of its (region, usage type) and its account's state. Its line (the
// dimensions as line items show them: the usage type normalized, the
// service defaulted to the rate's) follows from the dims and the rate and
// is not kept: an entry is 144 bytes, where one with its line was 240.
type dimsEntry struct {
	dims
	rate *Rate
	acct *account
	// cur is the usage type as a CUR shows it.
	cur string
	// bound is priceBound of the rate at its catalog price (slotBound).
	bound uint64
	// canon is the first dims with the same line (collect merges their
	// usage). rank, in a canonical entry, is its line's place in chargeCmp
	// order among the ledger's lines once rankLines has run since it was
	// added.
	canon, rank uint32
}

// lineUsageType is the usage type of e's line: the rate's, normalized.
func (e *dimsEntry) lineUsageType() string { return e.rate.UsageType }

// lineService is the service of e's line: e's, or the rate's if none.
func (e *dimsEntry) lineService() string {
	if e.service == "" {
		return e.rate.Service
	}
	return e.service
}

// line returns e's line.
func (e *dimsEntry) line() dims {
	ld := e.dims
	ld.usageType, ld.service = e.lineUsageType(), e.lineService()
	return ld
}

// slotKey is everything an accumulator is keyed by but its resource. It
// holds no pointer, nor does a slot, so the collector never scans the
// slot store, however many resources a long simulation meters.
type slotKey struct {
	dims  uint32 // index in Ledger.dims
	tags  uint32
	month Month
	timed bool // from a timed meter (forecasts extrapolate only records)
	price Price
}

// lineKey identifies one accumulator: everything a line item is grouped
// by.
type lineKey struct {
	slotKey
	resource string
}

// slot is a preallocated per-key accumulator: Record adds into it instead
// of appending the record, so steady-state metering allocates nothing. Its
// resource is kept beside it in the store (slotStore.res).
// A slot is 64 bytes, a cache line: its price bound for budgets is not
// kept here but found from its dims (slotBound).
type slot struct {
	key         slotKey
	qty         u128
	first, last sim.Time
	records     uint64
}

// slotStore holds the slots in chunks of 1<<slotChunkBits, and their resources in
// parallel chunks: a ledger gains a slot per resource and month, and one
// flat slice would copy them all every time it grew.
type slotStore struct {
	chunks [][]slot
	res    [][]string
	// chunk0 and res0 hold the first chunk's headers: chunks and res are
	// slices of them until there is a second chunk, so that a small ledger
	// (a replication's) allocates no lists of chunks.
	chunk0 [1][]slot
	res0   [1][]string
	n      int32
}

const slotChunkBits = 10

func (st *slotStore) at(i int32) *slot {
	return &st.chunks[i>>slotChunkBits][i&(1<<slotChunkBits-1)]
}

func (st *slotStore) resource(i int32) string {
	return st.res[i>>slotChunkBits][i&(1<<slotChunkBits-1)]
}

// firstChunk is the first chunk's initial room: a replication meters a
// dozen or two resources and months (examples/spot-training: 8 to 38, 24
// or fewer in nine replications out of ten), and growing one slot at a
// time would copy them each time.
const firstChunk = 24

// add appends *s, of resource res, and returns its index. The first chunk
// grows like a slice from firstChunk, so a small ledger stays small; the
// next ones are made whole.
func (st *slotStore) add(s *slot, res string) int32 {
	i := st.n
	c := int(i >> slotChunkBits)
	if c == len(st.chunks) {
		n := firstChunk
		if c > 0 {
			n = 1 << slotChunkBits
		} else {
			st.chunks, st.res = st.chunk0[:0], st.res0[:0]
		}
		st.chunks = append(st.chunks, make([]slot, 0, n))
		st.res = append(st.res, make([]string, 0, n))
	}
	st.chunks[c] = append(st.chunks[c], *s)
	st.res[c] = append(st.res[c], res)
	st.n++
	return i
}

// monthSlots are an account's slots of one month.
type monthSlots struct {
	month Month
	slots []int32
}

// Record adds a usage record to the ledger. It is allocation-free once the
// record's key (account, service, usage type, operation, region, AZ,
// resource, tag set, month, price) has been seen; the first record of a key
// resolves its price in the catalog and fails with ErrUnknownUsageType or
// ErrUnknownRegion if it cannot.
func (l *Ledger) Record(u Usage) error {
	if u.Start == 0 && u.End == 0 {
		u.Start = l.env.Now()
		u.End = u.Start
	}
	if u.End < u.Start {
		return newErr(ErrInvalidUsage, "billing: usage of %s ends (%v) before it starts (%v)", u.UsageType, u.End, u.Start)
	}
	if u.Quantity < 0 || u.Price < 0 {
		return newErr(ErrInvalidUsage, "billing: negative quantity %d or price %v for %s", u.Quantity, u.Price, u.UsageType)
	}
	month := l.monthOf(u.Start)
	var tags uint32
	if len(u.Tags) > 0 {
		tags = l.tagID(u.Tags)
	}
	// A one-entry cache in front of dimsOf and the index: services often
	// report a run of records for the same key (a request stream on one
	// bucket).
	i := l.lastSlot
	if !l.lastIs(&u, month, tags) {
		d, err := l.dimsOf(&u)
		if err != nil {
			return err
		}
		k := lineKey{slotKey: slotKey{dims: d, tags: tags, month: month, price: u.Price}, resource: u.ResourceID}
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
		l.noteRecord(u.Account, u.Quantity, l.slotBound(&s.key))
	}
	return nil
}

// dimsOf interns u's dimensions, validating them when new: the account
// must be named, the usage type priced in the region. The last few
// answers are compared before anything else: a service meters a few kinds
// of usage by turns (an instance, its volume and its address).
func (l *Ledger) dimsOf(u *Usage) (uint32, error) {
	// A hit leaves the list as it is, so that it holds distinct dims.
	for _, r := range l.recentDims {
		if r != 0 && l.dims[r-1].of(u) {
			return r - 1, nil
		}
	}
	d := dims{account: u.Account, service: u.Service, usageType: u.UsageType, operation: u.Operation, region: u.Region, az: u.AZ}
	i, ok := l.findDims(&d)
	if !ok {
		var err error
		if i, err = l.newDims(&d); err != nil {
			return 0, err
		}
	}
	l.recentDims[l.dimsNext] = i + 1
	l.dimsNext = (l.dimsNext + 1) % uint8(len(l.recentDims))
	return i, nil
}

// of reports whether d are u's dimensions, comparing first the usage
// type, which tells a service's kinds of usage apart, without copying
// u's strings into a dims.
func (d *dims) of(u *Usage) bool {
	return d.usageType == u.UsageType && d.operation == u.Operation && d.account == u.Account &&
		d.region == u.Region && d.az == u.AZ && d.service == u.Service
}

// scanDims is how many dims a ledger looks through one by one before it
// indexes them in maps: a replication meters a handful of kinds of usage,
// and two maps keyed by six strings cost it more than they save.
const scanDims = 8

// firstDims is the room a ledger's first dims make for more: an
// instance's usage, its volume's and its address's (examples/spot-training
// meters exactly these three). An entry is 144 bytes, so a block of three
// fits a 448-byte size class; past it, appends grow it to 6, 12, ...
const firstDims = 3

// findDims returns the index of d among the interned dims.
func (l *Ledger) findDims(d *dims) (uint32, bool) {
	if l.dimsIndex != nil {
		i, ok := l.dimsIndex[*d]
		return i, ok
	}
	for i := range l.dims {
		if l.dims[i].dims == *d {
			return uint32(i), true
		}
	}
	return 0, false
}

// newDims validates and interns d.
func (l *Ledger) newDims(d *dims) (uint32, error) {
	if d.account == "" {
		return 0, newErr(ErrInvalidUsage, "billing: usage of %s has no account", d.usageType)
	}
	rt, err := l.rateOf(d.region, d.usageType)
	if err != nil {
		return 0, err
	}
	if l.dims == nil {
		l.dims = make([]dimsEntry, 0, firstDims) // a replication's few kinds of usage
	}
	i := uint32(len(l.dims))
	ld := *d
	ld.usageType = rt.UsageType
	if ld.service == "" {
		ld.service = rt.Service
	}
	// canon is the first dims with line ld.
	canon, ok := i, false
	if l.lineDims != nil {
		canon, ok = l.lineDims[ld]
	} else {
		for j := range l.dims {
			if l.dims[j].line() == ld {
				canon, ok = uint32(j), true
				break
			}
		}
	}
	if !ok {
		canon = i
	}
	l.dims = append(l.dims, dimsEntry{dims: *d, rate: rt, canon: canon, cur: l.curUsageType(*rt), bound: priceBound(rt, 0)})
	switch {
	case l.dimsIndex != nil:
		l.dimsIndex[*d] = i
		if !ok {
			l.lineDims[ld] = i
		}
	case len(l.dims) > scanDims:
		l.dimsIndex = make(map[dims]uint32, 2*len(l.dims))
		l.lineDims = make(map[dims]uint32, 2*len(l.dims))
		for j := range l.dims {
			e := &l.dims[j]
			l.dimsIndex[e.dims] = uint32(j)
			if e.canon == uint32(j) {
				l.lineDims[e.line()] = uint32(j)
			}
		}
	}
	return i, nil
}

// lastIs reports whether the slot Record used last is u's, recorded in
// month with tag set tags.
func (l *Ledger) lastIs(u *Usage, month Month, tags uint32) bool {
	if l.slots.n == 0 {
		return false
	}
	k := &l.slots.at(l.lastSlot).key
	return !k.timed && k.month == month && k.price == u.Price && k.tags == tags &&
		l.slots.resource(l.lastSlot) == u.ResourceID && l.dims[k.dims].of(u)
}

// slotIs reports whether slot i is k's.
func (l *Ledger) slotIs(i int32, k *lineKey) bool {
	return l.slots.at(i).key == k.slotKey && l.slots.resource(i) == k.resource
}

// keyHash hashes k: its resource with maphash, then its numbers mixed in
// and the whole finalized (mix.SplitMix64), which costs a third of hashing
// the struct generically. Only the index's speed depends on its quality.
func (l *Ledger) keyHash(k *lineKey) uint64 {
	h := maphash.String(l.seed, k.resource)
	timed := uint64(0)
	if k.timed {
		timed = 1
	}
	h ^= (uint64(k.dims)<<32 | uint64(k.tags)) * 0x9E3779B97F4A7C15
	h = bits.RotateLeft64(h, 29) ^ (uint64(uint32(k.month))<<1|timed)*0xC2B2AE3D27D4EB4F
	h = bits.RotateLeft64(h, 31) ^ uint64(k.price)*0x165667B19E3779F9
	return mix.SplitMix64(h)
}

// slotIndex finds a key's slot from the key's 64-bit hash: open
// addressing with linear probing over one flat table of words, each a
// slot's index plus one (0 is empty) under the top 32 bits of its key's
// hash (the tag). A ledger gains a slot per resource and month, so the
// index grows all run long: a probe here reads one array, where a map of
// hashes walked its directory, groups and chains, and the tag rules out
// most other keys without reading their slots. A word's home position is
// the top bits of its tag, so the table doubles without hashing a key
// again. It is at most half full.
type slotIndex struct {
	tab  []uint64
	n    int32 // as many as slotStore holds
	bits uint8 // len(tab) == 1<<bits, once tab is made
}

func (x *slotIndex) home(tag uint32) int { return int(tag >> (32 - x.bits)) }

// lookup returns the slot of k, whose hash is h.
func (l *Ledger) lookup(k *lineKey, h uint64) (int32, bool) {
	i, _ := l.find(k, h)
	return i, i >= 0
}

// find returns the slot of k, whose hash is h, or -1 and the empty
// position where k's word goes (-1 if the table is not made), so that a
// new key is inserted without probing the table again: in a long-lived
// world most timed meters start on a new resource, and the probe is a
// cache miss.
func (l *Ledger) find(k *lineKey, h uint64) (int32, int) {
	x := &l.index
	if x.tab == nil {
		return -1, -1
	}
	tag, mask := uint32(h>>32), len(x.tab)-1
	for p := x.home(tag); ; p = (p + 1) & mask {
		e := x.tab[p]
		if e == 0 {
			return -1, p
		}
		if uint32(e>>32) == tag {
			if i := int32(uint32(e)) - 1; l.slotIs(i, k) {
				return i, -1
			}
		}
	}
}

// insert adds slot i of hash h, doubling the table first if it would be
// more than half full.
func (x *slotIndex) insert(h uint64, i int32) { x.insertAt(h, i, -1) }

// insertAt is insert given where find saw the probe for h end (pos, or -1
// for unknown): the word goes there unless the table doubles first.
func (x *slotIndex) insertAt(h uint64, i int32, pos int) {
	e := h>>32<<32 | uint64(uint32(i+1))
	if 2*(int(x.n)+1) > len(x.tab) {
		old := x.tab
		x.bits = max(x.bits+1, 6)
		x.tab = make([]uint64, 1<<x.bits)
		for _, e := range old {
			if e != 0 {
				x.put(e)
			}
		}
		pos = -1
	}
	if pos >= 0 {
		x.tab[pos] = e
	} else {
		x.put(e)
	}
	x.n++
}

func (x *slotIndex) put(e uint64) {
	mask := len(x.tab) - 1
	p := x.home(uint32(e >> 32))
	for x.tab[p] != 0 {
		p = (p + 1) & mask
	}
	x.tab[p] = e
}

// scanSlots is how many slots a ledger looks through one by one before
// it indexes them (slotIndex): a replication meters a dozen or two
// resources and months, which the first chunk holds, and comparing their
// keys costs about what hashing a new key and probing for it does, without
// the index's half a kilobyte.
const scanSlots = firstChunk

// slotOf returns the slot of k, creating it if new.
func (l *Ledger) slotOf(k *lineKey) (int32, error) {
	if l.index.tab == nil && l.slots.n > 0 { // no more than scanSlots slots, all in the first chunk
		c, res := l.slots.chunks[0], l.slots.res[0]
		for i := range c {
			if c[i].key == k.slotKey && res[i] == k.resource {
				return int32(i), nil
			}
		}
		return l.newSlot(k, 0, -1)
	}
	h := l.keyHash(k)
	i, pos := l.find(k, h)
	if i >= 0 {
		return i, nil
	}
	return l.newSlot(k, h, pos)
}

// newSlot validates a new key, whose hash is h and whose word goes at pos
// in the index (see find) if there is one, and allocates its accumulator.
// Its dims were validated when interned; the price is checked here.
func (l *Ledger) newSlot(k *lineKey, h uint64, pos int) (int32, error) {
	e := &l.dims[k.dims]
	if e.rate.CallerPriced && k.price == 0 {
		return 0, newErr(ErrInvalidUsage, "billing: usage type %s is priced by the caller; set Usage.Price", e.usageType)
	}
	if e.acct == nil {
		e.acct = l.accountFor(e.account)
	}
	i := l.slots.add(&slot{key: k.slotKey, first: sim.MaxTime, last: -1 << 63}, k.resource)
	switch {
	case l.index.tab != nil:
		l.index.insertAt(h, i, pos)
	case l.slots.n > scanSlots:
		// Too many to look through: index them all.
		for j := range l.slots.n {
			jk := lineKey{l.slots.at(j).key, l.slots.resource(j)}
			l.index.insert(l.keyHash(&jk), j)
		}
	}
	e.acct.addSlot(k.month, i)
	return i, nil
}

// slotBound is an upper bound, in femto-dollars per raw unit, of what a
// slot's usage costs (priceBound): its dims' for a catalog price.
func (l *Ledger) slotBound(k *slotKey) uint64 {
	e := &l.dims[k.dims]
	if k.price == 0 {
		return e.bound
	}
	return priceBound(e.rate, k.price)
}

// rateOf resolves a usage type in the catalog once per (region, usage
// type) — a catalog never changes (Merge makes a new one) — so a ledger
// neither resolves the name again for every dims nor keeps a copy of the
// rate in each. While the dims are few, their rates are found among them.
func (l *Ledger) rateOf(region, usageType string) (*Rate, error) {
	k := [2]string{region, usageType}
	if l.rates != nil {
		if rt, ok := l.rates[k]; ok {
			return rt, nil
		}
	} else {
		for i := range l.dims {
			if e := &l.dims[i]; e.region == region && e.usageType == usageType {
				return e.rate, nil
			}
		}
	}
	rt, err := l.cat.Lookup(region, usageType)
	if err != nil {
		return nil, err
	}
	// Rates are kept in small blocks, not allocated one by one.
	if len(l.rateBuf) == cap(l.rateBuf) {
		l.rateBuf = make([]Rate, 0, 4)
	}
	l.rateBuf = append(l.rateBuf, rt)
	p := &l.rateBuf[len(l.rateBuf)-1]
	switch {
	case l.rates != nil:
		l.rates[k] = p
	case len(l.dims) >= scanDims:
		l.rates = make(map[[2]string]*Rate, 2*len(l.dims))
		for i := range l.dims {
			e := &l.dims[i]
			l.rates[[2]string{e.region, e.usageType}] = e.rate
		}
		l.rates[k] = p
	}
	return p, nil
}

// monthOf returns the calendar month of a virtual instant, caching the
// current month's bounds so the hot path is two comparisons.
func (l *Ledger) monthOf(t sim.Time) Month {
	if t >= l.span.start && t < l.span.end {
		return l.span.m
	}
	m := MonthOf(l.env.TimeOf(t))
	l.span = spanOf(l.env, m)
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
		if invariants && !sameTags(l.tagSet(id), tags) {
			panic("billing: invariant: two tag sets share a 128-bit hash")
		}
		return id
	}
	c := make(map[string]string, len(tags))
	for k, v := range tags {
		c[k] = v
	}
	if l.tagSets == nil {
		l.tagSets = append(l.tagSets, nil) // tag set 0 is "no tags"
	}
	id := uint32(len(l.tagSets))
	l.tagSets = append(l.tagSets, c)
	if l.tagIndex == nil {
		l.tagIndex = make(map[[2]uint64]uint32)
	}
	l.tagIndex[h] = id
	return id
}

// tagSet returns tag set id (nil for 0, no tags).
func (l *Ledger) tagSet(id uint32) map[string]string {
	if id == 0 {
		return nil
	}
	return l.tagSets[id]
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

package s3

import (
	"net/http"
	"strings"
	"time"

	"github.com/nimbus-sim/nimbus/billing"
	"github.com/nimbus-sim/nimbus/internal/strs"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/region/storage"
)

type classIdx uint8

const (
	classStandard classIdx = iota
	classStandardIA
	classOnezoneIA
	classIntelligentTiering
	classGlacierIR
	numClasses
)

// classInfo is what a storage class costs and where it lives, from
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-class-intro.html
// and the usage types of https://aws.amazon.com/s3/pricing/. The prices
// live in the billing catalog; in us-east-1, as of 2026-12 (pinned by
// TestS3PricesUSEast1), per GB-month / per 1,000 PUT-class / per 1,000
// GET-class requests / per GB retrieved:
//
//	STANDARD             $0.023 (first 50 TB)  $0.005  $0.0004  -
//	STANDARD_IA          $0.0125               $0.01   $0.001   $0.01
//	ONEZONE_IA           $0.01                 $0.01   $0.001   $0.01
//	INTELLIGENT_TIERING  $0.023 / $0.0125 / $0.004 by tier, $0.005, $0.0004,
//	                     no retrieval; $0.0025 per 1,000 monitored objects-month
//	GLACIER_IR           $0.004                $0.02   $0.01    $0.03
//
// Early deletion bills the rest of the minimum duration at the storage
// price; transfer out to the internet is $0.09 per GB for the first 10 TB
// a month, to another region $0.02 (same-region transfer to EC2 is free).
type classInfo struct {
	name StorageClass
	// minDuration is the minimum storage duration: deleting, overwriting
	// or transitioning earlier bills the rest (early deletion).
	minDuration time.Duration
	// minBillable is the minimum billable object size.
	minBillable int64
	singleZone  bool
	storageUT   string // TimedStorage usage type
	earlyUT     string // early-deletion usage type ("" when none)
	tier1UT     string // PUT, COPY, POST, LIST
	tier2UT     string // GET and others
	retrievalUT string // per-GB retrieval ("" when free)
}

const day = 24 * time.Hour

var classes = [numClasses]classInfo{
	classStandard: {name: StorageClassStandard, storageUT: "TimedStorage-ByteHrs",
		tier1UT: "Requests-Tier1", tier2UT: "Requests-Tier2"},
	classStandardIA: {name: StorageClassStandardIA, minDuration: 30 * day, minBillable: 128 << 10,
		storageUT: "TimedStorage-SIA-ByteHrs", earlyUT: "EarlyDelete-SIA",
		tier1UT: "Requests-SIA-Tier1", tier2UT: "Requests-SIA-Tier2", retrievalUT: "Retrieval-SIA"},
	classOnezoneIA: {name: StorageClassOnezoneIA, minDuration: 30 * day, minBillable: 128 << 10, singleZone: true,
		storageUT: "TimedStorage-ZIA-ByteHrs", earlyUT: "EarlyDelete-ZIA",
		tier1UT: "Requests-ZIA-Tier1", tier2UT: "Requests-ZIA-Tier2", retrievalUT: "Retrieval-ZIA"},
	// Intelligent-Tiering has no minimum duration and no minimum billable
	// size; its objects move between access tiers (tiering.go), and this
	// usage type is its Frequent Access tier.
	classIntelligentTiering: {name: StorageClassIntelligentTiering, storageUT: intTierUsageFA,
		tier1UT: "Requests-INT-Tier1", tier2UT: "Requests-INT-Tier2"},
	classGlacierIR: {name: StorageClassGlacierIR, minDuration: 90 * day, minBillable: 128 << 10,
		storageUT: "TimedStorage-GIR-ByteHrs", earlyUT: "EarlyDelete-GIR",
		tier1UT: "Requests-GIR-Tier1", tier2UT: "Requests-GIR-Tier2", retrievalUT: "Retrieval-GIR"},
}

func parseClass(sc StorageClass) (classIdx, error) {
	if sc == "" {
		return classStandard, nil // in line: most requests name none
	}
	return parseClassName(sc)
}

// parseClassName is parseClass of a class given.
func parseClassName(sc StorageClass) (classIdx, error) {
	for i, c := range classes {
		if c.name == sc {
			return classIdx(i), nil
		}
	}
	return 0, s3err("InvalidStorageClass", http.StatusBadRequest,
		"The storage class you specified is not valid (%q; this model has STANDARD, STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING and GLACIER_IR).", sc)
}

// MinStorageDuration returns a class's minimum storage duration (0 for
// none) and MinBillableSize its minimum billable object size.
func MinStorageDuration(sc StorageClass) time.Duration {
	i, err := parseClass(sc)
	if err != nil {
		return 0
	}
	return classes[i].minDuration
}

// MinBillableSize returns a class's minimum billable object size in bytes.
func MinBillableSize(sc StorageClass) int64 {
	i, err := parseClass(sc)
	if err != nil {
		return 0
	}
	return classes[i].minBillable
}

func (c classIdx) billable(size int64) int64 { return max(size, classes[c].minBillable) }

// regionPool is a region's storage pool with its groups: multi-zone
// groups for every class but One Zone-IA, single-zone groups for it.
type regionPool struct {
	pool   *storage.Pool
	multi  []storage.GroupID
	single []storage.GroupID
	// index is each group's position in multi or single (by GroupID;
	// both are as long), for overHash.
	index []uint32
}

// overHash returns a placement hash for the version of sequence number
// seq that replaces old under old's key, in a bucket whose lists of
// groups are a power of two long: old's group's position with old's and
// the new sequence numbers swapped in. place picks gs[h % len(gs)] for h
// = placeHash(key, seq) = bucket hash ^ fnv64(key)*31 ^ seq; modulo a
// power of two that is h's low bits, which an XOR leaves apart, so the
// position old's hash picked XOR old.seq XOR seq is what the new
// version's full hash picks, without hashing the key again. It does not answer (ok false) for a version not
// placed by its key's hash (no group; flagRehomed) or other lengths.
func (rp *regionPool) overHash(old *version, seq uint64) (h uint64, ok bool) {
	n := uint64(len(rp.multi))
	if !old.group.IsValid() || old.flags&flagRehomed != 0 || n&(n-1) != 0 || int(old.group) >= len(rp.index) {
		return 0, false
	}
	return uint64(rp.index[old.group]) ^ old.seq ^ seq, true
}

// groupsFor is the list of groups a version of class c is placed in:
// single-zone groups for ONEZONE_IA, the others' multi-zone ones.
func (rp *regionPool) groupsFor(c classIdx) []storage.GroupID {
	if classes[c].singleZone {
		return rp.single
	}
	return rp.multi
}

func (s *Service) poolFor(regionCode string) (*regionPool, error) {
	if rp, ok := s.pools[regionCode]; ok {
		return rp, nil
	}
	reg, err := s.w.Region(regionCode)
	if err != nil {
		return nil, err
	}
	o := s.opts.Storage
	o.Name = "s3/" + regionCode
	o.Zones = nil
	for _, z := range reg.AZs() {
		o.Zones = append(o.Zones, z.ID())
	}
	o.ZoneDown, o.AnyZoneDown = s.w.Faults().AZDown, s.w.Faults().AnyAZDown
	pool, err := storage.New(s.env, o)
	if err != nil {
		return nil, err
	}
	rp := &regionPool{pool: pool}
	replicas := min(3, len(o.Zones))
	setIndex := func(g storage.GroupID, i int) {
		for int(g) >= len(rp.index) {
			rp.index = append(rp.index, 0)
		}
		rp.index[g] = uint32(i)
	}
	for i := range s.opts.GroupsPerPool {
		g, err := pool.NewGroup(storage.GroupSpec{Replicas: replicas})
		if err != nil {
			return nil, err
		}
		rp.multi = append(rp.multi, g)
		setIndex(g, i)
		g, err = pool.NewGroup(storage.GroupSpec{Replicas: min(3, max(1, pool.Nodes()/len(o.Zones))), SingleZone: true})
		if err != nil {
			return nil, err
		}
		rp.single = append(rp.single, g)
		setIndex(g, i)
	}
	pool.OnLoss(func(l storage.Loss) { s.lost += l.Objects })
	s.pools[regionCode] = rp
	return rp, nil
}

// place assigns a new version to a replica group and adds it to the pool.
func (s *Service) place(b *bucket, key string, v *version) error {
	return s.placeHashed(b, v, b.placeHash(key, v.seq))
}

// placeHash is the placement hash of the version of sequence number seq
// under key: placeHashed picks its group from it.
func (b *bucket) placeHash(key string, seq uint64) uint64 { return b.hash ^ fnv64(key)*31 ^ seq }

// placeHashed is place of a version whose placement hash is h.
func (s *Service) placeHashed(b *bucket, v *version, h uint64) error {
	rp := b.pool
	gs := rp.groupsFor(v.class)
	if len(gs) == 0 {
		return nil
	}
	g := pickGroup(gs, h)
	if err := rp.pool.Add(g, v.size, 1); err != nil {
		return errPlace(err)
	}
	v.group, v.epoch = g, rp.pool.Epoch(g)
	return nil
}

// replacePlaced is placeHashed(b, nv, h) and, once it succeeded,
// unplace(b, old), with the pool's two additions in one call
// (storage.Pool.Replace) when both versions have a group.
func (s *Service) replacePlaced(b *bucket, old, nv *version, h uint64) error {
	gs := b.pool.groupsFor(nv.class)
	if len(gs) == 0 || !old.group.IsValid() {
		if err := s.placeHashed(b, nv, h); err != nil {
			return err
		}
		s.unplace(b, old)
		return nil
	}
	g := pickGroup(gs, h)
	e, err := b.pool.pool.Replace(g, nv.size, old.group, old.epoch, old.size)
	if err != nil {
		return errPlace(err)
	}
	nv.group, nv.epoch = g, e
	return nil
}

// pickGroup is gs[h % len(gs)], by a mask when there are a power of two
// (the default 64): a 64-bit division's latency is long.
func pickGroup(gs []storage.GroupID, h uint64) storage.GroupID {
	n := uint64(len(gs))
	if n&(n-1) == 0 {
		return gs[h&(n-1)]
	}
	return gs[h%n]
}

// errPlace is a placement's error: the pool refused the bytes.
//
//go:noinline
func errPlace(err error) error {
	return s3err("InternalError", http.StatusInternalServerError, "We encountered an internal error. Please try again. (%v)", err)
}

// unplace removes a version's bytes from its group (if not lost since).
func (s *Service) unplace(b *bucket, v *version) {
	if !v.group.IsValid() {
		return
	}
	rp := b.pool
	if rp.pool.Epoch(v.group) == v.epoch {
		_ = rp.pool.Add(v.group, -v.size, -1)
	}
}

// fnv64 is FNV-1a of s, a key's hash for replica placement. Every new
// version hashes its key: the bytes are read eight at a time, then one
// by one as FNV-1a takes them (the same hash, in fewer instructions).
func fnv64(s string) uint64 {
	const prime = 1099511628211
	h := uint64(14695981039346656037)
	i := 0
	for ; len(s)-i >= 8; i += 8 {
		w := strs.Load64(s[i:])
		h = (h ^ w&0xff) * prime
		h = (h ^ w>>8&0xff) * prime
		h = (h ^ w>>16&0xff) * prime
		h = (h ^ w>>24&0xff) * prime
		h = (h ^ w>>32&0xff) * prime
		h = (h ^ w>>40&0xff) * prime
		h = (h ^ w>>48&0xff) * prime
		h = (h ^ w>>56) * prime
	}
	for ; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= prime
	}
	return h
}

// readable reports whether a replica of v can be read now (an AZ outage
// hides the replicas in the dark zone; the others still serve).
func (s *Service) readable(b *bucket, v *version) bool {
	if !v.group.IsValid() {
		return true
	}
	return b.pool.pool.Readable(v.group)
}

// store accounts a new version: replica placement, storage meter.
func (s *Service) store(b *bucket, key string, v *version) error {
	if v.deleteMarker() {
		b.versions++
		return nil
	}
	if err := s.place(b, key, v); err != nil {
		return err
	}
	b.versions++
	s.addStorage(b, v)
	return nil
}

// replaceStored is store(nv) and then drop of every version of old's
// chain, for nv taking the place of old, the newest version of its key
// in a bucket never versioned. When old is the key's only version, both
// are metered by bytes in the same class, and that class's meter runs
// before, between and after, the meter's rate is set once, to its final
// value: two changes of a rate at one instant leave the ledger as the
// second alone does (the first cut's segment is replaced by the second),
// and an overwrite is the common PUT.
func (s *Service) replaceStored(b *bucket, key string, old, nv *version) error {
	c := nv.class
	m := &b.meters[c]
	add, rem := c.billable(nv.size), c.billable(old.size)
	if old.prev != nil || old.flags&(flagDropped|flagDeleteMarker) != 0 || old.class != c || c == classIntelligentTiering ||
		nv.deleteMarker() || !m.id.IsValid() || m.bytes+add <= 0 || m.bytes+add-rem <= 0 {
		if err := s.store(b, key, nv); err != nil {
			return err
		}
		for o := old; o != nil; o = o.prev {
			s.drop(b, o)
		}
		return nil
	}
	// The key's hash places nv where overHash says, without hashing it.
	h, ok := b.pool.overHash(old, nv.seq)
	if !ok {
		h = b.placeHash(key, nv.seq)
	}
	if err := s.replacePlaced(b, old, nv, h); err != nil {
		return err
	}
	// store's b.versions++ and drop's b.versions-- cancel out.
	old.flags |= flagDropped
	m.bytes += add - rem
	_ = s.ledger.SetTimedRate(m.id, m.bytes)
	s.earlyDelete(b, old, c)
	old.x = nil
	return nil
}

// drop removes a version for good: storage meter, replicas, and the
// early-deletion charge of IA and Glacier IR classes.
func (s *Service) drop(b *bucket, v *version) {
	if v.flags&flagDropped != 0 {
		return
	}
	v.flags |= flagDropped
	b.versions--
	if !v.deleteMarker() {
		s.unplace(b, v)
		s.removeStorage(b, v)
		s.earlyDelete(b, v, v.class)
	}
	v.x = nil // the slab slot must not keep the bytes alive
}

// earlyDelete bills the rest of the minimum storage duration of class c
// for v, removed (or moved out of c) now.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-class-intro.html
func (s *Service) earlyDelete(b *bucket, v *version, c classIdx) {
	if classes[c].minDuration != 0 { // in line: most classes have none
		s.earlyDeleteCharge(b, v, c)
	}
}

// earlyDeleteCharge is earlyDelete of a class with a minimum duration.
func (s *Service) earlyDeleteCharge(b *bucket, v *version, c classIdx) {
	ci := &classes[c]
	since := v.modified
	if v.x != nil && v.x.classSince != 0 {
		since = v.x.classSince
	}
	age := time.Duration(s.env.Now() - since)
	if age >= ci.minDuration {
		return
	}
	rest := ci.minDuration - age
	secs := int64((rest + time.Second - 1) / time.Second)
	_ = s.ledger.Record(billing.Usage{Account: b.owner, Service: "AmazonS3", UsageType: ci.earlyUT,
		Operation: "EarlyDelete", Region: b.region, ResourceID: b.name, Quantity: c.billable(v.size) * secs})
}

// meterStorage changes a bucket's billable bytes of one class by delta.
func (s *Service) meterStorage(b *bucket, c classIdx, delta int64) {
	s.meterBytes(b, &b.meters[c], classes[c].storageUT, "StandardStorage", delta)
}

// meterRequest sets the request charge of the call: tier 1 (PUT, COPY,
// POST, LIST) or tier 2 (GET and others) at class c's price. The pipeline
// bills it to the payer (bucket owner, or requester: Call.Payer) through
// Request.BillRequest, for successes and for the 4xx errors S3 bills.
func (s *Service) meterRequest(sv *served, c classIdx, tier int) {
	sv.bill.class, sv.bill.tier = c, tier
}

// callBill is the request charge of one call, filled in by the effect.
type callBill struct {
	tier  int // 0: free (DELETE); tierUnpriced: the operation's default (defaultTier)
	class classIdx
}

// tierUnpriced is the tier of a call whose effect has not priced it
// (meterRequest): billRequest charges the operation's default tier at
// the STANDARD price, so the effect of a call that succeeds need not work
// out a default it overrides.
const tierUnpriced = -1

// billRequest is every S3 request's Request.BillRequest: the charge the
// effect set (s.cur, when this call's effect ran) or else the
// operation's default tier at the STANDARD price. The common case, a
// priced request on an existing bucket, is in line; billOther is the
// rest.
func (s *Service) billRequest(c *region.Call, err error) {
	if cur := &s.cur; cur.of(c) && cur.bill.tier > 0 && cur.b != nil && c.Request().ResourceAccount != "" {
		if payer := c.Payer(); payer != "" {
			ut := classes[cur.bill.class].tier2UT
			if cur.bill.tier == 1 {
				ut = classes[cur.bill.class].tier1UT
			}
			// The bucket of the request's ARN, without parsing it; its
			// charges go through its resolved keys.
			// Field by field: a literal is built in a temporary and
			// copied sixteen bytes at a time (see billBucketRequest).
			var k reqKey
			k.payer, k.usageType, k.op, k.region = payer, ut, c.Request().Operation, c.Region()
			s.billBucketRequest(cur.b, &k)
			return
		}
	}
	s.billOther(c)
}

// billOther is billRequest of a call its effect did not price, of a free
// call, of an anonymous one, or of one on a bucket that does not exist.
func (s *Service) billOther(c *region.Call) {
	var bill callBill
	var b *bucket       // the bucket the effect served, when it ran
	ours := s.cur.of(c) // the effect of c ran
	if ours {
		bill, b = s.cur.bill, s.cur.b
	}
	if !ours || bill.tier == tierUnpriced {
		bill = callBill{tier: defaultTier(c.Request().Operation)}
	}
	if bill.tier == 0 {
		return
	}
	payer := c.Payer()
	if payer == "" {
		return // anonymous request to a bucket that does not exist
	}
	ut := classes[bill.class].tier2UT
	if bill.tier == 1 {
		ut = classes[bill.class].tier1UT
	}
	res := ""
	if c.Request().ResourceAccount != "" {
		if b != nil {
			k := reqKey{payer: payer, usageType: ut, op: c.Request().Operation, region: c.Region()}
			s.billBucketRequest(b, &k)
			return
		}
		res = bucketOfARN(c.Request().Resource)
	}
	_ = s.ledger.Record(billing.Usage{Account: payer, Service: "AmazonS3", UsageType: ut, Operation: c.Request().Operation,
		Region: c.Region(), ResourceID: res, Quantity: 1})
}

// reqKey is the dimensions of a request charge on a bucket, besides the
// bucket: who pays, the usage type (class and tier), the operation and
// the serving region.
type reqKey struct {
	payer, usageType, op, region string
}

// same reports k == o. The dimensions of a bucket's requests are mostly
// the very same strings from call to call (the bucket's owner, a usage
// type and an operation name of the package's tables, the region's
// code), so all four are compared by their bytes' address and length
// first: eight word compares, and the bytes only when one differs.
func (k *reqKey) same(o *reqKey) bool {
	return k.sameMemory(o) || *k == *o
}

// sameMemory reports whether k's dimensions are o's very strings: same
// without its byte comparison, small enough to be in line.
func (k *reqKey) sameMemory(o *reqKey) bool {
	return strs.SameMemory(k.payer, o.payer) && strs.SameMemory(k.usageType, o.usageType) &&
		strs.SameMemory(k.op, o.op) && strs.SameMemory(k.region, o.region)
}

// billBucketRequest records one request charge on b, as
// Ledger.Record would, through the key billing resolved for its
// dimensions the first time (Ledger.Key): an integer add instead of
// hashing and comparing seven strings for every request. The last key
// used is compared first, since requests on a bucket come in runs.
//
// k is passed by pointer: by value, its eight words with the other
// arguments are more than the registers the calling convention uses,
// so the caller would build it and then copy it sixteen bytes at a time
// onto the stack, loads that wait for the stores that built it.
func (s *Service) billBucketRequest(b *bucket, k *reqKey) {
	uk := b.lastReqKey
	if !k.sameMemory(&b.lastReq) && !k.same(&b.lastReq) || !uk.IsValid() {
		var ok bool
		if uk, ok = s.reqKeyOf(b, *k); !ok {
			return
		}
	}
	_ = s.ledger.Add(uk, 1, s.env.Now())
}

// reqKeyOf is billBucketRequest's key for dimensions k other than the
// last ones: from the bucket's keys, or resolved by billing and kept. ok
// is false, and the charge recorded, when billing knows no such key.
func (s *Service) reqKeyOf(b *bucket, k reqKey) (uk billing.UsageKey, ok bool) {
	if uk, ok = b.reqKeys[k]; !ok {
		u := billing.Usage{Account: k.payer, Service: "AmazonS3", UsageType: k.usageType, Operation: k.op,
			Region: k.region, ResourceID: b.name}
		var err error
		if uk, err = s.ledger.Key(u); err != nil {
			// Not a key billing knows: Record reports it as it would.
			u.Quantity = 1
			_ = s.ledger.Record(u)
			return uk, false
		}
		if b.reqKeys == nil {
			b.reqKeys = map[reqKey]billing.UsageKey{}
		}
		b.reqKeys[k] = uk
	}
	b.lastReq, b.lastReqKey = k, uk
	return uk, true
}

// bucketOfARN returns the bucket name of an S3 ARN.
func bucketOfARN(arn string) string {
	i := strings.Index(arn, ":::")
	if i < 0 {
		return ""
	}
	b, _, _ := strings.Cut(arn[i+3:], "/")
	return b
}

// meterRetrieval bills per-GB retrieval of IA and Glacier IR classes.
func (s *Service) meterRetrieval(sv *served, c classIdx, bytes int64) {
	ut := classes[c].retrievalUT
	if ut == "" || bytes == 0 {
		return
	}
	sv.rc.Record(billing.Usage{Service: "AmazonS3", UsageType: ut, ResourceID: sv.b.name, Quantity: bytes})
}

// meterNATRequest bills the caller's NAT gateway for the request body it
// carried to S3 (an upload through NAT is processed like a download:
// https://aws.amazon.com/vpc/pricing/ charges per GB processed in either
// direction). Transfer in to S3 is free.
func (s *Service) meterNATRequest(sv *served, bytes int64) {
	rc := sv.rc
	rt := rc.Route()
	if bytes == 0 || rt == nil || sv.b == nil || rc.Principal().Account == "" {
		return
	}
	for _, h := range rt.Hops {
		if h.Kind == region.HopNATGateway {
			here := billing.Endpoint{Region: sv.b.region}
			rc.RecordTransfer(billing.Transfer{Account: rc.Principal().Account, Service: "AmazonS3", ResourceID: sv.b.name,
				From: here, To: here, Bytes: bytes, NATGatewayID: h.ID})
		}
	}
}

// directInRegion reports whether sv's caller is on a direct path in the
// bucket's region: its transfer is free, and it is the common case.
func directInRegion(sv *served) bool {
	l := &sv.rc.Request().From
	return sv.rc.Route() == nil && !l.OnInternet() && strs.Same(l.Region(), sv.b.region)
}

// transferOut bills the response bytes by path, to the payer: out to the
// internet and to other regions; same-region transfer to EC2 is free,
// and through a NAT gateway the caller's NAT processes the bytes. A GET
// calls it for a response that carries bytes, unless directInRegion:
// that check, every GET's, is in line.
func (s *Service) transferOut(sv *served, bytes int64) {
	rc := sv.rc
	from := rc.From()
	to := region.BillingEndpoint(from)
	internet := from.OnInternet()
	if rt := rc.Route(); rt != nil {
		internet = internet || rt.Transfer == region.TransferInternetOut // an internet client is on the internet whatever its route says
		for _, h := range rt.Hops {
			if h.Kind == region.HopNATGateway && rc.Principal().Account != "" {
				// NAT processing is the caller's (the NAT's owner's), not S3's.
				rc.RecordTransfer(billing.Transfer{Account: rc.Principal().Account, Service: "AmazonS3", ResourceID: sv.b.name,
					From: billing.Endpoint{Region: sv.b.region}, To: billing.Endpoint{Region: sv.b.region}, Bytes: bytes, NATGatewayID: h.ID})
			}
		}
	}
	var dst billing.Endpoint
	switch {
	case internet:
		dst = billing.Endpoint{Internet: true}
	case to.Region != sv.b.region:
		dst = billing.Endpoint{Region: to.Region}
	default:
		return // same region: free, and the common case
	}
	rc.RecordTransfer(billing.Transfer{Service: "AmazonS3", ResourceID: sv.b.name, From: billing.Endpoint{Region: sv.b.region}, To: dst, Bytes: bytes})
}

package billing

import (
	"cmp"
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/nimbus-sim/nimbus/sim"
)

// LineItem is one priced line of an invoice: the month's usage of one
// (service, usage type, operation, region, AZ, resource, tag set, price)
// — or, with Type "Credit", credits applied.
type LineItem struct {
	Type       string // "Usage" or "Credit"
	Account    string
	Month      Month
	Service    string
	UsageType  string // as on a CUR: with the region prefix ("USW2-BoxUsage:m5.large")
	Operation  string
	Region     string
	AZ         string
	ResourceID string
	Tags       map[string]string
	// Start and End bound the usage (the first record's start, the last
	// record's end) within the month.
	Start, End time.Time
	// Unit is the pricing unit; Amount the exact quantity in it, of which
	// FreeAmount was covered by free-tier offers.
	Unit       string
	Amount     *big.Rat
	FreeAmount *big.Rat
	// UnitPrice is the list price (the first tier's, or the caller's).
	UnitPrice   Price
	Cost        Money
	Description string
	Records     uint64
}

// Invoice is an account's bill for one calendar month, as of an instant.
type Invoice struct {
	Account string
	Month   Month
	// AsOf is the virtual instant the invoice was computed at; Final
	// reports whether the month had ended by then.
	AsOf  time.Time
	Final bool
	Lines []LineItem
	// Usage is the cost before credits; Credits the (negative) credits
	// applied; Total = Usage + Credits = the exact sum of Lines' costs.
	Usage   Money
	Credits Money
	Total   Money
	// Overflow reports that an amount exceeded Money's range (±$9.2
	// billion) and saturated: the invoice is then a lower bound.
	Overflow bool
}

// AmountDue is the Total rounded half up to whole cents.
func (inv *Invoice) AmountDue() Money { return inv.Total.RoundCents() }

// ByService returns the month's cost per service, in name order.
func (inv *Invoice) ByService() []Group {
	return groupLines(inv.Lines, []Dimension{DimService})
}

// Invoice returns account's invoice for month m as of now: usage recorded
// so far and running meters as accrued by now (whole seconds elapsed,
// at least the minimum; see billedSeconds).
func (l *Ledger) Invoice(accountID string, m Month) *Invoice {
	return l.invoiceAt(accountID, m, l.env.Now())
}

func (l *Ledger) invoiceAt(accountID string, m Month, asOf sim.Time) *Invoice {
	inv := &Invoice{Account: accountID, Month: m}
	b, cr := l.pricedTotals(accountID, m, asOf, &inv.Usage, &inv.Overflow)
	inv.Total = inv.Usage
	// A line per charge and one for credits if any: grown once and no
	// larger, as lines are large.
	if n := len(b.charges); n > 0 || cr != 0 {
		if cr != 0 {
			n++
		}
		inv.Lines = make([]LineItem, 0, n)
	}
	// The amounts, two a line, come from one block.
	rm := ratMaker{one: ratOne, blocks: make([]ratBlock, 2*len(b.charges))}
	ms := spanOf(l.env, m)
	for _, c := range b.charges {
		// Filled in place: a line is 33 words, copied with write barriers
		// when appended from a returned value.
		inv.Lines = inv.Lines[:len(inv.Lines)+1]
		l.lineItem(&inv.Lines[len(inv.Lines)-1], accountID, ms, c, &rm)
	}
	if cr != 0 {
		inv.Credits = -cr
		inv.Total -= cr
		inv.Lines = append(inv.Lines, LineItem{
			Type: "Credit", Account: accountID, Month: m, Service: "AWS Credits",
			UsageType: "Credit", Start: m.Start(), End: m.End(),
			Amount: new(big.Rat), FreeAmount: new(big.Rat), Cost: -cr,
			Description: "AWS Free Tier credits (" + l.account(accountID).plan.String() + ")",
		})
	}
	inv.AsOf = l.env.TimeOf(asOf)
	inv.Final = !inv.AsOf.Before(m.End())
	if invariants {
		checkInvoice(inv, b)
	}
	b.release()
	return inv
}

// checkInvoice panics if an invoice breaks the ledger's invariants: the
// total is the sum of the lines, no line is free beyond its usage or
// negative.
func checkInvoice(inv *Invoice, b batch) {
	var sum Money
	for _, li := range inv.Lines {
		sum += li.Cost
	}
	if !inv.Overflow && (sum != inv.Total || inv.Usage+inv.Credits != inv.Total) {
		panic("billing: invariant: invoice total differs from the sum of its lines")
	}
	for _, c := range b.charges {
		if c.x == nil {
			if c.money < 0 {
				panic(fmt.Sprintf("billing: invariant: negative cost %v", c.money))
			}
			continue
		}
		if free, raw := &c.x.free, &c.x.raw; free.Sign() < 0 || free.Cmp(raw) > 0 || c.money < 0 {
			panic(fmt.Sprintf("billing: invariant: free usage %v outside [0, %v] or negative cost %v", free, raw, c.money))
		}
	}
}

// batch is an account-month's usage being priced. Raw quantities are
// integers in units of 1/den raw unit: den is 1 except in forecasts, where
// recorded usage is scaled by the rational num/den. Keeping one common
// denominator lets free tier, tiers and prices work in exact integers.
type batch struct {
	charges []*charge
	den     *big.Int
	buf     *chargeBuf // where charges come from, until release
}

// chargeBufs recycles the blocks of charges that collect fills, and their
// pointers: a batch needs them only until its invoice or cost is worked
// out, and a ledger is often asked for one invoice in its life (a
// replication's world bills once, at its end), so a block the ledger kept
// would not be used again. A buffer carries nothing observable from one
// batch to the next: collect writes every charge it takes whole, and
// release clears them.
var chargeBufs = sync.Pool{New: func() any { return new(chargeBuf) }}

type chargeBuf struct {
	block   []charge
	charges []*charge
	used    int // charges of block taken
}

// release gives b's buffer back for another batch; b's charges are not to
// be used again.
func (b *batch) release() {
	buf := b.buf
	if buf == nil {
		return
	}
	b.buf, b.charges = nil, nil
	clear(buf.block[:buf.used])
	clear(buf.charges[:cap(buf.charges)])
	buf.used = 0
	chargeBufs.Put(buf)
}

// mergeKey tells apart the charges of an account-month, which are line
// items: by line dimensions (dims with equal lines share a canonical
// dims), tag set, price and resource.
type mergeKey struct {
	canon, tags uint32
	price       Price
	resource    string
}

// charge is a line item being priced: merged accumulators of one key.
// While its quantities are exact in 128 bits and nothing of it is free —
// most charges: an invoice has one per resource — they are raw and pu, and
// x is nil; otherwise (forecasts' scaled usage, free-tier offers, sums
// beyond 128 bits) x holds them as big.Ints (promote). A charge is about
// half the size it was with three big.Ints of its own.
type charge struct {
	line        *dimsEntry // the canonical dims, whose line it is
	mk          mergeKey
	rate        *Rate
	money       Money
	overflow    bool   // the cost exceeded Money's range and saturated
	seq         uint32 // the order collect added it in
	first, last sim.Time
	records     uint64
	tagStr      string
	raw         u128 // in raw units (den is 1), while x is nil
	pu          u128 // raw units per pricing unit, set by price, while x is nil
	x           *bigCharge
}

// bigCharge is a charge's quantities as big.Ints over words of its own
// (raw, free and pu use rawW, freeW and puW while they fit), so that a
// forecast, whose quantities are all big, allocates no words for them; a
// value that outgrows its words moves to the heap, as a big.Int does.
type bigCharge struct {
	raw        big.Int // in 1/den raw units
	free       big.Int // in 1/den raw units
	pu         big.Int // raw units per pricing unit × den
	rawW       [3]big.Word
	freeW, puW [2]big.Word
}

// init points x's quantities at its own words: all zero.
func (x *bigCharge) init() {
	x.raw.SetBits(x.rawW[:0])
	x.free.SetBits(x.freeW[:0])
	x.pu.SetBits(x.puW[:0])
}

// promote returns c's quantities as big.Ints, moving them there first if
// they are still raw and pu (free is then zero).
func (c *charge) promote() *bigCharge {
	if c.x == nil {
		c.x = new(bigCharge)
		c.x.init()
		setU128(&c.x.raw, c.raw)
		setU128(&c.x.pu, c.pu)
	}
	return c.x
}

// merge adds charge d, of the same key, into c.
func (c *charge) merge(d *charge) {
	c.first = min(c.first, d.first)
	c.last = max(c.last, d.last)
	c.records += d.records
	if c.x == nil && d.x == nil {
		if sum, carry := c.raw.addCarry(d.raw); carry == 0 {
			c.raw = sum
			return
		}
	}
	x := c.promote()
	if d.x != nil {
		x.raw.Add(&x.raw, &d.x.raw)
	} else {
		x.raw.Add(&x.raw, d.raw.big())
	}
}

// setU128 sets z to x, in z's words when they are room enough.
func setU128(z *big.Int, x u128) *big.Int {
	if bits.UintSize != 64 {
		return z.Set(x.big())
	}
	w := z.Bits()[:0]
	return z.SetBits(append(w, big.Word(x.lo), big.Word(x.hi)))
}

// collect gathers an account's usage in month m: committed accumulators,
// plus running meters as accrued at meterEnd. If scale is non-nil, usage
// reported with Record (not by meters) is multiplied by it (forecasts). If
// keep is non-nil, only usage types it accepts are collected.
func (l *Ledger) collect(accountID string, m Month, meterEnd sim.Time, scale *big.Rat, keep func(usageType string) bool) batch {
	b := batch{den: bigOne} // read only
	l.rankLines()           // chargeCmp's ranks
	var recMul, timedMul *big.Int
	if scale != nil {
		b.den = new(big.Int).Set(scale.Denom())
		recMul, timedMul = scale.Num(), scale.Denom()
	}
	// The charges come from a recycled block (chargeBufs) with room for
	// the most there can be (a slot or a running meter each, at most): an
	// invoice has a charge per resource. Forecasts' quantities are big.Ints
	// from a block too.
	slots, running := l.slotsIn(accountID, m), l.runningOf(accountID)
	n := len(slots) + len(running)
	buf := chargeBufs.Get().(*chargeBuf)
	if cap(buf.block) < n {
		buf.block, buf.charges = make([]charge, 0, n), make([]*charge, 0, n)
	}
	block := buf.block[:0]
	b.charges, b.buf = buf.charges[:0], buf
	var bigs []bigCharge
	var qs *big.Int // a scratch for q: a product into one of its factors would not use x's words
	if scale != nil {
		bigs, qs = make([]bigCharge, 0, n), new(big.Int)
	}
	// add adds a charge of q × mul (mul nil: 1) raw units of key lk; charges
	// of one key are merged once sorted (mergeCharges).
	add := func(lk lineKey, q u128, mul *big.Int, first, last sim.Time, records uint64) {
		canon := l.dims[lk.dims].canon
		d := &l.dims[canon]
		if len(block) == cap(block) { // a run split over months: more pieces than meters
			block = make([]charge, 0, 4)
		}
		if buf.used < cap(buf.block) {
			buf.used++
		}
		block = block[:len(block)+1]
		c := &block[len(block)-1]
		*c = charge{line: d, mk: mergeKey{canon: canon, tags: lk.tags, price: lk.price, resource: lk.resource},
			rate: d.rate, seq: uint32(len(b.charges)), first: first, last: last, records: records, tagStr: l.tagString(lk.tags), raw: q}
		if mul != nil {
			if len(bigs) == cap(bigs) {
				bigs = make([]bigCharge, 0, 4)
			}
			bigs = bigs[:len(bigs)+1]
			x := &bigs[len(bigs)-1]
			x.init()
			x.raw.Mul(setU128(qs, q), mul)
			c.x = x
		}
		b.charges = append(b.charges, c)
	}
	for _, i := range slots {
		s := l.slots.at(i)
		if s.records == 0 || (keep != nil && !keep(l.dims[s.key.dims].rate.UsageType)) {
			continue
		}
		mul := timedMul
		if !s.key.timed {
			mul = recMul
		}
		add(lineKey{s.key, l.slots.resource(i)}, s.qty, mul, s.first, s.last, s.records)
	}
	for _, mi := range running {
		mt := &l.meters[mi]
		if meterEnd < mt.runStart {
			continue
		}
		if keep != nil && !keep(l.dims[mt.base.dims].rate.UsageType) {
			continue
		}
		l.emitRun(mt, l.runSegs(mt), meterEnd, endAccrued, func(_ *timedMeter, p piece) {
			if p.month != m {
				return
			}
			k := mt.base
			k.month, k.price = p.month, p.price
			var q u128
			q.mulAdd(uint64(p.secs), uint64(p.rate))
			add(k, q, timedMul, p.first, p.last, 1)
		})
	}
	b.charges = mergeCharges(b.charges)
	return b
}

// mergeCharges sorts charges (collect's, one per slot and meter piece, in
// the order they were added: seq) in chargeCmp order and merges those of
// one key. Charges of one key compare equal, and as a rule charges that
// compare equal are of one key (a line is its canonical dims, and a tag
// set its canonical string), so the charges of a key end up side by side
// and, once merged, none compare equal: the order is the one the distinct
// keys have, whatever order they came in — the order sorting the merged
// charges gives, without finding each key's charge as it is added (a map
// past a few charges). Tag sets whose canonical strings collide
// ("a=b&c=d" is both {a: "b&c=d"} and {a: b, c: d}) would break the rule:
// then the charges are merged in the order they came and sorted after, as
// they were.
func mergeCharges(cs []*charge) []*charge {
	slices.SortFunc(cs, chargeCmp)
	for i := 1; i < len(cs); i++ {
		if a, b := cs[i-1], cs[i]; a.mk.tags != b.mk.tags && a.tagStr == b.tagStr {
			slices.SortFunc(cs, func(a, b *charge) int { return cmp.Compare(a.seq, b.seq) })
			return mergeInOrder(cs)
		}
	}
	out := cs[:0]
	for _, c := range cs {
		if len(out) > 0 && out[len(out)-1].mk == c.mk {
			out[len(out)-1].merge(c)
			continue
		}
		out = append(out, c)
	}
	return out
}

// mergeInOrder merges charges of one key into the first, in the order
// they came, then sorts them.
func mergeInOrder(cs []*charge) []*charge {
	byKey := make(map[mergeKey]*charge, len(cs))
	out := cs[:0]
	for _, c := range cs {
		if first := byKey[c.mk]; first != nil {
			first.merge(c)
			continue
		}
		byKey[c.mk] = c
		out = append(out, c)
	}
	slices.SortFunc(out, chargeCmp)
	return out
}

// chargeCmp is the fixed order in which free tier and price tiers are
// consumed (see the package doc): by line — usage type, region, service,
// operation, AZ (lineCmp) — then resource, tag set and price. Lines are
// compared by their ranks, which rankLines has set in lineCmp order, so a
// sort compares two integers where it compared up to five strings.
// Charges are sorted with slices.SortFunc, the same pattern-defeating
// quicksort as the sort.Slice it replaced (both are generated from one
// template), so ties keep the order they had, without sort.Slice's
// reflection and allocations.
func chargeCmp(a, b *charge) int {
	if x, y := a.line, b.line; x != y {
		// Distinct canonical dims have distinct lines: never a tie.
		return cmp.Compare(x.rank, y.rank)
	}
	switch {
	case a.mk.resource != b.mk.resource:
		return strings.Compare(a.mk.resource, b.mk.resource)
	case a.tagStr != b.tagStr:
		return strings.Compare(a.tagStr, b.tagStr)
	}
	return cmp.Compare(a.mk.price, b.mk.price)
}

// lineCmp orders lines by usage type, region, service, operation and AZ.
func lineCmp(x, y *dimsEntry) int {
	if c := strings.Compare(x.lineUsageType(), y.lineUsageType()); c != 0 {
		return c
	}
	if c := strings.Compare(x.region, y.region); c != 0 {
		return c
	}
	if c := strings.Compare(x.lineService(), y.lineService()); c != 0 {
		return c
	}
	if c := strings.Compare(x.operation, y.operation); c != 0 {
		return c
	}
	return strings.Compare(x.az, y.az)
}

// rankLines sets the rank of every canonical dims (chargeCmp), if dims
// were added since it last did: a ledger has a few lines, and they are
// ranked again only when one is new, not per invoice. A few are ranked by
// counting the lines before each, which allocates nothing; more are
// sorted.
func (l *Ledger) rankLines() {
	if int(l.rankedDims) == len(l.dims) {
		return
	}
	l.rankedDims = uint32(len(l.dims))
	if len(l.dims) <= scanDims {
		for i := range l.dims {
			e := &l.dims[i]
			if e.canon != uint32(i) {
				continue
			}
			e.rank = 0
			for j := range l.dims {
				if f := &l.dims[j]; f.canon == uint32(j) && lineCmp(f, e) < 0 {
					e.rank++
				}
			}
		}
		return
	}
	canon := make([]*dimsEntry, 0, len(l.dims))
	for i := range l.dims {
		if e := &l.dims[i]; e.canon == uint32(i) {
			canon = append(canon, e)
		}
	}
	rankEntries(canon)
}

// rankEntries sets the ranks of distinct lines es in lineCmp order.
func rankEntries(es []*dimsEntry) {
	slices.SortFunc(es, lineCmp)
	for i, e := range es {
		e.rank = uint32(i)
	}
}

func (l *Ledger) tagString(id uint32) string {
	if id == 0 { // no tags: most usage, and all of a replication's
		return ""
	}
	for int(id) >= len(l.tagStrs) {
		l.tagStrs = append(l.tagStrs, canonicalTags(l.tagSets[len(l.tagStrs)]))
	}
	return l.tagStrs[id]
}

// canonicalTags formats a tag set as sorted "k=v" pairs joined by "&".
func canonicalTags(tags map[string]string) string {
	if len(tags) == 0 {
		return ""
	}
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(tags[k])
	}
	return b.String()
}

// perUnit is the number of raw units in one pricing unit in a month of
// monthSecs seconds.
func perUnit(rt *Rate, monthSecs int64) u128 {
	if rt.Monthly {
		hi, lo := bits.Mul64(uint64(rt.PerUnit), uint64(monthSecs))
		return u128{hi, lo}
	}
	return u128{0, uint64(rt.PerUnit)}
}

// setPerUnit sets z to perUnit times den (one: den is 1).
func setPerUnit(z *big.Int, rt *Rate, monthSecs int64, den *big.Int, one bool) {
	setU128(z, perUnit(rt, monthSecs))
	if !one {
		z.Mul(z, den)
	}
}

var femtoPerNano = big.NewInt(1_000_000) // femto-dollars per nano-dollar

// price applies the free-tier offers and the tiers to a batch's sorted
// charges and sets each charge's cost: the exact Σ quantity × price,
// rounded half up to a nano-dollar once.
func (l *Ledger) price(accountID string, m Month, b batch) {
	// The month's length and whether den is 1, worked out once, not per
	// charge.
	monthSecs, one := m.Seconds(), b.den.IsUint64() && b.den.Uint64() == 1
	for _, c := range b.charges {
		if c.x == nil { // den is 1
			c.pu = perUnit(c.rate, monthSecs)
		} else {
			setPerUnit(&c.x.pu, c.rate, monthSecs, b.den, one)
		}
	}
	// Free-tier offers, consumed in charge order. An offer's remainder is
	// kept in pricing units as a fraction over the product of the perUnits
	// met so far, so that offers spanning usage types of different raw
	// units stay exact.
	for _, o := range l.Offers(accountID, m) {
		if !offerUsed(&o, b.charges) {
			continue // most invoices use no offer: skip its remainder's values
		}
		remN, remD := big.NewInt(o.Quantity), big.NewInt(1) // pricing units remN/remD
		for _, c := range b.charges {
			if remN.Sign() <= 0 {
				break
			}
			if c.mk.price != 0 || !slices.Contains(o.UsageTypes, c.line.lineUsageType()) {
				continue
			}
			x := c.promote()
			avail := new(big.Int).Sub(&x.raw, &x.free)
			// give = min(avail, floor(rem × pu)) raw units.
			give := new(big.Int).Mul(remN, &x.pu)
			give.Quo(give, remD)
			if give.Cmp(avail) > 0 {
				give = avail
			}
			x.free.Add(&x.free, give)
			// rem -= give/pu
			remN.Mul(remN, &x.pu)
			remN.Sub(remN, new(big.Int).Mul(give, remD))
			remD.Mul(remD, &x.pu)
		}
	}
	// Tiers, per (usage type, region), consumed in charge order; usage is
	// tracked in pricing units × den-scaled perUnit of the pool (the pool's
	// charges share a usage type, hence a perUnit).
	var used map[[2]string]*big.Int // made for the first tiered charge
	// Scratch values reused across charges: an invoice prices a line per
	// resource.
	var num, chargeable, factor, den, take, room, prod, quo, rem, puS big.Int
	for _, c := range b.charges {
		var pu *big.Int
		if x := c.x; x == nil {
			// Usage in 128 bits, none free: most charges, priced in
			// words when they have one price.
			if price, ok := c.flatPrice(); ok && c.raw.hi == 0 && c.pu.hi == 0 {
				if money, ok := flatCost64(c.raw.lo, c.pu.lo, price); ok {
					c.money = money
					continue
				}
			}
			pu = setU128(&puS, c.pu)
			setU128(&chargeable, c.raw)
		} else {
			pu = &x.pu
			// Most charges have no free usage: their chargeable usage is
			// their raw usage, not copied.
			ch := &x.raw
			if x.free.Sign() != 0 {
				ch = chargeable.Sub(&x.raw, &x.free)
			}
			if price, ok := c.flatPrice(); ok {
				if money, ok := flatCost(ch, pu, price); ok {
					c.money = money
					continue
				}
			}
			if ch != &chargeable {
				chargeable.Set(ch)
			}
		}
		num.SetInt64(0) // femto-dollars × raw/den units
		if price, ok := c.flatPrice(); ok {
			num.Mul(&chargeable, factor.SetInt64(price))
		} else {
			pk := [2]string{c.line.lineUsageType(), c.line.region}
			u := used[pk]
			if u == nil {
				if used == nil {
					used = make(map[[2]string]*big.Int)
				}
				u = new(big.Int)
				used[pk] = u
			}
			left := &chargeable // consumed tier by tier
			for _, t := range c.rate.tiers {
				if left.Sign() <= 0 {
					break
				}
				take.Set(left)
				if t.upTo != 0 {
					room.Mul(factor.SetInt64(t.upTo), pu)
					room.Sub(&room, u)
					if room.Sign() <= 0 {
						continue
					}
					if take.Cmp(&room) > 0 {
						take.Set(&room)
					}
				}
				num.Add(&num, prod.Mul(&take, factor.SetInt64(int64(t.price))))
				u.Add(u, &take)
				left.Sub(left, &take)
			}
		}
		q := roundQuoTo(&quo, &rem, &num, den.Mul(pu, femtoPerNano))
		if q.IsInt64() {
			c.money = Money(q.Int64())
		} else {
			c.money, c.overflow = Money(math.MaxInt64), true
		}
	}
}

// offerUsed reports whether a charge at the catalog price has one of o's
// usage types. Sorted charges of one line are side by side (chargeCmp), so
// each line is looked at once, not each resource's charge.
func offerUsed(o *Offer, cs []*charge) bool {
	var last *dimsEntry // the line looked at last
	for _, c := range cs {
		if c.mk.price != 0 || c.line == last {
			continue
		}
		last = c.line
		if slices.Contains(o.UsageTypes, c.line.lineUsageType()) {
			return true
		}
	}
	return false
}

// flatPrice is a charge's one price, when it has one: the caller's, or
// its rate's single tier.
func (c *charge) flatPrice() (int64, bool) {
	switch {
	case c.mk.price != 0:
		return int64(c.mk.price), true
	case len(c.rate.tiers) == 1:
		return int64(c.rate.tiers[0].price), true
	}
	return 0, false
}

// flatCost is the cost of a charge with one price (flatPrice) computed in
// 64-bit words when everything fits: the same chargeable × price /
// (pu × 10⁶) rounded half up as the big.Int path in price, without its
// allocations — an invoice prices a line per resource.
func flatCost(chargeable, pu *big.Int, price int64) (Money, bool) {
	if !chargeable.IsUint64() || !pu.IsUint64() {
		return 0, false
	}
	return flatCost64(chargeable.Uint64(), pu.Uint64(), price)
}

// flatCost64 is flatCost of words.
func flatCost64(chargeable, pu uint64, price int64) (Money, bool) {
	if price < 0 {
		return 0, false
	}
	dhi, den := bits.Mul64(pu, 1_000_000)
	if dhi != 0 || den == 0 {
		return 0, false
	}
	hi, lo := bits.Mul64(chargeable, uint64(price))
	if hi >= den { // the quotient would not fit in a word
		return 0, false
	}
	q, r := bits.Div64(hi, lo, den)
	if q >= math.MaxInt64 { // leave saturation to the big.Int path
		return 0, false
	}
	if r >= den-r { // 2r ≥ den: round half up
		q++
	}
	return Money(q), true
}

// roundQuo returns num/den rounded half away from zero (den > 0).
func roundQuo(num, den *big.Int) *big.Int {
	return roundQuoTo(new(big.Int), new(big.Int), num, den)
}

// roundQuoTo is roundQuo into q, with r as scratch; it returns q.
func roundQuoTo(q, r, num, den *big.Int) *big.Int {
	q.QuoRem(num, den, r)
	r.Abs(r)
	r.Lsh(r, 1)
	if r.Cmp(den) >= 0 {
		if num.Sign() < 0 {
			q.Sub(q, bigOne)
		} else {
			q.Add(q, bigOne)
		}
	}
	return q
}

var bigOne = big.NewInt(1) // never changed

// lineItem sets *li, a zero line, to charge c's line, once price has
// priced it. ms is month m's span.
func (l *Ledger) lineItem(li *LineItem, accountID string, ms monthSpan, c *charge, rm *ratMaker) {
	rt := c.rate
	var amount, free *big.Rat
	if x := c.x; x != nil {
		amount, free = rm.fraction(&x.raw, &x.pu), rm.fraction(&x.free, &x.pu)
	} else {
		amount, free = rm.fraction128(c.raw, c.pu), rm.fraction128(u128{}, c.pu)
	}
	*li = LineItem{
		Type: "Usage", Account: accountID, Month: ms.m, Service: c.line.lineService(),
		UsageType: l.dims[c.mk.canon].cur, Operation: c.line.operation, Region: c.line.region, AZ: c.line.az,
		ResourceID: c.mk.resource, Tags: l.tagSet(c.mk.tags),
		Start: l.env.TimeOf(max(c.first, ms.start)), End: l.env.TimeOf(min(c.last, ms.end)),
		Unit: rt.Unit, Amount: amount, FreeAmount: free,
		UnitPrice: c.mk.price, Cost: c.money, Description: rt.Description, Records: c.records,
	}
	if li.UnitPrice == 0 {
		li.UnitPrice = rt.UnitPrice()
	}
}

// ratMaker makes an invoice's amounts (two per resource), each a new
// big.Rat with the value new(big.Rat).SetFrac(num, den) has, down to its
// representation. When both terms fit in a word it reduces them with a
// word gcd (SetFrac's big.Int gcd allocates) and makes the Rat and its
// two words as one block, taken from blocks while there are some (an
// invoice allocates its amounts at once) and allocated otherwise. Each
// block's words are capped at their length, so an amount that grows moves
// to words of its own rather than over a neighbour's. Rat.Denom is a
// reference to the denominator only once it is non-empty, so each block's
// Rat starts as a copy of one, a Rat of value 1/1, and both its terms are
// then replaced (Int.SetBits) before it is returned: it shares no word
// with one.
type ratMaker struct {
	one    *big.Rat
	blocks []ratBlock
}

// ratOne is the Rat 1/1 that invoices' ratMakers copy; it is never
// changed (fraction replaces the copy's terms).
var ratOne = big.NewRat(1, 1)

type ratBlock struct {
	r big.Rat
	w [2]big.Word
}

// fraction returns num/den (den > 0).
func (rm *ratMaker) fraction(num, den *big.Int) *big.Rat {
	if bits.UintSize != 64 || !num.IsUint64() || !den.IsUint64() || den.Sign() <= 0 {
		return new(big.Rat).SetFrac(num, den)
	}
	return rm.fraction64(num.Uint64(), den.Uint64())
}

// fraction128 is fraction of 128-bit terms.
func (rm *ratMaker) fraction128(num, den u128) *big.Rat {
	if bits.UintSize != 64 || num.hi != 0 || den.hi != 0 || den.lo == 0 {
		return rm.fraction(num.big(), den.big())
	}
	return rm.fraction64(num.lo, den.lo)
}

// fraction64 is fraction of word-sized terms (d > 0), on 64-bit words.
func (rm *ratMaker) fraction64(n, d uint64) *big.Rat {
	if rm.one == nil {
		rm.one = big.NewRat(1, 1)
	}
	g := gcd64(n, d)
	var blk *ratBlock
	if len(rm.blocks) > 0 {
		blk, rm.blocks = &rm.blocks[0], rm.blocks[1:]
	} else {
		blk = new(ratBlock)
	}
	blk.r, blk.w = *rm.one, [2]big.Word{big.Word(n / g), big.Word(d / g)}
	if n == 0 {
		blk.r.Num().SetBits(nil) // SetFrac's zero: no words
	} else {
		blk.r.Num().SetBits(blk.w[0:1:1])
	}
	blk.r.Denom().SetBits(blk.w[1:2:2])
	return &blk.r
}

// gcd64 is the greatest common divisor of a and b (b > 0), Euclid's way.
func gcd64(a, b uint64) uint64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// pricedTotals collects and prices account's usage of month m as of asOf,
// as Invoice and Tally both begin: it sets *usage to the charges' sum
// (saturating, *overflow then true, as when a charge did) and returns the
// priced batch and the credits that apply to that usage.
func (l *Ledger) pricedTotals(accountID string, m Month, asOf sim.Time, usage *Money, overflow *bool) (batch, Money) {
	b := l.collect(accountID, m, asOf, nil, nil)
	l.price(accountID, m, b)
	for _, c := range b.charges {
		*usage = usage.addSat(c.money, overflow)
		*overflow = *overflow || c.overflow
	}
	return b, l.creditsFor(accountID, m, *usage)
}

// usageCost prices a batch and sums its charges, restricted to services if
// given.
func (l *Ledger) usageCost(accountID string, m Month, b batch, services []string) Money {
	l.price(accountID, m, b)
	var t Money
	for _, c := range b.charges {
		if len(services) == 0 || contains(services, c.line.lineService()) {
			var o bool
			t = t.addSat(c.money, &o)
		}
	}
	b.release()
	return t
}

// curUsageType writes a normalized usage type as a CUR shows it in its
// region: "USW2-BoxUsage:m5.large", "USE1-USW2-AWS-Out-Bytes",
// "USE1-PublicIPv4:InUseAddress".
func (l *Ledger) curUsageType(rt Rate) string {
	reg, _ := l.cat.Region(rt.Region)
	if rt.Dest != "" {
		return reg.Pair + "-" + rt.UsageType
	}
	if reg.Prefix == "" {
		if rt.PrefixedInUSE1 && reg.Pair != "" {
			return reg.Pair + "-" + rt.UsageType
		}
		return rt.UsageType
	}
	return reg.Prefix + "-" + rt.UsageType
}

// creditsFor returns the credits applied to month m of a credit-plan
// account with usage cost usage: what is left of the grant after earlier
// months, until the credits expire.
func (l *Ledger) creditsFor(accountID string, m Month, usage Money) Money {
	if usage <= 0 {
		return 0
	}
	return min(l.creditsLeft(accountID, m), usage)
}

// creditsLeft returns the credits a credit-plan account can still apply in
// month m: the grant less what earlier months used, or 0 once expired and
// on other plans.
func (l *Ledger) creditsLeft(accountID string, m Month) Money {
	a := l.account(accountID)
	grant, expiry, ok := l.credits(a)
	if !ok || m >= expiry {
		return 0
	}
	left := grant
	for pm := l.monthOf(a.created); pm < m && left > 0; pm++ {
		prior := l.usageCost(accountID, pm, l.collect(accountID, pm, l.env.Now(), nil, nil), nil)
		left -= min(left, max(prior, 0))
	}
	return left
}

package billing

import (
	"math/big"
	"slices"
	"sort"
	"strings"
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
	return l.invoiceAt(accountID, m, l.clk.Now())
}

func (l *Ledger) invoiceAt(accountID string, m Month, asOf sim.Time) *Invoice {
	chs := l.collect(accountID, m, asOf, nil)
	inv := l.priceMonth(accountID, m, chs, true)
	inv.AsOf = l.clk.TimeOf(asOf)
	inv.Final = !inv.AsOf.Before(m.End())
	return inv
}

// charge is a line item being priced: merged accumulators of one key.
type charge struct {
	key         lineKey // usageType normalized, timed false
	rate        Rate
	raw         *big.Rat // raw units (rational only in forecasts)
	free        *big.Rat
	cost        *big.Rat // femto-dollars... in nano-dollars, exact
	first, last sim.Time
	records     uint64
	tagStr      string
}

// collect gathers an account's usage in month m: committed accumulators,
// plus running meters as accrued at meterEnd. If scale is non-nil,
// usage reported with Record (not by meters) is multiplied by it (forecasts).
func (l *Ledger) collect(accountID string, m Month, meterEnd sim.Time, scale *big.Rat) []*charge {
	byKey := make(map[lineKey]*charge)
	var out []*charge
	add := func(k lineKey, rt Rate, raw *big.Rat, first, last sim.Time, records uint64) {
		k.usageType = rt.UsageType
		k.timed = false
		if k.service == "" {
			k.service = rt.Service
		}
		c, ok := byKey[k]
		if !ok {
			c = &charge{key: k, rate: rt, raw: new(big.Rat), free: new(big.Rat), first: first, last: last, tagStr: l.tagString(k.tags)}
			byKey[k] = c
			out = append(out, c)
		}
		c.raw.Add(c.raw, raw)
		c.first = min(c.first, first)
		c.last = max(c.last, last)
		c.records += records
	}
	for _, i := range l.byAcctMonth[acctMonth{accountID, m}] {
		s := &l.slots[i]
		if s.records == 0 {
			continue
		}
		raw := new(big.Rat).SetInt(s.qty.big())
		if scale != nil && !s.key.timed {
			raw.Mul(raw, scale)
		}
		add(s.key, s.rate, raw, s.first, s.last, s.records)
	}
	for _, mi := range l.running[accountID] {
		mt := &l.meters[mi]
		if meterEnd < mt.first {
			continue
		}
		tmp := *mt
		tmp.pending = append(slices.Clip(mt.pending), mt.cur)
		l.emitRun(&tmp, meterEnd, endAccrued, func(_ *timedMeter, p piece) {
			if p.month != m {
				return
			}
			k := mt.base
			k.month, k.price = p.month, p.price
			rt, err := l.cat.Lookup(k.region, k.usageType)
			if err != nil {
				return // validated at StartTimed
			}
			q := new(big.Int).Mul(big.NewInt(p.secs), big.NewInt(p.rate))
			add(k, rt, new(big.Rat).SetInt(q), p.first, p.last, 1)
		})
	}
	sort.Slice(out, func(i, j int) bool { return chargeLess(out[i], out[j]) })
	return out
}

// chargeLess is the fixed order in which free tier and price tiers are
// consumed (see the package doc).
func chargeLess(a, b *charge) bool {
	x, y := a.key, b.key
	switch {
	case x.usageType != y.usageType:
		return x.usageType < y.usageType
	case x.region != y.region:
		return x.region < y.region
	case x.service != y.service:
		return x.service < y.service
	case x.operation != y.operation:
		return x.operation < y.operation
	case x.az != y.az:
		return x.az < y.az
	case x.resource != y.resource:
		return x.resource < y.resource
	case a.tagStr != b.tagStr:
		return a.tagStr < b.tagStr
	}
	return x.price < y.price
}

func (l *Ledger) tagString(id uint32) string {
	return canonicalTags(l.tagSets[id])
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

// perUnit is the number of raw units in one pricing unit in month m.
func perUnit(rt Rate, m Month) *big.Int {
	p := big.NewInt(rt.PerUnit)
	if rt.Monthly {
		p.Mul(p, big.NewInt(m.Seconds()))
	}
	return p
}

var femtoPerNano = big.NewInt(1_000_000) // femto-dollars per nano-dollar

// priceMonth applies free tier, tiers and credits to an account's sorted
// charges for month m and builds the invoice.
func (l *Ledger) priceMonth(accountID string, m Month, chs []*charge, withCredits bool) *Invoice {
	inv := &Invoice{Account: accountID, Month: m}
	// Free-tier offers, consumed in charge order.
	for _, o := range l.Offers(accountID, m) {
		remaining := new(big.Rat).SetInt64(o.Quantity) // pricing units
		for _, c := range chs {
			if remaining.Sign() <= 0 {
				break
			}
			if c.key.price != 0 || !slices.Contains(o.UsageTypes, c.key.usageType) {
				continue
			}
			pu := new(big.Rat).SetInt(perUnit(c.rate, m))
			avail := new(big.Rat).Sub(c.raw, c.free)
			give := new(big.Rat).Mul(remaining, pu)
			if give.Cmp(avail) > 0 {
				give = avail
			}
			c.free.Add(c.free, give)
			remaining.Sub(remaining, give.Quo(give, pu))
		}
	}
	// Tiers, per (usage type, region), consumed in charge order.
	used := make(map[[2]string]*big.Rat)
	for _, c := range chs {
		pu := perUnit(c.rate, m)
		chargeable := new(big.Rat).Sub(c.raw, c.free)
		cost := new(big.Rat) // femto-dollars × raw units / perUnit
		if c.key.price != 0 {
			cost.Mul(chargeable, new(big.Rat).SetInt64(int64(c.key.price)))
		} else {
			pk := [2]string{c.key.usageType, c.key.region}
			u := used[pk]
			if u == nil {
				u = new(big.Rat)
				used[pk] = u
			}
			left := chargeable
			for _, t := range c.rate.tiers {
				if left.Sign() <= 0 {
					break
				}
				take := new(big.Rat).Set(left)
				if t.upTo != 0 {
					bound := new(big.Rat).SetInt(new(big.Int).Mul(big.NewInt(t.upTo), pu))
					room := bound.Sub(bound, u)
					if room.Sign() <= 0 {
						continue
					}
					if take.Cmp(room) > 0 {
						take = room
					}
				}
				cost.Add(cost, new(big.Rat).Mul(take, new(big.Rat).SetInt64(int64(t.price))))
				u.Add(u, take)
				left = new(big.Rat).Sub(left, take)
			}
		}
		cost.Quo(cost, new(big.Rat).SetInt(new(big.Int).Mul(pu, femtoPerNano)))
		c.cost = cost
		money := Money(roundRat(cost))
		inv.Usage += money
		inv.Lines = append(inv.Lines, l.lineItem(accountID, m, c, pu, money))
	}
	inv.Total = inv.Usage
	if withCredits {
		if cr := l.creditsFor(accountID, m, inv.Usage); cr != 0 {
			inv.Credits = -cr
			inv.Total -= cr
			inv.Lines = append(inv.Lines, LineItem{
				Type: "Credit", Account: accountID, Month: m, Service: "AWS Credits",
				UsageType: "Credit", Start: m.Start(), End: m.End(),
				Amount: new(big.Rat), FreeAmount: new(big.Rat), Cost: -cr,
				Description: "AWS Free Tier credits (" + l.account(accountID).plan.String() + ")",
			})
		}
	}
	return inv
}

func (l *Ledger) lineItem(accountID string, m Month, c *charge, pu *big.Int, cost Money) LineItem {
	rt := c.rate
	puR := new(big.Rat).SetInt(pu)
	li := LineItem{
		Type: "Usage", Account: accountID, Month: m, Service: c.key.service,
		UsageType: l.curUsageType(rt), Operation: c.key.operation, Region: c.key.region, AZ: c.key.az,
		ResourceID: c.key.resource, Tags: l.tagSets[c.key.tags],
		Start: l.clk.TimeOf(max(c.first, l.monthStart(m))), End: l.clk.TimeOf(min(c.last, l.monthStart(m+1))),
		Unit: rt.Unit, Amount: new(big.Rat).Quo(c.raw, puR), FreeAmount: new(big.Rat).Quo(c.free, puR),
		UnitPrice: c.key.price, Cost: cost, Description: rt.Description, Records: c.records,
	}
	if li.UnitPrice == 0 {
		li.UnitPrice = rt.UnitPrice()
	}
	return li
}

func (l *Ledger) monthStart(m Month) sim.Time { return spanOf(l.clk, m).start }

// curUsageType writes a normalized usage type as a CUR shows it in its
// region: "USW2-BoxUsage:m5.large", "USE1-USW2-AWS-Out-Bytes".
func (l *Ledger) curUsageType(rt Rate) string {
	reg, _ := l.cat.Region(rt.Region)
	if rt.Dest != "" {
		return reg.Pair + "-" + rt.UsageType
	}
	if reg.Prefix == "" {
		return rt.UsageType
	}
	return reg.Prefix + "-" + rt.UsageType
}

// creditsFor returns the credits applied to month m of a credit-plan
// account with usage cost usage: what is left of the grant after earlier
// months, until the credits expire.
func (l *Ledger) creditsFor(accountID string, m Month, usage Money) Money {
	a := l.account(accountID)
	grant, expiry, ok := l.credits(a)
	if !ok || m >= expiry || usage <= 0 {
		return 0
	}
	left := grant
	for pm := l.monthOf(a.created); pm < m && left > 0; pm++ {
		prior := l.priceMonth(accountID, pm, l.collect(accountID, pm, l.clk.Now(), nil), false)
		left -= min(left, max(prior.Usage, 0))
	}
	return min(left, usage)
}

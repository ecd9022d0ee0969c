package billing

import "math/big"

// Tally is an account's bill for one month as figures, without line
// items: the Usage, Credits, Total and Overflow of the Invoice of the same
// instant, and its usage lines summed per service, region and usage type.
// A caller that only reads what a bill comes to (a simulation reading its
// cost at its end) pays for no line items: no amounts as big.Rats, no tag
// maps, times or descriptions, one slice for the sums.
type Tally struct {
	Account string
	Month   Month
	// Usage is the cost before credits; Credits the (negative) credits
	// applied; Total = Usage + Credits, as on the invoice.
	Usage, Credits, Total Money
	// Overflow reports that an amount exceeded Money's range and
	// saturated, as Invoice.Overflow.
	Overflow bool
	// Sums are the invoice's usage lines summed per (service, region,
	// usage type), in the order of their first line on the invoice. The
	// credit line is not among them: it is Credits.
	Sums []Sum
}

// Sum is the usage lines of a tally of one service, region and usage type
// (as a CUR shows it: "USW2-BoxUsage:m5.large"): their cost, the exact
// sum of the lines' costs, and their amounts (Amount, FreeAmount), the
// exact sums of the lines' amounts.
type Sum struct {
	Service, Region, UsageType string
	// Unit is the pricing unit the amounts are in.
	Unit  string
	Cost  Money
	Lines int
	// raw and free are the amounts in raw units, per pu raw units to the
	// pricing unit, while they fit in 128 bits (a tally's usage is not
	// scaled: its raw quantities are integers) and all lines share pu;
	// otherwise x holds them as exact fractions.
	raw, free, pu u128
	x             *sumFrac
}

type sumFrac struct{ amount, free big.Rat }

// Amount returns the lines' total amount in Unit, exactly: the sum of
// their LineItem.Amount.
func (s *Sum) Amount() *big.Rat {
	if s.x != nil {
		return new(big.Rat).Set(&s.x.amount)
	}
	rm := ratMaker{one: ratOne} // the Rat and its words at once
	return rm.fraction128(s.raw, s.pu)
}

// FreeAmount returns the part of Amount covered by free-tier offers: the
// sum of the lines' LineItem.FreeAmount.
func (s *Sum) FreeAmount() *big.Rat {
	if s.x != nil {
		return new(big.Rat).Set(&s.x.free)
	}
	rm := ratMaker{one: ratOne}
	return rm.fraction128(s.free, s.pu)
}

// Tally returns account's bill for month m as of now, as figures: what
// Invoice(accountID, m) would total, without building its lines. It
// prices the same usage the same way (free tier, tiers, one rounding per
// line, credits), so its figures equal the invoice's to the nano-dollar.
func (l *Ledger) Tally(accountID string, m Month) Tally {
	t := Tally{Account: accountID, Month: m}
	b, cr := l.pricedTotals(accountID, m, l.env.Now(), &t.Usage, &t.Overflow)
	t.Total = t.Usage
	if cr != 0 {
		t.Credits = -cr
		t.Total -= cr
	}
	// The charges are in chargeCmp order, which begins with the usage
	// type, region and service, so a sum's lines are side by side: each
	// charge adds to the last sum or begins the next, with no lookup. A
	// sum is counted before any is made, for one allocation.
	n := 0
	for i, c := range b.charges {
		if i == 0 || !sameSum(b.charges[i-1], c) {
			n++
		}
	}
	if n > 0 {
		t.Sums = make([]Sum, 0, n)
	}
	for i, c := range b.charges {
		if i == 0 || !sameSum(b.charges[i-1], c) {
			t.Sums = append(t.Sums, Sum{Service: c.line.lineService(), Region: c.line.region,
				UsageType: l.dims[c.mk.canon].cur, Unit: c.rate.Unit})
		}
		t.Sums[len(t.Sums)-1].add(c)
	}
	b.release()
	return t
}

// sameSum reports whether charges c and d, side by side in chargeCmp
// order, add to one Sum. The CUR usage type follows from the region and
// the normalized usage type.
func sameSum(c, d *charge) bool {
	x, y := c.line, d.line
	return x == y || (x.lineUsageType() == y.lineUsageType() && x.region == y.region && x.lineService() == y.lineService())
}

// add adds priced charge c's line to s.
func (s *Sum) add(c *charge) {
	var o bool
	s.Cost = s.Cost.addSat(c.money, &o) // saturation is the tally's Overflow
	s.Lines++
	raw, free, pu, ok := c.raw, u128{}, c.pu, true
	if x := c.x; x != nil {
		raw, ok = u128Of(&x.raw)
		if ok {
			free, ok = u128Of(&x.free)
		}
		if ok {
			pu, ok = u128Of(&x.pu)
		}
	}
	if s.x == nil && ok && (s.Lines == 1 || pu == s.pu) {
		r, carry := s.raw.addCarry(raw)
		f, carry2 := s.free.addCarry(free)
		if carry == 0 && carry2 == 0 {
			s.raw, s.free, s.pu = r, f, pu
			return
		}
	}
	// Beyond 128 bits or over different pus (two usage types of one CUR
	// name): exact fractions, as the invoice's big.Rat amounts add.
	if s.x == nil {
		s.x = new(sumFrac)
		if s.Lines > 1 {
			s.x.amount.SetFrac(s.raw.big(), s.pu.big())
			s.x.free.SetFrac(s.free.big(), s.pu.big())
		}
	}
	var rawB, freeB, puB *big.Int
	if x := c.x; x != nil {
		rawB, freeB, puB = &x.raw, &x.free, &x.pu
	} else {
		rawB, freeB, puB = c.raw.big(), new(big.Int), c.pu.big()
	}
	s.x.amount.Add(&s.x.amount, new(big.Rat).SetFrac(rawB, puB))
	s.x.free.Add(&s.x.free, new(big.Rat).SetFrac(freeB, puB))
}

package billing

import (
	"fmt"
	"math/big"
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// Property: for random usage — records and timed meters of several
// services across regions, months, tags and resources, some meters still
// running, accounts on every plan (free-tier offers used up to and past
// their limits, credits) — a Tally has its invoice's Usage, Credits, Total
// and Overflow, and its Sums are the invoice's usage lines summed per
// (service, region, usage type) in order of first appearance: the same
// costs, line counts, units and exact amounts.
func TestPropertyTallyEqualsInvoice(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		// Two days before a month's end, so that usage spans two months.
		env := sim.New(1, sim.WithEpoch(time.Date(2026, time.January, 30, 0, 0, 0, 0, time.UTC)))
		defer env.Close()
		led := New(env, nil)
		accounts := []string{"111111111111", "222222222222"}
		for _, a := range accounts {
			plan := rapid.SampledFrom([]Plan{PlanNone, PlanAlwaysFree, PlanLegacy, PlanCreditFree, PlanCreditPaid}).Draw(rt, "plan")
			acc := Account{ID: a, Plan: plan}
			if plan == PlanCreditFree || plan == PlanCreditPaid {
				acc.BonusCredits = Money(rapid.Int64Range(0, int64(MaxBonusCredits)).Draw(rt, "bonus"))
			}
			require.NoError(rt, led.SetAccount(acc))
		}
		var meters []MeterID
		for range rapid.IntRange(1, 40).Draw(rt, "steps") {
			env.RunFor(time.Duration(rapid.Int64Range(0, int64(8*time.Hour)).Draw(rt, "advance")))
			pp := rapid.SampledFrom(propProducts).Draw(rt, "product")
			region := rapid.SampledFrom(propRegions).Draw(rt, "region")
			u := Usage{Account: rapid.SampledFrom(accounts).Draw(rt, "account"), Service: pp.service, UsageType: pp.ut,
				Operation: rapid.SampledFrom([]string{"Op", "Op2"}).Draw(rt, "op"), Region: region,
				ResourceID: fmt.Sprintf("r%d", rapid.IntRange(0, 3).Draw(rt, "res")),
				Quantity:   rapid.Int64Range(0, pp.maxQty).Draw(rt, "qty")}
			if rapid.Bool().Draw(rt, "prefixed") {
				u.UsageType = propPrefix[region] + pp.ut
			}
			if rapid.Bool().Draw(rt, "tagged") {
				u.Tags = map[string]string{"team": rapid.SampledFrom([]string{"a", "b"}).Draw(rt, "team")}
			}
			if pp.spot {
				u.Price = Price(rapid.Int64Range(1, int64(PriceDollar)).Draw(rt, "price"))
			}
			switch {
			case !pp.timed:
				require.NoError(rt, led.Record(u))
			case len(meters) > 0 && rapid.IntRange(0, 2).Draw(rt, "stop") == 0:
				i := rapid.IntRange(0, len(meters)-1).Draw(rt, "meter")
				require.NoError(rt, led.StopTimed(meters[i], StopOptions{}))
				meters = append(meters[:i], meters[i+1:]...)
			default:
				g := rapid.SampledFrom([]Granularity{PerSecond60, PerSecond, PerHour}).Draw(rt, "gran")
				id, err := led.StartTimed(u, g)
				require.NoError(rt, err)
				meters = append(meters, id)
			}
		}
		env.RunFor(time.Duration(rapid.Int64Range(0, int64(48*time.Hour)).Draw(rt, "tail")))
		for _, a := range accounts {
			for _, m := range led.Months(a) {
				checkTally(rt, led.Invoice(a, m), led.Tally(a, m))
			}
		}
	})
}

// checkTally fails unless tl is inv's tally.
func checkTally(t require.TestingT, inv *Invoice, tl Tally) {
	require.Equal(t, inv.Account, tl.Account)
	require.Equal(t, inv.Month, tl.Month)
	require.Equal(t, inv.Usage, tl.Usage, "usage")
	require.Equal(t, inv.Credits, tl.Credits, "credits")
	require.Equal(t, inv.Total, tl.Total, "total")
	require.Equal(t, inv.Overflow, tl.Overflow, "overflow")
	type want struct {
		unit         string
		cost         Money
		lines        int
		amount, free *big.Rat
	}
	type key struct{ service, region, usageType string }
	var order []key
	sums := map[key]*want{}
	for _, li := range inv.Lines {
		if li.Type != "Usage" {
			continue
		}
		k := key{li.Service, li.Region, li.UsageType}
		w := sums[k]
		if w == nil {
			w = &want{unit: li.Unit, amount: new(big.Rat), free: new(big.Rat)}
			sums[k] = w
			order = append(order, k)
		}
		w.cost += li.Cost
		w.lines++
		w.amount.Add(w.amount, li.Amount)
		w.free.Add(w.free, li.FreeAmount)
	}
	require.Len(t, tl.Sums, len(order))
	for i, k := range order {
		s, w := &tl.Sums[i], sums[k]
		require.Equal(t, k, key{s.Service, s.Region, s.UsageType})
		require.Equal(t, w.unit, s.Unit)
		require.Equal(t, w.cost, s.Cost, "%v", k)
		require.Equal(t, w.lines, s.Lines, "%v", k)
		require.Zero(t, w.amount.Cmp(s.Amount()), "%v: amount %v, want %v", k, s.Amount(), w.amount)
		require.Zero(t, w.free.Cmp(s.FreeAmount()), "%v: free %v, want %v", k, s.FreeAmount(), w.free)
	}
}

// A sum's amounts stay exact past 128 bits and over lines of different
// pricing units, where they leave the words for fractions.
func TestSumAddBeyondWords(t *testing.T) {
	rt := &Rate{}
	var s Sum
	s.add(&charge{rate: rt, raw: u128{^uint64(0), ^uint64(0)}, pu: u128{0, 3}, money: 1})
	s.add(&charge{rate: rt, raw: u128{0, 2}, pu: u128{0, 3}, money: 2}) // carries out of 128 bits
	x := new(bigCharge)
	x.init()
	x.raw.SetInt64(10)
	x.free.SetInt64(4)
	x.pu.SetInt64(7)
	s.add(&charge{rate: rt, x: x, money: 3}) // another pu
	want := new(big.Rat).SetFrac(new(big.Int).Lsh(big.NewInt(1), 128), big.NewInt(3))
	want.Add(want, big.NewRat(1, 3)) // (2^128 - 1 + 2) / 3
	want.Add(want, big.NewRat(10, 7))
	require.Zero(t, want.Cmp(s.Amount()), "amount %v", s.Amount())
	require.Zero(t, big.NewRat(4, 7).Cmp(s.FreeAmount()), "free %v", s.FreeAmount())
	require.Equal(t, Money(6), s.Cost)
	require.Equal(t, 3, s.Lines)

	var w Sum // a first line beyond the words: fractions from the start
	y := new(bigCharge)
	y.init()
	y.raw.Lsh(big.NewInt(1), 130)
	y.pu.SetInt64(2)
	w.add(&charge{rate: rt, x: y})
	require.Zero(t, new(big.Rat).SetInt(new(big.Int).Lsh(big.NewInt(1), 129)).Cmp(w.Amount()))
	require.Zero(t, new(big.Rat).Cmp(w.FreeAmount()))
}

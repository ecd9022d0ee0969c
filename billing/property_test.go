package billing

import (
	"fmt"
	"math/big"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/sim"
	"pgregory.net/rapid"
)

// Property: for random usage streams — records and timed meters with rate
// and price changes, stops and spot interruptions, across accounts,
// regions, months, tags and free-tier plans — every invoice's total equals
// the sum of its line items and equals a naive recomputation from the raw
// event log, to the last nano-dollar. The naive model keeps the raw log,
// assigns each billed second of a run by the instant it completes, and
// prices with big.Rat straight from the rules in the package doc; it
// shares only the catalog's price resolution with the ledger.

type propProduct struct {
	service, ut string
	timed       bool
	maxQty      int64
	spot        bool
}

var propProducts = []propProduct{
	{"AmazonEC2", "BoxUsage:t3.micro", true, 4, false},
	{"AmazonEC2", "BoxUsage:t3.micro", false, 7200, false},
	{"AmazonEC2", "EBS:VolumeUsage.gp3", true, 16384, false},
	{"AmazonS3", "TimedStorage-ByteHrs", true, 1 << 50, false},
	{"AmazonS3", "Requests-Tier1", false, 5000, false},
	{"AmazonS3", "Requests-Tier2", false, 50000, false},
	{"AWSDataTransfer", "DataTransfer-Out-Bytes", false, 30 << 40, false},
	{"AWSLambda", "Lambda-GB-Second", false, 1 << 55, false},
	{"AmazonEC2", "SpotUsage:m5.large", true, 3, true},
}

var propRegions = []string{"us-east-1", "eu-west-1", "ap-northeast-1"}
var propPrefix = map[string]string{"us-east-1": "", "eu-west-1": "EU-", "ap-northeast-1": "APN1-"}

type naiveRun struct {
	key         Usage // UsageType normalized
	gran        Granularity
	start, stop sim.Time
	interrupted bool
	changes     []seg // rate/price in effect from each instant
	id          MeterID
	stopped     bool
	rateNow     int64
	priceNow    Price
	maxRate     int64
}

func TestPropertyInvoiceEqualsSumOfLinesEqualsNaive(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		// Start two days before a month end so runs cross months.
		epoch := time.Date(2026, time.January, 30, 0, 0, 0, 0, time.UTC)
		env := sim.New(1, sim.WithEpoch(epoch))
		defer env.Close()
		led := New(env, nil)
		accounts := []string{"111111111111", "222222222222"}
		plans := map[string]Plan{}
		for _, a := range accounts {
			p := rapid.SampledFrom([]Plan{PlanNone, PlanAlwaysFree, PlanLegacy}).Draw(rt, "plan")
			plans[a] = p
			if err := led.SetAccount(Account{ID: a, Plan: p}); err != nil {
				rt.Fatal(err)
			}
		}
		var records []Usage
		var runs []*naiveRun
		steps := rapid.IntRange(1, 40).Draw(rt, "steps")
		for range steps {
			env.RunFor(time.Duration(rapid.Int64Range(0, int64(6*time.Hour)).Draw(rt, "advance")))
			now := env.Now()
			switch rapid.IntRange(0, 4).Draw(rt, "op") {
			case 0, 1: // record or start a meter
				pp := rapid.SampledFrom(propProducts).Draw(rt, "product")
				region := rapid.SampledFrom(propRegions).Draw(rt, "region")
				ut := pp.ut
				if rapid.Bool().Draw(rt, "prefixed") {
					ut = propPrefix[region] + ut
				}
				u := Usage{Account: rapid.SampledFrom(accounts).Draw(rt, "account"), Service: pp.service, UsageType: ut,
					Operation: "Op", Region: region, ResourceID: fmt.Sprintf("r%d", rapid.IntRange(0, 2).Draw(rt, "res")),
					Quantity: rapid.Int64Range(0, pp.maxQty).Draw(rt, "qty")}
				if rapid.Bool().Draw(rt, "tagged") {
					u.Tags = map[string]string{"team": rapid.SampledFrom([]string{"a", "b"}).Draw(rt, "team")}
				}
				if pp.spot {
					u.Price = Price(rapid.Int64Range(1, int64(PriceDollar)).Draw(rt, "price"))
				}
				norm := u
				norm.UsageType = pp.ut
				if !pp.timed {
					back := time.Duration(rapid.Int64Range(0, int64(time.Hour)).Draw(rt, "span"))
					u.Start, u.End = max(now-sim.Time(back), 0), now
					norm.Start, norm.End = u.Start, u.End
					if err := led.Record(u); err != nil {
						rt.Fatal(err)
					}
					records = append(records, norm)
					continue
				}
				g := rapid.SampledFrom([]Granularity{PerSecond60, PerSecond, PerHour}).Draw(rt, "gran")
				id, err := led.StartTimed(u, g)
				if err != nil {
					rt.Fatal(err)
				}
				runs = append(runs, &naiveRun{key: norm, gran: g, start: now, id: id, rateNow: u.Quantity, priceNow: u.Price, maxRate: pp.maxQty,
					changes: []seg{{from: now, rate: u.Quantity, price: u.Price}}})
			case 2, 3, 4: // change or stop a running meter
				var live []*naiveRun
				for _, r := range runs {
					if !r.stopped {
						live = append(live, r)
					}
				}
				if len(live) == 0 {
					continue
				}
				r := rapid.SampledFrom(live).Draw(rt, "run")
				switch rapid.IntRange(0, 2).Draw(rt, "what") {
				case 0:
					rate := rapid.Int64Range(0, r.maxRate).Draw(rt, "rate")
					if err := led.SetTimedRate(r.id, rate); err != nil {
						rt.Fatal(err)
					}
					r.rateNow = rate
					r.changes = append(r.changes, seg{from: now, rate: rate, price: r.priceNow})
				case 1:
					if r.priceNow == 0 {
						continue
					}
					p := Price(rapid.Int64Range(1, int64(PriceDollar)).Draw(rt, "newprice"))
					if err := led.SetTimedPrice(r.id, p); err != nil {
						rt.Fatal(err)
					}
					r.priceNow = p
					r.changes = append(r.changes, seg{from: now, rate: r.rateNow, price: p})
				default:
					r.interrupted = rapid.Bool().Draw(rt, "interrupted")
					if err := led.StopTimed(r.id, StopOptions{Interrupted: r.interrupted}); err != nil {
						rt.Fatal(err)
					}
					r.stopped, r.stop = true, now
				}
			}
		}
		env.RunFor(time.Duration(rapid.Int64Range(0, int64(48*time.Hour)).Draw(rt, "tail")))
		for _, r := range runs {
			if !r.stopped {
				if err := led.StopTimed(r.id, StopOptions{}); err != nil {
					rt.Fatal(err)
				}
				r.stopped, r.stop = true, env.Now()
			}
		}
		naive := naiveBills(env, led.Catalog(), plans, records, runs)
		for _, a := range accounts {
			for m := MonthOf(epoch) - 1; m <= MonthOf(env.NowTime())+1; m++ {
				inv := led.Invoice(a, m)
				var sum Money
				for _, li := range inv.Lines {
					sum += li.Cost
				}
				if sum != inv.Total {
					rt.Fatalf("%s %v: lines sum %v != total %v", a, m, sum, inv.Total)
				}
				want := naive[acctMonth{a, m}]
				if want == nil {
					want = new(big.Int)
				}
				if inv.Overflow || big.NewInt(int64(inv.Total)).Cmp(want) != 0 {
					rt.Fatalf("%s %v: invoice %v (overflow %v) != naive %v nano-dollars (%d lines)", a, m, inv.Total, inv.Overflow, want, len(inv.Lines))
				}
			}
		}
	})
}

type naiveLine struct {
	u     Usage // normalized, Start/End unused
	month Month
	raw   *big.Int
}

func naiveKey(u Usage, m Month) string {
	return strings.Join([]string{u.Account, u.Service, u.UsageType, u.Operation, u.Region, u.AZ, u.ResourceID,
		canonicalTags(u.Tags), fmt.Sprint(u.Price), fmt.Sprint(int32(m))}, "|")
}

// acctMonth keys the naive model's bills.
type acctMonth struct {
	account string
	month   Month
}

// naiveBills prices the raw log into per-(account, month) totals.
func naiveBills(env *sim.Env, cat *Catalog, plans map[string]Plan, records []Usage, runs []*naiveRun) map[acctMonth]*big.Int {
	lines := map[string]*naiveLine{}
	add := func(u Usage, m Month, q *big.Int) {
		k := naiveKey(u, m)
		nl := lines[k]
		if nl == nil {
			nl = &naiveLine{u: u, month: m, raw: new(big.Int)}
			lines[k] = nl
		}
		nl.raw.Add(nl.raw, q)
	}
	month := func(t sim.Time) Month { return MonthOf(env.TimeOf(t)) }
	for _, r := range records {
		add(r, month(r.Start), big.NewInt(r.Quantity))
	}
	for _, r := range runs {
		d := r.stop.Sub(r.start)
		var billed int64
		switch {
		case r.interrupted && r.gran != PerHour && d < time.Hour:
			billed = 0
		case r.gran == PerHour && r.interrupted:
			billed = int64(d/time.Hour) * 3600
		case r.gran == PerHour:
			billed = int64(d/time.Hour) * 3600
			if d%time.Hour != 0 {
				billed += 3600
			}
		default:
			billed = int64(d / time.Second)
			if d%time.Second != 0 {
				billed++
			}
			if r.gran == PerSecond60 && billed < 60 {
				billed = 60
			}
		}
		// Second k of the run completes at start + k s; it is billed at the
		// rate in effect just before that instant, in that instant's month
		// (a second ending exactly at midnight belongs to the old month).
		// Seconds beyond the elapsed ones (rounding, minimums) take the
		// rate in effect at the stop, in the stop's month.
		at := func(t sim.Time) seg {
			s := r.changes[0]
			for _, c := range r.changes {
				if c.from < t {
					s = c
				}
			}
			return s
		}
		elapsed := min(int64(d/time.Second), billed)
		// Group consecutive seconds by (month, segment) boundaries.
		var cuts []sim.Time
		for _, c := range r.changes[1:] {
			cuts = append(cuts, c.from)
		}
		for m := month(r.start) + 1; m <= month(r.stop); m++ {
			cuts = append(cuts, env.FromTime(m.Start()))
		}
		cuts = append(cuts, r.stop)
		sort.Slice(cuts, func(i, j int) bool { return cuts[i] < cuts[j] })
		prevK := int64(0)
		for _, c := range cuts {
			k := min(int64(c.Sub(r.start)/time.Second), elapsed) // seconds completed by c
			if k > prevK {
				done := r.start.Add(time.Duration(k) * time.Second)
				s := at(done)
				u := r.key
				u.Price = s.price
				add(u, month(done-1), new(big.Int).Mul(big.NewInt(k-prevK), big.NewInt(s.rate)))
				prevK = k
			}
		}
		if extra := billed - prevK; extra > 0 {
			last := r.changes[len(r.changes)-1]
			for _, c := range r.changes {
				if c.from <= r.stop {
					last = c
				}
			}
			u := r.key
			u.Price = last.price
			m := month(r.stop - 1)
			if r.stop == last.from || r.stop == r.start {
				m = month(last.from)
			}
			add(u, m, new(big.Int).Mul(big.NewInt(extra), big.NewInt(last.rate)))
		}
	}
	// Price per (account, month).
	groups := map[acctMonth][]*naiveLine{}
	for _, nl := range lines {
		am := acctMonth{nl.u.Account, nl.month}
		groups[am] = append(groups[am], nl)
	}
	out := map[acctMonth]*big.Int{}
	for am, ls := range groups {
		sort.Slice(ls, func(i, j int) bool {
			a, b := ls[i].u, ls[j].u
			ka := []string{a.UsageType, a.Region, a.Service, a.Operation, a.AZ, a.ResourceID, canonicalTags(a.Tags)}
			kb := []string{b.UsageType, b.Region, b.Service, b.Operation, b.AZ, b.ResourceID, canonicalTags(b.Tags)}
			for x := range ka {
				if ka[x] != kb[x] {
					return ka[x] < kb[x]
				}
			}
			return a.Price < b.Price
		})
		// Quantities in pricing units.
		qty := make([]*big.Rat, len(ls))
		free := make([]*big.Rat, len(ls))
		rates := make([]Rate, len(ls))
		for i, nl := range ls {
			rt, err := cat.Lookup(nl.u.Region, nl.u.UsageType)
			if err != nil {
				panic(err)
			}
			rates[i] = rt
			per := rt.PerUnit
			if rt.Monthly {
				per *= am.month.Seconds()
			}
			qty[i] = new(big.Rat).SetFrac(nl.raw, big.NewInt(per))
			free[i] = new(big.Rat)
		}
		var offers []Offer
		switch plans[am.account] {
		case PlanAlwaysFree:
			offers = alwaysFreeOffers
		case PlanLegacy:
			offers = alwaysFreeOffers
			if am.month < MonthOf(env.TimeOf(0))+12 {
				offers = append(append([]Offer{}, legacyOffers...), alwaysFreeOffers...)
			}
		}
		for _, o := range offers {
			left := big.NewRat(o.Quantity, 1)
			for i, nl := range ls {
				in := false
				for _, ut := range o.UsageTypes {
					in = in || ut == nl.u.UsageType
				}
				if !in || nl.u.Price != 0 {
					continue
				}
				give := new(big.Rat).Sub(qty[i], free[i])
				if give.Cmp(left) > 0 {
					give.Set(left)
				}
				free[i].Add(free[i], give)
				left.Sub(left, give)
			}
		}
		used := map[string]*big.Rat{}
		total := new(big.Int)
		for i, nl := range ls {
			q := new(big.Rat).Sub(qty[i], free[i])
			dollars := new(big.Rat)
			if nl.u.Price != 0 {
				dollars.Mul(q, nl.u.Price.Rat())
			} else {
				pk := nl.u.UsageType + "|" + nl.u.Region
				if used[pk] == nil {
					used[pk] = new(big.Rat)
				}
				for _, tr := range rates[i].Tiers() {
					room := new(big.Rat).Set(q)
					if tr.UpTo != 0 {
						room = new(big.Rat).Sub(big.NewRat(tr.UpTo, 1), used[pk])
						if room.Sign() < 0 {
							room.SetInt64(0)
						}
						if room.Cmp(q) > 0 {
							room.Set(q)
						}
					}
					dollars.Add(dollars, new(big.Rat).Mul(room, MustParsePrice(tr.Price).Rat()))
					used[pk].Add(used[pk], room)
					q.Sub(q, room)
				}
			}
			nano := dollars.Mul(dollars, big.NewRat(int64(Dollar), 1))
			// Round half up.
			n := new(big.Int).Mul(nano.Num(), big.NewInt(2))
			n.Add(n, nano.Denom())
			n.Quo(n, new(big.Int).Mul(nano.Denom(), big.NewInt(2)))
			total.Add(total, n)
		}
		out[am] = total
	}
	return out
}

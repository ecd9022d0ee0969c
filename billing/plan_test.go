package billing

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/sim"
)

// Free-tier regimes [AWS Free Tier] and forecasts.

func TestLegacyFreeTierS3AndEBSAllowances(t *testing.T) {
	env, led := newTestLedger(t, PlanLegacy)
	s3 := mustStart(t, led, Usage{Account: acct, UsageType: "TimedStorage-ByteHrs", Region: "us-east-1", ResourceID: "b", Quantity: 10 * gib}, PerSecond)
	gp2 := mustStart(t, led, Usage{Account: acct, UsageType: "EBS:VolumeUsage.gp2", Region: "us-east-1", ResourceID: "vol-a", Quantity: 20}, PerSecond60)
	gp3 := mustStart(t, led, Usage{Account: acct, UsageType: "EBS:VolumeUsage.gp3", Region: "us-east-1", ResourceID: "vol-b", Quantity: 20}, PerSecond60)
	for _, r := range []Usage{
		{Account: acct, UsageType: "Requests-Tier2", Region: "us-east-1", ResourceID: "b", Quantity: 50_000},
		{Account: acct, UsageType: "Requests-Tier1", Region: "us-east-1", ResourceID: "b", Quantity: 2_000},
	} {
		if err := led.Record(r); err != nil {
			t.Fatal(err)
		}
	}
	runMonth(env)
	for _, id := range []MeterID{s3, gp2, gp3} {
		mustStop(t, led, id, StopOptions{})
	}
	inv := led.Invoice(acct, jan2026)
	want := map[string]Money{
		"TimedStorage-ByteHrs": MustParseMoney("0.115"), // (10-5) GB × $0.023
		"EBS:VolumeUsage.gp2":  0,                       // 20 of the 30 GB-Mo
		"EBS:VolumeUsage.gp3":  MustParseMoney("0.8"),   // 10 left free, 10 × $0.08
		"Requests-Tier2":       MustParseMoney("0.012"), // 30,000 × $0.0004/1000
		"Requests-Tier1":       0,                       // exactly the 2,000 free
	}
	for _, li := range inv.Lines {
		if w, ok := want[li.UsageType]; !ok || li.Cost != w {
			t.Errorf("%s: %v, want %v", li.UsageType, li.Cost, w)
		}
	}
}

func TestLegacyFreeTierEndsAfterTwelveMonths(t *testing.T) {
	env := sim.New(1)
	defer env.Close()
	led := New(env, nil)
	if err := led.SetAccount(Account{ID: acct, Plan: PlanLegacy}); err != nil {
		t.Fatal(err)
	}
	at := func(y int, m time.Month) sim.Time { return env.FromTime(time.Date(y, m, 10, 0, 0, 0, 0, time.UTC)) }
	for _, when := range []sim.Time{at(2026, time.December), at(2027, time.January)} {
		if err := led.Record(Usage{Account: acct, UsageType: "BoxUsage:t3.micro", Region: "us-east-1", ResourceID: "i", Start: when, End: when, Quantity: 3600}); err != nil {
			t.Fatal(err)
		}
	}
	if got := led.Invoice(acct, MakeMonth(2026, time.December)).Total; got != 0 {
		t.Errorf("12th month: %v, want free", got)
	}
	if got := led.Invoice(acct, MakeMonth(2027, time.January)).Total; got != hoursAt(1, "0.0104") {
		t.Errorf("13th month: %v, want 1 h charged", got)
	}
}

func TestAlwaysFreeLambda(t *testing.T) {
	_, led := newTestLedger(t, PlanAlwaysFree)
	for _, u := range []Usage{
		{Account: acct, UsageType: "Request", Region: "us-east-1", ResourceID: "f", Quantity: 3_000_000},
		{Account: acct, UsageType: "Lambda-GB-Second", Region: "us-east-1", ResourceID: "f", Quantity: 500_000 * 1024 * 1000}, // 500,000 GB-s in MB-ms
	} {
		if err := led.Record(u); err != nil {
			t.Fatal(err)
		}
	}
	// 2M requests × $0.0000002 + 100,000 GB-s × $0.0000166667.
	if got, want := led.Invoice(acct, jan2026).Total, MustParseMoney("0.4")+MustParseMoney("1.66667"); got != want {
		t.Errorf("Lambda beyond always-free = %v, want %v", got, want)
	}
}

func TestLambdaDurationTiers(t *testing.T) {
	_, led := newTestLedger(t, PlanNone)
	// 7 billion GB-s: 6 B at the first tier, 1 B at the second.
	if err := led.Record(Usage{Account: acct, UsageType: "Lambda-GB-Second", Region: "us-east-1", ResourceID: "f",
		Quantity: 7_000_000_000 * 1024 * 1000}); err != nil {
		t.Fatal(err)
	}
	// 6e9 × $0.0000166667 + 1e9 × $0.000015 = $100,000.20 + $15,000.
	if got, want := led.Invoice(acct, jan2026).Total, MustParseMoney("115000.2"); got != want {
		t.Errorf("7 B GB-s = %v, want %v", got, want)
	}
}

func TestCreditPlanAppliesCreditsUntilExhausted(t *testing.T) {
	env := sim.New(1)
	defer env.Close()
	led := New(env, nil)
	if err := led.SetAccount(Account{ID: acct, Plan: PlanCreditPaid, BonusCredits: 20 * Dollar}); err != nil {
		t.Fatal(err)
	}
	rec := func(m time.Month, hours int64) {
		at := env.FromTime(time.Date(2026, m, 3, 0, 0, 0, 0, time.UTC))
		if err := led.Record(Usage{Account: acct, UsageType: "BoxUsage:m5.large", Region: "us-east-1", ResourceID: "i", Start: at, End: at, Quantity: hours * 3600}); err != nil {
			t.Fatal(err)
		}
	}
	rec(time.January, 1000) // $96 of $120 credits
	rec(time.February, 500) // $48: $24 credit left
	jan, feb := led.Invoice(acct, jan2026), led.Invoice(acct, jan2026+1)
	if jan.Total != 0 || jan.Credits != -96*Dollar {
		t.Errorf("January: total %v credits %v, want $0 and -$96", jan.Total, jan.Credits)
	}
	if feb.Total != 24*Dollar || feb.Credits != -24*Dollar {
		t.Errorf("February: total %v credits %v, want $24 and -$24", feb.Total, feb.Credits)
	}
	var sum Money
	for _, li := range feb.Lines {
		sum += li.Cost
	}
	if sum != feb.Total {
		t.Errorf("lines sum %v != total %v", sum, feb.Total)
	}
	if err := led.SetAccount(Account{ID: acct, Plan: PlanCreditPaid, BonusCredits: 101 * Dollar}); err == nil {
		t.Error("bonus credits above $100 accepted")
	}
}

func TestForecastExtrapolatesRecordsAndRunsMeters(t *testing.T) {
	env, led := newTestLedger(t, PlanNone)
	id := mustStart(t, led, instance("i-1", "m5.large"), PerSecond60)
	env.RunFor(31 * 24 * time.Hour / 4) // a quarter of January
	if err := led.Record(Usage{Account: acct, UsageType: "Requests-Tier1", Region: "us-east-1", ResourceID: "b", Quantity: 1_000_000}); err != nil {
		t.Fatal(err)
	}
	// The instance runs on to the month's end (744 h); the $5 of requests
	// so far recur at the same rate: ×4.
	want := hoursAt(744, "0.096") + 20*Dollar
	if got := led.Forecast(acct, jan2026); got != want {
		t.Errorf("forecast %v, want %v", got, want)
	}
	mustStop(t, led, id, StopOptions{})
	runMonth(env)
	if got, act := led.Forecast(acct, jan2026), led.Invoice(acct, jan2026).Total; got != act {
		t.Errorf("forecast after the month %v != actual %v", got, act)
	}
}

func TestCostExplorerGrouping(t *testing.T) {
	_, led := newTestLedger(t, PlanNone)
	for _, u := range []Usage{
		{Account: acct, Service: "AmazonEC2", UsageType: "BoxUsage:m5.large", Region: "us-east-1", ResourceID: "i-1", Tags: map[string]string{"team": "web"}, Quantity: 3600},
		{Account: acct, Service: "AmazonEC2", UsageType: "BoxUsage:m5.large", Region: "us-east-1", ResourceID: "i-2", Tags: map[string]string{"team": "ml"}, Quantity: 7200},
		{Account: acct, Service: "AmazonS3", UsageType: "Requests-Tier1", Region: "us-east-1", ResourceID: "b", Quantity: 1000},
	} {
		if err := led.Record(u); err != nil {
			t.Fatal(err)
		}
	}
	res, err := led.GetCostAndUsage(CostQuery{From: jan2026, To: jan2026 + 1, GroupBy: []Dimension{DimService, TagDimension("team")}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[[2]string]Money{}
	for _, g := range res[0].Groups {
		got[[2]string{g.Keys[0], g.Keys[1]}] = g.Cost
	}
	want := map[[2]string]Money{
		{"AmazonEC2", "team$ml"}:  MustParseMoney("0.192"),
		{"AmazonEC2", "team$web"}: MustParseMoney("0.096"),
		{"AmazonS3", "team$"}:     MustParseMoney("0.005"),
	}
	if len(got) != len(want) {
		t.Errorf("groups %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%v = %v, want %v", k, got[k], v)
		}
	}
	if res[0].Total != MustParseMoney("0.293") {
		t.Errorf("total %v", res[0].Total)
	}
	if _, err := led.GetCostAndUsage(CostQuery{From: jan2026, To: jan2026 + 1, GroupBy: []Dimension{"COLOUR"}}); err == nil {
		t.Error("unknown dimension accepted")
	}
	// A period longer than the clock spans is rejected at once rather
	// than looped over month by month.
	if _, err := led.GetCostAndUsage(CostQuery{From: math.MinInt32, To: math.MaxInt32}); !errors.Is(err, ErrInvalidUsage) {
		t.Errorf("period of 4 billion months: %v, want InvalidUsage", err)
	}
	if res, err := led.GetCostAndUsage(CostQuery{From: MakeMonth(2000, time.January), To: MakeMonth(2100, time.January)}); err != nil || len(res) != 1200 || res[26*12].Total != MustParseMoney("0.293") {
		t.Errorf("a century: %d months, err %v", len(res), err)
	}
}

func TestFreePlanEndsWhenCreditsRunOutOrAfterSixMonths(t *testing.T) {
	env := sim.New(1)
	defer env.Close()
	led := New(env, nil)
	if err := led.SetAccount(Account{ID: acct, Plan: PlanCreditFree}); err != nil {
		t.Fatal(err)
	}
	if !led.FreePlanActive(acct) || led.CreditBalance(acct) != 100*Dollar {
		t.Fatalf("fresh account: active %v balance %v", led.FreePlanActive(acct), led.CreditBalance(acct))
	}
	id := mustStart(t, led, instance("i-1", "m5.large"), PerSecond60) // $100 after 1041.67 h
	env.RunFor(1000 * time.Hour)
	if !led.FreePlanActive(acct) || led.CreditBalance(acct) != 4*Dollar {
		t.Errorf("after 1000 h: active %v balance %v, want true and $4", led.FreePlanActive(acct), led.CreditBalance(acct))
	}
	env.RunFor(50 * time.Hour)
	if led.FreePlanActive(acct) || led.CreditBalance(acct) != 0 {
		t.Errorf("after $100.80: active %v balance %v", led.FreePlanActive(acct), led.CreditBalance(acct))
	}
	mustStop(t, led, id, StopOptions{})

	other := "999988887777"
	if err := led.SetAccount(Account{ID: other, Plan: PlanCreditFree, Created: env.Now()}); err != nil {
		t.Fatal(err)
	}
	env.RunFor(183 * 24 * time.Hour)
	if led.FreePlanActive(other) {
		t.Error("free plan still active after six months")
	}
}

func TestInvoiceBeyondMoneyRangeSaturatesAndSaysSo(t *testing.T) {
	_, led := newTestLedger(t, PlanNone)
	// 2^62 seconds of p3.2xlarge is about $3.9e15: beyond ±$9.2 billion.
	if err := led.Record(Usage{Account: acct, UsageType: "BoxUsage:p3.2xlarge", Region: "us-east-1", ResourceID: "i", Quantity: 1 << 62}); err != nil {
		t.Fatal(err)
	}
	if err := led.Record(Usage{Account: acct, UsageType: "BoxUsage:t3.micro", Region: "us-east-1", ResourceID: "j", Quantity: 3600}); err != nil {
		t.Fatal(err)
	}
	inv := led.Invoice(acct, jan2026)
	if !inv.Overflow || inv.Total != Money(1<<63-1) {
		t.Errorf("overflow %v total %v, want a saturated total flagged as overflow", inv.Overflow, inv.Total)
	}
}

func TestLegacyFreeTierCoversPublicIPv4InUse(t *testing.T) {
	// 750 h of in-use public IPv4 per month in the 12-month free tier
	// [public IPv4 pricing]: one t3.micro with a public address all January
	// is free; a second address pays for 2 × 744 - 750 = 738 h at $0.005,
	// and an idle address is not covered.
	env, led := newTestLedger(t, PlanLegacy)
	ip := func(id, ut string) Usage {
		return Usage{Account: acct, Service: "AmazonVPC", UsageType: ut, Region: "us-east-1", ResourceID: id, Quantity: 1}
	}
	ids := []MeterID{
		mustStart(t, led, instance("i-1", "t3.micro"), PerSecond60),
		mustStart(t, led, ip("eipalloc-1", "PublicIPv4:InUseAddress"), PerSecond),
	}
	runMonth(env)
	for _, id := range ids {
		mustStop(t, led, id, StopOptions{})
	}
	if got := led.Invoice(acct, jan2026).Total; got != 0 {
		t.Errorf("t3.micro with a public IPv4 for January under the legacy free tier = %v, want $0", got)
	}

	env2, led2 := newTestLedger(t, PlanLegacy)
	ids = []MeterID{
		mustStart(t, led2, ip("eipalloc-1", "PublicIPv4:InUseAddress"), PerSecond),
		mustStart(t, led2, ip("eipalloc-2", "PublicIPv4:InUseAddress"), PerSecond),
		mustStart(t, led2, ip("eipalloc-3", "PublicIPv4:IdleAddress"), PerSecond),
	}
	runMonth(env2)
	for _, id := range ids {
		mustStop(t, led2, id, StopOptions{})
	}
	if got, want := led2.Invoice(acct, jan2026).Total, hoursAt(738, "0.005")+hoursAt(744, "0.005"); got != want {
		t.Errorf("two in-use and one idle address = %v, want 738 h + 744 h at $0.005 = %v", got, want)
	}
}

func TestForecastOfMonthsOutsideTheClockIsZero(t *testing.T) {
	// Months whose span the clock cannot represent (before the epoch's
	// range, or centuries after) have no usage: the forecast is $0, not a
	// division by zero.
	_, led := newTestLedger(t, PlanNone)
	if err := led.Record(Usage{Account: acct, UsageType: "Requests-Tier1", Region: "us-east-1", ResourceID: "b", Quantity: 1000}); err != nil {
		t.Fatal(err)
	}
	for _, m := range []Month{0, MakeMonth(1500, time.March), MakeMonth(2400, time.January), MakeMonth(9999, time.December)} {
		if got := led.Forecast(acct, m); got != 0 {
			t.Errorf("forecast of %v = %v, want $0", m, got)
		}
	}
	if got, want := led.Forecast(acct, jan2026), 31*MustParseMoney("0.005"); got != want {
		t.Errorf("forecast of January = %v, want %v (a day's usage × 31)", got, want)
	}
}

func TestLegacyFreeTierEBSSnapshotAndMagneticIO(t *testing.T) {
	// The legacy EBS offer also covers 1 GB-Mo of snapshot storage and 2
	// million magnetic I/Os a month: a 3 GiB snapshot kept all January
	// pays for 2 GB-Mo at $0.05, 2.5 M I/Os for 0.5 M at $0.05 per million.
	env, led := newTestLedger(t, PlanLegacy)
	snap := mustStart(t, led, Usage{Account: acct, Service: "AmazonEC2", UsageType: "EBS:SnapshotUsage", Region: "us-east-1",
		ResourceID: "snap-1", Quantity: 3 * gib}, PerSecond)
	if err := led.Record(Usage{Account: acct, Service: "AmazonEC2", UsageType: "EBS:VolumeIOUsage", Region: "us-east-1",
		ResourceID: "vol-1", Quantity: 2_500_000}); err != nil {
		t.Fatal(err)
	}
	runMonth(env)
	mustStop(t, led, snap, StopOptions{})
	inv := led.Invoice(acct, jan2026)
	if got := lineFor(t, inv, "snap-1", "EBS:SnapshotUsage").Cost; got != 10*Cent {
		t.Errorf("3 GB-Mo of snapshots, 1 free = %v, want $0.10", got)
	}
	if got := lineFor(t, inv, "vol-1", "EBS:VolumeIOUsage").Cost; got != MustParseMoney("0.025") {
		t.Errorf("2.5 M magnetic I/Os, 2 M free = %v, want $0.025", got)
	}
}

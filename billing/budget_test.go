package billing

import (
	"math/big"
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/sim"
)

// Budgets fire once per threshold per month, at the virtual instant the
// cost first exceeds the threshold (AWS Budgets' GREATER_THAN).

// secondsToExceed is the closed form: the fewest whole seconds s (at least
// min) at which s seconds at price per hour, rounded half up to a
// nano-dollar, exceed thr.
func secondsToExceed(price Price, thr Money, minimum int64) int64 {
	cost := func(s int64) Money {
		return Money(roundRat(new(big.Rat).SetFrac(new(big.Int).Mul(big.NewInt(s), big.NewInt(int64(price))), big.NewInt(3600*1_000_000))))
	}
	s := int64(thr) * 3600 / (int64(price) / 1_000_000) // near the answer
	s = max(s-3, 0)
	for cost(s) <= thr {
		s++
	}
	return max(s, minimum)
}

func TestBudgetFiresAtExactInstantOfRunningMeter(t *testing.T) {
	env, led := newTestLedger(t, PlanNone)
	var alerts []Alert
	if err := led.CreateBudget(Budget{BudgetName: "monthly", AccountID: acct, BudgetLimit: 10 * Dollar,
		Notifications: []Notification{
			{NotificationType: Actual, Percent: 50},
			{NotificationType: Actual, Percent: 80},
			{NotificationType: Actual, Percent: 100},
			{NotificationType: Actual, Amount: MustParseMoney("0.001")}, // crossed by the 60 s minimum at the start
		},
		OnAlert: func(a Alert) { alerts = append(alerts, a) }}); err != nil {
		t.Fatal(err)
	}
	start := sim.Time(time.Hour + 123*time.Millisecond)
	env.RunUntil(start)
	id := mustStart(t, led, instance("i-1", "m5.large"), PerSecond60)
	runMonth(env)
	mustStop(t, led, id, StopOptions{})

	price := MustParsePrice("0.096")
	want := []struct {
		thr Money
		at  sim.Time
	}{
		{MustParseMoney("0.001"), start}, // 60 s × $0.096/h = $0.0016 at once
		{5 * Dollar, start.Add(time.Duration(secondsToExceed(price, 5*Dollar, 60)) * time.Second)},
		{8 * Dollar, start.Add(time.Duration(secondsToExceed(price, 8*Dollar, 60)) * time.Second)},
		{10 * Dollar, start.Add(time.Duration(secondsToExceed(price, 10*Dollar, 60)) * time.Second)},
	}
	if len(alerts) != len(want) {
		t.Fatalf("%d alerts, want %d: %+v", len(alerts), len(want), alerts)
	}
	for i, w := range want {
		a := alerts[i]
		if a.Threshold != w.thr || a.At != w.at {
			t.Errorf("alert %d: threshold %v at %v, want %v at %v", i, a.Threshold, a.At, w.thr, w.at)
		}
		if a.Cost <= a.Threshold {
			t.Errorf("alert %d fired with cost %v not above %v", i, a.Cost, a.Threshold)
		}
	}
	// $10 at $0.096/h is 104.1666 h: the 375,001st second.
	if s := alerts[3].At.Sub(start); s != 375001*time.Second {
		t.Errorf("$10 crossed after %v, want 375001 s", s)
	}
	if got := led.Alerts(); len(got) != len(want) {
		t.Errorf("Alerts() has %d", len(got))
	}
}

func TestBudgetFiresAtTheRecordThatCrossesIt(t *testing.T) {
	env, led := newTestLedger(t, PlanNone)
	if err := led.CreateBudget(Budget{BudgetName: "s3", AccountID: acct, BudgetLimit: MustParseMoney("0.01"),
		Notifications: []Notification{{NotificationType: Actual, Percent: 100}}}); err != nil {
		t.Fatal(err)
	}
	// 1,000 PUTs cost $0.005: the third batch takes the cost to $0.015.
	var at []sim.Time
	env.Go("client", func(p *sim.Proc) {
		for range 5 {
			p.Sleep(7 * time.Minute)
			at = append(at, p.Now())
			if err := led.Record(Usage{Account: acct, UsageType: "Requests-Tier1", Region: "us-east-1", ResourceID: "b", Quantity: 1000}); err != nil {
				t.Error(err)
			}
		}
	})
	env.Run()
	al := led.Alerts()
	if len(al) != 1 || al[0].At != at[2] || al[0].Cost != MustParseMoney("0.015") {
		t.Errorf("alerts %+v, want one at %v with cost $0.015", al, at[2])
	}
}

func TestBudgetActionStopsEverythingAt50Dollars(t *testing.T) {
	env, led := newTestLedger(t, PlanNone)
	var ids []MeterID
	for _, typ := range []string{"p3.2xlarge", "m5.4xlarge", "c5.large"} {
		ids = append(ids, mustStart(t, led, instance("i-"+typ, typ), PerSecond60))
	}
	ids = append(ids, mustStart(t, led, volume("vol-1", 500), PerSecond60))
	var fired *Alert
	var before Money
	if err := led.CreateBudget(Budget{BudgetName: "kill-switch", AccountID: acct, BudgetLimit: 50 * Dollar,
		Notifications: []Notification{{NotificationType: Actual, Percent: 100}},
		OnAlert: func(a Alert) {
			fired = &a
			before = led.costAt(acct, jan2026, a.At-1, nil)
			for _, id := range ids {
				if err := led.StopTimed(id, StopOptions{}); err != nil {
					t.Error(err)
				}
			}
		}}); err != nil {
		t.Fatal(err)
	}
	runMonth(env)
	if fired == nil {
		t.Fatal("budget never fired")
	}
	// Stopping at the alert instant bills exactly the accrued cost that
	// crossed the threshold, and one second less would not have.
	final := led.Invoice(acct, jan2026).Total
	if final != fired.Cost || final <= 50*Dollar {
		t.Errorf("final %v, alert cost %v", final, fired.Cost)
	}
	if before > 50*Dollar {
		t.Errorf("cost a nanosecond before the alert was already %v", before)
	}
	if len(led.Alerts()) != 1 {
		t.Errorf("%d alerts, want 1", len(led.Alerts()))
	}
}

func TestBudgetFiresAgainNextMonth(t *testing.T) {
	env, led := newTestLedger(t, PlanNone)
	if err := led.CreateBudget(Budget{BudgetName: "b", AccountID: acct, BudgetLimit: Dollar,
		Notifications: []Notification{{NotificationType: Actual, Percent: 100}}}); err != nil {
		t.Fatal(err)
	}
	id := mustStart(t, led, instance("i-1", "m5.large"), PerSecond60)
	env.RunUntil(env.FromTime(MakeMonth(2026, time.March).Start()))
	mustStop(t, led, id, StopOptions{})
	s := time.Duration(secondsToExceed(MustParsePrice("0.096"), Dollar, 0)) * time.Second
	al := led.Alerts()
	if len(al) != 2 {
		t.Fatalf("alerts %+v, want one in January and one in February", al)
	}
	for i, m := range []Month{jan2026, jan2026 + 1} {
		if want := env.FromTime(m.Start()).Add(s); al[i].Month != m || al[i].At != want {
			t.Errorf("alert %d: %v at %v, want %v at %v", i, al[i].Month, al[i].At, m, want)
		}
	}
}

func TestForecastBudgetFiresWhenAChangeLiftsTheForecast(t *testing.T) {
	env, led := newTestLedger(t, PlanNone)
	if err := led.CreateBudget(Budget{BudgetName: "f", AccountID: acct, BudgetLimit: 50 * Dollar,
		Notifications: []Notification{{NotificationType: Forecasted, Percent: 100}}}); err != nil {
		t.Fatal(err)
	}
	day := func(d int) sim.Time { return env.FromTime(time.Date(2026, 1, d, 0, 0, 0, 0, time.UTC)) }
	env.RunUntil(day(11))
	mustStart(t, led, instance("i-1", "m5.large"), PerSecond60) // 504 h left: $48.384 forecast
	env.RunUntil(day(20))
	if n := len(led.Alerts()); n != 0 {
		t.Fatalf("forecast $48.38 fired %d alerts", n)
	}
	if err := led.Record(Usage{Account: acct, UsageType: "Requests-Tier1", Region: "us-east-1", ResourceID: "b", Quantity: 400_000}); err != nil {
		t.Fatal(err)
	}
	env.RunFor(time.Second)
	al := led.Alerts()
	// $2 in 19 days extrapolates to $2 × 31/19 = $3.263...: forecast $51.65.
	if len(al) != 1 || al[0].At != day(20) || al[0].Cost <= 50*Dollar {
		t.Errorf("alerts %+v, want one at day 20 above $50", al)
	}
}

func TestCreateBudgetValidates(t *testing.T) {
	_, led := newTestLedger(t, PlanNone)
	for _, b := range []Budget{
		{AccountID: acct, BudgetLimit: Dollar},
		{BudgetName: "x", AccountID: acct, BudgetLimit: -1},
		{BudgetName: "x", AccountID: acct, Notifications: []Notification{{NotificationType: "SOMETIMES", Percent: 1}}},
		{BudgetName: "x", AccountID: acct, Notifications: []Notification{{NotificationType: Actual}}},
		{BudgetName: "x", AccountID: acct, BudgetLimit: 5_000_000_000 * Dollar, Notifications: []Notification{{NotificationType: Actual, Percent: 200}}}, // $10 billion: beyond Money
	} {
		if err := led.CreateBudget(b); err == nil {
			t.Errorf("accepted %+v", b)
		}
	}
	ok := Budget{BudgetName: "x", AccountID: acct, BudgetLimit: Dollar, Notifications: []Notification{{NotificationType: Actual, Percent: 100}}}
	if err := led.CreateBudget(ok); err != nil {
		t.Fatal(err)
	}
	if err := led.CreateBudget(ok); err == nil {
		t.Error("duplicate budget accepted")
	}
	if err := led.DeleteBudget(acct, "x"); err != nil {
		t.Error(err)
	}
	if err := led.DeleteBudget(acct, "x"); err == nil {
		t.Error("deleted twice")
	}
}

func TestBudgetPercentOfLargeLimitIsExact(t *testing.T) {
	// limit × percent exceeds int64 for limits above $92 million at 100%:
	// the threshold must still be exact, not wrapped into a small or
	// negative amount that fires at the first cent.
	env, led := newTestLedger(t, PlanNone)
	if err := led.CreateBudget(Budget{BudgetName: "big", AccountID: acct, BudgetLimit: 100_000_000 * Dollar,
		Notifications: []Notification{{NotificationType: Actual, Percent: 100}, {NotificationType: Actual, Percent: 50}}}); err != nil {
		t.Fatal(err)
	}
	if err := led.Record(Usage{Account: acct, UsageType: "Requests-Tier1", Region: "us-east-1", ResourceID: "b", Quantity: 1000}); err != nil {
		t.Fatal(err)
	}
	env.RunFor(time.Second)
	if al := led.Alerts(); len(al) != 0 {
		t.Errorf("$0.005 of usage fired %+v against thresholds of $100M and $50M", al)
	}
}

func TestBudgetCountsCreditsLikeAWSBudgetsByDefault(t *testing.T) {
	// AWS Budgets include credits by default (CostTypes.IncludeCredit): on
	// the Paid plan with $100 of credits a $50 budget fires when usage
	// passes $150, and at $50 of usage only if credits are excluded.
	env := sim.New(1)
	defer env.Close()
	led := New(env, nil)
	if err := led.SetAccount(Account{ID: acct, Plan: PlanCreditPaid}); err != nil {
		t.Fatal(err)
	}
	var net, gross []Alert
	var invAtAlert Money
	for _, b := range []Budget{
		{BudgetName: "net", AccountID: acct, BudgetLimit: 50 * Dollar,
			Notifications: []Notification{{NotificationType: Actual, Percent: 100}},
			OnAlert: func(a Alert) {
				net = append(net, a)
				invAtAlert = led.Invoice(acct, jan2026).Total
			}},
		{BudgetName: "gross", AccountID: acct, BudgetLimit: 50 * Dollar, ExcludeCredits: true,
			Notifications: []Notification{{NotificationType: Actual, Percent: 100}},
			OnAlert:       func(a Alert) { gross = append(gross, a) }},
	} {
		if err := led.CreateBudget(b); err != nil {
			t.Fatal(err)
		}
	}
	start := sim.Time(2 * time.Hour)
	env.RunUntil(start)
	id := mustStart(t, led, instance("i-gpu", "p3.2xlarge"), PerSecond60)
	runMonth(env)
	mustStop(t, led, id, StopOptions{})
	price := MustParsePrice("3.06")
	if want := start.Add(time.Duration(secondsToExceed(price, 150*Dollar, 60)) * time.Second); len(net) != 1 || net[0].At != want || net[0].Cost <= 50*Dollar {
		t.Errorf("net-of-credits alerts %+v, want one at %v (usage just over $150)", net, want)
	}
	if want := start.Add(time.Duration(secondsToExceed(price, 50*Dollar, 60)) * time.Second); len(gross) != 1 || gross[0].At != want {
		t.Errorf("credits-excluded alerts %+v, want one at %v (usage just over $50)", gross, want)
	}
	// The net cost at the alert is what the invoice showed at that instant.
	if len(net) == 1 && invAtAlert != net[0].Cost {
		t.Errorf("invoice total at the alert %v, alert cost %v", invAtAlert, net[0].Cost)
	}
}

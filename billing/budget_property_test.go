package billing

import (
	"fmt"
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/sim"
	"pgregory.net/rapid"
)

// Property: with random records and meters, every ACTUAL budget alert
// fires at the first instant the month's cost exceeds its threshold, and
// thresholds that never fire were never exceeded. The oracle replays the
// same scenario on a ledger without budgets and reads its invoice total
// (net of credits on the credit plans, as budgets count them) a nanosecond
// before and at each alert instant.

type budgetAction struct {
	at    sim.Time
	kind  int // 0 record, 1 start, 2 stop
	u     Usage
	gran  Granularity
	meter int
}

func TestPropertyBudgetsFireAtFirstCrossing(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		var acts []budgetAction
		at := sim.Time(0)
		meters := 0
		var live []int
		n := rapid.IntRange(1, 30).Draw(rt, "actions")
		for range n {
			at += sim.Time(rapid.Int64Range(0, int64(20*time.Hour)).Draw(rt, "gap"))
			switch k := rapid.IntRange(0, 2).Draw(rt, "kind"); {
			case k == 0:
				ut := rapid.SampledFrom([]string{"Requests-Tier1", "DataTransfer-Out-Bytes", "BoxUsage:t3.micro"}).Draw(rt, "ut")
				q := rapid.Int64Range(0, 200_000).Draw(rt, "q")
				if ut == "DataTransfer-Out-Bytes" {
					q *= 1 << 20
				}
				acts = append(acts, budgetAction{at: at, kind: 0, u: Usage{Account: acct, UsageType: ut, Region: "us-east-1",
					ResourceID: fmt.Sprint("r", rapid.IntRange(0, 3).Draw(rt, "r")), Start: at, End: at, Quantity: q}})
			case k == 1 || len(live) == 0:
				ut := rapid.SampledFrom([]string{"BoxUsage:m5.large", "BoxUsage:t3.micro", "EBS:VolumeUsage.gp3", "NatGateway-Hours"}).Draw(rt, "mut")
				g := PerSecond60
				if ut == "NatGateway-Hours" {
					g = PerHour
				}
				acts = append(acts, budgetAction{at: at, kind: 1, gran: g, meter: meters, u: Usage{Account: acct, UsageType: ut,
					Region: "us-east-1", ResourceID: fmt.Sprint("m", meters), Quantity: rapid.Int64Range(1, 500).Draw(rt, "rate")}})
				live = append(live, meters)
				meters++
			default:
				i := rapid.IntRange(0, len(live)-1).Draw(rt, "which")
				acts = append(acts, budgetAction{at: at, kind: 2, meter: live[i]})
				live = append(live[:i], live[i+1:]...)
			}
		}
		plan := rapid.SampledFrom([]Plan{PlanNone, PlanLegacy, PlanCreditPaid}).Draw(rt, "plan")
		var bonus Money
		if plan == PlanCreditPaid {
			bonus = Money(rapid.Int64Range(0, int64(MaxBonusCredits)).Draw(rt, "bonus"))
		}
		var thresholds []Notification
		amounts := map[Money]bool{}
		for range rapid.IntRange(1, 4).Draw(rt, "notifications") {
			a := Money(rapid.Int64Range(1, int64(60*Dollar)).Draw(rt, "thr"))
			if !amounts[a] {
				amounts[a] = true
				thresholds = append(thresholds, Notification{NotificationType: Actual, Amount: a})
			}
		}
		var forecasts []Notification
		for range rapid.IntRange(0, 2).Draw(rt, "forecasts") {
			a := Money(rapid.Int64Range(1, int64(200*Dollar)).Draw(rt, "fthr"))
			if !amounts[a] {
				amounts[a] = true
				forecasts = append(forecasts, Notification{NotificationType: Forecasted, Amount: a})
			}
		}
		end := env0End(acts)
		run := func(withBudget bool) (*sim.Env, *Ledger) {
			env := sim.New(1)
			led := New(env, nil)
			if err := led.SetAccount(Account{ID: acct, Plan: plan, BonusCredits: bonus}); err != nil {
				rt.Fatal(err)
			}
			if withBudget {
				if err := led.CreateBudget(Budget{BudgetName: "b", AccountID: acct, Notifications: append(append([]Notification{}, thresholds...), forecasts...)}); err != nil {
					rt.Fatal(err)
				}
			}
			ids := map[int]MeterID{}
			for _, a := range acts {
				env.At(a.at, func() {
					var err error
					switch a.kind {
					case 0:
						err = led.Record(a.u)
					case 1:
						ids[a.meter], err = led.StartTimed(a.u, a.gran)
					case 2:
						err = led.StopTimed(ids[a.meter], StopOptions{})
					}
					if err != nil {
						rt.Fatal(err)
					}
				})
			}
			return env, led
		}
		env, led := run(true)
		env.RunUntil(end)
		env.Close()
		alerts := led.Alerts()
		fired := map[Money]int{}
		for _, a := range alerts {
			fired[a.Threshold]++
		}
		for thr, c := range fired {
			if c != 1 {
				rt.Fatalf("threshold %v fired %d times", thr, c)
			}
		}
		renv, ref := run(false)
		defer renv.Close()
		seen := map[sim.Time]Money{}
		cost := func(t sim.Time) Money {
			if c, ok := seen[t]; ok {
				return c
			}
			renv.RunUntil(t)
			seen[t] = ref.Invoice(acct, jan2026).Total
			return seen[t]
		}
		var actual []Alert
		fAlerts := map[Money]Alert{}
		for _, a := range alerts {
			if a.NotificationType == Forecasted {
				fAlerts[a.Threshold] = a
			} else {
				actual = append(actual, a)
			}
		}
		// Forecast alerts: the forecast only jumps at changes of usage, so
		// check it after every action's instant in a second replay.
		if len(forecasts) > 0 {
			fenv, fref := run(false)
			instants := []sim.Time{}
			for _, a := range acts {
				if len(instants) == 0 || instants[len(instants)-1] != a.at {
					instants = append(instants, a.at)
				}
			}
			for _, n := range forecasts {
				if al, ok := fAlerts[n.Amount]; ok && !contains2(instants, al.At) {
					rt.Fatalf("forecast alert at %v, not at a change of usage", al.At)
				}
			}
			for _, at := range instants {
				if at > end {
					break
				}
				fenv.RunUntil(at)
				fc := netOf(fref.Forecast(acct, jan2026), fref.creditsLeft(acct, jan2026))
				for _, n := range forecasts {
					al, ok := fAlerts[n.Amount]
					switch {
					case fc > n.Amount && (!ok || al.At > at):
						rt.Fatalf("forecast %v exceeded %v at %v, alert %v", fc, n.Amount, at, al)
					case ok && al.At == at && (fc <= n.Amount || fc != al.Cost):
						rt.Fatalf("forecast alert %+v, replay forecast %v", al, fc)
					}
				}
			}
			fenv.Close()
		}
		for _, a := range actual { // in time order
			if _, ok := seen[a.At-1]; a.At > 0 && (a.At-1 >= renv.Now() || ok) {
				if before := cost(a.At - 1); before > a.Threshold {
					rt.Fatalf("threshold %v alerted at %v but cost was already %v a nanosecond earlier", a.Threshold, a.At, before)
				}
			}
			if now := cost(a.At); now <= a.Threshold || now != a.Cost {
				rt.Fatalf("threshold %v alerted at %v with cost %v; replay says %v", a.Threshold, a.At, a.Cost, now)
			}
		}
		final := cost(end)
		for _, n := range thresholds {
			if fired[n.Amount] == 0 && final > n.Amount {
				rt.Fatalf("threshold %v never fired but the month reached %v", n.Amount, final)
			}
		}
	})
}

func contains2(ts []sim.Time, t sim.Time) bool {
	for _, x := range ts {
		if x == t {
			return true
		}
	}
	return false
}

// env0End is the end of the scenario: a day after the last action, within
// January.
func env0End(acts []budgetAction) sim.Time {
	end := acts[len(acts)-1].at.Add(24 * time.Hour)
	return min(end, sim.Time(30*24*time.Hour))
}

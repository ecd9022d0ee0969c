package billing

import (
	"fmt"
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/sim"
)

// Metering must never dominate a simulation: the budget is ≥ 5 million
// records/s on the reference 2-core machine and no allocation per record
// once a key has been seen (the record adds into a preallocated
// accumulator).

func benchUsages(n int, tagged bool) []Usage {
	us := make([]Usage, n)
	for i := range us {
		us[i] = Usage{Account: acct, Service: "AmazonS3", UsageType: "Requests-Tier2", Operation: "GetObject",
			Region: "us-east-1", ResourceID: fmt.Sprintf("bucket-%04d", i), Quantity: 1}
		if tagged {
			us[i].Tags = map[string]string{"team": fmt.Sprintf("t%d", i%7), "env": "prod"}
		}
	}
	return us
}

func BenchmarkMeter(b *testing.B) {
	for _, bc := range []struct {
		name   string
		keys   int
		tagged bool
	}{
		{"keys=1", 1, false},
		{"keys=1024", 1024, false},
		{"keys=1024/tagged", 1024, true},
	} {
		b.Run(bc.name, func(b *testing.B) {
			env := sim.New(1)
			defer env.Close()
			led := New(env, nil)
			us := benchUsages(bc.keys, bc.tagged)
			for _, u := range us { // warm: every key seen once
				if err := led.Record(u); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				if err := led.Record(us[i%len(us)]); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}

func BenchmarkMeterKey(b *testing.B) {
	env := sim.New(1)
	defer env.Close()
	led := New(env, nil)
	us := benchUsages(1024, true)
	keys := make([]UsageKey, len(us))
	for i, u := range us {
		var err error
		if keys[i], err = led.Key(u); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if err := led.Add(keys[i%len(keys)], 1, 0); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

func BenchmarkInvoice(b *testing.B) {
	env := sim.New(1)
	defer env.Close()
	led := New(env, nil)
	for _, u := range benchUsages(1000, true) {
		if err := led.Record(u); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if inv := led.Invoice(acct, jan2026); len(inv.Lines) != 1000 {
			b.Fatal(len(inv.Lines))
		}
	}
	b.ReportMetric(1000*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

func TestRecordAllocatesNothingInSteadyState(t *testing.T) {
	env := sim.New(1)
	defer env.Close()
	led := New(env, nil)
	us := benchUsages(64, true)
	for _, u := range us {
		if err := led.Record(u); err != nil {
			t.Fatal(err)
		}
	}
	i := 0
	if a := testing.AllocsPerRun(1000, func() {
		_ = led.Record(us[i%len(us)])
		i++
	}); a != 0 {
		t.Errorf("Record allocates %v per record in steady state", a)
	}
}

// BenchmarkBudgetedRecord measures a record on a watched account, each at a
// new instant while meters run: far from its thresholds a record only
// updates the budget's bounds; the exact re-pricings (when the bounds come
// near a threshold, and the meters' periodic checks) are amortized in.
func BenchmarkBudgetedRecord(b *testing.B) {
	env := sim.New(1)
	defer env.Close()
	led := New(env, nil)
	for i := range 3 {
		if _, err := led.StartTimed(instance(fmt.Sprintf("i-%d", i), "m5.large"), PerSecond60); err != nil {
			b.Fatal(err)
		}
	}
	us := benchUsages(100, false)
	if err := led.CreateBudget(Budget{BudgetName: "b", AccountID: acct, BudgetLimit: 1000 * Dollar,
		Notifications: []Notification{{NotificationType: Actual, Percent: 100}, {NotificationType: Forecasted, Percent: 100}}}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		env.RunFor(time.Second)
		if err := led.Record(us[i%len(us)]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(led.Alerts())), "alerts")
}

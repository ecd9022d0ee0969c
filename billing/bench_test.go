package billing

import (
	"fmt"
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
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

// invoiceLedger is a ledger of 1,000 usage lines in acct's January 2026,
// closed with the benchmark.
func invoiceLedger(b *testing.B) *Ledger {
	env := sim.New(1)
	b.Cleanup(env.Close)
	led := New(env, nil)
	for _, u := range benchUsages(1000, true) {
		if err := led.Record(u); err != nil {
			b.Fatal(err)
		}
	}
	return led
}

func BenchmarkInvoice(b *testing.B) {
	led := invoiceLedger(b)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if inv := led.Invoice(acct, jan2026); len(inv.Lines) != 1000 {
			b.Fatal(len(inv.Lines))
		}
	}
	b.ReportMetric(1000*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

// BenchmarkTally reads the figures of BenchmarkInvoice's invoice.
func BenchmarkTally(b *testing.B) {
	led := invoiceLedger(b)
	want := led.Invoice(acct, jan2026).Total
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if t := led.Tally(acct, jan2026); t.Total != want {
			b.Fatal(t.Total, want)
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

// TestStartStopTimedAllocatesNothingInSteadyState: a meter started and
// stopped again on a key already seen (an instance stopped and started)
// reuses its slot and its meter: no allocation.
func TestStartStopTimedAllocatesNothingInSteadyState(t *testing.T) {
	env := sim.New(1)
	defer env.Close()
	led := New(env, nil)
	u := instance("i-0123", "m5.large")
	for range 2 {
		id, err := led.StartTimed(u, PerSecond60)
		require.NoError(t, err)
		require.NoError(t, led.StopTimed(id, StopOptions{}))
	}
	allocs := testing.AllocsPerRun(100, func() {
		id, err := led.StartTimed(u, PerSecond60)
		if err != nil {
			panic(err)
		}
		if err := led.StopTimed(id, StopOptions{}); err != nil {
			panic(err)
		}
	})
	require.Zero(t, allocs)
}

// TestInvoiceAllocations: an invoice of a fleet's usage — stopped and
// running meters, a volume, request records, one month, no free tier —
// allocates its invoice, lines and charges once each, and per line only
// the two amounts (a block each: it was nine allocations a line); stopping
// a meter allocates nothing.
func TestInvoiceAllocations(t *testing.T) {
	env := sim.New(1)
	defer env.Close()
	led := New(env, nil, WithDefaultPlan(PlanNone))
	const n = 12
	var ids []MeterID
	for i := range n {
		ids = append(ids, mustStart(t, led, instance(fmt.Sprintf("i-%02d", i), "m5.large"), PerSecond60))
		vol := Usage{Account: acct, Service: "AmazonEC2", UsageType: "EBS:VolumeUsage.gp3", Operation: "CreateVolume",
			Region: "us-east-1", AZ: "use1-az1", ResourceID: fmt.Sprintf("vol-%02d", i), Quantity: 8}
		ids = append(ids, mustStart(t, led, vol, PerSecond60))
	}
	for _, u := range benchUsages(6, false) {
		require.NoError(t, led.Record(u))
	}
	env.RunFor(90 * time.Minute)
	stopped := 0 // half the meters stop, half run on
	stops := testing.AllocsPerRun(n-1, func() {
		require.NoError(t, led.StopTimed(ids[stopped], StopOptions{}))
		stopped++
	})
	require.Zero(t, stops)
	env.RunFor(time.Hour)
	inv := led.Invoice(acct, jan2026)
	require.Len(t, inv.Lines, 2*n+6)
	allocs := testing.AllocsPerRun(20, func() { _ = led.Invoice(acct, jan2026) })
	// Besides the amounts: the invoice, its lines, the charges and their
	// index (a map past 16 charges), a few scratch values.
	require.LessOrEqual(t, allocs, float64(2*len(inv.Lines)+20), "per line: two amounts")
}

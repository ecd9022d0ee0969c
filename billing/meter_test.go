package billing

import (
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/sim"
)

// Per-second billing with a 60 s minimum per start [per-second billing]; EBS bills while
// the instance is stopped [interrupted Spot billing].

func lineFor(t *testing.T, inv *Invoice, resource, usageType string) LineItem {
	t.Helper()
	for _, li := range inv.Lines {
		if li.ResourceID == resource && li.UsageType == usageType {
			return li
		}
	}
	t.Fatalf("no line for %s %s in %+v", resource, usageType, inv.Lines)
	return LineItem{}
}

// gbMo is n GiB for secs seconds of January, exactly, priced at price per GB-Mo.
func gbMoCost(gib, secs int64, price string) Money {
	q := new(big.Rat).SetFrac64(gib*secs, jan2026.Seconds())
	q.Mul(q, MustParsePrice(price).Rat())
	q.Mul(q, big.NewRat(int64(Dollar), 1))
	return Money(roundRat(q))
}

func TestStopStartThirtySecondsThriceBillsThreeMinutes(t *testing.T) {
	env, led := newTestLedger(t, PlanNone)
	vol := mustStart(t, led, volume("vol-1", 8), PerSecond60)
	for range 3 {
		id := mustStart(t, led, instance("i-1", "t3.small"), PerSecond60)
		env.RunFor(30 * time.Second)
		mustStop(t, led, id, StopOptions{})
		env.RunFor(time.Hour) // stopped: EBS accrues, compute does not
	}
	before := led.Invoice(acct, jan2026)
	env.RunFor(5 * time.Hour)
	after := led.Invoice(acct, jan2026)
	mustStop(t, led, vol, StopOptions{})

	box := lineFor(t, after, "i-1", "BoxUsage:t3.small")
	if box.Amount.Cmp(big.NewRat(180, 3600)) != 0 {
		t.Errorf("compute = %v h, want 3 × 60 s = 0.05 h", box.Amount)
	}
	if want := Money(180 * int64(MustParsePrice("0.0208")) / 3600 / 1_000_000); box.Cost != want {
		t.Errorf("compute cost %v, want %v", box.Cost, want)
	}
	if b0 := lineFor(t, before, "i-1", "BoxUsage:t3.small"); b0.Cost != box.Cost {
		t.Errorf("stopped instance accrued compute: %v then %v", b0.Cost, box.Cost)
	}
	ebs0, ebs1 := lineFor(t, before, "vol-1", "EBS:VolumeUsage.gp3"), lineFor(t, after, "vol-1", "EBS:VolumeUsage.gp3")
	elapsed := int64((3*(30*time.Second+time.Hour) + 5*time.Hour) / time.Second)
	if want := gbMoCost(8, elapsed, "0.08"); ebs1.Cost != want || ebs1.Cost <= ebs0.Cost {
		t.Errorf("EBS while stopped: %v then %v, want growth to %v", ebs0.Cost, ebs1.Cost, want)
	}
}

func TestPerSecondRoundsUpAndHourlyBillsStartedHours(t *testing.T) {
	for _, tc := range []struct {
		g    Granularity
		run  time.Duration
		secs int64
	}{
		{PerSecond60, 61500 * time.Millisecond, 62},
		{PerSecond60, time.Second, 60},
		{PerSecond60, 0, 60},
		{PerSecond, 1500 * time.Millisecond, 2},
		{PerSecond, 0, 0},
		{PerHour, 61 * time.Minute, 7200},
		{PerHour, time.Hour, 3600},
		{PerHour, time.Nanosecond, 3600},
	} {
		env, led := newTestLedger(t, PlanNone)
		u := Usage{Account: acct, UsageType: "NatGateway-Hours", Region: "us-east-1", ResourceID: "nat-1", Quantity: 1}
		id := mustStart(t, led, u, tc.g)
		env.RunFor(tc.run)
		mustStop(t, led, id, StopOptions{})
		inv := led.Invoice(acct, jan2026)
		var got *big.Rat = new(big.Rat)
		if len(inv.Lines) > 0 {
			got = inv.Lines[0].Amount
		}
		if got.Cmp(big.NewRat(tc.secs, 3600)) != 0 {
			t.Errorf("%v for %v: billed %v h, want %d s", tc.g, tc.run, got, tc.secs)
		}
	}
}

func spot(id string, price string) Usage {
	return Usage{Account: acct, Service: "AmazonEC2", UsageType: "SpotUsage:p3.2xlarge", Operation: "RunInstances:SV001",
		Region: "us-east-1", AZ: "use1-az2", ResourceID: id, Quantity: 1, Price: MustParsePrice(price)}
}

func TestSpotInterruptedInFirstHourIsFree(t *testing.T) {
	// [interrupted Spot billing]: EC2-initiated interruption in the first instance-hour: no
	// charge; after it: per second. A user stop is always charged.
	for _, tc := range []struct {
		name        string
		run         time.Duration
		interrupted bool
		secs        int64
	}{
		{"interrupted at 59m59s", 59*time.Minute + 59*time.Second, true, 0},
		{"interrupted at 2h30m", 150 * time.Minute, true, 9000},
		{"user stop at 30m", 30 * time.Minute, false, 1800},
		{"user stop at 20s", 20 * time.Second, false, 60},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env, led := newTestLedger(t, PlanNone)
			id := mustStart(t, led, spot("i-s", "0.918"), PerSecond60)
			env.RunFor(tc.run)
			mustStop(t, led, id, StopOptions{Interrupted: tc.interrupted})
			want := Money(tc.secs * int64(MustParsePrice("0.918")) / 3600 / 1_000_000)
			if got := led.Invoice(acct, jan2026).Total; got != want {
				t.Errorf("cost %v, want %v (%d s at $0.918/h)", got, want, tc.secs)
			}
		})
	}
}

func TestSpotInterruptedHourlyPartialHourIsFree(t *testing.T) {
	env, led := newTestLedger(t, PlanNone)
	id := mustStart(t, led, spot("i-s", "1"), PerHour)
	env.RunFor(150 * time.Minute)
	mustStop(t, led, id, StopOptions{Interrupted: true})
	if got := led.Invoice(acct, jan2026).Total; got != 2*Dollar {
		t.Errorf("hourly spot interrupted at 2h30m = %v, want 2 full hours = $2", got)
	}
}

func TestSpotPriceChangesMidRun(t *testing.T) {
	env, led := newTestLedger(t, PlanNone)
	id := mustStart(t, led, spot("i-s", "0.90"), PerSecond60)
	env.RunFor(90 * time.Minute)
	if err := led.SetTimedPrice(id, MustParsePrice("1.20")); err != nil {
		t.Fatal(err)
	}
	env.RunFor(30*time.Minute + 500*time.Millisecond)
	mustStop(t, led, id, StopOptions{})
	// 5400 s at $0.90/h + 1801 s (rounded up) at $1.20/h.
	want := Money((5400*int64(MustParsePrice("0.90")) + 1801*int64(MustParsePrice("1.20"))) / 3600 / 1_000_000)
	inv := led.Invoice(acct, jan2026)
	if inv.Total != want || len(inv.Lines) != 2 {
		t.Errorf("total %v in %d lines, want %v in 2 (one per price)", inv.Total, len(inv.Lines), want)
	}
	if err := led.SetTimedPrice(id, MustParsePrice("1")); !errors.Is(err, ErrNoSuchMeter) {
		t.Errorf("price change on a stopped meter: %v, want NoSuchMeter", err)
	}
}

func TestMeterSplitsExactlyAtMonthBoundary(t *testing.T) {
	env, led := newTestLedger(t, PlanNone)
	env.RunUntil(env.FromTime(time.Date(2026, 1, 31, 12, 0, 0, 0, time.UTC)))
	id := mustStart(t, led, instance("i-1", "m5.large"), PerSecond60)
	vol := mustStart(t, led, volume("vol-1", 100), PerSecond60)
	env.RunUntil(env.FromTime(time.Date(2026, 2, 1, 12, 0, 0, 0, time.UTC)))
	mustStop(t, led, id, StopOptions{})
	mustStop(t, led, vol, StopOptions{})
	feb := MakeMonth(2026, time.February)
	for _, m := range []Month{jan2026, feb} {
		inv := led.Invoice(acct, m)
		if li := lineFor(t, inv, "i-1", "BoxUsage:m5.large"); li.Amount.Cmp(big.NewRat(12, 1)) != 0 {
			t.Errorf("%v: %v h, want 12", m, li.Amount)
		}
		// 100 GiB for 12 h: 1200/(24 × days) GB-Mo — a different share of
		// a 31-day and a 28-day month.
		want := big.NewRat(100*12, 24*m.Seconds()/86400)
		if li := lineFor(t, inv, "vol-1", "EBS:VolumeUsage.gp3"); li.Amount.Cmp(want) != 0 {
			t.Errorf("%v: %v GB-Mo, want %v", m, li.Amount, want)
		}
	}
	if ms := led.Months(acct); len(ms) != 2 || ms[0] != jan2026 || ms[1] != feb {
		t.Errorf("Months = %v", ms)
	}
}

func TestSetTimedRateResizesWithoutNewMinimum(t *testing.T) {
	env, led := newTestLedger(t, PlanNone)
	id := mustStart(t, led, volume("vol-1", 100), PerSecond60)
	env.RunFor(2 * time.Hour)
	if err := led.SetTimedRate(id, 200); err != nil {
		t.Fatal(err)
	}
	env.RunFor(time.Hour)
	mustStop(t, led, id, StopOptions{})
	li := lineFor(t, led.Invoice(acct, jan2026), "vol-1", "EBS:VolumeUsage.gp3")
	if want := big.NewRat(100*7200+200*3600, jan2026.Seconds()); li.Amount.Cmp(want) != 0 {
		t.Errorf("resized volume: %v GB-Mo, want %v", li.Amount, want)
	}
}

func TestRecordRejectsBadInput(t *testing.T) {
	_, led := newTestLedger(t, PlanNone)
	good := Usage{Account: acct, Service: "AmazonS3", UsageType: "Requests-Tier1", Region: "us-east-1", ResourceID: "b", Quantity: 1}
	for _, tc := range []struct {
		name string
		mod  func(*Usage)
		want error
	}{
		{"unknown usage type", func(u *Usage) { u.UsageType = "Requests-Tier9" }, ErrUnknownUsageType},
		{"unknown region", func(u *Usage) { u.Region = "mars-north-1" }, ErrUnknownRegion},
		{"negative quantity", func(u *Usage) { u.Quantity = -1 }, ErrInvalidUsage},
		{"end before start", func(u *Usage) { u.Start, u.End = 10, 5 }, ErrInvalidUsage},
		{"no account", func(u *Usage) { u.Account = "" }, ErrInvalidUsage},
		{"spot without price", func(u *Usage) { u.UsageType = "SpotUsage:m5.large" }, ErrInvalidUsage},
		{"other region's prefix", func(u *Usage) { u.UsageType = "USW2-Requests-Tier1" }, ErrUnknownUsageType},
	} {
		u := good
		tc.mod(&u)
		if err := led.Record(u); !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.want)
		}
		if _, err := led.StartTimed(u, PerSecond60); !errors.Is(err, tc.want) && tc.name != "end before start" {
			t.Errorf("StartTimed %s: err = %v, want %v", tc.name, err, tc.want)
		}
	}
	if err := led.Record(good); err != nil {
		t.Fatalf("good record: %v", err)
	}
	if err := led.StopTimed(MeterID(12345), StopOptions{}); !errors.Is(err, ErrNoSuchMeter) {
		t.Errorf("StopTimed unknown: %v", err)
	}
}

func TestRegionalPricesAndUsageTypePrefixes(t *testing.T) {
	env := sim.New(1)
	defer env.Close()
	led := New(env, nil, WithDefaultPlan(PlanNone))
	for _, u := range []Usage{
		{Account: acct, UsageType: "BoxUsage:m5.large", Region: "eu-west-1", ResourceID: "i-eu", Quantity: 3600},
		{Account: acct, UsageType: "EU-BoxUsage:m5.large", Region: "eu-west-1", ResourceID: "i-eu", Quantity: 3600},
		{Account: acct, UsageType: "USW2-BoxUsage:m5.large", Region: "us-west-2", ResourceID: "i-us", Quantity: 3600},
		{Account: acct, UsageType: "BoxUsage:p3.2xlarge", Region: "sa-east-1", ResourceID: "i-sa", Quantity: 3600},
	} {
		if err := led.Record(u); err != nil {
			t.Fatal(err)
		}
	}
	inv := led.Invoice(acct, jan2026)
	// Both spellings of the eu-west-1 usage type merge into one line.
	eu := lineFor(t, inv, "i-eu", "EU-BoxUsage:m5.large")
	if eu.Cost != MustParseMoney("0.21408") { // 2 h × $0.096 × 1.115
		t.Errorf("eu-west-1 m5.large 2 h = %v, want $0.21408", eu.Cost)
	}
	if us := lineFor(t, inv, "i-us", "USW2-BoxUsage:m5.large"); us.Cost != 96*Dollar/1000 {
		t.Errorf("us-west-2 m5.large 1 h = %v, want $0.096", us.Cost)
	}
	// p3 has no own multiplier: the catalog's "ec2" default for sa-east-1 (1.95).
	if sa := lineFor(t, inv, "i-sa", "SAE1-BoxUsage:p3.2xlarge"); sa.Cost != MustParseMoney("5.967") {
		t.Errorf("sa-east-1 p3.2xlarge 1 h = %v, want $5.967", sa.Cost)
	}
	if len(inv.Lines) != 3 {
		t.Errorf("%d lines, want 3", len(inv.Lines))
	}
}

func TestKeyAddMatchesRecord(t *testing.T) {
	env, led := newTestLedger(t, PlanNone)
	_, ref := newTestLedger(t, PlanNone)
	u := Usage{Account: acct, Service: "AmazonS3", UsageType: "Requests-Tier2", Operation: "GetObject", Region: "us-east-1",
		ResourceID: "b", Tags: map[string]string{"team": "web"}}
	k, err := led.Key(u)
	if err != nil || !k.IsValid() {
		t.Fatal(err)
	}
	feb := env.FromTime(MakeMonth(2026, time.February).Start())
	for i, at := range []sim.Time{0, 5, feb - 1, feb, feb + 10} {
		if err := led.Add(k, int64(1000*(i+1)), at); err != nil {
			t.Fatal(err)
		}
		r := u
		r.Start, r.End, r.Quantity = at, at, int64(1000*(i+1))
		if err := ref.Record(r); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range []Month{jan2026, jan2026 + 1} {
		a, b := led.Invoice(acct, m), ref.Invoice(acct, m)
		if a.Total != b.Total || len(a.Lines) != 1 || a.Lines[0].Amount.Cmp(b.Lines[0].Amount) != 0 {
			t.Errorf("%v: Add gives %v, Record %v", m, a.Total, b.Total)
		}
	}
	if err := led.Add(UsageKey{}, 1, 0); !errors.Is(err, ErrInvalidUsage) {
		t.Errorf("zero key: %v", err)
	}
	if _, err := led.Key(Usage{Account: acct, UsageType: "Nope", Region: "us-east-1"}); !errors.Is(err, ErrUnknownUsageType) {
		t.Errorf("bad key: %v", err)
	}
	if a := testing.AllocsPerRun(1000, func() { _ = led.Add(k, 1, 7) }); a != 0 {
		t.Errorf("Add allocates %v", a)
	}
}

func TestTagSetsInternedByContentNotIdentity(t *testing.T) {
	_, led := newTestLedger(t, PlanNone)
	rec := func(tags map[string]string) {
		t.Helper()
		if err := led.Record(Usage{Account: acct, UsageType: "Requests-Tier1", Region: "us-east-1", ResourceID: "b", Tags: tags, Quantity: 1000}); err != nil {
			t.Fatal(err)
		}
	}
	rec(map[string]string{"team": "web", "env": "prod"})
	rec(map[string]string{"env": "prod", "team": "web"}) // same set, another map
	rec(map[string]string{"team": "prod", "env": "web"}) // values swapped: another set
	rec(map[string]string{"team": "web"})
	rec(nil)
	rec(map[string]string{})
	lines := led.Invoice(acct, jan2026).Lines
	got := map[string]int{}
	for _, li := range lines {
		got[canonicalTags(li.Tags)] += int(li.Records)
	}
	want := map[string]int{"env=prod&team=web": 2, "env=web&team=prod": 1, "team=web": 1, "": 2}
	if len(got) != len(want) {
		t.Fatalf("tag groups %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%q: %d records, want %d", k, got[k], v)
		}
	}
}

func TestPublicIPv4IsAmazonVPCAndPrefixedInUSE1(t *testing.T) {
	// AWS bills public IPv4 under Amazon VPC with the usage type
	// "USE1-PublicIPv4:InUseAddress" in us-east-1 (where EC2's own usage
	// types carry no prefix). Both spellings are accepted and merge.
	_, led := newTestLedger(t, PlanNone)
	for _, u := range []Usage{
		{Account: acct, UsageType: "PublicIPv4:InUseAddress", Region: "us-east-1", ResourceID: "eipalloc-1", Quantity: 3600},
		{Account: acct, UsageType: "USE1-PublicIPv4:InUseAddress", Region: "us-east-1", ResourceID: "eipalloc-1", Quantity: 3600},
		{Account: acct, UsageType: "USE1-BoxUsage:t3.micro", Region: "us-east-1", ResourceID: "i-1", Quantity: 3600},
		{Account: acct, UsageType: "PublicIPv4:IdleAddress", Region: "eu-west-1", ResourceID: "eipalloc-2", Quantity: 3600},
	} {
		if err := led.Record(u); err != nil {
			t.Fatalf("%s: %v", u.UsageType, err)
		}
	}
	inv := led.Invoice(acct, jan2026)
	ip := lineFor(t, inv, "eipalloc-1", "USE1-PublicIPv4:InUseAddress")
	if ip.Service != "AmazonVPC" || ip.Cost != MustParseMoney("0.01") || ip.Records != 2 {
		t.Errorf("in-use IPv4: service %q cost %v records %d, want AmazonVPC, $0.01 (2 h), 2", ip.Service, ip.Cost, ip.Records)
	}
	if li := lineFor(t, inv, "i-1", "BoxUsage:t3.micro"); li.Service != "AmazonEC2" {
		t.Errorf("t3.micro service %q", li.Service)
	}
	if li := lineFor(t, inv, "eipalloc-2", "EU-PublicIPv4:IdleAddress"); li.Service != "AmazonVPC" {
		t.Errorf("idle IPv4 service %q", li.Service)
	}
	if len(inv.Lines) != 3 {
		t.Errorf("%d lines, want 3", len(inv.Lines))
	}
}

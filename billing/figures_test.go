package billing

// The course-notes figures, each checked against its closed form from
// list prices: [on-demand prices] for instances, [AWS pricing pages;
// Lambda pricing] for EBS, S3 and Lambda, [AWS Free Tier] for the free
// tier.

import (
	"math/big"
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/sim"
)

const acct = "111122223333"

func newTestLedger(t testing.TB, plan Plan) (*sim.Env, *Ledger) {
	t.Helper()
	env := sim.New(1)
	t.Cleanup(env.Close)
	led := New(env, nil)
	if err := led.SetAccount(Account{ID: acct, Plan: plan}); err != nil {
		t.Fatal(err)
	}
	return env, led
}

func instance(id, typ string) Usage {
	return Usage{Account: acct, Service: "AmazonEC2", UsageType: "BoxUsage:" + typ, Operation: "RunInstances",
		Region: "us-east-1", AZ: "use1-az1", ResourceID: id, Quantity: 1}
}

func mustStart(t testing.TB, led *Ledger, u Usage, g Granularity) MeterID {
	t.Helper()
	id, err := led.StartTimed(u, g)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func mustStop(t testing.TB, led *Ledger, id MeterID, opt StopOptions) {
	t.Helper()
	if err := led.StopTimed(id, opt); err != nil {
		t.Fatal(err)
	}
}

// cost returns hours × $/h exactly, from the price strings.
func hoursAt(hours int64, price string) Money {
	p := MustParsePrice(price)
	return Money(hours * int64(p) / 1_000_000)
}

var jan2026 = MakeMonth(2026, time.January)

// runMonth runs the env to the end of January 2026 (the default epoch's
// month: 31 days, 744 hours).
func runMonth(env *sim.Env) { env.RunUntil(env.FromTime(jan2026.End())) }

func TestLegacyFreeTierOneT3MicroMonthIsFree(t *testing.T) {
	env, led := newTestLedger(t, PlanLegacy)
	id := mustStart(t, led, instance("i-1", "t3.micro"), PerSecond60)
	runMonth(env)
	mustStop(t, led, id, StopOptions{})
	inv := led.Invoice(acct, jan2026)
	if len(inv.Lines) != 1 {
		t.Fatalf("lines = %d, want 1", len(inv.Lines))
	}
	li := inv.Lines[0]
	if li.Amount.Cmp(big.NewRat(744, 1)) != 0 || li.FreeAmount.Cmp(big.NewRat(744, 1)) != 0 {
		t.Errorf("amount %v free %v, want 744 h all free", li.Amount, li.FreeAmount)
	}
	if inv.Total != 0 {
		t.Errorf("total = %v, want $0 under the legacy free tier", inv.Total)
	}
}

func TestLegacyFreeTierTwoT3Micro1488HoursOf738Charged(t *testing.T) {
	env, led := newTestLedger(t, PlanLegacy)
	a := mustStart(t, led, instance("i-1", "t3.micro"), PerSecond60)
	b := mustStart(t, led, instance("i-2", "t3.micro"), PerSecond60)
	runMonth(env)
	mustStop(t, led, a, StopOptions{})
	mustStop(t, led, b, StopOptions{})
	inv := led.Invoice(acct, jan2026)
	total, free := new(big.Rat), new(big.Rat)
	for _, li := range inv.Lines {
		total.Add(total, li.Amount)
		free.Add(free, li.FreeAmount)
	}
	charged := new(big.Rat).Sub(total, free)
	if total.Cmp(big.NewRat(1488, 1)) != 0 || charged.Cmp(big.NewRat(738, 1)) != 0 {
		t.Errorf("hours %v of which charged %v, want 1488 and 738", total, charged)
	}
	if want := hoursAt(738, "0.0104"); inv.Total != want {
		t.Errorf("total = %v, want 738 h × $0.0104 = %v", inv.Total, want)
	}
}

func TestLegacyFreeTierT3SmallMonthAllCharged(t *testing.T) {
	env, led := newTestLedger(t, PlanLegacy)
	id := mustStart(t, led, instance("i-1", "t3.small"), PerSecond60)
	runMonth(env)
	mustStop(t, led, id, StopOptions{})
	inv := led.Invoice(acct, jan2026)
	if want := hoursAt(744, "0.0208"); inv.Total != want {
		t.Errorf("total = %v, want 744 h × $0.0208 = %v", inv.Total, want)
	}
	if inv.Lines[0].FreeAmount.Sign() != 0 {
		t.Errorf("t3.small got free hours %v", inv.Lines[0].FreeAmount)
	}
}

func TestOnDemandMonthOf730Hours(t *testing.T) {
	for _, tc := range []struct {
		typ  string
		want string
	}{
		{"t3.micro", "7.592"}, // ≈ $7.59 / month
		{"m5.large", "70.08"},
	} {
		t.Run(tc.typ, func(t *testing.T) {
			env, led := newTestLedger(t, PlanNone)
			id := mustStart(t, led, instance("i-1", tc.typ), PerSecond60)
			env.RunFor(730 * time.Hour)
			mustStop(t, led, id, StopOptions{})
			if got := led.Invoice(acct, jan2026).Total; got != MustParseMoney(tc.want) {
				t.Errorf("730 h of %s = %v, want $%s", tc.typ, got, tc.want)
			}
		})
	}
}

func volume(id string, gib int64) Usage {
	return Usage{Account: acct, Service: "AmazonEC2", UsageType: "EBS:VolumeUsage.gp3", Operation: "CreateVolume",
		Region: "us-east-1", AZ: "use1-az1", ResourceID: id, Quantity: gib}
}

func TestGp3100GBIsEightDollarsAMonthWhateverIsWritten(t *testing.T) {
	// Provisioned capacity accrues regardless of use, so "1 GB written" and
	// "100 GB written" meter identically; the month's length does not
	// matter either: 28-day February and 31-day January both cost $8.00.
	for _, m := range []Month{jan2026, MakeMonth(2026, time.February)} {
		env := sim.New(1, sim.WithEpoch(m.Start()))
		led := New(env, nil, WithDefaultPlan(PlanNone))
		ids := []MeterID{mustStart(t, led, volume("vol-1gb-written", 100), PerSecond60), mustStart(t, led, volume("vol-100gb-written", 100), PerSecond60)}
		env.RunUntil(env.FromTime(m.End()))
		for _, id := range ids {
			mustStop(t, led, id, StopOptions{})
		}
		inv := led.Invoice(acct, m)
		for _, li := range inv.Lines {
			if li.Cost != 8*Dollar || li.Amount.Cmp(big.NewRat(100, 1)) != 0 {
				t.Errorf("%v %s: %v GB-Mo for %v, want 100 GB-Mo for $8.00", m, li.ResourceID, li.Amount, li.Cost)
			}
		}
		env.Close()
	}
}

func TestS3Standard100GBIs230AMonth(t *testing.T) {
	env, led := newTestLedger(t, PlanNone)
	id := mustStart(t, led, Usage{Account: acct, Service: "AmazonS3", UsageType: "TimedStorage-ByteHrs",
		Operation: "StandardStorage", Region: "us-east-1", ResourceID: "my-bucket", Quantity: 100 << 30}, PerSecond)
	runMonth(env)
	mustStop(t, led, id, StopOptions{})
	if got := led.Invoice(acct, jan2026).Total; got != MustParseMoney("2.30") {
		t.Errorf("100 GB of S3 Standard for a month = %v, want $2.30", got)
	}
}

func TestLambda512MB200msMillionInvocations(t *testing.T) {
	_, led := newTestLedger(t, PlanNone)
	const n = 1_000_000
	fn := "arn:aws:lambda:us-east-1:111122223333:function:f"
	for range n / 1000 { // batches of 1,000 invocations
		if err := led.Record(Usage{Account: acct, Service: "AWSLambda", UsageType: "Request", Operation: "Invoke",
			Region: "us-east-1", ResourceID: fn, Quantity: 1000}); err != nil {
			t.Fatal(err)
		}
		if err := led.Record(Usage{Account: acct, Service: "AWSLambda", UsageType: "Lambda-GB-Second", Operation: "Invoke",
			Region: "us-east-1", ResourceID: fn, Quantity: 1000 * 512 * 200}); err != nil { // MB-ms
			t.Fatal(err)
		}
	}
	inv := led.Invoice(acct, jan2026)
	for _, li := range inv.Lines {
		switch li.UsageType {
		case "Request":
			if li.Cost != 20*Cent {
				t.Errorf("requests cost %v, want $0.20", li.Cost)
			}
		case "Lambda-GB-Second":
			if li.Amount.Cmp(big.NewRat(100_000, 1)) != 0 {
				t.Errorf("duration = %v GB-s, want 100,000", li.Amount)
			}
			if want := MustParseMoney("1.66667"); li.Cost != want { // 100,000 × $0.0000166667
				t.Errorf("duration cost %v, want %v", li.Cost, want)
			}
		default:
			t.Errorf("unexpected line %s", li.UsageType)
		}
	}
}

func TestP32xlargeLeftRunningOverAWeekend(t *testing.T) {
	// 2026-01-02 is a Friday: 18:00 Friday to 09:00 Monday is 63 hours.
	env, led := newTestLedger(t, PlanNone)
	fri := time.Date(2026, time.January, 2, 18, 0, 0, 0, time.UTC)
	mon := time.Date(2026, time.January, 5, 9, 0, 0, 0, time.UTC)
	if fri.Weekday() != time.Friday || mon.Weekday() != time.Monday {
		t.Fatal("calendar assumption broken")
	}
	env.RunUntil(env.FromTime(fri))
	id := mustStart(t, led, instance("i-gpu", "p3.2xlarge"), PerSecond60)
	env.RunUntil(env.FromTime(mon))
	mustStop(t, led, id, StopOptions{})
	if got, want := led.Invoice(acct, jan2026).Total, hoursAt(63, "3.06"); got != want || want != MustParseMoney("192.78") {
		t.Errorf("weekend p3.2xlarge = %v, want 63 h × $3.06 = %v", got, want)
	}
}

func TestS3StandardStorageTiersPoolBucketsPerMonth(t *testing.T) {
	// [AWS pricing pages]: $0.023 per GB-Mo for the first 50 TB a month, then
	// $0.022 (next 450 TB). Two 30 TB buckets for all of January are 60 TB
	// of the region's pool: 51,200 GB-Mo at $0.023 + 10,240 at $0.022 =
	// $1,402.88, the first bucket (in name order) wholly in the first tier.
	env, led := newTestLedger(t, PlanNone)
	var ids []MeterID
	for _, b := range []string{"bucket-a", "bucket-b"} {
		ids = append(ids, mustStart(t, led, Usage{Account: acct, Service: "AmazonS3", UsageType: "TimedStorage-ByteHrs",
			Operation: "StandardStorage", Region: "us-east-1", ResourceID: b, Quantity: 30 << 40}, PerSecond))
	}
	runMonth(env)
	for _, id := range ids {
		mustStop(t, led, id, StopOptions{})
	}
	inv := led.Invoice(acct, jan2026)
	if got := lineFor(t, inv, "bucket-a", "TimedStorage-ByteHrs").Cost; got != MustParseMoney("706.56") {
		t.Errorf("bucket-a (30,720 GB-Mo at $0.023) = %v, want $706.56", got)
	}
	if got := lineFor(t, inv, "bucket-b", "TimedStorage-ByteHrs").Cost; got != MustParseMoney("696.32") {
		t.Errorf("bucket-b (20,480 at $0.023 + 10,240 at $0.022) = %v, want $696.32", got)
	}
	if inv.Total != MustParseMoney("1402.88") {
		t.Errorf("total %v, want $1,402.88", inv.Total)
	}
}

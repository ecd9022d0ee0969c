package billing_test

import (
	"fmt"
	"os"
	"time"

	"github.com/nimbus-sim/nimbus/billing"
	"github.com/nimbus-sim/nimbus/sim"
)

// A small month under the legacy free tier: a t3.micro web server with a
// 40 GB gp3 volume, a bucket of 25 GB taking daily GETs and PUTs, 5 GB a
// day served to the internet, and a Lambda function. The invoice, grouped
// by service.
func Example() {
	env := sim.New(1) // the clock starts at 2026-01-01T00:00:00Z
	defer env.Close()
	led := billing.New(env, nil)
	const acct = "111122223333"
	led.SetAccount(billing.Account{ID: acct, Plan: billing.PlanLegacy})

	ec2 := func(typ, id string, qty int64) billing.Usage {
		return billing.Usage{Account: acct, Service: "AmazonEC2", UsageType: typ, Operation: "RunInstances",
			Region: "us-east-1", AZ: "use1-az1", ResourceID: id, Quantity: qty}
	}
	web, _ := led.StartTimed(ec2("BoxUsage:t3.micro", "i-0web", 1), billing.PerSecond60)
	vol, _ := led.StartTimed(ec2("EBS:VolumeUsage.gp3", "vol-0web", 40), billing.PerSecond60) // GiB
	bucket, _ := led.StartTimed(billing.Usage{Account: acct, Service: "AmazonS3", UsageType: "TimedStorage-ByteHrs",
		Region: "us-east-1", ResourceID: "assets", Quantity: 25 << 30}, billing.PerSecond) // bytes

	env.Go("traffic", func(p *sim.Proc) {
		for day := range 31 { // at noon each day of January
			p.SleepUntil(sim.Time(time.Duration(day)*24*time.Hour + 12*time.Hour))
			s3 := billing.Usage{Account: acct, Service: "AmazonS3", Region: "us-east-1", ResourceID: "assets"}
			s3.UsageType, s3.Operation, s3.Quantity = "Requests-Tier2", "GetObject", 10_000
			led.Record(s3)
			s3.UsageType, s3.Operation, s3.Quantity = "Requests-Tier1", "PutObject", 500
			led.Record(s3)
			led.RecordTransfer(billing.Transfer{Account: acct, Service: "AmazonEC2", ResourceID: "i-0web",
				From: billing.Endpoint{Region: "us-east-1", AZ: "use1-az1"}, To: billing.Endpoint{Internet: true}, Bytes: 5 << 30})
			fn := billing.Usage{Account: acct, Service: "AWSLambda", Region: "us-east-1", ResourceID: "thumbnail", Operation: "Invoke"}
			fn.UsageType, fn.Quantity = "Request", 100_000
			led.Record(fn)
			fn.UsageType, fn.Quantity = "Lambda-GB-Second", 100_000*1024*400 // 1 GB × 400 ms each, in MB-ms
			led.Record(fn)
		}
	})
	jan := billing.MakeMonth(2026, time.January)
	env.RunUntil(env.FromTime(jan.End()))
	for _, id := range []billing.MeterID{web, vol, bucket} {
		led.StopTimed(id, billing.StopOptions{})
	}

	inv := led.Invoice(acct, jan)
	for _, g := range inv.ByService() {
		fmt.Printf("%-16s %s\n", g.Keys[0], g.Cost)
	}
	fmt.Println("total", inv.Total, "- amount due", inv.AmountDue())
	// Output:
	// AWSLambda        $14.420028
	// AmazonEC2        $5.75
	// AmazonS3         $0.6435
	// total $20.813528 - amount due $20.81
}

// Export line items in the columns of a Cost and Usage Report 2.0.
func ExampleWriteCUR() {
	env := sim.New(1)
	defer env.Close()
	led := billing.New(env, nil, billing.WithDefaultPlan(billing.PlanNone))
	id, _ := led.StartTimed(billing.Usage{Account: "111122223333", Service: "AmazonEC2", UsageType: "BoxUsage:m5.large",
		Operation: "RunInstances", Region: "eu-west-1", AZ: "euw1-az1", ResourceID: "i-0abc",
		Tags: map[string]string{"team": "ml"}, Quantity: 1}, billing.PerSecond60)
	env.RunFor(90 * time.Minute)
	led.StopTimed(id, billing.StopOptions{})
	billing.WriteCUR(os.Stdout, led.LineItems(billing.MakeMonth(2026, time.January)))
	// Output:
	// bill_billing_period_start_date,bill_billing_period_end_date,bill_payer_account_id,line_item_usage_account_id,line_item_line_item_type,line_item_usage_start_date,line_item_usage_end_date,line_item_product_code,line_item_usage_type,line_item_operation,line_item_availability_zone,line_item_resource_id,line_item_usage_amount,pricing_unit,line_item_unblended_rate,line_item_unblended_cost,line_item_currency_code,line_item_line_item_description,product_region_code,resource_tags
	// 2026-01-01T00:00:00Z,2026-02-01T00:00:00Z,111122223333,111122223333,Usage,2026-01-01T00:00:00Z,2026-01-01T01:30:00Z,AmazonEC2,EU-BoxUsage:m5.large,RunInstances,euw1-az1,i-0abc,1.5,Hrs,0.10704,0.160560000,USD,Linux/UNIX on-demand m5.large instance-hour,eu-west-1,"{""user_team"":""ml""}"
}

// A budget that stops an instance the moment the month's cost exceeds $5.
func ExampleLedger_CreateBudget() {
	env := sim.New(1)
	defer env.Close()
	led := billing.New(env, nil)
	const acct = "111122223333"
	id, _ := led.StartTimed(billing.Usage{Account: acct, Service: "AmazonEC2", UsageType: "BoxUsage:p3.2xlarge",
		Region: "us-east-1", ResourceID: "i-0gpu", Quantity: 1}, billing.PerSecond60)
	led.CreateBudget(billing.Budget{BudgetName: "gpu-cap", AccountID: acct, BudgetLimit: 5 * billing.Dollar,
		Notifications: []billing.Notification{{NotificationType: billing.Actual, Percent: 100}},
		OnAlert: func(a billing.Alert) {
			fmt.Printf("%s: %s > %s at %s\n", a.BudgetName, a.Cost, a.Threshold, env.TimeOf(a.At).Format(time.TimeOnly))
			led.StopTimed(id, billing.StopOptions{})
		}})
	env.RunFor(24 * time.Hour)
	fmt.Println("billed", led.Invoice(acct, billing.MakeMonth(2026, time.January)).Total)
	// Output:
	// gpu-cap: $5.00055 > $5.00 at 01:38:03
	// billed $5.00055
}

// A replication reads its cost at its end: the figures of the month's
// bill, summed per usage type, without building the invoice's lines.
func ExampleLedger_Tally() {
	env := sim.New(1)
	defer env.Close()
	led := billing.New(env, nil, billing.WithDefaultPlan(billing.PlanNone))
	const acct = "111122223333"
	usage := func(typ, id string, qty int64) billing.Usage {
		return billing.Usage{Account: acct, Service: "AmazonEC2", UsageType: typ, Operation: "RunInstances",
			Region: "us-east-1", AZ: "use1-az1", ResourceID: id, Quantity: qty}
	}
	var ids []billing.MeterID
	for _, id := range []string{"i-0a", "i-0b"} {
		box, _ := led.StartTimed(usage("BoxUsage:p3.2xlarge", id, 1), billing.PerSecond60)
		vol, _ := led.StartTimed(usage("EBS:VolumeUsage.gp3", "vol"+id[1:], 100), billing.PerSecond60) // GiB
		ids = append(ids, box, vol)
	}
	env.RunFor(90 * time.Minute)
	for _, id := range ids {
		led.StopTimed(id, billing.StopOptions{})
	}

	t := led.Tally(acct, billing.MakeMonth(2026, time.January))
	for _, s := range t.Sums {
		fmt.Printf("%-20s %d lines %s %s: %s\n", s.UsageType, s.Lines, s.Amount().FloatString(4), s.Unit, s.Cost)
	}
	fmt.Println("total", t.Total)
	// Output:
	// BoxUsage:p3.2xlarge  2 lines 3.0000 Hrs: $9.18
	// EBS:VolumeUsage.gp3  2 lines 0.4032 GB-Mo: $0.032258064
	// total $9.212258064
}

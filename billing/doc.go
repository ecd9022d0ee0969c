// Package billing is nimbus's metering engine: a price catalog keyed by
// AWS usage types, meters that services report usage to, the free tier,
// invoices per calendar month, Cost-Explorer-style breakdowns and
// forecasts, budgets that alert at the virtual instant they are crossed,
// and Cost and Usage Report (CUR 2.0) export.
//
// billing knows no service. Services report what they consumed — usage
// type, quantity, resource, region, tags, interval — the way AWS services
// feed AWS's billing pipeline; billing prices it.
//
// # Usage
//
//	env := sim.New(1)
//	led := billing.New(env, nil) // nil: the embedded default catalog
//	led.SetAccount(billing.Account{ID: "111122223333", Plan: billing.PlanLegacy})
//
//	// usage-based: one record per request batch, byte count, GB-second...
//	led.Record(billing.Usage{Account: "111122223333", Service: "AmazonS3",
//		UsageType: "Requests-Tier2", Operation: "GetObject", Region: "us-east-1",
//		ResourceID: "my-bucket", Quantity: 1})
//
//	// time- and capacity-based: a meter runs between start and stop
//	id, _ := led.StartTimed(billing.Usage{Account: "111122223333", Service: "AmazonEC2",
//		UsageType: "BoxUsage:t3.micro", Operation: "RunInstances", Region: "us-east-1",
//		AZ: "use1-az1", ResourceID: "i-0123", Quantity: 1}, billing.PerSecond60)
//	env.RunFor(90 * time.Minute)
//	led.StopTimed(id, billing.StopOptions{})
//
//	inv := led.Invoice("111122223333", billing.MonthOf(env.NowTime()))
//	fmt.Println(inv.Total)
//
// Movement is reported with RecordTransfer, which classifies bytes by path
// (internet in, same AZ, cross-AZ, cross-region, internet out, NAT).
//
// # Money and rounding
//
// Money is an int64 count of nano-dollars; Price an int64 count of
// femto-dollars per pricing unit. Quantities are exact integers in a raw
// unit per usage type (seconds, bytes, byte-seconds, GiB-seconds, MB-ms,
// requests), accumulated in 128-bit integers. Nothing is ever a float.
//
// A line item's cost is computed once, from its month's total raw quantity,
// as the exact rational Σ over price tiers of quantity × price ÷ units, and
// rounded half up to a whole nano-dollar. That is the only rounding. An
// invoice's Total is the exact sum of its line items (usage and credits);
// AmountDue rounds the Total half up to whole cents, as a bill is paid.
//
// Pooled rules are applied in a fixed order at invoice time: line items of
// a month are sorted by (usage type, region, service, operation, AZ,
// resource, tags); free-tier offers are consumed in that order, then each
// usage type's price tiers (per region) are consumed in that order. So two
// t3.micro instances running all of January under the legacy free tier
// show 744 h free on the first and 6 h free + 738 h charged on the second.
//
// # Metering models
//
//   - time-based: StartTimed/StopTimed with PerSecond60 (per second, 60 s
//     minimum per start: Linux on-demand and spot), PerSecond or PerHour;
//     SetTimedPrice for caller-priced (spot) meters; StopOptions.Interrupted
//     for the spot rule "EC2 interrupts in the first hour: no charge".
//   - capacity-based: the same meters with a rate (GiB provisioned, IOPS):
//     GB-Mo and IOPS-Mo are prorated by the second over the calendar
//     month's seconds, whatever is written.
//   - usage-based: Record with a quantity (requests, bytes, MB-ms).
//   - movement-based: RecordTransfer.
//
// Records are attributed to the calendar month (UTC) containing their
// Start; meters split exactly at month boundaries.
//
// # Budgets
//
// CreateBudget watches an account's monthly cost. A notification on
// ACTUAL cost fires at the exact virtual instant the cost first exceeds
// its threshold, including the instant a running per-second meter carries
// it over (found by search over the priced cost function and scheduled with
// env.At); one on FORECASTED cost fires when a change of usage lifts the
// month's forecast over it. Each fires at most once per month.
//
// # Concurrency
//
// A Ledger belongs to one sim.Env and is single-goroutine like it. A
// Catalog is immutable and may be shared.
package billing

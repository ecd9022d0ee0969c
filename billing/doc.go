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
// A caller that only reads what a month comes to asks for a Tally: the
// invoice's totals and its lines summed per service, region and usage
// type, to the same nano-dollar, without building the line items.
//
// Movement is reported with RecordTransfer, which classifies bytes by path
// (internet in, same AZ, cross-AZ, cross-region, internet out, NAT).
//
// A service that reports many records with the same dimensions can resolve
// them once with Key and then call Add, which is an integer add (no
// hashing): the hot path for per-request metering.
//
// # Usage types, units and the catalog
//
// Usage types are AWS's ("BoxUsage:t3.micro", "EBS:VolumeUsage.gp3",
// "TimedStorage-ByteHrs", "Requests-Tier1", "DataTransfer-Out-Bytes",
// "Lambda-GB-Second", ...). Outside us-east-1 AWS prefixes them with a
// region code ("USW2-"); services may pass either form, and invoices and
// exports show the prefixed one. In us-east-1 EC2, S3 and data-transfer
// usage types carry no prefix but some others do
// ("USE1-PublicIPv4:InUseAddress", Product.PrefixedInUSE1); "USE1-" is
// accepted there on any usage type. Each usage type has a raw unit that
// services meter in exact integers and a pricing unit the price is quoted
// in:
//
//	raw unit       pricing unit       examples
//	second         Hrs (÷3600)        BoxUsage:*, SpotUsage:*, NatGateway-Hours, PublicIPv4:*
//	GiB-second     GB-Mo (÷month s)   EBS:VolumeUsage.*
//	IOPS-second    IOPS-Mo            EBS:VolumeP-IOPS.*
//	byte-second    GB-Mo (÷2^30·s)    TimedStorage-*ByteHrs, EBS:SnapshotUsage
//	byte           GB (÷2^30)         DataTransfer-*, NatGateway-Bytes
//	MB-ms          GB-Second (÷1.024e6) Lambda-GB-Second
//	request        Requests           Requests-Tier1/2, Request
//
// GB-Mo and IOPS-Mo are prorated by the second over the seconds of the
// calendar month being billed (AWS's "15 days in a 30-day month" rule), so a
// 100 GB gp3 volume costs $8.00 in January and in February.
//
// The catalog is loaded from an embedded JSON file (DefaultCatalog,
// DefaultCatalogJSON): us-east-1 list prices, per-family regional
// multipliers ("ec2" is the default for other instance families) and
// per-region data-transfer prices, each from the sources listed under
// Sources below. Replace it with ParseCatalog/LoadCatalog or extend it with
// Merge; regional prices are the us-east-1 price × the multiplier, rounded
// to a femto-dollar, unless the product lists the region explicitly.
// Caller-priced products (SpotUsage:*) take their price from the record.
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
// usage type's price tiers (per region, counting usage after the free tier)
// are consumed in that order. So two t3.micro instances running all of
// January under the legacy free tier show 744 h free on the first and 6 h
// free + 738 h charged on the second. Records with a caller price (spot)
// get neither free tier nor tiers. The free 100 GB of data transfer out is
// consumed by regions in name order.
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
// Invoices, reports and budgets see running meters as accrued: the whole
// seconds elapsed (at least the 60-second minimum once started, a started
// hour for hourly meters). Stopping rounds the last partial second up, so an
// invoice never decreases as time passes.
//
// # Reports
//
// GetCostAndUsage groups line items like Cost Explorer (by service, usage
// type, operation, region, AZ, resource, account, record type or a tag).
// Forecast is the month's usage so far, plus running meters continued to
// the month's end, plus usage reported with Record extrapolated linearly
// from its rate so far. WriteCUR and WriteCURJSON export line items with
// Cost and Usage Report 2.0 column names.
//
// # Budgets
//
// CreateBudget watches an account's monthly cost: net of the credit plans'
// credits, as AWS Budgets count credits by default (Budget.ExcludeCredits
// watches usage before credits), or the usage cost of some services only. A notification on ACTUAL cost fires
// at the exact virtual instant the cost first exceeds its threshold —
// including the instant a running per-second meter carries it over, found
// by bisection over the (monotone, step-wise) cost function and scheduled
// with env.AtDaemon; one on FORECASTED cost fires when a change of usage
// lifts the forecast over it. Each fires at most once per month, and calls
// Budget.OnAlert from the event loop so a scenario can react.
//
// Exact evaluation re-prices the month, so between evaluations a watched
// account keeps conservative bounds (a record can add at most quantity ×
// its usage type's highest price; meters accrue at most rate × price per
// second): far from every threshold a record costs a few additions, and
// the month is re-priced only when a threshold could be within reach.
// Budget timers are daemon events: a pending check does not keep env.Run
// alive, but RunUntil runs it at its instant.
//
// # Free tier
//
// SetAccount selects an account's plan: PlanAlwaysFree (the default: the
// always-free offers), PlanNone (list prices), PlanLegacy (the 12-month free
// tier of accounts created before 2025-07-15) or the credit-based
// PlanCreditFree / PlanCreditPaid of later accounts (credits appear as a
// "Credit" line item; see CreditBalance and FreePlanActive).
//
// SignUp sets an account up the way AWS does at sign-up: the plan follows
// the creation date (PlanForSignUp: PlanLegacy before 2025-07-15,
// PlanCreditFree from then on). region.World calls it for every account
// iam.Service.CreateAccount opens (iam.CreatedAt back-dates one), unless
// SetAccount or WithDefaultPlan already chose the plan.
//
// # Concurrency
//
// A Ledger belongs to one sim.Env and is single-goroutine like it. A
// Catalog is immutable and may be shared.
package billing

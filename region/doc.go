// Package region is the provider side of the simulated cloud: partitions,
// regions and availability zones (with per-account zone names), physical
// hosts with hypervisor slot packing, the network between places, and the
// request pipeline every service's API call takes.
//
// # Usage
//
//	env := sim.New(1)
//	w := region.MustNewWorld(env, region.Options{}) // IAM and billing built in
//	root, _ := w.CreateAccount("111122223333") // signing up: the root user's keys
//	var creds region.Credentials
//	err := w.Setup(func(ctx context.Context) error { // set-up is API calls too
//		c := w.IAMClient(root)
//		c.CreateUser(ctx, &iam.CreateUserInput{UserName: "alice"})
//		c.PutUserPolicy(ctx, &region.PutUserPolicyInput{UserName: "alice", PolicyName: "s3", PolicyDocument: doc})
//		out, err := c.CreateAccessKey(ctx, &region.CreateAccessKeyInput{UserName: "alice"})
//		creds = out.AccessKey.Credentials()
//		return err
//	})
//
//	// hosts and placement
//	slot, err := w.Place("use1-az1", "m5.large", region.PlaceOptions{Owner: 7})
//	if errors.Is(err, region.ErrInsufficientInstanceCapacity) { ... }
//	w.OnHostEvent(func(e region.HostEvent) { ... }) // ec2 fails e.Slots
//
//	// places and the network
//	name, _ := w.AZName("111122223333", "use1-az1") // "us-east-1e" for this account
//	from, _ := w.AtSlot(slot)
//	d, _ := w.Latency(from, region.InRegion("eu-west-1"))
//
//	// an API call, from inside a process
//	env.Go("client", func(p *sim.Proc) {
//		ctx, cancel := sim.WithTimeout(p, 5*time.Second) // a virtual-time deadline
//		defer cancel()
//		err := w.Call(ctx, region.Request{Service: "s3", Operation: "GetObject",
//			Region: "us-east-1", Credentials: creds, From: from,
//			Resource: "arn:aws:s3:::bucket/key"},
//			func(c *region.Call) error {
//				// the effect: one virtual instant, no waiting
//				c.SetResponseBytes(1 << 20)
//				c.Record(billing.Usage{Service: "AmazonS3", UsageType: "Requests-Tier2", Quantity: 1})
//				return nil
//			})
//	})
//
// # Places
//
// Partition -> region -> zone -> host. The built-in Catalog has the
// regions of the REFERENCE.md latency matrix plus us-west-1 and two
// regions each of aws-cn and aws-us-gov; Options.Regions builds any other
// topology. Zones are named by zone ID (use1-az1); each account sees them
// under names (us-east-1a ...) drawn by a seeded shuffle per (account,
// region), stable for a seed and different between accounts, as on AWS.
// Resources are global, regional or zonal (Scope); RequireSameAZ enforces
// per-zone rules such as "a volume attaches only to an instance in its
// zone". Endpoint gives {service}.{region}.{suffix} and the partitions'
// global endpoints (iam.amazonaws.com, sts.amazonaws.com); an unknown
// region is an UnknownEndpoint error naming the known ones.
//
// # Hosts and slot packing
//
// Each zone holds pools of hosts per host type (m5, c5, r5, t3, p3, g4dn)
// with the capacities of the Dedicated Host tables (REFERENCE.md 1.2-1.3).
// Socket-bound hosts follow the DERIVED rule: an instance sits on one
// socket unless it needs more than a socket, which reproduces every
// per-size count of the tables (48 m5.large, 8 c5.2xlarge per host; 192
// t3.micro on the oversubscribed T3 host). Place puts an instance on one
// host by a Policy: best fit (default) through a B-tree index of free
// capacity, O(log hosts); first fit; worst fit; and cluster, spread and
// partition placement groups. When no single host fits, Place fails with
// InsufficientInstanceCapacity even if the zone's summed free capacity
// would suffice. A host costs 28 bytes and a placement 32 bytes: 100,000
// hosts and 1,000,000 instances take about 37 MiB, 38 bytes per instance
// (TestMemory100kHosts1MInstances).
//
// Hosts fail and are repaired (FailHost, RepairHost, FailAZ, RestoreAZ);
// the instances on a failed host are released and observers registered
// with OnHostEvent hear which they were. StartBackground adds other
// customers' demand to a pool as a Poisson process of launches with
// exponential lifetimes, so capacity pressure emerges from the model.
//
// # What keeps env.Run going
//
// The world's own machinery runs in the background: background tenants'
// arrivals and departures are daemon events (sim.Env.HandleDaemon), so
// env.Run returns when the scenario's own processes are done instead of
// running other customers' demand for ever; RunUntil and RunFor play a
// fixed horizon, tenants included. Everything else the world does happens
// inside the caller's process: an API call's latency, connect timeouts,
// retries and backoff are sleeps of the process that called Call, so a
// call in flight is the caller's work and keeps Run going exactly as long
// as that process would (a daemon process's calls are daemon). Latency,
// loss and partitions are drawn per call, with no timers of their own;
// host and AZ failures come from the failure package, whose timers are
// daemon too.
//
// # Network
//
// Latency between two Locations is drawn per path class (same host, same
// zone, cross-zone, cross-region, internet) from a lognormal body with a
// rare heavy tail, defaulting to REFERENCE.md 6 (cross-zone median RTT
// 1.02 ms, spread over zone pairs as measured; the cloudping inter-region
// matrix; one-way = RTT/2), and never
// below the great-circle distance at the speed of light in fibre (200
// km/ms). Transfer adds bytes / throughput (single flow, bounded by TCP
// window / RTT) and retransmission timeouts under packet loss. The failure
// layer partitions, degrades and adds loss between places (zone IDs,
// region codes or "internet") through the failure.NetworkTarget methods.
//
// # The request pipeline
//
// Call runs the pipeline in virtual time: resolve the endpoint;
// per attempt, route (the Router, if registered), connect and send
// (latency from the caller's place; partitions and missing routes block
// until the connect timeout); at the server instant authenticate and
// authorize with the world's iam.Service (no call skips it, tests'
// included; IAM and STS themselves are called through IAMClient and
// STSClient, which go through Call like every service); draw
// injected faults (SetThrottleRate, SetErrorRate, SetTimeoutRate,
// ImpairRegion); run the effect atomically; meter (Call.Record and
// Call.RecordTransfer go to the billing ledger only after success); then
// the response latency. Errors are *awserr.Error values (code, HTTP
// status, retryable, request ID) wrapped in *smithy.OperationError. The
// client side is aws-sdk-go-v2's standard retry mode: 3 attempts, capped
// exponential backoff with full jitter from a named stream, a 500-token
// retry quota, connect and read timeouts.
//
// # Randomness
//
// Streams: "region/az-names/<account>/<region>", "region/network/<class>",
// "region/network/az-pair/<zone>|<zone>",
// "region/network/loss", "region/pipeline/faults", "region/pipeline/backoff",
// "region/background/<zone>/<host type>".
package region

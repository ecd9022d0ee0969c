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
//	slot, err := w.Fleet().Place("use1-az1", "m5.large", region.PlaceOptions{Owner: 7})
//	if errors.Is(err, region.ErrInsufficientInstanceCapacity) { ... }
//	w.Fleet().OnHostEvent(func(e region.HostEvent) { ... }) // ec2 fails e.Slots
//
//	// places and the network
//	name, _ := w.AZName("111122223333", "use1-az1") // "us-east-1e" for this account
//	from, _ := w.AtSlot(slot)
//	d, _ := w.Network().Latency(from, region.InRegion("eu-west-1"))
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
// regions of the [cloudping.co] latency matrix plus us-west-1 and two
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
// with the capacities of the Dedicated Host tables [Dedicated Hosts guide; Dedicated Host price list 2019].
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
// rare heavy tail, defaulting to measured figures (cross-zone median RTT
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
// STSClient, which go through Call like every service); draw injected
// faults (Faults().SetThrottleRate, SetErrorRate, SetTimeoutRate,
// ImpairRegion); run the effect atomically; meter; then the response's
// first byte and its body. Errors are *awserr.Error values (code, HTTP
// status, retryable, request ID) wrapped in *smithy.OperationError; a
// connect that never completes is a *ConnectTimeoutError, a network error
// and not an AWS code. The client side is aws-sdk-go-v2's standard retry
// mode: 3 attempts, capped exponential backoff with full jitter, a
// 500-token retry quota, a connect timeout, and a read timeout that bounds
// the wait for the response's first byte (not the whole body: a 5 GiB
// download over a 100 Mbit/s path completes under the 60 s default).
//
// Call takes ctx first, as the SDK does: the calling *sim.Proc or any
// context derived from it (context.WithValue, context.WithCancel,
// sim.WithTimeout); the process is found with sim.ProcFrom. A
// sim.WithTimeout deadline is virtual time: a call still waiting at the
// deadline returns then, with an error matching context.DeadlineExceeded,
// and does not retry. A nil context, or one with no process behind it, is
// an error (sim.ErrNoProcess), not a panic.
//
// # Who calls, and who pays
//
// A request without credentials is anonymous: it reaches authorization as
// iam.AnonymousPrincipal when the service sets Request.AllowAnonymous (S3
// does; a bucket policy with "Principal": "*" can then allow it), and
// fails with MissingAuthenticationToken otherwise. An AccessDenied carries
// IAM's decision: errors.As(err, &*iam.DeniedError) reaches it, and its
// Decision says which statement denied or which kind of policy did not
// allow, the message reading like AWS's ("User: arn:... is not authorized
// to perform: s3:ListBucket on resource: arn:aws:s3:::b because no
// identity-based policy allows the s3:ListBucket action").
//
// Metering goes to Call.Payer: the caller (PayCaller, the default), the
// resource owner (PayResourceOwner: S3 bills the bucket owner, also for
// anonymous requests) or the requester of a Requester Pays bucket
// (PayRequester; an anonymous request is refused). Failed requests are
// billed where the service says so: BillClientErrors is S3's rule, 4xx
// billed and 5xx not, and since May 2024 no charge for an AccessDenied
// from outside the owner's account and organization.
// Request.BillRequest runs for every billed outcome, failures before the
// effect included; Call.Record and Call.Meter run for billed outcomes
// after the effect.
//
// # Where a call comes from
//
// A Location is a place (region, zone, host, or an internet client) and,
// inside a VPC, a NetworkIdentity (WithNetwork): VPC, subnet, network
// interface, private and public IPv4, and whether the caller runs on an
// instance. SetLocation attaches a Location to a process (ec2 does it for
// every process it starts on an instance) and WithLocation to a context;
// a Request with no From comes from there, else from an internet client
// near the target region. An in-region caller reaching a regional endpoint
// takes PathRegional; calls to a place keep same-AZ and cross-AZ.
//
// A network layer (the vpc package) registers a Router with SetRouter
// (or Options.Router). For every attempt it answers with a Route (hops:
// local, internet gateway, NAT gateway, gateway or interface endpoint,
// peering, each with its extra latency; the TransferClass billing needs;
// the SourceKeys IAM sees as aws:SourceIp, aws:SourceVpc, aws:SourceVpce,
// aws:VpcSourceIp; the policy of a VPC endpoint on the way, which must
// allow the call too, on top of the caller's policies) or with no route, which the caller experiences as a
// connect timeout. The pipeline does not meter what the route's NAT
// gateway or interface endpoint processes: services do, from Call.Route()
// in their effect, with the payer and resource they know (s3 records the
// response bytes of a call through a NAT gateway as NAT processing, to
// the caller). Router.CheckNetwork tells the world which VPC, subnet
// and interface IDs exist: a call from a Location naming an unknown one
// fails with the ID in the message. Without a Router a world behaves as
// if every caller had a direct path, and knows only the interfaces
// attached with Network().AttachInterface. A Router that panics fails the
// call with its operation and request ID.
//
// Network interfaces have bandwidth (Bandwidth: a baseline and, for "up
// to" instance types, a burst while credit lasts). The flows through one
// interface (Network().Transmit, and every call's request and response
// bodies) share it max-min fairly, as SimGrid shares a link: equal shares,
// except that a flow capped lower by its path keeps its cap and leaves the
// rest to the others. Rates change only when a flow starts or ends or
// burst credit runs out.
//
// # Set-up without back doors
//
// Opening an account is signing up, not an API call: CreateAccount. Every
// other set-up step (users, roles, policies, buckets) is an API call with
// real credentials, run in Setup: Setup starts a process now, runs the
// simulation until it returns (a few round trips of virtual time) and
// returns its error. The calls pay latency and show in PipelineStats like
// any other. Tests do the same; internal/testprincipal makes it short.
// World.IAM is the provider side for services (ec2 reads an instance
// profile's role); scenario code does not use it to change IAM.
//
// # Views
//
// The World keeps places, the pipeline and the ledger. Its other methods
// are grouped into three views: Network() (latency, transfers,
// interfaces, the Router), Fleet() (hosts, shapes, placement, other
// tenants) and Faults() (what the failure layer does; it implements the
// failure package's targets: failure.NewHarness(env, w.Faults())).
//
// # Randomness
//
// Streams: "region/az-names/<account>/<region>", "region/network/<class>"
// (World-level draws such as Network().Latency),
// "region/network/az-pair/<zone>|<zone>", "region/network/loss",
// "region/background/<zone>/<host type>", and per service and region
// "region/pipeline/<service>/<region>/latency", ".../faults",
// ".../backoff" and ".../loss": a call's network, fault and backoff draws
// come from its service's streams, and its request ID from its service's
// own sequence, so adding calls to one service never changes another
// service's draws (TestStreamsPerService).
package region

// Package ec2 simulates Amazon EC2 inside a nimbus world: the instance
// type catalog, region-specific AMIs, instances and their lifecycle, the
// spot market and its reclamation, the instance metadata service,
// burstable CPU credits, and EBS volumes and snapshots.
//
// The API is shaped like aws-sdk-go-v2's ec2 client: a Client for one
// region and one set of credentials, methods named after the operations
// (RunInstances, StopInstances, StartInstances, RebootInstances,
// TerminateInstances, DescribeInstances, CreateVolume, AttachVolume,
// DetachVolume, DeleteVolume, DescribeVolumes, CreateSnapshot,
// DescribeSnapshots, DeleteSnapshot, DescribeImages,
// DescribeSpotPriceHistory), each taking the calling *sim.Proc as
// its context and an input struct, returning an output struct or an error
// carrying EC2's code (InvalidInstanceID.NotFound, IncorrectInstanceState,
// InvalidAMIID.NotFound, InvalidParameterValue,
// InsufficientInstanceCapacity, VolumeInUse, InvalidVolume.ZoneMismatch,
// UnauthorizedOperation, ...) wrapped in a smithy OperationError. Every
// call goes through the world's request pipeline (package region): it is
// authenticated and authorized by IAM policies, travels the network from
// the caller's place, may be throttled or fail as the failure layer says,
// and is retried in the SDK's standard mode.
//
// # Usage
//
//	env := sim.New(seed)
//	w := region.MustNewWorld(env, region.Options{})
//	svc := ec2.MustNew(w, ec2.Options{})
//	client := svc.NewClient("us-east-1", creds) // creds made in w.Setup with w.IAMClient
//
//	env.Go("operator", func(p *sim.Proc) {
//		out, err := client.RunInstances(p, &ec2.RunInstancesInput{
//			ImageId:      ec2.ImageID(ec2.PublicImages()[0].Name, "us-east-1"),
//			InstanceType: "m5.large", MinCount: 1, MaxCount: 1,
//			InstanceMarketOptions: &ec2.InstanceMarketOptionsRequest{MarketType: ec2.MarketTypeSpot},
//		})
//		...
//		m, _ := svc.Machine(out.Instances[0].InstanceId)
//		m.Go("train", func(q *sim.Proc) {
//			id, _ := ec2.GetMetadata(q, "instance-id")
//			m.Work(q, 3600) // vCPU-seconds
//		})
//	})
//	env.Run() // returns when the operator and "train" are done (or reclaimed)
//
// # Instances
//
// An instance is pending, then running after a boot delay (a shifted
// exponential; EC2 publishes none), and leaves through stopping/stopped or
// shutting-down/terminated, with the API's state codes (0, 16, 32, 48, 64,
// 80). Launches are placed by the world's slot packing, so
// InsufficientInstanceCapacity appears when no single host fits, even if
// the zone's summed free capacity would. A catalog type launches only
// where the ledger can price it and the world has hosts for its family.
// Prices live only in billing's catalog (BoxUsage:<type>), which prices
// every row; region's built-in fleet lacks hosts for T3a, T2, T4g and the
// modern families (HostTypes adds them); otherwise RunInstances answers
// Unsupported, saying which is missing. A world built with HostTypes
// launches every row. A stop releases the host slot and
// the auto-assigned public IP and keeps the private IP and the volumes; a
// start places the instance afresh, possibly on another host; a reboot
// keeps both and is not a new billing start. Terminated instances stay
// describable for an hour. Every transition is published to Subscribe's
// observers (and the trace), and as EventBridge-shaped events to
// SubscribeEvents' patterns (with Spot interruption warnings and rebalance
// recommendations). A host failure recovers supported instances onto a new
// host (same ID, IPs and volumes); others, and every instance of a dark
// zone, stop (Options.HostFailure; one-time spot instances terminate); when
// the zone returns they restart (Options.AZRestart).
// ModifyInstanceAttribute / DescribeInstanceAttribute change and read the
// type and user data (while stopped), termination protection and volumes'
// DeleteOnTermination; DescribeInstanceStatus reports status checks and the
// scheduled events the failure layer posts (ScheduleInstanceEvent).
// Hibernation (HibernationOptions at launch, StopInstances Hibernate) is
// billed while stopping.
//
// # Quotas
//
// vCPU quotas per account, region and class (Standard, G and VT, P, Inf,
// Trn, X; On-Demand and Spot) are on by default, at a new account's
// values: 5 Standard vCPUs On-Demand and 5 Spot, none for the other
// classes, so that a GPU instance needs an increase first. A launch or
// start beyond one fails with VcpuLimitExceeded or
// MaxSpotInstanceCountExceeded (ErrVcpuLimitExceeded,
// ErrMaxSpotInstanceCountExceeded), never a capacity error; a RunInstances
// whose MaxCount does not fit launches what does, down to MinCount.
// QuotasClient asks for increases as Service Quotas does, approved after
// QuotaOptions.ApprovalDelay. Options.Quotas configures values for every
// account (QuotaOptions.Values, by QuotaCode) or one account
// (QuotaOptions.Accounts), as an account whose increases were granted
// before the story starts; UnlimitedQuotas() turns quotas off:
//
//	ec2.Options{Quotas: &ec2.QuotaOptions{Values: map[string]int{ec2.QuotaCode(ec2.QuotaP, false): 64}}}
//	ec2.Options{Quotas: ec2.UnlimitedQuotas()}
//
// # Platforms and prices
//
// Prices live only in billing's catalog: BoxUsage:<type> rows (Linux,
// us-east-1, with regional ratios) and a license fee per vCPU-hour per
// platform. An AMI's PlatformDetails (Linux/UNIX, Windows, Red Hat
// Enterprise Linux, SUSE Linux, Ubuntu Pro) sets the line item's operation,
// price and granularity (SUSE per hour, the others per second).
//
// Machine is the live instance: Go runs a process on it, killed with a
// *ShutdownError cause when the instance stops, reboots, terminates or is
// reclaimed; GetMetadata, from such a process only, reads the metadata
// service (instance-id, instance-type, ami-id, local-ipv4, public-ipv4,
// placement/..., iam/security-credentials/<role> with STS credentials
// rotated before expiry, spot/instance-action, spot/termination-time,
// events/recommendations/rebalance) with IMDSv1; GetMetadataToken and
// GetMetadataWithToken are IMDSv2's session (see imdsv2.go for the
// metadata options, the hop limit and IMDSCredentials, the SDK's
// v2-first role provider).
//
// # Spot
//
// Spot capacity pools are per (instance type, zone), each with a slowly
// wandering price. Two interchangeable models reclaim instances: the
// statistical one draws each instance's time to interruption from a
// constant hazard calibrated to its Spot Instance Advisor bucket; the
// mechanistic one reclaims spot instances only when on-demand launches need
// their host slots — the users' own, or other tenants' demand started with
// StartOnDemandDemand. Either way a rebalance recommendation may come first,
// then the two-minute instance-action notice, then the interruption
// behaviour (terminate, stop or hibernate). The failure layer can also
// reclaim a fraction of a pool with ReclaimSpot. RequestSpotInstances'
// persistent requests reopen after an interruption and relaunch when
// capacity returns.
//
// # Burstable instances
//
// T3, T3a, T4g and T2 instances earn and spend CPU credits as the EC2 User
// Guide's tables say (T2 Standard's launch credits included; switch modes
// with ModifyInstanceCreditSpecification), driven by the utilization profile user code sets
// (Machine.SetCPUUtilization) and by CPU work (Machine.Work). In standard
// mode an instance out of credits is held at its baseline, so the same work
// takes longer; in unlimited mode it keeps bursting and surplus credits are
// billed at $0.05 per vCPU-hour.
//
// # EBS
//
// Volumes (gp2, gp3, io1, io2, st1, sc1) are created in one zone with the
// types' size, IOPS and throughput limits, attach only to instances of that
// zone, and cannot be deleted while attached. Each is two replicas inside
// its zone whose failure and re-replication give the type's annual failure
// rate, so a volume can be lost (FailVolume injects a loss). Snapshots are
// regional and restore into any zone of their region.
//
// # Billing
//
// Instances meter per second with a 60-second minimum per start
// (BoxUsage:<type>, or SpotUsage:<type> at the pool's spot price, free if
// EC2 interrupts it within its first hour); volumes meter their provisioned
// capacity (GB-month prorated by the second) whether or not anything is
// written. Meters run in the world's billing ledger.
//
// # Determinism and concurrency
//
// All randomness comes from named streams of the Env ("ec2/<region>/
// lifecycle", "ec2/spot/<az>/interruptions", "ec2/ebs/<az>/replicas",
// ...). A Service belongs to its Env's goroutine and needs no locks.
//
// # What keeps env.Run going
//
// env.Run returns when the scenario's own work is done, even though EC2's
// background machinery never stops by itself. The rule: what the user
// started, and its completion, is foreground; what happens by itself is a
// daemon event (see package sim), which runs alongside but never keeps Run
// going.
//
// Foreground: the API calls themselves (their latency and retries are
// sleeps of the calling process); pending -> running after RunInstances
// or StartInstances; stopping -> stopped and shutting-down -> terminated
// after StopInstances or TerminateInstances; creating -> available after
// CreateVolume; a snapshot's pending -> completed; the CPU scheduler's
// timer while Machine.Work is in progress (it ends the Work call); and
// processes started with Machine.Go, which are ordinary processes.
//
// Daemon: EBS volume losses (usually years ahead); the spot market — the
// statistical model's rebalance recommendations and notices, price steps
// and the meter following them — and the whole reclaim sequence once a
// notice is posted: the interruption two minutes later and the stop or
// termination it starts, like every transition EC2 starts by itself (a
// host failure's too); other tenants' demand (StartOnDemandDemand); the
// credit clock of a burstable instance with no Work in progress; and
// forgetting a terminated instance an hour later.
//
// Why the reclaim sequence is daemon throughout: it is EC2's doing, and
// making any part of it foreground would move the instant Run returns
// whenever a notice happened to land in the workload's last minutes. A
// workload still running then — sleeping, working or polling — sees the
// interruption exactly as before; a workload that has finished does not
// wait for it, and Run may return with an instance still running with its
// notice posted, or shutting down. A process that waits for the world on
// an event alone (Subscribe feeding a sim.Event, InterruptionNotice) with
// no timer of its own gives Run nothing to wait for: give the wait a
// timeout, or play a fixed horizon with RunFor or RunUntil, which run
// every event, daemon ones included.
package ec2

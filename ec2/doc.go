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
//	client := svc.NewClient("us-east-1", creds) // creds from w.IAM()
//
//	env.Go("operator", func(p *sim.Proc) {
//		out, err := client.RunInstances(p, &ec2.RunInstancesInput{
//			ImageId:      ec2.ImageID(ec2.PublicImages[0].Name, "us-east-1"),
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
//	env.RunFor(24 * time.Hour)
//
// # Instances
//
// An instance is pending, then running after a boot delay (a shifted
// exponential; EC2 publishes none), and leaves through stopping/stopped or
// shutting-down/terminated, with the API's state codes (0, 16, 32, 48, 64,
// 80). Launches are placed by the world's slot packing, so
// InsufficientInstanceCapacity appears when no single host fits, even if
// the zone's summed free capacity would. A stop releases the host slot and
// the auto-assigned public IP and keeps the private IP and the volumes; a
// start places the instance afresh, possibly on another host; a reboot
// keeps both and is not a new billing start. Terminated instances stay
// describable for an hour. Every transition is published to Subscribe's
// observers (and the trace). A host failure (or a whole zone's) stops its
// instances (Options.HostFailure; one-time spot instances terminate).
//
// Machine is the live instance: Go runs a process on it, killed with a
// *ShutdownError cause when the instance stops, reboots, terminates or is
// reclaimed; GetMetadata, from such a process only, reads the metadata
// service (instance-id, instance-type, ami-id, local-ipv4, public-ipv4,
// placement/..., iam/security-credentials/<role> with STS credentials
// rotated before expiry, spot/instance-action, events/recommendations/
// rebalance).
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
// reclaim a fraction of a pool with ReclaimSpot.
//
// # Burstable instances
//
// T3, T3a and T2 instances earn and spend CPU credits as the EC2 User
// Guide's tables say, driven by the utilization profile user code sets
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
// Volumes schedule their (distant) loss instant; use RunFor or RunUntil
// rather than Run to bound a scenario.
package ec2

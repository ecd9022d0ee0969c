// Package failure gives nimbus scenarios their faults: lifetime and
// latency distributions, failure domains, fault injectors, fault plans and
// recovery metrics.
//
// # Usage
//
//	env := sim.New(seed)
//	defer env.Close()
//	h, err := failure.NewHarness(env, world, ec2svc) // anything implementing the target interfaces
//	if err != nil {
//		return err
//	}
//	err = h.Start( // checked when armed: durations, targets, names
//		failure.At(2*time.Hour, failure.AZOutage("use1-az1", 30*time.Minute)),
//		failure.HostFailures("h-0001", 2000*time.Hour, 4*time.Hour),
//		failure.During(time.Hour, 5*time.Hour,
//			failure.Recurring(failure.Exp(20*time.Minute),
//				failure.ErrorSpike("s3", "us-east-1", 0.2, time.Minute))),
//		failure.VolumeFailure(volumeID), // Once: a fault without inverse
//	)
//	if err != nil {
//		return err
//	}
//	rec := failure.NewRecovery(env, "web")
//	rec.Watch(h, nil)
//	// ... the workload calls rec.Down/Detect/Up/LoseWork as it sees faults ...
//	env.RunUntil(env.FromTime(sim.DefaultEpoch().Add(24 * time.Hour)))
//	if err := h.Err(); err != nil { // a fault the world refused mid-run
//		return err
//	}
//	fmt.Println(rec.Report(0, env.Now()))
//
// # Faults and injectors
//
// A Fault is a change to the world with its inverse (HostDown, AZDown,
// RegionImpaired, Partitioned, SlowLink, Lossy, Errors, Throttled, and the
// permanent VolumeLost and SpotReclaim). Faults reach the world through
// small target interfaces (HostTarget, AZTarget, RegionTarget,
// NetworkTarget, ErrorTarget, VolumeTarget, SpotTarget) that region and
// ec2 implement; this package imports neither. Faults on the same piece of
// the world stack, so overlapping outages compose and the last revert
// restores the world as it was.
//
// An Injector schedules faults: For (a fault for a while, or
// For(f, Forever)), Once (a fault without inverse), At (later), All,
// Randomly(p), OneOf, During (confined to a window), Alternating (a renewal
// process of failures and repairs), Recurring (a renewal process of
// injector starts), DomainFailures (correlated failures through a
// Topology of hosts, racks, AZs and regions). Injectors print themselves,
// and every apply and revert is traced (subject "failure") with the
// fault's name.
//
// # Nothing silent: checks when armed, errors that surface
//
// A zero or negative duration is an error, never a permanent fault:
// permanence is spelled Forever and printed ("az-down(use1-az1)
// forever"). Harness.Start checks every injector when it is armed (see
// Checker): its parameters, a target able to take each of its faults, and
// the hosts, zones, regions, network places and services it names, even
// for faults hours away. Names are checked by targets implementing
// HostChecker, AZChecker, RegionChecker or ServiceChecker, else by a
// *Topology or a TopologySource (region.World) among the targets. An
// injector that fails is not started; Start returns the error, naming the
// culprit. NewHarness refuses targets it cannot drive. Errors met later
// (a target refusing a fault mid-run) go to Err and Errors, and OnError
// observers hear each at once; a scenario returns h.Err() with its
// results, so that a run whose faults did not happen is not mistaken for
// one that survived them.
//
// # Faults are background: Run ends with the workload
//
// Every timer a harness sets — the offset of At, the end of For, the
// draws of Alternating, HostFailures, DomainFailures and Recurring, the
// edges of During, the waves of SpotStorm — is a daemon timer
// (sim.Env.AfterDaemon, through Harness.After). Faults are what the world
// does to the workload, not work of the scenario's own, so they never keep
// env.Run going: Run returns when the scenario's own processes and calls
// are done, even with renewal processes that never stop by themselves.
// The rule has no exceptions, so it covers planned faults too: an outage
// scheduled with At after the workload has finished is not played by Run,
// and a fault in force when Run returns stays in force (its Window is
// still open). RunUntil and RunFor play a fixed horizon, every fault in it
// included; use them to watch faults with no workload, or to let a plan
// run to its end. Faults still reach a running workload as before: a
// daemon timer that fires while the workload sleeps interrupts or kills it
// like any other event. A process that waits for a fault to end on an
// event, with no timer of its own, gives Run nothing to wait for; give
// such waits a timeout (Proc.WaitTimeout).
//
// # Distributions
//
// Exponential, Weibull, LogNormal, Gamma and Pareto (backed by gonum's
// distuv), Deterministic, Empirical (resampling observations), CDFTable
// (interpolating a published CDF) and Bathtub (the preemption-lifetime
// model of Kadupitiya et al.) share the Distribution interface. Each draws
// from a named stream (env.Rand(name)) and prints its parameters.
// Durations measures one in a time unit.
//
// # Plans
//
// A Plan is a list of injectors; DrawPlan draws one from a replication's
// seed so a Monte Carlo study (package sim/study) explores fault settings
// as well as timings, and the plan prints itself next to the results.
package failure

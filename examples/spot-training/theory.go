package main

import (
	"math"
	"time"

	"github.com/nimbus-sim/nimbus/ec2"
)

// The checkpoint/restart theory, in hours. Sources:
//   - Young 1974: J. W. Young, "A first order approximation to the optimum
//     checkpoint interval", CACM 17(9), https://doi.org/10.1145/361147.361115
//   - Daly 2006: J. T. Daly, "A higher order estimate of the optimum
//     checkpoint interval for restart dumps", FGCS 22(3),
//     https://doi.org/10.1016/j.future.2004.11.016

// young is Young's first-order optimum, tau = sqrt(2 delta M) [Young 1974].
func young(delta, m float64) float64 { return math.Sqrt(2 * delta * m) }

// daly is Daly's higher-order optimum, eq. 37 [Daly 2006] (as in LLNL SCR):
// sqrt(2 delta M) [1 + sqrt(delta/2M)/3 + (delta/2M)/9] - delta for
// delta < 2M, and M beyond.
func daly(delta, m float64) float64 {
	if delta >= 2*m {
		return m
	}
	x := delta / (2 * m)
	return math.Sqrt(2*delta*m)*(1+math.Sqrt(x)/3+x/9) - delta
}

// checkpointTime is the time the job takes to write (or read) its state
// on the checkpoint volume: ec2's EBS model, the larger of operations over
// IOPS and bytes over throughput, plus one I/O latency (ec2.VolumeSpecOf).
// It is the delta of the theory.
func checkpointTime(stateBytes int64, vt ec2.VolumeType, iops, throughputMiBps int32) time.Duration {
	ops := float64((stateBytes + ioSize - 1) / ioSize)
	sec := math.Max(ops/float64(iops), float64(stateBytes)/(float64(throughputMiBps)*(1<<20)))
	spec, _ := ec2.VolumeSpecOf(vt)
	return spec.Latency + time.Duration(sec*float64(time.Second))
}

// hazard is the rate (per hour) at which a running spot instance of the
// job gets an interruption notice: ec2's statistical model for the
// advisor bucket, lambda = -ln(1-f)/730 h (a modelling assumption: the advisor publishes buckets, not hazards),
// plus the reclaim storms of the job's zone, a Poisson process of rate
// 1/stormEvery that reclaims every p3.2xlarge spot instance there. Both
// are memoryless, so Young and Daly apply to their sum.
func hazard(b ec2.AdvisorBucket, stormEvery time.Duration) float64 {
	l := ec2.HazardPerHour(b.MonthlyFraction())
	if stormEvery > 0 {
		l += 1 / stormEvery.Hours()
	}
	return l
}

// volumePoll is how often the driver and the trainer poll
// DescribeVolumes while waiting for the checkpoint volume.
const volumePoll = 5 * time.Second

// restartTime is R of the theory: from the interruption notice to
// computing again on the replacement, which the driver launched at the
// notice (its boot overlaps the wait).
//
// With the EBS store the volume is free once the old instance has been
// reclaimed (the notice lead) and has shut down (ec2's mean shutdown
// delay); the trainer sees that at its next poll (half a poll period on
// average), attaches it, starts up and reads the state back (as long as
// a checkpoint takes). With S3 nothing waits for the old instance: the
// replacement boots, starts up and downloads the latest checkpoint.
func (c Config) restartTime() time.Duration {
	d := ec2.DefaultLifecycleDelays()
	if c.Store == StoreS3 {
		return d.Boot.Mean + c.Startup + c.RestoreTime()
	}
	return ec2.NoticeLead + d.Shutdown.Mean + volumePoll/2 + c.Startup + c.CheckpointTime()
}

// setupTime is the time before the first compute: the store (the volume,
// created within the first poll period as a rule; the network and the
// bucket, a few API calls), the boot, and the startup.
func (c Config) setupTime() time.Duration {
	d := ec2.DefaultLifecycleDelays().Boot.Mean + c.Startup
	if c.Store == StoreEBS {
		d += volumePoll
	}
	return d
}

// noticeLead is L of the model: how long before the interruption a
// segment's checkpoint must complete to be resumed from. With S3 the
// replacement lists the bucket once it has booted and started up, which
// may be before the interruption; a checkpoint the old instance completes
// after that is not seen.
func (c Config) noticeLead() time.Duration {
	if c.Store == StoreS3 {
		return min(ec2.NoticeLead, ec2.DefaultLifecycleDelays().Boot.Mean+c.Startup)
	}
	return ec2.NoticeLead
}

// ExpectedWall is the mean wall time, in hours, of the job checkpointing
// every tau hours: Daly's expected wall time (Daly 2006's model, summed
// per segment so that the last, shorter one is exact) extended with the
// two-minute notice. With L the notice lead, a segment of compute s and
// checkpoint delta is lost only if the notice comes in its first
// a = s + delta - L (later, the checkpoint finishes before the
// interruption; it is assumed that no checkpoint is saved after a notice
// during compute: delta > L, or the trainer ignores the notice); a notice in [a, s + delta) saves the segment
// but still costs a restart from the notice. With failures at rate lambda
// striking compute, checkpoint and restart alike, a segment then takes
//
//	E = e^{lambda a} (1 - e^{-lambda (s+delta)}) e^{lambda R} / lambda
//
// and the last one (no restart after the job is done)
//
//	E = (e^{lambda a} - 1) e^{lambda R} / lambda + L.
//
// For L = 0 both are Daly's (e^{lambda (s+delta)} - 1) e^{lambda R} / lambda.
// The set-up before the first compute is added. On-demand (lambda = 0) it
// is set-up + W + delta.
func ExpectedWall(cfg Config, tau float64) float64 {
	w, delta := cfg.Work.Hours(), cfg.CheckpointTime().Hours()
	lam := cfg.Hazard()
	total := cfg.setupTime().Hours()
	if lam == 0 {
		return total + w + math.Ceil(w/tau-1e-9)*delta
	}
	l, r := cfg.noticeLead().Hours(), cfg.restartTime().Hours()
	n := int(math.Ceil(w/tau - 1e-9))
	for i := range n {
		s := min(tau, w-float64(i)*tau)
		b := s + delta
		a := b - l
		if i < n-1 {
			total += math.Exp(lam*a) * -math.Expm1(-lam*b) * math.Exp(lam*r) / lam
		} else {
			total += math.Expm1(lam*a)*math.Exp(lam*r)/lam + l
		}
	}
	return total
}

package main

import (
	"math"
	"time"

	"github.com/nimbus-sim/nimbus/ec2"
)

// The checkpoint/restart theory of REFERENCE.md section 4, in hours.

// young is Young's first-order optimum, tau = sqrt(2 delta M) [S17].
func young(delta, m float64) float64 { return math.Sqrt(2 * delta * m) }

// daly is Daly's higher-order optimum, eq. 37 [S18] (as in LLNL SCR):
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
// IOPS and bytes over throughput, plus one I/O latency (ec2.VolumeSpecs).
// It is the delta of the theory.
func checkpointTime(stateBytes int64, vt ec2.VolumeType, iops, throughputMiBps int32) time.Duration {
	ops := float64((stateBytes + ioSize - 1) / ioSize)
	sec := math.Max(ops/float64(iops), float64(stateBytes)/(float64(throughputMiBps)*(1<<20)))
	return ec2.VolumeSpecs[vt].Latency + time.Duration(sec*float64(time.Second))
}

// hazard is the rate (per hour) at which a running spot instance of the
// job gets an interruption notice: ec2's statistical model for the
// advisor bucket, lambda = -ln(1-f)/730 h (REFERENCE.md 3.2, DERIVED),
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

package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/nimbus-sim/nimbus/ec2"
	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/s3"
	"github.com/nimbus-sim/nimbus/sim"
)

// Store is where the trainer keeps its checkpoints.
type Store string

const (
	// StoreS3 writes checkpoints/epoch_NNNN.pt to a bucket, through an S3
	// gateway endpoint, with the transfer manager.
	StoreS3 Store = "s3"
	// StoreEBS writes the state to one gp3 volume that follows the job.
	StoreEBS Store = "ebs"
)

// Config is one run of the training job.
type Config struct {
	// Store is where checkpoints go (S3 by default).
	Store Store
	// Work is the GPU compute the job needs (W), a whole number of Epochs.
	Work time.Duration
	// Epoch is one pass over the training data: checkpoints fall on epoch
	// boundaries and are named after the epoch, and a notice loses the
	// epoch in progress.
	Epoch time.Duration
	// Interval is the compute between checkpoints (tau), k epochs. The
	// last segment is shorter; an interval of Work or more leaves only the
	// final save.
	Interval time.Duration
	// StateGiB is the model and optimizer state a checkpoint writes and a
	// restart reads back; VolumeGiB the EBS store's volume size.
	StateGiB, VolumeGiB int
	// PartSize is the S3 transfer manager's part size, for uploads and
	// ranged downloads alike. 128 MiB keeps a 16 GiB checkpoint at 128
	// parts: AWS suggests multipart uploads from 100 MB up, with parts of
	// 5 MiB to 5 GiB and at most 10,000 of them
	// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html,
	// https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html),
	// and each part is a request to bill and to simulate.
	PartSize int64
	// Startup is the time a fresh instance needs before it can restore
	// (container pull, CUDA init, data loaders): part of the restart cost.
	Startup time.Duration
	// Poll is how often the trainer reads spot/instance-action from the
	// metadata service (AWS suggests every 5 s [Spot interruptions guide]); 0 waits on the
	// notice event ec2 delivers instead (EventBridge-style), which is
	// faster to simulate and at most Poll earlier.
	Poll time.Duration
	// IgnoreNotice makes the trainer not watch for the notice at all: it
	// computes until the instance is reclaimed (the driver still launches
	// the replacement on the notice). Without it the trainer saves on
	// the notice when a checkpoint fits in the time left.
	IgnoreNotice bool
	// OnDemand runs the job on on-demand capacity: no interruptions.
	OnDemand bool
	// Bucket is p3.2xlarge's Spot Instance Advisor bucket, which ec2's
	// statistical model turns into a constant hazard.
	Bucket ec2.AdvisorBucket
	// StormEvery is the mean time between reclaim storms in a zone
	// (failure.SpotStorm reclaiming every p3.2xlarge spot instance there);
	// 0 means none.
	StormEvery time.Duration
	// NoInterruptions makes the spot market never reclaim (ec2's
	// mechanistic model with no on-demand pressure, no storms).
	NoInterruptions bool
	// Savings is the spot discount ec2's price path wanders around.
	Savings float64
	// Horizon bounds the simulated time; a job not done by then fails.
	Horizon time.Duration

	// delta and restore are the S3 store's measured checkpoint and
	// restore times (Calibrate); zero until measured.
	delta, restore time.Duration
	// probeRestore makes the trainer read its final checkpoint back and
	// record the time (Outcome.RestoreTime), for Calibrate.
	probeRestore bool
	// setup, if set, runs once the world is built (tests use it to fill
	// a zone, to watch prices or to inject faults).
	setup func(wd *world)
	// policies is shared by the worlds of the runs of this configuration
	// and its copies: each puts the same policy documents into IAM, which
	// parses them once (nil: every world parses its own).
	policies *iam.PolicyCache
	// spots is shared like policies: the worlds of this configuration's
	// runs take their spot options from it (nil: each world builds its
	// own).
	spots *spotCache
}

// DefaultConfig is the scenario of the README: 24 h of V100 time in
// one-minute epochs, 16 GiB of state in S3, checkpointed every 45 epochs.
func DefaultConfig() Config {
	return Config{
		policies:   iam.NewPolicyCache(),
		spots:      &spotCache{},
		Store:      StoreS3,
		Work:       24 * time.Hour,
		Epoch:      time.Minute,
		Interval:   45 * time.Minute,
		StateGiB:   16, // a V100's memory: a state that trains on one GPU fits in it
		VolumeGiB:  100,
		PartSize:   128 << 20,
		Startup:    90 * time.Second,
		Poll:       5 * time.Second,
		Bucket:     ec2.BucketOver20, // p3.2xlarge in us-east-1, https://aws.amazon.com/ec2/spot/instance-advisor/
		StormEvery: 8 * time.Hour,
		Savings:    0.80, // p3.2xlarge's saving in us-east-1 (same source)
		Horizon:    30 * 24 * time.Hour,
	}
}

func (c Config) stateBytes() int64 { return int64(c.StateGiB) << 30 }

// CheckpointTime is delta: writing the state to the gp3 volume (ec2's EBS
// model, in closed form), or uploading it to S3 as measured by Calibrate
// (measured now, at some cost, if c is not calibrated).
func (c Config) CheckpointTime() time.Duration {
	if c.Store == StoreEBS {
		return checkpointTime(c.stateBytes(), volumeType, gp3IOPS, gp3MiBps)
	}
	if c.delta == 0 {
		if cc, err := c.Calibrate(); err == nil {
			return cc.delta
		}
	}
	return c.delta
}

// RestoreTime is the time to read the state back: as long as a write on
// the volume, or the measured S3 download.
func (c Config) RestoreTime() time.Duration {
	if c.Store == StoreEBS {
		return c.CheckpointTime()
	}
	if c.restore == 0 {
		if cc, err := c.Calibrate(); err == nil {
			return cc.restore
		}
	}
	return c.restore
}

// calibrationSeed is the seed of Calibrate's run.
const calibrationSeed = 1

// Calibrate measures the S3 store's checkpoint and restore times from one
// uninterrupted run of a single epoch on on-demand capacity (seed 1): the
// final checkpoint's upload, then reading it back. They are delta and
// part of R in the theory. An EBS config is returned as it is.
func (c Config) Calibrate() (Config, error) {
	if c.Store == StoreEBS || c.delta > 0 && c.restore > 0 {
		return c, nil
	}
	probe := c
	probe.Work, probe.Interval, probe.OnDemand, probe.probeRestore, probe.setup = c.Epoch, c.Epoch, true, true, nil
	probe.delta = 1 // not used by the run; keeps CheckpointTime from recursing
	env := sim.New(calibrationSeed)
	defer env.Close()
	out, err := Simulate(env, probe)
	if err != nil {
		return c, fmt.Errorf("measuring the S3 checkpoint time: %w", err)
	}
	if out.Checkpoints != 1 || out.RestoreTime <= 0 {
		return c, fmt.Errorf("measuring the S3 checkpoint time: %d checkpoints, restore %v", out.Checkpoints, out.RestoreTime)
	}
	c.delta, c.restore = out.CheckpointTime, out.RestoreTime
	return c, nil
}

// Hazard is the notice rate of a running spot instance, per hour (0 when
// nothing reclaims).
func (c Config) Hazard() float64 {
	if c.OnDemand || c.NoInterruptions {
		return 0
	}
	return hazard(c.Bucket, c.StormEvery)
}

// maxEpochs keeps epoch numbers within the keys' four digits.
const maxEpochs = 9999

func (c Config) validate() error {
	switch {
	case c.Store != StoreS3 && c.Store != StoreEBS:
		return fmt.Errorf("store %q: want s3 or ebs", c.Store)
	case c.Epoch <= 0:
		return fmt.Errorf("epoch %v must be positive", c.Epoch)
	case c.Work <= 0 || c.Work%c.Epoch != 0 || c.Work/c.Epoch > maxEpochs:
		return fmt.Errorf("work %v must be 1 to %d whole epochs of %v", c.Work, maxEpochs, c.Epoch)
	case c.Interval < c.Epoch || c.Interval%c.Epoch != 0:
		return fmt.Errorf("checkpoint interval %v must be a positive number of epochs of %v", c.Interval, c.Epoch)
	case c.StateGiB <= 0 || c.Store == StoreEBS && c.StateGiB > c.VolumeGiB/2:
		return fmt.Errorf("state of %d GiB must be positive (and fit twice on the %d GiB volume)", c.StateGiB, c.VolumeGiB)
	case c.Store == StoreS3 && int64(c.StateGiB) > s3.MaxObjectSize>>30:
		return fmt.Errorf("state of %d GiB is beyond S3's largest object", c.StateGiB)
	case c.PartSize < s3.MinPartSize || c.PartSize > s3.MaxPartSize:
		return fmt.Errorf("part size %d B must be 5 MiB to 5 GiB", c.PartSize)
	case c.Startup < 0 || c.Poll < 0 || c.StormEvery < 0:
		return errors.New("startup, poll and storm period must not be negative")
	case !(c.Savings >= 0 && c.Savings < 1):
		return fmt.Errorf("spot savings %v must be in [0, 1)", c.Savings)
	case c.Horizon < c.Work:
		return fmt.Errorf("horizon %v is shorter than the work %v", c.Horizon, c.Work)
	}
	return nil
}

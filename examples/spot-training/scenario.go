package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/nimbus-sim/nimbus/billing"
	"github.com/nimbus-sim/nimbus/ec2"
	"github.com/nimbus-sim/nimbus/failure"
	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
)

const (
	account    = "111122223333"
	regionCode = "us-east-1"
	gpuType    = ec2.InstanceType("p3.2xlarge")
	// volumeZone is where the engineer creates the checkpoint volume; the
	// trainers follow it, since a volume attaches only in its zone.
	volumeZone = "us-east-1a"
	device     = "/dev/sdf"
	ioSize     = 1 << 20 // checkpoints are written and read in 1 MiB operations
	// volumeType is gp3 at its included baseline (3,000 IOPS, 125 MiB/s,
	// https://docs.aws.amazon.com/ebs/latest/userguide/general-purpose.html), the cheapest SSD volume: provisioning more
	// throughput would shorten checkpoints at a price.
	volumeType = ec2.VolumeTypeGp3
	gp3IOPS    = 3000
	gp3MiBps   = 125
)

// Config is one run of the training job.
type Config struct {
	// Work is the GPU compute the job needs (W).
	Work time.Duration
	// Interval is the compute between checkpoints (tau). The last segment
	// is shorter; an interval of Work or more leaves only the final save.
	Interval time.Duration
	// StateGiB is the model and optimizer state a checkpoint writes and a
	// restart reads back; VolumeGiB the checkpoint volume's size.
	StateGiB, VolumeGiB int
	// Startup is the time a fresh instance needs before it can restore
	// (container pull, CUDA init, data loaders): part of the restart cost.
	Startup time.Duration
	// Poll is how often the trainer reads spot/instance-action from the
	// metadata service (AWS suggests every 5 s [Spot interruptions guide]); 0 waits on the
	// notice event ec2 delivers instead (EventBridge-style), which is
	// faster to simulate and at most Poll earlier.
	Poll time.Duration
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

	// setup, if set, runs once the world is built (tests use it to fill
	// a zone or to watch prices).
	setup func(w *region.World, svc *ec2.Service, root iam.Credentials)
}

// DefaultConfig is the scenario of the README: 24 h of V100 time, 16 GiB
// of state, checkpointed every 45 min.
func DefaultConfig() Config {
	return Config{
		Work:       24 * time.Hour,
		Interval:   45 * time.Minute,
		StateGiB:   16, // a V100's memory: a state that trains on one GPU fits in it
		VolumeGiB:  100,
		Startup:    90 * time.Second,
		Poll:       5 * time.Second,
		Bucket:     ec2.BucketOver20, // p3.2xlarge in us-east-1, https://aws.amazon.com/ec2/spot/instance-advisor/
		StormEvery: 8 * time.Hour,
		Savings:    0.80, // p3.2xlarge's saving in us-east-1 (same source)
		Horizon:    30 * 24 * time.Hour,
	}
}

func (c Config) stateBytes() int64 { return int64(c.StateGiB) << 30 }

// CheckpointTime is delta: writing the state to the gp3 volume.
func (c Config) CheckpointTime() time.Duration {
	return checkpointTime(c.stateBytes(), volumeType, gp3IOPS, gp3MiBps)
}

// Hazard is the notice rate of a running spot instance, per hour (0 when
// nothing reclaims).
func (c Config) Hazard() float64 {
	if c.OnDemand || c.NoInterruptions {
		return 0
	}
	return hazard(c.Bucket, c.StormEvery)
}

func (c Config) validate() error {
	switch {
	case c.Work <= 0:
		return fmt.Errorf("work %v must be positive", c.Work)
	case c.Interval <= 0:
		return fmt.Errorf("checkpoint interval %v must be positive", c.Interval)
	case c.StateGiB <= 0 || c.StateGiB > c.VolumeGiB/2:
		return fmt.Errorf("state of %d GiB must be positive and fit twice on the %d GiB volume", c.StateGiB, c.VolumeGiB)
	case c.Startup < 0 || c.Poll < 0 || c.StormEvery < 0:
		return errors.New("startup, poll and storm period must not be negative")
	case !(c.Savings >= 0 && c.Savings < 1):
		return fmt.Errorf("spot savings %v must be in [0, 1)", c.Savings)
	case c.Horizon < c.Work:
		return fmt.Errorf("horizon %v is shorter than the work %v", c.Horizon, c.Work)
	}
	return nil
}

// Outcome is what one run measured. Money comes from the account's
// invoices (billing's exact amounts).
type Outcome struct {
	// Wall is the time from the engineer's first API call to the final
	// checkpoint on the volume.
	Wall time.Duration
	// Interruptions counts spot interruption notices, Launches the
	// instances started, Checkpoints the checkpoints completed.
	Interruptions, Launches, Checkpoints int
	// Computed is the GPU compute done, Lost the part of it that was
	// redone after interruptions (Computed - Work).
	Computed, Lost time.Duration
	// InstanceHours are the billed instance hours (exact); ComputeCost
	// their cost, StorageCost the EBS lines, NetworkCost the public IPv4
	// address lines (the default subnet maps one to each instance),
	// TotalCost the invoices' total.
	InstanceHours                                    *big.Rat
	ComputeCost, StorageCost, NetworkCost, TotalCost billing.Money
	// CheckpointTime is the time spent in completed checkpoints.
	CheckpointTime time.Duration
	// CapacityErrors counts launches refused with
	// InsufficientInstanceCapacity, Moves the times the checkpoint moved
	// to another zone (by snapshot) to follow the capacity.
	CapacityErrors, Moves int
	// Zones are the zone IDs the trainers ran in, in order.
	Zones []string
}

// Simulate runs the job once in env and returns what it measured.
func Simulate(env *sim.Env, cfg Config) (Outcome, error) {
	if err := cfg.validate(); err != nil {
		return Outcome{}, err
	}
	w, svc, root, driverCreds, err := newWorld(env, cfg)
	if err != nil {
		return Outcome{}, err
	}
	r := &job{cfg: cfg, env: env, w: w, svc: svc, insts: map[string]*instance{}, done: env.NewEvent("job/done")}
	if err := r.zoneNames(); err != nil {
		return Outcome{}, err
	}
	if cfg.setup != nil {
		cfg.setup(w, svc, root)
	}
	cancel := svc.Subscribe(r.observe)
	defer cancel()
	var storms *failure.Harness
	if !cfg.OnDemand && !cfg.NoInterruptions && cfg.StormEvery > 0 {
		h, err := failure.NewHarness(env, svc, w.Faults())
		if err != nil {
			return Outcome{}, err
		}
		reg, err := w.Region(regionCode)
		if err != nil {
			return Outcome{}, err
		}
		for _, z := range reg.AZs() {
			if err := h.Start(failure.Recurring(failure.Exp(cfg.StormEvery), failure.SpotStorm(z.ID(), string(gpuType), 1, 1, 0))); err != nil {
				return Outcome{}, err
			}
		}
		storms = h
	}
	client := svc.NewClient(regionCode, driverCreds)
	env.Go("driver", func(p *sim.Proc) {
		if err := r.drive(p, client); err != nil {
			r.fail(err)
		}
		env.Stop()
	})
	env.RunFor(cfg.Horizon)
	if r.err == nil && storms != nil {
		r.err = storms.Err() // a storm the world refused would flatter the spot run
	}
	if r.err == nil && !r.done.Triggered() {
		r.err = fmt.Errorf("job not done after %v (%v of %v computed)", cfg.Horizon, r.out.Computed, cfg.Work)
	}
	if r.err != nil {
		return Outcome{}, r.err
	}
	r.out.Lost = r.out.Computed - cfg.Work
	r.bill(svc.Billing())
	return r.out, nil
}

// newWorld builds us-east-1 with a few p3 hosts per zone, EC2 with the
// spot market of cfg, and the account: the engineer's IAM user (allowed
// what the driver calls, and to pass the trainer role) and the trainer
// role behind the instance profile (allowed to find and attach the
// checkpoint volume).
func newWorld(env *sim.Env, cfg Config) (w *region.World, svc *ec2.Service, root, driver iam.Credentials, err error) {
	var zero iam.Credentials
	led := billing.New(env, nil)
	if err := led.SetAccount(billing.Account{ID: account, Plan: billing.PlanNone}); err != nil {
		return nil, nil, zero, zero, err
	}
	var regions []region.RegionSpec
	for _, r := range region.Catalog() {
		if r.Code == regionCode {
			regions = append(regions, r)
		}
	}
	w, err = region.NewWorld(env, region.Options{Regions: regions, HostsPerAZ: map[string]int{"p3": 2}, Billing: led})
	if err != nil {
		return nil, nil, zero, zero, err
	}
	spot := ec2.DefaultSpotOptions()
	spot.Savings = cfg.Savings
	spot.Buckets = map[ec2.InstanceType]ec2.AdvisorBucket{gpuType: cfg.Bucket}
	if cfg.NoInterruptions {
		spot.Model = ec2.SpotMechanistic
	}
	// A new account may run no P instances; this one was granted 64 vCPUs
	// On-Demand and Spot (Service Quotas) before it began. One p3.2xlarge
	// is 8, but a replacement launches while an interrupted instance still
	// runs, and quick interruptions can overlap several.
	quotas := &ec2.QuotaOptions{Values: map[string]int{ec2.QuotaCode(ec2.QuotaP, false): 64, ec2.QuotaCode(ec2.QuotaP, true): 64}}
	svc, err = ec2.New(w, ec2.Options{Spot: &spot, Quotas: quotas})
	if err != nil {
		return nil, nil, zero, zero, err
	}
	root, err = w.CreateAccount(account) // signing up; the rest is API calls
	if err != nil {
		return nil, nil, zero, zero, err
	}
	err = w.Setup(func(ctx context.Context) error {
		c := w.IAMClient(root)
		steps := []func() error{
			func() error { _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: "ml-engineer"}); return err },
			func() error {
				_, err := c.PutUserPolicy(ctx, &region.PutUserPolicyInput{UserName: "ml-engineer", PolicyName: "spot-training", PolicyDocument: driverPolicy})
				return err
			},
			func() error {
				_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: "trainer", AssumeRolePolicyDocument: ec2Trust})
				return err
			},
			func() error {
				_, err := c.PutRolePolicy(ctx, &region.PutRolePolicyInput{RoleName: "trainer", PolicyName: "checkpoint-volume", PolicyDocument: trainerPolicy})
				return err
			},
			func() error {
				_, err := c.CreateInstanceProfile(ctx, &region.CreateInstanceProfileInput{InstanceProfileName: "trainer", Path: "/"})
				return err
			},
			func() error {
				_, err := c.AddRoleToInstanceProfile(ctx, &region.AddRoleToInstanceProfileInput{InstanceProfileName: "trainer", RoleName: "trainer"})
				return err
			},
			func() error {
				out, err := c.CreateAccessKey(ctx, &region.CreateAccessKeyInput{UserName: "ml-engineer"})
				if err == nil {
					driver = out.AccessKey.Credentials()
				}
				return err
			},
		}
		for _, step := range steps {
			if err := step(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, zero, zero, err
	}
	return w, svc, root, driver, nil
}

// driverPolicy is the engineer's identity policy: what the driver calls,
// and passing the trainer role to the instances, nothing else.
const driverPolicy = `{"Version":"2012-10-17","Statement":[
 {"Sid":"Trainers","Effect":"Allow","Action":["ec2:RunInstances","ec2:DescribeInstances","ec2:TerminateInstances"],"Resource":"*"},
 {"Sid":"CheckpointVolume","Effect":"Allow","Action":["ec2:CreateVolume","ec2:DescribeVolumes","ec2:DeleteVolume",
   "ec2:CreateSnapshot","ec2:DescribeSnapshots","ec2:DeleteSnapshot"],"Resource":"*"},
 {"Sid":"PassTrainerRole","Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::111122223333:role/trainer"}]}`

// trainerPolicy is the instance role's: find the checkpoint volume and
// attach it, nothing else.
const trainerPolicy = `{"Version":"2012-10-17","Statement":[
 {"Sid":"FindVolume","Effect":"Allow","Action":"ec2:DescribeVolumes","Resource":"*"},
 {"Sid":"AttachVolume","Effect":"Allow","Action":"ec2:AttachVolume","Resource":[
   "arn:aws:ec2:us-east-1:111122223333:volume/*","arn:aws:ec2:us-east-1:111122223333:instance/*"]}]}`

const ec2Trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
 "Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

// job is one run of the training job: the driver on the engineer's
// side, a trainer on each instance, and the checkpoint volume they share.
type job struct {
	cfg   Config
	env   *sim.Env
	w     *region.World
	svc   *ec2.Service
	insts map[string]*instance
	// zones are the account's zone names in us-east-1, sorted; zone is
	// the one holding the checkpoint volume volID. volID is empty while
	// the checkpoint moves to another zone.
	zones []string
	zone  string
	volID string
	// launched lists the instances in launch order.
	launched []string
	// durable is the work saved by the last complete checkpoint: what a
	// restart resumes from.
	durable time.Duration
	done    *sim.Event
	out     Outcome
	err     error
}

// instance is the driver's view of one trainer instance, fed by ec2's
// state-change notifications (EventBridge's "EC2 Instance State-change
// Notification").
type instance struct {
	running, ended *sim.Event
}

func (r *job) inst(id string) *instance {
	in, ok := r.insts[id]
	if !ok {
		in = &instance{running: r.env.NewEvent(id + "/running"), ended: r.env.NewEvent(id + "/ended")}
		r.insts[id] = in
	}
	return in
}

// observe starts the trainer on each instance as it boots (user data)
// and tells the driver when an instance leaves running.
func (r *job) observe(e ec2.StateChangeEvent) {
	if e.Account != account {
		return
	}
	in := r.inst(e.InstanceID)
	switch e.Current {
	case ec2.InstanceStateRunning:
		m, ok := r.svc.Machine(e.InstanceID)
		if !ok {
			return
		}
		if _, err := m.Go("trainer", func(q *sim.Proc) { r.train(q, m) }); err != nil {
			r.err = err
		}
		r.out.Zones = append(r.out.Zones, e.AZID)
		in.running.Trigger(m)
	case ec2.InstanceStateShuttingDown, ec2.InstanceStateStopping, ec2.InstanceStateTerminated, ec2.InstanceStateStopped:
		if !in.ended.Triggered() {
			in.ended.Trigger(e.Current)
		}
	}
}

// drive is the engineer's script: create the checkpoint volume, then keep
// one trainer instance going until the job is done, launching a
// replacement as soon as an interruption notice arrives (so its boot
// overlaps the old instance's last two minutes).
func (r *job) drive(p *sim.Proc, c *ec2.Client) error {
	vol, err := c.CreateVolume(p, &ec2.CreateVolumeInput{AvailabilityZone: volumeZone, Size: int32(r.cfg.VolumeGiB),
		VolumeType: volumeType, TagSpecifications: tags("volume")})
	if err != nil {
		return err
	}
	if err := waitVolume(p, c, vol.VolumeId); err != nil {
		return err
	}
	r.volID, r.zone = vol.VolumeId, volumeZone
	for {
		id, zone, err := r.launchAnywhere(p, c)
		if err != nil {
			return err
		}
		r.out.Launches++
		r.launched = append(r.launched, id)
		if zone != r.zone {
			if err := r.move(p, c, zone); err != nil {
				return err
			}
		}
		in := r.inst(id)
		if _, err := p.WaitAny(in.running, in.ended, r.done); err != nil {
			return err
		}
		if r.done.Triggered() {
			return r.finish(p, c)
		}
		if in.ended.Triggered() {
			if err := r.release(p, c, id); err != nil {
				return err
			}
			continue
		}
		m := in.running.Value().(*ec2.Machine)
		evs := []*sim.Event{in.ended, r.done}
		if n := m.InterruptionNotice(); n != nil {
			evs = append(evs, n) // EventBridge's "EC2 Spot Instance Interruption Warning"
		}
		i, err := p.WaitAny(evs...)
		if err != nil {
			return err
		}
		switch {
		case r.done.Triggered():
			return r.finish(p, c)
		case i == 2:
			r.out.Interruptions++
		default:
			if err := r.release(p, c, id); err != nil {
				return err
			}
		}
	}
}

// release terminates an instance that left running without a notice and
// was stopped (a host failure stops EBS-backed instances), since a stopped
// instance keeps the checkpoint volume attached.
func (r *job) release(p *sim.Proc, c *ec2.Client, id string) error {
	switch r.inst(id).ended.Value() {
	case ec2.InstanceStateStopping, ec2.InstanceStateStopped:
		_, err := c.TerminateInstances(p, &ec2.TerminateInstancesInput{InstanceIds: []string{id}})
		return err
	}
	return nil
}

// finish terminates the instances still running once the job is done:
// the one that wrote the final checkpoint, and a replacement waiting for
// the volume if the job finished on an instance that got its notice
// during the last checkpoint. (The trainer does not terminate its own
// instance: see the package README on ec2's self-termination.)
func (r *job) finish(p *sim.Proc, c *ec2.Client) error {
	var ids []string
	for _, id := range r.launched {
		if !r.inst(id).ended.Triggered() {
			ids = append(ids, id)
		}
	}
	if len(ids) > 0 {
		if _, err := c.TerminateInstances(p, &ec2.TerminateInstancesInput{InstanceIds: ids}); err != nil {
			return err
		}
	}
	for _, id := range r.launched {
		if ok, err := p.WaitTimeout(r.inst(id).ended, time.Hour); err != nil || !ok {
			return fmt.Errorf("instance %s still running an hour after the job ended (%v)", id, err)
		}
	}
	return nil
}

// launchAnywhere launches a trainer in the checkpoint volume's zone or,
// if that zone has no p3 capacity, in the next zone that has; when none
// has, it tries again a minute later.
func (r *job) launchAnywhere(p *sim.Proc, c *ec2.Client) (id, zone string, err error) {
	order := []string{r.zone}
	for _, z := range r.zones {
		if z != r.zone {
			order = append(order, z)
		}
	}
	for {
		for _, z := range order {
			id, err := r.launch(p, c, z)
			if err == nil {
				return id, z, nil
			}
			if !errors.Is(err, ec2.ErrInsufficientInstanceCapacity) {
				return "", "", err
			}
			r.out.CapacityErrors++
		}
		if err := p.Sleep(time.Minute); err != nil {
			return "", "", err
		}
	}
}

// move carries the checkpoint to zone: once the previous instance has let
// go of the volume, snapshot it (snapshots are regional), restore the
// snapshot into a volume in zone, and delete the old volume and the
// snapshot. The new trainer waits meanwhile.
func (r *job) move(p *sim.Proc, c *ec2.Client, zone string) error {
	old := r.volID
	r.volID = ""
	if err := waitVolume(p, c, old); err != nil {
		return err
	}
	snap, err := c.CreateSnapshot(p, &ec2.CreateSnapshotInput{VolumeId: old, Description: "spot-training checkpoint"})
	if err != nil {
		return err
	}
	for {
		out, err := c.DescribeSnapshots(p, &ec2.DescribeSnapshotsInput{SnapshotIds: []string{snap.SnapshotId}})
		if err != nil {
			return err
		}
		if st := out.Snapshots[0].State; st == ec2.SnapshotCompleted {
			break
		} else if st == ec2.SnapshotError {
			return fmt.Errorf("snapshot %s of the checkpoint volume failed", snap.SnapshotId)
		}
		if err := p.Sleep(15 * time.Second); err != nil {
			return err
		}
	}
	vol, err := c.CreateVolume(p, &ec2.CreateVolumeInput{AvailabilityZone: zone, SnapshotId: snap.SnapshotId,
		Size: int32(r.cfg.VolumeGiB), VolumeType: volumeType, TagSpecifications: tags("volume")})
	if err != nil {
		return err
	}
	if err := waitVolume(p, c, vol.VolumeId); err != nil {
		return err
	}
	r.volID, r.zone = vol.VolumeId, zone
	r.emit("moved", sim.F("volume", vol.VolumeId), sim.F("zone", zone))
	r.out.Moves++
	if _, err := c.DeleteVolume(p, &ec2.DeleteVolumeInput{VolumeId: old}); err != nil {
		return err
	}
	_, err = c.DeleteSnapshot(p, &ec2.DeleteSnapshotInput{SnapshotId: snap.SnapshotId})
	return err
}

// waitVolume polls DescribeVolumes every 5 s until the volume is
// available (created, or let go by a terminated instance).
func waitVolume(p *sim.Proc, c *ec2.Client, id string) error {
	for {
		out, err := c.DescribeVolumes(p, &ec2.DescribeVolumesInput{VolumeIds: []string{id}})
		if err != nil {
			return err
		}
		if out.Volumes[0].State == ec2.VolumeStateAvailable {
			return nil
		}
		if err := p.Sleep(5 * time.Second); err != nil {
			return err
		}
	}
}

// zoneNames lists the account's names of us-east-1's zones.
func (r *job) zoneNames() error {
	reg, err := r.w.Region(regionCode)
	if err != nil {
		return err
	}
	for _, z := range reg.AZs() {
		name, err := r.w.AZName(account, z.ID())
		if err != nil {
			return err
		}
		r.zones = append(r.zones, name)
	}
	slices.Sort(r.zones)
	return nil
}

func (r *job) launch(p *sim.Proc, c *ec2.Client, zone string) (string, error) {
	in := &ec2.RunInstancesInput{
		ImageId:            ec2.ImageID(ec2.PublicImages()[2].Name, regionCode), // the Deep Learning AMI
		InstanceType:       gpuType,
		MinCount:           1,
		MaxCount:           1,
		Placement:          &ec2.Placement{AvailabilityZone: zone},
		IamInstanceProfile: &ec2.IamInstanceProfileSpecification{Name: "trainer"},
		TagSpecifications:  tags("instance"),
	}
	if !r.cfg.OnDemand {
		in.InstanceMarketOptions = &ec2.InstanceMarketOptionsRequest{MarketType: ec2.MarketTypeSpot}
	}
	out, err := c.RunInstances(p, in)
	if err != nil {
		return "", err
	}
	return out.Instances[0].InstanceId, nil
}

func tags(kind string) []ec2.TagSpecification {
	return []ec2.TagSpecification{{ResourceType: kind, Tags: []ec2.Tag{{Key: "project", Value: "spot-training"}}}}
}

// trainer is the state of the training process on one instance, shared
// with its notice watcher.
type trainer struct {
	proc *sim.Proc
	// checkpointEnd is when the checkpoint being written completes
	// (sim.MaxTime when none is).
	checkpointEnd sim.Time
	// stopAfterCheckpoint is set when a notice came during a checkpoint
	// that completes before the interruption.
	stopAfterCheckpoint bool
	deadline            sim.Time // the interruption instant of the notice
}

// train is the process on the instance, from boot: credentials from the
// instance profile, the checkpoint volume attached once the previous
// instance has let go of it, restore, then compute and checkpoint until
// the work is done.
func (r *job) train(q *sim.Proc, m *ec2.Machine) {
	cfg := r.cfg
	t := &trainer{proc: q, checkpointEnd: sim.MaxTime, deadline: sim.MaxTime}
	computing := sim.MaxTime // start of the compute segment in progress
	defer func() {           // killed or interrupted mid-segment: that compute was done, and is lost
		if computing != sim.MaxTime {
			r.out.Computed += q.Now().Sub(computing)
		}
	}()
	client := &instanceClient{svc: r.svc}
	if m.InterruptionNotice() != nil {
		if _, err := m.Go("spot-watch", func(w *sim.Proc) { r.watch(w, m, t) }); err != nil {
			r.fail(err)
			return
		}
	}
	if !r.attach(q, client, m) {
		return
	}
	if q.Sleep(cfg.Startup) != nil {
		return
	}
	progress := r.durable
	if progress > 0 && m.VolumeIO(q, r.volID, cfg.stateBytes(), ioSize) != nil { // restore
		return
	}
	r.emit("resume", sim.F("instance", m.ID()), sim.F("from", progress))
	for progress < cfg.Work {
		seg := min(cfg.Interval, cfg.Work-progress)
		computing = q.Now()
		err := q.Sleep(seg)
		r.out.Computed += q.Now().Sub(computing)
		if err != nil { // the notice: save what fits before the interruption
			done := q.Now().Sub(computing)
			computing = sim.MaxTime
			r.emit("stop", sim.F("instance", m.ID()), sim.F("saved", progress), sim.F("unsaved", done))
			if q.Now().Add(cfg.CheckpointTime()) <= t.deadline {
				r.checkpoint(q, m, t, progress+done)
			}
			return
		}
		computing = sim.MaxTime
		progress += seg
		if !r.checkpoint(q, m, t, progress) {
			return
		}
		if t.stopAfterCheckpoint && progress < cfg.Work {
			return
		}
	}
	r.out.Wall = q.Now().Duration()
	r.emit("done", sim.F("instance", m.ID()), sim.F("wall", r.out.Wall))
	r.done.Trigger(m.ID())
}

// checkpoint writes the state for progress to the volume; it returns
// false if the write did not complete (the notice interrupted it).
func (r *job) checkpoint(q *sim.Proc, m *ec2.Machine, t *trainer, progress time.Duration) bool {
	start := q.Now()
	t.checkpointEnd = start.Add(r.cfg.CheckpointTime())
	err := m.VolumeIO(q, r.volID, r.cfg.stateBytes(), ioSize)
	t.checkpointEnd = sim.MaxTime
	if err != nil {
		var in *sim.Interrupted
		if !errors.As(err, &in) {
			r.fail(err)
		}
		return false
	}
	r.durable = progress
	r.emit("checkpoint", sim.F("work", progress))
	r.out.Checkpoints++
	r.out.CheckpointTime += q.Now().Sub(start)
	return true
}

// attach attaches the checkpoint volume to m, polling every 5 s while the
// previous instance still holds it. It returns false if interrupted.
func (r *job) attach(q *sim.Proc, ic *instanceClient, m *ec2.Machine) bool {
	for {
		if r.volID == "" { // the checkpoint is on its way to this zone
			if q.Sleep(5*time.Second) != nil {
				return false
			}
			continue
		}
		c, err := ic.get(q)
		if err != nil {
			r.fail(err)
			return false
		}
		out, err := c.DescribeVolumes(q, &ec2.DescribeVolumesInput{VolumeIds: []string{r.volID}})
		if err != nil {
			r.fail(err)
			return false
		}
		if out.Volumes[0].State == ec2.VolumeStateAvailable {
			_, err := c.AttachVolume(q, &ec2.AttachVolumeInput{VolumeId: r.volID, InstanceId: m.ID(), Device: device})
			if err == nil {
				return true
			}
			var in *sim.Interrupted
			if errors.As(err, &in) {
				return false
			}
			if !errors.Is(err, ec2.ErrVolumeInUse) && !errors.Is(err, ec2.ErrIncorrectState) {
				r.fail(err)
				return false
			}
		}
		if q.Sleep(5*time.Second) != nil {
			return false
		}
	}
}

// watch polls spot/instance-action every Poll (or waits for the notice
// event when Poll is 0). On a notice it lets a checkpoint in progress
// finish if it can before the interruption, and otherwise stops the
// trainer at once: work after the notice cannot be saved anyway unless a
// checkpoint fits in the two minutes.
func (r *job) watch(w *sim.Proc, m *ec2.Machine, t *trainer) {
	var body string
	if r.cfg.Poll == 0 {
		ev := m.InterruptionNotice()
		if w.Wait(ev) != nil {
			return
		}
		a := ev.Value().(ec2.SpotInstanceAction)
		t.deadline = r.env.FromTime(a.Time)
	} else {
		for {
			if w.Sleep(r.cfg.Poll) != nil {
				return
			}
			b, err := ec2.GetMetadata(w, "spot/instance-action")
			if err == nil {
				body = b
				break
			}
			if !errors.Is(err, ec2.ErrMetadataNotFound) {
				return
			}
		}
		var a ec2.SpotInstanceAction
		if err := json.Unmarshal([]byte(body), &a); err != nil {
			r.fail(fmt.Errorf("spot/instance-action %q: %w", body, err))
			return
		}
		t.deadline = r.env.FromTime(a.Time)
	}
	r.emit("notice", sim.F("instance", m.ID()), sim.F("interruption", t.deadline))
	if t.checkpointEnd <= t.deadline {
		t.stopAfterCheckpoint = true
		return
	}
	if t.proc.Alive() {
		t.proc.Interrupt("spot interruption notice")
	}
}

// instanceClient gives the trainer an EC2 client with the instance
// profile's credentials, read from the metadata service and read again
// when they are within five minutes of expiring, as the SDK's credential
// chain does (a job outlives one set of STS credentials).
type instanceClient struct {
	svc    *ec2.Service
	client *ec2.Client
	exp    time.Time
}

func (ic *instanceClient) get(q *sim.Proc) (*ec2.Client, error) {
	if ic.client != nil && ic.svc.Env().NowTime().Before(ic.exp.Add(-5*time.Minute)) {
		return ic.client, nil
	}
	role, err := ec2.GetMetadata(q, "iam/security-credentials/")
	if err != nil {
		return nil, err
	}
	body, err := ec2.GetMetadata(q, "iam/security-credentials/"+role)
	if err != nil {
		return nil, err
	}
	var doc struct {
		AccessKeyId, SecretAccessKey, Token, Expiration string
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		return nil, fmt.Errorf("instance credentials: %w", err)
	}
	exp, err := time.Parse(time.RFC3339, doc.Expiration)
	if err != nil {
		return nil, fmt.Errorf("instance credentials: %w", err)
	}
	creds := iam.Credentials{AccessKeyID: doc.AccessKeyId, SecretAccessKey: doc.SecretAccessKey,
		SessionToken: doc.Token, Expiration: exp, Source: "ec2-imds"}
	ic.client, ic.exp = ic.svc.NewClient(regionCode, creds), exp
	return ic.client, nil
}

// emit traces a step of the job (subject "job").
func (r *job) emit(kind string, fields ...sim.Field) {
	if r.env.Tracing() {
		r.env.Emit("job", kind, fields...)
	}
}

func (r *job) fail(err error) {
	if r.err == nil {
		r.err = err
		r.env.Stop()
	}
}

// bill reads the account's invoices: instance lines (on-demand BoxUsage
// or SpotUsage), EBS lines and the total.
func (r *job) bill(led *billing.Ledger) {
	r.out.InstanceHours = new(big.Rat)
	for _, mo := range led.Months(account) {
		inv := led.Invoice(account, mo)
		r.out.TotalCost += inv.Total
		for _, li := range inv.Lines {
			switch {
			case strings.Contains(li.UsageType, "BoxUsage:") || strings.Contains(li.UsageType, "SpotUsage:"):
				r.out.ComputeCost += li.Cost
				r.out.InstanceHours.Add(r.out.InstanceHours, li.Amount)
			case strings.Contains(li.UsageType, "EBS:"):
				r.out.StorageCost += li.Cost
			case strings.Contains(li.UsageType, "PublicIPv4:"):
				r.out.NetworkCost += li.Cost
			}
		}
	}
}

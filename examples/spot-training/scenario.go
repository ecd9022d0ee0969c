package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/nimbus-sim/nimbus/billing"
	"github.com/nimbus-sim/nimbus/ec2"
	"github.com/nimbus-sim/nimbus/failure"
	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/s3"
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

// Outcome is what one run measured. Money comes from the account's
// invoices (billing's exact amounts).
type Outcome struct {
	// Wall is the time from the engineer's first API call to the final
	// checkpoint in the store.
	Wall time.Duration
	// Interruptions counts spot interruption notices, Launches the
	// instances started, Checkpoints the checkpoints completed (NoticeSaves
	// of them on a notice), FailedCheckpoints the S3 checkpoints given up
	// after the retries, Retries the S3 retries.
	Interruptions, Launches, Checkpoints, NoticeSaves, FailedCheckpoints, Retries int
	// Computed is the GPU compute done, Lost the part of it that was
	// redone after interruptions (Computed - Work).
	Computed, Lost time.Duration
	// InstanceHours are the billed instance hours (exact); ComputeCost
	// their cost, StorageCost the EBS lines and the S3 lines (storage
	// byte-hours and requests), NetworkCost the public IPv4 address lines
	// (the EBS store's instances run in the default subnet, which maps
	// one to each), TotalCost the invoices' total.
	InstanceHours                                    *big.Rat
	ComputeCost, StorageCost, NetworkCost, TotalCost billing.Money
	// S3Requests counts the billed S3 requests (PUT-class and GET-class).
	S3Requests int64
	// CheckpointTime is the time spent in completed checkpoints;
	// RestoreTime the time of the restore probe (Calibrate's run only).
	CheckpointTime, RestoreTime time.Duration
	// CapacityErrors counts launches refused with
	// InsufficientInstanceCapacity, Moves the times the EBS checkpoint
	// moved to another zone (by snapshot) to follow the capacity.
	CapacityErrors, Moves int
	// Zones are the zone IDs the trainers ran in, in order.
	Zones []string
}

// Simulate runs the job once in env and returns what it measured.
func Simulate(env *sim.Env, cfg Config) (Outcome, error) {
	if err := cfg.validate(); err != nil {
		return Outcome{}, err
	}
	wd, err := newWorld(env, cfg)
	if err != nil {
		return Outcome{}, err
	}
	r := &job{cfg: cfg, env: env, w: wd.w, svc: wd.ec2, s3: wd.s3, insts: map[string]*instance{}, done: env.NewEvent("job/done"),
		image: trainerImage()}
	if err := r.zoneNames(); err != nil {
		return Outcome{}, err
	}
	if cfg.setup != nil {
		cfg.setup(wd)
	}
	cancel := wd.ec2.Subscribe(r.observe)
	defer cancel()
	var storms *failure.Harness
	if !cfg.OnDemand && !cfg.NoInterruptions && cfg.StormEvery > 0 {
		h, err := failure.NewHarness(env, wd.ec2, wd.w.Faults())
		if err != nil {
			return Outcome{}, err
		}
		reg, err := wd.w.Region(regionCode)
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
	env.Go("driver", func(p *sim.Proc) {
		if err := r.drive(p, wd.driver); err != nil {
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
	r.bill(wd.ec2.Billing())
	return r.out, nil
}

// world is what newWorld builds.
type world struct {
	w    *region.World
	ec2  *ec2.Service
	s3   *s3.Service
	root iam.Credentials
	// driver are the engineer's access keys.
	driver iam.Credentials
}

// newWorld builds us-east-1 with a few p3 hosts per zone, EC2 with the
// spot market of cfg, S3, and the account: the engineer's IAM user
// (allowed what the driver calls, and to pass the trainer role) and the
// trainer role behind the instance profile (allowed the store's calls).
// Everything an account needs before its first launch belongs here.
func newWorld(env *sim.Env, cfg Config) (*world, error) {
	led := billing.New(env, nil)
	if err := led.SetAccount(billing.Account{ID: account, Plan: billing.PlanNone}); err != nil {
		return nil, err
	}
	var regions []region.RegionSpec
	if r, ok := region.CatalogRegion(regionCode); ok {
		regions = append(regions, r)
	}
	w, err := region.NewWorld(env, region.Options{Regions: regions, HostsPerAZ: hostsPerAZ(), Billing: led,
		Policies: cfg.policies})
	if err != nil {
		return nil, err
	}
	svc, err := ec2.New(w, ec2.Options{Spot: cfg.spots.get(cfg), Quotas: trainerQuotas()})
	if err != nil {
		return nil, err
	}
	wd := &world{w: w, ec2: svc}
	if cfg.Store == StoreS3 {
		if wd.s3, err = s3.New(w, s3.Options{}); err != nil {
			return nil, err
		}
	}
	if wd.root, err = w.CreateAccount(account); err != nil { // signing up; the rest is API calls
		return nil, err
	}
	rolePolicy := trainerPolicy
	if cfg.Store == StoreS3 {
		rolePolicy = s3TrainerPolicy
	}
	err = w.Setup(func(ctx context.Context) error {
		c := w.IAMClient(wd.root)
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
				_, err := c.PutRolePolicy(ctx, &region.PutRolePolicyInput{RoleName: "trainer", PolicyName: "checkpoints", PolicyDocument: rolePolicy})
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
					wd.driver = out.AccessKey.Credentials()
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
		return nil, err
	}
	return wd, nil
}

// What every world of newWorld shares, built once: region and ec2 only
// read their options, and each world built them anew (over 1 KB, with
// ec2.PublicImages' copy of the catalog for one name).
var (
	// hostsPerAZ: a few p3 hosts per zone.
	hostsPerAZ = sync.OnceValue(func() map[string]int { return map[string]int{"p3": 2} })
	// trainerQuotas: a new account may run no P instances; this one was
	// granted 64 vCPUs On-Demand and Spot (Service Quotas) before it
	// began. One p3.2xlarge is 8, but a replacement launches while an
	// interrupted instance still runs, and quick interruptions can
	// overlap several.
	trainerQuotas = sync.OnceValue(func() *ec2.QuotaOptions {
		return &ec2.QuotaOptions{Values: map[string]int{ec2.QuotaCode(ec2.QuotaP, false): 64, ec2.QuotaCode(ec2.QuotaP, true): 64}}
	})
	// trainerImage is the Deep Learning AMI's ID.
	trainerImage = sync.OnceValue(func() string { return ec2.ImageID(ec2.PublicImages()[2].Name, regionCode) })
)

// spotOptions is the spot market of cfg.
func spotOptions(cfg Config) *ec2.SpotOptions {
	spot := ec2.DefaultSpotOptions()
	spot.Savings = cfg.Savings
	spot.Buckets = map[ec2.InstanceType]ec2.AdvisorBucket{gpuType: cfg.Bucket}
	if cfg.NoInterruptions {
		spot.Model = ec2.SpotMechanistic
	}
	return &spot
}

// spotCache keeps the spot options of a configuration's last settings,
// for the worlds of its runs to share (ec2 only reads them). Runs of one
// configuration may be concurrent, hence the lock.
type spotCache struct {
	mu   sync.Mutex
	key  spotKey
	spot *ec2.SpotOptions
}

// spotKey is what spotOptions reads of a Config.
type spotKey struct {
	savings         float64
	bucket          ec2.AdvisorBucket
	noInterruptions bool
}

// get returns cfg's spot options, shared with the runs of cfg's settings
// before it (built anew when c is nil).
func (c *spotCache) get(cfg Config) *ec2.SpotOptions {
	if c == nil {
		return spotOptions(cfg)
	}
	k := spotKey{cfg.Savings, cfg.Bucket, cfg.NoInterruptions}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.spot == nil || c.key != k {
		c.key, c.spot = k, spotOptions(cfg)
	}
	return c.spot
}

// driverPolicy is the engineer's identity policy: what the driver calls
// (the instances; the network and the bucket of the S3 store; the volume
// and its snapshots for the EBS store), and passing the trainer role to
// the instances, nothing else.
const driverPolicy = `{"Version":"2012-10-17","Statement":[
 {"Sid":"Trainers","Effect":"Allow","Action":["ec2:RunInstances","ec2:DescribeInstances","ec2:TerminateInstances"],"Resource":"*"},
 {"Sid":"PrivateNetwork","Effect":"Allow","Action":["ec2:CreateVpc","ec2:CreateSubnet","ec2:CreateRouteTable",
   "ec2:AssociateRouteTable","ec2:CreateVpcEndpoint"],"Resource":"*"},
 {"Sid":"CheckpointBucket","Effect":"Allow","Action":["s3:CreateBucket","s3:PutLifecycleConfiguration"],
   "Resource":"arn:aws:s3:::` + bucketName + `"},
 {"Sid":"CheckpointVolume","Effect":"Allow","Action":["ec2:CreateVolume","ec2:DescribeVolumes","ec2:DeleteVolume",
   "ec2:CreateSnapshot","ec2:DescribeSnapshots","ec2:DeleteSnapshot"],"Resource":"*"},
 {"Sid":"PassTrainerRole","Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::111122223333:role/trainer"}]}`

// trainerPolicy is the instance role's for the EBS store: find the
// checkpoint volume and attach it, nothing else.
const trainerPolicy = `{"Version":"2012-10-17","Statement":[
 {"Sid":"FindVolume","Effect":"Allow","Action":"ec2:DescribeVolumes","Resource":"*"},
 {"Sid":"AttachVolume","Effect":"Allow","Action":"ec2:AttachVolume","Resource":[
   "arn:aws:ec2:us-east-1:111122223333:volume/*","arn:aws:ec2:us-east-1:111122223333:instance/*"]}]}`

const ec2Trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
 "Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

// job is one run of the training job: the driver on the engineer's
// side, a trainer on each instance, and the checkpoint store they share.
type job struct {
	cfg   Config
	env   *sim.Env
	w     *region.World
	svc   *ec2.Service
	s3    *s3.Service
	insts map[string]*instance
	// image is the trainers' AMI.
	image string
	// zones are the account's zone names in us-east-1, sorted; zone is
	// the one the next launch tries first: the EBS volume's (volID,
	// empty while the checkpoint moves to another zone), or the S3
	// store's last.
	zones []string
	zone  string
	volID string
	// net is the S3 store's private network.
	net *s3Setup
	// launched lists the instances in launch order.
	launched []string
	// durable is the work saved by the last complete EBS checkpoint:
	// what a restart resumes from (the S3 store finds it by listing).
	durable time.Duration
	done    *sim.Event
	out     Outcome
	err     error
	// creds is the trainers' room for reading instance credentials.
	creds credRoom
	// ckpt is the checkpoint time, once ckptKnown (see checkpointTime).
	ckpt      time.Duration
	ckptKnown bool
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
		// Both names are cut from one string: an instance is observed
		// several times, but its events are made once.
		names := id + "/running" + id + "/ended"
		n := len(id) + len("/running")
		in = &instance{running: r.env.NewEvent(names[:n]), ended: r.env.NewEvent(names[n:])}
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
			in.ended.Trigger(stateValue(e.Current))
		}
	}
}

// drive is the engineer's script: create the store (the bucket behind a
// private network, or the volume), then keep one trainer instance going
// until the job is done, launching a replacement as soon as an
// interruption notice arrives (so its boot overlaps the old instance's
// last two minutes).
func (r *job) drive(p *sim.Proc, driver iam.Credentials) error {
	c := r.svc.NewClient(regionCode, driver)
	r.zone = volumeZone
	if r.cfg.Store == StoreS3 {
		if err := r.prepareS3(p, driver); err != nil {
			return err
		}
	} else {
		vol, err := c.CreateVolume(p, &ec2.CreateVolumeInput{AvailabilityZone: volumeZone, Size: int32(r.cfg.VolumeGiB),
			VolumeType: volumeType, TagSpecifications: volumeTags()})
		if err != nil {
			return err
		}
		if err := waitVolume(p, c, vol.VolumeId); err != nil {
			return err
		}
		r.volID = vol.VolumeId
	}
	for {
		id, zone, err := r.launchAnywhere(p, c)
		if err != nil {
			return err
		}
		r.out.Launches++
		r.launched = append(r.launched, id)
		if zone != r.zone {
			if r.cfg.Store == StoreEBS {
				if err := r.move(p, c, zone); err != nil {
					return err
				}
			}
			r.zone = zone
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
		evs := append(make([]*sim.Event, 0, 3), in.ended, r.done) // room for the notice
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
// the one that wrote the final checkpoint, and a replacement already
// launched if the job finished on an instance that got its notice during
// the last checkpoint. (The trainer does not terminate its own instance:
// see the package README on ec2's self-termination.)
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

// launchAnywhere launches a trainer in the preferred zone (the volume's,
// or the last one used) or, if that zone has no p3 capacity, in the next
// zone that has; when none has, it tries again a minute later.
func (r *job) launchAnywhere(p *sim.Proc, c *ec2.Client) (id, zone string, err error) {
	first := r.zone
	for {
		// first, then the other zones in order (k = -1 is first).
		for k := -1; k < len(r.zones); k++ {
			z := first
			if k >= 0 {
				if z = r.zones[k]; z == first {
					continue
				}
			}
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

// zoneNames lists the account's names of us-east-1's zones.
func (r *job) zoneNames() error {
	reg, err := r.w.Region(regionCode)
	if err != nil {
		return err
	}
	azs := reg.AZs()
	r.zones = make([]string, 0, len(azs))
	for _, z := range azs {
		name, err := r.w.AZName(account, z.ID())
		if err != nil {
			return err
		}
		r.zones = append(r.zones, name)
	}
	slices.Sort(r.zones)
	return nil
}

// launch runs one trainer instance in zone: in the zone's private subnet
// for the S3 store, in the default subnet (with its public address) for
// the EBS store.
func (r *job) launch(p *sim.Proc, c *ec2.Client, zone string) (string, error) {
	in := &ec2.RunInstancesInput{
		ImageId:            r.image,
		InstanceType:       gpuType,
		MinCount:           1,
		MaxCount:           1,
		IamInstanceProfile: trainerProfile(),
		TagSpecifications:  instanceTags(),
	}
	if r.net != nil {
		subnet, err := r.net.subnet(p, zone, slices.Index(r.zones, zone))
		if err != nil {
			return "", err
		}
		in.SubnetId = subnet
	} else {
		pl, ok := zonePlacements()[zone]
		if !ok {
			pl = &ec2.Placement{AvailabilityZone: zone}
		}
		in.Placement = pl
	}
	if !r.cfg.OnDemand {
		in.InstanceMarketOptions = spotMarket()
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

// The parts of every launch's and volume's request that never change,
// built once and shared by every job: ec2 only reads a request (and
// copies the tags it keeps), and each launch allocated them anew.
var (
	instanceTags   = sync.OnceValue(func() []ec2.TagSpecification { return tags("instance") })
	volumeTags     = sync.OnceValue(func() []ec2.TagSpecification { return tags("volume") })
	trainerProfile = sync.OnceValue(func() *ec2.IamInstanceProfileSpecification {
		return &ec2.IamInstanceProfileSpecification{Name: "trainer"}
	})
	spotMarket = sync.OnceValue(func() *ec2.InstanceMarketOptionsRequest {
		return &ec2.InstanceMarketOptionsRequest{MarketType: ec2.MarketTypeSpot}
	})
	// zonePlacements are the Placements of us-east-1's zone names (a
	// launch elsewhere makes its own).
	zonePlacements = sync.OnceValue(func() map[string]*ec2.Placement {
		m := map[string]*ec2.Placement{}
		for _, l := range "abcdef" {
			z := regionCode + string(l)
			m[z] = &ec2.Placement{AvailabilityZone: z}
		}
		return m
	})
)

// stateValue is s as an event's value: an instance state is one of ec2's
// constants, which convert to an interface without an allocation, where
// the variable took one at every transition.
func stateValue(s ec2.InstanceStateName) any {
	switch s {
	case ec2.InstanceStateShuttingDown:
		return ec2.InstanceStateShuttingDown
	case ec2.InstanceStateStopping:
		return ec2.InstanceStateStopping
	case ec2.InstanceStateTerminated:
		return ec2.InstanceStateTerminated
	case ec2.InstanceStateStopped:
		return ec2.InstanceStateStopped
	}
	return s
}

// store is a trainer's side of the checkpoint store.
type store interface {
	// restore starts the framework up (Startup) and reads the last
	// checkpoint back, returning the work it holds (0 with none).
	restore(q *sim.Proc, m *ec2.Machine) (time.Duration, error)
	// save writes the checkpoint of progress.
	save(q *sim.Proc, progress time.Duration) error
}

// trainer is the state of the training process on one instance, shared
// with its notice watcher.
type trainer struct {
	proc *sim.Proc
	// checkpointEnd is when the checkpoint being written is expected to
	// complete (sim.MaxTime when none is).
	checkpointEnd sim.Time
	// stopAfterCheckpoint is set when a notice came during a checkpoint
	// expected to complete before the interruption.
	stopAfterCheckpoint bool
	deadline            sim.Time // the interruption instant of the notice
}

// train is the process on the instance, from boot: the store opened
// (credentials from the instance profile), start-up and restore, then
// compute and checkpoint every Interval until the work is done. On a
// notice it saves the last whole epoch if a checkpoint fits before the
// interruption, and stops.
func (r *job) train(q *sim.Proc, m *ec2.Machine) {
	cfg := r.cfg
	// The trainer and its EBS store in one allocation.
	both := &struct {
		t  trainer
		st ebsStore
	}{t: trainer{proc: q, checkpointEnd: sim.MaxTime, deadline: sim.MaxTime}}
	t := &both.t
	computing := sim.MaxTime // start of the compute segment in progress
	defer func() {           // killed or interrupted mid-segment: that compute was done, and is lost
		if computing != sim.MaxTime {
			r.out.Computed += q.Now().Sub(computing)
		}
	}()
	var st store
	if cfg.Store == StoreEBS {
		both.st = ebsStore{r: r, ic: instanceClient{svc: r.svc, creds: &r.creds}}
		st = &both.st
	} else {
		st = &s3Store{r: r}
	}
	if !cfg.IgnoreNotice && m.InterruptionNotice() != nil {
		if _, err := m.Go("spot-watch", func(w *sim.Proc) { r.watch(w, m, t) }); err != nil {
			r.fail(err)
			return
		}
	}
	progress, err := st.restore(q, m)
	if err != nil {
		r.stopped(err)
		return
	}
	if r.env.Tracing() {
		r.emit("resume", sim.F("instance", m.ID()), sim.F("from", progress))
	}
	for progress < cfg.Work {
		seg := min(cfg.Interval, cfg.Work-progress)
		computing = q.Now()
		err := q.Sleep(seg)
		r.out.Computed += q.Now().Sub(computing)
		if err != nil { // the notice: save the last whole epoch if it fits before the interruption
			done := q.Now().Sub(computing)
			computing = sim.MaxTime
			saved := progress + done/cfg.Epoch*cfg.Epoch
			if r.env.Tracing() {
				r.emit("stop", sim.F("instance", m.ID()), sim.F("saved", progress), sim.F("unsaved", done))
			}
			if saved > progress && q.Now().Add(r.checkpointTime()) <= t.deadline {
				if r.checkpoint(q, st, t, saved) == nil {
					r.out.NoticeSaves++
				}
			}
			return
		}
		computing = sim.MaxTime
		progress += seg
		err = r.checkpoint(q, st, t, progress)
		for errors.Is(err, errGaveUp) && progress == cfg.Work {
			err = r.checkpoint(q, st, t, progress) // the final save must succeed
		}
		if err != nil && !errors.Is(err, errGaveUp) {
			return
		}
		if t.stopAfterCheckpoint && progress < cfg.Work {
			return
		}
	}
	r.out.Wall = q.Now().Duration()
	if r.env.Tracing() {
		r.emit("done", sim.F("instance", m.ID()), sim.F("wall", r.out.Wall))
	}
	if cfg.probeRestore {
		start := q.Now()
		if _, err := st.restore(q, m); err != nil {
			r.fail(err)
			return
		}
		r.out.RestoreTime = q.Now().Sub(start) - cfg.Startup
	}
	r.done.Trigger(m.ID())
}

// errGaveUp is a checkpoint the trainer gave up on after the retries.
var errGaveUp = errors.New("checkpoint given up after retries")

// checkpoint saves the state for progress. It returns errGaveUp if S3
// kept failing (training goes on, and the next checkpoint tries again:
// the course's "retry; if persistent, alert"), and another error if the
// trainer must stop (the notice interrupted it, or the job failed).
func (r *job) checkpoint(q *sim.Proc, st store, t *trainer, progress time.Duration) error {
	start := q.Now()
	t.checkpointEnd = start.Add(r.checkpointTime())
	err := st.save(q, progress)
	t.checkpointEnd = sim.MaxTime
	if err != nil {
		if r.cfg.Store == StoreS3 && transient(err) {
			r.out.FailedCheckpoints++
			if r.env.Tracing() {
				r.emit("checkpoint-failed", sim.F("work", progress), sim.F("err", err.Error()))
			}
			return errGaveUp
		}
		r.stopped(err)
		return err
	}
	if progress > r.durable {
		r.durable = progress
	}
	if r.env.Tracing() {
		r.emit("checkpoint", sim.F("work", progress))
	}
	r.out.Checkpoints++
	r.out.CheckpointTime += q.Now().Sub(start)
	return nil
}

// checkpointTime is cfg.CheckpointTime, worked out at the first
// checkpoint and kept: it depends on the configuration alone, and a job
// checkpoints dozens of times.
func (r *job) checkpointTime() time.Duration {
	if !r.ckptKnown {
		r.ckpt, r.ckptKnown = r.cfg.CheckpointTime(), true
	}
	return r.ckpt
}

// stopped ends the trainer on err: quietly if the notice interrupted it,
// failing the job otherwise.
func (r *job) stopped(err error) {
	var in *sim.Interrupted
	if !errors.As(err, &in) {
		r.fail(err)
	}
}

// watch polls spot/instance-action every Poll (or waits for the notice
// event when Poll is 0). On a notice it lets a checkpoint in progress
// finish if it is expected to before the interruption, and otherwise
// interrupts the trainer's compute, which then saves what fits.
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
		// notYet is the last 404 seen: the IMDS answers the missing item
		// with the same error each time, so each poll need not unwrap it
		// again (a job polls thousands of times).
		var notYet error
		for {
			if w.Sleep(r.cfg.Poll) != nil {
				return
			}
			b, err := ec2.GetMetadata(w, "spot/instance-action")
			if err == nil {
				body = b
				break
			}
			if err != notYet {
				if !errors.Is(err, ec2.ErrMetadataNotFound) {
					return
				}
				notYet = err
			}
		}
		var a ec2.SpotInstanceAction
		if err := json.Unmarshal([]byte(body), &a); err != nil {
			r.fail(fmt.Errorf("spot/instance-action %q: %w", body, err))
			return
		}
		t.deadline = r.env.FromTime(a.Time)
	}
	if r.env.Tracing() {
		r.emit("notice", sim.F("instance", m.ID()), sim.F("interruption", t.deadline))
	}
	if t.checkpointEnd <= t.deadline {
		t.stopAfterCheckpoint = true
		return
	}
	if t.proc.Alive() {
		t.proc.Interrupt("spot interruption notice")
	}
}

// emit traces a step of the job (subject "job"). Callers check
// env.Tracing first: building the fields allocates.
func (r *job) emit(kind string, fields ...sim.Field) {
	r.env.Emit("job", kind, fields...)
}

func (r *job) fail(err error) {
	if r.err == nil {
		r.err = err
		r.env.Stop()
	}
}

// bill reads the account's bills: instance lines (on-demand BoxUsage
// or SpotUsage), the store's lines (EBS volume and snapshots; S3 storage
// byte-hours and requests), public IPv4 addresses and the total. It reads
// them as tallies, the invoices' figures summed per usage type, rather
// than building the invoices' line items: the sums of a usage type's
// lines are what the outcome adds up (S3's request lines are whole counts,
// so their sum rounds as each did).
func (r *job) bill(led *billing.Ledger) {
	var hours *big.Rat // the first instance sum's amount, to which others add
	for _, mo := range led.Months(account) {
		t := led.Tally(account, mo)
		r.out.TotalCost += t.Total
		for i := range t.Sums {
			s := &t.Sums[i]
			switch {
			case strings.Contains(s.UsageType, "BoxUsage:") || strings.Contains(s.UsageType, "SpotUsage:"):
				r.out.ComputeCost += s.Cost
				if hours == nil {
					hours = s.Amount()
				} else {
					hours.Add(hours, s.Amount())
				}
			case strings.Contains(s.UsageType, "EBS:"):
				r.out.StorageCost += s.Cost
			case s.Service == "AmazonS3":
				r.out.StorageCost += s.Cost
				if strings.Contains(s.UsageType, "Requests-") {
					n, _ := s.Amount().Float64()
					r.out.S3Requests += int64(n + 0.5)
				}
			case strings.Contains(s.UsageType, "PublicIPv4:"):
				r.out.NetworkCost += s.Cost
			}
		}
	}
	if hours == nil {
		hours = new(big.Rat)
	}
	r.out.InstanceHours = hours
}

package ec2

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/nimbus-sim/nimbus/internal/mix"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
	"github.com/nimbus-sim/nimbus/vpc"
)

// Options configure New. The zero value of a field means its default.
type Options struct {
	Lifecycle LifecycleDelays
	Spot      *SpotOptions
	// VolumeAFR overrides the annual failure rate of volume types (set 0
	// to disable losses of a type).
	VolumeAFR map[VolumeType]float64
	// ReplicaRepair is the mean re-replication time of a failed volume
	// replica (default DefaultReplicaRepair).
	ReplicaRepair time.Duration
	// IMDSLatency is the time a metadata read takes (default
	// DefaultIMDSLatency; negative means zero).
	IMDSLatency time.Duration
	// SnapshotRate is how fast CreateSnapshot copies a volume (default
	// 128 MiB/s; an assumption, EBS publishes none).
	SnapshotRateMiBps int
	// VolumeCreate is the time a new volume spends in "creating".
	VolumeCreate Delay
	// HostFailure is what EC2 does to an instance whose host fails:
	// "stop" (default; EBS-backed instances survive) or "terminate".
	HostFailure string
	// Quotas are the vCPU quotas per account, region and instance class
	// (see QuotaOptions). nil gives every account a new account's quotas:
	// 5 Standard vCPUs On-Demand and 5 Spot, none for the G and VT, P,
	// Inf, Trn and X classes. Raise them with Values or Accounts, or
	// through QuotasClient as a user would; UnlimitedQuotas() turns them
	// off.
	Quotas *QuotaOptions
	// LaunchCreditLimit is how many T2 Standard launches or starts per
	// account, region and rolling 24 hours earn launch credits (0: the
	// documented 100; negative: none do).
	LaunchCreditLimit int
	// AutoRecovery "disabled" turns off simplified automatic recovery on
	// host failures ("" or "default": on, see recovery.go).
	AutoRecovery string
	// AZRestart is what happens to the instances a zone outage stopped when
	// it ends: "restart" (default) or "stopped".
	AZRestart string
	// VPC is the networking service instances live in; nil builds one
	// (vpc.New) that Service.VPC returns.
	VPC *vpc.Service
}

// Service is the EC2 service of a world: every region's instances,
// volumes, snapshots and spot pools. Call it through a Client, as the AWS
// SDK does; FailVolume and ReclaimSpot are the failure layer's hooks. A
// Service is owned by its Env's goroutine.
type Service struct {
	env  *sim.Env
	w    *region.World
	opts Options

	instances instanceIndex // by ID (index.go)
	volumes   map[string]*volume
	lastVol   *volume // the volume Service.volume found last; nil after its deletion
	// lossModels: the volume types' replica models (ebs.go).
	lossModels *lossModels
	snapshots  map[string]*snapshot
	// images holds the public images of the world's regions missing
	// from region.Catalog(), made on first use (the others' are shared:
	// builtinImages).
	images map[string]map[string]*Image
	pools  *poolSet // made on first use (spot.go)
	subs   []func(StateChangeEvent)
	tokens map[tokenKey]tokenEntry
	// tables are the service's small lookup tables, made on first use.
	tables *tables
	// lastHome is the entry home answered last (a workload launches into
	// one zone over and over; entries are never replaced).
	lastHome  *machineHome
	lastOrder zoneOrderEntry    // the entry zoneOrder answered last
	lastImage imageEntry        // the image Service.image found last
	lastRow   *InstanceTypeInfo // the catalog row validateRunInto found last
	lastUsage *typeUsage        // the entry usageTypes answered last
	// lastProfile is the instance profile ARN text profileARNText built
	// last (a workload launches with one profile name over and over).
	lastProfile profileText
	lastSpot    *SpotMarketOptions // spotOptions' last answer; never modified
	// schedEvents are the instances' pending scheduled events (status.go),
	// kept here rather than in every Machine: few instances have one.
	schedEvents map[*Machine][]*scheduledEvent
	demands     map[string]*demand

	seq       uint64
	quotas    *quotaState  // nil: quotas off (UnlimitedQuotas)
	rules     []*eventRule // EventBridge-shaped subscriptions (events.go)
	stateRule func()
	eventSeq  uint64
	// launchGrants: per (account, region), when T2 launch credits were
	// granted in the last 24 hours (launchcredits.go).
	launchGrants map[[2]string][]sim.Time
	// restartPending: zones whose outage-stopped instances restart at this
	// instant (recovery.go).
	restartPending map[string]bool
	spotRequests   map[string]*spotRequest // spotrequests.go
	// procExit is every instance process's OnExit callback: it drops the
	// process from its machine's list (Machine.Go).
	procExit     func(*sim.Proc)
	lastLoc      *region.Location // the Location procLocation answered last
	forgets      *forgetQueue     // terminated machines (forgetLater), from the first termination
	noQuotaCheck bool             // validating a spot request's launch (spotrequests.go)

	network
	deps
}

// New returns the EC2 service of world w. It registers the catalog's
// instance shapes that the world does not know yet, the public AMIs of
// every region, and subscribes to host failures.
func New(w *region.World, opts Options) (*Service, error) {
	if w == nil {
		panic("ec2: New: nil world")
	}
	if opts.Lifecycle == (LifecycleDelays{}) {
		opts.Lifecycle = DefaultLifecycleDelays()
	}
	if opts.Spot == nil {
		opts.Spot = defaultSpot()
	}
	if opts.ReplicaRepair <= 0 {
		opts.ReplicaRepair = DefaultReplicaRepair
	}
	if opts.IMDSLatency == 0 {
		opts.IMDSLatency = DefaultIMDSLatency
	}
	if opts.SnapshotRateMiBps <= 0 {
		opts.SnapshotRateMiBps = 128
	}
	if opts.VolumeCreate == (Delay{}) {
		opts.VolumeCreate = Delay{Min: time.Second, Mean: 3 * time.Second}
	}
	if err := opts.validate(); err != nil {
		return nil, err
	}
	if err := validateRecoveryOptions(&opts); err != nil {
		return nil, err
	}
	switch opts.HostFailure {
	case "":
		opts.HostFailure = "stop"
	case "stop", "terminate":
	default:
		return nil, fmt.Errorf("ec2: Options.HostFailure %q: want \"stop\" or \"terminate\"", opts.HostFailure)
	}
	s := &Service{
		env: w.Env(), w: w, opts: opts,
		// azNames, rngs, srcs, volumes, snapshots, tokens and demands
		// are made on first write: many worlds use no volumes, no client
		// tokens and no background demand, and each empty map was a
		// 48-byte allocation.
	}
	if opts.VolumeAFR == nil && opts.ReplicaRepair == DefaultReplicaRepair {
		s.lossModels = defaultLossModels()
	} else {
		s.lossModels = newLossModels(opts.VolumeAFR, opts.ReplicaRepair)
	}
	s.net = opts.VPC
	if s.net == nil {
		net, err := vpc.New(w, vpc.Options{})
		if err != nil {
			return nil, err
		}
		s.net = net
	}
	q, err := newQuotaState(opts.Quotas) // nil when quotas are off
	if err != nil {
		return nil, err
	}
	s.quotas = q
	if err := w.Fleet().RegisterShapes(catalogShapes()); err != nil {
		return nil, err
	}
	w.Fleet().OnHostEvent(s.onHostEvent)
	if err := s.initDeps(); err != nil {
		return nil, err
	}
	return s, nil
}

// defaultSpot is DefaultSpotOptions(), built once and shared: the
// Service only reads its options.
var defaultSpot = sync.OnceValue(func() *SpotOptions {
	sp := DefaultSpotOptions()
	return &sp
})

// MustNew is New for tests and examples.
func MustNew(w *region.World, opts Options) *Service {
	s, err := New(w, opts)
	if err != nil {
		panic(err)
	}
	return s
}

// Machine returns the live instance with the given ID (also for a while
// after it terminated).
func (s *Service) Machine(instanceID string) (*Machine, bool) {
	return s.instance(instanceID)
}

// instance looks an instance up by ID.
func (s *Service) instance(id string) (*Machine, bool) { return s.instances.get(id) }

// instanceKey is the value an instance ID renders (mix.ID "i"):
// SplitMix64 of the instance's sequence number (launchIn). Only IDs of
// that exact form have a key, so keys and IDs match one to one.
func instanceKey(id string) (uint64, bool) { return mix.ParseID("i", id) }

// Env returns the simulation environment.
func (s *Service) Env() *sim.Env { return s.env }

// World returns the world the service runs in.
func (s *Service) World() *region.World { return s.w }

// rng returns the stream "ec2/<region>/<what>".
func (s *Service) rng(region, what string) *rand.Rand {
	t := s.tab()
	k := [2]string{region, what}
	e, ok := t.rngs.Find(k)
	if !ok {
		e = rngEntry{k, s.env.Rand("ec2/" + region + "/" + what)}
		t.rngs.Add(e)
	}
	return e.r
}

// source returns a PCG source for gonum distributions, one per name.
func (s *Service) source(name string) *rand.PCG {
	t := s.tab()
	e, ok := t.srcs.Find(name)
	if !ok {
		e = srcEntry{name, s.env.Source(name + "/src")}
		t.srcs.Add(e)
	}
	return e.src
}

func (s *Service) newID(prefix string) string {
	return mix.ID(prefix, mix.SplitMix64(s.nextSeq()))
}

// nextSeq takes the next sequence number, which IDs are rendered from.
func (s *Service) nextSeq() uint64 {
	s.seq++
	return s.seq
}

// place puts m on a host in its AZ.
func (s *Service) place(m *Machine) error {
	slot, hostID, err := s.placeSlot(m.azID, m.itype, m.seq)
	if err != nil {
		return err
	}
	s.placed(m, slot, hostID)
	return nil
}

// placeSlot takes a slot for an instance of type it in zone azID, for the
// machine of sequence number seq: the slot's owner, which host events
// hand back (machineOnSlot).
func (s *Service) placeSlot(azID string, it *InstanceTypeInfo, seq uint64) (region.Slot, string, error) {
	slot, err := s.w.Fleet().Place(azID, string(it.InstanceType), region.PlaceOptions{Owner: seq})
	if err != nil {
		return 0, "", err
	}
	info, err := s.w.Fleet().SlotInfo(slot)
	if err != nil {
		return 0, "", err
	}
	return slot, info.HostID, nil
}

// tryPlaceSlot is placeSlot answering false with a nil error when no host
// has room, without building the error.
func (s *Service) tryPlaceSlot(azID string, it *InstanceTypeInfo, seq uint64) (region.Slot, string, bool, error) {
	slot, ok, err := s.w.Fleet().TryPlace(azID, string(it.InstanceType), region.PlaceOptions{Owner: seq})
	if !ok {
		return 0, "", false, err
	}
	info, err := s.w.Fleet().SlotInfo(slot)
	if err != nil {
		return 0, "", false, err
	}
	return slot, info.HostID, true, nil
}

// placed puts m on the slot placeSlot took.
func (s *Service) placed(m *Machine, slot region.Slot, hostID string) {
	m.slot = slot
	m.hostID = hostID
	s.attachNIC(m)
}

// machineOnSlot returns the machine on a slot a host event lists: the
// slot's owner is the machine's sequence number (placeSlot), which the
// instance index finds it by, so no map from slots to machines is kept
// up to date at every placement and release. A slot of another owner
// (background demand has none) or one the machine has let go of answers
// false.
func (s *Service) machineOnSlot(si region.SlotInfo) (*Machine, bool) {
	if si.Background {
		return nil, false
	}
	i := s.instances.at(si.Owner)
	if i < 0 {
		return nil, false
	}
	m := s.instances.ms[i]
	if !m.slot.IsValid() || m.slot != si.Slot {
		return nil, false
	}
	return m, true
}

// attachNIC registers the instance's primary network interface with the
// world at its host, with the instance type's bandwidth, so its transfers
// share it. "Up to" types burst for a limited time, "typically from 5 to
// 60 minutes, depending on the instance size"; we take the short end.
// https://docs.aws.amazon.com/ec2/latest/instancetypes/ec2-instance-network-bandwidth.html
func (s *Service) attachNIC(m *Machine) {
	it := m.itype
	// The world knows the interface by its vpc ID; at launch the
	// interface comes after placement, and launchIn attaches it then.
	if it.BaselineBandwidthMbps <= 0 || m.eni == "" || m.nicOn {
		return
	}
	loc, err := s.w.AtSlot(m.slot)
	if err != nil {
		return
	}
	bw := region.Bandwidth{BaselineBps: float64(it.BaselineBandwidthMbps) * 1e6}
	if it.BurstBandwidthMbps > it.BaselineBandwidthMbps {
		bw.BurstBps, bw.BurstFor = float64(it.BurstBandwidthMbps)*1e6, 5*time.Minute
	}
	if s.w.Network().AttachInterface(m.eni, loc, bw) == nil {
		m.nicOn = true
	}
}

// unplace releases m's host slot.
func (s *Service) unplace(m *Machine) {
	if m.slot.IsValid() {
		_ = s.w.Fleet().Release(m.slot) // the host may have failed and released it already
	}
	if m.nicOn {
		s.w.Network().DetachInterface(m.eni)
		m.nicOn = false
	}
	m.slot = 0
	m.hostID = ""
}

// home returns the machineHome of account's machines in zone azID of
// region.
func (s *Service) home(account, region, azID string) *machineHome {
	if h := s.lastHome; h != nil && h.account == account && h.azID == azID {
		return h
	}
	t := s.tab()
	h, ok := t.homes.Find([2]string{account, azID})
	if ok {
		s.lastHome = h
	} else {
		azName, err := s.azName(account, azID)
		h = &machineHome{svc: s, account: account, region: region, azID: azID, azName: azName}
		if err != nil {
			return h // not kept: the name may resolve later, as azName's cache assumes
		}
		t.homes.Add(h)
		s.lastHome = h
	}
	return h
}

// azName is World.AZName, cached: an account's zone names never change.
func (s *Service) azName(account, azID string) (string, error) {
	t := s.tab()
	k := [2]string{account, azID}
	if e, ok := t.azNames.Find(k); ok {
		return e.name, nil
	}
	n, err := s.w.AZName(account, azID)
	if err == nil {
		t.azNames.Add(azNameEntry{k, n})
	}
	return n, err
}

// validate rejects option values that would break the simulation later (a
// zero or negative spot price panicking the meter, a negative delay, an
// out-of-range advisor bucket), after New filled in the defaults.
func (o *Options) validate() error {
	finite := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
	l := o.Lifecycle
	for _, d := range []struct {
		name string
		d    Delay
	}{{"Boot", l.Boot}, {"Stop", l.Stop}, {"Shutdown", l.Shutdown}, {"Reboot", l.Reboot}, {"VolumeCreate", o.VolumeCreate}} {
		if d.d.Min < 0 || d.d.Mean < 0 {
			return fmt.Errorf("ec2: Options: %s delay %v is negative", d.name, d.d)
		}
	}
	if l.TerminatedVisible < 0 {
		return fmt.Errorf("ec2: Options: Lifecycle.TerminatedVisible %v is negative", l.TerminatedVisible)
	}
	for t, a := range o.VolumeAFR {
		if _, ok := volumeSpec(t); !ok {
			return fmt.Errorf("ec2: Options.VolumeAFR: unknown volume type %q", t)
		}
		if !(a >= 0 && a < 1) {
			return fmt.Errorf("ec2: Options.VolumeAFR[%s] = %v: want a fraction in [0, 1)", t, a)
		}
	}
	sp := o.Spot
	switch sp.Model {
	case SpotStatistical, SpotMechanistic:
	default:
		return fmt.Errorf("ec2: SpotOptions.Model %d unknown", sp.Model)
	}
	if !(sp.Savings >= 0 && sp.Savings < 1) {
		return fmt.Errorf("ec2: SpotOptions.Savings %v: want a discount in [0, 1) (a spot price must stay positive)", sp.Savings)
	}
	if !finite(sp.PriceVolatility) || sp.PriceVolatility < 0 || sp.PriceStep < 0 || sp.RebalanceLead < 0 {
		return fmt.Errorf("ec2: SpotOptions: PriceVolatility %v, PriceStep %v and RebalanceLead %v must be finite and non-negative",
			sp.PriceVolatility, sp.PriceStep, sp.RebalanceLead)
	}
	if !(sp.RebalanceProbability >= 0 && sp.RebalanceProbability <= 1) {
		return fmt.Errorf("ec2: SpotOptions.RebalanceProbability %v: want [0, 1]", sp.RebalanceProbability)
	}
	validBucket := func(b AdvisorBucket) bool { return b >= BucketUnder5 && b <= BucketOver20 }
	if !validBucket(sp.DefaultBucket) {
		return fmt.Errorf("ec2: SpotOptions.DefaultBucket %d out of range", sp.DefaultBucket)
	}
	for t, b := range sp.Buckets {
		if !validBucket(b) {
			return fmt.Errorf("ec2: SpotOptions.Buckets[%s] = %d out of range", t, b)
		}
	}
	return nil
}

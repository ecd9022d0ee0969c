package ec2

import (
	"fmt"
	"math"
	"math/rand/v2"
	"net/netip"
	"strings"
	"time"

	"github.com/nimbus-sim/nimbus/internal/mix"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
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
}

// Service is the EC2 service of a world: every region's instances,
// volumes, snapshots and spot pools. Call it through a Client, as the AWS
// SDK does; FailVolume and ReclaimSpot are the failure layer's hooks. A
// Service is owned by its Env's goroutine.
type Service struct {
	env  *sim.Env
	w    *region.World
	opts Options

	instances map[string]*Machine
	volumes   map[string]*volume
	snapshots map[string]*snapshot
	images    map[string]*Image
	pools     map[poolKey]*spotPool
	subs      []func(StateChangeEvent)
	bySlot    map[region.Slot]*Machine
	tokens    map[tokenKey]tokenEntry
	azNames   map[[2]string]string
	demands   map[string]*demand

	seq       uint64
	privateIP map[string]int // per AZ: addresses handed out
	publicIP  uint32
	rngs      map[string]*rand.Rand
	srcs      map[string]*rand.PCG

	deps
}

// New returns the EC2 service of world w. It registers the catalog's
// instance shapes that the world does not know yet, the public AMIs of
// every region, and subscribes to host failures.
func New(w *region.World, opts Options) (*Service, error) {
	if w == nil {
		panic("ec2: New: nil world")
	}
	d := DefaultLifecycleDelays
	if opts.Lifecycle == (LifecycleDelays{}) {
		opts.Lifecycle = d
	}
	if opts.Spot == nil {
		sp := DefaultSpotOptions()
		opts.Spot = &sp
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
	switch opts.HostFailure {
	case "":
		opts.HostFailure = "stop"
	case "stop", "terminate":
	default:
		return nil, fmt.Errorf("ec2: Options.HostFailure %q: want \"stop\" or \"terminate\"", opts.HostFailure)
	}
	s := &Service{
		env: w.Env(), w: w, opts: opts,
		instances: map[string]*Machine{}, volumes: map[string]*volume{}, snapshots: map[string]*snapshot{},
		images: map[string]*Image{}, pools: map[poolKey]*spotPool{}, bySlot: map[region.Slot]*Machine{}, tokens: map[tokenKey]tokenEntry{}, azNames: map[[2]string]string{}, demands: map[string]*demand{},
		privateIP: map[string]int{}, rngs: map[string]*rand.Rand{}, srcs: map[string]*rand.PCG{},
	}
	for _, it := range InstanceTypes() {
		if _, ok := w.Fleet().Shape(string(it.InstanceType)); ok {
			continue
		}
		if err := w.Fleet().RegisterShape(region.Shape{Name: string(it.InstanceType), Family: it.Family,
			VCPUs: it.VCPUs, MemoryMiB: int(it.MemoryMiB), GPUs: it.GPUs}); err != nil {
			return nil, err
		}
	}
	for _, r := range w.Regions() {
		s.registerImages(r.Code())
	}
	w.Fleet().OnHostEvent(s.onHostEvent)
	if err := s.initDeps(); err != nil {
		return nil, err
	}
	return s, nil
}

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
	m, ok := s.instances[instanceID]
	return m, ok
}

// Env returns the simulation environment.
func (s *Service) Env() *sim.Env { return s.env }

// World returns the world the service runs in.
func (s *Service) World() *region.World { return s.w }

// rng returns the stream "ec2/<region>/<what>".
func (s *Service) rng(region, what string) *rand.Rand {
	k := region + "/" + what
	r, ok := s.rngs[k]
	if !ok {
		r = s.env.Rand("ec2/" + k)
		s.rngs[k] = r
	}
	return r
}

// source returns a PCG source for gonum distributions, one per name.
func (s *Service) source(name string) *rand.PCG {
	src, ok := s.srcs[name]
	if !ok {
		src = s.env.Source(name + "/src")
		s.srcs[name] = src
	}
	return src
}

func (s *Service) newID(prefix string) string {
	s.seq++
	return fmt.Sprintf("%s-%017x", prefix, mix.SplitMix64(s.seq))
}

// place puts m on a host in its AZ.
func (s *Service) place(m *Machine) error {
	slot, err := s.w.Fleet().Place(m.azID, string(m.itype.InstanceType), region.PlaceOptions{})
	if err != nil {
		return err
	}
	info, err := s.w.Fleet().SlotInfo(slot)
	if err != nil {
		return err
	}
	m.slot = slot
	m.hostID = info.HostID
	s.bySlot[slot] = m
	s.attachNIC(m)
	return nil
}

// attachNIC registers the instance's primary network interface with the
// world at its host, with the instance type's bandwidth, so its transfers
// share it. "Up to" types burst for a limited time, "typically from 5 to
// 60 minutes, depending on the instance size"; we take the short end.
// https://docs.aws.amazon.com/ec2/latest/instancetypes/ec2-instance-network-bandwidth.html
func (s *Service) attachNIC(m *Machine) {
	it := m.itype
	if it.BaselineBandwidthMbps <= 0 {
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
	if s.w.Network().AttachInterface(primaryENI(m.id), loc, bw) == nil {
		m.eni = primaryENI(m.id)
	}
}

// primaryENI names an instance's primary interface after the instance.
func primaryENI(instanceID string) string { return "eni-" + strings.TrimPrefix(instanceID, "i-") }

// unplace releases m's host slot.
func (s *Service) unplace(m *Machine) {
	if m.slot.IsValid() {
		_ = s.w.Fleet().Release(m.slot) // the host may have failed and released it already
		delete(s.bySlot, m.slot)
	}
	if m.eni != "" {
		s.w.Network().DetachInterface(m.eni)
		m.eni = ""
	}
	m.slot = 0
	m.hostID = ""
}

// onHostEvent stops (or terminates) the instances of a failed host. The
// slots are already released by region.
func (s *Service) onHostEvent(ev region.HostEvent) {
	if !ev.Failed {
		return
	}
	for _, si := range ev.Slots {
		m, ok := s.bySlot[si.Slot]
		if !ok {
			continue
		}
		delete(s.bySlot, si.Slot)
		m.slot = 0
		switch m.state {
		case InstanceStatePending, InstanceStateRunning: // a stopping one just finishes stopping
			if s.opts.HostFailure == "terminate" || (m.spot != nil && m.spot.reqType != SpotPersistent) {
				s.terminate(m, "host-failure", reasonHostFailure, true)
			} else {
				s.stop(m, "host-failure", reasonHostFailure, true)
			}
		}
	}
}

// allocPrivateIP hands out the next address of the AZ's default subnet:
// the default VPC is 172.31.0.0/16 with one /20 per zone, the first four
// addresses reserved.
func (s *Service) allocPrivateIP(azID string) netip.Addr {
	z, _ := s.w.AZ(azID)
	k := 0
	for i, x := range z.Region().AZs() {
		if x.ID() == azID {
			k = i
		}
	}
	n := s.privateIP[azID] + 4
	s.privateIP[azID]++
	return netip.AddrFrom4([4]byte{172, 31, byte(16*k + (n>>8)&15), byte(n)})
}

// assignPublicIP gives m a fresh auto-assigned public address (from
// 3.80.0.0/12, an Amazon range); a stop gives it back.
func (s *Service) assignPublicIP(m *Machine) {
	s.publicIP++
	n := s.publicIP
	m.publicIP = netip.AddrFrom4([4]byte{3, 80 + byte(n>>16)&15, byte(n >> 8), byte(n)})
}

func (s *Service) releasePublicIP(m *Machine) { m.publicIP = netip.Addr{} }

// azName is World.AZName, cached: an account's zone names never change.
func (s *Service) azName(account, azID string) (string, error) {
	k := [2]string{account, azID}
	if n, ok := s.azNames[k]; ok {
		return n, nil
	}
	n, err := s.w.AZName(account, azID)
	if err == nil {
		s.azNames[k] = n
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
		if _, ok := VolumeSpecs[t]; !ok {
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

package region

import (
	"errors"

	"github.com/nimbus-sim/nimbus/internal/awserr"
	"github.com/nimbus-sim/nimbus/sim"
)

// Policy chooses among the hosts an instance fits on.
type Policy uint8

const (
	// BestFit (the default) takes the host whose largest free socket (or,
	// for oversubscribed hosts, free memory) is the smallest that fits,
	// found through the ordered free-capacity index in O(log hosts). It
	// keeps large holes for large instances.
	BestFit Policy = iota
	// FirstFit takes the first host in pool order that fits: a linear
	// scan, O(hosts); kept as the textbook baseline.
	FirstFit
	// WorstFit takes the emptiest host, spreading load (O(log hosts)).
	WorstFit
)

func (p Policy) String() string {
	switch p {
	case BestFit:
		return "best-fit"
	case FirstFit:
		return "first-fit"
	case WorstFit:
		return "worst-fit"
	}
	return "invalid-policy"
}

// PlaceOptions refine a placement.
type PlaceOptions struct {
	Policy Policy
	// Group, if set, applies a placement group's strategy.
	Group *PlacementGroup
	// Partition is the partition number (1-based) for partition groups;
	// 0 lets the group pick the partition with the fewest members.
	Partition int
	// Host, if set, places on this host only (Dedicated Host or affinity).
	Host string
	// Owner is an opaque value handed back in HostEvents (ec2 stores its
	// instance index here).
	Owner uint64
}

// ErrInsufficientInstanceCapacity is the sentinel of the error Place
// returns when no single host in the zone can take the instance, even if
// the zone's summed free capacity would suffice.
var ErrInsufficientInstanceCapacity = awserr.Code("InsufficientInstanceCapacity")

// ErrUnsupported is the sentinel for an instance type no host type in the
// world can host.
var ErrUnsupported = awserr.Code("Unsupported")

func insufficientCapacity(instanceType, azName string) error {
	return awserr.New("InsufficientInstanceCapacity", 500, true,
		"We currently do not have sufficient %s capacity in the Availability Zone you requested (%s). "+
			"Our system will be working on provisioning additional capacity. You can currently get %s capacity "+
			"by not specifying an Availability Zone in your request or choosing a different Availability Zone.",
		instanceType, azName, instanceType)
}

// Place puts one instance of instanceType on a host in zone azID and
// returns its slot. It fails with InsufficientInstanceCapacity when no host
// fits (the AWS message; HTTP 500 as EC2 returns it), with Unsupported when
// the zone has no host type for the instance type, and with
// InvalidParameterValue for an unknown zone or type or an invalid policy.
func (v Fleet) Place(azID, instanceType string, opts PlaceOptions) (Slot, error) {
	w := v.w
	z, si, err := w.placeArgs(azID, instanceType)
	if err != nil {
		return 0, err
	}
	sl, err := w.place(z, si, opts, false)
	if err == errNoHost {
		err = insufficientCapacity(w.shapes[si].Name, z.id)
	}
	return sl, err
}

// TryPlace is Place answering false, without building an error, where
// Place fails with InsufficientInstanceCapacity: for a caller that tries
// zone after zone and words its own error (ec2's RunInstances).
func (v Fleet) TryPlace(azID, instanceType string, opts PlaceOptions) (Slot, bool, error) {
	w := v.w
	z, si, err := w.placeArgs(azID, instanceType)
	if err != nil {
		return 0, false, err
	}
	sl, err := w.place(z, si, opts, false)
	if err == errNoHost {
		return 0, false, nil
	}
	return sl, err == nil, err
}

// placeArgs resolves Place's zone and instance type.
func (w *World) placeArgs(azID, instanceType string) (*AZ, uint16, error) {
	z, err := w.AZ(azID)
	if err != nil {
		return nil, 0, err
	}
	si, ok := w.shapeIx[instanceType]
	if !ok {
		return nil, 0, awserr.New("InvalidParameterValue", 400, false,
			"Invalid value '%s' for InstanceType.", instanceType)
	}
	return z, si, nil
}

// errNoHost is place's answer when no host takes the instance (or its
// zone is dark): Place words it as InsufficientInstanceCapacity.
var errNoHost = errors.New("region: no host fits")

func (w *World) place(z *AZ, si uint16, opts PlaceOptions, bg bool) (Slot, error) {
	s := &w.shapes[si]
	if opts.Policy > WorstFit {
		return 0, awserr.New("InvalidParameterValue", 400, false, "invalid placement policy %d", opts.Policy)
	}
	g := opts.Group
	if g != nil {
		if g.w != w {
			return 0, awserr.New("InvalidPlacementGroup.Unknown", 400, false, "placement group %q belongs to another world", g.name)
		}
		if g.deleted {
			return 0, awserr.New("InvalidPlacementGroup.Unknown", 400, false, "The placement group '%s' is unknown.", g.name)
		}
		if err := g.admit(z, opts.Partition); err != nil {
			return 0, err
		}
		opts.Partition = g.pickPartition(opts.Partition)
	}
	if w.faults.azDown(z) {
		return 0, errNoHost
	}
	var gi uint32
	if g != nil {
		gi = g.idx + 1
	}
	if opts.Host != "" {
		hi, err := w.parseHostID(opts.Host)
		if err != nil {
			return 0, err
		}
		h := &w.hosts[hi]
		if w.pools[h.pool].az != z {
			return 0, awserr.New("InvalidParameterCombination", 400, false,
				"host %s is not in availability zone %s", opts.Host, z.id)
		}
		if !w.hostTypes[h.typ].Supports(*s) {
			return 0, awserr.New("InvalidParameterCombination", 400, false,
				"host %s (type %s) cannot host %s", opts.Host, w.hostTypes[h.typ].Name, s.Name)
		}
		alloc, ok := w.fit(h, s)
		if !ok || (g != nil && !g.allows(w, hi, opts.Partition)) {
			return 0, awserr.New("InsufficientHostCapacity", 400, false,
				"There is not enough capacity on the Dedicated Host %s to launch or start the instance.", opts.Host)
		}
		sl := w.take(hi, si, alloc, gi, opts.Owner, bg)
		if g != nil {
			g.join(w, &w.slots[sl.index()], opts.Partition)
		}
		return sl, nil
	}
	supported := false
	pools := w.zonePools(z)
	for _, ti := range w.shapeTypes[si] {
		p := pools[ti]
		if p == nil {
			continue
		}
		supported = true
		hi, alloc, ok := w.search(p, s, opts, g)
		if ok {
			sl := w.take(hi, si, alloc, gi, opts.Owner, bg)
			if g != nil {
				g.join(w, &w.slots[sl.index()], opts.Partition)
			}
			return sl, nil
		}
	}
	if !supported {
		return 0, awserr.New("Unsupported", 400, false,
			"Your requested instance type (%s) is not supported in your requested Availability Zone (%s).", s.Name, z.id)
	}
	if g == nil {
		w.shortage(z, si, bg)
	}
	return 0, errNoHost
}

// CapacityShortage reports a launch that found no host: the signal a
// mechanistic spot model acts on (reclaim spot capacity that on-demand
// demand needs).
type CapacityShortage struct {
	At           sim.Time
	AZ           string
	InstanceType string
	// Background is true when the launch was a background tenant's.
	Background bool
}

// OnCapacityShortage subscribes f to launches that fail with
// InsufficientInstanceCapacity for lack of a fitting host (not those
// refused by a dark zone or a placement group rule).
func (v Fleet) OnCapacityShortage(f func(CapacityShortage)) {
	w := v.w
	if f == nil {
		panic("region: OnCapacityShortage: nil func")
	}
	w.shortObs = append(w.shortObs, f)
}

func (f *fleet) shortage(z *AZ, si uint16, bg bool) {
	if len(f.shortObs) == 0 {
		return
	}
	ev := CapacityShortage{At: f.w.env.Now(), AZ: z.id, InstanceType: f.w.shapes[si].Name, Background: bg}
	for _, o := range f.shortObs {
		o(ev)
	}
}

// search finds a host in pool p for shape s under the options' policy and
// group constraints.
func (f *fleet) search(p *pool, s *Shape, opts PlaceOptions, g *PlacementGroup) (hi uint32, alloc [maxSockets]uint8, ok bool) {
	ht := &f.w.hostTypes[p.typ]
	try := func(cand uint32) bool {
		h := &f.hosts[cand]
		if g != nil && !g.allows(f.w, cand, opts.Partition) {
			return false
		}
		a, fits := f.fit(h, s)
		if fits {
			hi, alloc, ok = cand, a, true
		}
		return fits
	}
	// A cluster group already anchored in this pool looks only at its rack.
	if g != nil && g.strategy == Cluster {
		if rack, anchored := g.anchor[p.idx]; anchored {
			lo := rack * f.w.rackSize
			hiPos := min(lo+f.w.rackSize, len(p.hosts))
			best := -1
			var bestKey uint64
			for pos := lo; pos < hiPos; pos++ {
				cand := p.hosts[pos]
				h := &f.hosts[cand]
				if h.failed != 0 {
					continue
				}
				if _, fits := f.fit(h, s); fits {
					if k := f.keyOf(cand); best < 0 || k < bestKey {
						best, bestKey = pos, k
					}
				}
			}
			if best >= 0 {
				try(p.hosts[best])
			}
			return
		}
	}
	switch opts.Policy {
	case FirstFit:
		for _, cand := range p.hosts {
			if f.hosts[cand].failed == 0 && try(cand) {
				return
			}
		}
	case WorstFit:
		f.tree(p).Descend(func(k uint64) bool {
			if k < f.lowerKey(ht, s) {
				return false
			}
			return !try(uint32(k))
		})
	default:
		f.tree(p).AscendGreaterOrEqual(f.lowerKey(ht, s), func(k uint64) bool {
			return !try(uint32(k))
		})
	}
	return
}

// Release frees slot s (an instance stopped or terminated). A restarted
// instance is placed afresh and may land on another host.
func (v Fleet) Release(s Slot) error {
	w := v.w
	if _, err := w.lookup(s); err != nil {
		return err
	}
	w.free(s.index())
	return nil
}

// HostEvent reports a host failing or coming back. On failure, Slots are
// the placements the host held; they have been released by the time
// observers run (the instances are gone from the hardware), so observers
// only update their own state, e.g. ec2 stops or terminates the instances.
type HostEvent struct {
	At     sim.Time
	HostID string
	AZ     string
	Failed bool // false: repaired
	Slots  []SlotInfo
}

// OnHostEvent subscribes f to host failures and repairs.
func (v Fleet) OnHostEvent(f func(HostEvent)) {
	w := v.w
	if f == nil {
		panic("region: OnHostEvent: nil func")
	}
	w.observers = append(w.observers, f)
}

// FailHost fails a host: it leaves the placement index, its instances are
// released and observers are told which they were. Failing a failed host
// is a no-op.
func (v Faults) FailHost(hostID string) error {
	w := v.w
	hi, err := w.parseHostID(hostID)
	if err != nil {
		return err
	}
	w.failHost(hi, failSelf)
	return nil
}

func (f *fleet) failHost(hi uint32, why failMask) {
	h := &f.hosts[hi]
	if h.failed != 0 {
		h.failed |= why
		return
	}
	var lost []SlotInfo
	for i := h.head; i != noSlot; i = f.slots[i].next {
		sl := &f.slots[i]
		lost = append(lost, f.slotInfo(Slot(uint64(sl.gen)<<32|uint64(i)), sl))
	}
	for _, si := range lost {
		f.free(si.Slot.index())
	}
	p := f.pools[h.pool]
	if p.index != nil {
		p.index.Delete(f.keyOf(hi))
	}
	h.failed = why
	env := f.w.env
	if env.Tracing() {
		env.Emit(hostID(hi), "host-failed", sim.F("az", p.az.id), sim.F("instances", len(lost)))
	}
	ev := HostEvent{At: env.Now(), HostID: hostID(hi), AZ: p.az.id, Failed: true, Slots: lost}
	for _, o := range f.observers {
		o(ev)
	}
}

// RepairHost returns a failed host to service, empty. Repairing a healthy
// host is a no-op; a host in a dark zone comes back with the zone.
func (v Faults) RepairHost(hostID string) error {
	w := v.w
	hi, err := w.parseHostID(hostID)
	if err != nil {
		return err
	}
	w.repairHost(hi, failSelf)
	return nil
}

func (f *fleet) repairHost(hi uint32, why failMask) {
	h := &f.hosts[hi]
	if h.failed == 0 {
		return
	}
	h.failed &^= why
	if h.failed != 0 {
		return
	}
	p := f.pools[h.pool]
	if p.index != nil {
		p.index.ReplaceOrInsert(f.keyOf(hi))
	}
	env := f.w.env
	if env.Tracing() {
		env.Emit(hostID(hi), "host-repaired", sim.F("az", p.az.id))
	}
	ev := HostEvent{At: env.Now(), HostID: hostID(hi), AZ: p.az.id}
	for _, o := range f.observers {
		o(ev)
	}
}

package storage

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/nimbus-sim/nimbus/failure"
	"github.com/nimbus-sim/nimbus/sim"
)

// Options configure a Pool. Zero fields take the defaults below.
type Options struct {
	// Name prefixes the pool's random streams ("s3/us-east-1").
	Name string
	// Zones are the zone IDs the pool's nodes live in.
	Zones []string
	// NodesPerZone is the number of storage nodes per zone (default 6).
	NodesPerZone int
	// NodeCapacityBytes is each node's capacity (default 16 TiB).
	NodeCapacityBytes int64
	// NodeLifetime is the distribution of a node's time to failure in
	// hours; nil means nodes never fail.
	NodeLifetime failure.Distribution
	// ReplaceAfter is how long a failed node stays out before an empty
	// replacement takes its place (default 24 h).
	ReplaceAfter time.Duration
	// RepairBandwidth is the rate, in bytes per second, at which a failed
	// node's replicas are rebuilt elsewhere (default 100 MiB/s; an
	// assumption, AWS publishes none).
	RepairBandwidth float64
	// DetectDelay is the time before a failure is noticed and rebuilding
	// starts (default 0).
	DetectDelay time.Duration
	// RepairExponential draws each group's rebuild time from an
	// exponential distribution with the deterministic time as its mean
	// (the Markov model's assumption) instead of rebuilding in sequence.
	RepairExponential bool
	// ZoneDown reports whether a zone is dark (region.World.AZDown); nil
	// means zones never go dark. A dark zone's replicas are unreachable,
	// not lost.
	ZoneDown func(zone string) bool
	// AnyZoneDown reports whether any zone is dark
	// (region.Faults.AnyAZDown). With it, Readable answers a pool whose
	// replicas are all in place without looking at the group. nil means
	// Readable asks ZoneDown about the group's zones.
	AnyZoneDown func() bool
}

// Defaults for Options.
const (
	DefaultNodesPerZone      = 6
	DefaultNodeCapacityBytes = 16 << 40
	DefaultReplaceAfter      = 24 * time.Hour
	DefaultRepairBandwidth   = 100 << 20
)

// GroupID names a replica group of a Pool. The zero GroupID is invalid.
type GroupID uint32

// IsValid reports whether g is not the zero GroupID.
func (g GroupID) IsValid() bool { return g != 0 }

// GroupSpec says where a group's replicas go.
type GroupSpec struct {
	// Replicas is the number of copies (default 3).
	Replicas int
	// SingleZone puts every replica in one zone (S3 One Zone-IA, EBS);
	// otherwise each replica is in a different zone.
	SingleZone bool
	// Zone picks the zone of a SingleZone group ("" draws one).
	Zone string
}

// Loss describes one group whose last replica failed before repair.
type Loss struct {
	Group   GroupID
	Epoch   uint32 // the epoch that was lost; the group now has Epoch+1
	Objects int64
	Bytes   int64
	At      sim.Time
}

// Stats counts what happened in a pool.
type Stats struct {
	NodeFailures, ReplicasLost, Repairs int64
	GroupsLost, ObjectsLost, BytesLost  int64
}

// ErrInsufficientCapacity is returned by Add when a replica's node is full.
var ErrInsufficientCapacity = errors.New("storage: insufficient node capacity")

type node struct {
	zone  int
	alive bool
	// gen counts the node's failures: a failure timer armed before the
	// node last failed (FailNode called from outside) is stale.
	gen    uint32
	groups map[GroupID]struct{}
	// A node's used bytes are not kept: they are the sum of its groups'
	// (usedOf), which only a check of room needs, and Pool.stored bounds
	// them, so that Add, on every S3 PUT, updates one group and not each
	// of its replicas' nodes.
}

type group struct {
	replicas []int32 // node index per replica; -1 while being rebuilt
	zones    []int   // zone of each replica
	bytes    int64
	objects  int64
	epoch    uint32
	spec     GroupSpec
}

// Pool is a region's storage nodes and the replica groups placed on them.
// Like everything in a sim world it is used from one goroutine.
type Pool struct {
	env      *sim.Env
	opts     Options
	nodes    []node
	byZone   [][]int32
	groups   []group // index 0 unused
	life     []failure.Distribution
	place    *rand.Rand
	repair   *rand.Rand
	stats    Stats
	onLoss   []func(Loss)
	zoneByID map[string]int
	// stored is the sum over groups of their bytes (those below zero
	// count as zero): no node holds more (a node holds at most one
	// replica of a group), so while stored plus an addition fits a
	// node's capacity, no node's room needs checking.
	stored int64
	// vacant counts the replica slots of groups that hold no node (lost,
	// being rebuilt, or never placed). A slot that holds a node holds a
	// live one: FailNode empties the slots of the node it fails, and
	// only live nodes are picked. So while vacant is zero every replica
	// is on a live node (Readable's fast path).
	vacant int
}

// New returns a pool with Options' nodes; failures start at once.
func New(env *sim.Env, opts Options) (*Pool, error) {
	if env == nil {
		panic("storage: New: nil env")
	}
	if len(opts.Zones) == 0 {
		return nil, fmt.Errorf("storage: New: no zones")
	}
	if opts.NodesPerZone == 0 {
		opts.NodesPerZone = DefaultNodesPerZone
	}
	if opts.NodeCapacityBytes == 0 {
		opts.NodeCapacityBytes = DefaultNodeCapacityBytes
	}
	if opts.ReplaceAfter == 0 {
		opts.ReplaceAfter = DefaultReplaceAfter
	}
	if opts.RepairBandwidth == 0 {
		opts.RepairBandwidth = DefaultRepairBandwidth
	}
	if opts.NodesPerZone < 0 || opts.NodeCapacityBytes < 0 || opts.ReplaceAfter < 0 ||
		!(opts.RepairBandwidth > 0) || opts.DetectDelay < 0 {
		return nil, fmt.Errorf("storage: New: invalid options %+v", opts)
	}
	if opts.NodeLifetime != nil {
		if err := opts.NodeLifetime.Validate(); err != nil {
			return nil, fmt.Errorf("storage: NodeLifetime: %w", err)
		}
	}
	p := &Pool{env: env, opts: opts, groups: make([]group, 1), zoneByID: map[string]int{},
		place: env.Rand(opts.Name + "/storage/placement"), repair: env.Rand(opts.Name + "/storage/repair")}
	for zi, z := range opts.Zones {
		if _, dup := p.zoneByID[z]; dup {
			return nil, fmt.Errorf("storage: New: zone %q listed twice", z)
		}
		p.zoneByID[z] = zi
		var ids []int32
		for range opts.NodesPerZone {
			ids = append(ids, int32(len(p.nodes)))
			p.nodes = append(p.nodes, node{zone: zi, alive: true, groups: map[GroupID]struct{}{}})
		}
		p.byZone = append(p.byZone, ids)
		if opts.NodeLifetime != nil {
			p.life = append(p.life, opts.NodeLifetime.WithSource(env.Source(opts.Name+"/storage/lifetime/"+z)))
		}
	}
	if opts.NodeLifetime != nil {
		for i := range p.nodes {
			p.armFailure(int32(i))
		}
	}
	return p, nil
}

// Zones returns the pool's zone IDs.
func (p *Pool) Zones() []string { return append([]string(nil), p.opts.Zones...) }

// Stats returns the pool's counters.
func (p *Pool) Stats() Stats { return p.stats }

// OnLoss registers f to hear about every lost group.
func (p *Pool) OnLoss(f func(Loss)) {
	if f == nil {
		panic("storage: OnLoss(nil)")
	}
	p.onLoss = append(p.onLoss, f)
}

// NewGroup places a replica group on live nodes. It fails when the pool
// has too few zones or live nodes for the spec.
func (p *Pool) NewGroup(spec GroupSpec) (GroupID, error) {
	if spec.Replicas == 0 {
		spec.Replicas = 3
	}
	if spec.Replicas < 0 {
		return 0, fmt.Errorf("storage: NewGroup: %d replicas", spec.Replicas)
	}
	zones, err := p.zonesFor(spec)
	if err != nil {
		return 0, err
	}
	id := GroupID(len(p.groups))
	p.groups = append(p.groups, group{spec: spec, zones: zones, replicas: make([]int32, len(zones))})
	g := &p.groups[id]
	for i := range g.replicas {
		g.replicas[i] = -1
	}
	p.vacant += len(g.replicas)
	for i, z := range zones {
		n, ok := p.pickNode(z, g, 0)
		if !ok {
			return 0, fmt.Errorf("storage: NewGroup: no live node in zone %s", p.opts.Zones[z])
		}
		p.setReplica(id, i, n)
	}
	return id, nil
}

func (p *Pool) zonesFor(spec GroupSpec) ([]int, error) {
	nz := len(p.opts.Zones)
	zones := make([]int, spec.Replicas)
	if spec.SingleZone {
		z := p.place.IntN(nz)
		if spec.Zone != "" {
			var ok bool
			if z, ok = p.zoneByID[spec.Zone]; !ok {
				return nil, fmt.Errorf("storage: NewGroup: unknown zone %q", spec.Zone)
			}
		}
		if spec.Replicas > p.opts.NodesPerZone {
			return nil, fmt.Errorf("storage: NewGroup: %d replicas in one zone of %d nodes", spec.Replicas, p.opts.NodesPerZone)
		}
		for i := range zones {
			zones[i] = z
		}
		return zones, nil
	}
	if spec.Replicas > nz {
		return nil, fmt.Errorf("storage: NewGroup: %d replicas across zones, but the pool has %d zones", spec.Replicas, nz)
	}
	perm := p.place.Perm(nz)
	copy(zones, perm[:spec.Replicas])
	return zones, nil
}

// pickNode draws a live node of zone z that holds no replica of g and has
// room for extra bytes.
func (p *Pool) pickNode(z int, g *group, extra int64) (int32, bool) {
	cands := p.byZone[z]
	start := p.place.IntN(len(cands))
	for k := range cands {
		n := cands[(start+k)%len(cands)]
		nd := &p.nodes[n]
		if !nd.alive || p.stored+extra > p.opts.NodeCapacityBytes && p.usedOf(n)+extra > p.opts.NodeCapacityBytes {
			continue
		}
		holds := false
		for _, r := range g.replicas {
			if r == n {
				holds = true
				break
			}
		}
		if !holds {
			return n, true
		}
	}
	return 0, false
}

func (p *Pool) setReplica(id GroupID, i int, n int32) {
	g := &p.groups[id]
	if g.replicas[i] < 0 {
		p.vacant--
	}
	g.replicas[i] = n
	p.nodes[n].groups[id] = struct{}{}
}

// usedOf is the bytes node n holds: the sum of its groups' (a failed
// node holds none, and its replacement starts empty). The order of a
// map's keys does not change a sum of integers.
func (p *Pool) usedOf(n int32) int64 {
	var used int64
	for id := range p.nodes[n].groups {
		used += p.groups[id].bytes
	}
	return used
}

// known reports whether id names one of the pool's groups.
func (p *Pool) known(id GroupID) bool { return id != 0 && int(id) < len(p.groups) }

func (p *Pool) group(id GroupID) *group {
	if !p.known(id) {
		// A panic, not a call: cheap enough in the inliner's count for
		// Epoch to inline (S3 asks it on every PUT and read).
		panic(unknownGroup(id))
	}
	return &p.groups[id]
}

// unknownGroup is group's panic value: its message is formatted only
// when printed.
type unknownGroup GroupID

func (e unknownGroup) Error() string { return fmt.Sprintf("storage: unknown group %d", uint32(e)) }

// Add adds bytes and objects (negative to remove) to a group. Adding
// fails with ErrInsufficientCapacity when a live replica's node is full.
func (p *Pool) Add(id GroupID, bytes, objects int64) error {
	return p.addChecked(p.group(id), bytes, objects)
}

// addChecked is Add on the group g.
func (p *Pool) addChecked(g *group, bytes, objects int64) error {
	if bytes > 0 && p.stored+bytes > p.opts.NodeCapacityBytes {
		if err := p.checkRoom(g, bytes); err != nil {
			return err
		}
	}
	p.add(g, bytes, objects)
	return nil
}

// add is Add once the room is checked.
func (p *Pool) add(g *group, bytes, objects int64) {
	old := g.bytes
	g.bytes += bytes
	g.objects += objects
	p.stored += max(g.bytes, 0) - max(old, 0)
}

// Replace is Add(to, bytes, 1) and, once that succeeded, if group from
// is still at epoch fromEpoch (not lost since), Add(from, -fromBytes,
// -1), in one call; it returns to's epoch. S3 replaces an object's
// version so on every overwrite.
func (p *Pool) Replace(to GroupID, bytes int64, from GroupID, fromEpoch uint32, fromBytes int64) (uint32, error) {
	g := p.group(to)
	if err := p.addChecked(g, bytes, 1); err != nil {
		return 0, err
	}
	if f := p.group(from); f.epoch == fromEpoch {
		p.add(f, -fromBytes, -1)
	}
	return g.epoch, nil
}

// checkRoom is Add's check that each live replica's node has room for
// bytes more, once the pool's bound (stored) no longer shows it.
//
//go:noinline
func (p *Pool) checkRoom(g *group, bytes int64) error {
	for _, n := range g.replicas {
		if n >= 0 && p.usedOf(n)+bytes > p.opts.NodeCapacityBytes {
			return p.errFull(n)
		}
	}
	return nil
}

// errFull is Add's error for a full node n. Out of line: S3 adds on
// every PUT, and the message's formatting would be in its code.
//
//go:noinline
func (p *Pool) errFull(n int32) error {
	return fmt.Errorf("%w: node %d of zone %s holds %d of %d bytes", ErrInsufficientCapacity,
		n, p.opts.Zones[p.nodes[n].zone], p.usedOf(n), p.opts.NodeCapacityBytes)
}

// Epoch returns the group's epoch: it grows by one each time the group is
// lost, so data written under an older epoch is gone. Every group starts
// at epoch 0, so until the pool loses one the answer needs no look at
// the group (S3 asks on every read, for objects spread over many groups).
func (p *Pool) Epoch(id GroupID) uint32 {
	if p.stats.GroupsLost == 0 && p.known(id) {
		return 0
	}
	return p.group(id).epoch
}

// Readable reports whether a replica of the group is on a live node in a
// zone that is not dark.
func (p *Pool) Readable(id GroupID) bool {
	if p.vacant == 0 && (p.opts.ZoneDown == nil || p.opts.AnyZoneDown != nil && !p.opts.AnyZoneDown()) && p.known(id) {
		// Every replica is in place (so on a live node) and no zone is
		// dark: the group's first replica answers, without reading the
		// group (its replicas, their nodes and zones lie in as many
		// places).
		return true
	}
	g := p.group(id)
	// The first live replica answers for a zone that is up, as for
	// every read of a healthy pool (S3 asks on every GET), with nothing
	// kept across the zone's look-up; the others are readableAfter's.
	for i, n := range g.replicas {
		if n >= 0 && p.nodes[n].alive {
			if !p.zoneDark(g.zones[i]) {
				return true
			}
			return p.readableAfter(g, i)
		}
	}
	return false
}

// readableAfter is Readable's loop over g's replicas after replica i,
// whose zone is dark.
//
//go:noinline
func (p *Pool) readableAfter(g *group, i int) bool {
	for i++; i < len(g.replicas); i++ {
		if n := g.replicas[i]; n >= 0 && p.nodes[n].alive && !p.zoneDark(g.zones[i]) {
			return true
		}
	}
	return false
}

// Replicas returns the zone IDs of the group's live replicas.
func (p *Pool) Replicas(id GroupID) []string {
	g := p.group(id)
	var out []string
	for i, n := range g.replicas {
		if n >= 0 && p.nodes[n].alive {
			out = append(out, p.opts.Zones[g.zones[i]])
		}
	}
	return out
}

func (p *Pool) zoneDark(z int) bool {
	return p.opts.ZoneDown != nil && p.opts.ZoneDown(p.opts.Zones[z])
}

func (p *Pool) armFailure(n int32) {
	d := p.life[p.nodes[n].zone].Rand()
	if !(d >= 0) || math.IsInf(d, 1) || d > 1e9 {
		return // never fails within any horizon a study plays
	}
	gen := p.nodes[n].gen
	p.env.AfterDaemon(time.Duration(d*float64(time.Hour)), func() {
		if p.nodes[n].gen == gen {
			p.FailNode(int(n))
		}
	})
}

// Nodes returns the number of nodes.
func (p *Pool) Nodes() int { return len(p.nodes) }

// FailNode fails node n now: its replicas are lost and rebuilt elsewhere;
// an empty replacement takes its place after ReplaceAfter. Failing a node
// that is already down does nothing.
func (p *Pool) FailNode(n int) {
	nd := &p.nodes[n]
	if !nd.alive {
		return
	}
	nd.alive = false
	nd.gen++
	p.stats.NodeFailures++
	ids := make([]GroupID, 0, len(nd.groups))
	for id := range nd.groups {
		ids = append(ids, id)
	}
	slices.Sort(ids) // map order must not reach the event order
	nd.groups = map[GroupID]struct{}{}
	offset := p.opts.DetectDelay
	for _, id := range ids {
		g := &p.groups[id]
		slot := -1
		for i, r := range g.replicas {
			if r == int32(n) {
				slot = i
			}
		}
		if slot < 0 {
			continue
		}
		g.replicas[slot] = -1
		p.vacant++
		p.stats.ReplicasLost++
		if p.live(g) == 0 {
			p.lose(id)
			continue
		}
		d := time.Duration(float64(g.bytes) / p.opts.RepairBandwidth * float64(time.Second))
		if p.opts.RepairExponential {
			mean := float64(p.opts.DetectDelay + d)
			p.scheduleRepair(id, slot, g.epoch, time.Duration(p.repair.ExpFloat64()*mean))
		} else {
			offset += d
			p.scheduleRepair(id, slot, g.epoch, offset)
		}
	}
	p.env.AfterDaemon(p.opts.ReplaceAfter, func() {
		p.nodes[n].alive = true
		if p.life != nil {
			p.armFailure(int32(n))
		}
	})
}

func (p *Pool) live(g *group) int {
	k := 0
	for _, r := range g.replicas {
		if r >= 0 {
			k++
		}
	}
	return k
}

func (p *Pool) scheduleRepair(id GroupID, slot int, epoch uint32, after time.Duration) {
	p.env.AfterDaemon(after, func() {
		g := &p.groups[id]
		if g.epoch != epoch || g.replicas[slot] >= 0 {
			return
		}
		n, ok := p.pickNode(g.zones[slot], g, g.bytes)
		if !ok {
			// No live node with room in the zone: try again once a
			// replacement may have arrived.
			p.scheduleRepair(id, slot, epoch, p.opts.ReplaceAfter)
			return
		}
		p.setReplica(id, slot, n)
		p.stats.Repairs++
	})
}

// lose records the loss of group id and places it afresh, empty.
func (p *Pool) lose(id GroupID) {
	g := &p.groups[id]
	l := Loss{Group: id, Epoch: g.epoch, Objects: g.objects, Bytes: g.bytes, At: p.env.Now()}
	p.stats.GroupsLost++
	p.stats.ObjectsLost += g.objects
	p.stats.BytesLost += g.bytes
	g.epoch++
	p.stored -= max(g.bytes, 0)
	g.bytes, g.objects = 0, 0
	if zones, err := p.zonesFor(g.spec); err == nil {
		g.zones = zones
	}
	for i, z := range g.zones {
		if n, ok := p.pickNode(z, g, 0); ok {
			p.setReplica(id, i, n)
		} else {
			p.scheduleRepair(id, i, g.epoch, p.opts.ReplaceAfter)
		}
	}
	for _, f := range p.onLoss {
		f(l)
	}
}

package region

import (
	"github.com/nimbus-sim/nimbus/internal/awserr"
)

// Strategy is a placement group strategy, as in EC2's CreatePlacementGroup.
type Strategy uint8

const (
	// Cluster packs instances into one rack of one zone (low latency, high
	// throughput); once anchored, a launch that does not fit in the rack
	// fails with InsufficientInstanceCapacity even if other racks are free,
	// as AWS warns for cluster groups.
	Cluster Strategy = iota + 1
	// Spread puts every instance on a distinct rack.
	Spread
	// PartitionStrategy gives each partition its own racks: instances of
	// different partitions never share a rack.
	PartitionStrategy
)

func (s Strategy) String() string {
	switch s {
	case Cluster:
		return "cluster"
	case Spread:
		return "spread"
	case PartitionStrategy:
		return "partition"
	}
	return "invalid-strategy"
}

// MaxPartitions is EC2's limit on partitions per partition group per zone.
const MaxPartitions = 7

// MaxSpreadPerAZ is EC2's limit of running instances per zone in a rack
// spread group. Place does not enforce it (it is an API quota, checked by
// ec2 with MembersIn); Place enforces the distinct racks.
const MaxSpreadPerAZ = 7

// PlacementGroup is the placement mechanics of an EC2 placement group; ec2
// owns the API (names per account and region, quotas) and passes the group
// in PlaceOptions.
type PlacementGroup struct {
	w          *World
	name       string
	strategy   Strategy
	partitions int
	idx        uint32
	deleted    bool
	members    int
	clusterAZ  *AZ
	anchor     map[uint32]int // cluster: pool -> rack
	racks      map[uint64]int // members per (pool, rack)
	rackPart   map[uint64]int // partition: (pool, rack) -> partition
	perAZ      map[*AZ]int    // members per zone
	perPart    map[int]int    // members per partition
}

// NewPlacementGroup creates a group. partitions is used only by
// PartitionStrategy (1..MaxPartitions).
func (v Fleet) NewPlacementGroup(name string, strategy Strategy, partitions int) (*PlacementGroup, error) {
	w := v.w
	if strategy < Cluster || strategy > PartitionStrategy {
		return nil, awserr.New("InvalidParameterValue", 400, false, "Invalid placement strategy %d", strategy)
	}
	if strategy == PartitionStrategy {
		if partitions < 1 || partitions > MaxPartitions {
			return nil, awserr.New("InvalidParameterValue", 400, false,
				"Partition count %d is out of range: must be between 1 and %d", partitions, MaxPartitions)
		}
	} else {
		partitions = 0
	}
	g := &PlacementGroup{w: w, name: name, strategy: strategy, partitions: partitions,
		idx: uint32(len(w.groups)), anchor: map[uint32]int{}, racks: map[uint64]int{},
		rackPart: map[uint64]int{}, perAZ: map[*AZ]int{}, perPart: map[int]int{}}
	w.groups = append(w.groups, g)
	return g, nil
}

// Name returns the group's name.
func (g *PlacementGroup) Name() string { return g.name }

// Strategy returns the group's strategy.
func (g *PlacementGroup) Strategy() Strategy { return g.strategy }

// Members returns the number of running instances in the group.
func (g *PlacementGroup) Members() int { return g.members }

// MembersIn returns the number of running instances in zone azID.
func (g *PlacementGroup) MembersIn(azID string) int {
	z, ok := g.w.azByID[azID]
	if !ok {
		return 0
	}
	return g.perAZ[z]
}

// Delete removes the group; it must be empty.
func (g *PlacementGroup) Delete() error {
	if g.members > 0 {
		return awserr.New("InvalidPlacementGroup.InUse", 400, false,
			"The placement group '%s' is in use and may not be deleted.", g.name)
	}
	g.deleted = true
	return nil
}

func (g *PlacementGroup) rackKey(hi uint32) uint64 {
	h := &g.w.hosts[hi]
	return uint64(h.pool)<<32 | uint64(int(h.pos)/g.w.rackSize)
}

// admit checks zone-level rules and resolves the partition number.
func (g *PlacementGroup) admit(z *AZ, partition int) error {
	switch g.strategy {
	case Cluster:
		if g.clusterAZ != nil && g.clusterAZ != z {
			// The error EC2 returns for this (seen in the wild, e.g.
			// hashicorp/terraform#16183).
			return awserr.New("InvalidPlacementGroup.InUse", 400, false,
				"The placement group '%s' is in use in another availability zone: %s", g.name, g.clusterAZ.id)
		}
	case PartitionStrategy:
		if partition < 0 || partition > g.partitions {
			return awserr.New("InvalidParameterValue", 400, false,
				"Partition number %d is out of range for placement group '%s' (1..%d)", partition, g.name, g.partitions)
		}
	default:
		if partition != 0 {
			return awserr.New("InvalidParameterCombination", 400, false,
				"A partition number is valid only for partition placement groups")
		}
	}
	return nil
}

// pickPartition resolves partition 0 to the partition with fewest members.
func (g *PlacementGroup) pickPartition(partition int) int {
	if g.strategy != PartitionStrategy || partition != 0 {
		return partition
	}
	best := 1
	for p := 2; p <= g.partitions; p++ {
		if g.perPart[p] < g.perPart[best] {
			best = p
		}
	}
	return best
}

// allows reports whether host hi is acceptable for the group.
func (g *PlacementGroup) allows(w *World, hi uint32, partition int) bool {
	k := g.rackKey(hi)
	switch g.strategy {
	case Cluster:
		h := &w.hosts[hi]
		if rack, ok := g.anchor[h.pool]; ok {
			return int(h.pos)/w.rackSize == rack
		}
		return true
	case Spread:
		return g.racks[k] == 0
	default:
		p, owned := g.rackPart[k]
		return !owned || p == g.pickPartition(partition)
	}
}

func (g *PlacementGroup) join(w *World, sl *slot, partition int) {
	h := &w.hosts[sl.host]
	k := g.rackKey(sl.host)
	z := w.pools[h.pool].az
	g.members++
	g.racks[k]++
	g.perAZ[z]++
	switch g.strategy {
	case Cluster:
		g.clusterAZ = z
		if _, ok := g.anchor[h.pool]; !ok {
			g.anchor[h.pool] = int(h.pos) / w.rackSize
		}
	case PartitionStrategy:
		p := g.pickPartition(partition)
		g.rackPart[k] = p
		g.perPart[p]++
	}
}

func (g *PlacementGroup) leave(f *fleet, sl *slot) {
	h := &f.hosts[sl.host]
	k := g.rackKey(sl.host)
	z := f.pools[h.pool].az
	g.members--
	g.perAZ[z]--
	if p, ok := g.rackPart[k]; ok {
		g.perPart[p]--
	}
	// A rack belongs to a partition (or counts against spread) only while
	// it has members.
	if g.racks[k]--; g.racks[k] == 0 {
		delete(g.racks, k)
		delete(g.rackPart, k)
	}
	if g.members == 0 {
		g.clusterAZ = nil
		clear(g.anchor)
	}
}

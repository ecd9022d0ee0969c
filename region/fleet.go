package region

import (
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/google/btree"

	"github.com/nimbus-sim/nimbus/internal/awserr"
	"github.com/nimbus-sim/nimbus/sim"
)

const (
	maxSockets = 4
	noSlot     = ^uint32(0)
	// btreeDegree trades node size for depth; 32 keeps a 100,000-host
	// pool at depth 3 to 4.
	btreeDegree = 32
)

// host is one physical server. It is kept small (28 bytes) because a
// world may hold 100,000 of them and a release touches a random one: its
// key in the pool index is not stored but recomputed (keyOf) from the
// fields it depends on, which callers read before changing them.
type host struct {
	free     [maxSockets]uint8 // free cores per socket (socket-bound types)
	memFree  uint32            // MiB
	vcpuFree uint16            // sold vCPUs not yet allocated
	nInst    uint16
	gpuFree  uint8
	typ      uint8
	failed   failMask
	pool     uint32
	pos      uint32 // index in pool.hosts; rack = pos / rackSize
	head     uint32 // first slot on the host, or noSlot
}

// failMask records why a host is out of service: its own failure, its
// zone's, or both. A host is in service only when no bit is set, so a host
// that failed on its own stays down when its zone comes back.
type failMask uint8

const (
	failSelf failMask = 1 << iota
	failZone
)

// slot is one placed instance: which host and which cores it holds. 32
// bytes (two per cache line; a release touches a random one and its list
// neighbours); the slots of a host form a doubly linked list so that a
// host failure finds its instances and a release unlinks in O(1).
type slot struct {
	owner      uint64
	host       uint32
	prev, next uint32
	group      uint32 // placement group index + 1, or 0
	gen        uint32
	shape      uint16
	alloc      allocCode
	flags      slotFlags
}

type slotFlags uint8

const (
	slotLive slotFlags = 1 << iota
	slotBackground
)

func (sl *slot) live() bool       { return sl.flags&slotLive != 0 }
func (sl *slot) background() bool { return sl.flags&slotBackground != 0 }

// allocCode is the cores a slot holds per socket, in one byte: bits 0-3
// mark sockets taken whole, bit 6 says one more socket holds the rest of
// the shape's cores and bits 4-5 name it. fit never splits an instance
// otherwise (whole sockets plus at most one partial one), so the code is
// exact; an oversubscribed host's slots hold no cores (code 0).
type allocCode uint8

const allocRest allocCode = 1 << 6

func encodeAlloc(a [maxSockets]uint8, coresPerSocket int) allocCode {
	var c allocCode
	for i, n := range a {
		switch {
		case n == 0:
		case int(n) == coresPerSocket:
			c |= 1 << i
		default:
			c |= allocRest | allocCode(i)<<4
		}
	}
	return c
}

func (c allocCode) decode(cores, coresPerSocket int) (a [maxSockets]uint8) {
	whole := 0
	for i := range a {
		if c&(1<<i) != 0 {
			a[i] = uint8(coresPerSocket)
			whole++
		}
	}
	if c&allocRest != 0 {
		a[c>>4&3] = uint8(cores - whole*coresPerSocket)
	}
	return a
}

// allocOf returns the cores slot sl holds on each socket of its host.
func (f *fleet) allocOf(sl *slot) [maxSockets]uint8 {
	return sl.alloc.decode(f.w.shapes[sl.shape].Cores(), f.w.hostTypes[f.hosts[sl.host].typ].CoresPerSocket)
}

// pool is the hosts of one host type in one zone, with the ordered index
// of their free capacity that best fit searches in O(log n).
type pool struct {
	az    *AZ
	typ   uint8
	idx   uint32
	hosts []uint32 // world host indices, in pool order
	// index is built on first use (tree), so that a world's thousands of
	// hosts cost a replication nothing in zones it never places in; while
	// it is nil, changes of free capacity need no bookkeeping.
	index *btree.BTreeG[uint64]
	bg    *background
}

// tree returns p's index of free capacity, building it from the hosts'
// current state on first use. Failed hosts are not in the index.
func (f *fleet) tree(p *pool) *btree.BTreeG[uint64] {
	if p.index == nil {
		if f.freeList == nil {
			f.freeList = btree.NewFreeListG[uint64](btree.DefaultFreeListSize)
		}
		p.index = btree.NewWithFreeListG[uint64](btreeDegree, lessKey, f.freeList)
		for _, hi := range p.hosts {
			if f.hosts[hi].failed == 0 {
				p.index.ReplaceOrInsert(f.keyOf(hi))
			}
		}
	}
	return p.index
}

// fleet is the World's host and slot storage.
//
// A zone's pools and hosts are built on first use (zonePools): hosts are
// numbered as if every zone had been built up front, zone by zone and
// host type by host type (hostLayout), so host IDs, pool numbers and
// every order derived from them do not depend on when a zone was built.
type fleet struct {
	w      *World
	layout hostLayout
	// zones[z] is zone z's pools by host type, nil until built; the
	// slice itself is made with the first zone.
	zones [][]*pool
	// pools is every pool by number (nil: its zone is not built yet);
	// hosts every host by index, allocated with the first zone built
	// (an unbuilt zone's hosts are zero and never read).
	pools     []*pool
	hosts     []host
	slots     []slot
	freeSlots []uint32
	groups    []*PlacementGroup
	observers []func(HostEvent)
	shortObs  []func(CapacityShortage)
	running   int
	// hostIDs caches the IDs slotInfo renders, by host index ("" not yet
	// rendered): a launch asks for its slot's host ID, and a host takes
	// many launches.
	hostIDs []string
	// freeList recycles the nodes of all the world's pool indexes.
	freeList *btree.FreeListG[uint64]
}

// hostLayout is the fleet every zone starts with.
type hostLayout struct {
	perType   []int // hosts per host type per zone
	perZone   int   // hosts per zone
	poolsZone int   // pools (host types with hosts) per zone
}

// hostLayout derives the starting fleet from Options.HostsPerAZ (nil:
// DefaultHostsPerAZ of every type). The built-in host types' default
// layout is the same for every world and is not rebuilt.
func (w *World) hostLayout(perAZ map[string]int) hostLayout {
	if perAZ == nil && w.hostTypes != nil {
		if base, err := builtinShapeTable(); err == nil && sameHostTypes(w.hostTypes, base.hostTypes) {
			return builtinLayout()
		}
	}
	return newHostLayout(w.hostTypes, perAZ)
}

func sameHostTypes(a, b []HostType) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

var builtinLayout = sync.OnceValue(func() hostLayout {
	base, err := builtinShapeTable()
	if err != nil {
		return hostLayout{}
	}
	return newHostLayout(base.hostTypes, nil)
})

func newHostLayout(hts []HostType, perAZ map[string]int) hostLayout {
	l := hostLayout{perType: make([]int, len(hts))}
	for ti, ht := range hts {
		n := DefaultHostsPerAZ
		if perAZ != nil {
			n = perAZ[ht.Name]
		}
		if n > 0 {
			l.perType[ti] = n
			l.perZone += n
			l.poolsZone++
		}
	}
	return l
}

func (f *fleet) init(w *World) { f.w = w }

// hostCount is the number of hosts in the world, built or not.
func (f *fleet) hostCount() int {
	if f.hosts == nil {
		return f.layout.perZone * len(f.w.azs)
	}
	return len(f.hosts)
}

// zonePools returns zone z's pools by host type (nil for a type without
// hosts there), building the zone on first use.
func (f *fleet) zonePools(z *AZ) []*pool {
	if f.zones != nil {
		if ps := f.zones[z.index]; ps != nil {
			return ps
		}
	}
	return f.buildZone(z)
}

// buildZone makes zone z's pools and starting hosts, numbered as the
// layout says: the zone's hosts follow those of the zones before it, host
// type by host type.
func (f *fleet) buildZone(z *AZ) []*pool {
	w, l := f.w, &f.layout
	if f.zones == nil {
		f.zones = make([][]*pool, len(w.azs))
		f.pools = make([]*pool, l.poolsZone*len(w.azs))
		f.hosts = make([]host, l.perZone*len(w.azs))
	}
	ps := make([]*pool, len(w.hostTypes))
	slab := make([]pool, l.poolsZone)
	lists := make([]uint32, l.perZone)
	pi := z.index * l.poolsZone
	hi := uint32(z.index * l.perZone)
	for ti, n := range l.perType {
		if n == 0 {
			continue
		}
		p := &slab[0]
		slab = slab[1:]
		// A full slice expression, so that Fleet.AddHosts appending to
		// this pool copies rather than overwrites the next pool's list.
		p.hosts = lists[:n:n]
		lists = lists[n:]
		p.az, p.typ, p.idx = z, uint8(ti), uint32(pi)
		f.pools[pi] = p
		ps[ti] = p
		pi++
		ht := &w.hostTypes[ti]
		for pos := range n {
			p.hosts[pos] = hi
			f.hosts[hi] = newHost(ht, ti, p.idx, pos)
			hi++
		}
	}
	f.zones[z.index] = ps
	return ps
}

// buildHostZone builds the zone of host hi if it is one of the starting
// hosts of a zone not built yet.
func (f *fleet) buildHostZone(hi uint32) {
	if n := f.layout.perZone; n > 0 && int(hi) < n*len(f.w.azs) {
		f.zonePools(f.w.azs[int(hi)/n])
	}
}

func newHost(ht *HostType, ti int, pool uint32, pos int) host {
	h := host{
		memFree:  uint32(ht.MemoryMiB),
		vcpuFree: uint16(ht.VCPUs),
		gpuFree:  uint8(ht.GPUs),
		typ:      uint8(ti),
		pool:     pool,
		pos:      uint32(pos),
		head:     noSlot,
	}
	for s := 0; s < ht.Sockets; s++ {
		h.free[s] = uint8(ht.CoresPerSocket)
	}
	return h
}

func lessKey(a, b uint64) bool { return a < b }

// Index keys order hosts by (free capacity, host index). A pool's hosts
// have increasing world indices in pool order, so the tie-break is pool
// order, and a key names its host without a lookup in pool.hosts. For
// socket-bound hosts the free capacity is the largest free socket (what
// decides whether an instance fits); for oversubscribed hosts it is free
// memory in 512 MiB units, and a host at its instance cap counts as full.
// Keeping the key to the deciding dimension means most placements (which
// take from a socket other than the largest) leave the key, and so the
// index, untouched.
func (f *fleet) keyOf(hi uint32) uint64 {
	h := &f.hosts[hi]
	ht := &f.w.hostTypes[h.typ]
	var p uint64
	if ht.Oversubscribed {
		p = uint64(h.memFree / 512)
		if ht.MaxInstances > 0 && int(h.nInst) >= ht.MaxInstances {
			p = 0
		}
	} else {
		for i := 0; i < ht.Sockets; i++ {
			if c := uint64(h.free[i]); c > p {
				p = c
			}
		}
	}
	if p > 0xffff {
		p = 0xffff
	}
	return p<<48 | uint64(hi)
}

// lowerKey is the smallest key a host able to take shape s can have.
func (f *fleet) lowerKey(ht *HostType, s *Shape) uint64 {
	var p uint64
	if ht.Oversubscribed {
		p = uint64(s.MemoryMiB / 512)
	} else {
		p = uint64(min(s.Cores(), ht.CoresPerSocket))
	}
	return p << 48
}

// AddHosts adds n hosts of a host type to zone azID and returns their IDs.
func (v Fleet) AddHosts(azID, hostType string, n int) ([]string, error) {
	w := v.w
	z, err := w.AZ(azID)
	if err != nil {
		return nil, err
	}
	ti, ok := w.hostTypeIx[hostType]
	if !ok {
		return nil, awserr.New("InvalidParameterValue", 400, false, "unknown host type %q", hostType)
	}
	if n < 0 {
		return nil, awserr.New("InvalidParameterValue", 400, false, "host count %d is negative", n)
	}
	ps := w.zonePools(z)
	first := len(w.hosts)
	p := ps[ti]
	if p == nil {
		p = &pool{az: z, typ: uint8(ti), idx: uint32(len(w.pools))}
		w.pools = append(w.pools, p)
		ps[ti] = p
	}
	ht := &w.hostTypes[ti]
	for range n {
		hi := uint32(len(w.hosts))
		w.hosts = append(w.hosts, newHost(ht, ti, p.idx, len(p.hosts)))
		p.hosts = append(p.hosts, hi)
		if p.index != nil {
			p.index.ReplaceOrInsert(w.keyOf(hi))
		}
	}
	ids := make([]string, n)
	for i := range ids {
		ids[i] = hostID(uint32(first + i))
	}
	return ids, nil
}

// hostIDOf is hostID, rendered once per host.
func (f *fleet) hostIDOf(i uint32) string {
	if int(i) >= len(f.hostIDs) {
		f.hostIDs = append(f.hostIDs, make([]string, int(i)+1-len(f.hostIDs))...)
	}
	id := f.hostIDs[i]
	if id == "" {
		id = hostID(i)
		f.hostIDs[i] = id
	}
	return id
}

// hostID formats a host index as a Dedicated Host style ID
// (h-0123456789abcdef0: "h-" and 17 hex digits).
func hostID(i uint32) string {
	const digits = "0123456789abcdef"
	var b [19]byte
	b[0], b[1] = 'h', '-'
	v := uint64(i)
	for j := 18; j >= 2; j-- {
		b[j] = digits[v&15]
		v >>= 4
	}
	return string(b[:])
}

// ErrInvalidHostID is the sentinel of the error for a malformed or unknown
// host ID.
var ErrInvalidHostID = awserr.Code("InvalidHostID.NotFound")

func (f *fleet) parseHostID(id string) (uint32, error) {
	if len(id) == 19 && id[0] == 'h' && id[1] == '-' && strings.Trim(id[2:], "0123456789abcdef") == "" {
		if v, err := strconv.ParseUint(id[2:], 16, 64); err == nil && v < uint64(f.hostCount()) {
			f.buildHostZone(uint32(v))
			return uint32(v), nil
		}
	}
	return 0, awserr.New("InvalidHostID.NotFound", 400, false, "The host ID '%s' does not exist", id)
}

// fit decides whether shape s fits host h and, for socket-bound hosts,
// which cores it takes from each socket.
func (f *fleet) fit(h *host, s *Shape) (alloc [maxSockets]uint8, ok bool) {
	ht := &f.w.hostTypes[h.typ]
	if h.failed != 0 || int(h.memFree) < s.MemoryMiB || int(h.gpuFree) < s.GPUs || int(h.vcpuFree) < s.VCPUs {
		return alloc, false
	}
	if ht.MaxInstances > 0 && int(h.nInst) >= ht.MaxInstances {
		return alloc, false
	}
	if ht.Oversubscribed {
		return alloc, true
	}
	c, cps := s.Cores(), ht.CoresPerSocket
	if c <= cps {
		// Best fit among sockets: the fullest one that still fits keeps
		// whole sockets free for large sizes.
		best := -1
		for i := 0; i < ht.Sockets; i++ {
			if int(h.free[i]) >= c && (best < 0 || h.free[i] < h.free[best]) {
				best = i
			}
		}
		if best < 0 {
			return alloc, false
		}
		alloc[best] = uint8(c)
		return alloc, true
	}
	// Larger than a socket: whole free sockets plus the remainder on one
	// more socket, preferring a partly used one.
	whole, rem := c/cps, c%cps
	var full [maxSockets]bool
	nFull := 0
	for i := 0; i < ht.Sockets; i++ {
		if int(h.free[i]) == cps {
			full[i] = true
			nFull++
		}
	}
	if nFull < whole {
		return alloc, false
	}
	if rem > 0 {
		best := -1
		for i := 0; i < ht.Sockets; i++ {
			if !full[i] && int(h.free[i]) >= rem && (best < 0 || h.free[i] < h.free[best]) {
				best = i
			}
		}
		if best < 0 {
			if nFull < whole+1 {
				return alloc, false
			}
			// Use the last whole socket for the remainder.
			for i := ht.Sockets - 1; i >= 0; i-- {
				if full[i] {
					full[i] = false
					best = i
					break
				}
			}
		}
		alloc[best] = uint8(rem)
	}
	taken := 0
	for i := 0; i < ht.Sockets && taken < whole; i++ {
		if full[i] {
			alloc[i] = uint8(cps)
			taken++
		}
	}
	return alloc, true
}

// reindex moves host hi from key old (its key before its free capacity
// changed) to its new key.
func (f *fleet) reindex(hi uint32, old uint64) {
	h := &f.hosts[hi]
	if h.failed != 0 {
		return
	}
	k := f.keyOf(hi)
	if k == old {
		return
	}
	if p := f.pools[h.pool]; p.index != nil {
		p.index.Delete(old)
		p.index.ReplaceOrInsert(k)
	}
}

// take applies a placement of shape si to host hi and returns the slot.
func (f *fleet) take(hi uint32, si uint16, alloc [maxSockets]uint8, group uint32, owner uint64, bg bool) Slot {
	h := &f.hosts[hi]
	s := &f.w.shapes[si]
	old := f.keyOf(hi)
	for i := range alloc {
		h.free[i] -= alloc[i]
	}
	h.memFree -= uint32(s.MemoryMiB)
	h.gpuFree -= uint8(s.GPUs)
	h.vcpuFree -= uint16(s.VCPUs)
	h.nInst++
	var idx uint32
	if n := len(f.freeSlots); n > 0 {
		idx = f.freeSlots[n-1]
		f.freeSlots = f.freeSlots[:n-1]
	} else {
		f.slots = append(f.slots, slot{})
		idx = uint32(len(f.slots) - 1)
	}
	sl := &f.slots[idx]
	gen := sl.gen + 1
	if gen == 0 {
		gen = 1
	}
	flags := slotLive
	if bg {
		flags |= slotBackground
	}
	*sl = slot{owner: owner, host: hi, prev: noSlot, next: h.head, group: group, gen: gen,
		shape: si, alloc: encodeAlloc(alloc, f.w.hostTypes[h.typ].CoresPerSocket), flags: flags}
	if h.head != noSlot {
		f.slots[h.head].prev = idx
	}
	h.head = idx
	f.running++
	f.reindex(hi, old)
	if env := f.w.env; env.Tracing() {
		env.Emit(hostID(hi), "place", sim.F("type", s.Name), sim.F("slot", idx), sim.F("background", bg))
	}
	return Slot(uint64(gen)<<32 | uint64(idx))
}

// free returns slot idx's capacity to its host and recycles the slot.
func (f *fleet) free(idx uint32) {
	sl := &f.slots[idx]
	h := &f.hosts[sl.host]
	s := &f.w.shapes[sl.shape]
	old := f.keyOf(sl.host)
	alloc := f.allocOf(sl)
	for i := range alloc {
		h.free[i] += alloc[i]
	}
	h.memFree += uint32(s.MemoryMiB)
	h.gpuFree += uint8(s.GPUs)
	h.vcpuFree += uint16(s.VCPUs)
	h.nInst--
	if sl.prev != noSlot {
		f.slots[sl.prev].next = sl.next
	} else {
		h.head = sl.next
	}
	if sl.next != noSlot {
		f.slots[sl.next].prev = sl.prev
	}
	if sl.group != 0 {
		f.groups[sl.group-1].leave(f, sl)
	}
	sl.flags = 0
	f.running--
	f.freeSlots = append(f.freeSlots, idx)
	f.reindex(sl.host, old)
	if env := f.w.env; env.Tracing() {
		env.Emit(hostID(sl.host), "release", sim.F("type", s.Name), sim.F("slot", idx))
	}
}

// Slot is the handle of one placed instance. The zero Slot is invalid; a
// released Slot stays invalid even when its storage is reused.
type Slot uint64

// IsValid reports whether s could name a placement (it may have been
// released since).
func (s Slot) IsValid() bool { return s>>32 != 0 }

func (s Slot) index() uint32 { return uint32(s) }
func (s Slot) gen() uint32   { return uint32(s >> 32) }

// ErrSlotNotFound is the sentinel for a Slot that was released (by Release
// or by its host failing) or never existed.
var ErrSlotNotFound = awserr.Code("SlotNotFound")

func (f *fleet) lookup(s Slot) (*slot, error) {
	i := s.index()
	if s.IsValid() && int(i) < len(f.slots) {
		if sl := &f.slots[i]; sl.live() && sl.gen == s.gen() {
			return sl, nil
		}
	}
	return nil, awserr.New("SlotNotFound", 400, false, "placement %#x is not running on any host", uint64(s))
}

// Running returns the number of placed instances, background tenants
// included.
func (v Fleet) Running() int {
	w := v.w
	return w.running
}

// HostCount returns the number of hosts in the world.
func (v Fleet) HostCount() int {
	w := v.w
	return w.hostCount()
}

// HostInfo is a snapshot of one host.
type HostInfo struct {
	ID       string
	AZ       string // zone ID
	Type     string
	Rack     int
	Failed   bool
	Capacity Capacity
	Used     Capacity
	// Instances is the number of placed instances, background included.
	Instances int
}

// Capacity is an amount of host resources.
type Capacity struct {
	VCPUs     int
	Cores     int
	MemoryMiB int
	GPUs      int
}

// Utilization is the used fraction of the host's binding dimension: cores
// for socket-bound hosts, the larger of memory and instance-count use for
// oversubscribed ones.
func (h HostInfo) Utilization() float64 {
	if h.Capacity.Cores > 0 && h.Capacity.VCPUs <= 2*h.Capacity.Cores {
		return float64(h.Used.Cores) / float64(h.Capacity.Cores)
	}
	return float64(h.Used.MemoryMiB) / float64(h.Capacity.MemoryMiB)
}

func (f *fleet) info(hi uint32) HostInfo {
	h := &f.hosts[hi]
	ht := &f.w.hostTypes[h.typ]
	p := f.pools[h.pool]
	freeCores := 0
	for i := 0; i < ht.Sockets; i++ {
		freeCores += int(h.free[i])
	}
	cap := Capacity{VCPUs: ht.VCPUs, Cores: ht.Sockets * ht.CoresPerSocket, MemoryMiB: ht.MemoryMiB, GPUs: ht.GPUs}
	used := Capacity{VCPUs: ht.VCPUs - int(h.vcpuFree), MemoryMiB: ht.MemoryMiB - int(h.memFree), GPUs: ht.GPUs - int(h.gpuFree)}
	if ht.Oversubscribed {
		used.Cores = 0
	} else {
		used.Cores = cap.Cores - freeCores
	}
	return HostInfo{ID: hostID(hi), AZ: p.az.id, Type: ht.Name, Rack: int(h.pos) / f.w.rackSize,
		Failed: h.failed != 0, Capacity: cap, Used: used, Instances: int(h.nInst)}
}

// Host returns a snapshot of a host by ID.
func (v Fleet) Host(id string) (HostInfo, error) {
	w := v.w
	hi, err := w.parseHostID(id)
	if err != nil {
		return HostInfo{}, err
	}
	return w.info(hi), nil
}

// Hosts returns snapshots of the hosts in zone azID, of one host type if
// hostType is not empty, in pool order.
func (v Fleet) Hosts(azID, hostType string) ([]HostInfo, error) {
	w := v.w
	z, err := w.AZ(azID)
	if err != nil {
		return nil, err
	}
	var out []HostInfo
	for ti, p := range w.zonePools(z) {
		if p == nil || (hostType != "" && w.hostTypes[ti].Name != hostType) {
			continue
		}
		for _, hi := range p.hosts {
			out = append(out, w.info(hi))
		}
	}
	return out, nil
}

// SlotInfo describes one placement.
type SlotInfo struct {
	Slot         Slot
	HostID       string
	AZ           string
	InstanceType string
	Owner        uint64
	Background   bool
}

// SlotInfo returns where slot s is placed.
func (v Fleet) SlotInfo(s Slot) (SlotInfo, error) {
	w := v.w
	sl, err := w.lookup(s)
	if err != nil {
		return SlotInfo{}, err
	}
	return w.slotInfo(s, sl), nil
}

func (f *fleet) slotInfo(s Slot, sl *slot) SlotInfo {
	h := &f.hosts[sl.host]
	return SlotInfo{Slot: s, HostID: f.hostIDOf(sl.host), AZ: f.pools[h.pool].az.id,
		InstanceType: f.w.shapes[sl.shape].Name, Owner: sl.owner, Background: sl.background()}
}

// FreeCapacity sums the free capacity of the healthy hosts of a type in a
// zone: the figure that can be large while no single host fits
// (fragmentation).
func (v Fleet) FreeCapacity(azID, hostType string) (Capacity, error) {
	w := v.w
	hs, err := w.Fleet().Hosts(azID, hostType)
	if err != nil {
		return Capacity{}, err
	}
	var c Capacity
	for _, h := range hs {
		if h.Failed {
			continue
		}
		c.VCPUs += h.Capacity.VCPUs - h.Used.VCPUs
		c.Cores += h.Capacity.Cores - h.Used.Cores
		c.MemoryMiB += h.Capacity.MemoryMiB - h.Used.MemoryMiB
		c.GPUs += h.Capacity.GPUs - h.Used.GPUs
	}
	return c, nil
}

func (f *fleet) String() string {
	return fmt.Sprintf("fleet{%d hosts, %d running}", f.hostCount(), f.running)
}

package region

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/nimbus-sim/nimbus/billing"
	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/internal/awserr"
	"github.com/nimbus-sim/nimbus/sim"
)

// Options configure NewWorld. The zero value builds the built-in catalog
// with DefaultHostsPerAZ hosts of every host type in every zone.
type Options struct {
	// Partitions and Regions replace the built-in Partitions() and
	// Catalog() to build a custom topology. Every region must name a
	// partition in Partitions.
	Partitions []PartitionSpec
	Regions    []RegionSpec
	// HostTypes replaces HostTypes(); Shapes replaces Shapes().
	HostTypes []HostType
	Shapes    []Shape
	// HostsPerAZ gives the fleet size per host type name in every zone.
	// nil means DefaultHostsPerAZ of every type; a map with a type missing
	// builds none of that type; a negative count is an error. Fleet.AddHosts
	// adds more later.
	HostsPerAZ map[string]int
	// RackSize is the number of hosts per rack, the unit spread placement
	// groups spread over and cluster groups pack into (default 16).
	RackSize int
	// Network replaces DefaultNetwork().
	Network *NetworkModel
	// Retry replaces the client retry and timeout defaults of Call.
	Retry *ClientConfig
	// Billing is the ledger services meter to; nil builds one with the
	// default catalog (billing.New(env, nil)).
	Billing *billing.Ledger
	// IAM is the identity service; nil builds one (iam.NewService(env)).
	// Every call is authenticated and authorized by it (steps 2-3 of the
	// pipeline); no call bypasses it.
	IAM *iam.Service
	// Router is the network layer's routing hook (SetRouter); nil means
	// direct paths.
	Router Router
}

// DefaultHostsPerAZ is the fleet size per host type per zone when
// Options.HostsPerAZ is nil.
const DefaultHostsPerAZ = 8

// DefaultRackSize is the number of hosts per rack when Options.RackSize is 0.
const DefaultRackSize = 16

// World is the provider side of one simulation: partitions, regions, zones,
// hosts, the network and the request pipeline. There is one World per
// sim.Env; like the Env it is used from one goroutine.
type World struct {
	env      *sim.Env
	rackSize int

	partitions  []*Partition
	partByName  map[string]*Partition
	regions     []*Region
	regionByKey map[string]*Region
	azs         []*AZ
	azByID      map[string]*AZ

	hostTypes  []HostType
	hostTypeIx map[string]int
	shapes     []Shape
	shapeIx    map[string]uint16
	// shapeTypes[s] lists the host types able to take shape s, in order.
	shapeTypes [][]uint8
	// typeArena backs the lists of shapeTypes (one growing array, not
	// an allocation per shape); each list is capped, and never written
	// once made, so growth leaves the earlier lists valid.
	typeArena []uint8

	fleet
	ledger *billing.Ledger
	iam    *iam.Service
	bg     bgHandles
	net    network
	faults faults
	pipe   pipeline
	router Router
	flows  flows
	anon   *iam.Principal
}

// Partition is an AWS partition (aws, aws-cn, aws-us-gov).
type Partition struct {
	spec    PartitionSpec
	regions []*Region
}

// Name returns the partition name ("aws").
func (p *Partition) Name() string { return p.spec.Name }

// DNSSuffix returns the endpoint DNS suffix ("amazonaws.com").
func (p *Partition) DNSSuffix() string { return p.spec.DNSSuffix }

// Regions returns the partition's regions in catalog order.
func (p *Partition) Regions() []*Region { return append([]*Region(nil), p.regions...) }

// Region is one AWS region.
type Region struct {
	spec      RegionSpec
	partition *Partition
	azs       []*AZ
	index     int
}

// Code returns the region code ("us-east-1").
func (r *Region) Code() string { return r.spec.Code }

// Name returns the display name ("US East (N. Virginia)").
func (r *Region) Name() string { return r.spec.Name }

// Partition returns the region's partition.
func (r *Region) Partition() *Partition { return r.partition }

// Coordinates returns the region's latitude and longitude in degrees.
func (r *Region) Coordinates() (lat, lon float64) { return r.spec.Lat, r.spec.Lon }

// AZs returns the region's zones in zone-ID order.
func (r *Region) AZs() []*AZ { return append([]*AZ(nil), r.azs...) }

func (r *Region) String() string { return r.spec.Code }

// AZ is one availability zone, named by its account-independent zone ID
// (use1-az1). Accounts see it under a name (us-east-1a) that World.AZName
// gives per account.
type AZ struct {
	id     string
	region *Region
	index  int // within the world
	pos    int // within the region
	// pools[t] is the pool of host type t in this zone, or nil.
	pools []*pool
}

// ID returns the zone ID ("use1-az1").
func (z *AZ) ID() string { return z.id }

// Region returns the zone's region.
func (z *AZ) Region() *Region { return z.region }

func (z *AZ) String() string { return z.id }

// NewWorld builds a world on env. Bad options (unknown partition, duplicate
// region or zone ID, invalid host type) are reported as an error.
func NewWorld(env *sim.Env, opts Options) (*World, error) {
	if env == nil {
		panic("region: NewWorld: nil env")
	}
	w := &World{
		env:         env,
		rackSize:    opts.RackSize,
		partByName:  map[string]*Partition{},
		regionByKey: map[string]*Region{},
		azByID:      map[string]*AZ{},
		hostTypeIx:  map[string]int{},
		shapeIx:     map[string]uint16{},
	}
	if w.rackSize <= 0 {
		w.rackSize = DefaultRackSize
	}
	parts, regs := opts.Partitions, opts.Regions
	if parts == nil {
		parts = Partitions()
	}
	if regs == nil {
		regs = Catalog()
	}
	for _, ps := range parts {
		if ps.Name == "" || ps.DNSSuffix == "" {
			return nil, fmt.Errorf("region: partition spec %+v needs a name and a DNS suffix", ps)
		}
		if _, dup := w.partByName[ps.Name]; dup {
			return nil, fmt.Errorf("region: duplicate partition %q", ps.Name)
		}
		p := &Partition{spec: ps}
		w.partitions = append(w.partitions, p)
		w.partByName[ps.Name] = p
	}
	for _, rs := range regs {
		p, ok := w.partByName[rs.Partition]
		if !ok {
			return nil, fmt.Errorf("region: region %q names unknown partition %q", rs.Code, rs.Partition)
		}
		if rs.Code == "" || len(rs.AZIDs) == 0 {
			return nil, fmt.Errorf("region: region spec %q needs a code and at least one zone", rs.Code)
		}
		if len(rs.AZIDs) > 26 {
			return nil, fmt.Errorf("region: region %q has %d zones; names run out at 26", rs.Code, len(rs.AZIDs))
		}
		if _, dup := w.regionByKey[rs.Code]; dup {
			return nil, fmt.Errorf("region: duplicate region %q", rs.Code)
		}
		rs.AZIDs = append([]string(nil), rs.AZIDs...)
		r := &Region{spec: rs, partition: p, index: len(w.regions)}
		w.regions = append(w.regions, r)
		w.regionByKey[rs.Code] = r
		p.regions = append(p.regions, r)
		for i, id := range rs.AZIDs {
			if _, dup := w.azByID[id]; dup || id == "" {
				return nil, fmt.Errorf("region: duplicate or empty zone ID %q in %q", id, rs.Code)
			}
			if _, clash := w.regionByKey[id]; clash {
				return nil, fmt.Errorf("region: zone ID %q is also a region code", id)
			}
			z := &AZ{id: id, region: r, index: len(w.azs), pos: i}
			w.azs = append(w.azs, z)
			w.azByID[id] = z
			r.azs = append(r.azs, z)
		}
	}
	for _, p := range w.partitions {
		if g := p.spec.GlobalRegion; g != "" && len(p.regions) > 0 {
			if r, ok := w.regionByKey[g]; !ok || r.partition != p {
				return nil, fmt.Errorf("region: partition %q: global region %q is not one of its regions", p.spec.Name, g)
			}
		}
	}
	hts := opts.HostTypes
	if hts == nil {
		hts = HostTypes()
	}
	if len(hts) > 255 {
		return nil, fmt.Errorf("region: %d host types; at most 255", len(hts))
	}
	for _, ht := range hts {
		if err := ht.validate(); err != nil {
			return nil, err
		}
		if _, dup := w.hostTypeIx[ht.Name]; dup {
			return nil, fmt.Errorf("region: duplicate host type %q", ht.Name)
		}
		w.hostTypeIx[ht.Name] = len(w.hostTypes)
		w.hostTypes = append(w.hostTypes, ht)
	}
	for _, z := range w.azs {
		z.pools = make([]*pool, len(w.hostTypes))
	}
	shapes := opts.Shapes
	if shapes == nil {
		shapes = Shapes()
	}
	for _, s := range shapes {
		if err := w.Fleet().RegisterShape(s); err != nil {
			return nil, err
		}
	}
	w.fleet.init(w)
	for name, n := range opts.HostsPerAZ {
		if n < 0 {
			return nil, fmt.Errorf("region: HostsPerAZ[%q] = %d is negative", name, n)
		}
	}
	// The host table, the pools and their host lists are sized up front:
	// one allocation each instead of thousands of appends.
	perAZ := make([]int, len(w.hostTypes))
	nPools, nHosts := 0, 0
	for ti, ht := range w.hostTypes {
		n := DefaultHostsPerAZ
		if opts.HostsPerAZ != nil {
			n = opts.HostsPerAZ[ht.Name]
		}
		if n > 0 {
			perAZ[ti] = n
			nPools++
			nHosts += n
		}
	}
	nPools *= len(w.azs)
	nHosts *= len(w.azs)
	w.hosts = make([]host, 0, nHosts)
	w.pools = make([]*pool, 0, nPools)
	slab := make([]pool, nPools)
	lists := make([]uint32, nHosts)
	for _, z := range w.azs {
		for ti, n := range perAZ {
			if n > 0 {
				p := &slab[0]
				slab = slab[1:]
				// A full slice expression, so that Fleet.AddHosts
				// appending to this pool copies rather than overwrites
				// the next pool's list.
				p.hosts = lists[:0:n]
				lists = lists[n:]
				z.pools[ti] = p
				p.az, p.typ, p.idx = z, uint8(ti), uint32(len(w.pools))
				w.pools = append(w.pools, p)
				w.addHosts(z, ti, n)
			}
		}
	}
	nm := opts.Network
	if nm == nil {
		d := DefaultNetwork()
		nm = &d
	}
	if err := w.net.init(w, *nm); err != nil {
		return nil, err
	}
	w.faults.init()
	cc := DefaultClientConfig()
	if opts.Retry != nil {
		cc = *opts.Retry
	}
	if err := cc.validate(); err != nil {
		return nil, err
	}
	w.iam = opts.IAM
	if w.iam == nil {
		w.iam = iam.NewService(env)
	}
	w.pipe.init(w, cc)
	w.anon = iam.AnonymousPrincipal()
	w.router = opts.Router
	w.flows.w = w
	w.ledger = opts.Billing
	if w.ledger == nil {
		w.ledger = billing.New(env, nil)
	}
	// Billing is set up at sign-up, as on AWS: each account IAM opens from
	// now on gets the free-tier plan of its creation date (accounts that
	// Options.IAM held before are left to the caller's SetAccount).
	w.iam.OnAccountCreated(func(id string, created time.Time) error {
		_, err := w.ledger.SignUp(id, created)
		return err
	})
	// Every region must have prices, or metering its first call would fail
	// after the call's effect; say so now, while it is the user's input.
	for _, r := range w.regions {
		if _, ok := w.ledger.Catalog().Region(r.Code()); !ok {
			return nil, fmt.Errorf("region: region %q has no prices in the billing catalog; add it with billing.Catalog.Merge and pass the ledger in Options.Billing", r.Code())
		}
	}
	return w, nil
}

// MustNewWorld is NewWorld for tests and examples: it panics on error.
func MustNewWorld(env *sim.Env, opts Options) *World {
	w, err := NewWorld(env, opts)
	if err != nil {
		panic(err)
	}
	return w
}

// Env returns the world's simulation environment.
func (w *World) Env() *sim.Env { return w.env }

// RegisterShape adds an instance shape (ec2 registers the rest of its
// catalog this way). A shape whose family no host type hosts can be
// registered but never placed.
func (v Fleet) RegisterShape(s Shape) error {
	w := v.w
	if s.Name == "" || s.Family == "" || s.VCPUs < 1 || s.MemoryMiB < 1 || s.GPUs < 0 {
		return fmt.Errorf("region: invalid shape %+v", s)
	}
	if _, dup := w.shapeIx[s.Name]; dup {
		return fmt.Errorf("region: duplicate shape %q", s.Name)
	}
	if len(w.shapes) >= 1<<16-1 {
		return fmt.Errorf("region: too many shapes")
	}
	start := len(w.typeArena)
	for i, ht := range w.hostTypes {
		if ht.Supports(s) {
			w.typeArena = append(w.typeArena, uint8(i))
		}
	}
	types := w.typeArena[start:len(w.typeArena):len(w.typeArena)]
	w.shapeIx[s.Name] = uint16(len(w.shapes))
	w.shapes = append(w.shapes, s)
	w.shapeTypes = append(w.shapeTypes, types)
	return nil
}

// Shape returns the shape of an instance type known to the world.
func (v Fleet) Shape(instanceType string) (Shape, bool) {
	w := v.w
	i, ok := w.shapeIx[instanceType]
	if !ok {
		return Shape{}, false
	}
	return w.shapes[i], true
}

// HostType returns a host type by name.
func (v Fleet) HostType(name string) (HostType, bool) {
	w := v.w
	i, ok := w.hostTypeIx[name]
	if !ok {
		return HostType{}, false
	}
	return w.hostTypes[i], true
}

// Partitions returns the world's partitions.
func (w *World) Partitions() []*Partition { return append([]*Partition(nil), w.partitions...) }

// PartitionByName returns a partition by name.
func (w *World) PartitionByName(name string) (*Partition, bool) {
	p, ok := w.partByName[name]
	return p, ok
}

// Regions returns all regions in catalog order.
func (w *World) Regions() []*Region { return append([]*Region(nil), w.regions...) }

// Region returns the region with the given code, or an
// InvalidParameterValue error naming it if there is none.
func (w *World) Region(code string) (*Region, error) {
	if r, ok := w.regionByKey[code]; ok {
		return r, nil
	}
	return nil, awserr.New("InvalidParameterValue", 400, false,
		"Invalid region %q: no such region in this world (known regions: %s)", code, w.regionList())
}

func (w *World) regionList() string {
	codes := make([]string, len(w.regions))
	for i, r := range w.regions {
		codes[i] = r.spec.Code
	}
	sort.Strings(codes)
	s := ""
	for i, c := range codes {
		if i > 0 {
			s += ", "
		}
		s += c
	}
	return s
}

// AZ returns the zone with the given zone ID ("use1-az1"), or an
// InvalidParameterValue error.
func (w *World) AZ(azID string) (*AZ, error) {
	if z, ok := w.azByID[azID]; ok {
		return z, nil
	}
	return nil, awserr.New("InvalidParameterValue", 400, false,
		"Invalid availability zone ID: [%s]", azID)
}

// AZs returns every zone of the world.
func (w *World) AZs() []*AZ { return append([]*AZ(nil), w.azs...) }

// azOrder returns the permutation that maps the account's zone names to the
// region's zone IDs: name letter i ('a'+i) is zone ID ids[perm[i]]. It is
// drawn from a stream named after (account, region), so it is stable for a
// seed, differs between accounts, and drawing it never disturbs any other
// stream.
func (w *World) azOrder(account string, r *Region) []int {
	src := sim.StreamSource(w.env.Seed(), "region/az-names/"+account+"/"+r.spec.Code)
	return rand.New(src).Perm(len(r.azs))
}

// AZName returns the name under which account sees zone azID, e.g.
// "us-east-1c" for use1-az1 in one account and "us-east-1a" in another.
func (w *World) AZName(account, azID string) (string, error) {
	z, err := w.AZ(azID)
	if err != nil {
		return "", err
	}
	for i, j := range w.azOrder(account, z.region) {
		if j == z.pos {
			return z.region.spec.Code + string(rune('a'+i)), nil
		}
	}
	panic("region: AZName: permutation misses a zone")
}

// AZID resolves an account's zone name ("us-east-1a") to the zone ID. It
// also accepts a zone ID and returns it unchanged, as the EC2 API accepts
// either in most places.
func (w *World) AZID(account, name string) (string, error) {
	if _, ok := w.azByID[name]; ok {
		return name, nil
	}
	if len(name) >= 2 {
		code, letter := name[:len(name)-1], name[len(name)-1]
		if r, ok := w.regionByKey[code]; ok && letter >= 'a' && int(letter-'a') < len(r.azs) {
			return r.azs[w.azOrder(account, r)[letter-'a']].id, nil
		}
	}
	return "", awserr.New("InvalidParameterValue", 400, false,
		"Invalid availability zone: [%s]", name)
}

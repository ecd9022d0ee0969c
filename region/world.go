package region

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"sync"
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
	// Policies, if set, is a cache of parsed policy documents the IAM
	// service shares with other worlds' (iam.Service.SharePolicies): the
	// replications of a study put the same documents into each world.
	Policies *iam.PolicyCache
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

	// The topology and the shape table are read-only here: the built-in
	// ones are built once per process and shared by every world that uses
	// them (RegisterShape copies the shape table before changing it).
	*topology
	*shapeTable

	fleet
	ledger *billing.Ledger
	iam    *iam.Service
	bg     bgHandles
	net    network
	faults faults
	pipe   pipeline
	router Router
	flows  flows
	anon   *iam.Principal // the anonymous caller, made on first use
	// azOrders caches azOrder (read-only slices), made on first use.
	azOrders *azOrders
}

// topology is a world's partitions, regions and zones. It holds nothing a
// world changes (per-zone state lives in the fleet), so one built-in
// topology serves every world of the process.
type topology struct {
	partitions  []*Partition
	partByName  map[string]*Partition
	regions     []*Region
	regionByKey map[string]*Region
	azs         []*AZ
	azByID      map[string]*AZ
}

// builtinTopology is the topology of Partitions() and Catalog(), built on
// first use and never written after.
var builtinTopology = sync.OnceValues(func() (*topology, error) {
	return newTopology(builtinPartitions(), builtinCatalog())
})

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
	// zoneNames is the names of the zones ("us-east-1a", "us-east-1b",
	// ...) end to end, built on first use (zoneName).
	zoneNames string
}

// zoneName returns the zone name with letter 'a'+i: a slice of one string
// of all the names, so that the names a world hands out (every launch and
// subnet asks) cost one allocation per region.
func (r *Region) zoneName(i int) string {
	if len(r.azs) > 26 {
		return r.spec.Code + string(rune('a'+i)) // past 'z': not one byte
	}
	n := len(r.spec.Code) + 1
	if r.zoneNames == "" {
		var b strings.Builder // String does not copy: one allocation
		b.Grow(n * len(r.azs))
		for k := range r.azs {
			b.WriteString(r.spec.Code)
			b.WriteByte(byte('a' + k))
		}
		r.zoneNames = b.String()
	}
	return r.zoneNames[i*n : (i+1)*n]
}

// Code returns the region code ("us-east-1").
func (r *Region) Code() string { return r.spec.Code }

// Index returns the region's position in the world's catalog (Regions),
// from 0.
func (r *Region) Index() int { return r.index }

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
}

// ID returns the zone ID ("use1-az1").
func (z *AZ) ID() string { return z.id }

// Region returns the zone's region.
func (z *AZ) Region() *Region { return z.region }

func (z *AZ) String() string { return z.id }

// NewWorld builds a world on env. Bad options (unknown partition, duplicate
// region or zone ID, invalid host type) are reported as an error.
//
// A zone's hosts and pools are built when the zone is first used (a
// placement, a host ID, a fault, a listing), with the IDs and order they
// would have had if built here, so a scenario in one region doesn't pay
// for the others.
func NewWorld(env *sim.Env, opts Options) (*World, error) {
	if env == nil {
		panic("region: NewWorld: nil env")
	}
	w := &World{env: env, rackSize: opts.RackSize}
	var err error
	if w.rackSize <= 0 {
		w.rackSize = DefaultRackSize
	}
	w.topology, err = sharedTopology(opts.Partitions, opts.Regions)
	if err == nil && w.topology == nil {
		parts, regs := opts.Partitions, opts.Regions
		if parts == nil {
			parts = builtinPartitions()
		}
		if regs == nil {
			regs = builtinCatalog()
		}
		w.topology, err = newTopology(parts, regs)
	}
	if err != nil {
		return nil, err
	}
	if opts.HostTypes == nil && opts.Shapes == nil {
		w.shapeTable, err = builtinShapeTable()
	} else {
		w.shapeTable, err = newShapeTable(opts.HostTypes, opts.Shapes)
	}
	if err != nil {
		return nil, err
	}
	w.fleet.init(w)
	for name, n := range opts.HostsPerAZ {
		if n < 0 {
			return nil, fmt.Errorf("region: HostsPerAZ[%q] = %d is negative", name, n)
		}
	}
	w.fleet.layout = w.hostLayout(opts.HostsPerAZ)
	nm := opts.Network
	if nm == nil {
		nm = builtinNetwork()
	}
	if err := w.net.init(w, nm); err != nil {
		return nil, err
	}
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
	if opts.Policies != nil {
		w.iam.SharePolicies(opts.Policies)
	}
	w.pipe.init(w, cc)
	w.setRouter(opts.Router)
	w.flows.w = w
	w.ledger = opts.Billing
	if w.ledger == nil {
		w.ledger = billing.New(env, nil)
	}
	// Billing is set up at sign-up, as on AWS: each account IAM opens from
	// now on gets the free-tier plan of its creation date (accounts that
	// Options.IAM held before are left to the caller's SetAccount).
	w.iam.OnAccountCreated(w.signUp)
	// Every region must have prices, or metering its first call would fail
	// after the call's effect; say so now, while it is the user's input.
	// (The built-in topology and catalog agree; that is checked once.)
	if w.topology != builtinTopologyOrNil() || w.ledger.Catalog() != billing.DefaultCatalog() || !builtinPriced() {
		if err := w.topology.checkPrices(w.ledger.Catalog()); err != nil {
			return nil, err
		}
	}
	return w, nil
}

// signUp opens the billing account of an account IAM creates.
func (w *World) signUp(id string, created time.Time) error {
	_, err := w.ledger.SignUp(id, created)
	return err
}

// builtinTopologyOrNil is the built-in topology if it was built without
// error (it always is; a nil never equals a world's topology).
func builtinTopologyOrNil() *topology {
	t, _ := builtinTopology()
	return t
}

// builtinPriced reports whether the default catalog prices every region of
// the built-in topology: computed once, as neither ever changes.
var builtinPriced = sync.OnceValue(func() bool {
	t, err := builtinTopology()
	return err == nil && t.checkPrices(billing.DefaultCatalog()) == nil
})

func (t *topology) checkPrices(cat *billing.Catalog) error {
	for _, r := range t.regions {
		if _, ok := cat.Region(r.Code()); !ok {
			return fmt.Errorf("region: region %q has no prices in the billing catalog; add it with billing.Catalog.Merge and pass the ledger in Options.Billing", r.Code())
		}
	}
	return nil
}

// newTopology validates partition and region specs and builds their
// topology.
func newTopology(parts []PartitionSpec, regs []RegionSpec) (*topology, error) {
	t := &topology{
		partByName:  make(map[string]*Partition, len(parts)),
		regionByKey: make(map[string]*Region, len(regs)),
		azByID:      map[string]*AZ{},
	}
	for _, ps := range parts {
		if ps.Name == "" || ps.DNSSuffix == "" {
			return nil, fmt.Errorf("region: partition spec %+v needs a name and a DNS suffix", ps)
		}
		if _, dup := t.partByName[ps.Name]; dup {
			return nil, fmt.Errorf("region: duplicate partition %q", ps.Name)
		}
		p := &Partition{spec: ps}
		t.partitions = append(t.partitions, p)
		t.partByName[ps.Name] = p
	}
	for _, rs := range regs {
		p, ok := t.partByName[rs.Partition]
		if !ok {
			return nil, fmt.Errorf("region: region %q names unknown partition %q", rs.Code, rs.Partition)
		}
		if rs.Code == "" || len(rs.AZIDs) == 0 {
			return nil, fmt.Errorf("region: region spec %q needs a code and at least one zone", rs.Code)
		}
		if len(rs.AZIDs) > 26 {
			return nil, fmt.Errorf("region: region %q has %d zones; names run out at 26", rs.Code, len(rs.AZIDs))
		}
		if _, dup := t.regionByKey[rs.Code]; dup {
			return nil, fmt.Errorf("region: duplicate region %q", rs.Code)
		}
		rs.AZIDs = append([]string(nil), rs.AZIDs...)
		r := &Region{spec: rs, partition: p, index: len(t.regions)}
		t.regions = append(t.regions, r)
		t.regionByKey[rs.Code] = r
		p.regions = append(p.regions, r)
		for i, id := range rs.AZIDs {
			if _, dup := t.azByID[id]; dup || id == "" {
				return nil, fmt.Errorf("region: duplicate or empty zone ID %q in %q", id, rs.Code)
			}
			if _, clash := t.regionByKey[id]; clash {
				return nil, fmt.Errorf("region: zone ID %q is also a region code", id)
			}
			z := &AZ{id: id, region: r, index: len(t.azs), pos: i}
			t.azs = append(t.azs, z)
			t.azByID[id] = z
			r.azs = append(r.azs, z)
		}
	}
	for _, p := range t.partitions {
		if g := p.spec.GlobalRegion; g != "" && len(p.regions) > 0 {
			if r, ok := t.regionByKey[g]; !ok || r.partition != p {
				return nil, fmt.Errorf("region: partition %q: global region %q is not one of its regions", p.spec.Name, g)
			}
		}
	}
	return t, nil
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
//
// The permutation is kept per (account, region): services ask for zone
// names on many calls, and drawing it anew gives the same one.
func (w *World) azOrder(account string, r *Region) []int {
	k := azOrderKey{account, r}
	c := w.azOrders
	if c != nil {
		if c.first == k {
			return c.firstPerm
		}
		if p, ok := c.more[k]; ok {
			return p
		}
	}
	src := sim.StreamSource(w.env.Seed(), "region/az-names/"+account+"/"+r.spec.Code)
	p := rand.New(src).Perm(len(r.azs))
	switch {
	case c == nil:
		w.azOrders = &azOrders{first: k, firstPerm: p}
	case c.more == nil:
		c.more = map[azOrderKey][]int{k: p}
	default:
		c.more[k] = p
	}
	return p
}

type azOrderKey struct {
	account string
	region  *Region
}

// azOrders are the permutations azOrder drew: most worlds have one
// account in one region, whose permutation is kept apart from the map
// of the others, made only for a second.
type azOrders struct {
	first     azOrderKey
	firstPerm []int
	more      map[azOrderKey][]int
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
			return z.region.zoneName(i), nil
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

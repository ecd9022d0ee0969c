package region

import (
	"fmt"
	"strings"
	"sync"
)

// Shape is what slot packing needs to know about an instance type: its
// family and its vCPUs, memory and GPUs. ec2 owns the full instance-type
// catalog (prices, network, burst credits); region keeps only this minimal
// table, which ec2 may extend with Fleet.RegisterShape.
type Shape struct {
	Name      string // "m5.large"
	Family    string // "m5"
	VCPUs     int
	MemoryMiB int
	GPUs      int
}

// Size returns the part after the dot ("large", "2xlarge").
func (s Shape) Size() string {
	if i := strings.IndexByte(s.Name, '.'); i >= 0 {
		return s.Name[i+1:]
	}
	return ""
}

// Cores is the number of physical cores the shape occupies on a Nitro
// host: vCPUs are hyperthreads, two per core [Dedicated Host price list 2019].
func (s Shape) Cores() int { return (s.VCPUs + 1) / 2 }

func gib(g float64) int { return int(g * 1024) }

// Shapes returns the built-in shape table: the t3, m5, c5, r5, p3 and g4dn
// rows (vCPU and GiB from the EC2 User Guide [instance types guide]), plus
// the p3.8xlarge and p3.16xlarge sizes that the p3 Dedicated Host table
// [Dedicated Host price list 2019] counts (4 and 8 GPUs; 244 and 488 GiB [instance types guide]).
func Shapes() []Shape {
	return []Shape{
		{"t3.nano", "t3", 2, gib(0.5), 0},
		{"t3.micro", "t3", 2, gib(1), 0},
		{"t3.small", "t3", 2, gib(2), 0},
		{"t3.medium", "t3", 2, gib(4), 0},
		{"t3.large", "t3", 2, gib(8), 0},
		{"t3.xlarge", "t3", 4, gib(16), 0},
		{"t3.2xlarge", "t3", 8, gib(32), 0},
		{"m5.large", "m5", 2, gib(8), 0},
		{"m5.xlarge", "m5", 4, gib(16), 0},
		{"m5.2xlarge", "m5", 8, gib(32), 0},
		{"m5.4xlarge", "m5", 16, gib(64), 0},
		{"m5.8xlarge", "m5", 32, gib(128), 0},
		{"m5.12xlarge", "m5", 48, gib(192), 0},
		{"m5.16xlarge", "m5", 64, gib(256), 0},
		{"m5.24xlarge", "m5", 96, gib(384), 0},
		{"c5.large", "c5", 2, gib(4), 0},
		{"c5.xlarge", "c5", 4, gib(8), 0},
		{"c5.2xlarge", "c5", 8, gib(16), 0},
		{"c5.4xlarge", "c5", 16, gib(32), 0},
		{"c5.9xlarge", "c5", 36, gib(72), 0},
		{"c5.12xlarge", "c5", 48, gib(96), 0},
		{"c5.18xlarge", "c5", 72, gib(144), 0},
		{"c5.24xlarge", "c5", 96, gib(192), 0},
		{"r5.large", "r5", 2, gib(16), 0},
		{"r5.xlarge", "r5", 4, gib(32), 0},
		{"r5.2xlarge", "r5", 8, gib(64), 0},
		{"r5.4xlarge", "r5", 16, gib(128), 0},
		{"r5.8xlarge", "r5", 32, gib(256), 0},
		{"r5.12xlarge", "r5", 48, gib(384), 0},
		{"r5.16xlarge", "r5", 64, gib(512), 0},
		{"r5.24xlarge", "r5", 96, gib(768), 0},
		{"p3.2xlarge", "p3", 8, gib(61), 1},
		{"p3.8xlarge", "p3", 32, gib(244), 4},
		{"p3.16xlarge", "p3", 64, gib(488), 8},
		{"g4dn.xlarge", "g4dn", 4, gib(16), 1},
	}
}

// HostType is a physical server model: the capacity that slot packing
// fills. Socket-bound types follow the packing rule derived from the
// Dedicated Host tables [Dedicated Hosts guide; Dedicated Host price list 2019]: an instance of c cores sits on one socket if c fits in a socket,
// otherwise it takes whole sockets plus the remainder on one more, so the
// per-size cap is sockets x floor(coresPerSocket / c), or 1 when c exceeds a
// socket. Oversubscribed types (T3) sell more vCPUs than the hardware has
// threads and are bounded by memory, sold vCPUs and an instance cap instead.
type HostType struct {
	Name           string // "m5"
	Family         string // the instance family it hosts
	Sockets        int
	CoresPerSocket int
	VCPUs          int // vCPUs sold per host (4x the threads for T3)
	MemoryMiB      int
	GPUs           int
	MaxInstances   int // 0 = no cap beyond the other dimensions
	// Oversubscribed hosts do not pin instances to cores (T3 burstable).
	Oversubscribed bool
	// Sizes, if non-empty, lists the only sizes the host offers (the c5
	// Skylake host has no 12xlarge or 24xlarge [Dedicated Host price list 2019]).
	Sizes []string
}

// Supports reports whether instances of shape s can ever be placed on
// this host type.
func (h HostType) Supports(s Shape) bool {
	if s.Family != h.Family || s.VCPUs > h.VCPUs || s.MemoryMiB > h.MemoryMiB || s.GPUs > h.GPUs {
		return false
	}
	if len(h.Sizes) > 0 {
		size := s.Size()
		for _, z := range h.Sizes {
			if z == size {
				return true
			}
		}
		return false
	}
	if !h.Oversubscribed && s.Cores() > h.Sockets*h.CoresPerSocket {
		return false
	}
	return true
}

func (h HostType) validate() error {
	switch {
	case h.Name == "" || h.Family == "":
		return fmt.Errorf("region: host type needs a name and a family")
	case h.Sockets < 1 || h.Sockets > maxSockets:
		return fmt.Errorf("region: host type %s: sockets %d out of range 1..%d", h.Name, h.Sockets, maxSockets)
	case h.CoresPerSocket < 1 || h.CoresPerSocket > 255:
		return fmt.Errorf("region: host type %s: cores per socket %d out of range 1..255", h.Name, h.CoresPerSocket)
	case h.VCPUs < 1 || h.VCPUs > 65535 || h.MemoryMiB < 1 || h.GPUs < 0 || h.GPUs > 255:
		return fmt.Errorf("region: host type %s: capacity out of range", h.Name)
	case h.MaxInstances < 0 || h.MaxInstances > 65535:
		return fmt.Errorf("region: host type %s: max instances %d out of range", h.Name, h.MaxInstances)
	}
	return nil
}

// HostTypes returns the built-in host types, from the Dedicated Host
// tables [Dedicated Hosts guide; Dedicated Host price list 2019]. Memory per host is the
// largest size's memory (m5.24xlarge 384 GiB, c5.18xlarge 144 GiB, ...);
// the T3 host's 768 GiB is DERIVED: it is the only value that reproduces
// the per-size caps of the T3 table (96 t3.large x 8 GiB, 24 t3.2xlarge x
// 32 GiB), with 384 vCPUs sold (4x its 96 threads) and at most 192
// instances. The g4dn host (2 x 24 cores, 8 T4 GPUs, 384 GiB, as
// g4dn.metal) is not in the tables and is an assumption.
func HostTypes() []HostType {
	return []HostType{
		{Name: "m5", Family: "m5", Sockets: 2, CoresPerSocket: 24, VCPUs: 96, MemoryMiB: gib(384)},
		{Name: "c5", Family: "c5", Sockets: 2, CoresPerSocket: 18, VCPUs: 72, MemoryMiB: gib(144),
			Sizes: []string{"large", "xlarge", "2xlarge", "4xlarge", "9xlarge", "18xlarge"}},
		// Second-generation c5 host (Xeon Platinum 8275CL) for the 12xlarge
		// and 24xlarge sizes, which the Skylake host lacks; 2 x 24 cores is
		// what c5.24xlarge's 96 vCPUs imply (assumption, not in [Dedicated Host price list 2019]).
		{Name: "c5.cascadelake", Family: "c5", Sockets: 2, CoresPerSocket: 24, VCPUs: 96, MemoryMiB: gib(192)},
		{Name: "r5", Family: "r5", Sockets: 2, CoresPerSocket: 24, VCPUs: 96, MemoryMiB: gib(768)},
		{Name: "t3", Family: "t3", Sockets: 2, CoresPerSocket: 24, VCPUs: 384, MemoryMiB: gib(768),
			MaxInstances: 192, Oversubscribed: true},
		{Name: "p3", Family: "p3", Sockets: 2, CoresPerSocket: 16, VCPUs: 64, MemoryMiB: gib(488), GPUs: 8},
		{Name: "g4dn", Family: "g4dn", Sockets: 2, CoresPerSocket: 24, VCPUs: 96, MemoryMiB: gib(384), GPUs: 8},
	}
}

// shapeTable is the host types and instance shapes a world packs. The
// built-in table (HostTypes and Shapes) is built once per process and
// shared by every world that uses it, read-only: a world registering a
// shape of its own first takes a private copy (RegisterShape).
type shapeTable struct {
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
	// shared tables are read by many worlds (and goroutines) and never
	// written.
	shared bool
}

// builtinShapeTable is the table of HostTypes() and Shapes().
var builtinShapeTable = sync.OnceValues(func() (*shapeTable, error) {
	t, err := newShapeTable(nil, nil)
	if t != nil {
		t.shared = true
	}
	return t, err
})

// newShapeTable validates host types and shapes (nil: the built-in ones)
// and builds their table.
func newShapeTable(hts []HostType, shapes []Shape) (*shapeTable, error) {
	if hts == nil {
		hts = HostTypes()
	}
	if shapes == nil {
		shapes = Shapes()
	}
	if len(hts) > 255 {
		return nil, fmt.Errorf("region: %d host types; at most 255", len(hts))
	}
	t := &shapeTable{hostTypeIx: make(map[string]int, len(hts)), shapeIx: make(map[string]uint16, len(shapes))}
	for _, ht := range hts {
		if err := ht.validate(); err != nil {
			return nil, err
		}
		if _, dup := t.hostTypeIx[ht.Name]; dup {
			return nil, fmt.Errorf("region: duplicate host type %q", ht.Name)
		}
		t.hostTypeIx[ht.Name] = len(t.hostTypes)
		t.hostTypes = append(t.hostTypes, ht)
	}
	for _, s := range shapes {
		if err := t.register(s); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// register adds shape s to t, which must not be shared.
func (t *shapeTable) register(s Shape) error {
	if err := t.check(s); err != nil {
		return err
	}
	if t.shared {
		panic("region: shape table: write to a shared table")
	}
	start := len(t.typeArena)
	for i, ht := range t.hostTypes {
		if ht.Supports(s) {
			t.typeArena = append(t.typeArena, uint8(i))
		}
	}
	types := t.typeArena[start:len(t.typeArena):len(t.typeArena)]
	t.shapeIx[s.Name] = uint16(len(t.shapes))
	t.shapes = append(t.shapes, s)
	t.shapeTypes = append(t.shapeTypes, types)
	return nil
}

// clone returns a private copy of t to register more shapes in. The host
// types never change, so the copy shares them, and the type lists already
// made are read-only; new lists go to an arena of the copy's own.
func (t *shapeTable) clone(extra int) *shapeTable {
	c := &shapeTable{hostTypes: t.hostTypes, hostTypeIx: t.hostTypeIx,
		shapes:     append(make([]Shape, 0, len(t.shapes)+extra), t.shapes...),
		shapeIx:    make(map[string]uint16, len(t.shapes)+extra),
		shapeTypes: append(make([][]uint8, 0, len(t.shapes)+extra), t.shapeTypes...)}
	for k, v := range t.shapeIx {
		c.shapeIx[k] = v
	}
	return c
}

// RegisterShape adds an instance shape (ec2 registers the rest of its
// catalog this way, or with RegisterShapes). A shape whose family no host
// type hosts can be registered but never placed.
func (v Fleet) RegisterShape(s Shape) error {
	w := v.w
	if w.shapeTable.shared {
		// Check first, so that a rejected shape leaves the world on the
		// shared table.
		if err := w.shapeTable.check(s); err != nil {
			return err
		}
		w.shapeTable = w.shapeTable.clone(1)
	}
	return w.shapeTable.register(s)
}

// check is register's validation alone.
func (t *shapeTable) check(s Shape) error {
	if s.Name == "" || s.Family == "" || s.VCPUs < 1 || s.MemoryMiB < 1 || s.GPUs < 0 {
		return fmt.Errorf("region: invalid shape %+v", s)
	}
	if _, dup := t.shapeIx[s.Name]; dup {
		return fmt.Errorf("region: duplicate shape %q", s.Name)
	}
	if len(t.shapes) >= 1<<16-1 {
		return fmt.Errorf("region: too many shapes")
	}
	return nil
}

// ShapeSet is a list of shapes a service registers in every world it
// serves (ec2's instance types). Build it once per process with
// NewShapeSet and never change the slice given: registering it in a world
// of the built-in host types and shapes then adopts a table extended once
// and shared, instead of registering the shapes one by one per world.
type ShapeSet struct {
	shapes []Shape
	// extended is the built-in table plus the set's shapes, computed on
	// first use.
	extended func() (*shapeTable, error)
}

// NewShapeSet returns the set of shapes (in order; it keeps the slice).
func NewShapeSet(shapes []Shape) *ShapeSet {
	set := &ShapeSet{shapes: shapes}
	set.extended = sync.OnceValues(func() (*shapeTable, error) {
		base, err := builtinShapeTable()
		if err != nil {
			return nil, err
		}
		t := base.clone(len(shapes))
		for _, s := range shapes {
			if _, known := t.shapeIx[s.Name]; known {
				continue
			}
			if err := t.register(s); err != nil {
				return nil, err
			}
		}
		t.shared = true
		return t, nil
	})
	return set
}

// RegisterShapes registers, in order, every shape of set the world does
// not know yet (by name), as RegisterShape would one by one; on an error
// the shapes before the failing one stay registered.
func (v Fleet) RegisterShapes(set *ShapeSet) error {
	w := v.w
	if base, err := builtinShapeTable(); err == nil && w.shapeTable == base {
		if t, err := set.extended(); err == nil {
			w.shapeTable = t
			return nil
		}
		// Register one by one to fail where RegisterShape would.
	}
	for _, s := range set.shapes {
		if _, known := w.shapeIx[s.Name]; known {
			continue
		}
		if err := v.RegisterShape(s); err != nil {
			return err
		}
	}
	return nil
}

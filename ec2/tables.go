package ec2

import (
	"math/rand/v2"

	"github.com/nimbus-sim/nimbus/internal/keyed"
)

// tables are the Service's small lookup tables. A replication's world
// keeps a handful of entries in each (its account's zones and homes, the
// instance type it launches, the streams it draws from), where a map
// each cost some 250-340 bytes on its first write, eight maps per world;
// a keyed.List scans them while they are few, and indexes them in a map
// past keyed.ScanMax, for a study of many accounts or types. They are
// behind one pointer, made on first use, so that the Service stays
// within its size class and a world that launches nothing makes none.
// No table is ever ranged over: their order does not matter.
type tables struct {
	usages   keyed.List[InstanceType, *typeUsage]  // usageTypes
	rngs     keyed.List[[2]string, rngEntry]       // rng, by (region, what)
	srcs     keyed.List[string, srcEntry]          // source, by name
	homes    keyed.List[[2]string, *machineHome]   // home, by (account, zone ID)
	azNames  keyed.List[[2]string, azNameEntry]    // azName, by (account, zone ID)
	orders   keyed.List[[2]string, zoneOrderEntry] // zoneOrder, by (account, region)
	roots    keyed.List[*Image, rootsEntry]        // rootDevices, by image
	profiles keyed.List[string, *instanceProfile]  // instanceProfile, by ARN
}

// tab returns the service's tables, made on first use.
func (s *Service) tab() *tables {
	if s.tables == nil {
		s.tables = new(tables)
	}
	return s.tables
}

func (u *typeUsage) Key() InstanceType  { return u.it }
func (h *machineHome) Key() [2]string   { return [2]string{h.account, h.azID} }
func (e zoneOrderEntry) Key() [2]string { return e.key }
func (p *instanceProfile) Key() string  { return p.arn }

// rngEntry is the stream "ec2/<region>/<what>", keyed by the pair so
// that a lookup on the launch path doesn't build the name.
type rngEntry struct {
	k [2]string
	r *rand.Rand
}

func (e rngEntry) Key() [2]string { return e.k }

type srcEntry struct {
	name string
	src  *rand.PCG
}

func (e srcEntry) Key() string { return e.name }

type azNameEntry struct {
	k    [2]string
	name string
}

func (e azNameEntry) Key() [2]string { return e.k }

// rootsEntry is an image's devices of a launch without mappings.
type rootsEntry struct {
	img *Image
	ds  []deviceSpec
}

func (e rootsEntry) Key() *Image { return e.img }

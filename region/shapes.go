package region

import (
	"fmt"
	"strings"
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
// host: vCPUs are hyperthreads, two per core [S2].
func (s Shape) Cores() int { return (s.VCPUs + 1) / 2 }

func gib(g float64) int { return int(g * 1024) }

// Shapes returns the built-in shape table: the t3, m5, c5, r5, p3 and g4dn
// rows of REFERENCE.md 2.1 (vCPU and GiB from the EC2 User Guide [S3]), plus
// the p3.8xlarge and p3.16xlarge sizes that the p3 Dedicated Host table of
// REFERENCE.md 1.2 counts (4 and 8 GPUs; 244 and 488 GiB [S3]).
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
// fills. Socket-bound types follow the DERIVED packing rule of REFERENCE.md
// 1.2: an instance of c cores sits on one socket if c fits in a socket,
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
	// Skylake host has no 12xlarge or 24xlarge [S2]).
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
// tables of REFERENCE.md 1.2 and 1.3 [S1, S2]. Memory per host is the
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
		// what c5.24xlarge's 96 vCPUs imply (assumption, not in [S2]).
		{Name: "c5.cascadelake", Family: "c5", Sockets: 2, CoresPerSocket: 24, VCPUs: 96, MemoryMiB: gib(192)},
		{Name: "r5", Family: "r5", Sockets: 2, CoresPerSocket: 24, VCPUs: 96, MemoryMiB: gib(768)},
		{Name: "t3", Family: "t3", Sockets: 2, CoresPerSocket: 24, VCPUs: 384, MemoryMiB: gib(768),
			MaxInstances: 192, Oversubscribed: true},
		{Name: "p3", Family: "p3", Sockets: 2, CoresPerSocket: 16, VCPUs: 64, MemoryMiB: gib(488), GPUs: 8},
		{Name: "g4dn", Family: "g4dn", Sockets: 2, CoresPerSocket: 24, VCPUs: 96, MemoryMiB: gib(384), GPUs: 8},
	}
}

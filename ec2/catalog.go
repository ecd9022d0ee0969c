package ec2

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/nimbus-sim/nimbus/region"
)

// InstanceType names an instance type, e.g. "m5.large" (aws-sdk-go-v2's
// types.InstanceType).
type InstanceType string

// InstanceTypeInfo describes one instance type: the shape a host slot must
// hold and what DescribeInstanceTypes reports about it. It carries no
// price: instance prices live in one place, billing's catalog
// (billing.DefaultCatalog, usage type "BoxUsage:<type>"); ask
// Service.OnDemandPrice for a type's price in a region.
type InstanceTypeInfo struct {
	InstanceType InstanceType
	Family       string // "m5"
	Generation   int    // 5
	Size         string // "large"
	VCPUs        int
	MemoryMiB    int64
	// GPUs counts the type's accelerators: NVIDIA GPUs, or AWS Trainium and
	// Inferentia chips (GPUModel says which); GPUMemoryMiB is their total
	// memory.
	GPUs         int
	GPUModel     string
	GPUMemoryMiB int64
	// Architecture is "x86_64" or "arm64" (Graviton); an AMI must match.
	Architecture string
	// NetworkPerformance is the marketing class ("Up to 10 Gigabit",
	// "25 Gigabit"); the two bandwidth fields give the numbers behind it.
	NetworkPerformance    string
	BaselineBandwidthMbps int
	BurstBandwidthMbps    int
	// Burstable types earn CPU credits (see CreditSpec).
	Burstable bool
	// BaselinePermille is the burstable baseline per vCPU in 1/1000 (100 = 10%).
	BaselinePermille int
	// LaunchCreditsPerVCPU: T2 starts with launch credits, T3 with none [burstable guide].
	LaunchCreditsPerVCPU int
	// CreditsSurviveStop: T3 keeps accrued credits for 7 days after a stop,
	// T2 loses them [burstable guide].
	CreditsSurviveStop bool
	Nitro              bool
	// Hibernation: the type supports hibernation (see Hibernate).
	Hibernation bool
	// AutoRecovery: the type supports simplified automatic recovery on a
	// host failure (EBS-only storage, no accelerators needing a host
	// binding); see Options.HostFailure.
	AutoRecovery bool
}

// CreditsPerHour is baseline x vCPUs x 60 [burstable guide]: one credit is one vCPU at
// 100% for one minute.
func (t InstanceTypeInfo) CreditsPerHour() float64 {
	return float64(t.BaselinePermille) / 1000 * float64(t.VCPUs) * 60
}

// MaxCredits is 24 hours of earnings [burstable guide].
func (t InstanceTypeInfo) MaxCredits() float64 { return 24 * t.CreditsPerHour() }

// Baseline is the baseline utilization as a fraction of all the type's vCPUs.
func (t InstanceTypeInfo) Baseline() float64 { return float64(t.BaselinePermille) / 1000 }

func gib(g float64) int64 { return int64(g * 1024) }

// catalog is built once at package initialisation and never written
// afterwards: LookupInstanceType and InstanceTypes hand out copies.
var catalog = buildCatalog()

// catalogRows holds the same rows by pointer, for machines to share
// theirs (a copy in every Machine would be most of its size). Never
// written after initialisation either.
var catalogRows = func() map[InstanceType]*InstanceTypeInfo {
	rows := make(map[InstanceType]*InstanceTypeInfo, len(catalog))
	for t, it := range catalog {
		rows[t] = &it
	}
	return rows
}()

func buildCatalog() map[InstanceType]InstanceTypeInfo {
	c := map[InstanceType]InstanceTypeInfo{}
	add := func(it InstanceTypeInfo) {
		fam, size, ok := strings.Cut(string(it.InstanceType), ".")
		if !ok {
			panic("ec2: bad catalog row " + string(it.InstanceType))
		}
		it.Family, it.Size = fam, size
		fmt.Sscanf(strings.TrimLeft(fam, "abcdefghijklmnopqrstuvwxyz"), "%d", &it.Generation)
		if it.Architecture == "" {
			it.Architecture = "x86_64"
		}
		if _, dup := c[it.InstanceType]; dup {
			panic("ec2: duplicate catalog row " + string(it.InstanceType))
		}
		c[it.InstanceType] = it
	}
	// T3 [instance types guide] [burstable guide]: vCPU, GiB, baseline/vCPU. Network: baseline 32 Mbps for
	// nano doubling per size to 2,048 Mbps, burst 5 Gbps [instance types guide].
	t3 := []struct {
		size   string
		vcpu   int
		mem    float64
		base   int
		netMbp int
	}{
		{"nano", 2, 0.5, 50, 32},
		{"micro", 2, 1, 100, 64},
		{"small", 2, 2, 200, 128},
		{"medium", 2, 4, 200, 256},
		{"large", 2, 8, 300, 512},
		{"xlarge", 4, 16, 400, 1024},
		{"2xlarge", 8, 32, 400, 2048},
	}
	for _, r := range t3 {
		for _, fam := range []string{"t3", "t3a"} { // T3a: T3's shapes and credit table on AMD
			add(InstanceTypeInfo{InstanceType: InstanceType(fam + "." + r.size), VCPUs: r.vcpu, MemoryMiB: gib(r.mem),
				NetworkPerformance: "Up to 5 Gigabit", BaselineBandwidthMbps: r.netMbp, BurstBandwidthMbps: 5000,
				Burstable: true, BaselinePermille: r.base, CreditsSurviveStop: true, Nitro: true,
				Hibernation: true, AutoRecovery: true})
		}
	}
	// T2 (Xen): launch credits 30 per vCPU, credits lost on stop; shapes
	// and baselines from the credit table of
	// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/burstable-credits-baseline-concepts.html
	t2 := []struct {
		size string
		vcpu int
		mem  float64
		base int
	}{
		{"nano", 1, 0.5, 50},
		{"micro", 1, 1, 100},
		{"small", 1, 2, 200},
		{"medium", 2, 4, 200},
		{"large", 2, 8, 300},
		{"xlarge", 4, 16, 225},
		{"2xlarge", 8, 32, 170},
	}
	for _, r := range t2 {
		add(InstanceTypeInfo{InstanceType: InstanceType("t2." + r.size), VCPUs: r.vcpu, MemoryMiB: gib(r.mem),
			NetworkPerformance: "Low to Moderate", Burstable: true, BaselinePermille: r.base, LaunchCreditsPerVCPU: 30,
			Hibernation: true, AutoRecovery: true})
	}
	// M5, C5, R5 [instance types guide]; "up to 10" sizes have baselines 750/1250/2500/5000 Mbps.
	upTo := map[string]int{"large": 750, "xlarge": 1250, "2xlarge": 2500, "4xlarge": 5000}
	fixed := map[string]int{"8xlarge": 10000, "9xlarge": 12000, "12xlarge": 12000, "16xlarge": 20000, "18xlarge": 25000, "24xlarge": 25000, "metal": 25000}
	type row struct {
		size string
		vcpu int
		mem  float64
	}
	fam := func(f string, rows []row) {
		for _, r := range rows {
			it := InstanceTypeInfo{InstanceType: InstanceType(f + "." + r.size), VCPUs: r.vcpu, MemoryMiB: gib(r.mem),
				Nitro: true, Hibernation: r.size != "metal", AutoRecovery: r.size != "metal"}
			if b, ok := upTo[r.size]; ok {
				it.NetworkPerformance, it.BaselineBandwidthMbps, it.BurstBandwidthMbps = "Up to 10 Gigabit", b, 10000
			} else {
				g := fixed[r.size]
				it.NetworkPerformance = fmt.Sprintf("%d Gigabit", g/1000)
				it.BaselineBandwidthMbps, it.BurstBandwidthMbps = g, g
			}
			add(it)
		}
	}
	fam("m5", []row{{"large", 2, 8}, {"xlarge", 4, 16}, {"2xlarge", 8, 32}, {"4xlarge", 16, 64},
		{"8xlarge", 32, 128}, {"12xlarge", 48, 192}, {"16xlarge", 64, 256}, {"24xlarge", 96, 384}, {"metal", 96, 384}})
	fam("c5", []row{{"large", 2, 4}, {"xlarge", 4, 8}, {"2xlarge", 8, 16}, {"4xlarge", 16, 32},
		{"9xlarge", 36, 72}, {"12xlarge", 48, 96}, {"18xlarge", 72, 144}, {"24xlarge", 96, 192}, {"metal", 96, 192}})
	fam("r5", []row{{"large", 2, 16}, {"xlarge", 4, 32}, {"2xlarge", 8, 64}, {"4xlarge", 16, 128},
		{"8xlarge", 32, 256}, {"12xlarge", 48, 384}, {"16xlarge", 64, 512}, {"24xlarge", 96, 768}, {"metal", 96, 768}})
	// P3 (V100 16 GiB, Xen, not Nitro [Nitro guide]) [instance types guide].
	for _, r := range []struct {
		size       string
		vcpu, gpus int
		mem        float64
		net        string
		base, brst int
	}{
		{"2xlarge", 8, 1, 61, "Up to 10 Gigabit", 2500, 10000},
		{"8xlarge", 32, 4, 244, "10 Gigabit", 10000, 10000},
		{"16xlarge", 64, 8, 488, "25 Gigabit", 25000, 25000},
	} {
		add(InstanceTypeInfo{InstanceType: InstanceType("p3." + r.size), VCPUs: r.vcpu, MemoryMiB: gib(r.mem),
			GPUs: r.gpus, GPUModel: "V100", GPUMemoryMiB: int64(r.gpus) * gib(16),
			NetworkPerformance: r.net, BaselineBandwidthMbps: r.base, BurstBandwidthMbps: r.brst})
	}
	addModernFamilies(add)
	return c
}

// LookupInstanceType returns the catalog row for t.
func LookupInstanceType(t InstanceType) (InstanceTypeInfo, bool) {
	it, ok := catalog[t]
	return it, ok
}

// InstanceTypes returns every catalog row, sorted by family then vCPUs.
func InstanceTypes() []InstanceTypeInfo { return slices.Clone(sortedInstanceTypes()) }

// sortedInstanceTypes is InstanceTypes' order, sorted once per process and
// shared read-only: callers must not write to it.
var sortedInstanceTypes = sync.OnceValue(func() []InstanceTypeInfo {
	out := make([]InstanceTypeInfo, 0, len(catalog))
	for _, it := range catalog {
		out = append(out, it)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Family != out[j].Family {
			return out[i].Family < out[j].Family
		}
		if out[i].VCPUs != out[j].VCPUs {
			return out[i].VCPUs < out[j].VCPUs
		}
		return out[i].MemoryMiB < out[j].MemoryMiB
	})
	return out
})

// catalogShapes is the catalog as region shapes, in sortedInstanceTypes'
// order: built once per process, so that registering it in a world of the
// built-in shapes adopts a table region extends once and shares.
var catalogShapes = sync.OnceValue(func() *region.ShapeSet {
	its := sortedInstanceTypes()
	shapes := make([]region.Shape, len(its))
	for i, it := range its {
		shapes[i] = region.Shape{Name: string(it.InstanceType), Family: it.Family,
			VCPUs: it.VCPUs, MemoryMiB: int(it.MemoryMiB), GPUs: it.GPUs}
	}
	return region.NewShapeSet(shapes)
})

package ec2

import (
	"fmt"
	"sort"
	"strings"
)

// InstanceType names an instance type, e.g. "m5.large" (aws-sdk-go-v2's
// types.InstanceType).
type InstanceType string

// InstanceTypeInfo describes one instance type: the shape a host slot must
// hold and the on-demand list price. It mirrors the fields of
// DescribeInstanceTypes that matter to the simulation.
type InstanceTypeInfo struct {
	InstanceType InstanceType
	Family       string // "m5"
	Generation   int    // 5
	Size         string // "large"
	VCPUs        int
	MemoryMiB    int64
	GPUs         int
	GPUModel     string
	// NetworkPerformance is the marketing class ("Up to 10 Gigabit",
	// "25 Gigabit"); the two bandwidth fields give the numbers behind it.
	NetworkPerformance    string
	BaselineBandwidthMbps int
	BurstBandwidthMbps    int
	// PricePerHourMicroUSD is the us-east-1 Linux on-demand price; see
	// PriceIn for other regions.
	PricePerHourMicroUSD int64
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

// usd converts a list-price dollar literal into micro-dollars,
// rounding to the nearest unit so that 0.0052 stays exact.
func usd(d float64) int64 {
	if d < 0 {
		return int64(d*1e6 - 0.5)
	}
	return int64(d*1e6 + 0.5)
}

func gib(g float64) int64 { return int64(g * 1024) }

var catalog = map[InstanceType]InstanceTypeInfo{}

func addType(it InstanceTypeInfo) {
	fam, size, ok := strings.Cut(string(it.InstanceType), ".")
	if !ok {
		panic("ec2: bad catalog row " + string(it.InstanceType))
	}
	it.Family, it.Size = fam, size
	fmt.Sscanf(strings.TrimLeft(fam, "abcdefghijklmnopqrstuvwxyz"), "%d", &it.Generation)
	if _, dup := catalog[it.InstanceType]; dup {
		panic("ec2: duplicate catalog row " + string(it.InstanceType))
	}
	catalog[it.InstanceType] = it
}

func init() {
	// T3 [instance types guide; burstable guide; on-demand prices]: vCPU, GiB, $/h, baseline/vCPU. Network: baseline
	// 32 Mbps for nano doubling per size to 2,048 Mbps, burst 5 Gbps [instance types guide].
	t3 := []struct {
		size   string
		vcpu   int
		mem    float64
		price  float64
		base   int
		netMbp int
	}{
		{"nano", 2, 0.5, 0.0052, 50, 32},
		{"micro", 2, 1, 0.0104, 100, 64},
		{"small", 2, 2, 0.0208, 200, 128},
		{"medium", 2, 4, 0.0416, 200, 256},
		{"large", 2, 8, 0.0832, 300, 512},
		{"xlarge", 4, 16, 0.1664, 400, 1024},
		{"2xlarge", 8, 32, 0.3328, 400, 2048},
	}
	for _, r := range t3 {
		addType(InstanceTypeInfo{InstanceType: InstanceType("t3." + r.size), VCPUs: r.vcpu, MemoryMiB: gib(r.mem),
			NetworkPerformance: "Up to 5 Gigabit", BaselineBandwidthMbps: r.netMbp, BurstBandwidthMbps: 5000,
			PricePerHourMicroUSD: usd(r.price), Burstable: true, BaselinePermille: r.base,
			CreditsSurviveStop: true, Nitro: true})
	}
	// T3a: same shapes and credit table as T3 (AMD, ~10% cheaper). Prices
	// are the EC2 pricing page's us-east-1 values
	// (UNVERIFIED here).
	t3a := []float64{0.0047, 0.0094, 0.0188, 0.0376, 0.0752, 0.1504, 0.3008}
	for i, r := range t3 {
		addType(InstanceTypeInfo{InstanceType: InstanceType("t3a." + r.size), VCPUs: r.vcpu, MemoryMiB: gib(r.mem),
			NetworkPerformance: "Up to 5 Gigabit", BaselineBandwidthMbps: r.netMbp, BurstBandwidthMbps: 5000,
			PricePerHourMicroUSD: usd(t3a[i]), Burstable: true, BaselinePermille: r.base,
			CreditsSurviveStop: true, Nitro: true})
	}
	// T2 (Xen): launch credits 30 per vCPU, credits lost on stop [burstable guide].
	// Shapes and prices from the EC2 user guide / pricing page
	// (UNVERIFIED here).
	t2 := []struct {
		size  string
		vcpu  int
		mem   float64
		price float64
		base  int
	}{
		{"nano", 1, 0.5, 0.0058, 50},
		{"micro", 1, 1, 0.0116, 100},
		{"small", 1, 2, 0.023, 200},
		{"medium", 2, 4, 0.0464, 200},
		{"large", 2, 8, 0.0928, 300},
		{"xlarge", 4, 16, 0.1856, 225},
		{"2xlarge", 8, 32, 0.3712, 170},
	}
	for _, r := range t2 {
		addType(InstanceTypeInfo{InstanceType: InstanceType("t2." + r.size), VCPUs: r.vcpu, MemoryMiB: gib(r.mem),
			NetworkPerformance: "Low to Moderate", PricePerHourMicroUSD: usd(r.price), Burstable: true,
			BaselinePermille: r.base, LaunchCreditsPerVCPU: 30})
	}
	// M5, C5, R5 [instance types guide; on-demand prices]; network per [instance types guide]: "up to 10" sizes
	// have baselines 750/1250/2500/5000 Mbps.
	upTo := map[string]int{"large": 750, "xlarge": 1250, "2xlarge": 2500, "4xlarge": 5000}
	fixed := map[string]int{"8xlarge": 10000, "9xlarge": 12000, "12xlarge": 12000, "16xlarge": 20000, "18xlarge": 25000, "24xlarge": 25000}
	type row struct {
		size  string
		vcpu  int
		mem   float64
		price float64
	}
	fam := func(f string, rows []row) {
		for _, r := range rows {
			it := InstanceTypeInfo{InstanceType: InstanceType(f + "." + r.size), VCPUs: r.vcpu, MemoryMiB: gib(r.mem),
				PricePerHourMicroUSD: usd(r.price), Nitro: true}
			if b, ok := upTo[r.size]; ok {
				it.NetworkPerformance, it.BaselineBandwidthMbps, it.BurstBandwidthMbps = "Up to 10 Gigabit", b, 10000
			} else {
				g := fixed[r.size]
				it.NetworkPerformance = fmt.Sprintf("%d Gigabit", g/1000)
				it.BaselineBandwidthMbps, it.BurstBandwidthMbps = g, g
			}
			addType(it)
		}
	}
	fam("m5", []row{{"large", 2, 8, 0.096}, {"xlarge", 4, 16, 0.192}, {"2xlarge", 8, 32, 0.384}, {"4xlarge", 16, 64, 0.768},
		{"8xlarge", 32, 128, 1.536}, {"12xlarge", 48, 192, 2.304}, {"16xlarge", 64, 256, 3.072}, {"24xlarge", 96, 384, 4.608}})
	fam("c5", []row{{"large", 2, 4, 0.085}, {"xlarge", 4, 8, 0.170}, {"2xlarge", 8, 16, 0.340}, {"4xlarge", 16, 32, 0.680},
		{"9xlarge", 36, 72, 1.530}, {"12xlarge", 48, 96, 2.040}, {"18xlarge", 72, 144, 3.060}, {"24xlarge", 96, 192, 4.080}})
	fam("r5", []row{{"large", 2, 16, 0.126}, {"xlarge", 4, 32, 0.252}, {"2xlarge", 8, 64, 0.504}, {"4xlarge", 16, 128, 1.008},
		{"8xlarge", 32, 256, 2.016}, {"12xlarge", 48, 384, 3.024}, {"16xlarge", 64, 512, 4.032}, {"24xlarge", 96, 768, 6.048}})
	// P3 (V100, not Nitro [Nitro guide]): p3.2xlarge from [instance types guide; on-demand prices]; the 8xlarge and
	// 16xlarge rows (the host sizes of the p3 Dedicated Host) scale linearly in
	// GPUs, as prices within a family do (DERIVED).
	addType(InstanceTypeInfo{InstanceType: "p3.2xlarge", VCPUs: 8, MemoryMiB: gib(61), GPUs: 1, GPUModel: "V100",
		NetworkPerformance: "Up to 10 Gigabit", BaselineBandwidthMbps: 2500, BurstBandwidthMbps: 10000, PricePerHourMicroUSD: usd(3.06)})
	addType(InstanceTypeInfo{InstanceType: "p3.8xlarge", VCPUs: 32, MemoryMiB: gib(244), GPUs: 4, GPUModel: "V100",
		NetworkPerformance: "10 Gigabit", BaselineBandwidthMbps: 10000, BurstBandwidthMbps: 10000, PricePerHourMicroUSD: usd(12.24)})
	addType(InstanceTypeInfo{InstanceType: "p3.16xlarge", VCPUs: 64, MemoryMiB: gib(488), GPUs: 8, GPUModel: "V100",
		NetworkPerformance: "25 Gigabit", BaselineBandwidthMbps: 25000, BurstBandwidthMbps: 25000, PricePerHourMicroUSD: usd(24.48)})
	// G4dn (T4, Nitro) [instance types guide; on-demand prices]: 5 Gbps baseline, 25 burst.
	addType(InstanceTypeInfo{InstanceType: "g4dn.xlarge", VCPUs: 4, MemoryMiB: gib(16), GPUs: 1, GPUModel: "T4",
		NetworkPerformance: "Up to 25 Gigabit", BaselineBandwidthMbps: 5000, BurstBandwidthMbps: 25000,
		PricePerHourMicroUSD: usd(0.526), Nitro: true})
}

// LookupInstanceType returns the catalog row for t.
func LookupInstanceType(t InstanceType) (InstanceTypeInfo, bool) {
	it, ok := catalog[t]
	return it, ok
}

// InstanceTypes returns every catalog row, sorted by family then vCPUs.
func InstanceTypes() []InstanceTypeInfo {
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
}

// regionMultiplierPermille holds per-family price ratios to us-east-1 from
// the 2018-09 price list [price list 2018]. Where the table has no
// figure for a family, the region's x2iedn ratio [ec2instances.info] is used (the "*"
// row): an assumption, flagged so that callers can override the price.
var regionMultiplierPermille = map[string]map[string]int{
	"us-east-1":      {"*": 1000},
	"us-east-2":      {"*": 1000},
	"us-west-2":      {"*": 1000},
	"eu-west-1":      {"m5": 1115, "c5": 1129, "r5": 1119, "t3": 1090, "t3a": 1090, "t2": 1090, "*": 1200},
	"ap-northeast-1": {"m5": 1292, "c5": 1259, "t3": 1300, "t3a": 1300, "t2": 1300, "*": 1450},
	"sa-east-1":      {"m5": 1594, "c5": 1541, "t3": 1610, "t3a": 1610, "t2": 1610, "*": 1950},
}

// PriceIn returns the Linux on-demand price per hour of t in region, in
// micro-dollars. Regions missing from the table fall back to us-east-1's
// price; ok is false then.
func (t InstanceTypeInfo) PriceIn(region string) (microUSD int64, ok bool) {
	m, ok := regionMultiplierPermille[region]
	if !ok {
		return t.PricePerHourMicroUSD, false
	}
	p, ok2 := m[t.Family]
	if !ok2 {
		p = m["*"]
	}
	return (t.PricePerHourMicroUSD*int64(p) + 500) / 1000, true
}

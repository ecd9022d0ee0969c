package ec2

import "strconv"

// Modern instance families: GPU and accelerator types for ML (G4dn, G5,
// G6, P4d, P5, Trn1, Inf2), Graviton (T4g, M7g, C7g) and current x86
// (M6i, C6i, R6i, M7i).
//
// Sources (shapes: vCPUs, memory, accelerators and their memory, network):
//   - https://docs.aws.amazon.com/ec2/latest/instancetypes/ac.html
//     (accelerated computing: g4dn, g5, g6, p4d, p5, trn1, inf2)
//   - https://docs.aws.amazon.com/ec2/latest/instancetypes/gp.html
//     (general purpose: m6i, m7i, m7g, t4g)
//   - https://docs.aws.amazon.com/ec2/latest/instancetypes/co.html
//     (compute optimized: c6i, c7g)
//   - https://docs.aws.amazon.com/ec2/latest/instancetypes/mo.html
//     (memory optimized: r6i)
//   - T4g credit table:
//     https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/burstable-credits-baseline-concepts.html
//
// Prices are not here: they are the BoxUsage rows of billing's catalog.json
// (us-east-1 on-demand, Linux). Host types: HostTypes.

func addModernFamilies(add func(InstanceTypeInfo)) {
	// The vCPU count of the regular sizes of a current family.
	sizeVCPUs := map[string]int{"medium": 1, "large": 2, "xlarge": 4, "2xlarge": 8, "4xlarge": 16, "8xlarge": 32,
		"12xlarge": 48, "16xlarge": 64, "24xlarge": 96, "32xlarge": 128, "48xlarge": 192}
	// x86 and Graviton general purpose / compute / memory families: memory
	// is a fixed GiB per vCPU; sizes up to 4xlarge are "Up to 12.5
	// Gigabit" (x86) or "Up to 12.5 Gigabit" (Graviton) with the published
	// baselines, larger sizes a fixed rate.
	type fam struct {
		name      string
		gibPerCPU float64
		arch      string
		sizes     []string
		upTo      map[string]int // baseline Mbps of "up to" sizes
		fixed     map[string]int // Mbps of fixed sizes
	}
	x86UpTo := map[string]int{"large": 781, "xlarge": 1562, "2xlarge": 3125, "4xlarge": 6250}
	x86Fixed := map[string]int{"8xlarge": 12500, "12xlarge": 18750, "16xlarge": 25000, "24xlarge": 37500, "32xlarge": 50000, "48xlarge": 50000}
	gravUpTo := map[string]int{"medium": 520, "large": 937, "xlarge": 1876, "2xlarge": 3750, "4xlarge": 7500}
	gravFixed := map[string]int{"8xlarge": 15000, "12xlarge": 22500, "16xlarge": 30000}
	x86Sizes := []string{"large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "16xlarge", "32xlarge"}
	gravSizes := []string{"medium", "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "16xlarge"}
	for _, f := range []fam{
		{"m6i", 4, "x86_64", x86Sizes, x86UpTo, x86Fixed},
		{"c6i", 2, "x86_64", x86Sizes, x86UpTo, x86Fixed},
		{"r6i", 8, "x86_64", x86Sizes, x86UpTo, x86Fixed},
		{"m7i", 4, "x86_64", []string{"large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "16xlarge", "48xlarge"}, x86UpTo, x86Fixed},
		{"m7g", 4, "arm64", gravSizes, gravUpTo, gravFixed},
		{"c7g", 2, "arm64", gravSizes, gravUpTo, gravFixed},
	} {
		for _, size := range f.sizes {
			v := sizeVCPUs[size]
			it := InstanceTypeInfo{InstanceType: InstanceType(f.name + "." + size), VCPUs: v, MemoryMiB: gib(f.gibPerCPU * float64(v)),
				Architecture: f.arch, Nitro: true, Hibernation: true, AutoRecovery: true}
			if b, ok := f.upTo[size]; ok {
				it.NetworkPerformance, it.BaselineBandwidthMbps, it.BurstBandwidthMbps = "Up to 12.5 Gigabit", b, 12500
			} else {
				g := f.fixed[size]
				it.NetworkPerformance = gbit(g)
				it.BaselineBandwidthMbps, it.BurstBandwidthMbps = g, g
			}
			add(it)
		}
	}
	// T4g (Graviton2): T3's shapes, with its own credit table (the same
	// baselines per vCPU: 5, 10, 20, 20, 30, 40, 40%), burst 5 Gbps.
	for _, r := range []struct {
		size string
		vcpu int
		mem  float64
		base int
		net  int
	}{
		{"nano", 2, 0.5, 50, 32}, {"micro", 2, 1, 100, 64}, {"small", 2, 2, 200, 128}, {"medium", 2, 4, 200, 256},
		{"large", 2, 8, 300, 512}, {"xlarge", 4, 16, 400, 1024}, {"2xlarge", 8, 32, 400, 2048},
	} {
		add(InstanceTypeInfo{InstanceType: InstanceType("t4g." + r.size), VCPUs: r.vcpu, MemoryMiB: gib(r.mem),
			Architecture: "arm64", NetworkPerformance: "Up to 5 Gigabit", BaselineBandwidthMbps: r.net, BurstBandwidthMbps: 5000,
			Burstable: true, BaselinePermille: r.base, CreditsSurviveStop: true, Nitro: true, Hibernation: true, AutoRecovery: true})
	}
	// Accelerated computing. Each row: size, vCPUs, GiB, accelerators,
	// network ("up to" rows carry a baseline below the burst).
	type acc struct {
		size             string
		vcpu             int
		mem              float64
		gpus             int
		baseMbps, burstM int
	}
	accel := func(family, model string, perGPUGiB float64, hib bool, rows []acc) {
		for _, r := range rows {
			it := InstanceTypeInfo{InstanceType: InstanceType(family + "." + r.size), VCPUs: r.vcpu, MemoryMiB: gib(r.mem),
				GPUs: r.gpus, GPUModel: model, GPUMemoryMiB: int64(float64(r.gpus) * perGPUGiB * 1024),
				BaselineBandwidthMbps: r.baseMbps, BurstBandwidthMbps: r.burstM, Nitro: true, Hibernation: hib}
			it.NetworkPerformance = gbit(r.burstM)
			if r.baseMbps < r.burstM {
				it.NetworkPerformance = "Up to " + gbit(r.burstM)
			}
			add(it)
		}
	}
	accel("g4dn", "T4", 16, true, []acc{
		{"xlarge", 4, 16, 1, 5000, 25000}, {"2xlarge", 8, 32, 1, 10000, 25000}, {"4xlarge", 16, 64, 1, 20000, 25000},
		{"8xlarge", 32, 128, 1, 50000, 50000}, {"16xlarge", 64, 256, 1, 50000, 50000}, {"12xlarge", 48, 192, 4, 50000, 50000},
		{"metal", 96, 384, 8, 100000, 100000},
	})
	accel("g5", "A10G", 24, false, []acc{
		{"xlarge", 4, 16, 1, 2500, 10000}, {"2xlarge", 8, 32, 1, 5000, 10000}, {"4xlarge", 16, 64, 1, 10000, 25000},
		{"8xlarge", 32, 128, 1, 25000, 25000}, {"16xlarge", 64, 256, 1, 25000, 25000}, {"12xlarge", 48, 192, 4, 40000, 40000},
		{"24xlarge", 96, 384, 4, 50000, 50000}, {"48xlarge", 192, 768, 8, 100000, 100000},
	})
	accel("g6", "L4", 24, false, []acc{
		{"xlarge", 4, 16, 1, 2500, 10000}, {"2xlarge", 8, 32, 1, 5000, 10000}, {"4xlarge", 16, 64, 1, 10000, 25000},
		{"8xlarge", 32, 128, 1, 25000, 25000}, {"16xlarge", 64, 256, 1, 25000, 25000}, {"12xlarge", 48, 192, 4, 40000, 40000},
		{"24xlarge", 96, 384, 4, 50000, 50000}, {"48xlarge", 192, 768, 8, 100000, 100000},
	})
	accel("p4d", "A100", 40, false, []acc{{"24xlarge", 96, 1152, 8, 400000, 400000}})
	accel("p5", "H100", 80, false, []acc{{"48xlarge", 192, 2048, 8, 3200000, 3200000}})
	accel("trn1", "Trainium", 32, false, []acc{{"2xlarge", 8, 32, 1, 3125, 12500}, {"32xlarge", 128, 512, 16, 800000, 800000}})
	accel("inf2", "Inferentia2", 32, false, []acc{
		{"xlarge", 4, 16, 1, 2083, 15000}, {"8xlarge", 32, 128, 1, 16667, 25000},
		{"24xlarge", 96, 384, 6, 50000, 50000}, {"48xlarge", 192, 768, 12, 100000, 100000},
	})
}

// gbit formats a Mbps figure as the NetworkPerformance class ("12.5 Gigabit").
func gbit(mbps int) string {
	return strconv.FormatFloat(float64(mbps)/1000, 'f', -1, 64) + " Gigabit"
}

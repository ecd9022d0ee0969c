package ec2

import (
	"github.com/nimbus-sim/nimbus/billing"
	"github.com/nimbus-sim/nimbus/region"
)

// Instance prices live in one place: the "BoxUsage:<type>" rows of
// billing's catalog (billing.DefaultCatalog, or the catalog a user gives
// the world's ledger). This package keeps shapes only; it reads a price
// from the ledger's catalog when it needs one (the spot market's ceiling,
// a launch's price check).

// OnDemandPrice returns the Linux/UNIX on-demand price per hour of an
// instance type in a region, from the world's price catalog.
func (s *Service) OnDemandPrice(region string, t InstanceType) (billing.Money, error) {
	if _, ok := catalog[t]; !ok {
		return 0, errInvalidValue(string(t), "InstanceType")
	}
	rt, err := s.ledger.Catalog().Lookup(region, "BoxUsage:"+string(t))
	if err != nil {
		return 0, err
	}
	return priceToMoney(rt.UnitPrice()), nil
}

// priceToMoney converts a per-hour unit price to Money per hour, rounding
// half up to the nano-dollar (instance prices have at most six decimals,
// so this is exact for every catalog row).
func priceToMoney(p billing.Price) billing.Money {
	const per = int64(billing.PriceDollar) / int64(billing.Dollar)
	return billing.Money((int64(p) + per/2) / per)
}

// HostTypes returns region's built-in host types plus hosts for the
// catalog families the built-in fleet lacks. AWS publishes Dedicated Host
// capacity for some of them; where it publishes none the host below is
// DERIVED from the family's largest size (the host holds exactly one
// instance of it, its vCPUs, memory and accelerators), an assumption:
//   - t3a, t2, t4g: shaped like region's T3 host (2 x 24 cores, 384 vCPUs
//     sold, 768 GiB, at most 192 instances, oversubscribed); assumption.
//   - m6i, c6i, r6i: 2 x 32 cores (the 32xlarge: 128 vCPUs); m7i: 2 x 48
//     cores (48xlarge: 192 vCPUs); m7g, c7g: 64 Graviton3 cores, one vCPU
//     each (the 16xlarge / metal); DERIVED.
//   - g5, g6: 2 x 48 cores, 8 GPUs, 768 GiB (the 48xlarge); p4d: 2 x 24
//     cores, 8 A100, 1,152 GiB; p5: 2 x 48 cores, 8 H100, 2,048 GiB;
//     trn1: 2 x 32 cores, 16 Trainium, 512 GiB; inf2: 2 x 48 cores, 12
//     Inferentia2, 768 GiB; DERIVED.
//
// Build a world where every catalog type launches with
//
//	w, err := region.NewWorld(env, region.Options{HostTypes: ec2.HostTypes()})
func HostTypes() []region.HostType {
	hts := region.HostTypes()
	for _, ht := range hts {
		if ht.Family == "t3" {
			for _, fam := range []string{"t3a", "t2", "t4g"} {
				h := ht
				h.Name, h.Family = fam, fam
				hts = append(hts, h)
			}
			break
		}
	}
	gib := func(g int) int { return g * 1024 }
	return append(hts,
		region.HostType{Name: "m6i", Family: "m6i", Sockets: 2, CoresPerSocket: 32, VCPUs: 128, MemoryMiB: gib(512)},
		region.HostType{Name: "c6i", Family: "c6i", Sockets: 2, CoresPerSocket: 32, VCPUs: 128, MemoryMiB: gib(256)},
		region.HostType{Name: "r6i", Family: "r6i", Sockets: 2, CoresPerSocket: 32, VCPUs: 128, MemoryMiB: gib(1024)},
		region.HostType{Name: "m7i", Family: "m7i", Sockets: 2, CoresPerSocket: 48, VCPUs: 192, MemoryMiB: gib(768)},
		region.HostType{Name: "m7g", Family: "m7g", Sockets: 1, CoresPerSocket: 64, VCPUs: 64, MemoryMiB: gib(256)},
		region.HostType{Name: "c7g", Family: "c7g", Sockets: 1, CoresPerSocket: 64, VCPUs: 64, MemoryMiB: gib(128)},
		region.HostType{Name: "g5", Family: "g5", Sockets: 2, CoresPerSocket: 48, VCPUs: 192, MemoryMiB: gib(768), GPUs: 8},
		region.HostType{Name: "g6", Family: "g6", Sockets: 2, CoresPerSocket: 48, VCPUs: 192, MemoryMiB: gib(768), GPUs: 8},
		region.HostType{Name: "p4d", Family: "p4d", Sockets: 2, CoresPerSocket: 24, VCPUs: 96, MemoryMiB: gib(1152), GPUs: 8},
		region.HostType{Name: "p5", Family: "p5", Sockets: 2, CoresPerSocket: 48, VCPUs: 192, MemoryMiB: gib(2048), GPUs: 8},
		region.HostType{Name: "trn1", Family: "trn1", Sockets: 2, CoresPerSocket: 32, VCPUs: 128, MemoryMiB: gib(512), GPUs: 16},
		region.HostType{Name: "inf2", Family: "inf2", Sockets: 2, CoresPerSocket: 48, VCPUs: 192, MemoryMiB: gib(768), GPUs: 12},
	)
}

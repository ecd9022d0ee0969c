package ec2

import (
	"strconv"

	"github.com/nimbus-sim/nimbus/billing"
	"github.com/nimbus-sim/nimbus/region"
)

// ExtraProducts returns billing products for the catalog rows that
// billing's default price list lacks (T3a, most T2 sizes, p3.8xlarge,
// p3.16xlarge, and their surplus-credit usage types), priced from this
// package's catalog. Without them the ledger cannot price those types and
// RunInstances refuses them as Unsupported. Extend a ledger's catalog with
//
//	cat, _ := billing.DefaultCatalog().Merge(&billing.Catalog{Products: ec2.ExtraProducts()})
//
// (the world also needs host types for T3a and T2, which the built-in
// fleet lacks: see HostTypes and Catalog).
func ExtraProducts() []billing.Product {
	def := billing.DefaultCatalog()
	var out []billing.Product
	have := func(ut string) bool {
		_, err := def.Lookup("us-east-1", ut)
		return err == nil
	}
	for _, it := range InstanceTypes() {
		ut := "BoxUsage:" + string(it.InstanceType)
		if !have(ut) {
			out = append(out, billing.Product{UsageType: ut, Service: "AmazonEC2",
				Description: "Linux/UNIX on-demand " + string(it.InstanceType) + " instance-hour (ec2 catalog)",
				Unit:        "Hrs", RawUnit: "second", Family: it.Family,
				Price: strconv.FormatFloat(float64(it.PricePerHourMicroUSD)/1e6, 'f', -1, 64)})
		}
		if it.Burstable {
			cu := "CPUCredits:" + it.Family
			if !have(cu) && !containsProduct(out, cu) {
				out = append(out, billing.Product{UsageType: cu, Service: "AmazonEC2",
					Description: it.Family + " surplus credits, per vCPU-hour", Unit: "vCPU-Hours", RawUnit: "vCPU-minute",
					Price: "0.05"})
			}
		}
	}
	return out
}

func containsProduct(ps []billing.Product, ut string) bool {
	for _, p := range ps {
		if p.UsageType == ut {
			return true
		}
	}
	return false
}

// Catalog returns billing's default catalog extended with ExtraProducts:
// a price list under which every row of the instance type catalog can be
// billed. With HostTypes it builds a world where every catalog type
// launches:
//
//	cat, err := ec2.Catalog()
//	...
//	w, err := region.NewWorld(env, region.Options{HostTypes: ec2.HostTypes(), Billing: billing.New(env, cat)})
func Catalog() (*billing.Catalog, error) {
	return billing.DefaultCatalog().Merge(&billing.Catalog{Products: ExtraProducts()})
}

// HostTypes returns region's built-in host types plus hosts for the
// catalog families the built-in fleet lacks, T3a and T2. Both are shaped
// like region's T3 host (2 x 24 cores, 384 vCPUs sold, 768 GiB, at most
// 192 instances, oversubscribed): an assumption, since AWS publishes no
// Dedicated Host figures for them (T3a runs on AMD EPYC hosts, T2 on
// Xen-era Intel hosts).
func HostTypes() []region.HostType {
	hts := region.HostTypes()
	for _, ht := range hts {
		if ht.Family == "t3" {
			for _, fam := range []string{"t3a", "t2"} {
				h := ht
				h.Name, h.Family = fam, fam
				hts = append(hts, h)
			}
			break
		}
	}
	return hts
}

package ec2

import (
	"strconv"

	"github.com/nimbus-sim/nimbus/billing"
)

// ExtraProducts returns billing products for the catalog rows that
// billing's default price list lacks (T3a, most T2 sizes, p3.8xlarge,
// p3.16xlarge, and their surplus-credit usage types), priced from this
// package's catalog. Without them the ledger cannot price those types and
// RunInstances refuses them as Unsupported. Extend a ledger's catalog with
//
//	cat, _ := billing.DefaultCatalog().Merge(&billing.Catalog{Products: ec2.ExtraProducts()})
//
// (the world's region may also need host types for T3a and T2; the
// built-in fleet has none).
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
					Description: it.Family + " surplus credits, per vCPU-hour [S4]", Unit: "vCPU-Hours", RawUnit: "vCPU-minute",
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

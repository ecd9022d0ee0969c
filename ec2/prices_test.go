package ec2

import (
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/billing"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
)

func TestExtraProductsPriceTheWholeCatalog(t *testing.T) {
	cat, err := billing.DefaultCatalog().Merge(&billing.Catalog{Products: ExtraProducts()})
	must(t, err)
	for _, it := range InstanceTypes() {
		if _, err := cat.Lookup("us-east-1", "BoxUsage:"+string(it.InstanceType)); err != nil {
			t.Errorf("%s: %v", it.InstanceType, err)
		}
	}
	// With the merged catalog, a p3.8xlarge (4 of the host's 8 GPUs) can
	// launch; with the default one it is Unsupported.
	f := newFixtureCatalog(t, 81, Options{}, region.Options{}, cat)
	f.do(time.Hour, func(p *sim.Proc) {
		m := f.launch(p, RunInstancesInput{InstanceType: "p3.8xlarge"})
		if m.Type().GPUs != 4 {
			t.Fatalf("GPUs %d", m.Type().GPUs)
		}
	})
}

func TestRegionalPrices(t *testing.T) {
	m5, _ := LookupInstanceType("m5.large")
	for _, tc := range []struct {
		region string
		want   int64
	}{{"us-east-1", 96000}, {"eu-west-1", 107040}, {"sa-east-1", 153024}} { // x1.000, 1.115, 1.594 [S6]
		if got, ok := m5.PriceIn(tc.region); !ok || got != tc.want {
			t.Errorf("m5.large in %s: %d µ$/h, want %d", tc.region, got, tc.want)
		}
	}
	if _, ok := m5.PriceIn("mars-north-1"); ok {
		t.Error("unknown region priced")
	}
}

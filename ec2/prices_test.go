package ec2

import (
	"errors"
	"strings"
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
	}{{"us-east-1", 96000}, {"eu-west-1", 107040}, {"sa-east-1", 153024}} { // x1.000, 1.115, 1.594 [price list 2018]
		if got, ok := m5.PriceIn(tc.region); !ok || got != tc.want {
			t.Errorf("m5.large in %s: %d µ$/h, want %d", tc.region, got, tc.want)
		}
	}
	if _, ok := m5.PriceIn("mars-north-1"); ok {
		t.Error("unknown region priced")
	}
}

// withHostType returns the built-in host types plus one for family, shaped
// like the T3 host (an assumption: the region package has no T3a or T2 host).
func withHostType(family string) []region.HostType {
	hts := region.HostTypes()
	for _, ht := range hts {
		if ht.Name == "t3" {
			ht.Name, ht.Family = family, family
			return append(hts, ht)
		}
	}
	panic("no t3 host type")
}

// A catalog type the world cannot price or host is refused as Unsupported
// with a message that says what is missing and names the account's zone,
// never the zone ID; with prices and hosts it launches and is billed.
func TestCatalogTypeLaunchesOnlyWhenPricedAndHosted(t *testing.T) {
	merged, err := billing.DefaultCatalog().Merge(&billing.Catalog{Products: ExtraProducts()})
	must(t, err)
	run := func(f *fixture, p *sim.Proc, ty InstanceType, az string, credits CreditMode) (*RunInstancesOutput, error) {
		in := &RunInstancesInput{ImageId: f.ami(), InstanceType: ty, MinCount: 1, MaxCount: 1}
		if az != "" {
			in.Placement = &Placement{AvailabilityZone: az}
		}
		if credits != "" {
			in.CreditSpecification = &CreditSpecificationRequest{CpuCredits: credits}
		}
		return f.c.RunInstances(p, in)
	}
	wantMsg := func(t *testing.T, err error, parts ...string) {
		t.Helper()
		if !errors.Is(err, ErrUnsupported) {
			t.Fatalf("error = %v, want Unsupported", err)
		}
		for _, s := range parts {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("error %q does not mention %q", err, s)
			}
		}
		if strings.Contains(err.Error(), "use1-az") {
			t.Errorf("error %q names a zone ID, not the account's zone name", err)
		}
	}
	hosts := map[string]int{"m5": 1, "t3": 1, "t3a": 1, "t2": 1}

	t.Run("default price list", func(t *testing.T) {
		f := newFixtureWorld(t, 82, Options{}, region.Options{HostTypes: withHostType("t3a"), HostsPerAZ: hosts})
		f.do(time.Minute, func(p *sim.Proc) {
			_, err := run(f, p, "t3a.micro", "", "")
			wantMsg(t, err, "t3a.micro", "BoxUsage:t3a.micro", "ExtraProducts")
		})
	})
	t.Run("unlimited credits unpriced", func(t *testing.T) {
		// t2.micro is in billing's list, its surplus credits are not: an
		// unlimited t2.micro would run with its surplus silently unbilled.
		f := newFixtureWorld(t, 83, Options{}, region.Options{HostTypes: withHostType("t2"), HostsPerAZ: hosts})
		f.do(time.Minute, func(p *sim.Proc) {
			_, err := run(f, p, "t2.micro", "", CreditUnlimited)
			wantMsg(t, err, "CPUCredits:t2")
			if _, err := run(f, p, "t2.micro", "", CreditStandard); err != nil {
				t.Errorf("standard t2.micro: %v", err)
			}
		})
	})
	t.Run("no host type", func(t *testing.T) {
		f := newFixtureCatalog(t, 84, Options{}, region.Options{HostsPerAZ: hosts}, merged)
		f.do(time.Minute, func(p *sim.Proc) {
			_, err := run(f, p, "t3a.micro", "us-east-1b", "")
			wantMsg(t, err, "t3a.micro", "us-east-1b")
			_, err = run(f, p, "t3a.micro", "", "")
			wantMsg(t, err, "t3a.micro", "us-east-1", "t3a")
		})
	})
	t.Run("priced and hosted", func(t *testing.T) {
		f := newFixtureCatalog(t, 85, Options{}, region.Options{HostTypes: withHostType("t3a"), HostsPerAZ: hosts}, merged)
		var id string
		f.do(2*time.Hour, func(p *sim.Proc) {
			m := f.launch(p, RunInstancesInput{InstanceType: "t3a.micro"})
			id = m.ID()
			must(t, p.Sleep(time.Hour))
			_, err := f.c.TerminateInstances(p, &TerminateInstancesInput{InstanceIds: []string{id}})
			must(t, err)
		})
		if len(f.lines(testAccount, id, "BoxUsage:t3a.micro")) == 0 {
			t.Error("t3a.micro ran but no BoxUsage:t3a.micro line was billed")
		}
	})
}

// TestEveryCatalogTypeLaunchesWithCatalogAndHostTypes: in a world built
// on Catalog and HostTypes every row of the instance type catalog
// launches, on demand, and is billed under its own usage type.
func TestEveryCatalogTypeLaunchesWithCatalogAndHostTypes(t *testing.T) {
	cat, err := Catalog()
	must(t, err)
	hosts := map[string]int{}
	for _, ht := range HostTypes() {
		hosts[ht.Name] = 1
	}
	for _, fam := range []string{"t3a", "t2"} {
		if hosts[fam] == 0 {
			t.Fatalf("HostTypes has no %s host", fam)
		}
	}
	f := newFixtureCatalog(t, 86, Options{}, region.Options{HostTypes: HostTypes(), HostsPerAZ: hosts}, cat)
	ids := map[InstanceType]string{}
	f.do(time.Duration(len(InstanceTypes())+1)*10*time.Minute, func(p *sim.Proc) {
		for _, it := range InstanceTypes() {
			out, err := f.c.RunInstances(p, &RunInstancesInput{ImageId: f.ami(), InstanceType: it.InstanceType, MinCount: 1, MaxCount: 1})
			if err != nil {
				t.Errorf("%s: %v", it.InstanceType, err)
				continue
			}
			id := out.Instances[0].InstanceId
			ids[it.InstanceType] = id
			must(t, p.Sleep(10*time.Minute))
			_, err = f.c.TerminateInstances(p, &TerminateInstancesInput{InstanceIds: []string{id}})
			must(t, err)
		}
	})
	for ty, id := range ids {
		if len(f.lines(testAccount, id, "BoxUsage:"+string(ty))) == 0 {
			t.Errorf("%s ran but was not billed as BoxUsage:%s", ty, ty)
		}
	}
	if len(ids) != len(InstanceTypes()) {
		t.Errorf("%d of %d catalog types launched", len(ids), len(InstanceTypes()))
	}
}

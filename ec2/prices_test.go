package ec2

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/billing"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

// Instance prices live in one place: billing's catalog prices every
// instance type exactly once (one BoxUsage row per type, no row for a type
// ec2 does not know), and InstanceTypeInfo carries no price.
func TestEveryInstanceTypeIsPricedExactlyOnce(t *testing.T) {
	var doc struct {
		Products []struct {
			UsageType string `json:"usageType"`
		} `json:"products"`
	}
	require.NoError(t, json.Unmarshal(billing.DefaultCatalogJSON(), &doc))
	rows := map[string]int{}
	for _, p := range doc.Products {
		if ty, ok := strings.CutPrefix(p.UsageType, "BoxUsage:"); ok {
			rows[ty]++
		}
	}
	for _, it := range InstanceTypes() {
		require.Equalf(t, 1, rows[string(it.InstanceType)], "BoxUsage rows for %s", it.InstanceType)
	}
	for ty := range rows {
		_, ok := LookupInstanceType(InstanceType(ty))
		require.Truef(t, ok, "billing prices %s, which the instance type catalog lacks", ty)
	}
	for _, f := range reflect.VisibleFields(reflect.TypeOf(InstanceTypeInfo{})) {
		require.NotContains(t, strings.ToLower(f.Name), "price", "InstanceTypeInfo.%s duplicates billing's price", f.Name)
	}
}

func TestRegionalPrices(t *testing.T) {
	f := newFixture(t, 80, Options{})
	for _, tc := range []struct {
		region string
		want   string
	}{{"us-east-1", "0.096"}, {"eu-west-1", "0.10704"}, {"sa-east-1", "0.153024"}} { // x1.000, 1.115, 1.594 [price list 2018]
		got, err := f.svc.OnDemandPrice(tc.region, "m5.large")
		require.NoError(t, err)
		require.Equal(t, billing.MustParseMoney(tc.want), got, "m5.large in %s", tc.region)
	}
	_, err := f.svc.OnDemandPrice("us-east-1", "m5.huge")
	require.Error(t, err)
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
	// A user's own price list without T3a: every T3a product removed.
	var own billing.Catalog
	require.NoError(t, json.Unmarshal(billing.DefaultCatalogJSON(), &own))
	kept := own.Products[:0]
	for _, p := range own.Products {
		if !strings.Contains(p.UsageType, "t3a") && p.UsageType != "CPUCredits:t2" {
			kept = append(kept, p)
		}
	}
	own.Products = kept
	b, err := json.Marshal(&own)
	require.NoError(t, err)
	noT3a, err := billing.ParseCatalog(b)
	require.NoError(t, err)
	merged := billing.DefaultCatalog()
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

	t.Run("price list without the type", func(t *testing.T) {
		f := newFixtureCatalog(t, 82, Options{}, region.Options{HostTypes: withHostType("t3a"), HostsPerAZ: hosts}, noT3a)
		f.do(time.Minute, func(p *sim.Proc) {
			_, err := run(f, p, "t3a.micro", "", "")
			wantMsg(t, err, "t3a.micro", "BoxUsage:t3a.micro")
		})
	})
	t.Run("unlimited credits unpriced", func(t *testing.T) {
		// t2.micro is in the list, its surplus credits are not: an
		// unlimited t2.micro would run with its surplus silently unbilled.
		f := newFixtureCatalog(t, 83, Options{}, region.Options{HostTypes: withHostType("t2"), HostsPerAZ: hosts}, noT3a)
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
	cat := billing.DefaultCatalog()
	hosts := map[string]int{}
	for _, ht := range HostTypes() {
		hosts[ht.Name] = 1
	}
	for _, fam := range []string{"t3a", "t2", "t4g", "p5", "p4d", "g5", "g6", "trn1", "inf2", "m7g", "c7g", "m6i", "c6i", "r6i", "m7i"} {
		if hosts[fam] == 0 {
			t.Fatalf("HostTypes has no %s host", fam)
		}
	}
	f := newFixtureCatalog(t, 86, Options{}, region.Options{HostTypes: HostTypes(), HostsPerAZ: hosts}, cat)
	ids := map[InstanceType]string{}
	f.do(time.Duration(len(InstanceTypes())+1)*10*time.Minute, func(p *sim.Proc) {
		for _, it := range InstanceTypes() {
			ami := f.ami()
			if it.Architecture == "arm64" {
				ami = ImageID(publicImages[imageAL2023Arm].Name, testRegion)
			}
			out, err := f.c.RunInstances(p, &RunInstancesInput{ImageId: ami, InstanceType: it.InstanceType, MinCount: 1, MaxCount: 1})
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

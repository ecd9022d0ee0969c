package region

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/billing"
	"github.com/nimbus-sim/nimbus/failure"
	"github.com/nimbus-sim/nimbus/internal/awserr"
	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

// The failure layer drives a World's Faults view through these interfaces.
var (
	_ failure.HostTarget    = Faults{}
	_ failure.AZTarget      = Faults{}
	_ failure.RegionTarget  = Faults{}
	_ failure.NetworkTarget = Faults{}
	_ failure.ErrorTarget   = Faults{}
)

func newWorld(t testing.TB, seed uint64, opts Options) *World {
	t.Helper()
	env := sim.New(seed)
	t.Cleanup(env.Close)
	w, err := NewWorld(env, opts)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func emptyFleet() Options { return Options{HostsPerAZ: map[string]int{}} }

func TestCatalogHasRequiredRegions(t *testing.T) {
	w := newWorld(t, 1, emptyFleet())
	for _, c := range []struct {
		code, partition string
		azs             int
	}{
		{"us-east-1", "aws", 6}, {"us-east-2", "aws", 3}, {"us-west-2", "aws", 4}, {"eu-west-1", "aws", 3},
		{"eu-central-1", "aws", 3}, {"ap-northeast-1", "aws", 3}, {"ap-southeast-1", "aws", 3},
		{"sa-east-1", "aws", 3}, {"cn-north-1", "aws-cn", 3}, {"us-gov-west-1", "aws-us-gov", 3},
	} {
		r, err := w.Region(c.code)
		if err != nil {
			t.Fatalf("%s: %v", c.code, err)
		}
		if r.Partition().Name() != c.partition || len(r.AZs()) != c.azs {
			t.Errorf("%s: partition %s with %d zones, want %s with %d", c.code, r.Partition().Name(), len(r.AZs()), c.partition, c.azs)
		}
	}
	if _, err := w.AZ("apne1-az3"); err == nil {
		t.Error("apne1-az3 exists; ap-northeast-1 offers az1, az2, az4")
	}
}

// TestCatalogRegionIsCatalogsEntry: CatalogRegion is Catalog()'s entry,
// a copy the caller may change, and a world built from it alone shares
// the built-in topology of that region.
func TestCatalogRegionIsCatalogsEntry(t *testing.T) {
	for _, want := range Catalog() {
		got, ok := CatalogRegion(want.Code)
		if !ok || !sameRegionSpec(got, want) {
			t.Fatalf("CatalogRegion(%q) = %+v, %v; want %+v", want.Code, got, ok, want)
		}
		got.AZIDs[0] = "changed"
		if again, _ := CatalogRegion(want.Code); again.AZIDs[0] != want.AZIDs[0] {
			t.Fatalf("changing CatalogRegion(%q)'s zones changed the table", want.Code)
		}
	}
	if _, ok := CatalogRegion("mars-north-1"); ok {
		t.Fatal("CatalogRegion found mars-north-1")
	}
	rs, _ := CatalogRegion("us-east-1")
	w := newWorld(t, 1, Options{Regions: []RegionSpec{rs}, HostsPerAZ: map[string]int{}})
	if w.topology != builtinRegionTopologies()["us-east-1"] {
		t.Fatal("a world of CatalogRegion(us-east-1) does not share the built-in topology")
	}
}

func TestUnknownRegionIsAClearError(t *testing.T) {
	w := newWorld(t, 1, emptyFleet())
	_, err := w.Region("us-east-7")
	if err == nil || !strings.Contains(err.Error(), "us-east-7") || !strings.Contains(err.Error(), "us-east-1") {
		t.Fatalf("error %v should name the bad region and list the known ones", err)
	}
	if _, err := w.Endpoint("s3", "mars-north-1"); !errors.Is(err, ErrUnknownEndpoint) {
		t.Fatalf("Endpoint(s3, mars-north-1) = %v, want UnknownEndpoint", err)
	}
	if _, err := w.AZ("use1-az9"); err == nil {
		t.Fatal("unknown zone ID accepted")
	}
}

func TestEndpointNames(t *testing.T) {
	w := newWorld(t, 1, emptyFleet())
	cases := []struct{ service, region, want string }{
		{"s3", "us-east-1", "s3.us-east-1.amazonaws.com"},
		{"ec2", "eu-west-1", "ec2.eu-west-1.amazonaws.com"},
		{"ec2", "cn-north-1", "ec2.cn-north-1.amazonaws.com.cn"},
		{"s3", "us-gov-west-1", "s3.us-gov-west-1.amazonaws.com"},
		{"iam", "", "iam.amazonaws.com"},
		{"iam", "eu-central-1", "iam.amazonaws.com"},
		{"iam", "cn-northwest-1", "iam.cn-north-1.amazonaws.com.cn"},
		{"iam", "us-gov-east-1", "iam.us-gov.amazonaws.com"},
		{"sts", "", "sts.amazonaws.com"},
		{"organizations", "", "organizations.us-east-1.amazonaws.com"},
		{"organizations", "eu-west-1", "organizations.us-east-1.amazonaws.com"},
		{"organizations", "us-gov-east-1", "organizations.us-gov-west-1.amazonaws.com"},
		{"sts", "ap-southeast-1", "sts.ap-southeast-1.amazonaws.com"},
	}
	for _, c := range cases {
		got, err := w.Endpoint(c.service, c.region)
		if err != nil || got != c.want {
			t.Errorf("Endpoint(%q, %q) = %q, %v; want %q", c.service, c.region, got, err, c.want)
		}
	}
	// Organizations is served from its global endpoint's region whatever
	// region the caller names, like IAM.
	for _, reg := range []string{"", "eu-west-1"} {
		r, err := w.serviceRegion("organizations", reg)
		if err != nil || r.Code() != "us-east-1" {
			t.Errorf("serviceRegion(organizations, %q) = %v, %v; want us-east-1", reg, r, err)
		}
	}
	for _, bad := range [][2]string{{"s3", ""}, {"", "us-east-1"}, {"ec2", "us-east-1a"}} {
		if got, err := w.Endpoint(bad[0], bad[1]); err == nil {
			t.Errorf("Endpoint(%q, %q) = %q, want an error", bad[0], bad[1], got)
		}
	}
}

func azMapping(t *testing.T, w *World, account, region string) string {
	r, err := w.Region(region)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, z := range r.AZs() {
		name, err := w.AZName(account, z.ID())
		if err != nil {
			t.Fatal(err)
		}
		back, err := w.AZID(account, name)
		if err != nil || back != z.ID() {
			t.Fatalf("AZID(%s, %s) = %s, %v; want %s", account, name, back, err, z.ID())
		}
		b.WriteString(z.ID() + "=" + name + " ")
	}
	return b.String()
}

// TestAZNamesPerAccount: the same zone name maps to different zone IDs in
// different accounts, but the mapping is stable for a seed (seed 7).
func TestAZNamesPerAccount(t *testing.T) {
	w1 := newWorld(t, 7, emptyFleet())
	w2 := newWorld(t, 7, emptyFleet())
	accounts := []string{"111122223333", "444455556666", "777788889999", "123456789012", "210987654321"}
	distinct := map[string]bool{}
	for _, a := range accounts {
		m1 := azMapping(t, w1, a, "us-east-1")
		if m2 := azMapping(t, w2, a, "us-east-1"); m1 != m2 {
			t.Errorf("account %s: mapping not stable for seed 7:\n%s\n%s", a, m1, m2)
		}
		distinct[m1] = true
	}
	// Six zones have 720 orders; five accounts sharing one has
	// probability 720^-4.
	if len(distinct) < 2 {
		t.Errorf("all %d accounts share one zone-name mapping", len(accounts))
	}
	// Names are a bijection onto a..f.
	seen := map[string]bool{}
	r, _ := w1.Region("us-east-1")
	for _, z := range r.AZs() {
		n, _ := w1.AZName(accounts[0], z.ID())
		if seen[n] || n < "us-east-1a" || n > "us-east-1f" {
			t.Errorf("bad or duplicate name %q", n)
		}
		seen[n] = true
	}
	if _, err := w1.AZID(accounts[0], "us-east-1g"); err == nil {
		t.Error("us-east-1g accepted in a six-zone region")
	}
	if id, err := w1.AZID(accounts[0], "use1-az4"); err != nil || id != "use1-az4" {
		t.Errorf("AZID passes zone IDs through: got %q, %v", id, err)
	}
	// Another seed gives another world: at least one account differs.
	w3 := newWorld(t, 8, emptyFleet())
	differs := false
	for _, a := range accounts {
		differs = differs || azMapping(t, w1, a, "us-east-1") != azMapping(t, w3, a, "us-east-1")
	}
	if !differs {
		t.Error("seeds 7 and 8 gave identical mappings for five accounts")
	}
}

func TestScopesAndPerAZRules(t *testing.T) {
	w := newWorld(t, 1, emptyFleet())
	z1, _ := w.ZonalScope("use1-az1")
	z1b, _ := w.ZonalScope("use1-az1")
	z2, _ := w.ZonalScope("use1-az2")
	zEU, _ := w.ZonalScope("euw1-az1")
	use1, _ := w.RegionalScope("us-east-1")
	g := GlobalScope("aws")
	cases := []struct {
		name             string
		a, b             Scope
		sameAZ, sameRegn bool
	}{
		{"volume and instance in one zone", z1, z1b, true, true},
		{"different zones of a region", z1, z2, false, true},
		{"zones of different regions", z1, zEU, false, false},
		{"regional and zonal", use1, z1, false, true},
		{"global and zonal", g, z1, false, false},
	}
	for _, c := range cases {
		if got := SameAZ(c.a, c.b); got != c.sameAZ {
			t.Errorf("%s: SameAZ = %v", c.name, got)
		}
		if got := SameRegion(c.a, c.b); got != c.sameRegn {
			t.Errorf("%s: SameRegion = %v", c.name, got)
		}
		err := RequireSameAZ(c.a, c.b, "attach")
		if (err == nil) != c.sameAZ {
			t.Errorf("%s: RequireSameAZ = %v", c.name, err)
		}
		if err != nil && !errors.Is(err, ErrZoneMismatch) {
			t.Errorf("%s: error %v is not InvalidParameterCombination", c.name, err)
		}
	}
	if !g.Contains(use1) || !use1.Contains(z1) || use1.Contains(zEU) || z1.Contains(use1) || GlobalScope("aws-cn").Contains(z1) {
		t.Error("Contains wrong")
	}
	if ServiceLevel("iam") != LevelGlobal || ServiceLevel("s3") != LevelRegional {
		t.Error("ServiceLevel wrong")
	}
	if (Scope{}).IsValid() || SameAZ(Scope{}, Scope{}) {
		t.Error("zero Scope must be invalid")
	}
}

// pricedLedger returns a ledger whose catalog also prices the given
// user-built regions (at the catalog's base prices), as a user of a custom
// topology would build it.
func pricedLedger(t testing.TB, env *sim.Env, codes ...string) *billing.Ledger {
	t.Helper()
	doc := `{"regions":[`
	for i, c := range codes {
		if i > 0 {
			doc += ","
		}
		doc += fmt.Sprintf(`{"code":%q,"name":"lab","prefix":"LAB%d"}`, c, i+1)
	}
	extra, err := billing.ParseCatalog([]byte(doc + `]}`))
	if err != nil {
		t.Fatal(err)
	}
	cat, err := billing.DefaultCatalog().Merge(extra)
	if err != nil {
		t.Fatal(err)
	}
	return billing.New(env, cat)
}

func TestCustomTopology(t *testing.T) {
	env := sim.New(1)
	t.Cleanup(env.Close)
	w, err := NewWorld(env, Options{
		Partitions: []PartitionSpec{{Name: "lab", DNSSuffix: "lab.test", GlobalRegion: "lab-1"}},
		Regions: []RegionSpec{
			{Code: "lab-1", Partition: "lab", Lat: 0, Lon: 0, AZIDs: []string{"lab1-az1", "lab1-az2"}},
			{Code: "lab-2", Partition: "lab", Lat: 0, Lon: 90, AZIDs: []string{"lab2-az1"}},
		},
		HostsPerAZ: map[string]int{"m5": 2},
		Billing:    pricedLedger(t, env, "lab-1", "lab-2"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := w.Endpoint("s3", "lab-2"); got != "s3.lab-2.lab.test" {
		t.Errorf("endpoint %q", got)
	}
	if w.Fleet().HostCount() != 6 {
		t.Errorf("hosts = %d, want 3 zones x 2", w.Fleet().HostCount())
	}
	// No matrix entry: the RTT comes from the distance estimate, above
	// twice the floor (10,008 km along the equator).
	rtt, _ := w.Network().MedianRTT("lab-1", "lab-2")
	floor, _ := w.Network().DistanceFloor("lab-1", "lab-2")
	if rtt < 2*floor || floor < 49*1e6 || floor > 51*1e6 {
		t.Errorf("rtt %v, floor %v", rtt, floor)
	}
	for _, bad := range []Options{
		{Regions: []RegionSpec{{Code: "x", Partition: "nope", AZIDs: []string{"x1"}}}},
		{Regions: []RegionSpec{{Code: "x", Partition: "aws", AZIDs: []string{"a", "a"}}}},
		{HostTypes: []HostType{{Name: "bad", Family: "m5", Sockets: 9, CoresPerSocket: 1, VCPUs: 1, MemoryMiB: 1}}},
	} {
		env := sim.New(1)
		if _, err := NewWorld(env, bad); err == nil {
			t.Errorf("NewWorld(%+v) accepted a bad topology", bad)
		}
		env.Close()
	}
}

func TestAWSErrorsCarryCodeAndStatus(t *testing.T) {
	w := newWorld(t, 1, emptyFleet())
	_, err := w.Region("nowhere-1")
	var ae *awserr.Error
	if !errors.As(err, &ae) || ae.StatusCode != 400 || ae.Code != "InvalidParameterValue" || ae.Retryable {
		t.Fatalf("got %#v", err)
	}
}

// TestFailureTopologyDrivesRackOutage: a rack outage from the failure
// package fails exactly the hosts of that rack.
func TestFailureTopologyDrivesRackOutage(t *testing.T) {
	w := newWorld(t, 1, Options{
		Regions:    []RegionSpec{{Code: "us-east-1", Partition: "aws", AZIDs: []string{"use1-az1", "use1-az2"}}},
		HostsPerAZ: map[string]int{"m5": 5}, RackSize: 2,
	})
	topo, err := w.Faults().FailureTopology()
	if err != nil {
		t.Fatal(err)
	}
	racks := topo.Domains(failure.Rack)
	if len(racks) != 6 || racks[0] != "use1-az1/m5/rack-0" {
		t.Fatalf("racks %v", racks)
	}
	hosts := topo.Hosts("use1-az1/m5/rack-1")
	if len(hosts) != 2 {
		t.Fatalf("rack-1 hosts %v", hosts)
	}
	h, err := failure.NewHarness(w.Env(), w.Faults())
	if err != nil {
		t.Fatal(err)
	}
	h.Start(failure.For(failure.DomainDown(topo, "use1-az1/m5/rack-1"), time.Hour))
	w.Env().RunFor(30 * time.Minute)
	if err := h.Err(); err != nil {
		t.Fatal(err)
	}
	failed := 0
	all, _ := w.Fleet().Hosts("use1-az1", "")
	for _, h := range all {
		if h.Failed {
			failed++
			if h.ID != hosts[0] && h.ID != hosts[1] {
				t.Errorf("host %s outside the rack failed", h.ID)
			}
		}
	}
	if failed != 2 {
		t.Errorf("%d hosts failed, want 2", failed)
	}
	w.Env().RunFor(time.Hour)
	for _, id := range hosts {
		if hi, _ := w.Fleet().Host(id); hi.Failed {
			t.Errorf("host %s not repaired after the outage", id)
		}
	}
	if _, err := w.Faults().FailureTopology("nowhere-1"); err == nil {
		t.Error("unknown region accepted")
	}
}

// TestServiceRegionAgreesWithEndpoint: the pipeline's endpoint resolution
// fails exactly when Endpoint does, and global services are served from
// their partition's global region.
func TestServiceRegionAgreesWithEndpoint(t *testing.T) {
	w := newWorld(t, 1, emptyFleet())
	cases := []struct{ service, region, served string }{
		{"s3", "eu-west-1", "eu-west-1"}, {"iam", "", "us-east-1"}, {"iam", "cn-northwest-1", "cn-north-1"},
		{"iam", "us-gov-east-1", "us-gov-west-1"}, {"sts", "", "us-east-1"}, {"sts", "sa-east-1", "sa-east-1"},
		{"s3", "", ""}, {"", "us-east-1", ""}, {"ec2", "atlantis-1", ""},
	}
	for _, c := range cases {
		r, err := w.serviceRegion(c.service, c.region)
		_, eerr := w.Endpoint(c.service, c.region)
		if (err == nil) != (eerr == nil) {
			t.Errorf("%s/%s: serviceRegion err %v, Endpoint err %v", c.service, c.region, err, eerr)
		}
		if err == nil && r.Code() != c.served {
			t.Errorf("%s/%s served from %s, want %s", c.service, c.region, r.Code(), c.served)
		}
	}
}

// TestUnpricedRegionIsAnErrorAtNewWorld: a user-built region the billing
// catalog does not know fails NewWorld with a clear error, rather than
// panicking when its first call is metered.
func TestUnpricedRegionIsAnErrorAtNewWorld(t *testing.T) {
	env := sim.New(1)
	defer env.Close()
	_, err := NewWorld(env, Options{
		Partitions: []PartitionSpec{{Name: "lab", DNSSuffix: "lab.test", GlobalRegion: "xx-lab-1"}},
		Regions:    []RegionSpec{{Code: "xx-lab-1", Partition: "lab", Lat: 0, Lon: 0, AZIDs: []string{"xxl1-az1"}}},
	})
	if err == nil || !strings.Contains(err.Error(), `"xx-lab-1" has no prices`) {
		t.Fatalf("err = %v", err)
	}
}

// TestNegativeFleetSizeIsAnError: a negative host count is a mistake in
// the options, reported by NewWorld rather than read as zero.
func TestNegativeFleetSizeIsAnError(t *testing.T) {
	env := sim.New(1)
	defer env.Close()
	_, err := NewWorld(env, Options{HostsPerAZ: map[string]int{"m5": 2, "c5": -1}})
	if err == nil || !strings.Contains(err.Error(), "c5") {
		t.Fatalf("err %v, want an error naming c5", err)
	}
}

// TestAZNameAllocatesOnce: a zone's name is a slice of the region's names,
// built once per world, so naming zones again allocates nothing.
func TestAZNameAllocatesOnce(t *testing.T) {
	w := newWorld(t, 7, emptyFleet())
	r, err := w.Region("us-east-1")
	require.NoError(t, err)
	const account = "111122223333"
	names := map[string]bool{}
	for _, z := range r.AZs() {
		n, err := w.AZName(account, z.ID())
		require.NoError(t, err)
		require.Len(t, n, len("us-east-1a"))
		require.Equal(t, "us-east-1", n[:9])
		names[n] = true
	}
	require.Len(t, names, len(r.AZs()))
	z := r.AZs()[2].ID()
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := w.AZName(account, z); err != nil {
			t.Fatal(err)
		}
	})
	require.Zero(t, allocs)
}

package region

import (
	"slices"
	"sync"
)

// PartitionSpec describes an AWS partition: a group of regions that share
// an identity namespace and DNS suffix, and that no IAM principal crosses.
type PartitionSpec struct {
	Name      string // "aws", "aws-cn", "aws-us-gov"
	DNSSuffix string // "amazonaws.com", "amazonaws.com.cn"
	// GlobalRegion is where the partition's global services (IAM, the
	// global STS endpoint) are served from: their requests travel there.
	GlobalRegion string
	// GlobalEndpoints names the global endpoint per global service, e.g.
	// "iam" -> "iam.amazonaws.com".
	GlobalEndpoints map[string]string
}

// RegionSpec describes one region of a topology. Users may build their own
// topology from specs (Options.Regions); the built-in one is Catalog().
type RegionSpec struct {
	Code      string // "us-east-1"
	Name      string // "US East (N. Virginia)"
	Partition string // "aws"
	// Lat and Lon (degrees) place the region for the physical latency
	// floor; they are the metro area's coordinates, not a data centre's.
	Lat, Lon float64
	// AZIDs are the zone IDs an account sees, e.g. use1-az1 ... use1-az6.
	// Per-account zone names (us-east-1a ...) map to them by a seeded
	// shuffle, so the same name can be a different zone in two accounts.
	AZIDs []string
}

// Partitions returns the built-in partition specs (a fresh copy the
// caller may change).
//
// Global endpoints follow the AWS endpoint tables: IAM is
// iam.amazonaws.com in aws, iam.us-gov.amazonaws.com in aws-us-gov and
// iam.cn-north-1.amazonaws.com.cn in aws-cn; the legacy global STS
// endpoint is sts.amazonaws.com. AWS Organizations is served from
// organizations.us-east-1.amazonaws.com in aws and
// organizations.us-gov-west-1.amazonaws.com in aws-us-gov ("AWS
// Organizations endpoints and quotas",
// https://docs.aws.amazon.com/general/latest/gr/ao.html); in aws-cn its
// endpoint is in cn-northwest-1, not the partition's global region, so
// aws-cn callers name that region.
func Partitions() []PartitionSpec {
	return newPartitions()
}

// builtinPartitions is Partitions(), built once and only read by worlds.
var builtinPartitions = sync.OnceValue(newPartitions)

func newPartitions() []PartitionSpec {
	return []PartitionSpec{
		{Name: "aws", DNSSuffix: "amazonaws.com", GlobalRegion: "us-east-1",
			GlobalEndpoints: map[string]string{"iam": "iam.amazonaws.com", "sts": "sts.amazonaws.com",
				"organizations": "organizations.us-east-1.amazonaws.com"}},
		{Name: "aws-cn", DNSSuffix: "amazonaws.com.cn", GlobalRegion: "cn-north-1",
			GlobalEndpoints: map[string]string{"iam": "iam.cn-north-1.amazonaws.com.cn"}},
		{Name: "aws-us-gov", DNSSuffix: "amazonaws.com", GlobalRegion: "us-gov-west-1",
			GlobalEndpoints: map[string]string{"iam": "iam.us-gov.amazonaws.com",
				"organizations": "organizations.us-gov-west-1.amazonaws.com"}},
	}
}

// Catalog returns the built-in regions: the eleven of the cloudping
// latency matrix [cloudping.co], us-west-1, and two regions each
// of aws-cn and aws-us-gov. Zone IDs follow AWS's, including the gaps that
// accounts actually see (ap-northeast-1 and ca-central-1 offer az1, az2,
// az4; us-west-1 offers az1 and az3 to accounts created since 2013).
//
// The result is the caller's to change: a copy of a table built once,
// whose zone ID lists share one array (each capped, so appending to one
// copies it).
func Catalog() []RegionSpec {
	src := builtinCatalog()
	out := make([]RegionSpec, len(src))
	n := 0
	for _, r := range src {
		n += len(r.AZIDs)
	}
	ids := make([]string, 0, n)
	for i, r := range src {
		out[i] = r
		start := len(ids)
		ids = append(ids, r.AZIDs...)
		out[i].AZIDs = ids[start:len(ids):len(ids)]
	}
	return out
}

// CatalogRegion returns the spec of one built-in region (the entry of
// Catalog() with that code), false if there is none. It is the caller's
// to change, as Catalog's result is, and costs one small copy rather
// than the whole table's: a study that builds a one-region world per
// replication passes []RegionSpec{spec} as Options.Regions, and the world
// then shares the built-in topology of that region.
func CatalogRegion(code string) (RegionSpec, bool) {
	for _, r := range builtinCatalog() {
		if r.Code == code {
			r.AZIDs = append([]string(nil), r.AZIDs...)
			return r, true
		}
	}
	return RegionSpec{}, false
}

// builtinCatalog is the built-in region table, built once and never
// written: Catalog hands out copies.
var builtinCatalog = sync.OnceValue(newCatalog)

func newCatalog() []RegionSpec {
	ids := func(prefix string, ns ...int) []string {
		out := make([]string, len(ns))
		for i, n := range ns {
			out[i] = prefix + "-az" + itoa(n)
		}
		return out
	}
	return []RegionSpec{
		{"us-east-1", "US East (N. Virginia)", "aws", 39.04, -77.49, ids("use1", 1, 2, 3, 4, 5, 6)},
		{"us-east-2", "US East (Ohio)", "aws", 39.96, -83.00, ids("use2", 1, 2, 3)},
		{"us-west-1", "US West (N. California)", "aws", 37.35, -121.96, ids("usw1", 1, 3)},
		{"us-west-2", "US West (Oregon)", "aws", 45.84, -119.70, ids("usw2", 1, 2, 3, 4)},
		{"ca-central-1", "Canada (Central)", "aws", 45.50, -73.57, ids("cac1", 1, 2, 4)},
		{"eu-west-1", "Europe (Ireland)", "aws", 53.35, -6.26, ids("euw1", 1, 2, 3)},
		{"eu-central-1", "Europe (Frankfurt)", "aws", 50.11, 8.68, ids("euc1", 1, 2, 3)},
		{"ap-northeast-1", "Asia Pacific (Tokyo)", "aws", 35.68, 139.69, ids("apne1", 1, 2, 4)},
		{"ap-southeast-1", "Asia Pacific (Singapore)", "aws", 1.35, 103.82, ids("apse1", 1, 2, 3)},
		{"ap-southeast-2", "Asia Pacific (Sydney)", "aws", -33.87, 151.21, ids("apse2", 1, 2, 3)},
		{"ap-south-1", "Asia Pacific (Mumbai)", "aws", 19.08, 72.88, ids("aps1", 1, 2, 3)},
		{"sa-east-1", "South America (Sao Paulo)", "aws", -23.55, -46.63, ids("sae1", 1, 2, 3)},
		{"cn-north-1", "China (Beijing)", "aws-cn", 39.90, 116.40, ids("cnn1", 1, 2, 4)},
		{"cn-northwest-1", "China (Ningxia)", "aws-cn", 37.50, 105.19, ids("cnnw1", 1, 2, 3)},
		{"us-gov-west-1", "AWS GovCloud (US-West)", "aws-us-gov", 45.60, -121.20, ids("usgw1", 1, 2, 3)},
		{"us-gov-east-1", "AWS GovCloud (US-East)", "aws-us-gov", 39.96, -83.00, ids("usge1", 1, 2, 3)},
	}
}

// interRegionRTT is the cloudping.co p50 round-trip matrix
// [cloudping.co], in milliseconds, rows = from, columns = to, in the order of
// rttRegions. The matrix is symmetric within 7 ms; the model uses the mean
// of both directions.
var rttRegions = []string{"us-east-1", "us-east-2", "us-west-2", "ca-central-1", "eu-west-1",
	"eu-central-1", "ap-northeast-1", "ap-southeast-1", "ap-southeast-2", "ap-south-1", "sa-east-1"}

var interRegionRTT = [11][11]float64{
	{4, 13, 64, 15, 70, 92, 146, 211, 199, 186, 114},
	{12, 4, 52, 25, 79, 102, 133, 200, 187, 197, 124},
	{63, 51, 3, 60, 119, 140, 97, 161, 140, 217, 174},
	{14, 24, 60, 2, 70, 92, 143, 210, 197, 187, 125},
	{69, 79, 119, 70, 1, 27, 201, 181, 256, 120, 176},
	{91, 102, 141, 92, 26, 2, 223, 158, 249, 110, 204},
	{146, 135, 98, 144, 201, 223, 4, 68, 104, 123, 257},
	{213, 200, 162, 209, 182, 157, 69, 4, 93, 58, 322},
	{198, 187, 140, 198, 256, 249, 109, 93, 1, 146, 312},
	{185, 194, 218, 186, 120, 110, 126, 54, 145, 1, 298},
	{113, 124, 174, 125, 177, 204, 256, 322, 311, 297, 1},
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// builtinRegionTopologies holds, for each built-in region, the topology of
// the built-in partitions and that region alone: what a one-region
// scenario passes as Options.Regions (one spec of Catalog(), unchanged).
// Built once, on first use, and never written.
var builtinRegionTopologies = sync.OnceValue(func() map[string]*topology {
	m := map[string]*topology{}
	for _, rs := range builtinCatalog() {
		if t, err := newTopology(builtinPartitions(), []RegionSpec{rs}); err == nil {
			m[rs.Code] = t
		}
	}
	return m
})

// sharedTopology returns a built-in topology equal to what newTopology
// would build from (parts, regs), or nil if there is none: the whole
// catalog, or one of its regions unchanged, with the built-in partitions.
func sharedTopology(parts []PartitionSpec, regs []RegionSpec) (*topology, error) {
	if parts != nil {
		return nil, nil
	}
	if regs == nil {
		return builtinTopology()
	}
	if len(regs) != 1 {
		return nil, nil
	}
	t := builtinRegionTopologies()[regs[0].Code]
	if t == nil || !sameRegionSpec(t.regions[0].spec, regs[0]) {
		return nil, nil
	}
	return t, nil
}

func sameRegionSpec(a, b RegionSpec) bool {
	return a.Code == b.Code && a.Name == b.Name && a.Partition == b.Partition && a.Lat == b.Lat && a.Lon == b.Lon &&
		slices.Equal(a.AZIDs, b.AZIDs)
}

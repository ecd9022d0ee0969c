package ec2

import (
	"regexp"
	"strings"
	"testing"
)

var idOracle = regexp.MustCompile(`^(i|vol|snap|ami)-([0-9a-f]{8}|[0-9a-f]{17})$`)

// FuzzValidID checks the resource-ID parser against a regular expression
// (the slow, obvious oracle).
func FuzzValidID(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		for _, prefix := range []string{"i-", "vol-", "snap-", "ami-"} {
			got := validID(s, prefix)
			want := idOracle.MatchString(s) && strings.HasPrefix(s, prefix)
			if got != want {
				t.Fatalf("validID(%q, %q) = %v, oracle %v", s, prefix, got, want)
			}
		}
	})
}

// FuzzMetadataPath reads arbitrary metadata paths of an on-demand
// instance without a profile: no panic, the known items are served, and
// everything else is a 404.
func FuzzMetadataPath(f *testing.F) {
	known := map[string]bool{"": true, "/": true, "instance-id": true, "instance-type": true, "ami-id": true,
		"local-ipv4": true, "instance-life-cycle": true, "placement/availability-zone": true,
		"placement/availability-zone-id": true, "placement/region": true}
	f.Fuzz(func(t *testing.T, path string) {
		m := &Machine{id: "i-0123456789abcdef0", itype: catalogRows["m5.large"], image: &Image{ImageId: "ami-0123456789abcdef0"},
			state: InstanceStateRunning, machineHome: &machineHome{region: "us-east-1", azID: "use1-az1", azName: "us-east-1a"}}
		body, err := m.metadata(path)
		p := strings.TrimPrefix(strings.TrimPrefix(path, "/"), "latest/meta-data/")
		if err == nil && !known[p] {
			t.Fatalf("unknown path %q served %q", path, body)
		}
		if err != nil && known[p] {
			t.Fatalf("known path %q failed: %v", path, err)
		}
	})
}

package region

import (
	"strings"
	"testing"
)

// FuzzParseHostID: parsing never panics, accepts only IDs of existing
// hosts, and round-trips: hostID(parse(s)) == s for every accepted s.
func FuzzParseHostID(f *testing.F) {
	w := newWorld(f, 1, Options{
		Regions:    []RegionSpec{{Code: "us-east-1", Partition: "aws", AZIDs: []string{"use1-az1"}}},
		HostsPerAZ: map[string]int{"m5": 20},
	})
	f.Add("h-00000000000000000")
	f.Add("h-00000000000000013")
	f.Add("h-0000000000000000g")
	f.Fuzz(func(t *testing.T, s string) {
		hi, err := w.parseHostID(s)
		if err != nil {
			if !strings.Contains(err.Error(), "does not exist") {
				t.Fatalf("unclear error %v", err)
			}
			return
		}
		if int(hi) >= w.Fleet().HostCount() {
			t.Fatalf("%q parsed to host %d of %d", s, hi, w.Fleet().HostCount())
		}
		if back := hostID(hi); back != s {
			t.Fatalf("%q parsed to %d, prints as %q", s, hi, back)
		}
	})
}

// FuzzAZID: resolving a zone name never panics; every accepted name maps
// to a real zone whose per-account name maps back (or was a zone ID).
func FuzzAZID(f *testing.F) {
	w := newWorld(f, 1, emptyFleet())
	f.Add("111122223333", "us-east-1a")
	f.Add("111122223333", "use1-az4")
	f.Add("", "eu-west-1c")
	f.Fuzz(func(t *testing.T, account, name string) {
		id, err := w.AZID(account, name)
		if err != nil {
			return
		}
		z, err := w.AZ(id)
		if err != nil {
			t.Fatalf("AZID(%q) = %q, not a zone: %v", name, id, err)
		}
		if id == name {
			return
		}
		back, err := w.AZName(account, z.ID())
		if err != nil || back != name {
			t.Fatalf("AZID(%q, %q) = %s, but AZName gives %q, %v", account, name, id, back, err)
		}
	})
}

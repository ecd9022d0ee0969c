package region

import (
	"testing"

	"github.com/nimbus-sim/nimbus/sim"
)

func oneHostWorld(t testing.TB, hostType string) *World {
	t.Helper()
	env := sim.New(1)
	t.Cleanup(env.Close)
	w, err := NewWorld(env, Options{HostsPerAZ: map[string]int{hostType: 1}})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// fillCount places instanceType until the single host of its family in
// use1-az1 is full and returns how many fit.
func fillCount(t *testing.T, hostType, instanceType string) int {
	w := oneHostWorld(t, hostType)
	n := 0
	for ; n < 1000; n++ {
		if _, err := w.Place("use1-az1", instanceType, PlaceOptions{}); err != nil {
			return n
		}
	}
	t.Fatalf("%s: more than 1000 fit", instanceType)
	return n
}

// TestDedicatedHostPerSizeCounts reproduces the per-size instance counts
// of the Dedicated Host tables in REFERENCE.md 1.2 and 1.3 [S1, S2].
func TestDedicatedHostPerSizeCounts(t *testing.T) {
	cases := []struct {
		host, typ string
		want      int
	}{
		{"m5", "m5.large", 48}, {"m5", "m5.xlarge", 24}, {"m5", "m5.2xlarge", 12}, {"m5", "m5.4xlarge", 6},
		{"m5", "m5.8xlarge", 2}, {"m5", "m5.12xlarge", 2}, {"m5", "m5.16xlarge", 1}, {"m5", "m5.24xlarge", 1},
		{"c5", "c5.large", 36}, {"c5", "c5.xlarge", 18}, {"c5", "c5.2xlarge", 8}, {"c5", "c5.4xlarge", 4},
		{"c5", "c5.9xlarge", 2}, {"c5", "c5.18xlarge", 1},
		{"r5", "r5.8xlarge", 2},
		{"p3", "p3.2xlarge", 8}, {"p3", "p3.8xlarge", 2}, {"p3", "p3.16xlarge", 1},
		{"t3", "t3.nano", 192}, {"t3", "t3.micro", 192}, {"t3", "t3.small", 192}, {"t3", "t3.medium", 192},
		{"t3", "t3.large", 96}, {"t3", "t3.xlarge", 48}, {"t3", "t3.2xlarge", 24},
	}
	for _, c := range cases {
		t.Run(c.typ, func(t *testing.T) {
			if got := fillCount(t, c.host, c.typ); got != c.want {
				t.Errorf("%s per %s host = %d, want %d", c.typ, c.host, got, c.want)
			}
		})
	}
}

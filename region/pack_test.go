package region

import (
	"testing"
	"unsafe"

	"pgregory.net/rapid"

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
		if _, err := w.Fleet().Place("use1-az1", instanceType, PlaceOptions{}); err != nil {
			return n
		}
	}
	t.Fatalf("%s: more than 1000 fit", instanceType)
	return n
}

// TestDedicatedHostPerSizeCounts reproduces the per-size instance counts
// of the Dedicated Host tables [Dedicated Hosts guide; Dedicated Host price list 2019].
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

// TestAllocCodeRoundTrip (rapid): every allocation fit can return, on any
// host shape and free-core state, survives the one-byte slot encoding.
func TestAllocCodeRoundTrip(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		sockets := rapid.IntRange(1, maxSockets).Draw(rt, "sockets")
		cps := rapid.IntRange(1, 64).Draw(rt, "coresPerSocket")
		ht := HostType{Name: "x", Family: "x", Sockets: sockets, CoresPerSocket: cps,
			VCPUs: 2 * sockets * cps, MemoryMiB: 1 << 20}
		w := &World{shapeTable: &shapeTable{hostTypes: []HostType{ht}}}
		w.fleet.init(w)
		h := &host{memFree: 1 << 20, vcpuFree: uint16(ht.VCPUs)}
		for i := 0; i < sockets; i++ {
			h.free[i] = uint8(rapid.IntRange(0, cps).Draw(rt, "free"))
		}
		cores := rapid.IntRange(1, sockets*cps).Draw(rt, "cores")
		s := &Shape{Name: "x.y", Family: "x", VCPUs: 2 * cores, MemoryMiB: 1}
		alloc, ok := w.fit(h, s)
		if !ok {
			return
		}
		sum := 0
		for i, c := range alloc {
			sum += int(c)
			if c > h.free[i] {
				rt.Fatalf("alloc %v exceeds free %v", alloc, h.free)
			}
		}
		if sum != cores {
			rt.Fatalf("alloc %v holds %d cores, shape needs %d", alloc, sum, cores)
		}
		if got := encodeAlloc(alloc, cps).decode(cores, cps); got != alloc {
			rt.Fatalf("alloc %v decodes as %v", alloc, got)
		}
	})
}

// TestRecordSizes guards the per-host and per-instance record sizes the
// memory budget and BenchmarkPlace's locality rest on.
func TestRecordSizes(t *testing.T) {
	if n := unsafe.Sizeof(host{}); n > 28 {
		t.Errorf("host record is %d bytes, want at most 28", n)
	}
	if n := unsafe.Sizeof(slot{}); n > 32 {
		t.Errorf("slot record is %d bytes, want at most 32", n)
	}
}

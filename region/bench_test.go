package region

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/nimbus-sim/nimbus/sim"
)

// bigWorld builds one zone with n m5 hosts.
func bigWorld(tb testing.TB, n int) *World {
	env := sim.New(1)
	tb.Cleanup(env.Close)
	w, err := NewWorld(env, Options{
		Regions:    []RegionSpec{{Code: "us-east-1", Partition: "aws", Lat: 39, Lon: -77, AZIDs: []string{"use1-az1"}}},
		HostsPerAZ: map[string]int{"m5": n},
	})
	if err != nil {
		tb.Fatal(err)
	}
	return w
}

// BenchmarkPlace measures one best-fit placement plus one release in a
// zone whose hosts are about half full with a mix of m5 sizes, at 1,000
// and 100,000 hosts. Best fit walks the B-tree index, so the algorithmic
// cost grows with log(hosts); the budget is at most 3x from 1k to 100k.
//
// Two release orders: fifo releases the oldest instance (instances leave
// roughly in launch order), random a uniformly chosen one. At 100,000
// hosts the random order touches a random slot and host in a ~17 MB
// working set on every release, so it measures cache misses as much as
// the algorithm; fifo isolates the algorithm.
func BenchmarkPlace(b *testing.B) {
	for _, order := range []string{"fifo", "random"} {
		for _, n := range []int{1_000, 100_000} {
			b.Run(fmt.Sprintf("release=%s/hosts=%d", order, n), func(b *testing.B) {
				w := bigWorld(b, n)
				r := rand.New(rand.NewPCG(1, 2))
				sizes := []string{"m5.large", "m5.xlarge", "m5.2xlarge", "m5.4xlarge"}
				var live []Slot
				// Fill to about half the cores: 24 cores per host on average.
				for range n * 24 / 7 {
					s, err := w.Fleet().Place("use1-az1", sizes[r.IntN(len(sizes))], PlaceOptions{})
					if err != nil {
						b.Fatal(err)
					}
					live = append(live, s)
				}
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					s, err := w.Fleet().Place("use1-az1", sizes[i&3], PlaceOptions{})
					if err != nil {
						b.Fatal(err)
					}
					j := i % len(live)
					if order == "random" {
						j = r.IntN(len(live))
					}
					if err := w.Fleet().Release(live[j]); err != nil {
						b.Fatal(err)
					}
					live[j] = s
				}
				b.ReportMetric(float64(w.Fleet().Running()), "instances")
			})
		}
	}
}

// heapAfterGC returns the live heap after two collections.
func heapAfterGC() uint64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// placeMillion builds 100,000 m5 hosts in four zones and places 1,000,000
// instances (10 per host) and returns the heap growth.
func placeMillion(tb testing.TB) (bytes uint64, w *World) {
	before := heapAfterGC()
	env := sim.New(1)
	w, err := NewWorld(env, Options{
		Regions: []RegionSpec{{Code: "us-east-1", Partition: "aws", Lat: 39, Lon: -77,
			AZIDs: []string{"use1-az1", "use1-az2", "use1-az3", "use1-az4"}}},
		HostsPerAZ: map[string]int{"m5": 25_000},
	})
	if err != nil {
		tb.Fatal(err)
	}
	azs := []string{"use1-az1", "use1-az2", "use1-az3", "use1-az4"}
	sizes := []string{"m5.large", "m5.xlarge", "m5.large", "m5.2xlarge"}
	for i := range 1_000_000 {
		if _, err := w.Fleet().Place(azs[i&3], sizes[(i>>2)&3], PlaceOptions{}); err != nil {
			tb.Fatal(err)
		}
	}
	after := heapAfterGC()
	runtime.KeepAlive(env)
	if after < before {
		return 0, w
	}
	return after - before, w
}

// TestMemory100kHosts1MInstances: 100,000 hosts and 1,000,000 placed
// instances fit in well under the project's 2 GiB budget.
func TestMemory100kHosts1MInstances(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a million placements")
	}
	bytes, w := placeMillion(t)
	if w.Fleet().Running() != 1_000_000 || w.Fleet().HostCount() != 100_000 {
		t.Fatalf("running %d on %d hosts", w.Fleet().Running(), w.Fleet().HostCount())
	}
	if bytes > 2<<30 {
		t.Fatalf("heap %d bytes, over 2 GiB", bytes)
	}
	t.Logf("100,000 hosts + 1,000,000 instances: %.1f MiB heap, %.1f bytes per instance (hosts included)",
		float64(bytes)/(1<<20), float64(bytes)/1e6)
}

// BenchmarkMemory reports the heap per placed instance at 100,000 hosts
// and 1,000,000 instances.
func BenchmarkMemory(b *testing.B) {
	for i := 0; i < b.N; i++ {
		bytes, _ := placeMillion(b)
		b.ReportMetric(float64(bytes)/1e6, "bytes/instance")
		b.ReportMetric(float64(bytes)/(1<<20), "MiB")
	}
}

// BenchmarkCall measures one successful API call through the pipeline,
// authenticated and authorized by IAM (alice's policy: allow all, deny
// s3:DeleteObject).
func BenchmarkCall(b *testing.B) {
	w := pipelineWorld(b, 1)
	from, _ := w.InAZ("use1-az1")
	benchCall(b, w, getReq(w, from))
}

// BenchmarkCallRef is BenchmarkCall through CallRef: the Request is not
// copied into the call's arguments.
func BenchmarkCallRef(b *testing.B) {
	w := pipelineWorld(b, 1)
	from, _ := w.InAZ("use1-az1")
	req := getReq(w, from)
	env := w.Env()
	b.ReportAllocs()
	env.Go("caller", func(p *sim.Proc) {
		for i := 0; i < b.N; i++ {
			if err := w.CallRef(p, &req, func(*Call) error { return nil }); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ResetTimer()
	env.Run()
}

// BenchmarkCallRouter is BenchmarkCall with the tests' Router registered:
// the caller sits in a public subnet, so every attempt is routed through
// an internet gateway and carries aws:SourceIp into IAM. The Router counts
// its network changes, as vpc's does (see NetworkChangeCounter): what is
// measured is the pipeline's routing and the Router's Route, not three
// lookups in the test table behind CheckNetwork, which no real Router
// repeats for a caller whose network has not changed.
func BenchmarkCallRouter(b *testing.B) {
	w := pipelineWorld(b, 1)
	w.Network().SetRouter(&countingRouter{known: knownIDs}) // router_test.go
	benchCall(b, w, getReq(w, vpcLoc(b, w, "subnet-public")))
}

func benchCall(b *testing.B, w *World, req Request) {
	env := w.Env()
	b.ReportAllocs()
	env.Go("caller", func(p *sim.Proc) {
		for i := 0; i < b.N; i++ {
			if err := w.Call(p, req, func(*Call) error { return nil }); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ResetTimer()
	env.Run()
}

// BenchmarkLatency measures one latency draw across regions.
func BenchmarkLatency(b *testing.B) {
	w := newWorld(b, 1, emptyFleet())
	from, _ := w.InAZ("use1-az1")
	to := InRegion("eu-west-1")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := w.Network().Latency(from, to); err != nil {
			b.Fatal(err)
		}
	}
}

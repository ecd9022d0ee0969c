package region

import (
	"errors"
	"math"
	"sort"
	"testing"
	"time"
)

func median(xs []time.Duration) time.Duration {
	s := append([]time.Duration(nil), xs...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

func near(got, want time.Duration, tol float64) bool {
	return math.Abs(float64(got)/float64(want)-1) <= tol
}

// TestLatencyMediansPerPathClass: seed 42, 20,000 draws per class; the
// sample median of the round trip (2 x one-way) is within 5% of the model
// median: the zone pair's median for cross-AZ (see
// TestCrossAZPairMedians), the cloudping p50 for cross-region [S27].
func TestLatencyMediansPerPathClass(t *testing.T) {
	w := newWorld(t, 42, Options{HostsPerAZ: map[string]int{"m5": 1}})
	a := mustPlace(t, w, "use1-az1", "m5.large", PlaceOptions{})
	b := mustPlace(t, w, "use1-az1", "m5.large", PlaceOptions{})
	la, _ := w.AtSlot(a)
	lb, _ := w.AtSlot(b)
	az1, _ := w.InAZ("use1-az1")
	az2, _ := w.InAZ("use1-az2")
	euc1, _ := w.InAZ("euc1-az2")
	pair, _ := w.Network().AZPairMedianRTT("use1-az1", "use1-az2")
	cases := []struct {
		name     string
		from, to Location
		class    PathClass
		wantRTT  time.Duration
	}{
		{"same host", la, lb, PathSameHost, 50 * time.Microsecond},
		{"same AZ", la, az1, PathSameAZ, 200 * time.Microsecond},
		{"cross AZ", la, az2, PathCrossAZ, pair},
		{"us-east-1 to eu-west-1", la, InRegion("eu-west-1"), PathCrossRegion, 69500 * time.Microsecond},
		{"us-east-1 to us-east-2", az2, InRegion("us-east-2"), PathCrossRegion, 12500 * time.Microsecond},
		{"eu-central-1 to ap-northeast-1", euc1, InRegion("ap-northeast-1"), PathCrossRegion, 223 * time.Millisecond},
		{"internet client near the region", OnInternet("us-east-1"), InRegion("us-east-1"), PathInternet, 20 * time.Millisecond},
	}
	for _, c := range cases {
		if cl, err := w.Network().Class(c.from, c.to); err != nil || cl != c.class {
			t.Errorf("%s: class %v, %v; want %v", c.name, cl, err, c.class)
		}
		xs := make([]time.Duration, 20000)
		for i := range xs {
			d, err := w.Network().Latency(c.from, c.to)
			if err != nil {
				t.Fatal(err)
			}
			xs[i] = 2 * d
		}
		if m := median(xs); !near(m, c.wantRTT, 0.05) {
			t.Errorf("%s: median RTT %v, want %v +-5%%", c.name, m, c.wantRTT)
		}
	}
}

// TestCrossAZPairMedians: over every zone pair of the catalog (seed 42),
// the median of the pair medians is within 10% of the measured 1.02 ms
// [S26], and the pairs spread like the measured 0.64-2.79 ms range.
func TestCrossAZPairMedians(t *testing.T) {
	w := newWorld(t, 42, emptyFleet())
	var meds []time.Duration
	for _, r := range w.Regions() {
		azs := r.AZs()
		for i := range azs {
			for j := i + 1; j < len(azs); j++ {
				m, err := w.Network().AZPairMedianRTT(azs[i].ID(), azs[j].ID())
				if err != nil {
					t.Fatal(err)
				}
				if back, _ := w.Network().AZPairMedianRTT(azs[j].ID(), azs[i].ID()); back != m {
					t.Fatalf("pair median not symmetric: %v vs %v", m, back)
				}
				meds = append(meds, m)
			}
		}
	}
	sort.Slice(meds, func(i, j int) bool { return meds[i] < meds[j] })
	if len(meds) < 40 {
		t.Fatalf("only %d pairs", len(meds))
	}
	if m := meds[len(meds)/2]; !near(m, 1020*time.Microsecond, 0.10) {
		t.Errorf("median of %d pair medians %v, want 1.02 ms +-10%%", len(meds), m)
	}
	lo, hi := meds[0], meds[len(meds)-1]
	if lo < 510*time.Microsecond || hi > 3060*time.Microsecond || hi < 2*lo {
		t.Errorf("pair medians span %v..%v; want a real spread inside the clamp", lo, hi)
	}
	if _, err := w.Network().AZPairMedianRTT("use1-az1", "euw1-az1"); err == nil {
		t.Error("zones of two regions accepted as a pair")
	}
}

// TestCrossRegionNeverBelowDistanceFloor: for every pair of regions, and
// even with latency "improved" 100-fold, no one-way draw beats light in
// fibre over the great-circle distance.
func TestCrossRegionNeverBelowDistanceFloor(t *testing.T) {
	w := newWorld(t, 5, emptyFleet())
	regions := w.Regions()
	for _, ra := range regions {
		for _, rb := range regions {
			if ra == rb || ra.Partition() != rb.Partition() {
				continue
			}
			floor, _ := w.Network().DistanceFloor(ra.Code(), rb.Code())
			if med, _ := w.Network().MedianRTT(ra.Code(), rb.Code()); med < 2*floor {
				t.Errorf("%s-%s: median RTT %v below the round-trip floor %v", ra.Code(), rb.Code(), med, 2*floor)
			}
			for i := range 200 {
				if i == 100 {
					w.Faults().DegradeLatency(ra.Code(), rb.Code(), 0.01)
				}
				d, err := w.Network().Latency(InRegion(ra.Code()), InRegion(rb.Code()))
				if err != nil {
					t.Fatal(err)
				}
				if d < floor {
					t.Fatalf("%s->%s: %v below the floor %v", ra.Code(), rb.Code(), d, floor)
				}
			}
			w.Faults().RestoreLatency(ra.Code(), rb.Code())
		}
	}
	// The floor itself: us-east-1 to ap-southeast-1 is about 15,500 km,
	// so at least 77 ms one way.
	f, _ := w.Network().DistanceFloor("us-east-1", "ap-southeast-1")
	if f < 75*time.Millisecond || f > 80*time.Millisecond {
		t.Errorf("floor us-east-1 to ap-southeast-1 = %v", f)
	}
}

func TestTransferTimeIsLatencyPlusSize(t *testing.T) {
	w := newWorld(t, 9, emptyFleet())
	a, _ := w.InAZ("use1-az1")
	b, _ := w.InAZ("use1-az2")
	// 5 Gbit/s single flow: 625 MB in 1 s, plus about 0.5 ms.
	d, err := w.Network().Transfer(a, b, 625_000_000)
	if err != nil {
		t.Fatal(err)
	}
	if d < time.Second || d > time.Second+5*time.Millisecond {
		t.Errorf("625 MB cross-AZ took %v", d)
	}
	// Cross-region, the 16 MiB TCP window over a 69.5 ms RTT binds:
	// 241 MB/s, well under 5 Gbit/s.
	bps, _ := w.Network().Throughput(a, InRegion("eu-west-1"))
	want := float64(16<<20) / 0.0695
	if math.Abs(bps/want-1) > 0.01 {
		t.Errorf("cross-region throughput %.0f B/s, want %.0f", bps, want)
	}
	if _, err := w.Network().Transfer(a, b, -1); err == nil {
		t.Error("negative size accepted")
	}
}

func TestPartitionsLossAndDegradation(t *testing.T) {
	w := newWorld(t, 11, emptyFleet())
	a, _ := w.InAZ("use1-az1")
	b, _ := w.InAZ("use1-az2")
	c, _ := w.InAZ("use1-az3")
	if err := w.Faults().Partition("use1-az1", "use1-az2"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Network().Latency(a, b); !errors.Is(err, ErrUnreachable) {
		t.Fatalf("partitioned path: %v", err)
	}
	if _, err := w.Network().Latency(b, a); !errors.Is(err, ErrUnreachable) {
		t.Fatal("partition must cut both directions")
	}
	if _, err := w.Network().Latency(a, c); err != nil {
		t.Fatalf("unrelated path cut: %v", err)
	}
	w.Faults().Heal("use1-az1", "use1-az2")
	if _, err := w.Network().Latency(a, b); err != nil {
		t.Fatalf("healed path: %v", err)
	}
	// Region-to-internet partition.
	w.Faults().Partition("us-east-1", "internet")
	if _, err := w.Network().Latency(OnInternet("us-east-1"), InRegion("us-east-1")); !errors.Is(err, ErrUnreachable) {
		t.Fatal("internet partition ignored")
	}
	w.Faults().Heal("us-east-1", "internet")

	// Degradation multiplies the median.
	pair, _ := w.Network().AZPairMedianRTT("use1-az1", "use1-az3")
	w.Faults().DegradeLatency("use1-az1", "use1-az3", 10)
	xs := make([]time.Duration, 4001)
	for i := range xs {
		xs[i], _ = w.Network().Latency(a, c)
	}
	if m := 2 * median(xs); !near(m, 10*pair, 0.05) {
		t.Errorf("degraded median RTT %v, want 10 x %v", m, pair)
	}
	w.Faults().RestoreLatency("use1-az1", "use1-az3")

	// 50% loss: each loss adds an RTO of 200 ms, doubling; the mean extra
	// delay is sum_k 0.5^k x (2^k - 1) x 200 ms, infinite in theory but
	// truncated at 15 tries; check the fraction of transfers delayed.
	w.Faults().SetLoss("use1-az1", "use1-az3", 0.5)
	delayed, n := 0, 4000
	for range n {
		d, err := w.Network().Transfer(a, c, 0)
		if err == nil && d >= 200*time.Millisecond {
			delayed++
		}
	}
	if f := float64(delayed) / float64(n); math.Abs(f-0.5) > 0.03 {
		t.Errorf("fraction delayed by loss %.3f, want 0.5 +- 0.03 (seed 11)", f)
	}
	w.Faults().SetLoss("use1-az1", "use1-az3", 1)
	if _, err := w.Network().Transfer(a, c, 0); !errors.Is(err, ErrUnreachable) {
		t.Errorf("total loss: %v", err)
	}
	for _, bad := range []error{
		w.Faults().Partition("use1-az1", "use1-az1"),
		w.Faults().Partition("use1-az1", "atlantis"),
		w.Faults().SetLoss("use1-az1", "use1-az2", 1.5),
		w.Faults().DegradeLatency("use1-az1", "use1-az2", 0),
		w.Faults().DegradeLatency("use1-az1", "use1-az2", math.NaN()),
	} {
		if bad == nil {
			t.Error("bad network fault accepted")
		}
	}
	if _, err := w.Network().Latency(Location{}, a); err == nil {
		t.Error("zero location accepted")
	}
}

package region

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/nimbus-sim/nimbus/internal/awserr"
	"github.com/nimbus-sim/nimbus/internal/strs"
	"github.com/nimbus-sim/nimbus/sim"
)

// PathClass classifies the path between two places; each class has its
// own latency distribution and throughput.
type PathClass uint8

const (
	PathSameHost PathClass = iota + 1
	PathSameAZ
	PathCrossAZ
	PathCrossRegion
	PathInternet
	// PathRegional is an in-region caller reaching a regional service
	// endpoint (s3.us-east-1.amazonaws.com): the endpoint's front ends sit
	// in every zone, so the path has its own class rather than "same AZ".
	// A call to a specific place (an instance, a load-balancer node) keeps
	// the same-AZ and cross-AZ classes.
	PathRegional
	numPathClasses
)

func (c PathClass) String() string {
	switch c {
	case PathSameHost:
		return "same-host"
	case PathSameAZ:
		return "same-az"
	case PathCrossAZ:
		return "cross-az"
	case PathCrossRegion:
		return "cross-region"
	case PathInternet:
		return "internet"
	case PathRegional:
		return "regional"
	}
	return "invalid-path"
}

// LatencyDist is a round-trip latency distribution: a lognormal body with
// the given median and shape, and a rare heavy tail (third-party
// measurements show a tight body with a heavy tail; no AWS-published family exists, so the
// shape is a modelling choice). One-way latency is half a draw.
type LatencyDist struct {
	MedianRTT time.Duration
	Sigma     float64 // lognormal shape of the body
	TailProb  float64 // probability that a draw comes from the tail
	// TailFactor scales tail draws: a tail draw is the body draw times
	// 1 + TailFactor*Exp(1).
	TailFactor float64
}

func (d LatencyDist) validate(c PathClass) error {
	if d.MedianRTT < 0 || d.Sigma < 0 || d.TailProb < 0 || d.TailProb > 1 || d.TailFactor < 0 ||
		math.IsNaN(d.Sigma) || math.IsNaN(d.TailProb) || math.IsNaN(d.TailFactor) {
		return fmt.Errorf("region: invalid latency distribution for %v: %+v", c, d)
	}
	return nil
}

// sample draws a round trip with median m.
func (d *LatencyDist) sample(r *rand.Rand, m float64) float64 {
	x := m * math.Exp(d.Sigma*r.NormFloat64())
	if d.TailProb > 0 && r.Float64() < d.TailProb {
		x *= 1 + d.TailFactor*r.ExpFloat64()
	}
	return x
}

// NetworkModel holds the network's parameters. DefaultNetwork gives the
// measured figures cited there.
type NetworkModel struct {
	// Latency per path class (index by PathClass). For PathCrossRegion the
	// median comes from InterRegionRTT (or the distance estimate) and only
	// the shape is used; for PathInternet, MedianRTT is the client's last mile
	// and the path on from the client's nearest region is added.
	Latency [numPathClasses]LatencyDist
	// ThroughputBps is the single-flow throughput per path class in bits
	// per second, further bounded by TCPWindowBytes / RTT.
	ThroughputBps [numPathClasses]float64
	// InterRegionRTT holds median round trips between region codes; a pair
	// is looked up in either order.
	InterRegionRTT map[[2]string]time.Duration
	// FibreKmPerMs is the speed of light in fibre (about 200 km per ms):
	// one-way latency between regions is never below distance over it.
	FibreKmPerMs float64
	// RouteInflation estimates the RTT of region pairs missing from
	// InterRegionRTT: 2 x distance / FibreKmPerMs x RouteInflation + 2 ms.
	RouteInflation float64
	// TCPWindowBytes bounds a flow's throughput to window / RTT.
	TCPWindowBytes float64
	// MinRTO is the first retransmission timeout after a lost packet
	// (Linux's 200 ms); each further loss doubles it.
	MinRTO time.Duration
	// AZPairSigma spreads the cross-AZ median over zone pairs: each pair
	// keeps a fixed factor exp(AZPairSigma x N(0,1)), clamped to
	// [0.5, 3], on the class median, because some zones are farther
	// apart than others (measured pair means range 0.64-2.79 ms around a
	// median of 1.02 ms [Imaoka 2019]). 0 gives every pair the class median.
	AZPairSigma float64
}

// DefaultNetwork returns the default model:
//   - cross-AZ: median RTT 1.02 ms, the median of 47 measured AZ-pair means
//     in 16 regions [Imaoka 2019], spread over zone pairs by AZPairSigma 0.3 (the
//     measured 0.64-2.79 ms range of pair means); within a pair sigma 0.25
//     puts the typical max/mean ratio near the measured 1.65;
//   - cross-region: the cloudping p50 matrix [cloudping.co]
//     (mean of both directions), sigma 0.05;
//   - same AZ 0.2 ms and same host 0.05 ms RTT, internet last mile 20 ms:
//     assumptions (no published source for intra-AZ values);
//   - throughput: 5 Gbit/s single flow between instances (EC2's limit
//     outside cluster placement groups), 10 Gbit/s on one host, 100 Mbit/s
//     for an internet client (assumption); TCP window 16 MiB.
func DefaultNetwork() NetworkModel {
	m := NetworkModel{
		InterRegionRTT: map[[2]string]time.Duration{},
		FibreKmPerMs:   200,
		RouteInflation: 1.7,
		TCPWindowBytes: 16 << 20,
		MinRTO:         200 * time.Millisecond,
		AZPairSigma:    0.3,
	}
	m.Latency[PathSameHost] = LatencyDist{MedianRTT: 50 * time.Microsecond, Sigma: 0.2}
	m.Latency[PathSameAZ] = LatencyDist{MedianRTT: 200 * time.Microsecond, Sigma: 0.3, TailProb: 0.001, TailFactor: 5}
	// A regional endpoint's front end in the caller's zone: same-AZ figures
	// (an assumption; AWS publishes no endpoint round trip).
	m.Latency[PathRegional] = LatencyDist{MedianRTT: 200 * time.Microsecond, Sigma: 0.3, TailProb: 0.001, TailFactor: 5}
	m.Latency[PathCrossAZ] = LatencyDist{MedianRTT: 1020 * time.Microsecond, Sigma: 0.25, TailProb: 0.001, TailFactor: 5}
	m.Latency[PathCrossRegion] = LatencyDist{Sigma: 0.05, TailProb: 0.0005, TailFactor: 2}
	m.Latency[PathInternet] = LatencyDist{MedianRTT: 20 * time.Millisecond, Sigma: 0.5, TailProb: 0.01, TailFactor: 3}
	m.ThroughputBps[PathSameHost] = 10e9
	m.ThroughputBps[PathSameAZ] = 5e9
	m.ThroughputBps[PathRegional] = 5e9
	m.ThroughputBps[PathCrossAZ] = 5e9
	m.ThroughputBps[PathCrossRegion] = 5e9
	m.ThroughputBps[PathInternet] = 100e6
	for i, a := range rttRegions {
		for j, b := range rttRegions {
			if i < j {
				ms := (interRegionRTT[i][j] + interRegionRTT[j][i]) / 2
				m.InterRegionRTT[[2]string{a, b}] = time.Duration(ms * float64(time.Millisecond))
			}
		}
	}
	return m
}

// ErrUnreachable is the sentinel for a path that a partition, a dark zone
// or total loss cuts.
var ErrUnreachable = awserr.Code("NetworkUnreachable")

type network struct {
	w *World
	// m is the model, only read: the built-in one is shared by every world
	// that uses it (it is some 330 bytes, a fifth of a World), another is
	// a copy of the caller's.
	m       *NetworkModel
	streams [numPathClasses]*rand.Rand
	loss    *rand.Rand
	pairs   map[[2]string]float64
}

// pairFactor returns the fixed median factor of a zone pair, drawn once
// from a stream named after the pair, so it depends on the seed and the
// pair alone.
func (n *network) pairFactor(a, b string) float64 {
	if n.m.AZPairSigma == 0 {
		return 1
	}
	if a > b {
		a, b = b, a
	}
	k := [2]string{a, b}
	if f, ok := n.pairs[k]; ok {
		return f
	}
	z := rand.New(sim.StreamSource(n.w.env.Seed(), "region/network/az-pair/"+a+"|"+b)).NormFloat64()
	f := min(max(math.Exp(n.m.AZPairSigma*z), 0.5), 3)
	if n.pairs == nil {
		n.pairs = map[[2]string]float64{}
	}
	n.pairs[k] = f
	return f
}

// AZPairMedianRTT returns the median round trip between two zones of a
// region.
func (v Network) AZPairMedianRTT(a, b string) (time.Duration, error) {
	w := v.w
	za, err := w.AZ(a)
	if err != nil {
		return 0, err
	}
	zb, err := w.AZ(b)
	if err != nil {
		return 0, err
	}
	if za.region != zb.region || za == zb {
		return 0, awserr.New("InvalidParameterValue", 400, false, "%s and %s are not two zones of one region", a, b)
	}
	return time.Duration(float64(w.net.m.Latency[PathCrossAZ].MedianRTT) * w.net.pairFactor(a, b)), nil
}

// init validates m and adopts it. The random streams are taken on first
// use: a stream's draws depend only on the seed and its name, not on when
// it is made.
func (n *network) init(w *World, m *NetworkModel) error {
	for c := PathSameHost; c < numPathClasses; c++ {
		if err := m.Latency[c].validate(c); err != nil {
			return err
		}
		if !(m.ThroughputBps[c] > 0) {
			return fmt.Errorf("region: throughput for %v must be positive", c)
		}
	}
	if !(m.FibreKmPerMs > 0) || m.RouteInflation < 1 || !(m.TCPWindowBytes > 0) || m.MinRTO <= 0 ||
		!(m.AZPairSigma >= 0) {
		return fmt.Errorf("region: invalid network model constants")
	}
	if m != builtinNetwork() {
		c := *m // the caller may change *m later; the world keeps its model
		m = &c
	}
	n.w, n.m = w, m
	return nil
}

// builtinNetwork is DefaultNetwork(), built once per process and only
// read (worlds share the struct and its map).
var builtinNetwork = sync.OnceValue(func() *NetworkModel {
	m := DefaultNetwork()
	return &m
})

// stream returns the latency stream of path class c.
func (n *network) stream(c PathClass) *rand.Rand {
	if n.streams[c] == nil {
		n.streams[c] = n.w.env.Rand("region/network/" + c.String())
	}
	return n.streams[c]
}

// lossRand returns the packet-loss stream.
func (n *network) lossRand() *rand.Rand {
	if n.loss == nil {
		n.loss = n.w.env.Rand("region/network/loss")
	}
	return n.loss
}

// Class returns the path class between two locations.
func (v Network) Class(from, to Location) (PathClass, error) {
	w := v.w
	if err := w.checkLoc(from); err != nil {
		return 0, err
	}
	if err := w.checkLoc(to); err != nil {
		return 0, err
	}
	return classOf(&from, &to), nil
}

// classOf takes its Locations by pointer: it runs on every call's
// latency draw, and a Location is seven words.
func classOf(a, b *Location) PathClass {
	switch {
	case a.internet || b.internet:
		return PathInternet
	case !strs.Same(a.region, b.region):
		return PathCrossRegion
	case a.IsEndpoint() || b.IsEndpoint():
		return PathRegional
	case a.az == "" || b.az == "":
		return PathSameAZ
	case a.az != b.az:
		return PathCrossAZ
	case a.host != 0 && a.host == b.host:
		return PathSameHost
	}
	return PathSameAZ
}

func (w *World) checkLoc(l Location) error {
	if !l.IsValid() {
		return awserr.New("InvalidParameterValue", 400, false, "location is the zero Location")
	}
	if _, ok := w.regionByKey[l.region]; !ok {
		return awserr.New("InvalidParameterValue", 400, false, "location %v: unknown region %q", l, l.region)
	}
	if l.net == nil {
		return nil
	}
	return w.checkNetwork(&l)
}

// DistanceKm returns the great-circle distance between two regions.
func (v Network) DistanceKm(a, b string) (float64, error) {
	w := v.w
	ra, err := w.Region(a)
	if err != nil {
		return 0, err
	}
	rb, err := w.Region(b)
	if err != nil {
		return 0, err
	}
	return greatCircleKm(ra.spec.Lat, ra.spec.Lon, rb.spec.Lat, rb.spec.Lon), nil
}

func greatCircleKm(lat1, lon1, lat2, lon2 float64) float64 {
	const earthKm = 6371.0
	rad := math.Pi / 180
	dlat, dlon := (lat2-lat1)*rad, (lon2-lon1)*rad
	h := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dlon/2)*math.Sin(dlon/2)
	return 2 * earthKm * math.Asin(math.Min(1, math.Sqrt(h)))
}

// MedianRTT returns the median round trip between two regions: the
// matrix value, or the distance estimate for pairs outside it.
func (v Network) MedianRTT(a, b string) (time.Duration, error) {
	w := v.w
	d, err := w.Network().DistanceKm(a, b)
	if err != nil {
		return 0, err
	}
	return w.net.regionRTT(a, b, d), nil
}

func (n *network) regionRTT(a, b string, km float64) time.Duration {
	if rtt, ok := n.m.InterRegionRTT[[2]string{a, b}]; ok {
		return rtt
	}
	if rtt, ok := n.m.InterRegionRTT[[2]string{b, a}]; ok {
		return rtt
	}
	if a == b {
		return n.m.Latency[PathSameAZ].MedianRTT
	}
	ms := 2*km/n.m.FibreKmPerMs*n.m.RouteInflation + 2
	return time.Duration(ms * float64(time.Millisecond))
}

// floor returns the physical one-way minimum between two regions.
func (n *network) floor(a, b string) (float64, float64) {
	ra, rb := n.w.regionByKey[a], n.w.regionByKey[b]
	km := greatCircleKm(ra.spec.Lat, ra.spec.Lon, rb.spec.Lat, rb.spec.Lon)
	return km / n.m.FibreKmPerMs * float64(time.Millisecond), km
}

// DistanceFloor returns the one-way latency floor between two regions:
// great-circle distance at the speed of light in fibre.
func (v Network) DistanceFloor(a, b string) (time.Duration, error) {
	w := v.w
	km, err := w.Network().DistanceKm(a, b)
	if err != nil {
		return 0, err
	}
	return time.Duration(km / w.net.m.FibreKmPerMs * float64(time.Millisecond)), nil
}

// oneWay draws a one-way latency (without faults) and returns it with the
// path's round-trip median, used for the window bound.
func (n *network) oneWay(r *rand.Rand, from, to Location) (time.Duration, time.Duration) {
	p := n.path(&from, &to)
	return n.draw(r, &p, p.median, &from, &to), time.Duration(p.median)
}

// netPath is what a latency draw between two places needs besides the
// random stream: the class's distribution, the round-trip medians each
// way and the distance floor. A call draws twice per attempt, there and
// back, over the same path: the pipeline works it out once (path) and
// draws both ways from it (draw).
type netPath struct {
	dist                      *LatencyDist
	median, backMedian, floor float64
}

// path works out the path from one place to another. The class, the zone
// pair's factor and the distance floor are the same both ways; only the
// inter-region median is looked up in each direction (a custom model may
// give the two orders different figures).
func (n *network) path(from, to *Location) netPath {
	c := classOf(from, to)
	d := &n.m.Latency[c]
	p := netPath{dist: d, median: float64(d.MedianRTT)}
	switch c {
	case PathCrossRegion:
		f, km := n.floor(from.region, to.region)
		p.floor = f
		p.median = float64(n.regionRTT(from.region, to.region, km))
		p.backMedian = float64(n.regionRTT(to.region, from.region, km))
		return p
	case PathCrossAZ:
		p.median *= n.pairFactor(from.az, to.az)
	case PathInternet:
		if from.region != to.region {
			f, km := n.floor(from.region, to.region)
			p.floor = f
			last := p.median // the client's last mile
			p.median = last + float64(n.regionRTT(from.region, to.region, km))
			p.backMedian = last + float64(n.regionRTT(to.region, from.region, km))
			return p
		}
	}
	p.backMedian = p.median
	return p
}

// draw draws a one-way latency from one place to another over their path
// p, whose round-trip median that way is median (p.median there,
// p.backMedian back).
func (n *network) draw(r *rand.Rand, p *netPath, median float64, from, to *Location) time.Duration {
	rtt := p.dist.sample(r, median)
	if len(n.w.faults.rules) > 0 {
		// Without fault rules the factor is 1, and x*1 is x: the common
		// case skips the walk (and copying the Locations to it).
		rtt *= n.w.faults.latencyFactor(*from, *to)
	}
	// max(rtt/2, p.floor), with the builtin's NaN and signed-zero
	// handling (some twenty instructions, twice a call) only when the
	// floor may win: x >= floor holds for neither a NaN, and then max
	// is x (or a zero of the other sign, which rounds to the same 0).
	x := rtt / 2
	if !(x >= p.floor) {
		x = max(x, p.floor)
	}
	return time.Duration(math.Round(x))
}

// Latency draws the one-way latency from one place to another. It fails
// with NetworkUnreachable if a partition or a dark zone cuts the path.
// Cross-region draws are never below the great-circle distance floor, even
// under DegradeLatency with a factor below one.
func (v Network) Latency(from, to Location) (time.Duration, error) {
	w := v.w
	if _, err := w.Network().Class(from, to); err != nil {
		return 0, err
	}
	if err := w.faults.reachable(w, from, to); err != nil {
		return 0, err
	}
	d, _ := w.net.oneWay(w.net.stream(classOf(&from, &to)), from, to)
	return d, nil
}

// Throughput returns the single-flow throughput of the path in bytes per
// second: the class's rate, bounded by TCP window / median RTT.
func (v Network) Throughput(from, to Location) (float64, error) {
	w := v.w
	if _, err := w.Network().Class(from, to); err != nil {
		return 0, err
	}
	return w.net.throughput(from, to), nil
}

func (n *network) throughput(from, to Location) float64 { return n.throughputOf(&from, &to) }

// throughputOf is throughput with the Locations by pointer.
func (n *network) throughputOf(from, to *Location) float64 {
	c := classOf(from, to)
	bps := n.m.ThroughputBps[c] / 8
	var rtt float64
	switch c {
	case PathCrossRegion:
		_, km := n.floor(from.region, to.region)
		rtt = float64(n.regionRTT(from.region, to.region, km))
	default:
		rtt = float64(n.m.Latency[c].MedianRTT)
	}
	if rtt > 0 {
		// min(bps, w) without the builtin's NaN and signed-zero handling
		// (a call with a body asks): the model's figures are validated
		// positive, so neither is NaN or zero.
		if w := n.m.TCPWindowBytes / (rtt / float64(time.Second)); w < bps {
			bps = w
		}
	}
	return bps
}

// Transfer draws the time to move bytes from one place to another:
// one-way latency + bytes / throughput, plus a retransmission timeout
// (MinRTO, doubling) for every loss drawn under SetLoss. After 15 losses in
// a row (Linux's tcp_retries2) the path counts as unreachable.
func (v Network) Transfer(from, to Location, bytes int64) (time.Duration, error) {
	w := v.w
	if bytes < 0 {
		return 0, awserr.New("InvalidParameterValue", 400, false, "negative transfer size %d", bytes)
	}
	if _, err := w.Network().Class(from, to); err != nil {
		return 0, err
	}
	return w.transfer(from, to, bytes)
}

func (w *World) transfer(from, to Location, bytes int64) (time.Duration, error) {
	if err := w.faults.reachable(w, from, to); err != nil {
		return 0, err
	}
	d, _ := w.net.oneWay(w.net.stream(classOf(&from, &to)), from, to)
	if bytes > 0 {
		d += time.Duration(float64(bytes) / w.net.throughput(from, to) * float64(time.Second))
	}
	if p := w.faults.lossProb(from, to); p > 0 {
		rto := w.net.m.MinRTO
		for tries := 0; w.net.lossRand().Float64() < p; tries++ {
			if tries == 15 {
				return 0, awserr.New("NetworkUnreachable", 504, true,
					"connection from %v to %v lost: packet loss %.2f", from, to, p)
			}
			d += rto
			rto *= 2
		}
	}
	return d, nil
}

package region

import (
	"math"
	"sort"

	"github.com/nimbus-sim/nimbus/internal/awserr"
	"github.com/nimbus-sim/nimbus/sim"
)

// The failure layer drives a World through the methods in this file
// (failure.HostTarget, AZTarget, NetworkTarget, ErrorTarget). Verbs come in
// inverse pairs: FailHost/RepairHost, FailAZ/RestoreAZ,
// ImpairRegion/RestoreRegion, Partition/Heal, DegradeLatency/RestoreLatency.
// Places are zone IDs ("use1-az1"), region codes ("us-east-1") or
// "internet".

type pairRule struct {
	a, b        string
	partitioned bool
	factor      float64 // latency multiplier; 0 = unset
	loss        float64
}

type faults struct {
	rules    []pairRule
	downAZ   map[*AZ]bool
	impaired map[string]bool
	errRate  map[[2]string]float64 // (service, region) -> rate
	throttle map[[2]string]float64
	timeout  map[[2]string]float64
	// known are the services registered (World.RegisterService) or that
	// have made a call, besides the catalog's (which are known anyway:
	// most worlds call only those, and never make the map).
	known map[string]bool
}

// know makes service known (faults.known), making the map on first use.
func (f *faults) know(service string) {
	if f.known == nil {
		f.known = map[string]bool{}
	}
	f.known[service] = true
}

func (f *faults) azDown(z *AZ) bool { return f.downAZ[z] }

// within reports whether location l lies in place p.
func within(l Location, p string) bool {
	if p == "internet" {
		return l.internet
	}
	if l.internet {
		return false
	}
	return l.region == p || l.az == p
}

func (r *pairRule) matches(from, to Location) bool {
	return (within(from, r.a) && within(to, r.b)) || (within(from, r.b) && within(to, r.a))
}

func (f *faults) reachable(w *World, from, to Location) error {
	if len(f.downAZ) == 0 && len(f.rules) == 0 {
		return nil // no fault injected: the common case, on every call
	}
	for _, l := range [2]Location{from, to} {
		if l.az != "" {
			if z := w.azByID[l.az]; z != nil && f.downAZ[z] {
				return awserr.New("NetworkUnreachable", 504, true, "%v is unreachable: zone %s is down", l, l.az)
			}
		}
	}
	for i := range f.rules {
		if r := &f.rules[i]; r.partitioned && r.matches(from, to) {
			return awserr.New("NetworkUnreachable", 504, true,
				"no route from %v to %v: network partition between %s and %s", from, to, r.a, r.b)
		}
	}
	return nil
}

func (f *faults) latencyFactor(from, to Location) float64 {
	x := 1.0
	for i := range f.rules {
		if r := &f.rules[i]; r.factor > 0 && r.matches(from, to) {
			x *= r.factor
		}
	}
	return x
}

func (f *faults) lossProb(from, to Location) float64 {
	keep := 1.0
	for i := range f.rules {
		if r := &f.rules[i]; r.loss > 0 && r.matches(from, to) {
			keep *= 1 - r.loss
		}
	}
	return 1 - keep
}

func (w *World) checkPlace(p string) error {
	if p == "internet" {
		return nil
	}
	if _, ok := w.regionByKey[p]; ok {
		return nil
	}
	if _, ok := w.azByID[p]; ok {
		return nil
	}
	return awserr.New("InvalidParameterValue", 400, false,
		"unknown place %q: want a zone ID (use1-az1), a region code (us-east-1) or \"internet\"", p)
}

// rule returns the rule for the unordered pair (a, b), creating it.
func (w *World) rule(a, b string) (*pairRule, error) {
	if err := w.checkPlace(a); err != nil {
		return nil, err
	}
	if err := w.checkPlace(b); err != nil {
		return nil, err
	}
	if a == b {
		return nil, awserr.New("InvalidParameterValue", 400, false, "a network rule needs two different places, got %q twice", a)
	}
	if a > b {
		a, b = b, a
	}
	for i := range w.faults.rules {
		if r := &w.faults.rules[i]; r.a == a && r.b == b {
			return r, nil
		}
	}
	w.faults.rules = append(w.faults.rules, pairRule{a: a, b: b})
	sort.Slice(w.faults.rules, func(i, j int) bool {
		ri, rj := w.faults.rules[i], w.faults.rules[j]
		return ri.a < rj.a || (ri.a == rj.a && ri.b < rj.b)
	})
	for i := range w.faults.rules {
		if r := &w.faults.rules[i]; r.a == a && r.b == b {
			return r, nil
		}
	}
	panic("region: rule vanished")
}

func (w *World) emitFault(kind string, fields ...sim.Field) {
	if w.env.Tracing() {
		w.env.Emit("region", kind, fields...)
	}
}

// Partition cuts all traffic between places a and b (both directions).
func (v Faults) Partition(a, b string) error {
	w := v.w
	r, err := w.rule(a, b)
	if err != nil {
		return err
	}
	r.partitioned = true
	w.emitFault("partition", sim.F("a", a), sim.F("b", b))
	return nil
}

// Heal undoes Partition(a, b).
func (v Faults) Heal(a, b string) error {
	w := v.w
	r, err := w.rule(a, b)
	if err != nil {
		return err
	}
	r.partitioned = false
	w.emitFault("heal", sim.F("a", a), sim.F("b", b))
	return nil
}

// DegradeLatency multiplies latency between a and b by factor (> 0). The
// distance floor still holds for factors below one.
func (v Faults) DegradeLatency(a, b string, factor float64) error {
	w := v.w
	if !(factor > 0) || math.IsInf(factor, 1) {
		return awserr.New("InvalidParameterValue", 400, false, "latency factor %v must be positive and finite", factor)
	}
	r, err := w.rule(a, b)
	if err != nil {
		return err
	}
	r.factor = factor
	w.emitFault("degrade-latency", sim.F("a", a), sim.F("b", b), sim.F("factor", factor))
	return nil
}

// RestoreLatency undoes DegradeLatency(a, b, ...).
func (v Faults) RestoreLatency(a, b string) error {
	w := v.w
	r, err := w.rule(a, b)
	if err != nil {
		return err
	}
	r.factor = 0
	w.emitFault("restore-latency", sim.F("a", a), sim.F("b", b))
	return nil
}

// SetLoss sets the packet-loss probability between a and b (0 clears it).
func (v Faults) SetLoss(a, b string, p float64) error {
	w := v.w
	if !(p >= 0 && p <= 1) {
		return awserr.New("InvalidParameterValue", 400, false, "loss probability %v out of [0, 1]", p)
	}
	r, err := w.rule(a, b)
	if err != nil {
		return err
	}
	r.loss = p
	w.emitFault("set-loss", sim.F("a", a), sim.F("b", b), sim.F("p", p))
	return nil
}

// FailAZ takes a zone dark: every host in it fails (observers hear of each
// instance lost), launches there fail with InsufficientInstanceCapacity and
// the zone is unreachable over the network.
func (v Faults) FailAZ(azID string) error {
	w := v.w
	z, err := w.AZ(azID)
	if err != nil {
		return err
	}
	if w.faults.downAZ[z] {
		return nil
	}
	if w.faults.downAZ == nil {
		w.faults.downAZ = map[*AZ]bool{}
	}
	w.faults.downAZ[z] = true
	w.emitFault("az-failed", sim.F("az", azID))
	for _, p := range w.zonePools(z) {
		if p == nil {
			continue
		}
		for _, hi := range p.hosts {
			w.failHost(hi, failZone)
		}
	}
	return nil
}

// RestoreAZ brings a dark zone back: its hosts return to service empty.
func (v Faults) RestoreAZ(azID string) error {
	w := v.w
	z, err := w.AZ(azID)
	if err != nil {
		return err
	}
	if !w.faults.downAZ[z] {
		return nil
	}
	delete(w.faults.downAZ, z)
	w.emitFault("az-restored", sim.F("az", azID))
	for _, p := range w.zonePools(z) {
		if p == nil {
			continue
		}
		for _, hi := range p.hosts {
			w.repairHost(hi, failZone)
		}
	}
	return nil
}

// AnyAZDown reports whether FailAZ has taken any zone dark (AZDown of
// some zone).
func (v Faults) AnyAZDown() bool { return len(v.w.faults.downAZ) > 0 }

// AZDown reports whether FailAZ has taken zone azID dark.
func (v Faults) AZDown(azID string) bool {
	w := v.w
	if len(w.faults.downAZ) == 0 {
		return false // the usual answer, without looking the zone up (S3 asks on every read)
	}
	z, ok := w.azByID[azID]
	return ok && w.faults.downAZ[z]
}

// ImpairRegion makes every service endpoint in a region answer 503
// ServiceUnavailable (a regional control-plane event such as us-east-1 on
// 2021-12-07 [AWS post-event summaries]); instances keep running.
func (v Faults) ImpairRegion(region string) error {
	w := v.w
	if _, err := w.Region(region); err != nil {
		return err
	}
	if w.faults.impaired == nil {
		w.faults.impaired = map[string]bool{}
	}
	w.faults.impaired[region] = true
	w.emitFault("region-impaired", sim.F("region", region))
	return nil
}

// RestoreRegion undoes ImpairRegion.
func (v Faults) RestoreRegion(region string) error {
	w := v.w
	if _, err := w.Region(region); err != nil {
		return err
	}
	delete(w.faults.impaired, region)
	w.emitFault("region-restored", sim.F("region", region))
	return nil
}

func (w *World) setRate(mp *map[[2]string]float64, kind, service, region string, rate float64) error {
	if !(rate >= 0 && rate <= 1) {
		return awserr.New("InvalidParameterValue", 400, false, "%s rate %v out of [0, 1]", kind, rate)
	}
	if service == "" {
		return awserr.New("InvalidParameterValue", 400, false, "%s rate needs a service", kind)
	}
	if region == "" {
		return awserr.New("InvalidParameterValue", 400, false,
			"%s rate for %s needs a region: a region code, or \"*\" for every region", kind, service)
	}
	if err := (Faults{w}).CheckService(service, region); err != nil {
		return err
	}
	k := [2]string{service, region}
	if rate == 0 {
		delete(*mp, k)
	} else {
		if *mp == nil {
			*mp = map[[2]string]float64{}
		}
		(*mp)[k] = rate
	}
	w.emitFault("set-"+kind+"-rate", sim.F("service", service), sim.F("region", region), sim.F("rate", rate))
	return nil
}

// SetErrorRate makes a fraction of a service's requests in a region fail
// with a transient 5xx (InternalError or ServiceUnavailable; InternalFailure
// for services other than S3 and EC2). Region "*" applies to every region
// not set on its own; an empty region, or a service the world does not
// know (Faults.CheckService), is an error.
func (v Faults) SetErrorRate(service, region string, rate float64) error {
	w := v.w
	return w.setRate(&w.faults.errRate, "error", service, region, rate)
}

// SetThrottleRate makes a fraction of a service's requests throttled
// (SlowDown for S3, RequestLimitExceeded for EC2, Throttling otherwise).
func (v Faults) SetThrottleRate(service, region string, rate float64) error {
	w := v.w
	return w.setRate(&w.faults.throttle, "throttle", service, region, rate)
}

// SetTimeoutRate makes a fraction of a service's requests hang: the
// service applies the request but its response never arrives, so the
// client's read timeout fires and it cannot know the outcome.
func (v Faults) SetTimeoutRate(service, region string, rate float64) error {
	w := v.w
	return w.setRate(&w.faults.timeout, "timeout", service, region, rate)
}

func rateOf(m map[[2]string]float64, service, region string) float64 {
	if len(m) == 0 {
		return 0 // nothing injected: spare the two lookups on every call
	}
	if r, ok := m[[2]string{service, region}]; ok {
		return r
	}
	return m[[2]string{service, "*"}]
}

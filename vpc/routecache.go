package vpc

import "github.com/nimbus-sim/nimbus/region"

// The World asks Route on every attempt of every call (an instance polling
// DescribeVolumes asks the same question dozens of times in a row), and
// each answer walks the interface's security groups, NACL, route table and
// gateway. routeCache remembers the last few answers to calls to service
// endpoints. It is keyed by the question (the caller's interface, the
// service, its region, the protocol and port) and stamped with
// the Service's change count: every change that could alter an answer
// (any API operation but a Describe, an interface launched or released, a
// public address assigned or given back, a component failed or restored)
// bumps the count, so a stale answer is never served. The one input that
// is not the Service's own state is a zone outage (region faults), which a
// route through a NAT gateway depends on: its memo keeps the zone and the
// outage state it saw, and a hit checks that it is unchanged.

// routeKey is a question Route answers from the cache: a call from an
// interface to a service endpoint. Flows to other places are routed anew
// each time.
type routeKey struct {
	eni, service, region string
	proto                region.Protocol
	port                 uint16
}

// routeMemo is one remembered answer.
type routeMemo struct {
	used bool
	ok   bool
	// natDown is the outage state of natAZ, the zone of the NAT gateway
	// whose outage the answer depended on ("" if none).
	natDown bool
	gen     uint64
	key     routeKey
	natAZ   string
	r       region.Route
}

// routeCacheSize is the number of answers kept. In spot-training one
// would do, as an instance's calls come in runs to one service (with EBS
// a replication asks about 100 times, 92% answered from the cache; with
// S3 about 12,800 times, 99.9%); two serve an instance alternating between
// two services. Every world's Service holds them.
const routeCacheSize = 2

type routeCache struct {
	gen  uint64 // the Service's change count
	memo [routeCacheSize]routeMemo
	last int // the memo that answered last, tried first
	next int // the memo the next miss overwrites
}

// changed invalidates every remembered route: the Service calls it on
// every change that could alter a route.
func (s *Service) changed() { s.routes.gen++ }

// NetworkChanges is region.NetworkChangeCounter: the change count every
// change that could alter a route or a CheckNetwork answer moves, so the
// World can skip asking again while neither the caller's identity nor
// the count has moved.
func (s *Service) NetworkChanges() uint64 { return s.routes.gen }

// hit reports whether m answers k now.
func (s *Service) hit(m *routeMemo, k *routeKey) bool {
	return m.used && m.gen == s.routes.gen && m.key == *k &&
		(m.natAZ == "" || s.w.Faults().AZDown(m.natAZ) == m.natDown)
}

// cachedRoute returns the remembered answer to k, if any.
func (s *Service) cachedRoute(k *routeKey) (*routeMemo, bool) {
	c := &s.routes
	if m := &c.memo[c.last]; s.hit(m, k) {
		return m, true
	}
	for i := range c.memo {
		if m := &c.memo[i]; i != c.last && s.hit(m, k) {
			c.last = i
			return m, true
		}
	}
	return nil, false
}

// remember keeps an answer to k computed now; natAZ is the NAT gateway
// zone whose outage it consulted, or "".
func (s *Service) remember(k *routeKey, r region.Route, ok bool, natAZ string) {
	c := &s.routes
	i := c.next
	c.next = (c.next + 1) % routeCacheSize
	c.memo[i] = routeMemo{used: true, ok: ok, gen: c.gen, key: *k, natAZ: natAZ, r: r}
	if natAZ != "" {
		c.memo[i].natDown = s.w.Faults().AZDown(natAZ)
	}
	c.last = i
}

package elb

import (
	"strings"
	"time"

	"github.com/nimbus-sim/nimbus/billing"
	"github.com/nimbus-sim/nimbus/ec2"
	"github.com/nimbus-sim/nimbus/ec2/serve"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
)

type loadBalancer struct {
	svc                                              *Service
	arn, name, id, dns, account, region, vpc, scheme string
	created                                          sim.Time
	nodes                                            []*node
	sgs                                              []string
	tags                                             []Tag
	listeners                                        map[int32]*listener
	idleTimeout                                      time.Duration
	deleted                                          bool

	meter billing.MeterID
	lcu   lcuMeter
	plane plane
}

// node is the load balancer's presence in one enabled zone.
type node struct {
	lb                   *loadBalancer
	azID, azName, subnet string
	loc                  region.Location
	failed               bool     // injected fault (NodeOutage)
	down                 bool     // as last observed
	downSince            sim.Time // when it was observed down
}

// up reports whether the node answers: its zone is not dark and no fault
// holds it down.
func (n *node) up() bool { return !n.failed && !n.lb.svc.w.Faults().AZDown(n.azID) }

// observe updates down/downSince at the current instant.
func (n *node) observe(now sim.Time) {
	u := n.up()
	if !u && !n.down {
		n.down, n.downSince = true, now
	} else if u && n.down {
		n.down = false
	}
}

type healthCheck struct {
	path              string
	port              string // "traffic-port" or a number
	interval, timeout time.Duration
	healthy, unhealth int
	matcher           string
	match             func(int) bool
}

type targetGroup struct {
	svc                             *Service
	arn, name, account, region, vpc string
	protocol                        string
	port                            int32
	hc                              healthCheck
	dereg, slowStart                time.Duration
	algo                            string // round_robin, least_outstanding_requests
	crossZone                       string // true, false, use_load_balancer_configuration
	lb                              *loadBalancer
	targets                         []*target
	routable                        []*target
	routableFor                     string // the zone routable was built for ("" = all)
	dirty                           bool
	rr                              uint64
	requests                        int64 // forwarded so far (RequestCountPerTarget)
	tags                            []Tag
}

type target struct {
	tg           *targetGroup
	id           string
	port         int32
	m            *ec2.Machine
	azID         string
	state        string
	reason, desc string
	ok, bad      int
	registered   sim.Time
	healthySince sim.Time
	slowStart    time.Duration // the slow start this healthy run got
	outstanding  int
	hostID       string
	loc          region.Location
	srv          *serve.Server
	timer        sim.Timer
	probe        uint64
	drainTimer   sim.Timer

	// injected faults
	failChecks bool
	slow       float64 // response-time factor, 0 or 1 = none
}

type listener struct {
	arn      string
	lb       *loadBalancer
	port     int32
	protocol string
	def      []Action
	rules    []*rule // by priority
}

type rule struct {
	arn      string
	l        *listener
	priority int32
	patterns []string
	actions  []Action
}

// Target health states and reasons
// (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html#target-health-states).
const (
	stateInitial   = "initial"
	stateHealthy   = "healthy"
	stateUnhealthy = "unhealthy"
	stateUnused    = "unused"
	stateDraining  = "draining"
)

// location returns the target's current host location (it moves when a
// stopped instance starts again).
func (t *target) location() (region.Location, bool) {
	h := t.m.HostID()
	if h == "" {
		return region.Location{}, false
	}
	if h != t.hostID {
		loc, err := t.tg.svc.w.AtHost(h)
		if err != nil {
			return region.Location{}, false
		}
		t.hostID, t.loc = h, loc
	}
	return t.loc, true
}

// server returns the live server on the target's port, if any.
func (t *target) server() (*serve.Server, bool) {
	if t.srv != nil && t.srv.State() == serve.Listening {
		return t.srv, true
	}
	v, ok := t.tg.svc.srv.Server(t.id, int(t.port))
	if ok {
		t.srv = v
	}
	return v, ok
}

// matchPath reports whether path matches an ALB path pattern: case
// sensitive, * matches any run of characters, ? exactly one.
func matchPath(pattern, path string) bool {
	for len(pattern) > 0 {
		switch pattern[0] {
		case '*':
			pattern = strings.TrimLeft(pattern, "*")
			if pattern == "" {
				return true
			}
			for i := 0; i <= len(path); i++ {
				if matchPath(pattern, path[i:]) {
					return true
				}
			}
			return false
		case '?':
			if path == "" {
				return false
			}
			pattern, path = pattern[1:], path[1:]
		default:
			if path == "" || path[0] != pattern[0] {
				return false
			}
			pattern, path = pattern[1:], path[1:]
		}
	}
	return path == ""
}

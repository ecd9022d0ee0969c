package elb

import (
	"fmt"
	"strconv"

	"github.com/nimbus-sim/nimbus/failure"
)

// The fault injectors below plug into a failure.Harness with the Service
// among its targets, and compose with failure.At, All, During, Randomly.

// targetsOf returns every registration of an instance.
func (s *Service) targetsOf(instanceID string) []*target {
	var ts []*target
	for _, tg := range s.tgOrder {
		for _, t := range tg.targets {
			if t.id == instanceID {
				ts = append(ts, t)
			}
		}
	}
	return ts
}

// FailHealthChecks makes an instance answer its health checks with a 500
// (on reports false: restore).
func (s *Service) FailHealthChecks(instanceID string, on bool) error {
	ts := s.targetsOf(instanceID)
	if len(ts) == 0 {
		return fmt.Errorf("elb: %s is not a registered target", instanceID)
	}
	for _, t := range ts {
		t.failChecks = on
	}
	return nil
}

// SlowTarget makes an instance answer factor times more slowly through
// the load balancer (factor 1 restores it).
func (s *Service) SlowTarget(instanceID string, factor float64) error {
	if !(factor >= 1) {
		return fmt.Errorf("elb: slow-down factor %v must be at least 1", factor)
	}
	ts := s.targetsOf(instanceID)
	if len(ts) == 0 {
		return fmt.Errorf("elb: %s is not a registered target", instanceID)
	}
	for _, t := range ts {
		t.slow = factor
	}
	return nil
}

// FailNode takes a load balancer's node in zone azID down (or back).
func (s *Service) FailNode(lbArn, azID string, down bool) error {
	lb := s.lbs[lbArn]
	if lb == nil {
		return fmt.Errorf("elb: no load balancer %q", lbArn)
	}
	for _, n := range lb.nodes {
		if n.azID == azID {
			n.failed = down
			n.observe(s.env.Now())
			return nil
		}
	}
	return fmt.Errorf("elb: load balancer %s has no node in %s", lb.name, azID)
}

// KillServer kills the server process listening on an instance's port
// (it does not come back by itself: Listen again).
func (s *Service) KillServer(instanceID string, port int) error {
	v, ok := s.srv.Server(instanceID, port)
	if !ok {
		return fmt.Errorf("elb: nothing listens on %s:%d", instanceID, port)
	}
	v.Close()
	return nil
}

// FaultTarget is what the faults below act on; *Service implements it.
type FaultTarget interface {
	FailHealthChecks(instanceID string, on bool) error
	SlowTarget(instanceID string, factor float64) error
	FailNode(lbArn, azID string, down bool) error
	KillServer(instanceID string, port int) error
}

var _ FaultTarget = (*Service)(nil)

func find(ts failure.Targets, f failure.Fault) (FaultTarget, error) {
	for _, t := range ts {
		if x, ok := t.(FaultTarget); ok {
			return x, nil
		}
	}
	return nil, fmt.Errorf("failure: %v: no target implements elb.FaultTarget", f)
}

type healthFail struct{ id string }

// HealthCheckFailure fails an instance's health checks while in force.
func HealthCheckFailure(instanceID string) failure.Fault { return healthFail{instanceID} }

func (f healthFail) String() string { return "health-check-failure(" + f.id + ")" }
func (f healthFail) Key() string    { return "elb/health/" + f.id }
func (f healthFail) Apply(ts failure.Targets) error {
	t, err := find(ts, f)
	if err != nil {
		return err
	}
	return t.FailHealthChecks(f.id, true)
}
func (f healthFail) Revert(ts failure.Targets) error {
	t, err := find(ts, f)
	if err != nil {
		return err
	}
	return t.FailHealthChecks(f.id, false)
}

type slowTarget struct {
	id     string
	factor float64
}

// SlowDown makes an instance answer factor times more slowly while in force.
func SlowDown(instanceID string, factor float64) failure.Fault { return slowTarget{instanceID, factor} }

func (f slowTarget) String() string {
	return "slow-target(" + f.id + ", " + strconv.FormatFloat(f.factor, 'g', -1, 64) + ")"
}
func (f slowTarget) Key() string { return "elb/slow/" + f.id }
func (f slowTarget) Apply(ts failure.Targets) error {
	t, err := find(ts, f)
	if err != nil {
		return err
	}
	return t.SlowTarget(f.id, f.factor)
}
func (f slowTarget) Revert(ts failure.Targets) error {
	t, err := find(ts, f)
	if err != nil {
		return err
	}
	return t.SlowTarget(f.id, 1)
}

type nodeDown struct{ lb, az string }

// NodeOutage takes the load balancer's node in a zone down while in force.
func NodeOutage(lbArn, azID string) failure.Fault { return nodeDown{lbArn, azID} }

func (f nodeDown) String() string { return "alb-node-down(" + f.lb + ", " + f.az + ")" }
func (f nodeDown) Key() string    { return "elb/node/" + f.lb + "/" + f.az }
func (f nodeDown) Apply(ts failure.Targets) error {
	t, err := find(ts, f)
	if err != nil {
		return err
	}
	return t.FailNode(f.lb, f.az, true)
}
func (f nodeDown) Revert(ts failure.Targets) error {
	t, err := find(ts, f)
	if err != nil {
		return err
	}
	return t.FailNode(f.lb, f.az, false)
}

type killServer struct {
	id   string
	port int
}

// ServerCrash kills the server on an instance's port; it has no inverse
// (the process must be started again).
func ServerCrash(instanceID string, port int) failure.Fault { return killServer{instanceID, port} }

func (f killServer) String() string { return "server-crash(" + f.id + ":" + strconv.Itoa(f.port) + ")" }
func (f killServer) Key() string    { return "elb/server/" + f.id + ":" + strconv.Itoa(f.port) }
func (f killServer) Permanent()     {}
func (f killServer) Apply(ts failure.Targets) error {
	t, err := find(ts, f)
	if err != nil {
		return err
	}
	return t.KillServer(f.id, f.port)
}
func (f killServer) Revert(failure.Targets) error { return nil }

// CheckComponent says whether id names a registered target (an instance
// ID) or a load balancer (its ARN): failure.ComponentChecker, so a harness
// accepts the Service as a target.
func (s *Service) CheckComponent(id string) error {
	if s.lbs[id] != nil || len(s.targetsOf(id)) > 0 {
		return nil
	}
	return fmt.Errorf("elb: %q is neither a registered target nor a load balancer", id)
}

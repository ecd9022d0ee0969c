package vpc

import (
	"fmt"

	"github.com/nimbus-sim/nimbus/failure"
)

// ComponentTarget is what the vpc faults act on: a *Service. A failed
// internet gateway, NAT gateway or VPC endpoint carries no traffic (calls
// that need it find no route and time out) until restored.
type ComponentTarget interface {
	FailComponent(id string) error
	RestoreComponent(id string) error
}

// FailComponent takes an internet gateway (igw-), NAT gateway (nat-) or
// VPC endpoint (vpce-) down.
func (s *Service) FailComponent(id string) error {
	if err := s.checkComponent(id); err != nil {
		return err
	}
	put(&s.failed, id, true)
	s.changed()
	return nil
}

// RestoreComponent brings a failed component back.
func (s *Service) RestoreComponent(id string) error {
	if err := s.checkComponent(id); err != nil {
		return err
	}
	delete(s.failed, id)
	s.changed()
	return nil
}

// CheckComponent says whether id names an internet gateway, NAT gateway or
// VPC endpoint (failure.ComponentChecker: a harness accepts the Service as
// a target).
func (s *Service) CheckComponent(id string) error { return s.checkComponent(id) }

func (s *Service) checkComponent(id string) error {
	if s.igws.get(id) != nil || s.nats[id] != nil || s.endpoints[id] != nil {
		return nil
	}
	return fmt.Errorf("vpc: no internet gateway, NAT gateway or VPC endpoint %q", id)
}

// Failed reports whether a component is down by an injected fault.
func (s *Service) Failed(id string) bool { return s.failed[id] }

type componentDown struct{ kind, id string }

// InternetGatewayDown fails an internet gateway: instances behind it lose
// the internet (and, through it, NAT gateways their way out).
func InternetGatewayDown(id string) failure.Fault { return componentDown{"igw-down", id} }

// NATGatewayDown fails a NAT gateway, as a fault in its zone would; every
// subnet that routes through it loses its way out.
func NATGatewayDown(id string) failure.Fault { return componentDown{"nat-down", id} }

// EndpointOutage fails a VPC endpoint (gateway or interface).
func EndpointOutage(id string) failure.Fault { return componentDown{"endpoint-outage", id} }

func (f componentDown) String() string { return f.kind + "(" + f.id + ")" }
func (f componentDown) Key() string    { return "vpc/" + f.id }

func (f componentDown) target(ts failure.Targets) (ComponentTarget, error) {
	for _, t := range ts {
		if c, ok := t.(ComponentTarget); ok {
			return c, nil
		}
	}
	return nil, fmt.Errorf("failure: %v: no target implements vpc.ComponentTarget", f)
}

func (f componentDown) Apply(ts failure.Targets) error {
	t, err := f.target(ts)
	if err != nil {
		return err
	}
	return t.FailComponent(f.id)
}

func (f componentDown) Revert(ts failure.Targets) error {
	t, err := f.target(ts)
	if err != nil {
		return err
	}
	return t.RestoreComponent(f.id)
}

package failure

import (
	"errors"
	"fmt"
	"strings"
)

// Checking happens when an injector is armed (Harness.Start), not when
// its faults fire: a plan that names a zone the world does not have, or
// asks for a zero-length outage, fails at once with an error naming the
// culprit, instead of hours into the run or, worse, silently. Faults still
// validate again when applied, for faults applied directly.

// Checker is implemented by injectors and faults that can check their
// parameters, and the names they target, against the harness's targets
// before anything is scheduled (Harness.Targets lists the targets). Every injector and fault of this package
// implements it; Harness.Start calls it and refuses (records the error,
// starts nothing) what fails.
type Checker interface {
	Check(h *Harness) error
}

// check runs x's Check if it has one.
func check(x any, h *Harness) error {
	if c, ok := x.(Checker); ok {
		return c.Check(h)
	}
	return nil
}

// The name checkers are optional interfaces of targets that know which
// hosts, zones, regions and services exist. A fault finds the first target
// implementing the checker it needs; if none does, a *Topology among the
// targets, or one a target returns through TopologySource, answers for
// hosts, zones and regions. Without either, names are checked only when
// the fault reaches its target.

// HostChecker reports whether a host ID exists, with an error naming it
// if not.
type HostChecker interface {
	CheckHost(hostID string) error
}

// AZChecker reports whether an availability zone (by AZ ID) exists.
type AZChecker interface {
	CheckAZ(azID string) error
}

// RegionChecker reports whether a region (by code) exists.
type RegionChecker interface {
	CheckRegion(region string) error
}

// ServiceChecker reports whether a service has an endpoint in a region
// (region "*" or "" meaning any), for error and throttle injection.
type ServiceChecker interface {
	CheckService(service, region string) error
}

// TopologySource is implemented by targets that can list their failure
// domains (region.World does); the harness uses the list to check the
// names of hosts, zones and regions when no target checks them itself.
type TopologySource interface {
	FailureTopology(regions ...string) (*Topology, error)
}

// CheckHost reports whether name is a host of the topology.
func (t *Topology) CheckHost(name string) error { return t.checkKind(name, Host) }

// CheckAZ reports whether name is an AZ of the topology.
func (t *Topology) CheckAZ(name string) error { return t.checkKind(name, AZ) }

// CheckRegion reports whether name is a region of the topology.
func (t *Topology) CheckRegion(name string) error { return t.checkKind(name, Region) }

func (t *Topology) checkKind(name string, want Kind) error {
	k, ok := t.Kind(name)
	if !ok {
		return fmt.Errorf("no such %s %q", label(want), name)
	}
	if k != want {
		return fmt.Errorf("%q is %s %s, not %s %s", name, article(k), label(k), article(want), label(want))
	}
	return nil
}

func label(k Kind) string {
	if k == AZ {
		return "AZ"
	}
	return k.String()
}

func article(k Kind) string {
	if k == AZ {
		return "an"
	}
	return "a"
}

// names answers name checks for one harness: the first target implementing
// each checker, else a topology.
type names struct {
	ts   Targets
	topo *Topology      // a *Topology among the targets, or the source's latest
	src  TopologySource // a target that can list its domains
}

func newNames(ts Targets) *names {
	n := &names{ts: ts}
	for _, t := range ts {
		switch t := t.(type) {
		case *Topology:
			if n.topo == nil {
				n.topo = t
			}
		case TopologySource:
			if n.src == nil {
				n.src = t
			}
		}
	}
	return n
}

// viaTopology checks name with fn on the topology, refreshing a
// source's topology once on a miss (hosts may have been added since).
func (n *names) viaTopology(fn func(*Topology) error) error {
	if n.topo == nil && n.src == nil {
		return nil // nobody knows the names; the target will say
	}
	if n.topo != nil {
		err := fn(n.topo)
		if err == nil || n.src == nil {
			return err
		}
	}
	t, err := n.src.FailureTopology()
	if err != nil {
		return fmt.Errorf("listing the world's failure domains: %w", err)
	}
	n.topo = t
	return fn(t)
}

func (n *names) host(id string) error {
	if c, ok := first[HostChecker](n.ts); ok {
		return c.CheckHost(id)
	}
	return n.viaTopology(func(t *Topology) error { return t.CheckHost(id) })
}

func (n *names) az(id string) error {
	if c, ok := first[AZChecker](n.ts); ok {
		return c.CheckAZ(id)
	}
	return n.viaTopology(func(t *Topology) error { return t.CheckAZ(id) })
}

func (n *names) region(code string) error {
	if c, ok := first[RegionChecker](n.ts); ok {
		return c.CheckRegion(code)
	}
	return n.viaTopology(func(t *Topology) error { return t.CheckRegion(code) })
}

// place checks a network place: an AZ ID, a region code or "internet".
func (n *names) place(p string) error {
	if p == "internet" {
		return nil
	}
	azErr := n.az(p)
	if azErr == nil {
		return nil
	}
	if n.region(p) == nil {
		return nil
	}
	return fmt.Errorf("no such place %q (want a zone ID, a region code or \"internet\"): %w", p, azErr)
}

// service checks a service name and the region it is injected in. The
// name must look like an endpoint prefix (s3, ec2, dynamodb,
// runtime.sagemaker); whether the world runs the service is the
// ServiceChecker's call. The region must exist unless it is "*" or ""
// (every region).
func (n *names) service(service, region string) error {
	if err := serviceSyntax(service); err != nil {
		return err
	}
	if c, ok := first[ServiceChecker](n.ts); ok {
		return c.CheckService(service, region)
	}
	if region == "" || region == "*" {
		return nil
	}
	return n.region(region)
}

func serviceSyntax(s string) error {
	if s == "" {
		return errors.New("empty service name")
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.') {
			return fmt.Errorf("service name %q: want a lower-case endpoint prefix such as \"s3\" or \"ec2\"", s)
		}
	}
	return nil
}

func first[T any](ts Targets) (T, bool) {
	for _, t := range ts {
		if x, ok := t.(T); ok {
			return x, true
		}
	}
	var zero T
	return zero, false
}

// faultErr prefixes err with the fault (or injector) it concerns.
func faultErr(x fmt.Stringer, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("failure: %v: %s", x, strings.TrimPrefix(err.Error(), "failure: "))
}

// drivable reports whether t is something a harness can use: a target
// interface, a name checker or a topology.
// ComponentChecker is a target whose components are acted on by faults
// defined in other packages (vpc's gateways and endpoints, a load
// balancer's nodes): it says whether an ID names one of its components, so
// NewHarness accepts it and such faults can check their IDs when armed.
type ComponentChecker interface {
	CheckComponent(id string) error
}

func drivable(t any) bool {
	switch t.(type) {
	case HostTarget, AZTarget, RegionTarget, NetworkTarget, ErrorTarget, VolumeTarget, SpotTarget,
		HostChecker, AZChecker, RegionChecker, ServiceChecker, TopologySource, *Topology, ComponentChecker:
		return true
	}
	return false
}

package failure

import (
	"fmt"
	"time"
)

// Kind is the level of a failure domain.
type Kind uint8

// Failure domains from the smallest up. A rack stands for any shared
// power or network domain inside an AZ (a PDU, a top-of-rack switch):
// Google's first-year cluster numbers have about 20 rack failures and one
// PDU failure per ~1,800 machines [Dean 2009].
const (
	Host Kind = iota + 1
	Rack
	AZ
	Region
)

func (k Kind) String() string {
	switch k {
	case Host:
		return "host"
	case Rack:
		return "rack"
	case AZ:
		return "az"
	case Region:
		return "region"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Topology is a tree of failure domains: regions hold AZs, AZs hold racks
// (or hosts directly), racks hold hosts. Failures are correlated through
// it: a rack outage takes every host below it down at once, and two hosts
// that share a rack share its fate. The zero Topology is empty and ready
// to use.
type Topology struct {
	nodes map[string]*domain
	order []string
}

type domain struct {
	kind     Kind
	parent   string
	children []string
}

// Add adds a domain of the given kind under parent ("" for a root).
// Names are unique across kinds; a parent must already exist and be of a
// larger kind.
func (t *Topology) Add(kind Kind, name, parent string) error {
	if kind < Host || kind > Region {
		return fmt.Errorf("failure: Topology.Add(%q): unknown kind %v", name, kind)
	}
	if name == "" {
		return fmt.Errorf("failure: Topology.Add: empty %v name", kind)
	}
	if t.nodes == nil {
		t.nodes = make(map[string]*domain)
	}
	if _, dup := t.nodes[name]; dup {
		return fmt.Errorf("failure: Topology.Add: domain %q already exists", name)
	}
	if parent != "" {
		p, ok := t.nodes[parent]
		if !ok {
			return fmt.Errorf("failure: Topology.Add(%v %q): parent %q does not exist", kind, name, parent)
		}
		if p.kind <= kind {
			return fmt.Errorf("failure: Topology.Add(%v %q): parent %q is a %v, not a larger domain", kind, name, parent, p.kind)
		}
		p.children = append(p.children, name)
	}
	t.nodes[name] = &domain{kind: kind, parent: parent}
	t.order = append(t.order, name)
	return nil
}

// Kind returns the kind of a domain.
func (t *Topology) Kind(name string) (Kind, bool) {
	d, ok := t.nodes[name]
	if !ok {
		return 0, false
	}
	return d.kind, true
}

// Parent returns the domain directly above name.
func (t *Topology) Parent(name string) (string, bool) {
	d, ok := t.nodes[name]
	if !ok || d.parent == "" {
		return "", false
	}
	return d.parent, true
}

// Domains returns the domains of a kind in the order they were added.
func (t *Topology) Domains(kind Kind) []string {
	var out []string
	for _, n := range t.order {
		if t.nodes[n].kind == kind {
			out = append(out, n)
		}
	}
	return out
}

// Hosts returns the hosts at or below a domain, depth first in order of
// addition.
func (t *Topology) Hosts(name string) []string {
	d, ok := t.nodes[name]
	if !ok {
		return nil
	}
	if d.kind == Host {
		return []string{name}
	}
	var out []string
	for _, c := range d.children {
		out = append(out, t.Hosts(c)...)
	}
	return out
}

// Enclosing returns the domain of the given kind that contains name
// (name itself if it is of that kind).
func (t *Topology) Enclosing(name string, kind Kind) (string, bool) {
	for name != "" {
		d, ok := t.nodes[name]
		if !ok {
			return "", false
		}
		if d.kind == kind {
			return name, true
		}
		name = d.parent
	}
	return "", false
}

// Shared returns the smallest domain containing both a and b: two hosts
// in one rack share the rack, hosts in different AZs share only the
// region (or nothing).
func (t *Topology) Shared(a, b string) (string, bool) {
	above := map[string]bool{}
	for n := a; n != ""; n = t.nodes[n].parent {
		if _, ok := t.nodes[n]; !ok {
			return "", false
		}
		above[n] = true
	}
	for n := b; n != ""; {
		d, ok := t.nodes[n]
		if !ok {
			return "", false
		}
		if above[n] {
			return n, true
		}
		n = d.parent
	}
	return "", false
}

type domainDown struct {
	t    *Topology
	name string
}

// DomainDown is the outage of a failure domain: a host or rack outage
// crashes every host below it (each as HostDown, so it stacks with other
// host faults), an AZ outage is AZDown and a region outage RegionImpaired.
func DomainDown(t *Topology, name string) Fault { return domainDown{t, name} }

func (f domainDown) String() string {
	k, _ := f.t.Kind(f.name)
	return k.String() + "-outage(" + f.name + ")"
}
func (f domainDown) Key() string { return "domain/" + f.name }
func (f domainDown) Parts() []Fault {
	k, _ := f.t.Kind(f.name)
	switch k {
	case AZ:
		return []Fault{AZDown(f.name)}
	case Region:
		return []Fault{RegionImpaired(f.name)}
	}
	var ps []Fault
	for _, h := range f.t.Hosts(f.name) {
		ps = append(ps, HostDown(h))
	}
	return ps
}
func (f domainDown) Apply(Targets) error {
	if _, ok := f.t.Kind(f.name); !ok {
		return fmt.Errorf("failure: %v: no such domain", f)
	}
	return nil
}
func (f domainDown) Revert(Targets) error { return nil }

type domainFailures struct {
	t          *Topology
	kind       Kind
	mtbf, mttr time.Duration
}

// DomainFailures gives every domain of a kind its own alternating renewal
// process of outages, Exp(mtbf) up and Exp(mttr) down. With Rack, hosts
// in a failed rack go down together: the correlated failures that make
// real durability far worse than independent-failure models predict
// [Ford et al. 2010].
func DomainFailures(t *Topology, kind Kind, mtbf, mttr time.Duration) Injector {
	return domainFailures{t, kind, mtbf, mttr}
}

func (d domainFailures) String() string {
	return fmt.Sprintf("%v-failures(mtbf=%v, mttr=%v)", d.kind, d.mtbf, d.mttr)
}
func (d domainFailures) params() error {
	if d.t == nil {
		return fmt.Errorf("failure: %v: nil topology", d)
	}
	if d.mtbf <= 0 || d.mttr <= 0 {
		return fmt.Errorf("failure: %v: mtbf and mttr must be positive", d)
	}
	if len(d.t.Domains(d.kind)) == 0 {
		return fmt.Errorf("failure: %v: the topology has no %v domains", d, d.kind)
	}
	return nil
}

// Check checks the rates, that the topology has domains of the kind, and
// every domain's outage.
func (d domainFailures) Check(h *Harness) error {
	if err := d.params(); err != nil {
		return err
	}
	for _, name := range d.t.Domains(d.kind) {
		if err := check(DomainDown(d.t, name), h); err != nil {
			return err
		}
	}
	return nil
}

func (d domainFailures) Start(h *Harness) {
	if err := d.params(); err != nil {
		h.Fail(err)
		return
	}
	for _, name := range d.t.Domains(d.kind) {
		Alternating(DomainDown(d.t, name), Exp(d.mtbf), Exp(d.mttr)).Start(h)
	}
}

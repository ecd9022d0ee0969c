package failure

import (
	"fmt"
	"math"
)

// Check methods of the built-in faults: the parameters Apply would
// refuse, a target able to take the fault, and the names it acts on.

// need reports an error unless some target implements T. It and named
// take the fault as its own type, so that it is boxed as a Fault only for
// an error: a replication checks its injectors' faults as it starts them.
func need[T any, F Fault](h *Harness, f F) error {
	if _, ok := find[T](h.st.targets); !ok {
		return noTarget[T](f)
	}
	return nil
}

// named wraps a name checker's error with the fault.
func named[F Fault](f F, err error) error {
	if err == nil {
		return nil
	}
	return faultErr(f, err)
}

func (f hostDown) Check(h *Harness) error {
	if err := need[HostTarget](h, f); err != nil {
		return err
	}
	return named(f, h.names().host(f.id))
}

func (f azDown) Check(h *Harness) error {
	if err := need[AZTarget](h, f); err != nil {
		return err
	}
	return named(f, h.names().az(f.id))
}

func (f regionImpaired) Check(h *Harness) error {
	if err := need[RegionTarget](h, f); err != nil {
		return err
	}
	return named(f, h.names().region(f.id))
}

func checkPair(h *Harness, f Fault, a, b string) error {
	if err := need[NetworkTarget](h, f); err != nil {
		return err
	}
	if a == b {
		return fmt.Errorf("failure: %v: the two places are the same", f)
	}
	if err := h.names().place(a); err != nil {
		return named(f, err)
	}
	return named(f, h.names().place(b))
}

func (f partitioned) Check(h *Harness) error { return checkPair(h, f, f.a, f.b) }

func (f slowLink) Check(h *Harness) error {
	if !(f.factor >= 1) || math.IsInf(f.factor, 1) {
		return fmt.Errorf("failure: %v: factor must be at least 1 and finite", f)
	}
	return checkPair(h, f, f.a, f.b)
}

func (f lossy) Check(h *Harness) error {
	if err := checkRate(f, f.p); err != nil {
		return err
	}
	return checkPair(h, f, f.a, f.b)
}

func (f errorRate) Check(h *Harness) error {
	if err := checkRate(f, f.rate); err != nil {
		return err
	}
	if err := need[ErrorTarget](h, f); err != nil {
		return err
	}
	return named(f, h.names().service(f.service, f.region))
}

// Check of a volume failure checks only that a target takes volumes:
// volumes are the workload's, created as it runs, so the name is checked
// when the fault fires.
func (f volumeLost) Check(h *Harness) error {
	if f.id == "" {
		return fmt.Errorf("failure: %v: empty volume ID", f)
	}
	return need[VolumeTarget](h, f)
}

func (f spotReclaim) Check(h *Harness) error {
	if !(f.fraction > 0 && f.fraction <= 1) {
		return fmt.Errorf("failure: %v: fraction must be in (0, 1]", f)
	}
	if err := need[SpotTarget](h, f); err != nil {
		return err
	}
	return named(f, h.names().az(f.az()))
}

func (f domainDown) Check(h *Harness) error {
	if f.t == nil {
		return fmt.Errorf("failure: domain-outage(%s): nil topology", f.name)
	}
	if err := f.Apply(h.st.targets); err != nil {
		return err
	}
	for _, p := range f.Parts() {
		if err := check(p, h); err != nil {
			return err
		}
	}
	return nil
}

package failure

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/nimbus-sim/nimbus/sim"
)

// Plan is a named list of faults for a scenario. It prints itself on one
// line, its injectors separated by "; ", so a study can log the faults
// each replication ran with (study.Rep.SetNote puts it in the row).
type Plan struct {
	Name   string
	Faults []Injector
}

// String prints "plan <name>: <injector>; <injector>".
func (p Plan) String() string {
	var b strings.Builder
	b.WriteString("plan ")
	b.WriteString(p.Name)
	b.WriteString(":")
	for i, f := range p.Faults {
		if i > 0 {
			b.WriteString(";")
		}
		b.WriteString(" ")
		b.WriteString(f.String())
	}
	if len(p.Faults) == 0 {
		b.WriteString(" no faults")
	}
	return b.String()
}

// Start arms every fault of the plan on h and traces the plan. It
// returns the errors of the injectors that failed their check (which
// were not started; h.Err reports them too).
func (p Plan) Start(h *Harness) error {
	h.Env().Emit("failure", "plan", sim.F("plan", p.String()))
	return h.Start(p.Faults...)
}

// PlanStream is the stream DrawPlan draws from.
const PlanStream = "failure/plan"

// DrawPlan draws a plan from a replication's seed, so that a study
// explores fault settings as well as fault timings (tigerbeetle's VOPR
// "swarm" testing). The draw uses its own stream, PlanStream, derived
// from seed alone: the same seed always gives the same plan, and drawing
// it perturbs no stream the scenario uses.
func DrawPlan(seed uint64, draw func(r *rand.Rand) Plan) Plan {
	if draw == nil {
		panic("failure: DrawPlan: draw is nil")
	}
	return draw(rand.New(sim.StreamSource(seed, PlanStream)))
}

// Scenario is a workload together with the faults it runs under.
type Scenario struct {
	Name     string
	Plan     Plan
	Workload func(env *sim.Env, h *Harness)
}

// Start builds a Harness on targets, starts the workload and then the
// plan's faults (so the workload's processes exist before the first fault
// at time zero), and returns the Harness. It fails if NewHarness refuses
// the targets (nothing starts) or a fault of the plan fails its check
// (the workload and the plan's other faults are started; the harness is
// returned with the error). After the run, h.Err reports what went wrong
// while injecting; a scenario returns it with its results.
func (s Scenario) Start(env *sim.Env, targets ...any) (*Harness, error) {
	h, err := NewHarness(env, targets...)
	if err != nil {
		return nil, fmt.Errorf("failure: scenario %s: %w", s.Name, err)
	}
	if s.Workload != nil {
		s.Workload(env, h)
	}
	if err := s.Plan.Start(h); err != nil {
		return h, fmt.Errorf("failure: scenario %s: %w", s.Name, err)
	}
	return h, nil
}

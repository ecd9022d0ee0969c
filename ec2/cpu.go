package ec2

import (
	"fmt"
	"math"
	"time"

	"github.com/nimbus-sim/nimbus/sim"
)

// cpuSched shares an instance's CPU among the Work calls in progress
// (processor sharing): with k workers each gets 1/k of the instance's
// effective capacity, which for a burstable type in standard mode drops to
// the baseline once its credits run out. That is how throttling shows up
// to user code: the same Work takes longer.
type cpuSched struct {
	workers []*cpuWorker
	last    sim.Time
	profile float64 // utilization set by SetCPUUtilization while no Work runs
}

type cpuWorker struct {
	remaining float64 // vCPU-seconds
	done      *sim.Event
}

func (c *cpuSched) reset() { c.workers = nil }

// demand is what the instance asks of its CPU: everything while some Work
// is in progress, otherwise the profile.
func (m *Machine) demand() float64 {
	if m.cpu() != nil && len(m.cpu().workers) > 0 {
		return 1
	}
	if m.cpu() != nil {
		return m.cpu().profile
	}
	return 0
}

// effectiveUtil is the fraction of the vCPUs the instance actually gets.
func (m *Machine) effectiveUtil() float64 {
	if m.state != InstanceStateRunning {
		return 0
	}
	if m.credits != nil {
		return m.credits.effective()
	}
	return m.demand()
}

// SetCPUUtilization sets the instance's CPU utilization profile (the
// fraction of all its vCPUs the workload would use, 0 to 1) from now on.
// For burstable types it drives credit earning and spending.
func (m *Machine) SetCPUUtilization(u float64) error {
	if !(u >= 0 && u <= 1) {
		return fmt.Errorf("ec2: SetCPUUtilization(%v): utilization must be in [0, 1]", u)
	}
	m.svc.creditsChanged(m) // settle the past under the old demand
	m.cpu().profile = u
	m.svc.creditsChanged(m)
	return nil
}

// CPUUtilization returns the utilization the instance gets now: the
// demand, or the baseline when a standard-mode burstable instance is out of
// credits.
func (m *Machine) CPUUtilization() float64 {
	m.svc.creditsChanged(m)
	return m.effectiveUtil()
}

// CPUCreditBalance returns the accrued credits (CloudWatch
// CPUCreditBalance); 0 for non-burstable types.
func (m *Machine) CPUCreditBalance() float64 {
	if m.credits == nil {
		return 0
	}
	m.svc.creditsChanged(m)
	return m.credits.balance + m.credits.launch
}

// CPUSurplusCreditBalance returns unlimited mode's surplus credits not yet
// repaid (CloudWatch CPUSurplusCreditBalance).
func (m *Machine) CPUSurplusCreditBalance() float64 {
	if m.credits == nil {
		return 0
	}
	m.svc.creditsChanged(m)
	return m.credits.surplus
}

// CPUSurplusCreditsCharged returns the surplus credits billed so far
// (CloudWatch CPUSurplusCreditsCharged, cumulative).
func (m *Machine) CPUSurplusCreditsCharged() float64 {
	if m.credits == nil {
		return 0
	}
	m.svc.creditsChanged(m)
	return m.credits.charged
}

// Work runs vcpuSeconds of CPU work on the instance from process p (which
// must run on it) and returns when the work is done. At full speed it takes
// vcpuSeconds / vCPUs; it takes longer when other Work shares the CPU or
// when a standard-mode burstable instance is throttled to its baseline. It
// returns an error if p is not on this instance; if the instance goes down
// meanwhile, p is killed.
func (m *Machine) Work(p *sim.Proc, vcpuSeconds float64) error {
	if on, ok := MachineOf(p); !ok || on != m {
		return fmt.Errorf("ec2: Work: process %q does not run on %s", p.Name(), m.id)
	}
	if !(vcpuSeconds >= 0) || math.IsInf(vcpuSeconds, 0) {
		return fmt.Errorf("ec2: Work(%v): amount must be finite and non-negative", vcpuSeconds)
	}
	if vcpuSeconds == 0 {
		return nil
	}
	s := m.svc
	s.creditsChanged(m)
	w := &cpuWorker{remaining: vcpuSeconds, done: s.env.NewEvent(m.id + "/work")}
	m.cpu().workers = append(m.cpu().workers, w)
	defer func() {
		for i, x := range m.cpu().workers {
			if x == w {
				s.creditsChanged(m)
				m.cpu().workers = append(m.cpu().workers[:i], m.cpu().workers[i+1:]...)
				s.creditsChanged(m)
				break
			}
		}
	}()
	s.creditsChanged(m)
	return p.Wait(w.done)
}

// creditsChanged brings the instance's credit account and CPU workers up
// to now, finishes completed work, and schedules the next change (a worker
// finishing or credits running out). Every input change calls it before and
// after, so rates are constant between calls.
func (s *Service) creditsChanged(m *Machine) {
	now := s.env.Now()
	if m.cpu() == nil {
		return
	}
	// Progress of the workers since the last call, at the rate that held.
	if dt := now.Sub(m.cpu().last).Seconds(); dt > 0 && len(m.cpu().workers) > 0 {
		per := float64(m.itype.VCPUs) * m.effectiveUtil() / float64(len(m.cpu().workers))
		for _, w := range m.cpu().workers {
			w.remaining -= per * dt
		}
	}
	m.cpu().last = now
	wasThrottled := m.credits != nil && m.credits.throttled()
	s.chargeCredits(m, false)
	if m.credits != nil {
		m.credits.demand = m.demand()
		if th := m.credits.throttled(); th != wasThrottled && s.env.Tracing() {
			s.env.Emit(m.id, "ec2.cpu", sim.F("throttled", th), sim.F("utilization", m.effectiveUtil()))
		}
	}
	// Finish workers whose work is done (within a nanosecond's worth).
	per := float64(m.itype.VCPUs) * m.effectiveUtil()
	if n := len(m.cpu().workers); n > 0 {
		per /= float64(n)
	}
	kept := m.cpu().workers[:0]
	for _, w := range m.cpu().workers {
		if w.remaining <= per*1e-9 {
			if !w.done.Triggered() {
				w.done.Trigger(nil)
			}
			continue
		}
		kept = append(kept, w)
	}
	m.cpu().workers = kept
	if m.credits != nil {
		m.credits.demand = m.demand()
	}
	// Next change.
	m.creditTm.Stop()
	if m.state != InstanceStateRunning {
		return
	}
	next := time.Duration(-1)
	if m.credits != nil {
		if d, ok := m.credits.nextChange(); ok {
			next = d
		}
	}
	if len(m.cpu().workers) > 0 {
		per = float64(m.itype.VCPUs) * m.effectiveUtil() / float64(len(m.cpu().workers))
		if per > 0 {
			minRem := math.Inf(1)
			for _, w := range m.cpu().workers {
				minRem = math.Min(minRem, w.remaining)
			}
			d := time.Duration(math.Ceil(minRem / per * float64(time.Second)))
			if next < 0 || d < next {
				next = d
			}
		}
	}
	switch {
	case next < 0:
	case len(m.cpu().workers) > 0:
		// Work in progress: the timer finishes the user's Work calls (or
		// changes their speed on the way), so it is foreground.
		m.creditTm = s.env.After(next, func() { s.creditsChanged(m) })
	default:
		// Only the credit account changes (credits run out or reach the
		// cap under the utilization profile): bookkeeping that happens by
		// itself, a daemon timer.
		m.creditTm = s.env.AfterDaemon(next, func() { s.creditsChanged(m) })
	}
}

// chargeCredits advances the credit account and bills surplus credits
// that became chargeable; settle also bills the unpaid surplus, as at a
// stop or terminate [burstable guide].
func (s *Service) chargeCredits(m *Machine, settle bool) {
	if m.credits == nil {
		return
	}
	c := m.credits.advance(s.env.Now())
	if settle {
		c += m.credits.settle()
	}
	if c > 0 {
		s.meterSurplusCredits(m, c)
	}
}

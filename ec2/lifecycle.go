package ec2

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
)

// Delay is a shifted-exponential duration: Min plus an exponential with
// mean Mean-Min. EC2 publishes no distribution for its state transitions;
// these shapes (a floor, then a tail) are modelling assumptions, printable
// so that studies can log them.
type Delay struct {
	Min  time.Duration
	Mean time.Duration
}

// Rand draws a delay from r.
func (d Delay) Rand(r *rand.Rand) time.Duration {
	if d.Mean <= d.Min {
		return d.Min
	}
	return d.Min + sim.Exp(r, d.Mean-d.Min)
}

func (d Delay) String() string { return fmt.Sprintf("Delay{Min: %v, Mean: %v}", d.Min, d.Mean) }

// LifecycleDelays are the durations of the transient states.
type LifecycleDelays struct {
	Boot     Delay // pending -> running
	Stop     Delay // stopping -> stopped
	Shutdown Delay // shutting-down -> terminated
	Reboot   Delay // reboot: processes cannot start until it is over
	// TerminatedVisible is how long a terminated instance stays in
	// DescribeInstances (AWS: about an hour).
	TerminatedVisible time.Duration
}

// DefaultLifecycleDelays returns typical figures (seconds to tens of
// seconds; not sourced, see Delay): the delays Options.Lifecycle gets when
// left zero.
func DefaultLifecycleDelays() LifecycleDelays {
	return LifecycleDelays{
		Boot:              Delay{Min: 5 * time.Second, Mean: 15 * time.Second},
		Stop:              Delay{Min: 5 * time.Second, Mean: 20 * time.Second},
		Shutdown:          Delay{Min: 3 * time.Second, Mean: 10 * time.Second},
		Reboot:            Delay{Min: 10 * time.Second, Mean: 30 * time.Second},
		TerminatedVisible: time.Hour,
	}
}

// StateChangeEvent is published to subscribers at every lifecycle
// transition (EventBridge's "EC2 Instance State-change Notification", plus
// what billing and traces need).
type StateChangeEvent struct {
	At           sim.Time
	InstanceID   string
	Account      string
	Region       string
	AZID         string
	HostID       string
	InstanceType InstanceType
	Previous     InstanceStateName // "" for a new instance
	Current      InstanceStateName
	// Reason is why the state changed; the zero value when EC2 gives none
	// (a value, not a pointer, so that printing an event shows it).
	Reason StateReason
	Spot   bool
}

// Subscribe registers f to run at every instance state change, in
// registration order. It returns a function that unsubscribes.
func (s *Service) Subscribe(f func(StateChangeEvent)) (cancel func()) {
	if f == nil {
		panic("ec2: Subscribe: f is nil")
	}
	i := len(s.subs)
	s.subs = append(s.subs, f)
	return func() { s.subs[i] = nil }
}

// ShutdownError is the cause a process on an instance is killed with when
// the instance stops, reboots, terminates or is reclaimed; find it with
// errors.As(p.Err(), &se).
type ShutdownError struct {
	InstanceID string
	// Event is "stop", "reboot", "terminate", "spot-interruption" or
	// "host-failure".
	Event  string
	Reason StateReason
}

func (e *ShutdownError) Error() string {
	return fmt.Sprintf("ec2: instance %s went down (%s): %s", e.InstanceID, e.Event, e.Reason.Code)
}

// State reasons, as EC2 reports them in StateReason.Code. Stops and
// terminations take a pointer to one of these (or to reasonUserHibernate,
// reasonScheduledStop), which the machine keeps: they are never modified.
var (
	reasonUserStop      = StateReason{"Client.UserInitiatedShutdown", "Client.UserInitiatedShutdown: User initiated shutdown"}
	reasonUserTerminate = StateReason{"Client.UserInitiatedShutdown", "Client.UserInitiatedShutdown: User initiated shutdown"}
	reasonSpotTerminate = StateReason{"Server.SpotInstanceTermination", "Server.SpotInstanceTermination: Spot instance termination"}
	reasonSpotStop      = StateReason{"Server.SpotInstanceShutdown", "Server.SpotInstanceShutdown: Spot instance shutdown"}
	reasonHostFailure   = StateReason{"Server.InternalError", "Server.InternalError: An internal error caused the instance to stop"}
	reasonScheduledStop = StateReason{"Server.ScheduledStop", "Server.ScheduledStop: Stopped due to scheduled retirement"}
)

func (s *Service) setState(m *Machine, to InstanceStateName, reason *StateReason) {
	from := m.state
	m.state = to
	if reason != nil {
		m.reason = reason // one of the package's reasons, shared
	}
	s.trackQuota(m, from, to)
	s.hibernateHook(m, to)
	s.spotRequestHook(m, to)
	env := s.env
	if env.Tracing() {
		code := ""
		if reason != nil {
			code = reason.Code
		}
		env.Emit(m.id, "ec2.state", sim.F("from", string(from)), sim.F("to", string(to)), sim.F("reason", code))
	}
	if len(s.subs) == 0 {
		return
	}
	ev := StateChangeEvent{At: env.Now(), InstanceID: m.id, Account: m.account, Region: m.region, AZID: m.azID,
		HostID: m.hostID, InstanceType: m.itype.InstanceType, Previous: from, Current: to, Spot: m.spot != nil}
	if reason != nil {
		ev.Reason = *reason
	}
	for _, f := range s.subs {
		if f != nil {
			f(ev)
		}
	}
}

// boot moves a pending instance to running after the boot delay. Only the
// user's RunInstances and StartInstances boot instances, so the boot is
// foreground: env.Run waits for it (see "What keeps env.Run going" in the
// package doc).
func (s *Service) boot(m *Machine) {
	d := s.opts.Lifecycle.Boot.Rand(m.lifecycleRand())
	m.next = stepBoot
	m.pending = s.env.After(d, m.stepper())
}

// The transitions a machine's stepper runs (Machine.next).
const (
	stepNone uint8 = iota
	stepBoot
	stepTerminated
)

// stepper returns the machine's one timer callback for the transitions
// every instance goes through (boot, the end of a termination, being
// forgotten), built once per machine rather than a closure per timer. It
// runs the transition m.next names; at most one of them is pending at a
// time.
func (m *Machine) stepper() func() {
	if m.step == nil {
		m.step = func() {
			s, k := m.svc, m.next
			m.next = stepNone
			switch k {
			case stepBoot:
				s.becomeRunning(m)
			case stepTerminated:
				s.terminated(m)
			}
		}
	}
	return m.step
}

// afterTransition schedules the end of a stop or termination. One the user
// asked for (StopInstances, TerminateInstances) is the user's work and
// keeps env.Run going; one EC2 started by itself (a spot interruption, a
// host failure: ec2Interrupted) is background, a daemon timer, like the
// event that started it. Otherwise the instant Run returns would move by
// a few seconds whenever a reclaim happened to land just before the
// workload's end.
func (s *Service) afterTransition(d time.Duration, ec2Interrupted bool, fn func()) sim.Timer {
	if ec2Interrupted {
		return s.env.AfterDaemon(d, fn)
	}
	return s.env.After(d, fn)
}

func (s *Service) becomeRunning(m *Machine) {
	now := s.env.Now()
	m.startedAt = now
	m.rebootAt = now
	if m.credits != nil {
		// T3 keeps accrued credits for seven days after a stop [burstable guide].
		if m.credits.stoppedAt != 0 && now.Sub(m.credits.stoppedAt) > CreditRetention {
			m.credits.balance = 0
		}
		m.credits.last = now
		m.credits.running = true
		s.grantLaunchCredits(m)
	}
	if m.cpu() != nil {
		m.cpu().last = now // Work kept across a hibernation made no progress meanwhile
	}
	s.setState(m, InstanceStateRunning, nil)
	s.meterStart(m)
	if m.spot != nil {
		s.armSpot(m)
	}
	s.creditsChanged(m)
	s.thawProcs(m)
}

// leaveRunning does what every exit from running shares: stop the meter
// and the credit clock, kill the processes, cancel spot timers.
func (s *Service) leaveRunning(m *Machine, event string, reason *StateReason, ec2Interrupted bool) {
	if m.state == InstanceStateRunning {
		if m.attrs.hibernating {
			s.creditsChanged(m) // Work in progress is kept: bring it up to now
		}
		s.chargeCredits(m, m.credits != nil)
		if m.credits != nil {
			m.credits.running = false
		}
		if !m.attrs.hibernating { // a hibernating instance is billed while stopping (hibernate.go)
			s.meterStop(m, ec2Interrupted)
		}
	}
	m.pending.Stop()
	m.creditTm.Stop()
	if m.spot != nil {
		m.spot.disarm()
	}
	if m.attrs.hibernating {
		s.freezeProcs(m) // hibernate.go: memory, and the processes in it, survive
	} else {
		if len(m.procs) > 0 {
			s.killProcs(m, &ShutdownError{InstanceID: m.id, Event: event, Reason: *reason})
		} else {
			s.killProcs(m, nil) // no process to hand the cause to: don't build it
		}
	}
	m.imds.endSessions() // IMDSv2 sessions end with the instance's run
}

// stop begins a stop (user, spot or host failure). hibernate only changes
// the reason and the trace: the simulation keeps no memory image.
func (s *Service) stop(m *Machine, event string, reason *StateReason, ec2Interrupted bool) {
	s.leaveRunning(m, event, reason, ec2Interrupted)
	m.setTransition(reason, s.env.Now())
	s.setState(m, InstanceStateStopping, reason)
	d := s.opts.Lifecycle.Stop.Rand(m.lifecycleRand())
	if m.attrs.hibernating {
		d += s.hibernateDump(m)
	}
	m.pending = s.afterTransition(d, ec2Interrupted, func() {
		s.unplace(m)
		s.releasePublicIP(m)
		if m.credits != nil {
			m.credits.stoppedAt = s.env.Now()
			if !m.itype.CreditsSurviveStop {
				m.credits.balance = 0 // T2 loses accrued credits on stop [burstable guide]
				m.credits.launch = 0
			}
		}
		s.setState(m, InstanceStateStopped, nil)
	})
}

// reboot kills the instance's processes and keeps it running on the same
// host; billing goes on (a reboot is not a new start).
func (s *Service) reboot(m *Machine) {
	s.killProcs(m, &ShutdownError{InstanceID: m.id, Event: "reboot", Reason: StateReason{Code: "Client.UserInitiatedReboot"}})
	m.rebootAt = s.env.Now().Add(s.opts.Lifecycle.Reboot.Rand(m.lifecycleRand()))
	if s.env.Tracing() {
		s.env.Emit(m.id, "ec2.reboot", sim.F("until", m.rebootAt))
	}
}

// terminate moves an instance to shutting-down, then terminated.
func (s *Service) terminate(m *Machine, event string, reason *StateReason, ec2Interrupted bool) {
	s.leaveRunning(m, event, reason, ec2Interrupted)
	m.setTransition(reason, s.env.Now())
	s.setState(m, InstanceStateShuttingDown, reason)
	d := s.opts.Lifecycle.Shutdown.Rand(m.lifecycleRand())
	m.next = stepTerminated
	m.pending = s.afterTransition(d, ec2Interrupted, m.stepper())
}

// terminated ends a termination: the instance lets go of its host, its
// addresses and its volumes.
func (s *Service) terminated(m *Machine) {
	s.unplace(m)
	// Deleting the interface gives back its public address (and stops
	// the address's meter) as releasePublicIP would, at this same point.
	s.releaseInterface(m)
	s.releaseVolumesOnTerminate(m)
	s.setState(m, InstanceStateTerminated, nil)
	if m.spot != nil && m.spot.pool != nil {
		m.spot.pool.remove(m)
	}
	s.forgetLater(m)
}

// forgetQueue holds the terminated machines still describable, oldest
// first, from head on, and the callback of the one timer that forgets
// them (forgetLater). It is behind a pointer, made at the first
// termination, so that the Service stays within its size class.
type forgetQueue struct {
	q    []forgetEntry
	head int
	due  func()
}

// forgetEntry is a terminated machine and the instant it is forgotten.
type forgetEntry struct {
	at sim.Time
	m  *Machine
}

// forgetLater forgets m TerminatedVisible from now. Every machine waits
// the same delay, so they are forgotten in the order they terminated: a
// FIFO with one timer, for its head, rather than a timer per machine,
// which a fleet churning instances kept thousands of for an hour each
// (a timer slot and an event each, and their queue's work). Forgetting
// is clean-up, not work: a daemon timer, so that it never keeps env.Run
// going.
func (s *Service) forgetLater(m *Machine) {
	f := s.forgets
	if f == nil {
		f = &forgetQueue{}
		f.due = func() { s.forgetDue(f) }
		s.forgets = f
	}
	at := s.env.Now() + sim.Time(s.opts.Lifecycle.TerminatedVisible)
	f.q = appendDoubling(f.q, forgetEntry{at: at, m: m})
	if len(f.q)-f.head == 1 {
		s.env.AtDaemon(at, f.due)
	}
}

// forgetDue forgets the machines whose hour is up, then waits for the
// next one. The queue's room is reused once it has been emptied, and
// compacted once its forgotten head is the larger part.
func (s *Service) forgetDue(f *forgetQueue) {
	now := s.env.Now()
	q, i := f.q, f.head
	for ; i < len(q) && q[i].at <= now; i++ {
		s.instances.remove(q[i].m)
		q[i] = forgetEntry{}
	}
	switch {
	case i == len(q):
		f.q, f.head = q[:0], 0
		return
	case i > 64 && 2*i > len(q):
		n := copy(q, q[i:])
		clear(q[n:])
		f.q, i = q[:n], 0
	}
	f.head = i
	s.env.AtDaemon(f.q[i].at, f.due)
}

// killProcs ends every process bound to m, oldest first.
func (s *Service) killProcs(m *Machine, cause error) {
	procs := m.procs
	m.procs = nil
	cur := s.env.Current()
	for _, p := range procs {
		if p == cur {
			// A process on the instance stopped, rebooted or terminated its
			// own instance: killing it now would unwind the API call half
			// way through its effect. It dies at its next wait instead
			// (typically while the call's response is in flight), as a
			// process dies with its VM after the request was accepted.
			s.env.At(s.env.Now(), func() { p.Kill(cause) })
			continue
		}
		p.Kill(cause)
	}
	if m.cpu() != nil {
		m.cpu().reset()
	}
}

type machineKey struct{}

// ErrInstanceNotRunning is returned by Machine.Go when the instance cannot
// run code now (not running, or rebooting).
var ErrInstanceNotRunning = fmt.Errorf("ec2: instance is not running")

// Go starts fn as a process on the instance. The process can read the
// instance's metadata service (GetMetadata) and is killed, with a
// *ShutdownError cause, when the instance stops, reboots, terminates or is
// reclaimed, as a real process dies with its VM. A hibernation instead
// freezes it, and the next start resumes it where it waited (hibernate.go).
func (m *Machine) Go(name string, fn func(p *sim.Proc)) (*sim.Proc, error) {
	if fn == nil {
		panic("ec2: Machine.Go: fn is nil")
	}
	env := m.svc.env
	if m.state != InstanceStateRunning || env.Now() < m.rebootAt {
		return nil, fmt.Errorf("%w: %s is %s", ErrInstanceNotRunning, m.id, m.state)
	}
	p := env.Go(m.id+"/"+name, fn)
	p.SetValue(machineKey{}, m)
	s := m.svc
	if loc, err := s.w.AtSlot(m.slot); err == nil {
		// Every call the process makes comes from the instance's host.
		region.SetLocation(p, s.procLocation(loc, m.networkIdentity()))
	}
	if m.procs == nil {
		// Room for two: a workload often runs a second process beside
		// its first (a watcher), and growing from one took another
		// allocation.
		m.procs = make([]*sim.Proc, 0, 2)
	}
	m.procs = append(m.procs, p)
	if s.procExit == nil { // one closure per service, not per instance or process
		s.procExit = func(p *sim.Proc) {
			if m, ok := MachineOf(p); ok {
				m.dropProc(p)
			}
		}
	}
	p.OnExit(s.procExit)
	return p, nil
}

// procLocation is at.WithNetwork(n), the Location of a process on an
// instance, shared with the process started before it if that one's
// host and network identity were the same: an instance's first process
// often starts a second one at once (a trainer its interruption
// watcher), and WithNetwork allocates the identity, which a Location
// never modifies. The last answer is kept behind a pointer, made on the
// first process, so that the Service stays within its size class.
func (s *Service) procLocation(at region.Location, n region.NetworkIdentity) region.Location {
	c := s.lastLoc
	if c != nil && c.WithNetwork(region.NetworkIdentity{}) == at && c.Network() == n {
		return *c
	}
	if c == nil {
		c = new(region.Location)
		s.lastLoc = c
	}
	*c = at.WithNetwork(n)
	return *c
}

// dropProc forgets an exited process.
func (m *Machine) dropProc(p *sim.Proc) {
	for i, q := range m.procs {
		if q == p {
			m.procs = append(m.procs[:i], m.procs[i+1:]...)
			break
		}
	}
}

// MachineOf returns the instance a process runs on, if any.
func MachineOf(p *sim.Proc) (*Machine, bool) {
	m, ok := p.Value(machineKey{}).(*Machine)
	return m, ok
}

// setTransition records why the instance is stopping or terminating, for
// StateTransitionReason.
func (m *Machine) setTransition(r *StateReason, at sim.Time) {
	m.transUser = r.Code == "Client.UserInitiatedShutdown"
	m.transAt = at
}

// clearReason forgets the last state reason (a new start).
func (m *Machine) clearReason() {
	m.reason, m.transUser = nil, false
}

// transitionReason formats StateTransitionReason as EC2 does: "User
// initiated (2026-01-01 10:00:00 GMT)" for the user's own stops and
// terminations, the server reason otherwise.
func (m *Machine) transitionReason() string {
	if !m.transUser {
		// A server reason: the message of the reason the stop or
		// termination was given (setTransition's, which setState keeps
		// in reason), "" before any.
		if m.reason == nil {
			return ""
		}
		return m.reason.Message
	}
	var buf [64]byte
	b := append(buf[:0], "User initiated ("...)
	b = m.svc.env.TimeOf(m.transAt).UTC().AppendFormat(b, "2006-01-02 15:04:05")
	return string(append(b, " GMT)"...))
}

package ec2

import (
	"fmt"
	"math"

	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
)

// Host failures and zone outages.
//
// Simplified automatic recovery is EC2's default for supported instance
// types: when the underlying host fails, the instance is moved to a new
// host in the same zone and rebooted, keeping its instance ID, private and
// public IP addresses, EBS volumes and metadata; what was in memory is
// lost: https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instance-configuration-recovery.html
// Spot instances, types without AutoRecovery (accelerated, bare metal,
// Xen GPU) and instances whose zone is down fall back to
// Options.HostFailure (stop by default). Options.AutoRecovery "disabled"
// turns recovery off for the world.
//
// When a zone outage ends, the instances it stopped follow
// Options.AZRestart: "restart" (default) starts them again, "stopped"
// leaves them stopped for their owners. The default is an assumption
// modelled on AWS's post-event summaries of zone power events, which
// report affected instances recovering as power and networking returned,
// without customer action (e.g. the 2021-12-22 us-east-1 power event;
// summaries are listed at https://aws.amazon.com/premiumsupport/technology/pes/).

// onHostEvent handles a host failure (stop, terminate or recover its
// instances) and a zone's return (restart what the outage stopped).
func (s *Service) onHostEvent(ev region.HostEvent) {
	if !ev.Failed {
		s.zoneBack(ev.AZ)
		return
	}
	zoneDown := s.w.Faults().AZDown(ev.AZ)
	for _, si := range ev.Slots {
		m, ok := s.machineOnSlot(si)
		if !ok {
			continue
		}
		m.slot = 0
		switch m.state {
		case InstanceStatePending, InstanceStateRunning: // a stopping one just finishes stopping
			switch {
			case s.opts.HostFailure == "terminate" || (m.spot != nil && m.spot.reqType != SpotPersistent):
				s.terminate(m, "host-failure", &reasonHostFailure, true)
			case !zoneDown && s.recover(m):
			default:
				m.attrs.stoppedByOutage = zoneDown
				s.stop(m, "host-failure", &reasonHostFailure, true)
			}
		}
	}
}

// recover moves m to a new host and reboots it there; false if m cannot be
// recovered (unsupported, disabled, or no host has room).
func (s *Service) recover(m *Machine) bool {
	if s.opts.AutoRecovery == "disabled" || !m.itype.AutoRecovery || m.spot != nil || m.state != InstanceStateRunning {
		return false
	}
	if err := s.place(m); err != nil {
		return false
	}
	if s.env.Tracing() {
		s.env.Emit(m.id, "ec2.recover", sim.F("host", m.hostID))
	}
	s.killProcs(m, &ShutdownError{InstanceID: m.id, Event: "host-failure", Reason: StateReason{"Server.InternalError", "Server.InternalError: instance recovered onto a new host"}})
	m.imds.endSessions()
	m.rebootAt = s.env.Now().Add(s.opts.Lifecycle.Reboot.Rand(m.lifecycleRand()))
	if m.recoveries < math.MaxUint16 {
		m.recoveries++
	}
	return true
}

// Recoveries returns how many times the instance was recovered onto a new
// host.
func (m *Machine) Recoveries() int { return int(m.recoveries) }

// zoneBack restarts, once the zone's hosts are back, the instances its
// outage stopped (Options.AZRestart "restart").
func (s *Service) zoneBack(azID string) {
	if s.opts.AZRestart == "stopped" || s.w.Faults().AZDown(azID) || s.restartPending[azID] {
		return
	}
	if s.restartPending == nil {
		s.restartPending = map[string]bool{}
	}
	s.restartPending[azID] = true
	// RestoreAZ repairs the zone's hosts one by one at this instant: start
	// the instances once all are back.
	s.env.AtDaemon(s.env.Now(), func() {
		delete(s.restartPending, azID)
		for _, m := range s.sortedInstances() {
			if m.azID != azID || m.state != InstanceStateStopped || !m.attrs.stoppedByOutage {
				continue
			}
			m.attrs.stoppedByOutage = false
			_ = s.startStopped(m) // no room: it stays stopped, as an owner would find it
		}
	})
}

// startStopped starts a stopped instance on EC2's own initiative (as
// StartInstances would, without the API call).
func (s *Service) startStopped(m *Machine) error {
	if m.state != InstanceStateStopped {
		return nil
	}
	if err := s.checkStartQuota(m.account, m.region, []*Machine{m}); err != nil {
		return err
	}
	if err := s.place(m); err != nil {
		return err
	}
	s.assignPublicIP(m)
	m.clearReason()
	m.launchTime = s.env.Now()
	s.setState(m, InstanceStatePending, nil)
	s.boot(m)
	return nil
}

func (s *Service) sortedInstances() []*Machine {
	ms := make([]*Machine, 0, s.instances.len())
	s.instances.all(func(m *Machine) { ms = append(ms, m) })
	// launch order: deterministic whatever the map order
	for i := 1; i < len(ms); i++ {
		for j := i; j > 0 && ms[j].seq < ms[j-1].seq; j-- {
			ms[j], ms[j-1] = ms[j-1], ms[j]
		}
	}
	return ms
}

func validateRecoveryOptions(o *Options) error {
	switch o.AutoRecovery {
	case "", "default", "disabled":
	default:
		return fmt.Errorf("ec2: Options.AutoRecovery %q: want \"default\" or \"disabled\"", o.AutoRecovery)
	}
	switch o.AZRestart {
	case "", "restart", "stopped":
	default:
		return fmt.Errorf("ec2: Options.AZRestart %q: want \"restart\" or \"stopped\"", o.AZRestart)
	}
	return nil
}

package ec2

import (
	"time"

	"github.com/nimbus-sim/nimbus/region"
)

// Hibernation prerequisites, as "Prerequisites for EC2 instance
// hibernation" lists them:
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/hibernating-prerequisites.html
//   - a supported instance family and size (InstanceTypeInfo.Hibernation;
//     bare metal, accelerated types and the largest sizes excluded);
//   - instance RAM below 150 GiB (Linux);
//   - an EBS root volume, encrypted, large enough to hold the RAM besides
//     the AMI's own contents;
//   - hibernation enabled at launch: it cannot be enabled afterwards.
// A launch that breaks one gets UnsupportedHibernationConfiguration
// (InvalidParameterCombination for an unencrypted root volume), and
// nothing launches.

// MaxHibernationMemoryMiB is the largest RAM a Linux instance can
// hibernate (150 GiB).
const MaxHibernationMemoryMiB = 150 * 1024

func (s *Service) checkHibernation(sp *launchSpec, in *RunInstancesInput) error {
	it := sp.it
	if !it.Hibernation || it.MemoryMiB > MaxHibernationMemoryMiB {
		return clientErr("UnsupportedHibernationConfiguration",
			"The instance type %s does not support hibernation.", it.InstanceType)
	}
	if sp.img.RootDeviceType != "ebs" {
		return clientErr("UnsupportedHibernationConfiguration", "Hibernation requires an EBS-backed AMI; %s is not.", sp.img.ImageId)
	}
	root := sp.devices[0]
	if !root.enc {
		return clientErr("InvalidParameterCombination",
			"Hibernation requires an encrypted root volume: set Encrypted on the block device mapping of %s.", root.name)
	}
	needGiB := int64(sp.img.RootVolumeSizeGiB) + (it.MemoryMiB+1023)/1024
	if int64(root.size) < needGiB {
		return clientErr("InvalidParameterValue",
			"The root volume of %d GiB is too small to hibernate a %s: it needs the AMI's %d GiB plus %d GiB for the memory.",
			root.size, it.InstanceType, sp.img.RootVolumeSizeGiB, (it.MemoryMiB+1023)/1024)
	}
	return nil
}

// reasonUserHibernate is the state reason of a user's hibernation.
var reasonUserHibernate = StateReason{"Client.UserInitiatedHibernate", "Client.UserInitiatedHibernate: User initiated hibernate"}

// hibernate stops an instance by hibernating it: the instance stays billed
// while stopping, the stopping phase lasts as long as writing its RAM to
// the root volume takes (RAM / the volume's throughput, on top of the
// ordinary stop delay), and the next start knows its memory was kept
// (Machine.Hibernated). "You're charged for the instance while it is in
// the stopping state", https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Hibernate.html
//
// "When you start your instance, the RAM contents are restored and the
// processes that were previously running on the instance are resumed"
// (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Hibernate.html):
// the instance's processes (Machine.Go) are frozen (sim.Proc.Freeze), not
// killed, and thawed when the instance is running again. A process resumes
// where it waited; a wait that ended meanwhile (a Sleep, a poll's timer)
// returns at the start, overdue, so the process sees virtual time jump as
// a program does after its VM was suspended. Its context stays valid
// throughout. Work in progress (Machine.Work) makes no progress while the
// instance is not running and goes on after the start. A plain stop, a
// reboot and a termination (also of a hibernated instance) still kill the
// processes.
func (s *Service) hibernate(m *Machine, event string, reason *StateReason, ec2Interrupted bool) {
	m.attrs.hibernating, m.attrs.hibInterrupted = true, ec2Interrupted
	s.stop(m, event, reason, ec2Interrupted)
}

// hibernateDump is how long writing the instance's RAM to its root volume
// takes.
func (s *Service) hibernateDump(m *Machine) time.Duration {
	tput := int32(125) // gp3 baseline, MiB/s
	for _, a := range m.devices {
		if a.device == m.image.RootDeviceName && a.vol.throughput > 0 {
			tput = a.vol.throughput
		}
	}
	return time.Duration(float64(m.itype.MemoryMiB) / float64(tput) * float64(time.Second))
}

// hibernateHook follows state changes: a hibernating stop ends with the
// meter stopping (not when stopping began); a plain stop clears
// Hibernated.
func (s *Service) hibernateHook(m *Machine, to InstanceStateName) {
	switch {
	case to == InstanceStateStopping:
		m.attrs.wasHibernated = false
	case to == InstanceStateStopped && m.attrs.hibernating:
		m.attrs.hibernating = false
		m.attrs.wasHibernated = true
		s.meterStop(m, m.attrs.hibInterrupted)
	}
}

// Hibernated reports whether the instance's last stop was a hibernation
// (its memory was saved to the root volume and restored at the start).
func (m *Machine) Hibernated() bool { return m.attrs.wasHibernated }

// freezeProcs suspends every process bound to m for a hibernation.
func (s *Service) freezeProcs(m *Machine) {
	for _, p := range m.procs {
		p.Freeze()
	}
}

// thawProcs resumes the processes frozen by a hibernation, from the
// instance's new host.
func (s *Service) thawProcs(m *Machine) {
	for _, p := range m.procs {
		if !p.Frozen() {
			continue
		}
		if loc, err := s.w.AtSlot(m.slot); err == nil {
			region.SetLocation(p, loc.WithNetwork(m.networkIdentity()))
		}
		p.Thaw()
	}
}

package ec2

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/nimbus-sim/nimbus/internal/mix"
	"github.com/nimbus-sim/nimbus/sim"
	"gonum.org/v1/gonum/stat/distuv"
)

// VolumeType is an EBS volume type.
type VolumeType string

// EBS volume types [EBS volume types guide].
const (
	VolumeTypeGp2 VolumeType = "gp2"
	VolumeTypeGp3 VolumeType = "gp3"
	VolumeTypeIo1 VolumeType = "io1"
	VolumeTypeIo2 VolumeType = "io2"
	VolumeTypeSt1 VolumeType = "st1"
	VolumeTypeSc1 VolumeType = "sc1"
)

// VolumeSpec holds a volume type's limits and failure rate
// [EBS volume types guide].
type VolumeSpec struct {
	MinSizeGiB, MaxSizeGiB int32
	// IOPS: provisioned range (io1/io2/gp3) and the per-GiB ratio cap.
	MinIOPS, MaxIOPS, IOPSPerGiB int32
	// BaselineIOPS is gp3's included IOPS; MaxThroughputMiBps the type's
	// ceiling; BaselineThroughputMiBps gp3's included throughput.
	BaselineIOPS            int32
	BaselineThroughputMiBps int32
	MaxThroughputMiBps      int32
	// AFR is the annual failure rate of a volume (0.002 = 0.2%).
	AFR float64
	// Latency is the typical per-I/O latency (single-digit ms for SSD
	// types, sub-ms for io2 Block Express; HDD types are throughput-bound).
	Latency time.Duration
}

// VolumeSpecs returns the built-in limits of every volume type, a fresh
// copy per call (replications share nothing mutable). io2 sizes and IOPS
// are Block Express's (64 TiB, 256,000 IOPS, 4,000 MiB/s, up to 1,000
// IOPS/GiB) [EBS volume types guide].
func VolumeSpecs() map[VolumeType]VolumeSpec {
	// From the list rather than by iterating volumeSpecs: a study asks
	// for the specs in every replication, and a map iteration costs as
	// much as the inserts. Small enough to inline, so that a caller that
	// only reads it keeps the map on its stack.
	out := make(map[VolumeType]VolumeSpec, len(volumeSpecList))
	for i, t := range volumeTypeList {
		out[t] = volumeSpecList[i]
	}
	return out
}

// VolumeSpecOf returns the built-in limits of one volume type, as
// VolumeSpecs()[t] does without building the map.
func VolumeSpecOf(t VolumeType) (VolumeSpec, bool) { return volumeSpec(t) }

// volumeSpec returns the limits of one volume type: a switch into
// volumeSpecList, as every launch looks its root volume's type up a few
// times (newVolume, meterVolumeStart) and a switch on a short string
// costs less than hashing it.
func volumeSpec(t VolumeType) (VolumeSpec, bool) {
	i := volumeTypeIndex(t)
	if i < 0 {
		return VolumeSpec{}, false
	}
	return volumeSpecList[i], true
}

// volumeTypeIndex is t's row in volumeSpecList, -1 for an unknown type.
func volumeTypeIndex(t VolumeType) int {
	switch t {
	case VolumeTypeGp3:
		return 0
	case VolumeTypeGp2:
		return 1
	case VolumeTypeIo1:
		return 2
	case VolumeTypeIo2:
		return 3
	case VolumeTypeSt1:
		return 4
	case VolumeTypeSc1:
		return 5
	}
	return -1
}

// volumeTypeList is the volume types by volumeTypeIndex.
var volumeTypeList = [...]VolumeType{VolumeTypeGp3, VolumeTypeGp2, VolumeTypeIo1, VolumeTypeIo2, VolumeTypeSt1, VolumeTypeSc1}

// volumeSpecList is volumeSpecs by volumeTypeIndex.
var volumeSpecList = [...]VolumeSpec{
	volumeSpecs[VolumeTypeGp3], volumeSpecs[VolumeTypeGp2], volumeSpecs[VolumeTypeIo1],
	volumeSpecs[VolumeTypeIo2], volumeSpecs[VolumeTypeSt1], volumeSpecs[VolumeTypeSc1],
}

// volumeSpecs is never written after initialisation and never handed
// out: VolumeSpecs copies it.
var volumeSpecs = map[VolumeType]VolumeSpec{
	VolumeTypeGp3: {MinSizeGiB: 1, MaxSizeGiB: 16384, MinIOPS: 3000, MaxIOPS: 16000, IOPSPerGiB: 500,
		BaselineIOPS: 3000, BaselineThroughputMiBps: 125, MaxThroughputMiBps: 1000, AFR: 0.002, Latency: 2 * time.Millisecond},
	VolumeTypeGp2: {MinSizeGiB: 1, MaxSizeGiB: 16384, MinIOPS: 100, MaxIOPS: 16000, IOPSPerGiB: 3,
		MaxThroughputMiBps: 250, AFR: 0.002, Latency: 2 * time.Millisecond},
	VolumeTypeIo1: {MinSizeGiB: 4, MaxSizeGiB: 16384, MinIOPS: 100, MaxIOPS: 64000, IOPSPerGiB: 50,
		MaxThroughputMiBps: 1000, AFR: 0.002, Latency: time.Millisecond},
	VolumeTypeIo2: {MinSizeGiB: 4, MaxSizeGiB: 65536, MinIOPS: 100, MaxIOPS: 256000, IOPSPerGiB: 1000,
		MaxThroughputMiBps: 4000, AFR: 0.00001, Latency: 500 * time.Microsecond},
	VolumeTypeSt1: {MinSizeGiB: 125, MaxSizeGiB: 16384, MaxIOPS: 500, MaxThroughputMiBps: 500, AFR: 0.002, Latency: 10 * time.Millisecond},
	VolumeTypeSc1: {MinSizeGiB: 125, MaxSizeGiB: 16384, MaxIOPS: 250, MaxThroughputMiBps: 250, AFR: 0.002, Latency: 20 * time.Millisecond},
}

// VolumeState is an EBS volume's state.
type VolumeState string

// Volume states.
const (
	VolumeStateCreating  VolumeState = "creating"
	VolumeStateAvailable VolumeState = "available"
	VolumeStateInUse     VolumeState = "in-use"
	VolumeStateDeleting  VolumeState = "deleting"
	VolumeStateDeleted   VolumeState = "deleted"
	VolumeStateError     VolumeState = "error"
)

// AttachmentState is a volume attachment's state.
type AttachmentState string

// Attachment states.
const (
	AttachmentAttached AttachmentState = "attached"
	AttachmentDetached AttachmentState = "detached"
)

// Volume describes an EBS volume as DescribeVolumes returns it.
type Volume struct {
	VolumeId           string
	VolumeType         VolumeType
	Size               int32 // GiB
	Iops               int32
	Throughput         int32 // MiB/s
	AvailabilityZone   string
	AvailabilityZoneId string
	SnapshotId         string
	State              VolumeState
	CreateTime         time.Time
	Attachments        []VolumeAttachment
	Encrypted          bool
	Tags               []Tag
}

// VolumeAttachment is one attachment of a volume.
type VolumeAttachment struct {
	VolumeId            string
	InstanceId          string
	Device              string
	State               AttachmentState
	AttachTime          time.Time
	DeleteOnTermination bool
}

// volume is the live EBS volume.
type volume struct {
	id string
	// The owner's account, region, zone ID and zone name (resolved at
	// creation, "" if it did not resolve then: a waiter describes the
	// volume every few seconds) are the home the owner's instances in the
	// zone share: one pointer rather than four strings per volume.
	*machineHome
	vtype      VolumeType
	size       int32
	iops       int32
	throughput int32
	encrypted  bool // beside the int32s, in what would be padding
	snapshotID string
	state      VolumeState
	created    sim.Time
	tags       []Tag
	att        *attachment
	lossTm     sim.Timer
	readyTm    sim.Timer
	meter      meterHandle
	bucket     *ioBucket // gp2 I/O credits, from the first I/O
	// launchAtt is the room for the volume's attachment: the one
	// RunInstances made, or AttachVolume's (a volume is attached to one
	// instance at a time; DetachVolume and termination take it out of the
	// instance's devices). It is in the volume rather than in its own
	// allocation or in the machine, which outlives its volumes by the hour
	// it stays visible.
	launchAtt attachment
}

type attachment struct {
	vol                 *volume
	m                   *Machine
	device              string
	state               AttachmentState
	at                  sim.Time
	deleteOnTermination bool
}

// volumeShape validates a volume request and fills the IOPS and
// throughput the type gives by default. Errors read like EC2's.
func volumeShape(t VolumeType, size, iops, tput int32) (int32, int32, error) {
	if t == "" {
		t = VolumeTypeGp2 // EC2's CreateVolume default
	}
	sp, ok := volumeSpec(t)
	if !ok {
		return 0, 0, errInvalidValue(string(t), "VolumeType")
	}
	if size < sp.MinSizeGiB || size > sp.MaxSizeGiB {
		return 0, 0, clientErr("InvalidParameterValue",
			"Volume of size %dGiB is outside the %s range: %d-%d GiB.", size, t, sp.MinSizeGiB, sp.MaxSizeGiB)
	}
	switch t {
	case VolumeTypeGp3:
		if iops == 0 {
			iops = sp.BaselineIOPS
		}
		if tput == 0 {
			tput = sp.BaselineThroughputMiBps
		}
		if iops < sp.MinIOPS || iops > sp.MaxIOPS {
			return 0, 0, clientErr("InvalidParameterValue", "Invalid iops value %d for gp3: must be %d-%d.", iops, sp.MinIOPS, sp.MaxIOPS)
		}
		if int64(iops) > int64(sp.IOPSPerGiB)*int64(size) && iops > sp.BaselineIOPS {
			return 0, 0, clientErr("InvalidParameterValue", "Iops to volume size ratio of %.1f is too high; maximum is %d.", float64(iops)/float64(size), sp.IOPSPerGiB)
		}
		if tput < sp.BaselineThroughputMiBps || tput > sp.MaxThroughputMiBps {
			return 0, 0, clientErr("InvalidParameterValue", "Throughput (MiBps) of %d is not valid for gp3: must be %d-%d.", tput, sp.BaselineThroughputMiBps, sp.MaxThroughputMiBps)
		}
		if float64(tput) > 0.25*float64(iops) && tput > sp.BaselineThroughputMiBps {
			return 0, 0, clientErr("InvalidParameterValue", "Throughput (MiBps) to iops ratio of %.3f is too high; maximum is 0.25 MiBps per iops.", float64(tput)/float64(iops))
		}
	case VolumeTypeIo1, VolumeTypeIo2:
		if iops == 0 {
			return 0, 0, clientErr("MissingParameter", "The request must contain the parameter iops")
		}
		if tput != 0 {
			return 0, 0, clientErr("InvalidParameterCombination", "The parameter throughput is not supported for %s volumes.", t)
		}
		if iops < sp.MinIOPS || iops > sp.MaxIOPS {
			return 0, 0, clientErr("InvalidParameterValue", "Invalid iops value %d for %s: must be %d-%d.", iops, t, sp.MinIOPS, sp.MaxIOPS)
		}
		if int64(iops) > int64(sp.IOPSPerGiB)*int64(size) {
			return 0, 0, clientErr("InvalidParameterValue", "Iops to volume size ratio of %.1f is too high; maximum is %d.", float64(iops)/float64(size), sp.IOPSPerGiB)
		}
		// 256 KiB I/Os: a quarter MiB/s per IOPS, up to the type's cap.
		tput = int32(min(int64(sp.MaxThroughputMiBps), int64(iops)/4))
	default: // gp2, st1, sc1: performance follows from size
		if iops != 0 {
			return 0, 0, clientErr("InvalidParameterCombination", "The parameter iops is not supported for %s volumes.", t)
		}
		if tput != 0 {
			return 0, 0, clientErr("InvalidParameterCombination", "The parameter throughput is not supported for %s volumes.", t)
		}
		switch t {
		case VolumeTypeGp2: // 3 IOPS/GiB, 100 minimum, 16,000 max; 128-250 MiB/s [EBS volume types guide]
			iops = int32(max(100, min(16000, 3*int64(size))))
			tput = 128
			if size > 170 {
				tput = 250
			}
		case VolumeTypeSt1: // 40 MiB/s per TiB baseline, 500 cap [EBS volume types guide]
			iops = sp.MaxIOPS
			tput = int32(min(500, math.Round(40*float64(size)/1024)))
		case VolumeTypeSc1: // 12 MiB/s per TiB baseline, 250 cap [EBS volume types guide]
			iops = sp.MaxIOPS
			tput = int32(min(250, math.Round(12*float64(size)/1024)))
		}
	}
	return iops, tput, nil
}

// replicaModel is the in-AZ replication behind a volume's AFR: two
// replicas, each failing at rate lambda and re-replicated at rate mu. The
// volume is lost when the second replica fails before the first is
// repaired. Lambda is chosen so that the chain's mean time to data loss,
// MTTDL = (3 lambda + mu) / (2 lambda^2), equals 1/AFR years: the
// analytical MTTDL of a replicated set run backwards.
type replicaModel struct {
	lambda, mu float64 // per hour
}

// lossModels is the replica model of each volume type by
// volumeTypeIndex (zero for a type that is never lost: AFR 0), made once
// per world rather than per volume from a map lookup and a square root.
type lossModels [len(volumeTypeList)]replicaModel

func newLossModels(afrs map[VolumeType]float64, repair time.Duration) *lossModels {
	var ms lossModels
	for i, sp := range volumeSpecList {
		afr := sp.AFR
		if a, ok := afrs[volumeTypeList[i]]; ok {
			afr = a
		}
		if afr > 0 {
			ms[i] = newReplicaModel(afr, repair)
		}
	}
	return &ms
}

// defaultLossModels is the table of a world with the default AFRs and
// repair time, built once and shared: it is only read.
var defaultLossModels = sync.OnceValue(func() *lossModels {
	return newLossModels(nil, DefaultReplicaRepair)
})

// DefaultReplicaRepair is the mean time to re-replicate a failed replica
// (an assumption; EBS publishes none).
const DefaultReplicaRepair = time.Hour

func newReplicaModel(afr float64, repair time.Duration) replicaModel {
	mttdlH := 8760 / afr
	mu := 1 / repair.Hours()
	// 2 A lambda^2 - 3 lambda - mu = 0
	lambda := (3 + math.Sqrt(9+8*mttdlH*mu)) / (4 * mttdlH)
	return replicaModel{lambda: lambda, mu: mu}
}

// MTTDLHours returns the chain's mean time to data loss in hours (a
// float: it exceeds time.Duration's 292 years for io2).
func (r replicaModel) MTTDLHours() float64 {
	return (3*r.lambda + r.mu) / (2 * r.lambda * r.lambda)
}

// drawLoss samples the time to data loss exactly without simulating each
// replica event: the chain leaves "both up" K times, K geometric with
// success probability p = lambda/(lambda+mu) (the second failure beating
// the repair); the time is then Gamma(K, 2 lambda) + Gamma(K, lambda+mu).
func (r replicaModel) drawLoss(src interface{ Uint64() uint64 }, rnd interface{ Float64() float64 }) (hours float64, survived int) {
	p := r.lambda / (r.lambda + r.mu)
	k := 1 + int(math.Floor(math.Log(1-rnd.Float64())/math.Log1p(-p)))
	g1 := distuv.Gamma{Alpha: float64(k), Beta: 2 * r.lambda, Src: src}
	g2 := distuv.Gamma{Alpha: float64(k), Beta: r.lambda + r.mu, Src: src}
	return g1.Rand() + g2.Rand(), k - 1
}

func (v *volume) describe(s *Service) Volume {
	var d Volume
	v.describeInto(s, &d, nil, nil)
	return d
}

// volumeLists is room for a described volume's tag and attachment: one
// each, as a volume polled by a waiter has.
type volumeLists struct {
	tags [1]Tag
	att  [1]VolumeAttachment
}

// describeInto writes the volume's description into d, which must be
// zero (in place, as Machine.describeInto does), with a single tag in
// tag and the attachment in att when they are not nil (the caller's
// allocation, when it describes one volume). A list without room is
// allocated here, both in one allocation when both are.
func (v *volume) describeInto(s *Service, d *Volume, tag *[1]Tag, att *[1]VolumeAttachment) {
	d.VolumeId, d.VolumeType, d.Size, d.Iops, d.Throughput = v.id, v.vtype, v.size, v.iops, v.throughput
	d.AvailabilityZoneId, d.SnapshotId, d.State = v.azID, v.snapshotID, v.state
	d.CreateTime, d.Encrypted = s.env.TimeOf(v.created), v.encrypted
	d.AvailabilityZone = v.azName
	if d.AvailabilityZone == "" {
		d.AvailabilityZone, _ = s.azName(v.account, v.azID)
	}
	// A volume polled by a waiter has a tag or none and an attachment or
	// none: both lists then come from one allocation, each its own array.
	if (tag == nil && len(v.tags) == 1) || (att == nil && v.att != nil) {
		b := &volumeLists{}
		if tag == nil {
			tag = &b.tags
		}
		if att == nil {
			att = &b.att
		}
	}
	switch {
	case len(v.tags) == 1:
		tag[0] = v.tags[0]
		d.Tags = tag[:1:1]
	case len(v.tags) > 1:
		d.Tags = append([]Tag(nil), v.tags...)
	}
	if v.att != nil {
		a := &att[0]
		a.VolumeId, a.InstanceId, a.Device = v.id, v.att.m.id, v.att.device
		a.State, a.AttachTime, a.DeleteOnTermination = v.att.state, s.env.TimeOf(v.att.at), v.att.deleteOnTermination
		d.Attachments = att[:1:1]
	}
}

// describeOne is DescribeVolumes' output for this one volume: the output,
// the volume and its lists (a single tag, the attachment) in one
// allocation sized to the lists it has. A waiter polls one volume every
// few seconds; with room for both lists always, a volume without an
// attachment took the 352-byte size class rather than the 256-byte one.
func (v *volume) describeOne(s *Service) *DescribeVolumesOutput {
	tag, att := len(v.tags) == 1, v.att != nil
	switch {
	case tag && att:
		b := &struct {
			out DescribeVolumesOutput
			one [1]Volume
			tag [1]Tag
			att [1]VolumeAttachment
		}{}
		v.describeInto(s, &b.one[0], &b.tag, &b.att)
		b.out.Volumes = b.one[:]
		return &b.out
	case tag:
		b := &struct {
			out DescribeVolumesOutput
			one [1]Volume
			tag [1]Tag
		}{}
		v.describeInto(s, &b.one[0], &b.tag, nil)
		b.out.Volumes = b.one[:]
		return &b.out
	case att:
		b := &struct {
			out DescribeVolumesOutput
			one [1]Volume
			att [1]VolumeAttachment
		}{}
		v.describeInto(s, &b.one[0], nil, &b.att)
		b.out.Volumes = b.one[:]
		return &b.out
	}
	b := &struct {
		out DescribeVolumesOutput
		one [1]Volume
	}{}
	v.describeInto(s, &b.one[0], nil, nil)
	b.out.Volumes = b.one[:]
	return &b.out
}

// replicaStream is a zone's volume-loss streams (source and generator of
// "ec2/ebs/<az>/replicas"), found once per home (account and zone) rather
// than by a name built for every volume. Homes in one zone share the
// streams: Service.source and Env.Rand return the same ones for a name.
type replicaStream struct {
	src *rand.PCG
	r   *rand.Rand
}

// replicaStreams returns home h's zone's streams, kept in the home: it had
// room for a pointer in its size class, where a map per world beside
// srcs and the Env's own stream table cost a few hundred bytes.
func (s *Service) replicaStreams(h *machineHome) *replicaStream {
	if st := h.replicas; st != nil {
		return st
	}
	name := "ec2/ebs/" + h.azID + "/replicas"
	st := &replicaStream{src: s.source(name), r: s.env.Rand(name)}
	h.replicas = st
	return st
}

// newVolume creates a volume record, starts its meter and arms its loss.
// The owner's zone name comes with the (account, zone) home: the azName
// argument is not needed for it (a launch can pass its machine's home to
// newVolumeIn instead).
func (s *Service) newVolume(account, region, azID, _ string, t VolumeType, size, iops, tput int32, snap string, enc bool, tags []Tag) *volume {
	return s.newVolumeIn(s.home(account, region, azID), t, size, iops, tput, snap, enc, tags)
}

// newVolumeIn is newVolume for a volume of home h's account and zone.
func (s *Service) newVolumeIn(h *machineHome, t VolumeType, size, iops, tput int32, snap string, enc bool, tags []Tag) *volume {
	if t == "" {
		t = VolumeTypeGp2
	}
	s.seq++
	v := &volume{id: mix.ID("vol", mix.SplitMix64(s.seq^0x766f6c)), machineHome: h,
		vtype: t, size: size, iops: iops, throughput: tput, snapshotID: snap, encrypted: enc,
		state: VolumeStateCreating, created: s.env.Now(), tags: tags}
	if s.volumes == nil {
		s.volumes = map[string]*volume{}
	}
	s.volumes[v.id] = v
	if i := volumeTypeIndex(t); i >= 0 && s.lossModels[i].lambda > 0 {
		rm := s.lossModels[i]
		st := s.replicaStreams(h)
		hours, _ := rm.drawLoss(st.src, st.r)
		// Losses beyond a century are outside any simulation (and
		// time.Duration): no timer. The loss is a daemon timer: it lies
		// years ahead as a rule and must not keep env.Run going.
		if hours < 100*8760 {
			v.lossTm = s.env.AfterDaemon(time.Duration(hours*float64(time.Hour)), func() { s.loseVolume(v, "replica loss") })
		}
	}
	s.meterVolumeStart(v)
	return v
}

// loseVolume marks a volume's data lost: state error, I/O fails.
func (s *Service) loseVolume(v *volume, why string) {
	if v.state == VolumeStateDeleted || v.state == VolumeStateError {
		return
	}
	v.lossTm.Stop()
	v.readyTm.Stop()
	v.state = VolumeStateError
	if s.env.Tracing() {
		s.env.Emit(v.id, "ebs.lost", sim.F("why", why))
	}
}

// FailVolume loses a volume's data now, as if every replica failed; its
// state becomes "error" and I/O to it fails. It implements
// failure.VolumeTarget.
func (s *Service) FailVolume(volumeID string) error {
	v, ok := s.volumes[volumeID]
	if !ok || v.state == VolumeStateDeleted {
		return errVolumeNotFound(volumeID)
	}
	s.loseVolume(v, "injected")
	return nil
}

// deleteVolume removes a volume (it must not be attached).
func (s *Service) deleteVolume(v *volume) {
	v.lossTm.Stop()
	v.readyTm.Stop()
	v.state = VolumeStateDeleted
	s.meterVolumeStop(v)
	delete(s.volumes, v.id)
	if s.lastVol == v {
		s.lastVol = nil
	}
}

// releaseVolumesOnTerminate detaches every volume of a terminated
// instance, deleting those marked DeleteOnTermination.
func (s *Service) releaseVolumesOnTerminate(m *Machine) {
	for _, a := range m.devices {
		v := a.vol
		v.att = nil
		if a.deleteOnTermination {
			s.deleteVolume(v)
		} else if v.state == VolumeStateInUse {
			v.state = VolumeStateAvailable
		}
	}
	// Let go of the attachments (and through them the volumes) now, not
	// when the terminated machine is forgotten an hour later.
	m.devices, m.devBuf = nil, [2]*attachment{}
}

// ErrVolumeIO is returned by Machine.VolumeIO when the volume is not
// attached to the instance or its data is lost.
var ErrVolumeIO = fmt.Errorf("ec2: volume I/O error")

// VolumeIO performs bytes of I/O in ioSize-byte operations on a volume
// attached to this instance, from process p on the instance, and returns
// when it completes: the time is the larger of ops/IOPS and
// bytes/throughput, plus one I/O latency. It fails with ErrVolumeIO if the
// volume is not attached here or has been lost.
func (m *Machine) VolumeIO(p *sim.Proc, volumeID string, bytes, ioSize int64) error {
	if on, ok := MachineOf(p); !ok || on != m {
		return fmt.Errorf("ec2: VolumeIO: process %q does not run on %s", p.Name(), m.id)
	}
	if bytes < 0 || ioSize <= 0 {
		return fmt.Errorf("ec2: VolumeIO: bytes %d and ioSize %d must be non-negative and positive", bytes, ioSize)
	}
	var v *volume
	for _, a := range m.devices {
		if a.vol.id == volumeID {
			v = a.vol
		}
	}
	if v == nil {
		return fmt.Errorf("%w: %s is not attached to %s", ErrVolumeIO, volumeID, m.id)
	}
	if v.state != VolumeStateInUse {
		return fmt.Errorf("%w: %s is %s", ErrVolumeIO, volumeID, v.state)
	}
	// Refuse before touching the gp2 bucket: an I/O that could take longer
	// than maxIOTime at the volume's baseline would overflow the clock.
	if bound := math.Max(opsOf(bytes, ioSize)/float64(max(v.iops, 1)), float64(bytes)/(float64(max(v.throughput, 1))*(1<<20))); !(bound < maxIOTime.Seconds()) {
		return fmt.Errorf("ec2: VolumeIO: %d bytes on %s could take more than %v", bytes, volumeID, maxIOTime)
	}
	d := volumeIOTime(v, p.Now(), bytes, ioSize)
	if err := p.Sleep(d); err != nil {
		return err
	}
	if v.state != VolumeStateInUse {
		return fmt.Errorf("%w: %s failed during I/O (%s)", ErrVolumeIO, volumeID, v.state)
	}
	return nil
}

// ioTime is the IOPS/throughput model for a volume without a burst
// bucket (or with an empty one): the larger of ops/IOPS and
// bytes/throughput, plus one I/O latency.
func ioTime(v *volume, bytes, ioSize int64) time.Duration {
	sec := math.Max(opsOf(bytes, ioSize)/float64(max(v.iops, 1)), float64(bytes)/(float64(max(v.throughput, 1))*(1<<20)))
	return volumeLatency(v.vtype) + seconds(sec)
}

// volumeLatency is the typical per-I/O latency of a volume type (zero for
// an unknown one), by the switch rather than the map: every VolumeIO
// call asks.
func volumeLatency(t VolumeType) time.Duration {
	sp, _ := volumeSpec(t)
	return sp.Latency
}

// opsOf is the number of ioSize operations bytes take, rounded up without
// overflowing near MaxInt64.
func opsOf(bytes, ioSize int64) float64 {
	n := bytes / ioSize
	if bytes%ioSize != 0 {
		n++
	}
	return float64(n)
}

// maxIOTime bounds one VolumeIO call: an I/O that would take longer is
// refused rather than overflowing the clock.
const maxIOTime = 100 * 365 * 24 * time.Hour

// seconds converts sec to a Duration, saturating at maxIOTime.
func seconds(sec float64) time.Duration {
	if !(sec < maxIOTime.Seconds()) {
		return maxIOTime
	}
	return time.Duration(sec * float64(time.Second))
}

// gp2 burst bucket [EBS volume types guide]: volumes under 1 TiB earn 3 I/O credits per GiB
// per second (their baseline IOPS), hold at most 5.4 million (also the
// initial balance) and burst to 3,000 IOPS while credits last.
const (
	gp2BurstIOPS    = 3000
	gp2BucketCredit = 5_400_000
)

// ioBucket is a gp2 volume's I/O credit balance, brought up to date
// lazily.
type ioBucket struct {
	balance float64
	last    sim.Time
}

// gp2IOTime returns how long ops I/Os take on a gp2 volume starting at now,
// spending its burst credits, and updates the bucket to the end of the
// I/O. Bursting lasts balance / (burst - baseline) seconds [EBS volume types guide].
func gp2IOTime(v *volume, b *ioBucket, now sim.Time, ops float64) float64 {
	base := float64(v.iops)
	if base >= gp2BurstIOPS {
		return ops / base
	}
	if now > b.last { // I/Os overlapping an earlier one queue behind it
		b.balance = math.Min(gp2BucketCredit, b.balance+base*now.Sub(b.last).Seconds())
		b.last = now
	}
	tb := b.balance / (gp2BurstIOPS - base)
	var sec float64
	if ops <= gp2BurstIOPS*tb {
		sec = ops / gp2BurstIOPS
		b.balance -= (gp2BurstIOPS - base) * sec
	} else {
		sec = tb + (ops-gp2BurstIOPS*tb)/base
		b.balance = 0
	}
	b.last = b.last.Add(time.Duration(sec * float64(time.Second)))
	return sec
}

// volumeIOTime is ioTime with the gp2 burst bucket.
func volumeIOTime(v *volume, now sim.Time, bytes, ioSize int64) time.Duration {
	if v.vtype != VolumeTypeGp2 {
		return ioTime(v, bytes, ioSize)
	}
	if v.bucket == nil {
		v.bucket = &ioBucket{balance: gp2BucketCredit, last: now}
	}
	sec := math.Max(gp2IOTime(v, v.bucket, now, opsOf(bytes, ioSize)), float64(bytes)/(float64(max(v.throughput, 1))*(1<<20)))
	return volumeLatency(v.vtype) + seconds(sec)
}

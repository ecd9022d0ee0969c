package ec2

import (
	"math/rand/v2"
	"time"

	"github.com/nimbus-sim/nimbus/billing"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
)

// InstanceStateName is an instance's lifecycle state.
type InstanceStateName string

// The lifecycle states with their API codes (the low byte of
// InstanceState.Code): pending 0, running 16, shutting-down 32,
// terminated 48, stopping 64, stopped 80.
const (
	InstanceStatePending      InstanceStateName = "pending"
	InstanceStateRunning      InstanceStateName = "running"
	InstanceStateShuttingDown InstanceStateName = "shutting-down"
	InstanceStateTerminated   InstanceStateName = "terminated"
	InstanceStateStopping     InstanceStateName = "stopping"
	InstanceStateStopped      InstanceStateName = "stopped"
)

// Code returns the state's API code.
func (n InstanceStateName) Code() int32 {
	switch n {
	case InstanceStatePending:
		return 0
	case InstanceStateRunning:
		return 16
	case InstanceStateShuttingDown:
		return 32
	case InstanceStateTerminated:
		return 48
	case InstanceStateStopping:
		return 64
	case InstanceStateStopped:
		return 80
	}
	return -1
}

// InstanceState is the state as DescribeInstances reports it.
type InstanceState struct {
	Code int32
	Name InstanceStateName
}

func stateOf(n InstanceStateName) InstanceState { return InstanceState{Code: n.Code(), Name: n} }

// MarketType selects on-demand (empty) or spot capacity.
type MarketType string

// MarketTypeSpot asks for spot capacity.
const MarketTypeSpot MarketType = "spot"

// InstanceInterruptionBehavior is what EC2 does to a reclaimed spot
// instance.
type InstanceInterruptionBehavior string

// Interruption behaviours [Spot interruptions guide].
const (
	InterruptionTerminate InstanceInterruptionBehavior = "terminate"
	InterruptionStop      InstanceInterruptionBehavior = "stop"
	InterruptionHibernate InstanceInterruptionBehavior = "hibernate"
)

// SpotInstanceType is the spot request type; stop and hibernate need a
// persistent request, as in EC2.
type SpotInstanceType string

// Spot request types.
const (
	SpotOneTime    SpotInstanceType = "one-time"
	SpotPersistent SpotInstanceType = "persistent"
)

// SpotMarketOptions are RunInstances' spot options.
type SpotMarketOptions struct {
	// MaxPrice is the most you will pay per hour, in dollars as a decimal
	// string like EC2's ("0.05"); empty means the on-demand price.
	MaxPrice                     string
	SpotInstanceType             SpotInstanceType
	InstanceInterruptionBehavior InstanceInterruptionBehavior
}

// InstanceMarketOptionsRequest chooses the market.
type InstanceMarketOptionsRequest struct {
	MarketType  MarketType
	SpotOptions *SpotMarketOptions
}

// Placement names where an instance runs.
type Placement struct {
	AvailabilityZone   string // per-account name, "us-east-1a"
	AvailabilityZoneId string // physical ID, "use1-az1" (output only)
	HostId             string // output: the simulated host (not an AWS field for shared tenancy)
	Tenancy            string
}

// IamInstanceProfileSpecification names an instance profile by ARN or name.
type IamInstanceProfileSpecification struct {
	Arn  string
	Name string
}

// IamInstanceProfile is the profile attached to an instance.
type IamInstanceProfile struct {
	Arn string
	Id  string
}

// Tag is a key/value label.
type Tag struct {
	Key   string
	Value string
}

// TagSpecification tags resources created by a call ("instance", "volume").
type TagSpecification struct {
	ResourceType string
	Tags         []Tag
}

// CreditSpecificationRequest sets a burstable instance's credit mode.
type CreditSpecificationRequest struct {
	CpuCredits CreditMode
}

// EbsBlockDevice describes a volume created at launch.
type EbsBlockDevice struct {
	// DeleteOnTermination defaults to true for the root volume and false
	// for added volumes when nil.
	DeleteOnTermination *bool
	Iops                int32
	Throughput          int32
	SnapshotId          string
	VolumeSize          int32
	VolumeType          VolumeType
	Encrypted           bool
}

// BlockDeviceMapping maps a device name to a volume.
type BlockDeviceMapping struct {
	DeviceName string
	Ebs        *EbsBlockDevice
}

// InstanceBlockDeviceMapping is a device as DescribeInstances reports it.
type InstanceBlockDeviceMapping struct {
	DeviceName          string
	VolumeId            string
	Status              string
	AttachTime          time.Time
	DeleteOnTermination bool
}

// StateReason explains the last state change (e.g.
// "Server.SpotInstanceTermination").
type StateReason struct {
	Code    string
	Message string
}

// Instance describes an instance as DescribeInstances returns it: a
// snapshot, not a live handle (see Machine for that).
type Instance struct {
	InstanceId            string
	InstanceType          InstanceType
	ImageId               string
	State                 InstanceState
	StateReason           *StateReason
	StateTransitionReason string
	Placement             Placement
	PrivateIpAddress      string
	PublicIpAddress       string
	LaunchTime            time.Time
	KeyName               string
	SubnetId              string
	SecurityGroupIds      []string
	IamInstanceProfile    *IamInstanceProfile
	InstanceLifecycle     string // "spot" for spot instances
	SpotInstanceRequestId string
	BlockDeviceMappings   []InstanceBlockDeviceMapping
	Tags                  []Tag
	CpuCredits            CreditMode
	OwnerId               string
	RootDeviceName        string
	// MetadataOptions are the IMDS options (State "applied").
	MetadataOptions    InstanceMetadataOptionsResponse
	HibernationOptions HibernationOptions
	PlatformDetails    string
}

// Machine is the live instance inside the simulation: code runs on it
// (Go), reads its metadata service, and dies with it. Get one from
// Service.Machine. A Machine is owned by its Env's goroutine.
type Machine struct {
	// machineHome is the service, account, region and zone (m.svc,
	// m.account, m.region, m.azID, m.azName), shared with the account's
	// other machines in the zone: a terminated machine stays an hour, and
	// a fleet churning instances keeps thousands of them, so the fields
	// below are kept lean too (flags rather than pointers or strings
	// where a flag says it, what few instances use behind a pointer),
	// within 512 bytes: the largest objects the allocator makes without
	// a header, and a 640-byte size class above (TestMachineSize).
	*machineHome
	id     string
	arn    string            // "" until arnOf renders it
	itype  *InstanceTypeInfo // the catalog's row (catalogRows), shared
	image  *Image
	state  InstanceStateName
	reason *StateReason // the last state reason, one of the package's (setState)
	// transUser: the user stopped or terminated the instance at transAt;
	// describe renders EC2's "User initiated (...)" then, not every stop.
	transUser bool
	mapPublic bool  // gets an auto-assigned public address on each start
	next      uint8 // what step runs when pending fires (lifecycle.go)
	nicOn     bool  // eni is attached to the world for bandwidth (attachNIC)
	cpuOn     bool  // cpuVal is in use (cpu)
	// recoveries counts recoveries onto a new host (recovery.go),
	// saturating: 65,535 is more than a simulation fails one instance's
	// hosts, and the 2 bytes fit beside the flags.
	recoveries  uint16
	transAt     sim.Time
	hostID      string
	reservation string
	seq         uint64
	slot        region.Slot
	subnet      string
	sgs         []string
	key         string
	tags        []Tag

	privateIP addr4
	publicIP  addr4
	eni       string // primary network interface (vpc)

	launchTime sim.Time // the last launch or start, as LaunchTime reports
	startedAt  sim.Time // last transition to running

	profile *instanceProfile // nil: launched without one
	creds   *credsCache

	spot     *spotState
	credits  *creditAccount
	cpuVal   cpuSched
	devBuf   [2]*attachment // devices' first array
	devices  []*attachment
	procs    []*sim.Proc // the processes running on it (Go), oldest first
	pending  sim.Timer   // the running/stopped/terminated transition in flight
	step     func()
	rebootAt sim.Time // processes may start again at this instant
	// meter is the instance's usage meter (a volume's meterHandle holds
	// three; an instance has one).
	meter      billing.MeterID
	creditTm   sim.Timer
	creditFrac float64

	imds  imdsState     // metadata options and IMDSv2 sessions (imdsv2.go)
	attrs instanceAttrs // modifiable attributes (attributes.go)
}

// cpu is the instance's CPU scheduler (cpu.go), nil for a machine that was
// never launched (a test's).
func (m *Machine) cpu() *cpuSched {
	if !m.cpuOn {
		return nil
	}
	return &m.cpuVal
}

// machineHome is where machines live (see Machine.machineHome): its
// names never change; the rest is what the machines' transitions look up
// by account and region, found once (lifecycleRand, trackQuota).
type machineHome struct {
	svc                           *Service
	account, region, azID, azName string
	lifecycle                     *rand.Rand     // "ec2/<region>/lifecycle"
	quota                         *quotaAccount  // the account's quotas in the region
	replicas                      *replicaStream // "ec2/ebs/<az>/replicas", from the first volume
}

// lifecycleRand is the stream lifecycle delays are drawn from,
// s.rng(m.region, "lifecycle").
func (m *Machine) lifecycleRand() *rand.Rand {
	h := m.machineHome
	if h.lifecycle == nil {
		h.lifecycle = m.svc.rng(h.region, "lifecycle")
	}
	return h.lifecycle
}

// ID returns the instance ID.
func (m *Machine) ID() string { return m.id }

// State returns the current lifecycle state.
func (m *Machine) State() InstanceStateName { return m.state }

// Type returns the catalog row of the instance's type.
func (m *Machine) Type() InstanceTypeInfo { return *m.itype }

// AvailabilityZoneID returns the AZ ID the instance lives in.
func (m *Machine) AvailabilityZoneID() string { return m.azID }

// HostID returns the host the instance occupies, or "" when it has none
// (stopped, terminated).
func (m *Machine) HostID() string { return m.hostID }

// Region returns the instance's region code.
func (m *Machine) Region() string { return m.region }

// addrStrings renders the private address (none once terminated) and the
// public one, both in one string allocation.
func (m *Machine) addrStrings() (private, public string) {
	var buf [len("255.255.255.255") + 16]byte // put needs 16 bytes of room
	n := 0
	if m.privateIP.IsValid() && m.state != InstanceStateTerminated {
		n = m.privateIP.put(buf[:])
	}
	k := n
	if m.publicIP.IsValid() {
		k += m.publicIP.put(buf[n:])
	}
	s := string(buf[:k])
	return s[:n], s[n:]
}

// instanceLists is room for the lists of the usual instance's
// description, one security group and one volume (describeInto).
type instanceLists struct {
	sgs [1]string
	bdm [1]InstanceBlockDeviceMapping
}

// instanceMore is room for the description of a tagged instance with an
// instance profile (launchIn gives it to the launches that have both).
type instanceMore struct {
	tag  [1]Tag
	prof IamInstanceProfile
}

// describe snapshots the instance.
func (m *Machine) describe() Instance {
	var d Instance
	m.describeInto(&d, nil, nil)
	return d
}

// describeInto writes the instance's description into d, which must be
// zero: in place, so that a description in its output's allocation is
// not built on the stack and copied there (a copy of every pointer
// field behind a write barrier while the collector runs). room is room
// for the lists of the usual instance, which a caller can allocate along
// with the description (launchIn); nil allocates it when needed. more,
// if not nil, is room for a single tag and the instance profile.
func (m *Machine) describeInto(d *Instance, room *instanceLists, more *instanceMore) {
	env := m.svc.env
	d.InstanceId, d.InstanceType, d.ImageId = m.id, m.itype.InstanceType, m.image.ImageId
	d.State, d.StateTransitionReason = stateOf(m.state), m.transitionReason()
	d.Placement = Placement{AvailabilityZone: m.azName, AvailabilityZoneId: m.azID, HostId: m.hostID, Tenancy: "default"}
	d.LaunchTime, d.KeyName, d.SubnetId = env.TimeOf(m.launchTime), m.key, m.subnet
	if len(m.tags) == 1 && more != nil {
		more.tag[0] = m.tags[0]
		d.Tags = more.tag[:1:1]
	} else {
		d.Tags = append([]Tag(nil), m.tags...)
	}
	d.OwnerId, d.RootDeviceName = m.account, m.image.RootDeviceName
	if m.reason != nil {
		r := *m.reason // the caller's copy: the machine's is shared
		d.StateReason = &r
	}
	d.PrivateIpAddress, d.PublicIpAddress = m.addrStrings()
	if p := m.profile; p != nil {
		if more != nil {
			more.prof = IamInstanceProfile{Arn: p.arn, Id: p.id}
			d.IamInstanceProfile = &more.prof
		} else {
			d.IamInstanceProfile = &IamInstanceProfile{Arn: p.arn, Id: p.id}
		}
	}
	if m.spot != nil {
		d.InstanceLifecycle = "spot"
		d.SpotInstanceRequestId = m.spot.requestID
	}
	if m.credits != nil {
		d.CpuCredits = m.credits.mode
	}
	m.describeExtras(d)
	if len(m.sgs) <= 1 && len(m.devices) <= 1 && len(m.sgs)+len(m.devices) > 0 {
		// The usual instance, one group and one volume: both lists in one
		// allocation (each its own array, so appending to one cannot
		// touch the other).
		b := room
		if b == nil {
			b = &instanceLists{}
		}
		if len(m.sgs) == 1 {
			b.sgs[0] = m.sgs[0]
			d.SecurityGroupIds = b.sgs[:1:1]
		}
		if len(m.devices) == 1 {
			d.BlockDeviceMappings = b.bdm[:0:1]
		}
	} else {
		d.SecurityGroupIds = append([]string(nil), m.sgs...)
	}
	for _, a := range m.devices {
		d.BlockDeviceMappings = append(d.BlockDeviceMappings, InstanceBlockDeviceMapping{
			DeviceName: a.device, VolumeId: a.vol.id, Status: string(a.state),
			AttachTime: env.TimeOf(a.at), DeleteOnTermination: a.deleteOnTermination,
		})
	}
}

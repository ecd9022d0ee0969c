package ec2

import (
	"context"
	"errors"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/nimbus-sim/nimbus/internal/awserr"
	"github.com/nimbus-sim/nimbus/sim"
)

// CreateVolumeInput is CreateVolume's request. The zone is the account's
// zone name (or a zone ID); a SnapshotId restores a snapshot of the same
// region into any of its zones.
type CreateVolumeInput struct {
	AvailabilityZone  string
	Size              int32
	VolumeType        VolumeType
	Iops              int32
	Throughput        int32
	SnapshotId        string
	Encrypted         bool
	TagSpecifications []TagSpecification
	DryRun            bool
}

// CreateVolumeOutput describes the new volume (state "creating").
type CreateVolumeOutput = Volume

// CreateVolume creates an EBS volume in one zone. It is "creating" for the
// VolumeCreate delay, then "available". Storage is billed from creation
// to deletion, whether or not anything is written.
func (c *Client) CreateVolume(ctx context.Context, in *CreateVolumeInput) (*CreateVolumeOutput, error) {
	if in == nil {
		in = &CreateVolumeInput{} // as the SDK treats nil params
	}
	var out *Volume
	err := c.call(ctx, "CreateVolume", resRef{}, []resRef{{"volume", "*"}}, func(account string) error {
		if in.DryRun {
			return errDryRun()
		}
		s := c.svc
		if in.AvailabilityZone == "" {
			return clientErr("MissingParameter", "The request must contain the parameter AvailabilityZone")
		}
		azID, err := s.w.AZID(account, in.AvailabilityZone)
		if err != nil {
			return err
		}
		if z, _ := s.w.AZ(azID); z.Region().Code() != c.region {
			return clientErr("InvalidParameterValue", "Invalid availability zone: [%s]", in.AvailabilityZone)
		}
		size := in.Size
		if in.SnapshotId != "" {
			sn, ok := s.snapshots[in.SnapshotId]
			if !ok || sn.region != c.region || sn.account != account {
				return errSnapshotNotFound(in.SnapshotId)
			}
			if sn.state != SnapshotCompleted {
				return clientErr("IncorrectState", "Snapshot is in invalid state - %s", sn.state)
			}
			if size == 0 {
				size = sn.size
			}
			if size < sn.size {
				return clientErr("InvalidParameterValue",
					"Volume of %dGiB is smaller than snapshot '%s', expect size >= %dGiB", size, sn.id, sn.size)
			}
		} else if size == 0 {
			return clientErr("MissingParameter", "The request must contain the parameter size or snapshotId")
		}
		iops, tput, err := volumeShape(in.VolumeType, size, in.Iops, in.Throughput)
		if err != nil {
			return err
		}
		var tags []Tag
		for _, ts := range in.TagSpecifications {
			if ts.ResourceType != "volume" {
				return errInvalidValue(ts.ResourceType, "ResourceType")
			}
			tags = append(tags, ts.Tags...)
		}
		if err := checkTags(tags); err != nil {
			return err
		}
		v := s.newVolume(account, c.region, azID, "", in.VolumeType, size, iops, tput, in.SnapshotId, in.Encrypted, tags)
		// creating -> available completes the user's call: foreground.
		v.readyTm = s.env.After(s.opts.VolumeCreate.Rand(s.rng(c.region, "ebs")), func() {
			if v.state == VolumeStateCreating {
				v.state = VolumeStateAvailable
			}
		})
		if len(v.tags) != 1 { // no list to share an allocation with
			d := v.describe(s)
			out = &d
			return nil
		}
		// The output and its tag list in one allocation (a new volume has
		// no attachment).
		buf := &struct {
			out Volume
			tag [1]Tag
		}{}
		v.describeInto(s, &buf.out, &buf.tag, nil)
		out = &buf.out
		return nil
	})
	return out, wrap("CreateVolume", err)
}

// volume finds a caller's volume by ID. The map is looked at first: every
// key is an ID newVolume rendered, so a hit is a well-formed ID, and only
// a miss needs the checks that choose between the three errors (a waiter
// looks its volume up every few seconds).
func (s *Service) volume(account, region, id string) (*volume, error) {
	// A waiter asks for the same volume every few seconds: the volume
	// answered last is compared first (about 130 instructions less than
	// the map's string hash and probe). deleteVolume clears it.
	v := s.lastVol
	ok := v != nil && v.id == id
	if !ok {
		v, ok = s.volumes[id]
		if ok {
			s.lastVol = v
		}
	}
	if !ok {
		if id == "" {
			return nil, clientErr("MissingParameter", "The request must contain the parameter VolumeId")
		}
		if !validID(id, "vol-") {
			return nil, clientErr("InvalidParameterValue", "Value (%s) for parameter volume is invalid. Expected: 'vol-...'.", id)
		}
		return nil, errVolumeNotFound(id)
	}
	if v.account != account || v.region != region {
		return nil, errVolumeNotFound(id)
	}
	return v, nil
}

// AttachVolumeInput is AttachVolume's request.
type AttachVolumeInput struct {
	VolumeId   string
	InstanceId string
	Device     string
	DryRun     bool
}

// AttachVolumeOutput is the new attachment.
type AttachVolumeOutput = VolumeAttachment

// AttachVolume attaches an available volume to an instance in the same
// zone. A volume in another zone fails with InvalidVolume.ZoneMismatch; an
// attached one with VolumeInUse.
func (c *Client) AttachVolume(ctx context.Context, in *AttachVolumeInput) (*AttachVolumeOutput, error) {
	if in == nil {
		in = &AttachVolumeInput{} // as the SDK treats nil params
	}
	var out *VolumeAttachment
	err := c.call(ctx, "AttachVolume", resRef{"instance", in.InstanceId}, []resRef{{"volume", in.VolumeId}}, func(account string) error {
		if in.DryRun {
			return errDryRun()
		}
		s := c.svc
		v, err := s.volume(account, c.region, in.VolumeId)
		if err != nil {
			return err
		}
		ms, err := s.lookup(account, c.region, []string{in.InstanceId})
		if err != nil {
			return err
		}
		m := ms[0]
		if in.Device == "" {
			return clientErr("MissingParameter", "The request must contain the parameter device")
		}
		if v.azID != m.azID {
			return clientErr("InvalidVolume.ZoneMismatch",
				"The volume '%s' is not in the same availability zone as instance '%s'", v.id, m.id)
		}
		if v.att != nil {
			return clientErr("VolumeInUse", "%s is already attached to an instance", v.id)
		}
		if v.state != VolumeStateAvailable {
			return clientErr("IncorrectState", "%s is not 'available'.", v.id)
		}
		switch m.state {
		case InstanceStateRunning, InstanceStateStopped:
		default:
			return errIncorrectInstanceState(m.id, m.state, "attached to")
		}
		for _, a := range m.devices {
			if a.device == in.Device {
				return clientErr("InvalidParameterValue", "Invalid value '%s' for unixDevice. Attachment point %s is already in use", in.Device, in.Device)
			}
		}
		// The volume's own room for its attachment (attached to one
		// instance at a time, it had none until now).
		a := &v.launchAtt
		*a = attachment{vol: v, m: m, device: in.Device, state: AttachmentAttached, at: s.env.Now()}
		v.att = a
		v.state = VolumeStateInUse
		m.devices = append(m.devices, a)
		out = &VolumeAttachment{VolumeId: v.id, InstanceId: m.id, Device: in.Device, State: AttachmentAttached,
			AttachTime: s.env.NowTime()}
		return nil
	})
	return out, wrap("AttachVolume", err)
}

// DetachVolumeInput is DetachVolume's request.
type DetachVolumeInput struct {
	VolumeId   string
	InstanceId string
	Device     string
	Force      bool
	DryRun     bool
}

// DetachVolumeOutput is the ended attachment.
type DetachVolumeOutput = VolumeAttachment

// DetachVolume detaches a volume. The root volume of an instance that is
// not stopped cannot be detached.
func (c *Client) DetachVolume(ctx context.Context, in *DetachVolumeInput) (*DetachVolumeOutput, error) {
	if in == nil {
		in = &DetachVolumeInput{} // as the SDK treats nil params
	}
	var out *VolumeAttachment
	err := c.call(ctx, "DetachVolume", resRef{"volume", in.VolumeId}, nil, func(account string) error {
		if in.DryRun {
			return errDryRun()
		}
		s := c.svc
		v, err := s.volume(account, c.region, in.VolumeId)
		if err != nil {
			return err
		}
		a := v.att
		if a == nil {
			return clientErr("IncorrectState", "Volume '%s' is in the '%s' state.", v.id, v.state)
		}
		if (in.InstanceId != "" && in.InstanceId != a.m.id) || (in.Device != "" && in.Device != a.device) {
			return clientErr("InvalidAttachment.NotFound", "The volume %s is not attached to %s", v.id, in.InstanceId)
		}
		m := a.m
		if a.device == m.image.RootDeviceName && m.state != InstanceStateStopped {
			return clientErr("OperationNotPermitted", "Unable to detach root volume '%s' from instance '%s'", v.id, m.id)
		}
		for i, x := range m.devices {
			if x == a {
				m.devices = append(m.devices[:i], m.devices[i+1:]...)
				break
			}
		}
		v.att = nil
		if v.state == VolumeStateInUse {
			v.state = VolumeStateAvailable
		}
		out = &VolumeAttachment{VolumeId: v.id, InstanceId: m.id, Device: a.device, State: AttachmentDetached,
			AttachTime: s.env.TimeOf(a.at)}
		return nil
	})
	return out, wrap("DetachVolume", err)
}

// DeleteVolumeInput is DeleteVolume's request.
type DeleteVolumeInput struct {
	VolumeId string
	DryRun   bool
}

// DeleteVolumeOutput is empty.
type DeleteVolumeOutput struct{}

// DeleteVolume deletes a volume that is not attached (VolumeInUse
// otherwise); billing stops.
func (c *Client) DeleteVolume(ctx context.Context, in *DeleteVolumeInput) (*DeleteVolumeOutput, error) {
	if in == nil {
		in = &DeleteVolumeInput{} // as the SDK treats nil params
	}
	err := c.call(ctx, "DeleteVolume", resRef{"volume", in.VolumeId}, nil, func(account string) error {
		if in.DryRun {
			return errDryRun()
		}
		v, err := c.svc.volume(account, c.region, in.VolumeId)
		if err != nil {
			return err
		}
		if v.att != nil {
			return clientErr("VolumeInUse", "Volume %s is currently attached to %s", v.id, v.att.m.id)
		}
		c.svc.deleteVolume(v)
		return nil
	})
	if err != nil {
		return nil, wrap("DeleteVolume", err)
	}
	return &DeleteVolumeOutput{}, nil
}

// DescribeVolumesInput selects volumes by ID (all of the caller's in the
// region if empty) and filters: attachment.delete-on-termination,
// attachment.device, attachment.instance-id, attachment.status,
// availability-zone, encrypted, size, snapshot-id, status, tag-key,
// tag:<key>, volume-id and volume-type, as
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeVolumes.html
// names them; values take * and ? wildcards. A volume named by ID that
// does not match is left out, not an error. Another filter name is
// InvalidParameterValue.
type DescribeVolumesInput struct {
	VolumeIds []string
	Filters   []Filter
}

// DescribeVolumesOutput lists volumes by ID.
type DescribeVolumesOutput struct {
	Volumes []Volume
}

// DescribeVolumes describes volumes.
func (c *Client) DescribeVolumes(ctx context.Context, in *DescribeVolumesInput) (*DescribeVolumesOutput, error) {
	var out *DescribeVolumesOutput
	err := c.call(ctx, "DescribeVolumes", resRef{}, nil, func(account string) error {
		s := c.svc
		var fs []Filter
		if in != nil {
			fs = in.Filters
		}
		if err := checkFilters(fs, volumeFilter); err != nil {
			return err
		}
		if in != nil && len(in.VolumeIds) == 1 { // as a waiter polls
			v, err := s.volume(account, c.region, in.VolumeIds[0])
			if err != nil {
				return err
			}
			if !s.matchVolume(v, fs) {
				// A waiter filtering on the state it waits for gets this
				// small answer until then.
				out = &DescribeVolumesOutput{}
				return nil
			}
			out = v.describeOne(s)
			return nil
		}
		out = &DescribeVolumesOutput{}
		if in != nil && len(in.VolumeIds) > 0 {
			for _, id := range in.VolumeIds {
				v, err := s.volume(account, c.region, id)
				if err != nil {
					return err
				}
				if !s.matchVolume(v, fs) {
					continue
				}
				out.Volumes = append(out.Volumes, Volume{})
				v.describeInto(s, &out.Volumes[len(out.Volumes)-1], nil, nil)
			}
			return nil
		}
		for _, v := range s.volumes {
			if v.account == account && v.region == c.region && s.matchVolume(v, fs) {
				out.Volumes = append(out.Volumes, v.describe(s))
			}
		}
		sort.Slice(out.Volumes, func(i, j int) bool { return out.Volumes[i].VolumeId < out.Volumes[j].VolumeId })
		return nil
	})
	if out == nil { // refused, or the one volume not found
		out = &DescribeVolumesOutput{}
	}
	if len(out.Volumes) == 0 {
		out.Volumes = nil
	}
	return out, wrap("DescribeVolumes", err)
}

// volumeFilter reports whether DescribeVolumes supports the filter name
// besides tag:<key> (volumeFilterValues): a switch, since a waiter's
// every poll asks.
func volumeFilter(name string) bool {
	switch name {
	case "status", "volume-id", "volume-type", "availability-zone", "encrypted", "size", "snapshot-id", "tag-key",
		"attachment.delete-on-termination", "attachment.device", "attachment.instance-id", "attachment.status":
		return true
	}
	return false
}

// matchVolume applies checked filters as matchInstance does: every
// filter must match (AND), by any of its values (OR), with wildcards.
func (s *Service) matchVolume(v *volume, fs []Filter) bool {
	for _, f := range fs {
		var buf [4]string
		if !anyWildcardMatch(f.Values, s.volumeFilterValues(v, f.Name, buf[:0])) {
			return false
		}
	}
	return true
}

// volumeFilterValues appends to dst the values of v that filter name
// matches against (none: the filter cannot match), as DescribeVolumes
// shows them.
func (s *Service) volumeFilterValues(v *volume, name string, dst []string) []string {
	if key, ok := strings.CutPrefix(name, "tag:"); ok {
		for _, t := range v.tags {
			if t.Key == key {
				dst = append(dst, t.Value)
			}
		}
		return dst
	}
	switch name {
	case "status":
		return append(dst, string(v.state))
	case "volume-id":
		return append(dst, v.id)
	case "volume-type":
		return append(dst, string(v.vtype))
	case "availability-zone":
		az := v.azName
		if az == "" {
			az, _ = s.azName(v.account, v.azID)
		}
		return append(dst, az)
	case "encrypted":
		return append(dst, strconv.FormatBool(v.encrypted))
	case "size":
		return append(dst, strconv.Itoa(int(v.size)))
	case "snapshot-id":
		if v.snapshotID != "" {
			dst = append(dst, v.snapshotID)
		}
		return dst
	case "tag-key":
		for _, t := range v.tags {
			dst = append(dst, t.Key)
		}
		return dst
	}
	if a := v.att; a != nil {
		switch name {
		case "attachment.instance-id":
			return append(dst, a.m.id)
		case "attachment.device":
			return append(dst, a.device)
		case "attachment.status":
			return append(dst, string(a.state))
		case "attachment.delete-on-termination":
			return append(dst, strconv.FormatBool(a.deleteOnTermination))
		}
	}
	return dst
}

// SnapshotState is a snapshot's state.
type SnapshotState string

// Snapshot states.
const (
	SnapshotPending   SnapshotState = "pending"
	SnapshotCompleted SnapshotState = "completed"
	SnapshotError     SnapshotState = "error"
)

// Snapshot describes an EBS snapshot. Snapshots are regional: stored
// outside any one zone and restorable into every zone of the region.
type Snapshot struct {
	SnapshotId  string
	VolumeId    string
	VolumeSize  int32
	State       SnapshotState
	StartTime   time.Time
	Progress    string
	OwnerId     string
	Description string
}

type snapshot struct {
	id, account, region, volumeID, desc string
	size                                int32
	state                               SnapshotState
	started                             sim.Time
	meter                               meterHandle
}

func (sn *snapshot) describe(s *Service) Snapshot {
	p := "100%"
	if sn.state == SnapshotPending {
		p = "0%"
	}
	return Snapshot{SnapshotId: sn.id, VolumeId: sn.volumeID, VolumeSize: sn.size, State: sn.state,
		StartTime: s.env.TimeOf(sn.started), Progress: p, OwnerId: sn.account, Description: sn.desc}
}

// CreateSnapshotInput is CreateSnapshot's request.
type CreateSnapshotInput struct {
	VolumeId    string
	Description string
	DryRun      bool
}

// CreateSnapshotOutput describes the new snapshot (state "pending").
type CreateSnapshotOutput = Snapshot

// CreateSnapshot snapshots a volume. The copy takes size / SnapshotRate;
// a volume whose data is lost cannot be snapshotted. Snapshot storage is
// billed at the volume's full size (an upper bound: EBS bills only changed
// blocks, which the simulation does not track).
func (c *Client) CreateSnapshot(ctx context.Context, in *CreateSnapshotInput) (*CreateSnapshotOutput, error) {
	if in == nil {
		in = &CreateSnapshotInput{} // as the SDK treats nil params
	}
	var out *Snapshot
	err := c.call(ctx, "CreateSnapshot", resRef{"volume", in.VolumeId}, []resRef{{"snapshot", "*"}}, func(account string) error {
		if in.DryRun {
			return errDryRun()
		}
		s := c.svc
		v, err := s.volume(account, c.region, in.VolumeId)
		if err != nil {
			return err
		}
		if v.state == VolumeStateError || v.state == VolumeStateCreating {
			return clientErr("IncorrectState", "The volume '%s' is in state '%s' and cannot be snapshotted.", v.id, v.state)
		}
		s.seq++
		sn := &snapshot{id: s.newID("snap"), account: account, region: c.region, volumeID: v.id, desc: in.Description,
			size: v.size, state: SnapshotPending, started: s.env.Now()}
		if s.snapshots == nil {
			s.snapshots = map[string]*snapshot{}
		}
		s.snapshots[sn.id] = sn
		s.meterSnapshotStart(sn)
		d := time.Duration(float64(v.size) * 1024 / float64(s.opts.SnapshotRateMiBps) * float64(time.Second))
		// pending -> completed finishes the user's call: foreground.
		s.env.After(d, func() {
			if sn.state == SnapshotPending {
				sn.state = SnapshotCompleted
			}
		})
		x := sn.describe(s)
		out = &x
		return nil
	})
	return out, wrap("CreateSnapshot", err)
}

// DescribeSnapshotsInput selects snapshots by ID (all the caller's in the
// region if empty).
type DescribeSnapshotsInput struct {
	SnapshotIds []string
}

// DescribeSnapshotsOutput lists snapshots by ID.
type DescribeSnapshotsOutput struct {
	Snapshots []Snapshot
}

// DescribeSnapshots describes snapshots.
func (c *Client) DescribeSnapshots(ctx context.Context, in *DescribeSnapshotsInput) (*DescribeSnapshotsOutput, error) {
	out := &DescribeSnapshotsOutput{}
	err := c.call(ctx, "DescribeSnapshots", resRef{}, nil, func(account string) error {
		s := c.svc
		for id, sn := range s.snapshots {
			if sn.account != account || sn.region != c.region {
				continue
			}
			if in != nil && len(in.SnapshotIds) > 0 && !contains(in.SnapshotIds, id) {
				continue
			}
			out.Snapshots = append(out.Snapshots, sn.describe(s))
		}
		if in != nil {
			for _, id := range in.SnapshotIds {
				if sn, ok := s.snapshots[id]; !ok || sn.account != account || sn.region != c.region {
					return errSnapshotNotFound(id)
				}
			}
		}
		sort.Slice(out.Snapshots, func(i, j int) bool { return out.Snapshots[i].SnapshotId < out.Snapshots[j].SnapshotId })
		return nil
	})
	return out, wrap("DescribeSnapshots", err)
}

// DeleteSnapshotInput is DeleteSnapshot's request.
type DeleteSnapshotInput struct {
	SnapshotId string
	DryRun     bool
}

// DeleteSnapshotOutput is empty.
type DeleteSnapshotOutput struct{}

// DeleteSnapshot deletes a snapshot; its storage billing stops.
func (c *Client) DeleteSnapshot(ctx context.Context, in *DeleteSnapshotInput) (*DeleteSnapshotOutput, error) {
	if in == nil {
		in = &DeleteSnapshotInput{} // as the SDK treats nil params
	}
	err := c.call(ctx, "DeleteSnapshot", resRef{"snapshot", in.SnapshotId}, nil, func(account string) error {
		if in.DryRun {
			return errDryRun()
		}
		s := c.svc
		if in.SnapshotId == "" {
			return clientErr("MissingParameter", "The request must contain the parameter SnapshotId")
		}
		sn, ok := s.snapshots[in.SnapshotId]
		if !ok || sn.account != account || sn.region != c.region {
			return errSnapshotNotFound(in.SnapshotId)
		}
		s.meterSnapshotStop(sn)
		delete(s.snapshots, sn.id)
		return nil
	})
	if err != nil {
		return nil, wrap("DeleteSnapshot", err)
	}
	return &DeleteSnapshotOutput{}, nil
}

func isCode(err error, code string) bool {
	// Most errors here come straight from awserr.New: asserting first
	// spares errors.As its allocation on the launch path's zone fallback.
	if e, ok := err.(*awserr.Error); ok {
		return e.Code == code
	}
	var e *awserr.Error
	return errors.As(err, &e) && e.Code == code
}

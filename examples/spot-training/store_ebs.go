package main

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/nimbus-sim/nimbus/ec2"
	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/sim"
)

// The EBS store is the alternative to S3: one gp3 volume holds the
// checkpoint, the trainer attaches it (waiting while the reclaimed
// instance still holds it), and a launch in another zone carries it there
// by snapshot, since a volume attaches only in its own zone.

// ebsStore is a trainer's view of the checkpoint volume.
type ebsStore struct {
	r  *job
	ic instanceClient
}

// restore attaches the volume, starts up, and reads the last checkpoint
// back; it returns the work it holds.
func (st *ebsStore) restore(q *sim.Proc, m *ec2.Machine) (time.Duration, error) {
	if err := st.r.attach(q, &st.ic, m); err != nil {
		return 0, err
	}
	if err := q.Sleep(st.r.cfg.Startup); err != nil {
		return 0, err
	}
	progress := st.r.durable
	if progress > 0 {
		if err := m.VolumeIO(q, st.r.volID, st.r.cfg.stateBytes(), ioSize); err != nil {
			return 0, err
		}
	}
	return progress, nil
}

// save writes the state to the volume.
func (st *ebsStore) save(q *sim.Proc, _ time.Duration) error {
	m, _ := ec2.MachineOf(q)
	return m.VolumeIO(q, st.r.volID, st.r.cfg.stateBytes(), ioSize)
}

// move carries the checkpoint to zone: once the previous instance has let
// go of the volume, snapshot it (snapshots are regional), restore the
// snapshot into a volume in zone, and delete the old volume and the
// snapshot. The new trainer waits meanwhile.
func (r *job) move(p *sim.Proc, c *ec2.Client, zone string) error {
	old := r.volID
	r.volID = ""
	if err := waitVolume(p, c, old); err != nil {
		return err
	}
	snap, err := c.CreateSnapshot(p, &ec2.CreateSnapshotInput{VolumeId: old, Description: "spot-training checkpoint"})
	if err != nil {
		return err
	}
	for {
		out, err := c.DescribeSnapshots(p, &ec2.DescribeSnapshotsInput{SnapshotIds: []string{snap.SnapshotId}})
		if err != nil {
			return err
		}
		if st := out.Snapshots[0].State; st == ec2.SnapshotCompleted {
			break
		} else if st == ec2.SnapshotError {
			return fmt.Errorf("snapshot %s of the checkpoint volume failed", snap.SnapshotId)
		}
		if err := p.Sleep(15 * time.Second); err != nil {
			return err
		}
	}
	vol, err := c.CreateVolume(p, &ec2.CreateVolumeInput{AvailabilityZone: zone, SnapshotId: snap.SnapshotId,
		Size: int32(r.cfg.VolumeGiB), VolumeType: volumeType, TagSpecifications: volumeTags()})
	if err != nil {
		return err
	}
	if err := waitVolume(p, c, vol.VolumeId); err != nil {
		return err
	}
	r.volID, r.zone = vol.VolumeId, zone
	if r.env.Tracing() {
		r.emit("moved", sim.F("volume", vol.VolumeId), sim.F("zone", zone))
	}
	r.out.Moves++
	if _, err := c.DeleteVolume(p, &ec2.DeleteVolumeInput{VolumeId: old}); err != nil {
		return err
	}
	_, err = c.DeleteSnapshot(p, &ec2.DeleteSnapshotInput{SnapshotId: snap.SnapshotId})
	return err
}

// waitVolume polls DescribeVolumes every 5 s until the volume is
// available (created, or let go by a terminated instance).
func waitVolume(p *sim.Proc, c *ec2.Client, id string) error {
	for {
		out, err := c.DescribeVolumes(p, &ec2.DescribeVolumesInput{VolumeIds: []string{id}, Filters: availableOnly()})
		if err != nil {
			return err
		}
		if len(out.Volumes) > 0 {
			return nil
		}
		if err := p.Sleep(5 * time.Second); err != nil {
			return err
		}
	}
}

// availableOnly is the pollers' filter: DescribeVolumes answers the
// volume only once it is available, and an empty list until then, which
// is all a poller needs to know (and a much smaller answer to build
// every 5 s). Shared read-only: ec2 only reads a request.
var availableOnly = sync.OnceValue(func() []ec2.Filter {
	return []ec2.Filter{{Name: "status", Values: []string{string(ec2.VolumeStateAvailable)}}}
})

// attach attaches the checkpoint volume to m, polling every 5 s while the
// previous instance still holds it or the checkpoint is on its way to
// this zone.
func (r *job) attach(q *sim.Proc, ic *instanceClient, m *ec2.Machine) error {
	for {
		if r.volID != "" {
			c, err := ic.get(q)
			if err != nil {
				return err
			}
			out, err := c.DescribeVolumes(q, &ec2.DescribeVolumesInput{VolumeIds: []string{r.volID}, Filters: availableOnly()})
			if err != nil {
				return err
			}
			if len(out.Volumes) > 0 {
				_, err := c.AttachVolume(q, &ec2.AttachVolumeInput{VolumeId: r.volID, InstanceId: m.ID(), Device: device})
				if err == nil || !errors.Is(err, ec2.ErrVolumeInUse) && !errors.Is(err, ec2.ErrIncorrectState) {
					return err
				}
			}
		}
		if err := q.Sleep(volumePoll); err != nil {
			return err
		}
	}
}

// instanceClient gives the trainer an EC2 client with the instance
// profile's credentials, read from the metadata service and read again
// when they are within five minutes of expiring, as the SDK's credential
// chain does (a job outlives one set of STS credentials).
type instanceClient struct {
	svc    *ec2.Service
	client *ec2.Client
	// renew is when to read the credentials again: five minutes before
	// they expire, as a virtual instant (a trainer asks on every poll,
	// and comparing calendar times cost two conversions each time).
	renew sim.Time
	// creds is the job's room for reading credentials (see credRoom).
	creds *credRoom
}

// credRoom is what reading instance credentials needs besides the
// metadata service, kept by the job for its trainers: a job reads them
// once per trainer and again as they near expiry, and each read would
// otherwise allocate the same path.
type credRoom struct {
	role, path string // the last role read, and its credentials' path
}

func (ic *instanceClient) get(q *sim.Proc) (*ec2.Client, error) {
	if ic.client != nil && ic.svc.Env().Now() < ic.renew {
		return ic.client, nil
	}
	role, err := ec2.GetMetadata(q, "iam/security-credentials/")
	if err != nil {
		return nil, err
	}
	cr := ic.creds
	if role != cr.role || cr.path == "" {
		cr.role, cr.path = role, "iam/security-credentials/"+role
	}
	body, err := ec2.GetMetadata(q, cr.path)
	if err != nil {
		return nil, err
	}
	doc, err := ec2.ParseIMDSCredentials(body)
	if err != nil {
		return nil, fmt.Errorf("instance credentials: %w", err)
	}
	exp, err := time.Parse(time.RFC3339, doc.Expiration)
	if err != nil {
		return nil, fmt.Errorf("instance credentials: %w", err)
	}
	creds := iam.Credentials{AccessKeyID: doc.AccessKeyId, SecretAccessKey: doc.SecretAccessKey,
		SessionToken: doc.Token, Expiration: exp, Source: "ec2-imds"}
	ic.client, ic.renew = ic.svc.NewClient(regionCode, creds), ic.svc.Env().FromTime(exp.Add(-5*time.Minute))
	return ic.client, nil
}

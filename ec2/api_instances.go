package ec2

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/nimbus-sim/nimbus/internal/mix"
	"github.com/nimbus-sim/nimbus/sim"
	"github.com/nimbus-sim/nimbus/vpc"
)

// RunInstancesInput is RunInstances' request (aws-sdk-go-v2 field names;
// plain values instead of pointers).
type RunInstancesInput struct {
	ImageId      string
	InstanceType InstanceType
	MinCount     int32
	MaxCount     int32
	// Placement.AvailabilityZone picks the zone by the account's zone name
	// (or zone ID); empty lets EC2 choose. SubnetId picks the subnet (and
	// so the zone); without it the zone's default subnet is used.
	Placement             *Placement
	SubnetId              string
	SecurityGroupIds      []string
	KeyName               string
	IamInstanceProfile    *IamInstanceProfileSpecification
	BlockDeviceMappings   []BlockDeviceMapping
	TagSpecifications     []TagSpecification
	InstanceMarketOptions *InstanceMarketOptionsRequest
	CreditSpecification   *CreditSpecificationRequest
	ClientToken           string
	DryRun                bool

	// Launch options of attributes.go and imdsv2.go.

	// MetadataOptions sets IMDSv2 and the metadata endpoint (see
	// InstanceMetadataOptionsRequest for the defaults).
	MetadataOptions *InstanceMetadataOptionsRequest
	// UserData is the instance's user data, base64-encoded as the API
	// takes it (at most 16 KB before encoding).
	UserData string
	// DisableApiTermination protects the instance from TerminateInstances.
	DisableApiTermination bool
	// HibernationOptions.Configured enables hibernation (StopInstances with
	// Hibernate).
	HibernationOptions *HibernationOptionsRequest
}

// RunInstancesOutput is a reservation: the instances launched together.
type RunInstancesOutput struct {
	ReservationId string
	OwnerId       string
	Instances     []Instance
}

// waiterDelay is the SDK waiters' default polling interval.
const waiterDelay = 15 * time.Second

// MaxInstancesPerCall bounds MaxCount, like EC2's per-request limit.
const MaxInstancesPerCall = 1000

// RunInstances launches between MinCount and MaxCount instances. They
// start pending on hosts chosen by the world's slot packing and become
// running after the boot delay. If fewer than MinCount fit, none launch
// and the error is InsufficientInstanceCapacity.
func (c *Client) RunInstances(ctx context.Context, in *RunInstancesInput) (*RunInstancesOutput, error) {
	if in == nil {
		in = &RunInstancesInput{} // as the SDK treats nil params
	}
	var out *RunInstancesOutput
	err := c.call(ctx, "RunInstances", resRef{"image", in.ImageId}, []resRef{{"instance", "*"}, {"volume", "*"}}, func(account string) error {
		if in.DryRun {
			return errDryRun()
		}
		var err error
		out, err = c.svc.runInstances(account, c.region, in)
		if err == nil {
			c.svc.implicitRequests(account, c.region, in, out)
		}
		return err
	})
	return out, wrap("RunInstances", err)
}

func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return opError(op, err)
}

// launchSpec is a validated RunInstances request.
type launchSpec struct {
	it       InstanceTypeInfo
	row      *InstanceTypeInfo // it's catalog row, which machines share
	img      *Image
	azID     string
	spot     *SpotMarketOptions
	maxPrice int64
	credit   CreditMode
	tags     []Tag
	volTags  []Tag
	devices  []deviceSpec
	profile  *instanceProfile // nil: none
	extra    launchExtras
	// plan is validateNetwork's network plan, for the zone plan.AZID:
	// launchIn reuses it when it launches there (nothing between the two
	// changes the network).
	plan vpc.LaunchPlan
}

type deviceSpec struct {
	name      string
	vtype     VolumeType
	size      int32
	iops      int32
	tput      int32
	snapshot  string
	enc       bool
	delOnTerm bool
}

func (s *Service) validateRun(account, region string, in *RunInstancesInput) (*launchSpec, error) {
	sp := &launchSpec{}
	if err := s.validateRunInto(sp, account, region, in); err != nil {
		return nil, err
	}
	return sp, nil
}

// validateRunInto is validateRun filling sp, which a launch keeps on its
// stack.
func (s *Service) validateRunInto(sp *launchSpec, account, region string, in *RunInstancesInput) error {
	if in == nil {
		return clientErr("MissingParameter", "The request must contain the parameter ImageId")
	}
	if in.MinCount < 1 || in.MaxCount < in.MinCount {
		return clientErr("InvalidParameterValue",
			"Invalid value '%d' for minCount/maxCount: MinCount must be at least 1 and MaxCount at least MinCount (MaxCount %d).", in.MinCount, in.MaxCount)
	}
	if in.MaxCount > MaxInstancesPerCall {
		return clientErr("InvalidParameterValue", "Invalid value '%d' for maxCount: at most %d.", in.MaxCount, MaxInstancesPerCall)
	}
	if in.ImageId == "" {
		return clientErr("MissingParameter", "The request must contain the parameter ImageId")
	}
	row := s.lastRow // a workload launches one type over and over
	if row == nil || row.InstanceType != in.InstanceType {
		var ok bool
		if row, ok = catalogRows[in.InstanceType]; !ok {
			return errInvalidValue(string(in.InstanceType), "InstanceType")
		}
		s.lastRow = row
	}
	it := row // read only: the row is shared
	img, err := s.image(in.ImageId, region)
	if err != nil {
		return err
	}
	if img.Architecture != it.Architecture {
		return clientErr("InvalidParameterValue",
			"The architecture '%s' of the specified instance type does not match the architecture '%s' of the specified AMI. "+
				"Specify an instance type and an AMI that have matching architectures, and try again.", it.Architecture, img.Architecture)
	}
	sp.it, sp.row, sp.img = *row, row, img
	if in.Placement != nil && in.Placement.AvailabilityZone != "" {
		azID, err := s.w.AZID(account, in.Placement.AvailabilityZone)
		if err != nil {
			return err
		}
		z, _ := s.w.AZ(azID)
		if z.Region().Code() != region {
			return clientErr("InvalidParameterValue", "Invalid availability zone: [%s]", in.Placement.AvailabilityZone)
		}
		sp.azID = azID
	}
	if mo := in.InstanceMarketOptions; mo != nil {
		switch mo.MarketType {
		case "":
		case MarketTypeSpot:
			so := SpotMarketOptions{}
			if mo.SpotOptions != nil {
				so = *mo.SpotOptions
			}
			if so.SpotInstanceType == "" {
				so.SpotInstanceType = SpotOneTime
			}
			if so.InstanceInterruptionBehavior == "" {
				so.InstanceInterruptionBehavior = InterruptionTerminate
			}
			switch so.SpotInstanceType {
			case SpotOneTime, SpotPersistent:
			default:
				return errInvalidValue(string(so.SpotInstanceType), "SpotInstanceType")
			}
			switch so.InstanceInterruptionBehavior {
			case InterruptionTerminate:
			case InterruptionStop, InterruptionHibernate:
				if so.SpotInstanceType != SpotPersistent {
					return clientErr("InvalidParameterCombination",
						"The instance interruption behavior '%s' is only supported for persistent Spot Instance requests.", so.InstanceInterruptionBehavior)
				}
			default:
				return errInvalidValue(string(so.InstanceInterruptionBehavior), "InstanceInterruptionBehavior")
			}
			sp.maxPrice = s.onDemandMicro(region, it)
			if so.MaxPrice != "" {
				f, err := strconv.ParseFloat(so.MaxPrice, 64)
				if err != nil || !(f > 0) || math.IsInf(f, 0) {
					return errInvalidValue(so.MaxPrice, "MaxPrice")
				}
				sp.maxPrice = int64(math.Round(f * 1e6))
			}
			sp.spot = s.spotOptions(so)
		default:
			return errInvalidValue(string(mo.MarketType), "MarketType")
		}
	}
	if cs := in.CreditSpecification; cs != nil && cs.CpuCredits != "" {
		if !it.Burstable {
			return clientErr("InvalidParameterCombination",
				"The parameter CreditSpecification is not supported for instance type %s.", it.InstanceType)
		}
		switch cs.CpuCredits {
		case CreditStandard, CreditUnlimited:
			sp.credit = cs.CpuCredits
		default:
			return errInvalidValue(string(cs.CpuCredits), "CpuCredits")
		}
	} else if it.Burstable {
		// T3/T3a default to unlimited, T2 to standard [burstable guide].
		sp.credit = CreditUnlimited
		if it.Family == "t2" {
			sp.credit = CreditStandard
		}
	}
	if err := s.canPrice(region, it, sp.spot != nil, sp.credit); err != nil {
		return err
	}
	// The request's tags are only read while it runs (launchIn copies
	// them into each instance and volume), so a single specification's
	// tags are used in place; a second one appends to a copy (the clipped
	// capacity sees to that).
	for _, ts := range in.TagSpecifications {
		switch ts.ResourceType {
		case "instance":
			sp.tags = appendTags(sp.tags, ts.Tags)
		case "volume":
			sp.volTags = appendTags(sp.volTags, ts.Tags)
		default:
			return errInvalidValue(ts.ResourceType, "ResourceType")
		}
	}
	if err := checkTags(sp.tags); err != nil {
		return err
	}
	if err := checkTags(sp.volTags); err != nil {
		return err
	}
	// Block devices: the AMI's root, overridden or extended by mappings.
	if len(in.BlockDeviceMappings) == 0 {
		sp.devices = s.rootDevices(img)
	} else if err := s.blockDevices(sp, account, region, in); err != nil {
		return err
	}
	if err := s.validateExtras(account, region, sp, in); err != nil {
		return err
	}
	if ip := in.IamInstanceProfile; ip != nil && (ip.Arn != "" || ip.Name != "") {
		arn, err := s.resolveInstanceProfile(account, ip, s.caller)
		if err != nil {
			return err
		}
		sp.profile = s.instanceProfile(arn)
	}
	return s.validateNetwork(account, region, in, sp)
}

// appendTags is append(dst, tags...) that returns tags itself, clipped
// so that a later append copies, when dst is empty.
func appendTags(dst, tags []Tag) []Tag {
	if len(dst) == 0 && len(tags) > 0 {
		return slices.Clip(tags)
	}
	return append(dst, tags...)
}

// spotOptions is a launch's normalized spot options, shared with the
// previous launch when they are equal: a launch only reads them, and a
// workload asks for the same options over and over.
func (s *Service) spotOptions(so SpotMarketOptions) *SpotMarketOptions {
	if p := s.lastSpot; p != nil && *p == so {
		return p
	}
	p := &so
	s.lastSpot = p
	return p
}

// rootDevices is the devices of a launch without block device mappings:
// the image's root volume alone, computed once per image. The slice is
// shared: it is never modified (its capacity is its length).
func (s *Service) rootDevices(img *Image) []deviceSpec {
	t := s.tab()
	if e, ok := t.roots.Find(img); ok {
		return e.ds
	}
	r := deviceSpec{name: img.RootDeviceName, vtype: img.RootVolumeType, size: img.RootVolumeSizeGiB, delOnTerm: true}
	r.iops, r.tput, _ = volumeShape(r.vtype, r.size, 0, 0)
	ds := []deviceSpec{r}
	t.roots.Add(rootsEntry{img, ds})
	return ds
}

// blockDevices validates the request's block device mappings: the AMI's
// root, overridden or extended by them.
func (s *Service) blockDevices(sp *launchSpec, account, region string, in *RunInstancesInput) error {
	img := sp.img
	root := deviceSpec{name: img.RootDeviceName, vtype: img.RootVolumeType, size: img.RootVolumeSizeGiB, delOnTerm: true}
	sp.devices = []deviceSpec{root}
	for _, bd := range in.BlockDeviceMappings {
		if bd.DeviceName == "" || bd.Ebs == nil {
			return clientErr("InvalidBlockDeviceMapping", "Each block device mapping needs a device name and an EBS volume.")
		}
		d := deviceSpec{name: bd.DeviceName, vtype: bd.Ebs.VolumeType, size: bd.Ebs.VolumeSize, iops: bd.Ebs.Iops,
			tput: bd.Ebs.Throughput, snapshot: bd.Ebs.SnapshotId, enc: bd.Ebs.Encrypted}
		if d.vtype == "" {
			d.vtype = VolumeTypeGp3
		}
		isRoot := bd.DeviceName == img.RootDeviceName
		if isRoot {
			if d.size == 0 {
				d.size = img.RootVolumeSizeGiB
			}
			if d.size < img.RootVolumeSizeGiB {
				return clientErr("InvalidBlockDeviceMapping",
					"Volume of size %dGB is smaller than snapshot of the image %s, expect size >= %dGB", d.size, img.ImageId, img.RootVolumeSizeGiB)
			}
		}
		if d.snapshot != "" {
			sn, ok := s.snapshots[d.snapshot]
			if !ok || sn.region != region || sn.account != account {
				return errSnapshotNotFound(d.snapshot)
			}
			if sn.state != SnapshotCompleted {
				return clientErr("IncorrectState", "Snapshot is in invalid state - %s", sn.state)
			}
			if d.size == 0 {
				d.size = sn.size
			}
		}
		if d.size == 0 {
			return clientErr("InvalidBlockDeviceMapping", "The volume size for device %s must be specified.", bd.DeviceName)
		}
		iops, tput, err := volumeShape(d.vtype, d.size, d.iops, d.tput)
		if err != nil {
			return err
		}
		d.iops, d.tput = iops, tput
		d.delOnTerm = isRoot
		if bd.Ebs.DeleteOnTermination != nil {
			d.delOnTerm = *bd.Ebs.DeleteOnTermination
		}
		if isRoot {
			sp.devices[0] = d
		} else {
			for _, x := range sp.devices {
				if x.name == d.name {
					return clientErr("InvalidBlockDeviceMapping", "The device '%s' is used in more than one block-device mapping", d.name)
				}
			}
			sp.devices = append(sp.devices, d)
		}
	}
	r := &sp.devices[0]
	if r.iops == 0 {
		r.iops, r.tput, _ = volumeShape(r.vtype, r.size, 0, 0)
	}
	return nil
}

func (s *Service) runInstances(account, region string, in *RunInstancesInput) (*RunInstancesOutput, error) {
	// Idempotency ("Ensuring idempotency in Amazon EC2 API requests"): a
	// repeated ClientToken returns the first call's reservation; the same
	// token with other parameters is IdempotentParameterMismatch.
	var tk tokenKey
	if in != nil && in.ClientToken != "" {
		if len(in.ClientToken) > 64 {
			return nil, clientErr("InvalidParameterValue", "Value (%s) for parameter clientToken is invalid: at most 64 characters.", in.ClientToken)
		}
		tk = tokenKey{account, region, in.ClientToken}
		if prev, ok := s.tokens[tk]; ok {
			if prev.sig != runSignature(in) {
				return nil, clientErr("IdempotentParameterMismatch",
					"The client token %s was used with different parameters.", in.ClientToken)
			}
			out := *prev.out
			return &out, nil
		}
	}
	out, err := s.runInstancesOnce(account, region, in)
	if err == nil && tk.token != "" {
		if s.tokens == nil {
			s.tokens = map[tokenKey]tokenEntry{}
		}
		s.tokens[tk] = tokenEntry{sig: runSignature(in), out: out}
	}
	return out, err
}

type tokenKey struct{ account, region, token string }

type tokenEntry struct {
	sig string
	out *RunInstancesOutput
}

// runSignature summarizes the parameters that identify a launch.
func runSignature(in *RunInstancesInput) string {
	az, market, spot := "", MarketType(""), SpotMarketOptions{}
	if in.Placement != nil {
		az = in.Placement.AvailabilityZone
	}
	if mo := in.InstanceMarketOptions; mo != nil {
		market = mo.MarketType
		if mo.SpotOptions != nil {
			spot = *mo.SpotOptions
		}
	}
	return fmt.Sprintf("%s|%s|%d|%d|%s|%s|%+v|%s", in.ImageId, in.InstanceType, in.MinCount, in.MaxCount, az, market, spot, in.KeyName)
}

func (s *Service) runInstancesOnce(account, region string, in *RunInstancesInput) (*RunInstancesOutput, error) {
	var spec launchSpec
	sp := &spec
	if err := s.validateRunInto(sp, account, region, in); err != nil {
		return nil, err
	}
	// The zone: the one asked for, else the first (in the account's name
	// order) where the whole minimum fits.
	var one [1]string
	zones := one[:0]
	if sp.azID != "" {
		zones = append(zones, sp.azID)
	} else {
		zones = s.zoneOrder(account, region)
	}
	// A zone without hosts for the type answers Unsupported (named by the
	// account's zone name, as EC2 does); another zone's capacity error is
	// the more useful answer when there is one.
	var lastErr, unsupported error
	for _, azID := range zones {
		out, err := s.launchIn(account, region, azID, sp, in)
		if err == nil {
			return out, nil
		}
		if _, full := err.(*zoneFull); !full && isCode(err, "Unsupported") {
			azName, _ := s.azName(account, azID)
			unsupported = clientErr("Unsupported",
				"Your requested instance type (%s) is not supported in your requested Availability Zone (%s).", sp.it.InstanceType, azName)
			continue
		}
		lastErr = err
	}
	if zf, ok := lastErr.(*zoneFull); ok {
		return nil, errInsufficientCapacity(zf.it, zf.azName)
	}
	if lastErr != nil {
		return nil, lastErr
	}
	if sp.azID == "" {
		return nil, clientErr("Unsupported",
			"Your requested instance type (%s) is not supported in your requested region (%s): no zone has hosts for it "+
				"(the world's host types lack family %s).", sp.it.InstanceType, region, sp.it.Family)
	}
	return nil, unsupported
}

// zoneFull is launchIn's answer for a zone without room for the launch:
// runInstancesOnce tries the next zone, and words the error
// (errInsufficientCapacity) only when it is the answer.
type zoneFull struct {
	it     InstanceType
	azName string
}

func (e *zoneFull) Error() string { return errInsufficientCapacity(e.it, e.azName).Error() }

// zoneOrder returns the region's zone IDs in the order of the account's
// zone names, computed once per account and region (names never change).
// The slice is shared: callers must not modify it.
func (s *Service) zoneOrder(account, region string) []string {
	k := [2]string{account, region}
	if e := &s.lastOrder; e.zones != nil && e.key == k {
		return e.zones
	}
	t := s.tab()
	if e, ok := t.orders.Find(k); ok {
		s.lastOrder = e
		return e.zones
	}
	r, _ := s.w.Region(region)
	var zones []string
	for _, z := range r.AZs() {
		zones = append(zones, z.ID())
	}
	sort.Slice(zones, func(i, j int) bool {
		a, _ := s.azName(account, zones[i])
		b, _ := s.azName(account, zones[j])
		return a < b
	})
	e := zoneOrderEntry{k, zones[:len(zones):len(zones)]}
	t.orders.Add(e)
	s.lastOrder = e
	return zones
}

// zoneOrderEntry is one zoneOrders entry: a workload launches from one
// account and region over and over.
type zoneOrderEntry struct {
	key   [2]string
	zones []string
}

// launchIn launches the request in one zone, all-or-nothing down to
// MinCount.
func (s *Service) launchIn(account, region, azID string, sp *launchSpec, in *RunInstancesInput) (*RunInstancesOutput, error) {
	home := s.home(account, region, azID)
	azName := home.azName
	var pool *spotPool
	if sp.spot != nil {
		pool = s.pool(azID, region, sp.it)
		if price := s.priceAt(pool, s.env.Now()); sp.maxPrice < price {
			return nil, clientErr("SpotMaxPriceTooLow",
				"Your Spot request price of %s is lower than the minimum required Spot request fulfillment price of %s.",
				dollars(sp.maxPrice), dollars(price))
		}
	}
	plan := sp.plan
	if plan.SubnetID == "" || plan.AZID != azID {
		var err error
		if plan, err = s.planNetwork(account, region, azID, in); err != nil {
			return nil, err
		}
	}
	if plan.Free < int(in.MinCount) {
		return nil, errNoFreeAddresses(plan.SubnetID)
	}
	// The reservation and each instance take their sequence numbers (and
	// so their IDs) in this order whether or not the zone has room; the
	// IDs are rendered, and the machines made, only for what was placed,
	// as a launch that finds a zone full tries the next one.
	s.seq++
	resSeq := s.seq
	var resID string
	var pbuf [1]*Machine // most launches are of one instance
	placed := pbuf[:0]
	for i := int32(0); i < min(sp.extra.maxCount, int32(plan.Free)); i++ { // MaxCount, or fewer if a quota or the subnet says so
		s.seq++
		seq := s.seq
		slot, hostID, ok, err := s.tryPlaceSlot(azID, sp.row, seq)
		if !ok {
			if i >= in.MinCount {
				break
			}
			for _, p := range placed {
				s.unplace(p)
			}
			if err == nil { // no host has room: InsufficientInstanceCapacity
				if sp.spot == nil && s.opts.Spot.Model == SpotMechanistic {
					s.reclaimForOnDemand(azID, sp.it)
				}
				return nil, &zoneFull{sp.it.InstanceType, azName}
			}
			return nil, err
		}
		m := &Machine{machineHome: home, itype: sp.row, image: sp.img,
			subnet: in.SubnetId, sgs: append([]string(nil), in.SecurityGroupIds...), key: in.KeyName,
			tags: append([]Tag(nil), sp.tags...), profile: sp.profile}
		if resID == "" {
			m.arn, m.id, resID = instanceARNRes(region, account, seq, resSeq)
		} else {
			m.arn, m.id = instanceARN(region, account, seq)
		}
		m.reservation = resID
		m.seq = seq
		m.applyExtras(&sp.extra)
		s.placed(m, slot, hostID)
		placed = append(placed, m)
	}
	// The output and room for one instance (and its lists) in one
	// allocation; for a launch with one tag and an instance profile,
	// room for them too (the same 768-byte size class as the output
	// and the two allocations of them it saves).
	var (
		out   *RunInstancesOutput
		lists *instanceLists // the lists of out.Instances[0]
		more  *instanceMore  // its tag and profile, if it has room
	)
	if len(sp.tags) == 1 && sp.profile != nil {
		buf := &struct {
			out   RunInstancesOutput
			one   [1]Instance
			lists instanceLists
			more  instanceMore
		}{out: RunInstancesOutput{ReservationId: resID, OwnerId: account}}
		out, lists, more = &buf.out, &buf.lists, &buf.more
		out.Instances = buf.one[:0]
	} else {
		buf := &struct {
			out   RunInstancesOutput
			one   [1]Instance
			lists instanceLists
		}{out: RunInstancesOutput{ReservationId: resID, OwnerId: account}}
		out, lists = &buf.out, &buf.lists
		out.Instances = buf.one[:0]
	}
	now := s.env.Now()
	for _, m := range placed {
		m.launchTime = now
		if err := s.attachNetwork(m, plan); err != nil {
			panic("ec2: a checked network plan failed: " + err.Error())
		}
		s.attachNIC(m)
		m.cpuVal = cpuSched{last: now}
		m.cpuOn = true
		if sp.it.Burstable {
			m.credits = newCreditAccount(sp.it, sp.credit, now)
		}
		if sp.spot != nil {
			reqID, notice, rebal := spotNames(s.nextSeq(), m.id)
			m.spot = &spotState{requestID: reqID, maxPrice: sp.maxPrice, behavior: sp.spot.InstanceInterruptionBehavior,
				reqType: sp.spot.SpotInstanceType, pool: pool}
			m.spot.noticeEv = s.env.NewEvent(notice)
			m.spot.rebalEv = s.env.NewEvent(rebal)
		}
		for _, d := range sp.devices {
			v := s.newVolume(account, region, azID, azName, d.vtype, d.size, d.iops, d.tput, d.snapshot, d.enc, append([]Tag(nil), sp.volTags...))
			v.readyTm.Stop()
			v.state = VolumeStateInUse
			a := &v.launchAtt // the volume's own room for its launch attachment
			if len(m.devices) == 0 {
				m.devices = m.devBuf[:0]
			}
			*a = attachment{vol: v, m: m, device: d.name, state: AttachmentAttached, at: now, deleteOnTermination: d.delOnTerm}
			v.att = a
			m.devices = append(m.devices, a)
		}
		s.instances.add(m)
		s.setState(m, InstanceStatePending, nil)
		s.boot(m)
		room := lists
		if len(out.Instances) > 0 {
			room, more = nil, nil
		}
		out.Instances = append(out.Instances, Instance{})
		m.describeInto(&out.Instances[len(out.Instances)-1], room, more)
	}
	return out, nil
}

// spotNames renders, in one allocation, a spot instance's request ID (the
// first 12 characters of the ID of sequence number seq and prefix "sir",
// as EC2's "sir-" and 8 characters) and the names of its interruption
// notice and rebalance events.
func spotNames(seq uint64, instanceID string) (requestID, notice, rebalance string) {
	var buf [96]byte
	b := mix.AppendID(buf[:0], "sir", mix.SplitMix64(seq))[:12]
	b = append(append(b, instanceID...), "/spot-notice"...)
	n := len(b)
	b = append(append(b, instanceID...), "/rebalance"...)
	all := string(b)
	return all[:12], all[12:n], all[n:]
}

// instanceProfile is an instance profile as its instances show it: the
// ARN, and the ID DescribeInstances reports. The instances launched with
// it share it (it is never modified).
type instanceProfile struct{ arn, id string }

// instanceProfile returns the shared instanceProfile of an ARN, made on
// first use.
func (s *Service) instanceProfile(arn string) *instanceProfile {
	t := s.tab()
	if p, ok := t.profiles.Find(arn); ok {
		return p
	}
	p := &instanceProfile{arn: arn, id: profileID(arn)}
	t.profiles.Add(p)
	return p
}

// profileID is the instance profile ID DescribeInstances shows: "AIPA"
// and 16 upper-case hex digits derived from the profile's ARN.
func profileID(arn string) string {
	const digits = "0123456789ABCDEF"
	var b [20]byte
	copy(b[:], "AIPA")
	v := mix.SplitMix64(mix.FNV64a(arn))
	for i := 19; i >= 4; i-- {
		b[i] = digits[v&15]
		v >>= 4
	}
	return string(b[:])
}

func dollars(micro int64) string { return strconv.FormatFloat(float64(micro)/1e6, 'f', -1, 64) }

// InstanceStateChange reports one instance's transition in the outputs of
// Start/Stop/TerminateInstances.
type InstanceStateChange struct {
	InstanceId    string
	CurrentState  InstanceState
	PreviousState InstanceState
}

// StopInstancesInput is StopInstances' request.
type StopInstancesInput struct {
	InstanceIds []string
	Hibernate   bool
	Force       bool
	DryRun      bool
}

// StopInstancesOutput lists the state changes.
type StopInstancesOutput struct {
	StoppingInstances []InstanceStateChange
}

// StartInstancesInput is StartInstances' request.
type StartInstancesInput struct {
	InstanceIds []string
	DryRun      bool
}

// StartInstancesOutput lists the state changes.
type StartInstancesOutput struct {
	StartingInstances []InstanceStateChange
}

// RebootInstancesInput is RebootInstances' request.
type RebootInstancesInput struct {
	InstanceIds []string
	DryRun      bool
}

// RebootInstancesOutput is empty, as in EC2.
type RebootInstancesOutput struct{}

// TerminateInstancesInput is TerminateInstances' request.
type TerminateInstancesInput struct {
	InstanceIds []string
	DryRun      bool
}

// TerminateInstancesOutput lists the state changes.
type TerminateInstancesOutput struct {
	TerminatingInstances []InstanceStateChange
}

// lookup resolves instance IDs in the caller's account and region; any
// malformed or unknown ID fails the whole request, as EC2 does.
func (s *Service) lookup(account, region string, ids []string) ([]*Machine, error) {
	return s.lookupInto(make([]*Machine, 0, len(ids)), account, region, ids)
}

// lookupInto is lookup appending to dst[:0], so that a caller can pass a
// buffer on its stack.
func (s *Service) lookupInto(dst []*Machine, account, region string, ids []string) ([]*Machine, error) {
	if len(ids) == 0 {
		return nil, clientErr("MissingParameter", "The request must contain the parameter InstanceId")
	}
	var missing []string
	ms := dst[:0]
	for i, id := range ids {
		// The instance the index found last (the pipeline looked the
		// first ID up for its ARN) has a well-formed ID: launchIn made it.
		m, ok := s.instances.lastWith(id)
		if !ok && !validID(id, "i-") {
			return nil, errInstanceMalformed(id)
		}
		// A repeated ID names the same instance once: acting on it twice
		// would, for StartInstances, place it on two slots.
		if slices.Contains(ids[:i], id) {
			continue
		}
		if !ok {
			m, ok = s.instance(id)
		}
		if !ok || m.account != account || m.region != region {
			missing = append(missing, id)
			continue
		}
		ms = append(ms, m)
	}
	if len(missing) > 0 {
		return nil, errInstanceNotFound(missing...)
	}
	return ms, nil
}

// StopInstances stops running instances: processes die, billing stops,
// and once stopped the host slot and the auto-assigned public IP are
// released; the private IP and the EBS volumes stay.
func (c *Client) StopInstances(ctx context.Context, in *StopInstancesInput) (*StopInstancesOutput, error) {
	if in == nil {
		in = &StopInstancesInput{} // as the SDK treats nil params
	}
	out := &StopInstancesOutput{}
	err := c.call(ctx, "StopInstances", first("instance", in.InstanceIds), rest("instance", in.InstanceIds), func(account string) error {
		if in.DryRun {
			return errDryRun()
		}
		ms, err := c.svc.lookup(account, c.region, in.InstanceIds)
		if err != nil {
			return err
		}
		for _, m := range ms {
			switch m.state {
			case InstanceStateRunning, InstanceStateStopping, InstanceStateStopped:
			default:
				return errIncorrectInstanceState(m.id, m.state, "stopped")
			}
			if m.spot != nil && m.spot.reqType != SpotPersistent {
				return clientErr("UnsupportedOperation",
					"You can't stop the Spot Instance '%s' because it is associated with a one-time Spot Instance request. "+
						"You can only stop Spot Instances associated with persistent Spot Instance requests.", m.id)
			}
			if in.Hibernate && !m.attrs.hibernateConfigured {
				return clientErr("UnsupportedHibernationConfiguration",
					"The instance '%s' is not enabled for hibernation: set HibernationOptions.Configured at launch.", m.id)
			}
		}
		for _, m := range ms {
			prev := stateOf(m.state)
			if m.state == InstanceStateRunning {
				if in.Hibernate {
					c.svc.hibernate(m, "hibernate", &reasonUserHibernate, false)
				} else {
					c.svc.stop(m, "stop", &reasonUserStop, false)
				}
			}
			out.StoppingInstances = append(out.StoppingInstances, InstanceStateChange{m.id, stateOf(m.state), prev})
		}
		return nil
	})
	return out, wrap("StopInstances", err)
}

// StartInstances starts stopped instances; each is placed afresh and may
// land on another host. If any cannot be placed, none starts and the error
// is InsufficientInstanceCapacity.
func (c *Client) StartInstances(ctx context.Context, in *StartInstancesInput) (*StartInstancesOutput, error) {
	if in == nil {
		in = &StartInstancesInput{} // as the SDK treats nil params
	}
	out := &StartInstancesOutput{}
	err := c.call(ctx, "StartInstances", first("instance", in.InstanceIds), rest("instance", in.InstanceIds), func(account string) error {
		if in.DryRun {
			return errDryRun()
		}
		s := c.svc
		ms, err := s.lookup(account, c.region, in.InstanceIds)
		if err != nil {
			return err
		}
		for _, m := range ms {
			switch m.state {
			case InstanceStateStopped, InstanceStatePending, InstanceStateRunning:
			default:
				return errIncorrectInstanceState(m.id, m.state, "started")
			}
			if m.spot != nil && m.state == InstanceStateStopped {
				if price := s.priceAt(m.spot.pool, s.env.Now()); m.spot.maxPrice < price {
					return clientErr("SpotMaxPriceTooLow",
						"Your Spot request price of %s is lower than the minimum required Spot request fulfillment price of %s.",
						dollars(m.spot.maxPrice), dollars(price))
				}
			}
		}
		if err := s.checkStartQuota(account, c.region, ms); err != nil {
			return err
		}
		var started []*Machine
		for _, m := range ms {
			if m.state != InstanceStateStopped {
				continue
			}
			if err := s.place(m); err != nil {
				for _, p := range started {
					s.unplace(p)
				}
				if isCode(err, "InsufficientInstanceCapacity") {
					return errInsufficientCapacity(m.itype.InstanceType, m.azName)
				}
				return err
			}
			started = append(started, m)
		}
		for _, m := range ms {
			prev := stateOf(m.state)
			if m.state == InstanceStateStopped {
				s.assignPublicIP(m)
				m.clearReason()
				m.launchTime = s.env.Now() // LaunchTime is the last start
				s.setState(m, InstanceStatePending, nil)
				s.boot(m)
			}
			out.StartingInstances = append(out.StartingInstances, InstanceStateChange{m.id, stateOf(m.state), prev})
		}
		return nil
	})
	return out, wrap("StartInstances", err)
}

// RebootInstances reboots running instances: their processes die and may
// start again after the reboot delay; the host, the IPs and the billing
// period are kept (a reboot is not a new start).
func (c *Client) RebootInstances(ctx context.Context, in *RebootInstancesInput) (*RebootInstancesOutput, error) {
	if in == nil {
		in = &RebootInstancesInput{} // as the SDK treats nil params
	}
	err := c.call(ctx, "RebootInstances", first("instance", in.InstanceIds), rest("instance", in.InstanceIds), func(account string) error {
		if in.DryRun {
			return errDryRun()
		}
		ms, err := c.svc.lookup(account, c.region, in.InstanceIds)
		if err != nil {
			return err
		}
		for _, m := range ms {
			if m.state != InstanceStateRunning {
				return errIncorrectInstanceState(m.id, m.state, "rebooted")
			}
		}
		for _, m := range ms {
			c.svc.reboot(m)
		}
		return nil
	})
	if err != nil {
		return nil, wrap("RebootInstances", err)
	}
	return &RebootInstancesOutput{}, nil
}

// TerminateInstances terminates instances. Volumes marked
// DeleteOnTermination are deleted, others detached. Terminated instances
// stay describable for LifecycleDelays.TerminatedVisible.
func (c *Client) TerminateInstances(ctx context.Context, in *TerminateInstancesInput) (*TerminateInstancesOutput, error) {
	if in == nil {
		in = &TerminateInstancesInput{} // as the SDK treats nil params
	}
	// The output and room for one state change in one allocation: most
	// calls terminate one instance.
	buf := &struct {
		out TerminateInstancesOutput
		one [1]InstanceStateChange
	}{}
	out := &buf.out
	out.TerminatingInstances = buf.one[:0]
	err := c.call(ctx, "TerminateInstances", first("instance", in.InstanceIds), rest("instance", in.InstanceIds), func(account string) error {
		if in.DryRun {
			return errDryRun()
		}
		var mbuf [4]*Machine
		ms, err := c.svc.lookupInto(mbuf[:0], account, c.region, in.InstanceIds)
		if err != nil {
			return err
		}
		if err := checkTerminationProtection(ms); err != nil {
			return err
		}
		for _, m := range ms {
			prev := stateOf(m.state)
			switch m.state {
			case InstanceStateShuttingDown, InstanceStateTerminated:
			default:
				c.svc.terminate(m, "terminate", &reasonUserTerminate, false)
			}
			out.TerminatingInstances = append(out.TerminatingInstances, InstanceStateChange{m.id, stateOf(m.state), prev})
		}
		return nil
	})
	if len(out.TerminatingInstances) == 0 {
		out.TerminatingInstances = nil // as before any change was listed
	}
	return out, wrap("TerminateInstances", err)
}

// Filter is a DescribeInstances/DescribeVolumes filter.
type Filter struct {
	Name   string
	Values []string
}

// DescribeInstancesInput selects instances by ID and filters
// (instance-state-name, instance-state-code, instance-type, instance-id,
// image-id, reservation-id, availability-zone, availability-zone-id,
// key-name, private-ip-address, ip-address, instance-lifecycle,
// spot-instance-request-id, tag-key, tag:<key>; values take * and ?
// wildcards). Another filter name is InvalidParameterValue.
type DescribeInstancesInput struct {
	InstanceIds []string
	Filters     []Filter
}

// Reservation groups the instances of one RunInstances call.
type Reservation struct {
	ReservationId string
	OwnerId       string
	Instances     []Instance
}

// DescribeInstancesOutput lists reservations in launch order.
type DescribeInstancesOutput struct {
	Reservations []Reservation
}

// DescribeInstances describes the caller's instances in the region.
func (c *Client) DescribeInstances(ctx context.Context, in *DescribeInstancesInput) (*DescribeInstancesOutput, error) {
	if in == nil {
		in = &DescribeInstancesInput{}
	}
	out := &DescribeInstancesOutput{}
	err := c.call(ctx, "DescribeInstances", resRef{}, nil, func(account string) error {
		s := c.svc
		if err := checkInstanceFilters(in.Filters); err != nil {
			return err
		}
		var ms []*Machine
		if len(in.InstanceIds) > 0 {
			var err error
			if ms, err = s.lookup(account, c.region, in.InstanceIds); err != nil {
				return err
			}
		} else {
			s.instances.all(func(m *Machine) {
				if m.account == account && m.region == c.region {
					ms = append(ms, m)
				}
			})
		}
		sort.Slice(ms, func(i, j int) bool {
			if ms[i].launchTime != ms[j].launchTime {
				return ms[i].launchTime < ms[j].launchTime
			}
			return ms[i].seq < ms[j].seq
		})
		idx := map[string]int{}
		for _, m := range ms {
			if !matchInstance(m, in.Filters) {
				continue
			}
			i, ok := idx[m.reservation]
			if !ok {
				i = len(out.Reservations)
				idx[m.reservation] = i
				out.Reservations = append(out.Reservations, Reservation{ReservationId: m.reservation, OwnerId: account})
			}
			out.Reservations[i].Instances = append(out.Reservations[i].Instances, m.describe())
		}
		return nil
	})
	return out, wrap("DescribeInstances", err)
}

// instanceFilters are the DescribeInstances filter names supported (besides
// tag:<key>); any other name is InvalidParameterValue, as EC2 answers for a
// name it does not know, rather than a silently empty result.
var instanceFilters = map[string]func(m *Machine) []string{
	"instance-state-name": func(m *Machine) []string { return []string{string(m.state)} },
	"instance-state-code": func(m *Machine) []string { return []string{strconv.Itoa(int(stateOf(m.state).Code))} },
	"instance-type":       func(m *Machine) []string { return []string{string(m.itype.InstanceType)} },
	"instance-id":         func(m *Machine) []string { return []string{m.id} },
	"image-id":            func(m *Machine) []string { return []string{m.image.ImageId} },
	"reservation-id":      func(m *Machine) []string { return []string{m.reservation} },
	"availability-zone":   func(m *Machine) []string { return []string{m.azName} },
	"availability-zone-id": func(m *Machine) []string {
		return []string{m.azID}
	},
	"key-name": func(m *Machine) []string { return nonEmpty(m.key) },
	"private-ip-address": func(m *Machine) []string {
		if !m.privateIP.IsValid() || m.state == InstanceStateTerminated {
			return nil
		}
		return []string{m.privateIP.String()}
	},
	"ip-address": func(m *Machine) []string {
		if !m.publicIP.IsValid() {
			return nil
		}
		return []string{m.publicIP.String()}
	},
	"instance-lifecycle": func(m *Machine) []string {
		if m.spot != nil {
			return []string{"spot"}
		}
		return nil
	},
	"spot-instance-request-id": func(m *Machine) []string {
		if m.spot != nil {
			return []string{m.spot.requestID}
		}
		return nil
	},
	"tag-key": func(m *Machine) []string {
		var v []string
		for _, t := range m.tags {
			v = append(v, t.Key)
		}
		return v
	},
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

func checkInstanceFilters(fs []Filter) error {
	return checkFilters(fs, func(name string) bool { _, ok := instanceFilters[name]; return ok })
}

// checkFilters refuses a filter name that is neither one known says the
// operation supports nor tag:<key>, as EC2 does, rather than answering a
// silently empty list.
func checkFilters(fs []Filter, known func(name string) bool) error {
	for _, f := range fs {
		if !known(f.Name) && !(strings.HasPrefix(f.Name, "tag:") && len(f.Name) > 4) {
			return clientErr("InvalidParameterValue", "The filter '%s' is invalid", f.Name)
		}
	}
	return nil
}

// matchInstance applies the filters: every filter must match (AND), by any
// of its values (OR), each value a pattern where * matches any run of
// characters and ? one character (EC2's filter wildcards).
func matchInstance(m *Machine, fs []Filter) bool {
	for _, f := range fs {
		var v []string
		if get, ok := instanceFilters[f.Name]; ok {
			v = get(m)
		} else if key, ok := strings.CutPrefix(f.Name, "tag:"); ok {
			for _, t := range m.tags {
				if t.Key == key {
					v = append(v, t.Value)
				}
			}
		}
		if !anyWildcardMatch(f.Values, v) {
			return false
		}
	}
	return true
}

// anyWildcardMatch reports whether any of a filter's values (patterns)
// matches any of a resource's values for that filter: a filter's values
// are ORed.
func anyWildcardMatch(pats, values []string) bool {
	for _, x := range values {
		for _, pat := range pats {
			if wildcardMatch(pat, x) {
				return true
			}
		}
	}
	return false
}

// wildcardMatch matches s against an EC2 filter value: * is any run of
// characters, ? exactly one, and a backslash escapes the next character.
func wildcardMatch(pat, s string) bool {
	// Iterative glob with one backtrack point (the last *), linear in
	// practice.
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		if p < len(pat) {
			switch c := pat[p]; {
			case c == '*':
				star, mark = p, i
				p++
				continue
			case c == '?':
				p++
				i++
				continue
			case c == '\\' && p+1 < len(pat):
				if pat[p+1] == s[i] {
					p += 2
					i++
					continue
				}
			case c == s[i]:
				p++
				i++
				continue
			}
		}
		if star < 0 {
			return false
		}
		p, mark = star+1, mark+1
		i = mark
	}
	for p < len(pat) && pat[p] == '*' {
		p++
	}
	return p == len(pat)
}

// WaitUntilInstanceRunning polls DescribeInstances, as the SDK's
// InstanceRunningWaiter does (every 15 s by default), until every instance
// is running; it fails if one is terminated or the wait exceeds maxWait.
func (c *Client) WaitUntilInstanceRunning(ctx context.Context, ids []string, maxWait time.Duration) error {
	p, err := sim.MustProcFrom(ctx)
	if err != nil {
		return fmt.Errorf("ec2: waiter InstanceRunning: %w", err)
	}
	deadline := p.Now().Add(maxWait)
	for {
		out, err := c.DescribeInstances(ctx, &DescribeInstancesInput{InstanceIds: ids})
		if err != nil {
			return err
		}
		all := true
		for _, r := range out.Reservations {
			for _, i := range r.Instances {
				switch i.State.Name {
				case InstanceStateRunning:
				case InstanceStateTerminated, InstanceStateShuttingDown, InstanceStateStopping, InstanceStateStopped:
					return fmt.Errorf("ec2: waiter InstanceRunning: %s reached state %s", i.InstanceId, i.State.Name)
				default:
					all = false
				}
			}
		}
		if all {
			return nil
		}
		if p.Now() >= deadline {
			return fmt.Errorf("ec2: waiter InstanceRunning: exceeded max wait time")
		}
		if err := p.Sleep(waiterDelay); err != nil {
			return err
		}
	}
}

// first and rest split a list of IDs into the resource the pipeline
// authorizes and those the effect authorizes.
func first(kind string, ids []string) resRef {
	if len(ids) == 0 {
		return resRef{}
	}
	return resRef{kind, ids[0]}
}

func rest(kind string, ids []string) []resRef {
	var out []resRef
	for i := 1; i < len(ids); i++ {
		out = append(out, resRef{kind, ids[i]})
	}
	return out
}

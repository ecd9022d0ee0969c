package ec2

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/aws/smithy-go"
	"github.com/nimbus-sim/nimbus/billing"
	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/internal/awserr"
	"github.com/nimbus-sim/nimbus/internal/mix"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
)

// This file is the seam to iam, billing and the region request pipeline.

type deps struct {
	ledger *billing.Ledger
	iam    *iam.Service
	caller *iam.Principal // the principal of the call whose effect is running
}

func (s *Service) initDeps() error {
	s.ledger = s.w.Billing()
	s.iam = s.w.IAM()
	return nil
}

// Billing returns the ledger ec2 meters to.
func (s *Service) Billing() *billing.Ledger { return s.ledger }

type meterHandle struct {
	ids [3]billing.MeterID // main, IOPS, throughput
}

func (h *meterHandle) stop(l *billing.Ledger, opt billing.StopOptions) {
	for i, id := range h.ids {
		if id.IsValid() {
			_ = l.StopTimed(id, opt)
			h.ids[i] = 0
		}
	}
}

// credsCache is what the IMDS keeps of an instance's credentials: when
// it fetches the next set, and the document it serves meanwhile. The
// credentials are not kept apart from the document, which holds them.
type credsCache struct {
	refreshAt time.Time // CredentialRefreshMargin before they expire
	body      string    // the credentials document (credsDocument)
}

func (m *Machine) roleName() string {
	arn := m.profile.arn
	for i := len(arn) - 1; i >= 0; i-- {
		if arn[i] == '/' {
			return arn[i+1:]
		}
	}
	return arn
}

// instanceCredentials returns the credentials document of the profile
// role's temporary credentials from STS, fetched again
// CredentialRefreshMargin before they expire (the IMDS rotates them at
// least five minutes ahead). The document is rendered at the fetch: every
// fetch is for a read of it.
func (m *Machine) instanceCredentials() (string, error) {
	now := m.svc.env.NowTime()
	if m.creds != nil && now.Before(m.creds.refreshAt) {
		return m.creds.body, nil
	}
	if m.svc.iam == nil {
		return "", notFound("iam/security-credentials/" + m.roleName())
	}
	arn, err := iam.ParseARN(m.profile.arn)
	if err != nil {
		return "", err
	}
	c, err := m.svc.iam.InstanceProfileCredentials(arn, m.id)
	if err != nil {
		return "", err
	}
	if m.creds == nil {
		m.creds = &credsCache{}
	}
	*m.creds = credsCache{refreshAt: c.Expiration.Add(-CredentialRefreshMargin), body: credsDocument(c, now)}
	return m.creds.body, nil
}

// typeUsage are an instance type's usage type names.
type typeUsage struct {
	it                 InstanceType
	box, spot, credits string
	// priced lists the checks canPrice passed: the ledger's catalog never
	// changes, so neither does their answer (a failed check is not kept:
	// its error is built afresh for each call).
	priced []priceCheck
	// onDemand is onDemandMicro's answer per region, kept for the same
	// reason.
	onDemand []regionPrice
}

type regionPrice struct {
	region   string
	microUSD int64
}

type priceCheck struct {
	region          string
	spot, unlimited bool
}

// usageTypes names an instance type's usage types, once per type: every
// launch checks them and every start meters one.
func (s *Service) usageTypes(it *InstanceTypeInfo) *typeUsage {
	if u := s.lastUsage; u != nil && u.it == it.InstanceType {
		return u
	}
	t := s.tab()
	if u, ok := t.usages.Find(it.InstanceType); ok {
		s.lastUsage = u
		return u
	}
	u := &typeUsage{it: it.InstanceType, box: "BoxUsage:" + string(it.InstanceType), spot: "SpotUsage:" + string(it.InstanceType),
		credits: "CPUCredits:" + it.Family}
	t.usages.Add(u)
	s.lastUsage = u
	return u
}

// priceOf converts micro-dollars per hour to a billing price.
func priceOf(microUSD int64) billing.Price {
	return billing.Price(microUSD) * (billing.PriceDollar / 1_000_000)
}

func (s *Service) usage(account, region, azID, resource, ut, op string, qty int64) billing.Usage {
	return billing.Usage{Account: account, Service: "AmazonEC2", UsageType: ut, Operation: op, Region: region,
		AZ: azID, ResourceID: resource, Quantity: qty}
}

// meterStart starts the instance's per-second meter (60 s minimum per
// start [per-second billing]); spot instances are billed at the pool's spot price, which
// follows the price path while the instance runs.
func (s *Service) meterStart(m *Machine) {
	ut := s.usageTypes(m.itype)
	u := s.usage(m.account, m.region, m.azID, m.id, ut.box, "RunInstances", 1)
	if m.spot != nil {
		u.UsageType = ut.spot
		u.Operation = "RunInstances:SV001"
		u.Price = priceOf(s.priceAt(m.spot.pool, s.env.Now()))
	}
	g := s.platformMeter(m, &u) // operation, price and granularity of the AMI's platform
	id, err := s.ledger.StartTimed(u, g)
	if err != nil {
		panic("ec2: meter rejected a validated launch: " + err.Error())
	}
	m.meter = id
	if m.spot != nil {
		s.followSpotPrice(m)
	}
}

// followSpotPrice moves a running spot instance's meter to each new price
// step; it stops with the instance. The step timer is a daemon timer:
// price moves are the market's, not the user's work.
func (s *Service) followSpotPrice(m *Machine) {
	step := s.opts.Spot.PriceStep
	if step <= 0 {
		return
	}
	now := s.env.Now()
	next := (now/sim.Time(step) + 1) * sim.Time(step)
	m.spot.priceTm = s.env.AtDaemon(next, func() {
		if !m.meter.IsValid() {
			return
		}
		_ = s.ledger.SetTimedPrice(m.meter, priceOf(s.priceAt(m.spot.pool, s.env.Now())))
		s.followSpotPrice(m)
	})
}

// meterStop ends the instance's run; an EC2-initiated spot interruption in
// the first hour is free [interrupted Spot billing].
func (s *Service) meterStop(m *Machine, ec2Interrupted bool) {
	if m.meter.IsValid() {
		_ = s.ledger.StopTimed(m.meter, billing.StopOptions{Interrupted: ec2Interrupted && m.spot != nil})
		m.meter = 0
	}
	if m.spot != nil {
		m.spot.priceTm.Stop()
	}
}

// meterSurplusCredits bills surplus CPU credits (one credit = one
// vCPU-minute, the raw unit of CPUCredits:<family>) at $0.05 per
// vCPU-hour [burstable guide]. Fractions of a credit are carried until whole.
func (s *Service) meterSurplusCredits(m *Machine, credits float64) {
	m.creditFrac += credits
	n := int64(m.creditFrac)
	if n <= 0 {
		return
	}
	m.creditFrac -= float64(n)
	u := s.usage(m.account, m.region, m.azID, m.id, "CPUCredits:"+m.itype.Family, "RunInstances", n)
	_ = s.ledger.Record(u)
}

// meterVolumeStart starts a volume's capacity meters: GiB provisioned, and
// for gp3 the IOPS and throughput above the included baseline, for io1 and
// io2 all provisioned IOPS [AWS pricing pages], per second with a 60 s
// minimum [per-second billing], whether or not anything is written.
func (s *Service) meterVolumeStart(v *volume) {
	suffix := string(v.vtype)
	if v.vtype == VolumeTypeIo1 {
		suffix = "piops"
	}
	var ut string
	switch v.vtype { // the common types' names without building them
	case VolumeTypeGp3:
		ut = "EBS:VolumeUsage.gp3"
	case VolumeTypeGp2:
		ut = "EBS:VolumeUsage.gp2"
	default:
		ut = "EBS:VolumeUsage." + suffix
	}
	s.startVolumeMeter(v, 0, ut, int64(v.size))
	switch v.vtype {
	case VolumeTypeGp3:
		s.startVolumeMeter(v, 1, "EBS:VolumeP-IOPS.gp3", int64(v.iops-volumeSpecList[0].BaselineIOPS))
		s.startVolumeMeter(v, 2, "EBS:VolumeP-Throughput.gp3", int64(v.throughput-volumeSpecList[0].BaselineThroughputMiBps))
	case VolumeTypeIo1, VolumeTypeIo2:
		s.startVolumeMeter(v, 1, "EBS:VolumeP-IOPS."+suffix, int64(v.iops))
	}
}

func (s *Service) startVolumeMeter(v *volume, i int, ut string, qty int64) {
	if qty <= 0 {
		return
	}
	id, err := s.ledger.StartTimed(s.usage(v.account, v.region, v.azID, v.id, ut, "CreateVolume", qty), billing.PerSecond60)
	if err == nil {
		v.meter.ids[i] = id
	}
}

func (s *Service) meterVolumeStop(v *volume) { v.meter.stop(s.ledger, billing.StopOptions{}) }

// Snapshots are billed per byte-second of the snapshot's size.
func (s *Service) meterSnapshotStart(sn *snapshot) {
	id, err := s.ledger.StartTimed(s.usage(sn.account, sn.region, "", sn.id, "EBS:SnapshotUsage", "CreateSnapshot",
		int64(sn.size)<<30), billing.PerSecond)
	if err == nil {
		sn.meter.ids[0] = id
	}
}

func (s *Service) meterSnapshotStop(sn *snapshot) { sn.meter.stop(s.ledger, billing.StopOptions{}) }

// canPrice reports whether the ledger's catalog prices an instance type in
// a region (on-demand, spot, and the surplus credits of unlimited mode); a
// type it cannot price is not offered there (a user's own catalog may
// leave types out). The error says which usage type is missing.
func (s *Service) canPrice(region string, it *InstanceTypeInfo, spot bool, credit CreditMode) error {
	tu := s.usageTypes(it)
	check := priceCheck{region, spot, credit == CreditUnlimited}
	if slices.Contains(tu.priced, check) {
		return nil
	}
	var buf [3]string
	uts := append(buf[:0], tu.box)
	if spot {
		uts = append(uts, tu.spot)
	}
	if credit == CreditUnlimited {
		uts = append(uts, tu.credits)
	}
	for _, ut := range uts {
		if _, err := s.ledger.Catalog().Lookup(region, ut); err != nil {
			return clientErr("Unsupported",
				"Your requested instance type (%s) is not supported in your requested region (%s): "+
					"the price list has no %s.", it.InstanceType, region, ut)
		}
	}
	tu.priced = append(tu.priced, check)
	return nil
}

// Client is an EC2 client for one region and one set of credentials, like
// aws-sdk-go-v2's ec2.Client built from a config. Every method is one API
// call through the world's request pipeline: authenticated and authorized
// by IAM, carried over the network from the caller's place (an instance's
// host, or the internet), subject to injected faults, retried under the
// SDK's standard mode.
type Client struct {
	svc    *Service
	region string
	creds  iam.Credentials
	// images and stars remember the ARNs of the images and of the "*"
	// resources this client's calls named, which are the same call after
	// call (arnOf).
	images, stars []cachedARN
}

// cachedARN is an ARN a client remembers (Client.arnOf): an image's,
// by its ID, or that of the "*" of a kind of resource, by the kind and
// the caller's account.
type cachedARN struct {
	key, acct  string
	arn, owner string
}

// maxCachedARNs bounds each of a client's ARN memories: a client
// launching from many images renders the rest afresh.
const maxCachedARNs = 8

// arnOf is Service.arnOf for the client's region, remembering the answers
// that cannot change: images' (account-less) and the "*" of resources a
// call creates. (An instance's is kept by its machine: Machine.arnOf.)
// The two kinds are kept apart so that a lookup compares one string of
// each entry and, for a "*", the account.
func (c *Client) arnOf(r resRef, acct string) (arn, owner string) {
	var memo *[]cachedARN
	key := r.id
	switch {
	case r.kind == "image":
		memo, acct = &c.images, "" // Service.arnOf ignores the account of an image
	case r.id == "*":
		memo, key = &c.stars, r.kind
	default:
		return c.svc.arnOf(c.region, r, acct)
	}
	for i := range *memo {
		if x := &(*memo)[i]; x.key == key && x.acct == acct {
			return x.arn, x.owner
		}
	}
	arn, owner = c.svc.arnOf(c.region, r, acct)
	if len(*memo) < maxCachedARNs {
		*memo = append(*memo, cachedARN{key: key, acct: acct, arn: arn, owner: owner})
	}
	return arn, owner
}

// instanceARN renders the ARN of the instance of sequence number seq and,
// as its tail, the instance ID (mix.ID), in one allocation: a call on an
// instance authorizes its ARN, and the pair stays with the machine.
func instanceARN(region, account string, seq uint64) (arn, id string) {
	arn, id, _ = instanceARNRes(region, account, seq, 0)
	return arn, id
}

// instanceARNRes is instanceARN that also renders, when resSeq is not 0,
// the ID of the reservation of sequence number resSeq in the same
// allocation: the reservation's first instance carries it, so that a
// launch (and the hour its terminated machine stays visible) holds one
// string fewer.
func instanceARNRes(region, account string, seq, resSeq uint64) (arn, id, resID string) {
	var buf [128]byte
	b := append(buf[:0], "arn:aws:ec2:"...)
	b = append(b, region...)
	b = append(b, ':')
	b = append(b, account...)
	b = append(b, ":instance/"...)
	n := len(b)
	b = mix.AppendID(b, "i", mix.SplitMix64(seq))
	end := len(b)
	if resSeq != 0 {
		b = mix.AppendID(b, "r", mix.SplitMix64(resSeq))
	}
	s := string(b)
	return s[:end], s[n:end], s[end:]
}

// arnOf is the instance's ARN (launchIn renders it with the ID; a machine
// made otherwise, in a test, renders it on first use).
func (m *Machine) arnOf() string {
	if m.arn == "" {
		m.arn = "arn:aws:ec2:" + m.region + ":" + m.account + ":instance/" + m.id
	}
	return m.arn
}

// NewClient returns a client calling region's endpoint with creds.
func (s *Service) NewClient(region string, creds iam.Credentials) *Client {
	return &Client{svc: s, region: region, creds: creds}
}

// resRef names a resource an operation acts on; id "*" for resources it
// creates.
type resRef struct{ kind, id string }

// arnOf returns a resource's ARN and owning account: the owner of an
// existing resource, else acct (the caller's, once known). Images are
// account-less, as AWS's public image ARNs are.
func (s *Service) arnOf(region string, r resRef, acct string) (arn, owner string) {
	switch r.kind {
	case "image":
		return "arn:aws:ec2:" + region + "::image/" + r.id, ""
	case "instance":
		if m, ok := s.instance(r.id); ok {
			if m.region == region {
				return m.arnOf(), m.account // rendered once per instance
			}
			acct = m.account
		}
	case "volume":
		if v, ok := s.volumes[r.id]; ok {
			acct = v.account
		}
	case "snapshot":
		if sn, ok := s.snapshots[r.id]; ok {
			acct = sn.account
		}
	}
	if acct == "" {
		return "*", ""
	}
	return "arn:aws:ec2:" + region + ":" + acct + ":" + r.kind + "/" + r.id, acct
}

// call runs one API request through the pipeline. outer is the resource
// the pipeline authorizes (zero: "*"); inner are further resources
// authorized at the server instant, once the caller's account is known
// (each instance of a multi-instance call, the instances a launch
// creates). EC2 reports authorization failures as UnauthorizedOperation.
func (c *Client) call(ctx context.Context, op string, outer resRef, inner []resRef, effect func(account string) error) error {
	s := c.svc
	req := region.Request{Service: "ec2", ServiceID: "EC2", Operation: op, Region: c.region,
		Credentials: region.Credentials(c.creds), Resource: "*"}
	if outer.kind != "" {
		req.Resource, req.ResourceAccount = c.arnOf(outer, "")
	}
	// The caller's place comes from its context (Machine.Go attaches the
	// instance's Location to its processes).
	err := s.w.CallRef(ctx, &req, func(rc *region.Call) error {
		acct := rc.Principal().Account
		if len(inner) > 0 {
			// Each further resource is authorized as the call's own
			// request naming it instead: the request is borrowed, not
			// copied (it is some 40 words), and given back as it was.
			q := rc.Request()
			res, resAcct := q.Resource, q.ResourceAccount
			for _, r := range inner {
				q.Resource, q.ResourceAccount = c.arnOf(r, acct)
				if err := rc.Authorize(q); err != nil {
					q.Resource, q.ResourceAccount = res, resAcct
					return err
				}
			}
			q.Resource, q.ResourceAccount = res, resAcct
		}
		s.caller = rc.Principal().IAM
		defer func() { s.caller = nil }()
		return effect(acct)
	})
	return unauthorized(err)
}

// unauthorized rewrites IAM's AccessDenied as EC2's UnauthorizedOperation
// (HTTP 403), keeping the explanation.
func unauthorized(err error) error {
	if err == nil {
		return nil
	}
	return rewriteDenied(err)
}

// rewriteDenied is unauthorized's slow path: its errors.As target lives on
// the heap, which the common nil case need not pay for.
func rewriteDenied(err error) error {
	var ae *awserr.Error
	if !errors.As(err, &ae) || ae.Code != "AccessDenied" {
		return err
	}
	u := awserr.New("UnauthorizedOperation", 403, false, "You are not authorized to perform this operation. %s", ae.Message)
	u.RequestID, u.Err = ae.RequestID, ae.Err // keep IAM's decision reachable
	var oe *smithy.OperationError
	if errors.As(err, &oe) {
		return &smithy.OperationError{ServiceID: oe.ServiceID, OperationName: oe.OperationName, Err: u}
	}
	return u
}

// resolveInstanceProfile turns a profile name or ARN into its ARN, checking
// that it exists with a role and that the caller may pass that role
// (iam:PassRole), as RunInstances does.
func (s *Service) resolveInstanceProfile(account string, ip *IamInstanceProfileSpecification, caller *iam.Principal) (string, error) {
	arnStr := ip.Arn
	if arnStr == "" {
		arnStr = s.profileARNText(account, ip.Name)
	}
	arn, err := iam.ParseARN(arnStr)
	if err != nil || s.iam == nil {
		return "", clientErr("InvalidParameterValue", "Value (%s) for parameter iamInstanceProfile is invalid. Invalid IAM Instance Profile.", arnStr)
	}
	roleARN, ok := s.iam.ProfileRole(arn)
	if !ok {
		what, val := "arn", ip.Arn
		if ip.Arn == "" {
			what, val = "name", ip.Name
		}
		return "", clientErr("InvalidParameterValue", "Value (%s) for parameter iamInstanceProfile.%s is invalid. Invalid IAM Instance Profile %s", val, what, what)
	}
	if caller == nil {
		return "", clientErr("InvalidParameterValue", "iamInstanceProfile needs an IAM-authenticated caller")
	}
	if err := s.iam.CheckPassRole(caller, roleARN); err != nil {
		return "", err
	}
	// A parsed ARN prints back as the text it was parsed from
	// (iam.ARN.String), so the text is the answer: no second string.
	return arnStr, nil
}

// profileARNText is the ARN text of account's instance profile name,
// built once for the name a workload launches with over and over.
func (s *Service) profileARNText(account, name string) string {
	if c := &s.lastProfile; c.account == account && c.name == name && c.arn != "" {
		return c.arn
	}
	arn := "arn:aws:iam::" + account + ":instance-profile/" + name
	s.lastProfile = profileText{account: account, name: name, arn: arn}
	return arn
}

// profileText is the entry profileARNText answered last.
type profileText struct{ account, name, arn string }

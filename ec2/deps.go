package ec2

import (
	"context"
	"fmt"
	"time"

	"github.com/nimbus-sim/nimbus/billing"
	"github.com/nimbus-sim/nimbus/sim"
)

// This file is the seam to iam, billing and the region request pipeline.
// INTERIM: until those packages commit their APIs, it holds stand-ins;
// nothing else in the package depends on their shape.

// Credentials are AWS credentials (interim stand-in for iam.Credentials).
type Credentials struct {
	AccessKeyID, SecretAccessKey, SessionToken string
	Expiration                                 time.Time
	Source                                     string
}

type deps struct {
	ledger *billing.Ledger
}

func (s *Service) initDeps() error {
	s.ledger = s.opts.Billing
	if s.ledger == nil {
		s.ledger = billing.New(s.env, nil)
	}
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

type credsCache struct {
	c       Credentials
	fetched time.Time
}

func (m *Machine) roleName() string {
	for i := len(m.profileARN) - 1; i >= 0; i-- {
		if m.profileARN[i] == '/' {
			return m.profileARN[i+1:]
		}
	}
	return m.profileARN
}

// instanceCredentials returns the profile's role credentials, refreshed
// CredentialRefreshMargin before they expire.
func (m *Machine) instanceCredentials() (Credentials, error) {
	now := m.svc.env.NowTime()
	if m.creds != nil && now.Before(m.creds.c.Expiration.Add(-CredentialRefreshMargin)) {
		return m.creds.c, nil
	}
	c := Credentials{AccessKeyID: "ASIA" + m.id[2:18], SecretAccessKey: "interim", SessionToken: "interim",
		Expiration: now.Add(6 * time.Hour), Source: "ec2-instance-profile"}
	m.creds = &credsCache{c: c, fetched: now}
	return c, nil
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
// start [S16]); spot instances are billed at the pool's spot price, which
// follows the price path while the instance runs.
func (s *Service) meterStart(m *Machine) {
	u := s.usage(m.account, m.region, m.azID, m.id, "BoxUsage:"+string(m.itype.InstanceType), "RunInstances", 1)
	if m.spot != nil {
		u.UsageType = "SpotUsage:" + string(m.itype.InstanceType)
		u.Operation = "RunInstances:SV001"
		u.Price = priceOf(s.priceAt(m.spot.pool, s.env.Now()))
	}
	id, err := s.ledger.StartTimed(u, billing.PerSecond60)
	if err != nil {
		panic("ec2: meter rejected a validated launch: " + err.Error())
	}
	m.meter.ids[0] = id
	if m.spot != nil {
		s.followSpotPrice(m)
	}
}

// followSpotPrice moves a running spot instance's meter to each new price
// step; it stops with the instance.
func (s *Service) followSpotPrice(m *Machine) {
	step := s.opts.Spot.PriceStep
	if step <= 0 {
		return
	}
	now := s.env.Now()
	next := (now/sim.Time(step) + 1) * sim.Time(step)
	m.spot.priceTm = s.env.At(next, func() {
		if !m.meter.ids[0].IsValid() {
			return
		}
		_ = s.ledger.SetTimedPrice(m.meter.ids[0], priceOf(s.priceAt(m.spot.pool, s.env.Now())))
		s.followSpotPrice(m)
	})
}

// meterStop ends the instance's run; an EC2-initiated spot interruption in
// the first hour is free [S11].
func (s *Service) meterStop(m *Machine, ec2Interrupted bool) {
	m.meter.stop(s.ledger, billing.StopOptions{Interrupted: ec2Interrupted && m.spot != nil})
	if m.spot != nil {
		m.spot.priceTm.Stop()
	}
}

// meterSurplusCredits bills surplus CPU credits (one credit = one
// vCPU-minute, the raw unit of CPUCredits:<family>) at $0.05 per
// vCPU-hour [S4]. Fractions of a credit are carried until whole.
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
// io2 all provisioned IOPS (REFERENCE.md 8.1), per second with a 60 s
// minimum [S16], whether or not anything is written.
func (s *Service) meterVolumeStart(v *volume) {
	suffix := string(v.vtype)
	if v.vtype == VolumeTypeIo1 {
		suffix = "piops"
	}
	start := func(i int, ut string, qty int64) {
		if qty <= 0 {
			return
		}
		id, err := s.ledger.StartTimed(s.usage(v.account, v.region, v.azID, v.id, ut, "CreateVolume", qty), billing.PerSecond60)
		if err == nil {
			v.meter.ids[i] = id
		}
	}
	start(0, "EBS:VolumeUsage."+suffix, int64(v.size))
	switch v.vtype {
	case VolumeTypeGp3:
		start(1, "EBS:VolumeP-IOPS.gp3", int64(v.iops-VolumeSpecs[VolumeTypeGp3].BaselineIOPS))
		start(2, "EBS:VolumeP-Throughput.gp3", int64(v.throughput-VolumeSpecs[VolumeTypeGp3].BaselineThroughputMiBps))
	case VolumeTypeIo1, VolumeTypeIo2:
		start(1, "EBS:VolumeP-IOPS."+suffix, int64(v.iops))
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
// a region; a type it cannot price is not offered there.
func (s *Service) canPrice(region string, t InstanceType, spot bool) error {
	ut := "BoxUsage:" + string(t)
	if spot {
		ut = "SpotUsage:" + string(t)
	}
	if _, err := s.ledger.Catalog().Lookup(region, ut); err != nil {
		return clientErr("Unsupported", "Your requested instance type (%s) is not supported in your requested region (%s).", t, region)
	}
	return nil
}

// Client is an EC2 client for one region and one set of credentials, like
// aws-sdk-go-v2's ec2.Client built from a config.
type Client struct {
	svc    *Service
	region string
	creds  Credentials
}

// NewClient returns a client calling region's endpoint with creds.
func (s *Service) NewClient(region string, creds Credentials) *Client {
	return &Client{svc: s, region: region, creds: creds}
}

// callInfo is what the pipeline needs about one request.
type callInfo struct {
	op        string
	action    string
	resources []string
}

// call runs one API request. INTERIM: runs the effect directly.
func (c *Client) call(ctx context.Context, op string, effect func(account string) error) error {
	if _, ok := ctx.(*sim.Proc); !ok {
		return fmt.Errorf("ec2: %s: ctx must be the calling *sim.Proc", op)
	}
	if _, err := c.svc.w.Region(c.region); err != nil {
		return err
	}
	return effect("123456789012")
}

// resolveInstanceProfile turns a profile name or ARN into its ARN.
// INTERIM: accepts any well-formed name.
func (s *Service) resolveInstanceProfile(account string, ip *IamInstanceProfileSpecification) (string, error) {
	if ip.Arn != "" {
		return ip.Arn, nil
	}
	return "arn:aws:iam::" + account + ":instance-profile/" + ip.Name, nil
}

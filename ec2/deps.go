package ec2

import (
	"context"
	"fmt"
	"time"

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
	usage []UsageRecord
}

func (s *Service) initDeps() error { return nil }

// UsageRecord is one metered usage as ec2 reports it to billing.
type UsageRecord struct {
	Account, UsageType, Operation, Region, AZ, ResourceID string
	Start, End                                            sim.Time
	// Seconds is the billed quantity of time-based usage (after the 60 s
	// minimum and the spot interruption waiver); Quantity other usage.
	Seconds  int64
	Quantity float64
	// PriceMicroUSD is the caller-supplied unit price (spot), per hour.
	PriceMicroUSD int64
}

// Usage returns every usage record ec2 has reported so far.
func (s *Service) Usage() []UsageRecord { return append([]UsageRecord(nil), s.usage...) }

type meterHandle struct {
	start  sim.Time
	active bool
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

// usageType prefixes EC2 usage types with the region code AWS uses.
func usageType(region, ut string) string { return ut }

func billedSeconds(d time.Duration) int64 {
	s := int64((d + time.Second - 1) / time.Second)
	return max(s, 60)
}

func (s *Service) meterStart(m *Machine) {
	m.meter = meterHandle{start: s.env.Now(), active: true}
}

func (s *Service) meterStop(m *Machine, ec2Interrupted bool) {
	if !m.meter.active {
		return
	}
	m.meter.active = false
	now := s.env.Now()
	d := now.Sub(m.meter.start)
	r := UsageRecord{Account: m.account, Operation: "RunInstances", Region: m.region, AZ: m.azID, ResourceID: m.id,
		Start: m.meter.start, End: now, Seconds: billedSeconds(d)}
	if m.spot != nil {
		r.UsageType = usageType(m.region, "SpotUsage:"+string(m.itype.InstanceType))
		r.Operation = "RunInstances:SV001"
		r.PriceMicroUSD = s.priceAt(m.spot.pool, m.meter.start)
		// EC2-initiated interruption in the first instance-hour: no
		// charge [S11].
		if ec2Interrupted && d < time.Hour {
			r.Seconds = 0
		}
	} else {
		r.UsageType = usageType(m.region, "BoxUsage:"+string(m.itype.InstanceType))
	}
	s.usage = append(s.usage, r)
}

func (s *Service) meterSurplusCredits(m *Machine, credits float64) {
	s.usage = append(s.usage, UsageRecord{Account: m.account, UsageType: usageType(m.region, "CPUCredits:"+m.itype.Family),
		Operation: "RunInstances", Region: m.region, AZ: m.azID, ResourceID: m.id, Start: s.env.Now(), End: s.env.Now(),
		Quantity: creditsToVCPUHours(credits)})
}

func (s *Service) meterVolumeStart(v *volume) { v.meter = meterHandle{start: s.env.Now(), active: true} }

func (s *Service) meterVolumeStop(v *volume) {
	if !v.meter.active {
		return
	}
	v.meter.active = false
	now := s.env.Now()
	s.usage = append(s.usage, UsageRecord{Account: v.account, UsageType: usageType(v.region, "EBS:VolumeUsage."+string(v.vtype)),
		Operation: "CreateVolume", Region: v.region, AZ: v.azID, ResourceID: v.id, Start: v.meter.start, End: now,
		Seconds: billedSeconds(now.Sub(v.meter.start)), Quantity: float64(v.size)})
}

func (s *Service) meterSnapshotStart(sn *snapshot) { sn.meter = meterHandle{start: s.env.Now(), active: true} }
func (s *Service) meterSnapshotStop(sn *snapshot) {
	if !sn.meter.active {
		return
	}
	sn.meter.active = false
	now := s.env.Now()
	s.usage = append(s.usage, UsageRecord{Account: sn.account, UsageType: usageType(sn.region, "EBS:SnapshotUsage"),
		Operation: "CreateSnapshot", Region: sn.region, ResourceID: sn.id, Start: sn.meter.start, End: now,
		Seconds: int64(now.Sub(sn.meter.start) / time.Second), Quantity: float64(sn.size)})
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

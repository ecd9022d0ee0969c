package ec2

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/internal/awserr"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
)

// vCPU-based instance quotas per account and region, one per On-Demand
// instance class and one per Spot class, as "Amazon EC2 instance type
// quotas" and "Spot Instance quotas" describe them:
// https://docs.aws.amazon.com/ec2/latest/instancetypes/ec2-instance-quotas.html
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-spot-limits.html
// A quota counts the vCPUs of the account's pending and running instances
// of its class in the region. A launch or start that would exceed an
// On-Demand quota fails with VcpuLimitExceeded, a Spot one with
// MaxSpotInstanceCountExceeded; neither is a capacity error. Increases go
// through a Service Quotas-shaped API (QuotasClient), approved after
// QuotaOptions.ApprovalDelay.

// QuotaClass is an instance quota class.
type QuotaClass string

// The classes and their instance families.
const (
	QuotaStandard QuotaClass = "Standard" // A, C, D, H, I, M, R, T, Z
	QuotaGVT      QuotaClass = "G and VT"
	QuotaP        QuotaClass = "P"
	QuotaInf      QuotaClass = "Inf"
	QuotaTrn      QuotaClass = "Trn"
	QuotaX        QuotaClass = "X"
)

// Quota describes one EC2 quota as Service Quotas lists it.
type Quota struct {
	ServiceCode string // "ec2"
	QuotaCode   string // "L-1216C47A"
	QuotaName   string
	Class       QuotaClass
	Spot        bool
	// Value is the applied value in vCPUs; NewAccountValue AWS's default
	// for a new account.
	Value           int
	NewAccountValue int
	Adjustable      bool
}

// quotaDef is one quota's identity and new-account default. The codes are
// the Service Quotas console's. Spot defaults are the published ones (All
// Standard Spot Instance Requests 5, every other class 0:
// https://docs.aws.amazon.com/AWSEC2/latest/WindowsGuide/using-spot-limits.html);
// the On-Demand defaults mirror them (Standard 5, accelerated classes 0),
// an assumption: AWS publishes no fixed figure, and adjusts each account's
// values over time. AWS now splits P Spot into "P4, P3 and P2" and "P5"
// quotas, and counts open Spot requests as well as running instances;
// this package keeps one P quota and counts pending and running instances.
type quotaDef struct {
	class      QuotaClass
	spot       bool
	code, name string
	def        int
}

func quotaDefs() []quotaDef {
	return []quotaDef{
		{QuotaStandard, false, "L-1216C47A", "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances", 5},
		{QuotaGVT, false, "L-DB2E81BA", "Running On-Demand G and VT instances", 0},
		{QuotaP, false, "L-417A185B", "Running On-Demand P instances", 0},
		{QuotaInf, false, "L-1945791B", "Running On-Demand Inf instances", 0},
		{QuotaTrn, false, "L-2C3B7624", "Running On-Demand Trn instances", 0},
		{QuotaX, false, "L-7295265B", "Running On-Demand X instances", 0},
		{QuotaStandard, true, "L-34B43A08", "All Standard (A, C, D, H, I, M, R, T, Z) Spot Instance Requests", 5},
		{QuotaGVT, true, "L-3819A6DF", "All G and VT Spot Instance Requests", 0},
		{QuotaP, true, "L-7212CCBC", "All P Spot Instance Requests", 0},
		{QuotaInf, true, "L-B5D1601B", "All Inf Spot Instance Requests", 0},
		{QuotaTrn, true, "L-5480EFD2", "All Trn Spot Instance Requests", 0},
		{QuotaX, true, "L-E3A00192", "All X Spot Instance Requests", 0},
	}
}

// QuotaClassOf returns the quota class of an instance family.
func QuotaClassOf(family string) QuotaClass {
	switch {
	case strings.HasPrefix(family, "inf"):
		return QuotaInf
	case strings.HasPrefix(family, "trn"):
		return QuotaTrn
	case strings.HasPrefix(family, "vt"), strings.HasPrefix(family, "g"):
		return QuotaGVT
	case strings.HasPrefix(family, "p"):
		return QuotaP
	case strings.HasPrefix(family, "x"), strings.HasPrefix(family, "u-"):
		return QuotaX
	}
	return QuotaStandard
}

// QuotaOptions turn quotas on (Options.Quotas; nil leaves launches
// unlimited, as an established account with raised quotas). The zero value
// is a new account's quotas (NewAccountQuotas).
type QuotaOptions struct {
	// Values overrides the new-account default of quota codes for every
	// account and region ({"L-DB2E81BA": 64}).
	Values map[string]int
	// ApprovalDelay is how long an increase request stays PENDING before it
	// is APPROVED (default 30 minutes; AWS approves small increases
	// automatically, usually within an hour: an assumption).
	ApprovalDelay time.Duration
}

// NewAccountQuotas returns the quotas of a new AWS account: every quota at
// its new-account value (Standard 5 vCPUs On-Demand and Spot; G and VT, P,
// Inf, Trn and X 0, so accelerated instances need an increase first,
// through QuotasClient or QuotaOptions.Values). Set Options.Quotas to it
// to launch as a new account does:
//
//	ec2.Options{Quotas: ec2.NewAccountQuotas()}
//
// Quotas stay off unless Options.Quotas is set: the scenarios built on this
// package model established accounts whose quotas were raised long ago.
// Spot defaults: https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-spot-limits.html
func NewAccountQuotas() *QuotaOptions { return &QuotaOptions{} }

type quotaKey struct {
	account, region string
	class           QuotaClass
	spot            bool
}

type quotaState struct {
	opts     QuotaOptions
	defs     map[string]quotaDef // by code
	applied  map[quotaKey]int    // values raised by approved requests
	used     map[quotaKey]int    // vCPUs of pending and running instances
	requests map[string]*RequestedServiceQuotaChange
	seq      uint64
}

func newQuotaState(o *QuotaOptions) (*quotaState, error) {
	q := &quotaState{opts: *o, defs: map[string]quotaDef{}, applied: map[quotaKey]int{}, used: map[quotaKey]int{},
		requests: map[string]*RequestedServiceQuotaChange{}}
	for _, d := range quotaDefs() {
		q.defs[d.code] = d
	}
	for code, v := range o.Values {
		if _, ok := q.defs[code]; !ok {
			return nil, fmt.Errorf("ec2: QuotaOptions.Values: unknown quota code %q", code)
		}
		if v < 0 {
			return nil, fmt.Errorf("ec2: QuotaOptions.Values[%s] = %d: want a non-negative vCPU count", code, v)
		}
	}
	if q.opts.ApprovalDelay < 0 {
		return nil, fmt.Errorf("ec2: QuotaOptions.ApprovalDelay %v is negative", q.opts.ApprovalDelay)
	}
	if q.opts.ApprovalDelay == 0 {
		q.opts.ApprovalDelay = 30 * time.Minute
	}
	return q, nil
}

func (q *quotaState) def(class QuotaClass, spot bool) quotaDef {
	for _, d := range quotaDefs() {
		if d.class == class && d.spot == spot {
			return d
		}
	}
	panic("ec2: no quota for class " + string(class))
}

func (q *quotaState) limit(k quotaKey) int {
	if v, ok := q.applied[k]; ok {
		return v
	}
	d := q.def(k.class, k.spot)
	if v, ok := q.opts.Values[d.code]; ok {
		return v
	}
	return d.def
}

func quotaKeyOf(m *Machine) quotaKey {
	return quotaKey{m.account, m.region, QuotaClassOf(m.itype.Family), m.spot != nil}
}

func countsTowardQuota(st InstanceStateName) bool {
	return st == InstanceStatePending || st == InstanceStateRunning
}

// trackQuota follows a state change in the usage counters.
func (s *Service) trackQuota(m *Machine, from, to InstanceStateName) {
	q := s.quotas
	if q == nil || countsTowardQuota(from) == countsTowardQuota(to) {
		return
	}
	k := quotaKeyOf(m)
	if countsTowardQuota(to) {
		q.used[k] += m.itype.VCPUs
	} else {
		q.used[k] -= m.itype.VCPUs
	}
}

// quotaRoom returns how many more instances of it the account may run,
// and the error to give when that is too few.
func (s *Service) quotaRoom(account, region string, it InstanceTypeInfo, spot bool) (int, error) {
	q := s.quotas
	if q == nil {
		return 1 << 30, nil
	}
	k := quotaKey{account, region, QuotaClassOf(it.Family), spot}
	lim := q.limit(k)
	free := lim - q.used[k]
	n := 0
	if free > 0 {
		n = free / it.VCPUs
	}
	if spot {
		return n, clientErr("MaxSpotInstanceCountExceeded",
			"Max spot instance count exceeded: the request needs %d vCPUs of class %s, %d of the account's %d are in use.",
			it.VCPUs, k.class, q.used[k], lim)
	}
	return n, clientErr("VcpuLimitExceeded",
		"You have requested more vCPU capacity than your current vCPU limit of %d allows for the instance bucket that the specified instance type belongs to. "+
			"Please visit http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit.", lim)
}

// checkLaunchQuota lets a RunInstances launch at most as many instances as
// the quota has room for, and fails when that is below MinCount.
func (s *Service) checkLaunchQuota(account, region string, sp *launchSpec, in *RunInstancesInput) error {
	sp.extra.maxCount = in.MaxCount
	if s.quotas == nil || s.noQuotaCheck {
		return nil
	}
	n, err := s.quotaRoom(account, region, sp.it, sp.spot != nil)
	if n < int(in.MinCount) {
		return err
	}
	if n < int(in.MaxCount) {
		sp.extra.maxCount = int32(n)
	}
	return nil
}

// checkStartQuota refuses a StartInstances whose stopped instances would
// exceed a quota.
func (s *Service) checkStartQuota(account, region string, ms []*Machine) error {
	if s.quotas == nil {
		return nil
	}
	need := map[quotaKey]int{}
	for _, m := range ms {
		if m.state == InstanceStateStopped {
			need[quotaKeyOf(m)] += m.itype.VCPUs
		}
	}
	for _, m := range ms {
		k := quotaKeyOf(m)
		if n, ok := need[k]; ok && s.quotas.used[k]+n > s.quotas.limit(k) {
			_, err := s.quotaRoom(account, region, m.itype, m.spot != nil)
			return err
		}
	}
	return nil
}

// RequestedServiceQuotaChange is a quota increase request, as Service
// Quotas reports it.
type RequestedServiceQuotaChange struct {
	Id           string
	ServiceCode  string
	QuotaCode    string
	QuotaName    string
	DesiredValue float64
	// Status: PENDING, then APPROVED (CASE_OPENED, DENIED are AWS's other
	// values, not modelled).
	Status      string
	Created     time.Time
	LastUpdated time.Time
	account     string
	region      string
}

// QuotasClient is a Service Quotas client for EC2's quotas in one region
// (aws-sdk-go-v2's servicequotas.Client, the EC2 part of it). Calls go
// through the world's request pipeline as service "servicequotas": the
// caller needs servicequotas:* permissions.
type QuotasClient struct {
	svc    *Service
	region string
	creds  iam.Credentials
}

// NewQuotasClient returns a Service Quotas client. Quotas must be on
// (Options.Quotas), or every call fails with NoSuchResourceException.
func (s *Service) NewQuotasClient(region string, creds iam.Credentials) *QuotasClient {
	return &QuotasClient{svc: s, region: region, creds: creds}
}

func (c *QuotasClient) call(ctx context.Context, op string, effect func(account string) error) error {
	p, ok := ctx.(*sim.Proc)
	if !ok {
		return awserr.Operation("Service Quotas", op, fmt.Errorf("servicequotas: %s: ctx must be the calling *sim.Proc", op))
	}
	req := region.Request{Service: "servicequotas", ServiceID: "Service Quotas", Operation: op, Region: c.region,
		Credentials: region.Credentials(c.creds), Resource: "*"}
	return c.svc.w.Call(p, req, func(rc *region.Call) error {
		if c.svc.quotas == nil {
			return sqErr("NoSuchResourceException", "EC2 quotas are not enabled in this world (ec2.Options.Quotas).")
		}
		return effect(rc.Principal().Account)
	})
}

func sqErr(code, format string, args ...any) error {
	return awserr.New(code, 400, false, format, args...)
}

func (c *QuotasClient) lookupQuota(serviceCode, code string) (quotaDef, error) {
	if serviceCode != "ec2" {
		return quotaDef{}, sqErr("NoSuchResourceException", "The request failed because the specified service %q does not exist here (only ec2).", serviceCode)
	}
	d, ok := c.svc.quotas.defs[code]
	if !ok {
		return quotaDef{}, sqErr("NoSuchResourceException", "The request failed because the specified quota %s does not exist.", code)
	}
	return d, nil
}

func (c *QuotasClient) quota(account string, d quotaDef) Quota {
	k := quotaKey{account, c.region, d.class, d.spot}
	return Quota{ServiceCode: "ec2", QuotaCode: d.code, QuotaName: d.name, Class: d.class, Spot: d.spot,
		Value: c.svc.quotas.limit(k), NewAccountValue: d.def, Adjustable: true}
}

// GetServiceQuota returns a quota's applied value for the caller's account.
func (c *QuotasClient) GetServiceQuota(ctx context.Context, serviceCode, quotaCode string) (Quota, error) {
	var out Quota
	err := c.call(ctx, "GetServiceQuota", func(account string) error {
		d, err := c.lookupQuota(serviceCode, quotaCode)
		if err != nil {
			return err
		}
		out = c.quota(account, d)
		return nil
	})
	return out, err
}

// ListServiceQuotas lists EC2's instance quotas for the caller's account.
func (c *QuotasClient) ListServiceQuotas(ctx context.Context, serviceCode string) ([]Quota, error) {
	var out []Quota
	err := c.call(ctx, "ListServiceQuotas", func(account string) error {
		if serviceCode != "ec2" {
			return sqErr("NoSuchResourceException", "The request failed because the specified service %q does not exist here (only ec2).", serviceCode)
		}
		for _, d := range quotaDefs() {
			out = append(out, c.quota(account, d))
		}
		return nil
	})
	return out, err
}

// RequestServiceQuotaIncrease asks for a higher value. A value not above
// the applied one is IllegalArgumentException, a second open request for
// the same quota ResourceAlreadyExistsException; neither changes anything.
// The request is APPROVED after QuotaOptions.ApprovalDelay, and the new
// value applies from then.
func (c *QuotasClient) RequestServiceQuotaIncrease(ctx context.Context, serviceCode, quotaCode string, desired float64) (*RequestedServiceQuotaChange, error) {
	var out *RequestedServiceQuotaChange
	err := c.call(ctx, "RequestServiceQuotaIncrease", func(account string) error {
		d, err := c.lookupQuota(serviceCode, quotaCode)
		if err != nil {
			return err
		}
		q := c.svc.quotas
		cur := q.limit(quotaKey{account, c.region, d.class, d.spot})
		if desired != float64(int(desired)) || desired <= float64(cur) {
			return sqErr("IllegalArgumentException",
				"The requested value %v for quota %s must be a whole number greater than the current value %d.", desired, quotaCode, cur)
		}
		for _, r := range q.requests {
			if r.account == account && r.region == c.region && r.QuotaCode == quotaCode && r.Status == "PENDING" {
				return sqErr("ResourceAlreadyExistsException", "A request for quota %s is already pending (%s).", quotaCode, r.Id)
			}
		}
		q.seq++
		now := c.svc.env.NowTime()
		r := &RequestedServiceQuotaChange{Id: fmt.Sprintf("%032x", q.seq*0x9e3779b97f4a7c15), ServiceCode: "ec2", QuotaCode: quotaCode,
			QuotaName: d.name, DesiredValue: desired, Status: "PENDING", Created: now, LastUpdated: now, account: account, region: c.region}
		q.requests[r.Id] = r
		k := quotaKey{account, c.region, d.class, d.spot}
		c.svc.env.AfterDaemon(q.opts.ApprovalDelay, func() {
			r.Status, r.LastUpdated = "APPROVED", c.svc.env.NowTime()
			if int(desired) > q.limit(k) {
				q.applied[k] = int(desired)
			}
		})
		cp := *r
		out = &cp
		return nil
	})
	return out, err
}

// GetRequestedServiceQuotaChange returns a request's current state.
func (c *QuotasClient) GetRequestedServiceQuotaChange(ctx context.Context, requestID string) (*RequestedServiceQuotaChange, error) {
	var out *RequestedServiceQuotaChange
	err := c.call(ctx, "GetRequestedServiceQuotaChange", func(account string) error {
		r, ok := c.svc.quotas.requests[requestID]
		if !ok || r.account != account {
			return sqErr("NoSuchResourceException", "The request %s does not exist.", requestID)
		}
		cp := *r
		out = &cp
		return nil
	})
	return out, err
}

// QuotaCodes returns the EC2 instance quota codes this package models,
// sorted.
func QuotaCodes() []string {
	var out []string
	for _, d := range quotaDefs() {
		out = append(out, d.code)
	}
	sort.Strings(out)
	return out
}

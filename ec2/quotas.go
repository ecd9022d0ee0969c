package ec2

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/nimbus-sim/nimbus/internal/awserr"
)

// vCPU-based instance quotas per account and region, one per On-Demand
// instance class and one per Spot class, as "Amazon EC2 instance type
// quotas" and "Spot Instance quotas" describe them:
// https://docs.aws.amazon.com/ec2/latest/instancetypes/ec2-instance-quotas.html
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-spot-limits.html
// A quota counts the vCPUs of the account's pending and running instances
// of its class in the region. A launch or start that would exceed an
// On-Demand quota fails with VcpuLimitExceeded, a Spot one with
// MaxSpotInstanceCountExceeded; neither is a capacity error. Quotas are on
// by default, at a new account's values; increases go through a Service
// Quotas-shaped API (QuotasClient, quotas_client.go), approved after
// QuotaOptions.ApprovalDelay.

// The quota errors, for errors.Is: a launch or start beyond an On-Demand
// quota, or beyond a Spot one.
var (
	ErrVcpuLimitExceeded            = awserr.Code("VcpuLimitExceeded")
	ErrMaxSpotInstanceCountExceeded = awserr.Code("MaxSpotInstanceCountExceeded")
)

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

// quotaDef is one quota's identity and new-account default.
type quotaDef struct {
	class      QuotaClass
	spot       bool
	code, name string
	def        int
}

// nQuotas is the number of quotas: six classes, On-Demand and Spot.
const nQuotas = 12

// quotaDefs lists the quotas in index order (quotaIndex): each class's
// On-Demand quota, then its Spot one. The codes are the Service Quotas
// console's. The Spot defaults are published (All Standard Spot Instance
// Requests 5 vCPUs, every other class 0):
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-spot-limits.html
// The On-Demand defaults mirror them (Standard 5 vCPUs, the accelerated
// classes and X 0), an assumption: AWS publishes no fixed On-Demand figure
// and adjusts each account's values over time. Users report new accounts
// at 5 Standard vCPUs lately, at 32 in 2020
// (https://github.com/aws-samples/aws-batch-comp-infrastructure-sample/pull/2),
// and GPU launches refused at a limit of 0 until an increase. AWS now
// splits P Spot into "P4, P3 and P2" and "P5" quotas and counts open Spot
// requests as well as running instances; this package keeps one P quota
// and counts pending and running instances.
//
// The table is never modified: every Service's quotaState points to it
// rather than carrying a copy (some 700 bytes a world).
var quotaDefs = [nQuotas]quotaDef{
	{QuotaStandard, false, "L-1216C47A", "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances", 5},
	{QuotaStandard, true, "L-34B43A08", "All Standard (A, C, D, H, I, M, R, T, Z) Spot Instance Requests", 5},
	{QuotaGVT, false, "L-DB2E81BA", "Running On-Demand G and VT instances", 0},
	{QuotaGVT, true, "L-3819A6DF", "All G and VT Spot Instance Requests", 0},
	{QuotaP, false, "L-417A185B", "Running On-Demand P instances", 0},
	{QuotaP, true, "L-7212CCBC", "All P Spot Instance Requests", 0},
	{QuotaInf, false, "L-1945791B", "Running On-Demand Inf instances", 0},
	{QuotaInf, true, "L-B5D1601B", "All Inf Spot Instance Requests", 0},
	{QuotaTrn, false, "L-2C3B7624", "Running On-Demand Trn instances", 0},
	{QuotaTrn, true, "L-6B0D517C", "All Trn Spot Instance Requests", 0},
	{QuotaX, false, "L-7295265B", "Running On-Demand X instances", 0},
	{QuotaX, true, "L-E3A00192", "All X Spot Instance Requests", 0},
}

// QuotaClassOf returns the quota class of an instance family.
func QuotaClassOf(family string) QuotaClass {
	if family == "" {
		return QuotaStandard
	}
	// The classes' prefixes start with distinct letters: the first one
	// picks the only prefix to check (every launch and state change asks).
	switch family[0] {
	case 'i':
		if strings.HasPrefix(family, "inf") {
			return QuotaInf
		}
	case 't':
		if strings.HasPrefix(family, "trn") {
			return QuotaTrn
		}
	case 'v':
		if strings.HasPrefix(family, "vt") {
			return QuotaGVT
		}
	case 'g':
		return QuotaGVT
	case 'p':
		return QuotaP
	case 'x':
		return QuotaX
	case 'u':
		if strings.HasPrefix(family, "u-") {
			return QuotaX
		}
	}
	return QuotaStandard
}

// quotaIndex is the index in quotaDefs of a class's On-Demand or Spot
// quota; -1 for an unknown class.
func quotaIndex(c QuotaClass, spot bool) int {
	i := 0
	switch c {
	case QuotaStandard:
	case QuotaGVT:
		i = 2
	case QuotaP:
		i = 4
	case QuotaInf:
		i = 6
	case QuotaTrn:
		i = 8
	case QuotaX:
		i = 10
	default:
		return -1
	}
	if spot {
		i++
	}
	return i
}

// QuotaCode returns the Service Quotas code of a class's On-Demand or Spot
// quota ("" for an unknown class), for QuotaOptions.Values and
// QuotasClient:
//
//	ec2.QuotaCode(ec2.QuotaP, false) // "L-417A185B", Running On-Demand P instances
func QuotaCode(c QuotaClass, spot bool) string {
	i := quotaIndex(c, spot)
	if i < 0 {
		return ""
	}
	return quotaDefs[i].code
}

// QuotaCodes returns the EC2 instance quota codes this package models,
// sorted.
func QuotaCodes() []string {
	var out []string
	for _, d := range quotaDefs {
		out = append(out, d.code)
	}
	sort.Strings(out)
	return out
}

// QuotaOptions configure the vCPU quotas (Options.Quotas). The zero value,
// like a nil Options.Quotas, gives every account a new account's quotas
// (NewAccountQuotas): 5 Standard vCPUs On-Demand and 5 Spot, none for the
// G and VT, P, Inf, Trn and X classes, so that accelerated instances need
// an increase first (QuotasClient, or Values here).
type QuotaOptions struct {
	// Unlimited turns quotas off: launches are limited only by capacity,
	// as for an established account whose quotas were raised long ago
	// (UnlimitedQuotas). Values, Accounts and ApprovalDelay must then be
	// unset, and QuotasClient's calls fail with NoSuchResourceException.
	Unlimited bool
	// Values sets quotas for every account and region, by Service Quotas
	// code (QuotaCode): {"L-417A185B": 64} gives each account 64 On-Demand
	// P vCPUs per region.
	Values map[string]int
	// Accounts sets quotas of one account (by account ID) in every region,
	// by code, over Values.
	Accounts map[string]map[string]int
	// ApprovalDelay is how long an increase request stays PENDING before it
	// is APPROVED (default 30 minutes; AWS approves small increases
	// automatically, usually within an hour: an assumption).
	ApprovalDelay time.Duration
}

// NewAccountQuotas returns the quotas of a new AWS account, the default:
// every quota at its new-account value (see QuotaOptions).
func NewAccountQuotas() *QuotaOptions { return &QuotaOptions{} }

// UnlimitedQuotas returns options that turn quotas off:
//
//	ec2.Options{Quotas: ec2.UnlimitedQuotas()}
func UnlimitedQuotas() *QuotaOptions { return &QuotaOptions{Unlimited: true} }

// quotaState holds every account's quotas and usage; nil when quotas are
// off.
type quotaState struct {
	opts QuotaOptions
	defs *[nQuotas]quotaDef // &quotaDefs
	// accts is keyed by (account, region): a pair, so that the launch
	// path's lookup builds no key string.
	accts map[[2]string]*quotaAccount
	// last is the entry account answered last: a workload launches from
	// one account and region over and over (entries are never replaced).
	last     *quotaAccount
	lastKey  [2]string
	requests map[string]*RequestedServiceQuotaChange
	seq      uint64
}

// quotaAccount is one account's quotas in one region, by quota index.
type quotaAccount struct {
	limit [nQuotas]int // applied values, vCPUs
	used  [nQuotas]int // vCPUs of pending and running instances
}

// newQuotaState validates o (nil: a new account's quotas) and returns the
// state, nil if quotas are off.
func newQuotaState(o *QuotaOptions) (*quotaState, error) {
	if o == nil {
		o = NewAccountQuotas()
	}
	if o.Unlimited {
		if len(o.Values) > 0 || len(o.Accounts) > 0 || o.ApprovalDelay != 0 {
			return nil, fmt.Errorf("ec2: QuotaOptions: Unlimited turns quotas off; Values, Accounts and ApprovalDelay must be unset")
		}
		return nil, nil
	}
	q := &quotaState{opts: *o, defs: &quotaDefs, accts: map[[2]string]*quotaAccount{},
		requests: map[string]*RequestedServiceQuotaChange{}}
	if err := q.checkValues("Values", o.Values); err != nil {
		return nil, err
	}
	for acct, vs := range o.Accounts {
		if !isAccountID(acct) {
			return nil, fmt.Errorf("ec2: QuotaOptions.Accounts: %q is not a 12-digit account ID", acct)
		}
		if err := q.checkValues("Accounts["+acct+"]", vs); err != nil {
			return nil, err
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

func (q *quotaState) checkValues(field string, vs map[string]int) error {
	for code, v := range vs {
		if q.byCode(code) < 0 {
			return fmt.Errorf("ec2: QuotaOptions.%s: unknown quota code %q (want one of %s)", field, code, strings.Join(QuotaCodes(), ", "))
		}
		if v < 0 {
			return fmt.Errorf("ec2: QuotaOptions.%s[%s] = %d: want a non-negative vCPU count", field, code, v)
		}
	}
	return nil
}

// byCode returns a quota's index, -1 if code is none of EC2's.
func (q *quotaState) byCode(code string) int {
	for i := range q.defs {
		if q.defs[i].code == code {
			return i
		}
	}
	return -1
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// account returns an account's quotas in a region, made at their
// configured values on first use.
func (q *quotaState) account(account, region string) *quotaAccount {
	k := [2]string{account, region}
	if q.last != nil && q.lastKey == k {
		return q.last
	}
	if a := q.accts[k]; a != nil {
		q.last, q.lastKey = a, k
		return a
	}
	a := &quotaAccount{}
	per := q.opts.Accounts[account]
	for i, d := range q.defs {
		a.limit[i] = d.def
		if v, ok := q.opts.Values[d.code]; ok {
			a.limit[i] = v
		}
		if v, ok := per[d.code]; ok {
			a.limit[i] = v
		}
	}
	q.accts[k] = a
	q.last, q.lastKey = a, k
	return a
}

// machineQuota returns the quota index of an instance's type and market.
func machineQuota(m *Machine) int {
	return quotaIndex(QuotaClassOf(m.itype.Family), m.spot != nil)
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
	a := m.machineHome.quota
	if a == nil {
		a = q.account(m.account, m.region) // kept: q.accts never replaces an entry
		m.machineHome.quota = a
	}
	i := machineQuota(m)
	if countsTowardQuota(to) {
		a.used[i] += m.itype.VCPUs
	} else {
		a.used[i] -= m.itype.VCPUs
	}
}

// room returns how many more instances of vcpus each quota i has room for.
func (a *quotaAccount) room(i, vcpus int) int {
	free := a.limit[i] - a.used[i]
	if free <= 0 {
		return 0
	}
	if vcpus <= 0 {
		return free
	}
	return free / vcpus
}

// exceeded is the error of a launch or start beyond quota i. It is built
// only on failure, so that the check costs no allocation when it passes.
func (q *quotaState) exceeded(a *quotaAccount, i int, it InstanceTypeInfo) error {
	d := q.defs[i]
	if d.spot {
		// EC2's message is the first sentence:
		// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-spot-limits.html
		return clientErr("MaxSpotInstanceCountExceeded",
			"Max spot instance count exceeded: %s needs %d vCPUs of quota %s (%s), and %d of its %d vCPUs are in use.",
			it.InstanceType, it.VCPUs, d.code, d.name, a.used[i], a.limit[i])
	}
	// EC2's message, word for word, as users report it.
	return clientErr("VcpuLimitExceeded",
		"You have requested more vCPU capacity than your current vCPU limit of %d allows for the instance bucket that the specified instance type belongs to. "+
			"Please visit http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit.", a.limit[i])
}

// checkLaunchQuota lets a RunInstances launch at most as many instances as
// the quota has room for, and fails when that is below MinCount.
func (s *Service) checkLaunchQuota(account, region string, sp *launchSpec, in *RunInstancesInput) error {
	sp.extra.maxCount = in.MaxCount
	q := s.quotas
	if q == nil || s.noQuotaCheck {
		return nil
	}
	a, i := q.account(account, region), quotaIndex(QuotaClassOf(sp.it.Family), sp.spot != nil)
	n := a.room(i, sp.it.VCPUs)
	if n < int(in.MinCount) {
		return q.exceeded(a, i, sp.it)
	}
	if n < int(in.MaxCount) {
		sp.extra.maxCount = int32(n)
	}
	return nil
}

// checkStartQuota refuses a StartInstances whose stopped instances (of
// the account, in the region) would exceed a quota.
func (s *Service) checkStartQuota(account, region string, ms []*Machine) error {
	q := s.quotas
	if q == nil {
		return nil
	}
	a := q.account(account, region)
	var need [nQuotas]int
	for _, m := range ms {
		if m.state == InstanceStateStopped {
			need[machineQuota(m)] += m.itype.VCPUs
		}
	}
	for _, m := range ms {
		if i := machineQuota(m); need[i] > 0 && a.used[i]+need[i] > a.limit[i] {
			return q.exceeded(a, i, *m.itype)
		}
	}
	return nil
}

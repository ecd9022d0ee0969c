package ec2

import (
	"context"
	"time"

	"github.com/nimbus-sim/nimbus/sim"
)

// T2 launch credits and credit-mode switches, as "Standard mode concepts"
// and "Unlimited mode concepts" describe them:
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/burstable-performance-instances-standard-mode-concepts.html
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/burstable-performance-instances-unlimited-mode-concepts.html
//   - T2 Standard instances get 30 launch credits per vCPU at each launch
//     and each start; T2 Unlimited, T3, T3a and T4g get none;
//   - launch credits are spent first, and do not count against the credit
//     balance limit (a t2.micro idle for 24 h holds 30 + 144);
//   - at most 100 launches or starts of T2 Standard instances per account,
//     per region, per rolling 24 hours earn them (DefaultLaunchCreditLimit;
//     Options.LaunchCreditLimit, as new accounts may have less);
//   - switching standard -> unlimited removes launch credits and keeps the
//     earned ones; unlimited -> standard keeps the balance and charges the
//     spent surplus credits at once; a T2 switched to standard gets no
//     launch credits for it.

// DefaultLaunchCreditLimit is the documented limit of T2 Standard launches
// or starts that earn launch credits per account, region and 24 hours.
const DefaultLaunchCreditLimit = 100

// grantLaunchCredits gives a T2 Standard instance its launch credits as it
// becomes running, if the account's rolling 24-hour allowance has room.
func (s *Service) grantLaunchCredits(m *Machine) {
	c := m.credits
	if c.mode != CreditStandard || m.itype.LaunchCreditsPerVCPU == 0 {
		return
	}
	now := s.env.Now()
	k := [2]string{m.account, m.region}
	if s.launchGrants == nil {
		s.launchGrants = map[[2]string][]sim.Time{}
	}
	ts := s.launchGrants[k]
	i := 0
	for i < len(ts) && now.Sub(ts[i]) >= 24*time.Hour {
		i++
	}
	ts = ts[i:]
	limit := s.opts.LaunchCreditLimit
	if limit == 0 {
		limit = DefaultLaunchCreditLimit
	}
	if limit > 0 && len(ts) < limit {
		c.launch = float64(m.itype.LaunchCreditsPerVCPU * m.itype.VCPUs)
		ts = append(ts, now)
	}
	s.launchGrants[k] = ts
}

// InstanceCreditSpecificationRequest sets one instance's credit mode.
type InstanceCreditSpecificationRequest struct {
	InstanceId string
	CpuCredits CreditMode
}

// SuccessfulInstanceCreditSpecificationItem names a modified instance.
type SuccessfulInstanceCreditSpecificationItem struct{ InstanceId string }

// UnsuccessfulInstanceCreditSpecificationItem names an instance that could
// not be modified, with EC2's error.
type UnsuccessfulInstanceCreditSpecificationItem struct {
	InstanceId string
	Error      struct{ Code, Message string }
}

// ModifyInstanceCreditSpecificationInput lists the changes.
type ModifyInstanceCreditSpecificationInput struct {
	InstanceCreditSpecifications []InstanceCreditSpecificationRequest
	DryRun                       bool
}

// ModifyInstanceCreditSpecificationOutput reports each instance's outcome.
type ModifyInstanceCreditSpecificationOutput struct {
	SuccessfulInstanceCreditSpecifications   []SuccessfulInstanceCreditSpecificationItem
	UnsuccessfulInstanceCreditSpecifications []UnsuccessfulInstanceCreditSpecificationItem
}

// ModifyInstanceCreditSpecification switches burstable instances between
// standard and unlimited, running or stopped. Instances that cannot be
// switched (not burstable, unknown, terminated) are reported unsuccessful,
// as EC2 does, and keep their mode.
func (c *Client) ModifyInstanceCreditSpecification(ctx context.Context, in *ModifyInstanceCreditSpecificationInput) (*ModifyInstanceCreditSpecificationOutput, error) {
	if in == nil {
		in = &ModifyInstanceCreditSpecificationInput{}
	}
	var ids []string
	for _, r := range in.InstanceCreditSpecifications {
		ids = append(ids, r.InstanceId)
	}
	out := &ModifyInstanceCreditSpecificationOutput{}
	err := c.call(ctx, "ModifyInstanceCreditSpecification", first("instance", ids), rest("instance", ids), func(account string) error {
		if in.DryRun {
			return errDryRun()
		}
		if len(in.InstanceCreditSpecifications) == 0 {
			return clientErr("MissingParameter", "The request must contain the parameter InstanceCreditSpecification")
		}
		s := c.svc
		fail := func(id, code, msg string) {
			u := UnsuccessfulInstanceCreditSpecificationItem{InstanceId: id}
			u.Error.Code, u.Error.Message = code, msg
			out.UnsuccessfulInstanceCreditSpecifications = append(out.UnsuccessfulInstanceCreditSpecifications, u)
		}
		for _, r := range in.InstanceCreditSpecifications {
			m, ok := s.instance(r.InstanceId)
			switch {
			case !ok || m.account != account || m.region != c.region:
				fail(r.InstanceId, "InvalidInstanceID.NotFound", "The instance ID '"+r.InstanceId+"' does not exist")
				continue
			case r.CpuCredits != CreditStandard && r.CpuCredits != CreditUnlimited:
				fail(r.InstanceId, "InvalidParameterValue", "Value ("+string(r.CpuCredits)+") for parameter CpuCredits is invalid. Valid values are: standard, unlimited.")
				continue
			case m.credits == nil:
				fail(r.InstanceId, "UnsupportedOperation", "The instance type "+string(m.itype.InstanceType)+" does not support the CPU credit option.")
				continue
			case m.state == InstanceStateShuttingDown || m.state == InstanceStateTerminated:
				fail(r.InstanceId, "IncorrectInstanceState", "The instance '"+r.InstanceId+"' is not in a state from which its credit option can be modified.")
				continue
			}
			if m.spot == nil || r.CpuCredits == CreditStandard {
				if err := s.canPrice(c.region, m.itype, false, r.CpuCredits); err != nil {
					fail(r.InstanceId, "Unsupported", err.Error())
					continue
				}
			}
			s.switchCredits(m, r.CpuCredits)
			out.SuccessfulInstanceCreditSpecifications = append(out.SuccessfulInstanceCreditSpecifications, SuccessfulInstanceCreditSpecificationItem{m.id})
		}
		return nil
	})
	return out, wrap("ModifyInstanceCreditSpecification", err)
}

func (s *Service) switchCredits(m *Machine, mode CreditMode) {
	c := m.credits
	if c.mode == mode {
		return
	}
	s.chargeCredits(m, false) // integrate up to now under the old mode
	switch mode {
	case CreditUnlimited:
		c.launch = 0 // launch credits are removed; earned ones carry over
	case CreditStandard:
		if sur := c.settle(); sur > 0 { // spent surplus is charged at once
			s.meterSurplusCredits(m, sur)
		}
	}
	c.mode = mode
	s.creditsChanged(m)
}

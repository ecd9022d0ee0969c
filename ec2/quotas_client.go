package ec2

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/internal/awserr"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
)

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

// NewQuotasClient returns a Service Quotas client. With quotas off
// (UnlimitedQuotas) every call fails with NoSuchResourceException.
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
			return sqErr("NoSuchResourceException", "EC2 quotas are off in this world (ec2.Options.Quotas is UnlimitedQuotas()).")
		}
		return effect(rc.Principal().Account)
	})
}

func sqErr(code, format string, args ...any) error {
	return awserr.New(code, 400, false, format, args...)
}

// checkService refuses a service code other than EC2's, the one service
// whose quotas this client holds.
func checkService(serviceCode string) error {
	if serviceCode != "ec2" {
		return sqErr("NoSuchResourceException", "The request failed because the specified service %q does not exist here (only ec2).", serviceCode)
	}
	return nil
}

func (c *QuotasClient) lookupQuota(serviceCode, code string) (int, error) {
	if err := checkService(serviceCode); err != nil {
		return -1, err
	}
	i := c.svc.quotas.byCode(code)
	if i < 0 {
		return -1, sqErr("NoSuchResourceException", "The request failed because the specified quota %s does not exist.", code)
	}
	return i, nil
}

func (c *QuotasClient) quota(account string, i int) Quota {
	q := c.svc.quotas
	d := q.defs[i]
	return Quota{ServiceCode: "ec2", QuotaCode: d.code, QuotaName: d.name, Class: d.class, Spot: d.spot,
		Value: q.account(account, c.region).limit[i], NewAccountValue: d.def, Adjustable: true}
}

// GetServiceQuota returns a quota's applied value for the caller's account.
func (c *QuotasClient) GetServiceQuota(ctx context.Context, serviceCode, quotaCode string) (Quota, error) {
	var out Quota
	err := c.call(ctx, "GetServiceQuota", func(account string) error {
		i, err := c.lookupQuota(serviceCode, quotaCode)
		if err != nil {
			return err
		}
		out = c.quota(account, i)
		return nil
	})
	return out, err
}

// ListServiceQuotas lists EC2's instance quotas for the caller's account.
func (c *QuotasClient) ListServiceQuotas(ctx context.Context, serviceCode string) ([]Quota, error) {
	var out []Quota
	err := c.call(ctx, "ListServiceQuotas", func(account string) error {
		if err := checkService(serviceCode); err != nil {
			return err
		}
		for i := range c.svc.quotas.defs {
			out = append(out, c.quota(account, i))
		}
		return nil
	})
	return out, err
}

// maxQuotaValue is the largest DesiredValue the API accepts (its model's
// range, 0 to 10,000,000,000).
const maxQuotaValue = 1e10

// RequestServiceQuotaIncrease asks for a higher value. A value not above
// the applied one (or not a whole vCPU count) is IllegalArgumentException,
// a second open request for the same quota ResourceAlreadyExistsException;
// neither changes anything. The messages are Service Quotas', as users
// report them:
// https://github.com/cloud-custodian/cloud-custodian/pull/8939
// https://github.com/hashicorp/terraform-provider-aws/pull/43606
// The request is APPROVED after QuotaOptions.ApprovalDelay, and the new
// value applies from then.
func (c *QuotasClient) RequestServiceQuotaIncrease(ctx context.Context, serviceCode, quotaCode string, desired float64) (*RequestedServiceQuotaChange, error) {
	var out *RequestedServiceQuotaChange
	err := c.call(ctx, "RequestServiceQuotaIncrease", func(account string) error {
		i, err := c.lookupQuota(serviceCode, quotaCode)
		if err != nil {
			return err
		}
		q := c.svc.quotas
		a := q.account(account, c.region)
		cur := a.limit[i]
		if math.IsNaN(desired) || desired > maxQuotaValue || desired != math.Trunc(desired) {
			return sqErr("IllegalArgumentException", "The desired value %v for quota %s must be a whole number of vCPUs up to %.0f.", desired, quotaCode, float64(maxQuotaValue))
		}
		if desired <= float64(cur) {
			return sqErr("IllegalArgumentException",
				"You must provide a quota value greater than the current quota value (%s: requested %v, current %d).", quotaCode, desired, cur)
		}
		for _, r := range q.requests {
			if r.account == account && r.region == c.region && r.QuotaCode == quotaCode && r.Status == "PENDING" {
				return sqErr("ResourceAlreadyExistsException",
					"Only one open service quota increase request is allowed per quota (%s has request %s open).", quotaCode, r.Id)
			}
		}
		q.seq++
		now := c.svc.env.NowTime()
		r := &RequestedServiceQuotaChange{Id: fmt.Sprintf("%032x", q.seq*0x9e3779b97f4a7c15), ServiceCode: "ec2", QuotaCode: quotaCode,
			QuotaName: q.defs[i].name, DesiredValue: desired, Status: "PENDING", Created: now, LastUpdated: now, account: account, region: c.region}
		q.requests[r.Id] = r
		c.svc.env.AfterDaemon(q.opts.ApprovalDelay, func() {
			r.Status, r.LastUpdated = "APPROVED", c.svc.env.NowTime()
			if v := int(desired); v > a.limit[i] {
				a.limit[i] = v
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

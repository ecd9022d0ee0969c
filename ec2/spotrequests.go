package ec2

import (
	"context"
	"sort"
	"strconv"
	"time"

	"github.com/nimbus-sim/nimbus/iam"
)

// Spot Instance requests (RequestSpotInstances), as "Spot Instance
// requests" describes their states:
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/spot-requests.html
// A request is open until EC2 launches its instance (active); a one-time
// request then closes when the instance ends, a persistent one goes back
// to open and launches a new instance when capacity (and the price) allow
// again, until it is cancelled. Terminating the instance of a persistent
// request yourself also reopens it: cancel the request first. Cancelling
// does not terminate the instance. While open, EC2 retries every
// SpotRequestRetry.
//
// A request whose interruption behaviour is stop or hibernate becomes
// "disabled" while EC2 has its instance stopped, and EC2 starts the same
// instance again when capacity and the price allow (a stop by the user
// leaves it to the user). A persistent Spot Instance launched by
// RunInstances (stop or hibernate behaviour) has such a request behind it
// too (implicitRequests).

// SpotRequestRetry is how often an open request tries to launch (an
// assumption: AWS evaluates open requests continuously).
const SpotRequestRetry = time.Minute

// RequestSpotLaunchSpecification is what a request launches.
type RequestSpotLaunchSpecification struct {
	ImageId             string
	InstanceType        InstanceType
	Placement           *Placement
	SubnetId            string
	SecurityGroupIds    []string
	KeyName             string
	IamInstanceProfile  *IamInstanceProfileSpecification
	BlockDeviceMappings []BlockDeviceMapping
	UserData            string
}

// RequestSpotInstancesInput creates InstanceCount requests.
type RequestSpotInstancesInput struct {
	InstanceCount                int32 // default 1
	Type                         SpotInstanceType
	SpotPrice                    string // max price per hour; empty: on-demand
	InstanceInterruptionBehavior InstanceInterruptionBehavior
	LaunchSpecification          *RequestSpotLaunchSpecification
	DryRun                       bool
}

// SpotInstanceStatus is a request's status code and message.
type SpotInstanceStatus struct {
	Code       string // "fulfilled", "capacity-not-available", "price-too-low", "instance-terminated-by-service", ...
	Message    string
	UpdateTime time.Time
}

// SpotInstanceRequest describes a request.
type SpotInstanceRequest struct {
	SpotInstanceRequestId        string
	State                        string // open, active, closed, cancelled, disabled
	Status                       SpotInstanceStatus
	Type                         SpotInstanceType
	InstanceId                   string
	SpotPrice                    string
	InstanceInterruptionBehavior InstanceInterruptionBehavior
	LaunchSpecification          RequestSpotLaunchSpecification
	CreateTime                   time.Time
}

// RequestSpotInstancesOutput lists the new requests.
type RequestSpotInstancesOutput struct {
	SpotInstanceRequests []SpotInstanceRequest
}

type spotRequest struct {
	SpotInstanceRequest
	account, region string
	caller          *iam.Principal
	retry           bool // a retry is scheduled
	// run is the launch of a request RunInstances created (implicitRequest);
	// a replacement repeats it, for one instance.
	run *RunInstancesInput
	// held is the Spot vCPU quota an open request holds (quota index
	// heldQuota): EC2 counts "the number of vCPUs that your running Spot
	// Instances are either using or will use pending the fulfillment of
	// open Spot Instance requests"; once fulfilled, the instance counts
	// instead, and a persistent request that reopens counts again
	// (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-spot-limits.html).
	held, heldQuota int
}

// holdQuota makes an open request without an instance count against its
// Spot quota; releaseQuota lets go of it. Both are no-ops without quotas
// or when there is nothing to change.
func (s *Service) holdQuota(r *spotRequest) {
	if s.quotas == nil || r.held > 0 || r.State != "open" || r.InstanceId != "" {
		return
	}
	it, ok := catalogRows[r.LaunchSpecification.InstanceType]
	if !ok {
		return
	}
	r.heldQuota, r.held = quotaIndex(QuotaClassOf(it.Family), true), it.VCPUs
	s.quotas.account(r.account, r.region).used[r.heldQuota] += r.held
}

func (s *Service) releaseQuota(r *spotRequest) {
	if r.held == 0 {
		return
	}
	s.quotas.account(r.account, r.region).used[r.heldQuota] -= r.held
	r.held = 0
}

func (r *spotRequest) runInput() *RunInstancesInput {
	if r.run != nil {
		in := *r.run
		in.MinCount, in.MaxCount, in.ClientToken = 1, 1, ""
		return &in
	}
	ls := r.LaunchSpecification
	return &RunInstancesInput{ImageId: ls.ImageId, InstanceType: ls.InstanceType, MinCount: 1, MaxCount: 1, Placement: ls.Placement,
		SubnetId: ls.SubnetId, SecurityGroupIds: ls.SecurityGroupIds, KeyName: ls.KeyName, IamInstanceProfile: ls.IamInstanceProfile,
		BlockDeviceMappings: ls.BlockDeviceMappings, UserData: ls.UserData,
		InstanceMarketOptions: &InstanceMarketOptionsRequest{MarketType: MarketTypeSpot, SpotOptions: &SpotMarketOptions{
			MaxPrice: r.SpotPrice, SpotInstanceType: r.Type, InstanceInterruptionBehavior: r.InstanceInterruptionBehavior}}}
}

// RequestSpotInstances creates Spot Instance requests and tries to fulfil
// them at once. Invalid launch specifications fail the call.
func (c *Client) RequestSpotInstances(ctx context.Context, in *RequestSpotInstancesInput) (*RequestSpotInstancesOutput, error) {
	if in == nil {
		in = &RequestSpotInstancesInput{}
	}
	out := &RequestSpotInstancesOutput{}
	err := c.call(ctx, "RequestSpotInstances", resRef{kind: "spot-instances-request", id: "*"}, nil, func(account string) error {
		if in.DryRun {
			return errDryRun()
		}
		s := c.svc
		if in.LaunchSpecification == nil {
			return clientErr("MissingParameter", "The request must contain the parameter LaunchSpecification")
		}
		n := in.InstanceCount
		if n == 0 {
			n = 1
		}
		if n < 0 || n > MaxInstancesPerCall {
			return errInvalidValue(strconv.Itoa(int(n)), "InstanceCount")
		}
		typ := in.Type
		if typ == "" {
			typ = SpotOneTime
		}
		proto := &spotRequest{SpotInstanceRequest: SpotInstanceRequest{Type: typ, SpotPrice: in.SpotPrice,
			InstanceInterruptionBehavior: in.InstanceInterruptionBehavior, LaunchSpecification: *in.LaunchSpecification}}
		if proto.InstanceInterruptionBehavior == "" {
			proto.InstanceInterruptionBehavior = InterruptionTerminate
		}
		// Validate the launch as RunInstances would, without launching;
		// quotas are checked at each fulfilment instead.
		s.noQuotaCheck = true
		sp, err := s.validateRun(account, c.region, proto.runInput())
		s.noQuotaCheck = false
		if err != nil {
			return err
		}
		// The requests' instances must fit the Spot quota now: open
		// requests count against it until they are fulfilled.
		if q := s.quotas; q != nil {
			a, i := q.account(account, c.region), quotaIndex(QuotaClassOf(sp.it.Family), true)
			if a.room(i, sp.it.VCPUs) < int(n) {
				return q.exceeded(a, i, sp.it)
			}
		}
		for i := int32(0); i < n; i++ {
			r := &spotRequest{SpotInstanceRequest: proto.SpotInstanceRequest, account: account, region: c.region, caller: s.caller}
			r.SpotInstanceRequestId = s.newID("sir")[:12]
			r.State, r.CreateTime = "open", s.env.NowTime()
			r.Status = SpotInstanceStatus{Code: "pending-evaluation", UpdateTime: r.CreateTime}
			if s.spotRequests == nil {
				s.spotRequests = map[string]*spotRequest{}
			}
			s.spotRequests[r.SpotInstanceRequestId] = r
			s.holdQuota(r)
			s.fulfil(r)
			out.SpotInstanceRequests = append(out.SpotInstanceRequests, r.SpotInstanceRequest)
		}
		return nil
	})
	return out, wrap("RequestSpotInstances", err)
}

// fulfil tries to launch r's instance; on failure the request stays open
// and retries later.
func (s *Service) fulfil(r *spotRequest) {
	if r.State != "open" {
		return
	}
	saved := s.caller
	s.caller = r.caller
	// The launch takes the quota the open request held, or holds it again.
	s.releaseQuota(r)
	out, err := s.runInstancesOnce(r.account, r.region, r.runInput())
	s.caller = saved
	if err != nil {
		s.holdQuota(r)
	}
	now := s.env.NowTime()
	if err == nil {
		m, _ := s.instance(out.Instances[0].InstanceId)
		m.spot.requestID = r.SpotInstanceRequestId
		r.State, r.InstanceId = "active", m.id
		r.Status = SpotInstanceStatus{Code: "fulfilled", Message: "Your spot request is fulfilled.", UpdateTime: now}
		return
	}
	code := "capacity-not-available"
	switch {
	case isCode(err, "SpotMaxPriceTooLow"):
		code = "price-too-low"
	case isCode(err, "MaxSpotInstanceCountExceeded"):
		code = "capacity-oversubscribed"
	}
	r.Status = SpotInstanceStatus{Code: code, Message: err.Error(), UpdateTime: now}
	s.retryLater(r)
}

// restartLater starts a request's instance that EC2 stopped (interruption
// behaviour stop or hibernate) once capacity and the price allow again.
func (s *Service) restartLater(r *spotRequest, m *Machine) {
	s.env.AfterDaemon(SpotRequestRetry, func() {
		if r.State != "disabled" || m.state != InstanceStateStopped {
			return
		}
		if s.priceAt(m.spot.pool, s.env.Now()) > m.spot.maxPrice || s.startStopped(m) != nil {
			s.restartLater(r, m)
			return
		}
		r.State = "active"
		r.Status = SpotInstanceStatus{Code: "fulfilled", Message: "Your spot request is fulfilled.", UpdateTime: s.env.NowTime()}
	})
}

// retryLater schedules one more fulfilment attempt (a daemon timer: an
// open request waiting for capacity does not keep env.Run going).
func (s *Service) retryLater(r *spotRequest) {
	if r.retry {
		return
	}
	r.retry = true
	s.env.AfterDaemon(SpotRequestRetry, func() {
		r.retry = false
		s.fulfil(r)
	})
}

// spotRequestHook follows a request's instance: its end closes a one-time
// request and reopens a persistent one; its stop disables the request.
func (s *Service) spotRequestHook(m *Machine, to InstanceStateName) {
	if m.spot == nil || len(s.spotRequests) == 0 {
		return
	}
	r, ok := s.spotRequests[m.spot.requestID]
	if !ok || r.InstanceId != m.id {
		return
	}
	if to == InstanceStateStopped {
		if r.State == "disabled" && r.Status.Code == "instance-stopped-by-service" {
			s.restartLater(r, m)
		}
		return
	}
	if r.State != "active" {
		return
	}
	now := s.env.NowTime()
	code := "instance-terminated-by-user"
	if m.reason != nil && m.reason.Code != "Client.UserInitiatedShutdown" {
		code = "instance-terminated-by-service"
	}
	switch to {
	case InstanceStateShuttingDown:
		if r.Type == SpotPersistent {
			r.State, r.InstanceId = "open", ""
			r.Status = SpotInstanceStatus{Code: code, UpdateTime: now}
			s.holdQuota(r)
			s.retryLater(r) // the replacement, when capacity allows

		} else {
			r.State = "closed"
			r.Status = SpotInstanceStatus{Code: code, UpdateTime: now}
		}
	case InstanceStateStopping:
		r.State = "disabled"
		by := "service"
		if code == "instance-terminated-by-user" {
			by = "user"
		}
		r.Status = SpotInstanceStatus{Code: "instance-stopped-by-" + by, UpdateTime: now}
	}
}

// DescribeSpotInstanceRequestsInput selects requests by ID (all when empty).
type DescribeSpotInstanceRequestsInput struct {
	SpotInstanceRequestIds []string
}

// DescribeSpotInstanceRequestsOutput lists requests by creation.
type DescribeSpotInstanceRequestsOutput struct {
	SpotInstanceRequests []SpotInstanceRequest
}

// DescribeSpotInstanceRequests describes the caller's requests.
func (c *Client) DescribeSpotInstanceRequests(ctx context.Context, in *DescribeSpotInstanceRequestsInput) (*DescribeSpotInstanceRequestsOutput, error) {
	if in == nil {
		in = &DescribeSpotInstanceRequestsInput{}
	}
	out := &DescribeSpotInstanceRequestsOutput{}
	err := c.call(ctx, "DescribeSpotInstanceRequests", resRef{}, nil, func(account string) error {
		rs, err := c.svc.spotRequestsOf(account, c.region, in.SpotInstanceRequestIds)
		for _, r := range rs {
			out.SpotInstanceRequests = append(out.SpotInstanceRequests, r.SpotInstanceRequest)
		}
		return err
	})
	return out, wrap("DescribeSpotInstanceRequests", err)
}

func (s *Service) spotRequestsOf(account, region string, ids []string) ([]*spotRequest, error) {
	var rs []*spotRequest
	if len(ids) == 0 {
		for _, r := range s.spotRequests {
			if r.account == account && r.region == region {
				rs = append(rs, r)
			}
		}
	} else {
		for _, id := range ids {
			r, ok := s.spotRequests[id]
			if !ok || r.account != account || r.region != region {
				return nil, clientErr("InvalidSpotInstanceRequestID.NotFound", "The spot instance request ID '%s' does not exist", id)
			}
			rs = append(rs, r)
		}
	}
	sort.Slice(rs, func(i, j int) bool {
		if !rs[i].CreateTime.Equal(rs[j].CreateTime) {
			return rs[i].CreateTime.Before(rs[j].CreateTime)
		}
		return rs[i].SpotInstanceRequestId < rs[j].SpotInstanceRequestId
	})
	return rs, nil
}

// CancelSpotInstanceRequestsInput names requests to cancel.
type CancelSpotInstanceRequestsInput struct {
	SpotInstanceRequestIds []string
}

// CancelledSpotInstanceRequest reports one cancellation.
type CancelledSpotInstanceRequest struct {
	SpotInstanceRequestId string
	State                 string
}

// CancelSpotInstanceRequestsOutput lists the cancelled requests.
type CancelSpotInstanceRequestsOutput struct {
	CancelledSpotInstanceRequests []CancelledSpotInstanceRequest
}

// CancelSpotInstanceRequests cancels requests; their running instances
// keep running (terminate them separately).
func (c *Client) CancelSpotInstanceRequests(ctx context.Context, in *CancelSpotInstanceRequestsInput) (*CancelSpotInstanceRequestsOutput, error) {
	if in == nil {
		in = &CancelSpotInstanceRequestsInput{}
	}
	out := &CancelSpotInstanceRequestsOutput{}
	err := c.call(ctx, "CancelSpotInstanceRequests", resRef{}, nil, func(account string) error {
		if len(in.SpotInstanceRequestIds) == 0 {
			return clientErr("MissingParameter", "The request must contain the parameter SpotInstanceRequestId")
		}
		rs, err := c.svc.spotRequestsOf(account, c.region, in.SpotInstanceRequestIds)
		if err != nil {
			return err
		}
		for _, r := range rs {
			if r.State != "closed" {
				c.svc.releaseQuota(r)
				r.State = "cancelled"
				r.Status = SpotInstanceStatus{Code: "request-canceled-and-instance-running", UpdateTime: c.svc.env.NowTime()}
				if r.InstanceId == "" {
					r.Status.Code = "canceled-before-fulfillment"
				}
			}
			out.CancelledSpotInstanceRequests = append(out.CancelledSpotInstanceRequests, CancelledSpotInstanceRequest{r.SpotInstanceRequestId, r.State})
		}
		return nil
	})
	return out, wrap("CancelSpotInstanceRequests", err)
}

// implicitRequests records the Spot Instance requests behind a RunInstances
// launch of persistent Spot Instances. "For RunInstances, persistent Spot
// Instance requests are only supported when the instance interruption
// behavior is either hibernate or stop"
// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_SpotMarketOptions.html),
// and EC2 "restarts the stopped instance when capacity is available in the
// same Availability Zone and for the same instance type"
// (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/interruption-behavior.html):
// the request follows its instance as one from RequestSpotInstances does
// (spotRequestHook), so an interruption disables it and EC2 starts the
// same instance again when capacity and the price allow. One-time Spot
// Instances launched by RunInstances keep no request record: nothing
// happens to them after their instance ends.
func (s *Service) implicitRequests(account, region string, in *RunInstancesInput, out *RunInstancesOutput) {
	mo := in.InstanceMarketOptions
	if out == nil || mo == nil || mo.SpotOptions == nil || mo.SpotOptions.SpotInstanceType != SpotPersistent {
		return
	}
	so := mo.SpotOptions
	run := *in // the caller may reuse its input
	for _, d := range out.Instances {
		m, ok := s.instance(d.InstanceId)
		if !ok || m.spot == nil || m.spot.requestID == "" {
			continue
		}
		if _, dup := s.spotRequests[m.spot.requestID]; dup {
			continue // a retried ClientToken returns the same launch
		}
		r := &spotRequest{account: account, region: region, caller: s.caller, run: &run}
		r.SpotInstanceRequest = SpotInstanceRequest{SpotInstanceRequestId: m.spot.requestID, Type: SpotPersistent,
			SpotPrice: so.MaxPrice, InstanceInterruptionBehavior: so.InstanceInterruptionBehavior, InstanceId: m.id,
			LaunchSpecification: RequestSpotLaunchSpecification{ImageId: in.ImageId, InstanceType: in.InstanceType, Placement: in.Placement,
				SubnetId: in.SubnetId, SecurityGroupIds: in.SecurityGroupIds, KeyName: in.KeyName, IamInstanceProfile: in.IamInstanceProfile,
				BlockDeviceMappings: in.BlockDeviceMappings, UserData: in.UserData},
			State: "active", CreateTime: s.env.NowTime()}
		r.Status = SpotInstanceStatus{Code: "fulfilled", Message: "Your spot request is fulfilled.", UpdateTime: r.CreateTime}
		if s.spotRequests == nil {
			s.spotRequests = map[string]*spotRequest{}
		}
		s.spotRequests[r.SpotInstanceRequestId] = r
	}
}

package elb

import (
	"fmt"

	"github.com/nimbus-sim/nimbus/ec2/serve"
)

// Endpoint returns the data-plane entry of a load balancer (by ARN or DNS
// name): what a client sends its HTTP requests to. It is not an API call;
// the ARN is what CreateLoadBalancer returned.
func (s *Service) Endpoint(arnOrDNS string) (serve.Endpoint, error) {
	for _, lb := range s.lbOrder {
		if !lb.deleted && (lb.arn == arnOrDNS || lb.dns == arnOrDNS) {
			return &lb.plane, nil
		}
	}
	return nil, fmt.Errorf("elb: no load balancer %q", arnOrDNS)
}

// LCUHours returns the hours of LCU metering closed so far for a load
// balancer, oldest first, with their four dimensions and billed LCUs.
func (s *Service) LCUHours(lbArn string) []LCUHour {
	lb := s.lbs[lbArn]
	if lb == nil {
		return nil
	}
	return append([]LCUHour(nil), lb.lcu.hours...)
}

// Settle bills every load balancer's hour in progress: call it at the end
// of a scenario before reading the bill. The LCU meter restarts at once,
// so Settle may be called more than once.
func (s *Service) Settle() {
	for _, lb := range s.lbOrder {
		if !lb.deleted {
			lb.lcu.settle(false)
		}
	}
}

// RequestCount returns how many requests a target group has been
// forwarded so far (CloudWatch's RequestCount for the group).
func (s *Service) RequestCount(tgArn string) int64 {
	if tg := s.tgs[tgArn]; tg != nil {
		return tg.requests
	}
	return 0
}

// TargetState returns a registered target's health state ("" if none):
// the same as DescribeTargetHealth, without an API call, for metrics and
// Auto Scaling's ELB health checks (which AWS also reads internally).
func (s *Service) TargetState(tgArn, instanceID string) string {
	tg := s.tgs[tgArn]
	if tg == nil {
		return ""
	}
	for _, t := range tg.targets {
		if t.id == instanceID {
			return t.describe().TargetHealth.State
		}
	}
	return ""
}

// TargetGroupExists reports whether a target group ARN names a group.
func (s *Service) TargetGroupExists(tgArn string) bool { return s.tgs[tgArn] != nil }

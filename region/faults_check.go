package region

import (
	"github.com/nimbus-sim/nimbus/internal/awserr"
)

// The Faults view checks names itself (failure.HostChecker, AZChecker,
// RegionChecker, ServiceChecker), so a failure.Harness over w.Faults()
// refuses a plan naming an unknown host, zone, region or service when it
// is armed, by a map lookup instead of listing the whole topology.

// catalogService reports whether service is the endpoint prefix of a
// service the simulator models or routes to (its own packages' and the
// ones whose roles and endpoints it knows).
func catalogService(service string) bool {
	switch service {
	case "s3", "ec2", "iam", "sts", "organizations", "elasticloadbalancing", "autoscaling",
		"servicequotas", "route53", "cloudfront":
		return true
	}
	return false
}

// RegisterService makes service (an endpoint prefix, "dynamodb") known to
// the fault injectors before it makes any call: SetErrorRate and the
// failure harness refuse services that are neither in the catalog, nor
// registered, nor have made a call. Services outside the catalog call it
// when they are constructed.
func (w *World) RegisterService(service string) error {
	if err := serviceName(service); err != nil {
		return err
	}
	w.faults.know(service)
	return nil
}

func serviceName(s string) error {
	if s == "" {
		return awserr.New("InvalidParameterValue", 400, false, "empty service name")
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.') {
			return awserr.New("InvalidParameterValue", 400, false,
				"service name %q: want a lower-case endpoint prefix such as \"s3\" or \"ec2\"", s)
		}
	}
	return nil
}

// CheckService reports whether service is known (catalog, registered, or
// has made a call) and, unless region is "" or "*", whether it is served
// in region: a global service's requests are served from its partition's
// global region (IAM from us-east-1), so a rate set for another region
// would never fire and is refused.
func (v Faults) CheckService(service, region string) error {
	w := v.w
	if err := serviceName(service); err != nil {
		return err
	}
	if !catalogService(service) && !w.faults.known[service] {
		return awserr.New("InvalidParameterValue", 400, false,
			"unknown service %q: not an endpoint prefix this world knows (s3, ec2, iam, ...); World.RegisterService adds one", service)
	}
	if region == "" || region == "*" {
		return nil
	}
	sr, err := w.serviceRegion(service, region)
	if err != nil {
		return err
	}
	if sr.spec.Code != region {
		return awserr.New("InvalidParameterValue", 400, false,
			"service %q is global: its requests are served from %s, not %s", service, sr.spec.Code, region)
	}
	return nil
}

// CheckRegion reports whether the world has a region with this code.
func (v Faults) CheckRegion(region string) error {
	_, err := v.w.Region(region)
	return err
}

// CheckAZ reports whether the world has a zone with this ID.
func (v Faults) CheckAZ(azID string) error {
	_, err := v.w.AZ(azID)
	return err
}

// CheckHost reports whether the world has a host with this ID.
func (v Faults) CheckHost(hostID string) error {
	_, err := v.w.parseHostID(hostID)
	return err
}

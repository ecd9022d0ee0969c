package region

import (
	"fmt"

	"github.com/nimbus-sim/nimbus/internal/awserr"
)

// Level is how far a resource reaches: IAM users are global, buckets and
// VPCs regional, instances, volumes and subnets zonal.
type Level uint8

const (
	LevelGlobal Level = iota + 1
	LevelRegional
	LevelZonal
)

func (l Level) String() string {
	switch l {
	case LevelGlobal:
		return "global"
	case LevelRegional:
		return "regional"
	case LevelZonal:
		return "zonal"
	}
	return "invalid"
}

// Scope is where a resource lives: global (within a partition), in a
// region, or in one zone. The zero Scope is invalid. Scopes are comparable
// values.
type Scope struct {
	level     Level
	partition string
	region    string
	az        string
}

// GlobalScope is the scope of a global resource in a partition.
func GlobalScope(partition string) Scope { return Scope{level: LevelGlobal, partition: partition} }

// RegionalScope returns the scope of a regional resource, or an error for
// an unknown region.
func (w *World) RegionalScope(code string) (Scope, error) {
	r, err := w.Region(code)
	if err != nil {
		return Scope{}, err
	}
	return Scope{level: LevelRegional, partition: r.partition.spec.Name, region: code}, nil
}

// ZonalScope returns the scope of a zonal resource in zone azID.
func (w *World) ZonalScope(azID string) (Scope, error) {
	z, err := w.AZ(azID)
	if err != nil {
		return Scope{}, err
	}
	r := z.region
	return Scope{level: LevelZonal, partition: r.partition.spec.Name, region: r.spec.Code, az: azID}, nil
}

// IsValid reports whether s is not the zero Scope.
func (s Scope) IsValid() bool { return s.level != 0 }

// Level returns the scope's level.
func (s Scope) Level() Level { return s.level }

// Partition returns the partition name.
func (s Scope) Partition() string { return s.partition }

// Region returns the region code ("" for a global scope).
func (s Scope) Region() string { return s.region }

// AZ returns the zone ID ("" unless zonal).
func (s Scope) AZ() string { return s.az }

func (s Scope) String() string {
	switch s.level {
	case LevelGlobal:
		return "global(" + s.partition + ")"
	case LevelRegional:
		return s.region
	case LevelZonal:
		return s.az
	}
	return "invalid-scope"
}

// Contains reports whether everything in t is inside s: a region contains
// its zones, a partition's global scope contains its regions.
func (s Scope) Contains(t Scope) bool {
	if !s.IsValid() || !t.IsValid() || s.partition != t.partition || t.level < s.level {
		return false
	}
	switch s.level {
	case LevelGlobal:
		return true
	case LevelRegional:
		return s.region == t.region
	default:
		return s.az == t.az
	}
}

// SameAZ reports whether a and b are zonal resources in one zone.
func SameAZ(a, b Scope) bool {
	return a.level == LevelZonal && b.level == LevelZonal && a.az == b.az
}

// SameRegion reports whether a and b are regional or zonal resources of
// one region.
func SameRegion(a, b Scope) bool {
	return a.level >= LevelRegional && b.level >= LevelRegional && a.region == b.region
}

// ErrZoneMismatch is the sentinel of RequireSameAZ's error.
var ErrZoneMismatch = awserr.Code("InvalidParameterCombination")

// RequireSameAZ enforces a per-AZ rule such as "a volume attaches only to an
// instance in its zone". what names the two resources for the message. The
// services wrap it with their own codes where AWS uses one (EC2's
// AttachVolume says InvalidVolume.ZoneMismatch).
func RequireSameAZ(a, b Scope, what string) error {
	if a.level != LevelZonal || b.level != LevelZonal {
		return awserr.New("InvalidParameterCombination", 400, false,
			"%s: both resources must be zonal (got %v and %v)", what, a.level, b.level)
	}
	if a.az != b.az {
		return awserr.New("InvalidParameterCombination", 400, false,
			"%s: resources are in different availability zones (%s and %s)", what, a.az, b.az)
	}
	return nil
}

// ServiceLevel returns whether a service's API is global (one endpoint per
// partition: IAM, Organizations, Route 53, CloudFront) or regional.
func ServiceLevel(service string) Level {
	switch service {
	case "iam", "organizations", "route53", "cloudfront":
		return LevelGlobal
	}
	return LevelRegional
}

// ErrUnknownEndpoint is the sentinel of Endpoint's error for a region the
// world does not have.
var ErrUnknownEndpoint = awserr.Code("UnknownEndpoint")

// Endpoint returns the DNS name of service's endpoint in a region:
// "{service}.{region}.{suffix}", e.g. s3.eu-west-1.amazonaws.com or
// ec2.cn-north-1.amazonaws.com.cn. Global services ignore the region except
// to pick the partition (iam.amazonaws.com, iam.us-gov.amazonaws.com), and
// for STS an empty region gives the legacy global endpoint
// sts.amazonaws.com. An unknown region is an UnknownEndpoint error.
func (w *World) Endpoint(service, region string) (string, error) {
	if service == "" {
		return "", awserr.New("UnknownEndpoint", 400, false, "could not resolve endpoint: empty service name")
	}
	if ServiceLevel(service) == LevelGlobal || (service == "sts" && region == "") {
		p := w.partByName["aws"]
		if region != "" {
			r, ok := w.regionByKey[region]
			if !ok {
				return "", w.unknownEndpoint(service, region)
			}
			p = r.partition
		}
		if p == nil {
			return "", awserr.New("UnknownEndpoint", 400, false,
				"could not resolve endpoint for global service %q: no partition given", service)
		}
		if ep, ok := p.spec.GlobalEndpoints[service]; ok {
			return ep, nil
		}
		if region == "" {
			return "", awserr.New("UnknownEndpoint", 400, false,
				"could not resolve endpoint for %q: partition %s has no global endpoint for it", service, p.spec.Name)
		}
		return fmt.Sprintf("%s.%s.%s", service, region, p.spec.DNSSuffix), nil
	}
	if region == "" {
		return "", awserr.New("UnknownEndpoint", 400, false,
			"could not resolve endpoint for %q: a region is required", service)
	}
	r, ok := w.regionByKey[region]
	if !ok {
		return "", w.unknownEndpoint(service, region)
	}
	return fmt.Sprintf("%s.%s.%s", service, region, r.partition.spec.DNSSuffix), nil
}

func (w *World) unknownEndpoint(service, region string) error {
	return awserr.New("UnknownEndpoint", 400, false,
		"could not resolve endpoint for service %q in region %q: no such region (known regions: %s)",
		service, region, w.regionList())
}

// serviceRegion returns the region whose front ends serve a request to
// service in region: the region itself, or the partition's global region
// for global services. It fails exactly when Endpoint does, without
// building the endpoint name (it runs on every call).
func (w *World) serviceRegion(service, region string) (*Region, error) {
	if service == "" {
		return nil, awserr.New("UnknownEndpoint", 400, false, "could not resolve endpoint: empty service name")
	}
	if ServiceLevel(service) == LevelGlobal || (service == "sts" && region == "") {
		p := w.partByName["aws"]
		if region != "" {
			r, ok := w.regionByKey[region]
			if !ok {
				return nil, w.unknownEndpoint(service, region)
			}
			p = r.partition
		}
		if p == nil {
			return nil, awserr.New("UnknownEndpoint", 400, false,
				"could not resolve endpoint for global service %q: no partition given", service)
		}
		if _, ok := p.spec.GlobalEndpoints[service]; !ok {
			if region == "" {
				return nil, awserr.New("UnknownEndpoint", 400, false,
					"could not resolve endpoint for %q: partition %s has no global endpoint for it", service, p.spec.Name)
			}
			return w.regionByKey[region], nil
		}
		if r, ok := w.regionByKey[p.spec.GlobalRegion]; ok {
			return r, nil
		}
		return nil, awserr.New("UnknownEndpoint", 400, false, "partition %s has no global region", p.spec.Name)
	}
	if region == "" {
		return nil, awserr.New("UnknownEndpoint", 400, false,
			"could not resolve endpoint for %q: a region is required", service)
	}
	r, ok := w.regionByKey[region]
	if !ok {
		return nil, w.unknownEndpoint(service, region)
	}
	return r, nil
}

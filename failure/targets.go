package failure

import "fmt"

// The target interfaces are the hooks through which faults reach the
// world. region.World implements the host, AZ, region, network and error
// targets, and ec2 the volume and spot targets; this package never
// imports them (they import it), and tests drive faults against fakes.
//
// Rates and factors set by faults are the injected amounts on top of the
// world's own behaviour: SetErrorRate(svc, region, 0) removes the injected
// errors, it does not promise an error-free service.

// HostTarget crashes and repairs physical hosts.
type HostTarget interface {
	FailHost(hostID string) error
	RepairHost(hostID string) error
}

// AZTarget takes whole availability zones down (power, network) and back.
type AZTarget interface {
	FailAZ(azID string) error
	RestoreAZ(azID string) error
}

// RegionTarget impairs a region's control and data planes.
type RegionTarget interface {
	ImpairRegion(region string) error
	RestoreRegion(region string) error
}

// NetworkTarget changes the network between two places (AZ IDs such as
// "use1-az1" or region codes).
type NetworkTarget interface {
	Partition(a, b string) error
	Heal(a, b string) error
	DegradeLatency(a, b string, factor float64) error
	RestoreLatency(a, b string) error
	SetLoss(a, b string, p float64) error
}

// ErrorTarget injects transient server errors (InternalError,
// ServiceUnavailable) and throttling (SlowDown) into a service's endpoint
// in a region.
type ErrorTarget interface {
	SetErrorRate(service, region string, rate float64) error
	SetThrottleRate(service, region string, rate float64) error
}

// VolumeTarget fails EBS volumes. A volume failure is permanent.
type VolumeTarget interface {
	FailVolume(volumeID string) error
}

// SpotTarget reclaims a fraction of the spot instances of a type in an AZ,
// with the usual two-minute notice.
type SpotTarget interface {
	ReclaimSpot(azID, instanceType string, fraction float64) error
}

// Targets is the set of objects faults act on. Each fault finds the first
// target implementing the interface it needs.
type Targets []any

// find returns the first target implementing T. It takes no fault to
// name in an error: a fault passed as an interface is boxed on every call
// (the error would keep it), and faults are applied in storms. Callers
// report a miss with noTarget.
func find[T any](ts Targets) (T, bool) {
	for _, t := range ts {
		if x, ok := t.(T); ok {
			return x, true
		}
	}
	var zero T
	return zero, false
}

// noTarget is the error of a fault that no target can take.
func noTarget[T any](fault Fault) error {
	var zero T
	return fmt.Errorf("failure: %v: no target implements %T", fault, &zero)
}

package failure

import (
	"cmp"
	"fmt"
	"strconv"
)

// Fault is one change to the world together with its inverse: a host goes
// down and comes back, a link is partitioned and healed. Faults are
// values; a Harness applies and reverts them and keeps the books.
//
// Key names the piece of the world the fault changes. Faults with the same
// key stack: the most recently applied one is in force, and the world is
// restored only when the last of them is reverted. A rack outage and an
// independent crash of a host in that rack thus compose: the host comes
// back when both are over.
type Fault interface {
	fmt.Stringer
	Key() string
	Apply(t Targets) error
	Revert(t Targets) error
}

// Composite is a fault made of other faults (a rack outage is the outage
// of its hosts); the Harness applies and stacks the parts one by one.
type Composite interface {
	Fault
	Parts() []Fault
}

// Permanent faults have no inverse (a failed EBS volume stays failed);
// their Revert does nothing.
type Permanent interface {
	Fault
	Permanent()
}

func pair(a, b string) string {
	if a > b {
		a, b = b, a
	}
	return a + "|" + b
}

type hostDown struct{ id string }

// HostDown crashes a physical host; Revert repairs it.
func HostDown(hostID string) Fault { return hostDown{hostID} }

func (f hostDown) String() string { return "host-down(" + f.id + ")" }
func (f hostDown) Key() string    { return "host/" + f.id }
func (f hostDown) Apply(ts Targets) error {
	t, ok := find[HostTarget](ts)
	if !ok {
		return noTarget[HostTarget](f)
	}
	return t.FailHost(f.id)
}
func (f hostDown) Revert(ts Targets) error {
	t, ok := find[HostTarget](ts)
	if !ok {
		return noTarget[HostTarget](f)
	}
	return t.RepairHost(f.id)
}

type azDown struct{ id string }

// AZDown takes an availability zone (by AZ ID, e.g. "use1-az1") down.
func AZDown(azID string) Fault { return azDown{azID} }

func (f azDown) String() string { return "az-down(" + f.id + ")" }
func (f azDown) Key() string    { return "az/" + f.id }
func (f azDown) Apply(ts Targets) error {
	t, ok := find[AZTarget](ts)
	if !ok {
		return noTarget[AZTarget](f)
	}
	return t.FailAZ(f.id)
}
func (f azDown) Revert(ts Targets) error {
	t, ok := find[AZTarget](ts)
	if !ok {
		return noTarget[AZTarget](f)
	}
	return t.RestoreAZ(f.id)
}

type regionImpaired struct{ id string }

// RegionImpaired impairs a region (by code, e.g. "us-east-1").
func RegionImpaired(region string) Fault { return regionImpaired{region} }

func (f regionImpaired) String() string { return "region-impaired(" + f.id + ")" }
func (f regionImpaired) Key() string    { return "region/" + f.id }
func (f regionImpaired) Apply(ts Targets) error {
	t, ok := find[RegionTarget](ts)
	if !ok {
		return noTarget[RegionTarget](f)
	}
	return t.ImpairRegion(f.id)
}
func (f regionImpaired) Revert(ts Targets) error {
	t, ok := find[RegionTarget](ts)
	if !ok {
		return noTarget[RegionTarget](f)
	}
	return t.RestoreRegion(f.id)
}

type partitioned struct{ a, b string }

// Partitioned cuts the network between places a and b; Revert heals it.
func Partitioned(a, b string) Fault { return partitioned{a, b} }

func (f partitioned) String() string { return "partition(" + f.a + ", " + f.b + ")" }
func (f partitioned) Key() string    { return "partition/" + pair(f.a, f.b) }
func (f partitioned) Apply(ts Targets) error {
	t, ok := find[NetworkTarget](ts)
	if !ok {
		return noTarget[NetworkTarget](f)
	}
	return t.Partition(f.a, f.b)
}
func (f partitioned) Revert(ts Targets) error {
	t, ok := find[NetworkTarget](ts)
	if !ok {
		return noTarget[NetworkTarget](f)
	}
	return t.Heal(f.a, f.b)
}

type slowLink struct {
	a, b   string
	factor float64
}

// SlowLink multiplies the latency between a and b by factor.
func SlowLink(a, b string, factor float64) Fault { return slowLink{a, b, factor} }

func (f slowLink) String() string {
	return "latency(" + f.a + ", " + f.b + ", x" + num(f.factor) + ")"
}
func (f slowLink) Key() string { return "latency/" + pair(f.a, f.b) }
func (f slowLink) Apply(ts Targets) error {
	if !(f.factor >= 1) {
		return fmt.Errorf("failure: %v: factor must be at least 1", f)
	}
	t, ok := find[NetworkTarget](ts)
	if !ok {
		return noTarget[NetworkTarget](f)
	}
	return t.DegradeLatency(f.a, f.b, f.factor)
}
func (f slowLink) Revert(ts Targets) error {
	t, ok := find[NetworkTarget](ts)
	if !ok {
		return noTarget[NetworkTarget](f)
	}
	return t.RestoreLatency(f.a, f.b)
}

func checkRate(f Fault, p float64) error {
	if !(p >= 0 && p <= 1) {
		return fmt.Errorf("failure: %v: rate %v outside [0, 1]", f, p)
	}
	return nil
}

type lossy struct {
	a, b string
	p    float64
}

// Lossy drops each packet between a and b with probability p.
func Lossy(a, b string, p float64) Fault { return lossy{a, b, p} }

func (f lossy) String() string { return "loss(" + f.a + ", " + f.b + ", " + num(f.p) + ")" }
func (f lossy) Key() string    { return "loss/" + pair(f.a, f.b) }
func (f lossy) Apply(ts Targets) error {
	if err := checkRate(f, f.p); err != nil {
		return err
	}
	t, ok := find[NetworkTarget](ts)
	if !ok {
		return noTarget[NetworkTarget](f)
	}
	return t.SetLoss(f.a, f.b, f.p)
}
func (f lossy) Revert(ts Targets) error {
	t, ok := find[NetworkTarget](ts)
	if !ok {
		return noTarget[NetworkTarget](f)
	}
	return t.SetLoss(f.a, f.b, 0)
}

type errorRate struct {
	service, region string
	rate            float64
	throttle        bool
}

// Errors makes a fraction rate of requests to service in region fail with
// a transient server error (S3's InternalError / 503 ServiceUnavailable).
func Errors(service, region string, rate float64) Fault {
	return errorRate{service, region, rate, false}
}

// Throttled makes a fraction rate of requests to service in region fail
// with throttling (S3's 503 SlowDown).
func Throttled(service, region string, rate float64) Fault {
	return errorRate{service, region, rate, true}
}

func (f errorRate) kind() string {
	if f.throttle {
		return "throttle"
	}
	return "errors"
}
func (f errorRate) String() string {
	return f.kind() + "(" + f.service + ", " + f.region + ", " + num(f.rate) + ")"
}
func (f errorRate) Key() string { return f.kind() + "/" + f.service + "/" + f.region }
func (f errorRate) set(ts Targets, rate float64) error {
	t, ok := find[ErrorTarget](ts)
	if !ok {
		return noTarget[ErrorTarget](f)
	}
	if f.throttle {
		return t.SetThrottleRate(f.service, f.region, rate)
	}
	return t.SetErrorRate(f.service, f.region, rate)
}
func (f errorRate) Apply(ts Targets) error {
	if err := checkRate(f, f.rate); err != nil {
		return err
	}
	return f.set(ts, f.rate)
}
func (f errorRate) Revert(ts Targets) error { return f.set(ts, 0) }

type volumeLost struct{ id string }

// VolumeLost fails an EBS volume for good.
func VolumeLost(volumeID string) Fault { return volumeLost{volumeID} }

func (f volumeLost) String() string { return "volume-failure(" + f.id + ")" }
func (f volumeLost) Key() string    { return "volume/" + f.id }
func (f volumeLost) Apply(ts Targets) error {
	t, ok := find[VolumeTarget](ts)
	if !ok {
		return noTarget[VolumeTarget](f)
	}
	return t.FailVolume(f.id)
}
func (volumeLost) Revert(Targets) error { return nil }
func (volumeLost) Permanent()           {}

type spotReclaim struct {
	// name and key are String and Key, rendered once: a storm applies
	// the same reclaim wave after wave, and each application's window
	// records both. The zone and the type are read back from the key,
	// "spot/<az>/<type or *>", which keeps the boxed fault (one per zone
	// in every replication) at 48 bytes.
	name, key string
	fraction  float64
	azLen     int32
	anyType   bool // the type was "", which the key shows as "*"
}

// newSpotReclaim is the reclaim named name, with key as appendReclaim
// rendered it.
func newSpotReclaim(name, key, azID, instanceType string, fraction float64) spotReclaim {
	return spotReclaim{name: name, key: key, fraction: fraction, azLen: int32(len(azID)), anyType: instanceType == ""}
}

const spotKeyPrefix = "spot/"

// az returns the zone.
func (f spotReclaim) az() string { return f.key[len(spotKeyPrefix) : len(spotKeyPrefix)+int(f.azLen)] }

// typ returns the instance type, "" for every type.
func (f spotReclaim) typ() string {
	if f.anyType {
		return ""
	}
	return f.key[len(spotKeyPrefix)+int(f.azLen)+1:]
}

// SpotReclaim reclaims fraction of the spot instances of instanceType in
// an AZ ("" for every type). Reclaimed instances do not come back.
func SpotReclaim(azID, instanceType string, fraction float64) Fault {
	// Both strings are cut from one: a replication arms a storm per zone.
	var buf [128]byte
	b, n := appendReclaim(buf[:0], azID, instanceType, fraction)
	both := string(b)
	return newSpotReclaim(both[:n], both[n:], azID, instanceType, fraction)
}

// appendReclaim appends a reclaim's name to b, then its key, and returns
// b and where the name ends.
func appendReclaim(b []byte, azID, instanceType string, fraction float64) ([]byte, int) {
	typ := cmp.Or(instanceType, "*")
	b = append(b, "spot-reclaim("...)
	b = append(b, azID...)
	b = append(b, ", "...)
	b = append(b, typ...)
	b = append(b, ", "...)
	b = strconv.AppendFloat(b, fraction, 'g', -1, 64) // as num does
	b = append(b, ')')
	n := len(b)
	b = append(b, spotKeyPrefix...)
	b = append(b, azID...)
	b = append(b, '/')
	b = append(b, typ...)
	return b, n
}

func (f spotReclaim) String() string { return f.name }

// Key names the spot pool; reclaims are permanent, so they never stack
// and each takes its own share of what is left.
func (f spotReclaim) Key() string { return f.key }
func (f spotReclaim) Apply(ts Targets) error {
	if !(f.fraction > 0 && f.fraction <= 1) {
		return fmt.Errorf("failure: %v: fraction must be in (0, 1]", f)
	}
	t, ok := find[SpotTarget](ts)
	if !ok {
		return noTarget[SpotTarget](f)
	}
	return t.ReclaimSpot(f.az(), f.typ(), f.fraction)
}
func (spotReclaim) Revert(Targets) error { return nil }
func (spotReclaim) Permanent()           {}

type funcFault struct {
	name, key     string
	apply, revert func() error
}

// Func is a custom fault: apply and revert are called as the Harness
// applies and reverts it. It is the hook for faults on the workload
// itself, such as interrupting a process. With a nil revert the fault is
// an instantaneous event without inverse (a crash signal): it is
// Permanent, so it never stacks and fires every time it is applied.
func Func(name, key string, apply, revert func() error) Fault {
	if apply == nil {
		panic("failure: Func(" + name + "): apply is nil")
	}
	if revert == nil {
		return eventFault{funcFault{name, key, apply, nil}}
	}
	return funcFault{name, key, apply, revert}
}

func (f funcFault) String() string       { return f.name }
func (f funcFault) Key() string          { return f.key }
func (f funcFault) Apply(Targets) error  { return f.apply() }
func (f funcFault) Revert(Targets) error { return f.revert() }

type eventFault struct{ funcFault }

func (eventFault) Revert(Targets) error { return nil }
func (eventFault) Permanent()           {}

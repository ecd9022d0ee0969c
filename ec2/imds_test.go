package ec2

// Instance metadata rules from the EC2 User Guide,
// instancedata-data-categories.md and instancedata-data-retrieval.md.

import (
	"errors"
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/sim"
)

func TestMetadataReachableOnlyFromTheInstance(t *testing.T) {
	f := newFixture(t, 61, Options{})
	seen := map[string]string{}
	f.do(time.Hour, func(p *sim.Proc) {
		if _, err := GetMetadata(p, "instance-id"); !errors.Is(err, ErrIMDSUnreachable) {
			t.Fatalf("from outside: %v, want ErrIMDSUnreachable", err)
		}
		a := f.launch(p, RunInstancesInput{InstanceType: "m5.large"})
		b := f.launch(p, RunInstancesInput{InstanceType: "m5.large"})
		for _, m := range []*Machine{a, b} {
			_, err := m.Go("read", func(q *sim.Proc) {
				id, err := GetMetadata(q, "instance-id")
				must(t, err)
				seen[m.ID()] = id
			})
			must(t, err)
		}
		p.Sleep(time.Second)
	})
	if len(seen) != 2 {
		t.Fatalf("reads %v", seen)
	}
	for want, got := range seen {
		if got != want {
			t.Errorf("process on %s read instance-id %s", want, got)
		}
	}
}

func TestMetadataItems(t *testing.T) {
	f := newFixture(t, 62, Options{})
	var m *Machine
	got := map[string]string{}
	errs := map[string]error{}
	paths := []string{"instance-id", "instance-type", "ami-id", "local-ipv4", "public-ipv4",
		"placement/availability-zone", "placement/availability-zone-id", "placement/region",
		"instance-life-cycle", "/latest/meta-data/instance-type", "spot/instance-action",
		"events/recommendations/rebalance", "iam/security-credentials/", "no/such/item"}
	f.do(time.Hour, func(p *sim.Proc) {
		m = f.launch(p, RunInstancesInput{InstanceType: "c5.large", Placement: &Placement{AvailabilityZone: "us-east-1b"}})
		_, err := m.Go("read", func(q *sim.Proc) {
			for _, path := range paths {
				got[path], errs[path] = GetMetadata(q, path)
			}
		})
		must(t, err)
	})
	d := m.describe()
	for path, want := range map[string]string{
		"instance-id": d.InstanceId, "instance-type": "c5.large", "ami-id": f.ami(),
		"local-ipv4": d.PrivateIpAddress, "public-ipv4": d.PublicIpAddress,
		"placement/availability-zone": "us-east-1b", "placement/availability-zone-id": d.Placement.AvailabilityZoneId,
		"placement/region": "us-east-1", "instance-life-cycle": "on-demand", "/latest/meta-data/instance-type": "c5.large",
	} {
		if errs[path] != nil || got[path] != want || want == "" {
			t.Errorf("%s = %q (%v), want %q", path, got[path], errs[path], want)
		}
	}
	for _, path := range []string{"spot/instance-action", "events/recommendations/rebalance", "iam/security-credentials/", "no/such/item"} {
		if !errors.Is(errs[path], ErrMetadataNotFound) {
			t.Errorf("%s: %v, want 404", path, errs[path])
		}
	}
}

package region_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
)

// Build a world with two m5 hosts per zone, launch onto them with best
// fit, and print each host's utilization. Four m5.8xlarge (16 cores each)
// take one socket each and leave 8 cores free on every socket: 64 vCPUs
// free in the zone, yet an m5.12xlarge (24 cores, a whole socket) fits on
// no host. Smaller sizes still fill the holes.
func Example() {
	env := sim.New(1)
	defer env.Close()
	w := region.MustNewWorld(env, region.Options{HostsPerAZ: map[string]int{"m5": 2}})

	place := func(typ string) {
		if _, err := w.Place("use1-az1", typ, region.PlaceOptions{}); err != nil {
			free, _ := w.FreeCapacity("use1-az1", "m5")
			fmt.Printf("%s: %v with %d vCPUs free in the zone\n", typ,
				errors.Is(err, region.ErrInsufficientInstanceCapacity), free.VCPUs)
		}
	}
	for range 4 {
		place("m5.8xlarge")
	}
	place("m5.12xlarge")
	for range 5 {
		place("m5.2xlarge")
	}
	place("m5.large")
	hosts, _ := w.Hosts("use1-az1", "m5")
	for _, h := range hosts {
		fmt.Printf("%s in %s: %d instances, %2d/%d vCPUs, %3.0f%% used\n",
			h.ID, h.AZ, h.Instances, h.Used.VCPUs, h.Capacity.VCPUs, 100*h.Utilization())
	}
	name, _ := w.AZName("111122223333", "use1-az1")
	fmt.Println("account 111122223333 calls use1-az1", name)
	// Output:
	// m5.12xlarge: true with 64 vCPUs free in the zone
	// h-00000000000000000 in use1-az1: 6 instances, 96/96 vCPUs, 100% used
	// h-00000000000000001 in use1-az1: 4 instances, 74/96 vCPUs,  77% used
	// account 111122223333 calls use1-az1 us-east-1e
}

// An API call through the pipeline: the account's root user calls EC2 in
// us-east-1 from an instance's zone while the endpoint fails half its
// requests; the client's standard retry mode absorbs the failures, in
// virtual time, and the effect runs once.
func ExampleWorld_Call() {
	env := sim.New(2)
	defer env.Close()
	w := region.MustNewWorld(env, region.Options{HostsPerAZ: map[string]int{"m5": 2}})
	root, _ := w.CreateAccount("111122223333")
	w.SetErrorRate("ec2", "us-east-1", 0.5)
	from, _ := w.InAZ("use1-az2")

	env.Go("client", func(p *sim.Proc) {
		start := env.Now()
		var attempts int
		var slot region.Slot
		err := w.Call(p, region.Request{Service: "ec2", Operation: "RunInstances", Region: "us-east-1",
			Credentials: root, From: from},
			func(c *region.Call) error {
				attempts = c.Attempt()
				var err error
				slot, err = w.Place("use1-az1", "m5.large", region.PlaceOptions{})
				return err
			})
		info, _ := w.SlotInfo(slot)
		fmt.Printf("err=%v, effect ran on attempt %d, on %s, after %v\n",
			err, attempts, info.HostID, env.Now().Sub(start).Round(time.Millisecond))
		st := w.PipelineStats()
		fmt.Printf("attempts=%d retries=%d transient errors=%d\n", st.Attempts, st.Retries, st.Transient)
	})
	env.Run()
	// Output:
	// err=<nil>, effect ran on attempt 3, on h-00000000000000000, after 1.597s
	// attempts=3 retries=2 transient errors=2
}

package region_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nimbus-sim/nimbus/iam"
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
		if _, err := w.Fleet().Place("use1-az1", typ, region.PlaceOptions{}); err != nil {
			free, _ := w.Fleet().FreeCapacity("use1-az1", "m5")
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
	hosts, _ := w.Fleet().Hosts("use1-az1", "m5")
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
	w.Faults().SetErrorRate("ec2", "us-east-1", 0.5)
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
				slot, err = w.Fleet().Place("use1-az1", "m5.large", region.PlaceOptions{})
				return err
			})
		info, _ := w.Fleet().SlotInfo(slot)
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

// Set-up is API calls too: an account is opened (signing up), then its
// root user creates a user with a policy through IAM's endpoint, in
// virtual time; the user's call to S3 from an instance's zone is then
// authorized by that policy, and a forbidden one explains why.
func ExampleWorld_Setup() {
	env := sim.New(1)
	defer env.Close()
	w := region.MustNewWorld(env, region.Options{HostsPerAZ: map[string]int{}})
	root, _ := w.CreateAccount("111122223333")
	var alice region.Credentials
	err := w.Setup(func(ctx context.Context) error {
		c := w.IAMClient(root)
		if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: "alice"}); err != nil {
			return err
		}
		if _, err := c.PutUserPolicy(ctx, &region.PutUserPolicyInput{UserName: "alice", PolicyName: "read",
			PolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`}); err != nil {
			return err
		}
		out, err := c.CreateAccessKey(ctx, &region.CreateAccessKeyInput{UserName: "alice"})
		alice = out.AccessKey.Credentials()
		return err
	})
	fmt.Println("set-up:", err, "IAM calls:", w.PipelineStats().Calls)

	from, _ := w.InAZ("use1-az1")
	env.Go("app", func(p *sim.Proc) {
		region.SetLocation(p, from)
		for _, op := range []string{"GetObject", "ListBucket"} {
			err := w.Call(p, region.Request{Service: "s3", Operation: op, Region: "us-east-1",
				Credentials: alice, Resource: "arn:aws:s3:::b"}, func(*region.Call) error { return nil })
			var denied *iam.DeniedError
			if errors.As(err, &denied) {
				fmt.Println(op+":", denied.Decision.Message())
				continue
			}
			fmt.Println(op+":", err)
		}
	})
	env.Run()
	// Output:
	// set-up: <nil> IAM calls: 3
	// GetObject: <nil>
	// ListBucket: User: arn:aws:iam::111122223333:user/alice is not authorized to perform: s3:ListBucket on resource: arn:aws:s3:::b because no identity-based policy allows the s3:ListBucket action
}

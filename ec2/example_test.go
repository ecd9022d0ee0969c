package ec2_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nimbus-sim/nimbus/billing"
	"github.com/nimbus-sim/nimbus/ec2"
	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
)

// Launch a spot instance, read its metadata from a process running on it,
// and get reclaimed with two minutes' notice.
func Example_spotReclaim() {
	env := sim.New(7)
	defer env.Close()
	w := region.MustNewWorld(env, region.Options{})
	svc := ec2.MustNew(w, ec2.Options{Spot: &ec2.SpotOptions{Model: ec2.SpotMechanistic, Savings: 0.65, PriceStep: 24 * time.Hour}})

	// An account and an operator allowed to use EC2 (real IAM policy).
	// Signing up is not an API call; the rest of the set-up is.
	root, _ := w.CreateAccount("111122223333")
	var ops iam.Credentials
	w.Setup(func(ctx context.Context) error {
		c := w.IAMClient(root)
		c.CreateUser(ctx, &iam.CreateUserInput{UserName: "ops"})
		c.PutUserPolicy(ctx, &region.PutUserPolicyInput{UserName: "ops", PolicyName: "ec2",
			PolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}`})
		out, err := c.CreateAccessKey(ctx, &region.CreateAccessKeyInput{UserName: "ops"})
		if err == nil {
			ops = out.AccessKey.Credentials()
		}
		return err
	})
	client := svc.NewClient("us-east-1", ops)

	svc.Subscribe(func(e ec2.StateChangeEvent) {
		if e.Previous == ec2.InstanceStateRunning {
			fmt.Printf("%s: %s -> %s (%s)\n", env.TimeOf(e.At).Format(time.RFC3339), e.Previous, e.Current, e.Reason.Code)
		}
	})
	env.Go("operator", func(p *sim.Proc) {
		out, err := client.RunInstances(p, &ec2.RunInstancesInput{
			ImageId:      ec2.ImageID(ec2.PublicImages[0].Name, "us-east-1"),
			InstanceType: "m5.large", MinCount: 1, MaxCount: 1,
			InstanceMarketOptions: &ec2.InstanceMarketOptionsRequest{MarketType: ec2.MarketTypeSpot},
		})
		if err != nil {
			fmt.Println(err)
			return
		}
		id := out.Instances[0].InstanceId
		if err := client.WaitUntilInstanceRunning(p, []string{id}, 10*time.Minute); err != nil {
			fmt.Println(err)
			return
		}
		m, _ := svc.Machine(id)
		job, _ := m.Go("job", func(q *sim.Proc) {
			typ, _ := ec2.GetMetadata(q, "instance-type")
			life, _ := ec2.GetMetadata(q, "instance-life-cycle")
			_, err := ec2.GetMetadata(q, "spot/instance-action")
			fmt.Println("running on", typ, life, "- instance-action:", err)
			for { // poll every 5 s, as AWS suggests
				if body, err := ec2.GetMetadata(q, "spot/instance-action"); err == nil {
					fmt.Println("notice:", body)
					break
				}
				q.Sleep(5 * time.Second)
			}
			q.Sleep(time.Hour) // keep working until the end
		})
		job.OnExit(func(q *sim.Proc) {
			var se *ec2.ShutdownError
			if errors.As(q.Err(), &se) {
				fmt.Println("job killed by", se.Event)
			}
		})
		p.Sleep(90 * time.Minute)
		svc.ReclaimSpot(m.AvailabilityZoneID(), "m5.large", 1) // the failure layer's hook
	})
	env.RunFor(3 * time.Hour)
	// Interrupted by EC2 after its first hour: billed per second at the
	// spot price [S11].
	for _, li := range w.Billing().Invoice("111122223333", billing.MonthOf(env.NowTime())).Lines {
		if strings.HasPrefix(li.UsageType, "SpotUsage") {
			fmt.Println(li.UsageType, li.Amount.FloatString(4), li.Unit, "at", li.UnitPrice, "=", li.Cost)
		}
	}
	// Output:
	// running on m5.large spot - instance-action: ec2 imds: 404 Not Found: spot/instance-action
	// notice: {"action":"terminate","time":"2026-01-01T01:32:45Z"}
	// job killed by spot-interruption
	// 2026-01-01T01:32:45Z: running -> shutting-down (Server.SpotInstanceTermination)
	// SpotUsage:m5.large 1.5353 Hrs at $0.0336 = $0.051585333
}

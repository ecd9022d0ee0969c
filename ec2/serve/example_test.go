package serve_test

import (
	"context"
	"fmt"
	"time"

	"github.com/nimbus-sim/nimbus/ec2"
	"github.com/nimbus-sim/nimbus/ec2/serve"
	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
)

// One worker and a backlog of one: of three simultaneous requests, two
// are answered and one is refused.
func Example() {
	env := sim.New(1)
	defer env.Close()
	w := region.MustNewWorld(env, region.Options{HostsPerAZ: map[string]int{"m5": 1}})
	e := ec2.MustNew(w, ec2.Options{})
	root, _ := w.CreateAccount("111122223333")
	var creds region.Credentials
	_ = w.Setup(func(ctx context.Context) error {
		c := w.IAMClient(root)
		_, _ = c.CreateUser(ctx, &iam.CreateUserInput{UserName: "ops"})
		_, _ = c.PutUserPolicy(ctx, &region.PutUserPolicyInput{UserName: "ops", PolicyName: "ec2",
			PolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}`})
		out, err := c.CreateAccessKey(ctx, &region.CreateAccessKeyInput{UserName: "ops"})
		if err == nil {
			creds = out.AccessKey.Credentials()
		}
		return err
	})
	srv := serve.New(e)
	env.Go("ops", func(p *sim.Proc) {
		out, err := e.NewClient("us-east-1", creds).RunInstances(p, &ec2.RunInstancesInput{
			ImageId: ec2.ImageID(ec2.PublicImages()[0].Name, "us-east-1"), InstanceType: "m5.large", MinCount: 1, MaxCount: 1})
		if err != nil {
			fmt.Println(err)
			return
		}
		m, _ := e.Machine(out.Instances[0].InstanceId)
		for m.State() != ec2.InstanceStateRunning {
			_ = p.Sleep(time.Second)
		}
		_, _ = srv.Listen(m, 80, func(p *sim.Proc, r *serve.Request) serve.Response {
			_ = p.Sleep(time.Second)
			return serve.Response{Status: 200}
		}, serve.Options{Workers: 1, Backlog: 1})
		d := srv.Direct(m.ID(), 80)
		for i := 0; i < 3; i++ {
			d.Send(&serve.Request{Path: "/", From: region.OnInternet("us-east-1"),
				Reply: func(r *serve.Request) { fmt.Println(r.Outcome, r.Status()) }})
		}
	})
	env.Run()
	// Output:
	// refused 0
	// answered 200
	// answered 200
}

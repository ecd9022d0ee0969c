package ec2_test

import (
	"fmt"
	"time"

	"github.com/nimbus-sim/nimbus/ec2"
	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
)

// Require IMDSv2 on an instance, then read its metadata from a process on
// it: a tokenless (IMDSv1) read is refused with 401, a session token
// works until its TTL runs out in virtual time.
func Example_imdsv2() {
	env := sim.New(3)
	defer env.Close()
	w := region.MustNewWorld(env, region.Options{})
	svc := ec2.MustNew(w, ec2.Options{})
	ids := w.IAM()
	root, _ := ids.CreateAccount("111122223333")
	ids.CreateUser(root, iam.CreateUserInput{UserName: "ops"})
	ids.PutUserPolicy(root, "ops", "ec2", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}`)
	key, _ := ids.CreateAccessKey(root, "ops")
	client := svc.NewClient("us-east-1", key.Credentials())

	env.Go("operator", func(p *sim.Proc) {
		out, err := client.RunInstances(p, &ec2.RunInstancesInput{
			ImageId:      ec2.ImageID(ec2.PublicImages()[0].Name, "us-east-1"),
			InstanceType: "m5.large", MinCount: 1, MaxCount: 1,
			MetadataOptions: &ec2.InstanceMetadataOptionsRequest{HttpTokens: ec2.HttpTokensRequired},
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
		m.Go("app", func(q *sim.Proc) {
			_, err := ec2.GetMetadata(q, "instance-type") // IMDSv1
			fmt.Println("v1:", err)
			// PUT /latest/api/token, X-aws-ec2-metadata-token-ttl-seconds: 300
			token, err := ec2.GetMetadataToken(q, 300*time.Second)
			if err != nil {
				fmt.Println(err)
				return
			}
			typ, _ := ec2.GetMetadataWithToken(q, token, "instance-type")
			fmt.Println("v2:", typ)
			q.Sleep(5 * time.Minute)
			_, err = ec2.GetMetadataWithToken(q, token, "instance-type")
			fmt.Println("after 5 minutes:", err)
		})
	})
	env.RunFor(time.Hour)
	// Output:
	// v1: ec2 imds: 401 Unauthorized
	// v2: m5.large
	// after 5 minutes: ec2 imds: 401 Unauthorized
}

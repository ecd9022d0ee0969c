package ec2

import (
	"context"
	"testing"

	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
)

// BenchmarkNewWorld measures what every replication of a study pays
// before its first request: the default world, one account, one user
// with an identity policy and an access key (set up through the pipeline,
// as the examples do), and the EC2 service.
func BenchmarkNewWorld(b *testing.B) {
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		env := sim.New(uint64(i))
		w, err := region.NewWorld(env, region.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := New(w, Options{}); err != nil {
			b.Fatal(err)
		}
		root, err := w.CreateAccount(testAccount)
		if err != nil {
			b.Fatal(err)
		}
		if err := w.Setup(func(ctx context.Context) error {
			c := w.IAMClient(root)
			if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: "operator"}); err != nil {
				return err
			}
			if _, err := c.PutUserPolicy(ctx, &region.PutUserPolicyInput{UserName: "operator", PolicyName: "ec2",
				PolicyDocument: operatorPolicy}); err != nil {
				return err
			}
			_, err := c.CreateAccessKey(ctx, &region.CreateAccessKeyInput{UserName: "operator"})
			return err
		}); err != nil {
			b.Fatal(err)
		}
		env.Close()
	}
}

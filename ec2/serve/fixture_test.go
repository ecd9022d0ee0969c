package serve_test

import (
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/ec2"
	"github.com/nimbus-sim/nimbus/ec2/serve"
	"github.com/nimbus-sim/nimbus/internal/testprincipal"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

type fix struct {
	t   *testing.T
	env *sim.Env
	w   *region.World
	ec2 *ec2.Service
	srv *serve.Service
	c   *ec2.Client
}

func newFix(t *testing.T, seed uint64) *fix {
	env := sim.New(seed)
	t.Cleanup(env.Close)
	w := region.MustNewWorld(env, region.Options{HostsPerAZ: map[string]int{"m5": 2, "t3": 1}})
	svc := ec2.MustNew(w, ec2.Options{})
	root := testprincipal.Account(t, w, "111122223333")
	op := testprincipal.User(t, w, root, "operator", testprincipal.Allow([]string{"ec2:*"}, []string{"*"}))
	return &fix{t: t, env: env, w: w, ec2: svc, srv: serve.New(svc), c: svc.NewClient("us-east-1", op)}
}

// launch runs an instance and plays the clock until it is running.
func (f *fix) launch(typ ec2.InstanceType) *ec2.Machine {
	var id string
	f.env.Go("launch", func(p *sim.Proc) {
		out, err := f.c.RunInstances(p, &ec2.RunInstancesInput{ImageId: ec2.ImageID(ec2.PublicImages()[0].Name, "us-east-1"),
			InstanceType: typ, MinCount: 1, MaxCount: 1})
		require.NoError(f.t, err)
		id = out.Instances[0].InstanceId
	})
	f.env.RunFor(5 * time.Minute)
	m, ok := f.ec2.Machine(id)
	require.True(f.t, ok)
	require.Equal(f.t, ec2.InstanceStateRunning, m.State())
	return m
}

type (
	ec2StopIn   = ec2.StopInstancesInput
	ec2RebootIn = ec2.RebootInstancesInput
	ec2TermIn   = ec2.TerminateInstancesInput
)

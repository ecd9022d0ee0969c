package opswalk_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nimbus-sim/nimbus/ec2"
	"github.com/nimbus-sim/nimbus/ec2/autoscaling"
	"github.com/nimbus-sim/nimbus/ec2/elb"
	"github.com/nimbus-sim/nimbus/ec2/serve"
	"github.com/nimbus-sim/nimbus/internal/testprincipal"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/s3"
	"github.com/nimbus-sim/nimbus/sim"
	"github.com/nimbus-sim/nimbus/vpc"
)

// service is one row: how to build a client, and the endpoint prefix its
// operations are counted under ("ec2" -> "ec2:RunInstances").
type service struct {
	prefix string
	client func(t *testing.T, w *region.World, creds region.Credentials) any
	// skip lists methods of the client that are not API operations
	// (waiters, configuration).
	skip []string
	// other names methods counted under another endpoint prefix (Auto
	// Scaling's client creates launch templates, an EC2 operation).
	other map[string]string
}

// fleet builds ec2, its servers, an ALB service and Auto Scaling on w.
func fleet(t *testing.T, w *region.World) (*ec2.Service, *elb.Service, *autoscaling.Service) {
	e, err := ec2.New(w, ec2.Options{})
	require.NoError(t, err)
	lb, err := elb.New(serve.New(e), elb.Options{})
	require.NoError(t, err)
	as, err := autoscaling.New(lb, autoscaling.Options{})
	require.NoError(t, err)
	return e, lb, as
}

var services = []service{
	{prefix: "ec2", client: func(t *testing.T, w *region.World, creds region.Credentials) any {
		svc, err := ec2.New(w, ec2.Options{})
		require.NoError(t, err)
		return svc.NewClient("us-east-1", creds)
	}, skip: []string{"WaitUntilInstanceRunning"}},
	{prefix: "iam", client: func(t *testing.T, w *region.World, creds region.Credentials) any {
		return w.IAMClient(creds)
	}, skip: []string{"WithClientConfig"}},
	{prefix: "sts", client: func(t *testing.T, w *region.World, creds region.Credentials) any {
		return w.STSClient("us-east-1", creds)
	}},
	{prefix: "ec2", client: func(t *testing.T, w *region.World, creds region.Credentials) any {
		svc, err := vpc.New(w, vpc.Options{})
		require.NoError(t, err)
		return svc.NewClient("us-east-1", creds) // vpc: EC2's networking operations
	}},
	{prefix: "s3", client: func(t *testing.T, w *region.World, creds region.Credentials) any {
		svc, err := s3.New(w, s3.Options{})
		require.NoError(t, err)
		return svc.NewClient("us-east-1", creds)
	}},
	{prefix: "organizations", client: func(t *testing.T, w *region.World, creds region.Credentials) any {
		return w.OrganizationsClient(creds)
	}, skip: []string{"WithClientConfig"}},
	{prefix: "servicequotas", client: func(t *testing.T, w *region.World, creds region.Credentials) any {
		e, _, _ := fleet(t, w)
		return e.NewQuotasClient("us-east-1", creds)
	}},
	{prefix: "elasticloadbalancing", client: func(t *testing.T, w *region.World, creds region.Credentials) any {
		_, lb, _ := fleet(t, w)
		return lb.NewClient("us-east-1", creds)
	}},
	{prefix: "autoscaling", client: func(t *testing.T, w *region.World, creds region.Credentials) any {
		_, _, as := fleet(t, w)
		return as.NewClient("us-east-1", creds)
	}, other: map[string]string{"CreateLaunchTemplate": "ec2"}},
}

// TestEveryOperationGoesThroughThePipeline calls every exported method
// whose first parameter is a context.Context, with zero inputs (most
// fail, which is fine: a failure still went through the pipeline), and
// requires the pipeline to have counted the call under its operation.
func TestEveryOperationGoesThroughThePipeline(t *testing.T) {
	ctxType := reflect.TypeFor[context.Context]()
	for _, s := range services {
		t.Run(s.prefix, func(t *testing.T) {
			env := sim.New(1)
			t.Cleanup(env.Close)
			w := region.MustNewWorld(env, region.Options{HostsPerAZ: map[string]int{"m5": 1}})
			root := testprincipal.Account(t, w, "111122223333")
			c := reflect.ValueOf(s.client(t, w, root))
			walked := 0
			for i := 0; i < c.NumMethod(); i++ {
				m := c.Type().Method(i)
				ft := m.Type
				if ft.NumIn() < 2 || ft.In(1) != ctxType || contains(s.skip, m.Name) {
					continue
				}
				// Counted by operation, not by the IAM action it is
				// authorized under (S3's HeadObject is s3:GetObject).
				key := s.prefix + ":" + m.Name
				if p, ok := s.other[m.Name]; ok {
					key = p + ":" + m.Name
				}
				before := w.PipelineStats().ByOperation[key]
				var out []reflect.Value
				env.Go(m.Name, func(p *sim.Proc) {
					args := []reflect.Value{reflect.ValueOf(context.Context(p))}
					for j := 2; j < ft.NumIn(); j++ {
						args = append(args, zeroArg(ft.In(j)))
					}
					out = c.Method(i).Call(args)
				})
				env.RunFor(0)
				env.Run()
				require.NotNil(t, out, "%s did not return", key)
				require.Equal(t, before+1, w.PipelineStats().ByOperation[key],
					"%s did not go through World.Call (returned %v)", key, out[len(out)-1])
				walked++
			}
			require.Positive(t, walked)
			t.Logf("%s: %d operations through the pipeline", s.prefix, walked)
		})
	}
}

// zeroArg returns a zero value for a parameter, with pointers to structs
// allocated (the SDK's *Input).
func zeroArg(t reflect.Type) reflect.Value {
	if t.Kind() == reflect.Pointer {
		return reflect.New(t.Elem())
	}
	return reflect.Zero(t)
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if strings.EqualFold(x, y) {
			return true
		}
	}
	return false
}

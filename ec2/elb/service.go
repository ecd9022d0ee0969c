package elb

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/nimbus-sim/nimbus/billing"
	"github.com/nimbus-sim/nimbus/ec2"
	"github.com/nimbus-sim/nimbus/ec2/serve"
	"github.com/nimbus-sim/nimbus/internal/awserr"
	"github.com/nimbus-sim/nimbus/internal/mix"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
	"github.com/nimbus-sim/nimbus/vpc"
)

// Options configure New. The zero value is AWS's behaviour.
type Options struct {
	// DNSTTL is how long clients keep resolving a node that has gone down
	// (the load balancer's DNS records have a 60-second TTL,
	// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#dns-name).
	DNSTTL time.Duration
	// ClientConnectTimeout is how long an internet client waits on a dead
	// node's address before giving up; default 10 s.
	ClientConnectTimeout time.Duration
	// TargetConnectTimeout is how long a node waits to connect to a target
	// before answering 504; AWS's is 10 s
	// (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html#http-504-issues).
	TargetConnectTimeout time.Duration
}

func (o *Options) norm() {
	if o.DNSTTL == 0 {
		o.DNSTTL = 60 * time.Second
	}
	if o.ClientConnectTimeout == 0 {
		o.ClientConnectTimeout = 10 * time.Second
	}
	if o.TargetConnectTimeout == 0 {
		o.TargetConnectTimeout = 10 * time.Second
	}
}

// Service is Elastic Load Balancing (v2, Application Load Balancers only)
// in one world. It belongs to its Env's goroutine.
type Service struct {
	env    *sim.Env
	w      *region.World
	ec2    *ec2.Service
	net    *vpc.Service
	srv    *serve.Service
	ledger *billing.Ledger
	o      Options
	seq    uint64

	lbs       map[string]*loadBalancer // by ARN
	tgs       map[string]*targetGroup
	listeners map[string]*listener
	rules     map[string]*rule
	lbOrder   []*loadBalancer // creation order, for determinism
	tgOrder   []*targetGroup
}

// New returns the load-balancing service over the servers of srv.
func New(srv *serve.Service, o Options) (*Service, error) {
	if srv == nil {
		panic("elb: New: nil serve.Service")
	}
	if o.DNSTTL < 0 || o.ClientConnectTimeout < 0 || o.TargetConnectTimeout < 0 {
		return nil, fmt.Errorf("elb: negative durations in %+v", o)
	}
	o.norm()
	e := srv.EC2()
	return &Service{env: e.Env(), w: e.World(), ec2: e, net: e.VPC(), srv: srv, ledger: e.World().Billing(), o: o,
		lbs: map[string]*loadBalancer{}, tgs: map[string]*targetGroup{}, listeners: map[string]*listener{}, rules: map[string]*rule{}}, nil
}

// MustNew is New for tests and examples.
func MustNew(srv *serve.Service, o Options) *Service {
	s, err := New(srv, o)
	if err != nil {
		panic(err)
	}
	return s
}

// Servers returns the server registry the load balancers forward to.
func (s *Service) Servers() *serve.Service { return s.srv }

func (s *Service) rng(name string) *rand.Rand { return s.env.Rand("elb/" + name) }

// newHex returns a 16-hex-digit ID, unique in this service and stable for
// a seed.
func (s *Service) newHex() string {
	s.seq++
	return fmt.Sprintf("%016x", mix.SplitMix64(s.seq^mix.FNV64a("elb")))
}

// Client calls the ELBv2 API as one principal in one region.
type Client struct {
	svc    *Service
	region string
	creds  region.Credentials
}

// NewClient returns a client for regionCode with creds.
func (s *Service) NewClient(regionCode string, creds region.Credentials) *Client {
	return &Client{svc: s, region: regionCode, creds: creds}
}

// call runs one API action through the world's pipeline under the IAM
// action elasticloadbalancing:<op>.
func (c *Client) call(ctx context.Context, op, resource string, effect func(account string) error) error {
	req := region.Request{Service: "elasticloadbalancing", ServiceID: "Elastic Load Balancing v2", Operation: op,
		Region: c.region, Credentials: c.creds, Action: "elasticloadbalancing:" + op, Resource: resource}
	return c.svc.w.Call(ctx, req, func(rc *region.Call) error {
		return effect(rc.Principal().Account)
	})
}

// arn builds an ELB ARN.
func arn(regionCode, account, resource string) string {
	return "arn:aws:elasticloadbalancing:" + regionCode + ":" + account + ":" + resource
}

var _ = awserr.Code

package autoscaling

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/nimbus-sim/nimbus/ec2"
	"github.com/nimbus-sim/nimbus/ec2/elb"
	"github.com/nimbus-sim/nimbus/internal/awserr"
	"github.com/nimbus-sim/nimbus/internal/mix"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
	"github.com/nimbus-sim/nimbus/vpc"
)

// Options configure New. The zero value is the default.
type Options struct {
	// Period is how often a group's control loop looks at its instances
	// (health, capacity, schedules, policies); default 10 s. AWS does not
	// publish its cadence.
	Period time.Duration
}

// Service is Amazon EC2 Auto Scaling in one world, plus the EC2 launch
// templates it launches from. It belongs to its Env's goroutine.
type Service struct {
	env    *sim.Env
	w      *region.World
	ec2    *ec2.Service
	net    *vpc.Service
	elb    *elb.Service
	o      Options
	seq    uint64
	lts    map[string]*launchTemplate // by ID
	groups map[string]*group          // by account/region/name
	order  []*group
	boot   map[string]func(m *ec2.Machine) error
	cpu    map[string]*cpuSeries // per instance
}

// New returns the Auto Scaling service over the load balancers of lb.
func New(lb *elb.Service, o Options) (*Service, error) {
	if lb == nil {
		panic("autoscaling: New: nil elb.Service")
	}
	if o.Period < 0 {
		return nil, fmt.Errorf("autoscaling: negative Period %v", o.Period)
	}
	if o.Period == 0 {
		o.Period = 10 * time.Second
	}
	e := lb.Servers().EC2()
	return &Service{env: e.Env(), w: e.World(), ec2: e, net: e.VPC(), elb: lb, o: o,
		lts: map[string]*launchTemplate{}, groups: map[string]*group{}, boot: map[string]func(*ec2.Machine) error{},
		cpu: map[string]*cpuSeries{}}, nil
}

// MustNew is New for tests and examples.
func MustNew(lb *elb.Service, o Options) *Service {
	s, err := New(lb, o)
	if err != nil {
		panic(err)
	}
	return s
}

// RegisterUserData names a boot script: a launch template whose UserData
// is name runs fn on each instance once it is running (starting its
// server, say), as cloud-init runs user data. User data is a string on
// AWS; here it names Go code.
func (s *Service) RegisterUserData(name string, fn func(m *ec2.Machine) error) {
	s.boot[name] = fn
}

func (s *Service) newID(prefix string) string {
	s.seq++
	return mix.ID(prefix, mix.SplitMix64(s.seq^mix.FNV64a("autoscaling"))>>4)
}

// Client calls the Auto Scaling API (and EC2's launch-template actions)
// as one principal in one region.
type Client struct {
	svc    *Service
	region string
	creds  region.Credentials
}

// NewClient returns a client for regionCode with creds.
func (s *Service) NewClient(regionCode string, creds region.Credentials) *Client {
	return &Client{svc: s, region: regionCode, creds: creds}
}

func (c *Client) call(ctx context.Context, op string, effect func(account string) error) error {
	req := region.Request{Service: "autoscaling", ServiceID: "Auto Scaling", Operation: op, Region: c.region,
		Credentials: c.creds, Action: "autoscaling:" + op}
	return c.svc.w.Call(ctx, req, func(rc *region.Call) error { return effect(rc.Principal().Account) })
}

func (c *Client) ec2Call(ctx context.Context, op string, effect func(account string) error) error {
	req := region.Request{Service: "ec2", ServiceID: "EC2", Operation: op, Region: c.region,
		Credentials: c.creds, Action: "ec2:" + op}
	return c.svc.w.Call(ctx, req, func(rc *region.Call) error { return effect(rc.Principal().Account) })
}

// Sentinels for errors.Is. Auto Scaling reports most bad input as
// ValidationError
// (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/CommonErrors.html).
var (
	ErrValidation    = awserr.Code("ValidationError")
	ErrAlreadyExists = awserr.Code("AlreadyExists")
	ErrResourceInUse = awserr.Code("ResourceInUse")
)

func validation(format string, args ...any) error {
	return awserr.New("ValidationError", http.StatusBadRequest, false, format, args...)
}

func clientErr(code, format string, args ...any) error {
	return awserr.New(code, http.StatusBadRequest, false, format, args...)
}

package ec2

import (
	"context"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/billing"
	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
)

const testRegion = "us-east-1"

type fixture struct {
	t    testing.TB
	env  *sim.Env
	w    *region.World
	iam  *iam.Service
	svc  *Service
	c    *Client
	root iam.Credentials
	user iam.Credentials
}

// operatorPolicy is the test user's identity policy: EC2 and passing the
// worker role, nothing else.
const operatorPolicy = `{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":"ec2:*","Resource":"*"},
 {"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::111122223333:role/worker"}]}`

const ec2Trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
 "Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

func newFixture(t testing.TB, seed uint64, opts Options) *fixture {
	return newFixtureHosts(t, seed, opts, map[string]int{"m5": 4, "c5": 2, "t3": 2, "p3": 1, "g4dn": 1, "r5": 1})
}

func newFixtureHosts(t testing.TB, seed uint64, opts Options, hosts map[string]int) *fixture {
	t.Helper()
	return newFixtureWorld(t, seed, opts, region.Options{HostsPerAZ: hosts})
}

func newFixtureWorld(t testing.TB, seed uint64, opts Options, wo region.Options) *fixture {
	t.Helper()
	return newFixtureCatalog(t, seed, opts, wo, nil)
}

// newFixtureCatalog builds the world's ledger on cat (nil: the default).
// Options without Quotas get establishedQuotas.
func newFixtureCatalog(t testing.TB, seed uint64, opts Options, wo region.Options, cat *billing.Catalog) *fixture {
	t.Helper()
	if opts.Quotas == nil {
		opts.Quotas = establishedQuotas()
	}
	return newFixtureQuotas(t, seed, opts, wo, cat)
}

// establishedQuotas are the quotas of the tests of other features: an
// established account's, raised long ago above anything a test launches,
// so that a capacity test meets InsufficientInstanceCapacity rather than
// VcpuLimitExceeded. Quotas stay on, so every launch still passes the
// check. The quota tests ask for a new account's (NewAccountQuotas, or nil
// through newFixtureQuotas).
func establishedQuotas() *QuotaOptions {
	v := map[string]int{}
	for _, code := range QuotaCodes() {
		v[code] = 100_000
	}
	return &QuotaOptions{Values: v}
}

// newFixtureQuotas is newFixtureCatalog with opts as given: a nil Quotas
// is the package default, a new account's.
func newFixtureQuotas(t testing.TB, seed uint64, opts Options, wo region.Options, cat *billing.Catalog) *fixture {
	t.Helper()
	env := sim.New(seed)
	t.Cleanup(env.Close)
	if cat != nil {
		wo.Billing = billing.New(env, cat)
	}
	w, err := region.NewWorld(env, wo) // IAM-guarded pipeline
	if err != nil {
		t.Fatal(err)
	}
	ids := w.IAM()
	svc, err := New(w, opts)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, env: env, w: w, iam: ids, svc: svc}
	// Set-up is API calls through the pipeline, like any scenario's.
	f.root, err = w.CreateAccount(testAccount)
	must(t, err)
	must(t, w.Setup(func(ctx context.Context) error {
		c := w.IAMClient(f.root)
		if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: "operator"}); err != nil {
			return err
		}
		if _, err := c.PutUserPolicy(ctx, &region.PutUserPolicyInput{UserName: "operator", PolicyName: "ec2",
			PolicyDocument: operatorPolicy}); err != nil {
			return err
		}
		k, err := c.CreateAccessKey(ctx, &region.CreateAccessKeyInput{UserName: "operator"})
		if err != nil {
			return err
		}
		f.user = k.AccessKey.Credentials()
		if _, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: "worker", AssumeRolePolicyDocument: ec2Trust}); err != nil {
			return err
		}
		if _, err := c.CreateInstanceProfile(ctx, &region.CreateInstanceProfileInput{InstanceProfileName: "worker", Path: "/"}); err != nil {
			return err
		}
		_, err = c.AddRoleToInstanceProfile(ctx, &region.AddRoleToInstanceProfileInput{InstanceProfileName: "worker", RoleName: "worker"})
		return err
	}))
	f.c = svc.NewClient(testRegion, f.user)
	return f
}

// do runs fn in a process now and runs the simulation for d.
func (f *fixture) do(d time.Duration, fn func(p *sim.Proc)) {
	f.t.Helper()
	f.env.Go("test", fn)
	f.env.RunFor(d)
}

func (f *fixture) ami() string { return ImageID(PublicImages()[0].Name, testRegion) }

// launch runs one instance and waits until it is running.
func (f *fixture) launch(p *sim.Proc, in RunInstancesInput) *Machine {
	f.t.Helper()
	if in.ImageId == "" {
		in.ImageId = f.ami()
	}
	if in.MinCount == 0 {
		in.MinCount, in.MaxCount = 1, 1
	}
	out, err := f.c.RunInstances(p, &in)
	if err != nil {
		f.t.Fatalf("RunInstances: %v", err)
	}
	m, _ := f.svc.Machine(out.Instances[0].InstanceId)
	f.waitRunning(p, m)
	return m
}

// waitRunning returns at the instant m becomes running (the SDK waiter
// polls every 15 s; tests about credits and billing need the instant).
func (f *fixture) waitRunning(p *sim.Proc, m *Machine) {
	if m.State() == InstanceStateRunning {
		return
	}
	ev := f.env.NewEvent("running")
	cancel := f.svc.Subscribe(func(e StateChangeEvent) {
		if e.InstanceID == m.ID() && e.Current == InstanceStateRunning && !ev.Triggered() {
			ev.Trigger(nil)
		}
	})
	defer cancel()
	if ok, _ := p.WaitTimeout(ev, time.Hour); !ok {
		f.t.Fatalf("%s not running after an hour (%s)", m.ID(), m.State())
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// wantCode fails unless err carries the AWS error code.
func wantCode(t testing.TB, err error, code string) {
	t.Helper()
	if !isCode(err, code) {
		t.Fatalf("error = %v, want code %s", err, code)
	}
}

// billedSeconds sums the instance-hours billed to resource id (on-demand
// and spot) over every month, in seconds, from the ledger's invoices.
func (f *fixture) billedSeconds(account, id string) int64 {
	f.t.Helper()
	var total big.Rat
	for _, mo := range f.svc.Billing().Months(account) {
		for _, li := range f.svc.Billing().Invoice(account, mo).Lines {
			if li.ResourceID == id && (strings.Contains(li.UsageType, "BoxUsage:") || strings.Contains(li.UsageType, "SpotUsage:")) {
				total.Add(&total, li.Amount)
			}
		}
	}
	total.Mul(&total, big.NewRat(3600, 1))
	if !total.IsInt() {
		f.t.Fatalf("billed %v s: not whole seconds", total.String())
	}
	return total.Num().Int64()
}

// lines returns the invoice lines of resource id with a usage type
// containing ut.
func (f *fixture) lines(account, id, ut string) []billing.LineItem {
	var out []billing.LineItem
	for _, mo := range f.svc.Billing().Months(account) {
		for _, li := range f.svc.Billing().Invoice(account, mo).Lines {
			if li.ResourceID == id && strings.Contains(li.UsageType, ut) {
				out = append(out, li)
			}
		}
	}
	return out
}

const testAccount = "111122223333"

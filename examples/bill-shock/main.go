// Command bill-shock runs the course's surprise bills as small scenarios,
// each on its own account at list prices for January 2026: a p3 GPU
// instance left running over a weekend, a forgotten bucket, NAT gateway
// processing, cross-region transfer and idle public IPv4 addresses. A
// monthly budget on the GPU account fires its alert at the exact virtual
// instant the running instance carries the cost over the limit.
//
//	go run ./examples/bill-shock
//	go run ./examples/bill-shock -budget 50 -bucket-gb 2000
package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/nimbus-sim/nimbus/billing"
	"github.com/nimbus-sim/nimbus/ec2"
	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/internal/cli"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/s3"
	"github.com/nimbus-sim/nimbus/sim"
)

func main() { cli.Main("bill-shock", run) }

const (
	accountID = "111122223333"
	home      = "us-east-1"
	gib       = int64(1) << 30
	maxPut    = 5 * gib // a single PUT takes at most 5 GiB
)

type options struct {
	seed     uint64
	budget   int
	bucketGB int
	natGB    int
	xrGB     int
	far      string
	eips     int
}

func parse(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := cli.NewFlagSet("bill-shock", stderr, cli.AtParse)
	fs.Uint64Var(&o.seed, "seed", 1, "simulation seed")
	fs.IntVar(&o.budget, "budget", 100, "monthly budget on the GPU account, in dollars (1..10000)")
	fs.IntVar(&o.bucketGB, "bucket-gb", 500, "GiB in the forgotten bucket, a multiple of 5 (5..100000)")
	fs.IntVar(&o.natGB, "nat-gb", 1000, "GiB pulled from S3 through the NAT gateway in the month, a multiple of 5 (5..100000)")
	fs.IntVar(&o.xrGB, "xr-gb", 1000, "GiB read from "+home+" by an instance in -far, a multiple of 5 (5..100000)")
	fs.StringVar(&o.far, "far", "eu-west-1", "region of the cross-region reader (not "+home+")")
	fs.IntVar(&o.eips, "eips", 4, "Elastic IPs allocated and never attached (1..100)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	badGB := func(v int) bool { return v < 5 || v > 100000 || v%5 != 0 }
	switch {
	case fs.NArg() > 0:
		return nil, fs.Usagef("unexpected argument %q", fs.Arg(0))
	case o.budget < 1 || o.budget > 10000:
		return nil, fs.Usagef("-budget %d: want 1 to 10000 dollars", o.budget)
	case badGB(o.bucketGB):
		return nil, fs.Usagef("-bucket-gb %d: want a multiple of 5 in 5..100000", o.bucketGB)
	case badGB(o.natGB):
		return nil, fs.Usagef("-nat-gb %d: want a multiple of 5 in 5..100000", o.natGB)
	case badGB(o.xrGB):
		return nil, fs.Usagef("-xr-gb %d: want a multiple of 5 in 5..100000", o.xrGB)
	case o.far == home:
		return nil, fs.Usagef("-far %s: the bucket is in %s; pick another region", o.far, home)
	case o.eips < 1 || o.eips > 100:
		return nil, fs.Usagef("-eips %d: want 1 to 100", o.eips)
	}
	// An unknown region is a usage error too; the catalog knows them.
	w, err := region.NewWorld(sim.New(1), region.Options{HostsPerAZ: map[string]int{}})
	if err != nil {
		return nil, err
	}
	defer w.Env().Close()
	if _, err := w.Region(o.far); err != nil {
		return nil, fs.Usagef("-far: %v", err)
	}
	return o, nil
}

// scenario is one surprise bill: it sets up and runs its world.
type scenario struct {
	title string
	hand  string // the arithmetic, from the price list
	play  func(s *stage) error
}

func run(args []string, stdout, stderr io.Writer) error {
	o, err := parse(args, stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "The course's surprise bills, January 2026 at list prices (us-east-1 unless noted); seed %d\n", o.seed)
	var alert []string
	scenarios := []scenario{
		{"a p3.2xlarge left running over a weekend (Fri 18:00 to Mon 09:00)",
			fmt.Sprintf("63 h x $3.06 = $192.78 (from running to shutting-down); a $%d budget alerts when crossed", o.budget),
			func(s *stage) error { return gpuWeekend(s, o.budget, &alert) }},
		{fmt.Sprintf("a forgotten bucket of %d GiB (S3 Standard, all month)", o.bucketGB),
			fmt.Sprintf("%d GB-month x $0.023 = $%.2f", o.bucketGB, float64(o.bucketGB)*0.023),
			func(s *stage) error { return forgottenBucket(s, o.bucketGB) }},
		{fmt.Sprintf("%d GiB from S3 through a NAT gateway (no gateway endpoint)", o.natGB),
			fmt.Sprintf("744 h x $0.045 + %d GB x $0.045 + its IPv4 744 h x $0.005 = $%.2f", o.natGB, 744*0.045+float64(o.natGB)*0.045+744*0.005),
			func(s *stage) error { return natProcessing(s, o.natGB) }},
		{fmt.Sprintf("%d GiB read from a %s bucket by an instance in %s", o.xrGB, home, o.far),
			fmt.Sprintf("%d GB x $0.02 (inter-region transfer out of %s) = $%.2f", o.xrGB, home, float64(o.xrGB)*0.02),
			func(s *stage) error { return crossRegion(s, o.far, o.xrGB) }},
		{fmt.Sprintf("%d Elastic IPs allocated and never attached", o.eips),
			fmt.Sprintf("%d x 744 h x $0.005 = $%.2f", o.eips, float64(o.eips)*744*0.005),
			func(s *stage) error { return idleIPv4(s, o.eips) }},
	}
	for i, sc := range scenarios {
		s, err := newStage(o.seed)
		if err != nil {
			return err
		}
		err = sc.play(s)
		if err == nil {
			s.env.RunUntil(s.env.FromTime(time.Date(2026, time.February, 1, 0, 0, 0, 0, time.UTC)))
			err = s.err
		}
		if err != nil {
			s.env.Close()
			return fmt.Errorf("%s: %w", sc.title, err)
		}
		inv := s.w.Billing().Invoice(accountID, billing.MakeMonth(2026, time.January))
		fmt.Fprintf(stdout, "\n%d. %s\n   by hand: %s\n", i+1, sc.title, sc.hand)
		printTop(stdout, inv)
		s.env.Close()
		if i == 0 {
			for _, a := range alert {
				fmt.Fprintln(stdout, a)
			}
		}
	}
	return nil
}

// printTop prints the invoice's biggest usage types and its total.
func printTop(out io.Writer, inv *billing.Invoice) {
	type row struct {
		name string
		cost billing.Money
	}
	sum := map[string]billing.Money{}
	for _, li := range inv.Lines {
		if li.Type == "Usage" {
			sum[li.Service+" "+li.UsageType] += li.Cost
		}
	}
	var rows []row
	for k, v := range sum {
		if v.RoundCents() != 0 {
			rows = append(rows, row{k, v})
		}
	}
	slices.SortFunc(rows, func(a, b row) int {
		if a.cost != b.cost {
			if a.cost > b.cost {
				return -1
			}
			return 1
		}
		return strings.Compare(a.name, b.name)
	})
	for _, r := range rows {
		fmt.Fprintf(out, "   %-48s %10v\n", r.name, r.cost.RoundCents())
	}
	fmt.Fprintf(out, "   %-48s %10v\n", "month's bill", inv.AmountDue())
}

// stage is one scenario's world: an account on list prices, an admin user
// and an instance role that may read S3.
type stage struct {
	env   *sim.Env
	w     *region.World
	ec2   *ec2.Service
	s3    *s3.Service
	admin iam.Credentials
	err   error
}

func newStage(seed uint64) (*stage, error) {
	// The world starts on New Year's Eve, so what is set up before
	// January (the bucket, the NAT gateway, the addresses) bills all of
	// January's 744 hours.
	env := sim.New(seed, sim.WithEpoch(time.Date(2025, time.December, 31, 12, 0, 0, 0, time.UTC)))
	w, err := region.NewWorld(env, region.Options{HostsPerAZ: map[string]int{"t3": 1, "p3": 1}})
	if err != nil {
		return nil, err
	}
	s := &stage{env: env, w: w}
	// A new account may run no P instances (a vCPU quota of 0); this one
	// asked Service Quotas for 8 vCPUs, one p3.2xlarge, before the story
	// starts (ec2.QuotasClient's RequestServiceQuotaIncrease).
	quotas := &ec2.QuotaOptions{Values: map[string]int{ec2.QuotaCode(ec2.QuotaP, false): 8}}
	if s.ec2, err = ec2.New(w, ec2.Options{Quotas: quotas}); err != nil {
		return nil, err
	}
	if s.s3, err = s3.New(w, s3.Options{}); err != nil {
		return nil, err
	}
	ids := w.IAM()
	root, err := ids.CreateAccount(accountID)
	if err != nil {
		return nil, err
	}
	// The bills are list prices: no free plan.
	if err := w.Billing().SetAccount(billing.Account{ID: accountID, Plan: billing.PlanNone}); err != nil {
		return nil, err
	}
	steps := []func() error{
		func() error { _, err := ids.CreateUser(root, iam.CreateUserInput{UserName: "admin"}); return err },
		func() error {
			return ids.PutUserPolicy(root, "admin", "ops", `{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":["ec2:*","s3:*"],"Resource":"*"},
 {"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::`+accountID+`:role/reader"}]}`)
		},
		func() error {
			_, err := ids.CreateRole(root, iam.CreateRoleInput{RoleName: "reader", AssumeRolePolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
 "Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`})
			return err
		},
		func() error {
			return ids.PutRolePolicy(root, "reader", "read", `{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::*/*"}]}`)
		},
		func() error { _, err := ids.CreateInstanceProfile(root, "reader", "/"); return err },
		func() error { return ids.AddRoleToInstanceProfile(root, "reader", "reader") },
		func() error {
			k, err := ids.CreateAccessKey(root, "admin")
			s.admin = k.Credentials()
			return err
		},
	}
	for _, f := range steps {
		if err := f(); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// do runs fn as the admin now and the simulation until it returns.
func (s *stage) do(fn func(p *sim.Proc) error) error {
	var err error
	done := false
	s.env.Go("admin", func(p *sim.Proc) { err = fn(p); done = true })
	for !done {
		s.env.RunFor(time.Minute)
	}
	return err
}

// at is the virtual instant of a January 2026 calendar time.
func (s *stage) at(day, hour int) sim.Time {
	return s.env.FromTime(time.Date(2026, time.January, day, hour, 0, 0, 0, time.UTC))
}

// launch runs one instance and waits until it runs.
func (s *stage) launch(p *sim.Proc, c *ec2.Client, regionCode, typ, subnet string, profile bool) (*ec2.Machine, error) {
	in := &ec2.RunInstancesInput{ImageId: ec2.ImageID(ec2.PublicImages()[0].Name, regionCode),
		InstanceType: ec2.InstanceType(typ), MinCount: 1, MaxCount: 1, SubnetId: subnet}
	if profile {
		in.IamInstanceProfile = &ec2.IamInstanceProfileSpecification{Name: "reader"}
	}
	out, err := c.RunInstances(p, in)
	if err != nil {
		return nil, err
	}
	m, _ := s.ec2.Machine(out.Instances[0].InstanceId)
	for m.State() != ec2.InstanceStateRunning {
		if err := p.Sleep(time.Second); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// fill creates bucket in regionCode holding gb GiB in 5 GiB objects.
func (s *stage) fill(p *sim.Proc, bucket, regionCode string, gb int) error {
	c := s.s3.NewClient(regionCode, s.admin)
	in := &s3.CreateBucketInput{Bucket: bucket}
	if regionCode != "us-east-1" {
		in.CreateBucketConfiguration = &s3.CreateBucketConfiguration{LocationConstraint: regionCode}
	}
	if _, err := c.CreateBucket(p, in); err != nil {
		return err
	}
	for k := range int64(gb) * gib / maxPut {
		if _, err := c.PutObject(p, &s3.PutObjectInput{Bucket: bucket, Key: objKey(int(k)), ContentLength: s3.Int64(maxPut)}); err != nil {
			return err
		}
	}
	return nil
}

func objKey(k int) string { return fmt.Sprintf("data/part-%05d.bin", k) }

// pull reads gb GiB from bucket (5 GiB objects, round robin) from a
// process on m, spread evenly over January from day 2 on, with the
// instance role's current credentials from the metadata service.
func (s *stage) pull(m *ec2.Machine, bucket, bucketRegion string, gb, objects int) error {
	n := int(int64(gb) * gib / maxPut)
	_, err := m.Go("reader", func(p *sim.Proc) {
		start, end := s.at(2, 0), s.at(31, 0)
		for k := range n {
			at := start.Add(time.Duration(int64(end.Sub(start)) * int64(k) / int64(n)))
			if d := at.Sub(p.Now()); d > 0 {
				if s.err = p.Sleep(d); s.err != nil {
					return
				}
			}
			creds, err := ec2.IMDSCredentials(p)
			if err != nil {
				s.err = err
				return
			}
			out, err := s.s3.NewClient(bucketRegion, creds).GetObject(p, &s3.GetObjectInput{Bucket: bucket, Key: objKey(k % objects)})
			if err != nil {
				s.err = fmt.Errorf("GetObject %d: %w", k, err)
				return
			}
			out.Body.Close()
		}
	})
	return err
}

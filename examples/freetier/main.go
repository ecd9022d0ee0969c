// Command freetier runs the course's free-tier arithmetic through the EC2
// API and the billing ledger: an account on AWS's legacy 12-month free
// tier (opened before 2025-07-15) runs t3 instances all of January 2026,
// a 31-day month of 744 hours, and the same workload runs on an account
// opened after the change, on the credit-based Free plan
// (https://aws.amazon.com/free/).
//
//	go run ./examples/freetier
//	go run ./examples/freetier -micros 3 -signup 2025-03-01
package main

import (
	"fmt"
	"io"
	"math/big"
	"time"

	"github.com/nimbus-sim/nimbus/billing"
	"github.com/nimbus-sim/nimbus/ec2"
	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/internal/cli"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
)

func main() { cli.Main("freetier", run) }

const (
	accountID = "111122223333"
	regionID  = "us-east-1"
)

type options struct {
	seed   uint64
	micros int
	signup time.Time
}

func parse(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := cli.NewFlagSet("freetier", stderr, cli.AtParse)
	fs.Uint64Var(&o.seed, "seed", 1, "simulation seed")
	fs.IntVar(&o.micros, "micros", 2, "t3.micro instances in the second workload (1..8)")
	signup := fs.String("signup", "2025-03-01", "legacy account's sign-up date (YYYY-MM-DD, 2025-02-01..2025-07-14: inside the 12-month tier in January 2026, before the change)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fs.Usagef("unexpected argument %q", fs.Arg(0))
	}
	if o.micros < 1 || o.micros > 8 {
		return nil, fs.Usagef("-micros %d: want 1 to 8", o.micros)
	}
	t, err := time.Parse(time.DateOnly, *signup)
	if err != nil {
		return nil, fs.Usagef("-signup %q: want a date YYYY-MM-DD", *signup)
	}
	// The legacy tier covers the sign-up month and the eleven after it, so
	// January 2026 is inside it for sign-ups from February 2025 on.
	if t.Before(time.Date(2025, time.February, 1, 0, 0, 0, 0, time.UTC)) || !t.Before(billing.FreeTierChange()) {
		return nil, fs.Usagef("-signup %s: want 2025-02-01..2025-07-14 (a legacy account still in its 12 months in January 2026)", *signup)
	}
	o.signup = t
	return o, nil
}

// workload is one row of the course's arithmetic.
type workload struct {
	name  string
	typ   string
	count int32
}

// result is one workload's January on one account.
type result struct {
	hours, free *big.Rat      // instance-hours of the workload's type, and those free
	compute     billing.Money // their cost
	inv         *billing.Invoice
}

func run(args []string, stdout, stderr io.Writer) error {
	o, err := parse(args, stderr)
	if err != nil {
		return err
	}
	loads := []workload{
		{"1 x t3.micro", "t3.micro", 1},
		{fmt.Sprintf("%d x t3.micro", o.micros), "t3.micro", int32(o.micros)},
		{"1 x t3.small", "t3.small", 1},
	}
	jan := billing.MakeMonth(2026, time.January)
	fmt.Fprintf(stdout, "January 2026: %d hours per instance; seed %d\n\n", jan.Hours(), o.seed)
	newSignup := time.Date(2025, time.December, 1, 0, 0, 0, 0, time.UTC)
	for _, acct := range []struct {
		title   string
		created time.Time
	}{
		{"legacy plan (opened " + o.signup.Format(time.DateOnly) + ", 750 t3.micro hours a month for 12 months)", o.signup},
		{"new plan (opened " + newSignup.Format(time.DateOnly) + ", credit-based Free plan)", newSignup},
	} {
		fmt.Fprintf(stdout, "%s\n", acct.title)
		fmt.Fprintf(stdout, "  %-14s %6s %6s %6s %9s %9s %9s %9s %9s\n", "workload", "hours", "free", "billed",
			"instances", "other", "usage", "credits", "due")
		for _, wl := range loads {
			r, err := january(o.seed, acct.created, wl)
			if err != nil {
				return fmt.Errorf("%s: %w", wl.name, err)
			}
			billed := new(big.Rat).Sub(r.hours, r.free)
			fmt.Fprintf(stdout, "  %-14s %6s %6s %6s %9v %9v %9v %9v %9v\n", wl.name,
				r.hours.FloatString(0), r.free.FloatString(0), billed.FloatString(0),
				r.compute.RoundCents(), (r.inv.Usage - r.compute).RoundCents(),
				r.inv.Usage.RoundCents(), r.inv.Credits.RoundCents(), r.inv.AmountDue())
		}
		fmt.Fprintln(stdout)
	}
	fmt.Fprintln(stdout, "The legacy tier's 750 hours are per account, not per instance: two micros\n"+
		"run 1,488 hours and bill 738; a t3.small is not in the tier and bills all\n"+
		"744. \"other\" is each instance's public IPv4 address (750 free hours a\n"+
		"month on the legacy tier, like the micro hours) and its EBS root volume\n"+
		"(30 GB-months free on the legacy tier). The new plan has no free hours:\n"+
		"every hour is priced, and the $100 sign-up credit pays the bill until it\n"+
		"runs out.")
	return nil
}

// january opens an account created at created, launches wl through the
// EC2 API as an IAM user at the epoch, runs all of January 2026 and
// returns the January invoice.
func january(seed uint64, created time.Time, wl workload) (*result, error) {
	epoch := time.Date(2025, time.December, 31, 23, 0, 0, 0, time.UTC)
	env := sim.New(seed, sim.WithEpoch(epoch))
	defer env.Close()
	w, err := region.NewWorld(env, region.Options{HostsPerAZ: map[string]int{"t3": 2}})
	if err != nil {
		return nil, err
	}
	svc, err := ec2.New(w, ec2.Options{})
	if err != nil {
		return nil, err
	}
	ids := w.IAM()
	root, err := ids.CreateAccount(accountID, iam.CreatedAt(created))
	if err != nil {
		return nil, err
	}
	if _, err := ids.CreateUser(root, iam.CreateUserInput{UserName: "student"}); err != nil {
		return nil, err
	}
	// The student may run and stop instances of the t3 family only.
	if err := ids.PutUserPolicy(root, "student", "ec2", `{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":["ec2:RunInstances","ec2:TerminateInstances","ec2:DescribeInstances"],"Resource":"*"}]}`); err != nil {
		return nil, err
	}
	k, err := ids.CreateAccessKey(root, "student")
	if err != nil {
		return nil, err
	}
	c := svc.NewClient(regionID, k.Credentials())

	var instanceIDs []string
	var callErr error
	env.Go("student", func(p *sim.Proc) {
		out, err := c.RunInstances(p, &ec2.RunInstancesInput{ImageId: ec2.ImageID(ec2.PublicImages()[0].Name, regionID),
			InstanceType: ec2.InstanceType(wl.typ), MinCount: wl.count, MaxCount: wl.count})
		if err != nil {
			callErr = err
			return
		}
		for _, in := range out.Instances {
			instanceIDs = append(instanceIDs, in.InstanceId)
		}
	})
	jan := billing.MakeMonth(2026, time.January)
	env.RunUntil(env.FromTime(jan.Start()))
	if callErr != nil {
		return nil, callErr
	}
	for _, id := range instanceIDs {
		if m, ok := svc.Machine(id); !ok || m.State() != ec2.InstanceStateRunning {
			return nil, fmt.Errorf("%s is not running when January starts", id)
		}
	}
	env.RunUntil(env.FromTime(jan.End()))
	env.Go("student", func(p *sim.Proc) {
		_, callErr = c.TerminateInstances(p, &ec2.TerminateInstancesInput{InstanceIds: instanceIDs})
	})
	env.RunFor(time.Hour)
	if callErr != nil {
		return nil, callErr
	}
	r := &result{hours: new(big.Rat), free: new(big.Rat), inv: w.Billing().Invoice(accountID, jan)}
	for _, li := range r.inv.Lines {
		if li.Type == "Usage" && li.UsageType == "BoxUsage:"+wl.typ {
			r.hours.Add(r.hours, li.Amount)
			r.free.Add(r.free, li.FreeAmount)
			r.compute += li.Cost
		}
	}
	return r, nil
}

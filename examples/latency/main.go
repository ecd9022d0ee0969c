// Command latency runs the course's "where time goes" table: ten
// sequential database-style queries (one round trip each, plus the
// server's time) from an application on the database's host, in its zone,
// in another zone, in another region and on the internet, with the
// light-in-fibre floor under each path.
//
//	go run ./examples/latency
//	go run ./examples/latency -far ap-southeast-2 -queries 100
package main

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/nimbus-sim/nimbus/ec2"
	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/internal/cli"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
)

func main() { cli.Main("latency", run) }

const (
	accountID = "111122223333"
	home      = "us-east-1"
)

type options struct {
	seed    uint64
	queries int
	server  time.Duration
	far     string
}

func parse(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := cli.NewFlagSet("latency", stderr, cli.AtParse)
	fs.Uint64Var(&o.seed, "seed", 1, "simulation seed")
	fs.IntVar(&o.queries, "queries", 10, "sequential queries per place (1..10000)")
	fs.DurationVar(&o.server, "server", 100*time.Microsecond, "database time per query (0..1s): an indexed lookup served from memory")
	fs.StringVar(&o.far, "far", "eu-west-1", "region of the cross-region caller (not "+home+")")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	switch {
	case fs.NArg() > 0:
		return nil, fs.Usagef("unexpected argument %q", fs.Arg(0))
	case o.queries < 1 || o.queries > 10000:
		return nil, fs.Usagef("-queries %d: want 1 to 10000", o.queries)
	case o.server < 0 || o.server > time.Second:
		return nil, fs.Usagef("-server %v: want 0 to 1s", o.server)
	case o.far == home:
		return nil, fs.Usagef("-far %s: the database is in %s; pick another region", o.far, home)
	}
	return o, nil
}

// place is where the application runs.
type place struct {
	name   string
	course string // the course's figure for the path, "" if it gives none
	loc    region.Location
}

func run(args []string, stdout, stderr io.Writer) error {
	o, err := parse(args, stderr)
	if err != nil {
		return err
	}
	env := sim.New(o.seed)
	defer env.Close()
	w, err := region.NewWorld(env, region.Options{HostsPerAZ: map[string]int{"m5": 1, "c5": 1}})
	if err != nil {
		return err
	}
	if _, err := w.Region(o.far); err != nil {
		fmt.Fprintln(stderr, "latency: -far:", err)
		return &cli.UsageError{Err: fmt.Errorf("-far %s: %w", o.far, err), Reported: true}
	}
	// Four large instances in the home region are 8 vCPUs, above a new
	// account's 5 Standard vCPUs: this account asked Service Quotas for 8
	// (ec2.QuotasClient's RequestServiceQuotaIncrease) before the story.
	svc, err := ec2.New(w, ec2.Options{Quotas: &ec2.QuotaOptions{Values: map[string]int{ec2.QuotaCode(ec2.QuotaStandard, false): 8}}})
	if err != nil {
		return err
	}
	ids := w.IAM()
	root, err := ids.CreateAccount(accountID)
	if err != nil {
		return err
	}
	if _, err := ids.CreateUser(root, iam.CreateUserInput{UserName: "dba"}); err != nil {
		return err
	}
	if err := ids.PutUserPolicy(root, "dba", "ec2", `{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":["ec2:RunInstances","ec2:DescribeInstances"],"Resource":"*"}]}`); err != nil {
		return err
	}
	k, err := ids.CreateAccessKey(root, "dba")
	if err != nil {
		return err
	}
	places, db, err := launch(env, w, svc, k.Credentials(), o.far)
	if err != nil {
		return err
	}

	fmt.Fprintf(stdout, "%d sequential queries to a database on %s (%s), %v of server time each; seed %d\n\n",
		o.queries, db.ID(), db.AvailabilityZoneID(), o.server, o.seed)
	fmt.Fprintf(stdout, "%-24s %-13s %10s %-20s %10s %10s %10s %11s  %s\n", "caller", "path", "median RTT", "floor RTT",
		"min query", "p50 query", "max query", "all queries", "course")
	dbLoc, _ := w.AtHost(db.HostID())
	for _, pl := range places {
		class, err := w.Network().Class(pl.loc, dbLoc)
		if err != nil {
			return err
		}
		median, floor := pathFigures(w, class, pl.loc, dbLoc, o.far)
		var times []time.Duration
		var total time.Duration
		var qerr error
		env.Go("app/"+pl.name, func(p *sim.Proc) {
			start := p.Now()
			for range o.queries {
				t0 := p.Now()
				if qerr = query(p, w, pl.loc, dbLoc, o.server); qerr != nil {
					return
				}
				times = append(times, p.Now().Sub(t0))
			}
			total = p.Now().Sub(start)
		})
		env.RunFor(time.Hour)
		if qerr != nil {
			return fmt.Errorf("%s: %w", pl.name, qerr)
		}
		slices.Sort(times)
		fmt.Fprintf(stdout, "%-24s %-13v %10s %-20s %10s %10s %10s %11s  %s\n", pl.name, class, ms(median), floor,
			ms(times[0]), ms(times[(len(times)-1)/2]), ms(times[len(times)-1]), ms(total), pl.course)
	}
	fmt.Fprintf(stdout, "\nThe floor is the great-circle distance at the speed of light in fibre\n"+
		"(about 200 km per ms), there and back. AWS puts a region's zones within\n"+
		"100 km of one another (aws.amazon.com/about-aws/global-infrastructure/\n"+
		"regions_az), so inside a region the floor is under a\n"+
		"millisecond and the time goes to switching and the stack; across regions\n"+
		"the floor is most of it, and no faster code can beat it. Ten sequential\n"+
		"queries pay ten round trips: batch them, cache, or put the caller next to\n"+
		"the data. The course's figures are rules of thumb. The simulated\n"+
		"cross-AZ and cross-region medians are measured figures; same host, same\n"+
		"AZ and the internet last mile are package region's assumptions\n"+
		"(region.DefaultNetwork).\n")
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.3f ms", float64(d)/float64(time.Millisecond)) }

// pathFigures returns the path's median round trip and its floor.
func pathFigures(w *region.World, class region.PathClass, from, to region.Location, far string) (time.Duration, string) {
	net := w.Network()
	m := region.DefaultNetwork()
	switch class {
	case region.PathCrossRegion:
		rtt, _ := net.MedianRTT(far, home)
		f, _ := net.DistanceFloor(far, home)
		km, _ := net.DistanceKm(far, home)
		return rtt, fmt.Sprintf("%s (%.0f km)", ms(2*f), km)
	case region.PathCrossAZ:
		fa, ta := from.AZ(), to.AZ()
		rtt, _ := net.AZPairMedianRTT(fa, ta)
		return rtt, "< 1 ms"
	case region.PathInternet:
		return m.Latency[class].MedianRTT, "last mile only"
	}
	return m.Latency[class].MedianRTT, "< 1 ms"
}

// query is one round trip from the application to the database and back,
// with the server's time in between, each leg drawn from the network model
// and spent in virtual time.
func query(p *sim.Proc, w *region.World, app, db region.Location, server time.Duration) error {
	there, err := w.Network().Latency(app, db)
	if err != nil {
		return err
	}
	if err := p.Sleep(there); err != nil {
		return err
	}
	if err := p.Sleep(server); err != nil {
		return err
	}
	back, err := w.Network().Latency(db, app)
	if err != nil {
		return err
	}
	return p.Sleep(back)
}

// launch starts the database and the application instances through the
// EC2 API and returns the callers' places.
func launch(env *sim.Env, w *region.World, svc *ec2.Service, creds iam.Credentials, far string) ([]place, *ec2.Machine, error) {
	c := svc.NewClient(home, creds)
	cf := svc.NewClient(far, creds)
	var db *ec2.Machine
	var sameHost, sameAZ, crossAZ, crossRegion *ec2.Machine
	var err error
	env.Go("dba", func(p *sim.Proc) {
		run := func(c *ec2.Client, r, az string, typ ec2.InstanceType, n int32) []*ec2.Machine {
			if err != nil {
				return nil
			}
			var out *ec2.RunInstancesOutput
			out, err = c.RunInstances(p, &ec2.RunInstancesInput{ImageId: ec2.ImageID(ec2.PublicImages()[0].Name, r),
				InstanceType: typ, MinCount: n, MaxCount: n, Placement: &ec2.Placement{AvailabilityZone: az}})
			if err != nil {
				return nil
			}
			var got []*ec2.Machine
			for _, in := range out.Instances {
				m, _ := svc.Machine(in.InstanceId)
				got = append(got, m)
			}
			return got
		}
		// Each zone has one m5 host and one c5 host: two m5 in the
		// database's zone share its host, a c5 there is on another.
		zone := run(c, home, home+"a", "m5.large", 2)
		if err != nil {
			return
		}
		db, sameHost = zone[0], zone[1]
		if got := run(c, home, home+"a", "c5.large", 1); err == nil {
			sameAZ = got[0]
		}
		if got := run(c, home, home+"b", "m5.large", 1); err == nil {
			crossAZ = got[0]
		}
		if got := run(cf, far, far+"a", "m5.large", 1); err == nil {
			crossRegion = got[0]
		}
	})
	env.RunFor(10 * time.Minute)
	if err != nil {
		return nil, nil, err
	}
	if sameHost.HostID() != db.HostID() || sameAZ.HostID() == db.HostID() {
		return nil, nil, errors.New("placement put the same-host caller off, or the same-AZ caller on, the database's host")
	}
	var places []place
	for _, x := range []struct {
		name, course string
		m            *ec2.Machine
	}{
		{"same host", "-", sameHost},
		{"same AZ", "1-5 ms", sameAZ},
		{"cross-AZ", "5-20 ms", crossAZ},
		{"cross-region " + far, "50-200 ms", crossRegion},
	} {
		l, err := w.AtHost(x.m.HostID())
		if err != nil {
			return nil, nil, err
		}
		places = append(places, place{x.name, x.course, l})
	}
	places = append(places, place{"internet near " + home, "-", region.OnInternet(home)})
	return places, db, nil
}

// Command inference runs the course's inference server through the loss of
// an Availability Zone. Each server loads its model from S3 at start-up (a
// GetObject of the model, with the instance role's credentials from the
// metadata service) and only then accepts connections; the servers run in
// an Auto Scaling group behind an Application Load Balancer and answer
// Poisson traffic from the internet. One hour into the load, one zone goes
// dark for -outage.
//
//	go run ./examples/inference
//	go run ./examples/inference -rate 200 -hours 3 -instance-type c5.2xlarge -per-az 3
//
// It runs two designs at the same seed and the same total capacity: the
// group spread over two zones, and the group in one zone (the ALB itself
// still spans two, as it must). For each it prints availability and
// p50/p99 latency before, during and after the outage, the requests lost,
// and the cost per million requests from the billing ledger (instances,
// ALB hours and LCUs, S3 requests and transfer), at list prices.
package main

import (
	"io"
	"time"

	"github.com/nimbus-sim/nimbus/ec2"
	"github.com/nimbus-sim/nimbus/internal/cli"
)

const (
	account    = "111122223333"
	regionCode = "us-east-1"
	bucket     = "my-bucket"
	modelKey   = "models/final.pt"
	port       = 8080
)

func main() { cli.Main("inference", run) }

type options struct {
	seed       uint64
	rate       float64
	hours      float64
	itype      string
	perAZ      int
	outage     time.Duration
	modelMiB   int64
	cpu        time.Duration // vCPU time per prediction
	hcInterval int           // target group health-check interval, seconds
	unhealthy  int           // UnhealthyThresholdCount
}

func parse(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := cli.NewFlagSet("inference", stderr, cli.AtExit)
	fs.Uint64Var(&o.seed, "seed", 1, "simulation seed (1 or more)")
	fs.Float64Var(&o.rate, "rate", 100, "Poisson arrival rate, requests per second (1 to 2000)")
	fs.Float64Var(&o.hours, "hours", 2, "hours of load; the outage starts one hour in (at least 1h + outage + 10m, at most 24)")
	fs.StringVar(&o.itype, "instance-type", "c5.xlarge", "instance type of the servers")
	fs.IntVar(&o.perAZ, "per-az", 2, "servers per zone in the two-zone design (the one-zone design runs twice as many in one zone), 1 to 8")
	fs.DurationVar(&o.outage, "outage", 30*time.Minute, "how long the zone is dark (1m to 6h)")
	fs.Int64Var(&o.modelMiB, "model-mib", 500, "model size in MiB, loaded from S3 at start-up (1 to 51200)")
	fs.DurationVar(&o.cpu, "cpu", 20*time.Millisecond, "vCPU time per prediction (1ms to 10s)")
	fs.IntVar(&o.hcInterval, "hc-interval", 30, "target group health-check interval in seconds (5 to 300)")
	fs.IntVar(&o.unhealthy, "unhealthy", 2, "target group UnhealthyThresholdCount (2 to 10)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	load := time.Duration(o.hours * float64(time.Hour))
	switch {
	case fs.NArg() > 0:
		return nil, cli.Errorf("unexpected arguments %q", fs.Args())
	case o.seed < 1:
		return nil, cli.Errorf("-seed %d: want 1 or more", o.seed)
	case !(o.rate >= 1 && o.rate <= 2000):
		return nil, cli.Errorf("-rate %v: want 1 to 2000 requests per second", o.rate)
	case !(o.outage >= time.Minute && o.outage <= 6*time.Hour):
		return nil, cli.Errorf("-outage %v: want 1m to 6h", o.outage)
	case !(o.hours <= 24) || load < time.Hour+o.outage+10*time.Minute:
		return nil, cli.Errorf("-hours %v: want 1h + outage (%v) + 10m of load, at most 24", o.hours, o.outage)
	case o.perAZ < 1 || o.perAZ > 8:
		return nil, cli.Errorf("-per-az %d: want 1 to 8", o.perAZ)
	case o.modelMiB < 1 || o.modelMiB > 50<<10:
		return nil, cli.Errorf("-model-mib %d: want 1 to 51200", o.modelMiB)
	case o.cpu < time.Millisecond || o.cpu > 10*time.Second:
		return nil, cli.Errorf("-cpu %v: want 1ms to 10s", o.cpu)
	case o.hcInterval < 5 || o.hcInterval > 300:
		return nil, cli.Errorf("-hc-interval %d: want 5 to 300 seconds", o.hcInterval)
	case o.unhealthy < 2 || o.unhealthy > 10:
		return nil, cli.Errorf("-unhealthy %d: want 2 to 10", o.unhealthy)
	}
	it, ok := ec2.LookupInstanceType(ec2.InstanceType(o.itype))
	if !ok {
		return nil, cli.Errorf("-instance-type %q: not an instance type", o.itype)
	}
	hosted := false
	for _, ht := range ec2.HostTypes() {
		hosted = hosted || ht.Family == it.Family
	}
	if !hosted {
		return nil, cli.Errorf("-instance-type %q: no hosts of family %s in the simulated region", o.itype, it.Family)
	}
	return o, nil
}

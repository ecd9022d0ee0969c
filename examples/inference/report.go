package main

import (
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/nimbus-sim/nimbus/billing"
	"github.com/nimbus-sim/nimbus/ec2/serve"
)

func run(args []string, stdout, stderr io.Writer) error {
	o, err := parse(args, stderr)
	if err != nil {
		return err
	}
	timeout := min(5, o.hcInterval-1)
	detect := time.Duration(o.unhealthy*o.hcInterval+timeout) * time.Second
	fmt.Fprintf(stdout, "%d MiB model from s3://%s/%s loaded at start-up; %s servers behind an ALB in 2 zones;\n",
		o.modelMiB, bucket, modelKey, o.itype)
	fmt.Fprintf(stdout, "Poisson load %g req/s for %gh, %v of CPU per prediction; the first zone goes dark 1h in, for %v.\n",
		o.rate, o.hours, o.cpu, o.outage)
	fmt.Fprintf(stdout, "Health checks every %ds, timeout %ds, unhealthy after %d: a dark target leaves the ALB within %v.\n\n",
		o.hcInterval, timeout, o.unhealthy, detect)
	var rs []*result
	for _, zones := range []int{2, 1} {
		r, err := simulate(o, zones)
		if err != nil {
			return fmt.Errorf("%d-zone design: %w", zones, err)
		}
		rs = append(rs, r)
	}
	fmt.Fprintf(stdout, "%-8s %-7s %9s %7s %13s %9s %9s\n", "design", "window", "requests", "errors", "availability", "p50", "p99")
	for _, r := range rs {
		for i, w := range []struct {
			name string
			s    serve.Summary
		}{{"before", r.before}, {"during", r.during}, {"after", r.after}} {
			d := ""
			if i == 0 {
				d = r.design
			}
			fmt.Fprintf(stdout, "%-8s %-7s %9d %7d %12.4f%% %9v %9v\n", d, w.name, w.s.Count, w.s.Errors, 100*w.s.Availability(),
				w.s.P50.Round(100*time.Microsecond), w.s.P99.Round(100*time.Microsecond))
		}
	}
	// Cost of the load window, by service, from the ledger.
	var svcs []string
	for _, c := range categories {
		for _, r := range rs {
			if r.cost[c] != 0 && !slices.Contains(svcs, c) {
				svcs = append(svcs, c)
			}
		}
	}
	fmt.Fprintf(stdout, "\n%-8s %9s %8s %12s %12s %10s", "design", "lost", "servers", "capacity", "cost", "per 1M ok")
	for _, s := range svcs {
		fmt.Fprintf(stdout, " %10s", s)
	}
	fmt.Fprintln(stdout)
	for _, r := range rs {
		back := "never"
		if r.restored >= 0 {
			back = r.restored.Round(time.Second).String()
		}
		fmt.Fprintf(stdout, "%-8s %9d %8d %12s %12s %10s", r.design, r.lost, r.loads, back, dollars(r.bill),
			dollarsF(r.bill.Dollars()*1e6/float64(max(r.total.Count-r.lost, 1))))
		for _, s := range svcs {
			fmt.Fprintf(stdout, " %10s", dollars(r.cost[s]))
		}
		fmt.Fprintln(stdout)
	}
	fmt.Fprintf(stdout, "\nlost: requests that failed over the whole run; servers: model loads (start-ups), the first took %v;\n", rs[0].loadTime.Round(time.Millisecond))
	fmt.Fprintln(stdout, "capacity: from the outage to full healthy capacity outside the dark zone; cost: the load window's bill")
	fmt.Fprintln(stdout, "at list prices, per million requests served (successful), and by line of the bill.")
	if !slices.Contains(svcs, "transfer") {
		fmt.Fprintln(stdout, "No transfer line: S3 to EC2 within a region is free, and the responses' internet egress through the\nALB is not metered by the simulator.")
	}
	return nil
}

func dollars(m billing.Money) string { return fmt.Sprintf("$%.4f", m.Dollars()) }

func dollarsF(d float64) string { return fmt.Sprintf("$%.4f", d) }

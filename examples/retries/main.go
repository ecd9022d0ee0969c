// Command retries answers the course's "network blip mid-upload: did it
// succeed?". A script uploads N result files to S3 and retries an upload
// whose response never came. The region's fault layer makes a fraction of
// S3 requests hang after their effect (region.Faults.SetTimeoutRate: the
// object is written, the response is lost, the client's read timeout
// fires), so the script cannot tell whether the upload happened.
//
//	go run ./examples/retries
//	go run ./examples/retries -files 2000 -timeout-rate 0.1 -size-mib 200
//
// Under a deterministic key (results/part-0001.parquet) the retry
// overwrites the object the lost response had written: one object per
// file. Under a timestamped key (results/part-0001-20260101T000312.417Z.parquet,
// the key computed inside the retried function, as a script calling
// time.time() would) each retry writes a new object and the bucket keeps
// the duplicates, which are stored, and billed, for the month. It prints,
// for each naming, the retries, the objects and bytes in the bucket
// (counted with ListObjectsV2) and the month's S3 bill at list prices.
//
// The SDK's own retries are off (MaxAttempts 1) so that every retry is the
// script's; the SDK resends the same request and so the same key, which
// cannot duplicate an object.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/nimbus-sim/nimbus/billing"
	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/internal/cli"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/s3"
	"github.com/nimbus-sim/nimbus/sim"
)

const (
	account    = "111122223333"
	regionCode = "us-east-1"
	bucket     = "experiment-results"
)

func main() { cli.Main("retries", run) }

type options struct {
	seed        uint64
	files       int
	sizeMiB     int64
	timeoutRate float64
	attempts    int
	readTimeout time.Duration
}

func parse(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := cli.NewFlagSet("retries", stderr, cli.AtExit)
	fs.Uint64Var(&o.seed, "seed", 1, "simulation seed")
	fs.IntVar(&o.files, "files", 1000, "result files to upload")
	fs.Int64Var(&o.sizeMiB, "size-mib", 100, "size of each file in MiB (one PutObject: at most 5 GiB)")
	fs.Float64Var(&o.timeoutRate, "timeout-rate", 0.05, "fraction of S3 requests whose response is lost after the effect")
	fs.IntVar(&o.attempts, "attempts", 5, "the script's attempts per file")
	fs.DurationVar(&o.readTimeout, "read-timeout", 60*time.Second, "the client's read timeout")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	switch {
	case fs.NArg() > 0:
		return nil, cli.Errorf("unexpected arguments %q", fs.Args())
	case o.files < 1 || o.files > 100000:
		return nil, cli.Errorf("-files %d: want 1 to 100000", o.files)
	case o.sizeMiB < 1 || o.sizeMiB > 5<<10:
		return nil, cli.Errorf("-size-mib %d: want 1 to 5120 (a single PUT's limit is 5 GiB)", o.sizeMiB)
	case !(o.timeoutRate >= 0 && o.timeoutRate < 1):
		return nil, cli.Errorf("-timeout-rate %v: want 0 <= rate < 1", o.timeoutRate)
	case o.attempts < 1 || o.attempts > 20:
		return nil, cli.Errorf("-attempts %d: want 1 to 20", o.attempts)
	case o.readTimeout <= 0:
		return nil, cli.Errorf("-read-timeout %v: must be positive", o.readTimeout)
	}
	return o, nil
}

func run(args []string, stdout, stderr io.Writer) error {
	o, err := parse(args, stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d files of %d MiB to s3://%s/results/, %.1f%% of responses lost after the effect, read timeout %v, %d attempts per file\n\n",
		o.files, o.sizeMiB, bucket, 100*o.timeoutRate, o.readTimeout, o.attempts)
	fmt.Fprintf(stdout, "%-13s %8s %8s %8s %10s %10s %12s\n", "keys", "timeouts", "failed", "objects", "stored GiB", "PUTs", "S3 bill")
	var bills [2]billing.Money
	for i, stamped := range []bool{false, true} {
		r, err := upload(o, stamped)
		if err != nil {
			return err
		}
		name := "deterministic"
		if stamped {
			name = "timestamped"
		}
		fmt.Fprintf(stdout, "%-13s %8d %8d %8d %10.1f %10d %12s\n", name, r.timeouts, r.failed, r.objects,
			float64(r.bytes)/(1<<30), r.puts, dollars(r.bill))
		if stamped {
			fmt.Fprintf(stdout, "\nDid it succeed? Every lost response had: %d files left %d objects, %d more than the files,\none per timeout.\n",
				o.files-r.failed, r.objects, r.objects-(o.files-r.failed))
		}
		bills[i] = r.bill
	}
	fmt.Fprintf(stdout, "The timestamped keys cost %s more this month (%.1f%%: storage of the duplicates, at list prices);\n",
		dollars(bills[1]-bills[0]), 100*(bills[1]-bills[0]).Dollars()/bills[0].Dollars())
	fmt.Fprintln(stdout, "a deterministic key makes the retry idempotent: it overwrites what the lost response had written.")
	return nil
}

type result struct {
	timeouts, failed, puts int
	objects                int
	bytes                  int64
	bill                   billing.Money
}

const uploaderPolicy = `{"Version":"2012-10-17","Statement":[
 {"Sid":"Bucket","Effect":"Allow","Action":["s3:CreateBucket","s3:ListBucket"],"Resource":"arn:aws:s3:::` + bucket + `"},
 {"Sid":"Results","Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::` + bucket + `/results/*"}]}`

// upload runs the script in a fresh world at o.seed, with deterministic or
// timestamped keys, and returns what the bucket holds and the month's bill.
func upload(o *options, stamped bool) (result, error) {
	var r result
	env := sim.New(o.seed)
	defer env.Close()
	led := billing.New(env, nil)
	if err := led.SetAccount(billing.Account{ID: account, Plan: billing.PlanNone}); err != nil {
		return r, err
	}
	var regions []region.RegionSpec
	for _, rs := range region.Catalog() {
		if rs.Code == regionCode {
			regions = append(regions, rs)
		}
	}
	w, err := region.NewWorld(env, region.Options{Regions: regions, Billing: led})
	if err != nil {
		return r, err
	}
	svc, err := s3.New(w, s3.Options{})
	if err != nil {
		return r, err
	}
	root, err := w.CreateAccount(account)
	if err != nil {
		return r, err
	}
	var creds iam.Credentials
	if err := w.Setup(func(ctx context.Context) error {
		c := w.IAMClient(root)
		if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: "uploader"}); err != nil {
			return err
		}
		if _, err := c.PutUserPolicy(ctx, &region.PutUserPolicyInput{UserName: "uploader", PolicyName: "results", PolicyDocument: uploaderPolicy}); err != nil {
			return err
		}
		k, err := c.CreateAccessKey(ctx, &region.CreateAccessKeyInput{UserName: "uploader"})
		if err != nil {
			return err
		}
		creds = k.AccessKey.Credentials()
		_, err = svc.NewClient(regionCode, creds).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: bucket})
		return err
	}); err != nil {
		return r, err
	}
	cfg := region.DefaultClientConfig()
	cfg.MaxAttempts = 1 // every retry is the script's
	cfg.ReadTimeout = o.readTimeout
	c := svc.NewClient(regionCode, creds).WithRetry(cfg)
	if err := w.Faults().SetTimeoutRate("s3", regionCode, o.timeoutRate); err != nil {
		return r, err
	}
	size := o.sizeMiB << 20
	runErr := errors.New("the script never finished")
	env.Go("script", func(p *sim.Proc) {
		runErr = nil
		for i := range o.files {
			ok := false
			for range o.attempts {
				key := fmt.Sprintf("results/part-%04d.parquet", i)
				if stamped {
					key = fmt.Sprintf("results/part-%04d-%s.parquet", i, env.NowTime().Format("20060102T150405.000Z"))
				}
				r.puts++
				_, err := c.PutObject(p, &s3.PutObjectInput{Bucket: bucket, Key: key, ContentLength: s3.Int64(size)})
				if err == nil {
					ok = true
					break
				}
				if !isTimeout(err) {
					runErr = err
					return
				}
				r.timeouts++
			}
			if !ok {
				r.failed++
			}
		}
		// Count what the bucket holds, with the blip over.
		if err := w.Faults().SetTimeoutRate("s3", regionCode, 0); err != nil {
			runErr = err
			return
		}
		pg := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: bucket, Prefix: "results/"})
		for pg.HasMorePages() {
			out, err := pg.NextPage(p)
			if err != nil {
				runErr = err
				return
			}
			for _, obj := range out.Contents {
				r.objects++
				r.bytes += obj.Size
			}
		}
	})
	env.Run()
	if runErr != nil {
		return r, runErr
	}
	m := billing.MonthOf(env.NowTime())
	env.RunUntil(sim.Time(m.End().Sub(env.TimeOf(0))))
	inv := led.Invoice(account, m)
	r.bill = inv.Total
	return r, nil
}

func dollars(m billing.Money) string { return fmt.Sprintf("$%.2f", m.Dollars()) }

// isTimeout reports whether err is a lost response: the read timeout
// fired, so the request may or may not have taken effect.
func isTimeout(err error) bool {
	var api interface{ ErrorCode() string }
	return errors.As(err, &api) && api.ErrorCode() == "RequestTimeout"
}

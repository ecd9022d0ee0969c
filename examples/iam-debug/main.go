// Command iam-debug replays the course's "works on my laptop, fails on
// EC2" case: a script that lists a bucket's prefix and reads the first
// object succeeds with the developer's IAM user credentials (from
// ~/.aws/credentials) and fails with AccessDenied on an EC2 instance,
// whose role allows s3:ListBucket only on the object ARN
// (arn:aws:s3:::bucket/*), where the action never applies: ListBucket is
// authorized against the bucket ARN
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html).
//
//	go run ./examples/iam-debug
//	go run ./examples/iam-debug -bucket my-data -instance-type t3.small
//
// It prints the credential chain's trace on each machine (which source
// gave the credentials and why the others were skipped), the AccessDenied
// and IAM's explanation of the decision (reached with errors.As from the
// error the S3 client returns), the corrected role policy, and the script
// succeeding on the instance. Every step is an API call through the
// simulated pipeline with real IAM principals and policies.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/nimbus-sim/nimbus/billing"
	"github.com/nimbus-sim/nimbus/ec2"
	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/internal/cli"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/s3"
	"github.com/nimbus-sim/nimbus/sim"
)

const (
	account    = "111122223333"
	regionCode = "us-east-1"
	prefix     = "data/"
)

func main() { cli.Main("iam-debug", run) }

type options struct {
	seed   uint64
	bucket string
	itype  string
}

// hostFamilies are the host types each zone of the example's world has.
var hostFamilies = []string{"c5", "m5", "t3"}

// bucketName is S3's general purpose bucket naming rule, simplified to its
// character set and length (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html).
var bucketName = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

func parse(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := cli.NewFlagSet("iam-debug", stderr, cli.AtExit)
	fs.Uint64Var(&o.seed, "seed", 1, "simulation seed")
	fs.StringVar(&o.bucket, "bucket", "ml-team-datasets", "the bucket the script reads")
	fs.StringVar(&o.itype, "instance-type", "t3.micro", "the instance the script runs on")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, cli.Errorf("unexpected arguments %q", fs.Args())
	}
	if !bucketName.MatchString(o.bucket) {
		return nil, cli.Errorf("-bucket %q: not a valid bucket name (3-63 lowercase letters, digits, dots, hyphens)", o.bucket)
	}
	if _, ok := ec2.LookupInstanceType(ec2.InstanceType(o.itype)); !ok {
		return nil, cli.Errorf("-instance-type %q: unknown instance type", o.itype)
	}
	if fam, _, _ := strings.Cut(o.itype, "."); !slices.Contains(hostFamilies, fam) {
		return nil, cli.Errorf("-instance-type %q: this example's zones have %s hosts only", o.itype, strings.Join(hostFamilies, ", "))
	}
	return o, nil
}

func run(args []string, stdout, stderr io.Writer) error {
	o, err := parse(args, stderr)
	if err != nil {
		return err
	}
	return scenario(o, stdout)
}

// developerPolicy is the developer's identity policy: the bucket and its
// objects, launching the script's instance and passing its role.
func developerPolicy(bucket string) string {
	return `{"Version":"2012-10-17","Statement":[
 {"Sid":"Bucket","Effect":"Allow","Action":["s3:CreateBucket","s3:ListBucket"],"Resource":"arn:aws:s3:::` + bucket + `"},
 {"Sid":"Objects","Effect":"Allow","Action":["s3:PutObject","s3:GetObject"],"Resource":"arn:aws:s3:::` + bucket + `/*"},
 {"Sid":"Launch","Effect":"Allow","Action":["ec2:RunInstances","ec2:DescribeInstances","ec2:TerminateInstances"],"Resource":"*"},
 {"Sid":"PassAppRole","Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::` + account + `:role/app"}]}`
}

// brokenRolePolicy is the instance role's policy as first written: both
// actions on the object ARN, where s3:ListBucket never applies.
func brokenRolePolicy(bucket string) string {
	return `{"Version":"2012-10-17","Statement":[
 {"Sid":"ReadData","Effect":"Allow","Action":["s3:ListBucket","s3:GetObject"],"Resource":"arn:aws:s3:::` + bucket + `/*"}]}`
}

// fixedRolePolicy grants s3:ListBucket on the bucket ARN and s3:GetObject
// on the object ARN.
func fixedRolePolicy(bucket string) string {
	return `{"Version":"2012-10-17","Statement":[
 {"Sid":"ListData","Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::` + bucket + `"},
 {"Sid":"ReadData","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + bucket + `/*"}]}`
}

const ec2Trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
 "Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

// world is the simulated region with EC2 and S3.
type world struct {
	env  *sim.Env
	w    *region.World
	ec2  *ec2.Service
	s3   *s3.Service
	root iam.Credentials
	dev  iam.Credentials
}

func newWorld(seed uint64) (*world, error) {
	env := sim.New(seed)
	led := billing.New(env, nil)
	if err := led.SetAccount(billing.Account{ID: account, Plan: billing.PlanNone}); err != nil {
		return nil, err
	}
	var regions []region.RegionSpec
	for _, r := range region.Catalog() {
		if r.Code == regionCode {
			regions = append(regions, r)
		}
	}
	w, err := region.NewWorld(env, region.Options{Regions: regions, HostsPerAZ: map[string]int{"c5": 1, "m5": 1, "t3": 1}, Billing: led})
	if err != nil {
		return nil, err
	}
	e, err := ec2.New(w, ec2.Options{})
	if err != nil {
		return nil, err
	}
	s, err := s3.New(w, s3.Options{})
	if err != nil {
		return nil, err
	}
	root, err := w.CreateAccount(account)
	if err != nil {
		return nil, err
	}
	return &world{env: env, w: w, ec2: e, s3: s, root: root}, nil
}

// setup creates the developer (with an access key), the app role and its
// instance profile, as the account's administrator would: IAM API calls.
func (x *world) setup(bucket string) error {
	return x.w.Setup(func(ctx context.Context) error {
		c := x.w.IAMClient(x.root)
		if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: "developer"}); err != nil {
			return err
		}
		if _, err := c.PutUserPolicy(ctx, &region.PutUserPolicyInput{UserName: "developer", PolicyName: "datasets",
			PolicyDocument: developerPolicy(bucket)}); err != nil {
			return err
		}
		k, err := c.CreateAccessKey(ctx, &region.CreateAccessKeyInput{UserName: "developer"})
		if err != nil {
			return err
		}
		x.dev = k.AccessKey.Credentials()
		if _, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: "app", AssumeRolePolicyDocument: ec2Trust}); err != nil {
			return err
		}
		if _, err := c.PutRolePolicy(ctx, &region.PutRolePolicyInput{RoleName: "app", PolicyName: "read-data",
			PolicyDocument: brokenRolePolicy(bucket)}); err != nil {
			return err
		}
		if _, err := c.CreateInstanceProfile(ctx, &region.CreateInstanceProfileInput{InstanceProfileName: "app"}); err != nil {
			return err
		}
		_, err = c.AddRoleToInstanceProfile(ctx, &region.AddRoleToInstanceProfileInput{InstanceProfileName: "app", RoleName: "app"})
		return err
	})
}

// resolve walks the SDK's default credential chain as Chain.Retrieve
// does, printing each source's answer; it returns the first credentials
// found.
func resolve(out io.Writer, pe *iam.ProcessEnv) (iam.Credentials, error) {
	fmt.Fprintln(out, "  credential chain:")
	ch := iam.DefaultChain(nil, pe)
	for i, p := range ch.Providers {
		c, err := p.Retrieve()
		switch {
		case err == nil:
			fmt.Fprintf(out, "    %d. %-24s USED (Source %s, key %s)\n", i+1, p.Name(), c.Source, c.AccessKeyID)
			return c, nil
		case errors.Is(err, iam.ErrNotFound):
			fmt.Fprintf(out, "    %d. %-24s skipped: %v\n", i+1, p.Name(), err)
		default:
			fmt.Fprintf(out, "    %d. %-24s error: %v\n", i+1, p.Name(), err)
			return iam.Credentials{}, err
		}
	}
	return iam.Credentials{}, errors.New("no credentials in any source")
}

// script is the developer's script: list the prefix, read the first
// object. It prints what it did and returns the first error.
func (x *world) script(ctx context.Context, out io.Writer, creds iam.Credentials, bucket string) error {
	c := x.s3.NewClient(regionCode, creds)
	who, err := x.w.STSClient(regionCode, creds).GetCallerIdentity(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "  caller: %s\n", who.Arn)
	l, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: bucket, Prefix: prefix})
	if err != nil {
		fmt.Fprintf(out, "  ListObjectsV2 s3://%s/%s: FAILED\n", bucket, prefix)
		return err
	}
	fmt.Fprintf(out, "  ListObjectsV2 s3://%s/%s: %d keys\n", bucket, prefix, l.KeyCount)
	if len(l.Contents) == 0 {
		return errors.New("no objects under " + prefix)
	}
	key := l.Contents[0].Key
	g, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: key})
	if err != nil {
		fmt.Fprintf(out, "  GetObject %s: FAILED\n", key)
		return err
	}
	n, err := io.Copy(io.Discard, g.Body)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "  GetObject %s: %d bytes\n", key, n)
	fmt.Fprintln(out, "  OK")
	return nil
}

// explain prints an AccessDenied and IAM's account of the decision.
func explain(out io.Writer, err error) error {
	var denied *iam.DeniedError
	if !errors.As(err, &denied) {
		return fmt.Errorf("expected an AccessDenied carrying IAM's decision, got: %w", err)
	}
	fmt.Fprintf(out, "  error: %v\n", err)
	fmt.Fprintln(out, "  why (errors.As -> *iam.DeniedError, Decision.Explain):")
	for _, line := range strings.Split(strings.TrimRight(denied.Decision.Explain(), "\n"), "\n") {
		fmt.Fprintln(out, "    "+line)
	}
	return nil
}

func scenario(o *options, out io.Writer) error {
	x, err := newWorld(o.seed)
	if err != nil {
		return err
	}
	defer x.env.Close()
	if err := x.setup(o.bucket); err != nil {
		return err
	}
	runErr := errors.New("the developer's session never finished (an instance that never ran?)")
	x.env.Go("laptop", func(p *sim.Proc) {
		runErr = x.laptop(p, out, o)
	})
	x.env.Run()
	return runErr
}

// laptop is the developer's session: upload the data set, run the script
// locally, launch the instance and run it there, fix the role, run again.
func (x *world) laptop(p *sim.Proc, out io.Writer, o *options) error {
	home := "/home/dev"
	laptopEnv := &iam.ProcessEnv{HomeDir: home, Files: map[string]string{
		home + "/.aws/credentials": "[default]\naws_access_key_id = " + x.dev.AccessKeyID +
			"\naws_secret_access_key = " + x.dev.SecretAccessKey + "\n"}}
	fmt.Fprintln(out, "== on the laptop (developer's ~/.aws/credentials)")
	creds, err := resolve(out, laptopEnv)
	if err != nil {
		return err
	}
	c := x.s3.NewClient(regionCode, creds)
	if _, err := c.CreateBucket(p, &s3.CreateBucketInput{Bucket: o.bucket}); err != nil {
		return err
	}
	for i := range 3 {
		body := strings.Repeat(fmt.Sprintf("row %d\n", i), 100*(i+1))
		if _, err := c.PutObject(p, &s3.PutObjectInput{Bucket: o.bucket, Key: fmt.Sprintf("%strain-%03d.csv", prefix, i),
			Body: strings.NewReader(body), ContentLength: s3.Int64(int64(len(body)))}); err != nil {
			return err
		}
	}
	if err := x.script(p, out, creds, o.bucket); err != nil {
		return fmt.Errorf("the script failed on the laptop: %w", err)
	}

	ec := x.ec2.NewClient(regionCode, creds)
	r, err := ec.RunInstances(p, &ec2.RunInstancesInput{
		ImageId:            ec2.ImageID(ec2.PublicImages()[0].Name, regionCode),
		InstanceType:       ec2.InstanceType(o.itype),
		MinCount:           1,
		MaxCount:           1,
		IamInstanceProfile: &ec2.IamInstanceProfileSpecification{Name: "app"},
	})
	if err != nil {
		return err
	}
	id := r.Instances[0].InstanceId
	running := x.env.NewEvent("running " + id)
	cancel := x.ec2.Subscribe(func(e ec2.StateChangeEvent) {
		if e.InstanceID == id && e.Current == ec2.InstanceStateRunning {
			running.Trigger(nil)
		}
	})
	defer cancel()
	if err := p.Wait(running); err != nil {
		return err
	}
	m, ok := x.ec2.Machine(id)
	if !ok {
		return fmt.Errorf("instance %s has no machine", id)
	}
	onInstance := func(title string) error {
		done := x.env.NewEvent(title)
		var res error
		if _, err := m.Go("script", func(q *sim.Proc) {
			defer done.Trigger(nil)
			fmt.Fprintf(out, "\n== %s\n", title)
			// Nothing in the environment, no credentials file: only the
			// instance metadata service, through IMDSv2.
			creds, err := resolve(out, &iam.ProcessEnv{HomeDir: "/home/ec2-user", InstanceMetadata: ec2.IMDSProvider(q)})
			if err != nil {
				res = err
				return
			}
			res = x.script(q, out, creds, o.bucket)
		}); err != nil {
			return err
		}
		err := p.Wait(done)
		if err != nil {
			return err
		}
		return res
	}
	err = onInstance("on " + id + " (" + o.itype + ", instance profile app), role policy as written")
	if err == nil {
		return errors.New("the script succeeded on the instance: the broken policy should have denied s3:ListBucket")
	}
	if err := explain(out, err); err != nil {
		return err
	}

	fmt.Fprintln(out, "\n== the fix: s3:ListBucket on the bucket ARN, s3:GetObject on the object ARN")
	fmt.Fprintln(out, "  aws iam put-role-policy --role-name app --policy-name read-data --policy-document")
	for _, line := range strings.Split(fixedRolePolicy(o.bucket), "\n") {
		fmt.Fprintln(out, "    "+line)
	}
	admin := x.w.IAMClient(x.root)
	if _, err := admin.PutRolePolicy(p, &region.PutRolePolicyInput{RoleName: "app", PolicyName: "read-data",
		PolicyDocument: fixedRolePolicy(o.bucket)}); err != nil {
		return err
	}
	if err := onInstance("on " + id + " again, role policy fixed"); err != nil {
		return fmt.Errorf("the script still fails after the fix: %w", err)
	}
	_, err = ec.TerminateInstances(p, &ec2.TerminateInstancesInput{InstanceIds: []string{id}})
	return err
}

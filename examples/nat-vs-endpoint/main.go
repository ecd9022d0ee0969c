// Command nat-vs-endpoint prices the course's private-subnet question: an
// instance in a private subnet pulls N GB a day from S3, through a NAT
// gateway or through a gateway endpoint. It runs January 2026 each way
// (every S3 GetObject a real call from the instance, with its role's
// credentials) and prints the two bills; then it removes both paths and
// shows the call's connect timeout with the VPC's explanation.
//
//	go run ./examples/nat-vs-endpoint
//	go run ./examples/nat-vs-endpoint -gb 50
package main

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/nimbus-sim/nimbus/billing"
	"github.com/nimbus-sim/nimbus/ec2"
	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/internal/cli"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/s3"
	"github.com/nimbus-sim/nimbus/sim"
	"github.com/nimbus-sim/nimbus/vpc"
)

func main() { cli.Main("nat-vs-endpoint", run) }

const (
	accountID = "111122223333"
	home      = "us-east-1"
	bucket    = "example-training-data"
	gib       = int64(1) << 30
)

type options struct {
	seed uint64
	gb   int
}

func parse(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := cli.NewFlagSet("nat-vs-endpoint", stderr, cli.AtParse)
	fs.Uint64Var(&o.seed, "seed", 1, "simulation seed")
	fs.IntVar(&o.gb, "gb", 10, "GB (GiB) pulled from S3 each day (1..1000)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	switch {
	case fs.NArg() > 0:
		return nil, fs.Usagef("unexpected argument %q", fs.Arg(0))
	case o.gb < 1 || o.gb > 1000:
		return nil, fs.Usagef("-gb %d: want 1 to 1000", o.gb)
	}
	return o, nil
}

// path is how the private subnet reaches S3.
type path int

const (
	viaNAT path = iota
	viaEndpoint
	noPath
)

func (p path) String() string {
	return [...]string{"NAT gateway", "gateway endpoint", "neither"}[p]
}

func run(args []string, stdout, stderr io.Writer) error {
	o, err := parse(args, stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "A private subnet in %s pulls %d GiB a day from s3://%s, January 2026 (list prices); seed %d\n",
		home, o.gb, bucket, o.seed)
	var totals [2]billing.Money
	for _, p := range []path{viaNAT, viaEndpoint} {
		w, err := world(o.seed, p, o.gb, nil)
		if err != nil {
			return fmt.Errorf("%v: %w", p, err)
		}
		inv := w.Billing().Invoice(accountID, billing.MakeMonth(2026, time.January))
		totals[p] = inv.Total
		fmt.Fprintf(stdout, "\nthrough a %v\n", p)
		printBill(stdout, inv)
		w.Env().Close()
	}
	fmt.Fprintf(stdout, "\nthe NAT gateway costs %v a month more; the gateway endpoint is free and\n"+
		"keeps the traffic off the NAT gateway's per-GB processing charge.\n", (totals[viaNAT] - totals[viaEndpoint]).RoundCents())

	fmt.Fprintf(stdout, "\nwith neither: the first GetObject\n")
	var story []string
	w, err := world(o.seed, noPath, o.gb, &story)
	if err != nil {
		return err
	}
	defer w.Env().Close()
	for _, s := range story {
		fmt.Fprintln(stdout, s)
	}
	return nil
}

func printBill(out io.Writer, inv *billing.Invoice) {
	type row struct {
		name string
		cost billing.Money
	}
	sum := map[string]billing.Money{}
	for _, li := range inv.Lines {
		if li.Type != "Usage" {
			continue
		}
		sum[li.Service+" "+usageKind(li.UsageType)] += li.Cost
	}
	var rows []row
	for k, v := range sum {
		rows = append(rows, row{k, v})
	}
	slices.SortFunc(rows, func(a, b row) int {
		if a.name < b.name {
			return -1
		}
		return 1
	})
	for _, r := range rows {
		fmt.Fprintf(out, "  %-44s %10v\n", r.name, r.cost.RoundCents())
	}
	fmt.Fprintf(out, "  %-44s %10v\n", "total", inv.AmountDue())
}

// usageKind strips the region prefix and the resource detail from a usage
// type ("USE1-NatGateway-Hours" -> "NatGateway-Hours").
func usageKind(ut string) string {
	for i := 0; i < len(ut); i++ {
		if ut[i] == '-' && i <= 5 && i >= 3 {
			return ut[i+1:]
		}
	}
	return ut
}

// world builds the account, network, bucket and instance, and runs the
// month (p = viaNAT or viaEndpoint), or the first call only (noPath),
// appending what happens to story.
func world(seed uint64, p path, gb int, story *[]string) (*region.World, error) {
	env := sim.New(seed)
	w, err := region.NewWorld(env, region.Options{HostsPerAZ: map[string]int{"t3": 1}})
	if err != nil {
		return nil, err
	}
	e2, err := ec2.New(w, ec2.Options{})
	if err != nil {
		return nil, err
	}
	net := e2.VPC()
	s3svc, err := s3.New(w, s3.Options{})
	if err != nil {
		return nil, err
	}
	ids := w.IAM()
	root, err := ids.CreateAccount(accountID)
	if err != nil {
		return nil, err
	}
	// The question is about list prices: no free plan.
	if err := w.Billing().SetAccount(billing.Account{ID: accountID, Plan: billing.PlanNone}); err != nil {
		return nil, err
	}
	admin, err := principals(ids, root)
	if err != nil {
		return nil, err
	}
	vc := net.NewClient(home, region.Credentials(admin))
	ec := e2.NewClient(home, admin)
	sc := s3svc.NewClient(home, admin)

	var setupErr error
	var m *ec2.Machine
	env.Go("admin", func(q *sim.Proc) {
		m, setupErr = setup(q, e2, vc, ec, sc, p, gb)
	})
	env.RunFor(time.Hour)
	if setupErr != nil {
		return nil, setupErr
	}
	var runErr error
	_, err = m.Go("puller", func(q *sim.Proc) {
		creds, err := ec2.IMDSCredentials(q)
		if err != nil {
			runErr = err
			return
		}
		c := s3svc.NewClient(home, creds)
		if p == noPath {
			start := q.Now()
			_, err := c.GetObject(q, &s3.GetObjectInput{Bucket: bucket, Key: key(0)})
			var cto *region.ConnectTimeoutError
			if !errors.As(err, &cto) {
				runErr = fmt.Errorf("want a connect timeout, got %v", err)
				return
			}
			*story = append(*story, fmt.Sprintf("  fails after %v: %v", q.Now().Sub(start).Round(time.Millisecond), err))
			why := net.ExplainRoute(region.Location{}.WithNetwork(region.NetworkIdentity{NetworkInterfaceID: m.NetworkInterfaceID()}),
				region.Destination{Service: "s3", Region: home, Port: 443})
			*story = append(*story, "  ExplainRoute: blocked at "+why.Blocked.String())
			a, err := net.Reach(vpc.ENI(m.NetworkInterfaceID()), vpc.ServiceEndpoint("s3"), "tcp", 443)
			if err != nil {
				runErr = err
				return
			}
			*story = append(*story, "  Reach(instance -> s3, tcp/443): "+a.String())
			*story = append(*story, "  fix: a gateway endpoint for com.amazonaws."+home+".s3 on the subnet's route table (free),\n"+
				"  or a 0.0.0.0/0 route to a NAT gateway in a public subnet (hourly + per GB).")
			return
		}
		// One pull a day, at 02:00, through January.
		for day := 0; day < 31; day++ {
			at := env.FromTime(time.Date(2026, time.January, 1+day, 2, 0, 0, 0, time.UTC))
			if d := at.Sub(q.Now()); d > 0 {
				if err := q.Sleep(d); err != nil {
					runErr = err
					return
				}
			}
			// Role credentials expire: fetch the current ones from the
			// metadata service, as the SDK's credential chain does.
			creds, err := ec2.IMDSCredentials(q)
			if err != nil {
				runErr = err
				return
			}
			c := s3svc.NewClient(home, creds)
			for k := range gb {
				out, err := c.GetObject(q, &s3.GetObjectInput{Bucket: bucket, Key: key(k)})
				if err != nil {
					runErr = fmt.Errorf("day %d: %w", day+1, err)
					return
				}
				out.Body.Close()
			}
		}
	})
	if err != nil {
		return nil, err
	}
	if p == noPath {
		env.RunFor(time.Hour)
	} else {
		env.RunUntil(env.FromTime(time.Date(2026, time.February, 1, 0, 0, 0, 0, time.UTC)))
	}
	if runErr != nil {
		return nil, runErr
	}
	return w, nil
}

func key(k int) string { return fmt.Sprintf("daily/part-%04d.bin", k) }

// principals creates the admin user (networking, EC2, the bucket, passing
// the puller role) and the instance's role, which may only read the
// bucket.
func principals(ids *iam.Service, root iam.Credentials) (iam.Credentials, error) {
	if _, err := ids.CreateUser(root, iam.CreateUserInput{UserName: "admin"}); err != nil {
		return iam.Credentials{}, err
	}
	if err := ids.PutUserPolicy(root, "admin", "ops", `{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":"ec2:*","Resource":"*"},
 {"Effect":"Allow","Action":"s3:*","Resource":["arn:aws:s3:::`+bucket+`","arn:aws:s3:::`+bucket+`/*"]},
 {"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::`+accountID+`:role/puller"}]}`); err != nil {
		return iam.Credentials{}, err
	}
	if _, err := ids.CreateRole(root, iam.CreateRoleInput{RoleName: "puller", AssumeRolePolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
 "Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`}); err != nil {
		return iam.Credentials{}, err
	}
	if err := ids.PutRolePolicy(root, "puller", "read", `{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::`+bucket+`/*"}]}`); err != nil {
		return iam.Credentials{}, err
	}
	if _, err := ids.CreateInstanceProfile(root, "puller", "/"); err != nil {
		return iam.Credentials{}, err
	}
	if err := ids.AddRoleToInstanceProfile(root, "puller", "puller"); err != nil {
		return iam.Credentials{}, err
	}
	k, err := ids.CreateAccessKey(root, "admin")
	if err != nil {
		return iam.Credentials{}, err
	}
	return k.Credentials(), nil
}

// setup builds a VPC with a public subnet (internet gateway) and a private
// one in the same zone (so NAT traffic pays no cross-AZ transfer), the
// path p, the bucket with one object of gb GiB, and the instance in the
// private subnet; it waits until the instance runs.
func setup(q *sim.Proc, e2 *ec2.Service, vc *vpc.Client, ec *ec2.Client, sc *s3.Client, p path, gb int) (*ec2.Machine, error) {
	v, err := vc.CreateVpc(q, &vpc.CreateVpcInput{CidrBlock: "10.0.0.0/16"})
	if err != nil {
		return nil, err
	}
	vpcID := v.Vpc.VpcId
	pub, err := vc.CreateSubnet(q, &vpc.CreateSubnetInput{VpcId: vpcID, CidrBlock: "10.0.0.0/24", AvailabilityZone: home + "a"})
	if err != nil {
		return nil, err
	}
	priv, err := vc.CreateSubnet(q, &vpc.CreateSubnetInput{VpcId: vpcID, CidrBlock: "10.0.1.0/24", AvailabilityZone: home + "a"})
	if err != nil {
		return nil, err
	}
	g, err := vc.CreateInternetGateway(q, nil)
	if err != nil {
		return nil, err
	}
	if _, err := vc.AttachInternetGateway(q, &vpc.AttachInternetGatewayInput{InternetGatewayId: g.InternetGateway.InternetGatewayId, VpcId: vpcID}); err != nil {
		return nil, err
	}
	pubRT, err := vc.CreateRouteTable(q, &vpc.CreateRouteTableInput{VpcId: vpcID})
	if err != nil {
		return nil, err
	}
	if _, err := vc.CreateRoute(q, &vpc.CreateRouteInput{RouteTableId: pubRT.RouteTable.RouteTableId, DestinationCidrBlock: "0.0.0.0/0",
		GatewayId: g.InternetGateway.InternetGatewayId}); err != nil {
		return nil, err
	}
	if _, err := vc.AssociateRouteTable(q, &vpc.AssociateRouteTableInput{RouteTableId: pubRT.RouteTable.RouteTableId, SubnetId: pub.Subnet.SubnetId}); err != nil {
		return nil, err
	}
	// The private subnet uses the main route table: local routes only.
	rts, err := vc.DescribeRouteTables(q, &vpc.DescribeRouteTablesInput{Filters: []vpc.Filter{
		{Name: "vpc-id", Values: []string{vpcID}}, {Name: "association.main", Values: []string{"true"}}}})
	if err != nil {
		return nil, err
	}
	if len(rts.RouteTables) != 1 {
		return nil, fmt.Errorf("%d main route tables", len(rts.RouteTables))
	}
	mainRT := rts.RouteTables[0].RouteTableId
	switch p {
	case viaNAT:
		eip, err := vc.AllocateAddress(q, nil)
		if err != nil {
			return nil, err
		}
		nat, err := vc.CreateNatGateway(q, &vpc.CreateNatGatewayInput{SubnetId: pub.Subnet.SubnetId, AllocationId: eip.AllocationId})
		if err != nil {
			return nil, err
		}
		if _, err := vc.CreateRoute(q, &vpc.CreateRouteInput{RouteTableId: mainRT, DestinationCidrBlock: "0.0.0.0/0",
			NatGatewayId: nat.NatGateway.NatGatewayId}); err != nil {
			return nil, err
		}
	case viaEndpoint:
		if _, err := vc.CreateVpcEndpoint(q, &vpc.CreateVpcEndpointInput{VpcId: vpcID, ServiceName: "com.amazonaws." + home + ".s3",
			RouteTableIds: []string{mainRT}}); err != nil {
			return nil, err
		}
	}
	if _, err := sc.CreateBucket(q, &s3.CreateBucketInput{Bucket: bucket}); err != nil {
		return nil, err
	}
	// The day's data is gb objects of 1 GiB (a single PUT takes at most
	// 5 GiB).
	for k := range gb {
		if _, err := sc.PutObject(q, &s3.PutObjectInput{Bucket: bucket, Key: key(k), ContentLength: s3.Int64(gib)}); err != nil {
			return nil, err
		}
	}
	out, err := ec.RunInstances(q, &ec2.RunInstancesInput{ImageId: ec2.ImageID(ec2.PublicImages()[0].Name, home),
		InstanceType: "t3.micro", MinCount: 1, MaxCount: 1, SubnetId: priv.Subnet.SubnetId,
		IamInstanceProfile: &ec2.IamInstanceProfileSpecification{Name: "puller"}})
	if err != nil {
		return nil, err
	}
	id := out.Instances[0].InstanceId
	m, _ := e2.Machine(id)
	for m.State() != ec2.InstanceStateRunning {
		if err := q.Sleep(5 * time.Second); err != nil {
			return nil, err
		}
	}
	return m, nil
}

package ec2_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/aws/smithy-go"
	"github.com/nimbus-sim/nimbus/ec2"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
)

// A world's accounts start with a new account's vCPU quotas: no P
// instances. The account asks Service Quotas for 8 vCPUs, one p3.2xlarge,
// and launches once the request is approved (after
// QuotaOptions.ApprovalDelay, 30 minutes by default).
func ExampleQuotasClient() {
	env := sim.New(1)
	defer env.Close()
	w := region.MustNewWorld(env, region.Options{HostsPerAZ: map[string]int{"p3": 1}})
	svc := ec2.MustNew(w, ec2.Options{}) // Quotas nil: a new account's
	root, _ := w.CreateAccount("111122223333")
	// The root user may do anything in its account, Service Quotas too.
	client := svc.NewClient("us-east-1", root)
	quotas := svc.NewQuotasClient("us-east-1", root)
	p3 := ec2.QuotaCode(ec2.QuotaClassOf("p3"), false) // Running On-Demand P instances

	show := func(err error) {
		var ae smithy.APIError
		if errors.As(err, &ae) {
			fmt.Printf("%s: %s\n", ae.ErrorCode(), ae.ErrorMessage())
		}
	}
	env.Go("operator", func(p *sim.Proc) {
		run := &ec2.RunInstancesInput{ImageId: ec2.ImageID(ec2.PublicImages()[0].Name, "us-east-1"),
			InstanceType: "p3.2xlarge", MinCount: 1, MaxCount: 1}
		_, err := client.RunInstances(p, run)
		show(err)

		req, err := quotas.RequestServiceQuotaIncrease(p, "ec2", p3, 8)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println("request:", req.QuotaName, req.DesiredValue, req.Status)
		_ = p.Sleep(30 * time.Minute)
		req, _ = quotas.GetRequestedServiceQuotaChange(p, req.Id)
		q, _ := quotas.GetServiceQuota(p, "ec2", p3)
		fmt.Println("request:", req.Status, "- quota now", q.Value, "vCPUs")

		if out, err := client.RunInstances(p, run); err == nil {
			fmt.Println("launched", out.Instances[0].InstanceType)
		}
		_, err = quotas.RequestServiceQuotaIncrease(p, "ec2", p3, 4) // below the current value: refused
		show(err)
	})
	env.Run()
	// Output:
	// VcpuLimitExceeded: You have requested more vCPU capacity than your current vCPU limit of 0 allows for the instance bucket that the specified instance type belongs to. Please visit http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit.
	// request: Running On-Demand P instances 8 PENDING
	// request: APPROVED - quota now 8 vCPUs
	// launched p3.2xlarge
	// IllegalArgumentException: You must provide a quota value greater than the current quota value (L-417A185B: requested 4, current 8).
}

// Quotas configured up front: every account may run 64 On-Demand P vCPUs
// per region, and one account 256 Standard ones; the others keep a new
// account's 5. UnlimitedQuotas() turns quotas off instead.
func ExampleQuotaOptions() {
	env := sim.New(1)
	defer env.Close()
	w := region.MustNewWorld(env, region.Options{})
	p, std := ec2.QuotaCode(ec2.QuotaP, false), ec2.QuotaCode(ec2.QuotaStandard, false)
	svc := ec2.MustNew(w, ec2.Options{Quotas: &ec2.QuotaOptions{
		Values:   map[string]int{p: 64},
		Accounts: map[string]map[string]int{"111122223333": {std: 256}},
	}})
	for _, acct := range []string{"111122223333", "444455556666"} {
		root, _ := w.CreateAccount(acct)
		quotas := svc.NewQuotasClient("us-east-1", root)
		env.Go("read", func(pr *sim.Proc) {
			qp, _ := quotas.GetServiceQuota(pr, "ec2", p)
			qs, _ := quotas.GetServiceQuota(pr, "ec2", std)
			fmt.Printf("%s: P %d vCPUs, Standard %d vCPUs\n", acct, qp.Value, qs.Value)
		})
		env.Run()
	}

	env2 := sim.New(1)
	defer env2.Close()
	w2 := region.MustNewWorld(env2, region.Options{})
	off := ec2.MustNew(w2, ec2.Options{Quotas: ec2.UnlimitedQuotas()})
	root, _ := w2.CreateAccount("111122223333")
	env2.Go("read", func(pr *sim.Proc) {
		_, err := off.NewQuotasClient("us-east-1", root).GetServiceQuota(pr, "ec2", p)
		var ae smithy.APIError
		if errors.As(err, &ae) {
			fmt.Println("unlimited:", ae.ErrorCode())
		}
	})
	env2.Run()
	// Output:
	// 111122223333: P 64 vCPUs, Standard 256 vCPUs
	// 444455556666: P 64 vCPUs, Standard 5 vCPUs
	// unlimited: NoSuchResourceException
}

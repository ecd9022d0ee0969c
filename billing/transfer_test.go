package billing

import (
	"math/big"
	"testing"
	"time"
)

// Data transfer by path [AWS pricing pages; data transfer FAQ].

const gib = int64(1) << 30

func TestTransferPaths(t *testing.T) {
	_, led := newTestLedger(t, PlanNone)
	other := "444455556666"
	ec2a := Endpoint{Region: "us-east-1", AZ: "use1-az1", ResourceID: "i-a"}
	ec2b := Endpoint{Region: "us-east-1", AZ: "use1-az2", ResourceID: "i-b", Account: other}
	for _, tc := range []struct {
		tr   Transfer
		want Path
	}{
		{Transfer{From: Endpoint{Internet: true}, To: ec2a}, PathInternetIn},
		{Transfer{From: ec2a, To: Endpoint{Region: "us-east-1", AZ: "use1-az1"}}, PathSameAZ},
		{Transfer{From: ec2a, To: Endpoint{Region: "us-east-1", ResourceID: "my-bucket"}}, PathSameAZ}, // EC2 → S3 in-region
		{Transfer{From: ec2a, To: ec2b}, PathCrossAZ},
		{Transfer{From: ec2a, To: Endpoint{Region: "us-east-2", AZ: "use2-az1"}}, PathCrossRegion},
		{Transfer{From: ec2a, To: Endpoint{Internet: true}}, PathInternetOut},
	} {
		tc.tr.Account, tc.tr.Bytes = acct, 10*gib
		p, err := led.RecordTransfer(tc.tr)
		if err != nil || p != tc.want {
			t.Errorf("%+v: path %v err %v, want %v", tc.tr, p, err, tc.want)
		}
	}
	inv := led.Invoice(acct, jan2026)
	costs := map[string]Money{}
	for _, li := range inv.Lines {
		costs[li.UsageType] += li.Cost
	}
	want := map[string]Money{
		"DataTransfer-In-Bytes":       0,
		"DataTransfer-Regional-Bytes": 10 * Cent, // sender side, 10 GB × $0.01
		"USE1-USE2-AWS-Out-Bytes":     10 * Cent, // 10 GB × $0.01 (us-east-1 ↔ us-east-2)
		"USE2-USE1-AWS-In-Bytes":      0,
		"DataTransfer-Out-Bytes":      90 * Cent, // 10 GB × $0.09, PlanNone: no free 100 GB
	}
	for k, v := range want {
		if c, ok := costs[k]; !ok || c != v {
			t.Errorf("%s = %v (present %v), want %v", k, c, ok, v)
		}
	}
	if len(costs) != len(want) {
		t.Errorf("usage types %v, want %v", costs, want)
	}
	// The receiving side of the cross-AZ transfer pays too, in its account.
	if got := led.Invoice(other, jan2026).Total; got != 10*Cent {
		t.Errorf("receiver of cross-AZ transfer pays %v, want $0.10", got)
	}
}

func TestInternetOutFirst100GBFreeAcrossRegionsThenTiers(t *testing.T) {
	_, led := newTestLedger(t, PlanAlwaysFree)
	out := func(region string, gb int64) {
		t.Helper()
		if _, err := led.RecordTransfer(Transfer{Account: acct, Service: "AmazonEC2", From: Endpoint{Region: region, ResourceID: "i-" + region},
			To: Endpoint{Internet: true}, Bytes: gb * gib}); err != nil {
			t.Fatal(err)
		}
	}
	out("ap-northeast-1", 60) // sorted first: takes 60 GB of the free 100 GB
	out("us-east-1", 20*1024+40)
	inv := led.Invoice(acct, jan2026)
	if li := lineFor(t, inv, "i-ap-northeast-1", "APN1-DataTransfer-Out-Bytes"); li.Cost != 0 || li.FreeAmount.Cmp(big.NewRat(60, 1)) != 0 {
		t.Errorf("Tokyo: %v free of %v for %v, want all 60 GB free", li.FreeAmount, li.Amount, li.Cost)
	}
	// us-east-1: 40 GB free, then 10,240 GB at $0.09 and 10,240 at $0.085.
	want := 10240*90*Cent/10 + 10240*85*Cent/10
	if li := lineFor(t, inv, "i-us-east-1", "DataTransfer-Out-Bytes"); li.Cost != want {
		t.Errorf("us-east-1 20 TB + 40 GB out = %v, want %v", li.Cost, want)
	}
	if got := MustParseMoney("1792"); want != got {
		t.Errorf("closed form %v != $1,792", want)
	}
}

func TestNATGatewayHoursAndProcessing(t *testing.T) {
	env, led := newTestLedger(t, PlanNone)
	id := mustStart(t, led, Usage{Account: acct, Service: "AmazonEC2", UsageType: "NatGateway-Hours", Region: "us-east-1",
		ResourceID: "nat-1", Quantity: 1}, PerHour)
	if _, err := led.RecordTransfer(Transfer{Account: acct, From: Endpoint{Region: "us-east-1", AZ: "use1-az1", ResourceID: "i-1"},
		To: Endpoint{Internet: true}, Bytes: 100 * gib, NATGatewayID: "nat-1"}); err != nil {
		t.Fatal(err)
	}
	env.RunFor(90 * time.Minute)
	mustStop(t, led, id, StopOptions{})
	inv := led.Invoice(acct, jan2026)
	// 2 started hours × $0.045 + 100 GB × $0.045 processing + 100 GB × $0.09 out.
	if want := MustParseMoney("0.09") + MustParseMoney("4.5") + MustParseMoney("9"); inv.Total != want {
		t.Errorf("NAT total %v, want %v", inv.Total, want)
	}
	if li := lineFor(t, inv, "nat-1", "NatGateway-Bytes"); li.Cost != MustParseMoney("4.5") {
		t.Errorf("NAT processing %v", li.Cost)
	}
}

func TestTransferRejectsBadInput(t *testing.T) {
	_, led := newTestLedger(t, PlanNone)
	if _, err := led.RecordTransfer(Transfer{Account: acct, From: Endpoint{Internet: true}, To: Endpoint{Internet: true}, Bytes: 1}); err == nil {
		t.Error("internet to internet accepted")
	}
	if _, err := led.RecordTransfer(Transfer{Account: acct, From: Endpoint{Region: "us-east-1"}, To: Endpoint{Region: "mars-1"}, Bytes: 1}); err == nil {
		t.Error("unknown region accepted")
	}
	if _, err := led.RecordTransfer(Transfer{Account: acct, From: Endpoint{Region: "us-east-1"}, To: Endpoint{Internet: true}, Bytes: -1}); err == nil {
		t.Error("negative bytes accepted")
	}
}

package ec2

// Burstable credit rules from the EC2 User Guide,
// burstable-credits-baseline-concepts.md and
// burstable-performance-instances-unlimited-mode-concepts.md [burstable guide].

import (
	"math"
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/billing"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
)

func TestT3CreditTable(t *testing.T) {
	for _, tc := range []struct {
		typ                InstanceType
		perHour, max       float64
		vcpu, baselinePerc int
	}{
		{"t3.nano", 6, 144, 2, 5}, {"t3.micro", 12, 288, 2, 10}, {"t3.small", 24, 576, 2, 20},
		{"t3.medium", 24, 576, 2, 20}, {"t3.large", 36, 864, 2, 30}, {"t3.xlarge", 96, 2304, 4, 40},
		{"t3.2xlarge", 192, 4608, 8, 40},
	} {
		it, ok := LookupInstanceType(tc.typ)
		if !ok {
			t.Fatalf("%s missing", tc.typ)
		}
		if it.CreditsPerHour() != tc.perHour || it.MaxCredits() != tc.max || it.VCPUs != tc.vcpu || it.BaselinePermille != 10*tc.baselinePerc {
			t.Errorf("%s: %v/h, max %v, %d vCPU, baseline %d‰; want %v, %v, %d, %d%%",
				tc.typ, it.CreditsPerHour(), it.MaxCredits(), it.VCPUs, it.BaselinePermille, tc.perHour, tc.max, tc.vcpu, tc.baselinePerc)
		}
	}
}

func standardT3(p *sim.Proc, f *fixture, typ InstanceType) *Machine {
	return f.launch(p, RunInstancesInput{InstanceType: typ, CreditSpecification: &CreditSpecificationRequest{CpuCredits: CreditStandard}})
}

// TestT3MicroThrottlesWhenCreditsRunOut is the worked case: a t3.micro
// idles for 24 h and accrues the 288-credit cap (12/h, no launch
// credits), then runs at 100% in standard mode. It spends 2 vCPU x 60 =
// 120 credits/h and earns 12, so the balance lasts 288/108 h = 2 h 40 min;
// then it is held at its 10% baseline.
func TestT3MicroThrottlesWhenCreditsRunOut(t *testing.T) {
	f := newFixture(t, 41, Options{})
	f.do(30*time.Hour, func(p *sim.Proc) {
		m := standardT3(p, f, "t3.micro")
		if b := m.CPUCreditBalance(); b != 0 {
			t.Fatalf("T3 launched with %v credits, want none", b)
		}
		p.Sleep(24 * time.Hour)
		if b := m.CPUCreditBalance(); math.Abs(b-288) > 1e-9 {
			t.Fatalf("balance after 24 h idle %v, want 288", b)
		}
		must(t, m.SetCPUUtilization(1))
		predicted := time.Duration(288.0 / 108 * float64(time.Hour)) // 2h40m
		p.Sleep(predicted - time.Second)
		if u := m.CPUUtilization(); u != 1 {
			t.Fatalf("utilization %v one second before the predicted exhaustion, want 1", u)
		}
		if b := m.CPUCreditBalance(); b <= 0 || b > 0.1 {
			t.Fatalf("balance %v just before exhaustion", b)
		}
		p.Sleep(2 * time.Second)
		if u := m.CPUUtilization(); u != 0.1 {
			t.Fatalf("utilization %v after exhaustion, want the 10%% baseline", u)
		}
		p.Sleep(time.Hour)
		if u, b := m.CPUUtilization(), m.CPUCreditBalance(); u != 0.1 || b != 0 {
			t.Fatalf("an hour later: utilization %v balance %v, want 0.1 and 0 (earn = spend)", u, b)
		}
	})
}

func TestThrottlingIsVisibleAsSlowerWork(t *testing.T) {
	for _, tc := range []struct {
		name   string
		typ    InstanceType
		idle   time.Duration
		work   float64 // vCPU-seconds
		expect time.Duration
	}{
		// m5.large: 2 vCPUs, no credits: 60 vCPU-s in 30 s.
		{"FixedPerformance", "m5.large", 0, 60, 30 * time.Second},
		// t3.micro with no credits: held at 10% of 2 vCPUs = 0.2 vCPU-s/s.
		{"NoCreditsRunsAtBaseline", "t3.micro", 0, 60, 300 * time.Second},
		// 1 h idle = 12 credits, burnt at 108/h: 400 s at full speed (800
		// vCPU-s), the remaining 200 vCPU-s at 0.2/s: 1,000 s more.
		{"BurstsThenThrottles", "t3.micro", time.Hour, 1000, 1400 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, 42, Options{})
			var took time.Duration
			f.do(6*time.Hour, func(p *sim.Proc) {
				var m *Machine
				if tc.typ == "m5.large" {
					m = f.launch(p, RunInstancesInput{InstanceType: tc.typ})
				} else {
					m = standardT3(p, f, tc.typ)
				}
				p.Sleep(tc.idle)
				done := f.env.NewEvent("done")
				_, err := m.Go("work", func(q *sim.Proc) {
					start := q.Now()
					must(t, m.Work(q, tc.work))
					took = q.Now().Sub(start)
					done.Trigger(nil)
				})
				must(t, err)
				p.Wait(done)
			})
			if d := took - tc.expect; d < -time.Microsecond || d > time.Microsecond {
				t.Fatalf("work took %v, want %v", took, tc.expect)
			}
		})
	}
}

func TestWorkSharesTheCPU(t *testing.T) {
	f := newFixture(t, 43, Options{})
	var ends []time.Duration
	f.do(time.Hour, func(p *sim.Proc) {
		m := f.launch(p, RunInstancesInput{InstanceType: "m5.large"})
		start := p.Now()
		for _, w := range []float64{60, 120} {
			_, err := m.Go("w", func(q *sim.Proc) {
				must(t, m.Work(q, w))
				ends = append(ends, q.Now().Sub(start))
			})
			must(t, err)
		}
	})
	// Processor sharing on 2 vCPUs: both at 1 vCPU-s/s until the first
	// finishes at 60 s, then the second alone at 2/s: 60 s more / 2 = 30 s.
	if len(ends) != 2 || ends[0] != 60*time.Second || ends[1] != 90*time.Second {
		t.Fatalf("ends %v, want [1m0s 1m30s]", ends)
	}
}

// TestUnlimitedSurplusCreditsAreBilled runs a t3.micro in unlimited mode
// at 100% for 10 h from a zero balance: it spends 120 credits/h and earns
// 12, so 1,080 surplus credits (18 vCPU-hours) are charged by the stop,
// at $0.05 per vCPU-hour: $0.90 [burstable guide].
func TestUnlimitedSurplusCreditsAreBilled(t *testing.T) {
	f := newFixture(t, 44, Options{})
	var id string
	f.do(12*time.Hour, func(p *sim.Proc) {
		m := f.launch(p, RunInstancesInput{InstanceType: "t3.micro"}) // T3 defaults to unlimited
		id = m.ID()
		if m.describe().CpuCredits != CreditUnlimited {
			t.Fatalf("default credit mode %s", m.describe().CpuCredits)
		}
		must(t, m.SetCPUUtilization(1))
		p.Sleep(10 * time.Hour)
		if u := m.CPUUtilization(); u != 1 {
			t.Fatalf("unlimited instance throttled to %v", u)
		}
		// Surplus beyond 24 h of earnings (288) is charged as it accrues.
		if s, c := m.CPUSurplusCreditBalance(), m.CPUSurplusCreditsCharged(); math.Abs(s-288) > 1e-6 || math.Abs(c-(1080-288)) > 1e-6 {
			t.Fatalf("surplus %v charged %v, want 288 and 792", s, c)
		}
		_, err := f.c.StopInstances(p, &StopInstancesInput{InstanceIds: []string{m.ID()}})
		must(t, err)
	})
	var cost billing.Money
	for _, li := range f.lines(testAccount, id, "CPUCredits:t3") {
		cost += li.Cost
	}
	if cost != 90*billing.Cent {
		t.Fatalf("surplus credits cost %v, want $0.90", cost)
	}
}

func TestT3KeepsCreditsAcrossStop(t *testing.T) {
	f := newFixture(t, 45, Options{})
	f.do(6*time.Hour, func(p *sim.Proc) {
		m := standardT3(p, f, "t3.micro")
		p.Sleep(time.Hour)
		b := m.CPUCreditBalance()
		_, err := f.c.StopInstances(p, &StopInstancesInput{InstanceIds: []string{m.ID()}})
		must(t, err)
		p.Sleep(time.Hour)
		_, err = f.c.StartInstances(p, &StartInstancesInput{InstanceIds: []string{m.ID()}})
		must(t, err)
		// The stop call's latency lets it earn a little more (12/h).
		if got := m.CPUCreditBalance(); got < b || got > b+0.01 || b < 11.9 {
			t.Fatalf("balance %v after stop/start, had %v", got, b)
		}
	})
}

func TestT3CreditsExpireAfterSevenDaysStopped(t *testing.T) {
	f := newFixture(t, 47, Options{})
	f.do(10*24*time.Hour, func(p *sim.Proc) {
		m := standardT3(p, f, "t3.micro")
		p.Sleep(time.Hour)
		_, err := f.c.StopInstances(p, &StopInstancesInput{InstanceIds: []string{m.ID()}})
		must(t, err)
		p.Sleep(8 * 24 * time.Hour)
		_, err = f.c.StartInstances(p, &StartInstancesInput{InstanceIds: []string{m.ID()}})
		must(t, err)
		f.waitRunning(p, m)
		if b := m.CPUCreditBalance(); b != 0 {
			t.Fatalf("balance %v after 8 days stopped, want 0", b)
		}
	})
}

func TestT2LosesCreditsOnStop(t *testing.T) {
	// The built-in fleet has no T2 hosts; add a T2 host type (as region's
	// T3 host, oversubscribed) for this test.
	hts := append(region.HostTypes(), region.HostType{Name: "t2", Family: "t2", Sockets: 2, CoresPerSocket: 24,
		VCPUs: 384, MemoryMiB: 768 * 1024, MaxInstances: 192, Oversubscribed: true})
	f := newFixtureWorld(t, 46, Options{}, region.Options{HostTypes: hts, HostsPerAZ: map[string]int{"t2": 1}})
	f.do(6*time.Hour, func(p *sim.Proc) {
		m := f.launch(p, RunInstancesInput{InstanceType: "t2.micro"})
		if b := m.CPUCreditBalance(); b < 30 { // 30 launch credits per vCPU [burstable guide]
			t.Fatalf("t2.micro launched with %v credits", b)
		}
		_, err := f.c.StopInstances(p, &StopInstancesInput{InstanceIds: []string{m.ID()}})
		must(t, err)
		p.Sleep(5 * time.Minute)
		if b := m.CPUCreditBalance(); b != 0 {
			t.Fatalf("stopped t2 keeps %v credits", b)
		}
	})
}

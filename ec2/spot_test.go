package ec2

// Spot rules from the EC2 User Guide: spot-instance-termination-notices.md,
// rebalance-recommendations.md, interruption-reasons.md [Spot interruptions guide] and
// "Billing for interrupted Spot Instances" [interrupted Spot billing].

import (
	"encoding/json"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/billing"
	"github.com/nimbus-sim/nimbus/failure"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
)

func spotInput(behavior InstanceInterruptionBehavior) RunInstancesInput {
	so := &SpotMarketOptions{InstanceInterruptionBehavior: behavior}
	if behavior != InterruptionTerminate {
		so.SpotInstanceType = SpotPersistent
	}
	return RunInstancesInput{InstanceType: "m5.large", Placement: &Placement{AvailabilityZone: "us-east-1a"},
		InstanceMarketOptions: &InstanceMarketOptionsRequest{MarketType: MarketTypeSpot, SpotOptions: so}}
}

func TestSpotNoticeTwoMinutesBeforeInterruption(t *testing.T) {
	f := newFixture(t, 21, Options{Spot: &SpotOptions{Model: SpotMechanistic, Savings: 0.65, PriceStep: 24 * time.Hour}})
	var noticeAt, goneAt sim.Time
	var action SpotInstanceAction
	var before error
	f.svc.Subscribe(func(e StateChangeEvent) {
		if e.Current == InstanceStateShuttingDown {
			goneAt = e.At
			if e.Reason.Code != "Server.SpotInstanceTermination" {
				t.Errorf("reason %+v", e.Reason)
			}
		}
	})
	f.do(2*time.Hour, func(p *sim.Proc) {
		m := f.launch(p, spotInput(InterruptionTerminate))
		_, err := m.Go("poller", func(q *sim.Proc) {
			_, before = GetMetadata(q, "spot/instance-action")
			for { // poll every 5 s, as AWS suggests
				body, err := GetMetadata(q, "spot/instance-action")
				if err == nil {
					noticeAt = q.Now()
					must(t, json.Unmarshal([]byte(body), &action))
					return
				}
				q.Sleep(5 * time.Second)
			}
		})
		must(t, err)
		p.Sleep(10 * time.Minute)
		must(t, f.svc.ReclaimSpot(m.AvailabilityZoneID(), "m5.large", 1))
	})
	if !errors.Is(before, ErrMetadataNotFound) {
		t.Fatalf("instance-action before the notice: %v, want 404", before)
	}
	if action.Action != "terminate" {
		t.Fatalf("action %+v", action)
	}
	if lead := goneAt.Sub(noticeAt); lead < NoticeLead-5*time.Second || lead > NoticeLead {
		t.Fatalf("interruption %v after the poller saw the notice, want 2 min (minus the polling gap)", lead)
	}
	// The notice's time has whole seconds, like AWS's.
	if got := f.env.FromTime(action.Time); goneAt.Sub(got) < 0 || goneAt.Sub(got) >= time.Second {
		t.Fatalf("notice says %v, interruption at %v", action.Time, f.env.TimeOf(goneAt))
	}
}

func TestSpotInterruptionBehaviours(t *testing.T) {
	for _, tc := range []struct {
		behavior InstanceInterruptionBehavior
		final    InstanceStateName
		reason   string
		lead     time.Duration
	}{
		{InterruptionTerminate, InstanceStateTerminated, "Server.SpotInstanceTermination", NoticeLead},
		{InterruptionStop, InstanceStateStopped, "Server.SpotInstanceShutdown", NoticeLead},
		{InterruptionHibernate, InstanceStateStopped, "Server.SpotInstanceShutdown", 0}, // no 2-min lead [Spot interruptions guide]
	} {
		t.Run(string(tc.behavior), func(t *testing.T) {
			f := newFixture(t, 22, Options{Spot: &SpotOptions{Model: SpotMechanistic, Savings: 0.65, PriceStep: 24 * time.Hour}})
			var m *Machine
			var reclaimed, left sim.Time
			var reached bool
			var reason string
			f.svc.Subscribe(func(e StateChangeEvent) {
				if e.Previous == InstanceStateRunning && left == 0 {
					left = e.At
				}
				if e.Current == tc.final && !reached {
					// EC2 later restarts a stopped persistent Spot Instance
					// (TestRunInstancesPersistentSpotStopRestarts): check the
					// interruption's own end state.
					reached, reason = true, m.describe().StateReason.Code
				}
			})
			f.do(time.Hour, func(p *sim.Proc) {
				m = f.launch(p, spotInput(tc.behavior))
				reclaimed = p.Now()
				must(t, f.svc.ReclaimSpot(m.AvailabilityZoneID(), "m5.large", 1))
			})
			if !reached || reason != tc.reason {
				t.Fatalf("reached %s: %v, reason %q", tc.final, reached, reason)
			}
			if left.Sub(reclaimed) != tc.lead {
				t.Fatalf("left running %v after the notice, want %v", left.Sub(reclaimed), tc.lead)
			}
		})
	}
}

func TestSpotOneTimeCannotBeStopped(t *testing.T) {
	f := newFixture(t, 23, Options{})
	f.do(time.Hour, func(p *sim.Proc) {
		m := f.launch(p, spotInput(InterruptionTerminate))
		_, err := f.c.StopInstances(p, &StopInstancesInput{InstanceIds: []string{m.ID()}})
		wantCode(t, err, "UnsupportedOperation")
	})
}

func TestSpotInterruptedInFirstHourIsFree(t *testing.T) {
	for _, tc := range []struct {
		name     string
		runFor   time.Duration
		byEC2    bool
		wantFree bool
	}{
		{"EC2InterruptsIn40Min", 40 * time.Minute, true, true},
		{"EC2InterruptsAfter90Min", 90 * time.Minute, true, false},
		{"UserTerminatesIn40Min", 40 * time.Minute, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, 24, Options{Spot: &SpotOptions{Model: SpotMechanistic, Savings: 0.65, PriceStep: 24 * time.Hour}})
			var m *Machine
			var ran time.Duration
			f.svc.Subscribe(func(e StateChangeEvent) {
				if e.Current == InstanceStateRunning {
					ran = -time.Duration(e.At)
				}
				if e.Previous == InstanceStateRunning {
					ran += time.Duration(e.At)
				}
			})
			f.do(4*time.Hour, func(p *sim.Proc) {
				m = f.launch(p, spotInput(InterruptionTerminate))
				p.Sleep(tc.runFor - NoticeLead)
				if tc.byEC2 {
					must(t, f.svc.ReclaimSpot(m.AvailabilityZoneID(), "m5.large", 1))
				} else {
					p.Sleep(NoticeLead)
					_, err := f.c.TerminateInstances(p, &TerminateInstancesInput{InstanceIds: []string{m.ID()}})
					must(t, err)
				}
			})
			got := f.billedSeconds(testAccount, m.ID())
			want := int64((ran + time.Second - 1) / time.Second)
			if tc.wantFree {
				want = 0
			}
			if got != want {
				t.Fatalf("billed %d s for a %v run, want %d", got, ran, want)
			}
		})
	}
}

func TestReclaimSpotFraction(t *testing.T) {
	f := newFixture(t, 25, Options{Spot: &SpotOptions{Model: SpotMechanistic, Savings: 0.65, PriceStep: 24 * time.Hour}})
	f.do(time.Hour, func(p *sim.Proc) {
		in := spotInput(InterruptionTerminate)
		in.MinCount, in.MaxCount = 10, 10
		in.ImageId = f.ami()
		out, err := f.c.RunInstances(p, &in)
		must(t, err)
		p.Sleep(5 * time.Minute)
		must(t, f.svc.ReclaimSpot(out.Instances[0].Placement.AvailabilityZoneId, "m5.large", 0.25))
		noticed := 0
		for _, i := range out.Instances {
			m, _ := f.svc.Machine(i.InstanceId)
			if m.InterruptionNotice().Triggered() {
				noticed++
			}
		}
		if noticed != 3 { // ceil(0.25 x 10)
			t.Fatalf("%d noticed, want 3", noticed)
		}
		if err := f.svc.ReclaimSpot("use1-az1", "m5.large", 1.5); err == nil {
			t.Error("fraction 1.5 accepted")
		}
		if err := f.svc.ReclaimSpot("nowhere", "m5.large", 0.5); err == nil {
			t.Error("unknown AZ accepted")
		}
	})
}

func TestMechanisticSpotReclaimedByOnDemand(t *testing.T) {
	f := newFixture(t, 26, Options{Spot: &SpotOptions{Model: SpotMechanistic, Savings: 0.65, PriceStep: 24 * time.Hour}})
	f.do(2*time.Hour, func(p *sim.Proc) {
		az := &Placement{AvailabilityZone: "us-east-1c"}
		// Fill the zone's four m5 hosts with spot m5.24xlarge.
		in := spotInput(InterruptionTerminate)
		in.Placement, in.InstanceType, in.ImageId, in.MinCount, in.MaxCount = az, "m5.24xlarge", f.ami(), 4, 4
		out, err := f.c.RunInstances(p, &in)
		must(t, err)
		must(t, f.c.WaitUntilInstanceRunning(p, []string{out.Instances[3].InstanceId}, time.Hour))
		_, err = f.c.RunInstances(p, &RunInstancesInput{ImageId: f.ami(), InstanceType: "m5.large", MinCount: 1, MaxCount: 1, Placement: az})
		wantCode(t, err, "InsufficientInstanceCapacity")
		noticed := 0
		for _, i := range out.Instances {
			m, _ := f.svc.Machine(i.InstanceId)
			if m.InterruptionNotice().Triggered() {
				noticed++
			}
		}
		if noticed != 1 {
			t.Fatalf("%d spot instances reclaimed for one m5.large, want 1", noticed)
		}
		p.Sleep(NoticeLead + 5*time.Minute)
		_, err = f.c.RunInstances(p, &RunInstancesInput{ImageId: f.ami(), InstanceType: "m5.large", MinCount: 1, MaxCount: 1, Placement: az})
		must(t, err)
	})
}

func TestRebalanceRecommendationPrecedesNotice(t *testing.T) {
	sp := DefaultSpotOptions()
	sp.Buckets = map[InstanceType]AdvisorBucket{"m5.large": BucketOver20}
	sp.RebalanceProbability = 1
	f := newFixture(t, 27, Options{Spot: &sp})
	var rebalAt, noticeAt sim.Time
	var body string
	f.do(HoursPerMonth*time.Hour*6, func(p *sim.Proc) {
		m := f.launch(p, spotInput(InterruptionTerminate))
		_, err := m.Go("watch", func(q *sim.Proc) {
			i, _ := q.WaitAny(m.RebalanceRecommendation(), m.InterruptionNotice())
			if i != 0 {
				t.Error("notice before rebalance recommendation")
			}
			rebalAt = q.Now()
			body, _ = GetMetadata(q, "events/recommendations/rebalance")
			q.Wait(m.InterruptionNotice())
			noticeAt = q.Now()
		})
		must(t, err)
	})
	if noticeAt == 0 || rebalAt > noticeAt {
		t.Fatalf("rebalance at %v, notice at %v", rebalAt, noticeAt)
	}
	var rr RebalanceRecommendation
	if err := json.Unmarshal([]byte(body), &rr); err != nil || f.env.FromTime(rr.NoticeTime) > rebalAt {
		t.Fatalf("rebalance body %q (%v)", body, err)
	}
}

// TestSpotStatisticalInterruptionsMatchAdvisorBucket launches spot
// instances under the statistical model and counts those interrupted
// within a 730-hour month. The count is binomial with p = the bucket's
// target fraction; with n = 4000 its standard deviation is at most 0.53%
// (the bucket edges are 4.7 sd or more away), and the test demands the observed fraction lie inside the bucket (seed 31).
func TestSpotStatisticalInterruptionsMatchAdvisorBucket(t *testing.T) {
	for _, b := range []AdvisorBucket{Bucket5To10, Bucket10To15} {
		t.Run(b.String(), func(t *testing.T) {
			sp := DefaultSpotOptions()
			sp.DefaultBucket = b
			sp.Buckets = nil
			f := newFixtureHosts(t, 31, Options{Spot: &sp, VolumeAFR: map[VolumeType]float64{VolumeTypeGp3: 0}}, map[string]int{"t3": 6})
			const n = 4000
			interrupted := 0
			f.svc.Subscribe(func(e StateChangeEvent) {
				if e.Current == InstanceStateShuttingDown && e.Reason.Code == "Server.SpotInstanceTermination" {
					interrupted++
				}
			})
			f.env.Go("launch", func(p *sim.Proc) {
				for _, az := range []string{"us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d"} {
					in := spotInput(InterruptionTerminate)
					in.InstanceType, in.ImageId, in.MinCount, in.MaxCount = "t3.nano", f.ami(), n/4, n/4
					in.Placement = &Placement{AvailabilityZone: az}
					_, err := f.c.RunInstances(p, &in)
					must(t, err)
				}
			})
			f.env.RunFor(HoursPerMonth * time.Hour)
			got := float64(interrupted) / n
			lo, hi := b.Range()
			sd := math.Sqrt(b.MonthlyFraction() * (1 - b.MonthlyFraction()) / n)
			t.Logf("bucket %s: %d/%d interrupted = %.4f (target %.3f, sd %.4f)", b, interrupted, n, got, b.MonthlyFraction(), sd)
			if got < lo || got > hi {
				t.Fatalf("monthly fraction %.4f outside bucket %s", got, b)
			}
		})
	}
}

func TestHazardConversion(t *testing.T) {
	// lambda = -ln(1-f)/730 h: f = 5% -> MTTI ~ 14,200 h; 10% -> ~6,900 h;
	// 15% -> ~4,500 h; 20% -> ~3,300 h.
	for _, tc := range []struct{ f, mtti float64 }{{0.05, 14200}, {0.10, 6900}, {0.15, 4500}, {0.20, 3300}} {
		got := 1 / HazardPerHour(tc.f)
		if math.Abs(got-tc.mtti)/tc.mtti > 0.02 {
			t.Errorf("f=%v: MTTI %.0f h, want ~%.0f", tc.f, got, tc.mtti)
		}
	}
}

// TestSpotPriceAboveMaxPriceInterrupts: with a max price equal to the
// launch price and a volatile price path, the instance gets its notice at
// the first price step that exceeds its max price [Spot interruptions guide].
func TestSpotPriceAboveMaxPriceInterrupts(t *testing.T) {
	sp := SpotOptions{Model: SpotMechanistic, Savings: 0.65, PriceStep: 6 * time.Hour, PriceVolatility: 0.3}
	f := newFixture(t, 28, Options{Spot: &sp})
	var noticeAt sim.Time
	var m *Machine
	f.do(30*24*time.Hour, func(p *sim.Proc) {
		price, err := f.svc.SpotPrice("use1-az1", "m5.large")
		must(t, err)
		in := spotInput(InterruptionTerminate)
		in.Placement = &Placement{AvailabilityZoneId: "use1-az1"}
		azName, _ := f.w.AZName(testAccount, "use1-az1")
		in.Placement.AvailabilityZone = azName
		in.InstanceMarketOptions.SpotOptions.MaxPrice = dollars(int64(price / billing.MicroUSD))
		m = f.launch(p, in)
		q, _ := m.Go("wait", func(q *sim.Proc) {
			q.Wait(m.InterruptionNotice())
			noticeAt = q.Now()
		})
		_ = q
	})
	if noticeAt == 0 {
		t.Fatal("never interrupted although the price path is volatile")
	}
	step := sim.Time(6 * time.Hour)
	if noticeAt%step != 0 {
		t.Fatalf("notice at %v, not at a price step", noticeAt)
	}
	pool := m.spot.pool
	if f.svc.priceAt(pool, noticeAt) <= m.spot.maxPrice {
		t.Fatalf("notice at %v with price %d <= max %d", noticeAt, f.svc.priceAt(pool, noticeAt), m.spot.maxPrice)
	}
	for at := step; at < noticeAt; at += step {
		if f.svc.priceAt(pool, at) > m.spot.maxPrice {
			t.Fatalf("price exceeded max at %v, notice only at %v", at, noticeAt)
		}
	}
}

// TestMechanisticSpotReclaimedByOtherTenantsDemand fills a zone's c5 hosts
// with spot c5.large, then lets other tenants' on-demand c5.large arrive
// (60/h, staying 10 h): once the free slots are gone, arrivals reclaim
// spot instances. Without the demand, the mechanistic model reclaims
// nothing.
func TestMechanisticSpotReclaimedByOtherTenantsDemand(t *testing.T) {
	for _, withDemand := range []bool{false, true} {
		f := newFixture(t, 29, Options{Spot: &SpotOptions{Model: SpotMechanistic, Savings: 0.65, PriceStep: 24 * time.Hour}})
		interrupted := 0
		f.svc.Subscribe(func(e StateChangeEvent) {
			if e.Current == InstanceStateShuttingDown && e.Reason.Code == "Server.SpotInstanceTermination" {
				interrupted++
			}
		})
		var azID string
		f.do(24*time.Hour, func(p *sim.Proc) {
			in := spotInput(InterruptionTerminate)
			// Two c5 hosts take 2 x 36 c5.large (their Dedicated Host capacity).
			in.InstanceType, in.ImageId, in.MinCount, in.MaxCount = "c5.large", f.ami(), 72, 72
			out, err := f.c.RunInstances(p, &in)
			must(t, err)
			azID = out.Instances[0].Placement.AvailabilityZoneId
			p.Sleep(time.Minute)
			if withDemand {
				must(t, f.svc.StartOnDemandDemand(azID, OnDemandDemand{InstanceType: "c5.large", ArrivalsPerHour: 60, MeanLifetime: 10 * time.Hour}))
			}
		})
		if !withDemand {
			if interrupted != 0 {
				t.Fatalf("%d interrupted without demand", interrupted)
			}
			continue
		}
		st, _ := f.svc.OnDemandDemandStats(azID, "c5.large")
		f.svc.StopOnDemandDemand(azID, "c5.large")
		t.Logf("demand %+v, %d spot interrupted", st, interrupted)
		if interrupted == 0 || st.Rejected == 0 || st.Placed == 0 {
			t.Fatalf("demand %+v interrupted %d spot instances", st, interrupted)
		}
		// Each rejection reclaims at most what one c5.large needs.
		if interrupted > st.Rejected {
			t.Fatalf("%d interrupted for %d rejected arrivals", interrupted, st.Rejected)
		}
	}
}

// TestFailureLayerDrivesSpotAndVolumes applies the failure package's
// SpotReclaim and VolumeLost faults to the service.
func TestFailureLayerDrivesSpotAndVolumes(t *testing.T) {
	f := newFixture(t, 30, Options{Spot: &SpotOptions{Model: SpotMechanistic, Savings: 0.65, PriceStep: 24 * time.Hour}})
	f.do(time.Hour, func(p *sim.Proc) {
		m := f.launch(p, spotInput(InterruptionTerminate))
		root := m.describe().BlockDeviceMappings[0].VolumeId
		targets := failure.Targets{f.svc}
		must(t, failure.SpotReclaim(m.AvailabilityZoneID(), "m5.large", 1).Apply(targets))
		if !m.InterruptionNotice().Triggered() {
			t.Fatal("no notice after SpotReclaim")
		}
		must(t, failure.VolumeLost(root).Apply(targets))
		if f.svc.volumes[root].state != VolumeStateError {
			t.Fatal("volume not lost")
		}
	})
}

func TestDescribeSpotPriceHistory(t *testing.T) {
	sp := SpotOptions{Model: SpotMechanistic, Savings: 0.65, PriceStep: 24 * time.Hour, PriceVolatility: 0.05}
	f := newFixture(t, 32, Options{Spot: &sp})
	f.do(10*24*time.Hour+time.Hour, func(p *sim.Proc) {
		p.Sleep(10 * 24 * time.Hour)
		out, err := f.c.DescribeSpotPriceHistory(p, &DescribeSpotPriceHistoryInput{InstanceTypes: []InstanceType{"m5.large"},
			AvailabilityZone: "us-east-1a", StartTime: f.env.TimeOf(0), EndTime: f.env.NowTime()})
		must(t, err)
		h := out.SpotPriceHistory
		if len(h) != 11 { // the launch price and ten daily steps
			t.Fatalf("%d prices: %+v", len(h), h)
		}
		if h[len(h)-1].SpotPrice != "0.0336" || !h[0].Timestamp.After(h[1].Timestamp) { // 0.096 x (1 - 0.65)
			t.Fatalf("history %+v", h)
		}
		cur, err := f.svc.SpotPrice(h[0].AvailabilityZoneId, "m5.large")
		must(t, err)
		if h[0].SpotPrice != dollars(int64(cur/billing.MicroUSD)) {
			t.Fatalf("latest %s, current %v", h[0].SpotPrice, cur)
		}
	})
}

func TestOnDemandDemandRejectsBadRates(t *testing.T) {
	f := newFixture(t, 57, Options{})
	for _, d := range []OnDemandDemand{
		{InstanceType: "m5.large", ArrivalsPerHour: math.Inf(1), MeanLifetime: time.Hour},
		{InstanceType: "m5.large", ArrivalsPerHour: math.NaN(), MeanLifetime: time.Hour},
		{InstanceType: "m5.large", ArrivalsPerHour: 0, MeanLifetime: time.Hour},
		{InstanceType: "m5.large", ArrivalsPerHour: 1, MeanLifetime: 0},
		{InstanceType: "m5.huge", ArrivalsPerHour: 1, MeanLifetime: time.Hour},
	} {
		if err := f.svc.StartOnDemandDemand("use1-az1", d); err == nil {
			t.Errorf("StartOnDemandDemand(%+v) accepted", d)
		}
	}
}

// InstanceTypes is optional in DescribeSpotPriceHistory (every type the
// region offers); a zone of another region is refused, not priced.
func TestDescribeSpotPriceHistoryAllTypesAndZoneOfTheRegion(t *testing.T) {
	f := newFixture(t, 33, Options{})
	f.do(time.Minute, func(p *sim.Proc) {
		out, err := f.c.DescribeSpotPriceHistory(p, &DescribeSpotPriceHistoryInput{AvailabilityZone: "us-east-1a"})
		must(t, err)
		seen := map[InstanceType]int{}
		for _, sp := range out.SpotPriceHistory {
			seen[sp.InstanceType]++
			if sp.AvailabilityZone != "us-east-1a" {
				t.Errorf("zone %s", sp.AvailabilityZone)
			}
		}
		for _, ty := range []InstanceType{"m5.large", "c5.large", "p3.2xlarge", "t3.micro", "g4dn.xlarge"} {
			if seen[ty] != 1 {
				t.Errorf("%s: %d current prices, want 1", ty, seen[ty])
			}
		}
		// Every catalog row is priced by billing's default catalog now.
		if len(seen) != len(InstanceTypes()) {
			t.Errorf("%d types listed, want all %d", len(seen), len(InstanceTypes()))
		}
		_, err = f.c.DescribeSpotPriceHistory(p, &DescribeSpotPriceHistoryInput{InstanceTypes: []InstanceType{"m5.large"},
			AvailabilityZone: "us-west-2a"})
		wantCode(t, err, "InvalidParameterValue")
	})
}

// Options that would break the simulation later (Savings 1 made the spot
// price zero and the meter panic at the first spot launch) fail New.
func TestNewRejectsBadOptions(t *testing.T) {
	spot := func(f func(*SpotOptions)) Options {
		sp := DefaultSpotOptions()
		f(&sp)
		return Options{Spot: &sp}
	}
	for name, o := range map[string]Options{
		"savings 1":         spot(func(s *SpotOptions) { s.Savings = 1 }),
		"savings >1":        spot(func(s *SpotOptions) { s.Savings = 1.5 }),
		"savings NaN":       spot(func(s *SpotOptions) { s.Savings = math.NaN() }),
		"volatility Inf":    spot(func(s *SpotOptions) { s.PriceVolatility = math.Inf(1) }),
		"rebalance prob 2":  spot(func(s *SpotOptions) { s.RebalanceProbability = 2 }),
		"negative lead":     spot(func(s *SpotOptions) { s.RebalanceLead = -time.Minute }),
		"bucket -1":         spot(func(s *SpotOptions) { s.DefaultBucket = -1 }),
		"bucket of type 9":  spot(func(s *SpotOptions) { s.Buckets = map[InstanceType]AdvisorBucket{"m5.large": 9} }),
		"model 7":           spot(func(s *SpotOptions) { s.Model = 7 }),
		"negative boot":     {Lifecycle: LifecycleDelays{Boot: Delay{Min: -time.Second}}},
		"AFR 1":             {VolumeAFR: map[VolumeType]float64{VolumeTypeGp3: 1}},
		"AFR negative":      {VolumeAFR: map[VolumeType]float64{VolumeTypeGp3: -0.1}},
		"AFR of no type":    {VolumeAFR: map[VolumeType]float64{"gp9": 0.1}},
		"negative visible":  {Lifecycle: LifecycleDelays{Boot: Delay{Min: time.Second}, TerminatedVisible: -time.Hour}},
		"volume create < 0": {VolumeCreate: Delay{Mean: -time.Second}},
	} {
		env := sim.New(1)
		w, err := region.NewWorld(env, region.Options{})
		must(t, err)
		if _, err := New(w, o); err == nil {
			t.Errorf("%s: New accepted it", name)
		}
		env.Close()
	}
	if s := AdvisorBucket(-1).String(); s != "AdvisorBucket(-1)" {
		t.Errorf("String of a bad bucket: %q", s)
	}
}

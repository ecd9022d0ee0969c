package failure_test

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/failure"
	"github.com/nimbus-sim/nimbus/sim"
)

func at(d time.Duration) sim.Time { return sim.Time(d) }

func TestOverlappingOutagesStack(t *testing.T) {
	env := sim.New(1)
	defer env.Close()
	w := newFakeWorld(env)
	h := newHarness(t, env, w)
	h.Start(
		failure.At(time.Hour, failure.AZOutage("use1-az1", 2*time.Hour)),                 // [1h, 3h)
		failure.At(2*time.Hour, failure.AZOutage("use1-az1", 2*time.Hour)),               // [2h, 4h)
		failure.At(30*time.Minute, failure.LatencyDegradation("a", "b", 3, 2*time.Hour)), // [0.5h, 2.5h) x3
		failure.At(time.Hour, failure.LatencyDegradation("b", "a", 5, 30*time.Minute)),   // [1h, 1.5h) x5
	)
	env.RunUntil(at(80 * time.Minute))
	if !w.down["az/use1-az1"] || w.level["latency/a|b"] != 5 {
		t.Errorf("at 1h20m: state %v %v, want AZ down and latency x5", w.down, w.level)
	}
	env.RunUntil(at(100 * time.Minute))
	if w.level["latency/a|b"] != 3 {
		t.Errorf("after the x5 degradation ends: latency %v, want x3 again", w.level["latency/a|b"])
	}
	env.RunUntil(at(200 * time.Minute))
	if !w.down["az/use1-az1"] {
		t.Error("AZ restored at 3h although the second outage lasts until 4h")
	}
	env.RunUntil(at(5 * time.Hour)) // past every window; faults are daemon, so Run would stop at once
	if len(w.down) != 0 || len(w.level) != 0 {
		t.Errorf("after every fault: %v %v, want the world as it was", w.down, w.level)
	}
	var azCalls []string
	for _, c := range w.calls {
		if strings.HasPrefix(c.key, "az/") {
			azCalls = append(azCalls, c.method+"@"+c.at.String())
		}
	}
	if got := strings.Join(azCalls, " "); got != "FailAZ@+1h0m0s RestoreAZ@+4h0m0s" {
		t.Errorf("AZ calls %q", got)
	}
	if err := h.Err(); err != nil {
		t.Error(err)
	}
}

func TestRackOutageAndHostCrashCompose(t *testing.T) {
	var topo failure.Topology
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(topo.Add(failure.Region, "us-east-1", ""))
	must(topo.Add(failure.AZ, "use1-az1", "us-east-1"))
	must(topo.Add(failure.Rack, "rack-1", "use1-az1"))
	must(topo.Add(failure.Host, "h1", "rack-1"))
	must(topo.Add(failure.Host, "h2", "rack-1"))
	must(topo.Add(failure.Host, "h3", "use1-az1"))
	if got := topo.Hosts("use1-az1"); strings.Join(got, ",") != "h1,h2,h3" {
		t.Errorf("hosts of the AZ: %v", got)
	}
	if d, _ := topo.Shared("h1", "h2"); d != "rack-1" {
		t.Errorf("h1, h2 share %q, want rack-1", d)
	}
	if d, _ := topo.Shared("h1", "h3"); d != "use1-az1" {
		t.Errorf("h1, h3 share %q, want use1-az1", d)
	}
	if r, _ := topo.Enclosing("h1", failure.Region); r != "us-east-1" {
		t.Errorf("h1's region %q", r)
	}
	if err := topo.Add(failure.Rack, "rack-2", "h1"); err == nil {
		t.Error("a rack under a host was accepted")
	}
	if err := topo.Add(failure.Host, "h1", "rack-1"); err == nil {
		t.Error("a duplicate name was accepted")
	}

	env := sim.New(1)
	defer env.Close()
	w := newFakeWorld(env)
	h := newHarness(t, env, w)
	h.Start(
		failure.At(time.Hour, failure.For(failure.DomainDown(&topo, "rack-1"), time.Hour)), // [1h, 2h)
		failure.At(90*time.Minute, failure.HostCrash("h1", time.Hour)),                     // [1.5h, 2.5h)
	)
	env.RunUntil(at(80 * time.Minute))
	if !w.down["host/h1"] || !w.down["host/h2"] || w.down["host/h3"] {
		t.Errorf("during the rack outage: %v", w.down)
	}
	env.RunUntil(at(130 * time.Minute))
	if !w.down["host/h1"] || w.down["host/h2"] {
		t.Errorf("after the rack outage, during h1's crash: %v", w.down)
	}
	env.RunUntil(at(3 * time.Hour))
	if len(w.down) != 0 {
		t.Errorf("at the end: %v", w.down)
	}
	if s := failure.DomainDown(&topo, "rack-1").String(); s != "rack-outage(rack-1)" {
		t.Errorf("String = %q", s)
	}
}

func TestMissingTargetIsAnError(t *testing.T) {
	env := sim.New(1)
	defer env.Close()
	h := newHarness(t, env) // no targets
	h.Start(failure.AZOutage("use1-az1", time.Minute))
	env.RunFor(time.Hour)
	err := h.Err()
	if err == nil || !strings.Contains(err.Error(), "az-down(use1-az1): no target implements *failure.AZTarget") {
		t.Errorf("Err = %v", err)
	}
	if h.InForce("az/use1-az1") {
		t.Error("a fault no target accepted is in force")
	}
}

func TestTargetErrorsAreReported(t *testing.T) {
	env := sim.New(1)
	defer env.Close()
	w := newFakeWorld(env)
	w.failOn = "bad"
	h := newHarness(t, env, w)
	h.Start(failure.HostCrash("bad-host", time.Minute), failure.HostCrash("good", time.Minute))
	env.RunFor(time.Hour)
	if err := h.Err(); err == nil || !strings.Contains(err.Error(), "FailHost(host/bad-host) refused") {
		t.Errorf("Err = %v", err)
	}
	for _, c := range w.calls {
		if c.method == "RepairHost" && c.key == "host/bad-host" {
			t.Error("a host that never failed was repaired")
		}
	}
}

func TestBadParametersAreErrors(t *testing.T) {
	env := sim.New(1)
	defer env.Close()
	w := newFakeWorld(env)
	h := newHarness(t, env, w)
	h.Start(
		failure.PacketLoss("a", "b", 1.5, time.Minute),
		failure.LatencyDegradation("a", "b", 0.5, time.Minute),
		failure.At(-time.Minute, failure.HostCrash("h", time.Minute)),
		failure.During(time.Hour, time.Minute, failure.HostCrash("h", time.Minute)),
		failure.Randomly(2, failure.HostCrash("h", time.Minute)),
		failure.Alternating(failure.HostDown("h"), failure.In(time.Hour, failure.Deterministic{}), failure.In(time.Hour, failure.Deterministic{})),
		failure.Alternating(failure.HostDown("h"), failure.Fixed(0), failure.Fixed(time.Hour)),
		failure.Recurring(failure.In(time.Hour, failure.Exponential{Rate: -1}), failure.HostCrash("h", time.Minute)),
		failure.SpotStorm("az", "", 0.5, 0, 0),
		failure.Once(failure.SpotReclaim("az", "", 0)),
	)
	env.RunUntil(at(10 * time.Hour))
	err := h.Err()
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"rate 1.5 outside [0, 1]", "factor must be at least 1", "negative offset",
		"window must satisfy", "probability outside", "both zero", "rate must be positive", "at least one wave", "fraction must be in (0, 1]", "unit must be positive"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Err lacks %q:\n%v", want, err)
		}
	}
	if len(w.calls) != 0 {
		t.Errorf("bad faults reached the world: %v", w.calls)
	}
}

func TestPermanentFaults(t *testing.T) {
	env := sim.New(1)
	defer env.Close()
	w := newFakeWorld(env)
	h := newHarness(t, env, w)
	h.Start(
		failure.VolumeFailure("vol-1"),
		failure.At(time.Minute, failure.SpotStorm("use1-az1", "m5.large", 0.3, 3, 10*time.Second)),
	)
	env.RunFor(time.Hour)
	if len(w.volumes) != 1 || w.volumes[0] != "vol-1" {
		t.Errorf("volumes failed: %v", w.volumes)
	}
	if len(w.reclaim) != 3 {
		t.Errorf("reclaim waves: %v, want 3", w.reclaim)
	}
	if last := w.calls[len(w.calls)-1].at; last != at(time.Minute+20*time.Second) {
		t.Errorf("last wave at %v, want +1m20s", last)
	}
	for _, win := range h.Windows() {
		if win.End != win.Start {
			t.Errorf("permanent fault window %+v is not an instant", win)
		}
	}
}

func TestTraceNamesFaults(t *testing.T) {
	env := sim.New(1, sim.WithTrace())
	defer env.Close()
	h := newHarness(t, env, newFakeWorld(env))
	failure.Plan{Name: "az", Faults: []failure.Injector{failure.At(time.Hour, failure.AZOutage("use1-az1", time.Minute))}}.Start(h)
	env.RunFor(2 * time.Hour)
	var lines []string
	for _, r := range env.Trace().Records() {
		if r.Subject == "failure" {
			lines = append(lines, r.String())
		}
	}
	want := []string{
		`0s failure plan plan="plan az: at 1h0m0s: az-down(use1-az1) for 1m0s"`,
		`0s failure inject injector="at 1h0m0s: az-down(use1-az1) for 1m0s"`,
		`1h0m0s failure fault.apply fault="az-down(use1-az1)" id="0"`,
		`1h1m0s failure fault.revert fault="az-down(use1-az1)" id="0"`,
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("trace:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}

func TestInjectorStrings(t *testing.T) {
	for _, c := range []struct {
		inj  failure.Injector
		want string
	}{
		{failure.At(2*time.Hour, failure.AZOutage("use1-az1", 30*time.Minute)), "at 2h0m0s: az-down(use1-az1) for 30m0s"},
		{failure.HostFailures("h1", 1000*time.Hour, 4*time.Hour), "alternating(host-down(h1), up=Exponential(rate=1)×1000h0m0s, down=Exponential(rate=1)×4h0m0s)"},
		{failure.All(failure.NetworkPartition("use1-az1", "use1-az2", time.Minute), failure.PacketLoss("a", "b", 0.01, time.Second)),
			"all(partition(use1-az1, use1-az2) for 1m0s; loss(a, b, 0.01) for 1s)"},
		{failure.Randomly(0.5, failure.ErrorSpike("s3", "us-east-1", 0.2, time.Minute)), "randomly(0.5, errors(s3, us-east-1, 0.2) for 1m0s)"},
		{failure.During(time.Hour, 2*time.Hour, failure.Recurring(failure.Exp(time.Minute), failure.ThrottleSpike("s3", "us-east-1", 0.5, time.Second))),
			"during [1h0m0s, 2h0m0s): recurring(Exponential(rate=1)×1m0s, throttle(s3, us-east-1, 0.5) for 1s)"},
		{failure.RegionImpairment("us-east-1", time.Hour), "region-impaired(us-east-1) for 1h0m0s"},
		{failure.VolumeFailure("vol-1"), "volume-failure(vol-1)"},
		{failure.SpotStorm("use1-az1", "", 0.2, 2, time.Minute), "spot-storm(spot-reclaim(use1-az1, *, 0.2), waves=2, gap=1m0s)"},
	} {
		if got := c.inj.String(); got != c.want {
			t.Errorf("String() = %q\nwant       %q", got, c.want)
		}
	}
}

func TestHostFailuresAvailability(t *testing.T) {
	// An alternating renewal process is up a fraction MTBF/(MTBF+MTTR) of
	// the time: 0.9 here. One long run, seed 3, tolerance 0.01.
	env := sim.New(3)
	defer env.Close()
	w := newFakeWorld(env)
	h := newHarness(t, env, w)
	rec := failure.NewRecovery(env, "host")
	h.OnChange(func(c failure.Change) {
		if c.Applied {
			rec.Down()
		} else {
			rec.Up()
		}
	})
	h.Start(failure.HostFailures("h1", 9*time.Hour, time.Hour))
	end := at(20000 * time.Hour)
	env.RunUntil(end)
	if a := rec.Availability(0, end); a < 0.89 || a > 0.91 {
		t.Errorf("availability %.4f, want 0.9 ± 0.01 (seed 3)", a)
	}
	r := rec.Report(0, end)
	if r.MeanTimeToRecover < 55*time.Minute || r.MeanTimeToRecover > 65*time.Minute {
		t.Errorf("MTTR %v, want 1h ± 5m over %d incidents (seed 3)", r.MeanTimeToRecover, r.Incidents)
	}
}

func TestOneOfPicksExactlyOne(t *testing.T) {
	counts := map[string]int{}
	for seed := range uint64(300) {
		env := sim.New(seed)
		w := newFakeWorld(env)
		h := newHarness(t, env, w)
		h.Start(failure.OneOf(failure.AZOutage("use1-az1", time.Hour), failure.AZOutage("use1-az2", time.Hour), failure.AZOutage("use1-az4", time.Hour)))
		env.RunUntil(at(time.Minute))
		if len(w.down) != 1 {
			t.Fatalf("seed %d: %v down, want exactly one AZ", seed, w.down)
		}
		for k := range w.down {
			counts[k]++
		}
		env.Close()
	}
	// Each of three AZs about 100 times in 300 seeds; binomial sd ≈ 8.2.
	for k, n := range counts {
		if n < 60 || n > 140 {
			t.Errorf("%s chosen %d times of 300", k, n)
		}
	}
	if len(counts) != 3 {
		t.Errorf("chosen: %v", counts)
	}
}

// TestInjectorsAreDeterministic runs every kind of random injector twice
// at each of several seeds and compares trace hashes (sim.CheckDeterminism):
// no map order, wall clock or global stream may leak into fault timing,
// including the reverts a During scope makes when it stops.
func TestInjectorsAreDeterministic(t *testing.T) {
	var topo failure.Topology
	topo.Add(failure.Region, "r", "")
	for _, az := range []string{"az1", "az2"} {
		topo.Add(failure.AZ, az, "r")
		for _, rack := range []string{"a", "b"} {
			topo.Add(failure.Rack, az+rack, az)
			for _, host := range []string{"1", "2", "3"} {
				topo.Add(failure.Host, az+rack+host, az+rack)
			}
		}
	}
	scenario := func(env *sim.Env) {
		w := newFakeWorld(env)
		h := newHarness(t, env, w)
		h.Start(
			failure.DomainFailures(&topo, failure.Host, 20*time.Hour, time.Hour),
			failure.During(5*time.Hour, 50*time.Hour, failure.All(
				failure.DomainFailures(&topo, failure.Rack, 10*time.Hour, 2*time.Hour),
				failure.Recurring(failure.Exp(3*time.Hour), failure.OneOf(
					failure.ErrorSpike("s3", "r", 0.1, 20*time.Minute),
					failure.ThrottleSpike("s3", "r", 0.3, 10*time.Minute),
					failure.LatencyDegradation("az1", "az2", 4, time.Hour))),
			)),
			failure.Randomly(0.5, failure.At(30*time.Hour, failure.AZOutage("az2", 3*time.Hour))),
		)
		env.RunUntil(sim.Time(100 * time.Hour))
		if err := h.Err(); err != nil {
			t.Error(err)
		}
	}
	hashes := map[string]bool{}
	for seed := range uint64(5) {
		hash, err := sim.CheckDeterminism(seed, scenario)
		if err != nil {
			t.Fatal(err)
		}
		hashes[hash] = true
	}
	if len(hashes) != 5 {
		t.Errorf("5 seeds gave %d distinct traces", len(hashes))
	}
}

// TestRefusedFaultOpensNoIncident: a fault its target refuses (a typo in
// an AZ ID, say) changes nothing, so its window is empty, observers are
// not told, and a watching Recovery opens no incident that could never
// end; Err still reports it. The accepted fault beside it is measured as
// usual.
func TestRefusedFaultOpensNoIncident(t *testing.T) {
	env := sim.New(1)
	defer env.Close()
	w := newFakeWorld(env)
	w.failOn = "bad"
	h := newHarness(t, env, w)
	rec := failure.NewRecovery(env, "svc")
	rec.Watch(h, nil)
	var changes []failure.Change
	h.OnChange(func(c failure.Change) { changes = append(changes, c) })
	h.Start(
		failure.At(time.Minute, failure.AZOutage("bad-az", 10*time.Minute)),
		failure.At(time.Minute, failure.VolumeFailure("vol-bad")),
		failure.At(time.Hour, failure.HostCrash("good", time.Minute)),
	)
	env.RunFor(2 * time.Hour)
	if err := h.Err(); err == nil || !strings.Contains(err.Error(), "bad-az") || !strings.Contains(err.Error(), "vol-bad") {
		t.Errorf("Err = %v", err)
	}
	wins := h.Windows()
	if len(wins) != 3 {
		t.Fatalf("windows %+v", wins)
	}
	for _, win := range wins[:2] {
		if win.Open() || win.End != win.Start {
			t.Errorf("refused fault's window %+v is not empty", win)
		}
	}
	if len(changes) != 2 || changes[0].Fault != "host-down(good)" || !changes[0].Applied || changes[1].Applied {
		t.Errorf("observers saw %+v, want only the good host's apply and revert", changes)
	}
	in := rec.Incidents()
	if len(in) != 1 || in[0].Cause != "host-down(good)" || in[0].Start != at(time.Hour) {
		t.Errorf("incidents %+v, want one for the good host at 1h", in)
	}
}

// TestDurationsPastTheEndOfTime: an offset or duration that would carry
// past sim.MaxTime once the clock has moved used to overflow the instant
// and panic in the kernel; it now never fires.
func TestDurationsPastTheEndOfTime(t *testing.T) {
	env := sim.New(1)
	defer env.Close()
	w := newFakeWorld(env)
	h := newHarness(t, env, w)
	env.RunFor(time.Hour)
	h.Start(
		failure.For(failure.HostDown("forever"), math.MaxInt64),
		failure.At(math.MaxInt64, failure.HostCrash("never", time.Minute)),
	)
	env.RunFor(24 * time.Hour)
	if !h.InForce("host/forever") || !w.down["host/forever"] {
		t.Error("the fault held past the end of time is not in force")
	}
	if w.down["host/never"] {
		t.Error("a fault scheduled past the end of time fired")
	}
	if err := h.Err(); err != nil {
		t.Error(err)
	}
}

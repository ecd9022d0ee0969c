package failure_test

import (
	"fmt"
	"maps"
	"strings"

	"github.com/nimbus-sim/nimbus/failure"
	"github.com/nimbus-sim/nimbus/sim"
)

// fakeWorld implements every target interface over plain maps, keyed like
// the faults' keys, and logs every call with its instant.
type fakeWorld struct {
	env     *sim.Env
	down    map[string]bool
	level   map[string]float64
	calls   []call
	reclaim []string
	volumes []string
	failOn  string // a call whose argument contains this returns an error
}

type call struct {
	at     sim.Time
	method string
	key    string
}

func newFakeWorld(env *sim.Env) *fakeWorld {
	return &fakeWorld{env: env, down: map[string]bool{}, level: map[string]float64{}}
}

func pairKey(a, b string) string {
	if a > b {
		a, b = b, a
	}
	return a + "|" + b
}

func (w *fakeWorld) log(method, key string) error {
	w.calls = append(w.calls, call{w.env.Now(), method, key})
	if w.failOn != "" && strings.Contains(key, w.failOn) {
		return fmt.Errorf("fake: %s(%s) refused", method, key)
	}
	return nil
}

func (w *fakeWorld) setDown(method, key string, v bool) error {
	if err := w.log(method, key); err != nil {
		return err
	}
	if w.down[key] == v {
		return fmt.Errorf("fake: %s(%s): already %v", method, key, v)
	}
	if v {
		w.down[key] = true
	} else {
		delete(w.down, key)
	}
	return nil
}

func (w *fakeWorld) setLevel(method, key string, v float64) error {
	if err := w.log(method, key); err != nil {
		return err
	}
	if v == 0 {
		delete(w.level, key)
	} else {
		w.level[key] = v
	}
	return nil
}

func (w *fakeWorld) FailHost(id string) error    { return w.setDown("FailHost", "host/"+id, true) }
func (w *fakeWorld) RepairHost(id string) error  { return w.setDown("RepairHost", "host/"+id, false) }
func (w *fakeWorld) FailAZ(id string) error      { return w.setDown("FailAZ", "az/"+id, true) }
func (w *fakeWorld) RestoreAZ(id string) error   { return w.setDown("RestoreAZ", "az/"+id, false) }
func (w *fakeWorld) ImpairRegion(r string) error { return w.setDown("ImpairRegion", "region/"+r, true) }
func (w *fakeWorld) RestoreRegion(r string) error {
	return w.setDown("RestoreRegion", "region/"+r, false)
}
func (w *fakeWorld) Partition(a, b string) error {
	return w.setDown("Partition", "partition/"+pairKey(a, b), true)
}
func (w *fakeWorld) Heal(a, b string) error {
	return w.setDown("Heal", "partition/"+pairKey(a, b), false)
}
func (w *fakeWorld) DegradeLatency(a, b string, f float64) error {
	return w.setLevel("DegradeLatency", "latency/"+pairKey(a, b), f)
}
func (w *fakeWorld) RestoreLatency(a, b string) error {
	return w.setLevel("RestoreLatency", "latency/"+pairKey(a, b), 0)
}
func (w *fakeWorld) SetLoss(a, b string, p float64) error {
	return w.setLevel("SetLoss", "loss/"+pairKey(a, b), p)
}
func (w *fakeWorld) SetErrorRate(s, r string, p float64) error {
	return w.setLevel("SetErrorRate", "errors/"+s+"/"+r, p)
}
func (w *fakeWorld) SetThrottleRate(s, r string, p float64) error {
	return w.setLevel("SetThrottleRate", "throttle/"+s+"/"+r, p)
}
func (w *fakeWorld) FailVolume(id string) error {
	w.volumes = append(w.volumes, id)
	return w.log("FailVolume", "volume/"+id)
}
func (w *fakeWorld) ReclaimSpot(az, typ string, f float64) error {
	w.reclaim = append(w.reclaim, fmt.Sprintf("%s/%s/%g", az, typ, f))
	return w.log("ReclaimSpot", "spot/"+az)
}

// snapshot returns a copy of the state.
func (w *fakeWorld) snapshot() (map[string]bool, map[string]float64) {
	return maps.Clone(w.down), maps.Clone(w.level)
}

// newHarness is failure.NewHarness for tests: a refused target fails the
// test (or benchmark) at once.
func newHarness(t interface {
	Helper()
	Fatal(...any)
}, env *sim.Env, targets ...any) *failure.Harness {
	t.Helper()
	h, err := failure.NewHarness(env, targets...)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// mustHarness is failure.NewHarness for code outside a test function
// (a study's replication); a refused target is a bug of the test.
func mustHarness(env *sim.Env, targets ...any) *failure.Harness {
	h, err := failure.NewHarness(env, targets...)
	if err != nil {
		panic(err)
	}
	return h
}

package sim

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/gonum/stat/distuv"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// goldenStreams are pinned so that any change in how streams are derived or
// drawn shows up as a diff (the practice of math/rand/v2's regress_test).
var goldenStreams = []string{"arrivals", "service", "ec2/spot/use1-az1", "s3/us-east-1/errors", ""}

func streamDraws(seed uint64) string {
	env := New(seed)
	defer env.Close()
	var b strings.Builder
	for _, name := range goldenStreams {
		r := env.Rand(name)
		fmt.Fprintf(&b, "seed=%d stream=%q", seed, name)
		for range 4 {
			fmt.Fprintf(&b, " %016x", r.Uint64())
		}
		fmt.Fprintf(&b, " exp=%.17g\n", r.ExpFloat64())
	}
	return b.String()
}

func TestStreamsGolden(t *testing.T) {
	got := streamDraws(1) + streamDraws(42)
	path := filepath.Join("testdata", "streams.golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./sim -run TestStreamsGolden -update to create it)", err)
	}
	if got != string(want) {
		t.Fatalf("named streams changed; if intended, rerun with -update and review the diff\ngot:\n%s\nwant:\n%s", got, want)
	}
}

// TestNewStreamLeavesOthersUnchanged: adding a stream, and drawing from it,
// does not change what an existing stream draws.
func TestNewStreamLeavesOthersUnchanged(t *testing.T) {
	draw := func(extra bool) []uint64 {
		env := New(9)
		defer env.Close()
		a := env.Rand("a")
		var out []uint64
		for i := range 100 {
			out = append(out, a.Uint64())
			if extra && i%7 == 0 {
				env.Rand(fmt.Sprint("new-", i)).Uint64()
			}
		}
		return out
	}
	if fmt.Sprint(draw(false)) != fmt.Sprint(draw(true)) {
		t.Fatal("adding streams perturbed stream a")
	}
	// Distinct names and distinct seeds give distinct streams.
	env1, env2 := New(1), New(2)
	if env1.Rand("x").Uint64() == env1.Rand("y").Uint64() || env1.Rand("z").Uint64() == env2.Rand("z").Uint64() {
		t.Fatal("streams collide")
	}
}

func queueScenario(env *Env) {
	servers := NewResource(env, "servers", 3)
	arr, svc := env.Rand("arrivals"), env.Rand("service")
	env.Go("source", func(p *Proc) {
		for i := range 2000 {
			p.Sleep(Exp(arr, 400*time.Millisecond))
			env.Go(fmt.Sprint("customer-", i), func(q *Proc) {
				servers.Acquire(q)
				q.Sleep(Exp(svc, time.Second))
				servers.Release()
				env.Emit(q.Name(), "served", F("wait", q.Now()))
			})
		}
	})
	env.Run()
}

func TestSameSeedSameTraceHash(t *testing.T) {
	h1, err := CheckDeterminism(5, queueScenario)
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := CheckDeterminism(6, queueScenario)
	if h1 == h2 {
		t.Fatal("different seeds gave the same trace hash: the hash does not see the draws")
	}
}

func TestCheckDeterminismCatchesNondeterminism(t *testing.T) {
	calls := 0
	_, err := CheckDeterminism(1, func(env *Env) {
		calls++ // state outside the Env leaks into the run
		env.After(time.Duration(calls), func() {})
		env.Run()
	})
	if err == nil || !strings.Contains(err.Error(), "seed 1") {
		t.Fatalf("err = %v", err)
	}
}

func TestChromeTraceExport(t *testing.T) {
	env := New(3, WithTrace())
	defer env.Close()
	env.Go("worker", func(p *Proc) {
		p.Sleep(2 * time.Second)
		env.Emit("worker", "checkpoint", F("bytes", 1024))
	})
	env.Run()
	var buf bytes.Buffer
	if err := env.Trace().WriteChromeJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		TraceEvents []struct {
			Name string            `json:"name"`
			Ph   string            `json:"ph"`
			Ts   float64           `json:"ts"`
			Dur  float64           `json:"dur"`
			Args map[string]string `json:"args"`
		} `json:"traceEvents"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, buf.String())
	}
	var span, mark bool
	for _, e := range doc.TraceEvents {
		if e.Ph == "X" && e.Name == "worker" && e.Dur == 2e6 {
			span = true
		}
		if e.Ph == "i" && e.Name == "checkpoint" && e.Ts == 2e6 && e.Args["bytes"] == "1024" {
			mark = true
		}
	}
	if !span || !mark {
		t.Fatalf("span=%v mark=%v in %s", span, mark, buf.String())
	}
	var text bytes.Buffer
	env.Trace().WriteText(&text)
	if !strings.Contains(text.String(), `2s worker checkpoint bytes="1024"`) {
		t.Fatalf("text trace:\n%s", text.String())
	}
}

// TestDistuvFromNamedStream: gonum distributions draw from a named stream
// and are as reproducible as the stream itself.
func TestDistuvFromNamedStream(t *testing.T) {
	draw := func() []float64 {
		env := New(11)
		defer env.Close()
		w := distuv.Weibull{K: 1.5, Lambda: 3, Src: env.Source("failure/host")}
		return []float64{w.Rand(), w.Rand(), w.Rand()}
	}
	a, b := draw(), draw()
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Fatalf("draws differ: %v vs %v", a, b)
	}
	// The mean of many draws is near the distribution's mean (tolerance 3%, seed 11).
	env := New(11)
	defer env.Close()
	e := distuv.Exponential{Rate: 0.5, Src: env.Source("arrivals")}
	sum := 0.0
	for range 100000 {
		sum += e.Rand()
	}
	if m := sum / 100000; m < 1.94 || m > 2.06 {
		t.Fatalf("mean %v, want 2 ± 3%%", m)
	}
}

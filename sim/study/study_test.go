package study_test

import (
	"bytes"
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/gonum/stat"

	"github.com/nimbus-sim/nimbus/sim"
	"github.com/nimbus-sim/nimbus/sim/study"
)

// mm1 is the reference scenario: an M/M/1 queue (λ from the point, μ = 1)
// serving customers, reporting the mean wait and the number served.
func mm1(customers int) func(rep *study.Rep) study.Result {
	return func(rep *study.Rep) study.Result {
		env := rep.Env
		lam := 0.5
		if v, ok := rep.Point.Get("lambda"); ok {
			lam = v
		}
		srv := sim.NewResource(env, "server", 1)
		arr, svc := env.Rand("arrivals"), env.Rand("service")
		var wait time.Duration
		served := 0
		env.Go("source", func(p *sim.Proc) {
			for range customers {
				p.Sleep(sim.Exp(arr, time.Duration(float64(time.Second)/lam)))
				env.Go("customer", func(c *sim.Proc) {
					t0 := c.Now()
					srv.Acquire(c)
					wait += c.Now().Sub(t0)
					c.Sleep(sim.Exp(svc, time.Second))
					srv.Release()
					served++
				})
			}
		})
		env.Run()
		return study.Result{"wait_s": wait.Seconds() / float64(served), "served": float64(served), "end_s": env.Now().Seconds()}
	}
}

func sweepConfig() study.Config {
	return study.Config{
		Name:   "mm1",
		Seed:   42,
		Reps:   10,
		Points: study.Grid(study.Axis{Name: "lambda", Values: []float64{0.3, 0.5, 0.8}}),
	}
}

func outputs(t *testing.T, res *study.Results) (rowsJSONL, rowsCSV, sumCSV, sumJSON string) {
	t.Helper()
	var a, b, c, d bytes.Buffer
	for _, err := range []error{res.WriteRows(&a, study.JSONL), res.WriteRows(&b, study.CSV),
		res.WriteSummaries(&c, study.CSV, 0.95), res.WriteSummaries(&d, study.JSON, 0.95)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return a.String(), b.String(), c.String(), d.String()
}

// TestBitIdenticalWorkersAndShards: 1 worker, 2 workers, and 3 shards
// written to files (JSONL for two, CSV for one), read back and merged,
// give byte-identical row and summary files.
func TestBitIdenticalWorkersAndShards(t *testing.T) {
	ctx := context.Background()
	fn := mm1(200)
	var outs [][4]string
	for _, workers := range []int{1, 2} {
		cfg := sweepConfig()
		cfg.Workers = workers
		res, err := study.Run(ctx, cfg, fn)
		if err != nil {
			t.Fatal(err)
		}
		a, b, c, d := outputs(t, res)
		outs = append(outs, [4]string{a, b, c, d})
	}
	var parts []*study.Results
	for k := range 3 {
		cfg := sweepConfig()
		cfg.Shard = study.Shard{Index: k, Count: 3}
		cfg.Workers = 1 + k%2
		res, err := study.Run(ctx, cfg, fn)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		format := study.JSONL
		if k == 1 {
			format = study.CSV
		}
		if err := res.WriteRows(&buf, format); err != nil {
			t.Fatal(err)
		}
		back, err := study.ReadRows(&buf)
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, back)
	}
	// Merge order must not matter either.
	merged, err := study.Merge(parts[2], parts[0], parts[1])
	if err != nil {
		t.Fatal(err)
	}
	a, b, c, d := outputs(t, merged)
	outs = append(outs, [4]string{a, b, c, d})
	names := []string{"rows.jsonl", "rows.csv", "summary.csv", "summary.json"}
	for i := 1; i < len(outs); i++ {
		for f := range names {
			if outs[i][f] != outs[0][f] {
				t.Errorf("%s differs between run 0 and run %d:\n%s\n---\n%s", names[f], i, outs[0][f], outs[i][f])
			}
		}
	}
	if !strings.Contains(outs[0][2], "wait_s") || strings.Count(outs[0][2], "\n") != 1+3*3 {
		t.Errorf("summary.csv looks wrong:\n%s", outs[0][2])
	}
}

func TestRowsCarryIndexAndSeed(t *testing.T) {
	cfg := sweepConfig()
	res, err := study.Run(context.Background(), cfg, func(rep *study.Rep) study.Result {
		return study.Result{"seed_lo": float64(rep.Env.Seed() & 0xffff)}
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, row := range res.Rows {
		if row.Point != i/cfg.Reps || row.Rep != i%cfg.Reps {
			t.Fatalf("row %d is point %d rep %d", i, row.Point, row.Rep)
		}
		if row.Seed != sim.DeriveSeed(cfg.Seed, uint64(row.Rep)) || float64(row.Seed&0xffff) != row.Metrics["seed_lo"] {
			t.Fatalf("row %d: seed %d does not match its Env's", i, row.Seed)
		}
	}
}

func TestReplayReproducesARow(t *testing.T) {
	cfg := sweepConfig()
	fn := mm1(100)
	res, err := study.Run(context.Background(), cfg, fn)
	if err != nil {
		t.Fatal(err)
	}
	want := res.Rows[2*cfg.Reps+7]
	row, tr, err := study.Replay(cfg, 2, 7, fn)
	if err != nil {
		t.Fatal(err)
	}
	if row.Seed != want.Seed || row.Metrics["wait_s"] != want.Metrics["wait_s"] || row.Metrics["end_s"] != want.Metrics["end_s"] {
		t.Errorf("replayed row %+v, study row %+v", row, want)
	}
	if tr == nil || len(tr.Records()) < 100 {
		t.Fatalf("replay trace has %d records", len(tr.Records()))
	}
	var buf bytes.Buffer
	if err := tr.WriteChromeJSON(&buf); err != nil || !strings.Contains(buf.String(), "traceEvents") {
		t.Errorf("chrome export: %v", err)
	}
	if _, _, err := study.Replay(cfg, 3, 0, fn); err == nil {
		t.Error("replay of a point outside the sweep succeeded")
	}
}

func TestPanickingReplicationBecomesAnErrorRow(t *testing.T) {
	cfg := study.Config{Seed: 1, Reps: 6, Workers: 2}
	res, err := study.Run(context.Background(), cfg, func(rep *study.Rep) study.Result {
		if rep.Index == 4 {
			panic("scenario bug: negative queue length")
		}
		return study.Result{"x": float64(rep.Index)}
	})
	if err != nil {
		t.Fatal(err)
	}
	row := res.Rows[4]
	if !strings.Contains(row.Err, "panic: scenario bug: negative queue length") || !strings.Contains(row.Err, "study.Replay(cfg, 0, 4, fn)") {
		t.Errorf("error row: %q", row.Err)
	}
	s := res.Summary(0, "x", 0.95)
	if s.N != 5 || s.Mean != (0+1+2+3+5)/5.0 {
		t.Errorf("summary over the other rows: n=%d mean=%v", s.N, s.Mean)
	}
	if ss := res.Summaries(0.95); ss[0].Errors != 1 {
		t.Errorf("summary errors = %d", ss[0].Errors)
	}
	// Error rows survive both file formats.
	for _, f := range []study.Format{study.JSONL, study.CSV} {
		var buf bytes.Buffer
		res.WriteRows(&buf, f)
		back, err := study.ReadRows(&buf)
		if err != nil {
			t.Fatal(err)
		}
		if back.Rows[4].Err != row.Err {
			t.Errorf("%s: error lost: %q", f, back.Rows[4].Err)
		}
	}
}

func TestProgress(t *testing.T) {
	cfg := study.Config{Seed: 1, Reps: 25, Workers: 3}
	var got []study.Progress
	cfg.Progress = func(p study.Progress) { got = append(got, p) }
	if _, err := study.Run(context.Background(), cfg, mm1(10)); err != nil {
		t.Fatal(err)
	}
	if len(got) != 25 {
		t.Fatalf("%d progress calls, want 25", len(got))
	}
	for i, p := range got {
		if p.Done != i+1 || p.Total != 25 || p.ETA < 0 {
			t.Fatalf("progress %d: %+v", i, p)
		}
	}
	if got[24].ETA != 0 {
		t.Errorf("ETA at the end %v, want 0", got[24].ETA)
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cfg := study.Config{Seed: 1, Reps: 1000, Workers: 2}
	n := 0
	cfg.Progress = func(p study.Progress) {
		if n++; n == 10 {
			cancel()
		}
	}
	_, err := study.Run(ctx, cfg, mm1(10))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if n >= 1000 {
		t.Errorf("ran all %d replications despite cancellation", n)
	}
}

func TestNonFiniteMetricsRoundTrip(t *testing.T) {
	cfg := study.Config{Seed: 1, Reps: 3}
	res, err := study.Run(context.Background(), cfg, func(rep *study.Rep) study.Result {
		return study.Result{"nan": math.NaN(), "inf": math.Inf(1 - 2*(rep.Index%2)), "tiny": 5e-324, "third": 1.0 / 3}
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []study.Format{study.JSONL, study.CSV} {
		var buf bytes.Buffer
		if err := res.WriteRows(&buf, f); err != nil {
			t.Fatal(err)
		}
		back, err := study.ReadRows(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatalf("%s: %v\n%s", f, err, buf.String())
		}
		for i, row := range back.Rows {
			orig := res.Rows[i]
			for k, v := range orig.Metrics {
				w := row.Metrics[k]
				if math.Float64bits(v) != math.Float64bits(w) && !(math.IsNaN(v) && math.IsNaN(w)) {
					t.Errorf("%s row %d %s: %v read back as %v", f, i, k, v, w)
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := res.WriteSummaries(&buf, study.JSON, 0.95); err != nil || !strings.Contains(buf.String(), `"mean":"NaN"`) {
		t.Errorf("JSON summary with NaN: %v\n%s", err, buf.String())
	}
}

func TestMergeRejectsIncompleteOrForeignShards(t *testing.T) {
	ctx := context.Background()
	run := func(seed uint64, k, n int) *study.Results {
		cfg := study.Config{Seed: seed, Reps: 7, Shard: study.Shard{Index: k, Count: n}}
		r, err := study.Run(ctx, cfg, mm1(5))
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	cases := []struct {
		name  string
		parts []*study.Results
		want  string
	}{
		{"missing", []*study.Results{run(1, 0, 3), run(1, 2, 3)}, "shard 1/3 is missing"},
		{"twice", []*study.Results{run(1, 0, 2), run(1, 0, 2), run(1, 1, 2)}, "given twice"},
		{"foreign", []*study.Results{run(1, 0, 2), run(2, 1, 2)}, "another study"},
		{"counts", []*study.Results{run(1, 0, 2), run(1, 1, 3)}, "does not match shard count"},
		{"none", nil, "no shards"},
		// A hand-built part whose shard index is past its count used to
		// index out of range.
		{"bad shard", []*study.Results{run(1, 0, 2), {Meta: study.Meta{Seed: 1, Reps: 7, Shard: study.Shard{Index: 3, Count: 2}}}}, "need 0 <= index < count"},
	}
	for _, c := range cases {
		if _, err := study.Merge(c.parts...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", c.name, err, c.want)
		}
	}
	// A truncated shard file is rejected when read.
	var buf bytes.Buffer
	run(1, 1, 2).WriteRows(&buf, study.JSONL)
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if _, err := study.ReadRows(strings.NewReader(strings.Join(lines[:len(lines)-1], "\n"))); err == nil || !strings.Contains(err.Error(), "has 2 rows, want 3") {
		t.Errorf("truncated shard: err = %v", err)
	}
}

// TestSummarizeMatchesGonum compares moments and quantiles with gonum's
// stat package, and checks the coverage of the 95% Student-t interval:
// over 4,000 samples of 8 normal values (seed 11) the CI must cover the
// true mean 95% ± 1.5% of the time.
func TestSummarizeMatchesGonum(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 0))
	xs := make([]float64, 101)
	for i := range xs {
		xs[i] = r.ExpFloat64()
	}
	s := study.Summarize(xs, 0.95)
	m, sd := stat.MeanStdDev(xs, nil)
	if math.Abs(s.Mean-m) > 1e-12 || math.Abs(s.StdDev-sd) > 1e-12 {
		t.Errorf("mean/std %v %v, gonum %v %v", s.Mean, s.StdDev, m, sd)
	}
	if s.P50 == 0 || s.Min > s.P50 || s.P50 > s.P90 || s.P90 > s.P99 || s.P99 > s.Max {
		t.Errorf("quantiles out of order: %+v", s)
	}
	covered := 0
	const trials = 4000
	for range trials {
		ys := make([]float64, 8)
		for i := range ys {
			ys[i] = 10 + 3*r.NormFloat64()
		}
		if c := study.Summarize(ys, 0.95); c.CILow <= 10 && 10 <= c.CIHigh {
			covered++
		}
	}
	if f := float64(covered) / trials; f < 0.935 || f > 0.965 {
		t.Errorf("95%% CI covered the mean %.4f of the time (seed 11)", f)
	}
	one := study.Summarize([]float64{3}, 0.95)
	if one.Mean != 3 || !math.IsNaN(one.CILow) {
		t.Errorf("one value: %+v", one)
	}
}

func TestConfigErrors(t *testing.T) {
	fn := func(*study.Rep) study.Result { return nil }
	for _, c := range []struct {
		cfg  study.Config
		want string
	}{
		{study.Config{Reps: 0}, "Reps = 0"},
		{study.Config{Reps: 1, Shard: study.Shard{Index: 3, Count: 3}}, "shard 3/3"},
		{study.Config{Reps: 1, Workers: -1}, "Workers"},
		{study.Config{Reps: 1, Points: []study.Point{study.Pt("a", math.NaN())}}, `parameter "a" is NaN`},
		{study.Config{Reps: 1, Points: []study.Point{study.Pt("a", 1, "a", 2)}}, "repeated"},
		{study.Config{Reps: 1, RowFile: "rows.CSV"}, "name it .jsonl"},
	} {
		if _, err := study.Run(context.Background(), c.cfg, fn); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: err = %v, want %q", c.cfg, err, c.want)
		}
	}
	_, err := study.Run(context.Background(), study.Config{Reps: 1, Points: []study.Point{study.Pt("x", 1)}},
		func(*study.Rep) study.Result { return study.Result{"x": 1} })
	if err == nil || !strings.Contains(err.Error(), "collides") {
		t.Errorf("metric named like a parameter: err = %v", err)
	}
}

func TestGrid(t *testing.T) {
	g := study.Grid(study.Axis{Name: "c", Values: []float64{1, 2}}, study.Axis{Name: "rho", Values: []float64{0.5, 0.9}})
	var got []string
	for _, p := range g {
		got = append(got, p.String())
	}
	if s := strings.Join(got, "; "); s != "c=1 rho=0.5; c=1 rho=0.9; c=2 rho=0.5; c=2 rho=0.9" {
		t.Errorf("grid %s", s)
	}
}

// TestBadConfidenceLevel: the functions that return an error reject a
// level outside (0, 1) instead of panicking, and a zero level means 0.95
// everywhere, Summarize included (it used to give a zero-width interval).
func TestBadConfidenceLevel(t *testing.T) {
	res, err := study.Run(context.Background(), sweepConfig(), mm1(50))
	if err != nil {
		t.Fatal(err)
	}
	for _, level := range []float64{-0.5, 1, 1.5, math.NaN()} {
		var buf bytes.Buffer
		for _, f := range []study.Format{study.CSV, study.JSON} {
			if err := res.WriteSummaries(&buf, f, level); err == nil || !strings.Contains(err.Error(), "level") {
				t.Errorf("WriteSummaries(%s, level %v): %v", f, level, err)
			}
		}
	}
	xs := res.Values(0, "wait_s")
	if a, b := study.Summarize(xs, 0), study.Summarize(xs, 0.95); a.CILow != b.CILow || a.CIHigh != b.CIHigh || !(a.CIHigh > a.CILow) {
		t.Errorf("Summarize at level 0 gives [%v, %v], at 0.95 [%v, %v]", a.CILow, a.CIHigh, b.CILow, b.CIHigh)
	}
}

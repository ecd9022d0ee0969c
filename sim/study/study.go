package study

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nimbus-sim/nimbus/sim"
)

// maxJobs bounds points × replications (2^40, about 10^12).
const maxJobs = 1 << 40

// Config describes a study: which replications to run and how.
type Config struct {
	// Name labels the study in its output files.
	Name string
	// Version names whatever else decides the rows besides the seed, the
	// points and the replication count: the scenario's code and its fixed
	// inputs (e.g. "mmc/2 customers=10000"). It is recorded in the row
	// files, and resuming a row file of another version is refused.
	Version string
	// Seed is the study seed; replication i of every point runs in an Env
	// seeded with sim.DeriveSeed(Seed, i).
	Seed uint64
	// Reps is the number of replications per sweep point (at least 1).
	Reps int
	// Points are the sweep points; nil means a single point without
	// parameters.
	Points []Point
	// Workers is the number of goroutines running replications; 0 means
	// GOMAXPROCS. It never changes the results.
	Workers int
	// Shard selects the part of the study this process runs; the zero
	// Shard runs everything.
	Shard Shard
	// Progress, if set, is called from the goroutine that called Run after
	// every finished replication.
	Progress func(Progress)
	// EnvOptions are passed to sim.New for every replication.
	EnvOptions []sim.Option
	// RowFile, if set, is a JSON Lines file that Run writes the rows to as
	// they finish, in order, so that a study killed part-way can resume:
	// see Resuming in the package documentation. The finished file is
	// byte-identical to WriteRows(JSONL) of an uninterrupted run.
	RowFile string

	// writeRow writes one row's line to the row file; tests replace it to
	// die part-way through a write.
	writeRow func(f *os.File, i int, line []byte) (int, error)
}

// Rep is one replication: its own Env, its sweep point, its index and seed.
type Rep struct {
	// Env is the replication's world; Run closes it when the function
	// returns.
	Env *sim.Env
	// Point is the sweep point and PointIndex its position in Config.Points.
	Point      Point
	PointIndex int
	// Index is the replication's index within its point, Seed its Env's seed.
	Index int
	Seed  uint64

	note string
	errs []string
}

// SetNote attaches a line of text to the replication's row, such as the
// fault plan drawn from its seed (failure.DrawPlan), so that it is printed
// with the results.
func (r *Rep) SetNote(s string) { r.note = s }

// Fail marks the replication as failed with err, such as the errors a
// fault harness met while injecting (failure.Harness.Err): its row keeps
// no metrics, its Err names err, the replication's seed and the Replay
// call that reruns it, and summaries count it under Errors. A nil err is
// ignored, so a scenario may end with rep.Fail(h.Err()); calling Fail
// again adds to the errors.
func (r *Rep) Fail(err error) {
	if err != nil {
		r.errs = append(r.errs, err.Error())
	}
}

// Param returns the value of the named parameter of the replication's
// point. Asking for a parameter the point lacks panics: it is a bug in the
// study, not an outcome.
func (r *Rep) Param(name string) float64 {
	v, ok := r.Point.Get(name)
	if !ok {
		panic(fmt.Sprintf("study: point %v has no parameter %q", r.Point, name))
	}
	return v
}

// Result is what a replication reports: named metrics.
type Result map[string]float64

// Row is one replication's outcome. Rows carry their point, replication
// index and seed, so any row can be rerun alone with Replay.
type Row struct {
	Point   int
	Rep     int
	Seed    uint64
	Metrics Result
	// Note is the text the replication attached with SetNote.
	Note string
	// Err is set if the replication panicked or called Rep.Fail; its
	// metrics are then empty and summaries skip it.
	Err string
}

// Results are the rows of a study (or of one shard of it), sorted by
// point and replication index, with the study's description.
type Results struct {
	Meta Meta
	Rows []Row
}

// Meta describes the study that produced a set of rows.
type Meta struct {
	Name    string  `json:"name,omitempty"`
	Version string  `json:"version,omitempty"`
	Seed    uint64  `json:"seed"`
	Reps    int     `json:"reps"`
	Points  []Point `json:"points"`
	Shard   Shard   `json:"shard"`
}

// Progress reports how far a Run has got. Done counts the replications
// finished out of Total, the Resumed of them found in the row file
// included; Elapsed is the wall-clock time this Run has taken, and ETA
// extrapolates this Run's own rate (resumed work took no time here) to
// the replications left. Both are for reporting only.
type Progress struct {
	Done, Total, Resumed int
	Elapsed, ETA         time.Duration
}

// SeedOf returns the seed of replication index rep in a study seeded with
// seed. Every point uses the same seeds (common random numbers), so
// sweep points are compared on the same random draws and differences
// between them are sharper than independent runs would give.
func SeedOf(seed uint64, rep int) uint64 { return sim.DeriveSeed(seed, uint64(rep)) }

func (cfg *Config) points() []Point {
	if len(cfg.Points) == 0 {
		return []Point{{}}
	}
	return cfg.Points
}

func (cfg *Config) validate() error {
	if cfg.Reps < 1 {
		return fmt.Errorf("study: Reps = %d, need at least 1", cfg.Reps)
	}
	if cfg.Reps > maxJobs/max(1, len(cfg.Points)) {
		return fmt.Errorf("study: %d points × %d replications is too many", len(cfg.Points), cfg.Reps)
	}
	if cfg.Workers < 0 {
		return fmt.Errorf("study: Workers = %d is negative", cfg.Workers)
	}
	if err := cfg.Shard.validate(); err != nil {
		return err
	}
	if strings.EqualFold(filepath.Ext(cfg.RowFile), ".csv") {
		// A CSV header lists every metric, so CSV cannot be appended to
		// row by row; a .csv name holding JSON Lines would mislead.
		return fmt.Errorf("study: RowFile %q: row files are written as JSON Lines; name it .jsonl", cfg.RowFile)
	}
	for i, p := range cfg.Points {
		if err := p.validate(); err != nil {
			return fmt.Errorf("study: point %d: %w", i, err)
		}
	}
	return nil
}

// Run runs the study's replications (those of cfg.Shard) on a pool of
// workers, each replication in its own Env, and returns the rows sorted
// by point and index. The rows, and everything computed from them, are
// the same whatever the number of workers. A replication that panics or
// calls Rep.Fail yields a row with Err set instead of stopping the study.
// If ctx is cancelled Run stops handing out replications and returns
// ctx's error. With cfg.RowFile set, the rows go to that file as they
// finish, and a rerun resumes from what it holds. The replications'
// Envs share their processes' coroutines (sim.WithPooledCoroutines), so fn
// must not lock its goroutine to its OS thread.
func Run(ctx context.Context, cfg Config, fn func(rep *Rep) Result) (*Results, error) {
	if fn == nil {
		panic("study: Run: fn is nil")
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	points := cfg.points()
	meta := cfg.meta()
	shard := meta.Shard
	total := len(points) * cfg.Reps
	var jobs []int
	for j := shard.Index; j < total; j += shard.Count {
		jobs = append(jobs, j)
	}
	rows := make([]Row, len(jobs))
	resumed := 0
	var out *rowFile
	if cfg.RowFile != "" {
		var err error
		if out, resumed, err = openRowFile(cfg.RowFile, meta, rows); err != nil {
			return nil, err
		}
		defer out.close()
		if cfg.writeRow != nil {
			out.writeRow = cfg.writeRow
		}
	}
	params := meta.paramSet()
	for i := range rows[:resumed] {
		if err := checkRow(&rows[i], params); err != nil {
			return nil, fmt.Errorf("study: %s: %w", cfg.RowFile, err)
		}
	}
	workCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := cmp.Or(cfg.Workers, runtime.GOMAXPROCS(0))
	workers = max(1, min(workers, len(jobs)-resumed))

	// Workers take jobs in order and report each finished one by its
	// position; this goroutine writes the rows out in order, so the file
	// is always a prefix of the finished one.
	next := atomic.Int64{}
	next.Store(int64(resumed))
	done := make(chan int, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for workCtx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= len(jobs) {
					return
				}
				j := jobs[i]
				rows[i] = runOne(&cfg, points, j/cfg.Reps, j%cfg.Reps, fn, nil, true)
				done <- i
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()

	start := time.Now() // wall time for the progress report only
	report := func(n int) {
		if cfg.Progress == nil {
			return
		}
		el := time.Since(start)
		var eta time.Duration
		if n > resumed {
			eta = time.Duration(float64(el) / float64(n-resumed) * float64(len(jobs)-n))
		}
		cfg.Progress(Progress{Done: n, Total: len(jobs), Resumed: resumed, Elapsed: el, ETA: eta})
	}
	if resumed > 0 {
		report(resumed)
	}
	n := resumed
	ready := make([]bool, len(jobs))
	written := resumed
	var werr error
	for i := range done {
		n++
		ready[i] = true
		for werr == nil && written < len(jobs) && ready[written] {
			if werr = checkRow(&rows[written], params); werr == nil && out != nil {
				werr = out.write(written, rows[written])
			}
			if werr != nil {
				cancel() // stop the workers; the file keeps the rows before this one
				break
			}
			written++
		}
		report(n)
	}
	if werr != nil {
		return nil, werr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if out != nil {
		if err := out.finish(); err != nil {
			return nil, err
		}
	}
	return &Results{Meta: meta, Rows: rows}, nil
}

func (cfg *Config) meta() Meta {
	return Meta{Name: cfg.Name, Version: cfg.Version, Seed: cfg.Seed, Reps: cfg.Reps, Points: slices.Clone(cfg.Points), Shard: cfg.Shard.norm()}
}

// runOne runs replication rep of point pi. trace, if non-nil, receives the
// Env's trace. pooled runs it with sim.WithPooledCoroutines: Run's
// workers are goroutines of its own, not locked to a thread, that run one
// replication after another.
func runOne(cfg *Config, points []Point, pi, rep int, fn func(*Rep) Result, trace **sim.Trace, pooled bool) (row Row) {
	seed := SeedOf(cfg.Seed, rep)
	row = Row{Point: pi, Rep: rep, Seed: seed}
	opts := cfg.EnvOptions
	if trace != nil || pooled {
		opts = slices.Clone(opts)
	}
	if trace != nil {
		opts = append(opts, sim.WithTrace())
	}
	if pooled {
		opts = append(opts, sim.WithPooledCoroutines())
	}
	env := sim.New(seed, opts...)
	defer env.Close()
	if trace != nil {
		*trace = env.Trace()
	}
	defer func() {
		if r := recover(); r != nil {
			row.Metrics = nil
			row.Err = fmt.Sprintf("panic: %v (rerun with study.Replay(cfg, %d, %d, fn), seed %d)", r, pi, rep, seed)
		}
	}()
	r := &Rep{Env: env, Point: points[pi], PointIndex: pi, Index: rep, Seed: seed}
	defer func() { row.Note = r.note }()
	m := fn(r)
	if len(r.errs) > 0 {
		row.Err = fmt.Sprintf("failed: %s (rerun with study.Replay(cfg, %d, %d, fn), seed %d)", strings.Join(r.errs, "; "), pi, rep, seed)
		return row
	}
	row.Metrics = make(Result, len(m))
	for k, v := range m {
		row.Metrics[k] = v
	}
	return row
}

// reserved column names of the row files.
var reserved = []string{"point", "rep", "seed", "note", "error"}

// paramSet returns the names of the study's parameters.
func (m *Meta) paramSet() map[string]bool {
	params := map[string]bool{}
	for _, p := range m.Points {
		for _, kv := range p {
			params[kv.Name] = true
		}
	}
	return params
}

// checkRow validates a row's metric names against parameter and column
// names.
func checkRow(row *Row, params map[string]bool) error {
	for m := range row.Metrics {
		if m == "" {
			return errors.New("study: a replication returned a metric with an empty name")
		}
		if params[m] || slices.Contains(reserved, m) {
			return fmt.Errorf("study: metric name %q collides with a parameter or column name", m)
		}
	}
	return nil
}

// check validates metric names against parameter and column names.
func (r *Results) check() error {
	params := r.Meta.paramSet()
	for i := range r.Rows {
		if err := checkRow(&r.Rows[i], params); err != nil {
			return err
		}
	}
	return nil
}

// Metrics returns the names of all metrics in the rows, sorted.
func (r *Results) Metrics() []string {
	seen := map[string]bool{}
	var names []string
	for _, row := range r.Rows {
		for k := range row.Metrics {
			if !seen[k] {
				seen[k] = true
				names = append(names, k)
			}
		}
	}
	slices.Sort(names)
	return names
}

// Values returns metric's values at point pi, in replication order,
// skipping rows that lack it.
func (r *Results) Values(pi int, metric string) []float64 {
	var xs []float64
	for _, row := range r.Rows {
		if row.Point != pi || row.Err != "" {
			continue
		}
		if v, ok := row.Metrics[metric]; ok {
			xs = append(xs, v)
		}
	}
	return xs
}

// Replay reruns replication rep of point pi of the study cfg, alone and
// with tracing on, so an outlier row can be opened as a timeline
// (Trace.WriteChromeJSON). The row it returns equals the study's row.
func Replay(cfg Config, pi, rep int, fn func(rep *Rep) Result) (Row, *sim.Trace, error) {
	if fn == nil {
		panic("study: Replay: fn is nil")
	}
	if err := cfg.validate(); err != nil {
		return Row{}, nil, err
	}
	points := cfg.points()
	if pi < 0 || pi >= len(points) || rep < 0 || rep >= cfg.Reps {
		return Row{}, nil, fmt.Errorf("study: Replay: point %d, replication %d outside %d points × %d replications", pi, rep, len(points), cfg.Reps)
	}
	var tr *sim.Trace
	row := runOne(&cfg, points, pi, rep, fn, &tr, false)
	return row, tr, nil
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

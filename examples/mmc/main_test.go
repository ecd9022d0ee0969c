package main

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nimbus-sim/nimbus/sim/study"
)

func TestErlangCReferenceValues(t *testing.T) {
	// Erlang C values for mu = 1 (Kleinrock 1975).
	for _, c := range []struct {
		c      int
		lambda float64
		wq     float64
	}{{1, 0.5, 1.0}, {1, 0.9, 9.0}, {2, 1.8, 4.263158}, {4, 3.2, 0.745541}, {10, 9.0, 0.668732}, {16, 12.0, 0.051143}} {
		if got := erlangCWait(c.c, c.lambda); math.Abs(got-c.wq) > 1e-6 {
			t.Errorf("Wq(c=%d, lambda=%v) = %.6f, want %.6f", c.c, c.lambda, got, c.wq)
		}
	}
}

// TestSweepMatchesErlangC runs the example's default study (seed 1, 30
// replications of 10,000 customers per point) and checks that Erlang C's
// mean wait lies inside the 95% CI at every point.
func TestSweepMatchesErlangC(t *testing.T) {
	var out bytes.Buffer
	sum := filepath.Join(t.TempDir(), "summary.csv")
	if err := run(context.Background(), []string{"-summary", sum}, &out, os.Stderr, os.Getenv); err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + out.String())
	if n := strings.Count(out.String(), "inside CI"); n != len(points) || strings.Contains(out.String(), "OUTSIDE") {
		t.Errorf("Erlang C inside the CI at %d of %d points (seed 1):\n%s", n, len(points), out.String())
	}
	b, err := os.ReadFile(sum)
	if err != nil || !strings.HasPrefix(string(b), "point,c,lambda,metric,n,") {
		t.Errorf("summary file: %v\n%.200s", err, b)
	}
}

// TestShardsMergeToTheSingleProcessOutput runs the study as three shards
// (two JSONL files, one CSV), merges them with -merge, and compares the
// summary and row files with those of a single process, byte for byte.
func TestShardsMergeToTheSingleProcessOutput(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	small := []string{"-reps", "5", "-customers", "500", "-warmup", "50", "-q"}
	p := func(name string) string { return filepath.Join(dir, name) }
	var out bytes.Buffer
	if err := run(ctx, append(small, "-out", p("all.jsonl"), "-summary", p("all.csv")), &out, os.Stderr, os.Getenv); err != nil {
		t.Fatal(err)
	}
	files := []string{p("s0.jsonl"), p("s1.csv"), p("s2.jsonl")}
	outs := []string{p("s{shard}.jsonl"), p("s{shard}.csv"), p("s{shard}.jsonl")}
	for k := range files {
		env := map[string]string{"JOB_COMPLETION_INDEX": string(rune('0' + k))}
		args := append(small, "-shards", "3", "-out", outs[k])
		out.Reset()
		if err := run(ctx, args, &out, os.Stderr, func(k string) string { return env[k] }); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(out.String(), "shard "+string(rune('0'+k))+"/3:") {
			t.Errorf("shard %d printed %q", k, out.String())
		}
	}
	out.Reset()
	if err := run(ctx, []string{"-merge", "-out", p("merged.jsonl"), "-summary", p("merged.csv"), p("s[02].jsonl"), p("s1.csv")}, &out, os.Stderr, os.Getenv); err != nil {
		t.Fatal(err)
	}
	for _, pair := range [][2]string{{"all.jsonl", "merged.jsonl"}, {"all.csv", "merged.csv"}} {
		a, _ := os.ReadFile(p(pair[0]))
		b, _ := os.ReadFile(p(pair[1]))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s and %s differ", pair[0], pair[1])
		}
	}
	// A missing shard is an error, not a smaller study.
	if err := run(ctx, []string{"-merge", files[0], files[2]}, &out, os.Stderr, os.Getenv); err == nil || !strings.Contains(err.Error(), "shard 1/3 is missing") {
		t.Errorf("merging two of three shards: %v", err)
	}
}

func TestSlurmArrayPicksTheShard(t *testing.T) {
	env := map[string]string{"SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_COUNT": "4"}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"-reps", "2", "-customers", "100", "-warmup", "0"}, &out, os.Stderr, func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	// 4 points × 2 replications = 8 jobs; shard 3/4 runs jobs 3 and 7.
	if got := out.String(); got != "shard 3/4: 2 replications done; merge the shard files with -merge\n" {
		t.Errorf("output %q", got)
	}
	env = map[string]string{"JOB_COMPLETION_INDEX": "1"}
	if err := run(context.Background(), nil, &out, os.Stderr, func(k string) string { return env[k] }); err == nil || !strings.Contains(err.Error(), "shard count is unknown") {
		t.Errorf("JOB_COMPLETION_INDEX without -shards: %v", err)
	}
}

func TestFlagErrors(t *testing.T) {
	var out, errb bytes.Buffer
	none := func(string) string { return "" }
	for _, args := range [][]string{{"-shards", "4"}, {"-shard", "4/4"}, {"stray"}, {"-merge"}, {"-shard", "1/2", "-summary", "s.csv"}, {"-shard", "0/3", "-plot", "p.svg"}, {"-customers", "0"}, {"-customers", "-3"}, {"-warmup", "-1"},
		{"-resume"}, {"-resume", "-out", "rows.csv"}, {"-merge", "-resume", "-out", "m.jsonl", "s0.jsonl"}, {"-nosuchflag"}} {
		if err := run(context.Background(), args, &out, &errb, none); err == nil {
			t.Errorf("%q accepted", args)
		}
	}
}

// TestFlagsAfterArguments: flags may follow the shard files of -merge,
// and "--" ends the flags.
func TestFlagsAfterArguments(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	small := []string{"-reps", "2", "-customers", "100", "-warmup", "0", "-q"}
	p := func(name string) string { return filepath.Join(dir, name) }
	var out bytes.Buffer
	for k := range 2 {
		require.NoError(t, run(ctx, append(small, "-shard", fmt.Sprintf("%d/2", k), "-out", p("s{shard}.jsonl")), &out, os.Stderr, os.Getenv))
	}
	out.Reset()
	require.NoError(t, run(ctx, []string{"-merge", p("s0.jsonl"), "-q", p("s1.jsonl"), "-summary", p("sum.csv")}, &out, os.Stderr, os.Getenv))
	require.Contains(t, out.String(), "M/M/c mean wait")
	b, err := os.ReadFile(p("sum.csv"))
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(b), "point,c,lambda,metric"))

	o, err := parse([]string{"-merge", "a", "-q", "--", "-b", "c"}, &out)
	require.NoError(t, err)
	require.Equal(t, []string{"a", "-b", "c"}, o.shardFiles)
	require.True(t, o.quiet)
}

func TestPlot(t *testing.T) {
	f := filepath.Join(t.TempDir(), "waits.svg")
	var out bytes.Buffer
	if err := run(context.Background(), []string{"-reps", "3", "-customers", "200", "-warmup", "10", "-plot", f}, &out, os.Stderr, os.Getenv); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(f); err != nil || !bytes.Contains(b, []byte("<svg")) {
		t.Errorf("plot: %v", err)
	}
}

// TestOneReplicationHasNoCI: with one replication per point there is no
// confidence interval, and the report must not claim Erlang C lies inside
// it (comparisons with NaN bounds are all false).
func TestOneReplicationHasNoCI(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"-reps", "1", "-customers", "50", "-warmup", "0", "-q"}, &out, os.Stderr, os.Getenv); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "inside CI") || strings.Count(out.String(), "no CI") != len(points) {
		t.Errorf("one replication per point:\n%s", out.String())
	}
}

func studyProgress(done, total, resumed int, eta time.Duration) study.Progress {
	return study.Progress{Done: done, Total: total, Resumed: resumed, ETA: eta}
}

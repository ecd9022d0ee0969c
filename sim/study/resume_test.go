package study_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/nimbus-sim/nimbus/sim/study"
)

// reference runs cfg without a row file and returns its JSON Lines rows.
func reference(t interface {
	require.TestingT
	Helper()
}, cfg study.Config, fn func(*study.Rep) study.Result) []byte {
	t.Helper()
	cfg.RowFile = ""
	res, err := study.Run(context.Background(), cfg, fn)
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, res.WriteRows(&buf, study.JSONL))
	return buf.Bytes()
}

// counting wraps fn to count the replications it runs.
func counting(fn func(*study.Rep) study.Result, n *atomic.Int64) func(*study.Rep) study.Result {
	return func(rep *study.Rep) study.Result {
		n.Add(1)
		return fn(rep)
	}
}

// rowsIn counts the complete rows (lines after the header) in data.
func rowsIn(data []byte) int { return max(0, bytes.Count(data, []byte{'\n'})-1) }

// TestResumeAfterCancelAtEveryRow stops a study after k finished
// replications for every k, resumes it, and checks that the file equals an
// uninterrupted run's byte for byte and that only the missing
// replications ran again.
func TestResumeAfterCancelAtEveryRow(t *testing.T) {
	cfg := sweepConfig()
	cfg.Reps = 4
	cfg.Workers = 2
	fn := mm1(50)
	want := reference(t, cfg, fn)
	total := 3 * cfg.Reps
	for k := 1; k < total; k++ {
		path := filepath.Join(t.TempDir(), "rows.jsonl")
		ctx, cancel := context.WithCancel(context.Background())
		c := cfg
		c.RowFile = path
		c.Progress = func(p study.Progress) {
			if p.Done == k {
				cancel()
			}
		}
		_, err := study.Run(ctx, c, fn)
		cancel()
		require.ErrorIs(t, err, context.Canceled)
		partial, err := os.ReadFile(path)
		require.NoError(t, err)
		require.True(t, bytes.HasPrefix(want, partial), "k=%d: the file is not a prefix of the finished one", k)
		done := rowsIn(partial)
		require.GreaterOrEqual(t, done, 1, "k=%d", k)

		var calls atomic.Int64
		c.Progress = nil
		res, err := study.Run(context.Background(), c, counting(fn, &calls))
		require.NoError(t, err)
		require.EqualValues(t, total-done, calls.Load(), "k=%d: replications rerun", k)
		got, err := os.ReadFile(path)
		require.NoError(t, err)
		require.Equal(t, string(want), string(got), "k=%d", k)
		var buf bytes.Buffer
		require.NoError(t, res.WriteRows(&buf, study.JSONL))
		require.Equal(t, string(want), buf.String(), "k=%d: returned results", k)
	}
}

// TestResumeFinishedFileRunsNothing: rerunning a finished study reads its
// rows back and runs no replication.
func TestResumeFinishedFileRunsNothing(t *testing.T) {
	cfg := sweepConfig()
	cfg.RowFile = filepath.Join(t.TempDir(), "rows.jsonl")
	fn := mm1(20)
	_, err := study.Run(context.Background(), cfg, fn)
	require.NoError(t, err)
	var calls atomic.Int64
	res, err := study.Run(context.Background(), cfg, counting(fn, &calls))
	require.NoError(t, err)
	require.Zero(t, calls.Load())
	var a, b bytes.Buffer
	require.NoError(t, res.WriteSummaries(&a, study.CSV, 0.95))
	ref, err := study.Run(context.Background(), study.Config{Name: cfg.Name, Seed: cfg.Seed, Reps: cfg.Reps, Points: cfg.Points}, fn)
	require.NoError(t, err)
	require.NoError(t, ref.WriteSummaries(&b, study.CSV, 0.95))
	require.Equal(t, b.String(), a.String())
}

// TestResumedShardsMerge: shards resumed after a cancellation merge to
// the single-process output; Merge cannot tell them apart.
func TestResumedShardsMerge(t *testing.T) {
	cfg := sweepConfig()
	fn := mm1(30)
	want := reference(t, cfg, fn)
	dir := t.TempDir()
	var parts []*study.Results
	for k := range 3 {
		c := cfg
		c.Shard = study.Shard{Index: k, Count: 3}
		c.RowFile = filepath.Join(dir, fmt.Sprintf("s%d.jsonl", k))
		ctx, cancel := context.WithCancel(context.Background())
		c.Progress = func(p study.Progress) {
			if p.Done == 2+k {
				cancel()
			}
		}
		_, err := study.Run(ctx, c, fn)
		cancel()
		require.ErrorIs(t, err, context.Canceled)
		c.Progress = nil
		_, err = study.Run(context.Background(), c, fn)
		require.NoError(t, err)
		f, err := os.Open(c.RowFile)
		require.NoError(t, err)
		r, err := study.ReadRows(f)
		f.Close()
		require.NoError(t, err)
		parts = append(parts, r)
	}
	merged, err := study.Merge(parts...)
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, merged.WriteRows(&buf, study.JSONL))
	require.Equal(t, string(want), buf.String())
}

// TestResumeRefusesAnotherStudy: a row file of another configuration is
// refused with a *MismatchError naming the field that differs, and left
// untouched.
func TestResumeRefusesAnotherStudy(t *testing.T) {
	base := study.Config{Name: "mm1", Version: "v1", Seed: 42, Reps: 5, Workers: 1,
		Points: study.Grid(study.Axis{Name: "lambda", Values: []float64{0.3, 0.5}}), Shard: study.Shard{Index: 1, Count: 2}}
	path := filepath.Join(t.TempDir(), "rows.jsonl")
	base.RowFile = path
	ctx, cancel := context.WithCancel(context.Background())
	c := base
	c.Progress = func(p study.Progress) {
		if p.Done == 2 {
			cancel()
		}
	}
	_, err := study.Run(ctx, c, mm1(10))
	require.ErrorIs(t, err, context.Canceled)
	before, err := os.ReadFile(path)
	require.NoError(t, err)

	for _, tc := range []struct {
		field, file, study string
		change             func(*study.Config)
	}{
		{"name", `"mm1"`, `"mm2"`, func(c *study.Config) { c.Name = "mm2" }},
		{"version", `"v1"`, `"v2"`, func(c *study.Config) { c.Version = "v2" }},
		{"seed", "42", "43", func(c *study.Config) { c.Seed = 43 }},
		{"reps", "5", "6", func(c *study.Config) { c.Reps = 6 }},
		{"points", "2 points", "3 points", func(c *study.Config) { c.Points = append(c.Points, study.Pt("lambda", 0.9)) }},
		{"point 1", `"lambda=0.5"`, `"lambda=0.6"`, func(c *study.Config) { c.Points = study.Grid(study.Axis{Name: "lambda", Values: []float64{0.3, 0.6}}) }},
		{"shard", "1/2", "1/3", func(c *study.Config) { c.Shard = study.Shard{Index: 1, Count: 3} }},
	} {
		c := base
		tc.change(&c)
		var calls atomic.Int64
		_, err := study.Run(context.Background(), c, counting(mm1(10), &calls))
		var mm *study.MismatchError
		require.ErrorAs(t, err, &mm, tc.field)
		require.Equal(t, study.MismatchError{Path: path, Field: tc.field, File: tc.file, Study: tc.study}, *mm)
		require.Contains(t, err.Error(), "its "+tc.field+" is "+tc.file+", this study's is "+tc.study)
		require.Zero(t, calls.Load(), "%s: replications ran", tc.field)
		after, err := os.ReadFile(path)
		require.NoError(t, err)
		require.Equal(t, before, after, "%s: the file changed", tc.field)
	}
	entries, err := os.ReadDir(filepath.Dir(path))
	require.NoError(t, err)
	require.Len(t, entries, 1, "stray files left beside the row file")
	// The same configuration still resumes (Workers is not part of it).
	c = base
	c.Workers = 3
	_, err = study.Run(context.Background(), c, mm1(10))
	require.NoError(t, err)
}

// TestResumeRefusesForeignFiles: files that are not this study's row
// file are refused with a clear error, and nothing is overwritten.
func TestResumeRefusesForeignFiles(t *testing.T) {
	cfg := sweepConfig()
	cfg.Reps = 2
	fn := mm1(10)
	full := reference(t, cfg, fn)
	header, rest, _ := bytes.Cut(full, []byte{'\n'})
	header = append(header, '\n')
	other := cfg
	other.Seed = 7
	otherRows := bytes.SplitAfterN(reference(t, other, fn), []byte{'\n'}, 2)[1]
	res, err := study.Run(context.Background(), cfg, fn)
	require.NoError(t, err)
	var csv bytes.Buffer
	require.NoError(t, res.WriteRows(&csv, study.CSV))

	for _, tc := range []struct {
		name, content, want string
	}{
		{"text", "hello, world\nsecond line\n", "is not a JSON Lines row file of a study"},
		{"no newline", "just some words", "is not a JSON Lines row file of a study"},
		{"binary", "\x00\x01\x02\xff\n", "is not a JSON Lines row file of a study"},
		{"other JSON", `{"name":"not a study"}` + "\n", "not a {\"nimbus_study\": ...} header"},
		{"CSV row file", csv.String(), "resume needs JSON Lines"},
		{"another study's rows", string(header) + string(otherRows), "line 2 is point 0 rep 0 seed"},
		{"too many rows", string(full) + string(rest[:bytes.IndexByte(rest, '\n')+1]), "has more rows than shard 0/1"},
		{"respaced header", strings.Replace(string(full), `{"nimbus_study":`, `{"nimbus_study": `, 1), "not in the form"},
	} {
		dir := t.TempDir()
		path := filepath.Join(dir, "rows.jsonl")
		require.NoError(t, os.WriteFile(path, []byte(tc.content), 0o644))
		c := cfg
		c.RowFile = path
		var calls atomic.Int64
		_, err := study.Run(context.Background(), c, counting(fn, &calls))
		require.ErrorContains(t, err, tc.want, tc.name)
		require.Contains(t, err.Error(), path, tc.name)
		require.Zero(t, calls.Load(), tc.name)
		after, err := os.ReadFile(path)
		require.NoError(t, err)
		require.Equal(t, tc.content, string(after), "%s: the file changed", tc.name)
		entries, err := os.ReadDir(dir)
		require.NoError(t, err)
		require.Len(t, entries, 1, "%s: stray files", tc.name)
	}
}

// TestResumeProgressCountsResumedWork: a resumed run reports the resumed
// rows first, then counts on from them; the ETA extrapolates only this
// run's own work.
func TestResumeProgressCountsResumedWork(t *testing.T) {
	cfg := study.Config{Seed: 1, Reps: 25, Workers: 3, RowFile: filepath.Join(t.TempDir(), "rows.jsonl")}
	ctx, cancel := context.WithCancel(context.Background())
	c := cfg
	c.Workers = 1
	c.Progress = func(p study.Progress) {
		if p.Done == 10 {
			cancel()
		}
	}
	_, err := study.Run(ctx, c, mm1(10))
	require.ErrorIs(t, err, context.Canceled)
	resumed := rowsIn(must(os.ReadFile(cfg.RowFile)))
	require.GreaterOrEqual(t, resumed, 10) // rows finishing after the cancel are kept too
	require.Less(t, resumed, 25)

	var got []study.Progress
	cfg.Progress = func(p study.Progress) { got = append(got, p) }
	_, err = study.Run(context.Background(), cfg, mm1(10))
	require.NoError(t, err)
	require.Len(t, got, 1+25-resumed)
	require.Equal(t, study.Progress{Done: resumed, Total: 25, Resumed: resumed, Elapsed: got[0].Elapsed}, got[0])
	for i, p := range got {
		require.Equal(t, resumed+i, p.Done, "call %d", i)
		require.Equal(t, 25, p.Total)
		require.Equal(t, resumed, p.Resumed)
		require.GreaterOrEqual(t, p.ETA, 0*p.ETA)
	}
	require.Zero(t, got[len(got)-1].ETA)
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestResumePrefixPlusTornRowProperty: whatever prefix of a study's row
// file a crash leaves (header written; any number of rows; a torn final
// row or a tail of damage), resuming produces the whole file, byte for
// byte, and reruns exactly the replications whose rows are missing.
func TestResumePrefixPlusTornRowProperty(t *testing.T) {
	dir := t.TempDir()
	iter := 0
	rapid.Check(t, func(rt *rapid.T) {
		npoints := rapid.IntRange(0, 3).Draw(rt, "points")
		var points []study.Point
		for i := range npoints {
			points = append(points, study.Pt("x", i))
		}
		count := rapid.IntRange(1, 3).Draw(rt, "shards")
		cfg := study.Config{
			Name:    "prop",
			Version: rapid.SampledFrom([]string{"", "v2"}).Draw(rt, "version"),
			Seed:    rapid.Uint64().Draw(rt, "seed"),
			Reps:    rapid.IntRange(1, 5).Draw(rt, "reps"),
			Points:  points,
			Workers: rapid.IntRange(1, 3).Draw(rt, "workers"),
			Shard:   study.Shard{Index: rapid.IntRange(0, count-1).Draw(rt, "shard"), Count: count},
		}
		fn := func(rep *study.Rep) study.Result {
			r := rep.Env.Rand("prop")
			switch r.IntN(6) {
			case 0:
				rep.Fail(errors.New("injection refused"))
			case 1:
				rep.SetNote("plan \"b\", with commas\nand a newline")
			}
			return study.Result{"u": r.Float64(), "k": float64(r.IntN(1000))}
		}
		full := reference(rt, cfg, fn)
		headerLen := bytes.IndexByte(full, '\n') + 1
		cut := rapid.IntRange(0, len(full)).Draw(rt, "cut")
		prefix := bytes.Clone(full[:cut])
		if cut >= headerLen && rapid.Bool().Draw(rt, "damage") {
			// A lost machine may leave garbage instead of a clean tear.
			junk := rapid.SliceOfN(rapid.Byte().Filter(func(b byte) bool { return b != '\n' }), 1, 40).Draw(rt, "junk")
			prefix = append(prefix, junk...)
		}
		iter++
		path := filepath.Join(dir, fmt.Sprintf("rows-%d.jsonl", iter))
		if err := os.WriteFile(path, prefix, 0o644); err != nil {
			rt.Fatal(err)
		}
		cfg.RowFile = path
		var calls atomic.Int64
		if _, err := study.Run(context.Background(), cfg, counting(fn, &calls)); err != nil {
			rt.Fatalf("resume of a %d-byte prefix: %v", cut, err)
		}
		got, err := os.ReadFile(path)
		if err != nil {
			rt.Fatal(err)
		}
		if !bytes.Equal(got, full) {
			rt.Fatalf("resumed file differs from the full one:\n%s\nwant:\n%s", got, full)
		}
		if want := rowsIn(full) - rowsIn(full[:cut]); int(calls.Load()) != want {
			rt.Fatalf("%d replications rerun, want %d", calls.Load(), want)
		}
	})
}

// TestWriteFileIsAtomic: a write that fails leaves the old file whole
// and no temporary file behind; one that succeeds replaces it.
func TestWriteFileIsAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "summary.csv")
	require.NoError(t, os.WriteFile(path, []byte("old\n"), 0o644))
	err := study.WriteFile(path, func(w io.Writer) error {
		w.Write([]byte("half a summ"))
		return errors.New("disk full")
	})
	require.ErrorContains(t, err, "disk full")
	require.Equal(t, "old\n", string(must(os.ReadFile(path))))
	require.Len(t, must(os.ReadDir(dir)), 1)
	require.NoError(t, study.WriteFile(path, func(w io.Writer) error {
		_, err := w.Write([]byte("new\n"))
		return err
	}))
	require.Equal(t, "new\n", string(must(os.ReadFile(path))))
	require.Len(t, must(os.ReadDir(dir)), 1)
}

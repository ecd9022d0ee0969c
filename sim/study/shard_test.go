package study_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/nimbus-sim/nimbus/sim/study"
)

func TestParseShard(t *testing.T) {
	for _, c := range []struct {
		in   string
		want study.Shard
		err  string
	}{
		{"0/1", study.Shard{Index: 0, Count: 1}, ""},
		{"2/8", study.Shard{Index: 2, Count: 8}, ""},
		{" 7 / 8 ", study.Shard{Index: 7, Count: 8}, ""},
		{"8/8", study.Shard{}, "need 0 <= k < n"},
		{"-1/8", study.Shard{}, "need 0 <= k < n"},
		{"1/0", study.Shard{}, "need 0 <= k < n"},
		{"3", study.Shard{}, "want k/n"},
		{"a/b", study.Shard{}, "integers"},
	} {
		got, err := study.ParseShard(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) || !strings.Contains(err.Error(), c.in) {
				t.Errorf("ParseShard(%q) err = %v, want %q quoting the input", c.in, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("ParseShard(%q) = %v, %v", c.in, got, err)
		}
		if again, _ := study.ParseShard(got.String()); again != got {
			t.Errorf("round trip of %v gives %v", got, again)
		}
	}
}

func TestShardFromEnv(t *testing.T) {
	for _, c := range []struct {
		name  string
		env   map[string]string
		count int
		want  study.Shard
		ok    bool
		err   string
	}{
		{"none", nil, 0, study.Shard{}, false, ""},
		{"k8s", map[string]string{"JOB_COMPLETION_INDEX": "3"}, 8, study.Shard{Index: 3, Count: 8}, true, ""},
		{"k8s without count", map[string]string{"JOB_COMPLETION_INDEX": "3"}, 0, study.Shard{}, false, "shard count is unknown"},
		{"k8s out of range", map[string]string{"JOB_COMPLETION_INDEX": "8"}, 8, study.Shard{}, false, "need 0 <= index < count"},
		{"slurm", map[string]string{"SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_COUNT": "6", "SLURM_ARRAY_TASK_MIN": "0"}, 0, study.Shard{Index: 5, Count: 6}, true, ""},
		{"slurm from 1", map[string]string{"SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "1"}, 0, study.Shard{Index: 0, Count: 4}, true, ""},
		{"slurm count flag", map[string]string{"SLURM_ARRAY_TASK_ID": "1"}, 4, study.Shard{Index: 1, Count: 4}, true, ""},
		{"slurm stepped", map[string]string{"SLURM_ARRAY_TASK_ID": "14", "SLURM_ARRAY_TASK_COUNT": "8", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_STEP": "2"}, 0, study.Shard{Index: 7, Count: 8}, true, ""},
		{"slurm stepped from 1", map[string]string{"SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_STEP": "2"}, 0, study.Shard{Index: 1, Count: 4}, true, ""},
		{"slurm step of one", map[string]string{"SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_COUNT": "6", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_STEP": "1"}, 0, study.Shard{Index: 5, Count: 6}, true, ""},
		{"slurm off step", map[string]string{"SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_STEP": "2"}, 0, study.Shard{}, false, "multiple of SLURM_ARRAY_TASK_STEP"},
		{"slurm zero step", map[string]string{"SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_STEP": "0"}, 0, study.Shard{}, false, "not positive"},
		{"slurm garbage", map[string]string{"SLURM_ARRAY_TASK_ID": "x"}, 4, study.Shard{}, false, `SLURM_ARRAY_TASK_ID="x"`},
	} {
		got, ok, err := study.ShardFromEnv(func(k string) string { return c.env[k] }, c.count)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: err = %v, want %q", c.name, err, c.err)
			}
			continue
		}
		if err != nil || ok != c.ok || got != c.want {
			t.Errorf("%s: got %v %v %v, want %v %v", c.name, got, ok, err, c.want, c.ok)
		}
	}
}

// FuzzParseShard: whatever the input, ParseShard either fails or returns
// a valid shard whose String parses back to it.
func FuzzParseShard(f *testing.F) {
	for _, s := range []string{"0/1", "3/8", "8/8", "-1/2", "1/-2", "/", "a/b", "99999999999999999999/1", " 1/2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sh, err := study.ParseShard(s)
		if err != nil {
			return
		}
		if sh.Count < 1 || sh.Index < 0 || sh.Index >= sh.Count {
			t.Fatalf("ParseShard(%q) = %v, invalid", s, sh)
		}
		if again, err := study.ParseShard(sh.String()); err != nil || again != sh {
			t.Fatalf("round trip of %v: %v, %v", sh, again, err)
		}
	})
}

// FuzzReadRows: ReadRows never panics, and what it accepts writes back
// and reads again to the same rows.
func FuzzReadRows(f *testing.F) {
	cfg := study.Config{Seed: 1, Reps: 2, Points: []study.Point{study.Pt("x", 1), study.Pt("x", 2)}, Shard: study.Shard{Index: 1, Count: 2}}
	res, _ := study.Run(context.Background(), cfg, func(rep *study.Rep) study.Result {
		return study.Result{"m": float64(rep.Index) / 3}
	})
	for _, format := range []study.Format{study.JSONL, study.CSV} {
		var buf bytes.Buffer
		res.WriteRows(&buf, format)
		f.Add(buf.String())
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := study.ReadRows(strings.NewReader(s))
		if err != nil {
			return
		}
		for _, format := range []study.Format{study.JSONL, study.CSV} {
			var buf bytes.Buffer
			if err := r.WriteRows(&buf, format); err != nil {
				t.Fatal(err)
			}
			back, err := study.ReadRows(&buf)
			if err != nil {
				t.Fatalf("%s: re-reading what was accepted: %v\n%s", format, err, buf.String())
			}
			if len(back.Rows) != len(r.Rows) {
				t.Fatalf("%s: %d rows became %d", format, len(r.Rows), len(back.Rows))
			}
		}
	})
}

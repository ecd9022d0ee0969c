package study_test

import (
	"bytes"
	"context"
	"flag"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/nimbus-sim/nimbus/sim/study"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestFileFormatsGolden pins the row and summary file formats: a change
// to them is a visible diff of testdata/golden.*. Metrics come from
// integer draws (Float64, IntN), identical on every architecture.
// Regenerate with: go test ./sim/study -run Golden -args -update
func TestFileFormatsGolden(t *testing.T) {
	cfg := study.Config{Name: "golden", Seed: 1, Reps: 3, Points: []study.Point{study.Pt("c", 1, "rho", 0.5), study.Pt("c", 2, "rho", 0.9)}}
	res, err := study.Run(context.Background(), cfg, func(rep *study.Rep) study.Result {
		r := rep.Env.Rand("golden")
		rep.SetNote("plan p" + string(rune('a'+r.IntN(3))) + ", with \"quotes\", commas")
		m := study.Result{"u": r.Float64(), "k": float64(r.IntN(100)) * rep.Param("rho")}
		if rep.Index == 1 {
			m["inf"] = math.Inf(1)
		}
		return m
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, write := range map[string]func(*bytes.Buffer) error{
		"golden.rows.jsonl":   func(b *bytes.Buffer) error { return res.WriteRows(b, study.JSONL) },
		"golden.rows.csv":     func(b *bytes.Buffer) error { return res.WriteRows(b, study.CSV) },
		"golden.summary.csv":  func(b *bytes.Buffer) error { return res.WriteSummaries(b, study.CSV, 0.9) },
		"golden.summary.json": func(b *bytes.Buffer) error { return res.WriteSummaries(b, study.JSON, 0.9) },
	} {
		var buf bytes.Buffer
		if err := write(&buf); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join("testdata", name)
		if *update {
			if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (regenerate with -args -update)", err)
		}
		if !bytes.Equal(buf.Bytes(), want) {
			t.Errorf("%s changed:\n%s\nwant:\n%s", name, buf.Bytes(), want)
		}
	}
}

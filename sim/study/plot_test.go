package study_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/nimbus-sim/nimbus/sim/study"
)

func TestPlots(t *testing.T) {
	res, err := study.Run(context.Background(), sweepConfig(), mm1(100))
	if err != nil {
		t.Fatal(err)
	}
	svg := func(name string, f func(*bytes.Buffer) error) string {
		var buf bytes.Buffer
		if err := f(&buf); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return buf.String()
	}
	for name, f := range map[string]func(*bytes.Buffer) error{
		"histogram": func(b *bytes.Buffer) error { return res.PlotHistogram(b, "svg", 1, "wait_s", 0) },
		"ecdf":      func(b *bytes.Buffer) error { return res.PlotECDF(b, "svg", 1, "wait_s") },
		"meanci":    func(b *bytes.Buffer) error { return res.PlotMeanCI(b, "svg", "wait_s", "lambda", 0.95) },
		"box":       func(b *bytes.Buffer) error { return res.PlotBox(b, "svg", "wait_s") },
	} {
		out := svg(name, f)
		if !strings.Contains(out, "<svg") || !strings.Contains(out, "wait_s") {
			t.Errorf("%s: not an SVG naming the metric (%d bytes)", name, len(out))
		}
	}
	var png bytes.Buffer
	if err := res.PlotECDF(&png, "png", 0, "wait_s"); err != nil || !bytes.HasPrefix(png.Bytes(), []byte("\x89PNG")) {
		t.Errorf("PNG: %v", err)
	}
	if err := res.PlotHistogram(&png, "svg", 0, "nope", 0); err == nil {
		t.Error("plotting a missing metric succeeded")
	}
	if err := res.PlotMeanCI(&png, "svg", "wait_s", "mu", 0.95); err == nil {
		t.Error("plotting against a missing parameter succeeded")
	}
	if err := res.PlotBox(&png, "bmp", "wait_s"); err == nil {
		t.Error("unknown format accepted")
	}
}

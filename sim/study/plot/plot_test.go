package plot_test

import (
	"bytes"
	"context"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nimbus-sim/nimbus/sim/study"
	"github.com/nimbus-sim/nimbus/sim/study/plot"
)

// sweep runs a small study whose metric "x" at point lambda=l is drawn
// around l, so every plot has something to draw.
func sweep(t *testing.T) *study.Results {
	t.Helper()
	cfg := study.Config{Seed: 42, Reps: 20, Points: study.Grid(study.Axis{Name: "lambda", Values: []float64{0.3, 0.5, 0.8}})}
	res, err := study.Run(context.Background(), cfg, func(rep *study.Rep) study.Result {
		return study.Result{"wait_s": rep.Param("lambda") + rep.Env.Rand("x").Float64()}
	})
	require.NoError(t, err)
	return res
}

func TestPlots(t *testing.T) {
	res := sweep(t)
	for name, f := range map[string]func(*bytes.Buffer) error{
		"histogram": func(b *bytes.Buffer) error { return plot.Histogram(b, "svg", res, 1, "wait_s", 0) },
		"ecdf":      func(b *bytes.Buffer) error { return plot.ECDF(b, "svg", res, 1, "wait_s") },
		"meanci":    func(b *bytes.Buffer) error { return plot.MeanCI(b, "svg", res, "wait_s", "lambda", 0.95) },
		"box":       func(b *bytes.Buffer) error { return plot.Box(b, "svg", res, "wait_s") },
	} {
		var buf bytes.Buffer
		require.NoError(t, f(&buf), name)
		require.Contains(t, buf.String(), "<svg", name)
		require.Contains(t, buf.String(), "wait_s", name)
	}
	var png bytes.Buffer
	require.NoError(t, plot.ECDF(&png, "png", res, 0, "wait_s"))
	require.True(t, bytes.HasPrefix(png.Bytes(), []byte("\x89PNG")), "PNG magic")

	require.ErrorContains(t, plot.Histogram(&png, "svg", res, 0, "nope", 0), `no finite values of "nope"`)
	require.ErrorContains(t, plot.Histogram(&png, "svg", res, 3, "wait_s", 0), "no point 3")
	require.ErrorContains(t, plot.MeanCI(&png, "svg", res, "wait_s", "mu", 0.95), `no parameter "mu"`)
	require.Error(t, plot.Box(&png, "bmp", res, "wait_s"), "unknown format")
}

// TestMeanCIRejectsBadLevels: a level outside (0, 1) is an error, not a
// panic from Summaries; zero means 0.95.
func TestMeanCIRejectsBadLevels(t *testing.T) {
	res := sweep(t)
	var buf bytes.Buffer
	for _, level := range []float64{-0.5, 1, 1.5, math.NaN()} {
		require.ErrorContains(t, plot.MeanCI(&buf, "svg", res, "wait_s", "lambda", level), "level", "level %v", level)
	}
	buf.Reset()
	require.NoError(t, plot.MeanCI(&buf, "svg", res, "wait_s", "lambda", 0))
	require.True(t, strings.Contains(buf.String(), "95% CI"), "level 0 is drawn as 95%")
}

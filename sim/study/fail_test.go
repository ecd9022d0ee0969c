package study_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nimbus-sim/nimbus/failure"
	"github.com/nimbus-sim/nimbus/sim/study"
)

// TestHarnessErrorsFailTheRow: a replication whose fault harness could
// not inject a fault (here an AZ outage with no target to take the AZ
// down) reports it with Rep.Fail, and its row fails with the error, the
// replication's seed and the Replay call; the other rows are untouched.
func TestHarnessErrorsFailTheRow(t *testing.T) {
	cfg := study.Config{Seed: 5, Reps: 4, Workers: 2}
	res, err := study.Run(context.Background(), cfg, func(rep *study.Rep) study.Result {
		h, err := failure.NewHarness(rep.Env) // no targets
		if err != nil {
			rep.Fail(err)
			return nil
		}
		if rep.Index == 2 {
			// Arming checks that some target can take the fault: none can.
			rep.Fail(h.Start(failure.AZOutage("use1-az1", time.Minute)))
		}
		rep.Env.RunFor(time.Hour)
		rep.Fail(h.Err())
		return study.Result{"x": float64(rep.Index)}
	})
	require.NoError(t, err)
	seed := study.SeedOf(cfg.Seed, 2)
	row := res.Rows[2]
	require.Contains(t, row.Err, "az-down(use1-az1)")
	require.Contains(t, row.Err, fmt.Sprintf("seed %d", seed))
	require.Contains(t, row.Err, "study.Replay(cfg, 0, 2, fn)")
	require.Empty(t, row.Metrics, "a failed row keeps no metrics")
	for _, i := range []int{0, 1, 3} {
		require.Empty(t, res.Rows[i].Err, "row %d", i)
	}
	s := res.Summaries(0.95)[0]
	require.Equal(t, 3, s.N)
	require.Equal(t, 1, s.Errors)
	// The error survives both row formats.
	for _, f := range []study.Format{study.JSONL, study.CSV} {
		var buf bytes.Buffer
		require.NoError(t, res.WriteRows(&buf, f))
		back, err := study.ReadRows(&buf)
		require.NoError(t, err)
		require.Equal(t, row.Err, back.Rows[2].Err, f)
	}
}

func TestFailJoinsErrorsAndIgnoresNil(t *testing.T) {
	res, err := study.Run(context.Background(), study.Config{Seed: 1, Reps: 2}, func(rep *study.Rep) study.Result {
		rep.Fail(nil)
		if rep.Index == 1 {
			rep.Fail(errors.New("first"))
			rep.Fail(errors.New("second"))
		}
		return study.Result{"x": 1}
	})
	require.NoError(t, err)
	require.Empty(t, res.Rows[0].Err)
	require.True(t, strings.HasPrefix(res.Rows[1].Err, "failed: first; second (rerun with study.Replay(cfg, 0, 1, fn), seed "), res.Rows[1].Err)
}

// TestStudyDoesNotImportPlotting: importing sim/study must not pull in a
// plotting library and its fonts; plots live in sim/study/plot.
func TestStudyDoesNotImportPlotting(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to list the dependencies with")
	}
	out, err := exec.Command(gobin, "list", "-deps", "github.com/nimbus-sim/nimbus/sim/study").CombinedOutput()
	require.NoError(t, err, "%s", out)
	require.Contains(t, string(out), "gonum.org/v1/gonum/stat") // the listing is real
	for _, banned := range []string{"gonum.org/v1/plot", "fonts", "golang.org/x/image"} {
		require.NotContains(t, string(out), banned)
	}
}

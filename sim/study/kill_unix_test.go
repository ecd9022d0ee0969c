//go:build unix

package study_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nimbus-sim/nimbus/sim/study"
)

// The kill test runs this test binary again as the study process: with
// STUDY_CHILD_ROWS set, TestMain runs killConfig's study into that row
// file instead of the tests. STUDY_CHILD_TEAR=i makes it write half of
// row i's line and SIGKILL itself, a death in the middle of a write.
func TestMain(m *testing.M) {
	if path := os.Getenv("STUDY_CHILD_ROWS"); path != "" {
		os.Exit(child(path, os.Getenv("STUDY_CHILD_TEAR")))
	}
	os.Exit(m.Run())
}

// killConfig is long enough (about a second of work) for the parent to
// kill it part-way, and uses two workers so that rows finish out of order.
func killConfig() study.Config {
	return study.Config{Name: "kill", Version: "mm1/1", Seed: 9, Reps: 12, Workers: 2,
		Points: study.Grid(study.Axis{Name: "lambda", Values: []float64{0.3, 0.5, 0.8}})}
}

const killCustomers = 4000

func child(path, tear string) int {
	cfg := killConfig()
	cfg.RowFile = path
	if tear != "" {
		at, err := strconv.Atoi(tear)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		study.SetRowWriter(&cfg, func(f *os.File, i int, line []byte) (int, error) {
			if i != at {
				return f.Write(line)
			}
			f.Write(line[:len(line)/2])
			syscall.Kill(os.Getpid(), syscall.SIGKILL)
			select {} // the signal is on its way
		})
	}
	if _, err := study.Run(context.Background(), cfg, mm1(killCustomers)); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

func startChild(t *testing.T, path, tear string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "STUDY_CHILD_ROWS="+path, "STUDY_CHILD_TEAR="+tear)
	cmd.Stderr = os.Stderr
	require.NoError(t, cmd.Start())
	return cmd
}

func killed(err error) bool {
	ee, ok := err.(*exec.ExitError)
	if !ok {
		return false
	}
	ws, ok := ee.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL
}

// TestResumeAfterSIGKILL runs the study as a separate process, kills it
// with SIGKILL part-way (after the header, after some rows, near the end,
// and in the middle of writing a row), runs it again to resume, and
// compares the row file with an uninterrupted run's byte for byte.
func TestResumeAfterSIGKILL(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("runs the study in child processes (not under -short or -race)")
	}
	want := reference(t, killConfig(), mm1(killCustomers))
	total := rowsIn(want)
	partWay := 0
	for _, at := range []int{0, 5, total / 2, total - 3} {
		t.Run(fmt.Sprintf("after %d rows", at), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "rows.jsonl")
			cmd := startChild(t, path, "")
			var data []byte
			for {
				// Poll the file until it holds at rows; the child writes
				// them all, so this ends.
				data, _ = os.ReadFile(path)
				if len(data) > 0 && rowsIn(data) >= at {
					break
				}
				time.Sleep(time.Millisecond)
			}
			require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
			err := cmd.Wait()
			data, rerr := os.ReadFile(path)
			require.NoError(t, rerr)
			require.True(t, bytes.HasPrefix(want, data), "the killed run's file is not a prefix of the finished one")
			t.Logf("killed with %d of %d rows written", rowsIn(data), total)
			if killed(err) && rowsIn(data) < total {
				partWay++
			} else {
				t.Logf("the child finished before the kill landed (%v)", err)
			}
			require.NoError(t, startChild(t, path, "").Wait(), "resume")
			got, err := os.ReadFile(path)
			require.NoError(t, err)
			require.Equal(t, string(want), string(got))
		})
	}
	require.Positive(t, partWay, "no kill landed part-way through the study")

	for _, row := range []int{0, 7, total - 1} {
		t.Run(fmt.Sprintf("during the write of row %d", row), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "rows.jsonl")
			err := startChild(t, path, strconv.Itoa(row)).Wait()
			require.True(t, killed(err), "the child was not killed: %v", err)
			data, err := os.ReadFile(path)
			require.NoError(t, err)
			require.Equal(t, row, rowsIn(data), "complete rows before the torn one")
			require.NotEqual(t, byte('\n'), data[len(data)-1], "no torn row at the end")
			require.True(t, bytes.HasPrefix(want, data), "the torn file is not a prefix of the finished one")
			require.NoError(t, startChild(t, path, "").Wait(), "resume")
			got, err := os.ReadFile(path)
			require.NoError(t, err)
			require.Equal(t, string(want), string(got))
		})
	}
}

//go:build unix

package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// These tests run the mmc command as a separate process: this test binary
// started again with MMC_MAIN=1 runs main instead of the tests.
func TestMain(m *testing.M) {
	if os.Getenv("MMC_MAIN") == "1" {
		os.Args = append([]string{"mmc"}, os.Args[1:]...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// mmc returns the command running mmc with args.
func mmc(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "MMC_MAIN=1")
	return cmd
}

func exitCode(t *testing.T, err error) int {
	t.Helper()
	if err == nil {
		return 0
	}
	ee, ok := err.(*exec.ExitError)
	require.True(t, ok, "%v", err)
	return ee.ExitCode()
}

func TestHelpExitsZero(t *testing.T) {
	for _, h := range []string{"-h", "-help", "--help"} {
		var stdout, stderr bytes.Buffer
		cmd := mmc(h)
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		require.Equal(t, 0, exitCode(t, cmd.Run()), h)
		require.Contains(t, stderr.String(), "usage: mmc", h)
		require.Contains(t, stderr.String(), "-resume", h)
		require.Empty(t, stdout.String(), h)
	}
	// A bad flag or an out-of-range value is a usage error (2).
	var stderr bytes.Buffer
	cmd := mmc("-nosuchflag")
	cmd.Stderr = &stderr
	require.Equal(t, 2, exitCode(t, cmd.Run()))
	require.Contains(t, stderr.String(), "flag provided but not defined: -nosuchflag")
	require.Equal(t, 2, exitCode(t, mmc("-customers", "0").Run()))
	require.Equal(t, 2, exitCode(t, mmc("-reps", "0").Run()))
}

func rows(data []byte) int { return max(0, bytes.Count(data, []byte{'\n'})-1) }

// TestResumeAfterSIGKILL starts the study as its own process, kills it
// with SIGKILL part-way through (after the header, after some rows, near
// the end, and with a torn row left behind as a write cut short by a lost
// machine would leave it), reruns it with -resume, and compares the row
// file and the summary with an uninterrupted run's, byte for byte.
func TestResumeAfterSIGKILL(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("runs the study in child processes (not under -short or -race)")
	}
	dir := t.TempDir()
	small := []string{"-reps", "8", "-customers", "3000", "-warmup", "100", "-workers", "2", "-q"}
	want := filepath.Join(dir, "want.jsonl")
	wantSum := filepath.Join(dir, "want.csv")
	out, err := mmc(append(small, "-out", want, "-summary", wantSum)...).CombinedOutput()
	require.NoError(t, err, "%s", out)
	wantRows, err := os.ReadFile(want)
	require.NoError(t, err)
	total := rows(wantRows)
	wantSummary, err := os.ReadFile(wantSum)
	require.NoError(t, err)

	partWay := 0
	for _, at := range []int{0, 3, total / 2, total - 2, -1} {
		name := fmt.Sprintf("after %d rows", at)
		if at < 0 {
			name = "with a torn row"
		}
		t.Run(name, func(t *testing.T) {
			d := t.TempDir()
			path, sum := filepath.Join(d, "rows.jsonl"), filepath.Join(d, "summary.csv")
			args := append(small, "-resume", "-out", path, "-summary", sum)
			cmd := mmc(args...)
			require.NoError(t, cmd.Start())
			for {
				// The child writes every row, so this ends.
				data, _ := os.ReadFile(path)
				if len(data) > 0 && rows(data) >= at {
					break
				}
				time.Sleep(time.Millisecond)
			}
			require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
			err := cmd.Wait()
			data, rerr := os.ReadFile(path)
			require.NoError(t, rerr)
			require.True(t, bytes.HasPrefix(wantRows, data), "the killed run's file is not a prefix of the finished one")
			t.Logf("killed (%v) with %d of %d rows written", err, rows(data), total)
			if rows(data) < total {
				partWay++
			}
			_, serr := os.Stat(sum)
			if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
				if rows(data) < total || serr != nil {
					require.ErrorIs(t, serr, os.ErrNotExist, "a summary from a killed run")
				} else {
					// The signal can land after the last row and the
					// summary (written whole, by a rename), while the
					// child exits: then the summary is the study's.
					got, err := os.ReadFile(sum)
					require.NoError(t, err)
					require.Equal(t, string(wantSummary), string(got))
				}
			} else {
				// Near the end the child can finish between the last row
				// seen and the signal: then it ran to completion, and its
				// summary and every row must be there.
				require.NoError(t, err, "the child ended without the signal")
				require.NoError(t, serr, "a finished run without its summary")
				require.Equal(t, total, rows(data))
			}
			if at < 0 && rows(data) < total {
				// Leave the first half of the next row without its newline.
				next := wantRows[len(data):]
				next = next[:bytes.IndexByte(next, '\n')/2+1]
				require.NoError(t, os.WriteFile(path, append(data, next...), 0o644))
			}
			out, err := mmc(args...).CombinedOutput()
			require.NoError(t, err, "resume: %s", out)
			require.Contains(t, string(out), "inside CI")
			got, err := os.ReadFile(path)
			require.NoError(t, err)
			require.Equal(t, string(wantRows), string(got))
			gotSum, err := os.ReadFile(sum)
			require.NoError(t, err)
			require.Equal(t, string(wantSummary), string(gotSum))
		})
	}
	require.Positive(t, partWay, "no kill landed part-way through the study")
}

// TestResumeRefusesForeignFiles: -resume into a file of another study
// names the difference, into a file that is not a study's says so, and
// neither file is touched.
func TestResumeRefusesForeignFiles(t *testing.T) {
	dir := t.TempDir()
	small := []string{"-reps", "2", "-customers", "100", "-warmup", "0", "-q"}
	other := filepath.Join(dir, "other.jsonl")
	out, err := mmc(append(small, "-seed", "2", "-out", other)...).CombinedOutput()
	require.NoError(t, err, "%s", out)
	notes := filepath.Join(dir, "notes.jsonl")
	require.NoError(t, os.WriteFile(notes, []byte("my notes\n"), 0o644))
	for _, c := range []struct {
		path string
		args []string
		want string
	}{
		{other, nil, "belongs to another study: its seed is 2, this study's is 1"},
		{other, []string{"-seed", "2", "-customers", "200"}, `its version is "mmc/1 customers=100 warmup=0", this study's is "mmc/1 customers=200 warmup=0"`},
		{notes, nil, "is not a JSON Lines row file of a study"},
	} {
		before, err := os.ReadFile(c.path)
		require.NoError(t, err)
		cmd := mmc(append(append(small, c.args...), "-resume", "-out", c.path)...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		require.Equal(t, 1, exitCode(t, cmd.Run()))
		require.Contains(t, stderr.String(), c.want)
		after, err := os.ReadFile(c.path)
		require.NoError(t, err)
		require.Equal(t, before, after)
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 2, "stray files")
}

func TestDescribe(t *testing.T) {
	require.Equal(t, "replications", describe(studyProgress(0, 10, 0, 0)))
	require.Equal(t, "replications (4 resumed)", describe(studyProgress(4, 10, 4, 0)))
	require.Equal(t, "replications (4 resumed), 1m30s left", describe(studyProgress(5, 10, 4, 90*time.Second)))
	require.False(t, strings.Contains(describe(studyProgress(10, 10, 4, 0)), "left"))
}

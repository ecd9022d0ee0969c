//go:build unix

package cluster

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// mmcBin is the study binary, built once by TestMain.
var mmcBin string

func TestMain(m *testing.M) {
	flag.Parse() // for testing.Short
	os.Exit(func() int {
		dir, err := os.MkdirTemp("", "cluster-test")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		if gobin, err := exec.LookPath("go"); err == nil && !raceEnabled && !testing.Short() {
			bin := filepath.Join(dir, "mmc")
			if out, err := exec.Command(gobin, "build", "-o", bin, "../mmc").CombinedOutput(); err != nil {
				fmt.Fprintf(os.Stderr, "building examples/mmc: %v\n%s", err, out)
				return 1
			}
			mmcBin = bin
		}
		return m.Run()
	}())
}

func binary(t *testing.T) string {
	t.Helper()
	if testing.Short() || raceEnabled {
		t.Skip("runs the pipeline in child processes (not under -short or -race)")
	}
	if mmcBin == "" {
		t.Skip("no go command to build examples/mmc with")
	}
	return mmcBin
}

// localReps is the study size of the local runs: 4 points × 8
// replications give every one of 8 shards 4 rows, so a kill after the
// first lands part-way.
const localReps = "8"

// localArgs adapts a container's args to a local run: the volume's mount
// path becomes dir, and the study is made small.
func localArgs(args []string, mount, dir string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = strings.ReplaceAll(a, mount, dir)
		if i > 0 && args[i-1] == "-reps" {
			out[i] = localReps
		}
	}
	return out
}

// fewerCustomers makes each replication of a local run short.
var fewerCustomers = []string{"-customers", "2000", "-warmup", "100"}

// killPartWay starts cmd in a process group of its own and, once file
// holds a header and a row, kills the whole group with SIGKILL, as a lost
// node, a preempted pod or a preempted Slurm task would be.
func killPartWay(t *testing.T, cmd *exec.Cmd, file string) {
	t.Helper()
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	require.NoError(t, cmd.Start())
	for {
		b, _ := os.ReadFile(file)
		if bytes.Count(b, []byte{'\n'}) >= 2 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	require.NoError(t, syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL))
	cmd.Wait()
	b, _ := os.ReadFile(file)
	t.Logf("killed with %d rows of %s written", bytes.Count(b, []byte{'\n'})-1, filepath.Base(file))
}

// single runs the study in one process and returns its rows.
func single(t *testing.T, bin string, studyArgs []string) []byte {
	t.Helper()
	dir := t.TempDir()
	var args []string
	for i := 0; i < len(studyArgs); i++ {
		switch studyArgs[i] {
		case "-shards", "-out":
			i++
		case "-resume":
		default:
			args = append(args, studyArgs[i])
		}
	}
	path := filepath.Join(dir, "rows.jsonl")
	out, err := exec.Command(bin, append(args, "-out", path)...).CombinedOutput()
	require.NoError(t, err, "%s", out)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return b
}

// TestKubernetesPipelineLocally runs the Indexed Job's pods as processes
// with JOB_COMPLETION_INDEX set, kills one part-way and starts its
// replacement, then runs the merge Job's args.
func TestKubernetesPipelineLocally(t *testing.T) {
	k := readKubernetes(t)
	bin := binary(t)
	dir := t.TempDir()
	args := append(localArgs(k.study.Args, k.mount, dir), fewerCustomers...)
	out, _ := flagValue(args, "-out")
	for idx := range k.completions {
		env := append(os.Environ(), "JOB_COMPLETION_INDEX="+strconv.Itoa(idx))
		if idx == 1 {
			cmd := exec.Command(bin, args...)
			cmd.Env = env
			killPartWay(t, cmd, strings.ReplaceAll(out, "{shard}", "1"))
		}
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		b, err := cmd.CombinedOutput()
		require.NoError(t, err, "index %d: %s", idx, b)
		require.Contains(t, string(b), "shard "+strconv.Itoa(idx)+"/"+strconv.Itoa(k.completions)+":")
	}
	margs := localArgs(k.merge.Args, k.mount, dir)
	b, err := exec.Command(bin, margs...).CombinedOutput()
	require.NoError(t, err, "merge: %s", b)
	require.Contains(t, string(b), "inside CI")
	rows, _ := flagValue(margs, "-out")
	merged, err := os.ReadFile(rows)
	require.NoError(t, err)
	require.Equal(t, string(single(t, bin, args)), string(merged))
	for _, flag := range []string{"-summary", "-plot"} {
		p, ok := flagValue(margs, flag)
		require.True(t, ok, flag)
		require.FileExists(t, p)
	}
}

// TestSlurmPipelineLocally runs slurm-submit.sh with sbatch and go
// replaced by stand-ins that record the submissions, then plays Slurm:
// runs every array task's script with the variables Slurm sets (and srun
// as a plain exec), kills one task part-way and requeues it, and runs the
// merge script once the array is done, as afterok would.
func TestSlurmPipelineLocally(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	bin := binary(t)
	root := t.TempDir() // stands for the repository root
	shims := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(root, "examples/cluster"), 0o755))
	for _, f := range []string{"slurm-submit.sh", "slurm-study.sbatch", "slurm-merge.sbatch"} {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(root, "examples/cluster", f), b, 0o755))
	}
	log := filepath.Join(shims, "sbatch.log")
	write := func(name, body string) {
		require.NoError(t, os.WriteFile(filepath.Join(shims, name), []byte("#!/bin/bash\n"+body), 0o755))
	}
	write("go", `[ "$1 $2 $3 $4" = "build -o mmc ./examples/mmc" ] || { echo "go $*" >&2; exit 1; }; cp "`+bin+`" mmc`+"\n")
	write("sbatch", `echo "$*" >> "`+log+`"; n=$(wc -l < "`+log+`"); echo "$((4100 + n))"`+"\n")
	write("srun", `exec "$@"`+"\n")
	env := append(os.Environ(), "PATH="+shims+string(os.PathListSeparator)+os.Getenv("PATH"), "REPS="+localReps)
	run := func(script string, extra ...string) *exec.Cmd {
		cmd := exec.Command(bash, filepath.Join("examples/cluster", script))
		cmd.Dir, cmd.Env = root, append(slices.Clone(env), extra...)
		return cmd
	}
	out, err := run("slurm-submit.sh").CombinedOutput()
	require.NoError(t, err, "%s", out)
	subs, err := os.ReadFile(log)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(subs)), "\n")
	require.Len(t, lines, 2, "submissions: %q", lines)
	require.Equal(t, "--parsable examples/cluster/slurm-study.sbatch", lines[0])
	require.Equal(t, "--dependency=afterok:4101 examples/cluster/slurm-merge.sbatch", lines[1], "the merge must wait for every array task")

	lo, hi := arrayRange(t, sbatch(t, "slurm-study.sbatch")["--array"])
	for task := lo; task <= hi; task++ {
		vars := []string{"SLURM_ARRAY_JOB_ID=4101", "SLURM_ARRAY_TASK_ID=" + strconv.Itoa(task),
			"SLURM_ARRAY_TASK_MIN=" + strconv.Itoa(lo), "SLURM_ARRAY_TASK_MAX=" + strconv.Itoa(hi),
			"SLURM_ARRAY_TASK_COUNT=" + strconv.Itoa(hi-lo+1), "SLURM_ARRAY_TASK_STEP=1", "SLURM_CPUS_PER_TASK=2"}
		if task == 3 {
			cmd := run("slurm-study.sbatch", vars...)
			killPartWay(t, cmd, filepath.Join(root, "results/shard-3.jsonl"))
			vars = append(vars, "SLURM_RESTART_COUNT=1")
		}
		b, err := run("slurm-study.sbatch", vars...).CombinedOutput()
		require.NoError(t, err, "task %d: %s", task, b)
	}
	b, err := run("slurm-merge.sbatch").CombinedOutput()
	require.NoError(t, err, "merge: %s", b)
	require.Contains(t, string(b), "inside CI")
	merged, err := os.ReadFile(filepath.Join(root, "results/rows.jsonl"))
	require.NoError(t, err)
	require.Equal(t, string(single(t, bin, []string{"-seed", "1", "-reps", localReps, "-q"})), string(merged))
}

// Package cluster holds no Go code: it ships a Kubernetes Indexed Job and
// a Slurm array script for running examples/mmc as a sharded study. The
// test keeps the files consistent with each other and with the binary's
// flags.
package cluster

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func read(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestKubernetesShardCountMatchesCompletions(t *testing.T) {
	job := read(t, "k8s-study.yaml")
	m := regexp.MustCompile(`(?m)^\s+completions: (\d+)`).FindStringSubmatch(job)
	s := regexp.MustCompile(`"-shards", "(\d+)"`).FindStringSubmatch(job)
	p := regexp.MustCompile(`(?m)^\s+parallelism: (\d+)`).FindStringSubmatch(job)
	if m == nil || s == nil || p == nil {
		t.Fatal("completions, parallelism or -shards missing from k8s-study.yaml")
	}
	if m[1] != s[1] {
		t.Errorf("completions %s but -shards %s: some replications would never run", m[1], s[1])
	}
	for _, want := range []string{"completionMode: Indexed", "{shard}", "restartPolicy: Never", "claimName: nimbus-study-results"} {
		if !strings.Contains(job, want) {
			t.Errorf("k8s-study.yaml lacks %q", want)
		}
	}
	merge := read(t, "k8s-merge.yaml")
	if !strings.Contains(merge, `"-merge"`) || !strings.Contains(merge, "/results/shard-*.jsonl") || !strings.Contains(merge, "claimName: nimbus-study-results") {
		t.Error("k8s-merge.yaml does not merge the shard files of the study's volume")
	}
}

func TestSlurmArrayCoversEveryShard(t *testing.T) {
	sb := read(t, "slurm-study.sbatch")
	m := regexp.MustCompile(`#SBATCH --array=(\d+)-(\d+)`).FindStringSubmatch(sb)
	if m == nil {
		t.Fatal("no --array range")
	}
	lo, _ := strconv.Atoi(m[1])
	hi, _ := strconv.Atoi(m[2])
	if lo != 0 || hi < lo {
		t.Errorf("array %d-%d: shard files are named by task ID, so start at 0", lo, hi)
	}
	if strings.Contains(sb, "-shards") {
		t.Error("the Slurm script should take the shard count from SLURM_ARRAY_TASK_COUNT, not repeat it")
	}
	if !strings.Contains(sb, "shard-${SLURM_ARRAY_TASK_ID}.jsonl") {
		t.Error("shard files are not named by task ID")
	}
	sub := read(t, "slurm-submit.sh")
	if !strings.Contains(sub, "--dependency=afterok:") || !strings.Contains(sub, "slurm-merge.sbatch") {
		t.Error("slurm-submit.sh does not queue the merge after the array")
	}
	if !strings.Contains(read(t, "slurm-merge.sbatch"), "-merge") {
		t.Error("slurm-merge.sbatch does not merge")
	}
}

// Package cluster holds no Go code: it ships a Kubernetes Indexed Job and
// a Slurm array script for running examples/mmc as a sharded, resumable
// study. The tests read the manifests as Kubernetes and Slurm would, check
// the fields they act on, and run the whole pipeline locally: the mmc
// binary is started once per index with the environment the batch system
// would give it, one shard is killed part-way and started again as a
// replacement pod or a requeued task would be, and the merge must equal a
// single process's output byte for byte.
package cluster

import (
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// The parts of the Kubernetes objects the pipeline depends on, spelled as
// the API spells them (batch/v1 Job, core/v1 PersistentVolumeClaim).
type object struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   struct {
		Name string `yaml:"name"`
	} `yaml:"metadata"`
	Spec yaml.Node `yaml:"spec"`
}

type pvcSpec struct {
	AccessModes []string `yaml:"accessModes"`
}

type jobSpec struct {
	CompletionMode       string `yaml:"completionMode"`
	Completions          *int   `yaml:"completions"`
	Parallelism          *int   `yaml:"parallelism"`
	BackoffLimit         *int   `yaml:"backoffLimit"`
	PodReplacementPolicy string `yaml:"podReplacementPolicy"`
	PodFailurePolicy     *struct {
		Rules []struct {
			Action          string `yaml:"action"`
			OnPodConditions []struct {
				Type string `yaml:"type"`
			} `yaml:"onPodConditions"`
			OnExitCodes *struct {
				ContainerName string `yaml:"containerName"`
				Operator      string `yaml:"operator"`
				Values        []int  `yaml:"values"`
			} `yaml:"onExitCodes"`
		} `yaml:"rules"`
	} `yaml:"podFailurePolicy"`
	Template struct {
		Spec struct {
			RestartPolicy string      `yaml:"restartPolicy"`
			Containers    []container `yaml:"containers"`
			Volumes       []struct {
				Name                  string `yaml:"name"`
				PersistentVolumeClaim struct {
					ClaimName string `yaml:"claimName"`
				} `yaml:"persistentVolumeClaim"`
			} `yaml:"volumes"`
		} `yaml:"spec"`
	} `yaml:"template"`
}

type container struct {
	Name    string   `yaml:"name"`
	Image   string   `yaml:"image"`
	Command []string `yaml:"command"`
	Args    []string `yaml:"args"`
	Env     []struct {
		Name  string `yaml:"name"`
		Value string `yaml:"value"`
	} `yaml:"env"`
	VolumeMounts []struct {
		Name      string `yaml:"name"`
		MountPath string `yaml:"mountPath"`
	} `yaml:"volumeMounts"`
}

// decode reads every document of a manifest, strictly: a misspelled field
// of the parts above is an error, as kubectl's strict validation makes it.
func decode(t *testing.T, name string) map[string]object {
	t.Helper()
	f, err := os.Open(name)
	require.NoError(t, err)
	defer f.Close()
	objs := map[string]object{}
	dec := yaml.NewDecoder(f)
	for {
		var o object
		if err := dec.Decode(&o); err != nil {
			require.Equal(t, "EOF", err.Error(), "%s", name)
			return objs
		}
		objs[o.Kind] = o
	}
}

func spec[T any](t *testing.T, o object) T {
	t.Helper()
	var s T
	require.NoError(t, o.Spec.Decode(&s), o.Kind)
	return s
}

// flagValue returns the value following flag in args.
func flagValue(args []string, flag string) (string, bool) {
	i := slices.Index(args, flag)
	if i < 0 || i+1 >= len(args) {
		return "", false
	}
	return args[i+1], true
}

// entrypoint reads the image's ENTRYPOINT from the Dockerfile: the Jobs
// give only args, so the binary must be the entrypoint.
func entrypoint(t *testing.T) string {
	b, err := os.ReadFile("Dockerfile")
	require.NoError(t, err)
	m := regexp.MustCompile(`(?m)^ENTRYPOINT \["([^"]+)"\]$`).FindSubmatch(b)
	require.NotNil(t, m, "Dockerfile has no exec-form ENTRYPOINT")
	return string(m[1])
}

type k8sPipeline struct {
	completions int
	study       container
	merge       container
	mount       string // where the results volume is mounted
}

func TestKubernetesManifests(t *testing.T) {
	readKubernetes(t)
	require.Equal(t, "/mmc", entrypoint(t))
}

func readKubernetes(t *testing.T) k8sPipeline {
	t.Helper()
	objs := decode(t, "k8s-study.yaml")
	pvc, ok := objs["PersistentVolumeClaim"]
	require.True(t, ok, "k8s-study.yaml has no PersistentVolumeClaim")
	require.Equal(t, "v1", pvc.APIVersion)
	require.Contains(t, spec[pvcSpec](t, pvc).AccessModes, "ReadWriteMany", "every shard pod writes to the volume, from any node")
	job, ok := objs["Job"]
	require.True(t, ok, "k8s-study.yaml has no Job")
	require.Equal(t, "batch/v1", job.APIVersion)
	js := spec[jobSpec](t, job)
	require.Equal(t, "Indexed", js.CompletionMode, "JOB_COMPLETION_INDEX is set only in Indexed Jobs")
	require.NotNil(t, js.Completions)
	require.NotNil(t, js.Parallelism)
	require.Positive(t, *js.Parallelism)
	require.LessOrEqual(t, *js.Parallelism, *js.Completions)
	require.Equal(t, "Never", js.Template.Spec.RestartPolicy, "podFailurePolicy needs restartPolicy Never")
	// A disrupted pod must be replaced without using up backoffLimit, and
	// only once it has stopped, so two pods never write one shard file.
	require.NotNil(t, js.PodFailurePolicy, "no podFailurePolicy")
	ignores := false
	for _, r := range js.PodFailurePolicy.Rules {
		for _, c := range r.OnPodConditions {
			ignores = ignores || (r.Action == "Ignore" && c.Type == "DisruptionTarget")
		}
		if r.OnExitCodes != nil {
			require.Equal(t, "shard", r.OnExitCodes.ContainerName)
			require.NotContains(t, r.OnExitCodes.Values, 0, "exit code 0 cannot be matched")
		}
	}
	require.True(t, ignores, "disruptions (preemption, eviction) count against backoffLimit")
	require.Equal(t, "Failed", js.PodReplacementPolicy)
	require.Len(t, js.Template.Spec.Containers, 1)
	c := js.Template.Spec.Containers[0]
	require.Empty(t, c.Command, "the image's entrypoint is the binary; the Job gives args")
	for _, e := range c.Env {
		require.NotEqual(t, "JOB_COMPLETION_INDEX", e.Name, "the Job controller sets the index")
	}
	shards, ok := flagValue(c.Args, "-shards")
	require.True(t, ok, "no -shards")
	require.Equal(t, strconv.Itoa(*js.Completions), shards, "some replications would never run")
	require.Contains(t, c.Args, "-resume", "a replacement pod would start its shard over")
	out, ok := flagValue(c.Args, "-out")
	require.True(t, ok, "no -out")
	require.Contains(t, out, "{shard}", "every shard needs a file of its own")
	require.Len(t, c.VolumeMounts, 1)
	mount := c.VolumeMounts[0]
	require.True(t, strings.HasPrefix(out, mount.MountPath+"/"), "-out %s is not on the results volume", out)
	require.Len(t, js.Template.Spec.Volumes, 1)
	require.Equal(t, mount.Name, js.Template.Spec.Volumes[0].Name)
	require.Equal(t, pvc.Metadata.Name, js.Template.Spec.Volumes[0].PersistentVolumeClaim.ClaimName)

	mobjs := decode(t, "k8s-merge.yaml")
	mjob, ok := mobjs["Job"]
	require.True(t, ok, "k8s-merge.yaml has no Job")
	require.Equal(t, "batch/v1", mjob.APIVersion)
	ms := spec[jobSpec](t, mjob)
	require.Len(t, ms.Template.Spec.Containers, 1)
	m := ms.Template.Spec.Containers[0]
	require.Equal(t, c.Image, m.Image)
	require.Empty(t, m.Command)
	require.Contains(t, m.Args, "-merge")
	require.Len(t, m.VolumeMounts, 1)
	require.Equal(t, mount.MountPath, m.VolumeMounts[0].MountPath)
	require.Len(t, ms.Template.Spec.Volumes, 1)
	require.Equal(t, pvc.Metadata.Name, ms.Template.Spec.Volumes[0].PersistentVolumeClaim.ClaimName)
	return k8sPipeline{completions: *js.Completions, study: c, merge: m, mount: mount.MountPath}
}

// sbatch reads a batch script's #SBATCH options.
func sbatch(t *testing.T, name string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(name)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(b), "#!/bin/bash\n"), "%s: sbatch needs a shebang", name)
	opts := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "#SBATCH "); ok {
			k, v, _ := strings.Cut(strings.TrimSpace(rest), "=")
			opts[k] = v
		}
	}
	return opts
}

func TestSlurmScripts(t *testing.T) {
	opts := sbatch(t, "slurm-study.sbatch")
	lo, hi := arrayRange(t, opts["--array"])
	require.Zero(t, lo, "shard files are named by task ID, so the array starts at 0")
	require.Greater(t, hi, lo)
	_, requeue := opts["--requeue"]
	require.True(t, requeue, "a preempted task would not be requeued")
	require.Equal(t, "append", opts["--open-mode"], "a requeued task would overwrite its log")
	require.Contains(t, opts["--output"], "%A_%a", "array tasks would share a log")
	b, _ := os.ReadFile("slurm-study.sbatch")
	require.NotContains(t, string(b), "-shards", "the shard count comes from SLURM_ARRAY_TASK_COUNT")
	require.Contains(t, string(b), " -resume ")
	mopts := sbatch(t, "slurm-merge.sbatch")
	require.NotContains(t, mopts, "--array")
}

func arrayRange(t *testing.T, spec string) (int, int) {
	t.Helper()
	m := regexp.MustCompile(`^(\d+)-(\d+)$`).FindStringSubmatch(spec)
	require.NotNil(t, m, "--array=%s: want lo-hi", spec)
	lo, _ := strconv.Atoi(m[1])
	hi, _ := strconv.Atoi(m[2])
	return lo, hi
}

package study

import (
	"fmt"
	"strconv"
	"strings"
)

// Shard is part k of n of a study: it runs the replications whose global
// index (point × Reps + replication) is k, k+n, k+2n, ... The zero Shard
// is the whole study.
type Shard struct {
	Index int `json:"index"`
	Count int `json:"count"`
}

func (s Shard) norm() Shard {
	if s.Count == 0 {
		return Shard{0, 1}
	}
	return s
}

func (s Shard) validate() error {
	if s.Count < 0 || s.Index < 0 || (s.Count > 0 && s.Index >= s.Count) || (s.Count == 0 && s.Index != 0) {
		return fmt.Errorf("study: shard %d/%d: need 0 <= index < count", s.Index, s.Count)
	}
	return nil
}

// String prints "k/n".
func (s Shard) String() string {
	s = s.norm()
	return strconv.Itoa(s.Index) + "/" + strconv.Itoa(s.Count)
}

// Set parses "k/n", so that a *Shard is a flag.Value:
//
//	flag.Var(&cfg.Shard, "shard", "run shard k/n of the study")
func (s *Shard) Set(v string) error {
	p, err := ParseShard(v)
	if err != nil {
		return err
	}
	*s = p
	return nil
}

// ParseShard parses "k/n" (0 <= k < n).
func ParseShard(v string) (Shard, error) {
	ks, ns, ok := strings.Cut(v, "/")
	if !ok {
		return Shard{}, fmt.Errorf("study: shard %q: want k/n, e.g. 0/8", v)
	}
	k, err1 := strconv.Atoi(strings.TrimSpace(ks))
	n, err2 := strconv.Atoi(strings.TrimSpace(ns))
	if err1 != nil || err2 != nil {
		return Shard{}, fmt.Errorf("study: shard %q: want k/n with integers k and n", v)
	}
	s := Shard{k, n}
	if n < 1 || k < 0 || k >= n {
		return Shard{}, fmt.Errorf("study: shard %q: need 0 <= k < n", v)
	}
	return s, nil
}

// ShardFromEnv finds the shard a batch system assigned to this process:
// a Kubernetes Indexed Job sets JOB_COMPLETION_INDEX (the shard count is
// the Job's completions, which the pod does not see, so count must be
// given), a Slurm job array sets SLURM_ARRAY_TASK_ID and
// SLURM_ARRAY_TASK_COUNT (and SLURM_ARRAY_TASK_MIN and
// SLURM_ARRAY_TASK_STEP, so that arrays need not start at zero or count by
// one: task min+i*step is shard i). count > 0 overrides the count from the
// environment. It reports false if neither system's variables are set.
// Pass os.Getenv as getenv.
func ShardFromEnv(getenv func(string) string, count int) (Shard, bool, error) {
	if count < 0 {
		return Shard{}, false, fmt.Errorf("study: shard count %d is negative", count)
	}
	atoi := func(name string) (int, error) {
		n, err := strconv.Atoi(strings.TrimSpace(getenv(name)))
		if err != nil {
			return 0, fmt.Errorf("study: %s=%q is not an integer", name, getenv(name))
		}
		return n, nil
	}
	var s Shard
	switch {
	case getenv("JOB_COMPLETION_INDEX") != "":
		k, err := atoi("JOB_COMPLETION_INDEX")
		if err != nil {
			return Shard{}, false, err
		}
		if count == 0 {
			return Shard{}, false, fmt.Errorf("study: JOB_COMPLETION_INDEX=%d is set but the shard count is unknown; pass the Job's completions as the count", k)
		}
		s = Shard{k, count}
	case getenv("SLURM_ARRAY_TASK_ID") != "":
		k, err := atoi("SLURM_ARRAY_TASK_ID")
		if err != nil {
			return Shard{}, false, err
		}
		if getenv("SLURM_ARRAY_TASK_MIN") != "" {
			lo, err := atoi("SLURM_ARRAY_TASK_MIN")
			if err != nil {
				return Shard{}, false, err
			}
			k -= lo
		}
		// A stepped array (--array=0-14:2) numbers its tasks min, min+step,
		// ...; SLURM_ARRAY_TASK_COUNT counts them, so shard k is the
		// task's position, not its offset.
		if getenv("SLURM_ARRAY_TASK_STEP") != "" {
			step, err := atoi("SLURM_ARRAY_TASK_STEP")
			if err != nil {
				return Shard{}, false, err
			}
			if step < 1 {
				return Shard{}, false, fmt.Errorf("study: SLURM_ARRAY_TASK_STEP=%d is not positive", step)
			}
			if k%step != 0 {
				return Shard{}, false, fmt.Errorf("study: SLURM_ARRAY_TASK_ID=%s is not min + a multiple of SLURM_ARRAY_TASK_STEP=%d", getenv("SLURM_ARRAY_TASK_ID"), step)
			}
			k /= step
		}
		n := count
		if n == 0 {
			if n, err = atoi("SLURM_ARRAY_TASK_COUNT"); err != nil {
				return Shard{}, false, err
			}
		}
		s = Shard{k, n}
	default:
		return Shard{}, false, nil
	}
	if s.Count < 1 || s.Index < 0 || s.Index >= s.Count {
		return Shard{}, false, fmt.Errorf("study: shard %d/%d from the environment: need 0 <= index < count", s.Index, s.Count)
	}
	return s, true, nil
}

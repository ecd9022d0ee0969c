package sim

import "fmt"

// CheckDeterminism runs scenario twice, each time in a fresh Env seeded
// with seed and with the trace on, and compares the two trace hashes. It
// returns the hash, and an error naming the seed if the runs differ — the
// sign of a wall-clock read, a global random draw, map-order iteration or a
// goroutine somewhere in the scenario. The scenario must drive the Env
// itself (Run, RunUntil); CheckDeterminism closes it afterwards.
//
// Use it in scenario tests:
//
//	if _, err := sim.CheckDeterminism(42, myScenario); err != nil {
//		t.Fatal(err)
//	}
func CheckDeterminism(seed uint64, scenario func(env *Env)) (string, error) {
	run := func() string {
		env := New(seed, WithTrace())
		defer env.Close()
		scenario(env)
		return env.Trace().Hash()
	}
	h1, h2 := run(), run()
	if h1 != h2 {
		return h1, fmt.Errorf("sim: scenario is not deterministic at seed %d: trace hashes %s and %s differ", seed, h1[:16], h2[:16])
	}
	return h1, nil
}

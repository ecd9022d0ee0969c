package sim

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/nimbus-sim/nimbus/internal/mix"
)

// Exp draws an exponentially distributed duration with the given mean from
// r, truncated to the nanosecond.
//
// The mean must be positive. A zero or negative mean has no exponential
// distribution (it used to give zero or negative delays, garbage that
// went on silently), so Exp panics on it, as rand.IntN panics on n <= 0:
// the sampler's argument is the program's to get right. Code that takes a
// mean from its user (a flag, a config, an API parameter) checks it where
// it takes it and returns an error there; failure.Durations.Validate and
// the failure injectors do so for fault processes.
func Exp(r *rand.Rand, mean time.Duration) time.Duration {
	if mean <= 0 {
		panic(fmt.Sprintf("sim: Exp: mean %v must be positive", mean))
	}
	return time.Duration(r.ExpFloat64() * float64(mean))
}

// Rand returns the random stream called name. Its source is a PCG
// generator seeded from (root seed, name) alone, so adding a stream, or
// drawing more from one stream, never changes the draws of another. The
// same name returns the same stream for the life of the Env.
//
// Name streams by component and place, e.g. "ec2/spot/use1-az1" or
// "s3/us-east-1/errors".
func (e *Env) Rand(name string) *rand.Rand {
	if r, ok := e.streams[name]; ok {
		return r
	}
	if e.streams == nil { // Close handed the map on
		e.streams = make(map[string]*rand.Rand)
	}
	// The Rand and its source together, cut from a block: worlds and
	// injectors take a few dozen streams per replication, and keep them
	// for its life.
	if len(e.spareStreams) == 0 {
		e.spareStreams = make([]stream, streamBlock)
	}
	st := &e.spareStreams[0]
	e.spareStreams = e.spareStreams[1:]
	st.src.Seed(streamSeeds(e.seed, name))
	st.r = *rand.New(&st.src)
	e.streams[name] = &st.r
	return &st.r
}

// streamBlock is how many streams are allocated at once (256 bytes).
const streamBlock = 8

// stream is a named stream's generator and its PCG source, allocated
// together.
type stream struct {
	r   rand.Rand
	src rand.PCG
}

// Source returns a fresh PCG source for stream name, for APIs that take a
// rand.Source, such as gonum's distuv distributions:
//
//	exp := distuv.Exponential{Rate: 2, Src: env.Source("arrivals")}
//
// Two calls with the same name return two sources in the same state; keep
// the one you get.
func (e *Env) Source(name string) *rand.PCG {
	return StreamSource(e.seed, name)
}

// StreamSource is the source Env.Source derives for (seed, name), usable
// without an Env (for example to draw a study's fault plan).
func StreamSource(seed uint64, name string) *rand.PCG {
	return rand.NewPCG(streamSeeds(seed, name))
}

// streamSeeds are the PCG seeds of stream name under seed.
func streamSeeds(seed uint64, name string) (uint64, uint64) {
	h := mix.FNV64a(name)
	s1 := mix.SplitMix64(seed ^ mix.SplitMix64(h))
	s2 := mix.SplitMix64(s1 ^ h ^ 0x6a09e667f3bcc909)
	return s1, s2
}

// DeriveSeed returns a child seed for (seed, index), used for per-replication
// seeds in studies. Neighbouring indices give unrelated seeds.
func DeriveSeed(seed uint64, index uint64) uint64 {
	return mix.SplitMix64(mix.SplitMix64(seed) ^ mix.SplitMix64(index+0x9e3779b97f4a7c15))
}

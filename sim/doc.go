// Package sim is nimbus's discrete-event kernel: virtual time, the future
// event set, processes written as straight-line Go, SimPy-style shared
// resources, named random streams, tracing and metrics.
//
// Nothing in sim reads the wall clock, sleeps or starts free-running
// goroutines: time moves only when the Env pops its next event, and every
// random draw comes from a stream named by the caller, so the same seed
// gives the same run, bit for bit.
//
// # Usage
//
//	env := sim.New(42)
//	defer env.Close()
//	servers := sim.NewResource(env, "servers", 2)
//	rng := env.Rand("arrivals")
//	env.Go("source", func(p *sim.Proc) {
//		for i := 0; ; i++ {
//			p.Sleep(sim.Exp(rng, time.Second))
//			env.Go("customer", func(c *sim.Proc) {
//				servers.Acquire(c)
//				defer servers.Release()
//				c.Sleep(sim.Exp(env.Rand("service"), 1500*time.Millisecond))
//			})
//		}
//	})
//	env.RunUntil(env.FromTime(sim.DefaultEpoch().Add(24 * time.Hour)))
//
// An Env is single-goroutine: one goroutine drives it and only one process
// runs at a time, so model code needs no locks. Run many Envs in parallel
// for Monte Carlo studies (see package sim/study).
//
// # Time
//
// Time is an int64 count of nanoseconds since the Env's epoch (by default
// 2026-01-01T00:00:00Z); Env.TimeOf turns it into a calendar time so that
// billing months and credential expirations are real dates. Durations are
// time.Duration.
//
// # Events and timers
//
// Events are ordered by (instant, scheduling sequence), so events at the
// same instant run first-in first-out. At and After schedule a callback and
// return a Timer whose Stop cancels it in O(1); Handle and Schedule are the
// allocation-free form for hot paths. Scheduling in the past panics: it is
// a programming error.
//
// # Daemons
//
// Background machinery that never ends by itself — failure renewal
// processes, spot price walks, other tenants' demand — is started with
// GoDaemon, AtDaemon, AfterDaemon or HandleDaemon. Daemon events run like
// any others, but Run returns once only daemon events remain, so a
// scenario ends when its own processes are done; RunUntil and RunFor run a
// fixed horizon, daemons included.
//
// # Processes
//
// Env.Go starts a process; inside it, Sleep, Wait, WaitAny, WaitAll,
// WaitTimeout, Resource.Acquire, Store.Get/Put and Container.Get/Put
// suspend it in virtual time. Interrupt ends a process's current wait with
// an *Interrupted error carrying a cause (a spot notice, say); Kill ends the
// process outright, running its deferred calls, as a reclaimed instance
// takes its processes down. *Proc is a context.Context.
package sim

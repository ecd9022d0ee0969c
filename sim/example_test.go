package sim_test

import (
	"fmt"
	"time"

	"github.com/nimbus-sim/nimbus/sim"
)

// An M/M/2 queue in ten lines: customers arrive every 0.6 s on average and
// need 1 s of one of two servers. Erlang C predicts a stationary mean wait of
// 2.27 s at this load (rho = 0.83); a finite run from an empty queue lands near it.
func Example_mmc() {
	env := sim.New(42)
	defer env.Close()
	servers := sim.NewResource(env, "servers", 2)
	arrivals, service := env.Rand("arrivals"), env.Rand("service")
	var waited time.Duration
	served := 0
	env.Go("source", func(p *sim.Proc) {
		for range 10000 {
			p.Sleep(sim.Exp(arrivals, 600*time.Millisecond))
			env.Go("customer", func(c *sim.Proc) {
				t0 := c.Now()
				servers.Acquire(c)
				waited += c.Now().Sub(t0)
				served++
				c.Sleep(sim.Exp(service, time.Second))
				servers.Release()
			})
		}
	})
	env.Run()
	fmt.Printf("served %d, mean wait %.2fs, utilisation %.2f\n",
		served, (waited / time.Duration(served)).Seconds(), servers.Busy().Mean()/2)
	// Output:
	// served 10000, mean wait 2.09s, utilisation 0.83
}

// A process is interrupted while it waits, and the cause reaches it.
func ExampleProc_Interrupt() {
	env := sim.New(1)
	defer env.Close()
	job := env.Go("training", func(p *sim.Proc) {
		if err := p.Sleep(8 * time.Hour); err != nil {
			fmt.Println(p.Now(), err)
		}
	})
	env.After(2*time.Hour, func() { job.Interrupt("spot instance-action: terminate") })
	env.Run()
	// Output:
	// +2h0m0s sim: interrupted: spot instance-action: terminate
}

// Named streams are independent: the draws of "arrivals" do not depend on
// whether "service" exists.
func ExampleEnv_Rand() {
	env := sim.New(7)
	defer env.Close()
	r := env.Rand("ec2/spot/use1-az1")
	a := []int{r.IntN(100), r.IntN(100), r.IntN(100)}

	env2 := sim.New(7)
	defer env2.Close()
	env2.Rand("something-else").Uint64() // a new component draws first
	r2 := env2.Rand("ec2/spot/use1-az1")
	b := []int{r2.IntN(100), r2.IntN(100), r2.IntN(100)}
	fmt.Println(fmt.Sprint(a) == fmt.Sprint(b))
	// Output:
	// true
}

// A timer can be cancelled before it fires.
func ExampleTimer_Stop() {
	env := sim.New(1)
	defer env.Close()
	alarm := env.After(time.Hour, func() { fmt.Println("alarm") })
	env.After(time.Minute, func() { fmt.Println("stopped:", alarm.Stop()) })
	env.Run()
	fmt.Println("now", env.Now())
	// Output:
	// stopped: true
	// now +1m0s
}

// A gauge keeps running integrals: its mean and maximum over its life
// take constant memory. KeepHistory keeps every change, for windows
// chosen after the run.
func ExampleKeepHistory() {
	env := sim.New(1)
	defer env.Close()
	flat := env.NewGauge("queue", 0)
	full := env.NewGauge("queue.history", 0, sim.KeepHistory())
	for i, v := range []float64{4, 1} {
		env.At(sim.Time(time.Duration(i+1)*10*time.Second), func() { flat.Set(v); full.Set(v) })
	}
	env.RunUntil(sim.Time(40 * time.Second))
	fmt.Println(flat.Mean(), flat.Max(), full.Mean())
	fmt.Println(full.MeanOver(sim.Time(15*time.Second), sim.Time(25*time.Second)))
	// Output:
	// 1.5 4 1.5
	// 2.5
}

// Package serve runs servers on EC2 instances and drives load at them.
//
// A server is a process on an instance that listens on a port with a
// Handler: straight-line code that may sleep for a service time, do CPU
// work (Service.Work: slower on a T2/T3 instance out of credits) or call
// other services with its process as the context. Workers bound its
// concurrency and Backlog queues the rest; a full backlog refuses the
// connection. The workers are bound to the instance (ec2.Machine.Go), so a
// stop, reboot, termination or spot reclaim drops every connection the
// server holds. Options.Startup runs before the server accepts anything —
// the place to load a model from S3. A handler that panics fails its
// request (a dropped connection, a 502 behind a load balancer) and is
// recorded with the instance ID and the virtual time (Service.Panics).
//
//	srv := serve.New(ec2svc)
//	srv.Listen(m, 80, func(p *sim.Proc, r *serve.Request) serve.Response {
//		p.Sleep(20 * time.Millisecond)
//		return serve.Response{Status: 200, Bytes: 1000}
//	}, serve.Options{Workers: 8, Backlog: 64})
//
// Load generators send Requests to an Endpoint (Direct for one server, or
// an ALB from package ec2/elb): Poisson for open-loop arrivals from the
// internet or an instance, ClosedLoop for users with think time. A
// Recorder keeps every request's latency and status; Summary gives
// availability and p50/p99 over a window.
package serve

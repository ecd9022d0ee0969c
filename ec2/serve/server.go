package serve

import (
	"errors"
	"fmt"
	"reflect"

	"github.com/nimbus-sim/nimbus/ec2"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
)

// Options configure a server. The zero value is the default.
type Options struct {
	// Workers bounds how many requests the handler serves at once (worker
	// processes or threads); default 16.
	Workers int
	// Backlog is how many accepted connections wait for a worker; when it
	// is full a new connection is refused. Default 128 (Linux's historic
	// SOMAXCONN).
	Backlog int
	// Startup, if set, runs on the instance before the server accepts
	// connections (loading a model from S3, say): until it returns,
	// connections are refused; if it fails, the server never listens.
	Startup func(p *sim.Proc) error
}

func (o *Options) norm() error {
	if o.Workers < 0 || o.Backlog < 0 {
		return fmt.Errorf("serve: Workers %d and Backlog %d must not be negative", o.Workers, o.Backlog)
	}
	if o.Workers == 0 {
		o.Workers = 16
	}
	if o.Backlog == 0 {
		o.Backlog = 128
	}
	return nil
}

// State is a server's life stage.
type State uint8

// Server states.
const (
	Starting State = iota // running Options.Startup
	Listening
	Closed // the process died with its instance, or Close was called
	Failed // Startup returned an error
)

func (s State) String() string {
	return [...]string{"starting", "listening", "closed", "failed"}[s]
}

type key struct {
	instance string
	port     int
}

// Service keeps the servers listening on one world's instances: the
// transport a load balancer or a client on another instance reaches them
// through. It belongs to its Env's goroutine.
type Service struct {
	ec2     *ec2.Service
	env     *sim.Env
	w       *region.World
	servers map[key]*Server
	cpu     map[string]float64
	panics  []Panic
	onPanic []func(Panic)
}

// New returns the server registry of an EC2 service's world.
func New(svc *ec2.Service) *Service {
	if svc == nil {
		panic("serve: New: nil ec2 service")
	}
	return &Service{ec2: svc, env: svc.Env(), w: svc.World(), servers: map[key]*Server{}, cpu: map[string]float64{}}
}

// EC2 returns the EC2 service the servers run on.
func (s *Service) EC2() *ec2.Service { return s.ec2 }

// Panics returns the handler panics so far, oldest first.
func (s *Service) Panics() []Panic { return append([]Panic(nil), s.panics...) }

// OnPanic registers f to hear of every handler panic.
func (s *Service) OnPanic(f func(Panic)) { s.onPanic = append(s.onPanic, f) }

// Server returns what listens on an instance's port, if anything (a
// closed server is not returned).
func (s *Service) Server(instanceID string, port int) (*Server, bool) {
	v, ok := s.servers[key{instanceID, port}]
	if !ok || v.state == Closed || v.state == Failed {
		return nil, false
	}
	return v, true
}

// ErrPortInUse is returned by Listen when a live server holds the port
// (EADDRINUSE).
var ErrPortInUse = errors.New("serve: address already in use")

// Listen starts a server on instance m's port: Options.Startup first,
// then Workers worker processes bound to the instance (Machine.Go), so
// they die with it. A stopped, rebooted, terminated or reclaimed instance
// drops every connection it holds and must Listen again once running.
func (s *Service) Listen(m *ec2.Machine, port int, h Handler, o Options) (*Server, error) {
	if m == nil || h == nil {
		panic("serve: Listen: nil machine or handler")
	}
	if port < 1 || port > 65535 {
		return nil, fmt.Errorf("serve: port %d out of range 1-65535", port)
	}
	if err := o.norm(); err != nil {
		return nil, err
	}
	if _, ok := s.Server(m.ID(), port); ok {
		return nil, fmt.Errorf("%w: %s:%d", ErrPortInUse, m.ID(), port)
	}
	srv := &Server{svc: s, m: m, port: port, h: h, o: o,
		queue: sim.NewStore[*Request](s.env, fmt.Sprintf("%s:%d/backlog", m.ID(), port), o.Backlog)}
	start := func(p *sim.Proc) {
		if o.Startup != nil {
			if err := o.Startup(p); err != nil {
				srv.state = Failed
				srv.err = err
				return
			}
		}
		if srv.state != Starting {
			return
		}
		for i := 0; i < o.Workers; i++ {
			wk := &worker{}
			p, err := m.Go(fmt.Sprintf("httpd:%d/worker-%d", port, i), srv.work(wk))
			if err != nil {
				srv.close(Closed)
				return
			}
			wk.p = p
			p.OnExit(func(*sim.Proc) { srv.workerExit(wk) })
			srv.workers = append(srv.workers, wk)
		}
		srv.state = Listening
	}
	if o.Startup == nil {
		// No start-up work: listening at once, without a process switch.
		start(nil)
	} else if _, err := m.Go(fmt.Sprintf("httpd:%d/startup", port), start); err != nil {
		return nil, err
	}
	if srv.state == Closed {
		return nil, ec2.ErrInstanceNotRunning
	}
	s.servers[key{m.ID(), port}] = srv
	return srv, nil
}

// Server is one listening process on an instance.
type Server struct {
	svc     *Service
	m       *ec2.Machine
	port    int
	h       Handler
	o       Options
	state   State
	err     error
	queue   *sim.Store[*Request]
	workers []*worker

	busy                           int
	served, refused, dropped, errs int64
}

type worker struct {
	p   *sim.Proc
	cur *Request
}

// State returns the server's life stage.
func (v *Server) State() State { return v.state }

// Err returns why Startup failed, if it did.
func (v *Server) Err() error { return v.err }

// Machine returns the instance the server runs on.
func (v *Server) Machine() *ec2.Machine { return v.m }

// Port returns the port.
func (v *Server) Port() int { return v.port }

// Busy returns the number of requests being handled now.
func (v *Server) Busy() int { return v.busy }

// Queued returns the number of accepted connections waiting for a worker.
func (v *Server) Queued() int { return v.queue.Len() }

// Stats returns requests answered, refused (backlog full) and dropped so far.
func (v *Server) Stats() (served, refused, dropped int64) { return v.served, v.refused, v.dropped }

// Accept takes a request arriving at the instance now. It returns false,
// with r.Outcome set, when the connection fails at once (refused,
// unreachable); otherwise r.Reply runs when the handler is done or the
// connection is dropped, at that instant, on the server's side: the
// sender adds the network back.
func (v *Server) Accept(r *Request) bool {
	switch {
	case v.m.State() != ec2.InstanceStateRunning:
		r.Outcome = Unreachable
		return false
	case v.state != Listening:
		r.Outcome = Refused
		v.refused++
		return false
	}
	r.Instance = v.m.ID()
	if !v.queue.TryPut(r) {
		r.Outcome = Refused
		v.refused++
		return false
	}
	return true
}

// Close stops listening: queued and in-flight connections are dropped.
func (v *Server) Close() { v.close(Closed) }

func (v *Server) close(to State) {
	if v.state == Closed || v.state == Failed {
		return
	}
	v.state = to
	for {
		r, ok := v.queue.TryGet()
		if !ok {
			break
		}
		v.drop(r)
	}
	ws := v.workers
	v.workers = nil
	for _, wk := range ws {
		if wk.cur != nil {
			r := wk.cur
			wk.cur = nil
			v.busy--
			v.drop(r)
		}
		if wk.p != nil && wk.p != v.svc.env.Current() {
			wk.p.Kill(errServerClosed)
		}
	}
}

var errServerClosed = errors.New("serve: server closed")

func (v *Server) drop(r *Request) {
	v.dropped++
	r.Outcome = Dropped
	r.Reply(r)
}

// workerExit runs when a worker process ends: killed with its instance
// (stop, reboot, termination, reclaim, host or zone failure) — the whole
// server goes down with it, as the process dies with its VM.
func (v *Server) workerExit(wk *worker) {
	if wk.cur != nil {
		r := wk.cur
		wk.cur = nil
		v.busy--
		v.drop(r)
	}
	v.close(Closed)
}

func (v *Server) work(wk *worker) func(p *sim.Proc) {
	return func(p *sim.Proc) {
		for {
			r, err := v.queue.Get(p)
			if err != nil {
				return
			}
			wk.cur = r
			v.busy++
			res, ok := v.run(p, r)
			if wk.cur != r {
				// Dropped meanwhile (Close from inside the handler).
				continue
			}
			wk.cur = nil
			v.busy--
			if !ok {
				v.drop(r)
				continue
			}
			v.served++
			r.Outcome = Answered
			r.Resp = res
			r.Reply(r)
		}
	}
}

// simPkg is the path of package sim, whose own unwinding of a killed
// process travels as a panic that must not be taken for the handler's.
var simPkg = reflect.TypeFor[sim.Time]().PkgPath()

// run calls the handler, turning its panic into a dropped connection that
// is reported with the instance and the virtual time.
func (v *Server) run(p *sim.Proc, r *Request) (res Response, ok bool) {
	defer func() {
		x := recover()
		if x == nil {
			return
		}
		if t := reflect.TypeOf(x); t != nil && t.PkgPath() == simPkg {
			panic(x) // a kill unwinding the worker: not the handler's fault
		}
		pn := Panic{InstanceID: v.m.ID(), Port: v.port, Path: r.Path, At: v.svc.env.Now(), Value: x}
		v.svc.panics = append(v.svc.panics, pn)
		for _, f := range v.svc.onPanic {
			f(pn)
		}
		v.errs++
		ok = false
	}()
	return v.h(p, r), true
}

// Work runs vCPU-seconds of CPU work for a handler on its instance and
// counts it in the instance's CPU meter (CPUSeconds): a T2/T3 instance out
// of CPU credits runs it at its baseline, so it takes longer
// (ec2.Machine.Work).
func (s *Service) Work(p *sim.Proc, vcpuSeconds float64) error {
	m, ok := ec2.MachineOf(p)
	if !ok {
		return fmt.Errorf("serve: Work: process %s is not on an instance", p.Name())
	}
	if err := m.Work(p, vcpuSeconds); err != nil {
		return err
	}
	s.cpu[m.ID()] += vcpuSeconds
	return nil
}

// CPUSeconds returns the vCPU-seconds of work handlers have done on an
// instance so far (through Work): the running workload's CPU, which a
// metrics source turns into CPUUtilization over a window.
func (s *Service) CPUSeconds(instanceID string) float64 { return s.cpu[instanceID] }

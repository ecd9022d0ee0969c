package serve

import (
	"time"

	"github.com/nimbus-sim/nimbus/region"
)

// DefaultConnectTimeout is how long a client waits for a TCP connection to
// an unreachable address before giving up (the Linux default of about two
// minutes is rarely what a service uses; 10 s is the ALB's own connect
// timeout to targets).
const DefaultConnectTimeout = 10 * time.Second

// Direct is an endpoint that reaches one server straight over the network,
// as a client on another instance (or on the internet) calling its IP.
type Direct struct {
	svc      *Service
	instance string
	port     int
	// ConnectTimeout is how long an unreachable address takes to fail;
	// DefaultConnectTimeout when zero.
	ConnectTimeout time.Duration
}

// Direct returns an endpoint for instanceID's port.
func (s *Service) Direct(instanceID string, port int) *Direct {
	return &Direct{svc: s, instance: instanceID, port: port}
}

type directFlight struct {
	reply func(*Request)
	tag   any
}

// Send sends r to the server: one-way latency there and back, a refused
// connection after one round trip, an unreachable one after the connect
// timeout.
func (d *Direct) Send(r *Request) {
	s := d.svc
	r.Sent = s.env.Now()
	r.Port = d.port
	ct := d.ConnectTimeout
	if ct == 0 {
		ct = DefaultConnectTimeout
	}
	fail := func(o Outcome, after time.Duration) {
		s.env.After(after, func() { r.Outcome = o; r.Reply(r) })
	}
	m, ok := s.ec2.Machine(d.instance)
	if !ok || m.HostID() == "" {
		fail(Unreachable, ct)
		return
	}
	to, err := s.w.AtHost(m.HostID())
	if err != nil {
		fail(Unreachable, ct)
		return
	}
	lat, err := s.w.Network().Latency(r.From, to)
	if err != nil {
		fail(Unreachable, ct)
		return
	}
	s.env.After(lat, func() {
		srv, ok := s.Server(d.instance, d.port)
		if !ok {
			if m.State() != "running" {
				fail(Unreachable, ct-lat)
				return
			}
			fail(Refused, lat)
			return
		}
		f := &directFlight{reply: r.Reply, tag: r.Tag}
		r.Reply = func(r *Request) {
			r.Reply, r.Tag = f.reply, f.tag
			back, err := s.w.Network().Latency(to, r.From)
			if err != nil {
				back = 0
			}
			s.env.After(back, func() { r.Reply(r) })
		}
		if !srv.Accept(r) {
			r.Reply, r.Tag = f.reply, f.tag
			if r.Outcome == Unreachable {
				fail(Unreachable, ct-lat)
			} else {
				fail(r.Outcome, lat)
			}
		}
	})
}

var _ Endpoint = (*Direct)(nil)

// InternetClient is where internet clients near a region send from.
func InternetClient(near string) region.Location { return region.OnInternet(near) }

package serve

import (
	"fmt"
	"time"

	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
)

// Outcome is how a request ended at the transport level, before any HTTP
// status: whether a server answered at all.
type Outcome uint8

// Outcomes.
const (
	// Answered: the handler ran and its Response is in Request.Resp.
	Answered Outcome = iota
	// Refused: nothing listens on the port, the server is still starting,
	// or its backlog is full; the client gets a TCP RST.
	Refused
	// Dropped: the connection was accepted and then lost, because the
	// instance stopped, rebooted, terminated or was reclaimed, or the
	// handler panicked.
	Dropped
	// Unreachable: no packet reaches the instance (it is not running, or
	// its zone is dark); the client's connect attempt times out.
	Unreachable
	// TimedOut: the client (or a load balancer) gave up waiting.
	TimedOut
)

func (o Outcome) String() string {
	switch o {
	case Answered:
		return "answered"
	case Refused:
		return "refused"
	case Dropped:
		return "dropped"
	case Unreachable:
		return "unreachable"
	case TimedOut:
		return "timed-out"
	}
	return fmt.Sprintf("Outcome(%d)", uint8(o))
}

// Response is what a handler returns: an HTTP status and the body size.
type Response struct {
	Status int
	Bytes  int64
}

// Request is one HTTP request in flight. Whoever sends it sets Path, Port,
// Bytes, From and Reply; the receiving side fills Outcome and Resp and
// calls Reply exactly once, at the virtual instant the answer (or the
// failure) reaches the sender.
type Request struct {
	Method string
	Path   string
	Port   int
	// Bytes is the request's size (headers and body).
	Bytes int64
	// From is where the request comes from.
	From region.Location
	// Sent is when the sender sent it.
	Sent sim.Time

	Outcome Outcome
	Resp    Response
	// Instance is the instance that served it, if one did.
	Instance string

	// Reply is called once when the request is over. It must not block.
	Reply func(*Request)
	// Tag is the sender's own bookkeeping; the receiver leaves it alone.
	Tag any
	// Index is free for the sender too (a slot in a pool, say).
	Index uint32
}

// Status is the HTTP status the sender saw: Resp.Status when answered,
// 0 for a transport failure (no HTTP response at all).
func (r *Request) Status() int {
	if r.Outcome == Answered {
		return r.Resp.Status
	}
	return 0
}

// Endpoint is anything requests can be sent to: a server reached directly
// over the network (Direct) or a load balancer. Send returns at once; the
// request's Reply runs later.
type Endpoint interface {
	Send(r *Request)
}

// Handler serves one request as straight-line code on the instance: it
// may sleep for a service time, do CPU work (Work), call other services
// with p as the context. It runs in one of the server's worker processes.
type Handler func(p *sim.Proc, r *Request) Response

// Panic records a handler that panicked: the request failed with a
// dropped connection (a load balancer answers 502) and the simulation
// went on.
type Panic struct {
	InstanceID string
	Port       int
	Path       string
	At         sim.Time
	Value      any
}

func (p Panic) String() string {
	return fmt.Sprintf("handler panic on %s:%d %s at %v: %v", p.InstanceID, p.Port, p.Path, time.Duration(p.At), p.Value)
}

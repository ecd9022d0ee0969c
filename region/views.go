package region

import "fmt"

// A World has many knobs. They are grouped into three views a reader can
// hold in mind, each a small value over the world:
//
//   - Network: latency, throughput and transfers between places, network
//     interfaces and their shared bandwidth, the routing hook;
//   - Fleet: hosts, instance shapes, placement and other tenants' demand;
//   - Faults: what the failure layer does to the world (failed hosts and
//     zones, partitions, degraded paths, injected API errors).
//
// The World itself keeps the places (partitions, regions, zones, the
// Locations of zones, hosts and slots), the request pipeline (Call,
// Setup, the IAM and STS clients) and the ledger.

// Network is the world's network view.
type Network struct{ w *World }

// Fleet is the world's hosts-and-placement view.
type Fleet struct{ w *World }

// Faults is the world's fault-injection view; it implements the failure
// package's host, zone, region, network and error targets.
type Faults struct{ w *World }

// Network returns the network view.
func (w *World) Network() Network { return Network{w} }

// Fleet returns the hosts-and-placement view.
func (w *World) Fleet() Fleet { return Fleet{w} }

// Faults returns the fault-injection view.
func (w *World) Faults() Faults { return Faults{w} }

// String describes the world, not one of its parts.
func (w *World) String() string {
	return fmt.Sprintf("world{%d partitions, %d regions, %d zones, %d hosts, %d running}",
		len(w.partitions), len(w.regions), len(w.azs), w.hostCount(), w.running)
}

func (v Network) String() string { return fmt.Sprintf("network{%v}", &v.w.flows) }
func (v Fleet) String() string   { return v.w.fleet.String() }
func (v Faults) String() string  { return "faults of " + v.w.String() }

package region

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/nimbus-sim/nimbus/iam"
)

// This file is the routing hook a network layer (the vpc package)
// implements and registers on the World with SetRouter. Without one, a
// world behaves as if every caller had a direct path, and a Location that
// names a VPC or subnet is an error (nothing knows the ID).

// Protocol is a transport protocol of a destination.
type Protocol uint8

const (
	ProtocolTCP Protocol = iota // the zero value: API calls are HTTPS over TCP
	ProtocolUDP
	ProtocolICMP
)

func (p Protocol) String() string {
	switch p {
	case ProtocolTCP:
		return "tcp"
	case ProtocolUDP:
		return "udp"
	case ProtocolICMP:
		return "icmp"
	}
	return "invalid-protocol"
}

// Destination is where a call or a flow goes: a service endpoint in a
// region (Service set), or a place (To set), or an address (IP set), with
// the protocol and port.
type Destination struct {
	// Service and Region name a service endpoint ("s3", "us-east-1"); the
	// region of a global service's endpoint is the partition's global
	// region.
	Service string
	Region  string
	// To is another place: an instance, a load-balancer node.
	To Location
	// IP is an address: another interface's private IP, or a public IP.
	IP netip.Addr
	// Protocol and Port; API calls are TCP to 443.
	Protocol Protocol
	Port     uint16
}

func (d Destination) String() string {
	var s string
	switch {
	case d.Service != "":
		s = d.Service + "." + d.Region
	case d.To.IsValid():
		s = d.To.String()
	default:
		s = d.IP.String()
	}
	return fmt.Sprintf("%s:%d/%v", s, d.Port, d.Protocol)
}

// HopKind is a kind of hop on a route.
type HopKind uint8

const (
	HopLocal             HopKind = iota + 1 // within the VPC (the "local" route)
	HopInternetGateway                      // igw-…
	HopNATGateway                           // nat-…
	HopGatewayEndpoint                      // vpce-… of type Gateway (S3, DynamoDB)
	HopInterfaceEndpoint                    // vpce-… of type Interface (PrivateLink)
	HopPeering                              // pcx-…
)

func (k HopKind) String() string {
	switch k {
	case HopLocal:
		return "local"
	case HopInternetGateway:
		return "internet-gateway"
	case HopNATGateway:
		return "nat-gateway"
	case HopGatewayEndpoint:
		return "gateway-endpoint"
	case HopInterfaceEndpoint:
		return "interface-endpoint"
	case HopPeering:
		return "peering"
	}
	return "invalid-hop"
}

// Hop is one step of a route: its kind, the ID of the gateway, endpoint or
// peering connection ("" for local), and the one-way latency it adds on
// top of the path class's draw.
type Hop struct {
	Kind    HopKind
	ID      string
	Latency time.Duration
}

// TransferClass is how billing classifies the bytes a route carries.
type TransferClass uint8

const (
	// TransferIntraAZ: private traffic within one zone (free).
	TransferIntraAZ TransferClass = iota + 1
	// TransferInterAZ: private traffic between zones of a region ($0.01/GB
	// each way).
	TransferInterAZ
	// TransferNATProcessed: through a NAT gateway (per-GB processing on top
	// of the onward class).
	TransferNATProcessed
	// TransferInternetOut: out to the internet.
	TransferInternetOut
	// TransferSameRegionPublicIP: to a public or Elastic IP in the same
	// region (billed as inter-AZ).
	TransferSameRegionPublicIP
	// TransferInterRegion: to another region.
	TransferInterRegion
)

func (t TransferClass) String() string {
	switch t {
	case TransferIntraAZ:
		return "intra-az"
	case TransferInterAZ:
		return "inter-az"
	case TransferNATProcessed:
		return "nat-processed"
	case TransferInternetOut:
		return "internet-out"
	case TransferSameRegionPublicIP:
		return "same-region-public-ip"
	case TransferInterRegion:
		return "inter-region"
	}
	return "unclassified"
}

// SourceKeys are the global condition keys a route gives the request, as
// IAM sees them: aws:SourceIp is the public address the service sees (not
// set when the traffic comes through a VPC endpoint); aws:SourceVpc,
// aws:SourceVpce and aws:VpcSourceIp are set only for traffic through a
// VPC endpoint.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
type SourceKeys struct {
	SourceIP    netip.Addr // aws:SourceIp
	SourceVpc   string     // aws:SourceVpc
	SourceVpce  string     // aws:SourceVpce
	VpcSourceIP netip.Addr // aws:VpcSourceIp
}

// IsZero reports whether k sets no key.
func (k SourceKeys) IsZero() bool { return k == SourceKeys{} }

// Route is a Router's answer: the hops, the transfer class billing needs,
// the condition keys the request carries, and the policy of the VPC
// endpoint it goes through.
type Route struct {
	Hops     []Hop
	Transfer TransferClass
	Keys     SourceKeys
	// EndpointPolicy is the policy of the VPC endpoint (gateway or
	// interface) the route goes through, or nil (no endpoint, or the
	// default full-access policy). The pipeline's authorize step requires
	// it to allow the request too, on top of the identity- and
	// resource-based policies, which it does not replace: an explicit
	// deny in it denies, and without an allow the request is denied
	// "because no VPC endpoint policy allows" the action.
	// https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html
	EndpointPolicy *iam.Policy
}

// ExtraLatency returns the one-way latency the hops add.
func (r *Route) ExtraLatency() time.Duration {
	var d time.Duration
	for i := range r.Hops {
		d += r.Hops[i].Latency
	}
	return d
}

// Via returns the first hop of kind k, if any.
func (r *Route) Via(k HopKind) (Hop, bool) {
	for _, h := range r.Hops {
		if h.Kind == k {
			return h, true
		}
	}
	return Hop{}, false
}

// Router is the network layer's routing hook. The World asks it, for every
// attempt of every call, how the caller reaches the service endpoint, and
// services ask it (World.Route) for flows between places.
//
// Route answers with a route, or ok == false for "no route": the SDK's
// connect attempt then hangs until its connect timeout and the caller sees
// a *ConnectTimeoutError, not an AWS error code. Route runs at one virtual
// instant and must not wait. A Router that panics is reported as an error
// of the call naming its operation and request ID.
//
// CheckNetwork validates a network identity before a call uses it: nil if
// the network knows every non-empty ID in n (and they agree: the subnet is
// in the VPC, the interface in the subnet), else an error naming the
// unknown ID, e.g. InvalidSubnetID.NotFound "The subnet ID 'subnet-1' does
// not exist".
type Router interface {
	Route(from Location, to Destination) (r Route, ok bool)
	CheckNetwork(n NetworkIdentity) error
}

// NetworkChangeCounter is an optional interface of a Router whose
// CheckNetwork answers depend on its own state alone. NetworkChanges
// returns a count that changes whenever any CheckNetwork answer could
// (a VPC, subnet or interface created or deleted). With it, the World
// asks CheckNetwork again only when the caller's identity or the count
// has changed since the last identity it found valid: a caller's calls
// come in runs, and the check (an interface call with a 100-byte
// argument) is made on every call.
type NetworkChangeCounter interface {
	NetworkChanges() uint64
}

// CallRouter is an optional interface of a Router that answers the
// pipeline's own question, the route of an API call, without the copies
// Route's signature makes on every attempt of every call (the caller's
// Location, a Destination and the Route answered, some 300 bytes in all).
// RouteCall(dst, from, service, region) must answer exactly as
// Route(*from, Destination{Service: service, Region: region, Port: 443})
// would (TCP to 443, as API calls go), writing the route into *dst, which
// is the zero Route, and returning ok. It must keep neither pointer.
type CallRouter interface {
	RouteCall(dst *Route, from *Location, service, region string) (ok bool)
}

// SetRouter registers the network layer's Router; nil removes it, and the
// world goes back to direct paths.
func (v Network) SetRouter(r Router) { v.w.setRouter(r) }

// setRouter registers r, noting whether it counts its changes.
func (w *World) setRouter(r Router) {
	w.router = r
	pp := &w.pipe
	pp.changes, _ = r.(NetworkChangeCounter)
	pp.callRouter, _ = r.(CallRouter)
	pp.checked, pp.checkedGen = nil, 0
}

// Router returns the registered Router, or nil.
func (v Network) Router() Router {
	w := v.w
	return w.router
}

package region

import (
	"context"
	"net/netip"

	"github.com/nimbus-sim/nimbus/sim"
)

// Location is a place traffic flows between: a host, a zone, a region (a
// regional service endpoint) or an internet client near a region. Inside a
// VPC it also carries a network identity (WithNetwork): VPC, subnet,
// network interface, private and public IPv4. The zero Location is
// invalid. Locations are small values (the identity is held by pointer,
// because every call passes its Location around many times); compare
// them with Equal, as == compares two identities by address.
type Location struct {
	region   string
	az       string
	host     uint32 // host index + 1; 0 = not on a host
	internet bool
	net      *NetworkIdentity // nil outside a VPC; never mutated once set
}

// NetworkIdentity is where a caller sits inside a VPC. The zero value
// means "no VPC": a caller outside any VPC (an internet client, or a world
// without a network layer). The IDs are the vpc package's ("vpc-…",
// "subnet-…", "eni-…"); the World checks that it knows each non-empty one
// (see Router.CheckNetwork and Network.AttachInterface) when a call names it.
type NetworkIdentity struct {
	VpcID              string
	SubnetID           string
	NetworkInterfaceID string
	// PrivateIPv4 is the interface's primary private address; PublicIPv4
	// its public or Elastic IP, the zero Addr if it has none.
	PrivateIPv4 netip.Addr
	PublicIPv4  netip.Addr
	// OnInstance says the caller runs on an EC2 instance (as opposed to,
	// say, a Lambda function or an on-premises host behind a VPN).
	OnInstance bool
}

// IsZero reports whether n names nothing.
func (n NetworkIdentity) IsZero() bool { return n == NetworkIdentity{} }

// InRegion is the location of a regional endpoint (its front ends sit in
// every zone, so a caller inside the region reaches one in its own zone;
// the path is PathRegional).
func InRegion(code string) Location { return Location{region: code} }

// OnInternet is a client on the internet whose nearest AWS region is near.
func OnInternet(near string) Location { return Location{region: near, internet: true} }

// InAZ returns the location of zone azID.
func (w *World) InAZ(azID string) (Location, error) {
	z, err := w.AZ(azID)
	if err != nil {
		return Location{}, err
	}
	return Location{region: z.region.spec.Code, az: z.id}, nil
}

// AtHost returns the location of a host.
func (w *World) AtHost(hostID string) (Location, error) {
	hi, err := w.parseHostID(hostID)
	if err != nil {
		return Location{}, err
	}
	return w.hostLoc(hi), nil
}

func (w *World) hostLoc(hi uint32) Location {
	z := w.pools[w.hosts[hi].pool].az
	return Location{region: z.region.spec.Code, az: z.id, host: hi + 1}
}

// AtSlot returns the location of a placed instance.
func (w *World) AtSlot(s Slot) (Location, error) {
	sl, err := w.lookup(s)
	if err != nil {
		return Location{}, err
	}
	return w.hostLoc(sl.host), nil
}

// WithNetwork returns l with network identity n (replacing any it had).
// The World validates the IDs when a call or a path query uses l, not
// here: a Location is a plain value.
func (l Location) WithNetwork(n NetworkIdentity) Location {
	if n.IsZero() {
		l.net = nil
		return l
	}
	l.net = &n
	return l
}

// Network returns l's network identity; the zero value outside a VPC.
func (l Location) Network() NetworkIdentity {
	if l.net == nil {
		return NetworkIdentity{}
	}
	return *l.net
}

// Equal reports whether l and m are the same place with the same network
// identity.
func (l Location) Equal(m Location) bool {
	if l.region != m.region || l.az != m.az || l.host != m.host || l.internet != m.internet {
		return false
	}
	return l.Network() == m.Network()
}

// iface returns the network interface ID, or "".
func (l Location) iface() string {
	if l.net == nil {
		return ""
	}
	return l.net.NetworkInterfaceID
}

// NetworkInterfaceID returns the network interface of l's identity, or ""
// outside a VPC: what a Router asks first on every call, without copying
// the identity as Network does.
func (l Location) NetworkInterfaceID() string { return l.iface() }

// IsValid reports whether l is not the zero Location.
func (l Location) IsValid() bool { return l.region != "" }

// Region returns the location's region code (the nearest one for an
// internet client).
func (l Location) Region() string { return l.region }

// AZ returns the zone ID, or "".
func (l Location) AZ() string { return l.az }

// OnInternet reports whether l is an internet client.
func (l Location) OnInternet() bool { return l.internet }

// IsEndpoint reports whether l is a regional endpoint (InRegion): a region
// with no zone, host or network identity.
func (l Location) IsEndpoint() bool {
	return l.region != "" && l.az == "" && l.host == 0 && !l.internet && l.net == nil
}

func (l Location) String() string {
	var s string
	switch {
	case !l.IsValid():
		return "nowhere"
	case l.internet:
		s = "internet(" + l.region + ")"
	case l.host != 0:
		s = hostID(l.host-1) + "@" + l.az
	case l.az != "":
		s = l.az
	default:
		s = l.region
	}
	n := l.Network()
	switch {
	case n.NetworkInterfaceID != "":
		s += "/" + n.NetworkInterfaceID
	case n.SubnetID != "":
		s += "/" + n.SubnetID
	case n.VpcID != "":
		s += "/" + n.VpcID
	}
	if n.PrivateIPv4.IsValid() {
		s += "(" + n.PrivateIPv4.String() + ")"
	}
	return s
}

// locationKey is the context key of a caller's Location, kept as a
// *Location (boxing a Location allocates its copy all the same): the
// pipeline reads it on every call from a context, and a pointer spares
// it two copies of seven words.
type locationKey struct{}

// SetLocation attaches a caller's location to a process: every call the
// process makes (with p, or a context derived from it) comes from loc
// unless its Request names From. ec2 sets it when it starts a process on
// an instance, so any service learns where a call comes from without
// importing ec2.
func SetLocation(p *sim.Proc, loc Location) {
	if p == nil {
		panic("region: SetLocation(nil process)")
	}
	// A process's place is updated in place once set, so that the
	// pipeline may keep a pointer to it (pipeline.placeOf).
	if l, _ := p.Value(locationKey{}).(*Location); l != nil {
		*l = loc
		return
	}
	p.SetValue(locationKey{}, &loc)
}

// WithLocation returns a context whose calls come from loc, as
// context.WithValue would.
func WithLocation(ctx context.Context, loc Location) context.Context {
	return context.WithValue(ctx, locationKey{}, &loc)
}

// LocationOf returns the location attached to ctx (by WithLocation, or
// SetLocation on the process behind it).
func LocationOf(ctx context.Context) (Location, bool) {
	if l := locationOf(ctx); l != nil {
		return *l, true
	}
	return Location{}, false
}

// locationOf is LocationOf by pointer, nil for none; the Location is
// only read.
func locationOf(ctx context.Context) *Location {
	if ctx == nil {
		return nil
	}
	l, _ := ctx.Value(locationKey{}).(*Location)
	if l == nil || !l.IsValid() {
		return nil
	}
	return l
}

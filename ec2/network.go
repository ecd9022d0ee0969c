package ec2

import (
	"encoding/binary"
	"net/netip"
	"strconv"

	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/vpc"
)

// network is the Service's side of the vpc package: instances get their
// primary network interface, private and public addresses from it.
type network struct {
	net  *vpc.Service
	keys map[keyKey]*keyPair
}

// VPC returns the networking service the instances live in; call its
// operations through VPC().NewClient, and ask it VPC().Reach questions.
func (s *Service) VPC() *vpc.Service { return s.net }

// NetworkInterfaceID returns the instance's primary network interface
// (what vpc.ENI takes to ask a Reach question).
func (m *Machine) NetworkInterfaceID() string { return m.eni }

// PrivateIP returns the instance's private IPv4 address.
func (m *Machine) PrivateIP() netip.Addr { return m.privateIP.Addr() }

// PublicIP returns the instance's public IPv4 address (auto-assigned or
// Elastic), or the zero Addr.
func (m *Machine) PublicIP() netip.Addr {
	m.refreshAddrs()
	return m.publicIP.Addr()
}

// addr4 is an IPv4 address, or none: 5 bytes where a netip.Addr takes 24
// (a pointer among them), and every machine keeps two for the hour it
// stays describable. vpc hands out IPv4 addresses only.
type addr4 struct {
	ip [4]byte
	ok bool
}

func addr4Of(a netip.Addr) addr4 {
	if !a.IsValid() {
		return addr4{}
	}
	if !a.Is4() {
		panic("ec2: an instance address is not IPv4: " + a.String())
	}
	return addr4{a.As4(), true}
}

// Addr returns the address as a netip.Addr (the zero Addr for none).
func (a addr4) Addr() netip.Addr {
	if !a.ok {
		return netip.Addr{}
	}
	return netip.AddrFrom4(a.ip)
}

func (a addr4) IsValid() bool { return a.ok }

func (a addr4) String() string { return a.Addr().String() }

// AppendTo appends the address in dotted decimal, as netip.Addr.AppendTo
// does (nothing for none), without its general path: every description
// of an instance renders two.
func (a addr4) AppendTo(b []byte) []byte {
	if !a.ok {
		return b
	}
	var t [16]byte
	return append(b, t[:a.put(t[:])]...)
}

// put writes the address in dotted decimal at the start of b and returns
// its length. It writes four bytes per octet, so it needs 16 bytes of
// room (bytes past the length are clobbered).
func (a addr4) put(b []byte) int {
	b = b[:16]
	n := 0
	for _, x := range a.ip {
		e := octetText[x]
		binary.LittleEndian.PutUint32(b[n:n+4], uint32(e))
		n += int(e >> 32)
	}
	return n - 1 // the last octet's dot
}

// octetText[x] is x in decimal followed by a dot, in the low bytes of
// the word, little-endian, with the text's length above them: put
// writes an octet with one four-byte store. It is never modified.
var octetText = func() (t [256]uint64) {
	for x := range t {
		b := strconv.AppendUint(nil, uint64(x), 10)
		b = append(b, '.')
		var w [4]byte
		copy(w[:], b)
		t[x] = uint64(binary.LittleEndian.Uint32(w[:])) | uint64(len(b))<<32
	}
	return t
}()

// planNetwork validates the network part of a launch in zone azID ("" for
// the request's subnet or any zone): subnet, groups and zone.
func (s *Service) planNetwork(account, region, azID string, in *RunInstancesInput) (vpc.LaunchPlan, error) {
	return s.net.PlanLaunch(account, region, in.SubnetId, in.SecurityGroupIds, azID)
}

// attachNetwork gives a placed instance its primary interface from the
// plan: a private address, and a public one if the subnet maps them.
func (s *Service) attachNetwork(m *Machine, plan vpc.LaunchPlan) error {
	info, err := s.net.LaunchInterface(plan, m.id, nil)
	if err != nil {
		return err
	}
	m.eni, m.subnet, m.sgs = info.NetworkInterfaceID, info.SubnetID, info.Groups
	m.privateIP, m.publicIP = addr4Of(info.PrivateIP), addr4Of(info.PublicIP)
	m.mapPublic = info.PublicIP.IsValid()
	return nil
}

// refreshAddrs reads the interface's public address back from vpc (an
// Elastic IP may have been associated since).
func (m *Machine) refreshAddrs() {
	if m.eni == "" {
		return
	}
	if info, err := m.svc.net.InterfaceAddrs(m.eni); err == nil {
		m.publicIP = addr4Of(info.PublicIP)
	}
}

// assignPublicIP gives a starting instance a fresh auto-assigned public
// address if it was launched with one; an Elastic IP stays as it is.
func (s *Service) assignPublicIP(m *Machine) {
	if m.mapPublic {
		s.net.AssignPublicIP(m.eni)
	}
	m.refreshAddrs()
}

// releasePublicIP gives back the auto-assigned public address of a
// stopping or terminating instance; the private address and an Elastic IP
// stay (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-instance-addressing.html).
func (s *Service) releasePublicIP(m *Machine) {
	s.net.ReleasePublicIP(m.eni)
	m.refreshAddrs()
}

// releaseInterface deletes a terminated instance's interface: its private
// address returns to the subnet.
func (s *Service) releaseInterface(m *Machine) {
	s.net.ReleaseInterface(m.eni)
	m.publicIP = addr4{}
}

// validateNetwork checks the key pair and the network part of a launch
// before anything is placed; a subnet fixes the zone.
func (s *Service) validateNetwork(account, region string, in *RunInstancesInput, sp *launchSpec) error {
	if in.KeyName != "" {
		if _, ok := s.keyPair(account, region, in.KeyName); !ok {
			return errKeyPairNotFound(in.KeyName)
		}
	}
	plan, err := s.planNetwork(account, region, sp.azID, in)
	if err != nil {
		return err
	}
	if in.SubnetId != "" {
		sp.azID = plan.AZID
	}
	sp.plan = plan
	return nil
}

func errNoFreeAddresses(subnetID string) error {
	return clientErr("InsufficientFreeAddressesInSubnet",
		"There are not enough free addresses in subnet '%s' to satisfy the requested number of instances.", subnetID)
}

// networkIdentity is where the instance sits in its VPC, for the
// Locations of its processes: calls from them follow its subnet's routes.
func (m *Machine) networkIdentity() region.NetworkIdentity {
	n := region.NetworkIdentity{OnInstance: true}
	if info, err := m.svc.net.InterfaceAddrs(m.eni); err == nil {
		n.VpcID, n.SubnetID, n.NetworkInterfaceID = info.VpcID, info.SubnetID, info.NetworkInterfaceID
		n.PrivateIPv4, n.PublicIPv4 = info.PrivateIP, info.PublicIP
	}
	return n
}

package vpc

import (
	"math/bits"
	"net/netip"
)

// CIDR size limits: a VPC's IPv4 blocks and its subnets are between /16
// and /28 (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html,
// https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html).
const (
	MinPrefixLen = 16
	MaxPrefixLen = 28
	// MaxCIDRsPerVPC is the default quota of IPv4 CIDR blocks per VPC,
	// the primary included
	// (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html).
	MaxCIDRsPerVPC = 5
	// ReservedPerSubnet counts the addresses AWS keeps in every subnet:
	// the network address, the VPC router (+1), the DNS server (+2), one
	// reserved for future use (+3) and the last address
	// (https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html).
	ReservedPerSubnet = 5
)

// ParseCIDR parses an IPv4 CIDR block as the EC2 API accepts it: dotted
// quad, a prefix length, and no host bits set. It does not check sizes.
func ParseCIDR(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil || !p.Addr().Is4() || p.Masked() != p {
		return netip.Prefix{}, clientErr("InvalidParameterValue",
			"Value (%s) for parameter cidrBlock is invalid. This is not a valid CIDR block.", s)
	}
	return p, nil
}

// restricted are special-purpose IPv4 ranges (RFC 6890: "this network",
// loopback, link-local, multicast and reserved) that no VPC can route.
// AWS's own list (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html)
// is not quoted here; refusing these is a modelling choice.
var restricted = [...]netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("127.0.0.0/8"),
	netip.MustParsePrefix("169.254.0.0/16"),
	netip.MustParsePrefix("224.0.0.0/3"), // multicast and the reserved 240/4
}

// ValidateVPCCIDR parses a VPC CIDR block and checks AWS's size limits and
// restricted ranges; the error is InvalidParameterValue for a malformed
// block and InvalidVpc.Range for a size or range AWS refuses.
func ValidateVPCCIDR(s string) (netip.Prefix, error) {
	p, err := ParseCIDR(s)
	if err != nil {
		return p, err
	}
	if p.Bits() < MinPrefixLen || p.Bits() > MaxPrefixLen {
		return netip.Prefix{}, clientErr("InvalidVpc.Range", "The CIDR '%s' is invalid: a VPC block must be between /%d and /%d.", s, MinPrefixLen, MaxPrefixLen)
	}
	for _, r := range restricted {
		if r.Overlaps(p) {
			return netip.Prefix{}, clientErr("InvalidVpc.Range", "The CIDR '%s' is invalid: it overlaps the restricted range %s.", s, r)
		}
	}
	return p, nil
}

// ValidateSubnetCIDR parses a subnet CIDR block and checks AWS's size
// limits and that it lies inside one of the VPC's blocks
// (InvalidSubnet.Range otherwise).
func ValidateSubnetCIDR(s string, vpcBlocks []netip.Prefix) (netip.Prefix, error) {
	p, err := ParseCIDR(s)
	if err != nil {
		return p, err
	}
	if p.Bits() < MinPrefixLen || p.Bits() > MaxPrefixLen {
		return netip.Prefix{}, clientErr("InvalidSubnet.Range", "The CIDR '%s' is invalid: a subnet must be between /%d and /%d.", s, MinPrefixLen, MaxPrefixLen)
	}
	for _, b := range vpcBlocks {
		if b.Bits() <= p.Bits() && b.Contains(p.Addr()) {
			return p, nil
		}
	}
	return netip.Prefix{}, clientErr("InvalidSubnet.Range", "The CIDR '%s' is invalid: it is not inside the VPC's CIDR blocks.", s)
}

// Reserved returns the five addresses AWS reserves in subnet p, in
// address order.
func Reserved(p netip.Prefix) [5]netip.Addr {
	base := addrU32(p.Masked().Addr())
	size := uint32(1) << (32 - p.Bits())
	return [5]netip.Addr{u32Addr(base), u32Addr(base + 1), u32Addr(base + 2), u32Addr(base + 3), u32Addr(base + size - 1)}
}

// Usable returns the number of addresses instances can have in subnet p:
// its size less the five reserved.
func Usable(p netip.Prefix) int { return 1<<(32-p.Bits()) - ReservedPerSubnet }

func addrU32(a netip.Addr) uint32 {
	b := a.As4()
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

func u32Addr(x uint32) netip.Addr {
	return netip.AddrFrom4([4]byte{byte(x >> 24), byte(x >> 16), byte(x >> 8), byte(x)})
}

// pool hands out a subnet's addresses lowest-first, skipping the reserved
// ones; a released address is reused.
//
// The bitmap covers only the words up to the highest address ever taken:
// a default VPC's /20s (4,096 addresses each, six or more per region)
// mostly hold a few instances, and every world builds them anew.
type pool struct {
	base uint32
	size uint32
	used []uint64 // bit i: base+i in use; words past the end are free but for the reserved addresses
	free int
}

// prefix returns the block the pool was made from.
func (a *pool) prefix() netip.Prefix {
	return netip.PrefixFrom(u32Addr(a.base), 32-bits.TrailingZeros32(a.size))
}

func newPool(p netip.Prefix) pool {
	size := uint32(1) << (32 - p.Bits())
	return pool{base: addrU32(p.Addr()), size: size, free: int(size) - ReservedPerSubnet}
}

// reservedIn returns the reserved addresses' bits in word w of the bitmap:
// the first four and the last.
func (a *pool) reservedIn(w int) uint64 {
	var x uint64
	if w == 0 {
		x = 0xf
	}
	if last := a.size - 1; int(last/64) == w {
		x |= 1 << (last % 64)
	}
	return x
}

// take allocates the lowest free address, or reports false when full.
func (a *pool) take() (netip.Addr, bool) {
	if a.free == 0 {
		return netip.Addr{}, false
	}
	w := 0
	for ; w < len(a.used) && a.used[w] == ^uint64(0); w++ {
	}
	if w == len(a.used) {
		// free > 0: a free address lies below the last one, in a word
		// not yet in the bitmap.
		a.used = append(a.used, a.reservedIn(w))
	}
	x := a.used[w]
	i := uint32(w*64 + bits.TrailingZeros64(^x))
	a.used[w] |= 1 << (i % 64)
	a.free--
	return u32Addr(a.base + i), true
}

// release returns an address; releasing a reserved or free one is a no-op.
func (a *pool) release(ip netip.Addr) {
	i := addrU32(ip) - a.base
	if i < 4 || i >= a.size-1 || int(i/64) >= len(a.used) || a.used[i/64]&(1<<(i%64)) == 0 {
		return
	}
	a.used[i/64] &^= 1 << (i % 64)
	a.free++
}

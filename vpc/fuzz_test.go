package vpc

import (
	"net/netip"
	"testing"
)

// FuzzParseCIDR: ParseCIDR and the VPC and subnet validators never panic,
// and what they accept is canonical IPv4 inside the AWS size limits.
func FuzzParseCIDR(f *testing.F) {
	for _, s := range []string{"10.0.0.0/16", "10.0.0.1/16", "0.0.0.0/0", "10.0.0.0/33", "::/0", "", "1.2.3.4", "172.31.0.0/20"} {
		f.Add(s)
	}
	vpcBlocks := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/16")}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParseCIDR(s)
		if err == nil {
			if !p.Addr().Is4() || p.Masked() != p || p.String() != s {
				t.Fatalf("ParseCIDR(%q) = %v: not canonical IPv4", s, p)
			}
		}
		if v, err := ValidateVPCCIDR(s); err == nil && (v.Bits() < MinPrefixLen || v.Bits() > MaxPrefixLen) {
			t.Fatalf("ValidateVPCCIDR(%q) accepted /%d", s, v.Bits())
		}
		if sn, err := ValidateSubnetCIDR(s, vpcBlocks); err == nil {
			if !vpcBlocks[0].Contains(sn.Addr()) || sn.Bits() < 16 || sn.Bits() > 28 {
				t.Fatalf("ValidateSubnetCIDR(%q) accepted %v outside the VPC or the limits", s, sn)
			}
			if Usable(sn) != 1<<(32-sn.Bits())-5 {
				t.Fatal("Usable")
			}
		}
	})
}

// FuzzParseRule: rule parsing never panics; an accepted rule has a valid
// protocol and, for TCP and UDP, an ordered port range inside 0-65535.
func FuzzParseRule(f *testing.F) {
	for _, s := range []string{"tcp 22 0.0.0.0/0", "tcp 1024-65535 10.0.0.0/8", "-1 all sg-0123", "udp 53 pl-63a5400a",
		"tcp 90-80 0.0.0.0/0", "tcp 70000 0.0.0.0/0", "icmp -1 0.0.0.0/0", "47 all 10.0.0.0/8", "tcp 22", "bogus 1 1.1.1.1/32"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		perm, err := ParseRule(s)
		if err != nil {
			return
		}
		rs, err := expand(perm)
		if err != nil {
			t.Fatalf("ParseRule(%q) accepted a permission expand rejects: %v", s, err)
		}
		for _, r := range rs {
			if hasPorts(r.proto) && (r.from < 0 || r.to > 65535 || r.from > r.to) {
				t.Fatalf("ParseRule(%q): bad port range %d-%d", s, r.from, r.to)
			}
			if r.proto < -1 || r.proto > 255 {
				t.Fatalf("ParseRule(%q): protocol %d", s, r.proto)
			}
		}
	})
}

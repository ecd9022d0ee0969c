package ec2

import (
	"net/netip"
	"testing"
)

// TestAddr4 checks that addr4 renders and converts back every octet as
// netip does.
func TestAddr4(t *testing.T) {
	if a := addr4Of(netip.Addr{}); a.IsValid() || a.Addr() != (netip.Addr{}) || string(a.AppendTo(nil)) != "" {
		t.Errorf("the zero Addr became %+v", a)
	}
	for x := 0; x < 256; x++ {
		ip := netip.AddrFrom4([4]byte{byte(x), byte(255 - x), byte(x / 2), byte(x * 7)})
		a := addr4Of(ip)
		if got := string(a.AppendTo([]byte("x"))); got != "x"+ip.String() {
			t.Errorf("%v renders as %q", ip, got)
		}
		if a.Addr() != ip || !a.IsValid() || a.String() != ip.String() {
			t.Errorf("%v round-trips as %v", ip, a.Addr())
		}
	}
}

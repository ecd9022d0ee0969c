package vpc

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestValidateVPCCIDR(t *testing.T) {
	for _, tc := range []struct {
		in, code string
	}{
		{"10.0.0.0/16", ""},
		{"10.0.0.0/28", ""},
		{"172.31.0.0/16", ""},
		{"192.168.1.0/24", ""},
		{"10.0.0.0/15", "InvalidVpc.Range"},
		{"10.0.0.0/29", "InvalidVpc.Range"},
		{"127.0.0.0/16", "InvalidVpc.Range"},
		{"169.254.0.0/16", "InvalidVpc.Range"},
		{"224.0.0.0/16", "InvalidVpc.Range"},
		{"10.0.0.1/16", "InvalidParameterValue"}, // host bits set
		{"10.0.0.0", "InvalidParameterValue"},
		{"10.0.0.0/33", "InvalidParameterValue"},
		{"2001:db8::/48", "InvalidParameterValue"},
		{"", "InvalidParameterValue"},
	} {
		_, err := ValidateVPCCIDR(tc.in)
		if tc.code == "" {
			require.NoError(t, err, tc.in)
		} else {
			requireCode(t, err, tc.code)
		}
	}
}

func TestValidateSubnetCIDR(t *testing.T) {
	vpc := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/16"), netip.MustParsePrefix("10.1.0.0/24")}
	for _, tc := range []struct {
		in, code string
	}{
		{"10.0.0.0/16", ""}, // a subnet may fill its VPC
		{"10.0.5.0/24", ""},
		{"10.1.0.16/28", ""}, // in the secondary block
		{"10.0.0.0/29", "InvalidSubnet.Range"},
		{"10.2.0.0/24", "InvalidSubnet.Range"},
		{"10.1.0.0/23", "InvalidSubnet.Range"}, // wider than its block
		{"10.0.0.7/24", "InvalidParameterValue"},
	} {
		_, err := ValidateSubnetCIDR(tc.in, vpc)
		if tc.code == "" {
			require.NoError(t, err, tc.in)
		} else {
			requireCode(t, err, tc.code)
		}
	}
}

func TestReservedAddresses(t *testing.T) {
	for _, tc := range []struct {
		cidr   string
		want   [5]string
		usable int
	}{
		{"10.0.0.0/24", [5]string{"10.0.0.0", "10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.255"}, 251},
		{"10.0.0.16/28", [5]string{"10.0.0.16", "10.0.0.17", "10.0.0.18", "10.0.0.19", "10.0.0.31"}, 11},
		{"172.31.16.0/20", [5]string{"172.31.16.0", "172.31.16.1", "172.31.16.2", "172.31.16.3", "172.31.31.255"}, 4091},
		{"10.0.0.0/16", [5]string{"10.0.0.0", "10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.255.255"}, 65531},
	} {
		p := netip.MustParsePrefix(tc.cidr)
		got := Reserved(p)
		for i := range got {
			require.Equal(t, tc.want[i], got[i].String(), tc.cidr)
		}
		require.Equal(t, tc.usable, Usable(p))
		// The pool hands out exactly the usable addresses, never a reserved one.
		pl := newPool(p)
		seen := 0
		for {
			a, ok := pl.take()
			if !ok {
				break
			}
			for _, r := range got {
				require.NotEqual(t, r, a)
			}
			require.True(t, p.Contains(a))
			seen++
		}
		require.Equal(t, tc.usable, seen)
	}
}

func TestPoolReleaseReuses(t *testing.T) {
	pl := newPool(netip.MustParsePrefix("10.0.0.0/28"))
	a, _ := pl.take()
	b, _ := pl.take()
	require.Equal(t, "10.0.0.4", a.String())
	require.Equal(t, "10.0.0.5", b.String())
	pl.release(a)
	pl.release(a) // twice: no double count
	pl.release(netip.MustParseAddr("10.0.0.1"))
	require.Equal(t, 10, pl.free)
	c, _ := pl.take()
	require.Equal(t, a, c)
}

// TestPoolGrowsOnDemand: a pool's bitmap covers only the addresses handed
// out so far, and the lowest-first order, the reserved addresses and the
// free count are those of a full bitmap.
func TestPoolGrowsOnDemand(t *testing.T) {
	pl := newPool(netip.MustParsePrefix("172.31.0.0/20"))
	require.Empty(t, pl.used, "no bitmap before the first address")
	pl.release(netip.MustParseAddr("172.31.8.9")) // never handed out: a no-op
	require.Equal(t, 4096-ReservedPerSubnet, pl.free)
	var last netip.Addr
	for range 60 {
		last, _ = pl.take()
	}
	require.Equal(t, "172.31.0.63", last.String())
	require.Len(t, pl.used, 1)
	next, _ := pl.take()
	require.Equal(t, "172.31.0.64", next.String())
	require.Len(t, pl.used, 2, "a second word for address 64")
	pl.release(last)
	again, _ := pl.take()
	require.Equal(t, last, again, "a released address is reused first")
	// Take all: the last address stays reserved.
	n := 61 // held so far: 61 taken, one of them released and taken again
	for {
		a, ok := pl.take()
		if !ok {
			break
		}
		require.NotEqual(t, "172.31.15.255", a.String())
		n++
	}
	require.Equal(t, 4096-ReservedPerSubnet, n)
	require.Len(t, pl.used, 64)
}

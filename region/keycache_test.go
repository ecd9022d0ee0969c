package region

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

// TestSourceKeyContextsBeyondTheList: past the first few sets of route
// keys and the short list after them, the IAM contexts go to a map; at
// every stage IAM sees each caller's own aws:SourceIp, asked in any order.
func TestSourceKeyContextsBeyondTheList(t *testing.T) {
	w := newWorld(t, 1, Options{HostsPerAZ: map[string]int{}, Router: &testRouter{}})
	root, err := w.CreateAccount(testAccount)
	require.NoError(t, err)
	fromIP := newUser(t, w, root, "from-ip", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
	 "Action":"s3:GetObject","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"54.1.2.0/24"}}}]}`)
	var ips []string
	for i := range 10 {
		ips = append(ips, fmt.Sprintf("54.1.2.%d", i+1), fmt.Sprintf("54.9.0.%d", i+1))
	}
	call := func(ip string) error {
		loc := vpcLoc(t, w, "subnet-public")
		n := loc.Network()
		n.PublicIPv4 = netip.MustParseAddr(ip)
		req := getReq(w, loc.WithNetwork(n))
		req.Credentials = fromIP
		var err error
		run(w, func(p *sim.Proc) { err = w.Call(p, req, func(*Call) error { return nil }) })
		return err
	}
	for round := range 2 {
		for i := range ips {
			if round == 1 {
				i = len(ips) - 1 - i
			}
			if err := call(ips[i]); i%2 == 0 {
				require.NoError(t, err, "round %d, %s", round, ips[i])
			} else {
				require.ErrorIs(t, err, ErrAccessDenied, "round %d, %s", round, ips[i])
			}
		}
	}
	kc := w.pipe.keyCache
	require.Equal(t, len(kc.keyCtxs), kc.nKeyCtxs)
	require.Len(t, kc.keyCtx, maxKeyCtxList)
	require.Len(t, kc.keyMap, len(ips)-len(kc.keyCtxs)-maxKeyCtxList)
}

// TestSourceKeyMapIsWithSourceKeys: the cache's contexts, built from
// shared blocks, equal withSourceKeys' for every kind of keys.
func TestSourceKeyMapIsWithSourceKeys(t *testing.T) {
	var pp pipeline
	kc := new(keyCache)
	for _, k := range []SourceKeys{
		{SourceIP: netip.MustParseAddr("203.0.113.7")},
		{SourceVpc: "vpc-1", SourceVpce: "vpce-1", VpcSourceIP: netip.MustParseAddr("10.0.3.4")},
		{SourceIP: netip.MustParseAddr("2001:db8::1"), SourceVpc: "vpc-2"},
		{SourceVpce: "vpce-2"},
	} {
		for range 3 { // past a block of values
			require.Equal(t, withSourceKeys(nil, k), pp.sourceKeyMap(kc, &k))
		}
	}
}

package region

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nimbus-sim/nimbus/internal/awserr"
	"github.com/nimbus-sim/nimbus/sim"
)

// testRouter is a small network layer: one VPC with a public subnet (out
// through an internet gateway), a subnet routed to S3 through a gateway
// endpoint, and a private subnet with no route out.
type testRouter struct {
	hopLatency time.Duration
	panics     bool
	routed     int
}

var (
	publicHops   = []Hop{{Kind: HopLocal}, {Kind: HopInternetGateway, ID: "igw-1"}}
	endpointHops = []Hop{{Kind: HopLocal}, {Kind: HopGatewayEndpoint, ID: "vpce-1"}}
	knownIDs     = map[string]bool{"vpc-1": true, "subnet-public": true, "subnet-endpoint": true,
		"subnet-private": true, "eni-1": true, "eni-2": true}
)

func (r *testRouter) Route(from Location, to Destination) (Route, bool) {
	r.routed++
	if r.panics {
		panic("route table corrupted")
	}
	n := from.Network()
	switch n.SubnetID {
	case "subnet-public":
		hops := publicHops
		if r.hopLatency > 0 {
			hops = []Hop{{Kind: HopLocal}, {Kind: HopInternetGateway, ID: "igw-1", Latency: r.hopLatency}}
		}
		return Route{Hops: hops, Transfer: TransferInternetOut, Keys: SourceKeys{SourceIP: n.PublicIPv4}}, true
	case "subnet-endpoint":
		if to.Service != "s3" {
			return Route{}, false
		}
		return Route{Hops: endpointHops, Transfer: TransferIntraAZ,
			Keys: SourceKeys{SourceVpc: n.VpcID, SourceVpce: "vpce-1", VpcSourceIP: n.PrivateIPv4}}, true
	case "":
		return Route{}, true // not in the VPC: direct
	}
	return Route{}, false
}

func (r *testRouter) CheckNetwork(n NetworkIdentity) error {
	for _, id := range []string{n.VpcID, n.SubnetID, n.NetworkInterfaceID} {
		if id != "" && !knownIDs[id] {
			return awserr.New("InvalidSubnetID.NotFound", 400, false, "The ID '%s' does not exist", id)
		}
	}
	return nil
}

func vpcLoc(t testing.TB, w *World, subnet string) Location {
	t.Helper()
	az, err := w.InAZ("use1-az1")
	require.NoError(t, err)
	n := NetworkIdentity{VpcID: "vpc-1", SubnetID: subnet, NetworkInterfaceID: "eni-1",
		PrivateIPv4: netip.MustParseAddr("10.0.1.5"), OnInstance: true}
	if subnet == "subnet-public" {
		n.PublicIPv4 = netip.MustParseAddr("54.1.2.3")
	}
	return az.WithNetwork(n)
}

// TestRouterSourceKeysReachIAM: a bucket policy-style condition on the
// route's keys decides: a user allowed only through vpce-1 reads from the
// endpoint subnet and is denied from the public one; one allowed only
// from 54.1.2.0/24 is allowed from the public subnet.
func TestRouterSourceKeysReachIAM(t *testing.T) {
	w := newWorld(t, 1, Options{HostsPerAZ: map[string]int{}, Router: &testRouter{}})
	root, err := w.CreateAccount(testAccount)
	require.NoError(t, err)
	viaVpce := newUser(t, w, root, "via-vpce", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
	 "Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1","aws:SourceVpc":"vpc-1"},
	 "IpAddress":{"aws:VpcSourceIp":"10.0.0.0/16"}}}]}`)
	fromIP := newUser(t, w, root, "from-ip", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
	 "Action":"s3:GetObject","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"54.1.2.0/24"}}}]}`)
	call := func(creds Credentials, subnet string) (*Route, error) {
		var route *Route
		var err error
		run(w, func(p *sim.Proc) {
			req := getReq(w, vpcLoc(t, w, subnet))
			req.Credentials = creds
			// The Route is the pipeline's until Call returns: keep a copy.
			err = w.Call(p, req, func(c *Call) error { r := *c.Route(); route = &r; return nil })
		})
		return route, err
	}
	r, err := call(viaVpce, "subnet-endpoint")
	require.NoError(t, err)
	hop, ok := r.Via(HopGatewayEndpoint)
	require.True(t, ok)
	require.Equal(t, "vpce-1", hop.ID)
	require.Equal(t, TransferIntraAZ, r.Transfer)
	_, err = call(viaVpce, "subnet-public")
	require.ErrorIs(t, err, ErrAccessDenied)
	_, err = call(fromIP, "subnet-public")
	require.NoError(t, err)
	_, err = call(fromIP, "subnet-endpoint")
	require.ErrorIs(t, err, ErrAccessDenied, "through an endpoint aws:SourceIp is not set")
}

// TestNoRouteIsAConnectTimeout: from a subnet with no route the SDK's
// dial hangs for ConnectTimeout and fails with a network error, not an
// AWS error code; the effect never runs.
func TestNoRouteIsAConnectTimeout(t *testing.T) {
	w := newWorld(t, 1, Options{HostsPerAZ: map[string]int{}, Router: &testRouter{}})
	withAlice(t, w)
	cfg := DefaultClientConfig()
	cfg.MaxAttempts, cfg.ConnectTimeout = 1, 3*time.Second
	req := getReq(w, vpcLoc(t, w, "subnet-private"))
	req.Client = &cfg
	applied := 0
	var err error
	elapsed := run(w, func(p *sim.Proc) {
		err = w.Call(p, req, func(*Call) error { applied++; return nil })
	})
	var ct *ConnectTimeoutError
	require.ErrorAs(t, err, &ct)
	require.ErrorIs(t, err, ErrConnectTimeout)
	var ae *awserr.Error
	require.False(t, errors.As(err, &ae), "no route is not an AWS error code: %v", err)
	require.Equal(t, 3*time.Second, elapsed)
	require.Zero(t, applied)
	require.Equal(t, 1, statsOf(w).NoRoute)
	require.Contains(t, err.Error(), "i/o timeout")
}

// TestRouterPanicIsReportedWithOperationAndRequestID.
func TestRouterPanicIsReportedWithOperationAndRequestID(t *testing.T) {
	w := newWorld(t, 1, Options{HostsPerAZ: map[string]int{}})
	withAlice(t, w)
	w.Network().SetRouter(&testRouter{panics: true})
	var err error
	run(w, func(p *sim.Proc) {
		err = w.Call(p, getReq(w, Location{}), func(*Call) error { return nil })
	})
	require.Error(t, err)
	var ae *awserr.Error
	require.ErrorAs(t, err, &ae)
	require.NotEmpty(t, ae.RequestID)
	require.Contains(t, err.Error(), "GetObject")
	require.Contains(t, err.Error(), ae.RequestID)
	require.Contains(t, err.Error(), "route table corrupted")
}

// TestHopLatencyAddsToTheCall: each hop's latency is paid on the way out
// and back: at one seed, 10 ms per igw hop makes the call exactly 20 ms
// longer.
func TestHopLatencyAddsToTheCall(t *testing.T) {
	measure := func(hop time.Duration) time.Duration {
		w := newWorld(t, 3, Options{HostsPerAZ: map[string]int{}, Router: &testRouter{hopLatency: hop}})
		withAlice(t, w)
		return run(w, func(p *sim.Proc) {
			require.NoError(t, w.Call(p, getReq(w, vpcLoc(t, w, "subnet-public")), func(*Call) error { return nil }))
		})
	}
	require.Equal(t, 20*time.Millisecond, measure(10*time.Millisecond)-measure(0))
}

// TestUnknownNetworkIDIsAnErrorAtTheCall: a Location naming a subnet, VPC
// or interface the world does not know fails the call with the ID in the
// message, with or without a Router.
func TestUnknownNetworkIDIsAnErrorAtTheCall(t *testing.T) {
	az := func(w *World) Location { l, _ := w.InAZ("use1-az1"); return l }
	for _, c := range []struct {
		name   string
		router Router
		n      NetworkIdentity
		id     string
	}{
		{"subnet, no router", nil, NetworkIdentity{SubnetID: "subnet-0bad"}, "subnet-0bad"},
		{"vpc, no router", nil, NetworkIdentity{VpcID: "vpc-0bad"}, "vpc-0bad"},
		{"interface, no router", nil, NetworkIdentity{NetworkInterfaceID: "eni-0bad"}, "eni-0bad"},
		{"subnet, router", &testRouter{}, NetworkIdentity{VpcID: "vpc-1", SubnetID: "subnet-nope"}, "subnet-nope"},
		{"interface, router", &testRouter{}, NetworkIdentity{VpcID: "vpc-1", NetworkInterfaceID: "eni-nope"}, "eni-nope"},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t, 1, Options{HostsPerAZ: map[string]int{}, Router: c.router})
			withAlice(t, w)
			applied := 0
			var err error
			run(w, func(p *sim.Proc) {
				err = w.Call(p, getReq(w, az(w).WithNetwork(c.n)), func(*Call) error { applied++; return nil })
			})
			require.Error(t, err)
			require.Contains(t, err.Error(), c.id)
			require.Zero(t, applied)
		})
	}
	// An attached interface is known without a Router.
	w := newWorld(t, 1, Options{HostsPerAZ: map[string]int{}})
	withAlice(t, w)
	require.NoError(t, w.Network().AttachInterface("eni-7", az(w), Bandwidth{BaselineBps: 10e9}))
	run(w, func(p *sim.Proc) {
		require.NoError(t, w.Call(p, getReq(w, az(w).WithNetwork(NetworkIdentity{NetworkInterfaceID: "eni-7"})),
			func(*Call) error { return nil }))
	})
}

// TestLocationTravelsInTheContext: a process's attached Location, or one
// put in a derived context, is where its calls come from.
func TestLocationTravelsInTheContext(t *testing.T) {
	w := pipelineWorld(t, 1)
	az2, _ := w.InAZ("use1-az2")
	var from []Location
	run(w, func(p *sim.Proc) {
		effect := func(c *Call) error { from = append(from, c.From()); return nil }
		req := getReq(w, Location{})
		require.NoError(t, w.Call(p, req, effect))
		SetLocation(p, az2)
		require.NoError(t, w.Call(p, req, effect))
		eu := WithLocation(context.WithValue(p, testCtxKey{}, 1), InRegion("eu-west-1"))
		require.NoError(t, w.Call(eu, req, effect))
	})
	require.Equal(t, []Location{OnInternet("us-east-1"), az2, InRegion("eu-west-1")}, from)
	require.True(t, strings.HasPrefix(az2.WithNetwork(NetworkIdentity{SubnetID: "subnet-1"}).String(), "use1-az2/subnet-1"))
}

// testCtxKey keys test values in derived contexts.
type testCtxKey struct{}

// TestTransmitFollowsTheRoute: a flow from a VPC place asks the Router:
// no route is an error, and a route's hop latency is paid once.
func TestTransmitFollowsTheRoute(t *testing.T) {
	measure := func(hop time.Duration, subnet string) (time.Duration, error) {
		w := newWorld(t, 3, Options{HostsPerAZ: map[string]int{}, Router: &testRouter{hopLatency: hop}})
		var err error
		d := run(w, func(p *sim.Proc) {
			err = w.Network().Transmit(p, vpcLoc(t, w, subnet), InRegion("us-east-1"), 1000)
		})
		return d, err
	}
	_, err := measure(0, "subnet-private")
	require.ErrorIs(t, err, ErrUnreachable)
	slow, err := measure(7*time.Millisecond, "subnet-public")
	require.NoError(t, err)
	fast, err := measure(0, "subnet-public")
	require.NoError(t, err)
	require.Equal(t, 7*time.Millisecond, slow-fast)
}

// TestSourceKeyContextsBeyondTheFirstFew: the pipeline keeps the IAM
// context of the first few sets of route keys apart and the rest after
// them (TestSourceKeyContextsBeyondTheList goes on to the map); either
// way IAM sees each caller's own aws:SourceIp, asked in any order.
func TestSourceKeyContextsBeyondTheFirstFew(t *testing.T) {
	w := newWorld(t, 1, Options{HostsPerAZ: map[string]int{}, Router: &testRouter{}})
	root, err := w.CreateAccount(testAccount)
	require.NoError(t, err)
	fromIP := newUser(t, w, root, "from-ip", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
	 "Action":"s3:GetObject","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"54.1.2.0/24"}}}]}`)
	ips := []string{"54.1.2.1", "54.9.0.1", "54.1.2.2", "54.9.0.2", "54.1.2.3", "54.9.0.3", "54.1.2.4"}
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
			err := call(ips[i])
			if strings.HasPrefix(ips[i], "54.1.2.") {
				require.NoError(t, err, "round %d, %s", round, ips[i])
			} else {
				require.ErrorIs(t, err, ErrAccessDenied, "round %d, %s", round, ips[i])
			}
		}
	}
	require.Equal(t, len(w.pipe.keyCtxs), w.pipe.nKeyCtxs)
	require.Len(t, w.pipe.keyCtx, len(ips)-len(w.pipe.keyCtxs))
}

// countingRouter is testRouter with a change counter (NetworkChangeCounter)
// and a count of CheckNetwork calls; known overrides knownIDs.
type countingRouter struct {
	testRouter
	gen    uint64
	checks int
	known  map[string]bool
}

func (r *countingRouter) NetworkChanges() uint64 { return r.gen }

// RouteCall makes countingRouter a CallRouter, as vpc's Service is: the
// World asks it, not Route, for calls' routes (testRouter stays a plain
// Router, so both ways are tested).
func (r *countingRouter) RouteCall(dst *Route, from *Location, service, region string) bool {
	var ok bool
	*dst, ok = r.Route(*from, Destination{Service: service, Region: region, Port: 443})
	return ok
}

func (r *countingRouter) CheckNetwork(n NetworkIdentity) error {
	r.checks++
	for _, id := range []string{n.VpcID, n.SubnetID, n.NetworkInterfaceID} {
		if id != "" && !r.known[id] {
			return awserr.New("InvalidSubnetID.NotFound", 400, false, "The ID '%s' does not exist", id)
		}
	}
	return nil
}

// TestCheckNetworkAskedAgainOnlyOnChange: with a Router that counts its
// changes, the World checks a caller's identity once while neither the
// identity nor the count changes, and again after either changes; an
// identity found invalid is asked about every time.
func TestCheckNetworkAskedAgainOnlyOnChange(t *testing.T) {
	w := pipelineWorld(t, 1)
	r := &countingRouter{known: map[string]bool{"vpc-1": true, "subnet-public": true, "eni-1": true}}
	w.Network().SetRouter(r)
	// Two identities (two pointers) with the same IDs.
	pub, priv := vpcLoc(t, w, "subnet-public"), vpcLoc(t, w, "subnet-public")
	call := func(from Location) error {
		var err error
		run(w, func(p *sim.Proc) { err = w.Call(p, getReq(w, from), func(*Call) error { return nil }) })
		return err
	}
	for i := 0; i < 3; i++ {
		require.NoError(t, call(pub))
	}
	require.Equal(t, 1, r.checks, "the same identity, no change")
	require.NoError(t, call(priv))
	require.Equal(t, 2, r.checks, "another identity")
	r.gen++
	require.NoError(t, call(priv))
	require.Equal(t, 3, r.checks, "the Router changed")
	// The subnet goes away: the next call is refused, every time.
	delete(r.known, "subnet-public")
	require.NoError(t, call(priv), "no change counted: the last answer stands")
	r.gen++
	for i := 0; i < 2; i++ {
		err := call(priv)
		require.Error(t, err)
		require.Contains(t, err.Error(), "InvalidSubnetID.NotFound")
	}
	require.Equal(t, 5, r.checks)
	// A new Router forgets the last answer.
	r.known["subnet-public"] = true
	r2 := &countingRouter{known: r.known}
	w.Network().SetRouter(r2)
	require.NoError(t, call(pub))
	require.Equal(t, 1, r2.checks)
}

// TestCallRouterPanicIsReportedAsRouterPanic: a CallRouter that panics
// fails the call exactly as a Router's Route that panics does: the same
// error, request ID included, and the same counters; and the world goes
// on calling.
func TestCallRouterPanicIsReportedAsRouterPanic(t *testing.T) {
	outcome := func(r Router) (string, PipelineStats) {
		w := newWorld(t, 1, Options{HostsPerAZ: map[string]int{}})
		withAlice(t, w)
		w.Network().SetRouter(r)
		var msg string
		run(w, func(p *sim.Proc) {
			err := w.Call(p, getReq(w, Location{}), func(*Call) error { return nil })
			require.Error(t, err)
			msg = err.Error()
			w.Network().SetRouter(nil)
			require.NoError(t, w.Call(p, getReq(w, Location{}), func(*Call) error { return nil }))
		})
		return msg, w.PipelineStats()
	}
	plainMsg, plainStats := outcome(&testRouter{panics: true})
	callMsg, callStats := outcome(&countingRouter{testRouter: testRouter{panics: true}, known: knownIDs})
	require.Equal(t, plainMsg, callMsg)
	require.Equal(t, plainStats, callStats)
	require.Contains(t, callMsg, "route table corrupted")
}

package vpc

import (
	"context"
	"fmt"
	"github.com/nimbus-sim/nimbus/internal/chunks"
	"net/netip"
	"slices"
	"strings"

	"github.com/nimbus-sim/nimbus/billing"
	"github.com/nimbus-sim/nimbus/internal/awserr"
	"github.com/nimbus-sim/nimbus/internal/mix"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
)

// Options configure New. The zero value is the default.
type Options struct{}

// Service is the VPC side of EC2 in one world: every account's networks in
// every region. Call it through a Client, as the AWS SDK does; ec2 uses
// the Go methods LaunchInterface, ReleaseInterface and friends from
// inside its own API calls. A Service is owned by its Env's goroutine.
type Service struct {
	env    *sim.Env
	w      *region.World
	ledger *billing.Ledger

	seq uint64
	ids chunks.Text // where newID writes IDs

	vpcs    idMap[*vpcRec]
	subnets map[string]*subnetRec
	// subnetIDs is subnets' keys sorted, built on demand and dropped when
	// a subnet comes or goes: every launch into a default subnet walks them.
	// Never modified once built (callers range over it).
	subnetIDs []string
	// subnetGen counts the times a subnet came or went; a VPC's
	// remembered launch subnets (vpcRec.launch) are of one generation.
	subnetGen uint64
	rtbs      idMap[*rtbRec]
	rtbAssoc  map[string]*rtbRec // association ID -> table
	igws      idMap[*igwRec]
	nats      map[string]*natRec
	eips      map[string]*eipRec
	endpoints map[string]*endpointRec
	peerings  map[string]*peeringRec
	sgs       idMap[*sgRec]
	nacls     idMap[*naclRec]
	enis      map[string]*eniRec
	eniSlab   []eniRec               // records for the next interfaces (allocENI)
	eniSlabN  int                    // the size of the last slab
	pls       map[string]*prefixList // by ID; nil until buildRegions
	plByName  map[string]*prefixList // by service name
	// def1* is the default VPC of the first (account, region) pair to
	// have one; defaults holds the others (defaultOf). nil once deleted.
	def1Set                 bool
	def1Account, def1Region string
	def1                    *vpcRec
	defaults                map[[2]string]*vpcRec // (account, region) -> default VPC
	azNames                 map[[2]string]string

	publicSeq uint32
	failed    map[string]bool // injected faults: gateway, NAT or endpoint IDs

	scratch Analysis   // the router's reusable analysis
	routes  routeCache // Route's last answers (routecache.go)
}

// New returns the VPC service of world w and registers it as the world's
// Router; a world has at most one.
func New(w *region.World, _ Options) (*Service, error) {
	if w == nil {
		panic("vpc: New: nil world")
	}
	// The maps of what most worlds never make (route-table associations,
	// NAT gateways, Elastic IPs, endpoints, peerings, failed components,
	// default VPCs beyond the first, zone names)
	// are made on first write (put): every world builds a Service.
	s := &Service{env: w.Env(), w: w, ledger: w.Billing(),
		subnets: map[string]*subnetRec{}, enis: map[string]*eniRec{}}
	if r := w.Network().Router(); r != nil {
		return nil, fmt.Errorf("vpc: the world already has a network layer (%T); use it (ec2.Options.VPC) rather than a second one", r)
	}
	w.Network().SetRouter(s)
	return s, nil
}

// MustNew is New for tests and examples.
func MustNew(w *region.World, opts Options) *Service {
	s, err := New(w, opts)
	if err != nil {
		panic(err)
	}
	return s
}

// World returns the service's world.
func (s *Service) World() *region.World { return s.w }

// buildRegions makes the AWS-managed prefix lists of every region of the
// world. They never change, and most scenarios use none of them (a route
// to a service needs only the service's address, ServiceAddr), so they
// are made on first use rather than in New.
func (s *Service) buildRegions() {
	regions := s.w.Regions()
	s.pls = make(map[string]*prefixList, len(regions)*len(gatewayServices))
	s.plByName = make(map[string]*prefixList, len(regions)*len(gatewayServices))
	for i, r := range regions {
		for k, svc := range gatewayServices {
			p := &prefixList{region: r.Code(), service: svc, name: "com.amazonaws." + r.Code() + "." + svc,
				cidrs: []netip.Prefix{serviceBlock(i, k)}}
			p.id = fmt.Sprintf("pl-%08x", uint32(mix.SplitMix64(mix.FNV64a(p.name))))
			s.pls[p.id] = p
			s.plByName[p.name] = p
		}
	}
}

// plByID returns the prefix lists by ID.
func (s *Service) plByID() map[string]*prefixList {
	if s.pls == nil {
		s.buildRegions()
	}
	return s.pls
}

// madePLs returns the prefix lists by ID if they were made, else nil. A
// rule or route naming a prefix list was checked against plByID when it
// was added, so the lists exist whenever one does: evaluating the rules
// of a world that never named one need not make them.
func (s *Service) madePLs() map[string]*prefixList { return s.pls }

// plNamed returns the prefix lists by service name.
func (s *Service) plNamed() map[string]*prefixList {
	if s.plByName == nil {
		s.buildRegions()
	}
	return s.plByName
}

// gatewayServices are the services with gateway endpoints (S3 and
// DynamoDB, https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html);
// every other service's public addresses share one block.
var gatewayServices = [...]string{"s3", "dynamodb"}

// serviceBlock returns the public address block of a regional service:
// synthetic /16s in 52.64.0.0/10 (an Amazon range), one per region and
// service. AWS's real prefix lists hold many blocks; one is enough for
// routing and rules to behave the same.
func serviceBlock(regionIdx, svc int) netip.Prefix {
	return netip.PrefixFrom(netip.AddrFrom4([4]byte{52, byte(64 + (3*regionIdx+svc)%64), 0, 0}), 16)
}

// ServiceAddr returns the public address a regional service endpoint
// answers on ("s3" in "us-east-1"): inside its prefix list for S3 and
// DynamoDB, in a shared block for the rest.
func (s *Service) ServiceAddr(service, regionCode string) (netip.Addr, error) {
	r, err := s.w.Region(regionCode)
	if err != nil {
		return netip.Addr{}, clientErr("InvalidParameterValue", "Unknown region %q.", regionCode)
	}
	i := r.Index()
	k := len(gatewayServices)
	if j := slices.Index(gatewayServices[:], service); j >= 0 {
		k = j
	}
	b := serviceBlock(i, k).Addr().As4()
	b[3] = 2 // the block's .0.2, as a fixed address for the endpoint
	return netip.AddrFrom4(b), nil
}

// PrefixListID returns the ID of the AWS-managed prefix list of a gateway
// endpoint service ("com.amazonaws.us-east-1.s3").
func (s *Service) PrefixListID(serviceName string) (string, bool) {
	p, ok := s.plNamed()[serviceName]
	if !ok {
		return "", false
	}
	return p.id, true
}

// idChunk is the size of the chunks IDs are written into (a couple of
// dozen IDs).
const idChunk = 512

// newID returns a new resource ID: prefix, a dash and 17 hex digits
// (mix.ID). IDs are written one after another into the current chunk and
// never changed, so they need no allocation of their own: a world's
// default VPC makes twenty-odd, and every launch makes one. A chunk is
// freed once none of its IDs is referenced.
func (s *Service) newID(prefix string) string {
	seq := s.nextSeq()
	b := s.ids.Take(len(prefix)+18, idChunk)
	return chunks.String(appendSeqID(b[:0], prefix, seq))
}

// nextSeq takes the next ID number: newID's, for an ID kept as its
// number and rendered on demand (appendSeqID).
func (s *Service) nextSeq() uint64 {
	s.seq++
	return s.seq
}

// appendSeqID appends the ID numbered seq, as newID renders it:
// mix.AppendID(b, prefix, mix.SplitMix64(seq^0x5bd1e995)).
func appendSeqID(b []byte, prefix string, seq uint64) []byte {
	return mix.AppendID(b, prefix, mix.SplitMix64(seq^0x5bd1e995))
}

// naclAssocID returns the ID of a subnet's network ACL association.
func (s *Service) naclAssocID(sn *subnetRec) string {
	return string(appendSeqID(nil, "aclassoc", sn.naclSeq))
}

// isNACLAssoc reports whether id is the subnet's network ACL association
// ID, rendering it on the stack.
func isNACLAssoc(sn *subnetRec, id string) bool {
	var buf [32]byte
	return string(appendSeqID(buf[:0], "aclassoc", sn.naclSeq)) == id
}

func (s *Service) azName(account, azID string) string {
	k := [2]string{account, azID}
	if n, ok := s.azNames[k]; ok {
		return n
	}
	n, err := s.w.AZName(account, azID)
	if err != nil {
		return azID
	}
	put(&s.azNames, k, n)
	return n
}

// Client calls the VPC operations of one region with one set of
// credentials, like an aws-sdk-go-v2 ec2.Client.
type Client struct {
	svc    *Service
	region string
	creds  region.Credentials
}

// NewClient returns a client for regionCode.
func (s *Service) NewClient(regionCode string, creds region.Credentials) *Client {
	return &Client{svc: s, region: regionCode, creds: creds}
}

// call runs one operation through the world's pipeline under the IAM
// action ec2:<op>.
func (c *Client) call(ctx context.Context, op string, effect func(account string) error) error {
	req := region.Request{Service: "ec2", ServiceID: "EC2", Operation: op, Region: c.region,
		Credentials: c.creds, Action: "ec2:" + op}
	err := c.svc.w.Call(ctx, req, func(rc *region.Call) error {
		acct := rc.Principal().Account
		c.svc.ensureDefault(acct, c.region)
		if !strings.HasPrefix(op, "Describe") {
			// Any operation but a read may change a route: forget the
			// remembered ones (routecache.go).
			c.svc.changed()
		}
		return effect(acct)
	})
	return unauthorized(err)
}

// unauthorized rewrites IAM's AccessDenied as EC2's UnauthorizedOperation.
func unauthorized(err error) error {
	var ae *awserr.Error
	if err == nil || !asErr(err, &ae) || ae.Code != "AccessDenied" {
		return err
	}
	return awserr.Operation("EC2", opName(err), awserr.New("UnauthorizedOperation", 403, false,
		"You are not authorized to perform this operation. %s", ae.Message).WithRequestID(ae.RequestID))
}

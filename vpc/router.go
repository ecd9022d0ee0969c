package vpc

import (
	"net/netip"

	"github.com/nimbus-sim/nimbus/billing"
	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/sim"
)

// PathKind is how a call from an interface leaves its VPC toward a
// regional service endpoint.
type PathKind uint8

// Path kinds.
const (
	PathNone              PathKind = iota // no route: the SDK's connect times out
	PathGatewayEndpoint                   // a gateway VPC endpoint (S3, DynamoDB): free
	PathInterfaceEndpoint                 // an interface VPC endpoint in the VPC
	PathNATGateway                        // a NAT gateway, then its internet gateway
	PathInternetGateway                   // the internet gateway with the interface's public IP
)

func (k PathKind) String() string {
	return [...]string{"no-path", "gateway-endpoint", "interface-endpoint", "nat-gateway", "internet-gateway"}[k]
}

// ServicePath is the route of a call from an interface to a service
// endpoint: what billing and IAM need to know about it.
type ServicePath struct {
	Kind PathKind
	// Analysis explains the path, or why there is none.
	Analysis *Analysis
	Account  string
	Region   string
	AZID     string // the caller's zone
	VpcID    string
	// EndpointID is the VPC endpoint used (aws:SourceVpce), NATGatewayID
	// the NAT gateway, NATAZID its zone.
	EndpointID   string
	NATGatewayID string
	NATAZID      string
	// SourceIP is the address the service sees: the NAT gateway's or the
	// interface's public address through a gateway, the private address
	// through an endpoint (aws:SourceIp applies only to public addresses,
	// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceip).
	SourceIP netip.Addr
	// EndpointPolicy is the endpoint's policy, which must also allow the
	// request.
	EndpointPolicy *iam.Policy
}

// PathToService routes a call from an interface to a regional service
// ("s3", "dynamodb", "ec2", ...) in the interface's region over TCP 443,
// as the interface's subnet route table, NACL and security groups decide.
// The interface must exist.
func (s *Service) PathToService(eniID, service string) (*ServicePath, error) {
	return s.pathTo(eniID, Point{Service: service}, "tcp", 443)
}

func (s *Service) pathTo(eniID string, dst Point, proto string, port int) (*ServicePath, error) {
	a, err := s.Reach(ENI(eniID), dst, proto, port)
	if err != nil {
		return nil, err
	}
	e := a.srcENI
	p := &ServicePath{Analysis: a, Account: e.account(), Region: e.region(), AZID: e.subnet.azID, VpcID: e.subnet.vpc.id}
	if !a.Reachable {
		return p, nil
	}
	switch {
	case a.viaVPCE != nil:
		p.EndpointID, p.EndpointPolicy, p.SourceIP = a.viaVPCE.id, a.viaVPCE.policy, e.ip
		p.Kind = PathInterfaceEndpoint
		if a.viaVPCE.gateway {
			p.Kind = PathGatewayEndpoint
		}
	case a.viaNAT != nil:
		p.Kind, p.NATGatewayID, p.NATAZID, p.SourceIP = PathNATGateway, a.viaNAT.id, a.viaNAT.subnet.azID, a.viaNAT.eip.ip
	default:
		p.Kind, p.SourceIP = PathInternetGateway, e.publicIP()
	}
	return p, nil
}

// ConditionKeys returns the keys IAM sees for a call on this path:
// aws:SourceVpc and aws:SourceVpce through an endpoint, aws:SourceIp
// through a gateway
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html).
func (p *ServicePath) ConditionKeys() map[string][]string {
	switch p.Kind {
	case PathGatewayEndpoint, PathInterfaceEndpoint:
		return map[string][]string{"aws:SourceVpc": {p.VpcID}, "aws:SourceVpce": {p.EndpointID}, "aws:VpcSourceIp": {p.SourceIP.String()}}
	case PathNATGateway, PathInternetGateway:
		return map[string][]string{"aws:SourceIp": {p.SourceIP.String()}}
	}
	return nil
}

// AuthorizeEndpoint evaluates the endpoint policy of an endpoint path for
// a request (nil for other paths): the policy must allow, like a resource
// policy that is required
// (https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html).
func (p *ServicePath) AuthorizeEndpoint(req *iam.Request) error {
	if p.EndpointPolicy == nil {
		return nil
	}
	r := *req
	r.ResourcePolicy = p.EndpointPolicy
	r.RequireResourcePolicy = true
	d := iam.Evaluate(iam.EvaluateInput{Request: &r})
	if d.Allowed {
		return nil
	}
	return clientErr("AccessDenied", "not authorized by the VPC endpoint policy of %s: %s", p.EndpointID, d.Message())
}

// Meter records what moving bytes over the path costs: NAT processing per
// GB (plus inter-AZ transfer both ways when the NAT gateway is in another
// zone than the caller), interface-endpoint processing per GB; nothing
// through a gateway endpoint or the internet gateway to a service in the
// same region
// (https://aws.amazon.com/vpc/pricing/, https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer).
func (s *Service) Meter(p *ServicePath, bytes int64, at sim.Time) error {
	if bytes <= 0 {
		return nil
	}
	if p.Kind == PathInterfaceEndpoint {
		return s.ledger.Record(billing.Usage{Account: p.Account, Service: "AmazonVPC", UsageType: "VpcEndpoint-Bytes",
			Operation: "VpcEndpoint", Region: p.Region, ResourceID: p.EndpointID, Start: at, End: at, Quantity: bytes})
	}
	if p.Kind != PathNATGateway {
		return nil
	}
	t := billing.Transfer{Account: p.Account, Operation: "NatGateway", ResourceID: p.NATGatewayID, Bytes: bytes,
		From: billing.Endpoint{Region: p.Region, AZ: p.AZID}, To: billing.Endpoint{Region: p.Region, AZ: p.NATAZID},
		NATGatewayID: p.NATGatewayID, Start: at, End: at}
	_, err := s.ledger.RecordTransfer(t)
	return err
}

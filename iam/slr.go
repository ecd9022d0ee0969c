package iam

// Service-linked roles: CreateServiceLinkedRole, and the rules that set
// them apart ("Using service-linked roles",
// https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html;
// API: https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateServiceLinkedRole.html).
//
//   - A service-linked role lives under /aws-service-role/SERVICE/, is named
//     by its service (AWSServiceRoleForAutoScaling, ...), trusts only the
//     service principal, and carries the service's AWS managed policy.
//   - Only the service may change it: ordinary role operations on it fail
//     with UnmodifiableEntity, and CreateRole refuses the reserved path.
//   - SCPs and RCPs do not apply to it ("Policy evaluation logic",
//     https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html:
//     SCPs' "only exceptions are principals in the organization management
//     account and service-linked roles"; RCPs "don't apply to ... calls
//     made by service-linked roles").

import (
	"sort"
	"strings"

	"github.com/nimbus-sim/nimbus/internal/awserr"
)

// ServiceLinkedRolePathPrefix is the path every service-linked role lives
// under; it is reserved for them.
const ServiceLinkedRolePathPrefix = "/aws-service-role/"

// linkedService describes a service that has a service-linked role.
type linkedService struct {
	role   string // role name
	policy string // AWS managed policy at /aws-service-role/
	suffix bool   // accepts CustomSuffix
}

// linkedServices are the services modeled here whose service-linked role
// names and policies AWS documents (each service's "Using service-linked
// roles for ..." page). Any other service principal is an error: the
// simulator would not know the role's name or permissions.
var linkedServices = map[string]linkedService{
	"autoscaling.amazonaws.com":          {"AWSServiceRoleForAutoScaling", "AutoScalingServiceRolePolicy", true},
	"elasticloadbalancing.amazonaws.com": {"AWSServiceRoleForElasticLoadBalancing", "AWSElasticLoadBalancingServiceRolePolicy", false},
	"spot.amazonaws.com":                 {"AWSServiceRoleForEC2Spot", "AWSEC2SpotServiceRolePolicy", false},
	"spotfleet.amazonaws.com":            {"AWSServiceRoleForEC2SpotFleet", "AWSEC2SpotFleetServiceRolePolicy", false},
	"organizations.amazonaws.com":        {"AWSServiceRoleForOrganizations", "AWSOrganizationsServiceTrustPolicy", false},
	"config.amazonaws.com":               {"AWSServiceRoleForConfig", "AWSConfigServiceRolePolicy", false},
}

// CreateServiceLinkedRoleInput is the input of CreateServiceLinkedRole.
type CreateServiceLinkedRoleInput struct {
	// AWSServiceName is the service principal, e.g. "autoscaling.amazonaws.com".
	AWSServiceName string
	Description    string
	// CustomSuffix is appended as "_suffix" to the role name, for services
	// that allow several such roles (Auto Scaling).
	CustomSuffix string
}

// CreateServiceLinkedRole creates the service-linked role of a service in
// the caller's account, at /aws-service-role/SERVICE/ with a trust policy
// naming only the service principal and the service's managed policy
// attached. The caller needs iam:CreateServiceLinkedRole on the role's ARN
// (with iam:AWSServiceName in the request context). An unknown service, a
// suffix the service does not take, or a name already taken is
// InvalidInput, and nothing is created.
func (s *Service) CreateServiceLinkedRole(c Credentials, in CreateServiceLinkedRoleInput) (Role, error) {
	ls, ok := linkedServices[in.AWSServiceName]
	if !ok {
		if err := checkName("awsServiceName", in.AWSServiceName, 128); err != nil {
			return Role{}, err
		}
		return Role{}, invalidInput("Invalid ServiceName: %s is not a service with a service-linked role (known here: %s)", in.AWSServiceName, strings.Join(linkedServiceNames(), ", "))
	}
	name := ls.role
	if in.CustomSuffix != "" {
		if !ls.suffix {
			return Role{}, invalidInput("Custom suffix is not allowed for %s", in.AWSServiceName)
		}
		name += "_" + in.CustomSuffix
		if err := checkName("customSuffix", in.CustomSuffix, 64-len(ls.role)-1); err != nil {
			return Role{}, err
		}
	}
	p, err := s.Authenticate(c)
	if err != nil {
		return Role{}, err
	}
	if p.acct == nil {
		return Role{}, awserr.New("AccessDenied", 403, false, "%s is not authorized to perform: iam:CreateServiceLinkedRole", p.display())
	}
	path := ServiceLinkedRolePathPrefix + in.AWSServiceName + "/"
	arn := s.iamARN(p.AccountID, "role", path, name)
	d := s.Authorize(&Request{Principal: p, Action: "iam:CreateServiceLinkedRole", Resource: arn, ResourceAccount: p.AccountID,
		Context: map[string][]string{"iam:AWSServiceName": {in.AWSServiceName}}})
	if !d.Allowed {
		return Role{}, d.Err()
	}
	a := p.acct
	if findFold(a.roles, name) {
		// AWS's words, as the CLI prints them.
		return Role{}, invalidInput("Service role name %s has been taken in this account, please try a different suffix.", name)
	}
	if len(a.roles) >= MaxRolesPerAccount {
		return Role{}, limitExceeded("Cannot exceed quota for RolesPerAccount: %d", MaxRolesPerAccount)
	}
	pol, ok := s.awsManaged(AWSManagedPolicyARN("aws-service-role/" + ls.policy).String())
	if !ok {
		panic("iam: no managed policy " + ls.policy + " for service-linked role " + ls.role)
	}
	trust := MustParsePolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"` +
		in.AWSServiceName + `"},"Action":"sts:AssumeRole"}]}`)
	r := &role{holder: holder{kind: "role", name: name}, path: path, id: s.uniqueID("AROA", 17), arn: arn,
		created: s.env.NowTime(), trust: trust, description: in.Description, maxSession: DefaultSessionDuration,
		linkedService: in.AWSServiceName}
	put(&a.roles, name, r)
	if err := r.attach(pol); err != nil {
		panic("iam: attaching " + ls.policy + ": " + err.Error())
	}
	s.gen++
	if s.env.Tracing() { // the fields cost allocations
		s.emit(a.id, "CreateServiceLinkedRole", simF("arn", arn.String()))
	}
	return r.snapshot(), nil
}

func linkedServiceNames() []string {
	out := make([]string, 0, len(linkedServices))
	for n := range linkedServices {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// ServiceLinkedRoleCredentials returns the credentials service uses to act
// in accountID through its service-linked role: a session of that role
// assumed by the service principal. NoSuchEntity if the role does not
// exist. Calls made with them are exempt from SCPs and RCPs.
func (s *Service) ServiceLinkedRoleCredentials(accountID, service string) (Credentials, error) {
	ls, ok := linkedServices[service]
	if !ok {
		return Credentials{}, invalidInput("Invalid ServiceName: %s is not a service with a service-linked role", service)
	}
	a, ok := s.accounts[accountID]
	if !ok {
		return Credentials{}, noSuchEntity("The account %s cannot be found.", accountID)
	}
	r, ok := a.roles[ls.role]
	if !ok || r.linkedService != service {
		return Credentials{}, noSuchEntity("The role with name %s cannot be found.", ls.role)
	}
	req := &Request{Principal: ServicePrincipal(service), Action: "sts:AssumeRole", Resource: r.arn, ResourceAccount: accountID,
		ResourcePolicy: r.trust, RequireResourcePolicy: true}
	if d := s.Authorize(req); !d.Allowed {
		return Credentials{}, d.Err()
	}
	return s.startSession(r, strings.TrimSuffix(strings.SplitN(service, ".", 2)[0], "-"), DefaultSessionDuration, nil, 0, nil, "", "ServiceLinkedRole").Credentials, nil
}

// unmodifiable is the error for an ordinary role operation on a
// service-linked role: only its service may change it.
func unmodifiable(r *role) error {
	return awserr.New("UnmodifiableEntity", 400, false,
		"Cannot perform the operation on the protected role '%s' - this role is only modifiable by AWS", r.name)
}

// reservedPath refuses the service-linked roles' path in CreateRole.
func reservedPath(path string) error {
	if strings.HasPrefix(strings.ToLower(path), ServiceLinkedRolePathPrefix) {
		return invalidInput("The path %s is reserved for service-linked roles; create them with CreateServiceLinkedRole", path)
	}
	return nil
}

package iam

// SimulatePrincipalPolicy: the IAM policy simulator's API, for asking "what
// would happen if this user or role called X on Y?" without calling it.

import "strings"

// SimulatePrincipalPolicyInput is the input of SimulatePrincipalPolicy.
type SimulatePrincipalPolicyInput struct {
	// PolicySourceArn is a user or role ARN in the caller's account. A
	// role is simulated as a session without session policy.
	PolicySourceArn ARN
	ActionNames     []string
	// ResourceArns default to "*" (the zero ARN) when empty.
	ResourceArns []ARN
	// ResourcePolicy is an optional resource-based policy to include.
	ResourcePolicy *Policy
	// ResourceOwner is the account owning the resources (default: the
	// principal's account).
	ResourceOwner  string
	ContextEntries map[string][]string
}

// SimulatePrincipalPolicy evaluates every action on every resource for the
// principal and returns the decisions, action-major. The caller needs
// iam:SimulatePrincipalPolicy on the principal's ARN.
func (s *Service) SimulatePrincipalPolicy(c Credentials, in SimulatePrincipalPolicyInput) ([]Decision, error) {
	_, a, err := s.caller(c, "iam:SimulatePrincipalPolicy", in.PolicySourceArn)
	if err != nil {
		return nil, err
	}
	src := in.PolicySourceArn
	var p *Principal
	switch src.ResourceType() {
	case "user":
		u, ok := a.users[src.Name()]
		if !ok || u.arn != src {
			return nil, noSuchEntity("The user with ARN %s cannot be found.", src)
		}
		p = u.principal
	case "role":
		r, ok := a.roles[src.Name()]
		if !ok || r.arn != src {
			return nil, noSuchEntity("The role with ARN %s cannot be found.", src)
		}
		se := &session{role: r}
		p = &Principal{Type: PrincipalAssumedRole, AccountID: a.id, UserID: r.id + ":simulated", RoleARN: r.arn,
			SessionName: "simulated", Tags: r.tags, acct: a, session: se,
			ARN: ARN{Partition: s.partition, Service: "sts", AccountID: a.id, Resource: "assumed-role/" + r.name + "/simulated"}}
		p.finish()
	default:
		return nil, invalidInput("PolicySourceArn %s must be a user or role ARN", src)
	}
	if src.AccountID != a.id {
		return nil, invalidInput("PolicySourceArn %s is not in account %s", src, a.id)
	}
	resources := in.ResourceArns
	if len(resources) == 0 {
		resources = []ARN{{}}
	}
	owner := in.ResourceOwner
	if owner == "" {
		owner = a.id
	}
	var out []Decision
	for _, act := range in.ActionNames {
		if !strings.Contains(act, ":") {
			return nil, invalidInput("action %q must be service:Action", act)
		}
		for _, r := range resources {
			req := &Request{Principal: p, Action: act, Resource: r, ResourceAccount: owner,
				ResourcePolicy: in.ResourcePolicy, Context: in.ContextEntries}
			out = append(out, s.Authorize(req))
		}
	}
	return out, nil
}

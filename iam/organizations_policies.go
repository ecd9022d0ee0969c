package iam

// Organization policies: creating SCPs and RCPs, attaching them to the
// root, OUs and accounts, and detaching them.

import (
	"errors"
	"strings"

	"github.com/nimbus-sim/nimbus/internal/awserr"
)

// CreatePolicy creates an SCP or RCP. The document follows the IAM policy
// language with the restrictions of each type ("SCP syntax",
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_syntax.html:
// no Principal or NotPrincipal; "RCP syntax",
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html:
// Principal must be "*", no NotPrincipal), at most 5,120 characters.
func (g *Organizations) CreatePolicy(c Credentials, in *CreateOrgPolicyInput) (*CreateOrgPolicyOutput, error) {
	s := g.s
	if in == nil {
		in = &CreateOrgPolicyInput{}
	}
	o, err := s.mgmtCaller(c, "organizations:CreatePolicy", nil)
	if err != nil {
		return nil, err
	}
	if err := checkPolicyType(in.Type); err != nil {
		return nil, err
	}
	if len(in.Name) < 1 || len(in.Name) > 128 {
		return nil, orgErr("InvalidInputException", "INVALID_INPUT: Name must be 1 to 128 characters, got %d", len(in.Name))
	}
	if len(in.Description) > 512 {
		return nil, orgErr("InvalidInputException", "INVALID_INPUT: Description must be at most 512 characters")
	}
	if o.featureSet != FeatureSetAll {
		return nil, orgErr("PolicyTypeNotAvailableForOrganizationException", "You can't use %s in an organization with only consolidated billing features enabled.", in.Type)
	}
	if len(in.Content) > MaxOrgPolicySize {
		return nil, constraint("MAX_POLICY_SIZE_EXCEEDED", "the policy document is %d characters; at most %d", len(in.Content), MaxOrgPolicySize)
	}
	doc, err := parseOrgPolicy(in.Type, in.Content)
	if err != nil {
		return nil, err
	}
	n := 0
	for _, p := range o.policies {
		if p.typ == in.Type {
			n++
			if p.name == in.Name {
				return nil, orgErr("DuplicatePolicyException", "A policy with the same name already exists.")
			}
		}
	}
	if n >= MaxPoliciesPerType {
		return nil, constraint("POLICY_NUMBER_LIMIT_EXCEEDED", "an organization has at most %d policies of one type", MaxPoliciesPerType)
	}
	id := s.orgID("p-", 8)
	kind := strings.ToLower(in.Type)
	p := &orgPolicy{id: id, name: in.Name, description: in.Description, typ: in.Type, content: in.Content, doc: doc,
		arn: o.orgARN("policy", kind+"/"+id)}
	o.policies[id] = p
	return &CreateOrgPolicyOutput{Policy: &OrgPolicy{PolicySummary: p.summary(), Content: p.content}}, nil
}

// parseOrgPolicy parses an SCP or RCP document; problems are
// MalformedPolicyDocumentException.
func parseOrgPolicy(typ, content string) (*Policy, error) {
	doc, err := ParsePolicy(content)
	if err != nil {
		var ae *awserr.Error
		msg := err.Error()
		if errors.As(err, &ae) {
			msg = ae.Message
		}
		return nil, orgErr("MalformedPolicyDocumentException", "%s", msg)
	}
	for i, st := range doc.Statements {
		switch {
		case st.NotPrincipal:
			return nil, orgErr("MalformedPolicyDocumentException", "Statement[%d]: NotPrincipal is not supported in a %s", i, strings.ToLower(strings.ReplaceAll(typ, "_", " ")))
		case typ == ServiceControlPolicyType && st.Principal != nil:
			return nil, orgErr("MalformedPolicyDocumentException", "Statement[%d]: a service control policy cannot specify a principal", i)
		case typ == ResourceControlPolicyType && (st.Principal == nil || !st.Principal.All && !(len(st.Principal.AWS) == 1 && st.Principal.AWS[0] == "*")):
			return nil, orgErr("MalformedPolicyDocumentException", "Statement[%d]: a resource control policy's Principal must be \"*\"", i)
		case st.Resource == nil:
			return nil, orgErr("MalformedPolicyDocumentException", "Statement[%d]: Resource is required", i)
		}
	}
	return doc, nil
}

// orgPolicyByID finds a customer or AWS managed policy.
func (o *organization) orgPolicyByID(id string) *orgPolicy {
	switch id {
	case fullAWSAccess.id:
		return fullAWSAccess
	case rcpFullAWSAccess.id:
		return rcpFullAWSAccess
	}
	return o.policies[id]
}

// target is a root, OU or account's attachment list.
func (o *organization) target(id string) (*[]*orgPolicy, bool) {
	if n := o.nodes[id]; n != nil {
		return &n.attached, true
	}
	if a := o.members[id]; a != nil {
		return &a.orgAttached, true
	}
	return nil, false
}

// policyAndTarget authorizes the management account's caller for action on
// the policy, then finds the policy and the target's attachment list, with
// Organizations' error for whichever is missing.
func (s *Service) policyAndTarget(c Credentials, action, policyID, targetID string) (*organization, *orgPolicy, *[]*orgPolicy, error) {
	o, err := s.mgmtCaller(c, action, func(o *organization) ARN {
		if p := o.orgPolicyByID(policyID); p != nil {
			return p.arn
		}
		return ARN{}
	})
	if err != nil {
		return nil, nil, nil, err
	}
	p := o.orgPolicyByID(policyID)
	if p == nil {
		return nil, nil, nil, orgErr("PolicyNotFoundException", "We can't find a policy with the PolicyId %q that you specified.", policyID)
	}
	list, ok := o.target(targetID)
	if !ok {
		return nil, nil, nil, orgErr("TargetNotFoundException", "We can't find a root, OU, account, or email that matches the TargetId %q that you specified.", targetID)
	}
	return o, p, list, nil
}

// AttachPolicy attaches an SCP or RCP to the root, an OU or an account. At
// most five policies of a type per target (ConstraintViolationException).
func (g *Organizations) AttachPolicy(c Credentials, in *AttachPolicyInput) (*AttachPolicyOutput, error) {
	s := g.s
	if in == nil {
		in = &AttachPolicyInput{}
	}
	o, p, list, err := s.policyAndTarget(c, "organizations:AttachPolicy", in.PolicyId, in.TargetId)
	if err != nil {
		return nil, err
	}
	if !o.enabled[p.typ] {
		return nil, orgErr("PolicyTypeNotEnabledException", "This operation can be performed only for enabled policy types (%s is not enabled on the root).", p.typ)
	}
	n := 0
	for _, q := range *list {
		if q == p {
			return nil, orgErr("DuplicatePolicyAttachmentException", "The selected policy is already attached to the specified target.")
		}
		if q.typ == p.typ {
			n++
		}
	}
	if n >= MaxPoliciesPerTarget {
		return nil, constraint("POLICY_NUMBER_LIMIT_EXCEEDED", "at most %d policies of type %s can be attached to one target", MaxPoliciesPerTarget, p.typ)
	}
	*list = append(*list, p)
	s.gen++
	return &AttachPolicyOutput{}, nil
}

// DetachPolicy detaches a policy from a target. A target keeps at least one
// SCP while SCPs are enabled, and RCPFullAWSAccess cannot be detached.
func (g *Organizations) DetachPolicy(c Credentials, in *DetachPolicyInput) (*DetachPolicyOutput, error) {
	s := g.s
	if in == nil {
		in = &DetachPolicyInput{}
	}
	_, p, list, err := s.policyAndTarget(c, "organizations:DetachPolicy", in.PolicyId, in.TargetId)
	if err != nil {
		return nil, err
	}
	i, same := -1, 0
	for j, q := range *list {
		if q == p {
			i = j
		}
		if q.typ == p.typ {
			same++
		}
	}
	if i < 0 {
		return nil, orgErr("PolicyNotAttachedException", "The policy isn't attached to the specified target in the specified root.")
	}
	if p == rcpFullAWSAccess {
		return nil, constraint("MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED", "RCPFullAWSAccess cannot be detached")
	}
	if same <= 1 {
		return nil, constraint("MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED", "a target must keep at least one %s attached", p.typ)
	}
	*list = append((*list)[:i:i], (*list)[i+1:]...)
	s.gen++
	return &DetachPolicyOutput{}, nil
}

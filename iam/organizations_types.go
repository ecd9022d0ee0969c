package iam

// The Organizations API's inputs and outputs, shaped like the API's
// (https://docs.aws.amazon.com/organizations/latest/APIReference/API_Types.html).

// Organization describes an organization (DescribeOrganization,
// CreateOrganization).
type Organization struct {
	Id               string
	Arn              string
	FeatureSet       string
	MasterAccountId  string
	MasterAccountArn string
	// MasterAccountEmail stays empty: simulated accounts have no email.
	MasterAccountEmail string
}

// PolicyTypeSummary is a policy type and whether it is enabled on a root.
type PolicyTypeSummary struct {
	Type   string
	Status string // "ENABLED"
}

// Root is the organization's root.
type Root struct {
	Id          string
	Arn         string
	Name        string
	PolicyTypes []PolicyTypeSummary
}

// OrganizationalUnit is an OU.
type OrganizationalUnit struct {
	Id   string
	Arn  string
	Name string
}

// PolicySummary describes an organization policy.
type PolicySummary struct {
	Id          string
	Arn         string
	Name        string
	Description string
	Type        string
	AwsManaged  bool
}

// OrgPolicy is an organization policy with its document (Organizations'
// Policy structure; named apart from IAM's Policy).
type OrgPolicy struct {
	PolicySummary PolicySummary
	Content       string
}

// HandshakeParty names one side of a handshake.
type HandshakeParty struct {
	Id   string
	Type string // "ACCOUNT", "ORGANIZATION"
}

// Handshake is an invitation to join an organization.
type Handshake struct {
	Id      string
	Arn     string
	Action  string // "INVITE"
	State   string // "OPEN", "ACCEPTED"
	Parties []HandshakeParty
}

// Inputs and outputs, shaped like the API's.
type (
	CreateOrganizationInput struct {
		FeatureSet string // "ALL" (default) or "CONSOLIDATED_BILLING"
	}
	CreateOrganizationOutput struct{ Organization *Organization }

	DescribeOrganizationInput  struct{}
	DescribeOrganizationOutput struct{ Organization *Organization }

	ListRootsInput  struct{}
	ListRootsOutput struct{ Roots []Root }

	EnablePolicyTypeInput struct {
		RootId     string
		PolicyType string
	}
	EnablePolicyTypeOutput struct{ Root *Root }

	CreateOrganizationalUnitInput struct {
		ParentId string
		Name     string
	}
	CreateOrganizationalUnitOutput struct{ OrganizationalUnit *OrganizationalUnit }

	InviteAccountToOrganizationInput struct {
		Target HandshakeParty // Type "ACCOUNT", Id the 12-digit account ID
	}
	InviteAccountToOrganizationOutput struct{ Handshake *Handshake }

	AcceptHandshakeInput  struct{ HandshakeId string }
	AcceptHandshakeOutput struct{ Handshake *Handshake }

	MoveAccountInput struct {
		AccountId           string
		SourceParentId      string
		DestinationParentId string
	}
	MoveAccountOutput struct{}

	CreateOrgPolicyInput struct {
		Content     string
		Description string
		Name        string
		Type        string // SERVICE_CONTROL_POLICY or RESOURCE_CONTROL_POLICY
	}
	CreateOrgPolicyOutput struct{ Policy *OrgPolicy }

	AttachPolicyInput struct {
		PolicyId string
		TargetId string // r-..., ou-... or a 12-digit account ID
	}
	AttachPolicyOutput struct{}

	DetachPolicyInput struct {
		PolicyId string
		TargetId string
	}
	DetachPolicyOutput struct{}
)

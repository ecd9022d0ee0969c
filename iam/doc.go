// Package iam is AWS Identity and Access Management and AWS STS for the
// simulated cloud: ARNs, the JSON policy language, policy evaluation,
// accounts, users, groups, roles, access keys, managed and inline policies,
// permissions boundaries, session policies, instance profiles, temporary
// credentials that expire in virtual time, and the SDK's credential chain.
//
// Every simulated API call is authenticated and authorized here; the
// request pipeline (package region) calls Authenticate and Authorize, and
// no service path bypasses them. The behaviour follows the IAM User Guide
// ("Policy evaluation logic", "IAM JSON policy elements reference",
// "Condition operators", "Policy variables") and the STS API Reference;
// tests cite the section each rule comes from.
//
// # Usage
//
//	env := sim.New(1)
//	svc := iam.NewService(env)
//	root, _ := svc.CreateAccount("111122223333")       // the root user's keys
//	svc.CreateUser(root, iam.CreateUserInput{UserName: "alice"})
//	svc.PutUserPolicy(root, "alice", "read", `{"Version":"2012-10-17",
//	    "Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`)
//	key, _ := svc.CreateAccessKey(root, "alice")
//
//	// What a service does with each request:
//	p, err := svc.Authenticate(key.Credentials())     // InvalidClientTokenId, ExpiredToken, ...
//	d := svc.Authorize(&iam.Request{Principal: p, Action: "s3:GetObject",
//	    Resource: iam.MustParseARN("arn:aws:s3:::b/k"), ResourceAccount: "111122223333"})
//	if !d.Allowed {
//	    return d.Err()        // AccessDenied, worded like AWS's
//	}
//	fmt.Println(d.Explain())  // which statements matched, and why not
//
// Policies can also be evaluated on their own: ParsePolicy compiles a
// document once (MalformedPolicyDocument errors carry reason and location),
// Policy.Evaluate applies it to a Request without allocating, and the
// package-level Authorize and Evaluate combine identity, resource,
// boundary, session and AWS Organizations (SCP, RCP) policies without a
// Service. SimulatePrincipalPolicy asks the same question of a user or role
// through the IAM API.
//
// # Evaluation rules
//
// Default deny; an explicit Deny anywhere wins; RCPs and SCPs cap (every
// level must allow); within an account an identity-based or a
// resource-based allow suffices (a resource policy naming only the account
// delegates to identity policies; role trust policies must always allow,
// Request.RequireResourcePolicy); across accounts both must allow;
// permissions boundaries and session policies limit identity grants.
// Action names match case-insensitively, resource ARNs case-sensitively,
// and * in a resource crosses '/'. Conditions: operators AND, keys AND,
// values OR (NOR for negated operators); a missing key fails positive
// operators and satisfies negated ones, ...IfExists and ForAllValues;
// ForAnyValue needs a value; a bare operator never matches a multivalued
// key; ${...} variables resolve only in Version 2012-10-17 documents, and a
// variable with no value matches nothing.
//
// Principals: the Service builds them in Authenticate. Without a Service,
// NewPrincipal("arn:aws:iam::111122223333:user/alice") (or a role session
// or root ARN), NewRoleSessionPrincipal, ServicePrincipal and
// ServicePrincipalFor (an AWS service acting for a resource, with
// aws:SourceAccount and aws:SourceArn) build callers for Policy.Evaluate,
// Evaluate and Authorize. NotPrincipal spares a caller only when every
// identity AWS may check is listed: the account, the role, the user or
// session (see notPrincipalExempts for the reading of the NotPrincipal page
// chosen).
//
// # AWS Organizations
//
// Service.Organizations is the Organizations API (region's
// OrganizationsClient sends it through the request pipeline):
//
//	org := svc.Organizations()
//	org.CreateOrganization(mgmt, &iam.CreateOrganizationInput{})  // mgmt: the management account's keys
//	roots, _ := org.ListRoots(mgmt, nil)
//	org.EnablePolicyType(mgmt, &iam.EnablePolicyTypeInput{RootId: roots.Roots[0].Id,
//	    PolicyType: iam.ServiceControlPolicyType})                 // FullAWSAccess attached everywhere
//	inv, _ := org.InviteAccountToOrganization(mgmt, &iam.InviteAccountToOrganizationInput{
//	    Target: iam.HandshakeParty{Type: "ACCOUNT", Id: "111122223333"}})
//	org.AcceptHandshake(member, &iam.AcceptHandshakeInput{HandshakeId: inv.Handshake.Id})
//	ou, _ := org.CreateOrganizationalUnit(mgmt, &iam.CreateOrganizationalUnitInput{ParentId: roots.Roots[0].Id, Name: "Prod"})
//	org.MoveAccount(mgmt, &iam.MoveAccountInput{AccountId: "111122223333",
//	    SourceParentId: roots.Roots[0].Id, DestinationParentId: ou.OrganizationalUnit.Id})
//	p, _ := org.CreatePolicy(mgmt, &iam.CreateOrgPolicyInput{Type: iam.ServiceControlPolicyType, Name: "NoLeave", Content: doc})
//	org.AttachPolicy(mgmt, &iam.AttachPolicyInput{PolicyId: p.Policy.PolicySummary.Id, TargetId: ou.OrganizationalUnit.Id})
//
// Authorize then walks root, OUs and account: some SCP must allow at every
// level and a Deny anywhere denies. SCPs cap the principals of member
// accounts (their root users included) but not the management account,
// service-linked roles or AWS service principals; RCPs cap access to
// member accounts' resources by anyone, AWS services included, except
// service-linked roles, and only for the services that support RCPs.
// CreateServiceLinkedRole creates a service's role under
// /aws-service-role/, which only its service may change.
//
// STS: AssumeRole checks the caller's sts:AssumeRole permission and the
// role's trust policy and returns ASIA... credentials valid from 15 minutes
// to the role's MaxSessionDuration (default 1 hour); once the simulation
// clock passes their Expiration, Authenticate returns ExpiredToken.
// InstanceProfileCredentials is what an EC2 instance's metadata service
// serves. A Chain resolves credentials as the SDK does (explicit,
// environment, shared credentials file, container, instance metadata) from
// a ProcessEnv that a simulated process has or lacks, and refreshes them
// before they expire.
//
// A Service is driven by one goroutine at a time, like the sim.Env it
// belongs to.
package iam

package iam

// Instance profiles: CreateInstanceProfile, GetInstanceProfile,
// DeleteInstanceProfile, AddRoleToInstanceProfile,
// RemoveRoleFromInstanceProfile; the credentials EC2 hands to an instance
// (InstanceProfileCredentials) and the iam:PassRole check EC2 makes when an
// instance is launched with a profile.

import (
	"slices"
	"time"

	"github.com/nimbus-sim/nimbus/internal/awserr"
)

// InstanceProfileSessionDuration is how long the role credentials EC2
// serves through instance metadata last; the metadata service rotates them
// well before they expire.
const InstanceProfileSessionDuration = 6 * time.Hour

type instanceProfile struct {
	name, path, id string
	arn            ARN
	created        time.Time
	role           *role
}

// InstanceProfile is a container for at most one role that EC2 instances
// are launched with.
type InstanceProfile struct {
	InstanceProfileName string
	InstanceProfileID   string
	ARN                 ARN
	Path                string
	CreateDate          time.Time
	// Roles holds zero or one role ARN.
	Roles []ARN
}

func (ip *instanceProfile) snapshot() InstanceProfile {
	out := InstanceProfile{InstanceProfileName: ip.name, InstanceProfileID: ip.id, ARN: ip.arn, Path: ip.path, CreateDate: ip.created}
	if ip.role != nil {
		out.Roles = []ARN{ip.role.arn}
	}
	return out
}

// CreateInstanceProfile creates an empty instance profile.
func (s *Service) CreateInstanceProfile(c Credentials, name, path string) (InstanceProfile, error) {
	if err := checkName("instanceProfileName", name, 128); err != nil {
		return InstanceProfile{}, err
	}
	path, err := checkPath(path)
	if err != nil {
		return InstanceProfile{}, err
	}
	arn, _, a, err := reserve(s, c, &profileKind, "iam:CreateInstanceProfile", path, name)
	if err != nil {
		return InstanceProfile{}, err
	}
	ip := &instanceProfile{name: name, path: path, id: s.uniqueID("AIPA", 17), arn: arn, created: s.env.NowTime()}
	put(&a.profiles, name, ip)
	return ip.snapshot(), nil
}

func (s *Service) profileFor(c Credentials, action, name string) (*instanceProfile, *account, error) {
	return lookup(s, c, &profileKind, action, name)
}

// GetInstanceProfile returns an instance profile.
func (s *Service) GetInstanceProfile(c Credentials, name string) (InstanceProfile, error) {
	ip, _, err := s.profileFor(c, "iam:GetInstanceProfile", name)
	if err != nil {
		return InstanceProfile{}, err
	}
	return ip.snapshot(), nil
}

// DeleteInstanceProfile deletes a profile that holds no role.
func (s *Service) DeleteInstanceProfile(c Credentials, name string) error {
	ip, a, err := s.profileFor(c, "iam:DeleteInstanceProfile", name)
	if err != nil {
		return err
	}
	if ip.role != nil {
		return awserr.New("DeleteConflict", 409, false, "Cannot delete entity, must remove roles from instance profile first.")
	}
	delete(a.profiles, ip.name)
	return nil
}

// AddRoleToInstanceProfile puts a role into a profile; a profile holds at
// most one role (LimitExceeded).
func (s *Service) AddRoleToInstanceProfile(c Credentials, profileName, roleName string) error {
	ip, a, err := s.profileFor(c, "iam:AddRoleToInstanceProfile", profileName)
	if err != nil {
		return err
	}
	r, ok := a.roles[roleName]
	if !ok {
		return noSuchEntity("The role with name %s cannot be found.", roleName)
	}
	if ip.role != nil {
		return limitExceeded("Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1")
	}
	ip.role = r
	r.profiles = append(r.profiles, ip)
	return nil
}

// RemoveRoleFromInstanceProfile empties a profile.
func (s *Service) RemoveRoleFromInstanceProfile(c Credentials, profileName, roleName string) error {
	ip, _, err := s.profileFor(c, "iam:RemoveRoleFromInstanceProfile", profileName)
	if err != nil {
		return err
	}
	if ip.role == nil || ip.role.name != roleName {
		return noSuchEntity("The role with name %s cannot be found in instance profile %s.", roleName, profileName)
	}
	r := ip.role
	r.profiles = slices.DeleteFunc(r.profiles, func(x *instanceProfile) bool { return x == ip })
	ip.role = nil
	return nil
}

func (s *Service) profileByARN(arn ARN) (*instanceProfile, bool) {
	a, ok := s.accounts[arn.AccountID]
	if !ok {
		return nil, false
	}
	ip, ok := a.profiles[arn.Name()]
	if !ok || ip.arn != arn {
		return nil, false
	}
	return ip, true
}

// ProfileRole returns the ARN of the role in an instance profile (comma-ok:
// false when the profile does not exist or is empty).
func (s *Service) ProfileRole(profileARN ARN) (ARN, bool) {
	ip, ok := s.profileByARN(profileARN)
	if !ok || ip.role == nil {
		return ARN{}, false
	}
	return ip.role.arn, true
}

// ec2Principal is ec2.amazonaws.com assuming instance profile roles
// (InstanceProfileCredentials). It is never written after it is made, and
// it reaches no caller (a denial's Decision keeps it unexported), so
// every Service can share it, rather than make a 576-byte copy each: a
// world of a replication launches instances with profiles.
var ec2Principal = ServicePrincipal("ec2.amazonaws.com")

// InstanceProfileCredentials returns the credentials the metadata service
// of instance instanceID serves for profileARN: a session of the profile's
// role assumed by the service principal ec2.amazonaws.com, named after the
// instance. The role's trust policy must allow ec2.amazonaws.com
// (AccessDenied otherwise); a missing or empty profile is NoSuchEntity.
func (s *Service) InstanceProfileCredentials(profileARN ARN, instanceID string) (Credentials, error) {
	ip, ok := s.profileByARN(profileARN)
	if !ok {
		return Credentials{}, noSuchEntity("Instance Profile %s cannot be found.", profileARN)
	}
	if ip.role == nil {
		return Credentials{}, noSuchEntity("Instance Profile %s has no role.", profileARN)
	}
	r := ip.role
	req := &Request{Principal: ec2Principal, Action: "sts:AssumeRole", Resource: r.arn, ResourceAccount: r.arn.AccountID, ResourcePolicy: r.trust,
		RequireResourcePolicy: true}
	if err := s.Check(req); err != nil { // Authorize's error, without a Decision to copy
		return Credentials{}, err
	}
	name := instanceID
	if err := checkSessionName(name); err != nil {
		return Credentials{}, err
	}
	out := s.startSession(r, name, InstanceProfileSessionDuration, nil, 0, nil, "", "EC2RoleProvider")
	return out.Credentials, nil
}

// CheckPassRole is the iam:PassRole check a service makes when a caller
// hands it a role (launching an instance with a profile, ...): the caller
// must be allowed iam:PassRole on the role ARN.
func (s *Service) CheckPassRole(caller *Principal, roleARN ARN) error {
	return s.Check(&Request{Principal: caller, Action: "iam:PassRole", Resource: roleARN, ResourceAccount: roleARN.AccountID})
}

// CheckPassRoleTo is CheckPassRole with the iam:PassedToService condition
// key set (e.g. "ec2.amazonaws.com"), for policies that allow passing a
// role only to one service.
func (s *Service) CheckPassRoleTo(caller *Principal, roleARN ARN, service string) error {
	return s.Check(&Request{Principal: caller, Action: "iam:PassRole", Resource: roleARN, ResourceAccount: roleARN.AccountID,
		Context: map[string][]string{"iam:PassedToService": {service}}})
}

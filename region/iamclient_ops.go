package region

import (
	"context"
	"time"

	"github.com/nimbus-sim/nimbus/iam"
)

// This file is the IAM client's operations, one method per IAM API
// operation, each one call through World.Call (see iamclient.go).

// CreateUserOutput is the output of IAMClient.CreateUser.
type CreateUserOutput struct {
	User iam.User
}

// CreateUser is IAM's CreateUser.
func (c *IAMClient) CreateUser(ctx context.Context, in *iam.CreateUserInput) (*CreateUserOutput, error) {
	if in == nil {
		in = &iam.CreateUserInput{}
	}
	out := &CreateUserOutput{}
	err := c.call(ctx, "CreateUser", func() error {
		v, err := c.w.iam.CreateUser(c.creds, *in)
		out.User = v
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// GetUserInput is the input of IAMClient.GetUser.
type GetUserInput struct {
	UserName string
}

// GetUserOutput is the output of IAMClient.GetUser.
type GetUserOutput struct {
	User iam.User
}

// GetUser is IAM's GetUser.
func (c *IAMClient) GetUser(ctx context.Context, in *GetUserInput) (*GetUserOutput, error) {
	if in == nil {
		in = &GetUserInput{}
	}
	out := &GetUserOutput{}
	err := c.call(ctx, "GetUser", func() error {
		v, err := c.w.iam.GetUser(c.creds, in.UserName)
		out.User = v
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ListUsersInput is the input of IAMClient.ListUsers.
type ListUsersInput struct {
}

// ListUsersOutput is the output of IAMClient.ListUsers.
type ListUsersOutput struct {
	Users []iam.User
}

// ListUsers is IAM's ListUsers.
func (c *IAMClient) ListUsers(ctx context.Context, in *ListUsersInput) (*ListUsersOutput, error) {
	if in == nil {
		in = &ListUsersInput{}
	}
	out := &ListUsersOutput{}
	err := c.call(ctx, "ListUsers", func() error {
		v, err := c.w.iam.ListUsers(c.creds)
		out.Users = v
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteUserInput is the input of IAMClient.DeleteUser.
type DeleteUserInput struct {
	UserName string
}

// DeleteUserOutput is the output of IAMClient.DeleteUser.
type DeleteUserOutput struct {
}

// DeleteUser is IAM's DeleteUser.
func (c *IAMClient) DeleteUser(ctx context.Context, in *DeleteUserInput) (*DeleteUserOutput, error) {
	if in == nil {
		in = &DeleteUserInput{}
	}
	out := &DeleteUserOutput{}
	err := c.call(ctx, "DeleteUser", func() error {
		return c.w.iam.DeleteUser(c.creds, in.UserName)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// CreateAccessKeyInput is the input of IAMClient.CreateAccessKey.
type CreateAccessKeyInput struct {
	UserName string
}

// CreateAccessKeyOutput is the output of IAMClient.CreateAccessKey.
type CreateAccessKeyOutput struct {
	AccessKey iam.AccessKey
}

// CreateAccessKey is IAM's CreateAccessKey.
func (c *IAMClient) CreateAccessKey(ctx context.Context, in *CreateAccessKeyInput) (*CreateAccessKeyOutput, error) {
	if in == nil {
		in = &CreateAccessKeyInput{}
	}
	out := &CreateAccessKeyOutput{}
	err := c.call(ctx, "CreateAccessKey", func() error {
		v, err := c.w.iam.CreateAccessKey(c.creds, in.UserName)
		out.AccessKey = v
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ListAccessKeysInput is the input of IAMClient.ListAccessKeys.
type ListAccessKeysInput struct {
	UserName string
}

// ListAccessKeysOutput is the output of IAMClient.ListAccessKeys.
type ListAccessKeysOutput struct {
	AccessKeyMetadata []iam.AccessKey
}

// ListAccessKeys is IAM's ListAccessKeys.
func (c *IAMClient) ListAccessKeys(ctx context.Context, in *ListAccessKeysInput) (*ListAccessKeysOutput, error) {
	if in == nil {
		in = &ListAccessKeysInput{}
	}
	out := &ListAccessKeysOutput{}
	err := c.call(ctx, "ListAccessKeys", func() error {
		v, err := c.w.iam.ListAccessKeys(c.creds, in.UserName)
		out.AccessKeyMetadata = v
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// UpdateAccessKeyInput is the input of IAMClient.UpdateAccessKey.
type UpdateAccessKeyInput struct {
	UserName    string
	AccessKeyId string
	Status      string
}

// UpdateAccessKeyOutput is the output of IAMClient.UpdateAccessKey.
type UpdateAccessKeyOutput struct {
}

// UpdateAccessKey is IAM's UpdateAccessKey.
func (c *IAMClient) UpdateAccessKey(ctx context.Context, in *UpdateAccessKeyInput) (*UpdateAccessKeyOutput, error) {
	if in == nil {
		in = &UpdateAccessKeyInput{}
	}
	out := &UpdateAccessKeyOutput{}
	err := c.call(ctx, "UpdateAccessKey", func() error {
		return c.w.iam.UpdateAccessKey(c.creds, in.UserName, in.AccessKeyId, in.Status)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteAccessKeyInput is the input of IAMClient.DeleteAccessKey.
type DeleteAccessKeyInput struct {
	UserName    string
	AccessKeyId string
}

// DeleteAccessKeyOutput is the output of IAMClient.DeleteAccessKey.
type DeleteAccessKeyOutput struct {
}

// DeleteAccessKey is IAM's DeleteAccessKey.
func (c *IAMClient) DeleteAccessKey(ctx context.Context, in *DeleteAccessKeyInput) (*DeleteAccessKeyOutput, error) {
	if in == nil {
		in = &DeleteAccessKeyInput{}
	}
	out := &DeleteAccessKeyOutput{}
	err := c.call(ctx, "DeleteAccessKey", func() error {
		return c.w.iam.DeleteAccessKey(c.creds, in.UserName, in.AccessKeyId)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// PutUserPolicyInput is the input of IAMClient.PutUserPolicy.
type PutUserPolicyInput struct {
	UserName       string
	PolicyName     string
	PolicyDocument string
}

// PutUserPolicyOutput is the output of IAMClient.PutUserPolicy.
type PutUserPolicyOutput struct {
}

// PutUserPolicy is IAM's PutUserPolicy.
func (c *IAMClient) PutUserPolicy(ctx context.Context, in *PutUserPolicyInput) (*PutUserPolicyOutput, error) {
	if in == nil {
		in = &PutUserPolicyInput{}
	}
	out := &PutUserPolicyOutput{}
	err := c.call(ctx, "PutUserPolicy", func() error {
		return c.w.iam.PutUserPolicy(c.creds, in.UserName, in.PolicyName, in.PolicyDocument)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// GetUserPolicyInput is the input of IAMClient.GetUserPolicy.
type GetUserPolicyInput struct {
	UserName   string
	PolicyName string
}

// GetUserPolicyOutput is the output of IAMClient.GetUserPolicy.
type GetUserPolicyOutput struct {
	Policy *iam.Policy
}

// GetUserPolicy is IAM's GetUserPolicy.
func (c *IAMClient) GetUserPolicy(ctx context.Context, in *GetUserPolicyInput) (*GetUserPolicyOutput, error) {
	if in == nil {
		in = &GetUserPolicyInput{}
	}
	out := &GetUserPolicyOutput{}
	err := c.call(ctx, "GetUserPolicy", func() error {
		v, err := c.w.iam.GetUserPolicy(c.creds, in.UserName, in.PolicyName)
		out.Policy = v
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteUserPolicyInput is the input of IAMClient.DeleteUserPolicy.
type DeleteUserPolicyInput struct {
	UserName   string
	PolicyName string
}

// DeleteUserPolicyOutput is the output of IAMClient.DeleteUserPolicy.
type DeleteUserPolicyOutput struct {
}

// DeleteUserPolicy is IAM's DeleteUserPolicy.
func (c *IAMClient) DeleteUserPolicy(ctx context.Context, in *DeleteUserPolicyInput) (*DeleteUserPolicyOutput, error) {
	if in == nil {
		in = &DeleteUserPolicyInput{}
	}
	out := &DeleteUserPolicyOutput{}
	err := c.call(ctx, "DeleteUserPolicy", func() error {
		return c.w.iam.DeleteUserPolicy(c.creds, in.UserName, in.PolicyName)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// AttachUserPolicyInput is the input of IAMClient.AttachUserPolicy.
type AttachUserPolicyInput struct {
	UserName  string
	PolicyArn string
}

// AttachUserPolicyOutput is the output of IAMClient.AttachUserPolicy.
type AttachUserPolicyOutput struct {
}

// AttachUserPolicy is IAM's AttachUserPolicy.
func (c *IAMClient) AttachUserPolicy(ctx context.Context, in *AttachUserPolicyInput) (*AttachUserPolicyOutput, error) {
	if in == nil {
		in = &AttachUserPolicyInput{}
	}
	out := &AttachUserPolicyOutput{}
	err := c.call(ctx, "AttachUserPolicy", func() error {
		arn, err := parsePolicyARN(in.PolicyArn)
		if err != nil {
			return err
		}
		return c.w.iam.AttachUserPolicy(c.creds, in.UserName, arn)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DetachUserPolicyInput is the input of IAMClient.DetachUserPolicy.
type DetachUserPolicyInput struct {
	UserName  string
	PolicyArn string
}

// DetachUserPolicyOutput is the output of IAMClient.DetachUserPolicy.
type DetachUserPolicyOutput struct {
}

// DetachUserPolicy is IAM's DetachUserPolicy.
func (c *IAMClient) DetachUserPolicy(ctx context.Context, in *DetachUserPolicyInput) (*DetachUserPolicyOutput, error) {
	if in == nil {
		in = &DetachUserPolicyInput{}
	}
	out := &DetachUserPolicyOutput{}
	err := c.call(ctx, "DetachUserPolicy", func() error {
		arn, err := parsePolicyARN(in.PolicyArn)
		if err != nil {
			return err
		}
		return c.w.iam.DetachUserPolicy(c.creds, in.UserName, arn)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// PutUserPermissionsBoundaryInput is the input of IAMClient.PutUserPermissionsBoundary.
type PutUserPermissionsBoundaryInput struct {
	UserName            string
	PermissionsBoundary string
}

// PutUserPermissionsBoundaryOutput is the output of IAMClient.PutUserPermissionsBoundary.
type PutUserPermissionsBoundaryOutput struct {
}

// PutUserPermissionsBoundary is IAM's PutUserPermissionsBoundary.
func (c *IAMClient) PutUserPermissionsBoundary(ctx context.Context, in *PutUserPermissionsBoundaryInput) (*PutUserPermissionsBoundaryOutput, error) {
	if in == nil {
		in = &PutUserPermissionsBoundaryInput{}
	}
	out := &PutUserPermissionsBoundaryOutput{}
	err := c.call(ctx, "PutUserPermissionsBoundary", func() error {
		arn, err := parsePolicyARN(in.PermissionsBoundary)
		if err != nil {
			return err
		}
		return c.w.iam.PutUserPermissionsBoundary(c.creds, in.UserName, arn)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteUserPermissionsBoundaryInput is the input of IAMClient.DeleteUserPermissionsBoundary.
type DeleteUserPermissionsBoundaryInput struct {
	UserName string
}

// DeleteUserPermissionsBoundaryOutput is the output of IAMClient.DeleteUserPermissionsBoundary.
type DeleteUserPermissionsBoundaryOutput struct {
}

// DeleteUserPermissionsBoundary is IAM's DeleteUserPermissionsBoundary.
func (c *IAMClient) DeleteUserPermissionsBoundary(ctx context.Context, in *DeleteUserPermissionsBoundaryInput) (*DeleteUserPermissionsBoundaryOutput, error) {
	if in == nil {
		in = &DeleteUserPermissionsBoundaryInput{}
	}
	out := &DeleteUserPermissionsBoundaryOutput{}
	err := c.call(ctx, "DeleteUserPermissionsBoundary", func() error {
		return c.w.iam.DeleteUserPermissionsBoundary(c.creds, in.UserName)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// TagUserInput is the input of IAMClient.TagUser.
type TagUserInput struct {
	UserName string
	Tags     map[string]string
}

// TagUserOutput is the output of IAMClient.TagUser.
type TagUserOutput struct {
}

// TagUser is IAM's TagUser.
func (c *IAMClient) TagUser(ctx context.Context, in *TagUserInput) (*TagUserOutput, error) {
	if in == nil {
		in = &TagUserInput{}
	}
	out := &TagUserOutput{}
	err := c.call(ctx, "TagUser", func() error {
		return c.w.iam.TagUser(c.creds, in.UserName, in.Tags)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// UntagUserInput is the input of IAMClient.UntagUser.
type UntagUserInput struct {
	UserName string
	TagKeys  []string
}

// UntagUserOutput is the output of IAMClient.UntagUser.
type UntagUserOutput struct {
}

// UntagUser is IAM's UntagUser.
func (c *IAMClient) UntagUser(ctx context.Context, in *UntagUserInput) (*UntagUserOutput, error) {
	if in == nil {
		in = &UntagUserInput{}
	}
	out := &UntagUserOutput{}
	err := c.call(ctx, "UntagUser", func() error {
		return c.w.iam.UntagUser(c.creds, in.UserName, in.TagKeys)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// CreateGroupInput is the input of IAMClient.CreateGroup.
type CreateGroupInput struct {
	GroupName string
	Path      string
}

// CreateGroupOutput is the output of IAMClient.CreateGroup.
type CreateGroupOutput struct {
	Group iam.Group
}

// CreateGroup is IAM's CreateGroup.
func (c *IAMClient) CreateGroup(ctx context.Context, in *CreateGroupInput) (*CreateGroupOutput, error) {
	if in == nil {
		in = &CreateGroupInput{}
	}
	out := &CreateGroupOutput{}
	err := c.call(ctx, "CreateGroup", func() error {
		v, err := c.w.iam.CreateGroup(c.creds, in.GroupName, in.Path)
		out.Group = v
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// GetGroupInput is the input of IAMClient.GetGroup.
type GetGroupInput struct {
	GroupName string
}

// GetGroupOutput is the output of IAMClient.GetGroup.
type GetGroupOutput struct {
	Group iam.Group
}

// GetGroup is IAM's GetGroup.
func (c *IAMClient) GetGroup(ctx context.Context, in *GetGroupInput) (*GetGroupOutput, error) {
	if in == nil {
		in = &GetGroupInput{}
	}
	out := &GetGroupOutput{}
	err := c.call(ctx, "GetGroup", func() error {
		v, err := c.w.iam.GetGroup(c.creds, in.GroupName)
		out.Group = v
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteGroupInput is the input of IAMClient.DeleteGroup.
type DeleteGroupInput struct {
	GroupName string
}

// DeleteGroupOutput is the output of IAMClient.DeleteGroup.
type DeleteGroupOutput struct {
}

// DeleteGroup is IAM's DeleteGroup.
func (c *IAMClient) DeleteGroup(ctx context.Context, in *DeleteGroupInput) (*DeleteGroupOutput, error) {
	if in == nil {
		in = &DeleteGroupInput{}
	}
	out := &DeleteGroupOutput{}
	err := c.call(ctx, "DeleteGroup", func() error {
		return c.w.iam.DeleteGroup(c.creds, in.GroupName)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// AddUserToGroupInput is the input of IAMClient.AddUserToGroup.
type AddUserToGroupInput struct {
	GroupName string
	UserName  string
}

// AddUserToGroupOutput is the output of IAMClient.AddUserToGroup.
type AddUserToGroupOutput struct {
}

// AddUserToGroup is IAM's AddUserToGroup.
func (c *IAMClient) AddUserToGroup(ctx context.Context, in *AddUserToGroupInput) (*AddUserToGroupOutput, error) {
	if in == nil {
		in = &AddUserToGroupInput{}
	}
	out := &AddUserToGroupOutput{}
	err := c.call(ctx, "AddUserToGroup", func() error {
		return c.w.iam.AddUserToGroup(c.creds, in.GroupName, in.UserName)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// RemoveUserFromGroupInput is the input of IAMClient.RemoveUserFromGroup.
type RemoveUserFromGroupInput struct {
	GroupName string
	UserName  string
}

// RemoveUserFromGroupOutput is the output of IAMClient.RemoveUserFromGroup.
type RemoveUserFromGroupOutput struct {
}

// RemoveUserFromGroup is IAM's RemoveUserFromGroup.
func (c *IAMClient) RemoveUserFromGroup(ctx context.Context, in *RemoveUserFromGroupInput) (*RemoveUserFromGroupOutput, error) {
	if in == nil {
		in = &RemoveUserFromGroupInput{}
	}
	out := &RemoveUserFromGroupOutput{}
	err := c.call(ctx, "RemoveUserFromGroup", func() error {
		return c.w.iam.RemoveUserFromGroup(c.creds, in.GroupName, in.UserName)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// PutGroupPolicyInput is the input of IAMClient.PutGroupPolicy.
type PutGroupPolicyInput struct {
	GroupName      string
	PolicyName     string
	PolicyDocument string
}

// PutGroupPolicyOutput is the output of IAMClient.PutGroupPolicy.
type PutGroupPolicyOutput struct {
}

// PutGroupPolicy is IAM's PutGroupPolicy.
func (c *IAMClient) PutGroupPolicy(ctx context.Context, in *PutGroupPolicyInput) (*PutGroupPolicyOutput, error) {
	if in == nil {
		in = &PutGroupPolicyInput{}
	}
	out := &PutGroupPolicyOutput{}
	err := c.call(ctx, "PutGroupPolicy", func() error {
		return c.w.iam.PutGroupPolicy(c.creds, in.GroupName, in.PolicyName, in.PolicyDocument)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteGroupPolicyInput is the input of IAMClient.DeleteGroupPolicy.
type DeleteGroupPolicyInput struct {
	GroupName  string
	PolicyName string
}

// DeleteGroupPolicyOutput is the output of IAMClient.DeleteGroupPolicy.
type DeleteGroupPolicyOutput struct {
}

// DeleteGroupPolicy is IAM's DeleteGroupPolicy.
func (c *IAMClient) DeleteGroupPolicy(ctx context.Context, in *DeleteGroupPolicyInput) (*DeleteGroupPolicyOutput, error) {
	if in == nil {
		in = &DeleteGroupPolicyInput{}
	}
	out := &DeleteGroupPolicyOutput{}
	err := c.call(ctx, "DeleteGroupPolicy", func() error {
		return c.w.iam.DeleteGroupPolicy(c.creds, in.GroupName, in.PolicyName)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// AttachGroupPolicyInput is the input of IAMClient.AttachGroupPolicy.
type AttachGroupPolicyInput struct {
	GroupName string
	PolicyArn string
}

// AttachGroupPolicyOutput is the output of IAMClient.AttachGroupPolicy.
type AttachGroupPolicyOutput struct {
}

// AttachGroupPolicy is IAM's AttachGroupPolicy.
func (c *IAMClient) AttachGroupPolicy(ctx context.Context, in *AttachGroupPolicyInput) (*AttachGroupPolicyOutput, error) {
	if in == nil {
		in = &AttachGroupPolicyInput{}
	}
	out := &AttachGroupPolicyOutput{}
	err := c.call(ctx, "AttachGroupPolicy", func() error {
		arn, err := parsePolicyARN(in.PolicyArn)
		if err != nil {
			return err
		}
		return c.w.iam.AttachGroupPolicy(c.creds, in.GroupName, arn)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DetachGroupPolicyInput is the input of IAMClient.DetachGroupPolicy.
type DetachGroupPolicyInput struct {
	GroupName string
	PolicyArn string
}

// DetachGroupPolicyOutput is the output of IAMClient.DetachGroupPolicy.
type DetachGroupPolicyOutput struct {
}

// DetachGroupPolicy is IAM's DetachGroupPolicy.
func (c *IAMClient) DetachGroupPolicy(ctx context.Context, in *DetachGroupPolicyInput) (*DetachGroupPolicyOutput, error) {
	if in == nil {
		in = &DetachGroupPolicyInput{}
	}
	out := &DetachGroupPolicyOutput{}
	err := c.call(ctx, "DetachGroupPolicy", func() error {
		arn, err := parsePolicyARN(in.PolicyArn)
		if err != nil {
			return err
		}
		return c.w.iam.DetachGroupPolicy(c.creds, in.GroupName, arn)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// CreateRoleOutput is the output of IAMClient.CreateRole.
type CreateRoleOutput struct {
	Role iam.Role
}

// CreateRole is IAM's CreateRole.
func (c *IAMClient) CreateRole(ctx context.Context, in *iam.CreateRoleInput) (*CreateRoleOutput, error) {
	if in == nil {
		in = &iam.CreateRoleInput{}
	}
	out := &CreateRoleOutput{}
	err := c.call(ctx, "CreateRole", func() error {
		v, err := c.w.iam.CreateRole(c.creds, *in)
		out.Role = v
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// GetRoleInput is the input of IAMClient.GetRole.
type GetRoleInput struct {
	RoleName string
}

// GetRoleOutput is the output of IAMClient.GetRole.
type GetRoleOutput struct {
	Role iam.Role
}

// GetRole is IAM's GetRole.
func (c *IAMClient) GetRole(ctx context.Context, in *GetRoleInput) (*GetRoleOutput, error) {
	if in == nil {
		in = &GetRoleInput{}
	}
	out := &GetRoleOutput{}
	err := c.call(ctx, "GetRole", func() error {
		v, err := c.w.iam.GetRole(c.creds, in.RoleName)
		out.Role = v
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ListRolesInput is the input of IAMClient.ListRoles.
type ListRolesInput struct {
}

// ListRolesOutput is the output of IAMClient.ListRoles.
type ListRolesOutput struct {
	Roles []iam.Role
}

// ListRoles is IAM's ListRoles.
func (c *IAMClient) ListRoles(ctx context.Context, in *ListRolesInput) (*ListRolesOutput, error) {
	if in == nil {
		in = &ListRolesInput{}
	}
	out := &ListRolesOutput{}
	err := c.call(ctx, "ListRoles", func() error {
		v, err := c.w.iam.ListRoles(c.creds)
		out.Roles = v
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteRoleInput is the input of IAMClient.DeleteRole.
type DeleteRoleInput struct {
	RoleName string
}

// DeleteRoleOutput is the output of IAMClient.DeleteRole.
type DeleteRoleOutput struct {
}

// DeleteRole is IAM's DeleteRole.
func (c *IAMClient) DeleteRole(ctx context.Context, in *DeleteRoleInput) (*DeleteRoleOutput, error) {
	if in == nil {
		in = &DeleteRoleInput{}
	}
	out := &DeleteRoleOutput{}
	err := c.call(ctx, "DeleteRole", func() error {
		return c.w.iam.DeleteRole(c.creds, in.RoleName)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// UpdateRoleInput is the input of IAMClient.UpdateRole.
type UpdateRoleInput struct {
	RoleName           string
	Description        string
	MaxSessionDuration time.Duration
}

// UpdateRoleOutput is the output of IAMClient.UpdateRole.
type UpdateRoleOutput struct {
}

// UpdateRole is IAM's UpdateRole.
func (c *IAMClient) UpdateRole(ctx context.Context, in *UpdateRoleInput) (*UpdateRoleOutput, error) {
	if in == nil {
		in = &UpdateRoleInput{}
	}
	out := &UpdateRoleOutput{}
	err := c.call(ctx, "UpdateRole", func() error {
		return c.w.iam.UpdateRole(c.creds, in.RoleName, in.Description, in.MaxSessionDuration)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// UpdateAssumeRolePolicyInput is the input of IAMClient.UpdateAssumeRolePolicy.
type UpdateAssumeRolePolicyInput struct {
	RoleName       string
	PolicyDocument string
}

// UpdateAssumeRolePolicyOutput is the output of IAMClient.UpdateAssumeRolePolicy.
type UpdateAssumeRolePolicyOutput struct {
}

// UpdateAssumeRolePolicy is IAM's UpdateAssumeRolePolicy.
func (c *IAMClient) UpdateAssumeRolePolicy(ctx context.Context, in *UpdateAssumeRolePolicyInput) (*UpdateAssumeRolePolicyOutput, error) {
	if in == nil {
		in = &UpdateAssumeRolePolicyInput{}
	}
	out := &UpdateAssumeRolePolicyOutput{}
	err := c.call(ctx, "UpdateAssumeRolePolicy", func() error {
		return c.w.iam.UpdateAssumeRolePolicy(c.creds, in.RoleName, in.PolicyDocument)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// PutRolePolicyInput is the input of IAMClient.PutRolePolicy.
type PutRolePolicyInput struct {
	RoleName       string
	PolicyName     string
	PolicyDocument string
}

// PutRolePolicyOutput is the output of IAMClient.PutRolePolicy.
type PutRolePolicyOutput struct {
}

// PutRolePolicy is IAM's PutRolePolicy.
func (c *IAMClient) PutRolePolicy(ctx context.Context, in *PutRolePolicyInput) (*PutRolePolicyOutput, error) {
	if in == nil {
		in = &PutRolePolicyInput{}
	}
	out := &PutRolePolicyOutput{}
	err := c.call(ctx, "PutRolePolicy", func() error {
		return c.w.iam.PutRolePolicy(c.creds, in.RoleName, in.PolicyName, in.PolicyDocument)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// GetRolePolicyInput is the input of IAMClient.GetRolePolicy.
type GetRolePolicyInput struct {
	RoleName   string
	PolicyName string
}

// GetRolePolicyOutput is the output of IAMClient.GetRolePolicy.
type GetRolePolicyOutput struct {
	Policy *iam.Policy
}

// GetRolePolicy is IAM's GetRolePolicy.
func (c *IAMClient) GetRolePolicy(ctx context.Context, in *GetRolePolicyInput) (*GetRolePolicyOutput, error) {
	if in == nil {
		in = &GetRolePolicyInput{}
	}
	out := &GetRolePolicyOutput{}
	err := c.call(ctx, "GetRolePolicy", func() error {
		v, err := c.w.iam.GetRolePolicy(c.creds, in.RoleName, in.PolicyName)
		out.Policy = v
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteRolePolicyInput is the input of IAMClient.DeleteRolePolicy.
type DeleteRolePolicyInput struct {
	RoleName   string
	PolicyName string
}

// DeleteRolePolicyOutput is the output of IAMClient.DeleteRolePolicy.
type DeleteRolePolicyOutput struct {
}

// DeleteRolePolicy is IAM's DeleteRolePolicy.
func (c *IAMClient) DeleteRolePolicy(ctx context.Context, in *DeleteRolePolicyInput) (*DeleteRolePolicyOutput, error) {
	if in == nil {
		in = &DeleteRolePolicyInput{}
	}
	out := &DeleteRolePolicyOutput{}
	err := c.call(ctx, "DeleteRolePolicy", func() error {
		return c.w.iam.DeleteRolePolicy(c.creds, in.RoleName, in.PolicyName)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// AttachRolePolicyInput is the input of IAMClient.AttachRolePolicy.
type AttachRolePolicyInput struct {
	RoleName  string
	PolicyArn string
}

// AttachRolePolicyOutput is the output of IAMClient.AttachRolePolicy.
type AttachRolePolicyOutput struct {
}

// AttachRolePolicy is IAM's AttachRolePolicy.
func (c *IAMClient) AttachRolePolicy(ctx context.Context, in *AttachRolePolicyInput) (*AttachRolePolicyOutput, error) {
	if in == nil {
		in = &AttachRolePolicyInput{}
	}
	out := &AttachRolePolicyOutput{}
	err := c.call(ctx, "AttachRolePolicy", func() error {
		arn, err := parsePolicyARN(in.PolicyArn)
		if err != nil {
			return err
		}
		return c.w.iam.AttachRolePolicy(c.creds, in.RoleName, arn)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DetachRolePolicyInput is the input of IAMClient.DetachRolePolicy.
type DetachRolePolicyInput struct {
	RoleName  string
	PolicyArn string
}

// DetachRolePolicyOutput is the output of IAMClient.DetachRolePolicy.
type DetachRolePolicyOutput struct {
}

// DetachRolePolicy is IAM's DetachRolePolicy.
func (c *IAMClient) DetachRolePolicy(ctx context.Context, in *DetachRolePolicyInput) (*DetachRolePolicyOutput, error) {
	if in == nil {
		in = &DetachRolePolicyInput{}
	}
	out := &DetachRolePolicyOutput{}
	err := c.call(ctx, "DetachRolePolicy", func() error {
		arn, err := parsePolicyARN(in.PolicyArn)
		if err != nil {
			return err
		}
		return c.w.iam.DetachRolePolicy(c.creds, in.RoleName, arn)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// PutRolePermissionsBoundaryInput is the input of IAMClient.PutRolePermissionsBoundary.
type PutRolePermissionsBoundaryInput struct {
	RoleName            string
	PermissionsBoundary string
}

// PutRolePermissionsBoundaryOutput is the output of IAMClient.PutRolePermissionsBoundary.
type PutRolePermissionsBoundaryOutput struct {
}

// PutRolePermissionsBoundary is IAM's PutRolePermissionsBoundary.
func (c *IAMClient) PutRolePermissionsBoundary(ctx context.Context, in *PutRolePermissionsBoundaryInput) (*PutRolePermissionsBoundaryOutput, error) {
	if in == nil {
		in = &PutRolePermissionsBoundaryInput{}
	}
	out := &PutRolePermissionsBoundaryOutput{}
	err := c.call(ctx, "PutRolePermissionsBoundary", func() error {
		arn, err := parsePolicyARN(in.PermissionsBoundary)
		if err != nil {
			return err
		}
		return c.w.iam.PutRolePermissionsBoundary(c.creds, in.RoleName, arn)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteRolePermissionsBoundaryInput is the input of IAMClient.DeleteRolePermissionsBoundary.
type DeleteRolePermissionsBoundaryInput struct {
	RoleName string
}

// DeleteRolePermissionsBoundaryOutput is the output of IAMClient.DeleteRolePermissionsBoundary.
type DeleteRolePermissionsBoundaryOutput struct {
}

// DeleteRolePermissionsBoundary is IAM's DeleteRolePermissionsBoundary.
func (c *IAMClient) DeleteRolePermissionsBoundary(ctx context.Context, in *DeleteRolePermissionsBoundaryInput) (*DeleteRolePermissionsBoundaryOutput, error) {
	if in == nil {
		in = &DeleteRolePermissionsBoundaryInput{}
	}
	out := &DeleteRolePermissionsBoundaryOutput{}
	err := c.call(ctx, "DeleteRolePermissionsBoundary", func() error {
		return c.w.iam.DeleteRolePermissionsBoundary(c.creds, in.RoleName)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// TagRoleInput is the input of IAMClient.TagRole.
type TagRoleInput struct {
	RoleName string
	Tags     map[string]string
}

// TagRoleOutput is the output of IAMClient.TagRole.
type TagRoleOutput struct {
}

// TagRole is IAM's TagRole.
func (c *IAMClient) TagRole(ctx context.Context, in *TagRoleInput) (*TagRoleOutput, error) {
	if in == nil {
		in = &TagRoleInput{}
	}
	out := &TagRoleOutput{}
	err := c.call(ctx, "TagRole", func() error {
		return c.w.iam.TagRole(c.creds, in.RoleName, in.Tags)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// UntagRoleInput is the input of IAMClient.UntagRole.
type UntagRoleInput struct {
	RoleName string
	TagKeys  []string
}

// UntagRoleOutput is the output of IAMClient.UntagRole.
type UntagRoleOutput struct {
}

// UntagRole is IAM's UntagRole.
func (c *IAMClient) UntagRole(ctx context.Context, in *UntagRoleInput) (*UntagRoleOutput, error) {
	if in == nil {
		in = &UntagRoleInput{}
	}
	out := &UntagRoleOutput{}
	err := c.call(ctx, "UntagRole", func() error {
		return c.w.iam.UntagRole(c.creds, in.RoleName, in.TagKeys)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// CreatePolicyOutput is the output of IAMClient.CreatePolicy.
type CreatePolicyOutput struct {
	Policy iam.ManagedPolicy
}

// CreatePolicy is IAM's CreatePolicy.
func (c *IAMClient) CreatePolicy(ctx context.Context, in *iam.CreatePolicyInput) (*CreatePolicyOutput, error) {
	if in == nil {
		in = &iam.CreatePolicyInput{}
	}
	out := &CreatePolicyOutput{}
	err := c.call(ctx, "CreatePolicy", func() error {
		v, err := c.w.iam.CreatePolicy(c.creds, *in)
		out.Policy = v
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// GetPolicyInput is the input of IAMClient.GetPolicy.
type GetPolicyInput struct {
	PolicyArn string
}

// GetPolicyOutput is the output of IAMClient.GetPolicy.
type GetPolicyOutput struct {
	Policy iam.ManagedPolicy
}

// GetPolicy is IAM's GetPolicy.
func (c *IAMClient) GetPolicy(ctx context.Context, in *GetPolicyInput) (*GetPolicyOutput, error) {
	if in == nil {
		in = &GetPolicyInput{}
	}
	out := &GetPolicyOutput{}
	err := c.call(ctx, "GetPolicy", func() error {
		arn, err := parsePolicyARN(in.PolicyArn)
		if err != nil {
			return err
		}
		v, err := c.w.iam.GetPolicy(c.creds, arn)
		out.Policy = v
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeletePolicyInput is the input of IAMClient.DeletePolicy.
type DeletePolicyInput struct {
	PolicyArn string
}

// DeletePolicyOutput is the output of IAMClient.DeletePolicy.
type DeletePolicyOutput struct {
}

// DeletePolicy is IAM's DeletePolicy.
func (c *IAMClient) DeletePolicy(ctx context.Context, in *DeletePolicyInput) (*DeletePolicyOutput, error) {
	if in == nil {
		in = &DeletePolicyInput{}
	}
	out := &DeletePolicyOutput{}
	err := c.call(ctx, "DeletePolicy", func() error {
		arn, err := parsePolicyARN(in.PolicyArn)
		if err != nil {
			return err
		}
		return c.w.iam.DeletePolicy(c.creds, arn)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ListPoliciesInput is the input of IAMClient.ListPolicies.
type ListPoliciesInput struct {
}

// ListPoliciesOutput is the output of IAMClient.ListPolicies.
type ListPoliciesOutput struct {
	Policies []iam.ManagedPolicy
}

// ListPolicies is IAM's ListPolicies.
func (c *IAMClient) ListPolicies(ctx context.Context, in *ListPoliciesInput) (*ListPoliciesOutput, error) {
	if in == nil {
		in = &ListPoliciesInput{}
	}
	out := &ListPoliciesOutput{}
	err := c.call(ctx, "ListPolicies", func() error {
		v, err := c.w.iam.ListPolicies(c.creds)
		out.Policies = v
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// CreateInstanceProfileInput is the input of IAMClient.CreateInstanceProfile.
type CreateInstanceProfileInput struct {
	InstanceProfileName string
	Path                string
}

// CreateInstanceProfileOutput is the output of IAMClient.CreateInstanceProfile.
type CreateInstanceProfileOutput struct {
	InstanceProfile iam.InstanceProfile
}

// CreateInstanceProfile is IAM's CreateInstanceProfile.
func (c *IAMClient) CreateInstanceProfile(ctx context.Context, in *CreateInstanceProfileInput) (*CreateInstanceProfileOutput, error) {
	if in == nil {
		in = &CreateInstanceProfileInput{}
	}
	out := &CreateInstanceProfileOutput{}
	err := c.call(ctx, "CreateInstanceProfile", func() error {
		v, err := c.w.iam.CreateInstanceProfile(c.creds, in.InstanceProfileName, in.Path)
		out.InstanceProfile = v
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// GetInstanceProfileInput is the input of IAMClient.GetInstanceProfile.
type GetInstanceProfileInput struct {
	InstanceProfileName string
}

// GetInstanceProfileOutput is the output of IAMClient.GetInstanceProfile.
type GetInstanceProfileOutput struct {
	InstanceProfile iam.InstanceProfile
}

// GetInstanceProfile is IAM's GetInstanceProfile.
func (c *IAMClient) GetInstanceProfile(ctx context.Context, in *GetInstanceProfileInput) (*GetInstanceProfileOutput, error) {
	if in == nil {
		in = &GetInstanceProfileInput{}
	}
	out := &GetInstanceProfileOutput{}
	err := c.call(ctx, "GetInstanceProfile", func() error {
		v, err := c.w.iam.GetInstanceProfile(c.creds, in.InstanceProfileName)
		out.InstanceProfile = v
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteInstanceProfileInput is the input of IAMClient.DeleteInstanceProfile.
type DeleteInstanceProfileInput struct {
	InstanceProfileName string
}

// DeleteInstanceProfileOutput is the output of IAMClient.DeleteInstanceProfile.
type DeleteInstanceProfileOutput struct {
}

// DeleteInstanceProfile is IAM's DeleteInstanceProfile.
func (c *IAMClient) DeleteInstanceProfile(ctx context.Context, in *DeleteInstanceProfileInput) (*DeleteInstanceProfileOutput, error) {
	if in == nil {
		in = &DeleteInstanceProfileInput{}
	}
	out := &DeleteInstanceProfileOutput{}
	err := c.call(ctx, "DeleteInstanceProfile", func() error {
		return c.w.iam.DeleteInstanceProfile(c.creds, in.InstanceProfileName)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// AddRoleToInstanceProfileInput is the input of IAMClient.AddRoleToInstanceProfile.
type AddRoleToInstanceProfileInput struct {
	InstanceProfileName string
	RoleName            string
}

// AddRoleToInstanceProfileOutput is the output of IAMClient.AddRoleToInstanceProfile.
type AddRoleToInstanceProfileOutput struct {
}

// AddRoleToInstanceProfile is IAM's AddRoleToInstanceProfile.
func (c *IAMClient) AddRoleToInstanceProfile(ctx context.Context, in *AddRoleToInstanceProfileInput) (*AddRoleToInstanceProfileOutput, error) {
	if in == nil {
		in = &AddRoleToInstanceProfileInput{}
	}
	out := &AddRoleToInstanceProfileOutput{}
	err := c.call(ctx, "AddRoleToInstanceProfile", func() error {
		return c.w.iam.AddRoleToInstanceProfile(c.creds, in.InstanceProfileName, in.RoleName)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// RemoveRoleFromInstanceProfileInput is the input of IAMClient.RemoveRoleFromInstanceProfile.
type RemoveRoleFromInstanceProfileInput struct {
	InstanceProfileName string
	RoleName            string
}

// RemoveRoleFromInstanceProfileOutput is the output of IAMClient.RemoveRoleFromInstanceProfile.
type RemoveRoleFromInstanceProfileOutput struct {
}

// RemoveRoleFromInstanceProfile is IAM's RemoveRoleFromInstanceProfile.
func (c *IAMClient) RemoveRoleFromInstanceProfile(ctx context.Context, in *RemoveRoleFromInstanceProfileInput) (*RemoveRoleFromInstanceProfileOutput, error) {
	if in == nil {
		in = &RemoveRoleFromInstanceProfileInput{}
	}
	out := &RemoveRoleFromInstanceProfileOutput{}
	err := c.call(ctx, "RemoveRoleFromInstanceProfile", func() error {
		return c.w.iam.RemoveRoleFromInstanceProfile(c.creds, in.InstanceProfileName, in.RoleName)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// SimulatePrincipalPolicyOutput is the output of IAMClient.SimulatePrincipalPolicy.
type SimulatePrincipalPolicyOutput struct {
	EvaluationResults []iam.Decision
}

// SimulatePrincipalPolicy is IAM's SimulatePrincipalPolicy.
func (c *IAMClient) SimulatePrincipalPolicy(ctx context.Context, in *iam.SimulatePrincipalPolicyInput) (*SimulatePrincipalPolicyOutput, error) {
	if in == nil {
		in = &iam.SimulatePrincipalPolicyInput{}
	}
	out := &SimulatePrincipalPolicyOutput{}
	err := c.call(ctx, "SimulatePrincipalPolicy", func() error {
		v, err := c.w.iam.SimulatePrincipalPolicy(c.creds, *in)
		out.EvaluationResults = v
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// IAMOperations lists the IAM operations IAMClient offers, in AWS's names.
func IAMOperations() []string {
	return []string{
		"CreateUser",
		"GetUser",
		"ListUsers",
		"DeleteUser",
		"CreateAccessKey",
		"ListAccessKeys",
		"UpdateAccessKey",
		"DeleteAccessKey",
		"PutUserPolicy",
		"GetUserPolicy",
		"DeleteUserPolicy",
		"AttachUserPolicy",
		"DetachUserPolicy",
		"PutUserPermissionsBoundary",
		"DeleteUserPermissionsBoundary",
		"TagUser",
		"UntagUser",
		"CreateGroup",
		"GetGroup",
		"DeleteGroup",
		"AddUserToGroup",
		"RemoveUserFromGroup",
		"PutGroupPolicy",
		"DeleteGroupPolicy",
		"AttachGroupPolicy",
		"DetachGroupPolicy",
		"CreateRole",
		"GetRole",
		"ListRoles",
		"DeleteRole",
		"UpdateRole",
		"UpdateAssumeRolePolicy",
		"PutRolePolicy",
		"GetRolePolicy",
		"DeleteRolePolicy",
		"AttachRolePolicy",
		"DetachRolePolicy",
		"PutRolePermissionsBoundary",
		"DeleteRolePermissionsBoundary",
		"TagRole",
		"UntagRole",
		"CreatePolicy",
		"GetPolicy",
		"DeletePolicy",
		"ListPolicies",
		"CreateInstanceProfile",
		"GetInstanceProfile",
		"DeleteInstanceProfile",
		"AddRoleToInstanceProfile",
		"RemoveRoleFromInstanceProfile",
		"SimulatePrincipalPolicy",
	}
}

// CreateServiceLinkedRoleOutput is the output of
// IAMClient.CreateServiceLinkedRole.
type CreateServiceLinkedRoleOutput struct {
	Role iam.Role
}

// CreateServiceLinkedRole is IAM's CreateServiceLinkedRole: the role a
// service (autoscaling.amazonaws.com, ...) assumes in the caller's
// account, at /aws-service-role/SERVICE/ with the service's managed policy.
func (c *IAMClient) CreateServiceLinkedRole(ctx context.Context, in *iam.CreateServiceLinkedRoleInput) (*CreateServiceLinkedRoleOutput, error) {
	if in == nil {
		in = &iam.CreateServiceLinkedRoleInput{}
	}
	out := &CreateServiceLinkedRoleOutput{}
	err := c.call(ctx, "CreateServiceLinkedRole", func() error {
		v, err := c.w.iam.CreateServiceLinkedRole(c.creds, *in)
		out.Role = v
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

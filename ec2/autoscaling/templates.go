package autoscaling

import (
	"context"
	"slices"

	"github.com/nimbus-sim/nimbus/ec2"
)

// RequestLaunchTemplateData is what a launch template launches.
type RequestLaunchTemplateData struct {
	ImageId          string
	InstanceType     ec2.InstanceType
	SecurityGroupIds []string
	// UserData names a boot script registered with RegisterUserData.
	UserData string
	// IamInstanceProfile gives the launched instances a role (their
	// credentials come from the instance metadata service). The group's
	// creator needs iam:PassRole on the profile's role, as RunInstances
	// checks at each launch.
	IamInstanceProfile *ec2.IamInstanceProfileSpecification
}

// LaunchTemplate describes a launch template.
type LaunchTemplate struct {
	LaunchTemplateId     string
	LaunchTemplateName   string
	DefaultVersionNumber int64
	LatestVersionNumber  int64
}

type launchTemplate struct {
	id, name, account, region string
	data                      RequestLaunchTemplateData
}

// CreateLaunchTemplateInput is EC2's CreateLaunchTemplate request.
type CreateLaunchTemplateInput struct {
	LaunchTemplateName string
	LaunchTemplateData *RequestLaunchTemplateData
}

// CreateLaunchTemplateOutput is its response.
type CreateLaunchTemplateOutput struct{ LaunchTemplate LaunchTemplate }

// CreateLaunchTemplate is EC2's action (IAM ec2:CreateLaunchTemplate):
// one version per template here.
func (c *Client) CreateLaunchTemplate(ctx context.Context, in *CreateLaunchTemplateInput) (*CreateLaunchTemplateOutput, error) {
	if in == nil {
		in = &CreateLaunchTemplateInput{}
	}
	var out *CreateLaunchTemplateOutput
	err := c.ec2Call(ctx, "CreateLaunchTemplate", func(account string) error {
		s := c.svc
		n := in.LaunchTemplateName
		if len(n) < 3 || len(n) > 128 {
			return clientErr("InvalidLaunchTemplateName.MalformedException", "A launch template name must be between 3 and 128 characters, and may contain letters, numbers, and the following characters: - ( ) . / _.'")
		}
		if in.LaunchTemplateData == nil {
			return clientErr("MissingParameter", "The request must contain the parameter LaunchTemplateData")
		}
		for _, lt := range s.lts {
			if lt.account == account && lt.region == c.region && lt.name == n {
				return clientErr("InvalidLaunchTemplateName.AlreadyExistsException", "Launch template name already in use.")
			}
		}
		lt := &launchTemplate{id: s.newID("lt"), name: n, account: account, region: c.region, data: *in.LaunchTemplateData}
		lt.data.SecurityGroupIds = slices.Clone(lt.data.SecurityGroupIds)
		s.lts[lt.id] = lt
		out = &CreateLaunchTemplateOutput{LaunchTemplate: LaunchTemplate{LaunchTemplateId: lt.id, LaunchTemplateName: n,
			DefaultVersionNumber: 1, LatestVersionNumber: 1}}
		return nil
	})
	return out, err
}

// LaunchTemplateSpecification names a launch template by ID or name.
type LaunchTemplateSpecification struct {
	LaunchTemplateId   string
	LaunchTemplateName string
	Version            string // "$Default", "$Latest" or "1"
}

func (s *Service) findLT(account, regionCode string, spec *LaunchTemplateSpecification) (*launchTemplate, error) {
	if spec == nil || spec.LaunchTemplateId == "" && spec.LaunchTemplateName == "" {
		return nil, validation("You must use a valid fully-formed launch template. A launch template ID or name is required.")
	}
	for _, lt := range s.lts {
		if lt.account == account && lt.region == regionCode && (lt.id == spec.LaunchTemplateId || spec.LaunchTemplateId == "" && lt.name == spec.LaunchTemplateName) {
			if v := spec.Version; v != "" && v != "$Default" && v != "$Latest" && v != "1" {
				return nil, validation("You must use a valid fully-formed launch template. The specified launch template version %s does not exist.", v)
			}
			return lt, nil
		}
	}
	if spec.LaunchTemplateId != "" {
		return nil, validation("You must use a valid fully-formed launch template. The launch template with template ID %s does not exist.", spec.LaunchTemplateId)
	}
	return nil, validation("You must use a valid fully-formed launch template. The launch template with template name %s does not exist.", spec.LaunchTemplateName)
}

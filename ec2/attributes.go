package ec2

import (
	"context"
	"encoding/base64"
	"sort"

	"github.com/nimbus-sim/nimbus/internal/awserr"
)

// Instance attributes: ModifyInstanceAttribute and DescribeInstanceAttribute
// for the instance type (only while stopped), user data (only while
// stopped), DisableApiTermination (then TerminateInstances fails with
// OperationNotPermitted) and the DeleteOnTermination flag of attached
// volumes, as "Modify a stopped instance" and "Enable termination
// protection" describe them:
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_ChangingAttributesWhileInstanceStopped.html
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_ChangingDisableAPITermination.html

// MaxUserDataBytes is the user data limit before base64 encoding (16 KB):
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-add-user-data.html
const MaxUserDataBytes = 16 * 1024

// ErrOperationNotPermitted is EC2's OperationNotPermitted (termination
// protection).
var ErrOperationNotPermitted = awserr.Code("OperationNotPermitted")

// instanceAttrs are the modifiable attributes besides the type.
type instanceAttrs struct {
	// userData is the decoded user data: a string, not a slice, which
	// every machine would carry a capacity word for.
	userData            string
	disableTermination  bool
	hibernateConfigured bool
	// hibernate.go: a hibernating stop in progress, whether EC2 started it,
	// and whether the last stop was a hibernation.
	hibernating, hibInterrupted, wasHibernated bool
	stoppedByOutage                            bool // recovery.go
}

// launchExtras carries the validated launch options of this file and
// imdsv2.go from validateRun to each new Machine.
type launchExtras struct {
	imds     imdsState
	attrs    instanceAttrs
	maxCount int32 // MaxCount, lowered to what the vCPU quota allows
}

// HibernationOptionsRequest enables hibernation at launch.
type HibernationOptionsRequest struct{ Configured bool }

// HibernationOptions reports whether hibernation is enabled.
type HibernationOptions struct{ Configured bool }

// validateExtras checks the launch options this file and imdsv2.go own.
func (s *Service) validateExtras(account, region string, sp *launchSpec, in *RunInstancesInput) error {
	if err := s.checkLaunchQuota(account, region, sp, in); err != nil {
		return err
	}
	if err := s.checkPlatformPrice(region, sp.img, sp.row); err != nil {
		return err
	}
	st, err := metadataOptions(in.MetadataOptions, sp.img)
	if err != nil {
		return err
	}
	sp.extra.imds = st
	if in.UserData != "" {
		b, err := base64.StdEncoding.DecodeString(in.UserData)
		if err != nil {
			return clientErr("InvalidParameterValue", "Invalid BASE64 encoding of user data.")
		}
		if len(b) > MaxUserDataBytes {
			return clientErr("InvalidParameterValue", "User data is limited to %d bytes.", MaxUserDataBytes)
		}
		sp.extra.attrs.userData = string(b)
	}
	sp.extra.attrs.disableTermination = in.DisableApiTermination
	if h := in.HibernationOptions; h != nil && h.Configured {
		if err := s.checkHibernation(sp, in); err != nil {
			return err
		}
		sp.extra.attrs.hibernateConfigured = true
	}
	return nil
}

// applyExtras gives a new instance its validated launch options.
func (m *Machine) applyExtras(x *launchExtras) {
	m.imds = x.imds
	m.imds.sessions = nil
	m.attrs = x.attrs
}

// describeExtras fills the Instance fields of this file and imdsv2.go.
func (m *Machine) describeExtras(d *Instance) {
	d.MetadataOptions = InstanceMetadataOptionsResponse{State: "applied", HttpTokens: m.imds.tokens(),
		HttpPutResponseHopLimit: m.imds.hops, HttpEndpoint: m.imds.endpoint()}
	d.HibernationOptions = HibernationOptions{Configured: m.attrs.hibernateConfigured}
	d.PlatformDetails = m.image.PlatformDetails
}

// InstanceAttributeName names an attribute for DescribeInstanceAttribute.
type InstanceAttributeName string

// The attributes this package models.
const (
	AttributeInstanceType          InstanceAttributeName = "instanceType"
	AttributeUserData              InstanceAttributeName = "userData"
	AttributeDisableApiTermination InstanceAttributeName = "disableApiTermination"
	AttributeBlockDeviceMapping    InstanceAttributeName = "blockDeviceMapping"
)

// AttributeValue is a string attribute value.
type AttributeValue struct{ Value string }

// AttributeBooleanValue is a boolean attribute value.
type AttributeBooleanValue struct{ Value bool }

// BlobAttributeValue is a binary attribute value (user data, unencoded:
// the SDK encodes it).
type BlobAttributeValue struct{ Value []byte }

// InstanceBlockDeviceMappingSpecification changes an attached volume's
// DeleteOnTermination.
type InstanceBlockDeviceMappingSpecification struct {
	DeviceName string
	Ebs        *EbsInstanceBlockDeviceSpecification
}

// EbsInstanceBlockDeviceSpecification is the EBS part of a mapping change.
type EbsInstanceBlockDeviceSpecification struct {
	DeleteOnTermination *bool
	VolumeId            string
}

// ModifyInstanceAttributeInput changes one attribute per call.
type ModifyInstanceAttributeInput struct {
	InstanceId            string
	InstanceType          *AttributeValue
	UserData              *BlobAttributeValue
	DisableApiTermination *AttributeBooleanValue
	BlockDeviceMappings   []InstanceBlockDeviceMappingSpecification
	DryRun                bool
}

// ModifyInstanceAttributeOutput is empty, as EC2's.
type ModifyInstanceAttributeOutput struct{}

// ModifyInstanceAttribute changes one attribute of an instance. The type
// and the user data change only while the instance is stopped
// (IncorrectInstanceState otherwise); a failed call changes nothing.
func (c *Client) ModifyInstanceAttribute(ctx context.Context, in *ModifyInstanceAttributeInput) (*ModifyInstanceAttributeOutput, error) {
	if in == nil {
		in = &ModifyInstanceAttributeInput{}
	}
	ids := nonEmpty(in.InstanceId)
	err := c.call(ctx, "ModifyInstanceAttribute", first("instance", ids), nil, func(account string) error {
		if in.DryRun {
			return errDryRun()
		}
		ms, err := c.svc.lookup(account, c.region, ids)
		if err != nil {
			return err
		}
		return c.svc.modifyAttribute(c.region, ms[0], in)
	})
	if err != nil {
		return nil, wrap("ModifyInstanceAttribute", err)
	}
	return &ModifyInstanceAttributeOutput{}, nil
}

func (s *Service) modifyAttribute(region string, m *Machine, in *ModifyInstanceAttributeInput) error {
	n := 0
	for _, set := range []bool{in.InstanceType != nil, in.UserData != nil, in.DisableApiTermination != nil, len(in.BlockDeviceMappings) > 0} {
		if set {
			n++
		}
	}
	switch {
	case n == 0:
		return clientErr("MissingParameter", "No attributes specified.")
	case n > 1:
		return clientErr("InvalidParameterCombination", "Fields for multiple attribute types specified: only one attribute can be modified per call.")
	}
	if m.state == InstanceStateTerminated || m.state == InstanceStateShuttingDown {
		return errIncorrectInstanceState(m.id, m.state, "modified")
	}
	switch {
	case in.InstanceType != nil:
		if m.state != InstanceStateStopped {
			return clientErr("IncorrectInstanceState", "The instance '%s' is not in the 'stopped' state.", m.id)
		}
		it, ok := catalog[InstanceType(in.InstanceType.Value)]
		if !ok {
			return clientErr("InvalidParameterValue", "Value (%s) for parameter instanceType is invalid. Unknown instance type.", in.InstanceType.Value)
		}
		if it.Architecture != m.image.Architecture {
			return clientErr("InvalidParameterValue",
				"The instance type '%s' has architecture '%s', which does not match the architecture '%s' of the instance's AMI.", it.InstanceType, it.Architecture, m.image.Architecture)
		}
		mode := CreditMode("")
		if m.credits != nil {
			mode = m.credits.mode
		}
		if it.Burstable && mode == "" {
			mode = CreditUnlimited
			if it.Family == "t2" {
				mode = CreditStandard
			}
		}
		if !it.Burstable {
			mode = ""
		}
		if err := s.canPrice(region, &it, m.spot != nil, mode); err != nil {
			return err
		}
		m.itype = catalogRows[it.InstanceType]
		if it.Burstable {
			m.credits = newCreditAccount(it, mode, s.env.Now())
			m.credits.balance = 0 // launch credits come with the next start
		} else {
			m.credits = nil
		}
	case in.UserData != nil:
		if m.state != InstanceStateStopped {
			return clientErr("IncorrectInstanceState", "The instance '%s' is not in the 'stopped' state.", m.id)
		}
		if len(in.UserData.Value) > MaxUserDataBytes {
			return clientErr("InvalidParameterValue", "User data is limited to %d bytes.", MaxUserDataBytes)
		}
		m.attrs.userData = string(in.UserData.Value)
	case in.DisableApiTermination != nil:
		m.attrs.disableTermination = in.DisableApiTermination.Value
	default:
		// Validate every mapping before changing any.
		type change struct {
			a   *attachment
			del bool
		}
		var cs []change
		for _, bd := range in.BlockDeviceMappings {
			if bd.Ebs == nil || bd.Ebs.DeleteOnTermination == nil {
				return clientErr("InvalidParameterValue", "The block device mapping for %s must set Ebs.DeleteOnTermination.", bd.DeviceName)
			}
			var found *attachment
			for _, a := range m.devices {
				if a.device == bd.DeviceName && (bd.Ebs.VolumeId == "" || bd.Ebs.VolumeId == a.vol.id) {
					found = a
				}
			}
			if found == nil {
				return clientErr("InvalidInstanceAttributeValue", "No device is currently mapped at %s", bd.DeviceName)
			}
			cs = append(cs, change{found, *bd.Ebs.DeleteOnTermination})
		}
		for _, c := range cs {
			c.a.deleteOnTermination = c.del
		}
	}
	return nil
}

// DescribeInstanceAttributeInput names one attribute of one instance.
type DescribeInstanceAttributeInput struct {
	InstanceId string
	Attribute  InstanceAttributeName
	DryRun     bool
}

// DescribeInstanceAttributeOutput sets the field of the asked attribute.
type DescribeInstanceAttributeOutput struct {
	InstanceId            string
	InstanceType          *AttributeValue
	UserData              *AttributeValue // base64-encoded, as EC2 returns it
	DisableApiTermination *AttributeBooleanValue
	BlockDeviceMappings   []InstanceBlockDeviceMapping
}

// DescribeInstanceAttribute describes one attribute of an instance.
func (c *Client) DescribeInstanceAttribute(ctx context.Context, in *DescribeInstanceAttributeInput) (*DescribeInstanceAttributeOutput, error) {
	if in == nil {
		in = &DescribeInstanceAttributeInput{}
	}
	var out *DescribeInstanceAttributeOutput
	ids := nonEmpty(in.InstanceId)
	err := c.call(ctx, "DescribeInstanceAttribute", first("instance", ids), nil, func(account string) error {
		if in.DryRun {
			return errDryRun()
		}
		if in.Attribute == "" {
			return clientErr("MissingParameter", "The request must contain the parameter attribute")
		}
		ms, err := c.svc.lookup(account, c.region, ids)
		if err != nil {
			return err
		}
		m := ms[0]
		o := &DescribeInstanceAttributeOutput{InstanceId: m.id}
		switch in.Attribute {
		case AttributeInstanceType:
			o.InstanceType = &AttributeValue{Value: string(m.itype.InstanceType)}
		case AttributeUserData:
			o.UserData = &AttributeValue{Value: base64.StdEncoding.EncodeToString([]byte(m.attrs.userData))}
		case AttributeDisableApiTermination:
			o.DisableApiTermination = &AttributeBooleanValue{Value: m.attrs.disableTermination}
		case AttributeBlockDeviceMapping:
			o.BlockDeviceMappings = m.describe().BlockDeviceMappings
			sort.Slice(o.BlockDeviceMappings, func(i, j int) bool {
				return o.BlockDeviceMappings[i].DeviceName < o.BlockDeviceMappings[j].DeviceName
			})
		default:
			return clientErr("InvalidParameterValue", "Value (%s) for parameter attribute is invalid. Unknown attribute.", in.Attribute)
		}
		out = o
		return nil
	})
	return out, wrap("DescribeInstanceAttribute", err)
}

// checkTerminationProtection refuses to terminate protected instances.
func checkTerminationProtection(ms []*Machine) error {
	for _, m := range ms {
		if m.attrs.disableTermination {
			return clientErr("OperationNotPermitted",
				"The instance '%s' may not be terminated. Modify its 'disableApiTermination' instance attribute and try again.", m.id)
		}
	}
	return nil
}

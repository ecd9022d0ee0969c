package ec2

// Hibernation prerequisites, as "Prerequisites for EC2 instance
// hibernation" lists them:
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/hibernating-prerequisites.html
//   - a supported instance family and size (InstanceTypeInfo.Hibernation;
//     bare metal, accelerated types and the largest sizes excluded);
//   - instance RAM below 150 GiB (Linux);
//   - an EBS root volume, encrypted, large enough to hold the RAM besides
//     the AMI's own contents;
//   - hibernation enabled at launch: it cannot be enabled afterwards.
// A launch that breaks one gets UnsupportedHibernationConfiguration
// (InvalidParameterCombination for an unencrypted root volume), and
// nothing launches.

// MaxHibernationMemoryMiB is the largest RAM a Linux instance can
// hibernate (150 GiB).
const MaxHibernationMemoryMiB = 150 * 1024

func (s *Service) checkHibernation(sp *launchSpec, in *RunInstancesInput) error {
	it := sp.it
	if !it.Hibernation || it.MemoryMiB > MaxHibernationMemoryMiB {
		return clientErr("UnsupportedHibernationConfiguration",
			"The instance type %s does not support hibernation.", it.InstanceType)
	}
	if sp.img.RootDeviceType != "ebs" {
		return clientErr("UnsupportedHibernationConfiguration", "Hibernation requires an EBS-backed AMI; %s is not.", sp.img.ImageId)
	}
	root := sp.devices[0]
	if !root.enc {
		return clientErr("InvalidParameterCombination",
			"Hibernation requires an encrypted root volume: set Encrypted on the block device mapping of %s.", root.name)
	}
	needGiB := int64(sp.img.RootVolumeSizeGiB) + (it.MemoryMiB+1023)/1024
	if int64(root.size) < needGiB {
		return clientErr("InvalidParameterValue",
			"The root volume of %d GiB is too small to hibernate a %s: it needs the AMI's %d GiB plus %d GiB for the memory.",
			root.size, it.InstanceType, sp.img.RootVolumeSizeGiB, (it.MemoryMiB+1023)/1024)
	}
	return nil
}

package vpc

// Read-only look-ups for services built on VPC networking (ec2/elb,
// ec2/autoscaling) that check a request's network arguments inside their
// own API calls, where calling DescribeSubnets would be a nested call.

// SubnetOf describes subnet id of account in region, or fails with
// InvalidSubnetID.NotFound.
func (s *Service) SubnetOf(account, region, id string) (Subnet, error) {
	sn, err := s.getSubnet(account, region, id)
	if err != nil {
		return Subnet{}, err
	}
	return s.describeSubnet(sn), nil
}

// VpcOf checks that VPC id exists for account in region (InvalidVpcID.NotFound).
func (s *Service) VpcOf(account, region, id string) error {
	_, err := s.getVPC(account, region, id)
	return err
}

// GroupVpc returns the VPC of security group id (InvalidGroup.NotFound).
func (s *Service) GroupVpc(account, region, id string) (string, error) {
	g, err := s.getSG(account, region, id)
	if err != nil {
		return "", err
	}
	return g.vpc.id, nil
}

// InterfaceOwner returns the account that owns a network interface, or "".
func (s *Service) InterfaceOwner(eniID string) string {
	if e := s.enis[eniID]; e != nil {
		return e.account()
	}
	return ""
}

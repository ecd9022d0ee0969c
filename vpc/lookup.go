package vpc

// Lookups scoped to the caller: another account's or region's resource
// does not exist for the caller, as in EC2.

func (s *Service) getVPC(account, region, id string) (*vpcRec, error) {
	if v := s.vpcs.get(id); v != nil && v.account == account && v.region == region {
		return v, nil
	}
	if id == "" {
		return nil, clientErr("MissingParameter", "The request must contain the parameter vpcId")
	}
	return nil, clientErr("InvalidVpcID.NotFound", "The vpc ID '%s' does not exist", id)
}

func (s *Service) getSubnet(account, region, id string) (*subnetRec, error) {
	if v := s.subnets[id]; v != nil && v.account == account && v.region == region {
		return v, nil
	}
	return nil, clientErr("InvalidSubnetID.NotFound", "The subnet ID '%s' does not exist", id)
}

func (s *Service) getRTB(account, region, id string) (*rtbRec, error) {
	if v := s.rtbs.get(id); v != nil && v.account == account && v.region == region {
		return v, nil
	}
	return nil, clientErr("InvalidRouteTableID.NotFound", "The routeTable ID '%s' does not exist", id)
}

func (s *Service) getIGW(account, region, id string) (*igwRec, error) {
	if v := s.igws.get(id); v != nil && v.account == account && v.region == region {
		return v, nil
	}
	return nil, clientErr("InvalidInternetGatewayID.NotFound", "The internetGateway ID '%s' does not exist", id)
}

func (s *Service) getNAT(account, region, id string) (*natRec, error) {
	if v := s.nats[id]; v != nil && v.account == account && v.region == region && v.state != "deleted" {
		return v, nil
	}
	return nil, clientErr("NatGatewayNotFound", "The Nat Gateway %s was not found", id)
}

func (s *Service) getEIP(account, region, id string) (*eipRec, error) {
	if v := s.eips[id]; v != nil && v.account == account && v.region == region {
		return v, nil
	}
	return nil, clientErr("InvalidAllocationID.NotFound", "The allocation ID '%s' does not exist", id)
}

func (s *Service) getEndpoint(account, region, id string) (*endpointRec, error) {
	if v := s.endpoints[id]; v != nil && v.account == account && v.region == region {
		return v, nil
	}
	return nil, clientErr("InvalidVpcEndpointId.NotFound", "The Vpc Endpoint Id '%s' does not exist", id)
}

func (s *Service) getPeering(account, region, id string) (*peeringRec, error) {
	if v := s.peerings[id]; v != nil && (v.account == account || v.accepter.account == account) && v.region == region {
		return v, nil
	}
	return nil, clientErr("InvalidVpcPeeringConnectionID.NotFound", "The vpcPeeringConnection ID '%s' does not exist", id)
}

func (s *Service) getSG(account, region, id string) (*sgRec, error) {
	if v := s.sgs.get(id); v != nil && v.account == account && v.region == region {
		return v, nil
	}
	return nil, clientErr("InvalidGroup.NotFound", "The security group '%s' does not exist", id)
}

func (s *Service) getNACL(account, region, id string) (*naclRec, error) {
	if v := s.nacls.get(id); v != nil && v.account == account && v.region == region {
		return v, nil
	}
	return nil, clientErr("InvalidNetworkAclID.NotFound", "The networkAcl ID '%s' does not exist", id)
}

func (s *Service) getENI(account, region, id string) (*eniRec, error) {
	if v := s.enis[id]; v != nil && v.account() == account && v.region() == region {
		return v, nil
	}
	return nil, clientErr("InvalidNetworkInterfaceID.NotFound", "The networkInterface ID '%s' does not exist", id)
}

// wanted reports whether id passes an ID filter (empty: all).
func wanted(ids []string, id string) bool {
	if len(ids) == 0 {
		return true
	}
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// filtered reports whether a resource's attributes pass the filters; an
// unknown filter name is an error.
func filtered(fs []Filter, attrs map[string]string) (bool, error) {
	for _, f := range fs {
		v, known := attrs[f.Name]
		if !known {
			return false, clientErr("InvalidParameterValue", "The filter '%s' is invalid", f.Name)
		}
		if !wanted(f.Values, v) {
			return false, nil
		}
	}
	return true, nil
}

package vpc

import (
	"net/http"

	"github.com/nimbus-sim/nimbus/internal/awserr"
)

// Sentinels for the EC2 error codes this package returns; match them with
// errors.Is. The codes are those of the EC2 API reference's "Error codes"
// page (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html);
// all are client errors, HTTP 400.
var (
	ErrInvalidParameterValue          = awserr.Code("InvalidParameterValue")
	ErrMissingParameter               = awserr.Code("MissingParameter")
	ErrInvalidVpcRange                = awserr.Code("InvalidVpc.Range")
	ErrInvalidVpcIDNotFound           = awserr.Code("InvalidVpcID.NotFound")
	ErrInvalidSubnetRange             = awserr.Code("InvalidSubnet.Range")
	ErrInvalidSubnetConflict          = awserr.Code("InvalidSubnet.Conflict")
	ErrInvalidSubnetIDNotFound        = awserr.Code("InvalidSubnetID.NotFound")
	ErrCidrConflict                   = awserr.Code("CidrConflict")
	ErrDependencyViolation            = awserr.Code("DependencyViolation")
	ErrInvalidRouteTableIDNotFound    = awserr.Code("InvalidRouteTableID.NotFound")
	ErrInvalidRouteNotFound           = awserr.Code("InvalidRoute.NotFound")
	ErrRouteAlreadyExists             = awserr.Code("RouteAlreadyExists")
	ErrInvalidAssociationIDNotFound   = awserr.Code("InvalidAssociationID.NotFound")
	ErrResourceAlreadyAssociated      = awserr.Code("Resource.AlreadyAssociated")
	ErrInvalidInternetGatewayNotFound = awserr.Code("InvalidInternetGatewayID.NotFound")
	ErrGatewayNotAttached             = awserr.Code("Gateway.NotAttached")
	ErrInvalidGatewayIDNotFound       = awserr.Code("InvalidGatewayID.NotFound")
	ErrNatGatewayNotFound             = awserr.Code("NatGatewayNotFound")
	ErrInvalidAllocationIDNotFound    = awserr.Code("InvalidAllocationID.NotFound")
	ErrInvalidVpcEndpointIDNotFound   = awserr.Code("InvalidVpcEndpointId.NotFound")
	ErrInvalidServiceName             = awserr.Code("InvalidServiceName")
	ErrInvalidPeeringIDNotFound       = awserr.Code("InvalidVpcPeeringConnectionID.NotFound")
	ErrInvalidGroupNotFound           = awserr.Code("InvalidGroup.NotFound")
	ErrInvalidGroupDuplicate          = awserr.Code("InvalidGroup.Duplicate")
	ErrInvalidPermissionDuplicate     = awserr.Code("InvalidPermission.Duplicate")
	ErrInvalidPermissionNotFound      = awserr.Code("InvalidPermission.NotFound")
	ErrInvalidPermissionMalformed     = awserr.Code("InvalidPermission.Malformed")
	ErrRulesPerSecurityGroupLimit     = awserr.Code("RulesPerSecurityGroupLimitExceeded")
	ErrSecurityGroupsPerInterface     = awserr.Code("SecurityGroupsPerInterfaceLimitExceeded")
	ErrInvalidNetworkAclIDNotFound    = awserr.Code("InvalidNetworkAclID.NotFound")
	ErrNetworkAclEntryAlreadyExists   = awserr.Code("NetworkAclEntryAlreadyExists")
	ErrInvalidNetworkAclEntryNotFound = awserr.Code("InvalidNetworkAclEntry.NotFound")
	ErrNetworkAclEntryLimitExceeded   = awserr.Code("NetworkAclEntryLimitExceeded")
	ErrInsufficientFreeAddresses      = awserr.Code("InsufficientFreeAddressesInSubnet")
	ErrInvalidNetworkInterfaceID      = awserr.Code("InvalidNetworkInterfaceID.NotFound")
	ErrInvalidPrefixListIDNotFound    = awserr.Code("InvalidPrefixListId.NotFound")
	ErrVpcLimitExceeded               = awserr.Code("VpcLimitExceeded")
	ErrInvalidAddressIDNotFound       = awserr.Code("InvalidAddressID.NotFound")
	ErrOperationNotPermitted          = awserr.Code("OperationNotPermitted")
)

func clientErr(code, format string, args ...any) error {
	return awserr.New(code, http.StatusBadRequest, false, format, args...)
}

func notFound(code, kind, id string) error {
	return clientErr(code, "The %s ID '%s' does not exist", kind, id)
}

package elb

import (
	"net/http"

	"github.com/nimbus-sim/nimbus/internal/awserr"
)

// Sentinels for errors.Is: each matches any error with its ELB code. The
// codes are the ELBv2 Query API's (the SDK names them ...Exception), see
// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/CommonErrors.html
// and each action's Errors section.
var (
	ErrValidation                  = awserr.Code("ValidationError")
	ErrDuplicateLoadBalancerName   = awserr.Code("DuplicateLoadBalancerName")
	ErrDuplicateTargetGroupName    = awserr.Code("DuplicateTargetGroupName")
	ErrDuplicateListener           = awserr.Code("DuplicateListener")
	ErrLoadBalancerNotFound        = awserr.Code("LoadBalancerNotFound")
	ErrTargetGroupNotFound         = awserr.Code("TargetGroupNotFound")
	ErrListenerNotFound            = awserr.Code("ListenerNotFound")
	ErrInvalidTarget               = awserr.Code("InvalidTarget")
	ErrSubnetNotFound              = awserr.Code("SubnetNotFound")
	ErrInvalidSecurityGroup        = awserr.Code("InvalidSecurityGroup")
	ErrInvalidConfigurationRequest = awserr.Code("InvalidConfigurationRequest")
	ErrPriorityInUse               = awserr.Code("PriorityInUse")
	ErrResourceInUse               = awserr.Code("ResourceInUse")
	ErrTargetGroupAssociationLimit = awserr.Code("TargetGroupAssociationLimit")
)

func clientErr(code, format string, args ...any) error {
	return awserr.New(code, http.StatusBadRequest, false, format, args...)
}

func validation(format string, args ...any) error {
	return clientErr("ValidationError", format, args...)
}

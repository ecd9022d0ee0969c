package ec2

import (
	"errors"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/aws/smithy-go"
	"github.com/nimbus-sim/nimbus/internal/awserr"
)

// Sentinels for the EC2 error codes this package returns; match them with
// errors.Is. Codes and messages follow the EC2 API reference's "Error
// codes" page: client errors are HTTP 400, server errors (capacity,
// internal) HTTP 500.
var (
	ErrInvalidParameterValue        = awserr.Code("InvalidParameterValue")
	ErrInvalidParameterCombination  = awserr.Code("InvalidParameterCombination")
	ErrMissingParameter             = awserr.Code("MissingParameter")
	ErrInvalidInstanceIDNotFound    = awserr.Code("InvalidInstanceID.NotFound")
	ErrInvalidInstanceIDMalformed   = awserr.Code("InvalidInstanceID.Malformed")
	ErrIncorrectInstanceState       = awserr.Code("IncorrectInstanceState")
	ErrInvalidAMIIDNotFound         = awserr.Code("InvalidAMIID.NotFound")
	ErrInvalidAMIIDMalformed        = awserr.Code("InvalidAMIID.Malformed")
	ErrInsufficientInstanceCapacity = awserr.Code("InsufficientInstanceCapacity")
	ErrUnsupportedOperation         = awserr.Code("UnsupportedOperation")
	// ErrUnsupported: the instance type is not offered in the region or
	// zone (no host type for it, or no price for it in the ledger).
	ErrUnsupported               = awserr.Code("Unsupported")
	ErrInvalidVolumeNotFound     = awserr.Code("InvalidVolume.NotFound")
	ErrInvalidVolumeZoneMismatch = awserr.Code("InvalidVolume.ZoneMismatch")
	ErrVolumeInUse               = awserr.Code("VolumeInUse")
	ErrIncorrectState            = awserr.Code("IncorrectState")
	ErrInvalidAttachmentNotFound = awserr.Code("InvalidAttachment.NotFound")
	ErrInvalidSnapshotNotFound   = awserr.Code("InvalidSnapshot.NotFound")
	ErrInvalidAvailabilityZone   = awserr.Code("InvalidAvailabilityZone")
	ErrInvalidParameter          = awserr.Code("InvalidParameter")
	ErrSpotMaxPriceTooLow        = awserr.Code("SpotMaxPriceTooLow")
	ErrUnauthorizedOperation     = awserr.Code("UnauthorizedOperation")
)

func clientErr(code, format string, args ...any) error {
	return awserr.New(code, http.StatusBadRequest, false, format, args...)
}

func errInvalidValue(value, param string) error {
	return clientErr("InvalidParameterValue", "Invalid value '%s' for %s.", value, param)
}

func errInstanceNotFound(ids ...string) error {
	if len(ids) == 1 {
		return clientErr("InvalidInstanceID.NotFound", "The instance ID '%s' does not exist", ids[0])
	}
	return clientErr("InvalidInstanceID.NotFound", "The instance IDs '%s' do not exist", strings.Join(ids, ", "))
}

func errInstanceMalformed(id string) error {
	return clientErr("InvalidInstanceID.Malformed", "Invalid id: \"%s\"", id)
}

func errIncorrectInstanceState(id string, state InstanceStateName, verb string) error {
	return clientErr("IncorrectInstanceState",
		"The instance '%s' is not in a state from which it can be %s. (current state: %s)", id, verb, state)
}

// errInsufficientCapacity reads like EC2's: it names the type and the AZ.
// EC2 lists it among server errors (HTTP 500), which the SDK's standard
// retryer retries.
func errInsufficientCapacity(t InstanceType, azName string) error {
	return awserr.New("InsufficientInstanceCapacity", http.StatusInternalServerError, true,
		"We currently do not have sufficient %s capacity in the Availability Zone you requested (%s). "+
			"Our system will be working on provisioning additional capacity. You can currently get %s capacity "+
			"by not specifying an Availability Zone in your request or choosing a different Availability Zone.",
		t, azName, t)
}

func errAMINotFound(id string) error {
	return clientErr("InvalidAMIID.NotFound", "The image id '[%s]' does not exist", id)
}

func errVolumeNotFound(id string) error {
	return clientErr("InvalidVolume.NotFound", "The volume '%s' does not exist.", id)
}

func errSnapshotNotFound(id string) error {
	return clientErr("InvalidSnapshot.NotFound", "The snapshot '%s' does not exist.", id)
}

// opError wraps err like the SDK, unless the pipeline already did.
func opError(op string, err error) error {
	var oe *smithy.OperationError
	if errors.As(err, &oe) {
		return err
	}
	return awserr.Operation("EC2", op, err)
}

// errDryRun is EC2's answer to an authorized request with DryRun set.
func errDryRun() error {
	return awserr.New("DryRunOperation", http.StatusPreconditionFailed, false, "Request would have succeeded, but DryRun flag is set.")
}

// ErrDryRunOperation matches the answer to a DryRun request that would
// have succeeded.
var ErrDryRunOperation = awserr.Code("DryRunOperation")

// MaxTagsPerResource is EC2's limit of user tags on one resource.
const MaxTagsPerResource = 50

// checkTags applies EC2's tag restrictions to one resource's tags: at most
// 50, keys of 1 to 128 characters not starting with "aws:" (in any case),
// values of at most 256 characters, no key twice.
func checkTags(tags []Tag) error {
	if len(tags) > MaxTagsPerResource {
		return clientErr("TagLimitExceeded", "The maximum number of Tags for a resource has been reached (%d, at most %d).", len(tags), MaxTagsPerResource)
	}
	for i, t := range tags {
		switch {
		case t.Key == "":
			return clientErr("InvalidParameterValue", "Tag key must not be empty.")
		case utf8.RuneCountInString(t.Key) > 128:
			return clientErr("InvalidParameterValue", "Tag key exceeds the maximum length of 128 characters")
		case utf8.RuneCountInString(t.Value) > 256:
			return clientErr("InvalidParameterValue", "Tag value exceeds the maximum length of 256 characters")
		case len(t.Key) >= 4 && strings.EqualFold(t.Key[:4], "aws:"):
			return clientErr("InvalidParameterValue", "Tag keys starting with 'aws:' are reserved for internal use")
		}
		for _, u := range tags[:i] {
			if u.Key == t.Key {
				return clientErr("InvalidParameterValue", "Duplicate tag key '%s' specified.", t.Key)
			}
		}
	}
	return nil
}

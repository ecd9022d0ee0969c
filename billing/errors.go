package billing

import (
	"net/http"

	"github.com/nimbus-sim/nimbus/internal/awserr"
)

// Errors returned by the ledger and the catalog. They are awserr sentinels:
// match them with errors.Is. Billing is not an AWS API, so the codes are
// nimbus's own, in AWS's style.
var (
	// ErrUnknownUsageType: the usage type is not in the price catalog.
	ErrUnknownUsageType = awserr.Code("UnknownUsageType")
	// ErrUnknownRegion: the region is not in the price catalog.
	ErrUnknownRegion = awserr.Code("UnknownRegion")
	// ErrInvalidUsage: a usage record or meter is malformed (negative
	// quantity, end before start, missing account, a caller price where the
	// catalog has one, ...).
	ErrInvalidUsage = awserr.Code("InvalidUsage")
	// ErrNoSuchMeter: a timed meter ID is unknown or already stopped.
	ErrNoSuchMeter = awserr.Code("NoSuchMeter")
	// ErrInvalidBudget: a budget's definition is malformed.
	ErrInvalidBudget = awserr.Code("InvalidBudget")
)

func newErr(sentinel *awserr.Error, format string, args ...any) error {
	return awserr.New(sentinel.Code, http.StatusBadRequest, false, format, args...)
}

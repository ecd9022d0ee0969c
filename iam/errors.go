package iam

import (
	"fmt"

	"github.com/nimbus-sim/nimbus/internal/awserr"
)

// Sentinels for the error codes this package returns; match them with
// errors.Is (the message does not matter).
var (
	// ErrAccessDenied: the request was authenticated but no policy allows it,
	// or one explicitly denies it (HTTP 403).
	ErrAccessDenied = awserr.Code("AccessDenied")
	// ErrInvalidClientTokenID: the access key ID does not exist (HTTP 403).
	ErrInvalidClientTokenID = awserr.Code("InvalidClientTokenId")
	// ErrSignatureDoesNotMatch: the secret key (or session token) is wrong (HTTP 403).
	ErrSignatureDoesNotMatch = awserr.Code("SignatureDoesNotMatch")
	// ErrExpiredToken: temporary credentials past their Expiration (HTTP 400 on STS, 403 elsewhere).
	ErrExpiredToken = awserr.Code("ExpiredToken")
	// ErrMalformedPolicyDocument: a policy document failed validation (HTTP 400).
	ErrMalformedPolicyDocument = awserr.Code("MalformedPolicyDocument")
	// ErrNoSuchEntity: the named user, role, group, policy or profile does not exist (HTTP 404).
	ErrNoSuchEntity = awserr.Code("NoSuchEntity")
	// ErrEntityAlreadyExists: an entity with that name exists already (HTTP 409).
	ErrEntityAlreadyExists = awserr.Code("EntityAlreadyExists")
	// ErrLimitExceeded: an IAM quota would be exceeded (HTTP 409).
	ErrLimitExceeded = awserr.Code("LimitExceeded")
	// ErrDeleteConflict: the entity still has attachments (HTTP 409).
	ErrDeleteConflict = awserr.Code("DeleteConflict")
	// ErrInvalidInput: a parameter is malformed (HTTP 400).
	ErrInvalidInput = awserr.Code("InvalidInput")
	// ErrValidationError: STS parameter validation failed (HTTP 400).
	ErrValidationError = awserr.Code("ValidationError")
	// ErrCredentialsNotFound: no source of the credential chain had credentials
	// (the SDK's "failed to refresh cached credentials, no EC2 IMDS role
	// found" family). Not an AWS service error code; the SDK raises it locally.
	ErrCredentialsNotFound = awserr.Code("NoCredentialProviders")
)

func noSuchEntity(format string, args ...any) error {
	return awserr.New("NoSuchEntity", 404, false, format, args...)
}

func alreadyExists(format string, args ...any) error {
	return awserr.New("EntityAlreadyExists", 409, false, format, args...)
}

func invalidInput(format string, args ...any) error {
	return awserr.New("InvalidInput", 400, false, format, args...)
}

func validationError(format string, args ...any) error {
	return awserr.New("ValidationError", 400, false, format, args...)
}

func limitExceeded(format string, args ...any) error {
	return awserr.New("LimitExceeded", 409, false, format, args...)
}

// PolicyError is the detail of a MalformedPolicyDocument error: what is wrong
// and where. Location is a path into the document ("Statement[1].Condition.
// StringLike") or, for JSON syntax errors, "line L, column C".
type PolicyError struct {
	Reason   string
	Location string
}

func (e *PolicyError) Error() string {
	if e.Location == "" {
		return e.Reason
	}
	return e.Reason + " (at " + e.Location + ")"
}

// malformed wraps a PolicyError in the awserr AWS returns (HTTP 400). The
// message carries reason and location; errors.As finds the *PolicyError.
func malformed(pe *PolicyError) error {
	return &malformedErr{e: awserr.New("MalformedPolicyDocument", 400, false, "%s", pe.Error()), pe: pe}
}

// malformedErr lets errors.As reach both the *awserr.Error (and so
// smithy.APIError) and the *PolicyError.
type malformedErr struct {
	e  *awserr.Error
	pe *PolicyError
}

func (m *malformedErr) Error() string   { return m.e.Error() }
func (m *malformedErr) Unwrap() []error { return []error{m.e, m.pe} }

func errf(loc, format string, args ...any) error {
	return malformed(&PolicyError{Reason: fmt.Sprintf(format, args...), Location: loc})
}

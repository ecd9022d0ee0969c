// Package awserr is the one shape of error every simulated AWS service
// returns: an AWS error code, a message that reads like AWS's, the HTTP
// status, whether the SDK's standard retry mode would retry it, and the
// request ID. It implements smithy-go's APIError, so code written against
// aws-sdk-go-v2 error handling (errors.As(err, &smithy.APIError)) works
// unchanged.
//
// Services export sentinels built with Code (e.g. s3.ErrNoSuchKey) so
// callers can test errors.Is(err, s3.ErrNoSuchKey); the sentinel matches
// any *Error with the same code, whatever its message.
package awserr

import (
	"errors"
	"fmt"

	"github.com/aws/smithy-go"
)

// Error is a typed AWS error.
type Error struct {
	Code       string
	Message    string
	StatusCode int
	// Fault is smithy.FaultClient for 4xx and smithy.FaultServer for 5xx.
	Fault     smithy.ErrorFault
	Retryable bool
	RequestID string
	// Err is the cause behind the code, if any: an AccessDenied carries
	// IAM's decision (*iam.DeniedError). errors.As reaches it.
	Err error
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// New returns an error with the given code, HTTP status and message. The
// fault follows from the status; retryable is for codes that the SDK's
// standard retry mode retries (throttling, 5xx, timeouts).
func New(code string, status int, retryable bool, format string, args ...any) *Error {
	f := smithy.FaultClient
	if status >= 500 {
		f = smithy.FaultServer
	}
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	return &Error{Code: code, Message: msg, StatusCode: status, Fault: f, Retryable: retryable}
}

// Code returns a sentinel for code: errors.Is(err, Code("NoSuchKey")) holds
// for every *Error whose Code is NoSuchKey.
func Code(code string) *Error { return &Error{Code: code} }

func (e *Error) Error() string {
	s := e.Code
	if e.StatusCode != 0 {
		s = fmt.Sprintf("api error %s: %s", e.Code, e.Message)
	}
	if e.RequestID != "" {
		s += " (request ID " + e.RequestID + ")"
	}
	return s
}

// ErrorCode implements smithy.APIError.
func (e *Error) ErrorCode() string { return e.Code }

// ErrorMessage implements smithy.APIError.
func (e *Error) ErrorMessage() string { return e.Message }

// ErrorFault implements smithy.APIError.
func (e *Error) ErrorFault() smithy.ErrorFault { return e.Fault }

// Is reports whether target is an *Error with the same code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// WithRequestID returns a copy of e carrying id.
func (e *Error) WithRequestID(id string) *Error {
	c := *e
	c.RequestID = id
	return &c
}

// IsRetryable reports whether err (or an error it wraps) is an *Error the
// standard retry mode retries.
func IsRetryable(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Retryable
}

// Operation wraps err as aws-sdk-go-v2 does: a *smithy.OperationError that
// names the service and operation, e.g. "operation error S3: GetObject,
// api error NoSuchKey: The specified key does not exist."
func Operation(service, operation string, err error) error {
	if err == nil {
		return nil
	}
	return &smithy.OperationError{ServiceID: service, OperationName: operation, Err: err}
}

var _ smithy.APIError = (*Error)(nil)

package s3

import (
	"errors"
	"net/http"

	"github.com/aws/smithy-go"
	"github.com/nimbus-sim/nimbus/internal/awserr"
)

// Sentinels for the S3 error codes this package returns; match them with
// errors.Is. Codes, HTTP statuses and messages follow the S3 API
// reference's error code list:
// https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
var (
	ErrAccessDenied                         = awserr.Code("AccessDenied")
	ErrBucketAlreadyExists                  = awserr.Code("BucketAlreadyExists")
	ErrBucketAlreadyOwnedByYou              = awserr.Code("BucketAlreadyOwnedByYou")
	ErrBucketNotEmpty                       = awserr.Code("BucketNotEmpty")
	ErrEntityTooLarge                       = awserr.Code("EntityTooLarge")
	ErrEntityTooSmall                       = awserr.Code("EntityTooSmall")
	ErrIllegalLocationConstraint            = awserr.Code("IllegalLocationConstraintException")
	ErrInvalidArgument                      = awserr.Code("InvalidArgument")
	ErrInvalidBucketName                    = awserr.Code("InvalidBucketName")
	ErrInvalidLocationConstraint            = awserr.Code("InvalidLocationConstraint")
	ErrInvalidPart                          = awserr.Code("InvalidPart")
	ErrInvalidPartOrder                     = awserr.Code("InvalidPartOrder")
	ErrInvalidRange                         = awserr.Code("InvalidRange")
	ErrInvalidRequest                       = awserr.Code("InvalidRequest")
	ErrInvalidStorageClass                  = awserr.Code("InvalidStorageClass")
	ErrKeyTooLong                           = awserr.Code("KeyTooLongError")
	ErrMalformedPolicy                      = awserr.Code("MalformedPolicy")
	ErrMalformedXML                         = awserr.Code("MalformedXML")
	ErrMetadataTooLarge                     = awserr.Code("MetadataTooLarge")
	ErrMethodNotAllowed                     = awserr.Code("MethodNotAllowed")
	ErrNoSuchBucket                         = awserr.Code("NoSuchBucket")
	ErrNoSuchBucketPolicy                   = awserr.Code("NoSuchBucketPolicy")
	ErrNoSuchKey                            = awserr.Code("NoSuchKey")
	ErrNoSuchLifecycleConfiguration         = awserr.Code("NoSuchLifecycleConfiguration")
	ErrNoSuchPublicAccessBlockConfiguration = awserr.Code("NoSuchPublicAccessBlockConfiguration")
	ErrNoSuchUpload                         = awserr.Code("NoSuchUpload")
	ErrNoSuchVersion                        = awserr.Code("NoSuchVersion")
	ErrPermanentRedirect                    = awserr.Code("PermanentRedirect")
	ErrSlowDown                             = awserr.Code("SlowDown")
	ErrTooManyBuckets                       = awserr.Code("TooManyBuckets")
	// HEAD responses carry no body, so the SDK reports the status text as
	// the code: NotFound (404), Forbidden (403), BadRequest (400) ...
	ErrNotFound   = awserr.Code("NotFound")
	ErrForbidden  = awserr.Code("Forbidden")
	ErrBadRequest = awserr.Code("BadRequest")
)

func s3err(code string, status int, format string, args ...any) error {
	return awserr.New(code, status, false, format, args...)
}

func errNoSuchBucket(b string) error {
	return s3err("NoSuchBucket", http.StatusNotFound, "The specified bucket does not exist (bucket %q).", b)
}

func errNoSuchKey(key string) error {
	return s3err("NoSuchKey", http.StatusNotFound, "The specified key does not exist (key %q).", key)
}

func errInvalidArgument(format string, args ...any) error {
	return s3err("InvalidArgument", http.StatusBadRequest, format, args...)
}

func errInvalidRequest(format string, args ...any) error {
	return s3err("InvalidRequest", http.StatusBadRequest, format, args...)
}

func errAccessDenied(format string, args ...any) error {
	return s3err("AccessDenied", http.StatusForbidden, format, args...)
}

func errNoSuchUpload(id string) error {
	return s3err("NoSuchUpload", http.StatusNotFound,
		"The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed (upload ID %q).", id)
}

// headError turns an error into what a HEAD request shows: the status
// only, with no body, so the code is the status text (NotFound,
// Forbidden, BadRequest, MethodNotAllowed ...) and the message empty.
func headError(err error) error {
	var ae *awserr.Error
	if err == nil || !errors.As(err, &ae) || ae.StatusCode >= 500 || ae.Code == "PermanentRedirect" {
		return err
	}
	code := map[int]string{400: "BadRequest", 403: "Forbidden", 404: "NotFound", 405: "MethodNotAllowed",
		409: "Conflict", 412: "PreconditionFailed", 416: "RequestedRangeNotSatisfiable"}[ae.StatusCode]
	if code == "" {
		code = http.StatusText(ae.StatusCode)
	}
	h := awserr.New(code, ae.StatusCode, false, "")
	h.Message = http.StatusText(ae.StatusCode)
	h.RequestID = ae.RequestID
	return h
}

// opError wraps err like the SDK, unless the pipeline already did.
func opError(op string, err error) error {
	if err == nil {
		return nil
	}
	var oe *smithy.OperationError
	if errors.As(err, &oe) {
		return err
	}
	return awserr.Operation("S3", op, err)
}

func asAWS(err error) *awserr.Error {
	var ae *awserr.Error
	if errors.As(err, &ae) {
		return ae
	}
	return nil
}

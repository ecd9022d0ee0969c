package awserr

import (
	"errors"
	"testing"

	"github.com/aws/smithy-go"
)

func TestErrorMatchesSentinelAndAPIError(t *testing.T) {
	err := Operation("S3", "GetObject", New("NoSuchKey", 404, false, "The specified key does not exist."))
	if !errors.Is(err, Code("NoSuchKey")) {
		t.Fatal("errors.Is against the code sentinel failed")
	}
	if errors.Is(err, Code("AccessDenied")) {
		t.Fatal("matched a different code")
	}
	var api smithy.APIError
	if !errors.As(err, &api) || api.ErrorCode() != "NoSuchKey" || api.ErrorFault() != smithy.FaultClient {
		t.Fatalf("smithy.APIError view wrong: %v", api)
	}
	want := "operation error S3: GetObject, api error NoSuchKey: The specified key does not exist."
	if err.Error() != want {
		t.Fatalf("got %q, want %q", err.Error(), want)
	}
	if IsRetryable(err) {
		t.Fatal("NoSuchKey is not retryable")
	}
	if !IsRetryable(New("SlowDown", 503, true, "Please reduce your request rate.")) {
		t.Fatal("SlowDown is retryable")
	}
	if f := New("InternalError", 500, true, "x").ErrorFault(); f != smithy.FaultServer {
		t.Fatalf("5xx fault = %v", f)
	}
}

package region

import (
	"time"
)

// ClientConfig is the client side of a call: the SDK's standard retry
// mode and its timeouts, all in virtual time.
type ClientConfig struct {
	// MaxAttempts counts the first attempt (standard mode: 3).
	MaxAttempts int
	// BaseBackoff and MaxBackoff shape the capped exponential backoff with
	// full jitter: before retry i (i = 1, 2, ...) the client sleeps
	// rand[0,1) x min(MaxBackoff, BaseBackoff x 2^i).
	BaseBackoff time.Duration
	MaxBackoff  time.Duration
	// RetryTokens is the retry quota (standard mode: 500); a retry costs
	// RetryCost (5), a retry after a timeout RetryTimeoutCost (10), and a
	// success refunds NoRetryIncrement (1). With no tokens left, errors are
	// returned without retrying.
	RetryTokens      int
	RetryCost        int
	RetryTimeoutCost int
	NoRetryIncrement int
	// ConnectTimeout bounds connection set-up (an unreachable endpoint
	// fails after it); ReadTimeout bounds the wait for a response once the
	// request is sent. 0 means no timeout.
	ConnectTimeout time.Duration
	ReadTimeout    time.Duration
}

// DefaultClientConfig returns aws-sdk-go-v2's standard retry mode
// (aws/retry: DefaultMaxAttempts 3, DefaultMaxBackoff 20 s,
// DefaultRetryRateTokens 500, DefaultRetryCost 5, DefaultRetryTimeoutCost
// 10, DefaultNoRetryIncrement 1) with a 1 s backoff base, the
// SDK-default HTTP client's 30 s dial timeout, and a 60 s read timeout (the
// SDK sets none; the simulator needs one so a hung request ends).
func DefaultClientConfig() ClientConfig {
	return ClientConfig{
		MaxAttempts:      3,
		BaseBackoff:      time.Second,
		MaxBackoff:       20 * time.Second,
		RetryTokens:      500,
		RetryCost:        5,
		RetryTimeoutCost: 10,
		NoRetryIncrement: 1,
		ConnectTimeout:   30 * time.Second,
		ReadTimeout:      60 * time.Second,
	}
}

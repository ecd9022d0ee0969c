package region

import (
	"time"

	"github.com/nimbus-sim/nimbus/internal/awserr"
)

// Credentials are a caller's AWS credentials. The fields are those of
// iam.Credentials, one for one, so the two convert with a plain type
// conversion (region.Credentials(c)).
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	Expiration      time.Time
	Source          string
}

// Principal is the authenticated caller as the pipeline sees it.
type Principal struct {
	Account string // 12-digit account ID
	ARN     string // arn:aws:iam::111122223333:user/alice
	// Raw is the guard's own principal value (an *iam.Principal for the
	// IAM guard), handed back to Authorize.
	Raw any
}

// Guard is steps 2 and 3 of the pipeline: authenticate the credentials
// (they exist and are unexpired at the current virtual time) and
// authorize the action (default deny, explicit deny wins). The world's
// guard is backed by iam; KeyGuard is a minimal stand-in for tests.
type Guard interface {
	Authenticate(now time.Time, c Credentials) (Principal, error)
	Authorize(p Principal, r *Request) error
}

// Sentinels for the guard's errors, with AWS's codes.
var (
	ErrInvalidClientTokenID  = awserr.Code("InvalidClientTokenId")
	ErrSignatureDoesNotMatch = awserr.Code("SignatureDoesNotMatch")
	ErrExpiredToken          = awserr.Code("ExpiredToken")
	ErrMissingAuthToken      = awserr.Code("MissingAuthenticationToken")
	ErrAccessDenied          = awserr.Code("AccessDenied")
)

// checkCredentials applies the rules every guard shares: a request without
// an access key is MissingAuthenticationToken (HTTP 403).
func checkCredentials(c Credentials) error {
	if c.AccessKeyID == "" {
		return awserr.New("MissingAuthenticationToken", 403, false,
			"Request is missing Authentication Token")
	}
	return nil
}

// KeyGuard is a minimal Guard for tests and examples that do not need IAM
// policies: it knows access keys and their accounts, checks the secret and
// expiration, and lets a known caller do anything unless the action is
// listed in Deny. It is not IAM.
type KeyGuard struct {
	keys map[string]keyEntry
	// Deny lists actions ("s3:DeleteBucket") refused to every caller.
	Deny map[string]bool
}

type keyEntry struct {
	account, secret, arn string
	expires              time.Time
}

// NewKeyGuard returns an empty KeyGuard.
func NewKeyGuard() *KeyGuard { return &KeyGuard{keys: map[string]keyEntry{}, Deny: map[string]bool{}} }

// AddKey registers credentials for account; a zero Expiration never
// expires.
func (g *KeyGuard) AddKey(account string, c Credentials) {
	g.keys[c.AccessKeyID] = keyEntry{account: account, secret: c.SecretAccessKey,
		arn: "arn:aws:iam::" + account + ":root", expires: c.Expiration}
}

// Authenticate implements Guard.
func (g *KeyGuard) Authenticate(now time.Time, c Credentials) (Principal, error) {
	if err := checkCredentials(c); err != nil {
		return Principal{}, err
	}
	k, ok := g.keys[c.AccessKeyID]
	switch {
	case !ok:
		return Principal{}, awserr.New("InvalidClientTokenId", 403, false,
			"The security token included in the request is invalid.")
	case k.secret != c.SecretAccessKey:
		return Principal{}, awserr.New("SignatureDoesNotMatch", 403, false,
			"The request signature we calculated does not match the signature you provided.")
	case !k.expires.IsZero() && !now.Before(k.expires):
		return Principal{}, awserr.New("ExpiredToken", 403, false,
			"The security token included in the request is expired")
	}
	return Principal{Account: k.account, ARN: k.arn}, nil
}

// Authorize implements Guard.
func (g *KeyGuard) Authorize(p Principal, r *Request) error {
	if g.Deny[r.action()] {
		return awserr.New("AccessDenied", 403, false,
			"User: %s is not authorized to perform: %s on resource: %s with an explicit deny",
			p.ARN, r.action(), r.resource())
	}
	return nil
}

// denyAll is the guard of a world that was given none: no call passes.
type denyAll struct{}

func (denyAll) Authenticate(time.Time, Credentials) (Principal, error) {
	return Principal{}, awserr.New("InvalidClientTokenId", 403, false,
		"The security token included in the request is invalid. (this world has no Guard: set Options.Guard)")
}

func (denyAll) Authorize(Principal, *Request) error {
	return awserr.New("AccessDenied", 403, false, "no Guard configured")
}

package region

import (
	"time"

	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/internal/awserr"
)

// Credentials are a caller's AWS credentials: iam.Credentials.
type Credentials = iam.Credentials

// Principal is the authenticated caller as the pipeline sees it.
type Principal struct {
	Account string // 12-digit account ID
	ARN     string // arn:aws:iam::111122223333:user/alice
	// IAM is the IAM principal (set by the IAM guard; nil for KeyGuard).
	IAM *iam.Principal
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

// IAMGuard is the Guard backed by the iam package: Authenticate checks
// the access key, secret, session token and expiration; Authorize
// evaluates identity and resource policies (default deny, explicit deny
// wins) and returns iam's AccessDenied with AWS's message.
type IAMGuard struct{ Service *iam.Service }

// Authenticate implements Guard.
func (g IAMGuard) Authenticate(now time.Time, c Credentials) (Principal, error) {
	if err := checkCredentials(c); err != nil {
		return Principal{}, err
	}
	p, err := g.Service.Authenticate(c)
	if err != nil {
		return Principal{}, err
	}
	return Principal{Account: p.AccountID, ARN: p.ARN.String(), IAM: p}, nil
}

// Authorize implements Guard. A Request.Resource that is not "*" must be
// an ARN.
func (g IAMGuard) Authorize(p Principal, r *Request) error {
	req := iam.Request{Principal: p.IAM, Action: r.action(), ResourceAccount: r.ResourceAccount,
		ResourcePolicy: r.ResourcePolicy, Context: r.Context}
	if res := r.resource(); res != "*" {
		arn, err := iam.ParseARN(res)
		if err != nil {
			return awserr.New("InvalidParameterValue", 400, false, "resource %q is not an ARN: %v", res, err)
		}
		req.Resource = arn
	}
	return g.Service.Authorize(&req).Err()
}

package region

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/internal/awserr"
	"github.com/nimbus-sim/nimbus/sim"
)

// publicRead is a bucket policy letting anyone read objects.
var publicRead = iam.MustParsePolicy(`{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead",
 "Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*"}]}`)

// TestAnonymousCallers: a request without credentials reaches
// authorization as the anonymous principal where the service accepts
// anonymous requests, and a public-read resource policy allows it; without
// the policy it is denied; a service that does not accept anonymous
// requests answers MissingAuthenticationToken.
func TestAnonymousCallers(t *testing.T) {
	w := pipelineWorld(t, 1)
	call := func(allow bool, policy *iam.Policy) (Principal, error) {
		var who Principal
		var err error
		run(w, func(p *sim.Proc) {
			req := getReq(w, Location{})
			req.Credentials, req.AllowAnonymous = Credentials{}, allow
			req.ResourceAccount, req.ResourcePolicy = testAccount, policy
			err = w.Call(p, req, func(c *Call) error { who = c.Principal(); return nil })
		})
		return who, err
	}
	who, err := call(true, publicRead)
	require.NoError(t, err)
	require.True(t, who.Anonymous)
	require.Empty(t, who.Account)
	_, err = call(true, nil)
	require.ErrorIs(t, err, ErrAccessDenied)
	require.Contains(t, err.Error(), "User: anonymous is not authorized to perform: s3:GetObject")
	_, err = call(false, publicRead)
	require.ErrorIs(t, err, ErrMissingAuthToken)
}

// TestAccessDeniedCarriesTheDecision: errors.As reaches IAM's decision
// from the error a call returns; it names the denying statement, or says
// that no identity-based policy allowed, in AWS's words.
func TestAccessDeniedCarriesTheDecision(t *testing.T) {
	w := pipelineWorld(t, 1)
	root, err := w.CreateAccount("444455556666")
	require.NoError(t, err)
	nobody := newUser(t, w, root, "nobody", "")
	call := func(creds Credentials, op, resource string) error {
		var err error
		run(w, func(p *sim.Proc) {
			req := getReq(w, Location{})
			req.Credentials, req.Operation, req.Action, req.Resource = creds, op, "s3:"+op, resource
			err = w.Call(p, req, func(*Call) error { return nil })
		})
		return err
	}
	err = call(alice(w), "DeleteObject", "arn:aws:s3:::b/k")
	var de *iam.DeniedError
	require.ErrorAs(t, err, &de)
	require.Equal(t, iam.ExplicitDeny, de.Decision.Reason)
	require.Equal(t, "NoDeletes", de.Decision.Statement.Sid)
	require.Contains(t, de.Decision.Explain(), "NoDeletes")
	var ae *awserr.Error
	require.ErrorAs(t, err, &ae)
	require.Equal(t, "AccessDenied", ae.Code)
	require.NotEmpty(t, ae.RequestID)

	err = call(nobody, "ListBucket", "arn:aws:s3:::b")
	require.ErrorAs(t, err, &de)
	require.Equal(t, iam.ImplicitDeny, de.Decision.Reason)
	require.ErrorAs(t, err, &ae)
	require.Equal(t, "User: arn:aws:iam::444455556666:user/nobody is not authorized to perform: s3:ListBucket on resource: "+
		"arn:aws:s3:::b because no identity-based policy allows the s3:ListBucket action", ae.Message)
	require.False(t, errors.Is(err, ErrMissingAuthToken))
}

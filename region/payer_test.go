package region

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nimbus-sim/nimbus/internal/awserr"
	"github.com/nimbus-sim/nimbus/sim"
)

// The owner of "bucket" is 444455556666; alice (111122223333) is a
// stranger to it unless the two accounts share an organization.
const ownerAccount = "444455556666"

// billedTo runs one call and returns the accounts its BillRequest and
// queued meters were billed to ("" entries mean not billed at all).
func billedTo(t *testing.T, w *World, req Request, effectErr error) (payers []string, err error) {
	t.Helper()
	req.BillRequest = func(c *Call, err error) { payers = append(payers, c.Payer()) }
	run(w, func(p *sim.Proc) {
		err = w.Call(p, req, func(c *Call) error {
			c.Meter(func() { payers = append(payers, "meter:"+c.Payer()) })
			return effectErr
		})
	})
	return payers, err
}

func ownerRequest(w *World) Request {
	req := getReq(w, Location{})
	req.ResourceAccount = ownerAccount
	req.ResourcePolicy = publicRead
	cfg := DefaultClientConfig()
	cfg.MaxAttempts = 1
	req.Client = &cfg
	return req
}

// TestPayer: the caller pays by default; the resource owner where the
// service bills owners (S3); the requester of a Requester Pays resource,
// which an anonymous caller cannot be.
func TestPayer(t *testing.T) {
	w := pipelineWorld(t, 1)
	req := ownerRequest(w)
	payers, err := billedTo(t, w, req, nil)
	require.NoError(t, err)
	require.Equal(t, []string{testAccount, "meter:" + testAccount}, payers)

	req.Payer = PayResourceOwner
	payers, err = billedTo(t, w, req, nil)
	require.NoError(t, err)
	require.Equal(t, []string{ownerAccount, "meter:" + ownerAccount}, payers)

	req.Payer = PayRequester
	payers, err = billedTo(t, w, req, nil)
	require.NoError(t, err)
	require.Equal(t, []string{testAccount, "meter:" + testAccount}, payers)

	anon := req
	anon.Credentials, anon.AllowAnonymous = Credentials{}, true
	payers, err = billedTo(t, w, anon, nil)
	require.ErrorIs(t, err, ErrAccessDenied)
	require.Contains(t, err.Error(), "Anonymous users cannot be charged")
	require.Empty(t, payers)

	anon.Payer = PayResourceOwner
	payers, err = billedTo(t, w, anon, nil)
	require.NoError(t, err)
	require.Equal(t, []string{ownerAccount, "meter:" + ownerAccount}, payers, "the owner pays for anonymous reads")
}

// TestBilledFailures: by default failed requests are not billed; under
// S3's rule 4xx responses are (NoSuchKey), 5xx are not (SlowDown,
// InternalError), and an AccessDenied is billed only when the caller is
// in the owner's account or organization (the May 2024 change).
func TestBilledFailures(t *testing.T) {
	w := pipelineWorld(t, 1)
	noSuchKey := awserr.New("NoSuchKey", 404, false, "The specified key does not exist.")
	slowDown := awserr.New("SlowDown", 503, true, "Please reduce your request rate.")

	req := ownerRequest(w)
	req.Payer = PayResourceOwner
	payers, err := billedTo(t, w, req, noSuchKey)
	require.ErrorIs(t, err, noSuchKey)
	require.Empty(t, payers, "BillSuccessOnly bills no failure")

	req.BillErrors = BillClientErrors
	payers, _ = billedTo(t, w, req, noSuchKey)
	require.Equal(t, []string{ownerAccount, "meter:" + ownerAccount}, payers, "a 404 is billed")
	payers, _ = billedTo(t, w, req, slowDown)
	require.Empty(t, payers, "a 503 is not billed")

	// AccessDenied from a stranger (alice may not delete): not billed.
	del := req
	del.Operation, del.Action = "DeleteObject", "s3:DeleteObject"
	payers, err = billedTo(t, w, del, nil)
	require.ErrorIs(t, err, ErrAccessDenied)
	require.Empty(t, payers, "a stranger's 403 is not billed")

	// Anonymous 403: a stranger too.
	anon := req
	anon.Credentials, anon.AllowAnonymous, anon.ResourcePolicy = Credentials{}, true, nil
	payers, err = billedTo(t, w, anon, nil)
	require.ErrorIs(t, err, ErrAccessDenied)
	require.Empty(t, payers)

	// The same 403 from the owner's own account is billed.
	ownerRoot, err := w.CreateAccount(ownerAccount)
	require.NoError(t, err)
	insider := newUser(t, w, ownerRoot, "insider", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)
	in := del
	in.Credentials = insider
	payers, err = billedTo(t, w, in, nil)
	require.ErrorIs(t, err, ErrAccessDenied)
	require.Equal(t, []string{ownerAccount}, payers, "an insider's 403 is billed (no meter: the effect never ran)")

	// And from an account in the owner's organization. Organization
	// membership is the provider's record (AWS Organizations), set here
	// directly.
	require.NoError(t, w.IAM().SetOrganization(ownerAccount, "o-abcdefghij"))
	require.NoError(t, w.IAM().SetOrganization(testAccount, "o-abcdefghij"))
	payers, err = billedTo(t, w, del, nil)
	require.ErrorIs(t, err, ErrAccessDenied)
	require.Equal(t, []string{ownerAccount}, payers, "a 403 from the owner's organization is billed")
}

// TestReadTimeoutBoundsTheFirstByteNotTheBody: a 5 GiB download over a
// 100 Mbit/s internet path takes about 430 s and completes under the
// default 60 s read timeout, which bounds the wait for the first byte;
// a server that takes 61 s to answer still times out.
func TestReadTimeoutBoundsTheFirstByteNotTheBody(t *testing.T) {
	w := pipelineWorld(t, 1)
	var err error
	elapsed := run(w, func(p *sim.Proc) {
		err = w.Call(p, getReq(w, OnInternet("us-east-1")), func(c *Call) error {
			c.SetResponseBytes(5 << 30)
			return nil
		})
	})
	require.NoError(t, err)
	body := time.Duration(float64(5<<30) * 8 / 100e6 * float64(time.Second))
	require.InDelta(t, body.Seconds(), elapsed.Seconds(), 0.5)
	require.Greater(t, elapsed, DefaultClientConfig().ReadTimeout)

	cfg := DefaultClientConfig()
	cfg.MaxAttempts = 1
	req := getReq(w, OnInternet("us-east-1"))
	req.Client = &cfg
	run(w, func(p *sim.Proc) {
		err = w.Call(p, req, func(c *Call) error { c.Delay(61 * time.Second); return nil })
	})
	require.ErrorIs(t, err, ErrRequestTimeout)
}

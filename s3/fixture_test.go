package s3

import (
	"errors"
	"testing"

	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/internal/awserr"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

const (
	ownerAccount = "111122223333"
	otherAccount = "444455556666"
	testRegion   = "us-east-1"
)

// Identity policies of the test users. admin may do anything in S3;
// reader may only get objects (no s3:ListBucket, so a missing key is 403);
// partner (other account) may do anything in S3 as far as its own account
// goes, so cross-account access depends on the bucket policy.
const (
	adminPolicy   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`
	readerPolicy  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	partnerPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`
)

type fixture struct {
	t                    testing.TB
	env                  *sim.Env
	w                    *region.World
	svc                  *Service
	admin                *Client // owner account, s3:*
	reader               *Client // owner account, s3:GetObject only
	partner              *Client // other account, s3:*
	ownerRoot, otherRoot iam.Credentials
}

func newFixture(t testing.TB, seed uint64, opts Options) *fixture {
	t.Helper()
	env := sim.New(seed)
	t.Cleanup(env.Close)
	w, err := region.NewWorld(env, region.Options{HostsPerAZ: map[string]int{}})
	require.NoError(t, err)
	svc, err := New(w, opts)
	require.NoError(t, err)
	f := &fixture{t: t, env: env, w: w, svc: svc}
	ids := w.IAM()
	f.ownerRoot, err = ids.CreateAccount(ownerAccount)
	require.NoError(t, err)
	f.otherRoot, err = ids.CreateAccount(otherAccount)
	require.NoError(t, err)
	mk := func(root iam.Credentials, name, policy string) *Client {
		_, err := ids.CreateUser(root, iam.CreateUserInput{UserName: name})
		require.NoError(t, err)
		require.NoError(t, ids.PutUserPolicy(root, name, "s3", policy))
		k, err := ids.CreateAccessKey(root, name)
		require.NoError(t, err)
		return svc.NewClient(testRegion, k.Credentials())
	}
	f.admin = mk(f.ownerRoot, "admin", adminPolicy)
	f.reader = mk(f.ownerRoot, "reader", readerPolicy)
	f.partner = mk(f.otherRoot, "partner", partnerPolicy)
	return f
}

// do runs fn in a process and the simulation until it is done.
func (f *fixture) do(fn func(p *sim.Proc)) {
	f.t.Helper()
	done := false
	f.env.Go("test", func(p *sim.Proc) { fn(p); done = true })
	f.env.Run()
	require.True(f.t, done, "test process did not finish")
}

// bucket creates a bucket owned by admin.
func (f *fixture) bucket(p *sim.Proc, name string) {
	f.t.Helper()
	_, err := f.admin.CreateBucket(p, &CreateBucketInput{Bucket: name})
	require.NoError(f.t, err)
}

func codeOf(err error) string {
	var ae *awserr.Error
	if errors.As(err, &ae) {
		return ae.Code
	}
	return ""
}

func statusOf(err error) int {
	var ae *awserr.Error
	if errors.As(err, &ae) {
		return ae.StatusCode
	}
	return 0
}

// wantErr fails unless err carries code and HTTP status.
func wantErr(t testing.TB, err error, code string, status int) {
	t.Helper()
	require.Error(t, err)
	require.Equal(t, code, codeOf(err), "error: %v", err)
	require.Equal(t, status, statusOf(err), "error: %v", err)
}

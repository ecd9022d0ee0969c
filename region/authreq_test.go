package region

import (
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/sim"
)

// TestAuthorizeSetsEveryField guards authorize's reuse of one iam.Request
// from call to call (pipeline.authReq): authorize must set every
// exported field, so a field added to iam.Request must be added there
// and to this list.
func TestAuthorizeSetsEveryField(t *testing.T) {
	var names []string
	for f := range reflect.TypeFor[iam.Request]().Fields() {
		if f.IsExported() {
			names = append(names, f.Name)
		}
	}
	require.Equal(t, []string{"Principal", "Action", "Resource", "ResourceAccount", "ResourcePolicy", "Context",
		"FrozenContext", "RequireResourcePolicy", "Time", "RequestedRegion"}, names,
		"iam.Request changed: make authorize (auth.go) set the new field on every call")
}

// TestAuthorizeForgetsTheLastCall: after a call with a resource, a
// resource policy, a context and a time some condition made, the next
// call's request to IAM carries none of them, as a fresh iam.Request
// would not; and each call's answer is its own (a public-read policy
// allows the anonymous caller once, and no longer when the next call
// names none).
func TestAuthorizeForgetsTheLastCall(t *testing.T) {
	w := pipelineWorld(t, 1)
	// A condition on the clock makes IAM store the request's Time.
	timed := iam.MustParsePolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",
 "Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*",
 "Condition":{"DateGreaterThan":{"aws:CurrentTime":"2000-01-01T00:00:00Z"}}}]}`)
	var errs [3]error
	var after [3]iam.Request
	run(w, func(p *sim.Proc) {
		req := getReq(w, Location{})
		req.Credentials, req.AllowAnonymous = Credentials{}, true
		req.ResourceAccount, req.ResourcePolicy = testAccount, timed
		req.Context = map[string][]string{"s3:prefix": {"a/"}}
		errs[0] = w.Call(p, req, func(*Call) error { return nil })
		after[0] = w.pipe.authReq

		next := getReq(w, Location{})
		next.Credentials, next.AllowAnonymous = Credentials{}, true
		errs[1] = w.Call(p, next, func(*Call) error { return nil })
		after[1] = w.pipe.authReq

		star := getReq(w, Location{})
		star.Resource, star.Operation, star.Action = "", "ListBuckets", "s3:ListAllMyBuckets"
		errs[2] = w.Call(p, star, func(*Call) error { return nil })
		after[2] = w.pipe.authReq
	})
	require.NoError(t, errs[0], "the timed public-read policy allows")
	require.False(t, after[0].Time.IsZero(), "the condition made the request's time")
	require.Equal(t, "bucket/key", after[0].Resource.Resource)
	require.NotNil(t, after[0].Context)

	require.ErrorIs(t, errs[1], ErrAccessDenied, "no policy: the last call's must not allow")
	require.Nil(t, after[1].ResourcePolicy)
	require.Nil(t, after[1].Context)
	require.Empty(t, after[1].ResourceAccount)
	require.Equal(t, time.Time{}, after[1].Time)

	require.NoError(t, errs[2], "alice may list")
	require.Equal(t, iam.ARN{}, after[2].Resource, `"*" names no ARN`)
	require.Equal(t, "s3:ListAllMyBuckets", after[2].Action)
}

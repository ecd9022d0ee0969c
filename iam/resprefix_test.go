package iam

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/nimbus-sim/nimbus/sim"
)

// objReq is p's action on object resource part res of S3.
func objReq(p *Principal, action, res string) *Request {
	return &Request{Principal: p, Action: action, Resource: ARN{Partition: "aws", Service: "s3", Resource: res}}
}

// freshErr is Check's answer on a copy of req evaluated in full, the
// remembered request left aside.
func freshErr(s *Service, req Request) error {
	var v verdict
	s.decide(&v, &req)
	if v.Allowed {
		return nil
	}
	return v.decision(&req).Err()
}

// TestCheckPrefixKeepsDeny: after public objects were allowed, a Deny on
// "bucket/secret*" still denies; and an allowed resource that is a
// prefix of the Deny's text proves nothing.
func TestCheckPrefixKeepsDeny(t *testing.T) {
	svc, _, p := aliceWithPolicy(t, "get", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*"},
		{"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/secret*"}]}`)
	get := func(res string) error { return svc.Check(objReq(p, "s3:GetObject", res)) }
	require.NoError(t, get("bucket/public1"))
	require.Zero(t, svc.allowed.resK, "the first of a run proves nothing yet")
	require.NoError(t, get("bucket/public2"))
	// "bucket/" for the Allow, and one byte past where "public2" leaves
	// "secret".
	require.EqualValues(t, len("bucket/p"), svc.allowed.resK)
	require.NoError(t, get("bucket/public3"))
	require.Equal(t, "bucket/public2", svc.allowed.resource.Resource, "answered without evaluating")
	require.ErrorContains(t, get("bucket/secret1"), "explicit deny")
	require.ErrorContains(t, get("bucket/secret"), "explicit deny")

	require.NoError(t, get("bucket/s"))
	require.EqualValues(t, -walkBackoff, svc.allowed.resK, `"bucket/s" begins "bucket/secret": nothing proved`)
	require.ErrorContains(t, get("bucket/secretX"), "explicit deny")
	// The next objects are evaluated without a walk, until the backoff
	// runs out.
	for i := range walkBackoff {
		res := fmt.Sprintf("bucket/s%d", i)
		require.NoError(t, get(res))
		require.Equal(t, res, svc.allowed.resource.Resource, "evaluated")
		require.EqualValues(t, i+1-walkBackoff, svc.allowed.resK)
	}
	require.NoError(t, get("bucket/sz"))
	require.EqualValues(t, len("bucket/s")+1, svc.allowed.resK)
	require.ErrorContains(t, get("bucket/secret2"), "explicit deny")
	require.ErrorContains(t, get("bucket"), "AccessDenied")
}

// TestCheckPrefixResourceTag: a statement that reads the resource's tags
// disables the prefix, even with one frozen Context for every object.
func TestCheckPrefixResourceTag(t *testing.T) {
	svc, root, p := aliceWithPolicy(t, "get", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*",
		 "Condition":{"StringEquals":{"aws:ResourceTag/team":"ml"}}}]}`)
	ml := map[string][]string{"aws:ResourceTag/team": {"ml"}}
	get := func(res string, ctx map[string][]string) error {
		req := objReq(p, "s3:GetObject", res)
		req.Context, req.FrozenContext = ctx, true
		return svc.Check(req)
	}
	require.NoError(t, get("b/1", ml))
	require.NoError(t, get("b/2", ml))
	require.EqualValues(t, -walkBackoff, svc.allowed.resK, "nothing proved")
	require.NoError(t, get("b/3", ml))
	require.Equal(t, "b/3", svc.allowed.resource.Resource, "evaluated")
	require.ErrorContains(t, get("b/4", map[string][]string{"aws:ResourceTag/team": {"web"}}), "AccessDenied")

	// The same statement without the condition proves "b/".
	mustDo(t, svc.PutUserPolicy(root, "alice", "get", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`))
	require.NoError(t, get("b/1", ml))
	require.NoError(t, get("b/2", ml))
	require.EqualValues(t, 2, svc.allowed.resK)
}

// TestCheckPrefixForgetsOnChange: a change of policy (Service.gen) makes
// the next object evaluated, however its resource begins.
func TestCheckPrefixForgetsOnChange(t *testing.T) {
	svc, root, p := aliceWithPolicy(t, "get", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`)
	get := func(res string) error { return svc.Check(objReq(p, "s3:GetObject", res)) }
	require.NoError(t, get("b/1"))
	require.NoError(t, get("b/2"))
	require.EqualValues(t, 2, svc.allowed.resK)
	behind(t, svc, func() error {
		return svc.PutUserPolicy(root, "alice", "deny", `{"Version":"2012-10-17","Statement":[
			{"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/3"}]}`)
	})
	require.ErrorContains(t, get("b/3"), "explicit deny")
	require.NoError(t, get("b/4"))
}

// TestResourcePrefixShapes: the prefix length proved for one allowed
// request, entry shape by entry shape (0: none).
func TestResourcePrefixShapes(t *testing.T) {
	const r = "b/key7"
	for _, tc := range []struct {
		resources []string
		not       bool
		want      int32
	}{
		{[]string{"*"}, false, 1},
		{[]string{"arn:aws:s3:::*"}, false, 1},
		{[]string{"arn:aws:s3:::b/*"}, false, 2},
		{[]string{"arn:aws:s3:::b/k*"}, false, 3},
		{[]string{"arn:aws:s3:::b/key7*"}, false, 6},
		{[]string{"arn:aws:s3:::b/key7x*"}, false, 0}, // r is a proper prefix
		{[]string{"arn:aws:s3:::b/key7"}, false, 0},   // r itself
		{[]string{"arn:aws:s3:::b/key"}, false, 6},    // r is longer
		{[]string{"arn:aws:s3:::b/*", "arn:aws:s3:::b/kez"}, false, 5},
		{[]string{"arn:aws:s3:::b/k?y7"}, false, 0},
		{[]string{"arn:aws:s3:::b/*", "arn:aws:s3:::c/*/x"}, false, 2},
		{[]string{"arn:aws:s3:::b/*", "arn:aws:s3:::b/x*/y"}, false, 3},
		{[]string{"arn:aws:s3:::b/*", "arn:aws:s3:::b/k*/y"}, false, 0},
		{[]string{"arn:aws:s3:::b/*", "arn:aws:s3:::*/y"}, false, 0},
		{[]string{"arn:aws:s3:::b/*", "arn:aws:s3:::b/x${aws:username}/*"}, false, 3},
		{[]string{"arn:aws:s3:::b/*", "arn:aws:s3:::b/${aws:username}/*"}, false, 0},
		{[]string{"arn:aws:s3:::b/*", "arn:aws:ec2:*:*:instance/b/key7"}, false, 2}, // another service
		{[]string{"arn:aws:s3:::b/*", "arn:aws:${aws:username}:::b/key7"}, false, 0},
		{[]string{"arn:aws:s3:::b*/*"}, false, 2},                     // stars: "b" then "/"
		{[]string{"arn:aws:s3:::*/k*"}, false, 3},                     // "/k" ends at 3
		{[]string{"arn:aws:s3:::*e*7*"}, false, 6},                    // "e" at 3, "7" at 5
		{[]string{"arn:aws:s3:::b*/*", "arn:aws:s3:::*z*"}, false, 0}, // no "z" in r
		{[]string{"arn:aws:s3:::*k*b*"}, false, 0},                    // "b" only before "k"
		{[]string{"arn:aws:s3:::*/*7"}, false, 0},                     // ends with a literal
		{[]string{"arn:aws:s3:::c/*"}, true, 1},
		{[]string{"arn:aws:s3:::b/key7"}, true, 0},
	} {
		doc := map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
			"Effect": "Allow", "Action": "s3:GetObject", map[bool]string{false: "Resource", true: "NotResource"}[tc.not]: tc.resources}}}
		b, err := json.Marshal(doc)
		require.NoError(t, err)
		pol := MustParsePolicy(string(b))
		v := verdict{identity: []PolicyRef{{Kind: IdentityPolicy, Policy: pol}}}
		p := &Principal{Type: PrincipalUser, AccountID: acctA, UserName: "alice"}
		require.Equal(t, tc.want, resourcePrefix(&v, objReq(p, "s3:GetObject", r)), "%v not=%v", tc.resources, tc.not)
		// A statement for another action is not read.
		require.EqualValues(t, 1, resourcePrefix(&v, objReq(p, "s3:PutObject", r)))
	}
}

// TestCheckPrefixMatchesFreshEvaluation: over random identity and
// bucket policies (Allow and Deny, Resource and NotResource with
// literal, prefix, inner-star, '?' and variable patterns, conditions
// including the resource's tags) and random runs of requests, Check's
// answer is the full evaluation's, error for error; and the prefix does
// answer some of them.
func TestCheckPrefixMatchesFreshEvaluation(t *testing.T) {
	hits := 0
	rapid.Check(t, func(t *rapid.T) {
		// A few worlds a case: mistakes show in a run of a few
		// requests of one world in a hundred.
		for range 8 {
			prefixWorld(t, &hits)
		}
	})
	t.Logf("the prefix answered %d requests", hits)
	require.Positive(t, hits, "the prefix answered no request")
}

// prefixWorld is one world of TestCheckPrefixMatchesFreshEvaluation: a
// user, random policies and a random sequence of requests; hits counts
// the requests the prefix answered.
func prefixWorld(t *rapid.T, hits *int) {
	env := sim.New(1)
	defer env.Close()
	svc := NewService(env)
	root, err := svc.CreateAccount(acctA)
	require.NoError(t, err)
	_, err = svc.CreateUser(root, CreateUserInput{UserName: "alice"})
	require.NoError(t, err)
	k, err := svc.CreateAccessKey(root, "alice")
	require.NoError(t, err)
	alice, err := svc.Authenticate(k.Credentials())
	require.NoError(t, err)
	aliceARN := "arn:aws:iam::" + acctA + ":user/alice"

	// Resources and patterns come from a few keys, so that patterns
	// meet resources at every place: equal, one a prefix of the
	// other, differing early or late.
	keys := []string{"", "a", "b", "aa", "ab", "a/", "a/b", "ba", "alice", "alice/a"}
	resource := func(label string) string {
		bucket := rapid.SampledFrom([]string{"b/", "b/", "b/", "bb/", "b", ""}).Draw(t, label+"Bucket")
		return bucket + rapid.SampledFrom(keys).Draw(t, label)
	}
	// A few resources per case, which the patterns are made of and
	// most requests name.
	universe := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) string { return resource("universe") }), 2, 5).Draw(t, "universe")
	some := func(label string) string {
		if rapid.IntRange(0, 4).Draw(t, label+"Fresh") == 0 {
			return resource(label)
		}
		return rapid.SampledFrom(universe).Draw(t, label)
	}
	pattern := func() string {
		r := some("patText")
		switch rapid.IntRange(0, 13).Draw(t, "patKind") {
		case 0:
			return "*"
		case 1:
			return "arn:aws:ec2:::" + r
		case 2, 3, 4:
			return "arn:aws:s3:::" + r // exact
		case 5, 6, 7:
			return "arn:aws:s3:::" + r + "*" // prefix
		case 8, 9:
			// Literals and stars, ending with a star.
			at := rapid.IntRange(0, len(r)).Draw(t, "starAt")
			return "arn:aws:s3:::" + r[:at] + "*" + r[at:] + "*"
		}
		// A wildcard or variable inside.
		at := rapid.IntRange(0, len(r)).Draw(t, "patAt")
		mid := rapid.SampledFrom([]string{"*", "?", "${aws:username}", "*/"}).Draw(t, "patMid")
		return "arn:aws:s3:::" + r[:at] + mid + r[at:]
	}
	conditions := []map[string]any{
		nil, nil, nil,
		{"StringEquals": map[string]any{"aws:ResourceTag/t": "x"}},
		{"Null": map[string]any{"aws:ResourceTag/t": "true"}},
		{"StringLike": map[string]any{"aws:username": "al*"}},
		{"StringEquals": map[string]any{"aws:ResourceAccount": acctA}},
		{"StringNotEquals": map[string]any{"aws:SourceVpce": "vpce-1"}},
	}
	policy := func(resourceBased bool) string {
		var sts []any
		for range rapid.IntRange(1, 4).Draw(t, "statements") {
			st := map[string]any{
				"Effect": rapid.SampledFrom([]string{"Allow", "Allow", "Deny"}).Draw(t, "effect"),
				rapid.SampledFrom([]string{"Action", "Action", "NotAction"}).Draw(t, "actionKey"): rapid.SampledFrom([]string{
					"s3:GetObject", "s3:*", "s3:Put*", "*"}).Draw(t, "action"),
			}
			var res []string
			for range rapid.IntRange(1, 3).Draw(t, "resources") {
				res = append(res, pattern())
			}
			st[rapid.SampledFrom([]string{"Resource", "Resource", "NotResource"}).Draw(t, "resKey")] = res
			if c := rapid.SampledFrom(conditions).Draw(t, "cond"); c != nil {
				st["Condition"] = c
			}
			if resourceBased {
				st["Principal"] = rapid.SampledFrom([]any{"*", map[string]any{"AWS": aliceARN}, map[string]any{"AWS": acctA}}).Draw(t, "principal")
			}
			sts = append(sts, st)
		}
		b, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": sts})
		require.NoError(t, err)
		return string(b)
	}
	putIdentity := func() { require.NoError(t, svc.PutUserPolicy(root, "alice", "p", policy(false))) }
	putIdentity()
	bucket := MustParsePolicy(policy(true))
	frozen := []map[string][]string{nil, {"aws:ResourceTag/t": {"x"}}, {"aws:ResourceTag/t": {"y"}, "aws:SourceVpce": {"vpce-1"}}}

	// Runs of requests that differ in the resource alone, as a
	// bucket's objects come, with now and then another action,
	// principal, resource policy or Context.
	var tmpl Request
	last := ""
	for i := range rapid.IntRange(1, 200).Draw(t, "requests") {
		if rapid.IntRange(0, 19).Draw(t, "change") == 0 {
			putIdentity()
		}
		if i == 0 || rapid.IntRange(0, 4).Draw(t, "newRun") == 0 {
			tmpl = Request{Principal: alice, Action: rapid.SampledFrom([]string{"s3:GetObject", "s3:GetObject", "s3:PutObject"}).Draw(t, "reqAction"),
				Context: rapid.SampledFrom(frozen).Draw(t, "ctx"), FrozenContext: true}
			if rapid.IntRange(0, 9).Draw(t, "root") == 0 {
				tmpl.Principal = svc.accounts[acctA].root
			}
			if rapid.Bool().Draw(t, "withBucketPolicy") {
				tmpl.ResourcePolicy, tmpl.ResourceAccount = bucket, acctA
			}
		}
		req := new(Request)
		*req = tmpl
		// Often a neighbour of the last resource, where the proof's
		// cases part: one byte more, or the last byte changed.
		res := some("res")
		if i > 0 && rapid.IntRange(0, 2).Draw(t, "neighbour") == 0 {
			res = last + rapid.SampledFrom([]string{"a", "b", "/"}).Draw(t, "more")
			if last != "" && rapid.Bool().Draw(t, "change") {
				res = last[:len(last)-1] + rapid.SampledFrom([]string{"a", "b", "/"}).Draw(t, "last")
			}
		}
		last = res
		req.Resource = ARN{Partition: "aws", Service: "s3", Resource: res}
		a := &svc.allowed
		if a.answersBut(svc, req) && a.resK > 0 && a.resource.Resource != req.Resource.Resource {
			*hits++
		}
		want := freshErr(svc, *req)
		got := svc.Check(req)
		if want == nil {
			require.NoError(t, got, "%s %q", req.Action, req.Resource.Resource)
		} else {
			require.Error(t, got, "%s %q", req.Action, req.Resource.Resource)
			require.Equal(t, want.Error(), got.Error())
		}
	}
}

// TestCheckPrefixUnused: objects of two buckets in turn each miss the
// prefix the other proved; after a prefix that answered nothing, Check
// stops walking for walkBackoff requests, and answers stay right.
func TestCheckPrefixUnused(t *testing.T) {
	svc, _, p := aliceWithPolicy(t, "get", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket-*/*"},
		{"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket-b/x*"}]}`)
	get := func(res string) error { return svc.Check(objReq(p, "s3:GetObject", res)) }
	require.NoError(t, get("bucket-a/1"))
	require.NoError(t, get("bucket-b/1"))
	require.EqualValues(t, len("bucket-b/1"), svc.allowed.resK) // one byte past where "1" leaves "x"
	require.NoError(t, get("bucket-a/2"))
	require.EqualValues(t, -walkBackoff, svc.allowed.resK, "bucket-b/1's prefix answered nothing")
	require.ErrorContains(t, get("bucket-b/x1"), "explicit deny")
	for i := range walkBackoff {
		require.NoError(t, get(fmt.Sprintf("bucket-a/%d", i)))
	}
	require.Zero(t, svc.allowed.resK)
	require.NoError(t, get("bucket-a/z1"))
	require.EqualValues(t, len("bucket-a/"), svc.allowed.resK)
	require.NoError(t, get("bucket-a/z2"))
	require.Equal(t, "bucket-a/z1", svc.allowed.resource.Resource, "answered by the prefix")
	require.True(t, svc.allowed.resUsed)
}

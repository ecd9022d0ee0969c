package iam

// A principal built without a Service (issue: "IAM usable on its own"):
// NewPrincipal fills what evaluation needs, and a Principal written as a
// composite literal is completed by the package-level evaluators instead of
// silently matching no Principal element.

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestNewPrincipal(t *testing.T) {
	cases := []struct {
		arn                  string
		typ                  PrincipalType
		name, role, session  string
		userID, principalARN string
	}{
		{"arn:aws:iam::111122223333:root", PrincipalAccount, "", "", "", "111122223333", "arn:aws:iam::111122223333:root"},
		{"arn:aws:iam::111122223333:user/team/alice", PrincipalUser, "alice", "", "", "", "arn:aws:iam::111122223333:user/team/alice"},
		{"arn:aws:sts::111122223333:assumed-role/Trainer/job-1", PrincipalAssumedRole, "", "arn:aws:iam::111122223333:role/Trainer", "job-1", "", "arn:aws:iam::111122223333:role/Trainer"},
	}
	for _, c := range cases {
		p, err := NewPrincipal(c.arn)
		require.NoError(t, err, c.arn)
		require.Equal(t, c.typ, p.Type)
		require.Equal(t, "111122223333", p.AccountID)
		require.Equal(t, c.name, p.UserName)
		require.Equal(t, c.role, p.RoleARN.String())
		require.Equal(t, c.session, p.SessionName)
		require.Equal(t, c.userID, p.UserID)
		require.Equal(t, c.principalARN, p.principalARN(), "aws:PrincipalArn")
	}
	for _, bad := range []string{"", "alice", "arn:aws:iam::111122223333:role/Trainer", "arn:aws:s3:::bucket",
		"arn:aws:iam::1111:user/alice", "arn:aws:sts::111122223333:assumed-role/Trainer", "arn:aws:iam::111122223333:group/g"} {
		_, err := NewPrincipal(bad)
		require.Error(t, err, bad)
	}
}

// TestHandBuiltPrincipal fails before the fix: a literal Principal had no
// precomputed ARN text, so {"AWS": its ARN} never matched and messages said
// "User:  is not authorized".
func TestHandBuiltPrincipal(t *testing.T) {
	lit := &Principal{Type: PrincipalUser, ARN: MustParseARN("arn:aws:iam::111122223333:user/alice"), AccountID: "111122223333"}
	bare := &Principal{ARN: MustParseARN("arn:aws:sts::111122223333:assumed-role/Trainer/job-1")} // type and account from the ARN
	built := MustNewPrincipal("arn:aws:iam::111122223333:user/alice")
	bucket := MustParsePolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:user/alice","arn:aws:iam::111122223333:role/Trainer"]},"Action":"s3:GetObject","Resource":"*"}]}`)
	for _, p := range []*Principal{lit, bare, built} {
		req := &Request{Principal: p, Action: "s3:GetObject", Resource: MustParseARN("arn:aws:s3:::b/k"), ResourceAccount: "111122223333", ResourcePolicy: bucket}
		require.Equal(t, Allowed, bucket.Evaluate(req), p.ARN.String())
		d := Evaluate(EvaluateInput{Request: req})
		require.True(t, d.Allowed, d.Explain())
		d = Authorize(req, nil, nil, nil)
		require.True(t, d.Allowed, d.Explain())
		req.ResourcePolicy = nil
		d = Authorize(req, nil, nil, nil)
		require.Contains(t, d.Message(), "User: "+p.ARN.String()+" is not authorized")
	}
	require.Empty(t, lit.arnText, "the caller's value must not be modified")
}

// TestEmptyActionName: "s3:" names a vendor but no action; the message
// says so instead of asking for a vendor.
func TestEmptyActionName(t *testing.T) {
	_, err := ParsePolicy(stmt(`{"Effect":"Allow","Action":"s3:","Resource":"*"}`))
	var pe *PolicyError
	require.True(t, errors.As(err, &pe))
	require.Contains(t, pe.Reason, `Action "s3:" has no action name after the colon`)
	require.Contains(t, pe.Reason, `"s3:*"`)
	require.Equal(t, "Statement[0].Action[0]", pe.Location)
	_, err = ParsePolicy(stmt(`{"Effect":"Allow","Action":":GetObject","Resource":"*"}`))
	require.ErrorAs(t, err, &pe)
	require.Contains(t, pe.Reason, "must be prefaced by a vendor")
}

func TestNewRoleSessionPrincipal(t *testing.T) {
	p, err := NewRoleSessionPrincipal(MustParseARN("arn:aws:iam::111122223333:role/ml/Trainer"), "job-1")
	require.NoError(t, err)
	require.Equal(t, "arn:aws:sts::111122223333:assumed-role/Trainer/job-1", p.ARN.String())
	require.Equal(t, "arn:aws:iam::111122223333:role/ml/Trainer", p.principalARN())
	_, err = NewRoleSessionPrincipal(MustParseARN("arn:aws:iam::111122223333:user/alice"), "job-1")
	require.Error(t, err)
	_, err = NewRoleSessionPrincipal(MustParseARN("arn:aws:iam::111122223333:role/Trainer"), "x")
	require.Error(t, err, "session names are 2 to 64 characters")
	slr, err := NewRoleSessionPrincipal(MustParseARN("arn:aws:iam::111122223333:role/aws-service-role/spot.amazonaws.com/AWSServiceRoleForEC2Spot"), "spot")
	require.NoError(t, err)
	require.True(t, slr.slr, "a session of a role under /aws-service-role/ is a service-linked role's")
}

// FuzzNewPrincipal: NewPrincipal never panics; what it accepts evaluates
// like a Service's principal (its ARN matches itself in a Principal
// element) and round-trips.
func FuzzNewPrincipal(f *testing.F) {
	for _, s := range []string{"arn:aws:iam::111122223333:root", "arn:aws:iam::111122223333:user/a/b",
		"arn:aws:sts::111122223333:assumed-role/R/s", "arn:aws:sts::111122223333:assumed-role/R", "arn:aws:iam::1:root", "arn:aws:iam::111122223333:role/R"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := NewPrincipal(s)
		if err != nil {
			if p != nil {
				t.Fatalf("error with a principal %#v", p)
			}
			return
		}
		if p.ARN.String() != s || p.arnText != s || p.AccountID != p.ARN.AccountID {
			t.Fatalf("%q: ARN %q text %q account %q", s, p.ARN, p.arnText, p.AccountID)
		}
		if p.display() != s {
			t.Fatalf("%q displays as %q", s, p.display())
		}
	})
}

// TestServicePrincipalSourceKeys: "AWS global condition context keys"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html):
// aws:SourceAccount and aws:SourceArn are present in service-to-service
// requests made on behalf of a resource, so a resource policy can stop a
// confused deputy; without them the key is absent (IfExists holds,
// positive operators fail).
func TestServicePrincipalSourceKeys(t *testing.T) {
	trail := MustParseARN("arn:aws:cloudtrail:us-east-1:111122223333:trail/main")
	mine := ServicePrincipalFor("cloudtrail.amazonaws.com", "", trail)
	theirs := ServicePrincipalFor("cloudtrail.amazonaws.com", "444455556666", MustParseARN("arn:aws:cloudtrail:us-east-1:444455556666:trail/x"))
	plain := ServicePrincipal("cloudtrail.amazonaws.com")
	bucket := func(cond string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"*","Condition":` + cond + `}]}`
	}
	cite := "[Keys] aws:SourceAccount, aws:SourceArn"
	res := "arn:aws:s3:::logs/AWSLogs/k"
	runEvalCases(t, []evalCase{
		{"SourceAccount defaults to the source ARN's account", cite, bucket(`{"StringEquals":{"aws:SourceAccount":"111122223333"}}`), "s3:PutObject", res, nil, mine, time.Time{}, Allowed},
		{"another account's trail is refused", cite, bucket(`{"StringEquals":{"aws:SourceAccount":"111122223333"}}`), "s3:PutObject", res, nil, theirs, time.Time{}, NotApplicable},
		{"SourceArn matches the trail", cite, bucket(`{"ArnLike":{"aws:SourceArn":"arn:aws:cloudtrail:*:111122223333:trail/*"}}`), "s3:PutObject", res, nil, mine, time.Time{}, Allowed},
		{"SourceArn of another trail", cite, bucket(`{"ArnEquals":{"aws:SourceArn":"arn:aws:cloudtrail:us-east-1:111122223333:trail/other"}}`), "s3:PutObject", res, nil, mine, time.Time{}, NotApplicable},
		{"absent without a source: a positive operator fails", cite, bucket(`{"StringEquals":{"aws:SourceAccount":"111122223333"}}`), "s3:PutObject", res, nil, plain, time.Time{}, NotApplicable},
		{"absent without a source: IfExists holds", cite, bucket(`{"StringEqualsIfExists":{"aws:SourceAccount":"111122223333"}}`), "s3:PutObject", res, nil, plain, time.Time{}, Allowed},
	})
	require.Equal(t, "111122223333", mine.SourceAccount)
}

package iam

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPatternMatchFold: the fast shapes decide as plain strings.EqualFold
// (folding patterns) or equality would, for mixed case, the non-ASCII
// letters Unicode folds onto ASCII ones (K KELVIN SIGN, ſ LONG S) and
// text shorter or longer than the pattern.
func TestPatternMatchFold(t *testing.T) {
	patterns := []string{"*", "ec2:DescribeVolumes", "EC2:describevolumes", "ec2:Describe*", "ec2:*", "s3:GetObject",
		"kms:Decrypt", "s3:List*", "ec2:", "e", "\u212Ams:*", "\u212Ams:Decrypt", "s3:\u017Fign"}
	texts := []string{"ec2:DescribeVolumes", "EC2:DESCRIBEVOLUMES", "ec2:describevolumes", "ec2:DescribeVolume",
		"ec2:DescribeVolumesX", "ec2:Describe", "ec2:", "ec2", "", "s3:GetObject", "s3:getobject", "s3:ListBucket",
		"s3:Li\u017FtBucket", "\u212Ams:Decrypt", "kms:Decrypt", "KMS:decrypt", "ec2:De\u017FcribeVolumes", "s3:sign", "s3:SIGN"}
	reference := func(pt, s string, fold bool) bool {
		eq := func(a, b string) bool { return a == b || fold && strings.EqualFold(a, b) }
		switch body, star := strings.CutSuffix(pt, "*"); {
		case pt == "*":
			return true
		case star:
			return len(s) >= len(body) && eq(s[:len(body)], body)
		default:
			return eq(s, pt)
		}
	}
	for _, pt := range patterns {
		for _, fold := range []bool{true, false} {
			p, err := compilePattern(pt, true, false, fold)
			require.NoError(t, err)
			require.NotEqual(t, shGeneral, p.shape)
			for _, s := range texts {
				require.Equal(t, reference(pt, s, fold), p.match(s, nil), "pattern %q text %q fold %v", pt, s, fold)
			}
		}
	}
	// Longer text that folds onto an ASCII pattern, and shorter ASCII text
	// that folds onto a non-ASCII one, still match.
	for _, c := range [][2]string{{"ec2:DescribeVolumes", "ec2:De\u017FcribeVolumes"}, {"kms:Decrypt", "\u212Ams:Decrypt"}, {"\u212Ams:Decrypt", "kms:decrypt"}} {
		p, err := compilePattern(c[0], true, false, true)
		require.NoError(t, err)
		require.NotEqual(t, len(c[0]), len(c[1]))
		require.True(t, p.match(c[1], nil), "pattern %q text %q", c[0], c[1])
	}
}

// TestMatchActionAllocations: matching actions allocates nothing.
func TestMatchActionAllocations(t *testing.T) {
	pol := MustParsePolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:RunInstances","EC2:Describe*","ec2:describevolumes"],"Resource":"*"}]}`)
	req := &Request{Principal: testUser(), Action: "ec2:DescribeVolumes", Resource: MustParseARN("arn:aws:ec2:us-east-1:111122223333:volume/vol-1")}
	require.Equal(t, Allowed, pol.Evaluate(req))
	require.Zero(t, testing.AllocsPerRun(100, func() { pol.Evaluate(req) }))
}

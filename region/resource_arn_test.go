package region

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nimbus-sim/nimbus/iam"
)

// TestResourceARNMatchesParseARN checks the pipeline's cached ARN parse
// against iam.ParseARN on every ordered pair of resources, since the
// cache answers from the previous parse: an ARN sharing the last one's
// first five sections, a prefix of it, one differing in the account or
// partition, and malformed ones.
func TestResourceARNMatchesParseARN(t *testing.T) {
	resources := []string{
		"arn:aws:s3:::bucket/key",
		"arn:aws:s3:::bucket/other/key:with:colons",
		"arn:aws:s3:::bucket",
		"arn:aws:s3:::",
		"arn:aws:s3::",
		"arn:aws:s3:::b",
		"arn:aws-cn:s3:::bucket/key",
		"arn:aws:iam::111122223333:user/alice",
		"arn:aws:iam::444455556666:user/alice",
		"arn:aws:iam::111122223333:",
		"arn:aws:ec2:us-east-1:111122223333:instance/i-0abc",
		"arn:aws:ec2:us-east-1:111122223333:instance",
		"arn:aws:ec2:us-east-2:111122223333:instance/i-0abc",
		"arn::s3:::bucket/key",
		"arn:aws::::bucket/key",
		"nope:aws:s3:::bucket/key",
		"arn:aws:s3:::bucket/key/",
	}
	for _, first := range resources {
		for _, second := range resources {
			var pp pipeline
			a1, err1 := pp.resourceARN(first)
			w1, werr1 := iam.ParseARN(first)
			require.Equal(t, werr1 == nil, err1 == nil, first)
			require.Equal(t, w1, a1, first)
			a2, err2 := pp.resourceARN(second)
			w2, werr2 := iam.ParseARN(second)
			require.Equal(t, werr2 == nil, err2 == nil, "%s after %s", second, first)
			require.Equal(t, w2, a2, "%s after %s", second, first)
			if werr2 == nil {
				require.Equal(t, w2.String(), a2.String())
			}
		}
	}
}

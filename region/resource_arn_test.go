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
			for i, res := range []string{first, second} {
				// As authorize does: parse only another string.
				var err error
				if res != pp.lastRes {
					err = pp.parseResource(res)
				}
				want, werr := iam.ParseARN(res)
				require.Equal(t, werr == nil, err == nil, "%d: %s after %s", i, res, first)
				if werr == nil {
					require.Equal(t, res, pp.lastRes)
					require.Equal(t, want, pp.lastARN, "%d: %s after %s", i, res, first)
					require.Equal(t, res, pp.lastARN.String())
				}
			}
		}
	}
}

package s3

import (
	"testing"

	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

// TestMissingBucketIsNoSuchBucketWhoeverAsks: S3 looks a bucket up before
// it authorizes, so a bucket that does not exist is NoSuchBucket (404)
// for a caller without any permission on it, for another account and for
// an anonymous request, while an existing bucket the caller may not touch
// stays AccessDenied (403). Bad credentials still fail authentication
// first. https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
func TestMissingBucketIsNoSuchBucketWhoeverAsks(t *testing.T) {
	f := newFixture(t, 1, Options{})
	anon := f.svc.NewClient(testRegion, iam.Credentials{})
	forged := f.svc.NewClient(testRegion, iam.Credentials{AccessKeyID: "AKIAFORGEDFORGED0000", SecretAccessKey: "x"})
	f.do(func(p *sim.Proc) {
		f.bucket(p, "exists")
		for name, c := range map[string]*Client{"reader without s3:ListBucket": f.reader, "other account": f.partner, "anonymous": anon} {
			_, err := c.ListObjectsV2(p, &ListObjectsV2Input{Bucket: "no-such-bucket-here"})
			wantErr(t, err, "NoSuchBucket", 404)
			_, err = c.PutObject(p, &PutObjectInput{Bucket: "no-such-bucket-here", Key: "k", ContentLength: Int64(1)})
			wantErr(t, err, "NoSuchBucket", 404)
			_, err = c.GetObject(p, &GetObjectInput{Bucket: "no-such-bucket-here", Key: "k"})
			wantErr(t, err, "NoSuchBucket", 404)
			_, err = c.ListObjectsV2(p, &ListObjectsV2Input{Bucket: "exists"})
			wantErr(t, err, "AccessDenied", 403)
			t.Log(name, ": NoSuchBucket for a missing bucket, AccessDenied for an existing one")
		}
		_, err := forged.GetObject(p, &GetObjectInput{Bucket: "no-such-bucket-here", Key: "k"})
		require.Error(t, err)
		require.NotEqual(t, "NoSuchBucket", codeOf(err), "authentication comes before the bucket lookup")
	})
}

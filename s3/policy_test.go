package s3

import (
	"testing"

	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

// TestBucketPolicyCrossAccount: across accounts both the caller's identity
// policy and the bucket policy must allow; within the account either
// suffices; an explicit deny in the bucket policy wins.
func TestBucketPolicyCrossAccount(t *testing.T) {
	f := newFixture(t, 30, Options{})
	f.do(func(p *sim.Proc) {
		f.bucket(p, "shared-data")
		_, err := f.admin.PutObject(p, &PutObjectInput{Bucket: "shared-data", Key: "train/x", ContentLength: Int64(10)})
		require.NoError(t, err)
		_, err = f.partner.GetObject(p, &GetObjectInput{Bucket: "shared-data", Key: "train/x"})
		wantErr(t, err, "AccessDenied", 403)
		_, err = f.admin.PutBucketPolicy(p, &PutBucketPolicyInput{Bucket: "shared-data", Policy: `{"Version":"2012-10-17","Statement":[
			{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":["s3:GetObject","s3:ListBucket"],
			 "Resource":["arn:aws:s3:::shared-data","arn:aws:s3:::shared-data/train/*"]},
			{"Effect":"Deny","Principal":"*","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::shared-data/*"}]}`})
		require.NoError(t, err)
		_, err = f.partner.GetObject(p, &GetObjectInput{Bucket: "shared-data", Key: "train/x"})
		require.NoError(t, err)
		_, err = f.partner.GetObject(p, &GetObjectInput{Bucket: "shared-data", Key: "train/missing"})
		wantErr(t, err, "NoSuchKey", 404) // the policy grants ListBucket, so 404
		_, err = f.partner.PutObject(p, &PutObjectInput{Bucket: "shared-data", Key: "train/y", ContentLength: Int64(1)})
		wantErr(t, err, "AccessDenied", 403)
		// Same account: the identity policy alone allows, but the deny wins.
		_, err = f.admin.DeleteObject(p, &DeleteObjectInput{Bucket: "shared-data", Key: "train/x"})
		wantErr(t, err, "AccessDenied", 403)
		gp, err := f.admin.GetBucketPolicy(p, &GetBucketPolicyInput{Bucket: "shared-data"})
		require.NoError(t, err)
		require.Contains(t, gp.Policy, "444455556666")
		_, err = f.admin.DeleteBucketPolicy(p, &DeleteBucketPolicyInput{Bucket: "shared-data"})
		require.NoError(t, err)
		_, err = f.admin.GetBucketPolicy(p, &GetBucketPolicyInput{Bucket: "shared-data"})
		wantErr(t, err, "NoSuchBucketPolicy", 404)
		_, err = f.partner.GetObject(p, &GetObjectInput{Bucket: "shared-data", Key: "train/x"})
		wantErr(t, err, "AccessDenied", 403)
	})
}

// TestBlockPublicAccessDefault: new buckets block public policies; once
// BlockPublicPolicy is off the policy is accepted, but RestrictPublicBuckets
// still keeps other accounts out until it too is off.
func TestBlockPublicAccessDefault(t *testing.T) {
	f := newFixture(t, 31, Options{})
	public := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::open-data/*"}]}`
	f.do(func(p *sim.Proc) {
		f.bucket(p, "open-data")
		_, err := f.admin.PutObject(p, &PutObjectInput{Bucket: "open-data", Key: "readme", ContentLength: Int64(3)})
		require.NoError(t, err)
		pab, err := f.admin.GetPublicAccessBlock(p, &GetPublicAccessBlockInput{Bucket: "open-data"})
		require.NoError(t, err)
		require.Equal(t, PublicAccessBlockConfiguration{true, true, true, true}, *pab.PublicAccessBlockConfiguration)
		_, err = f.admin.PutBucketPolicy(p, &PutBucketPolicyInput{Bucket: "open-data", Policy: public})
		wantErr(t, err, "AccessDenied", 403)
		_, err = f.admin.PutPublicAccessBlock(p, &PutPublicAccessBlockInput{Bucket: "open-data",
			PublicAccessBlockConfiguration: &PublicAccessBlockConfiguration{BlockPublicAcls: true, IgnorePublicAcls: true, RestrictPublicBuckets: true}})
		require.NoError(t, err)
		_, err = f.admin.PutBucketPolicy(p, &PutBucketPolicyInput{Bucket: "open-data", Policy: public})
		require.NoError(t, err)
		_, err = f.partner.GetObject(p, &GetObjectInput{Bucket: "open-data", Key: "readme"})
		wantErr(t, err, "AccessDenied", 403)
		_, err = f.admin.PutPublicAccessBlock(p, &PutPublicAccessBlockInput{Bucket: "open-data",
			PublicAccessBlockConfiguration: &PublicAccessBlockConfiguration{}})
		require.NoError(t, err)
		_, err = f.partner.GetObject(p, &GetObjectInput{Bucket: "open-data", Key: "readme"})
		require.NoError(t, err)
		_, err = f.admin.GetPublicAccessBlock(p, &GetPublicAccessBlockInput{Bucket: "open-data"})
		wantErr(t, err, "NoSuchPublicAccessBlockConfiguration", 404)
	})
}

// TestListConditionKeys: s3:prefix and s3:max-keys reach the evaluator.
func TestListConditionKeys(t *testing.T) {
	f := newFixture(t, 32, Options{})
	f.do(func(p *sim.Proc) {
		f.bucket(p, "homes")
		_, err := f.admin.PutBucketPolicy(p, &PutBucketPolicyInput{Bucket: "homes", Policy: `{"Version":"2012-10-17","Statement":[
			{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::homes",
			 "Condition":{"StringLike":{"s3:prefix":"partner/*"},"NumericLessThanEquals":{"s3:max-keys":"100"}}}]}`})
		require.NoError(t, err)
		_, err = f.partner.ListObjectsV2(p, &ListObjectsV2Input{Bucket: "homes", Prefix: "partner/", MaxKeys: Int32(10)})
		require.NoError(t, err)
		_, err = f.partner.ListObjectsV2(p, &ListObjectsV2Input{Bucket: "homes", Prefix: "admin/", MaxKeys: Int32(10)})
		wantErr(t, err, "AccessDenied", 403)
		_, err = f.partner.ListObjectsV2(p, &ListObjectsV2Input{Bucket: "homes", Prefix: "partner/", MaxKeys: Int32(1000)})
		wantErr(t, err, "AccessDenied", 403)
	})
}

// TestEncryptionConditionKey: a bucket policy that denies PUTs without
// s3:x-amz-server-side-encryption = aws:kms sees the header.
func TestEncryptionConditionKey(t *testing.T) {
	f := newFixture(t, 33, Options{})
	f.do(func(p *sim.Proc) {
		f.bucket(p, "kms-only")
		_, err := f.admin.PutBucketPolicy(p, &PutBucketPolicyInput{Bucket: "kms-only", Policy: `{"Version":"2012-10-17","Statement":[
			{"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::kms-only/*",
			 "Condition":{"StringNotEquals":{"s3:x-amz-server-side-encryption":"aws:kms"}}}]}`})
		require.NoError(t, err)
		_, err = f.admin.PutObject(p, &PutObjectInput{Bucket: "kms-only", Key: "k", ContentLength: Int64(1), ServerSideEncryption: "AES256"})
		wantErr(t, err, "AccessDenied", 403)
		out, err := f.admin.PutObject(p, &PutObjectInput{Bucket: "kms-only", Key: "k", ContentLength: Int64(1), ServerSideEncryption: "aws:kms"})
		require.NoError(t, err)
		require.Equal(t, "aws:kms", out.ServerSideEncryption)
	})
}

func TestParseBucketPolicyRules(t *testing.T) {
	for name, doc := range map[string]string{
		"no principal":   `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`,
		"other bucket":   `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::c/*"}]}`,
		"not s3 action":  `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ec2:RunInstances","Resource":"arn:aws:s3:::b/*"}]}`,
		"not json":       `{"Version":`,
		"no statement":   `{"Version":"2012-10-17","Statement":[]}`,
		"no resource at": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject"}]}`,
	} {
		_, err := ParseBucketPolicy(doc, "aws", "b")
		require.Equal(t, "MalformedPolicy", codeOf(err), "%s: %v", name, err)
	}
	pub, err := ParseBucketPolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`, "aws", "b")
	require.NoError(t, err)
	require.True(t, IsPublicPolicy(pub))
	vpce, err := ParseBucketPolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*",
		"Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}}]}`, "aws", "b")
	require.NoError(t, err)
	require.False(t, IsPublicPolicy(vpce), "pinned to a VPC endpoint: not public")
	wide, err := ParseBucketPolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*",
		"Condition":{"IpAddress":{"aws:SourceIp":"0.0.0.0/1"}}}]}`, "aws", "b")
	require.NoError(t, err)
	require.True(t, IsPublicPolicy(wide), "a CIDR wider than /8 is public")
}

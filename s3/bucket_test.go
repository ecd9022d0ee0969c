package s3

import (
	"testing"

	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

// TestCreateBucketExisting follows CreateBucket's documented codes:
// another account's name is BucketAlreadyExists (409); one's own is
// BucketAlreadyOwnedByYou (409), except in us-east-1 where re-creating
// succeeds for legacy compatibility.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html
func TestCreateBucketExisting(t *testing.T) {
	f := newFixture(t, 10, Options{})
	f.do(func(p *sim.Proc) {
		f.bucket(p, "shared-name")
		_, err := f.partner.CreateBucket(p, &CreateBucketInput{Bucket: "shared-name"})
		wantErr(t, err, "BucketAlreadyExists", 409)
		_, err = f.admin.CreateBucket(p, &CreateBucketInput{Bucket: "shared-name"})
		require.NoError(t, err, "us-east-1 legacy: re-creating one's own bucket is 200 OK")

		eu := f.admin.svc.NewClient("eu-west-1", f.admin.creds)
		_, err = eu.CreateBucket(p, &CreateBucketInput{Bucket: "eu-bucket", CreateBucketConfiguration: &CreateBucketConfiguration{LocationConstraint: "eu-west-1"}})
		require.NoError(t, err)
		_, err = eu.CreateBucket(p, &CreateBucketInput{Bucket: "eu-bucket", CreateBucketConfiguration: &CreateBucketConfiguration{LocationConstraint: "eu-west-1"}})
		wantErr(t, err, "BucketAlreadyOwnedByYou", 409)
		// The namespace is global: the name is taken in every region.
		_, err = f.partner.CreateBucket(p, &CreateBucketInput{Bucket: "eu-bucket"})
		wantErr(t, err, "BucketAlreadyExists", 409)

		loc, err := f.admin.GetBucketLocation(p, &GetBucketLocationInput{Bucket: "eu-bucket"})
		require.NoError(t, err)
		require.Equal(t, "eu-west-1", loc.LocationConstraint)
		loc, err = f.admin.GetBucketLocation(p, &GetBucketLocationInput{Bucket: "shared-name"})
		require.NoError(t, err)
		require.Equal(t, "", loc.LocationConstraint, "us-east-1 is reported as an empty constraint")

		_, err = f.admin.PutObject(p, &PutObjectInput{Bucket: "eu-bucket", Key: "k", ContentLength: Int64(1)})
		wantErr(t, err, "PermanentRedirect", 301)
		_, err = eu.CreateBucket(p, &CreateBucketInput{Bucket: "no-constraint"})
		wantErr(t, err, "IllegalLocationConstraintException", 400)
		_, err = f.admin.CreateBucket(p, &CreateBucketInput{Bucket: "explicit-use1", CreateBucketConfiguration: &CreateBucketConfiguration{LocationConstraint: "us-east-1"}})
		wantErr(t, err, "InvalidLocationConstraint", 400)
		_, err = f.admin.CreateBucket(p, &CreateBucketInput{Bucket: "Bad_Name"})
		wantErr(t, err, "InvalidBucketName", 400)

		lb, err := f.admin.ListBuckets(p, nil)
		require.NoError(t, err)
		var names []string
		for _, b := range lb.Buckets {
			names = append(names, b.Name)
		}
		require.Equal(t, []string{"eu-bucket", "shared-name"}, names)
	})
}

func TestDeleteBucketOnlyWhenEmpty(t *testing.T) {
	f := newFixture(t, 11, Options{})
	f.do(func(p *sim.Proc) {
		f.bucket(p, "full")
		_, err := f.admin.PutBucketVersioning(p, &PutBucketVersioningInput{Bucket: "full", VersioningConfiguration: &VersioningConfiguration{Status: BucketVersioningStatusEnabled}})
		require.NoError(t, err)
		put, err := f.admin.PutObject(p, &PutObjectInput{Bucket: "full", Key: "k", ContentLength: Int64(3)})
		require.NoError(t, err)
		del, err := f.admin.DeleteObject(p, &DeleteObjectInput{Bucket: "full", Key: "k"})
		require.NoError(t, err)
		require.True(t, del.DeleteMarker)
		// The noncurrent version and the delete marker still count.
		_, err = f.admin.DeleteBucket(p, &DeleteBucketInput{Bucket: "full"})
		wantErr(t, err, "BucketNotEmpty", 409)
		_, err = f.admin.DeleteObject(p, &DeleteObjectInput{Bucket: "full", Key: "k", VersionId: put.VersionId})
		require.NoError(t, err)
		_, err = f.admin.DeleteBucket(p, &DeleteBucketInput{Bucket: "full"})
		wantErr(t, err, "BucketNotEmpty", 409)
		_, err = f.admin.DeleteObject(p, &DeleteObjectInput{Bucket: "full", Key: "k", VersionId: del.VersionId})
		require.NoError(t, err)
		_, err = f.admin.DeleteBucket(p, &DeleteBucketInput{Bucket: "full"})
		require.NoError(t, err)
		_, err = f.admin.HeadBucket(p, &HeadBucketInput{Bucket: "full"})
		wantErr(t, err, "NotFound", 404)
		// The name is free again, for anyone.
		_, err = f.partner.CreateBucket(p, &CreateBucketInput{Bucket: "full"})
		require.NoError(t, err)
	})
}

func TestVersioning(t *testing.T) {
	f := newFixture(t, 12, Options{})
	f.do(func(p *sim.Proc) {
		f.bucket(p, "vers")
		g, err := f.admin.GetBucketVersioning(p, &GetBucketVersioningInput{Bucket: "vers"})
		require.NoError(t, err)
		require.Equal(t, BucketVersioningStatus(""), g.Status)
		_, err = f.admin.PutObject(p, &PutObjectInput{Bucket: "vers", Key: "k", ContentLength: Int64(1)})
		require.NoError(t, err)
		_, err = f.admin.PutBucketVersioning(p, &PutBucketVersioningInput{Bucket: "vers", VersioningConfiguration: &VersioningConfiguration{Status: BucketVersioningStatusEnabled}})
		require.NoError(t, err)
		v2, err := f.admin.PutObject(p, &PutObjectInput{Bucket: "vers", Key: "k", ContentLength: Int64(2)})
		require.NoError(t, err)
		require.Len(t, v2.VersionId, 32)
		v3, err := f.admin.PutObject(p, &PutObjectInput{Bucket: "vers", Key: "k", ContentLength: Int64(3)})
		require.NoError(t, err)
		require.NotEqual(t, v2.VersionId, v3.VersionId)
		for id, size := range map[string]int64{"null": 1, v2.VersionId: 2, v3.VersionId: 3} {
			h, err := f.admin.HeadObject(p, &HeadObjectInput{Bucket: "vers", Key: "k", VersionId: id})
			require.NoError(t, err)
			require.Equal(t, size, *h.ContentLength, "version %s", id)
		}
		dm, err := f.admin.DeleteObject(p, &DeleteObjectInput{Bucket: "vers", Key: "k"})
		require.NoError(t, err)
		require.True(t, dm.DeleteMarker)
		_, err = f.admin.GetObject(p, &GetObjectInput{Bucket: "vers", Key: "k"})
		wantErr(t, err, "NoSuchKey", 404)
		_, err = f.admin.GetObject(p, &GetObjectInput{Bucket: "vers", Key: "k", VersionId: dm.VersionId})
		wantErr(t, err, "MethodNotAllowed", 405)
		g2, err := f.admin.GetObject(p, &GetObjectInput{Bucket: "vers", Key: "k", VersionId: v2.VersionId})
		require.NoError(t, err)
		require.Equal(t, int64(2), *g2.ContentLength)
		lv, err := f.admin.ListObjectVersions(p, &ListObjectVersionsInput{Bucket: "vers"})
		require.NoError(t, err)
		require.Len(t, lv.Versions, 3)
		require.Len(t, lv.DeleteMarkers, 1)
		require.True(t, lv.DeleteMarkers[0].IsLatest)
		require.Equal(t, v3.VersionId, lv.Versions[0].VersionId, "newest first")
		// Paging one entry at a time sees the same four.
		var seen []string
		in := &ListObjectVersionsInput{Bucket: "vers", MaxKeys: Int32(1)}
		for range 10 {
			out, err := f.admin.ListObjectVersions(p, in)
			require.NoError(t, err)
			for _, v := range out.Versions {
				seen = append(seen, v.VersionId)
			}
			for _, d := range out.DeleteMarkers {
				seen = append(seen, d.VersionId)
			}
			if !out.IsTruncated {
				break
			}
			in.KeyMarker, in.VersionIdMarker = out.NextKeyMarker, out.NextVersionIdMarker
		}
		require.Equal(t, []string{dm.VersionId, v3.VersionId, v2.VersionId, "null"}, seen)
		// Removing the delete marker brings the object back.
		_, err = f.admin.DeleteObject(p, &DeleteObjectInput{Bucket: "vers", Key: "k", VersionId: dm.VersionId})
		require.NoError(t, err)
		h, err := f.admin.HeadObject(p, &HeadObjectInput{Bucket: "vers", Key: "k"})
		require.NoError(t, err)
		require.Equal(t, int64(3), *h.ContentLength)
		// Suspended: puts overwrite the null version.
		_, err = f.admin.PutBucketVersioning(p, &PutBucketVersioningInput{Bucket: "vers", VersioningConfiguration: &VersioningConfiguration{Status: BucketVersioningStatusSuspended}})
		require.NoError(t, err)
		_, err = f.admin.PutObject(p, &PutObjectInput{Bucket: "vers", Key: "k", ContentLength: Int64(9)})
		require.NoError(t, err)
		lv, err = f.admin.ListObjectVersions(p, &ListObjectVersionsInput{Bucket: "vers"})
		require.NoError(t, err)
		require.Len(t, lv.Versions, 3, "the old null version was replaced")
		require.Equal(t, "null", lv.Versions[0].VersionId)
		require.Equal(t, int64(9), lv.Versions[0].Size)
		_, err = f.admin.GetObject(p, &GetObjectInput{Bucket: "vers", Key: "k", VersionId: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"})
		require.Error(t, err)
	})
}

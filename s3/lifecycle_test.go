package s3

import (
	"strings"
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

func keysOf(t *testing.T, f *fixture, p *sim.Proc, b string) []string {
	out, err := f.admin.ListObjectsV2(p, &ListObjectsV2Input{Bucket: b})
	require.NoError(t, err)
	var ks []string
	for _, o := range out.Contents {
		ks = append(ks, o.Key+":"+string(o.StorageClass))
	}
	return ks
}

// TestLifecycleRules runs expiration by prefix and age, a transition, the
// abort of incomplete uploads and noncurrent-version expiration as a daily
// daemon at midnight UTC, and touches nothing its rules do not name.
func TestLifecycleRules(t *testing.T) {
	f := newFixture(t, 50, Options{})
	f.do(func(p *sim.Proc) {
		f.bucket(p, "lcb")
		_, err := f.admin.PutBucketVersioning(p, &PutBucketVersioningInput{Bucket: "lcb", VersioningConfiguration: &VersioningConfiguration{Status: BucketVersioningStatusEnabled}})
		require.NoError(t, err)
		_, err = f.admin.PutBucketLifecycleConfiguration(p, &PutBucketLifecycleConfigurationInput{Bucket: "lcb", LifecycleConfiguration: &BucketLifecycleConfiguration{Rules: []LifecycleRule{
			{ID: "tmp", Status: "Enabled", Filter: &LifecycleRuleFilter{Prefix: "tmp/"}, Expiration: &LifecycleExpiration{Days: Int32(1)},
				NoncurrentVersionExpiration: &NoncurrentVersionExpiration{NoncurrentDays: Int32(1)}},
			{ID: "cold", Status: "Enabled", Filter: &LifecycleRuleFilter{Prefix: "cold/"}, Transitions: []Transition{{Days: Int32(30), StorageClass: StorageClassStandardIA}}},
			{ID: "mpu", Status: "Enabled", Filter: &LifecycleRuleFilter{}, AbortIncompleteMultipartUpload: &AbortIncompleteMultipartUpload{DaysAfterInitiation: Int32(2)}},
			{ID: "off", Status: "Disabled", Filter: &LifecycleRuleFilter{Prefix: "keep/"}, Expiration: &LifecycleExpiration{Days: Int32(1)}},
		}}})
		require.NoError(t, err)
		for _, k := range []string{"tmp/a", "cold/b", "keep/c", "tmpfile"} {
			_, err := f.admin.PutObject(p, &PutObjectInput{Bucket: "lcb", Key: k, ContentLength: Int64(1 << 20)})
			require.NoError(t, err)
		}
		cr, err := f.admin.CreateMultipartUpload(p, &CreateMultipartUploadInput{Bucket: "lcb", Key: "big"})
		require.NoError(t, err)
		// Written just after midnight on day 0: due at day 1 + rounding = midnight starting day 2.
		p.Sleep(24*time.Hour + time.Hour)
		require.Equal(t, []string{"cold/b:STANDARD", "keep/c:STANDARD", "tmp/a:STANDARD", "tmpfile:STANDARD"}, keysOf(t, f, p, "lcb"),
			"creation + 1 day rounds up to the next midnight")
		p.Sleep(24 * time.Hour)
		require.Equal(t, []string{"cold/b:STANDARD", "keep/c:STANDARD", "tmpfile:STANDARD"}, keysOf(t, f, p, "lcb"))
		// The expiration left a delete marker (versioned bucket); the data is a
		// noncurrent version, expired one day later.
		lv, err := f.admin.ListObjectVersions(p, &ListObjectVersionsInput{Bucket: "lcb", Prefix: "tmp/"})
		require.NoError(t, err)
		require.Len(t, lv.DeleteMarkers, 1)
		p.Sleep(2 * 24 * time.Hour)
		lv, err = f.admin.ListObjectVersions(p, &ListObjectVersionsInput{Bucket: "lcb", Prefix: "tmp/"})
		require.NoError(t, err)
		require.Empty(t, lv.Versions, "noncurrent version expired")
		_, err = f.admin.ListParts(p, &ListPartsInput{Bucket: "lcb", Key: "big", UploadId: cr.UploadId})
		wantErr(t, err, "NoSuchUpload", 404)
		p.Sleep(30 * 24 * time.Hour)
		require.Equal(t, []string{"cold/b:STANDARD_IA", "keep/c:STANDARD", "tmpfile:STANDARD"}, keysOf(t, f, p, "lcb"))
		got, err := f.admin.GetBucketLifecycleConfiguration(p, &GetBucketLifecycleConfigurationInput{Bucket: "lcb"})
		require.NoError(t, err)
		require.Len(t, got.Rules, 4)
	})
}

func TestLifecycleValidation(t *testing.T) {
	f := newFixture(t, 51, Options{})
	f.do(func(p *sim.Proc) {
		f.bucket(p, "lcv")
		put := func(r LifecycleRule) error {
			_, err := f.admin.PutBucketLifecycleConfiguration(p, &PutBucketLifecycleConfigurationInput{Bucket: "lcv",
				LifecycleConfiguration: &BucketLifecycleConfiguration{Rules: []LifecycleRule{r}}})
			return err
		}
		err := put(LifecycleRule{Status: "Enabled", Transitions: []Transition{{Days: Int32(7), StorageClass: StorageClassStandardIA}}})
		wantErr(t, err, "InvalidArgument", 400)
		require.True(t, strings.Contains(err.Error(), "30"), err.Error())
		wantErr(t, put(LifecycleRule{Status: "Enabled", Expiration: &LifecycleExpiration{Days: Int32(0)}}), "InvalidArgument", 400)
		wantErr(t, put(LifecycleRule{Status: "On", Expiration: &LifecycleExpiration{Days: Int32(1)}}), "MalformedXML", 400)
		wantErr(t, put(LifecycleRule{Status: "Enabled"}), "MalformedXML", 400)
		wantErr(t, put(LifecycleRule{Status: "Enabled", Expiration: &LifecycleExpiration{Days: Int32(30)},
			Transitions: []Transition{{Days: Int32(30), StorageClass: StorageClassGlacierIR}}}), "InvalidArgument", 400)
		_, err = f.admin.GetBucketLifecycleConfiguration(p, &GetBucketLifecycleConfigurationInput{Bucket: "lcv"})
		wantErr(t, err, "NoSuchLifecycleConfiguration", 404)
	})
}

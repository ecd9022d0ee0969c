package s3

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

// listingFixture fills a versioned bucket with every kind of object a
// listing renders: size-only objects of many sizes (synthetic ETags),
// objects with bodies (MD5 ETags), a multipart upload, a copy of a
// size-only object, other storage classes, overwritten keys and a delete
// marker, and keys that URL encoding changes.
func listingFixture(t *testing.T) *fixture {
	f := newFixture(t, 3, Options{Throttle: Throttle{Disabled: true}})
	f.do(func(p *sim.Proc) {
		f.bucket(p, "etags")
		_, err := f.admin.PutBucketVersioning(p, &PutBucketVersioningInput{Bucket: "etags", VersioningConfiguration: &VersioningConfiguration{Status: BucketVersioningStatusEnabled}})
		require.NoError(t, err)
		put := func(in *PutObjectInput) {
			in.Bucket = "etags"
			_, err := f.admin.PutObject(p, in)
			require.NoError(t, err)
		}
		for i := range 40 {
			put(&PutObjectInput{Key: fmt.Sprintf("size/%03d", i), ContentLength: Int64(int64(i) * 977)})
		}
		put(&PutObjectInput{Key: "size/007", ContentLength: Int64(5)}) // overwritten: a second version
		put(&PutObjectInput{Key: "body/a", Body: bytes.NewReader([]byte("hello"))})
		put(&PutObjectInput{Key: "body/empty", Body: bytes.NewReader(nil)})
		put(&PutObjectInput{Key: "cold/ia", ContentLength: Int64(1 << 20), StorageClass: StorageClassStandardIA})
		put(&PutObjectInput{Key: "odd key/é+%", ContentLength: Int64(3)})
		_, err = NewUploader(f.admin).Upload(p, &PutObjectInput{Bucket: "etags", Key: "mpu/big", ContentLength: Int64(3 * MinPartSize)})
		require.NoError(t, err)
		_, err = f.admin.CopyObject(p, &CopyObjectInput{Bucket: "etags", Key: "copy/of-3", CopySource: "etags/size/003"})
		require.NoError(t, err)
		_, err = f.admin.DeleteObject(p, &DeleteObjectInput{Bucket: "etags", Key: "size/010"})
		require.NoError(t, err)
	})
	return f
}

// TestListedETagsMatchHeadObject checks that every listing renders an
// object's ETag, size, time and class exactly as HeadObject does, whether
// the ETag is synthetic, an MD5 or a multipart one, on every page of a
// paginated listing.
func TestListedETagsMatchHeadObject(t *testing.T) {
	f := listingFixture(t)
	f.do(func(p *sim.Proc) {
		head := func(key, version string) *HeadObjectOutput {
			h, err := f.admin.HeadObject(p, &HeadObjectInput{Bucket: "etags", Key: key, VersionId: version})
			require.NoError(t, err, key)
			return h
		}
		check := func(key, version, etag string, size int64, class StorageClass, mod string) {
			h := head(key, version)
			require.Equal(t, h.ETag, etag, key)
			require.Equal(t, *h.ContentLength, size, key)
			require.Equal(t, h.LastModified.String(), mod, key)
			want := h.StorageClass
			if want == "" {
				want = StorageClassStandard
			}
			require.Equal(t, want, class, key)
		}
		listed := 0
		pg := NewListObjectsV2Paginator(f.admin, &ListObjectsV2Input{Bucket: "etags", MaxKeys: Int32(7), FetchOwner: true})
		for pg.HasMorePages() {
			out, err := pg.NextPage(p)
			require.NoError(t, err)
			for _, o := range out.Contents {
				check(o.Key, "", o.ETag, o.Size, o.StorageClass, o.LastModified.String())
				require.NotNil(t, o.Owner)
				listed++
			}
		}
		require.Equal(t, 39+2+1+1+1+1, listed) // size/010 is behind a delete marker
		v1, err := f.admin.ListObjects(p, &ListObjectsInput{Bucket: "etags"})
		require.NoError(t, err)
		require.Len(t, v1.Contents, listed)
		for _, o := range v1.Contents {
			check(o.Key, "", o.ETag, o.Size, o.StorageClass, o.LastModified.String())
		}
		vs, err := f.admin.ListObjectVersions(p, &ListObjectVersionsInput{Bucket: "etags"})
		require.NoError(t, err)
		require.Len(t, vs.Versions, listed+2) // size/007's first version, size/010 under its marker
		for _, v := range vs.Versions {
			check(v.Key, v.VersionId, v.ETag, v.Size, v.StorageClass, v.LastModified.String())
		}
	})
}

// TestListPageAllocsPerPage pins that a listing page allocates per page,
// not per object: a page of 1,000 size-only objects (with owners, and
// in version 1) allocates as often as a page of 200.
func TestListPageAllocsPerPage(t *testing.T) {
	f := newFixture(t, 1, Options{Throttle: Throttle{Disabled: true}})
	bulkFill(t, f, "allocs", 2000)
	f.do(func(p *sim.Proc) {
		v2 := func(n int32) float64 {
			return testing.AllocsPerRun(20, func() {
				out, err := f.admin.ListObjectsV2(p, &ListObjectsV2Input{Bucket: "allocs", StartAfter: "obj/000000500", MaxKeys: Int32(n), FetchOwner: true})
				if err != nil || len(out.Contents) != int(n) {
					t.Fatal(err)
				}
			})
		}
		v1 := func(n int32) float64 {
			return testing.AllocsPerRun(20, func() {
				out, err := f.admin.ListObjects(p, &ListObjectsInput{Bucket: "allocs", Marker: "obj/000000500", MaxKeys: Int32(n)})
				if err != nil || len(out.Contents) != int(n) {
					t.Fatal(err)
				}
			})
		}
		require.Equal(t, v2(200), v2(1000), "ListObjectsV2 allocates per object")
		require.Equal(t, v1(200), v1(1000), "ListObjects allocates per object")
	})
}

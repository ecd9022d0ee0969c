package s3

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"io"
	"strings"
	"testing"

	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

func TestPutGetRoundTripAndOverwrite(t *testing.T) {
	f := newFixture(t, 1, Options{})
	f.do(func(p *sim.Proc) {
		f.bucket(p, "ckpt")
		body := []byte("hello, world")
		put, err := f.admin.PutObject(p, &PutObjectInput{Bucket: "ckpt", Key: "a/b", Body: bytes.NewReader(body), ContentType: "text/plain",
			Metadata: map[string]string{"Epoch": "3"}})
		require.NoError(t, err)
		sum := md5.Sum(body)
		require.Equal(t, `"`+hex.EncodeToString(sum[:])+`"`, put.ETag, "single-PUT ETag is the MD5")
		require.Empty(t, put.VersionId, "unversioned buckets report no version ID")
		get, err := f.admin.GetObject(p, &GetObjectInput{Bucket: "ckpt", Key: "a/b"})
		require.NoError(t, err)
		got, _ := io.ReadAll(get.Body)
		require.Equal(t, body, got)
		require.Equal(t, "text/plain", get.ContentType)
		require.Equal(t, map[string]string{"epoch": "3"}, get.Metadata)
		require.Equal(t, put.ETag, get.ETag)
		require.Equal(t, StorageClassStandard, get.StorageClass)
		// No append: a second PUT replaces the whole object, and the next
		// read sees it (read-after-write consistency).
		_, err = f.admin.PutObject(p, &PutObjectInput{Bucket: "ckpt", Key: "a/b", Body: strings.NewReader("x")})
		require.NoError(t, err)
		get, err = f.admin.GetObject(p, &GetObjectInput{Bucket: "ckpt", Key: "a/b"})
		require.NoError(t, err)
		got, _ = io.ReadAll(get.Body)
		require.Equal(t, "x", string(got))
		require.Equal(t, "binary/octet-stream", get.ContentType, "metadata does not survive an overwrite")
	})
}

func TestSizeOnlyObjectsBehaveAlike(t *testing.T) {
	f := newFixture(t, 2, Options{})
	f.do(func(p *sim.Proc) {
		f.bucket(p, "data")
		_, err := f.admin.PutObject(p, &PutObjectInput{Bucket: "data", Key: "shard-0001", ContentLength: Int64(1 << 20)})
		require.NoError(t, err)
		h, err := f.admin.HeadObject(p, &HeadObjectInput{Bucket: "data", Key: "shard-0001"})
		require.NoError(t, err)
		require.Equal(t, int64(1<<20), *h.ContentLength)
		g1, err := f.admin.GetObject(p, &GetObjectInput{Bucket: "data", Key: "shard-0001"})
		require.NoError(t, err)
		b1, _ := io.ReadAll(g1.Body)
		require.Len(t, b1, 1<<20)
		g2, err := f.admin.GetObject(p, &GetObjectInput{Bucket: "data", Key: "shard-0001", Range: "bytes=1000-1999"})
		require.NoError(t, err)
		b2, _ := io.ReadAll(g2.Body)
		require.Equal(t, b1[1000:2000], b2, "synthetic bodies are deterministic per offset")
		require.Equal(t, 206, g2.StatusCode)
		require.Equal(t, "bytes 1000-1999/1048576", g2.ContentRange)
		// A copy has the same bytes.
		_, err = f.admin.CopyObject(p, &CopyObjectInput{Bucket: "data", Key: "copy", CopySource: "data/shard-0001"})
		require.NoError(t, err)
		g3, err := f.admin.GetObject(p, &GetObjectInput{Bucket: "data", Key: "copy", Range: "bytes=-10"})
		require.NoError(t, err)
		b3, _ := io.ReadAll(g3.Body)
		require.Equal(t, b1[len(b1)-10:], b3)
	})
}

func TestObjectErrors(t *testing.T) {
	f := newFixture(t, 3, Options{})
	f.do(func(p *sim.Proc) {
		f.bucket(p, "errs")
		_, err := f.admin.GetObject(p, &GetObjectInput{Bucket: "errs", Key: "missing"})
		wantErr(t, err, "NoSuchKey", 404)
		require.ErrorIs(t, err, ErrNoSuchKey)
		_, err = f.admin.HeadObject(p, &HeadObjectInput{Bucket: "errs", Key: "missing"})
		wantErr(t, err, "NotFound", 404)
		// Without s3:ListBucket a missing key is 403, so keys cannot be probed.
		_, err = f.reader.GetObject(p, &GetObjectInput{Bucket: "errs", Key: "missing"})
		wantErr(t, err, "AccessDenied", 403)
		_, err = f.reader.HeadObject(p, &HeadObjectInput{Bucket: "errs", Key: "missing"})
		wantErr(t, err, "Forbidden", 403)
		_, err = f.admin.GetObject(p, &GetObjectInput{Bucket: "nobucket-here", Key: "k"})
		wantErr(t, err, "NoSuchBucket", 404)
		_, err = f.admin.PutObject(p, &PutObjectInput{Bucket: "errs", Key: strings.Repeat("k", MaxKeyLength+1), ContentLength: Int64(1)})
		wantErr(t, err, "KeyTooLongError", 400)
		_, err = f.admin.PutObject(p, &PutObjectInput{Bucket: "errs", Key: "big", ContentLength: Int64(MaxPutObjectSize + 1)})
		wantErr(t, err, "EntityTooLarge", 400)
		_, err = f.admin.PutObject(p, &PutObjectInput{Bucket: "errs", Key: "m", ContentLength: Int64(1),
			Metadata: map[string]string{"x": strings.Repeat("v", MaxUserMetadataBytes)}})
		wantErr(t, err, "MetadataTooLarge", 400)
		_, err = f.admin.PutObject(p, &PutObjectInput{Bucket: "errs", Key: "c", ContentLength: Int64(1), StorageClass: "DEEP_FREEZE"})
		wantErr(t, err, "InvalidStorageClass", 400)
		_, err = f.admin.PutObject(p, &PutObjectInput{Bucket: "errs", Key: "acl", ContentLength: Int64(1), ACL: "public-read"})
		wantErr(t, err, "AccessControlListNotSupported", 400)
		_, err = f.admin.PutObject(p, &PutObjectInput{Bucket: "errs", Key: "k", ContentLength: Int64(10)})
		require.NoError(t, err)
		_, err = f.admin.GetObject(p, &GetObjectInput{Bucket: "errs", Key: "k", Range: "bytes=10-"})
		wantErr(t, err, "InvalidRange", 416)
		_, err = f.admin.GetObject(p, &GetObjectInput{Bucket: "errs", Key: "k", Range: "bytes=0-1", PartNumber: Int32(1)})
		wantErr(t, err, "InvalidRequest", 400)
		_, err = f.admin.GetObject(p, &GetObjectInput{Bucket: "errs", Key: "k", VersionId: "not-a-version"})
		wantErr(t, err, "InvalidArgument", 400)
		_, err = f.admin.CopyObject(p, &CopyObjectInput{Bucket: "errs", Key: "k", CopySource: "errs/k"})
		wantErr(t, err, "InvalidRequest", 400)
		// A multi-range request is ignored: the whole object, 200.
		g, err := f.admin.GetObject(p, &GetObjectInput{Bucket: "errs", Key: "k", Range: "bytes=0-1,3-4"})
		require.NoError(t, err)
		require.Equal(t, 200, g.StatusCode)
		require.Equal(t, int64(10), *g.ContentLength)
	})
}

func TestDeleteObjects(t *testing.T) {
	f := newFixture(t, 4, Options{})
	f.do(func(p *sim.Proc) {
		f.bucket(p, "del")
		var ids []ObjectIdentifier
		for i := range 5 {
			k := fmt.Sprintf("k%d", i)
			_, err := f.admin.PutObject(p, &PutObjectInput{Bucket: "del", Key: k, ContentLength: Int64(1)})
			require.NoError(t, err)
			ids = append(ids, ObjectIdentifier{Key: k})
		}
		out, err := f.admin.DeleteObjects(p, &DeleteObjectsInput{Bucket: "del", Delete: &Delete{Objects: ids}})
		require.NoError(t, err)
		require.Len(t, out.Deleted, 5)
		require.Empty(t, out.Errors)
		l, err := f.admin.ListObjectsV2(p, &ListObjectsV2Input{Bucket: "del"})
		require.NoError(t, err)
		require.Zero(t, l.KeyCount)
		_, err = f.admin.DeleteObjects(p, &DeleteObjectsInput{Bucket: "del", Delete: &Delete{}})
		wantErr(t, err, "MalformedXML", 400)
		_, err = f.admin.DeleteBucket(p, &DeleteBucketInput{Bucket: "del"})
		require.NoError(t, err)
	})
}

// TestInvalidKeyFirst: a GET, HEAD or PUT of an invalid key is refused
// for the key whether or not the bucket exists, and a PUT's key error
// wins over its other errors (call checks keys the bucket does not hold,
// request.checkKey).
func TestInvalidKeyFirst(t *testing.T) {
	f := newFixture(t, 3, Options{})
	f.do(func(p *sim.Proc) {
		f.bucket(p, "keys")
		long := strings.Repeat("k", MaxKeyLength+1)
		for _, bucket := range []string{"keys", "nobucket-here"} {
			for key, code := range map[string]string{"": "InvalidArgument", long: "KeyTooLongError", "bad\xff": "InvalidArgument"} {
				_, err := f.admin.GetObject(p, &GetObjectInput{Bucket: bucket, Key: key})
				wantErr(t, err, code, 400)
				_, err = f.admin.HeadObject(p, &HeadObjectInput{Bucket: bucket, Key: key})
				require.Equal(t, 400, statusOf(err), "%v", err)
				_, err = f.admin.PutObject(p, &PutObjectInput{Bucket: bucket, Key: key, ContentLength: Int64(1)})
				wantErr(t, err, code, 400)
				_, err = f.admin.PutObject(p, &PutObjectInput{Bucket: bucket, Key: key, ContentLength: Int64(MaxPutObjectSize + 1)})
				wantErr(t, err, code, 400)
				_, err = f.admin.PutObject(p, &PutObjectInput{Bucket: bucket, Key: key, ContentLength: Int64(1), StorageClass: "DEEP_FREEZE"})
				wantErr(t, err, code, 400)
				_, err = f.admin.PutObject(p, &PutObjectInput{Bucket: bucket, Key: key, Body: strings.NewReader("x")})
				wantErr(t, err, code, 400)
			}
		}
		_, err := f.admin.PutObject(p, &PutObjectInput{Bucket: "keys", Key: "ok", ContentLength: Int64(1)})
		require.NoError(t, err)
		_, err = f.admin.GetObject(p, &GetObjectInput{Bucket: "keys", Key: "ok"})
		require.NoError(t, err)
	})
}

// TestFirstByteDraw: the in-line draw of the default first-byte latency
// (firstByte) gives LogNormal.Rand's numbers from the same source.
func TestFirstByteDraw(t *testing.T) {
	f := newFixture(t, 7, Options{})
	require.NotNil(t, f.svc.fblLN)
	want := DefaultFirstByteLatency().WithSource(sim.New(7).Source("s3/latency/first-byte"))
	for range 1000 {
		require.Equal(t, want.Rand(), f.svc.firstByte())
	}
}

// TestFnv64: fnv64 is FNV-1a (hash/fnv's New64a) at every length.
func TestFnv64(t *testing.T) {
	b := []byte("obj/000001234/a-longer-key-\xff\x80-with-bytes-above-ascii")
	for n := 0; n <= len(b); n++ {
		h := fnv.New64a()
		h.Write(b[:n])
		require.Equal(t, h.Sum64(), fnv64(string(b[:n])), "length %d", n)
	}
}

package s3

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"testing"

	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

// TestMultipartETagAndRules: the object's ETag is MD5(concatenated binary
// part MD5s) "-" part count; parts must ascend and match; every part but
// the last is at least 5 MiB; a failed completion leaves the upload
// intact and retryable.
func TestMultipartETagAndRules(t *testing.T) {
	f := newFixture(t, 20, Options{})
	f.do(func(p *sim.Proc) {
		f.bucket(p, "mpu")
		cr, err := f.admin.CreateMultipartUpload(p, &CreateMultipartUploadInput{Bucket: "mpu", Key: "model.bin", ContentType: "application/x-weights"})
		require.NoError(t, err)
		p1 := bytes.Repeat([]byte{1}, MinPartSize)
		p2 := []byte("tail")
		u1, err := f.admin.UploadPart(p, &UploadPartInput{Bucket: "mpu", Key: "model.bin", UploadId: cr.UploadId, PartNumber: Int32(1), Body: bytes.NewReader(p1)})
		require.NoError(t, err)
		u2, err := f.admin.UploadPart(p, &UploadPartInput{Bucket: "mpu", Key: "model.bin", UploadId: cr.UploadId, PartNumber: Int32(2), Body: bytes.NewReader(p2)})
		require.NoError(t, err)
		_, err = f.admin.UploadPart(p, &UploadPartInput{Bucket: "mpu", Key: "model.bin", UploadId: cr.UploadId, PartNumber: Int32(10001), ContentLength: Int64(1)})
		wantErr(t, err, "InvalidArgument", 400)
		_, err = f.admin.UploadPart(p, &UploadPartInput{Bucket: "mpu", Key: "model.bin", UploadId: "nope", PartNumber: Int32(1), ContentLength: Int64(1)})
		wantErr(t, err, "NoSuchUpload", 404)

		complete := func(parts ...CompletedPart) error {
			_, err := f.admin.CompleteMultipartUpload(p, &CompleteMultipartUploadInput{Bucket: "mpu", Key: "model.bin", UploadId: cr.UploadId,
				MultipartUpload: &CompletedMultipartUpload{Parts: parts}})
			return err
		}
		wantErr(t, complete(CompletedPart{PartNumber: Int32(2), ETag: u2.ETag}, CompletedPart{PartNumber: Int32(1), ETag: u1.ETag}), "InvalidPartOrder", 400)
		wantErr(t, complete(CompletedPart{PartNumber: Int32(1), ETag: u2.ETag}), "InvalidPart", 400)
		wantErr(t, complete(CompletedPart{PartNumber: Int32(2), ETag: u2.ETag}, CompletedPart{PartNumber: Int32(3), ETag: u2.ETag}), "InvalidPart", 400)
		wantErr(t, complete(), "MalformedXML", 400)
		// A small part that is not last is refused; the upload survives.
		_, err = f.admin.UploadPart(p, &UploadPartInput{Bucket: "mpu", Key: "model.bin", UploadId: cr.UploadId, PartNumber: Int32(3), Body: bytes.NewReader(p2)})
		require.NoError(t, err)
		wantErr(t, complete(CompletedPart{PartNumber: Int32(2), ETag: u2.ETag}, CompletedPart{PartNumber: Int32(3), ETag: u2.ETag}), "EntityTooSmall", 400)
		lp, err := f.admin.ListParts(p, &ListPartsInput{Bucket: "mpu", Key: "model.bin", UploadId: cr.UploadId})
		require.NoError(t, err)
		require.Len(t, lp.Parts, 3)
		require.NoError(t, complete(CompletedPart{PartNumber: Int32(1), ETag: u1.ETag}, CompletedPart{PartNumber: Int32(2), ETag: u2.ETag}))

		m1, m2 := md5.Sum(p1), md5.Sum(p2)
		whole := md5.Sum(append(m1[:], m2[:]...))
		wantETag := fmt.Sprintf(`"%s-2"`, hex.EncodeToString(whole[:]))
		g, err := f.admin.GetObject(p, &GetObjectInput{Bucket: "mpu", Key: "model.bin"})
		require.NoError(t, err)
		require.Equal(t, wantETag, g.ETag)
		body, _ := io.ReadAll(g.Body)
		require.Equal(t, append(append([]byte{}, p1...), p2...), body)
		require.Equal(t, "application/x-weights", g.ContentType)
		// PartNumber reads one part.
		g2, err := f.admin.GetObject(p, &GetObjectInput{Bucket: "mpu", Key: "model.bin", PartNumber: Int32(2)})
		require.NoError(t, err)
		b2, _ := io.ReadAll(g2.Body)
		require.Equal(t, p2, b2)
		require.Equal(t, int32(2), *g2.PartsCount)
		// The upload is gone once completed.
		_, err = f.admin.ListParts(p, &ListPartsInput{Bucket: "mpu", Key: "model.bin", UploadId: cr.UploadId})
		wantErr(t, err, "NoSuchUpload", 404)
		lu, err := f.admin.ListMultipartUploads(p, &ListMultipartUploadsInput{Bucket: "mpu"})
		require.NoError(t, err)
		require.Empty(t, lu.Uploads)
	})
}

func TestAbortMultipartUpload(t *testing.T) {
	f := newFixture(t, 21, Options{})
	f.do(func(p *sim.Proc) {
		f.bucket(p, "abort")
		cr, err := f.admin.CreateMultipartUpload(p, &CreateMultipartUploadInput{Bucket: "abort", Key: "x"})
		require.NoError(t, err)
		_, err = f.admin.UploadPart(p, &UploadPartInput{Bucket: "abort", Key: "x", UploadId: cr.UploadId, PartNumber: Int32(1), ContentLength: Int64(MinPartSize)})
		require.NoError(t, err)
		lu, err := f.admin.ListMultipartUploads(p, &ListMultipartUploadsInput{Bucket: "abort"})
		require.NoError(t, err)
		require.Len(t, lu.Uploads, 1)
		_, err = f.admin.AbortMultipartUpload(p, &AbortMultipartUploadInput{Bucket: "abort", Key: "x", UploadId: cr.UploadId})
		require.NoError(t, err)
		_, err = f.admin.AbortMultipartUpload(p, &AbortMultipartUploadInput{Bucket: "abort", Key: "x", UploadId: cr.UploadId})
		wantErr(t, err, "NoSuchUpload", 404)
		require.Zero(t, f.svc.buckets["aws/abort"].meters[classStandard].bytes, "aborted parts stop being stored")
	})
}

package s3

import (
	"bytes"
	"testing"

	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

// writerAt is an in-memory io.WriterAt.
type writerAt struct{ b []byte }

func (w *writerAt) WriteAt(p []byte, off int64) (int, error) {
	if need := int(off) + len(p); need > len(w.b) {
		w.b = append(w.b, make([]byte, need-len(w.b))...)
	}
	copy(w.b[off:], p)
	return len(p), nil
}

func TestUploaderDownloaderRoundTrip(t *testing.T) {
	f := newFixture(t, 80, Options{})
	body := make([]byte, 12<<20+123)
	for i := range body {
		body[i] = byte(i % 251)
	}
	f.do(func(p *sim.Proc) {
		f.bucket(p, "xfer")
		small, err := NewUploader(f.admin).Upload(p, &PutObjectInput{Bucket: "xfer", Key: "small", Body: bytes.NewReader(body[:1<<20])})
		require.NoError(t, err)
		require.Empty(t, small.UploadID, "below the threshold: one PutObject")
		out, err := NewUploader(f.admin).Upload(p, &PutObjectInput{Bucket: "xfer", Key: "big", Body: bytes.NewReader(body)})
		require.NoError(t, err)
		require.Equal(t, 3, out.Parts)
		require.Contains(t, out.ETag, "-3")
		w := writerAt{b: make([]byte, 0, len(body))}
		n, err := NewDownloader(f.admin, func(d *Downloader) { d.PartSize = 1 << 20 }).Download(p, &w, &GetObjectInput{Bucket: "xfer", Key: "big"})
		require.NoError(t, err)
		require.Equal(t, int64(len(body)), n)
		require.Equal(t, body, w.b)
	})
}

// TestUploaderAbortsOnFailure: a part the caller may not write fails the
// upload, which is aborted, so no incomplete upload is left behind.
func TestUploaderAbortsOnFailure(t *testing.T) {
	f := newFixture(t, 81, Options{})
	f.do(func(p *sim.Proc) {
		f.bucket(p, "xfer-fail")
		_, err := f.admin.PutBucketPolicy(p, &PutBucketPolicyInput{Bucket: "xfer-fail", Policy: `{"Version":"2012-10-17","Statement":[
			{"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::xfer-fail/*","Condition":{"StringEquals":{"s3:x-amz-server-side-encryption":"aws:kms"}}}]}`})
		require.NoError(t, err)
		// CreateMultipartUpload carries the header and is denied at once.
		_, err = NewUploader(f.admin).Upload(p, &PutObjectInput{Bucket: "xfer-fail", Key: "k", ContentLength: Int64(20 << 20), ServerSideEncryption: "aws:kms"})
		wantErr(t, err, "AccessDenied", 403)
		lu, err := f.admin.ListMultipartUploads(p, &ListMultipartUploadsInput{Bucket: "xfer-fail"})
		require.NoError(t, err)
		require.Empty(t, lu.Uploads)
		// Parts too large for the part limit fail after the upload began.
		up := NewUploader(f.admin, func(u *Uploader) { u.PartSize = MaxPartSize + 1 })
		_, err = up.Upload(p, &PutObjectInput{Bucket: "xfer-fail", Key: "k", ContentLength: Int64(MaxPartSize + 2)})
		wantErr(t, err, "EntityTooLarge", 400)
		lu, err = f.admin.ListMultipartUploads(p, &ListMultipartUploadsInput{Bucket: "xfer-fail"})
		require.NoError(t, err)
		require.Empty(t, lu.Uploads, "the failed upload was aborted")
	})
}

package s3

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

// TestBodySizeCheckedAlikeByPutObjectAndUploadPart runs the same body and
// Content-Length cases through PutObject and UploadPart: both must answer
// IncompleteBody when the header and the bytes disagree, InvalidArgument
// for a negative length, EntityTooLarge above their limit, and store the
// size they agree on.
// https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
func TestBodySizeCheckedAlikeByPutObjectAndUploadPart(t *testing.T) {
	f := newFixture(t, 1, Options{})
	f.do(func(p *sim.Proc) {
		f.bucket(p, "sizes")
		cr, err := f.admin.CreateMultipartUpload(p, &CreateMultipartUploadInput{Bucket: "sizes", Key: "mpu"})
		require.NoError(t, err)
		type send func(body []byte, cl *int64) (int64, error)
		put := func(body []byte, cl *int64) (int64, error) {
			in := &PutObjectInput{Bucket: "sizes", Key: "obj", ContentLength: cl}
			if body != nil {
				in.Body = bytes.NewReader(body)
			}
			if _, err := f.admin.PutObject(p, in); err != nil {
				return 0, err
			}
			h, err := f.admin.HeadObject(p, &HeadObjectInput{Bucket: "sizes", Key: "obj"})
			if err != nil {
				return 0, err
			}
			return *h.ContentLength, nil
		}
		part := func(body []byte, cl *int64) (int64, error) {
			in := &UploadPartInput{Bucket: "sizes", Key: "mpu", UploadId: cr.UploadId, PartNumber: Int32(1), ContentLength: cl}
			if body != nil {
				in.Body = bytes.NewReader(body)
			}
			if _, err := f.admin.UploadPart(p, in); err != nil {
				return 0, err
			}
			lp, err := f.admin.ListParts(p, &ListPartsInput{Bucket: "sizes", Key: "mpu", UploadId: cr.UploadId})
			if err != nil {
				return 0, err
			}
			return *lp.Parts[0].Size, nil
		}
		for name, do := range map[string]send{"PutObject": put, "UploadPart": part} {
			t.Run(name, func(t *testing.T) {
				n, err := do([]byte("hello"), Int64(5))
				require.NoError(t, err)
				require.Equal(t, int64(5), n)
				n, err = do([]byte("hello"), nil)
				require.NoError(t, err)
				require.Equal(t, int64(5), n)
				n, err = do(nil, Int64(7))
				require.NoError(t, err)
				require.Equal(t, int64(7), n)
				_, err = do([]byte("hello"), Int64(9))
				wantErr(t, err, "IncompleteBody", 400)
				_, err = do([]byte("hello"), Int64(3))
				wantErr(t, err, "IncompleteBody", 400)
				_, err = do(nil, Int64(-1))
				wantErr(t, err, "InvalidArgument", 400)
				_, err = do(nil, Int64(MaxPartSize+1))
				wantErr(t, err, "EntityTooLarge", 400)
			})
		}
	})
}

// TestReadBodyLimits checks readBody's limit against both callers' own.
func TestReadBodyLimits(t *testing.T) {
	for _, limit := range []int64{MaxPutObjectSize, MaxPartSize} {
		_, size, rejected, err := readBody(nil, Int64(limit), limit, "x")
		require.NoError(t, err)
		require.NoError(t, rejected)
		require.Equal(t, limit, size)
		_, _, rejected, _ = readBody(nil, Int64(limit+1), limit, "x")
		require.Error(t, rejected, fmt.Sprint(limit))
	}
}

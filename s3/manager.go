package s3

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
)

// Transfer manager defaults: aws-sdk-go-v2's feature/s3/manager part size
// and concurrency, and boto3's upload_file threshold for switching to
// multipart (TransferConfig.multipart_threshold, 8 MB).
const (
	DefaultUploadPartSize     = MinPartSize
	DefaultUploadConcurrency  = 5
	DefaultMultipartThreshold = 8 << 20
	DefaultDownloadPartSize   = 5 << 20
)

// Uploader uploads objects like the SDK's manager.Uploader: a single
// PutObject below MultipartThreshold, otherwise a multipart upload whose
// parts go up Concurrency at a time, each from its own simulated process,
// aborted if a part fails (unless LeavePartsOnError). The part workers are
// the caller's: they call from its location (so an instance's parts share
// its network interface, each at the path's single-flow rate) and die
// with it, so an instance reclaimed mid-upload leaves the multipart upload
// incomplete, as on AWS.
type Uploader struct {
	Client             *Client
	PartSize           int64
	Concurrency        int
	MultipartThreshold int64
	LeavePartsOnError  bool
}

// NewUploader returns an Uploader with the defaults, changed by opts.
func NewUploader(c *Client, opts ...func(*Uploader)) *Uploader {
	u := &Uploader{Client: c, PartSize: DefaultUploadPartSize, Concurrency: DefaultUploadConcurrency,
		MultipartThreshold: DefaultMultipartThreshold}
	for _, o := range opts {
		o(u)
	}
	return u
}

// UploadOutput reports an upload.
type UploadOutput struct {
	ETag      string
	VersionId string
	// UploadID is set when the upload was multipart.
	UploadID string
	Parts    int
}

// Upload uploads in.Body (or, for a size-only object, in.ContentLength
// bytes). ctx must be the calling *sim.Proc.
func (u *Uploader) Upload(ctx context.Context, in *PutObjectInput) (*UploadOutput, error) {
	p, ok := sim.ProcFrom(ctx)
	if !ok {
		return nil, opError("Upload", fmt.Errorf("s3: Uploader.Upload: ctx carries no *sim.Proc"))
	}
	var body []byte
	var size int64
	if in.Body != nil {
		var err error
		if body, err = io.ReadAll(in.Body); err != nil {
			return nil, err
		}
		size = int64(len(body))
	} else if in.ContentLength != nil {
		size = *in.ContentLength
	}
	if size < u.MultipartThreshold {
		pin := *in
		if body != nil {
			pin.Body = bytes.NewReader(body)
		}
		out, err := u.Client.PutObject(ctx, &pin)
		if err != nil {
			return nil, err
		}
		return &UploadOutput{ETag: out.ETag, VersionId: out.VersionId, Parts: 1}, nil
	}
	partSize := max(u.PartSize, MinPartSize)
	if (size+partSize-1)/partSize > MaxParts {
		partSize = (size + MaxParts - 1) / MaxParts
	}
	n := int((size + partSize - 1) / partSize)
	cr, err := u.Client.CreateMultipartUpload(ctx, &CreateMultipartUploadInput{Bucket: in.Bucket, Key: in.Key,
		ContentType: in.ContentType, Metadata: in.Metadata, StorageClass: in.StorageClass,
		ServerSideEncryption: in.ServerSideEncryption, RequestPayer: in.RequestPayer})
	if err != nil {
		return nil, err
	}
	parts := make([]CompletedPart, n)
	// The part numbers and the two part sizes, allocated once for the
	// upload rather than as pointers per part.
	nums := make([]int32, n)
	for i := range nums {
		nums[i] = int32(i + 1)
	}
	fullSize, lastSize := partSize, size-int64(n-1)*partSize
	var firstErr error
	next := 0
	crew := startCrew(ctx, p, "upload-part", max(1, min(u.Concurrency, n)), func(q *sim.Proc) {
		for firstErr == nil && next < n {
			i := next
			next++
			off := int64(i) * partSize
			sz := min(partSize, size-off)
			pin := &UploadPartInput{Bucket: in.Bucket, Key: in.Key, UploadId: cr.UploadId, PartNumber: &nums[i], RequestPayer: in.RequestPayer}
			if body != nil {
				pin.Body = bytes.NewReader(body[off : off+sz])
			} else if i == n-1 {
				pin.ContentLength = &lastSize
			} else {
				pin.ContentLength = &fullSize
			}
			out, err := u.Client.UploadPart(q, pin)
			if err != nil {
				if firstErr == nil {
					firstErr = err
				}
				return
			}
			parts[i] = CompletedPart{PartNumber: &nums[i], ETag: out.ETag}
		}
	})
	defer crew.stop()
	if err := crew.wait(); err != nil {
		return nil, err
	}
	if firstErr == nil {
		out, err := u.Client.CompleteMultipartUpload(ctx, &CompleteMultipartUploadInput{Bucket: in.Bucket, Key: in.Key, UploadId: cr.UploadId,
			MultipartUpload: &CompletedMultipartUpload{Parts: parts}, RequestPayer: in.RequestPayer})
		if err == nil {
			return &UploadOutput{ETag: out.ETag, VersionId: out.VersionId, UploadID: cr.UploadId, Parts: n}, nil
		}
		firstErr = err
	}
	if !u.LeavePartsOnError {
		_, _ = u.Client.AbortMultipartUpload(ctx, &AbortMultipartUploadInput{Bucket: in.Bucket, Key: in.Key, UploadId: cr.UploadId, RequestPayer: in.RequestPayer})
	}
	return nil, firstErr
}

// Downloader downloads objects like the SDK's manager.Downloader: ranged
// GETs of PartSize bytes, Concurrency at a time, from worker processes
// that belong to the caller as the Uploader's do.
type Downloader struct {
	Client      *Client
	PartSize    int64
	Concurrency int
}

// NewDownloader returns a Downloader with the SDK's defaults (5 MiB parts,
// 5 at a time), changed by opts.
func NewDownloader(c *Client, opts ...func(*Downloader)) *Downloader {
	d := &Downloader{Client: c, PartSize: DefaultDownloadPartSize, Concurrency: DefaultUploadConcurrency}
	for _, o := range opts {
		o(d)
	}
	return d
}

// Download writes the object to w (nil discards the bytes, for studies of
// size-only objects) and returns the number of bytes downloaded. ctx must
// be the calling *sim.Proc. in.Range is not supported (as in the SDK's
// concurrent path).
func (d *Downloader) Download(ctx context.Context, w io.WriterAt, in *GetObjectInput) (int64, error) {
	p, ok := sim.ProcFrom(ctx)
	if !ok {
		return 0, opError("Download", fmt.Errorf("s3: Downloader.Download: ctx carries no *sim.Proc"))
	}
	h, err := d.Client.HeadObject(ctx, &HeadObjectInput{Bucket: in.Bucket, Key: in.Key, VersionId: in.VersionId, RequestPayer: in.RequestPayer})
	if err != nil {
		return 0, err
	}
	size := *h.ContentLength
	partSize := max(d.PartSize, 1)
	n := int((size + partSize - 1) / partSize)
	if n == 0 {
		return 0, nil
	}
	var firstErr error
	var total int64
	next := 0
	crew := startCrew(ctx, p, "get-range", max(1, min(d.Concurrency, n)), func(q *sim.Proc) {
		for firstErr == nil && next < n {
			i := next
			next++
			off := int64(i) * partSize
			last := min(off+partSize, size) - 1
			gin := *in
			var rb [48]byte
			r := append(rb[:0], "bytes="...)
			r = strconv.AppendInt(r, off, 10)
			r = append(r, '-')
			gin.Range = string(strconv.AppendInt(r, last, 10))
			gin.VersionId = h.VersionId
			out, err := d.Client.GetObject(q, &gin)
			if err != nil {
				if firstErr == nil {
					firstErr = err
				}
				return
			}
			if w != nil {
				buf, _ := io.ReadAll(out.Body)
				if _, err := w.WriteAt(buf, off); err != nil && firstErr == nil {
					firstErr = err
				}
			}
			total += *out.ContentLength
		}
	})
	defer crew.stop()
	if err := crew.wait(); err != nil {
		return total, err
	}
	return total, firstErr
}

// crew is the part workers of one transfer: child processes of the
// caller. The SDK runs parts on goroutines of the caller's program, so
// they use the caller's network (its location: an instance's interface,
// not the internet) and end with it.
type crew struct {
	parent *sim.Proc
	procs  []*sim.Proc
	done   []*sim.Event
}

// startCrew starts n workers running fn, each calling from the caller's
// location (ctx's, else its process's).
func startCrew(ctx context.Context, p *sim.Proc, name string, n int, fn func(q *sim.Proc)) *crew {
	env := p.Env()
	c := &crew{parent: p, procs: make([]*sim.Proc, n), done: make([]*sim.Event, n)}
	loc, hasLoc := region.LocationOf(ctx)
	for k := range n {
		ev := env.NewEvent(name)
		c.done[k] = ev
		c.procs[k] = env.Go(p.Name()+"/"+name, func(q *sim.Proc) {
			defer ev.Trigger(nil)
			fn(q)
		})
		if hasLoc {
			region.SetLocation(c.procs[k], loc)
		}
	}
	return c
}

// wait waits for every worker to finish.
func (c *crew) wait() error { return c.parent.WaitAll(c.done...) }

// stop kills the workers still running: the caller returned early
// (interrupted) or is being killed, and its parts die with it, wherever
// they are (a part in flight is never stored).
func (c *crew) stop() {
	for _, q := range c.procs {
		if q.Alive() {
			q.Kill(fmt.Errorf("s3: transfer worker: its caller %s ended", c.parent.Name()))
		}
	}
}

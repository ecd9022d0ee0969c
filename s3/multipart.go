package s3

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/nimbus-sim/nimbus/internal/mix"
	"github.com/nimbus-sim/nimbus/sim"
)

// upload is an incomplete multipart upload.
type upload struct {
	id          string
	key         string
	seq         uint64
	initiated   sim.Time
	initiator   string
	class       classIdx
	contentType string
	meta        map[string]string
	sse         string
	parts       partList
	b           *bucket
}

// partList holds an upload's parts by number: a slice indexed by number
// less one, since uploads number their parts 1, 2, 3 ... in the main
// (a map grown part by part reallocates its buckets several times per
// upload). Numbers are at most MaxParts.
type partList struct {
	byNum []*part
	n     int
}

// get returns part n, or nil.
func (l *partList) get(n int32) *part {
	if i := int(n) - 1; i >= 0 && i < len(l.byNum) {
		return l.byNum[i]
	}
	return nil
}

// set makes p part n.
func (l *partList) set(n int32, p *part) {
	i := int(n) - 1
	if i >= len(l.byNum) {
		l.byNum = append(l.byNum, make([]*part, i+1-len(l.byNum))...)
	}
	if l.byNum[i] == nil {
		l.n++
	}
	l.byNum[i] = p
}

// len returns the number of parts.
func (l *partList) len() int { return l.n }

// each calls f with every part and its number, in number order.
func (l *partList) each(f func(n int32, p *part)) {
	for i, p := range l.byNum {
		if p != nil {
			f(int32(i+1), p)
		}
	}
}

type part struct {
	size     int64
	etag     string // quoted
	body     []byte // nil for size-only
	modified sim.Time
	seq      uint64
}

func uploadLess(a, b *upload) bool {
	if a.key != b.key {
		return a.key < b.key
	}
	return a.seq < b.seq
}

// CreateMultipartUploadInput is CreateMultipartUpload's request.
type CreateMultipartUploadInput struct {
	Bucket               string
	Key                  string
	ContentType          string
	Metadata             map[string]string
	StorageClass         StorageClass
	ServerSideEncryption string
	ACL                  string
	RequestPayer         RequestPayer
}

// CreateMultipartUploadOutput is CreateMultipartUpload's response.
type CreateMultipartUploadOutput struct {
	Bucket   string
	Key      string
	UploadId string
}

// CreateMultipartUpload starts a multipart upload. Its parts are stored
// (and billed as storage) until the upload completes or is aborted.
func (c *Client) CreateMultipartUpload(ctx context.Context, in *CreateMultipartUploadInput) (*CreateMultipartUploadOutput, error) {
	if in == nil {
		in = &CreateMultipartUploadInput{}
	}
	const op = "CreateMultipartUpload"
	if err := ValidateKey(in.Key); err != nil {
		return nil, c.reject(ctx, op, in.Bucket, err)
	}
	if err := checkPutOptions(in.Metadata, in.StorageClass, in.ServerSideEncryption, in.ACL); err != nil {
		return nil, c.reject(ctx, op, in.Bucket, err)
	}
	cls, _ := parseClass(in.StorageClass)
	s := c.svc
	var out *CreateMultipartUploadOutput
	err := c.call(ctx, &request{op: op, action: "s3:PutObject", bucket: in.Bucket, key: in.Key, hasKey: true, write: true,
		ctx: sseContext(in.ServerSideEncryption), payer: in.RequestPayer}, func(sv *served) error {
		if err := checkPayer(sv, in.RequestPayer); err != nil {
			return err
		}
		s.seq++
		u := &upload{key: in.Key, seq: s.seq, initiated: s.env.Now(), initiator: sv.account(), class: cls,
			contentType: in.ContentType, meta: copyMeta(in.Metadata), sse: in.ServerSideEncryption, b: sv.b}
		u.id = s.uploadID(u.seq)
		s.uploads[u.id] = u
		sv.b.uploads.ReplaceOrInsert(u)
		s.meterRequest(sv, cls, 1)
		out = &CreateMultipartUploadOutput{Bucket: sv.b.name, Key: in.Key, UploadId: u.id}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Service) uploadID(seq uint64) string {
	a, b := mix.SplitMix64(seq^s.env.Seed()), mix.SplitMix64(seq)
	return fmt.Sprintf("%016x%016x.%d", a, b, seq)
}

// findUpload returns the upload of bucket b and key with the given ID.
func (s *Service) findUpload(b *bucket, key, id string) (*upload, error) {
	u := s.uploads[id]
	if u == nil || u.b != b || u.key != key {
		return nil, errNoSuchUpload(id)
	}
	return u, nil
}

// UploadPartInput is UploadPart's request; like PutObject, Body nil with
// ContentLength set makes a size-only part.
type UploadPartInput struct {
	Bucket        string
	Key           string
	UploadId      string
	PartNumber    *int32
	Body          io.Reader
	ContentLength *int64
	RequestPayer  RequestPayer
}

// UploadPartOutput is UploadPart's response.
type UploadPartOutput struct {
	ETag string
}

// UploadPart uploads part PartNumber (1 to 10,000; uploading a number
// again replaces that part) of at most MaxPartSize bytes. The minimum
// part size is checked at completion, since only then is the last part
// known.
func (c *Client) UploadPart(ctx context.Context, in *UploadPartInput) (*UploadPartOutput, error) {
	if in == nil {
		in = &UploadPartInput{}
	}
	const op = "UploadPart"
	if err := ValidateKey(in.Key); err != nil {
		return nil, c.reject(ctx, op, in.Bucket, err)
	}
	if in.PartNumber == nil || *in.PartNumber < 1 || *in.PartNumber > MaxParts {
		n := "none"
		if in.PartNumber != nil {
			n = fmt.Sprint(*in.PartNumber)
		}
		return nil, c.reject(ctx, op, in.Bucket, errInvalidArgument("Part number must be an integer between 1 and 10000, inclusive (got %s).", n))
	}
	body, size, rejected, err := readBody(in.Body, in.ContentLength, MaxPartSize, "a part")
	if err != nil {
		return nil, opError(op, err)
	}
	if rejected != nil {
		return nil, c.reject(ctx, op, in.Bucket, rejected)
	}
	s := c.svc
	var out *UploadPartOutput
	res := &partResult{}
	err = c.call(ctx, &request{op: op, action: "s3:PutObject", bucket: in.Bucket, key: in.Key, hasKey: true, write: true,
		reqBytes: size, payer: in.RequestPayer}, func(sv *served) error {
		if err := checkPayer(sv, in.RequestPayer); err != nil {
			return err
		}
		u, err := s.findUpload(sv.b, in.Key, in.UploadId)
		if err != nil {
			return err
		}
		s.seq++
		p := &res.p
		*p = part{size: size, body: body, modified: s.env.Now(), seq: s.seq}
		if body != nil {
			p.etag = md5ETag(body)
		} else {
			p.etag = (&version{seq: p.seq, size: size}).etagIn(res.etag[:])
		}
		if old := u.parts.get(*in.PartNumber); old != nil {
			s.meterStorage(sv.b, classStandard, -old.size)
		}
		u.parts.set(*in.PartNumber, p)
		s.meterStorage(sv.b, classStandard, size) // parts are billed as storage until completed or aborted
		s.meterRequest(sv, u.class, 1)
		res.out = UploadPartOutput{ETag: p.etag}
		out = &res.out
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// partResult is UploadPart's one allocation: the stored part, the bytes
// of its synthetic ETag and the output. The part keeps the rest alive
// until the upload is completed or aborted: one allocation instead of
// three matters more on the per-part path of a transfer manager.
type partResult struct {
	p    part
	out  UploadPartOutput
	etag [etagLen]byte
}

// CompletedPart names one part of a completion.
type CompletedPart struct {
	PartNumber *int32
	ETag       string
}

// CompletedMultipartUpload lists the parts to assemble.
type CompletedMultipartUpload struct {
	Parts []CompletedPart
}

// CompleteMultipartUploadInput is CompleteMultipartUpload's request.
type CompleteMultipartUploadInput struct {
	Bucket          string
	Key             string
	UploadId        string
	MultipartUpload *CompletedMultipartUpload
	RequestPayer    RequestPayer
}

// CompleteMultipartUploadOutput is CompleteMultipartUpload's response.
type CompleteMultipartUploadOutput struct {
	Bucket    string
	Key       string
	ETag      string
	VersionId string
}

// CompleteMultipartUpload assembles the listed parts into the object. The
// parts must be listed in ascending order (InvalidPartOrder), each must
// have been uploaded with the given ETag (InvalidPart), and each but the
// last must be at least MinPartSize (EntityTooSmall). A failed completion
// leaves the upload as it was, so it can be retried. The object's ETag is
// the MD5 of the concatenated binary MD5s of its parts, a hyphen and the
// number of parts.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
func (c *Client) CompleteMultipartUpload(ctx context.Context, in *CompleteMultipartUploadInput) (*CompleteMultipartUploadOutput, error) {
	if in == nil {
		in = &CompleteMultipartUploadInput{}
	}
	const op = "CompleteMultipartUpload"
	if err := ValidateKey(in.Key); err != nil {
		return nil, c.reject(ctx, op, in.Bucket, err)
	}
	s := c.svc
	var out *CompleteMultipartUploadOutput
	err := c.call(ctx, &request{op: op, action: "s3:PutObject", bucket: in.Bucket, key: in.Key, hasKey: true, write: true, payer: in.RequestPayer}, func(sv *served) error {
		if err := checkPayer(sv, in.RequestPayer); err != nil {
			return err
		}
		u, err := s.findUpload(sv.b, in.Key, in.UploadId)
		if err != nil {
			return err
		}
		if in.MultipartUpload == nil || len(in.MultipartUpload.Parts) == 0 {
			return s3err("MalformedXML", http.StatusBadRequest,
				"The XML you provided was not well-formed or did not validate against our published schema (no parts).")
		}
		list := in.MultipartUpload.Parts
		if len(list) > MaxParts {
			return s3err("MalformedXML", http.StatusBadRequest, "The XML you provided was not well-formed or did not validate against our published schema (%d parts; at most %d).", len(list), MaxParts)
		}
		parts := make([]*part, len(list))
		var digest [md5.Size]byte
		var total int64
		h := md5.New()
		for i, cp := range list {
			if cp.PartNumber == nil {
				return s3err("MalformedXML", http.StatusBadRequest, "The XML you provided was not well-formed or did not validate against our published schema (part %d has no PartNumber).", i+1)
			}
			if i > 0 && *cp.PartNumber <= *list[i-1].PartNumber {
				return s3err("InvalidPartOrder", http.StatusBadRequest, "The list of parts was not in ascending order. Parts must be ordered by part number (part %d after %d).", *cp.PartNumber, *list[i-1].PartNumber)
			}
		}
		for i, cp := range list {
			n := *cp.PartNumber
			p := u.parts.get(n)
			if p == nil || unquote(p.etag) != unquote(cp.ETag) {
				return s3err("InvalidPart", http.StatusBadRequest,
					"One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag (part %d, ETag %s).", n, cp.ETag)
			}
			parts[i] = p
		}
		for i, p := range parts {
			n := *list[i].PartNumber
			if i < len(list)-1 && p.size < MinPartSize {
				return s3err("EntityTooSmall", http.StatusBadRequest,
					"Your proposed upload is smaller than the minimum allowed object size (part %d is %d bytes; every part but the last needs at least %d).", n, p.size, MinPartSize)
			}
			h.Write(etagDigest(&digest, unquote(p.etag)))
			total += p.size
		}
		if total > MaxObjectSize {
			return s3err("EntityTooLarge", http.StatusBadRequest, "Your proposed upload exceeds the maximum allowed size (%d bytes; at most %d).", total, int64(MaxObjectSize))
		}
		nv := version{size: total, class: u.class, x: &extra{contentType: u.contentType, meta: u.meta, sse: u.sse,
			etag: fmt.Sprintf(`"%s-%d"`, hex.EncodeToString(h.Sum(nil)), len(parts))}}
		real := true
		nv.x.partSizes = make([]int64, 0, len(parts))
		for _, p := range parts {
			nv.x.partSizes = append(nv.x.partSizes, p.size)
			real = real && p.body != nil
		}
		if real {
			body := make([]byte, 0, total)
			for _, p := range parts {
				body = append(body, p.body...)
			}
			nv.x.body = body
		}
		v, err := s.putVersion(sv.b, in.Key, nv)
		if err != nil {
			return err
		}
		s.dropUpload(sv.b, u)
		s.meterRequest(sv, u.class, 1)
		out = &CompleteMultipartUploadOutput{Bucket: sv.b.name, Key: in.Key, ETag: v.etag()}
		if sv.b.versioning != "" {
			out.VersionId = s.versionID(v)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// etagDigest decodes a part's hex ETag (unquoted) into buf when it fits,
// as hex.DecodeString would (on bad input, the bytes decoded before the
// error), without allocating for the MD5-shaped ETags parts have.
func etagDigest(buf *[md5.Size]byte, s string) []byte {
	if len(s) > 2*len(buf) {
		raw, _ := hex.DecodeString(s)
		return raw
	}
	n, _ := hex.Decode(buf[:], []byte(s))
	return buf[:n]
}

// dropUpload forgets an upload and its parts' storage.
func (s *Service) dropUpload(b *bucket, u *upload) {
	u.parts.each(func(_ int32, p *part) { s.meterStorage(b, classStandard, -p.size) })
	delete(s.uploads, u.id)
	b.uploads.Delete(u)
}

// AbortMultipartUploadInput is AbortMultipartUpload's request.
type AbortMultipartUploadInput struct {
	Bucket       string
	Key          string
	UploadId     string
	RequestPayer RequestPayer
}

// AbortMultipartUploadOutput is AbortMultipartUpload's response.
type AbortMultipartUploadOutput struct{}

// AbortMultipartUpload discards an upload and its parts.
func (c *Client) AbortMultipartUpload(ctx context.Context, in *AbortMultipartUploadInput) (*AbortMultipartUploadOutput, error) {
	if in == nil {
		in = &AbortMultipartUploadInput{}
	}
	s := c.svc
	err := c.call(ctx, &request{op: "AbortMultipartUpload", bucket: in.Bucket, key: in.Key, hasKey: true, write: true, payer: in.RequestPayer}, func(sv *served) error {
		u, err := s.findUpload(sv.b, in.Key, in.UploadId)
		if err != nil {
			return err
		}
		s.dropUpload(sv.b, u)
		return nil
	})
	if err != nil {
		return nil, opError("AbortMultipartUpload", err)
	}
	return &AbortMultipartUploadOutput{}, nil
}

// ListPartsInput is ListParts' request.
type ListPartsInput struct {
	Bucket           string
	Key              string
	UploadId         string
	MaxParts         *int32
	PartNumberMarker *string
}

// Part is a ListParts entry.
type Part struct {
	PartNumber   *int32
	ETag         string
	Size         *int64
	LastModified time.Time
}

// ListPartsOutput is ListParts' response.
type ListPartsOutput struct {
	Bucket               string
	Key                  string
	UploadId             string
	Parts                []Part
	IsTruncated          bool
	NextPartNumberMarker *string
	MaxParts             *int32
	StorageClass         StorageClass
}

// ListParts lists an upload's parts in part-number order, at most 1,000
// per page.
func (c *Client) ListParts(ctx context.Context, in *ListPartsInput) (*ListPartsOutput, error) {
	if in == nil {
		in = &ListPartsInput{}
	}
	const op = "ListParts"
	max, err := maxKeysOf(in.MaxParts)
	marker := int32(0)
	if err == nil && in.PartNumberMarker != nil && *in.PartNumberMarker != "" {
		var n int
		if _, perr := fmt.Sscanf(*in.PartNumberMarker, "%d", &n); perr != nil || n < 0 || fmt.Sprint(n) != strings.TrimSpace(*in.PartNumberMarker) {
			err = errInvalidArgument("Provided part-number-marker not an integer or within integer range (%q).", *in.PartNumberMarker)
		}
		marker = int32(n)
	}
	if err != nil {
		return nil, c.reject(ctx, op, in.Bucket, err)
	}
	s := c.svc
	var out *ListPartsOutput
	err = c.call(ctx, &request{op: op, action: "s3:ListMultipartUploadParts", bucket: in.Bucket, key: in.Key, hasKey: true}, func(sv *served) error {
		u, err := s.findUpload(sv.b, in.Key, in.UploadId)
		if err != nil {
			return err
		}
		nums := make([]int32, 0, u.parts.len())
		u.parts.each(func(n int32, _ *part) {
			if n > marker {
				nums = append(nums, n)
			}
		})
		sort.Slice(nums, func(i, j int) bool { return nums[i] < nums[j] })
		out = &ListPartsOutput{Bucket: sv.b.name, Key: u.key, UploadId: u.id, MaxParts: Int32(int32(max)), StorageClass: classes[u.class].name}
		if len(nums) > max {
			nums, out.IsTruncated = nums[:max], true
		}
		for _, n := range nums {
			p := u.parts.get(n)
			out.Parts = append(out.Parts, Part{PartNumber: Int32(n), ETag: p.etag, Size: Int64(p.size), LastModified: s.env.TimeOf(p.modified)})
		}
		if out.IsTruncated {
			out.NextPartNumberMarker = String(fmt.Sprint(nums[len(nums)-1]))
		}
		s.meterRequest(sv, classStandard, 1)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ListMultipartUploadsInput is ListMultipartUploads' request.
type ListMultipartUploadsInput struct {
	Bucket     string
	Prefix     string
	MaxUploads *int32
	KeyMarker  string
}

// MultipartUpload is a ListMultipartUploads entry.
type MultipartUpload struct {
	Key          string
	UploadId     string
	Initiated    time.Time
	StorageClass StorageClass
}

// ListMultipartUploadsOutput is ListMultipartUploads' response.
type ListMultipartUploadsOutput struct {
	Bucket        string
	Uploads       []MultipartUpload
	IsTruncated   bool
	NextKeyMarker string
}

// ListMultipartUploads lists incomplete uploads by key, then initiation.
func (c *Client) ListMultipartUploads(ctx context.Context, in *ListMultipartUploadsInput) (*ListMultipartUploadsOutput, error) {
	if in == nil {
		in = &ListMultipartUploadsInput{}
	}
	const op = "ListMultipartUploads"
	max, err := maxKeysOf(in.MaxUploads)
	if err != nil {
		return nil, c.reject(ctx, op, in.Bucket, err)
	}
	s := c.svc
	var out *ListMultipartUploadsOutput
	err = c.call(ctx, &request{op: op, action: "s3:ListBucketMultipartUploads", bucket: in.Bucket}, func(sv *served) error {
		out = &ListMultipartUploadsOutput{Bucket: sv.b.name}
		start := in.Prefix
		if in.KeyMarker > start {
			start = in.KeyMarker
		}
		sv.b.uploads.AscendGreaterOrEqual(&upload{key: start}, func(u *upload) bool {
			if !strings.HasPrefix(u.key, in.Prefix) {
				return false
			}
			if in.KeyMarker != "" && u.key <= in.KeyMarker {
				return true
			}
			if len(out.Uploads) == max {
				out.IsTruncated = true
				return false
			}
			out.Uploads = append(out.Uploads, MultipartUpload{Key: u.key, UploadId: u.id, Initiated: s.env.TimeOf(u.initiated), StorageClass: classes[u.class].name})
			return true
		})
		if out.IsTruncated {
			out.NextKeyMarker = out.Uploads[len(out.Uploads)-1].Key
		}
		s.meterRequest(sv, classStandard, 1)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

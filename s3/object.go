package s3

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"unsafe"
)

// PutObject stores an object, replacing the whole of any object under the
// key (S3 has no append): in an unversioned bucket the old bytes are
// gone, in a versioned bucket they become a noncurrent version. The write
// is visible to every later read at once (strong read-after-write
// consistency). A single PUT carries at most MaxPutObjectSize bytes
// (EntityTooLarge); larger objects need a multipart upload.
func (c *Client) PutObject(ctx context.Context, in *PutObjectInput) (*PutObjectOutput, error) {
	if in == nil {
		in = &PutObjectInput{}
	}
	const op = "PutObject"
	// The key is checked first (its error wins over the others', and a
	// body is not read for an invalid key), but for a size-only PUT only
	// when another check fails: otherwise call checks it, and only when
	// the bucket does not hold it already (request.checkKey).
	if in.Body != nil {
		if err := ValidateKey(in.Key); err != nil {
			return nil, c.reject(ctx, op, in.Bucket, err)
		}
	}
	body, size, rejected, err := readBody(in.Body, in.ContentLength, MaxPutObjectSize, "a single PUT")
	var optErr error
	if len(in.Metadata) != 0 || in.StorageClass != "" || in.ServerSideEncryption != "" || in.ACL != "" {
		// Not the common size-only PUT with every default.
		optErr = checkPutOptions(in.Metadata, in.StorageClass, in.ServerSideEncryption, in.ACL)
	}
	if err != nil || rejected != nil || optErr != nil {
		if err := ValidateKey(in.Key); err != nil {
			return nil, c.reject(ctx, op, in.Bucket, err)
		}
		if err != nil {
			return nil, opError(op, err)
		}
		if rejected != nil {
			return nil, c.reject(ctx, op, in.Bucket, rejected)
		}
		return nil, c.reject(ctx, op, in.Bucket, optErr)
	}
	cls, _ := parseClass(in.StorageClass)
	s := c.svc
	res := takeResult(&s.putResults)
	err = c.call(ctx, &request{op: op, action: "s3:PutObject", bucket: in.Bucket, key: in.Key, hasKey: true, checkKey: true, write: true, reqBytes: size,
		ctx: sseContext(in.ServerSideEncryption), payer: in.RequestPayer}, func(sv *served) error {
		if err := checkPayer(sv, in.RequestPayer); err != nil {
			return err
		}
		nv := version{size: size, class: cls}
		if body != nil || in.ContentType != "" || len(in.Metadata) > 0 || in.ServerSideEncryption != "" {
			nv.x = putExtra(body, in)
		}
		head, h, exists := sv.findHead(in.Key)
		v, err := s.putVersionAt(sv.b, in.Key, &nv, head, h, exists)
		if err != nil {
			return err
		}
		s.meterRequest(sv, cls, 1)
		// Field by field into the zeroed result, as GetObject's.
		out := &res.out
		out.ETag, out.ServerSideEncryption, out.Size = v.etagIn(res.etag[:]), v.sse(), size
		if sv.b.versioning != "" {
			out.VersionId = s.versionID(v)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &res.out, nil
}

// putExtra is the extra of an object PutObject stores with its bytes, a
// content type, user metadata or an encryption other than the default.
func putExtra(body []byte, in *PutObjectInput) *extra {
	x := &extra{body: body, contentType: in.ContentType, meta: copyMeta(in.Metadata), sse: in.ServerSideEncryption}
	if body != nil {
		x.etag = md5ETag(body)
	}
	return x
}

// putResult is PutObject's response: the output and the bytes of its
// synthetic ETag.
type putResult struct {
	out  PutObjectOutput
	etag [etagLen]byte
}

// getResult is GetObject's response: the output and its synthetic body,
// which also holds the content length (contentLength). The ETag is kept
// with the object (etagOf).
type getResult struct {
	out  GetObjectOutput
	body syntheticBody
}

// contentLength returns the ContentLength of a GET of n bytes from
// first, whose body is sb (set by bodyIn) if synthetic: the body's end,
// which Read never changes, when the bytes start at 0 (every whole
// object), so the response needs no room of its own for it; for an
// object with bytes sb is unused and holds n. A range from further on
// takes a word of its own.
func contentLength(sb *syntheticBody, synthetic bool, first, n int64) *int64 {
	if !synthetic {
		sb.end = n // bodyIn did not use sb
		return &sb.end
	}
	if first == 0 {
		return &sb.end // == n
	}
	return Int64(n)
}

// resultSlabBytes is about the size of the blocks takeResult allocates
// responses in.
const resultSlabBytes = 4096

// takeResult returns a new zeroed response from *slab, the rest of a
// block of them allocated together, which it refills when empty. Each
// response is the caller's alone and never handed out again, as if
// allocated by itself; but allocating a block for a run of calls takes
// the allocator (some 300 instructions, and code of its own that every
// small GET or PUT would otherwise run) off most calls. A response the
// caller keeps keeps its block's memory alive, some 2 KiB.
func takeResult[T any](slab *[]T) *T {
	if len(*slab) == 0 {
		newResults(slab)
	}
	n := len(*slab) - 1
	*slab = (*slab)[:n] // the length alone changes: no write barrier
	return &(*slab)[:n+1][n]
}

// newResults refills takeResult's empty slab.
//
//go:noinline
func newResults[T any](slab *[]T) {
	var zero T
	*slab = make([]T, max(1, resultSlabBytes/int(unsafe.Sizeof(zero))))
}

func copyMeta(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[strings.ToLower(k)] = v // S3 stores user metadata keys in lower case
	}
	return out
}

func sseContext(sse string) map[string][]string {
	if sse == "" {
		return nil // in line: every PUT asks
	}
	return sseCondition(sse)
}

// sseCondition is the condition context of a request that names an
// encryption.
func sseCondition(sse string) map[string][]string {
	return map[string][]string{"s3:x-amz-server-side-encryption": {sse}}
}

func checkPutOptions(meta map[string]string, sc StorageClass, sse, acl string) error {
	if len(meta) == 0 && sc == "" && sse == "" && acl == "" {
		return nil // every default: the common size-only PUT
	}
	if err := checkMetadata(meta); err != nil {
		return err
	}
	if _, err := parseClass(sc); err != nil {
		return err
	}
	switch sse {
	case "", "AES256", "aws:kms", "aws:kms:dsse":
	default:
		return errInvalidArgument("The encryption method specified is not supported (x-amz-server-side-encryption %q).", sse)
	}
	switch acl {
	case "", "bucket-owner-full-control":
	default:
		return s3err("AccessControlListNotSupported", http.StatusBadRequest, "The bucket does not allow ACLs (ACL %q; buckets use BucketOwnerEnforced).", acl)
	}
	return nil
}

// putVersion installs a version with nv's fields as the key's newest
// under the bucket's versioning state, and returns it.
func (s *Service) putVersion(b *bucket, key string, nv version) (*version, error) {
	head, h, exists := b.heads.find(key)
	return s.putVersionAt(b, key, &nv, head, h, exists)
}

// putVersionAt is putVersion given b.heads.find(key), which PutObject
// takes from its call's look-up (served.findHead). It sets nv's
// identity and copies it into place.
func (s *Service) putVersionAt(b *bucket, key string, nv *version, head *version, h uint64, exists bool) (*version, error) {
	s.seq++
	nv.seq = s.seq
	nv.modified = s.env.Now()
	if b.versioning != BucketVersioningStatusEnabled {
		nv.flags |= flagNull
	}
	if exists && b.versioning == "" {
		// An overwrite in a bucket never versioned: the key's one version
		// goes for good, and the new one takes its place in memory, so
		// the B-tree's item, which points there, stays as it is (no
		// descent). Nothing else points to a version of such a bucket
		// once it is dropped. The new version is accounted before the old
		// one is dropped, as a meter that would reach zero in between
		// must not stop.
		if err := s.replaceStored(b, key, head, nv); err != nil {
			return nil, err
		}
		nv.shareKey(head)
		head.overwrite(nv)
		return head, nil
	}
	v := b.newVersion(*nv)
	if err := s.store(b, key, v); err != nil {
		return nil, err
	}
	if !exists {
		v.setKey(b.internKey(key))
		b.setHeadHashed(v, h)
		return v, nil
	}
	v.shareKey(head) // the key's interned copy
	switch b.versioning {
	case BucketVersioningStatusEnabled:
		v.prev = head
	case BucketVersioningStatusSuspended:
		v.prev = s.unlinkNull(b, head)
	}
	b.setHeadHashed(v, h)
	return v, nil
}

// unlinkNull drops the null version from a chain and returns the rest.
func (s *Service) unlinkNull(b *bucket, head *version) *version {
	var prev *version
	for v := head; v != nil; prev, v = v, v.prev {
		if v.flags&flagNull != 0 {
			s.drop(b, v)
			if prev == nil {
				return v.prev
			}
			prev.prev = v.prev
			return head
		}
	}
	return head
}

// resolve finds the version a read names: VersionId, or the current one.
// A missing key is NoSuchKey (404) if the caller may list the bucket and
// AccessDenied (403) otherwise, so keys cannot be probed:
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html
func (s *Service) resolve(sv *served, key, versionID string) (*version, error) {
	if versionID != "" {
		return s.resolveVersion(sv.b, key, versionID)
	}
	// key is the request's own (the copy source's served has no hint).
	v, _, ok := sv.findHead(key)
	if !ok || v.deleteMarker() || !s.live(sv.b, v) {
		return nil, s.noSuchKey(sv, key)
	}
	return v, nil
}

// resolveVersion is resolve of a read that names a version.
func (s *Service) resolveVersion(b *bucket, key, versionID string) (*version, error) {
	seq, null, ok := s.parseVersionID(versionID)
	if !ok {
		return nil, errInvalidArgument("Invalid version id specified (%q).", versionID)
	}
	head, found := b.heads.get(key)
	var v *version
	if found {
		v = findVersion(head, seq, null)
	}
	if v == nil || !s.live(b, v) {
		return nil, s3err("NoSuchVersion", http.StatusNotFound, "The specified version does not exist (key %q, version %q).", key, versionID)
	}
	if v.deleteMarker() {
		return nil, s3err("MethodNotAllowed", http.StatusMethodNotAllowed, "The specified method is not allowed against this resource (version %q is a delete marker).", versionID)
	}
	return v, nil
}

// noSuchKey is resolve's answer for a key without a current version.
func (s *Service) noSuchKey(sv *served, key string) error {
	b := sv.b
	if err := s.authorize(sv, "s3:ListBucket", s.arnPrefix(b.partition)+b.name, b); err != nil {
		return errAccessDenied("Access Denied")
	}
	return errNoSuchKey(key)
}

// errUnreadable is a read of a version no replica can serve now. Not in
// line: reads call it, and their code is on every request's path.
//
//go:noinline
func errUnreadable() error {
	return s3err("InternalError", http.StatusInternalServerError, "We encountered an internal error. Please try again.")
}

// GetObject returns an object, a byte range of it (Range, per RFC 9110 as
// S3 applies it: see ParseRange) or one part of a multipart object
// (PartNumber). A delete marker or missing key is NoSuchKey (or
// AccessDenied without s3:ListBucket); an old version is read by
// VersionId. While a zone is dark the replicas in the other zones serve
// the read.
func (c *Client) GetObject(ctx context.Context, in *GetObjectInput) (*GetObjectOutput, error) {
	if in == nil {
		in = &GetObjectInput{}
	}
	res := takeResult(&c.svc.getResults)
	if err := c.read(ctx, "GetObject", in, res, nil); err != nil {
		return nil, err
	}
	return &res.out, nil
}

// fill sets the output of a GET of bytes r of v (n of them), served by
// sv: the fields every response has in line, the others in fillMore.
func (res *getResult) fill(s *Service, sv *served, v *version, r ByteRange, n int64, partial bool, parts int32) {
	// Field by field into the zeroed result (fill runs once): a struct
	// literal stored whole goes through the runtime's bulk write barrier
	// while the collector marks, which visits every pointer slot of the
	// output.
	out := &res.out
	out.Body, out.ContentType = bodyIn(&res.body, v, r.First, r.Last), v.contentType()
	out.ContentLength = contentLength(&res.body, v.x == nil || v.x.body == nil, r.First, n)
	out.ETag, out.LastModified, out.StorageClass = s.etagOf(v), s.env.TimeOf(v.modified), classes[v.class].name
	out.ServerSideEncryption, out.StatusCode = v.sse(), http.StatusOK
	if v.x != nil || partial || parts > 0 || sv.b.versioning != "" {
		res.fillMore(s, sv, v, r, partial, parts)
	}
}

// fillMore is fill's part for user metadata, a range or part, and a
// versioned bucket.
func (res *getResult) fillMore(s *Service, sv *served, v *version, r ByteRange, partial bool, parts int32) {
	out := &res.out
	if m := v.meta(); m != nil {
		out.Metadata = m
	}
	if partial {
		out.ContentRange, out.StatusCode = r.ContentRange(v.size), http.StatusPartialContent
	}
	if parts > 0 {
		out.PartsCount = Int32(parts)
	}
	if sv.b.versioning != "" {
		out.VersionId = s.versionID(v)
	}
}

// HeadObject returns an object's metadata. Errors have no body: a missing
// key is NotFound (404), or Forbidden (403) without s3:ListBucket.
func (c *Client) HeadObject(ctx context.Context, in *HeadObjectInput) (*HeadObjectOutput, error) {
	if in == nil {
		in = &HeadObjectInput{}
	}
	var out *HeadObjectOutput
	// HeadObject's request has GetObject's fields.
	if err := c.read(ctx, "HeadObject", (*GetObjectInput)(in), nil, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// headOutput is the output of a HEAD of v (n bytes of it, of parts parts).
func (s *Service) headOutput(sv *served, v *version, n int64, parts int32) *HeadObjectOutput {
	out := &HeadObjectOutput{ContentLength: Int64(n), ContentType: v.contentType(), ETag: s.etagOf(v),
		LastModified: s.env.TimeOf(v.modified), Metadata: v.meta(), StorageClass: classes[v.class].name,
		ServerSideEncryption: v.sse()}
	if parts > 0 {
		out.PartsCount = Int32(parts)
	}
	if sv.b.versioning != "" {
		out.VersionId = s.versionID(v)
	}
	return out
}

// read is GetObject (res, its output to fill) and HeadObject (head, its
// output to set). The effect runs later in virtual time, when the caller
// may have changed its input, so read takes the fields it needs as they
// are at the call: the bucket, key and payer into the request, the
// others into the effect's closure. Field by field, not a copy of the
// whole input: a copy moves it sixteen bytes at a time, and its loads
// then wait for the caller's eight-byte stores of the same fields just
// before (a store-forwarding stall), where each field's own load takes
// them from the store buffer.
func (c *Client) read(ctx context.Context, op string, in *GetObjectInput, res *getResult, head **HeadObjectOutput) error {
	// call checks the key (checkKey), unless the bucket holds it.
	versionID, rangeHdr, partNumber := in.VersionId, in.Range, in.PartNumber
	action := "s3:GetObject"
	if versionID != "" {
		action = "s3:GetObjectVersion"
	}
	s := c.svc
	// Field by field into a zeroed request: a composite literal is built
	// in a temporary and then copied sixteen bytes at a time, whose
	// loads stall on the eight-byte stores of its fields just before.
	var rq request
	rq.op, rq.action, rq.bucket, rq.key, rq.payer = op, action, in.Bucket, in.Key, in.RequestPayer
	rq.hasKey, rq.checkKey, rq.head, rq.read = true, true, head != nil, true
	return c.call(ctx, &rq, func(sv *served) error {
		if err := checkPayer(sv, rq.payer); err != nil {
			return err
		}
		v, err := s.resolve(sv, rq.key, versionID)
		if err != nil {
			return err
		}
		if !s.readable(sv.b, v) {
			return errUnreadable()
		}
		r := ByteRange{First: 0, Last: v.size - 1}
		partial := false
		var parts int32
		if partNumber != nil || rangeHdr != "" {
			if r, partial, parts, err = readRange(v, partNumber, rangeHdr); err != nil {
				return err
			}
		}
		if v.size == 0 {
			r = ByteRange{First: 0, Last: -1}
		}
		n := r.Len()
		s.meterRequest(sv, v.class, 2)
		if head != nil {
			*head = s.headOutput(sv, v, n, parts)
			return nil
		}
		if v.class != classStandard {
			s.classRead(sv, v, n)
		}
		sv.rc.SetResponseBytes(n)
		if n != 0 && !directInRegion(sv) {
			s.transferOut(sv, n)
		}
		res.fill(s, sv, v, r, n, partial, parts)
		return nil
	})
}

// classRead is what a GET of n bytes of v adds for a class other than
// STANDARD: an Intelligent-Tiering object moves back to Frequent Access,
// and the IA and Glacier IR classes bill the bytes retrieved.
func (s *Service) classRead(sv *served, v *version, n int64) {
	s.intAccess(sv.b, v)
	s.meterRetrieval(sv, v.class, n)
}

// readRange is the part of v a read with a part number or a Range header
// asks for: the bytes, whether they are a part of the object, and the
// object's number of parts when a part number names one.
func readRange(v *version, partNumber *int32, rangeHdr string) (r ByteRange, partial bool, parts int32, err error) {
	r = ByteRange{First: 0, Last: v.size - 1}
	switch {
	case partNumber != nil && rangeHdr != "":
		return r, false, 0, errInvalidRequest("Cannot specify both Range header and partNumber query parameter.")
	case partNumber != nil:
		n := *partNumber
		if n < 1 || n > MaxParts {
			return r, false, 0, errInvalidArgument("Part number must be an integer between 1 and 10000, inclusive (got %d).", n)
		}
		sizes := []int64{v.size}
		if v.x != nil && v.x.partSizes != nil {
			sizes = v.x.partSizes
			parts = int32(len(sizes))
		}
		if int(n) > len(sizes) {
			return r, false, 0, s3err("InvalidPartNumber", http.StatusRequestedRangeNotSatisfiable, "The requested partnumber is not satisfiable (part %d of %d).", n, len(sizes))
		}
		off := int64(0)
		for _, sz := range sizes[:n-1] {
			off += sz
		}
		return ByteRange{First: off, Last: off + sizes[n-1] - 1}, parts > 0, parts, nil
	default:
		rr, ok, err := ParseRange(rangeHdr, v.size)
		if err != nil {
			return r, false, 0, err
		}
		if ok {
			return rr, true, 0, nil
		}
		return r, false, 0, nil
	}
}

// DeleteObject removes the key's current object: in an unversioned
// bucket for good; in a versioning-enabled bucket by adding a delete
// marker (the data stays as a noncurrent version); in a suspended bucket
// by replacing the null version with a null delete marker. With
// VersionId it removes that version for good. Deleting a key that does not
// exist succeeds. DELETE requests are free.
func (c *Client) DeleteObject(ctx context.Context, in *DeleteObjectInput) (*DeleteObjectOutput, error) {
	if in == nil {
		in = &DeleteObjectInput{}
	}
	if err := ValidateKey(in.Key); err != nil {
		return nil, c.reject(ctx, "DeleteObject", in.Bucket, err)
	}
	action := "s3:DeleteObject"
	if in.VersionId != "" {
		action = "s3:DeleteObjectVersion"
	}
	var out *DeleteObjectOutput
	err := c.call(ctx, &request{op: "DeleteObject", action: action, bucket: in.Bucket, key: in.Key, hasKey: true, write: true, payer: in.RequestPayer}, func(sv *served) error {
		if err := checkPayer(sv, in.RequestPayer); err != nil {
			return err
		}
		d, err := c.svc.deleteOne(sv.b, in.Key, in.VersionId)
		if err != nil {
			return err
		}
		out = &DeleteObjectOutput{DeleteMarker: d.DeleteMarker, VersionId: d.VersionId}
		if d.DeleteMarkerVersionId != "" {
			out.VersionId = d.DeleteMarkerVersionId
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// deleteOne applies one delete and reports it as DeleteObjects does.
func (s *Service) deleteOne(b *bucket, key, versionID string) (DeletedObject, error) {
	d := DeletedObject{Key: key, VersionId: versionID}
	head, exists := b.heads.get(key)
	if versionID != "" {
		seq, null, ok := s.parseVersionID(versionID)
		if !ok {
			return d, errInvalidArgument("Invalid version id specified (%q).", versionID)
		}
		if !exists {
			return d, nil
		}
		var prev *version
		for v := head; v != nil; prev, v = v, v.prev {
			if null && v.flags&flagNull != 0 || !null && v.flags&flagNull == 0 && v.seq == seq {
				d.DeleteMarker = v.deleteMarker()
				s.drop(b, v)
				if prev == nil {
					if v.prev == nil {
						b.dropKey(key)
					} else {
						b.setHead(v.prev)
					}
				} else {
					prev.prev = v.prev
				}
				return d, nil
			}
		}
		return d, nil
	}
	switch b.versioning {
	case "":
		if exists {
			for v := head; v != nil; v = v.prev {
				s.drop(b, v)
			}
			b.dropKey(key)
		}
		return d, nil
	default:
		m := version{flags: flagDeleteMarker}
		if b.versioning == BucketVersioningStatusSuspended {
			m.flags |= flagNull
		}
		mv, err := s.putVersion(b, key, m)
		if err != nil {
			return d, err
		}
		d.DeleteMarker, d.DeleteMarkerVersionId = true, s.versionID(mv)
		return d, nil
	}
}

// DeleteObjects deletes up to 1,000 keys in one request; each key needs
// s3:DeleteObject (or s3:DeleteObjectVersion) and fails on its own. Quiet
// reports only the failures.
func (c *Client) DeleteObjects(ctx context.Context, in *DeleteObjectsInput) (*DeleteObjectsOutput, error) {
	if in == nil {
		in = &DeleteObjectsInput{}
	}
	const op = "DeleteObjects"
	if in.Delete == nil || len(in.Delete.Objects) == 0 || len(in.Delete.Objects) > MaxDeleteObjects {
		n := 0
		if in.Delete != nil {
			n = len(in.Delete.Objects)
		}
		return nil, c.reject(ctx, op, in.Bucket, s3err("MalformedXML", http.StatusBadRequest,
			"The XML you provided was not well-formed or did not validate against our published schema (%d objects; 1 to %d).", n, MaxDeleteObjects))
	}
	s := c.svc
	var out *DeleteObjectsOutput
	// The pipeline authorizes the request against the bucket; each key is
	// authorized at the server, as S3 does.
	err := c.call(ctx, &request{op: op, action: "s3:DeleteObject", bucket: in.Bucket, key: in.Delete.Objects[0].Key, hasKey: true,
		write: true, payer: in.RequestPayer}, func(sv *served) error {
		if err := checkPayer(sv, in.RequestPayer); err != nil {
			return err
		}
		out = &DeleteObjectsOutput{}
		for _, o := range in.Delete.Objects {
			fail := func(err error) {
				code, msg := "InternalError", err.Error()
				if ae := asAWS(err); ae != nil {
					code, msg = ae.Code, ae.Message
				}
				out.Errors = append(out.Errors, Error{Key: o.Key, VersionId: o.VersionId, Code: code, Message: msg})
			}
			if err := ValidateKey(o.Key); err != nil {
				fail(err)
				continue
			}
			action := "s3:DeleteObject"
			if o.VersionId != "" {
				action = "s3:DeleteObjectVersion"
			}
			if err := s.authorize(sv, action, s.arnPrefix(sv.b.partition)+sv.b.name+"/"+o.Key, sv.b); err != nil {
				fail(errAccessDenied("Access Denied"))
				continue
			}
			d, err := s.deleteOne(sv.b, o.Key, o.VersionId)
			if err != nil {
				fail(err)
				continue
			}
			if !in.Delete.Quiet {
				out.Deleted = append(out.Deleted, d)
			}
		}
		s.meterRequest(sv, classStandard, 1)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// CopyObject copies an object (at most MaxCopySourceSize bytes) within or
// across buckets and regions. The caller needs s3:GetObject on the source
// and s3:PutObject on the destination. Metadata is copied unless
// MetadataDirective is REPLACE; the storage class is STANDARD unless
// given. Copying an object onto itself must change something.
func (c *Client) CopyObject(ctx context.Context, in *CopyObjectInput) (*CopyObjectOutput, error) {
	if in == nil {
		in = &CopyObjectInput{}
	}
	const op = "CopyObject"
	if err := ValidateKey(in.Key); err != nil {
		return nil, c.reject(ctx, op, in.Bucket, err)
	}
	srcBucket, srcKey, srcVersion, err := parseCopySource(in.CopySource)
	if err != nil {
		return nil, c.reject(ctx, op, in.Bucket, err)
	}
	switch in.MetadataDirective {
	case "", "COPY", "REPLACE":
	default:
		return nil, c.reject(ctx, op, in.Bucket, errInvalidArgument("Unknown metadata directive (%q; COPY or REPLACE).", in.MetadataDirective))
	}
	if err := checkPutOptions(in.Metadata, in.StorageClass, "", ""); err != nil {
		return nil, c.reject(ctx, op, in.Bucket, err)
	}
	cls, _ := parseClass(in.StorageClass)
	s := c.svc
	var out *CopyObjectOutput
	err = c.call(ctx, &request{op: op, action: "s3:PutObject", bucket: in.Bucket, key: in.Key, hasKey: true, write: true, payer: in.RequestPayer}, func(sv *served) error {
		if err := checkPayer(sv, in.RequestPayer); err != nil {
			return err
		}
		sb := s.buckets[sv.b.partition+"/"+srcBucket]
		if sb == nil {
			return errNoSuchBucket(srcBucket)
		}
		action := "s3:GetObject"
		if srcVersion != "" {
			action = "s3:GetObjectVersion"
		}
		if err := s.authorize(sv, action, s.arnPrefix(sb.partition)+sb.name+"/"+srcKey, sb); err != nil {
			return err
		}
		src := &served{rc: sv.rc, b: sb}
		v, err := s.resolve(src, srcKey, srcVersion)
		if err != nil {
			return err
		}
		if v.size > MaxCopySourceSize {
			return errInvalidRequest("The specified copy source is larger than the maximum allowable size for a copy source: %d", int64(MaxCopySourceSize))
		}
		if sb == sv.b && srcKey == in.Key && srcVersion == "" && in.MetadataDirective != "REPLACE" && (in.StorageClass == "" || cls == v.class) {
			return errInvalidRequest("This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.")
		}
		if !s.readable(sb, v) {
			return errUnreadable()
		}
		s.intAccess(sb, v) // copying is an access of the source
		nv := version{size: v.size, class: cls, x: &extra{synth: v.synthSeed()}}
		if v.x != nil {
			nv.x.body, nv.x.sse = v.x.body, v.x.sse
			if v.x.body != nil {
				nv.x.etag = md5ETag(v.x.body)
			}
			nv.x.contentType, nv.x.meta = v.x.contentType, v.x.meta
		}
		if in.MetadataDirective == "REPLACE" {
			nv.x.contentType, nv.x.meta = in.ContentType, copyMeta(in.Metadata)
		}
		pv, err := s.putVersion(sv.b, in.Key, nv)
		if err != nil {
			return err
		}
		s.meterRequest(sv, cls, 1)
		out = &CopyObjectOutput{CopyObjectResult: &CopyObjectResult{ETag: pv.etag(), LastModified: s.env.TimeOf(pv.modified)}}
		if sv.b.versioning != "" {
			out.VersionId = s.versionID(pv)
		}
		if sb.versioning != "" {
			out.CopySourceVersionId = s.versionID(v)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// parseCopySource splits "bucket/key[?versionId=id]" (URL-encoded, with
// or without a leading slash).
func parseCopySource(cs string) (bucketName, key, versionID string, err error) {
	cs = strings.TrimPrefix(cs, "/")
	path, query, _ := strings.Cut(cs, "?")
	if query != "" {
		q, perr := url.ParseQuery(query)
		if perr != nil || len(q) != 1 || q.Get("versionId") == "" {
			return "", "", "", errInvalidArgument("Invalid copy source: unsupported query %q (only versionId=...).", query)
		}
		versionID = q.Get("versionId")
	}
	dec, perr := url.PathUnescape(path)
	if perr != nil {
		return "", "", "", errInvalidArgument("Invalid copy source encoding (%q).", cs)
	}
	bucketName, key, ok := strings.Cut(dec, "/")
	if !ok || bucketName == "" || key == "" {
		return "", "", "", errInvalidArgument("Copy Source must mention the source bucket and key: sourcebucket/sourcekey (got %q).", cs)
	}
	if err := ValidateKey(key); err != nil {
		return "", "", "", err
	}
	return bucketName, key, versionID, nil
}

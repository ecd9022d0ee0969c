package s3

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// entry is one listing result: a key or a rolled-up common prefix.
type entry struct {
	name string // the key, or the common prefix
	cp   bool
	it   item
}

// prefixEnd returns the smallest string greater than every string that
// starts with p, or "" when there is none (p is all 0xff bytes).
func prefixEnd(p string) string {
	b := []byte(p)
	for len(b) > 0 && b[len(b)-1] == 0xff {
		b = b[:len(b)-1]
	}
	if len(b) == 0 {
		return ""
	}
	b[len(b)-1]++
	return string(b)
}

// scan lists the bucket the way every S3 list operation sees it: keys
// with the prefix, rolled up at the first delimiter after the prefix into
// common prefixes, in byte order, strictly after the marker (a key or a
// common prefix: a common prefix at or before the marker is not repeated),
// and at most max entries. visible filters keys (delete markers, lost
// objects). It seeks past each common prefix, so a page costs
// O(page x log n) however many keys a prefix holds.
func (b *bucket) scan(prefix, delim, after string, max int, visible func(item) bool) (out []entry, truncated bool) {
	if max > 0 {
		out = make([]entry, 0, min(max, 1024))
	}
	truncated, _ = b.scanEach(prefix, delim, after, max, visible, func(e entry) { out = append(out, e) })
	return out, truncated
}

// scanEach is scan handing each entry to emit instead of collecting them
// (a listing page builds its response directly); it returns the last
// entry's name.
func (b *bucket) scanEach(prefix, delim, after string, max int, visible func(item) bool, emit func(entry)) (truncated bool, last string) {
	if max <= 0 {
		// MaxKeys 0 returns an empty, untruncated page.
		return false, ""
	}
	start := prefix
	if after >= start {
		start = after
	}
	n := 0
	for {
		restart, more := "", false
		// Keys come in order from start >= after, so once one is past the
		// marker all are: the comparison (which reads the key's bytes, a
		// cache miss per key in a big bucket) stops there.
		past := after == ""
		b.keys.AscendGreaterOrEqual(item{key: start}, func(it item) bool {
			if len(prefix) > 0 && !strings.HasPrefix(it.key, prefix) {
				return false
			}
			if !past {
				if it.key <= after {
					return true
				}
				past = true
			}
			if !visible(it) {
				return true
			}
			e := entry{name: it.key, it: it}
			if delim != "" {
				if i := strings.Index(it.key[len(prefix):], delim); i >= 0 {
					cp := it.key[:len(prefix)+i+len(delim)]
					restart, more = prefixEnd(cp), true
					if cp <= after {
						return false // inside a prefix already listed: skip it
					}
					e = entry{name: cp, cp: true}
				}
			}
			if n == max {
				truncated, more = true, false
				return false
			}
			n++
			last = e.name
			emit(e)
			return !e.cp
		})
		if !more || restart == "" {
			return truncated, last
		}
		start = restart
	}
}

func encodeKey(s string, enc EncodingType) string {
	if enc != EncodingTypeURL {
		return s
	}
	return strings.ReplaceAll(url.QueryEscape(s), "%2F", "/")
}

func checkEncoding(enc EncodingType) error {
	if enc != "" && enc != EncodingTypeURL {
		return errInvalidArgument("Invalid Encoding Method specified in Request (%q; only \"url\").", enc)
	}
	return nil
}

func maxKeysOf(p *int32) (int, error) {
	if p == nil {
		return MaxKeysLimit, nil
	}
	if *p < 0 {
		return 0, errInvalidArgument("max-keys must be a non-negative integer (got %d).", *p)
	}
	return min(int(*p), MaxKeysLimit), nil
}

func listContext(prefix, delim string, maxKeys *int32) map[string][]string {
	m := map[string][]string{}
	if prefix != "" {
		m["s3:prefix"] = []string{prefix}
	}
	if delim != "" {
		m["s3:delimiter"] = []string{delim}
	}
	if maxKeys != nil {
		m["s3:max-keys"] = []string{strconv.Itoa(int(*maxKeys))}
	}
	return m
}

func (s *Service) visibleCurrent(b *bucket) func(item) bool {
	return func(it item) bool { return !it.v.deleteMarker() && s.live(b, it.v) }
}

// ListObjectsV2 lists up to MaxKeys (at most 1,000) current objects and
// common prefixes in byte order of their keys. KeyCount counts both;
// IsTruncated says whether NextContinuationToken leads to more.
// StartAfter applies to the first page only; ContinuationToken, once
// given, wins. The condition keys s3:prefix, s3:delimiter and s3:max-keys
// reach bucket and identity policies.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html
func (c *Client) ListObjectsV2(ctx context.Context, in *ListObjectsV2Input) (*ListObjectsV2Output, error) {
	if in == nil {
		in = &ListObjectsV2Input{}
	}
	const op = "ListObjectsV2"
	max, err := maxKeysOf(in.MaxKeys)
	if err == nil {
		err = checkEncoding(in.EncodingType)
	}
	after := in.StartAfter
	if err == nil && in.ContinuationToken != nil {
		after, err = decodeToken(*in.ContinuationToken)
	}
	if err != nil {
		return nil, c.reject(ctx, op, in.Bucket, err)
	}
	s := c.svc
	var out *ListObjectsV2Output
	err = c.call(ctx, &request{op: op, action: "s3:ListBucket", bucket: in.Bucket, ctx: listContext(in.Prefix, in.Delimiter, in.MaxKeys), payer: in.RequestPayer}, func(sv *served) error {
		if err := checkPayer(sv, in.RequestPayer); err != nil {
			return err
		}
		b := sv.b
		enc := in.EncodingType
		out = &ListObjectsV2Output{Name: b.name, Prefix: encodeKey(in.Prefix, enc), Delimiter: encodeKey(in.Delimiter, enc),
			MaxKeys: int32(max), StartAfter: encodeKey(in.StartAfter, enc), ContinuationToken: in.ContinuationToken,
			EncodingType: enc}
		if in.MaxKeys != nil {
			out.MaxKeys = *in.MaxKeys
		}
		// The page is built as the keyspace is walked, with no list of
		// entries in between: a page of 1,000 keys allocates its response,
		// one buffer of synthetic ETags and, with FetchOwner, one block of
		// owners. Each object is written in place in the response (not
		// built and copied in), which matters while the collector runs:
		// a copy of a struct with pointers goes through the bulk write
		// barrier.
		var pg listPage
		trunc, last := b.scanEach(in.Prefix, in.Delimiter, after, max, s.visibleCurrent(b), func(e entry) {
			out.KeyCount++
			if e.cp {
				out.CommonPrefixes = append(out.CommonPrefixes, CommonPrefix{Prefix: encodeKey(e.name, enc)})
				return
			}
			if out.Contents == nil {
				pg = newListPage(min(max, MaxKeysLimit), in.FetchOwner)
				out.Contents = pg.objs
			}
			s.fillObject(pg.next(&out.Contents, b.owner), b, e.it, enc, pg.etag(len(out.Contents)-1))
		})
		out.IsTruncated = trunc
		if trunc {
			out.NextContinuationToken = String(encodeToken(last))
		}
		s.meterRequest(sv, classStandard, 1)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// listPage is the memory a listing page's objects are written into,
// allocated once per page rather than once per object.
type listPage struct {
	objs   []Object // empty, with room for the page
	etags  []byte   // etagLen bytes per object, for synthetic ETags
	owners []Owner  // one per object when the page shows owners
}

func newListPage(n int, owners bool) listPage {
	pg := listPage{objs: make([]Object, 0, n), etags: make([]byte, n*etagLen)}
	if owners {
		pg.owners = make([]Owner, n)
	}
	return pg
}

// next extends *objs by one zero object and returns it, with its Owner
// set when the page shows owners.
func (pg *listPage) next(objs *[]Object, owner string) *Object {
	n := len(*objs)
	if n < cap(*objs) {
		*objs = (*objs)[:n+1]
	} else {
		*objs = append(*objs, Object{})
	}
	o := &(*objs)[n]
	if pg.owners != nil {
		if n < len(pg.owners) {
			pg.owners[n].ID = owner
			o.Owner = &pg.owners[n]
		} else {
			o.Owner = &Owner{ID: owner}
		}
	}
	return o
}

// etag returns the ETag buffer of the page's i-th object, nil when the
// page has no room for it (etagIn then allocates).
func (pg *listPage) etag(i int) []byte {
	k := i * etagLen
	if k+etagLen > len(pg.etags) {
		return nil
	}
	return pg.etags[k : k+etagLen : k+etagLen]
}

// fillObject writes the listing of one object into o (zero but for its
// Owner); a synthetic ETag is rendered into etagBuf (nil: its own
// allocation).
func (s *Service) fillObject(o *Object, b *bucket, it item, enc EncodingType, etagBuf []byte) {
	v := it.v
	o.Key = encodeKey(it.key, enc)
	o.LastModified = s.env.TimeOf(v.modified)
	if etagBuf != nil {
		o.ETag = v.etagIn(etagBuf)
	} else {
		o.ETag = v.etag()
	}
	o.Size = v.size
	o.StorageClass = classes[v.class].name
}

// Continuation tokens are opaque to callers; this one carries the last
// entry of the page.
func encodeToken(last string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("v1:" + last))
}

func decodeToken(tok string) (string, error) {
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || !strings.HasPrefix(string(raw), "v1:") {
		return "", errInvalidArgument("The continuation token provided is incorrect")
	}
	return string(raw[3:]), nil
}

// ListObjects is version 1 of the list call: Marker instead of a token,
// and NextMarker only when a Delimiter is given (otherwise continue from
// the last key), as AWS documents.
func (c *Client) ListObjects(ctx context.Context, in *ListObjectsInput) (*ListObjectsOutput, error) {
	if in == nil {
		in = &ListObjectsInput{}
	}
	const op = "ListObjects"
	max, err := maxKeysOf(in.MaxKeys)
	if err == nil {
		err = checkEncoding(in.EncodingType)
	}
	if err != nil {
		return nil, c.reject(ctx, op, in.Bucket, err)
	}
	s := c.svc
	var out *ListObjectsOutput
	err = c.call(ctx, &request{op: op, action: "s3:ListBucket", bucket: in.Bucket, ctx: listContext(in.Prefix, in.Delimiter, in.MaxKeys), payer: in.RequestPayer}, func(sv *served) error {
		if err := checkPayer(sv, in.RequestPayer); err != nil {
			return err
		}
		b := sv.b
		es, trunc := b.scan(in.Prefix, in.Delimiter, in.Marker, max, s.visibleCurrent(b))
		enc := in.EncodingType
		out = &ListObjectsOutput{Name: b.name, Prefix: encodeKey(in.Prefix, enc), Delimiter: encodeKey(in.Delimiter, enc),
			Marker: encodeKey(in.Marker, enc), MaxKeys: int32(max), IsTruncated: trunc, EncodingType: enc}
		if in.MaxKeys != nil {
			out.MaxKeys = *in.MaxKeys
		}
		objects := 0
		for _, e := range es {
			if !e.cp {
				objects++
			}
		}
		var pg listPage
		for _, e := range es {
			if e.cp {
				out.CommonPrefixes = append(out.CommonPrefixes, CommonPrefix{Prefix: encodeKey(e.name, enc)})
				continue
			}
			if out.Contents == nil {
				pg = newListPage(objects, true) // version 1 always shows owners
				out.Contents = pg.objs
			}
			s.fillObject(pg.next(&out.Contents, b.owner), b, e.it, enc, pg.etag(len(out.Contents)-1))
		}
		if trunc && in.Delimiter != "" {
			out.NextMarker = encodeKey(es[len(es)-1].name, enc)
		}
		s.meterRequest(sv, classStandard, 1)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ListObjectsV2Paginator pages through ListObjectsV2 like the SDK's
// s3.NewListObjectsV2Paginator.
type ListObjectsV2Paginator struct {
	c         *Client
	in        ListObjectsV2Input
	firstPage bool
	next      *string
}

// NewListObjectsV2Paginator returns a paginator over in (copied).
func NewListObjectsV2Paginator(c *Client, in *ListObjectsV2Input) *ListObjectsV2Paginator {
	p := &ListObjectsV2Paginator{c: c, firstPage: true}
	if in != nil {
		p.in = *in
		p.next = in.ContinuationToken
	}
	return p
}

// HasMorePages reports whether NextPage has a page to return.
func (p *ListObjectsV2Paginator) HasMorePages() bool {
	return p.firstPage || (p.next != nil && *p.next != "")
}

// NextPage returns the next page.
func (p *ListObjectsV2Paginator) NextPage(ctx context.Context) (*ListObjectsV2Output, error) {
	if !p.HasMorePages() {
		return nil, opError("ListObjectsV2", s3err("InvalidRequest", http.StatusBadRequest, "no more pages available"))
	}
	in := p.in
	in.ContinuationToken = p.next
	out, err := p.c.ListObjectsV2(ctx, &in)
	if err != nil {
		return nil, err
	}
	p.firstPage = false
	p.next = out.NextContinuationToken
	if !out.IsTruncated {
		p.next = nil
	}
	return out, nil
}

// ListObjectVersions lists every version and delete marker, newest first
// within a key, keys in byte order, with common prefixes. KeyMarker and
// VersionIdMarker continue after a given version.
func (c *Client) ListObjectVersions(ctx context.Context, in *ListObjectVersionsInput) (*ListObjectVersionsOutput, error) {
	if in == nil {
		in = &ListObjectVersionsInput{}
	}
	const op = "ListObjectVersions"
	max, err := maxKeysOf(in.MaxKeys)
	if err == nil {
		err = checkEncoding(in.EncodingType)
	}
	if err == nil && in.VersionIdMarker != "" && in.KeyMarker == "" {
		err = errInvalidArgument("A version-id marker cannot be specified without a key marker.")
	}
	if err != nil {
		return nil, c.reject(ctx, op, in.Bucket, err)
	}
	s := c.svc
	var out *ListObjectVersionsOutput
	err = c.call(ctx, &request{op: op, action: "s3:ListBucketVersions", bucket: in.Bucket, ctx: listContext(in.Prefix, in.Delimiter, in.MaxKeys)}, func(sv *served) error {
		b := sv.b
		enc := in.EncodingType
		out = &ListObjectVersionsOutput{Name: b.name, Prefix: encodeKey(in.Prefix, enc), Delimiter: encodeKey(in.Delimiter, enc),
			KeyMarker: encodeKey(in.KeyMarker, enc), VersionIdMarker: in.VersionIdMarker, MaxKeys: int32(max), EncodingType: enc}
		if in.MaxKeys != nil {
			out.MaxKeys = *in.MaxKeys
		}
		var vmSeq uint64
		var vmNull bool
		if in.VersionIdMarker != "" {
			var ok bool
			if vmSeq, vmNull, ok = s.parseVersionID(in.VersionIdMarker); !ok {
				return errInvalidArgument("Invalid version id specified (%q).", in.VersionIdMarker)
			}
		}
		n := 0
		after := in.KeyMarker
		// Resume inside KeyMarker's versions after VersionIdMarker.
		if in.VersionIdMarker != "" {
			if it, ok := b.keys.Get(item{key: in.KeyMarker}); ok && strings.HasPrefix(it.key, in.Prefix) {
				past := false
				for v := it.v; v != nil; v = v.prev {
					if !past {
						past = vmNull && v.flags&flagNull != 0 || !vmNull && v.flags&flagNull == 0 && v.seq == vmSeq
						continue
					}
					if !s.live(b, v) {
						continue
					}
					if n == max {
						out.IsTruncated = true
						break
					}
					s.addVersion(out, b, it.key, v, v == it.v, enc)
					out.NextKeyMarker, out.NextVersionIdMarker = encodeKey(it.key, enc), s.versionID(v)
					n++
				}
			}
		}
		if out.IsTruncated {
			return nil
		}
		visible := func(it item) bool {
			for v := it.v; v != nil; v = v.prev {
				if s.live(b, v) {
					return true
				}
			}
			return false
		}
		// Entries are keys (each with all its versions) and prefixes; a
		// key's versions may span pages.
		for {
			es, _ := b.scan(in.Prefix, in.Delimiter, after, 1, visible)
			if len(es) == 0 {
				break
			}
			e := es[0]
			if e.cp {
				if n == max {
					out.IsTruncated = true
					break
				}
				out.CommonPrefixes = append(out.CommonPrefixes, CommonPrefix{Prefix: encodeKey(e.name, enc)})
				out.NextKeyMarker, out.NextVersionIdMarker = encodeKey(e.name, enc), ""
				n++
				after = e.name
				continue
			}
			for v := e.it.v; v != nil; v = v.prev {
				if !s.live(b, v) {
					continue
				}
				if n == max {
					out.IsTruncated = true
					break
				}
				s.addVersion(out, b, e.name, v, v == e.it.v, enc)
				out.NextKeyMarker, out.NextVersionIdMarker = encodeKey(e.name, enc), s.versionID(v)
				n++
			}
			if out.IsTruncated {
				break
			}
			after = e.name
		}
		if !out.IsTruncated {
			out.NextKeyMarker, out.NextVersionIdMarker = "", ""
		}
		s.meterRequest(sv, classStandard, 1)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Service) addVersion(out *ListObjectVersionsOutput, b *bucket, key string, v *version, latest bool, enc EncodingType) {
	if v.deleteMarker() {
		out.DeleteMarkers = append(out.DeleteMarkers, DeleteMarkerEntry{Key: encodeKey(key, enc), VersionId: s.versionID(v),
			IsLatest: latest, LastModified: s.env.TimeOf(v.modified)})
		return
	}
	out.Versions = append(out.Versions, ObjectVersion{Key: encodeKey(key, enc), VersionId: s.versionID(v), IsLatest: latest,
		LastModified: s.env.TimeOf(v.modified), ETag: v.etag(), Size: v.size, StorageClass: classes[v.class].name})
}

func urlQueryUnescape(s string) (string, error) { return url.QueryUnescape(s) }

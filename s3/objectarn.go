package s3

import (
	"unsafe"

	"github.com/nimbus-sim/nimbus/internal/chunks"
)

// arnChunk is the size of the chunks object ARNs are written into.
const arnChunk = 4 << 10

// objectARNOf returns "arn:<partition>:s3:::<bucket>/<key>" for a
// request whose bucket does not exist (so it has no arnPrefix), written
// as objectARN writes it.
func (s *Service) objectARNOf(partition, bucketName, key string) string {
	return s.objectARN(objectARNPrefix(partition, bucketName), key)
}

// objectARNPrefix is "arn:<partition>:s3:::<bucket>/", the part of an
// object ARN its bucket fixes: a bucket keeps its own (bucket.arnPrefix),
// so a request writes the prefix in one piece.
func objectARNPrefix(partition, bucketName string) string {
	return "arn:" + partition + ":s3:::" + bucketName + "/"
}

// objectARN returns prefix + key, the resource of an object request
// (prefix is its bucket's arnPrefix), written after the last one into the
// service's current ARN chunk. The pipeline and IAM keep a request's ARN
// past the call (the pipeline remembers the last ARN it parsed, an
// AccessDenied quotes it), so its bytes must never change, but it needs
// no allocation of its own: a response would otherwise reserve room for
// the longest ARN, and every request makes one. A chunk is freed when
// none of its ARNs is referenced any more.
func (s *Service) objectARN(prefix, key string) string {
	if a := s.lastARN; len(a) == len(prefix)+len(key) && a[len(prefix):] == key && s.lastPrefix == prefix {
		return a // its bytes never change: it is the same ARN
	}
	a := s.arns.Concat(arnChunk, prefix, key)
	s.lastPrefix, s.lastARN = prefix, a
	return a
}

// keyARN returns the ARN of key in b (b.arnPrefix + key) and looks the
// key up in b's head index, for the call's effect to take (served.findHead).
// The ARN of a key read or overwritten before is the bytes its head
// version already points to: the first request on an existing key
// writes the ARN as objectARN does and makes the head's key the ARN's
// end (flagARN), and later versions of the key share it (shareKey). So a
// run of requests on the same objects builds no ARN, and the ARN bytes
// stay allocated for as long as the key's versions are (some 40 bytes an
// object read or overwritten; a key only ever put once keeps its copy in
// the bucket's key chunks alone).
//
// A read (etag) also keeps the head's synthetic ETag right after the key
// (flagETag), rendered once with the ARN, so a run of reads renders no
// ETag either (some 34 bytes more an object read); a new version of the
// key renders its own.
//
// The look-up is returned, not stored through a pointer: a store through
// a pointer takes a write barrier while the collector marks, even into
// the caller's stack.
func (s *Service) keyARN(b *bucket, key string, etag bool) (string, headHint) {
	i, h, ok := b.heads.findSlot(key)
	hint := headHint{slot: i, hash: h, gen: b.heads.gen, ok: ok}
	if !ok || len(key) == 0 {
		return s.objectARN(b.arnPrefix, key), hint
	}
	v := b.heads.slots[i]
	etag = etag && v.syntheticETag()
	if v.flags&flagARN != 0 && (!etag || v.flags&flagETag != 0) {
		return v.arn(len(b.arnPrefix)), hint
	}
	n := len(b.arnPrefix) + len(key)
	size := n
	if etag {
		size += etagLen
	}
	d := s.arns.Take(size, arnChunk)
	copy(d[copy(d, b.arnPrefix):], key)
	v.keyData, v.flags = &d[len(b.arnPrefix)], v.flags&^flagETag|flagARN
	if etag {
		v.renderETag(d[n:])
		v.flags |= flagETag
	}
	return chunks.String(d[:n]), hint
}

// etagOf is v's ETag for a response: kept after its key (flagETag), or
// rendered into the ARN chunk, memory allocated for many.
func (s *Service) etagOf(v *version) string {
	if !v.syntheticETag() {
		return v.x.etag
	}
	if v.flags&flagETag != 0 {
		return v.keptETag()
	}
	return v.renderETag(s.arns.Take(etagLen, arnChunk))
}

// arn returns the ARN of a version whose key is the end of it
// (flagARN): the prefixLen bytes before the key and the key.
func (v *version) arn(prefixLen int) string {
	return unsafe.String((*byte)(unsafe.Add(unsafe.Pointer(v.keyData), -prefixLen)), prefixLen+int(v.keyLen))
}

// headHint is the look-up of a request's key in its bucket's head index
// that call makes before the request leaves (keyARN), which the effect
// takes instead of looking again when the index has not changed since
// (served.findHead). It holds the key's slot, not its version: call
// stores the hint into the service (served), and a pointer stored there
// takes a write barrier while the collector marks, on every call.
//
// It has four fields, so the compiler keeps it in registers: a fifth
// (a flag for "no look-up", which gen 0 says instead) makes it build the
// hint in memory field by field and then load it back whole, a load that
// waits for those stores (a store-forwarding stall).
type headHint struct {
	slot int // the key's slot in the index, when ok
	hash uint64
	// gen is the index's generation at the look-up (headIndex.gen), 0
	// for no look-up: an index that has held a key is past generation 0,
	// and one that never has holds nothing to find.
	gen uint64
	ok  bool
}

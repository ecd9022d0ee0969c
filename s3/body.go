package s3

import (
	"bytes"
	"io"
	"net/http"

	"github.com/nimbus-sim/nimbus/internal/mix"
)

// syntheticBody is the body of a size-only object: bytes derived from the
// version's identity and the offset, generated as they are read, so a
// 5 GiB size-only object costs no memory.
type syntheticBody struct {
	seed     uint64
	off, end int64 // next byte to return, one past the last
}

// SyntheticByte returns byte i of the synthetic body with the given seed.
func syntheticByte(seed uint64, i int64) byte {
	return byte(mix.SplitMix64(seed^uint64(i>>3)) >> (8 * (i & 7)))
}

func (r *syntheticBody) Read(p []byte) (int, error) {
	if r.off >= r.end {
		return 0, io.EOF
	}
	n := int64(len(p))
	if rem := r.end - r.off; n > rem {
		n = rem
	}
	for i := int64(0); i < n; i++ {
		p[i] = syntheticByte(r.seed, r.off+i)
	}
	r.off += n
	return int(n), nil
}

func (r *syntheticBody) Close() error { return nil }

// bodyIn returns a reader over bytes first..last of v; a synthetic body
// is sb, memory the caller already allocated.
func bodyIn(sb *syntheticBody, v *version, first, last int64) io.ReadCloser {
	if v.x != nil && v.x.body != nil {
		return bodyOf(v.x.body[first : last+1])
	}
	*sb = syntheticBody{seed: v.synthSeed(), off: first, end: last + 1}
	return sb
}

// bodyOf returns a reader over the bytes of an object that has them.
func bodyOf(b []byte) io.ReadCloser { return io.NopCloser(bytes.NewReader(b)) }

// synthSeed identifies a size-only version's synthetic bytes; a copy
// keeps its source's.
func (v *version) synthSeed() uint64 {
	if v.x != nil && v.x.synth != 0 {
		return v.x.synth
	}
	return v.seq ^ 0x5bd1e995
}

// readBody is the body-size logic of PutObject and UploadPart. With a
// Body, the bytes are read and their count is the size; a Content-Length
// that disagrees is IncompleteBody (400), as S3 answers a request whose
// body is shorter or longer than its header says. Without a Body,
// Content-Length alone makes a size-only object (it must not be
// negative); with neither, the body is empty. A size above limit is
// EntityTooLarge (what names the request in the message). rejected is
// S3's answer, which still goes through the pipeline; err is a failure to
// read the caller's Body.
// https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
func readBody(r io.Reader, contentLength *int64, limit int64, what string) (body []byte, size int64, rejected, err error) {
	switch {
	case r != nil:
		if body, err = io.ReadAll(r); err != nil {
			return nil, 0, nil, err
		}
		size = int64(len(body))
		if contentLength != nil && *contentLength != size {
			return nil, 0, s3err("IncompleteBody", http.StatusBadRequest,
				"You did not provide the number of bytes specified by the Content-Length HTTP header (%d given, %d sent).", *contentLength, size), nil
		}
	case contentLength != nil:
		size = *contentLength
		if size < 0 {
			return nil, 0, errInvalidArgument("Content-Length must not be negative (%d).", size), nil
		}
	default:
		body = []byte{}
	}
	if size > limit {
		return nil, 0, s3err("EntityTooLarge", http.StatusBadRequest,
			"Your proposed upload exceeds the maximum allowed size (%d bytes; %s takes at most %d).", size, what, limit), nil
	}
	return body, size, nil, nil
}

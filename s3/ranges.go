package s3

import (
	"math"
	"net/http"
	"strconv"
	"strings"
)

// ByteRange is a resolved range of an object: bytes First..Last inclusive.
type ByteRange struct {
	First, Last int64
}

// Len returns the number of bytes in the range.
func (r ByteRange) Len() int64 { return r.Last - r.First + 1 }

// ContentRange formats the Content-Range header of a 206 response,
// "bytes First-Last/size".
func (r ByteRange) ContentRange(size int64) string {
	// One allocation: every ranged GET renders one (a Downloader's parts).
	var buf [80]byte
	b := append(buf[:0], "bytes "...)
	b = strconv.AppendInt(b, r.First, 10)
	b = append(b, '-')
	b = strconv.AppendInt(b, r.Last, 10)
	b = append(b, '/')
	return string(strconv.AppendInt(b, size, 10))
}

// ParseRange resolves a Range header against an object of size bytes the
// way S3 applies RFC 9110 section 14
// (https://www.rfc-editor.org/rfc/rfc9110.html#name-range-requests):
//
//   - "bytes=a-b" is bytes a..min(b, size-1); "bytes=a-" is a..size-1;
//     "bytes=-n" is the last min(n, size) bytes.
//   - A header that does not parse as one byte range (another unit,
//     last < first, junk) is ignored, as RFC 9110 lets a server do: ok is
//     false and the whole object is returned with 200. S3 supports one
//     range per request, so a multi-range set is ignored the same way
//     (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html).
//   - A well-formed range that selects nothing (first >= size, "-0", any
//     range of an empty object) is InvalidRange, HTTP 416.
//
// An empty header means no range (ok false, no error).
func ParseRange(h string, size int64) (r ByteRange, ok bool, err error) {
	h = strings.TrimSpace(h)
	if h == "" {
		return ByteRange{}, false, nil
	}
	unit, spec, found := strings.Cut(h, "=")
	if !found || !strings.EqualFold(strings.TrimSpace(unit), "bytes") {
		return ByteRange{}, false, nil
	}
	spec = strings.TrimSpace(spec)
	if strings.Contains(spec, ",") {
		return ByteRange{}, false, nil
	}
	a, b, found := strings.Cut(spec, "-")
	if !found {
		return ByteRange{}, false, nil
	}
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	unsatisfiable := func() (ByteRange, bool, error) {
		return ByteRange{}, false, s3err("InvalidRange", http.StatusRequestedRangeNotSatisfiable,
			"The requested range is not satisfiable (Range %q, object size %d).", h, size)
	}
	if a == "" { // suffix range
		n, ok := digits(b)
		if !ok {
			return ByteRange{}, false, nil
		}
		if n == 0 || size == 0 {
			return unsatisfiable()
		}
		return ByteRange{First: size - min(n, size), Last: size - 1}, true, nil
	}
	first, ok1 := digits(a)
	if !ok1 {
		return ByteRange{}, false, nil
	}
	last := int64(-1)
	if b != "" {
		var ok2 bool
		if last, ok2 = digits(b); !ok2 || last < first {
			return ByteRange{}, false, nil
		}
	}
	if first >= size {
		return unsatisfiable()
	}
	if last < 0 || last >= size {
		last = size - 1
	}
	return ByteRange{First: first, Last: last}, true, nil
}

// digits parses a non-empty run of ASCII digits; values too large for an
// int64 saturate at math.MaxInt64, which is still "past the end" of any
// object.
func digits(s string) (int64, bool) {
	if s == "" {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		d := int64(c - '0')
		if n > (math.MaxInt64-d)/10 {
			n = math.MaxInt64
			continue
		}
		n = n*10 + d
	}
	return n, true
}

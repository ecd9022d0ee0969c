package s3

import (
	"net/http"
	"net/netip"
	"strings"
	"unicode/utf8"

	"github.com/nimbus-sim/nimbus/internal/strs"
)

// Naming and size limits of general purpose buckets and objects.
const (
	// MaxKeyLength is the longest object key in bytes of UTF-8.
	// https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html
	MaxKeyLength = 1024
	// MaxUserMetadataBytes bounds user-defined metadata (keys and values
	// as UTF-8) in a PUT request header.
	// https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingMetadata.html
	MaxUserMetadataBytes = 2 << 10
	// MaxPutObjectSize is the largest object one PutObject can upload.
	// https://docs.aws.amazon.com/AmazonS3/latest/userguide/upload-objects.html
	MaxPutObjectSize = 5 << 30
	// MinPartSize, MaxPartSize and MaxParts are the multipart rules; the
	// last part may be smaller than MinPartSize. MaxObjectSize is the
	// product MaxParts x MaxPartSize, the "48.8 TiB" of
	// https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html
	MinPartSize   = 5 << 20
	MaxPartSize   = 5 << 30
	MaxParts      = 10_000
	MaxObjectSize = MaxParts * MaxPartSize
	// MaxCopySourceSize is the largest object CopyObject copies in one
	// request (larger sources need UploadPartCopy).
	MaxCopySourceSize = 5 << 30
	// MaxDeleteObjects is the most keys one DeleteObjects request names.
	MaxDeleteObjects = 1000
	// MaxKeysLimit caps MaxKeys of the list operations.
	MaxKeysLimit = 1000
	// MaxBucketPolicyBytes bounds a bucket policy document (20 KB).
	// https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-policies.html
	MaxBucketPolicyBytes = 20 << 10
	// DefaultBucketQuota is the number of general purpose buckets an
	// account may create (10,000 since 2024; a Service Quotas value).
	// https://docs.aws.amazon.com/AmazonS3/latest/userguide/BucketRestrictions.html
	DefaultBucketQuota = 10_000
)

// ValidateBucketName applies the naming rules of general purpose buckets
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html):
// 3 to 63 characters of lowercase letters, digits, dots and hyphens,
// beginning and ending with a letter or digit, no two adjacent dots, not
// shaped like an IPv4 address, none of the reserved prefixes xn--,
// sthree- and amzn-s3-demo-, and none of the reserved suffixes -s3alias,
// --ol-s3, .mrap, --x-s3 and --table-s3. The error is InvalidBucketName
// (HTTP 400) and says which rule failed.
func ValidateBucketName(name string) error {
	bad := func(why string) error {
		return s3err("InvalidBucketName", http.StatusBadRequest, "The specified bucket is not valid: %q %s.", name, why)
	}
	if len(name) < 3 || len(name) > 63 {
		return bad("must be between 3 and 63 characters long")
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-') {
			return bad("may contain only lowercase letters, numbers, dots (.) and hyphens (-)")
		}
	}
	alnum := func(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }
	if !alnum(name[0]) || !alnum(name[len(name)-1]) {
		return bad("must begin and end with a letter or number")
	}
	if strings.Contains(name, "..") {
		return bad("must not contain two adjacent periods")
	}
	if a, err := netip.ParseAddr(name); err == nil && a.Is4() {
		return bad("must not be formatted as an IP address")
	}
	for _, p := range []string{"xn--", "sthree-", "amzn-s3-demo-"} {
		if strings.HasPrefix(name, p) {
			return bad("must not start with the reserved prefix " + p)
		}
	}
	for _, s := range []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"} {
		if strings.HasSuffix(name, s) {
			return bad("must not end with the reserved suffix " + s)
		}
	}
	return nil
}

// ValidateKey applies the key rules: a non-empty UTF-8 string of at most
// MaxKeyLength bytes. A longer key is KeyTooLongError (HTTP 400).
func ValidateKey(key string) error {
	switch {
	case key == "":
		return errInvalidArgument("The object key must not be empty.")
	case len(key) > MaxKeyLength:
		return s3err("KeyTooLongError", http.StatusBadRequest, "Your key is too long (%d bytes; at most %d).", len(key), MaxKeyLength)
	case !ascii(key) && !utf8.ValidString(key):
		return errInvalidArgument("The object key must be valid UTF-8.")
	}
	return nil
}

// ascii reports whether s is all ASCII, eight bytes at a time: every
// request checks its key, and utf8.ValidString goes byte by byte through
// a key shorter than 17 bytes. A key of eight bytes or more ends with
// the word of its last eight bytes, overlapping the one before, rather
// than byte by byte.
func ascii(s string) bool {
	if len(s) < 8 {
		for i := 0; i < len(s); i++ {
			if s[i] >= utf8.RuneSelf {
				return false
			}
		}
		return true
	}
	w := strs.Load64(s[len(s)-8:])
	for i := 0; len(s)-i > 8; i += 8 {
		w |= strs.Load64(s[i:])
	}
	return w&0x8080808080808080 == 0
}

func metadataSize(m map[string]string) int {
	n := 0
	for k, v := range m {
		n += len(k) + len(v)
	}
	return n
}

func checkMetadata(m map[string]string) error {
	if n := metadataSize(m); n > MaxUserMetadataBytes {
		return s3err("MetadataTooLarge", http.StatusBadRequest,
			"Your metadata headers exceed the maximum allowed metadata size (%d bytes; at most %d).", n, MaxUserMetadataBytes)
	}
	return nil
}

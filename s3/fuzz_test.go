package s3

import (
	"net/netip"
	"strings"
	"testing"
	"unicode/utf8"
)

// slowValidBucketName is the naming rules written out the obvious way,
// the oracle for FuzzBucketName.
func slowValidBucketName(name string) bool {
	if len(name) < 3 || len(name) > 63 {
		return false
	}
	for _, r := range name {
		if !strings.ContainsRune("abcdefghijklmnopqrstuvwxyz0123456789.-", r) {
			return false
		}
	}
	first, last := rune(name[0]), rune(name[len(name)-1])
	if strings.ContainsRune(".-", first) || strings.ContainsRune(".-", last) || strings.Contains(name, "..") {
		return false
	}
	if a, err := netip.ParseAddr(name); err == nil && a.Is4() {
		return false
	}
	for _, p := range []string{"xn--", "sthree-", "amzn-s3-demo-"} {
		if strings.HasPrefix(name, p) {
			return false
		}
	}
	for _, s := range []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"} {
		if strings.HasSuffix(name, s) {
			return false
		}
	}
	return true
}

func FuzzBucketName(f *testing.F) {
	for _, s := range []string{"my-bucket", "a.b.c", "ab", "Bucket", "192.168.5.4", "xn--abc", "data--x-s3", "a..b", "-ab", strings.Repeat("a", 64)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		err := ValidateBucketName(name)
		if (err == nil) != slowValidBucketName(name) {
			t.Fatalf("ValidateBucketName(%q) = %v, oracle says valid=%v", name, err, slowValidBucketName(name))
		}
		if err != nil && codeOf(err) != "InvalidBucketName" {
			t.Fatalf("code %q", codeOf(err))
		}
	})
}

func FuzzKey(f *testing.F) {
	for _, s := range []string{"a", "dir/sub/file.txt", "", strings.Repeat("k", 1025), "\xff\xfe", "é/ü", "with space+plus"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, key string) {
		err := ValidateKey(key)
		ok := key != "" && len(key) <= MaxKeyLength && isUTF8(key)
		if (err == nil) != ok {
			t.Fatalf("ValidateKey(%q) = %v, want ok=%v", key, err, ok)
		}
		if len(key) > MaxKeyLength && codeOf(err) != "KeyTooLongError" {
			t.Fatalf("long key: %v", err)
		}
		// The URL encoding of list responses is reversible.
		if err == nil && decodeURLKey(t, encodeKey(key, EncodingTypeURL)) != key {
			t.Fatalf("url encoding of %q does not round-trip", key)
		}
	})
}

func isUTF8(s string) bool { return utf8.ValidString(s) }

func decodeURLKey(t *testing.T, s string) string {
	t.Helper()
	out, err := urlQueryUnescape(s)
	if err != nil {
		t.Fatalf("unescape %q: %v", s, err)
	}
	return out
}

// FuzzRange checks ParseRange against slicing: a satisfiable range lies
// inside the object, agrees with the header's numbers, and its
// Content-Range round-trips; nothing panics.
func FuzzRange(f *testing.F) {
	for _, s := range []string{"bytes=0-99", "bytes=100-", "bytes=-5", "bytes=5-1", "bytes=0-0,5-9", "items=0-1", "bytes=-0", "bytes= 3 - 7 ", "BYTES=1-2", "bytes=99999999999999999999-"} {
		f.Add(s, int64(100))
	}
	f.Add("bytes=0-", int64(0))
	f.Fuzz(func(t *testing.T, hdr string, size int64) {
		if size < 0 {
			size = -size
		}
		if size < 0 {
			return
		}
		r, ok, err := ParseRange(hdr, size)
		if err != nil {
			if codeOf(err) != "InvalidRange" || statusOf(err) != 416 {
				t.Fatalf("ParseRange(%q, %d): %v", hdr, size, err)
			}
			return
		}
		if !ok {
			return
		}
		if r.First < 0 || r.Last >= size || r.First > r.Last {
			t.Fatalf("ParseRange(%q, %d) = %+v outside the object", hdr, size, r)
		}
		cr := r.ContentRange(size)
		r2, ok2, err2 := ParseRange("bytes="+strings.TrimSuffix(strings.TrimPrefix(cr, "bytes "), "/"+fmtInt(size)), size)
		if err2 != nil || !ok2 || r2 != r {
			t.Fatalf("Content-Range %q does not round-trip: %+v %v %v", cr, r2, ok2, err2)
		}
	})
}

// FuzzBucketPolicy: any document either parses into a bucket policy that
// prints and parses back to the same policy (public or not alike), or is
// MalformedPolicy; nothing panics.
func FuzzBucketPolicy(f *testing.F) {
	f.Add(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`)
	f.Add(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"StringLike":{"s3:prefix":"home/*"},"NumericLessThan":{"s3:max-keys":"10"}}}]}`)
	f.Add(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringNotEquals":{"s3:x-amz-server-side-encryption":"aws:kms"}}}]}`)
	f.Add(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1"}}}]}`)
	f.Add(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}]}`)
	f.Add(`{"Statement":[]}`)
	f.Add(`not json`)
	f.Fuzz(func(t *testing.T, doc string) {
		p, err := ParseBucketPolicy(doc, "aws", "b")
		if err != nil {
			if codeOf(err) != "MalformedPolicy" {
				t.Fatalf("ParseBucketPolicy: %v", err)
			}
			return
		}
		p2, err := ParseBucketPolicy(p.String(), "aws", "b")
		if err != nil {
			t.Fatalf("printed policy does not parse: %v\n%s", err, p.String())
		}
		if !p.Equal(p2) || IsPublicPolicy(p) != IsPublicPolicy(p2) {
			t.Fatalf("round trip changed the policy:\n%s\n%s", p.String(), p2.String())
		}
	})
}

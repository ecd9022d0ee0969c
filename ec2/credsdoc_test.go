package ec2

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/internal/jsonw"
	"github.com/stretchr/testify/require"
)

// serviceDoc is a credentials document as the metadata service writes it.
const serviceDoc = `{"Code":"Success","LastUpdated":"2026-03-04T05:06:07Z","Type":"AWS-HMAC",` +
	`"AccessKeyId":"ASIAABCDEFGHIJKLMNOP","SecretAccessKey":"abc+/DEF012","Token":"IQoJb3JpZ2luX2VjE+/=",` +
	`"Expiration":"2026-03-04T11:06:07Z"}`

// unmarshalCreds is the oracle: what encoding/json makes of doc.
func unmarshalCreds(doc string) (IMDSCredentialsDocument, error) {
	var d IMDSCredentialsDocument
	err := json.Unmarshal([]byte(doc), &d)
	return d, err
}

// requireSameAsJSON holds ParseIMDSCredentials to encoding/json on doc:
// the same document, or both an error.
func requireSameAsJSON(t *testing.T, doc string) {
	t.Helper()
	want, wantErr := unmarshalCreds(doc)
	got, err := ParseIMDSCredentials(doc)
	if wantErr != nil {
		require.Error(t, err, "doc %q", doc)
		require.Equal(t, "ec2 imds: credentials document: "+wantErr.Error(), err.Error())
		require.Zero(t, got)
		return
	}
	require.NoError(t, err, "doc %q", doc)
	require.Equal(t, want, got, "doc %q", doc)
}

func TestParseIMDSCredentials(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		direct    bool // read without encoding/json
		err       string
	}{
		{name: "service", doc: serviceDoc, direct: true},
		{name: "empty object", doc: `{}`, direct: true},
		{name: "some fields", doc: `{"Token":"t","AccessKeyId":"a"}`, direct: true},
		{name: "duplicate key keeps the last", doc: `{"Token":"t1","Token":"t2"}`, direct: true},
		{name: "braces and colons in values", doc: `{"Code":"}","Type":":,{"}`, direct: true},
		{name: "HTML characters unescaped", doc: `{"Token":"<a&b>"}`, direct: true},
		{name: "whitespace", doc: "{ \"Code\" : \"Success\" }\n"},
		{name: "escapes", doc: `{"Token":"a\"b\\c\u00e9\/"}`},
		{name: "non-ASCII", doc: `{"Token":"é"}`},
		{name: "invalid UTF-8", doc: "{\"Token\":\"\xff\"}"},
		{name: "unknown field", doc: `{"Code":"Success","Extra":"x"}`},
		{name: "case-insensitive key", doc: `{"accesskeyid":"a"}`},
		{name: "null value", doc: `{"Token":null}`},
		{name: "nested value", doc: `{"Extra":{"a":["b"]},"Token":"t"}`},
		{name: "number value", doc: `{"Token":1}`, err: "cannot unmarshal number"},
		{name: "empty", doc: ``, err: "unexpected end of JSON input"},
		{name: "truncated", doc: `{"Code":"Succ`, err: "unexpected end of JSON input"},
		{name: "unterminated in braces", doc: `{"Code":"a}`, err: "unexpected end of JSON input"},
		{name: "trailing comma", doc: `{"Code":"a",}`, err: "invalid character '}'"},
		{name: "missing colon", doc: `{"Code" "a"}`, err: "invalid character"},
		{name: "not an object", doc: `"Success"`, err: "cannot unmarshal string"},
		{name: "control byte", doc: "{\"Token\":\"a\tb\"}", err: "invalid character"},
		{name: "trailing garbage", doc: `{"Code":"a"}x`, err: "invalid character 'x' after top-level value"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, direct := parseFlatCredentials(tc.doc)
			require.Equal(t, tc.direct, direct)
			requireSameAsJSON(t, tc.doc)
			_, err := ParseIMDSCredentials(tc.doc)
			if tc.err == "" {
				require.NoError(t, err)
			} else {
				require.ErrorContains(t, err, tc.err)
			}
		})
	}
}

// TestPlainASCII holds the word-at-a-time test to a byte-at-a-time one
// for every byte value at every place of a word and of the tail.
func TestPlainASCII(t *testing.T) {
	for n := 1; n <= 17; n++ {
		for i := 0; i < n; i++ {
			for c := 0; c < 256; c++ {
				b := []byte(strings.Repeat("a", n))
				b[i] = byte(c)
				want := c >= 0x20 && c <= 0x7e && c != '\\'
				require.Equal(t, want, plainASCII(string(b)), "byte %#x at %d of %d", c, i, n)
			}
		}
	}
	require.True(t, plainASCII(""))
	// Two bytes of a word at once, where a borrow or carry from one byte
	// could mislead the test of its neighbour.
	ok := func(c byte) bool { return c >= 0x20 && c <= 0x7e && c != '\\' }
	b := []byte("aaaaaaaa")
	for i := 0; i < 8; i++ {
		for j := i + 1; j < 8; j++ {
			for c := 0; c < 256*256; c++ {
				b[i], b[j] = byte(c), byte(c>>8)
				if plainASCII(string(b)) != (ok(b[i]) && ok(b[j])) {
					require.Fail(t, "plainASCII", "%q", b)
				}
			}
			b[i], b[j] = 'a', 'a'
		}
	}
}

// TestParseIMDSCredentialsAllocs: the service's document costs no
// allocation; its fields are substrings of it.
func TestParseIMDSCredentialsAllocs(t *testing.T) {
	var d IMDSCredentialsDocument
	allocs := testing.AllocsPerRun(100, func() { d, _ = ParseIMDSCredentials(serviceDoc) })
	require.Zero(t, allocs)
	require.Equal(t, "ASIAABCDEFGHIJKLMNOP", d.AccessKeyId)
	require.Equal(t, "2026-03-04T11:06:07Z", d.Expiration)
}

// FuzzParseIMDSCredentials: on any input, ParseIMDSCredentials answers
// as encoding/json does, and whatever the direct reader accepts
// encoding/json decodes to the same document.
func FuzzParseIMDSCredentials(f *testing.F) {
	for _, s := range []string{serviceDoc, `{}`, `{"Token":"t","Token":"u"}`, "{ \"Code\" : \"a\" }",
		`{"Token":"a\"b"}`, `{"accesskeyid":"a"}`, `{"Token":null}`, `{"Token":1}`, `{"Code":"a",}`,
		`{"Code":"a}`, `{"Code":"}"}`, `[]`, ``, "{\"Token\":\"\xff\"}", `{"Code":"a"}x`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		if d, ok := parseFlatCredentials(doc); ok {
			want, err := unmarshalCreds(doc)
			require.NoError(t, err, "direct reader accepted %q", doc)
			require.Equal(t, want, d, "doc %q", doc)
		}
		requireSameAsJSON(t, doc)
	})
}

// FuzzIMDSCredentialsRoundTrip: a document the service writes
// (credsDocument) reads back as the credentials it was written from,
// directly whenever their strings need no escape.
func FuzzIMDSCredentialsRoundTrip(f *testing.F) {
	f.Add("ASIAABCDEFGHIJKLMNOP", "abc+/DEF012", "IQoJb3JpZ2luX2VjE+/=", int64(1772600767), int64(21600))
	f.Add(`a"b\c`, "<tag>&amp;", "tab\there\nnew\x01\x7f", int64(0), int64(0))
	f.Add("é\u2028ü", "\xff\xfe", "", int64(-1), int64(-3600))
	f.Fuzz(func(t *testing.T, key, secret, token string, fetched, ttl int64) {
		// Years 0 to 9999, which RFC 3339 can write.
		const lo, span = -62167219200, 315537897600
		at := time.Unix(lo+(fetched%span+span)%span, 0)
		exp := time.Unix(lo+((fetched+ttl)%span+span)%span, 0)
		c := iam.Credentials{AccessKeyID: key, SecretAccessKey: secret, SessionToken: token, Expiration: exp}
		doc := credsDocument(c, at)
		got, err := ParseIMDSCredentials(doc)
		require.NoError(t, err)
		requireSameAsJSON(t, doc)
		_, direct := parseFlatCredentials(doc)
		require.Equal(t, jsonw.Plain(key+secret+token), direct, "doc %q", doc)
		require.Equal(t, "Success", got.Code)
		require.Equal(t, "AWS-HMAC", got.Type)
		require.Equal(t, at.UTC().Format(time.RFC3339), got.LastUpdated)
		require.Equal(t, exp.UTC().Format(time.RFC3339), got.Expiration)
		if utf8.ValidString(key) && utf8.ValidString(secret) && utf8.ValidString(token) { // json.Marshal writes invalid UTF-8 as U+FFFD
			require.Equal(t, []string{key, secret, token}, []string{got.AccessKeyId, got.SecretAccessKey, got.Token})
		}
	})
}

package jsonw

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// TestStringMatchesMarshal (rapid): the fast path for plain strings writes
// what encoding/json does, for any string (String to either writer, and
// Append from a string or bytes), including quotes, escapes, HTML
// characters, control bytes and invalid UTF-8, to either writer.
func TestStringMatchesMarshal(t *testing.T) {
	check := func(t require.TestingT, s string) {
		want, err := json.Marshal(s)
		require.NoError(t, err)
		var b bytes.Buffer
		String(&b, s)
		require.Equal(t, string(want), b.String(), "%q", s)
		var sb strings.Builder
		String(&sb, s)
		require.Equal(t, string(want), sb.String(), "%q", s)
		require.Equal(t, string(want), string(Append([]byte(nil), s)), "%q", s)
		require.Equal(t, "x"+string(want), string(Append([]byte("x"), []byte(s))), "%q", s)
	}
	for _, s := range []string{"", "s3:GetObject", "arn:aws:s3:::b/*", `a"b`, `a\b`, "<&>", "tab\there", "\x00\x1f", "é", "\xff", "\u2028", "~ !#$%\x7f"} {
		check(t, s)
	}
	rapid.Check(t, func(rt *rapid.T) {
		s := rapid.OneOf(rapid.String(), rapid.StringMatching(`[ -~]{0,40}`),
			rapid.Map(rapid.SliceOf(rapid.Byte()), func(b []byte) string { return string(b) })).Draw(rt, "s")
		check(rt, s)
	})
}

func FuzzString(f *testing.F) {
	f.Add("AKIA0123456789")
	f.Add("a\u2028b<")
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		var b bytes.Buffer
		String(&b, s)
		if b.String() != string(want) {
			t.Fatalf("String(%q) = %s, json.Marshal = %s", s, b.String(), want)
		}
	})
}

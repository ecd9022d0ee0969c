package iam

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// TestWriteJSONStringMatchesMarshal (rapid): the fast path for plain
// strings writes what encoding/json does, for any string, including
// quotes, escapes, HTML characters, control bytes and invalid UTF-8.
func TestWriteJSONStringMatchesMarshal(t *testing.T) {
	for _, s := range []string{"", "s3:GetObject", "arn:aws:s3:::b/*", `a"b`, `a\b`, "<&>", "tab\there", "é", "\xff", "\u2028", "~ !#$%"} {
		var b bytes.Buffer
		writeJSONString(&b, s)
		want, err := json.Marshal(s)
		require.NoError(t, err)
		require.Equal(t, string(want), b.String(), "%q", s)
	}
	rapid.Check(t, func(rt *rapid.T) {
		s := rapid.OneOf(rapid.String(), rapid.StringMatching(`[ -~]{0,40}`),
			rapid.Map(rapid.SliceOf(rapid.Byte()), func(b []byte) string { return string(b) })).Draw(rt, "s")
		var b bytes.Buffer
		writeJSONString(&b, s)
		want, _ := json.Marshal(s)
		if b.String() != string(want) {
			rt.Fatalf("writeJSONString(%q) = %s, json.Marshal = %s", s, b.String(), want)
		}
	})
}

package iam

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// decodeStd is what ParsePolicy did before the fast path: one value with
// encoding/json (UseNumber), nothing but whitespace after it.
func decodeStd(doc string) (any, bool) {
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() || strings.TrimSpace(doc[dec.InputOffset():]) != "" {
		return nil, false
	}
	return v, true
}

// fastCases are documents at the edges of what the fast path takes.
var fastCases = []string{
	benchPolicy,
	`{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`,
	" \t\r\n{ } \n", `[]`, `[ ]`, `{"a":[{},[],"",0,-0,1.5e3,-2E-7,0.25,true,false,null]}`,
	`{"a":1,"a":2}`, `{"k":"v",}`, `[1,]`, `{"k" "v"}`, `{"k":}`, `{,}`, `[,1]`, `01`, `-`, `1.`, `1e`, `1e+`,
	`.5`, `+1`, `tru`, `truex`, `nul`, `{"a":1}x`, `{"a":1} {}`, `{"a":1}]`, `"a\"b"`, `"é"`, "\"\x01\"", "\"\x7f\"",
	`{"a`, `{"a":"b`, `[`, `{`, `"`, ``, ` `, `{"a":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}`,
	"\ufeff{}", `{"a":1e400}`, `{"n":-0.0e-0}`,
}

// TestDecodeFastMatchesEncodingJSON: wherever the fast path answers, its
// tree is encoding/json's, and it answers for plain policy documents; for
// the rest ParsePolicy falls back to encoding/json.
func TestDecodeFastMatchesEncodingJSON(t *testing.T) {
	for _, doc := range fastCases {
		checkDecodeFast(t, doc)
	}
	_, ok := decodeFast(benchPolicy)
	require.True(t, ok, "a plain policy takes the fast path")
	_, ok = decodeFast(`{"a":"caf\u00e9"}`)
	require.False(t, ok, "escapes go to encoding/json")
}

// TestDecodeFastMatchesEncodingJSONRapid: the same for random documents
// over JSON's alphabet and for random valid trees.
func TestDecodeFastMatchesEncodingJSONRapid(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		doc := rapid.StringOfN(rapid.SampledFrom([]rune(`{}[]:,"\ 01-.eE+9truefalsn`+"\t\n\x01é")), 0, 40, -1).Draw(t, "doc")
		checkDecodeFast(t, doc)
	})
	rapid.Check(t, func(t *rapid.T) {
		v := jsonTree(t, 0)
		b, err := json.Marshal(v)
		require.NoError(t, err)
		checkDecodeFast(t, string(b))
		_, ok := decodeFast(string(b))
		require.True(t, ok, "plain ASCII JSON takes the fast path: %s", b)
	})
}

// jsonTree draws a value with plain ASCII strings.
func jsonTree(t *rapid.T, depth int) any {
	kind := rapid.IntRange(0, 5).Draw(t, "kind")
	if depth > 3 {
		kind %= 4
	}
	word := rapid.StringMatching(`[A-Za-z0-9:*/ _.-]{0,8}`)
	switch kind {
	case 0:
		return word.Draw(t, "s")
	case 1:
		return rapid.Float64().Draw(t, "n")
	case 2:
		return rapid.Bool().Draw(t, "b")
	case 3:
		return nil
	case 4:
		l := []any{}
		for range rapid.IntRange(0, 3).Draw(t, "len") {
			l = append(l, jsonTree(t, depth+1))
		}
		return l
	}
	m := map[string]any{}
	for range rapid.IntRange(0, 3).Draw(t, "len") {
		m[word.Draw(t, "k")] = jsonTree(t, depth+1)
	}
	return m
}

func checkDecodeFast(t require.TestingT, doc string) {
	got, ok := decodeFast(doc)
	if !ok {
		return
	}
	want, wantOK := decodeStd(doc)
	require.True(t, wantOK, "fast path accepted what encoding/json rejects: %q", doc)
	require.Equal(t, want, stdTree(t, got), "doc %q", doc)
}

// stdTree is a decodeFast tree as encoding/json builds it: its arrays of
// strings, which must be non-empty []string and nothing else, as []any.
func stdTree(t require.TestingT, v any) any {
	switch x := v.(type) {
	case []string:
		require.NotEmpty(t, x, "an empty array came out as []string")
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out
	case []any:
		out := make([]any, len(x))
		allStrings := len(x) > 0
		for i, e := range x {
			out[i] = stdTree(t, e)
			_, isStr := e.(string)
			allStrings = allStrings && isStr
		}
		require.False(t, allStrings, "an array of strings came out as []any: %v", x)
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = stdTree(t, e)
		}
		return out
	}
	return v
}

// FuzzDecodeFast: the fast path never disagrees with encoding/json.
func FuzzDecodeFast(f *testing.F) {
	for _, doc := range fastCases {
		f.Add(doc)
	}
	f.Fuzz(func(t *testing.T, doc string) { checkDecodeFast(t, doc) })
}

// TestARNSection: arnSection is strings.SplitN's section i.
func TestARNSection(t *testing.T) {
	for _, s := range []string{"arn:aws:s3:::b/*", "arn:aws:s3", "arn:aws::x", "a:b:c:d:e:f", "arn:aws:s3:*", "::"} {
		require.Equal(t, strings.SplitN(s, ":", 4)[2], arnSection(s, 2), s)
	}
}

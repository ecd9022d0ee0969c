package main

import (
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestParseCredsDocMatchesJSON holds the credentials document parser to
// json.Unmarshal: the same fields and an error exactly when it errs, on
// the metadata service's document, hand-picked shapes and random
// mutations of the document.
func TestParseCredsDocMatchesJSON(t *testing.T) {
	doc := `{"Code":"Success","LastUpdated":"2026-01-01T00:00:00Z","Type":"AWS-HMAC",` +
		`"AccessKeyId":"ASIAEXAMPLE","SecretAccessKey":"s3cr3t/+x","Token":"IQoJb3JpZ2luX2VjEabc",` +
		`"Expiration":"2026-01-01T06:00:00Z"}`
	cases := []string{
		doc, "{}", " { } ", "null", "", "[]", `{"Token":1}`, `{"Token":"a\"b"}`, `{"Token":"a\u00e9"}`,
		`{"token":"lower"}`, `{"TOKEN":"upper","Token":"exact"}`, `{"Token":"exact","TOKEN":"upper"}`,
		`{"Token":"a","Token":"b"}`, `{"Other":{"x":1},"Token":"t"}`, `{"Token":"t"} x`, `{"Token":"t",}`,
		`{"Token" : "t" , "Expiration":"e"}`, "{\"Token\":\"t\x01\"}", "{\"Token\":\"\xff\"}",
		"{\"Toke\u212a\":\"kelvin\"}", `{"Token":"t"`, `{"Token":}`, `{"Token"`, `{`, `{"Token":"t"}}`,
		"\t{\n\"Token\"\r:\"t\"}\n",
	}
	const junk = `{}[]":,\ aZ0`
	r := rand.New(rand.NewPCG(5, 6))
	for range 3000 {
		b := []byte(doc)
		for range 1 + r.IntN(3) {
			b[r.IntN(len(b))] = junk[r.IntN(len(junk))]
		}
		cases = append(cases, string(b))
	}
	fast := 0
	for _, body := range cases {
		var want credsDoc
		wantErr := json.Unmarshal([]byte(body), &want)
		got, err := parseCredsDoc(body)
		if wantErr != nil {
			require.Error(t, err, "%q", body)
			require.Equal(t, wantErr.Error(), err.Error(), "%q", body)
			continue
		}
		require.NoError(t, err, "%q", body)
		require.Equal(t, want, got, "%q", body)
		if _, ok := flatCredsDoc(body); ok {
			fast++
		}
	}
	d, ok := flatCredsDoc(doc)
	require.True(t, ok, "the metadata service's document takes the fast path")
	require.Equal(t, credsDoc{AccessKeyId: "ASIAEXAMPLE", SecretAccessKey: "s3cr3t/+x",
		Token: "IQoJb3JpZ2luX2VjEabc", Expiration: "2026-01-01T06:00:00Z"}, d)
	require.Greater(t, fast, 10)
}

package ec2

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/iam"
	"github.com/stretchr/testify/require"
)

// TestCredentialsDocumentIsJSONMarshal: the hand-appended credentials
// document is byte for byte what json.Marshal makes of its fields, for
// credentials of the usual alphabets and for strings json.Marshal escapes
// (quotes, backslashes, HTML characters, control and non-ASCII bytes).
func TestCredentialsDocumentIsJSONMarshal(t *testing.T) {
	at := time.Date(2026, 3, 4, 5, 6, 7, 890, time.FixedZone("x", 3600))
	for _, c := range []iam.Credentials{
		{AccessKeyID: "ASIAABCDEFGHIJKLMNOP", SecretAccessKey: "abc+/DEF012", SessionToken: "IQoJb3JpZ2luX2VjE+/=", Expiration: at.Add(6 * time.Hour)},
		{AccessKeyID: `a"b\c`, SecretAccessKey: "<tag>&amp;", SessionToken: "tab\there\nnew\x01\x7f", Expiration: at},
		{AccessKeyID: "é\u2028ü", SecretAccessKey: "\xff\xfe", SessionToken: "", Expiration: time.Time{}},
		{AccessKeyID: "ASIAABCDEFGHIJKLMNOP", SecretAccessKey: "abc", SessionToken: strings.Repeat("IQoJb3JpZ2luX2VjE+/=", 100), Expiration: at},
	} {
		want, err := json.Marshal(IMDSCredentialsDocument{"Success", at.UTC().Format(time.RFC3339), "AWS-HMAC", c.AccessKeyID, c.SecretAccessKey,
			c.SessionToken, c.Expiration.UTC().Format(time.RFC3339)})
		require.NoError(t, err)
		require.Equal(t, string(want), credsDocument(c, at))
	}
}

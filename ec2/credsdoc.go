package ec2

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/nimbus-sim/nimbus/internal/strs"
)

// IMDSCredentialsDocument is the JSON document the instance metadata
// service serves at iam/security-credentials/<role>, field for field:
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instance-metadata-security-credentials.html
// Its times are RFC 3339 strings, as served.
type IMDSCredentialsDocument struct {
	Code            string
	LastUpdated     string
	Type            string
	AccessKeyId     string
	SecretAccessKey string
	Token           string
	Expiration      string
}

// ParseIMDSCredentials decodes a credentials document: the result and
// the error are always those of json.Unmarshal into an
// IMDSCredentialsDocument (the error wrapped, the document zero).
//
// It takes the document as GetMetadata returns it, a string, and reads
// the one the metadata service writes (an object of string fields
// without whitespace, escapes or bytes outside printable ASCII, as
// credsDocument renders STS credentials) directly: its fields are
// substrings of doc, so a read of the credentials allocates nothing,
// where encoding/json's reflection cost more than the metadata read
// itself. Any other document (whitespace, escapes, non-ASCII, other
// fields or values, malformed) goes to encoding/json, which then gives
// the same answer as for every document (FuzzParseIMDSCredentials).
func ParseIMDSCredentials(doc string) (IMDSCredentialsDocument, error) {
	if d, ok := parseFlatCredentials(doc); ok {
		return d, nil
	}
	var d IMDSCredentialsDocument
	if err := json.Unmarshal([]byte(doc), &d); err != nil {
		return IMDSCredentialsDocument{}, fmt.Errorf("ec2 imds: credentials document: %w", err)
	}
	return d, nil
}

// parseFlatCredentials reads doc if it is {"Key":"value",...} with only
// the document's own keys, spelled as the service spells them, and
// values of printable ASCII without '"' or '\'; ok is false for anything
// else. A key given twice keeps its last value, as with encoding/json.
func parseFlatCredentials(doc string) (d IMDSCredentialsDocument, ok bool) {
	if len(doc) < 2 || doc[0] != '{' || doc[len(doc)-1] != '}' {
		return d, false
	}
	s := doc[1 : len(doc)-1]
	if s == "" {
		return d, true
	}
	for {
		key, rest, ok := flatString(s)
		if !ok || rest == "" || rest[0] != ':' {
			return d, false
		}
		val, rest, ok := flatString(rest[1:])
		if !ok {
			return d, false
		}
		f := d.field(key)
		if f == nil {
			return d, false
		}
		*f = val
		if rest == "" {
			return d, true
		}
		if rest[0] != ',' {
			return d, false
		}
		s = rest[1:]
	}
}

// flatString reads the JSON string s starts with, if it holds only
// printable ASCII without escapes: those bytes are the string's value
// as they stand. It returns the value and what follows the closing
// quote. An escaped quote ends the search too soon, but the backslash
// before it then fails plainASCII.
func flatString(s string) (v, rest string, ok bool) {
	if s == "" || s[0] != '"' {
		return "", "", false
	}
	i := strings.IndexByte(s[1:], '"') + 1
	if i == 0 || !plainASCII(s[1:i]) {
		return "", "", false
	}
	return s[1:i], s[i+1:], true
}

// plainASCII reports whether s is printable ASCII (0x20 to 0x7e) without
// '\': bytes a JSON string holds as they stand, '"' aside. It tests
// eight bytes at a time with the bit tricks of
// https://graphics.stanford.edu/~seander/bithacks.html#HasLessInWord
// (and HasMoreInWord, ValueInWord), which tell exactly whether some byte
// of a word is below, above or equal to a value: a byte at a time cost
// twelve instructions a byte, five times the rest of the read.
func plainASCII(s string) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	for ; len(s) >= 8; s = s[8:] {
		w := strs.Load64(s)
		low := (w - 0x20*ones) &^ w // a byte below 0x20
		high := (w + ones) | w      // a byte above 0x7e
		bs := w ^ '\\'*ones
		bs = (bs - ones) &^ bs // a '\'
		if (low|high|bs)&highs != 0 {
			return false
		}
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '\\' {
			return false
		}
	}
	return true
}

// field is the field key names exactly; nil for any other key
// (encoding/json also matches keys case-insensitively and skips unknown
// ones: those documents go to it).
func (d *IMDSCredentialsDocument) field(key string) *string {
	switch key {
	case "Code":
		return &d.Code
	case "LastUpdated":
		return &d.LastUpdated
	case "Type":
		return &d.Type
	case "AccessKeyId":
		return &d.AccessKeyId
	case "SecretAccessKey":
		return &d.SecretAccessKey
	case "Token":
		return &d.Token
	case "Expiration":
		return &d.Expiration
	}
	return nil
}

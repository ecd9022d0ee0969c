package main

import (
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// credsDoc is the part of the metadata service's credentials document
// (iam/security-credentials/<role>) the trainer reads.
type credsDoc struct {
	AccessKeyId, SecretAccessKey, Token, Expiration string
}

// parseCredsDoc decodes a credentials document as json.Unmarshal into a
// credsDoc does. The document is a flat object of plain strings, read at
// every credential refresh; for that shape it takes the strings straight
// from body (encoding/json's reflection cost as much as the rest of a
// refresh). Anything else — an escape, a non-string value, a key matching
// a field only up to case, malformed JSON — goes to json.Unmarshal, so
// the result and the errors are always its.
func parseCredsDoc(body string) (credsDoc, error) {
	if d, ok := flatCredsDoc(body); ok {
		return d, nil
	}
	var d credsDoc
	err := json.Unmarshal([]byte(body), &d)
	return d, err
}

// flatCredsDoc is parseCredsDoc's fast path; ok is false when body is not
// a flat object of plain strings it can decode exactly.
func flatCredsDoc(body string) (d credsDoc, ok bool) {
	i := skipSpace(body, 0)
	if i >= len(body) || body[i] != '{' {
		return d, false
	}
	i = skipSpace(body, i+1)
	if i < len(body) && body[i] == '}' {
		return d, skipSpace(body, i+1) == len(body)
	}
	for {
		key, j, ok := plainString(body, i)
		if !ok {
			return d, false
		}
		i = skipSpace(body, j)
		if i >= len(body) || body[i] != ':' {
			return d, false
		}
		val, j, ok := plainString(body, skipSpace(body, i+1))
		if !ok {
			return d, false
		}
		switch key {
		case "AccessKeyId":
			d.AccessKeyId = val
		case "SecretAccessKey":
			d.SecretAccessKey = val
		case "Token":
			d.Token = val
		case "Expiration":
			d.Expiration = val
		default:
			// encoding/json matches field names up to (Unicode) case.
			for k := range len(key) {
				if key[k] >= utf8.RuneSelf {
					return d, false
				}
			}
			for _, f := range [...]string{"AccessKeyId", "SecretAccessKey", "Token", "Expiration"} {
				if strings.EqualFold(key, f) {
					return d, false
				}
			}
		}
		i = skipSpace(body, j)
		if i >= len(body) {
			return d, false
		}
		switch body[i] {
		case ',':
			i = skipSpace(body, i+1)
		case '}':
			return d, skipSpace(body, i+1) == len(body)
		default:
			return d, false
		}
	}
}

// plainString reads the JSON string starting at body[i] when it has no
// escapes, no control characters and is valid UTF-8 (its value is then
// its bytes); j is the index after its closing quote.
func plainString(body string, i int) (s string, j int, ok bool) {
	if i >= len(body) || body[i] != '"' {
		return "", 0, false
	}
	for j = i + 1; j < len(body); j++ {
		switch c := body[j]; {
		case c == '"':
			s = body[i+1 : j]
			return s, j + 1, utf8.ValidString(s)
		case c == '\\' || c < 0x20:
			return "", 0, false
		}
	}
	return "", 0, false
}

// skipSpace returns the index of the first non-whitespace byte (JSON's
// whitespace) at or after i.
func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

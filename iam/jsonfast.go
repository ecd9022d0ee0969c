package iam

import "encoding/json"

// This file is a fast path for ParsePolicy's JSON step. Policies are
// parsed whenever an account, user or role is set up (every replication
// of a study sets up its principals), and encoding/json's Decoder into
// an any spends most of that time and allocations on its reader, scanner
// state and a copy of every string. Most policy documents are plain
// ASCII without escapes; for those, decodeFast builds exactly the tree
// the Decoder (with UseNumber) would build, with strings sliced from the
// document. Anything else, errors included, goes to encoding/json, so
// error messages and every corner of the JSON grammar stay its own.
//
// One difference, which ParsePolicy's readers accept: a non-empty array
// of strings only (a statement's actions and resources, condition values)
// comes out as a []string rather than a []any, so that no string is boxed
// into an interface on the way.

// maxFastDepth bounds the nesting decodeFast handles (policies nest four
// deep); deeper documents take the encoding/json path.
const maxFastDepth = 32

// decodeFast parses doc as exactly one JSON value with only whitespace
// around it, into map[string]any, []any, string, json.Number, bool and
// nil, as json.Decoder.Decode with UseNumber does. ok is false when doc is
// not such a value or uses what the fast path leaves to encoding/json
// (escapes, bytes outside printable ASCII in strings, deep nesting); the
// caller then decodes with encoding/json, which reports the error.
func decodeFast(doc string) (v any, ok bool) {
	d := fastDecoder{s: doc}
	d.space()
	v, ok = d.value(0)
	if !ok {
		return nil, false
	}
	d.space()
	if d.i != len(d.s) {
		return nil, false
	}
	return v, true
}

type fastDecoder struct {
	s string
	i int
}

// space skips JSON whitespace.
func (d *fastDecoder) space() {
	for d.i < len(d.s) {
		switch d.s[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *fastDecoder) value(depth int) (any, bool) {
	if d.i >= len(d.s) || depth > maxFastDepth {
		return nil, false
	}
	switch c := d.s[d.i]; {
	case c == '{':
		return d.object(depth)
	case c == '[':
		return d.array(depth)
	case c == '"':
		s, ok := d.str()
		if !ok {
			return nil, false
		}
		return boxString(s), true
	case c == '-' || c >= '0' && c <= '9':
		return d.number()
	}
	for _, lit := range [...]struct {
		text string
		v    any
	}{{"true", true}, {"false", false}, {"null", nil}} {
		if len(d.s)-d.i >= len(lit.text) && d.s[d.i:d.i+len(lit.text)] == lit.text {
			d.i += len(lit.text)
			return lit.v, true
		}
	}
	return nil, false
}

func (d *fastDecoder) object(depth int) (any, bool) {
	d.i++ // '{'
	m := map[string]any{}
	d.space()
	if d.i < len(d.s) && d.s[d.i] == '}' {
		d.i++
		return m, true
	}
	for {
		if d.i >= len(d.s) || d.s[d.i] != '"' {
			return nil, false
		}
		k, ok := d.str()
		if !ok {
			return nil, false
		}
		d.space()
		if d.i >= len(d.s) || d.s[d.i] != ':' {
			return nil, false
		}
		d.i++
		d.space()
		v, ok := d.value(depth + 1)
		if !ok {
			return nil, false
		}
		m[k] = v // a repeated key: the last wins, as in encoding/json
		end, ok := d.sep('}')
		if !ok {
			return nil, false
		}
		if end {
			return m, true
		}
	}
}

// sep reads what follows an object's member or an array's element: a
// comma, with more to come, or the closing byte, which ends it.
func (d *fastDecoder) sep(closing byte) (end, ok bool) {
	d.space()
	if d.i >= len(d.s) {
		return false, false
	}
	switch d.s[d.i] {
	case ',':
		d.i++
		d.space()
		return false, true
	case closing:
		d.i++
		return true, true
	}
	return false, false
}

func (d *fastDecoder) array(depth int) (any, bool) {
	d.i++ // '['
	d.space()
	if d.i < len(d.s) && d.s[d.i] == ']' {
		d.i++
		return []any{}, true
	}
	// The elements gather on the stack and leave in one allocation of
	// their number: a policy's lists (actions, resources) are short. Strings
	// stay strings until an element that is not one turns the list into
	// a []any.
	var sbuf [8]string
	var buf [8]any
	strs, l := sbuf[:0], []any(nil)
	for {
		if l == nil && d.i < len(d.s) && d.s[d.i] == '"' && depth < maxFastDepth {
			s, ok := d.str()
			if !ok {
				return nil, false
			}
			strs = append(strs, s)
		} else {
			if l == nil {
				l = buf[:0]
				for _, s := range strs {
					l = append(l, boxString(s))
				}
			}
			v, ok := d.value(depth + 1)
			if !ok {
				return nil, false
			}
			l = append(l, v)
		}
		end, ok := d.sep(']')
		if !ok {
			return nil, false
		}
		if end {
			if l == nil {
				return append(make([]string, 0, len(strs)), strs...), true
			}
			return append(make([]any, 0, len(l)), l...), true
		}
	}
}

// str reads a string without escapes whose bytes are printable ASCII.
func (d *fastDecoder) str() (string, bool) {
	start := d.i + 1
	for j := start; j < len(d.s); j++ {
		switch c := d.s[j]; {
		case c == '"':
			d.i = j + 1
			return d.s[start:j], true
		case c == '\\' || c < 0x20 || c >= 0x7f:
			return "", false
		}
	}
	return "", false
}

// boxString returns s as an any. A string in an interface is a heap
// allocation, except a constant's: the words nearly every policy has
// box for free.
func boxString(s string) any {
	switch s {
	case Version2012:
		return Version2012
	case "Allow":
		return "Allow"
	case "Deny":
		return "Deny"
	case "*":
		return "*"
	}
	return s
}

// number reads a number in JSON's grammar:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?.
func (d *fastDecoder) number() (any, bool) {
	s, start := d.s, d.i
	i := start
	if i < len(s) && s[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			n++
		}
		return n
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case digits() == 0:
		return nil, false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return nil, false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return nil, false
		}
	}
	d.i = i
	return json.Number(s[start:i]), true
}

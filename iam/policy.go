package iam

// Policy documents as the IAM User Guide's "IAM JSON policy elements
// reference" defines them: Version, Id, Statement (an object or an array) and,
// per statement, Sid, Effect, Principal/NotPrincipal, Action/NotAction,
// Resource/NotResource and Condition.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/nimbus-sim/nimbus/internal/jsonw"
)

// Policy language versions ("IAM JSON policy elements: Version").
const (
	// Version2012 is the current language version; only with it are
	// ${...} policy variables substituted.
	Version2012 = "2012-10-17"
	// Version2008 is the original version: ${...} is literal text.
	Version2008 = "2008-10-17"
)

// Effect is a statement's Effect.
type Effect uint8

// Statement effects.
const (
	Allow Effect = iota + 1
	Deny
)

func (e Effect) String() string {
	switch e {
	case Allow:
		return "Allow"
	case Deny:
		return "Deny"
	}
	return "Effect(?)"
}

// Policy is a parsed and compiled policy document. Parse it once with
// ParsePolicy and evaluate it many times; it is immutable after parsing.
type Policy struct {
	// Version is "2012-10-17", "2008-10-17" or "" when the document has none
	// (then variables are literal, as with 2008-10-17).
	Version    string
	ID         string
	Statements []Statement
}

// Statement is one element of a policy's Statement list.
type Statement struct {
	Sid    string
	Effect Effect
	// Principal is nil when the statement has neither Principal nor
	// NotPrincipal (identity-based policies).
	Principal    *PrincipalSet
	NotPrincipal bool
	Action       []string
	NotAction    bool
	// Resource is nil when the statement has neither Resource nor
	// NotResource (allowed in role trust policies only).
	Resource    []string
	NotResource bool
	// Condition is sorted by operator, then key, so printing is stable.
	Condition []Condition

	c compiledStatement
}

// PrincipalSet is a Principal or NotPrincipal element. All is the bare "*"
// form; {"AWS": "*"} sets AWS to ["*"].
type PrincipalSet struct {
	All           bool
	AWS           []string
	Service       []string
	Federated     []string
	CanonicalUser []string
}

// Condition is one operator/key pair of a Condition block with its values
// (OR-ed, or NOR-ed for negated operators).
type Condition struct {
	// Operator as written, with any ForAllValues:/ForAnyValue: qualifier
	// and IfExists suffix, e.g. "ForAnyValue:StringLikeIfExists".
	Operator string
	Key      string
	Values   []string
}

// ParsePolicy parses and compiles a policy document. Any problem gives a
// MalformedPolicyDocument error whose *PolicyError (errors.As) carries the
// reason and location; it never panics. ParsePolicy accepts both identity
// and resource-based shapes; the Service checks the shape where a document is
// used (a Principal in an identity policy is an error there).
func ParsePolicy(doc string) (*Policy, error) {
	if strings.TrimSpace(doc) == "" {
		return nil, errf("", "Syntax errors in policy: the document is empty")
	}
	v, ok := decodeFast(doc)
	if !ok {
		var err error
		if v, err = decodeJSON(doc); err != nil {
			return nil, err
		}
	}
	top, ok := v.(map[string]any)
	if !ok {
		return nil, errf("", "Syntax errors in policy: the document must be a JSON object, not %s", jsonKind(v))
	}
	p := &Policy{}
	for k := range top {
		switch k {
		case "Version", "Id", "Statement":
		default:
			return nil, errf(k, "Syntax errors in policy: unknown element %q (allowed: Version, Id, Statement)", k)
		}
	}
	if raw, ok := top["Version"]; ok {
		s, ok := raw.(string)
		if !ok || (s != Version2012 && s != Version2008) {
			return nil, errf("Version", "The policy failed legacy parsing: Version must be %q or %q, got %s", Version2012, Version2008, show(raw))
		}
		p.Version = s
	}
	if raw, ok := top["Id"]; ok {
		s, ok := raw.(string)
		if !ok {
			return nil, errf("Id", "Syntax errors in policy: Id must be a string, got %s", jsonKind(raw))
		}
		p.ID = s
	}
	raw, ok := top["Statement"]
	if !ok {
		return nil, errf("", "Syntax errors in policy: missing required element Statement")
	}
	var list []any
	switch s := raw.(type) {
	case map[string]any:
		list = []any{s}
	case []any:
		list = s
	case []string: // decodeFast's array of strings: no statement is an object
		for _, e := range s {
			list = append(list, e)
		}
	default:
		return nil, errf("Statement", "Syntax errors in policy: Statement must be an object or an array of objects, got %s", jsonKind(raw))
	}
	if len(list) == 0 {
		return nil, errf("Statement", "Syntax errors in policy: Statement is empty")
	}
	sids := map[string]int{}
	p.Statements = make([]Statement, 0, len(list))
	for i, e := range list {
		loc := stmtLoc(i)
		m, ok := e.(map[string]any)
		if !ok {
			return nil, errf(loc, "Syntax errors in policy: a statement must be an object, got %s", jsonKind(e))
		}
		st, err := parseStatement(m, loc)
		if err != nil {
			return nil, err
		}
		if st.Sid != "" {
			if j, dup := sids[st.Sid]; dup {
				return nil, errf(loc+".Sid", "Statement IDs (SID) in a single policy must be unique: %q is also Statement[%d]'s", st.Sid, j)
			}
			sids[st.Sid] = i
		}
		p.Statements = append(p.Statements, st)
	}
	if err := p.compile(); err != nil {
		return nil, err
	}
	return p, nil
}

// decodeJSON decodes a document with encoding/json: the path for what
// decodeFast leaves (escapes, non-ASCII strings) and for every malformed
// document, whose error encoding/json describes.
func decodeJSON(doc string) (any, error) {
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, jsonErr(doc, err)
	}
	if dec.More() {
		off := int(dec.InputOffset())
		return nil, errf(lineCol(doc, off), "Syntax errors in policy: unexpected data after the top-level object")
	}
	// dec.More reports false at a stray "]" or "}" too; look for any non-space.
	if rest := strings.TrimSpace(doc[dec.InputOffset():]); rest != "" {
		return nil, errf(lineCol(doc, int(dec.InputOffset())), "Syntax errors in policy: unexpected data after the top-level object")
	}
	return v, nil
}

// MustParsePolicy is ParsePolicy for literals in tests and examples; it
// panics on a malformed document.
func MustParsePolicy(doc string) *Policy {
	p, err := ParsePolicy(doc)
	if err != nil {
		panic(err)
	}
	return p
}

func parseStatement(m map[string]any, loc string) (Statement, error) {
	var st Statement
	for k := range m {
		switch k {
		case "Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition":
		default:
			return st, errf(loc+"."+k, "Syntax errors in policy: unknown statement element %q", k)
		}
	}
	if raw, ok := m["Sid"]; ok {
		s, ok := raw.(string)
		if !ok {
			return st, errf(loc+".Sid", "Syntax errors in policy: Sid must be a string, got %s", jsonKind(raw))
		}
		for _, r := range s {
			// IAM's own policies accept only [A-Za-z0-9] (checkSids);
			// other services' resource policies are laxer, so only control
			// characters are refused here.
			if r < 0x20 || r == 0x7f {
				return st, errf(loc+".Sid", "Syntax errors in policy: Sid %q contains a control character", s)
			}
		}
		st.Sid = s
	}
	raw, ok := m["Effect"]
	if !ok {
		return st, errf(loc, "Missing required field Effect")
	}
	switch raw {
	case "Allow":
		st.Effect = Allow
	case "Deny":
		st.Effect = Deny
	default:
		return st, errf(loc+".Effect", "Invalid effect: %s (must be \"Allow\" or \"Deny\", case-sensitive)", show(raw))
	}

	_, hasP := m["Principal"]
	_, hasNP := m["NotPrincipal"]
	if hasP && hasNP {
		return st, errf(loc, "Syntax errors in policy: a statement cannot have both Principal and NotPrincipal")
	}
	if hasP || hasNP {
		name := "Principal"
		if hasNP {
			name = "NotPrincipal"
			st.NotPrincipal = true
		}
		ps, err := parsePrincipal(m[name], loc+"."+name)
		if err != nil {
			return st, err
		}
		st.Principal = ps
	}

	_, hasA := m["Action"]
	_, hasNA := m["NotAction"]
	switch {
	case hasA && hasNA:
		return st, errf(loc, "Syntax errors in policy: a statement cannot have both Action and NotAction")
	case !hasA && !hasNA:
		return st, errf(loc, "Missing required field Action (or NotAction)")
	}
	name := "Action"
	if hasNA {
		name = "NotAction"
		st.NotAction = true
	}
	acts, err := stringList(m[name], loc, name)
	if err != nil {
		return st, err
	}
	for i, a := range acts {
		if a == "*" {
			continue
		}
		svc, act, ok := strings.Cut(a, ":")
		if ok && svc != "" && act == "" && !strings.ContainsAny(svc, "*?") {
			// "s3:" names the vendor but no action: saying "must be
			// prefaced by a vendor" would point at the wrong half.
			return st, errf(fmt.Sprintf("%s.%s[%d]", loc, name, i), "Action %q has no action name after the colon: write %q followed by an operation name, or %q for every %s action", a, svc+":", svc+":*", svc)
		}
		if !ok || svc == "" || act == "" || strings.ContainsAny(svc, "*?") && svc != "*" {
			return st, errf(fmt.Sprintf("%s.%s[%d]", loc, name, i), "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.: got %q", a)
		}
	}
	st.Action = acts

	_, hasR := m["Resource"]
	_, hasNR := m["NotResource"]
	if hasR && hasNR {
		return st, errf(loc, "Syntax errors in policy: a statement cannot have both Resource and NotResource")
	}
	if hasR || hasNR {
		name := "Resource"
		if hasNR {
			name = "NotResource"
			st.NotResource = true
		}
		rs, err := stringList(m[name], loc, name)
		if err != nil {
			return st, err
		}
		for i, r := range rs {
			if r == "*" {
				continue
			}
			// Six sections, or at least arn:partition:service (the missing
			// sections then match anything: "arn:aws:s3:*").
			if !strings.HasPrefix(r, "arn:") || strings.Count(r, ":") < 2 {
				return st, errf(fmt.Sprintf("%s.%s[%d]", loc, name, i), "Resource %s must be in ARN format or \"*\"", r)
			}
			if svc := arnSection(r, 2); svc == "" {
				return st, errf(fmt.Sprintf("%s.%s[%d]", loc, name, i), "Resource vendor must be fully qualified and cannot contain regexes: %q", r)
			}
		}
		st.Resource = rs
	}

	if raw, ok := m["Condition"]; ok {
		conds, err := parseCondition(raw, loc+".Condition")
		if err != nil {
			return st, err
		}
		st.Condition = conds
	}
	return st, nil
}

func parsePrincipal(raw any, loc string) (*PrincipalSet, error) {
	if s, ok := raw.(string); ok {
		if s != "*" {
			return nil, errf(loc, "Invalid principal in policy: a string principal must be \"*\"; use {\"AWS\": %q} for an account or ARN", s)
		}
		return &PrincipalSet{All: true}, nil
	}
	m, ok := raw.(map[string]any)
	if !ok {
		return nil, errf(loc, "Invalid principal in policy: must be \"*\" or an object, got %s", jsonKind(raw))
	}
	if len(m) == 0 {
		return nil, errf(loc, "Invalid principal in policy: empty principal")
	}
	ps := &PrincipalSet{}
	for k, v := range m {
		l, err := stringList(v, loc, k)
		if err != nil {
			return nil, err
		}
		switch k {
		case "AWS":
			for i, s := range l {
				if s == "*" || isAccountID(s) || isUniqueID(s) {
					continue
				}
				a, err := ParseARN(s)
				if err != nil || (a.Service != "iam" && a.Service != "sts") {
					return nil, errf(fmt.Sprintf("%s.AWS[%d]", loc, i), "Invalid principal in policy: %q is neither \"*\", a 12-digit account ID nor an IAM/STS ARN", s)
				}
				// "IAM JSON policy elements: Principal": a wildcard cannot
				// match part of a principal name or ARN; only "*" alone
				// means everyone. Accepting one would silently match nobody.
				if strings.ContainsAny(s, "*?") {
					return nil, errf(fmt.Sprintf("%s.AWS[%d]", loc, i), "Invalid principal in policy: %q: wildcards cannot match part of a principal ARN; use \"*\" with a condition such as ArnLike on aws:PrincipalArn", s)
				}
			}
			ps.AWS = l
		case "Service":
			ps.Service = l
		case "Federated":
			ps.Federated = l
		case "CanonicalUser":
			ps.CanonicalUser = l
		default:
			return nil, errf(loc+"."+k, "Invalid principal in policy: unknown principal type %q (AWS, Service, Federated, CanonicalUser)", k)
		}
	}
	return ps, nil
}

func parseCondition(raw any, loc string) ([]Condition, error) {
	m, ok := raw.(map[string]any)
	if !ok {
		return nil, errf(loc, "Syntax errors in policy: Condition must be an object, got %s", jsonKind(raw))
	}
	var out []Condition
	for op, body := range m {
		if _, why := parseOperator(op); why != "" {
			return nil, errf(loc+"."+op, "%s", why)
		}
		km, ok := body.(map[string]any)
		if !ok {
			return nil, errf(loc+"."+op, "Syntax errors in policy: the %s block must map condition keys to values, got %s", op, jsonKind(body))
		}
		if len(km) == 0 {
			return nil, errf(loc+"."+op, "Syntax errors in policy: the %s block has no condition keys", op)
		}
		for key, vals := range km {
			kl := loc + "." + op + "." + key
			if key == "" {
				return nil, errf(kl, "Syntax errors in policy: empty condition key")
			}
			vs, err := scalarList(vals, kl)
			if err != nil {
				return nil, err
			}
			out = append(out, Condition{Operator: op, Key: key, Values: vs})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Operator != out[j].Operator {
			return out[i].Operator < out[j].Operator
		}
		return out[i].Key < out[j].Key
	})
	return out, nil
}

// arnSection returns section i (from 0) of an ARN-like string with at
// least i colons: strings.SplitN(s, ":", i+2)[i], without the slice.
func arnSection(s string, i int) string {
	for range i {
		s = s[strings.IndexByte(s, ':')+1:]
	}
	sec, _, _ := strings.Cut(s, ":")
	return sec
}

// stmtLocs name the first statements for error messages without
// formatting: every statement of every parsed policy needs its name.
var stmtLocs = [...]string{"Statement[0]", "Statement[1]", "Statement[2]", "Statement[3]", "Statement[4]",
	"Statement[5]", "Statement[6]", "Statement[7]", "Statement[8]", "Statement[9]"}

// stmtLoc names statement i for error messages.
func stmtLoc(i int) string {
	if i < len(stmtLocs) {
		return stmtLocs[i]
	}
	return fmt.Sprintf("Statement[%d]", i)
}

// stringList accepts a string or a non-empty array of strings. The element
// is loc.name, joined only for an error.
func stringList(raw any, loc, name string) ([]string, error) {
	switch v := raw.(type) {
	case string:
		return []string{v}, nil
	case []string: // decodeFast's array of strings, never empty
		return v, nil
	case []any:
		if len(v) == 0 {
			return nil, errf(loc+"."+name, "Syntax errors in policy: empty list")
		}
		out := make([]string, len(v))
		for i, e := range v {
			s, ok := e.(string)
			if !ok {
				return nil, errf(fmt.Sprintf("%s.%s[%d]", loc, name, i), "Syntax errors in policy: want a string, got %s", jsonKind(e))
			}
			out[i] = s
		}
		return out, nil
	}
	return nil, errf(loc+"."+name, "Syntax errors in policy: want a string or an array of strings, got %s", jsonKind(raw))
}

// scalarList is stringList that also takes JSON numbers and booleans,
// which AWS accepts as condition values ("s3:max-keys": 10).
func scalarList(raw any, loc string) ([]string, error) {
	one := func(e any, l string) (string, error) {
		switch x := e.(type) {
		case string:
			return x, nil
		case json.Number:
			return x.String(), nil
		case bool:
			if x {
				return "true", nil
			}
			return "false", nil
		}
		return "", errf(l, "Syntax errors in policy: a condition value must be a string, number or boolean, got %s", jsonKind(e))
	}
	if l, ok := raw.([]string); ok { // decodeFast's array of strings, never empty
		return l, nil
	}
	if l, ok := raw.([]any); ok {
		if len(l) == 0 {
			return nil, errf(loc, "Syntax errors in policy: empty list of condition values")
		}
		out := make([]string, len(l))
		for i, e := range l {
			s, err := one(e, fmt.Sprintf("%s[%d]", loc, i))
			if err != nil {
				return nil, err
			}
			out[i] = s
		}
		return out, nil
	}
	s, err := one(raw, loc)
	if err != nil {
		return nil, err
	}
	return []string{s}, nil
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case []any, []string:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

func show(v any) string {
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	return jsonKind(v)
}

func jsonErr(doc string, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return errf(lineCol(doc, int(se.Offset)), "Syntax errors in policy: %v", se)
	case errors.As(err, &te):
		return errf(lineCol(doc, int(te.Offset)), "Syntax errors in policy: %v", te)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return errf(lineCol(doc, len(doc)), "Syntax errors in policy: unexpected end of JSON input")
	}
	return errf("", "Syntax errors in policy: %v", err)
}

// lineCol turns a byte offset into "line L, column C" (1-based).
func lineCol(doc string, off int) string {
	off = max(0, min(off, len(doc)))
	line := 1 + strings.Count(doc[:off], "\n")
	col := off - strings.LastIndexByte(doc[:off], '\n')
	return fmt.Sprintf("line %d, column %d", line, col)
}

// isUniqueID reports whether s looks like an IAM unique ID (AIDA... for
// users, AROA... for roles; "IAM identifiers": unique IDs). AWS stores
// principals as unique IDs and shows the ID when the entity was deleted.
func isUniqueID(s string) bool {
	if len(s) < 16 || len(s) > 128 || s[0] != 'A' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < 12; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// String returns the policy as canonical JSON (lists always as arrays,
// conditions sorted); ParsePolicy(p.String()) prints the same again.
func (p *Policy) String() string {
	b, _ := p.MarshalJSON()
	return string(b)
}

// MarshalJSON implements json.Marshaler with the canonical form.
func (p *Policy) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	first := true
	field := func(name string) {
		if !first {
			b.WriteByte(',')
		}
		first = false
		jsonw.String(&b, name)
		b.WriteByte(':')
	}
	if p.Version != "" {
		field("Version")
		jsonw.String(&b, p.Version)
	}
	if p.ID != "" {
		field("Id")
		jsonw.String(&b, p.ID)
	}
	field("Statement")
	b.WriteByte('[')
	for i := range p.Statements {
		if i > 0 {
			b.WriteByte(',')
		}
		p.Statements[i].writeJSON(&b)
	}
	b.WriteString("]}")
	return b.Bytes(), nil
}

func (st *Statement) writeJSON(b *bytes.Buffer) {
	b.WriteByte('{')
	if st.Sid != "" {
		b.WriteString(`"Sid":`)
		jsonw.String(b, st.Sid)
		b.WriteByte(',')
	}
	b.WriteString(`"Effect":`)
	jsonw.String(b, st.Effect.String())
	if st.Principal != nil {
		if st.NotPrincipal {
			b.WriteString(`,"NotPrincipal":`)
		} else {
			b.WriteString(`,"Principal":`)
		}
		if st.Principal.All {
			b.WriteString(`"*"`)
		} else {
			b.WriteByte('{')
			n := 0
			for _, kv := range []struct {
				k string
				v []string
			}{{"AWS", st.Principal.AWS}, {"CanonicalUser", st.Principal.CanonicalUser}, {"Federated", st.Principal.Federated}, {"Service", st.Principal.Service}} {
				if kv.v == nil {
					continue
				}
				if n > 0 {
					b.WriteByte(',')
				}
				n++
				jsonw.String(b, kv.k)
				b.WriteByte(':')
				writeJSONList(b, kv.v)
			}
			b.WriteByte('}')
		}
	}
	if st.NotAction {
		b.WriteString(`,"NotAction":`)
	} else {
		b.WriteString(`,"Action":`)
	}
	writeJSONList(b, st.Action)
	if st.Resource != nil {
		if st.NotResource {
			b.WriteString(`,"NotResource":`)
		} else {
			b.WriteString(`,"Resource":`)
		}
		writeJSONList(b, st.Resource)
	}
	if len(st.Condition) > 0 {
		b.WriteString(`,"Condition":{`)
		for i, c := range st.Condition {
			if i == 0 || c.Operator != st.Condition[i-1].Operator {
				if i > 0 {
					b.WriteString("},")
				}
				jsonw.String(b, c.Operator)
				b.WriteString(":{")
			} else {
				b.WriteByte(',')
			}
			jsonw.String(b, c.Key)
			b.WriteByte(':')
			writeJSONList(b, c.Values)
		}
		b.WriteString("}}")
	}
	b.WriteByte('}')
}

func writeJSONList(b *bytes.Buffer, l []string) {
	b.WriteByte('[')
	for i, s := range l {
		if i > 0 {
			b.WriteByte(',')
		}
		jsonw.String(b, s)
	}
	b.WriteByte(']')
}

// Equal reports whether p and q have the same canonical form.
func (p *Policy) Equal(q *Policy) bool {
	return p == q || p != nil && q != nil && p.String() == q.String()
}

// Size is the document length IAM counts against its quotas: the canonical
// JSON without whitespace ("IAM and AWS STS quotas": white space does not
// count).
func (p *Policy) Size() int {
	b, _ := p.MarshalJSON()
	return len(b)
}

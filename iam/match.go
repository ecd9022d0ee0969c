package iam

// Wildcard patterns with policy variables, compiled once. Matching allocates
// nothing: variables are resolved against the request while matching.

import (
	"errors"
	"strings"
	"unicode/utf8"
)

type tokKind uint8

const (
	tLit  tokKind = iota // literal text
	tStar                // * : any run of characters, '/' and ':' included
	tQM                  // ? : exactly one character
	tVar                 // ${key} or ${key, 'default'}
)

type tok struct {
	kind   tokKind
	s      string // literal text, or the variable's key
	def    string // default value of a variable
	hasDef bool
	bid    builtinKey // the variable's key, when it is one the principal supplies
}

// pattern is a compiled string pattern. The common shapes skip the general
// matcher: "*" (any), no wildcard at all (exact) and a literal prefix
// followed by one trailing "*" (prefix).
type pattern struct {
	src   string
	shape uint8
	lit   string // exact text or prefix for the fast shapes
	toks  []tok
	fold  bool // ASCII case-insensitive (action names, ...IgnoreCase)
	ascii bool // lit is ASCII
}

const (
	shAny uint8 = iota
	shExact
	shPrefix
	shStars // literals and stars only, compared exactly: starMatch
	shGeneral
)

// compilePattern compiles s. wild enables * and ?; vars enables ${...}
// (policy Version 2012-10-17 only). fold makes literals match ASCII
// case-insensitively.
func compilePattern(s string, wild, vars, fold bool) (pattern, error) {
	if p, ok := simplePattern(s, wild, vars, fold); ok {
		return p, nil
	}
	p := pattern{src: s, fold: fold}
	// A literal run is usually a slice of s (s[from:to]); only text that
	// is not contiguous in s (the character of a ${*}) needs a builder.
	var lit strings.Builder
	from, to := 0, 0
	litString := func(t string) {
		if from < to {
			lit.WriteString(s[from:to])
			from, to = 0, 0
		}
		lit.WriteString(t)
	}
	litByte := func(i int) {
		if lit.Len() == 0 && (from == to || to == i) {
			if from == to {
				from = i
			}
			to = i + 1
			return
		}
		litString(s[i : i+1])
	}
	// The run and the builder are never both in use: litString moves the
	// run into the builder.
	flush := func() {
		switch {
		case lit.Len() > 0:
			p.toks = append(p.toks, tok{kind: tLit, s: lit.String()})
			lit.Reset()
		case from < to:
			p.toks = append(p.toks, tok{kind: tLit, s: s[from:to]})
			from, to = 0, 0
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case wild && c == '*':
			flush()
			if n := len(p.toks); n == 0 || p.toks[n-1].kind != tStar {
				p.toks = append(p.toks, tok{kind: tStar})
			}
			i++
		case wild && c == '?':
			flush()
			p.toks = append(p.toks, tok{kind: tQM})
			i++
		case vars && c == '$' && i+1 < len(s) && s[i+1] == '{':
			end := strings.IndexByte(s[i:], '}')
			if end < 0 {
				// An unterminated ${ is literal text, as IAM treats it.
				litByte(i)
				i++
				continue
			}
			body := s[i+2 : i+end]
			i += end + 1
			switch body {
			case "*", "?", "$":
				// ${*}, ${?}, ${$}: the literal character.
				litString(body)
				continue
			}
			key, def, hasDef, err := parseVar(body)
			if err != nil {
				return p, err
			}
			flush()
			p.toks = append(p.toks, tok{kind: tVar, s: key, def: def, hasDef: hasDef, bid: builtinOf(key)})
		default:
			litByte(i)
			i++
		}
	}
	flush()
	switch {
	case len(p.toks) == 1 && p.toks[0].kind == tStar:
		p.shape = shAny
	case len(p.toks) == 0:
		p.shape, p.lit = shExact, ""
	case len(p.toks) == 1 && p.toks[0].kind == tLit:
		p.shape, p.lit = shExact, p.toks[0].s
	case len(p.toks) == 2 && p.toks[0].kind == tLit && p.toks[1].kind == tStar:
		p.shape, p.lit = shPrefix, p.toks[0].s
	case !fold && starsAndLits(p.toks):
		p.shape = shStars
	default:
		p.shape = shGeneral
	}
	return p, nil
}

// starsAndLits reports whether toks are literals and stars only, each
// literal beginning a character (utf8.RuneStart): the shape starMatch
// matches, as globMatch would.
func starsAndLits(toks []tok) bool {
	for _, t := range toks {
		switch {
		case t.kind == tStar:
		case t.kind == tLit && t.s != "" && utf8.RuneStart(t.s[0]):
		default:
			return false
		}
	}
	return true
}

// starMatch is globMatch for a pattern of literals and stars compared
// exactly (shStars), such as the resource "training-*/*": s matches when
// it begins with the first literal (unless a star comes first), ends with
// the last (unless a star comes last), and holds the literals between in
// order, each found at its leftmost place after the one before; the
// leftmost place leaves the most room for the rest, so no placement
// matches where that one does not. globMatch's backtracking finds the
// same, a character at a time: a star of it stops only at the start of a
// character, which every literal here is (starsAndLits), and it skips no
// byte that can start one. Most Resource patterns with a wildcard inside
// have this shape; one match costs a fifth of globMatch's.
func starMatch(toks []tok, s string) bool {
	_, ok := starMatchEnd(toks, s)
	return ok
}

// starMatchEnd is starMatch, also returning where in s the leftmost place
// of the pattern's last literal ends when the pattern ends with a star
// (resourcePrefix proves a prefix with it).
func starMatchEnd(toks []tok, s string) (end int, ok bool) {
	first, last, stop := 0, len(toks), len(s)
	if t := &toks[0]; t.kind == tLit {
		if !strings.HasPrefix(s, t.s) {
			return 0, false
		}
		end, first = len(t.s), 1
	}
	if t := &toks[last-1]; t.kind == tLit && last-1 >= first {
		if !strings.HasSuffix(s[end:], t.s) {
			return 0, false
		}
		stop, last = len(s)-len(t.s), last-1
	}
	for i := first; i < last; i++ {
		if t := &toks[i]; t.kind == tLit {
			k := strings.Index(s[end:stop], t.s)
			if k < 0 {
				return 0, false
			}
			end += k + len(t.s)
		}
	}
	return end, true
}

// simplePattern compiles the common shapes without tokens, which their
// matching does not use: "*", text with no wildcard or variable (exact),
// and such text followed by one "*" (prefix). Most of a policy's actions
// and resources are one of them, and a world compiles its policies anew.
// It reports false for anything else, compilePattern's general case.
func simplePattern(s string, wild, vars, fold bool) (pattern, bool) {
	body, star := s, false
	if wild && len(s) > 0 && s[len(s)-1] == '*' {
		body, star = s[:len(s)-1], true
	}
	for i := 0; i < len(body); i++ {
		switch c := body[i]; {
		case wild && (c == '*' || c == '?'):
			return pattern{}, false
		case vars && c == '$' && i+1 < len(s) && s[i+1] == '{':
			return pattern{}, false
		}
	}
	p := pattern{src: s, fold: fold, shape: shExact, lit: body}
	switch {
	case star && body == "":
		p.shape, p.lit = shAny, ""
	case star:
		p.shape = shPrefix
	}
	p.ascii = isASCII(p.lit)
	return p, true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// parseVar splits "aws:username" or "aws:PrincipalTag/team, 'default'"
// ("Policy variables": specifying default values; ” inside the quotes is
// one quote).
func parseVar(body string) (key, def string, hasDef bool, err error) {
	k, d, ok := strings.Cut(body, ",")
	key = strings.TrimSpace(k)
	if key == "" {
		return "", "", false, errors.New("empty policy variable ${}")
	}
	if !ok {
		return key, "", false, nil
	}
	d = strings.TrimSpace(d)
	if len(d) < 2 || d[0] != '\'' || d[len(d)-1] != '\'' {
		return "", "", false, errors.New("the default value of policy variable ${" + body + "} must be in single quotes")
	}
	return key, strings.ReplaceAll(d[1:len(d)-1], "''", "'"), true, nil
}

// match reports whether s matches p. A variable with no value (and no
// default) matches nothing ("Policy variables with no value").
func (p *pattern) match(s string, r *evalCtx) bool {
	switch p.shape {
	case shAny:
		return true
	case shExact:
		if s == p.lit {
			return true
		}
		// Requests and policies nearly always spell an action as AWS does,
		// so the comparison above settles most matches without folding. A
		// text shorter than ASCII lit cannot fold to it: each of its
		// characters must fold to one of lit's, and none has fewer bytes.
		return p.fold && (len(s) >= len(p.lit) || !p.ascii) && strings.EqualFold(s, p.lit)
	case shPrefix:
		if len(s) < len(p.lit) {
			return false
		}
		if s[:len(p.lit)] == p.lit {
			return true
		}
		return p.fold && strings.EqualFold(s[:len(p.lit)], p.lit)
	}
	if p.shape == shStars {
		return starMatch(p.toks, s)
	}
	return globMatch(p.toks, s, p.fold, r)
}

// globMatch is the classic linear-backtracking wildcard matcher over
// tokens: remember the last star and where it started, and on a mismatch
// let that star swallow one more character.
func globMatch(toks []tok, s string, fold bool, r *evalCtx) bool {
	ti, si := 0, 0
	starT, starS := -1, 0
	for {
		if ti < len(toks) {
			t := &toks[ti]
			switch t.kind {
			case tStar:
				if ti == len(toks)-1 {
					return true // a last star takes whatever is left
				}
				starT, starS = ti, si
				ti++
				continue
			case tQM:
				if si < len(s) {
					_, n := utf8.DecodeRuneInString(s[si:])
					si += n
					ti++
					continue
				}
			case tLit, tVar:
				lit := t.s
				if t.kind == tVar {
					v, ok := r.variable(t.s, t.bid)
					if !ok {
						if !t.hasDef {
							return false
						}
						v = t.def
					}
					lit = v
				}
				if hasPrefixFold(s[si:], lit, fold) {
					si += len(lit)
					ti++
					continue
				}
			}
		} else if si == len(s) {
			return true
		}
		if starT < 0 || starS >= len(s) {
			return false
		}
		_, n := utf8.DecodeRuneInString(s[starS:])
		starS += n
		// When a literal compared exactly follows the star, the star
		// stops growing only where that literal next occurs: find it at
		// once rather than a character at a time. The literal cannot
		// occur at a byte the steps above skip (inside a character), as
		// it starts a character itself; where it does not occur, nothing
		// matches.
		if next := starT + 1; !fold && next < len(toks) && toks[next].kind == tLit &&
			toks[next].s != "" && utf8.RuneStart(toks[next].s[0]) {
			k := strings.Index(s[starS:], toks[next].s)
			if k < 0 {
				return false
			}
			starS += k
		}
		ti, si = starT+1, starS
	}
}

func hasPrefixFold(s, prefix string, fold bool) bool {
	if len(s) < len(prefix) {
		return false
	}
	if fold {
		return strings.EqualFold(s[:len(prefix)], prefix)
	}
	return s[:len(prefix)] == prefix
}

// resourcePattern matches an ARN. "*" matches everything. Otherwise the
// pattern matches section by section (IAM User Guide, "IAM JSON policy
// elements: Resource": wildcards work within any ARN segment); within the
// resource section * crosses '/' and ':'. A pattern with fewer than six
// sections ("arn:aws:s3:*") has its missing sections filled with "*": a
// trailing * may expand beyond colon boundaries. In a Resource element,
// partition, service and region compare case-insensitively; account and
// resource sections case-sensitively (resource ARNs are case-sensitive).
// ArnEquals/ArnLike values compare every section case-sensitively.
type resourcePattern struct {
	src   string
	any   bool
	whole *pattern   // not an ARN pattern at all (never produced by ParsePolicy)
	secs  [5]pattern // partition, service, region, account, resource
}

// compileResource compiles a Resource element entry. The ARN condition
// operators use compileARNValue instead, which folds no case.
func compileResource(s string, vars bool) (resourcePattern, error) {
	return compileARNPattern(s, vars, true)
}

// compileARNValue compiles an ArnEquals/ArnLike value: "Case-sensitive
// matching of the ARN" in every section ("Condition operators", Amazon
// Resource Name (ARN) condition operators).
func compileARNValue(s string, vars bool) (resourcePattern, error) {
	return compileARNPattern(s, vars, false)
}

// compileARNPattern: foldHead makes partition, service and region compare
// case-insensitively.
func compileARNPattern(s string, vars, foldHead bool) (resourcePattern, error) {
	rp := resourcePattern{src: s}
	if s == "*" {
		rp.any = true
		return rp, nil
	}
	parts := splitARNPattern(s, vars)
	if len(parts) < 3 || parts[0] != "arn" {
		w, err := compilePattern(s, true, vars, false)
		rp.whole = &w
		return rp, err
	}
	for len(parts) < 6 {
		parts = append(parts, "*")
	}
	for i := 0; i < 5; i++ {
		sp, err := compilePattern(parts[i+1], true, vars, foldHead && i < 3)
		if err != nil {
			return rp, err
		}
		rp.secs[i] = sp
	}
	return rp, nil
}

// splitARNPattern splits an ARN pattern into at most six colon-separated
// sections, like strings.SplitN(s, ":", 6), except that with vars a colon
// inside ${...} belongs to the variable: ${aws:PrincipalAccount} in the
// account section must not be cut at "aws:".
func splitARNPattern(s string, vars bool) []string {
	if !vars || !strings.Contains(s, "${") {
		return strings.SplitN(s, ":", 6)
	}
	parts := make([]string, 0, 6)
	start := 0
	for i := 0; i < len(s) && len(parts) < 5; i++ {
		switch {
		case s[i] == '$' && i+1 < len(s) && s[i+1] == '{':
			if end := strings.IndexByte(s[i:], '}'); end >= 0 {
				i += end // skip the variable; the loop's i++ steps past '}'
			}
		case s[i] == ':':
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

// match takes the ARN by pointer: it is five strings, and every statement
// of every policy a request meets is matched against it.
func (rp *resourcePattern) match(a *ARN, r *evalCtx) bool {
	if rp.any {
		return true
	}
	if !a.IsValid() {
		return false
	}
	if rp.whole != nil {
		return rp.whole.match(a.String(), r)
	}
	return rp.secs[4].match(a.Resource, r) &&
		rp.secs[0].match(a.Partition, r) &&
		rp.secs[1].match(a.Service, r) &&
		rp.secs[2].match(a.Region, r) &&
		rp.secs[3].match(a.AccountID, r)
}

// matchString matches ARN text (the ArnEquals/ArnLike operators): each of
// the six colon-delimited components separately ("Condition operators",
// Amazon Resource Name (ARN) condition operators).
func (rp *resourcePattern) matchString(s string, r *evalCtx) bool {
	if rp.any {
		return true
	}
	if rp.whole != nil {
		return rp.whole.match(s, r)
	}
	a, err := ParseARN(s)
	if err != nil {
		return false
	}
	return rp.match(&a, r)
}

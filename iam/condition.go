package iam

// Condition operators (IAM User Guide, "IAM JSON policy elements: Condition
// operators") and the set qualifiers ForAllValues/ForAnyValue ("Conditions
// with multiple context keys or values", "Single-valued vs. multivalued
// context keys").
//
// The rules implemented here, each checked by a table test:
//   - several operators, and several keys under one operator: AND;
//   - several values for one key: OR; for a negated operator: NOR;
//   - a key absent from the request context: the condition is false, except
//     for negated operators (StringNotEquals, ArnNotLike, NotIpAddress, ...),
//     where it is true; ...IfExists makes it true; Null tests presence;
//   - ForAllValues: true when every request value matches some policy value,
//     and true when the key is absent or has no values;
//   - ForAnyValue: true when some request value matches, false when the key
//     is absent or has no values;
//   - with a negated operator the negation applies per request value
//     ("ForAllValues:StringNotLike": no request value may match any policy
//     value);
//   - a multivalued key needs a set operator: a bare operator against a key
//     with several values (or a documented multivalued key such as
//     aws:TagKeys) does not match.

import (
	"encoding/base64"
	"fmt"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

type family uint8

const (
	famString family = iota
	famStringIC
	famStringLike
	famNumeric
	famDate
	famBool
	famBinary
	famIP
	famARN
	famNull
)

type cmpOp uint8

const (
	cmpEq cmpOp = iota
	cmpLt
	cmpLe
	cmpGt
	cmpGe
)

type setOp uint8

const (
	setNone setOp = iota
	setForAll
	setForAny
)

type opInfo struct {
	fam      family
	cmp      cmpOp
	neg      bool
	ifExists bool
	set      setOp
}

var baseOps = map[string]opInfo{
	"stringequals":              {fam: famString},
	"stringnotequals":           {fam: famString, neg: true},
	"stringequalsignorecase":    {fam: famStringIC},
	"stringnotequalsignorecase": {fam: famStringIC, neg: true},
	"stringlike":                {fam: famStringLike},
	"stringnotlike":             {fam: famStringLike, neg: true},
	"numericequals":             {fam: famNumeric},
	"numericnotequals":          {fam: famNumeric, neg: true},
	"numericlessthan":           {fam: famNumeric, cmp: cmpLt},
	"numericlessthanequals":     {fam: famNumeric, cmp: cmpLe},
	"numericgreaterthan":        {fam: famNumeric, cmp: cmpGt},
	"numericgreaterthanequals":  {fam: famNumeric, cmp: cmpGe},
	"dateequals":                {fam: famDate},
	"datenotequals":             {fam: famDate, neg: true},
	"datelessthan":              {fam: famDate, cmp: cmpLt},
	"datelessthanequals":        {fam: famDate, cmp: cmpLe},
	"dategreaterthan":           {fam: famDate, cmp: cmpGt},
	"dategreaterthanequals":     {fam: famDate, cmp: cmpGe},
	"bool":                      {fam: famBool},
	"binaryequals":              {fam: famBinary},
	"ipaddress":                 {fam: famIP},
	"notipaddress":              {fam: famIP, neg: true},
	"arnequals":                 {fam: famARN},
	"arnlike":                   {fam: famARN},
	"arnnotequals":              {fam: famARN, neg: true},
	"arnnotlike":                {fam: famARN, neg: true},
	"null":                      {fam: famNull},
}

// parseOperator decodes "ForAnyValue:StringLikeIfExists" and friends.
// Operator names are matched case-insensitively.
// The second result is AWS's reason for rejecting op, or "".
func parseOperator(op string) (opInfo, string) {
	s := op
	set := setNone
	if q, rest, ok := strings.Cut(s, ":"); ok {
		switch strings.ToLower(q) {
		case "forallvalues":
			set = setForAll
		case "foranyvalue":
			set = setForAny
		default:
			return opInfo{}, fmt.Sprintf("Invalid Condition type : %s (the only qualifiers are ForAllValues: and ForAnyValue:)", op)
		}
		s = rest
	}
	low := strings.ToLower(s)
	ifExists := false
	if b, ok := strings.CutSuffix(low, "ifexists"); ok {
		low, ifExists = b, true
	}
	info, ok := baseOps[low]
	if !ok {
		return opInfo{}, fmt.Sprintf("Invalid Condition type : %s", op)
	}
	if info.fam == famNull && (ifExists || set != setNone) {
		return opInfo{}, fmt.Sprintf("Invalid Condition type : %s (Null takes neither IfExists nor a set qualifier)", op)
	}
	info.ifExists, info.set = ifExists, set
	return info, ""
}

// compiledCond is one operator/key/values triple ready to evaluate.
type compiledCond struct {
	opInfo
	key   string
	bid   builtinKey
	multi bool      // a documented multivalued key
	pats  []pattern // string families
	arns  []resourcePattern
	nums  []float64
	times []time.Time
	nets  []netip.Prefix
	bools []bool
	null  bool
}

func compileCondition(c Condition, vars bool, loc string) (compiledCond, error) {
	info, why := parseOperator(c.Operator)
	if why != "" {
		return compiledCond{}, errf(loc, "%s", why)
	}
	cc := compiledCond{opInfo: info, key: c.Key, bid: builtinOf(c.Key), multi: multivaluedKeys[strings.ToLower(c.Key)]}
	for i, v := range c.Values {
		vl := fmt.Sprintf("%s[%d]", loc, i)
		bad := func(what string) error {
			return errf(vl, "Syntax errors in policy: %s needs %s, got %q", c.Operator, what, v)
		}
		switch info.fam {
		case famString, famStringIC, famStringLike:
			p, err := compilePattern(v, info.fam == famStringLike, vars, info.fam == famStringIC)
			if err != nil {
				return cc, errf(vl, "%v", err)
			}
			cc.pats = append(cc.pats, p)
		case famARN:
			rp, err := compileARNValue(v, vars)
			if err != nil {
				return cc, errf(vl, "%v", err)
			}
			cc.arns = append(cc.arns, rp)
		case famNumeric:
			f, ok := parseDecimal(v)
			if !ok {
				return cc, bad("a number")
			}
			cc.nums = append(cc.nums, f)
		case famDate:
			t, ok := parseDate(v)
			if !ok {
				return cc, bad("an ISO 8601 date or epoch seconds")
			}
			cc.times = append(cc.times, t)
		case famBool:
			b, err := strconv.ParseBool(strings.ToLower(v))
			if err != nil || (v != "true" && v != "false" && !strings.EqualFold(v, "true") && !strings.EqualFold(v, "false")) {
				return cc, bad(`"true" or "false"`)
			}
			cc.bools = append(cc.bools, b)
		case famBinary:
			if _, err := base64.StdEncoding.DecodeString(v); err != nil {
				return cc, bad("base64-encoded bytes")
			}
			cc.pats = append(cc.pats, pattern{src: v, shape: shExact, lit: v})
		case famIP:
			pfx, err := parseCIDR(v)
			if err != nil {
				return cc, bad("an IPv4 or IPv6 address or CIDR block")
			}
			cc.nets = append(cc.nets, pfx)
		case famNull:
			switch strings.ToLower(v) {
			case "true":
				cc.null = true
			case "false":
				cc.null = false
			default:
				return cc, bad(`"true" or "false"`)
			}
			if len(c.Values) > 1 {
				return cc, errf(loc, "Syntax errors in policy: Null takes exactly one value")
			}
		}
	}
	return cc, nil
}

// parseDecimal accepts what a JSON number or a decimal string can say
// ("10", "-1.5", "1e3"). strconv.ParseFloat alone would also take "NaN",
// "Inf" and hex floats, which no IAM numeric condition means and which
// would compare false against everything.
func parseDecimal(s string) (float64, bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E') {
			return 0, false
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil && !math.IsInf(f, 0)
}

func parseCIDR(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return p, err
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// dateLayouts are the ISO 8601 forms the Date operators accept ("Date
// condition operators": "you must use one of the supported W3C
// implementations of the ISO 8601 date formats" or epoch time).
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
	"2006-01-02",
	"2006-01",
	"2006",
}

func parseDate(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	allDigits := true
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			allDigits = false
			break
		}
	}
	// A bare year "2026" is also all digits; epoch seconds are longer.
	if allDigits && len(s) > 4 {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, false
		}
		return time.Unix(n, 0).UTC(), true
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// eval decides the condition for the request in ec.
func (cc *compiledCond) eval(ec *evalCtx) bool {
	vals := ec.lookup(cc.key, cc.bid)
	if cc.fam == famNull {
		// "Null": {"k": "true"} holds when k is absent (or has no value).
		return (vals.n == 0) == cc.null
	}
	if vals.n == 0 {
		if cc.ifExists {
			return true
		}
		switch cc.set {
		case setForAll:
			return true
		case setForAny:
			return false
		}
		return cc.neg
	}
	switch cc.set {
	case setForAll:
		for i := 0; i < vals.n; i++ {
			if cc.matchOne(vals, i, ec) == cc.neg {
				return false
			}
		}
		return true
	case setForAny:
		for i := 0; i < vals.n; i++ {
			if cc.matchOne(vals, i, ec) != cc.neg {
				return true
			}
		}
		return false
	}
	// No qualifier on a multivalued key: the set operator is required
	// ("Multivalued context keys require a condition set operator"), and a
	// bare operator matches nothing, negated or not.
	if cc.multi || vals.n > 1 {
		return false
	}
	// A single value: the positive operator holds when it matches some
	// policy value (OR); a negated one when it matches none (NOR).
	return cc.matchOne(vals, 0, ec) != cc.neg
}

// multivaluedKeys are the global keys AWS documents as multivalued ("AWS
// global condition context keys", Value type: Multivalued).
var multivaluedKeys = map[string]bool{
	"aws:tagkeys":                   true,
	"aws:calledvia":                 true,
	"aws:principalservicenameslist": true,
	"aws:principalorgpaths":         true,
	"aws:resourceorgpaths":          true,
	"aws:sourceorgpaths":            true,
}

// matchOne reports whether request value i matches any policy value under
// the positive form of the operator.
func (cc *compiledCond) matchOne(vals ctxVals, i int, ec *evalCtx) bool {
	switch cc.fam {
	case famString, famStringIC, famStringLike, famBinary:
		s := vals.at(i)
		for k := range cc.pats {
			if cc.pats[k].match(s, ec) {
				return true
			}
		}
	case famARN:
		s := vals.at(i)
		for k := range cc.arns {
			if cc.arns[k].matchString(s, ec) {
				return true
			}
		}
	case famNumeric:
		var f float64
		if vals.isTime {
			f = float64(vals.t.Unix())
		} else {
			var err error
			if f, err = strconv.ParseFloat(vals.at(i), 64); err != nil {
				return false
			}
		}
		for _, n := range cc.nums {
			if compare(cmpFloat(f, n), cc.cmp) {
				return true
			}
		}
	case famDate:
		t, ok := vals.t, vals.isTime
		if !ok {
			if t, ok = parseDate(vals.at(i)); !ok {
				return false
			}
		}
		for _, u := range cc.times {
			if compare(t.Compare(u), cc.cmp) {
				return true
			}
		}
	case famBool:
		s := vals.at(i)
		for _, b := range cc.bools {
			if b && strings.EqualFold(s, "true") || !b && strings.EqualFold(s, "false") {
				return true
			}
		}
	case famIP:
		a, err := netip.ParseAddr(vals.at(i))
		if err != nil {
			return false
		}
		a = a.Unmap()
		for _, n := range cc.nets {
			if n.Contains(a) {
				return true
			}
		}
	}
	return false
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func compare(c int, op cmpOp) bool {
	switch op {
	case cmpEq:
		return c == 0
	case cmpLt:
		return c < 0
	case cmpLe:
		return c <= 0
	case cmpGt:
		return c > 0
	case cmpGe:
		return c >= 0
	}
	return false
}

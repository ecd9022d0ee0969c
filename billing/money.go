package billing

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// Money is an exact amount of US dollars as an integer count of
// nano-dollars (1e-9 USD). It holds ±9.2 billion dollars, more than any
// simulated bill, and is fine enough that a line item's cost (rounded once,
// see the package doc) is exact to nine decimal places — finer than the
// ten-significant-digit unit prices of the AWS price list ever need once
// multiplied by a quantity. Money is never a float: sums of Money are
// exact, so 10^9 line items add up to the closed form to the last unit.
//
// The zero value is $0.
type Money int64

// addSat returns m+n, saturating at the int64 range and setting *overflow
// if it had to.
func (m Money) addSat(n Money, overflow *bool) Money {
	s := m + n
	if (n > 0 && s < m) || (n < 0 && s > m) {
		*overflow = true
		if n > 0 {
			return math.MaxInt64
		}
		return math.MinInt64
	}
	return s
}

// Money units.
const (
	NanoUSD  Money = 1
	MicroUSD Money = 1000
	Cent     Money = 10_000_000
	Dollar   Money = 1_000_000_000
)

// Dollars returns m as float64 dollars, for plots and tolerances only; never
// add the results.
func (m Money) Dollars() float64 { return float64(m) / float64(Dollar) }

// Cents returns m rounded half away from zero to whole cents — the rule an
// invoice's amount due follows (see Invoice.AmountDue).
func (m Money) Cents() int64 {
	q, r := int64(m)/int64(Cent), int64(m)%int64(Cent)
	if r >= int64(Cent)/2 {
		q++
	} else if r <= -int64(Cent)/2 {
		q--
	}
	return q
}

// RoundCents returns m rounded half away from zero to whole cents.
func (m Money) RoundCents() Money { return Money(m.Cents()) * Cent }

// String formats m as dollars with at least two decimals and as many more as
// needed to be exact: "$7.592", "$0.20", "-$1.000000001".
func (m Money) String() string {
	sign := ""
	u := uint64(m)
	if m < 0 {
		sign = "-"
		u = uint64(-m)
	}
	whole, frac := u/uint64(Dollar), u%uint64(Dollar)
	fs := fmt.Sprintf("%09d", frac)
	fs = strings.TrimRight(fs, "0")
	for len(fs) < 2 {
		fs += "0"
	}
	return sign + "$" + strconv.FormatUint(whole, 10) + "." + fs
}

// Decimal formats m as a plain decimal number of dollars with nine
// decimals and no sign of currency ("7.592000000"), the form of the cost
// columns of a Cost and Usage Report.
func (m Money) Decimal() string {
	sign := ""
	u := uint64(m)
	if m < 0 {
		sign = "-"
		u = uint64(-m)
	}
	return fmt.Sprintf("%s%d.%09d", sign, u/uint64(Dollar), u%uint64(Dollar))
}

// ParseMoney parses a dollar amount such as "50", "$7.59", "0.000000001" or
// "-3.5". More than nine decimals is an error rather than a silent rounding.
func ParseMoney(s string) (Money, error) {
	t := strings.TrimSpace(s)
	neg := false
	if strings.HasPrefix(t, "-") {
		neg, t = true, t[1:]
	}
	t = strings.TrimPrefix(t, "$")
	n, err := parseDecimal(t, 9)
	if err != nil {
		return 0, fmt.Errorf("billing: invalid amount %q: %v", s, err)
	}
	if neg {
		n = -n
	}
	return Money(n), nil
}

// MustParseMoney is ParseMoney for literals; it panics on bad input.
func MustParseMoney(s string) Money {
	m, err := ParseMoney(s)
	if err != nil {
		panic(err)
	}
	return m
}

// Price is an exact unit price: an integer count of femto-dollars (1e-15
// USD) per pricing unit (per hour, per GB-month, per request...). The
// finest AWS list prices ($0.0000000309 per GB-s of Lambda ephemeral
// storage, $0.0000166667 per GB-s of duration) are whole numbers of
// femto-dollars, and so are their products with the three-decimal
// regional multipliers of the catalog. A Price is at most $9,223 per unit.
//
// Prices are never summed: a line item's cost is the exact rational
// quantity × price, rounded once (see the package doc).
type Price int64

// PriceUnit is one femto-dollar per unit; PriceDollar is $1 per unit.
const (
	PriceUnit   Price = 1
	PriceDollar Price = 1_000_000_000_000_000
)

// ParsePrice parses a non-negative decimal dollar price such as "0.0104" or
// "0.0000166667" (at most 15 decimals).
func ParsePrice(s string) (Price, error) {
	t := strings.TrimPrefix(strings.TrimSpace(s), "$")
	n, err := parseDecimal(t, 15)
	if err != nil {
		return 0, fmt.Errorf("billing: invalid price %q: %v", s, err)
	}
	return Price(n), nil
}

// MustParsePrice is ParsePrice for literals; it panics on bad input.
func MustParsePrice(s string) Price {
	p, err := ParsePrice(s)
	if err != nil {
		panic(err)
	}
	return p
}

// String formats p as a dollar price with as many decimals as it needs.
func (p Price) String() string {
	u := uint64(p)
	sign := ""
	if p < 0 {
		sign, u = "-", uint64(-p)
	}
	whole, frac := u/uint64(PriceDollar), u%uint64(PriceDollar)
	fs := strings.TrimRight(fmt.Sprintf("%015d", frac), "0")
	for len(fs) < 2 {
		fs += "0"
	}
	return sign + "$" + strconv.FormatUint(whole, 10) + "." + fs
}

// Rat returns p in dollars as an exact rational.
func (p Price) Rat() *big.Rat { return new(big.Rat).SetFrac64(int64(p), int64(PriceDollar)) }

// Rat returns m in dollars as an exact rational.
func (m Money) Rat() *big.Rat { return new(big.Rat).SetFrac64(int64(m), int64(Dollar)) }

// parseDecimal parses an unsigned decimal "123.456" into an integer scaled
// by 10^scale, rejecting more than scale decimals and overflow.
func parseDecimal(s string, scale int) (int64, error) {
	if s == "" {
		return 0, fmt.Errorf("empty")
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if hasDot && frac == "" && whole == "" {
		return 0, fmt.Errorf("no digits")
	}
	if whole == "" {
		whole = "0"
	}
	for _, c := range whole + frac {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("not a decimal number")
		}
	}
	if len(frac) > scale {
		// Trailing zeros beyond the scale are harmless.
		if strings.TrimRight(frac[scale:], "0") != "" {
			return 0, fmt.Errorf("more than %d decimals", scale)
		}
		frac = frac[:scale]
	}
	frac += strings.Repeat("0", scale-len(frac))
	w, err := strconv.ParseUint(whole, 10, 63)
	if err != nil {
		return 0, fmt.Errorf("out of range")
	}
	f, _ := strconv.ParseUint(frac, 10, 63)
	pow := uint64(1)
	for range scale {
		pow *= 10
	}
	hi, lo := mul64(w, pow)
	if hi != 0 || lo > 1<<63-1-f {
		return 0, fmt.Errorf("out of range")
	}
	return int64(lo + f), nil
}

package mix

// ID renders a resource ID the way EC2 prints them: prefix, a dash and v
// as 17 zero-padded lower-case hex digits (fmt's "%s-%017x"), with one
// allocation, the string itself. IDs are made on every launch, and fmt
// costs several allocations and a format parse each time.
func ID(prefix string, v uint64) string {
	var buf [48]byte
	return string(AppendID(buf[:0], prefix, v))
}

// AppendID appends ID(prefix, v) to b, for a caller rendering the ID
// inside a longer string (an ARN) in the same allocation.
func AppendID(b []byte, prefix string, v uint64) []byte {
	const digits = "0123456789abcdef"
	b = append(b, prefix...)
	b = append(b, '-', '0') // a uint64 has 16 hex digits: the 17th is always 0
	var hex [16]byte
	for i := 15; i >= 0; i-- {
		hex[i] = digits[v&15]
		v >>= 4
	}
	return append(b, hex[:]...)
}

// ParseID returns the value v of an ID rendered as ID(prefix, v). Only
// that exact form (prefix, "-0", 16 lower-case hex digits) parses, so IDs
// and values match one to one.
func ParseID(prefix, id string) (uint64, bool) {
	if len(id) != len(prefix)+18 || id[:len(prefix)] != prefix || id[len(prefix):len(prefix)+2] != "-0" {
		return 0, false
	}
	var v uint64
	for i := len(prefix) + 2; i < len(id); i++ {
		d := hexValue[id[i]]
		if d > 15 {
			return 0, false
		}
		v = v<<4 | uint64(d)
	}
	return v, true
}

// IsLowerHex reports whether s is lower-case hex digits only (true for
// ""). It ORs the digits' values, so that any other byte's 0xff shows in
// the result without a branch per byte: services check the IDs of every
// call.
func IsLowerHex(s string) bool {
	var or uint8
	for i := 0; i < len(s); i++ {
		or |= hexValue[s[i]]
	}
	return or <= 15
}

// hexValue is the value of a lower-case hex digit, 0xff for any other
// byte. Never written after init.
var hexValue = func() (t [256]uint8) {
	for i := range t {
		t[i] = 0xff
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = uint8(c - '0')
	}
	for c := 'a'; c <= 'f'; c++ {
		t[c] = uint8(c - 'a' + 10)
	}
	return t
}()

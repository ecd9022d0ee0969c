package mix

import "encoding/binary"

// ID renders a resource ID the way EC2 prints them: prefix, a dash and v
// as 17 zero-padded lower-case hex digits (fmt's "%s-%017x"), with one
// allocation, the string itself. IDs are made on every launch, and fmt
// costs several allocations and a format parse each time.
func ID(prefix string, v uint64) string {
	var buf [48]byte
	return string(AppendID(buf[:0], prefix, v))
}

// AppendID appends ID(prefix, v) to b, for a caller rendering the ID
// inside a longer string (an ARN) in the same allocation. The digits are
// made eight at a time (hex8) rather than by a table look-up each: every
// launch renders an instance, reservation, volume and interface ID, and
// the 16-step loop was a tenth of ec2's own instructions in a launch.
// TestIDMatchesSprintf holds it to fmt.
func AppendID(b []byte, prefix string, v uint64) []byte {
	b = append(b, prefix...)
	b = append(b, '-', '0') // a uint64 has 16 hex digits: the 17th is always 0
	var hex [16]byte
	binary.BigEndian.PutUint64(hex[:8], hex8(uint32(v>>32)))
	binary.BigEndian.PutUint64(hex[8:], hex8(uint32(v)))
	return append(b, hex[:]...)
}

// hex8 returns the eight lower-case hex digits of x as the bytes of a
// word, the most significant digit in the most significant byte: the
// nibbles are spread one per byte, then each nibble n becomes '0'+n, plus
// 'a'-'0'-10 where n > 9 (n+6 carries into bit 4 exactly then, and no
// byte overflows).
func hex8(x uint32) uint64 {
	v := uint64(x)
	v = (v | v<<16) & 0x0000ffff0000ffff
	v = (v | v<<8) & 0x00ff00ff00ff00ff
	v = (v | v<<4) & 0x0f0f0f0f0f0f0f0f
	letters := (v + 0x0606060606060606) >> 4 & 0x0101010101010101
	return v + 0x3030303030303030 + letters*('a'-'0'-10)
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

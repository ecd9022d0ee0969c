package ec2

import "encoding/binary"

// appendID is mix.AppendID (prefix, "-0", 16 lower-case hex digits of v)
// without its digit loop: every launch renders an instance ID, a
// reservation ID and a volume ID, and the loop's 16 table lookups and
// appends per ID were a tenth of ec2's own instructions in a launch. The
// digits are made eight at a time (hex8). TestAppendIDMatchesMix checks
// it against mix.AppendID.
func appendID(b []byte, prefix string, v uint64) []byte {
	b = append(b, prefix...)
	b = append(b, '-', '0') // a uint64 has 16 hex digits: the 17th is always 0
	var hex [16]byte
	binary.BigEndian.PutUint64(hex[:8], hex8(uint32(v>>32)))
	binary.BigEndian.PutUint64(hex[8:], hex8(uint32(v)))
	return append(b, hex[:]...)
}

// idString is mix.ID with appendID.
func idString(prefix string, v uint64) string {
	var buf [48]byte
	return string(appendID(buf[:0], prefix, v))
}

// hex8 returns the eight lower-case hex digits of x as the bytes of a
// word, the most significant digit in the most significant byte: the
// nibbles are spread one per byte, then each nibble n becomes '0'+n, plus
// 'a'-'0'-10 where n > 9 (n+6 carries into bit 4 exactly then).
func hex8(x uint32) uint64 {
	v := uint64(x)
	v = (v | v<<16) & 0x0000ffff0000ffff
	v = (v | v<<8) & 0x00ff00ff00ff00ff
	v = (v | v<<4) & 0x0f0f0f0f0f0f0f0f
	letters := (v + 0x0606060606060606) >> 4 & 0x0101010101010101
	return v + 0x3030303030303030 + letters*('a'-'0'-10)
}

package s3

// hex8 returns the eight lowercase hex digits of x's four bytes, low byte
// first and each byte's high nibble first, as the bytes of a
// little-endian word: a listing page renders a thousand synthetic ETags,
// and doing eight digits in a few word operations instead of a table
// look-up per digit is most of what rendering one costs.
func hex8(x uint32) uint64 {
	v := uint64(x)
	v = (v | v<<16) & 0x0000ffff0000ffff // byte i to bits 16i..16i+7
	v = (v | v<<8) & 0x00ff00ff00ff00ff
	// Per 16-bit lane: the high nibble in the low byte, the low nibble
	// in the high byte (the digit written first comes first in memory).
	n := (v>>4)&0x000f000f000f000f | (v&0x000f000f000f000f)<<8
	// Each byte is a nibble d: '0'+d, plus 'a'-'0'-10 = 39 when d >= 10
	// (d+6 carries into bit 4 exactly then; no byte overflows).
	ge10 := (n + 0x0606060606060606) >> 4 & 0x0101010101010101
	return n + 0x3030303030303030 + ge10*39
}

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

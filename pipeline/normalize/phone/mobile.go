package phone

// mobile5 has bit n set when an 11-digit number starting 1 and then the
// four digits of n (0000 to 9999) is a Chinese mobile: mobilePrefixes
// spread over every five-digit prefix, so one lookup decides.
var mobile5 = spreadMobilePrefixes(mobilePrefixes)

func spreadMobilePrefixes(prefixes map[string]bool) [10000/64 + 1]uint64 {
	var set [10000/64 + 1]uint64
	for p := range prefixes {
		// p is 1 and one to four more digits: it covers a range of n
		n, width := 0, 1
		for i := 1; i < 5; i++ {
			n *= 10
			if i < len(p) {
				n += int(p[i] - '0')
			} else {
				width *= 10
			}
		}
		for k := n; k < n+width; k++ {
			set[k/64] |= 1 << (k % 64)
		}
	}
	return set
}

// isMobile reports whether eleven digits d (at least their first five)
// start like a Chinese mobile number.
func isMobile(d []byte) bool {
	if len(d) < 5 || d[0] != '1' {
		return false
	}
	n := 0
	for _, c := range d[1:5] {
		if c < '0' || c > '9' {
			return false
		}
		n = n*10 + int(c-'0')
	}
	return mobile5[n/64]&(1<<(n%64)) != 0
}

package name

import (
	"strings"
	"unicode"
)

// usccAlphabet holds the 31 characters of GB 32100-2015 (no I, O, S, V, Z);
// a character's value is its index.
const usccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// usccWeights are the weights of positions 1–17.
var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// usccAuthorities are the registration-authority codes of position 1:
// 1 机构编制, 2 外交, 3 司法行政, 4 文化, 5 民政, 6 旅游, 7 宗教, 8 工会,
// 9 工商 (market regulation), A 中央军委改革和编制办公室, N 农业, Y 其他.
const usccAuthorities = "123456789ANY"

// NormalizeUSCC cleans a unified social credit code (统一社会信用代码):
// NFKC (full-width to half-width), upper-case, spaces, dashes and dots
// removed. valid reports whether the result is a well-formed code per
// GB 32100-2015: 18 characters of its alphabet, a known registration
// authority (1–9, A, N, Y), an institution category 1–9, a six-digit
// administrative division code, and the check character at position 18,
// whose value is (31 − Σ value×weight mod 31) mod 31.
func NormalizeUSCC(s string) (code string, valid bool) {
	if code, ok := cleanASCII(s); ok {
		return code, validUSCC(code)
	}
	code = cleanUSCC(s)
	// Dropping a separator can bring combining marks together, which NFKC
	// then reorders: repeat until stable (only garbage input needs it).
	for range 4 {
		next := cleanUSCC(code)
		if next == code {
			break
		}
		code = next
	}
	return code, validUSCC(code)
}

func cleanUSCC(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r), unicode.Is(unicode.Pd, r), r == '.', r == '·', unicode.In(r, unicode.Cc, unicode.Cf):
			return -1
		}
		return unicode.ToUpper(r)
	}, nfkc(s))
}

func validUSCC(code string) bool {
	if len(code) != 18 {
		return false
	}
	if strings.IndexByte(usccAuthorities, code[0]) < 0 || code[1] < '1' || code[1] > '9' {
		return false
	}
	for i := 2; i < 8; i++ {
		if code[i] < '0' || code[i] > '9' {
			return false
		}
	}
	sum := 0
	for i := range 17 {
		v := strings.IndexByte(usccAlphabet, code[i])
		if v < 0 {
			return false
		}
		sum += v * usccWeights[i]
	}
	return code[17] == usccAlphabet[(31-sum%31)%31]
}

// cleanASCII is the fast path for ASCII input, where upper-casing and
// dropping separators is all there is to do; ok is false otherwise.
func cleanASCII(s string) (string, bool) {
	var buf [32]byte
	out := buf[:0]
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 0x80:
			return "", false
		case c == ' ' || c == '-' || c == '.' || c < 0x20 || c == 0x7F:
		case c >= 'a' && c <= 'z':
			out = append(out, c-'a'+'A')
		default:
			out = append(out, c)
		}
	}
	return string(out), true
}

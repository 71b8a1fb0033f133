// Package text holds the basic cell-text handling every stage relies on:
// Clean (Unicode and white-space normalization of a cell), placeholder and
// ditto-mark recognition, and traditional → simplified Chinese conversion.
package text

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Clean normalizes one cell's text:
//
//   - Unicode NFKC, so full-width letters, digits, brackets and signs become
//     their ASCII forms (（１３８） → (138), ＡＢＣ → ABC, ＠ → @). Chinese
//     punctuation that NFKC leaves alone (、。“”《》) is kept as it is.
//   - Format characters (zero-width space/joiners U+200B–U+200D, BOM U+FEFF,
//     word joiner U+2060, soft hyphen, bidi marks) are dropped.
//   - Control characters (tab, newline, …) and every Unicode space
//     (ideographic space U+3000, no-break space) become a plain space; runs of
//     spaces collapse into one; leading and trailing spaces are trimmed.
//   - A single space with a Han character on both sides is removed
//     ("张 伟" → "张伟", "浙江 杭州" → "浙江杭州"); a space next to anything
//     else stays ("阿里巴巴 (中国)", "Room 801").
//
// Clean is idempotent. A string that is already clean is returned as is,
// without allocating.
func Clean(s string) string {
	if isClean(s) {
		return s
	}
	return clean(s)
}

// isClean reports whether Clean would return s unchanged. It is the fast
// path: one pass over the bytes, falling back to the NFKC quick check only
// for non-ASCII runes other than the common CJK ideographs.
func isClean(s string) bool {
	if s == "" {
		return true
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	checkNFKC := false
	prevSpace := false
	prevHan := false  // the rune before the current one is Han
	hanSpace := false // the runes before are Han, then one space
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case c == ' ':
				if prevSpace {
					return false
				}
				hanSpace = prevHan
				prevSpace, prevHan = true, false
			case c < 0x20 || c == 0x7f:
				return false
			default:
				prevSpace, prevHan, hanSpace = false, false, false
			}
			continue
		}
		if HanAt(s, i) { // the common case, without decoding
			i += 3
			if hanSpace {
				return false
			}
			prevSpace, prevHan, hanSpace = false, true, false
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r >= 0x4E00 && r <= 0x9FFF: // CJK Unified Ideographs: NFKC-stable
			if hanSpace {
				return false
			}
			prevSpace, prevHan, hanSpace = false, true, false
			continue
		case r == utf8.RuneError && size == 1:
			return false
		case dropped(r) || unicode.IsSpace(r) || unicode.IsControl(r):
			return false
		}
		han := IsHan(r)
		if han && hanSpace {
			return false
		}
		prevSpace, prevHan, hanSpace = false, han, false
		checkNFKC = true
	}
	return !checkNFKC || norm.NFKC.IsNormalString(s)
}

// DecodeRune is utf8.DecodeRuneInString(s[i:]) with the three-byte
// sequences that Chinese text is made of decoded inline.
func DecodeRune(s string, i int) (rune, int) {
	if i+2 < len(s) {
		c0, c1, c2 := s[i], s[i+1], s[i+2]
		if c0&0xF0 == 0xE0 && c1&0xC0 == 0x80 && c2&0xC0 == 0x80 {
			r := rune(c0&0x0F)<<12 | rune(c1&0x3F)<<6 | rune(c2&0x3F)
			if r >= 0x800 && (r < 0xD800 || r > 0xDFFF) { // not overlong, not a surrogate
				return r, 3
			}
		}
	}
	return utf8.DecodeRuneInString(s[i:])
}

// HanAt reports whether s[i:] starts with a CJK unified ideograph
// (U+4E00–U+9FFF), reading its three UTF-8 bytes directly: a fast test for
// the characters of nearly every Chinese name and address.
func HanAt(s string, i int) bool {
	if i+2 >= len(s) {
		return false
	}
	c0, c1, c2 := s[i], s[i+1], s[i+2]
	if c0 < 0xE4 || c0 > 0xE9 || c1&0xC0 != 0x80 || c2&0xC0 != 0x80 {
		return false
	}
	return c0 != 0xE4 || c1 >= 0xB8 // U+4E00 is E4 B8 80
}

// AllHan reports whether s is one or more CJK unified ideographs
// (U+4E00–U+9FFF) and nothing else: a text that NFKC, case folding,
// trimming and dropping punctuation all leave alone.
func AllHan(s string) bool {
	if s == "" || len(s)%3 != 0 {
		return false
	}
	for i := 0; i < len(s); i += 3 {
		if !HanAt(s, i) {
			return false
		}
	}
	return true
}

// dropped reports whether Clean removes r: format characters such as the
// zero-width space and joiners, the BOM, the word joiner, soft hyphens and
// bidi controls.
func dropped(r rune) bool {
	return unicode.Is(unicode.Cf, r)
}

func clean(s string) string {
	// Invalid UTF-8 becomes U+FFFD so that every later pass sees valid text.
	s = strings.ToValidUTF8(s, "\uFFFD")
	// Pass 1: drop format characters and turn controls into spaces, then
	// NFKC. Most dirty cells have neither, so the copy is made only when
	// needed.
	if hasFormatOrControl(s) {
		b := make([]byte, 0, len(s))
		for _, r := range s {
			switch {
			case dropped(r):
			case unicode.IsControl(r):
				b = append(b, ' ')
			default:
				b = utf8.AppendRune(b, r)
			}
		}
		s = string(b)
	}
	nfkc := norm.NFKC.AppendString(make([]byte, 0, len(s)+8), s)
	// Pass 2: white space. NFKC may turn some symbols into sequences holding
	// a space (U+00A8 → " \u0308"), so spaces are handled after it.
	out := make([]byte, 0, len(nfkc))
	var prev rune         // last rune written
	pendingSpace := false // a space is due before the next rune
	droppedAny := false   // pass 2 dropped a format character
	for i := 0; i < len(nfkc); {
		r, size := rune(nfkc[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRune(nfkc[i:])
		}
		i += size
		switch {
		case r == ' ' || r < 0x20 || r == 0x7f || r >= utf8.RuneSelf && (unicode.IsSpace(r) || unicode.IsControl(r)):
			pendingSpace = true
			continue
		case r >= utf8.RuneSelf && dropped(r):
			droppedAny = true
			continue
		}
		if pendingSpace && len(out) > 0 && !(IsHan(prev) && IsHan(r)) {
			out = append(out, ' ')
		}
		pendingSpace = false
		out = utf8.AppendRune(out, r)
		prev = r
	}
	if droppedAny && !norm.NFKC.IsNormal(out) {
		// Removing a character can leave a sequence that NFKC composes.
		return clean(string(out))
	}
	return string(out)
}

func hasFormatOrControl(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r >= 0x80 && r < 0x4E00 && (dropped(r) || unicode.IsControl(r)) || r > 0x9FFF && dropped(r) {
			return true
		}
	}
	return false
}

// IsHan reports whether r is a Chinese character (Unicode script Han).
func IsHan(r rune) bool {
	if r >= 0x4E00 && r <= 0x9FFF {
		return true
	}
	return r >= 0x2E80 && unicode.Is(unicode.Han, r)
}

// HasHan reports whether s holds at least one Chinese character.
func HasHan(s string) bool {
	for _, r := range s {
		if IsHan(r) {
			return true
		}
	}
	return false
}

// Blank reports whether s is empty or white space only: whether
// strings.TrimSpace(s) == "", without trimming. It stops at the first
// character that is not a space.
func Blank(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if asciiSpace[c] == 0 {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsSpace(r) {
			return false
		}
		i += size
	}
	return true
}

// asciiSpace marks the ASCII characters strings.TrimSpace trims.
var asciiSpace = [utf8.RuneSelf]uint8{'\t': 1, '\n': 1, '\v': 1, '\f': 1, '\r': 1, ' ': 1}

// AllDigits reports whether s is one or more ASCII digits.
func AllDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

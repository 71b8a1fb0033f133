package name

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/crmclean/crmclean/pipeline/normalize/text"
)

// Display returns the canonical display form of a name: NFKC (full-width
// letters and digits to half-width), brackets unified to full-width （）,
// middle dots unified to ·, invisible characters dropped, and spacing
// fixed: no spaces next to Han characters or inside brackets, single
// spaces between latin words. Letter case is kept. Display is idempotent.
func (n *Namer) Display(name string) string {
	if displayed(name) {
		return name
	}
	return display(name)
}

// displayed reports whether Display returns s unchanged because every rune
// is one it leaves alone wherever it stands: a CJK unified ideograph,
// printable ASCII other than spaces and brackets, or a full-width bracket.
// It is the fast path for the usual name.
func displayed(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch c {
			case ' ', '(', ')', '[', ']', '{', '}', 0x7f:
				return false
			}
			if c < 0x21 {
				return false
			}
			i++
			continue
		}
		if text.HanAt(s, i) {
			i += 3
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r != '（' && r != '）' {
			return false
		}
		i += size
	}
	return true
}

// display is Display without its fast path.
func display(name string) string {
	s := nfkc(strings.Map(visible, name))
	rs := make([]rune, 0, len(s))
	for _, r := range s {
		if unicode.IsSpace(r) {
			r = ' '
		}
		if o, ok := brackets[r]; ok {
			r = o
		}
		if isDot(r) {
			r = '·'
		}
		rs = append(rs, r)
	}
	var b strings.Builder
	b.Grow(len(s))
	last := rune(0) // last rune written; 0 at the start
	pending := false
	for _, r := range rs {
		if r == ' ' {
			pending = last != 0
			continue
		}
		if pending && (unicode.In(r, unicode.Mn, unicode.Me, unicode.Mc) ||
			!tight(last) && !tight(r) && last != '（' && r != '）' && r != ',' && r != '.') {
			b.WriteByte(' ')
		}
		pending = false
		b.WriteRune(r)
		last = r
	}
	return b.String()
}

// visible drops control and format characters (zero-width spaces, BOMs)
// but keeps line breaks and tabs, which become spaces.
func visible(r rune) rune {
	if unicode.IsSpace(r) {
		return ' '
	}
	if unicode.In(r, unicode.Cc, unicode.Cf) {
		return -1
	}
	return r
}

// brackets maps opening and closing brackets to （ and ）.
var brackets = map[rune]rune{
	'(': '（', '[': '（', '【': '（', '〔': '（', '［': '（', '〖': '（', '{': '（',
	')': '）', ']': '）', '】': '）', '〕': '）', '］': '）', '〗': '）', '}': '）',
}

func isDot(r rune) bool {
	switch r {
	case '·', '•', '・', '‧', '∙', '⋅', '･':
		return true
	}
	return false
}

// tight reports whether no space belongs next to r: Han characters, CJK
// punctuation and the middle dot. Brackets take no space on their inner
// side only.
func tight(r rune) bool {
	if r == '（' || r == '）' { // spaced like latin brackets, see Display
		return false
	}
	return isHan(r) || r == '·' || r >= 0x3000 && r <= 0x303F || r >= 0xFF00 && r <= 0xFFEF
}

func isHan(r rune) bool {
	if r >= 0x4E00 && r <= 0x9FFF { // the unified ideographs block, most names
		return true
	}
	return r >= 0x2E80 && unicode.Is(unicode.Han, r)
}

func hasHan(s string) bool {
	for _, r := range s {
		if isHan(r) {
			return true
		}
	}
	return false
}

// fold is the form words are compared in: NFKC, lower-case, trimmed.
// CJK unified ideographs alone, the usual name, are their own fold.
func fold(s string) string {
	if text.AllHan(s) {
		return s
	}
	return strings.TrimSpace(lower(nfkc(s)))
}

// lower is strings.ToLower with a fast path for the usual name, ASCII, CJK
// unified ideographs and full-width brackets (which have no case): it
// returns s itself when there is no upper-case ASCII letter in it.
func lower(s string) string {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				return strings.ToLower(s)
			}
			i++
			continue
		}
		if !text.HanAt(s, i) && !strings.HasPrefix(s[i:], "（") && !strings.HasPrefix(s[i:], "）") {
			return strings.ToLower(s)
		}
		i += 3
	}
	return s
}

// compact keeps only letters and digits.
func compact(s string) string {
	clean := true
	for _, r := range s {
		if !isAlnum(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if isAlnum(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isAlnum is unicode.IsLetter(r) || unicode.IsDigit(r), answered without
// the tables for ASCII and the CJK unified ideographs (all letters).
func isAlnum(r rune) bool {
	switch {
	case r < utf8.RuneSelf:
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	case r >= 0x4E00 && r <= 0x9FFF:
		return true
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// latinWords splits s into runs of latin letters and digits.
func latinWords(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !isLatinWordRune(r) })
}

func isLatinWordRune(r rune) bool {
	return r < utf8RuneSelf && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') || r >= 0xC0 && r < 0x250 && unicode.IsLetter(r)
}

const utf8RuneSelf = 0x80

// nfkc is norm.NFKC.String with a fast path for the usual name: ASCII and
// CJK unified ideographs, which NFKC leaves alone, and full-width ASCII
// forms (（, ）, Ａ), which it maps to ASCII.
func nfkc(s string) string {
	wide := false
	for i := 0; i < len(s); {
		switch {
		case s[i] < utf8.RuneSelf:
			i++
		case text.HanAt(s, i):
			i += 3
		case fullWidth3(s, i):
			wide = true
			i += 3
		default:
			return norm.NFKC.String(s)
		}
	}
	if !wide {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		if fullWidth3(s, i) {
			r, _ := utf8.DecodeRuneInString(s[i:])
			b = append(b, byte(r-0xFEE0))
			i += 3
			continue
		}
		b = append(b, s[i])
		i++
	}
	return string(b)
}

// fullWidth3 reports whether s[i:] starts with a full-width ASCII form
// (U+FF01–U+FF5E, EF BC 81 to EF BD 9E in UTF-8).
func fullWidth3(s string, i int) bool {
	if i+2 >= len(s) || s[i] != 0xEF {
		return false
	}
	c1, c2 := s[i+1], s[i+2]
	return c1 == 0xBC && c2 >= 0x81 && c2 <= 0xBF || c1 == 0xBD && c2 >= 0x80 && c2 <= 0x9E
}

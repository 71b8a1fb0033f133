package address

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/crmclean/crmclean/pipeline/normalize/text"
)

// isSeparator reports whether r separates parts of an address.
func isSeparator(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\u3000', '\u00a0', ',', '，', '、', '-', '－', '—', '/', '／', '|', '·',
		';', '；', ':', '：', '.', '。', '_', '>':
		return true
	}
	return false
}

func isSeparatorStart(s string) bool {
	r, _ := text.DecodeRune(s, 0)
	return isSeparator(r)
}

func skipSeparators(s string, pos int) int {
	for pos < len(s) {
		if c := s[pos]; c < utf8.RuneSelf {
			if !isSeparator(rune(c)) {
				break
			}
			pos++
			continue
		}
		if text.HanAt(s, pos) {
			break // a Chinese character, the common case: never a separator
		}
		r, size := text.DecodeRune(s, pos)
		if !isSeparator(r) {
			break
		}
		pos += size
	}
	return pos
}

// trimSeparators trims separators from both ends of s, as
// strings.TrimFunc(s, isSeparator) does, without decoding the Chinese
// character that most details end with.
func trimSeparators(s string) string {
	s = s[skipSeparators(s, 0):]
	for len(s) > 0 {
		if c := s[len(s)-1]; c < utf8.RuneSelf {
			if !isSeparator(rune(c)) {
				break
			}
			s = s[:len(s)-1]
			continue
		}
		if len(s) >= 3 && text.HanAt(s, len(s)-3) {
			break // a Chinese character, the common case: never a separator
		}
		r, size := utf8.DecodeLastRuneInString(s)
		if !isSeparator(r) {
			break
		}
		s = s[:len(s)-size]
	}
	return s
}

func isSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\u3000' || r == '\u00a0' || r == '\n' || r == '\r'
}

// countryPrefixes are skipped at the start of an address.
var countryPrefixes = []string{"中华人民共和国", "中国大陆", "中国"}

func skipCountry(s string, pos int) int {
	pos = skipSeparators(s, pos)
	for _, p := range countryPrefixes {
		if pos < len(s) && s[pos] == p[0] && strings.HasPrefix(s[pos:], p) {
			return pos + len(p)
		}
	}
	return pos
}

// fillers are level names of statistical tables that stand where a city
// would: 北京市市辖区东城区.
var fillers = []string{"市辖区", "省直辖县级行政区划", "自治区直辖县级行政区划"}

// skipFiller skips separators and fillers.
func skipFiller(s string, pos int) int {
	for {
		pos = skipSeparators(s, pos)
		n := pos
		for _, f := range fillers {
			if pos < len(s) && s[pos] == f[0] && strings.HasPrefix(s[pos:], f) {
				n = pos + len(f)
				break
			}
		}
		if n == pos {
			return pos
		}
		pos = n
	}
}

// sanitize folds full-width ASCII to half-width, turns every kind of white
// space into ' ' and drops invalid UTF-8 and control characters, so that
// what Resolve reads is what the cleaned detail shows.
func sanitize(s string) string {
	if sane(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := text.DecodeRune(s, i)
		i += size
		switch {
		case r == utf8.RuneError && size <= 1:
			continue
		case r >= 0xff01 && r <= 0xff5e:
			r -= 0xfee0
		case unicode.IsSpace(r):
			r = ' '
		case unicode.IsControl(r):
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// sane reports whether sanitize would leave s as it is.
func sane(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				return false
			}
			i++
			continue
		}
		if text.HanAt(s, i) {
			i += 3 // a CJK unified ideograph, as the case below finds without decoding
			continue
		}
		r, size := text.DecodeRune(s, i)
		switch {
		case r > 0x3000 && (r < 0xff01 || r > 0xff5e) && r != utf8.RuneError:
			// CJK and most other text: neither space, control nor full-width ASCII.
		case r == utf8.RuneError && size <= 1, r >= 0xff01 && r <= 0xff5e, unicode.IsSpace(r), unicode.IsControl(r):
			return false
		}
		i += size
	}
	return true
}

// cleanDetail folds full-width ASCII to half-width, trims separators from
// both ends and drops spaces except between two Latin letters or digits:
// "文三路 90 号" → "文三路90号", "Room 5" stays.
func cleanDetail(s string) string {
	if s == "" {
		return ""
	}
	if sane(s) && strings.IndexByte(s, ' ') < 0 {
		return trimSeparators(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	pendingSpace := false
	var prev rune
	for _, r := range s {
		if r >= 0xff01 && r <= 0xff5e {
			r -= 0xfee0
		}
		if r == utf8.RuneError || unicode.IsControl(r) && !unicode.IsSpace(r) {
			continue
		}
		if unicode.IsSpace(r) {
			pendingSpace = true
			continue
		}
		if pendingSpace && b.Len() > 0 && latin(prev) && latin(r) {
			b.WriteByte(' ')
		}
		pendingSpace = false
		b.WriteRune(r)
		prev = r
	}
	return trimSeparators(b.String())
}

func latin(r rune) bool {
	return r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

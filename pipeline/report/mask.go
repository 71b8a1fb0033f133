package report

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaskPhone hides the middle digits of every telephone number in s while
// keeping its layout: "13800138000" → "138****8000", "+8613800138000" →
// "+86138****8000", "010-62345678 转801" → "010-****5678 转801". A number
// is a run of digits joined by spaces, hyphens, dots or brackets; with ten
// or more digits (country code 86 not counted) the first three and last four
// stay, with seven to nine only the last four. Shorter runs (extensions,
// service short codes) are left as they are. Masking is idempotent.
func MaskPhone(s string) string { return maskDigits(s, false) }

// maskDigits masks every number of seven digits or more in s; with
// keepDates, numbers written as dates (2023-01-05) stay.
func maskDigits(s string, keepDates bool) string {
	rs := []rune(s)
	out := make([]rune, len(rs))
	copy(out, rs)
	for i := 0; i < len(rs); {
		if !isDigit(rs[i]) {
			i++
			continue
		}
		// Collect the digit positions of one number and the length of its
		// first group of digits.
		var pos []int
		first, closed := 0, false
		j := i
		for j < len(rs) {
			if isDigit(rs[j]) {
				pos = append(pos, j)
				if !closed {
					first++
				}
				j++
				continue
			}
			if isJoiner(rs[j]) && j+1 < len(rs) && (isDigit(rs[j+1]) || isJoiner(rs[j+1]) && j+2 < len(rs) && isDigit(rs[j+2])) {
				closed = true
				j++
				continue
			}
			break
		}
		switch {
		case keepDates && dateRE.MatchString(string(rs[i:j])):
		case len(pos) <= 8 && (nextTo(rs, i-1) || nextTo(rs, j)):
			// the remnant of a number masked before
		default:
			maskNumber(rs, out, pos, first, i > 0 && rs[i-1] == '+')
		}
		i = j
	}
	return string(out)
}

var dateRE = regexp.MustCompile(`^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}$`)

// nextTo reports whether rs[i], or the character beyond a joiner at rs[i],
// is a mask character.
func nextTo(rs []rune, i int) bool {
	if i < 0 || i >= len(rs) {
		return false
	}
	if rs[i] == '*' {
		return true
	}
	if !isJoiner(rs[i]) {
		return false
	}
	return i+1 < len(rs) && rs[i+1] == '*' || i-1 >= 0 && rs[i-1] == '*'
}

// maskNumber masks the digits at pos (one number whose first group has
// first digits) in out.
func maskNumber(rs, out []rune, pos []int, first int, plus bool) {
	digits := make([]rune, len(pos))
	for k, p := range pos {
		digits[k] = rs[p]
	}
	skip := 0 // country code digits kept as they are
	switch d := string(digits); {
	case plus && strings.HasPrefix(d, "86") && len(d) >= 12:
		skip = 2
	case strings.HasPrefix(d, "0086") && len(d) >= 14:
		skip = 4
	}
	n := len(pos) - skip
	var head int
	switch {
	case n >= 10:
		head = 3
		// A written area code (010-, 0755 ) stays whole.
		if skip == 0 && first < len(pos) && (first == 3 || first == 4) && digits[0] == '0' {
			head = first
		}
	case n >= 7:
		head = 0
	default:
		return
	}
	for k := skip + head; k < len(pos)-4; k++ {
		out[pos[k]] = '*'
	}
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

func isJoiner(r rune) bool {
	switch r {
	case ' ', '-', '.', '(', ')', '（', '）', '\u00a0':
		return true
	}
	return false
}

var emailRE = regexp.MustCompile(`[^\s@<>"'，,;；:：()（）]+@[^\s@<>"'，,;；()（）]+`)

// MaskEmail keeps the first character of each e-mail's local part and its
// domain: "zhangwei@qq.com" → "z***@qq.com". Text holding no e-mail address
// keeps only its first character.
func MaskEmail(s string) string {
	if s == "" {
		return ""
	}
	if !strings.Contains(s, "@") {
		return firstRune(s) + "***"
	}
	return emailRE.ReplaceAllStringFunc(s, func(e string) string {
		at := strings.LastIndexByte(e, '@')
		local := e[:at]
		if local == "" {
			return e
		}
		return firstRune(local) + "***" + e[at:]
	})
}

func firstRune(s string) string {
	_, n := utf8.DecodeRuneInString(s)
	return s[:n]
}

// MaskName hides a person's name but for its first character: Chinese
// names keep the surname and, from three characters on, the last character
// ("张伟" → "张*", "张三伟" → "张*伟", "欧阳娜娜" → "欧**娜"); other names
// keep the first letter of each word ("Zhang Wei" → "Z**** W**").
func MaskName(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	rs := []rune(s)
	if len(rs) == 1 {
		return "*"
	}
	if unicode.Is(unicode.Han, rs[0]) {
		if len(rs) == 2 {
			return string(rs[0]) + "*"
		}
		return string(rs[0]) + strings.Repeat("*", len(rs)-2) + string(rs[len(rs)-1])
	}
	words := strings.Fields(s)
	for i, w := range words {
		wr := []rune(w)
		if len(wr) == 1 && i > 0 {
			words[i] = "*" // a later initial
			continue
		}
		for k := 1; k < len(wr); k++ {
			switch wr[k] {
			case '.', '-', '\'', '·':
			default:
				wr[k] = '*'
			}
		}
		words[i] = string(wr)
	}
	return strings.Join(words, " ")
}

// scrub masks phone numbers and e-mail addresses inside free text such as
// an issue message.
func scrub(s string) string {
	s = maskDigits(s, true)
	if strings.Contains(s, "@") {
		s = emailRE.ReplaceAllStringFunc(s, MaskEmail)
	}
	return s
}

// masker applies the masking of a run; a zero masker shows values as they are.
// masker masks personal values when on; lang is the report's language,
// in which it renders the messages it masks.
type masker struct {
	on   bool
	lang string
}

func (m masker) phone(s string) string {
	if !m.on {
		return s
	}
	return MaskPhone(s)
}

func (m masker) name(s string) string {
	if !m.on {
		return s
	}
	return MaskName(s)
}

func (m masker) text(s string) string {
	if !m.on {
		return s
	}
	return scrub(s)
}

// field masks v according to the canonical field it belongs to; person
// says whether a customer name is a person's. Values of fields that hold no
// personal data (address, USCC, dates…) are shown as they are; values of
// unmapped columns and notes may hold anything, so numbers and e-mail
// addresses in them are masked.
func (m masker) field(field, v string, person bool) string {
	if !m.on || v == "" {
		return v
	}
	switch field {
	case "phone", "mobile", "landline":
		return MaskPhone(v)
	case "email":
		return MaskEmail(v)
	case "contact", "owner":
		return MaskName(v)
	case "name":
		if person {
			return MaskName(v)
		}
		return v
	case "", "notes", "reach":
		return scrub(v)
	}
	return v
}

// personal reports whether messages about field may quote personal data.
func personal(field string, person bool) bool {
	switch field {
	case "phone", "mobile", "landline", "email", "contact", "owner", "", "notes", "reach":
		return true
	case "name":
		return person
	}
	return false
}

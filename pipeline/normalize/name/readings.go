package name

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/crmclean/crmclean/pipeline/normalize/pinyin"
	"github.com/crmclean/crmclean/pipeline/record"
)

// Readings reads name as toneless pinyin, one entry per unit with every
// reading of the unit, the most likely first:
//   - a Han character is a unit; for a person the first character (or the
//     first two, for a compound surname such as 欧阳, read "ouyang" as one
//     unit) takes the surname table's readings first (单 → shan, dan, chan);
//   - characters of a place word (重庆, 长沙, 厦门 …) take the place-word
//     table's reading first (重 → chong, zhong, tong);
//   - a run of latin letters and digits is one unit, lower-cased;
//   - any other letter or symbol of a script without pinyin is a unit of its
//     own; spaces and punctuation are not units.
//
// The inner slices are shared between calls: do not modify them.
func (n *Namer) Readings(name string, kind record.Kind) [][]string {
	var buf [16][]string
	units := n.appendUnits(buf[:0], name, kind)
	return append([][]string(nil), units...)
}

// AppendReadings appends the units Readings gives to dst, sharing their
// inner slices the same way.
func (n *Namer) AppendReadings(dst [][]string, name string, kind record.Kind) [][]string {
	return n.appendUnits(dst, name, kind)
}

// Pinyin returns the first reading of every unit joined without spaces
// ("shanxiaoming"), for blocking keys. For a company, read its MatchKey so
// that 北京华信科技有限公司 and 华新科技 block together.
func (n *Namer) Pinyin(name string, kind record.Kind) string {
	var buf [16][]string
	units := n.appendUnits(buf[:0], name, kind)
	size := 0
	for _, u := range units {
		size += len(u[0])
	}
	var b strings.Builder
	b.Grow(size)
	for _, u := range units {
		b.WriteString(u[0])
	}
	return b.String()
}

// Initials returns the first letter of each syllable of the first readings
// ("sxm" for 单小明, "oyx" for 欧阳修). A unit that reads as several
// syllables (a compound surname, a latin word such as "huaxin") gives the
// initial of each; any other unit (digits, "abc") its first character.
func (n *Namer) Initials(name string, kind record.Kind) string {
	var buf [16][]string
	units := n.appendUnits(buf[:0], name, kind)
	var b strings.Builder
	b.Grow(len(units) + 2)
	for _, u := range units {
		r := u[0]
		if pinyin.IsSyllable(r) {
			b.WriteByte(r[0])
			continue
		}
		if syl, ok := pinyin.Split(r); ok {
			for _, s := range syl {
				b.WriteByte(s[0])
			}
			continue
		}
		c, _ := utf8.DecodeRuneInString(r)
		b.WriteRune(c)
	}
	return b.String()
}

// appendUnits appends the units of name to dst.
func (n *Namer) appendUnits(dst [][]string, name string, kind record.Kind) [][]string {
	s := nfkc(name)
	first := true // the next Han character starts the name
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case isHan(r):
			if first && kind == record.Person {
				first = false
				if j, reading := n.compoundAt(s[i:]); j > 0 {
					dst = append(dst, reading)
					i += j
					continue
				}
				if rs, ok := n.single[r]; ok {
					dst = append(dst, rs)
					i += size
					continue
				}
			}
			first = false
			if p := n.placeAt(s[i:]); p != nil {
				dst = append(dst, p.readings...)
				i += len(p.word)
				continue
			}
			if rs := pinyin.Of(r); rs != nil {
				dst = append(dst, rs)
			} else {
				dst = append(dst, []string{string(r)})
			}
			i += size
		case isLatinWordRune(r):
			j := i
			for j < len(s) {
				r2, size2 := utf8.DecodeRuneInString(s[j:])
				if !isLatinWordRune(r2) {
					break
				}
				j += size2
			}
			dst = append(dst, []string{lowerASCII(s[i:j])})
			i = j
		case unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsSymbol(r):
			dst = append(dst, []string{strings.ToLower(string(r))})
			i += size
		default:
			i += size
		}
	}
	return dst
}

// compoundAt returns the byte length and reading of a compound surname at
// the start of s.
func (n *Namer) compoundAt(s string) (int, []string) {
	j := prefixRunes(s, 2)
	if j == 0 {
		return 0, nil
	}
	if reading, ok := n.compound[s[:j]]; ok && reading != "" {
		return j, n.compoundUnit[s[:j]]
	}
	return 0, nil
}

// placeAt returns the longest place word at the start of s.
func (n *Namer) placeAt(s string) *place {
	r, _ := utf8.DecodeRuneInString(s)
	list := n.places[r]
	for i := range list {
		if strings.HasPrefix(s, list[i].word) {
			return &list[i]
		}
	}
	return nil
}

// lowerASCII lower-cases s, allocating only when it has upper-case letters.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' || c >= 0x80 {
			return strings.ToLower(s)
		}
	}
	return s
}

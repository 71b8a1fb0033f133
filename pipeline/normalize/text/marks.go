package text

import (
	"strings"
	"unicode/utf8"
)

// Placeholders recognizes cell values that mean "empty" (无, 暂无, -, N/A, …),
// as listed in the rules file.
type Placeholders struct{ set markSet }

// NewPlaceholders builds a matcher for list. Entries are compared after
// Clean and lower-casing, so "N/A", "n/a" and "Ｎ／Ａ" are one entry.
func NewPlaceholders(list []string) *Placeholders {
	return &Placeholders{set: newMarkSet(list)}
}

// Is reports whether s, cleaned and lower-cased, is a placeholder.
func (p *Placeholders) Is(s string) bool { return p.set.has(Clean(s)) }

// IsCleaned is Is for a cell already cleaned (s == Clean(s)), which it
// does not clean again.
func (p *Placeholders) IsCleaned(s string) bool { return p.set.has(s) }

// Dittos recognizes ditto marks: values that mean "same as the row above"
// (同上, 同左, ", 〃, …), as listed in the rules file.
type Dittos struct{ set markSet }

// NewDittos builds a matcher for list, compared like placeholders.
func NewDittos(list []string) *Dittos {
	return &Dittos{set: newMarkSet(list)}
}

// Is reports whether s, cleaned and lower-cased, is a ditto mark.
func (d *Dittos) Is(s string) bool { return d.set.has(Clean(s)) }

// IsCleaned is Is for a cell already cleaned (s == Clean(s)), which it
// does not clean again.
func (d *Dittos) IsCleaned(s string) bool { return d.set.has(s) }

func key(s string) string { return strings.ToLower(Clean(s)) }

// markSet holds the keys of a list of marks and the rune count of the
// longest: lower-casing keeps the number of runes, so a cleaned cell with
// more runes than that is no mark, and is not lower-cased to find out.
//
// first holds, for each key starting with an ASCII character or a CJK
// unified ideograph, its first byte or the last byte of that ideograph:
// lower-casing changes neither, so a cell starting with one whose byte is
// not in first is no mark, and is not looked up.
type markSet struct {
	keys     map[string]struct{}
	maxRunes int
	first    [4]uint64 // bit b set: some key's first character ends in byte b
}

// firstByte returns the byte first holds for s, if s starts with an ASCII
// character (lower-cased) or a CJK unified ideograph.
func firstByte(s string) (byte, bool) {
	switch c := s[0]; {
	case c >= 'A' && c <= 'Z':
		return c + 'a' - 'A', true
	case c < utf8.RuneSelf:
		return c, true
	case HanAt(s, 0):
		return s[2], true
	}
	return 0, false
}

func newMarkSet(list []string) markSet {
	m := markSet{keys: make(map[string]struct{}, len(list))}
	for _, s := range list {
		if k := key(s); k != "" {
			m.keys[k] = struct{}{}
			m.maxRunes = max(m.maxRunes, utf8.RuneCountInString(k))
			if b, ok := firstByte(k); ok {
				m.first[b/64] |= 1 << (b % 64)
			}
		}
	}
	return m
}

// has reports whether the cleaned text c is a mark.
func (m *markSet) has(c string) bool {
	if c == "" || len(m.keys) == 0 || len(c) > m.maxRunes*utf8.UTFMax {
		return false
	}
	if b, ok := firstByte(c); ok && m.first[b/64]&(1<<(b%64)) == 0 {
		return false
	}
	if utf8.RuneCountInString(c) > m.maxRunes {
		return false
	}
	_, ok := m.keys[lower(c)]
	return ok
}

// lower is strings.ToLower, returning s itself without looking up case
// tables when s is ASCII and CJK unified ideographs without an upper-case
// letter.
func lower(s string) string {
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c >= 'A' && c <= 'Z':
			return strings.ToLower(s)
		case c < utf8.RuneSelf:
			i++
		case HanAt(s, i):
			i += 3
		default:
			return strings.ToLower(s)
		}
	}
	return s
}

// Package pinyin gives toneless pinyin readings of Han characters and the
// syllable-level helpers matching needs: splitting romanized text into
// syllables, comparing syllables with the usual fuzzy confusions, and
// matching a Han name's readings against a romanized one.
//
// Readings come from go-pinyin's dictionary, stripped of tones once and
// cached in a table, so a lookup costs an index and no allocation.
package pinyin

import (
	"strings"
	"sync"

	gopinyin "github.com/mozillazg/go-pinyin"
)

// tableLo and tableHi bound the dense part of the table: the CJK blocks
// (extension A, unified ideographs) that almost every name uses.
const (
	tableLo = 0x3000
	tableHi = 0xA000
)

var table struct {
	once      sync.Once
	dense     [][]string          // index r-tableLo
	sparse    map[rune][]string   // everything else go-pinyin knows
	syllables map[string]struct{} // every toneless syllable with a vowel
}

func load() {
	table.once.Do(func() {
		table.dense = make([][]string, tableHi-tableLo)
		table.sparse = make(map[rune][]string)
		table.syllables = make(map[string]struct{}, 512)
		intern := make(map[string]string, 2048)
		for code, toned := range gopinyin.PinyinDict {
			r := rune(code)
			var readings []string
			for t := range strings.SplitSeq(toned, ",") {
				p := toneless(t)
				if p == "" {
					continue
				}
				if s, ok := intern[p]; ok {
					p = s
				} else {
					intern[p] = p
					if hasVowel(p) {
						table.syllables[p] = struct{}{}
					}
				}
				if !contains(readings, p) {
					readings = append(readings, p)
				}
			}
			if len(readings) == 0 {
				continue
			}
			readings = readings[:len(readings):len(readings)]
			if r >= tableLo && r < tableHi {
				table.dense[r-tableLo] = readings
			} else {
				table.sparse[r] = readings
			}
		}
	})
}

// Of returns the toneless readings of r, most common first, or nil when r
// has none (not a Han character, or one go-pinyin does not know). ü is
// written v (绿 → "lv"). The slice is shared: do not modify it.
func Of(r rune) []string {
	load()
	if r >= tableLo && r < tableHi {
		return table.dense[r-tableLo]
	}
	return table.sparse[r]
}

// IsSyllable reports whether s is a toneless pinyin syllable (lower-case,
// ü written v), such as "zhang" or "lv".
func IsSyllable(s string) bool {
	load()
	_, ok := table.syllables[s]
	return ok
}

// toneless turns a toned reading such as "lǜ" into "lv"; it returns "" for
// readings that do not reduce to plain letters.
func toneless(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z':
			b.WriteRune(r)
		case r >= 0x0300 && r <= 0x036F: // combining tone marks
		default:
			base, ok := plain[r]
			if !ok {
				return ""
			}
			b.WriteString(base)
		}
	}
	return b.String()
}

var plain = map[rune]string{
	'ā': "a", 'á': "a", 'ǎ': "a", 'à': "a",
	'ē': "e", 'é': "e", 'ě': "e", 'è': "e", 'ê': "e", 'ế': "e", 'ề': "e",
	'ī': "i", 'í': "i", 'ǐ': "i", 'ì': "i",
	'ō': "o", 'ó': "o", 'ǒ': "o", 'ò': "o",
	'ū': "u", 'ú': "u", 'ǔ': "u", 'ù': "u",
	'ü': "v", 'ǖ': "v", 'ǘ': "v", 'ǚ': "v", 'ǜ': "v",
	'ń': "n", 'ň': "n", 'ǹ': "n", 'ḿ': "m",
}

func hasVowel(s string) bool { return strings.ContainsAny(s, "aeiouv") }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

package name

import (
	"strings"
	"unicode"

	"github.com/crmclean/crmclean/pipeline/normalize/pinyin"
)

// Romanized reads a name written in pinyin, in the order written: "Zhang
// Wei", "WEI ZHANG", "zhang-wei", "ZhangWei" and "Zhang Wei-Ming" give
// zhang, wei (, ming). Words are split at spaces, hyphens, dots,
// apostrophes, commas and lower-to-upper case changes, then into syllables;
// ü may be written v, u: or yu after l and n (passport style LYU). ok is
// false when the name is not made only of pinyin syllables. Matching
// should try both orders (pinyin.Match does).
func (n *Namer) Romanized(name string) (syllables []string, ok bool) {
	syl, _, ok := romanized(name)
	return syl, ok
}

// romanized also returns the number of written words.
func romanized(name string) (syllables []string, words int, ok bool) {
	s := nfkc(name)
	var word []rune
	flush := func() bool {
		if len(word) == 0 {
			return true
		}
		w := strings.ToLower(string(word))
		word = word[:0]
		words++
		w = umlaut.Replace(w)
		parts, ok := pinyin.Split(w)
		if !ok {
			return false
		}
		syllables = append(syllables, parts...)
		return true
	}
	prev := rune(0)
	for _, r := range s {
		switch {
		case r == 'ü' || r == 'Ü' || r == ':' && (prev == 'u' || prev == 'U'):
			word = append(word, unicode.ToLower(r))
		case r < 0x80 && unicode.IsLetter(r):
			if unicode.IsUpper(r) && unicode.IsLower(prev) {
				if !flush() {
					return nil, 0, false
				}
			}
			word = append(word, r)
		case unicode.IsSpace(r) || strings.ContainsRune("-.'’,·_", r):
			if !flush() {
				return nil, 0, false
			}
		default:
			return nil, 0, false
		}
		prev = r
	}
	if !flush() || len(syllables) == 0 {
		return nil, 0, false
	}
	return syllables, words, true
}

// umlaut spells ü the way the readings table does: v.
var umlaut = strings.NewReplacer("ü", "v", "u:", "v", "lyu", "lv", "nyu", "nv")

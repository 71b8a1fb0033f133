package pinyin

import "strings"

// maxSyllable is the length of the longest pinyin syllable ("zhuang").
const maxSyllable = 6

// Split cuts a run of lower-case latin letters into pinyin syllables,
// preferring longer syllables first ("zhangwei" → zhang, wei; "xian" →
// xian). As pinyin orthography writes an apostrophe before a syllable
// starting with a, e or o (xi'an), such a syllable is only taken inside a
// run when no other reading exists: "nana" is na, na, not nan, a. It
// reports false when s cannot be read as pinyin.
func Split(s string) ([]string, bool) {
	if s == "" {
		return nil, false
	}
	load()
	if out, ok := split(s, true); ok {
		return out, true
	}
	return split(s, false)
}

// split parses s in linear time: parsable[i] says whether s[i:] splits
// into syllables; then the longest syllable that leaves a parsable rest is
// taken at each step.
func split(s string, strict bool) ([]string, bool) {
	var small [32]bool
	var parsable []bool
	if len(s)+1 > len(small) {
		parsable = make([]bool, len(s)+1)
	} else {
		parsable = small[:len(s)+1]
	}
	parsable[len(s)] = true
	for i := len(s) - 1; i >= 0; i-- {
		if strict && i > 0 && strings.IndexByte("aeo", s[i]) >= 0 {
			continue
		}
		for n := 1; n <= maxSyllable && i+n <= len(s); n++ {
			if _, ok := table.syllables[s[i:i+n]]; ok && parsable[i+n] {
				parsable[i] = true
				break
			}
		}
	}
	if !parsable[0] {
		return nil, false
	}
	out := make([]string, 0, len(s)/3+1)
	for i := 0; i < len(s); {
		for n := min(maxSyllable, len(s)-i); n >= 1; n-- {
			if _, ok := table.syllables[s[i:i+n]]; ok && parsable[i+n] {
				out = append(out, s[i:i+n])
				i += n
				break
			}
		}
	}
	return out, true
}

// SyllableSimilar compares two toneless syllables. exact is plain
// equality; fuzzy also accepts the confusions common in Chinese speech and
// typing: z/zh, c/ch, s/sh, n/l as initials, an/ang, en/eng, in/ing as
// finals, and v/u (ü typed as u, as old passports wrote 吕 "LU").
// h/f and r/l are left out: they are regional and would join far more
// distinct names than they fix. exact implies fuzzy. It does not allocate.
func SyllableSimilar(a, b string) (exact, fuzzy bool) {
	if a == b {
		return true, true
	}
	ai, af := cut(a)
	bi, bf := cut(b)
	return false, fuzzyInitial(ai) == fuzzyInitial(bi) && sameFinal(fuzzyFinal(af), fuzzyFinal(bf))
}

// cut splits a syllable into initial and final.
func cut(s string) (initial, final string) {
	if len(s) >= 2 && (s[:2] == "zh" || s[:2] == "ch" || s[:2] == "sh") {
		return s[:2], s[2:]
	}
	if len(s) >= 1 && strings.IndexByte("bpmfdtnlgkhjqxrzcsyw", s[0]) >= 0 {
		return s[:1], s[1:]
	}
	return "", s
}

func fuzzyInitial(s string) string {
	switch s {
	case "zh":
		return "z"
	case "ch":
		return "c"
	case "sh":
		return "s"
	case "l":
		return "n"
	}
	return s
}

// fuzzyFinal drops the g of ang, eng, ing (and iang, uang) but not of ong.
func fuzzyFinal(s string) string {
	if n := len(s); n >= 3 && s[n-2:] == "ng" && s[n-3] != 'o' {
		return s[:n-1]
	}
	return s
}

// sameFinal compares finals treating v and u alike.
func sameFinal(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if x == 'v' {
			x = 'u'
		}
		if y == 'v' {
			y = 'u'
		}
		if x != y {
			return false
		}
	}
	return true
}

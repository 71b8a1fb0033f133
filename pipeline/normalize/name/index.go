package name

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// runeBits is a set of runes that answers for runes below bitsLimit
// (ASCII, Latin, CJK punctuation and the CJK unified ideographs) with one
// bit test, and says "maybe" above it: a filter before a map lookup.
type runeBits [bitsLimit / 64]uint64

const bitsLimit = 0xA000

func (b *runeBits) add(r rune) {
	if r >= 0 && r < bitsLimit {
		b[r/64] |= 1 << (r % 64)
	}
}

// has reports whether r may be in the set: false only when it is not.
func (b *runeBits) has(r rune) bool {
	return r < 0 || r >= bitsLimit || b[r/64]&(1<<(r%64)) != 0
}

// wordIndex finds words of a list in a text with one lookup per rune
// instead of one search per word.
type wordIndex struct {
	words map[rune][]string // by first rune, longest first
	// first holds the first runes of the words: most runes of a name start
	// no word, and first says so without a map lookup.
	first runeBits
}

func newWordIndex(lists ...[]string) wordIndex {
	ix := wordIndex{words: map[rune][]string{}}
	for _, list := range lists {
		for _, w := range list {
			r, size := utf8.DecodeRuneInString(w)
			if size == 0 || contains(ix.words[r], w) {
				continue
			}
			ix.words[r] = append(ix.words[r], w)
			ix.first.add(r)
		}
	}
	for r, ws := range ix.words {
		sort.Slice(ws, func(i, j int) bool { return len(ws[i]) > len(ws[j]) })
		ix.words[r] = ws
	}
	return ix
}

// at returns the longest word at the start of s, or "".
func (ix *wordIndex) at(s string) string {
	r, _ := utf8.DecodeRuneInString(s)
	if !ix.first.has(r) {
		return ""
	}
	for _, w := range ix.words[r] {
		if strings.HasPrefix(s, w) {
			return w
		}
	}
	return ""
}

// in reports whether any word occurs in s.
func (ix *wordIndex) in(s string) bool {
	for i := range s {
		if ix.at(s[i:]) != "" {
			return true
		}
	}
	return false
}

// countOutside counts the runes of s not covered by words, taking the
// longest word at each position from left to right.
func (ix *wordIndex) countOutside(s string) int {
	n := 0
	for i := 0; i < len(s); {
		if w := ix.at(s[i:]); w != "" {
			i += len(w)
			continue
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		n++
	}
	return n
}

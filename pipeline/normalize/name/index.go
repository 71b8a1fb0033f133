package name

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// wordIndex finds words of a list in a text with one map lookup per rune
// instead of one search per word.
type wordIndex map[rune][]string // by first rune, longest first

func newWordIndex(lists ...[]string) wordIndex {
	ix := wordIndex{}
	for _, list := range lists {
		for _, w := range list {
			r, size := utf8.DecodeRuneInString(w)
			if size == 0 || contains(ix[r], w) {
				continue
			}
			ix[r] = append(ix[r], w)
		}
	}
	for r, ws := range ix {
		sort.Slice(ws, func(i, j int) bool { return len(ws[i]) > len(ws[j]) })
		ix[r] = ws
	}
	return ix
}

// at returns the longest word at the start of s, or "".
func (ix wordIndex) at(s string) string {
	r, _ := utf8.DecodeRuneInString(s)
	for _, w := range ix[r] {
		if strings.HasPrefix(s, w) {
			return w
		}
	}
	return ""
}

// in reports whether any word occurs in s.
func (ix wordIndex) in(s string) bool {
	for i := range s {
		if ix.at(s[i:]) != "" {
			return true
		}
	}
	return false
}

// countOutside counts the runes of s not covered by words, taking the
// longest word at each position from left to right.
func (ix wordIndex) countOutside(s string) int {
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

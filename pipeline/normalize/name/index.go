package name

import (
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/crmclean/crmclean/pipeline/normalize/text"
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

// runeSet is a set of runes: one bit each below bitsLimit, a map above.
type runeSet struct {
	low  runeBits
	high map[rune]bool
}

func (s *runeSet) add(r rune) {
	if r >= 0 && r < bitsLimit {
		s.low.add(r)
		return
	}
	if s.high == nil {
		s.high = make(map[rune]bool)
	}
	s.high[r] = true
}

func (s *runeSet) has(r rune) bool {
	if r >= 0 && r < bitsLimit {
		return s.low[r/64]&(1<<(r%64)) != 0
	}
	return s.high[r]
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
	r, _ := text.DecodeRune(s, 0)
	return ix.startingWith(r, s)
}

// startingWith is at for an s whose first rune, r, is already decoded.
func (ix *wordIndex) startingWith(r rune, s string) string {
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
	at, _ := ix.leftmost(s)
	return at >= 0
}

// leftmost returns where the first word in s starts, and the longest word
// there; at is -1 when no word occurs in s.
func (ix *wordIndex) leftmost(s string) (at int, word string) {
	for i := 0; i < len(s); {
		r, size := rune(0), 3
		if text.HanAt(s, i) { // text.DecodeRune, inlined by hand: the loop is hot
			r = han(s, i)
		} else {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		if w := ix.startingWith(r, s[i:]); w != "" {
			return i, w
		}
		i += size
	}
	return -1, ""
}

// leftmostHan is leftmost for a text of CJK unified ideographs only, found
// in the same pass that checks it is one: ok reports text.AllHan(s), and
// at and word are leftmost(s) when it is.
func (ix *wordIndex) leftmostHan(s string) (at int, word string, ok bool) {
	if s == "" || len(s)%3 != 0 {
		return -1, "", false
	}
	at = -1
	for i := 0; i < len(s); i += 3 {
		if !text.HanAt(s, i) {
			return -1, "", false
		}
		if at < 0 {
			if w := ix.startingWith(han(s, i), s[i:]); w != "" {
				at, word = i, w
			}
		}
	}
	return at, word, true
}

// countOutside counts the runes of s not covered by words, taking the
// longest word at each position from left to right. It stops counting at
// limit: the callers only ask whether there are that many.
func (ix *wordIndex) countOutside(s string, limit int) int {
	n := 0
	for i := 0; i < len(s) && n < limit; {
		r, size := text.DecodeRune(s, i)
		if w := ix.startingWith(r, s[i:]); w != "" {
			i += len(w)
			continue
		}
		i += size
		n++
	}
	return n
}

// han decodes the CJK unified ideograph at s[i:], which text.HanAt has
// found there.
func han(s string, i int) rune {
	return rune(s[i]&0x0F)<<12 | rune(s[i+1]&0x3F)<<6 | rune(s[i+2]&0x3F)
}

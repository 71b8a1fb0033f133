package text

import (
	"sync"
	"unicode/utf8"

	"github.com/longbridgeapp/opencc"
)

//go:generate go run gen_t2s.go

// t2s is OpenCC's traditional → simplified converter, built on first use
// (about 5 ms) together with the sets of characters that can trigger it.
var t2s = sync.OnceValue(func() *converter {
	c := &converter{}
	c.cc, _ = opencc.New("t2s") // embedded dictionaries: fails only if the module is broken
	for _, r := range t2sTriggers {
		c.trigger.add(r)
	}
	for _, r := range t2sAmbiguous {
		c.ambiguous.add(r)
	}
	return c
})

type converter struct {
	cc                 *opencc.OpenCC
	trigger, ambiguous runeSet
}

// ToSimplified converts traditional Chinese to simplified Chinese, for names
// and addresses: 廣東省廣州市天河區 → 广东省广州市天河区, 張偉 → 张伟. It uses
// OpenCC's t2s dictionaries, phrases included (瀋陽 → 沈阳, 乾隆 stays).
//
// Simplified text is returned unchanged, without running the converter: a
// string is converted only when it holds a character that is plainly
// traditional. Characters that the 2013 standard character table keeps in
// simplified use (乾, 於, 夥, 覆 …) do not count on their own, so a
// simplified "李乾" stays "李乾" while traditional "乾隆皇帝傳" is converted.
func ToSimplified(s string) string {
	if !mayBeTraditional(s) {
		return s
	}
	c := t2s()
	if c.cc == nil || !c.traditional(s) {
		return s
	}
	out, err := c.cc.Convert(s)
	if err != nil {
		return s
	}
	return out
}

// mayBeTraditional is a cheap pre-check: traditional characters are all
// outside ASCII, and almost all at or above U+3400.
func mayBeTraditional(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0xE3 { // lead byte of U+3000 and above
			return true
		}
	}
	return false
}

// traditional reports whether s holds a plainly traditional character.
// It reads CJK unified ideographs, nearly all of a Chinese text, from their
// three bytes directly and skips ASCII, which holds none.
func (c *converter) traditional(s string) bool {
	for i := 0; i < len(s); {
		var r rune
		switch {
		case s[i] < utf8.RuneSelf:
			i++
			continue
		case HanAt(s, i):
			r = rune(s[i]&0x0F)<<12 | rune(s[i+1]&0x3F)<<6 | rune(s[i+2]&0x3F)
			i += 3
		default:
			var size int
			r, size = utf8.DecodeRuneInString(s[i:])
			i += size
		}
		if c.trigger.has(r) && !c.ambiguous.has(r) {
			return true
		}
	}
	return false
}

// runeSet is a bit set over the Han planes (U+2E80–U+3FFFF).
type runeSet struct{ bits []uint64 }

const (
	setLo = 0x2E80
	setHi = 0x40000
)

func (s *runeSet) add(r rune) {
	if r < setLo || r >= setHi {
		return
	}
	if s.bits == nil {
		s.bits = make([]uint64, (setHi-setLo+63)/64)
	}
	i := r - setLo
	s.bits[i/64] |= 1 << (i % 64)
}

func (s *runeSet) has(r rune) bool {
	if r < setLo || r >= setHi || s.bits == nil {
		return false
	}
	i := r - setLo
	return s.bits[i/64]&(1<<(i%64)) != 0
}

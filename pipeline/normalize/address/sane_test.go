package address

import (
	"testing"
	"unicode"
	"unicode/utf8"
)

// saneSlow is sane without its shortcut for CJK unified ideographs.
func saneSlow(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r > 0x3000 && (r < 0xff01 || r > 0xff5e) && r != utf8.RuneError:
		case r == utf8.RuneError && size <= 1, r >= 0xff01 && r <= 0xff5e, unicode.IsSpace(r), unicode.IsControl(r):
			return false
		}
		i += size
	}
	return true
}

// saneCases are texts on both sides of sane's checks, with the bytes of
// ideographs cut and misplaced.
var saneCases = []string{
	"", "浙江省杭州市西湖区文三路90号", "杭州 西湖", "杭州\u3000西湖", "杭州\t西湖", "ＡＢＣ大厦", "一", "\u4dff", "\u9fff", "\ua000",
	"\xe4\xb8", "\xe4\xb8\x80", "\xe4\xb7\xbf", "\xe9\xbf\xbf", "\xea\x80\x80", "\xe4\x80\x80", "\xe9\xbf", "杭\xff州", "\xed\xa0\x80",
	"杭州\u00a0西湖", "杭州\x7f", "杭州\u200b西湖", "\ufffd", "Room 5", "杭州市·西湖区", "\u2028",
}

func TestSaneAgrees(t *testing.T) {
	cases := append([]string{}, saneCases...)
	for r := rune(0x2F00); r < 0xA100; r += 7 {
		cases = append(cases, string(r), "杭"+string(r)+"州")
	}
	for _, s := range cases {
		if got, want := sane(s), saneSlow(s); got != want {
			t.Errorf("sane(%q) = %v, slow path gives %v", s, got, want)
		}
	}
}

// FuzzSane: sane agrees with its slow path on any input.
func FuzzSane(f *testing.F) {
	for _, s := range saneCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := sane(s), saneSlow(s); got != want {
			t.Fatalf("sane(%q) = %v, slow path gives %v", s, got, want)
		}
	})
}

package mapping

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/crmclean/crmclean/rules"
)

// isTotalCellSlow is isTotalCell without its first test on the last byte.
func isTotalCellSlow(t string) bool {
	if len(t) > 48 {
		return false
	}
	k := strings.TrimRight(t, " \t:：\u3000")
	for _, w := range totalWords {
		if strings.HasSuffix(k, w) {
			return true
		}
	}
	return false
}

var totalCellCases = []string{"", " ", "小计", "云南省 小计", "华东区合计：", "合计:", "总计\u3000", "共计 \t", "计",
	"合计：：", "杭州市", "13800138000", "设计", "统计", "合计 备注", "合计\xa1", "\xe8\xae", "总计" + strings.Repeat("x", 60),
	"total", "计：", "小计\u3000：", "合 计"}

// TestIsTotalCellFast checks isTotalCell against the plain trim-and-compare
// it shortens.
func TestIsTotalCellFast(t *testing.T) {
	for _, w := range totalWords {
		if w[len(w)-1] != totalLastByte {
			t.Fatalf("total word %q does not end with the byte isTotalCell tests", w)
		}
	}
	for _, s := range totalCellCases {
		t.Run(s, func(t *testing.T) {
			if got, want := isTotalCell(s), isTotalCellSlow(s); got != want {
				t.Errorf("isTotalCell(%q) = %v, want %v", s, got, want)
			}
		})
	}
}

func FuzzIsTotalCell(f *testing.F) {
	for _, s := range totalCellCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := isTotalCell(s), isTotalCellSlow(s); got != want {
			t.Errorf("isTotalCell(%q) = %v, want %v", s, got, want)
		}
	})
}

// TestMayBeMarkerTable checks mayBeMarker's ASCII table against the rune
// set it copies, for every rune, with the default markers and with ASCII
// ones.
func TestMayBeMarkerTable(t *testing.T) {
	custom := rules.Default()
	custom.NoiseMarkers = append(custom.NoiseMarkers, "Note:", "*注", "TOTAL", "#", "z")
	for name, r := range map[string]*rules.Rules{"default": rules.Default(), "ascii markers": custom} {
		t.Run(name, func(t *testing.T) {
			m := New(r)
			for c := rune(0); c <= utf8.MaxRune; c++ {
				s := string(c)
				d, _ := utf8.DecodeRuneInString(s) // a surrogate is written as U+FFFD
				want := false
				if !unicode.IsSpace(d) {
					want = m.firstRunes[unicode.ToLower(d)] || d >= 0xFF00
				}
				if got := m.mayBeMarker(s); got != want {
					t.Fatalf("mayBeMarker(%q) = %v, want %v", s, got, want)
				}
			}
		})
	}
}

// TestIdeographsHaveNoCase backs mayBeMarker's skipping unicode.ToLower for
// CJK unified ideographs.
func TestIdeographsHaveNoCase(t *testing.T) {
	for r := rune(0x4E00); r <= 0x9FFF; r++ {
		if unicode.ToLower(r) != r {
			t.Fatalf("%U has a lower case %U", r, unicode.ToLower(r))
		}
	}
}

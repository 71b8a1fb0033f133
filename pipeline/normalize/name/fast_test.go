package name

import (
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// fastCases are names on both sides of the fast paths' conditions.
var fastCases = []string{
	"", "北京华信科技有限公司", "华信科技（北京）有限公司", "华信科技(北京)有限公司", "华信[北京]", "Huaxin Technology Co., Ltd.",
	"HuaxinTechnologyCo.,Ltd.", "张伟", "张 伟", "ZHANGWEI", "zhangwei", "Zhang·Wei", "阿依古丽·买买提", "阿依古丽•买买提",
	"ＡＢＣ华信", "华信\u200b科技", "华信\t科技", "华信\x7f", "\xff华信", "华信科技A&B-1/2", "㈱华信", "華信科技",
	"Ü华信", "Lü Bu", "ÀB", "{华信}", "a\u0301", "华信。", "华信、科技", "\u3000华信", "（）", "（北京",
	"ΑΒΓ", "İstanbul", "K", "\u212a", "华信ABC123", "abc def",
}

func TestDisplayFastPathAgrees(t *testing.T) {
	n := newTestNamer()
	taken := 0
	for _, s := range fastCases {
		if displayed(s) {
			taken++
		}
		if got, want := n.Display(s), display(s); got != want {
			t.Errorf("Display(%q) = %q, slow path gives %q", s, got, want)
		}
	}
	if taken < 10 {
		t.Errorf("fast path taken for %d names only", taken)
	}
}

func TestLowerAgrees(t *testing.T) {
	for _, s := range fastCases {
		if got, want := lower(s), strings.ToLower(s); got != want {
			t.Errorf("lower(%q) = %q, strings.ToLower gives %q", s, got, want)
		}
	}
}

// FuzzFastPaths: the fast paths of Display and lower-casing agree with the
// slow ones on any input.
func FuzzFastPaths(f *testing.F) {
	for _, s := range append(fastCases, fuzzSeeds...) {
		f.Add(s)
	}
	n := newTestNamer()
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := n.Display(s), display(s); got != want {
			t.Fatalf("Display(%q) = %q, slow path gives %q", s, got, want)
		}
		if got, want := lower(s), strings.ToLower(s); got != want {
			t.Fatalf("lower(%q) = %q, strings.ToLower gives %q", s, got, want)
		}
		if got, want := nfkc(s), norm.NFKC.String(s); got != want {
			t.Fatalf("nfkc(%q) = %q, norm.NFKC gives %q", s, got, want)
		}
	})
}

func TestIsAlnumAgrees(t *testing.T) {
	for r := rune(0); r <= 0x10FFFF; r++ {
		if got, want := isAlnum(r), unicode.IsLetter(r) || unicode.IsDigit(r); got != want {
			t.Fatalf("isAlnum(%U) = %v, want %v", r, got, want)
		}
	}
}

func TestHan3Agrees(t *testing.T) {
	for r := rune(0x80); r <= 0x10FFFF; r++ {
		s := string(r) + "x"
		if got, want := han3(s, 0), r >= 0x4E00 && r <= 0x9FFF; got != want {
			t.Fatalf("han3(%U) = %v, want %v", r, got, want)
		}
	}
	for _, s := range []string{"\xe4\xb8", "\xe4", "\xe4\xb8\x80"[:2], "\xe9\xbf\xc0", "\xe4\xb7\xbf", "a\xe4\xb8\x80"} {
		if han3(s, 0) {
			t.Errorf("han3(%q, 0) = true", s)
		}
	}
}

func TestNFKCAgrees(t *testing.T) {
	for _, s := range append(fastCases, fuzzSeeds...) {
		if got, want := nfkc(s), norm.NFKC.String(s); got != want {
			t.Errorf("nfkc(%q) = %q, want %q", s, got, want)
		}
	}
}

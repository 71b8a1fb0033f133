package name

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/crmclean/crmclean/pipeline/record"
)

var fuzzSeeds = []string{
	"北京华信科技有限公司", "华信科技（北京）有限公司", "北京华信科技有限公司上海分公司", "北京大学",
	"Huaxin Technology Co., Ltd.", "CO., LTD.", "单小明", "欧阳娜娜", "Zhang Wei", "ZhangWei",
	"重庆长安汽车", " （ ） ", "（北京）", "有限有限公司公司", "北京北京大学", "a\u0301", " \u0301x",
	"ｱ", "㈱华信", "\ufeff", "华信（（北京））", "北京（", "）北京", "\xff\xfe", "·", "Lü Bu",
}

// FuzzMatchKey: MatchKey never panics, is idempotent, and reads through
// Display (MatchKey(Display(x)) == MatchKey(x)); Display is idempotent.
func FuzzMatchKey(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	n := newTestNamer()
	f.Fuzz(func(t *testing.T, s string) {
		d := n.Display(s)
		if again := n.Display(d); again != d {
			t.Fatalf("Display not idempotent: %q → %q → %q", s, d, again)
		}
		k := n.MatchKey(s)
		if again := n.MatchKey(k); again != k {
			t.Fatalf("MatchKey not idempotent: %q → %q → %q", s, k, again)
		}
		if viaDisplay := n.MatchKey(d); viaDisplay != k {
			t.Fatalf("MatchKey(Display(%q)) = %q, MatchKey = %q", s, viaDisplay, k)
		}
		if strings.ContainsAny(k, " （）") {
			t.Fatalf("MatchKey(%q) = %q has spaces or brackets", s, k)
		}
		_ = n.Kind(s, false)
		_ = n.IsIndividualMarker(s)
	})
}

// FuzzReadings: Readings never panics, gives one non-empty entry per unit,
// and Pinyin and Initials agree with it.
func FuzzReadings(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s, true)
	}
	n := newTestNamer()
	f.Fuzz(func(t *testing.T, s string, person bool) {
		kind := record.Company
		if person {
			kind = record.Person
		}
		units := n.Readings(s, kind)
		if len(units) > utf8.RuneCountInString(s)*4+1 { // NFKC may expand a rune
			t.Fatalf("Readings(%q) has %d units for %d runes", s, len(units), utf8.RuneCountInString(s))
		}
		var first strings.Builder
		for i, u := range units {
			if len(u) == 0 {
				t.Fatalf("Readings(%q) unit %d is empty", s, i)
			}
			for _, r := range u {
				if r == "" {
					t.Fatalf("Readings(%q) unit %d has an empty reading", s, i)
				}
			}
			first.WriteString(u[0])
		}
		if p := n.Pinyin(s, kind); p != first.String() {
			t.Fatalf("Pinyin(%q) = %q, want %q", s, p, first.String())
		}
		if in := n.Initials(s, kind); utf8.RuneCountInString(in) < len(units) {
			t.Fatalf("Initials(%q) = %q, shorter than its %d units", s, in, len(units))
		}
		if syl, ok := n.Romanized(s); ok && len(syl) == 0 {
			t.Fatalf("Romanized(%q) ok without syllables", s)
		}
	})
}

// FuzzUSCC: NormalizeUSCC never panics, is idempotent, and a valid code is
// 18 characters of the GB 32100 alphabet.
func FuzzUSCC(f *testing.F) {
	for _, s := range []string{"91110108MA01ABCD1E", "91110108ma01abcd1e", " 9111 0108-MA01-ABCD1E ", "", "Z", "９１", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		code, valid := NormalizeUSCC(s)
		if fast, ok := cleanASCII(s); ok && fast != cleanUSCC(s) {
			t.Fatalf("ASCII fast path gives %q for %q, the general path %q", fast, s, cleanUSCC(s))
		}
		code2, valid2 := NormalizeUSCC(code)
		if code2 != code || valid2 != valid {
			t.Fatalf("NormalizeUSCC not idempotent: %q → %q, %v → %q, %v", s, code, valid, code2, valid2)
		}
		if valid {
			if len(code) != 18 || strings.Trim(code, usccAlphabet) != "" {
				t.Fatalf("NormalizeUSCC(%q) = %q valid, but not 18 characters of the alphabet", s, code)
			}
		}
	})
}

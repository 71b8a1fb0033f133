package name

import (
	"reflect"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/crmclean/crmclean/pipeline/normalize/text"
	"github.com/crmclean/crmclean/pipeline/record"
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
		if got, want := n.MatchKey(s), matchKeySlow(n, s); got != want {
			t.Fatalf("MatchKey(%q) = %q, slow path gives %q", s, got, want)
		}
		for _, kind := range []record.Kind{record.Person, record.Company} {
			if got, want := n.AppendReadings(nil, s, kind), n.Readings(s, kind); !reflect.DeepEqual(got, want) {
				t.Fatalf("AppendReadings(%q) = %q, Readings gives %q", s, got, want)
			}
		}
	})
}

// matchKeySlow is MatchKey without its shortcut: every key confirmed by
// one more step.
func matchKeySlow(n *Namer, name string) string {
	k := n.keyStep(name)
	for range 8 {
		next := n.keyStep(k)
		if next == k {
			break
		}
		k = next
	}
	return k
}

func TestMatchKeyShortcutAgrees(t *testing.T) {
	n := newTestNamer()
	taken := 0
	for _, s := range append(append(fastCases, fuzzSeeds...), "张伟", "欧阳娜娜", "华信科技", "abc", "北京大学", "华信科技上海分公司") {
		if n.keyStep(s) == s {
			taken++
		}
		if got, want := n.MatchKey(s), matchKeySlow(n, s); got != want {
			t.Errorf("MatchKey(%q) = %q, slow path gives %q", s, got, want)
		}
	}
	if taken < 5 {
		t.Errorf("shortcut taken for %d names only", taken)
	}
}

func TestAppendReadingsAgrees(t *testing.T) {
	n := newTestNamer()
	dst := [][]string{{"kept"}}
	for _, s := range append(fastCases, fuzzSeeds...) {
		for _, kind := range []record.Kind{record.Person, record.Company} {
			want := n.Readings(s, kind)
			before := len(dst)
			dst = n.AppendReadings(dst, s, kind)
			if got := dst[before:]; len(got) != len(want) || len(want) > 0 && !reflect.DeepEqual(got, want) {
				t.Errorf("AppendReadings(%q) appended %q, Readings gives %q", s, got, want)
			}
		}
	}
	if dst[0][0] != "kept" {
		t.Errorf("AppendReadings changed what dst held: %q", dst[0])
	}
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
		if got, want := text.HanAt(s, 0), r >= 0x4E00 && r <= 0x9FFF; got != want {
			t.Fatalf("text.HanAt(%U) = %v, want %v", r, got, want)
		}
	}
	for _, s := range []string{"\xe4\xb8", "\xe4", "\xe4\xb8\x80"[:2], "\xe9\xbf\xc0", "\xe4\xb7\xbf", "a\xe4\xb8\x80"} {
		if text.HanAt(s, 0) {
			t.Errorf("text.HanAt(%q, 0) = true", s)
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

func TestNFKCFullWidthAgrees(t *testing.T) {
	taken := 0
	for r := rune(0xFF00); r <= 0xFFEF; r++ {
		for _, s := range []string{string(r), "a" + string(r) + "b", "华" + string(r) + "信", string(r) + "\u0301", string(r) + string(r), "（华信）" + string(r)} {
			if fullWidth3(s, 0) || fullWidth3(s, 1) || fullWidth3(s, 3) {
				taken++
			}
			if got, want := nfkc(s), norm.NFKC.String(s); got != want {
				t.Fatalf("nfkc(%q) = %q, want %q", s, got, want)
			}
		}
	}
	for _, s := range []string{"\xef\xbc", "\xef\xbc\x80", "\xef\xbd\x9f", "\xef\xbc\xc1", "a\xef"} {
		if fullWidth3(s, 0) {
			t.Errorf("fullWidth3(%q, 0) = true", s)
		}
	}
	if taken < 94 {
		t.Errorf("full-width fast path taken %d times only", taken)
	}
}

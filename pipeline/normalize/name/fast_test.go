package name

import (
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

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
	k, _ := n.keyStep(name)
	for range 8 {
		next, _ := n.keyStep(k)
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
		if k, _ := n.keyStep(s); k == s {
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

// formCases are company names around the legal-form and marker filters:
// forms inside branch words, forms split by punctuation, forms that only
// appear once another is removed, latin forms and individual markers.
var formCases = []string{
	"武汉辰永餐饮管理有限责任公司", "华信科技股份有限公司上海分公司", "有限公公司司", "有限·公司", "华信有限公司有限公司",
	"华信集团有限公司", "华信集团", "华信有限合伙", "公司", "分公司", "华信分公司", "华信科技公司分公司", "华信 Co., Ltd.",
	"华信co.,ltd", "Huaxin Company Limited", "ÀB Corp.", "華信有限公司", "个人", "个体户", "散客", "自然人客户", "无",
	"个 人", "ＡＢＣ", "个人用户", "北京华信科技有限公司", "有限责任公司", "有限", "华信股份公司", "华信集团公司集团",
	"北京华信", "北京", "广东省深圳市华信", "广东深圳华信科技", "北京大学", "上海北京华信", "内蒙古华信", "张伟", "华信",
}

// dropHanFormsSlow is dropHanForms without its rune filter.
func dropHanFormsSlow(n *Namer, s string) string {
	if len(n.hanForms) == 0 || !hasHan(s) {
		return s
	}
	for changed := true; changed; {
		changed = false
		for _, f := range n.hanForms {
			from := 0
			for {
				i := strings.Index(s[from:], f)
				if i < 0 {
					break
				}
				i += from
				if n.inBranch(s, i, i+len(f)) {
					from = i + len(f)
					continue
				}
				s = s[:i] + s[i+len(f):]
				changed = true
				from = i
			}
		}
	}
	return s
}

// dropLatinFormsSlow is dropLatinForms without its byte filter.
func dropLatinFormsSlow(n *Namer, s string) string {
	if len(n.latinForms) == 0 {
		return s
	}
	return n.cutLatinForms(s)
}

// dropLeadingRegionsSlow is dropLeadingRegions without its first-rune
// filter.
func dropLeadingRegionsSlow(n *Namer, s string) string {
	for {
		first, _ := utf8.DecodeRuneInString(s)
		cut := 0
		for _, l := range n.regionFirst[first].lens {
			p := prefixRunes(s, l)
			if p > 0 && n.regions[s[:p]] {
				cut = p
				break
			}
		}
		if cut == 0 || !n.substantial(s[cut:]) {
			return s
		}
		s = s[cut:]
	}
}

// isIndividualMarkerSlow is IsIndividualMarker without its shortcut.
func isIndividualMarkerSlow(n *Namer, s string) bool {
	k := compact(strings.TrimSpace(lower(nfkc(s))))
	if n.individuals[k] {
		return true
	}
	for _, suffix := range []string{"户", "客户", "用户"} {
		if base, ok := strings.CutSuffix(k, suffix); ok && base != "" && n.individuals[base] {
			return true
		}
	}
	return false
}

// hasCompanyWordSlow is hasCompanyWord without its latin filter.
func hasCompanyWordSlow(n *Namer, s string) bool {
	if n.companyIx.in(s) {
		return true
	}
	words := latinWords(s)
	for _, w := range words {
		if n.companyLat[w] {
			return true
		}
	}
	for _, form := range n.latinForms {
		if containsWords(words, form) {
			return true
		}
	}
	return false
}

// startsWithRegionSlow is startsWithRegion trying every region length.
func startsWithRegionSlow(n *Namer, rs []rune) bool {
	lens := map[int]bool{}
	for r := range n.regions {
		lens[utf8.RuneCountInString(r)] = true
	}
	for l := range lens {
		if len(rs)-l >= 2 && n.regions[string(rs[:l])] {
			return true
		}
	}
	return false
}

// checkFormFilters compares the filtered word steps with the slow ones.
func checkFormFilters(t *testing.T, n *Namer, s string) {
	t.Helper()
	if got, want := fold(s), strings.TrimSpace(lower(nfkc(s))); got != want {
		t.Errorf("fold(%q) = %q, slow path gives %q", s, got, want)
	}
	if got, want := n.IsIndividualMarker(s), isIndividualMarkerSlow(n, s); got != want {
		t.Errorf("IsIndividualMarker(%q) = %v, slow path gives %v", s, got, want)
	}
	for _, rs := range [][]rune{[]rune(s), []rune(compact(fold(s)))} {
		if got, want := n.startsWithRegion(rs), startsWithRegionSlow(n, rs); got != want {
			t.Errorf("startsWithRegion(%q) = %v, slow path gives %v", string(rs), got, want)
		}
	}
	if got, want := n.hasCompanyWord(fold(s)), hasCompanyWordSlow(n, fold(s)); got != want {
		t.Errorf("hasCompanyWord(%q) = %v, slow path gives %v", fold(s), got, want)
	}
	for _, x := range []string{s, lower(n.Display(s))} {
		if got, want := n.dropHanForms(x), dropHanFormsSlow(n, x); got != want {
			t.Errorf("dropHanForms(%q) = %q, slow path gives %q", x, got, want)
		}
		if got, want := n.dropLatinForms(x), dropLatinFormsSlow(n, x); got != want {
			t.Errorf("dropLatinForms(%q) = %q, slow path gives %q", x, got, want)
		}
		if got, want := n.dropLeadingRegions(compact(x)), dropLeadingRegionsSlow(n, compact(x)); got != want {
			t.Errorf("dropLeadingRegions(%q) = %q, slow path gives %q", compact(x), got, want)
		}
	}
}

func TestFormFiltersAgree(t *testing.T) {
	n := newTestNamer()
	all := append(append(append([]string{}, fastCases...), fuzzSeeds...), formCases...)
	for _, a := range formCases {
		for _, b := range formCases {
			all = append(all, a+b, a+"（"+b+"）")
		}
	}
	for _, s := range all {
		checkFormFilters(t, n, s)
	}
	if runeMask("有限公司")&^runeMask("武汉辰永餐饮管理有限责任公司") != 0 {
		t.Error("runeMask: a word's runes are not within a text that holds it")
	}
}

func TestKindAndDisplayAgrees(t *testing.T) {
	n := newTestNamer()
	for _, s := range append(append(append([]string{}, fastCases...), fuzzSeeds...), formCases...) {
		for _, hasContact := range []bool{false, true} {
			kind, display := n.KindAndDisplay(s, hasContact)
			if want := n.Kind(s, hasContact); kind != want {
				t.Errorf("KindAndDisplay(%q, %v) kind = %q, Kind gives %q", s, hasContact, kind, want)
			}
			if want := n.Display(s); display != want {
				t.Errorf("KindAndDisplay(%q, %v) display = %q, Display gives %q", s, hasContact, display, want)
			}
		}
	}
}

// FuzzFormFilters: the legal-form and marker filters agree with the slow
// paths on any input.
func FuzzFormFilters(f *testing.F) {
	for _, s := range append(append(fastCases, fuzzSeeds...), formCases...) {
		f.Add(s)
	}
	n := newTestNamer()
	f.Fuzz(func(t *testing.T, s string) {
		checkFormFilters(t, n, s)
		checkIndexes(t, n, s)
		if kind, display := n.KindAndDisplay(s, false); kind != n.Kind(s, false) || display != n.Display(s) {
			t.Fatalf("KindAndDisplay(%q) = %q, %q; Kind and Display give %q, %q", s, kind, display, n.Kind(s, false), n.Display(s))
		}
	})
}

// atSlow is wordIndex.at without the first-rune bits.
func atSlow(ix *wordIndex, s string) string {
	r, _ := utf8.DecodeRuneInString(s)
	for _, w := range ix.words[r] {
		if strings.HasPrefix(s, w) {
			return w
		}
	}
	return ""
}

// checkIndexes compares the word indexes' lookups with atSlow at every
// rune of s.
func checkIndexes(t *testing.T, n *Namer, s string) {
	t.Helper()
	for _, ix := range []*wordIndex{&n.companyIx, &n.startIx, &n.neutralIx} {
		for i := range s {
			if got, want := ix.at(s[i:]), atSlow(ix, s[i:]); got != want {
				t.Errorf("at(%q) = %q, slow path gives %q", s[i:], got, want)
			}
		}
	}
}

func TestWordIndexAgrees(t *testing.T) {
	n := newTestNamer()
	found := 0
	for _, s := range append(append(append([]string{}, fastCases...), fuzzSeeds...), formCases...) {
		checkIndexes(t, n, s)
		if n.companyIx.in(s) {
			found++
		}
	}
	for _, w := range append(append([]string{}, tradeWords...), n.companyHan...) {
		checkIndexes(t, n, "华信"+w+"Co 厂")
	}
	if found < 10 {
		t.Errorf("companyIx found words in %d names only", found)
	}
}

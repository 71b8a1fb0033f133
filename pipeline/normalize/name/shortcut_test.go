package name

import (
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/crmclean/crmclean/pipeline/normalize/text"
	"github.com/crmclean/crmclean/pipeline/record"
)

// trickyNames are names on both sides of the short cuts for names of CJK
// unified ideographs only (step, hanKind, cutHanFormsFrom,
// IsIndividualMarker's first-rune test), by what they exercise.
var trickyNames = []struct{ what, name string }{
	{"empty", ""},
	{"single character", "张"},
	{"single company word", "厂"},
	{"person, two characters", "龚霞"},
	{"person, three characters", "王小红"},
	{"person, four characters", "张王小红"},
	{"person, compound surname", "欧阳娜娜"},
	{"person, compound surname, five characters", "欧阳娜娜娜"},
	{"person, table surname", "单小明"},
	{"person, minority name", "阿依古丽·买买提"},
	{"traditional person", "張偉"},
	{"traditional company", "華信科技有限公司"},
	{"romanized", "Zhang Wei"},
	{"romanized, upper case", "WEI ZHANG"},
	{"romanized, joined", "ZhangWei"},
	{"legal form at the end", "武汉辰永餐饮管理有限公司"},
	{"longest legal form at the end", "武汉辰永餐饮管理有限责任公司"},
	{"joint-stock company", "华信科技股份有限公司"},
	{"group company", "华信集团有限公司"},
	{"legal form alone", "有限公司"},
	{"legal form twice", "华信有限公司有限公司"},
	{"legal form made by a removal", "有限有限公司公司"},
	{"legal form split by a dot", "有限·公司"},
	{"legal form inside a branch word", "华信分公司"},
	{"legal form before a branch", "北京华信科技有限公司上海分公司"},
	{"branch office", "华信科技上海办事处"},
	{"branch of a branch", "华信科技公司分公司"},
	{"legal form in the middle", "华信有限公司科技"},
	{"latin legal form", "Huaxin Technology Co., Ltd."},
	{"latin legal form after Han", "华信科技 Co., Ltd."},
	{"bracketed region", "华信科技（北京）有限公司"},
	{"half-width brackets", "华信科技(北京)有限责任公司"},
	{"bracketed group", "华信（集团）有限公司"},
	{"bracket only", "（北京）"},
	{"region and legal form", "北京有限公司"},
	{"region only", "北京"},
	{"two regions", "广东省深圳市鑫源商贸有限公司"},
	{"region twice", "北京北京华信"},
	{"region and company word", "北京大学"},
	{"region, company word, more", "中山大学附属医院"},
	{"region and one more character", "北京华"},
	{"region at the end", "华信北京"},
	{"region that is a surname", "长沙华信科技"},
	{"region of sixteen characters", "新疆维吾尔自治区新疆维吾尔自治区华信科技有限公司"},
	{"region of two characters, sixteen tried", "新疆华信科技"},
	{"one-character company word at the end", "老王五金行"},
	{"surname, then a one-character company word", "张记店"},
	{"region, then two characters", "北京华信"},
	{"trade word", "鑫源商贸"},
	{"spaces", " 华信　科技 ( 北京 ) 有限公司 "},
	{"space inside a person name", "张 伟"},
	{"digits", "3M中国有限公司"},
	{"full-width letters", "ＡＢＣ（深圳）贸易有限公司"},
	{"mixed scripts", "华信ABC科技"},
	{"mixed scripts, person shape", "张A"},
	{"kana", "ソニー"},
	{"Han numeral, no letter", "〣 "},
	{"extension A ideograph", "㐀华信"},
	{"compatibility ideograph", "华信\uf900"},
	{"combining mark after Han", "华\u0301信"},
	{"zero-width space", "华信\u200b科技"},
	{"individual marker", "个人"},
	{"individual marker and 户", "个体户"},
	{"individual marker, spaced", "个 人"},
	{"individual marker start", "个人独资企业华信"},
	{"invalid UTF-8", "华信\xff有限公司"},
	{"invalid UTF-8, cut ideograph", "华信有限公\xe5\x8f"},
}

// kindSlow is kind without the short cut for ideographs.
func kindSlow(n *Namer, name string, hasContact bool) record.Kind {
	return n.anyKind(name, fold(n.Display(name)), hasContact)
}

// inBranchSlow is inBranch trying every branch word.
func inBranchSlow(n *Namer, s string, i, j int) bool {
	for _, w := range n.branches {
		for k := max(0, j-len(w)); k <= i && k+len(w) <= len(s); k++ {
			if s[k:k+len(w)] == w {
				return true
			}
		}
	}
	return false
}

// checkShortcuts compares the short cuts with the general path for s.
func checkShortcuts(t *testing.T, n *Namer, s string) {
	t.Helper()
	for _, w := range append(append([]string{}, n.hanForms...), "公", "分公司", "公司上海") {
		for i := 0; i+len(w) <= len(s); i++ {
			if got, want := n.inBranch(s, i, i+len(w)), inBranchSlow(n, s, i, i+len(w)); got != want {
				t.Errorf("inBranch(%q, %d, %d) = %v, slow path gives %v", s, i, i+len(w), got, want)
			}
		}
	}
	key, settled := n.step(s)
	if want, _ := n.keyStep(s); key != want {
		t.Errorf("step(%q) = %q, keyStep gives %q", s, key, want)
	}
	if again, _ := n.keyStep(key); settled && again != key {
		t.Errorf("step(%q) = %q settled, but keyStep steps on to %q", s, key, again)
	}
	if got, want := n.MatchKey(s), matchKeySlow(n, s); got != want {
		t.Errorf("MatchKey(%q) = %q, slow path gives %q", s, got, want)
	}
	if got, want := n.dropHanForms(s), dropHanFormsSlow(n, s); got != want {
		t.Errorf("dropHanForms(%q) = %q, slow path gives %q", s, got, want)
	}
	if rest, formless := n.cutHanForms(s); formless {
		for _, f := range n.hanForms {
			if strings.Contains(rest, f) {
				t.Errorf("cutHanForms(%q) = %q, formless, but it holds %q", s, rest, f)
			}
		}
	}
	for _, hasContact := range []bool{false, true} {
		want := kindSlow(n, s, hasContact)
		if got := n.Kind(s, hasContact); got != want {
			t.Errorf("Kind(%q, %v) = %q, slow path gives %q", s, hasContact, got, want)
		}
		if got, d := n.KindAndDisplay(s, hasContact); got != want || d != display(s) {
			t.Errorf("KindAndDisplay(%q, %v) = %q, %q; slow path gives %q, %q", s, hasContact, got, d, want, display(s))
		}
	}
	if got, want := n.IsIndividualMarker(s), isIndividualMarkerSlow(n, s); got != want {
		t.Errorf("IsIndividualMarker(%q) = %v, slow path gives %v", s, got, want)
	}
	for _, ix := range []*wordIndex{&n.companyIx, &n.hanFormIx, &n.neutralIx} {
		wantAt, wantWord := -1, ""
		for i := range s {
			if w := atSlow(ix, s[i:]); w != "" {
				wantAt, wantWord = i, w
				break
			}
		}
		if at, word := ix.leftmost(s); at != wantAt || word != wantWord {
			t.Errorf("leftmost(%q) = %d, %q; slow path gives %d, %q", s, at, word, wantAt, wantWord)
		}
		at, word, ok := ix.leftmostHan(s)
		if ok != text.AllHan(s) || ok && (at != wantAt || word != wantWord) {
			t.Errorf("leftmostHan(%q) = %d, %q, %v; slow path gives %d, %q and text.AllHan %v",
				s, at, word, ok, wantAt, wantWord, text.AllHan(s))
		}
		if got, want := ix.countOutside(s, 2), min(countOutsideSlow(ix, s), 2); got != want {
			t.Errorf("countOutside(%q, 2) = %d, slow path gives %d", s, got, want)
		}
	}
}

// countOutsideSlow is countOutside without a limit, looking words up with
// atSlow.
func countOutsideSlow(ix *wordIndex, s string) int {
	n := 0
	for i := 0; i < len(s); {
		if w := atSlow(ix, s[i:]); w != "" {
			i += len(w)
			continue
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		n++
	}
	return n
}

// shortcutNamers are the test rules and the same with odd word lists:
// words that overlap, forms inside branch words, regions that end in part
// of a branch word.
func shortcutNamers() map[string]*Namer {
	odd := testOptions()
	odd.LegalForms = append(odd.LegalForms, "华信", "公司公司", "公\xff")
	odd.BranchWords = append(odd.BranchWords, "京华信", "科技有限")
	odd.Regions = append(odd.Regions, "北京华", "分公", "新疆维吾尔自治区新疆维吾尔自治区", "新疆")
	return map[string]*Namer{"test rules": newTestNamer(), "odd words": New(odd)}
}

func TestShortcutsAgree(t *testing.T) {
	for name, n := range shortcutNamers() {
		for _, c := range trickyNames {
			t.Run(name+"/"+c.what, func(t *testing.T) {
				checkShortcuts(t, n, c.name)
				for _, suffix := range []string{"有限公司", "上海分公司", "（北京）"} {
					checkShortcuts(t, n, c.name+suffix)
				}
				checkShortcuts(t, n, "北京"+c.name)
			})
		}
	}
}

// TestKindOfHanWithoutLetters: Han characters that are not letters
// (Hangzhou numerals) leave nothing for compact to keep. Kind used to
// panic on them; such a name is a company, or a person with a middle dot.
func TestKindOfHanWithoutLetters(t *testing.T) {
	n := newTestNamer()
	tests := []struct {
		name, in string
		want     record.Kind
	}{
		{"numeral", "〣", record.Company},
		{"numeral and space", "〣 ", record.Company},
		{"two numerals", "〡〢", record.Company},
		{"numeral after a middle dot", "·〣", record.Person},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := n.Kind(tt.in, false); got != tt.want {
				t.Errorf("Kind(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestFoldIsValidUTF8 backs the form index (see Namer.hanFormIx): folded
// words are valid UTF-8 whatever they were.
func TestFoldIsValidUTF8(t *testing.T) {
	for _, s := range append([]string{"\xff", "公\xff", "\xe5\x8f", "abc\x80", " \xff ", "\xef\xbc"}, fuzzSeeds...) {
		if got := fold(s); !utf8.ValidString(got) {
			t.Errorf("fold(%q) = %q, not valid UTF-8", s, got)
		}
	}
}

// TestShortcutsTaken makes sure the table reaches the short cuts.
func TestShortcutsTaken(t *testing.T) {
	n := newTestNamer()
	var han, settled, endForm, markerSkip int
	for _, c := range trickyNames {
		s := c.name
		if _, _, ok := n.hanFormIx.leftmostHan(s); ok {
			han++
		}
		if k, ok := n.step(s); ok && k != s {
			settled++
		}
		if at, f := n.hanFormIx.leftmost(s); at >= 0 && at+len(f) == len(s) {
			endForm++
		}
		if text.HanAt(s, 0) && !n.markerStart.has([]rune(s)[0]) {
			markerSkip++
		}
	}
	for what, got := range map[string]int{"ideographs only": han, "settled in one step": settled,
		"one legal form at the end": endForm, "no marker start": markerSkip} {
		if got < 8 {
			t.Errorf("%s: %d names only", what, got)
		}
	}
}

// TestLeadingHanSurvivesFold backs IsIndividualMarker's first-rune test: a
// leading CJK unified ideograph stays first through NFKC, whatever follows.
func TestLeadingHanSurvivesFold(t *testing.T) {
	for r := rune(0x4E00); r <= 0x9FFF; r++ {
		for _, tail := range []string{"", "\u0301", "\u3099", "\uff21", "\u0345x"} {
			s := string(r) + tail
			if got := compact(fold(s)); !strings.HasPrefix(got, string(r)) {
				t.Fatalf("compact(fold(%q)) = %q, lost its first rune", s, got)
			}
			if got := norm.NFKC.String(s); !strings.HasPrefix(got, string(r)) {
				t.Fatalf("NFKC(%q) = %q, lost its first rune", s, got)
			}
		}
	}
}

func TestSurnameSetAgrees(t *testing.T) {
	n := newTestNamer()
	for r := rune(-1); r <= utf8.MaxRune+1; r++ {
		_, table := n.single[r]
		want := table || strings.ContainsRune(commonSurnames, r)
		if got := n.isSurname(r); got != want {
			t.Fatalf("isSurname(%U) = %v, want %v", r, got, want)
		}
	}
}

func TestRuneSet(t *testing.T) {
	var s runeSet
	in := []rune{0, 'a', '厂', bitsLimit - 1, bitsLimit, 0x20000, utf8.MaxRune}
	for _, r := range in {
		s.add(r)
	}
	for _, r := range in {
		if !s.has(r) {
			t.Errorf("has(%U) = false after add", r)
		}
	}
	for _, r := range []rune{-1, 1, 'b', '店', bitsLimit + 1, 0x20001} {
		if s.has(r) {
			t.Errorf("has(%U) = true, never added", r)
		}
	}
}

// FuzzShortcuts: the short cuts agree with the general path on any input,
// with the test rules and with odd ones.
func FuzzShortcuts(f *testing.F) {
	for _, c := range trickyNames {
		f.Add(c.name)
	}
	namers := shortcutNamers()
	f.Fuzz(func(t *testing.T, s string) {
		for _, n := range namers {
			checkShortcuts(t, n, s)
		}
		if got := fold(s); !utf8.ValidString(got) {
			t.Fatalf("fold(%q) = %q, not valid UTF-8", s, got)
		}
	})
}

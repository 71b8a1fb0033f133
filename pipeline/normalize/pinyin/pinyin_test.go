package pinyin

import (
	"slices"
	"strings"
	"testing"
)

func TestOf(t *testing.T) {
	tests := []struct {
		name string
		r    rune
		want []string // must all be present, in this order
	}{
		{"plain", '张', []string{"zhang"}},
		{"heteronym 单", '单', []string{"dan", "chan", "shan"}},
		{"heteronym 重", '重', []string{"zhong", "chong"}},
		{"umlaut written v", '吕', []string{"lv"}},
		{"traditional character", '張', []string{"zhang"}},
		{"extension A", '㐀', []string{"qiu"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Of(tt.r)
			i := 0
			for _, g := range got {
				if i < len(tt.want) && g == tt.want[i] {
					i++
				}
			}
			if i != len(tt.want) {
				t.Errorf("Of(%q) = %v, want %v in order", tt.r, got, tt.want)
			}
			for _, g := range got {
				if g == "" || strings.Trim(g, "abcdefghijklmnopqrstuvwxyz") != "" {
					t.Errorf("Of(%q) has reading %q, want plain lower-case letters", tt.r, g)
				}
			}
		})
	}
	for _, r := range []rune{'a', '1', ' ', '（', 'ア'} {
		if got := Of(r); got != nil {
			t.Errorf("Of(%q) = %v, want nil", r, got)
		}
	}
}

func TestIsSyllable(t *testing.T) {
	for _, s := range []string{"zhang", "a", "er", "lv", "zhuang", "ou"} {
		if !IsSyllable(s) {
			t.Errorf("IsSyllable(%q) = false, want true", s)
		}
	}
	for _, s := range []string{"", "zh", "ng", "n", "zhangw", "Zhang", "lyu", "abc"} {
		if IsSyllable(s) {
			t.Errorf("IsSyllable(%q) = true, want false", s)
		}
	}
}

func TestSplit(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
		ok   bool
	}{
		{"two syllables", "zhangwei", []string{"zhang", "wei"}, true},
		{"longest first", "xian", []string{"xian"}, true},
		{"no vowel-initial syllable inside", "nana", []string{"na", "na"}, true},
		{"compound surname", "ouyang", []string{"ou", "yang"}, true},
		{"no apostrophe reads chan gan", "changan", []string{"chan", "gan"}, true},
		{"backtracks from the longest", "zhuangan", []string{"zhuan", "gan"}, true},
		{"vowel-initial when nothing else fits", "tiane", []string{"tian", "e"}, true},
		{"three syllables", "shanxiaoming", []string{"shan", "xiao", "ming"}, true},
		{"single vowel", "e", []string{"e"}, true},
		{"umlaut", "lvxiaolong", []string{"lv", "xiao", "long"}, true},
		{"not pinyin", "smith", nil, false},
		{"upper case is not read", "Zhang", nil, false},
		{"empty", "", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Split(tt.in)
			if ok != tt.ok || (ok && !slices.Equal(got, tt.want)) {
				t.Errorf("Split(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestSyllableSimilar(t *testing.T) {
	tests := []struct {
		a, b         string
		exact, fuzzy bool
	}{
		{"zhang", "zhang", true, true},
		{"zhang", "zang", false, true},
		{"chen", "cen", false, true},
		{"shi", "si", false, true},
		{"lin", "ling", false, true},
		{"nan", "lan", false, true},
		{"nan", "lang", false, true},
		{"fen", "feng", false, true},
		{"xian", "xiang", false, true},
		{"lv", "lu", false, true},
		{"zhang", "chang", false, false},
		{"hu", "fu", false, false},
		{"ri", "li", false, false},
		{"dong", "don", false, false},
		{"wang", "wan", false, true},
		{"zhang", "zheng", false, false},
		{"a", "ang", false, false},
		{"", "", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.a+"/"+tt.b, func(t *testing.T) {
			e, f := SyllableSimilar(tt.a, tt.b)
			if e != tt.exact || f != tt.fuzzy {
				t.Errorf("SyllableSimilar(%q, %q) = %v, %v; want %v, %v", tt.a, tt.b, e, f, tt.exact, tt.fuzzy)
			}
			e2, f2 := SyllableSimilar(tt.b, tt.a)
			if e2 != e || f2 != f {
				t.Errorf("SyllableSimilar is not symmetric for %q, %q", tt.a, tt.b)
			}
		})
	}
}

func TestSyllableSimilarNoAlloc(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { SyllableSimilar("zhang", "zang") }); n != 0 {
		t.Errorf("SyllableSimilar allocates %v times, want 0", n)
	}
}

func TestMatch(t *testing.T) {
	zhangWei := [][]string{{"zhang"}, {"wei"}}
	tests := []struct {
		name         string
		units        [][]string
		syllables    []string
		exact, fuzzy bool
	}{
		{"written order", zhangWei, []string{"zhang", "wei"}, true, true},
		{"western order", zhangWei, []string{"wei", "zhang"}, true, true},
		{"fuzzy", zhangWei, []string{"zang", "wei"}, false, true},
		{"fuzzy western order", zhangWei, []string{"wei", "zang"}, false, true},
		{"different name", zhangWei, []string{"wang", "wei"}, false, false},
		{"too few syllables", zhangWei, []string{"zhang"}, false, false},
		{"too many syllables", zhangWei, []string{"zhang", "wei", "wei"}, false, false},
		{"any heteronym", [][]string{{"shan", "dan"}, {"xiao"}, {"ming"}}, []string{"dan", "xiao", "ming"}, true, true},
		{"compound surname unit", [][]string{{"ouyang"}, {"xiu"}}, []string{"ou", "yang", "xiu"}, true, true},
		{"compound surname last", [][]string{{"ouyang"}, {"na"}, {"na"}}, []string{"na", "na", "ou", "yang"}, true, true},
		{"three characters western", [][]string{{"zhang"}, {"xiao"}, {"ming"}}, []string{"xiao", "ming", "zhang"}, true, true},
		{"empty", nil, []string{"zhang"}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, f := Match(tt.units, tt.syllables)
			if e != tt.exact || f != tt.fuzzy {
				t.Errorf("Match(%v, %v) = %v, %v; want %v, %v", tt.units, tt.syllables, e, f, tt.exact, tt.fuzzy)
			}
		})
	}
}

func FuzzSplit(f *testing.F) {
	for _, s := range []string{"zhangwei", "nana", "xian", "ouyang", "smith", "", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaz", "nananananananananananananananananananananx"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := Split(s)
		if !ok {
			return
		}
		if strings.Join(got, "") != s {
			t.Fatalf("Split(%q) = %v, does not spell the input", s, got)
		}
		for _, x := range got {
			if !IsSyllable(x) {
				t.Fatalf("Split(%q) gave %q, not a syllable", s, x)
			}
		}
	})
}

func FuzzSyllableSimilar(f *testing.F) {
	f.Add("zhang", "zang")
	f.Add("", "ng")
	f.Add("lv", "lu")
	f.Fuzz(func(t *testing.T, a, b string) {
		e, fz := SyllableSimilar(a, b)
		if e && !fz {
			t.Fatalf("SyllableSimilar(%q, %q): exact but not fuzzy", a, b)
		}
		if e2, f2 := SyllableSimilar(b, a); e2 != e || f2 != fz {
			t.Fatalf("SyllableSimilar(%q, %q) not symmetric", a, b)
		}
	})
}

func BenchmarkSplit(b *testing.B) {
	in := []string{"zhangwei", "shanxiaoming", "ouyangnana", "lixiaolong"}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		Split(in[n%len(in)])
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkSyllableSimilar(b *testing.B) {
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		SyllableSimilar("zhang", "zang")
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "rows/s")
}

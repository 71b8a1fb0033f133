package text

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClean(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"plain ascii", "hello world", "hello world"},
		{"plain han", "张伟", "张伟"},
		{"trim spaces", "  张伟  ", "张伟"},
		{"space between han removed", "张 伟", "张伟"},
		{"several spaces between han", "浙江   杭州", "浙江杭州"},
		{"ideographic space between han", "张\u3000伟", "张伟"},
		{"ideographic space trimmed", "\u3000\u3000李娜\u3000", "李娜"},
		{"nbsp collapsed", "Room\u00a0\u00a0801", "Room 801"},
		{"space han to ascii kept", "杭州 Room 801", "杭州 Room 801"},
		{"space before bracket kept", "阿里巴巴 (中国)", "阿里巴巴 (中国)"},
		{"full-width digits", "１３８００１３８０００", "13800138000"},
		{"full-width letters", "ＡＢＣ公司", "ABC公司"},
		{"full-width brackets", "华为（深圳）有限公司", "华为(深圳)有限公司"},
		{"full-width at", "abc＠qq．com", "abc@qq.com"},
		{"full-width comma to ascii", "北京，上海", "北京,上海"},
		{"chinese punctuation kept", "北京、上海。“好”《书》", "北京、上海。“好”《书》"},
		{"zero width space dropped", "张\u200b伟", "张伟"},
		{"bom dropped", "\ufeff客户名称", "客户名称"},
		{"word joiner and zwj dropped", "a\u2060b\u200dc\u200cd", "abcd"},
		{"tab becomes space", "a\tb", "a b"},
		{"newline between han removed", "浙江省\n杭州市", "浙江省杭州市"},
		{"crlf collapsed", "line1\r\nline2", "line1 line2"},
		{"nul becomes space", "a\x00b", "a b"},
		{"control only", "\t\n\r", ""},
		{"invalid utf8 replaced", "ab\xffcd", "ab\ufffdcd"},
		{"ideographic digits kept", "〇一二", "〇一二"},
		{"circled digit nfkc", "①号楼", "1号楼"},
		{"ligature nfkc", "ﬁle", "file"},
		{"han ext-a spaces", "㐀 㐁", "㐀㐁"},
		{"mixed run of spaces", " a \t\u3000 b ", "a b"},
		{"space han digit kept", "中山路 88号", "中山路 88号"},
		{"half-width katakana nfkc", "ｶﾀｶﾅ", "カタカナ"},
		{"decomposed accent composed", "Jose\u0301", "José"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Clean(tt.in); got != tt.want {
				t.Errorf("Clean(%+q) = %+q, want %+q", tt.in, got, tt.want)
			}
			if got := Clean(tt.want); got != tt.want {
				t.Errorf("Clean(Clean(%+q)) = %+q, want it unchanged", tt.in, got)
			}
		})
	}
}

func TestCleanFastPathNoAlloc(t *testing.T) {
	for _, s := range []string{"张伟", "13800138000", "浙江省杭州市西湖区文三路 90 号", "zhang.wei@qq.com", "华为技术有限公司", "2023-01-05 10:22"} {
		if n := testing.AllocsPerRun(100, func() { Clean(s) }); n != 0 {
			t.Errorf("Clean(%q) allocates %v times, want 0", s, n)
		}
	}
}

func TestIsHan(t *testing.T) {
	tests := []struct {
		name string
		r    rune
		want bool
	}{
		{"common", '张', true},
		{"ext a", '㐀', true},
		{"ext b", '𠀀', true},
		{"iteration mark", '々', true},
		{"ascii", 'a', false},
		{"digit", '1', false},
		{"chinese comma", '，', false},
		{"hiragana", 'あ', false},
		{"hangul", '한', false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsHan(tt.r); got != tt.want {
				t.Errorf("IsHan(%q) = %v, want %v", tt.r, got, tt.want)
			}
		})
	}
	if !HasHan("Room 801 张") || HasHan("Room 801") || HasHan("") {
		t.Error("HasHan misreports")
	}
}

func TestPlaceholders(t *testing.T) {
	p := NewPlaceholders([]string{"无", "暂无", "-", "N/A", "#n/a", "？", "0", "null"})
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"exact", "无", true},
		{"padded", "  暂无 ", true},
		{"ideographic space", "\u3000无\u3000", true},
		{"upper case", "NULL", true},
		{"mixed case list entry", "n/a", true},
		{"full-width", "Ｎ／Ａ", true},
		{"full-width question matches", "?", true},
		{"excel error", "#N/A", true},
		{"zero", "0", true},
		{"dash", "-", true},
		{"not a placeholder", "张伟", false},
		{"contains placeholder", "无锡", false},
		{"empty", "", false},
		{"two dashes not listed", "--", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := p.Is(tt.in); got != tt.want {
				t.Errorf("Is(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestDittos(t *testing.T) {
	d := NewDittos([]string{"同上", "同左", `"`, "“", "”", "〃", "ditto"})
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"tongshang", "同上", true},
		{"tongzuo padded", " 同左 ", true},
		{"ascii quote", `"`, true},
		{"curly quote", "“", true},
		{"ditto mark", "〃", true},
		{"english upper", "DITTO", true},
		{"full-width quote", "＂", true},
		{"text", "同上海", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := d.Is(tt.in); got != tt.want {
				t.Errorf("Is(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
	if NewDittos(nil).Is("同上") {
		t.Error("an empty list matches")
	}
}

func FuzzClean(f *testing.F) {
	for _, s := range []string{"", "张 伟", " a\tb ", "（１３８）", "\ufeffx\u200b", "Jose\u0301", "¨ ¨", "\u3000\u3000", "ab\xff", "浙江 杭州 Room 8", "ｶﾞ", "a \u0308"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		once := Clean(s)
		if !utf8.ValidString(once) {
			t.Fatalf("Clean(%+q) = %+q, not valid UTF-8", s, once)
		}
		if twice := Clean(once); twice != once {
			t.Fatalf("Clean not idempotent: %+q → %+q → %+q", s, once, twice)
		}
		if once != strings.TrimSpace(once) || strings.Contains(once, "  ") {
			t.Fatalf("Clean(%+q) = %+q keeps outer or double spaces", s, once)
		}
		if isClean(s) && once != s {
			t.Fatalf("fast path accepts %+q but Clean gives %+q", s, once)
		}
	})
}

// cells is a mix of typical CRM cells: mostly clean Chinese and ASCII, some
// needing work.
var cells = []string{
	"杭州西湖科技有限公司", "张伟", "13800138000", "浙江省杭州市西湖区文三路90号", "zhang.wei@qq.com",
	"2023-01-05", "销售部", "138 0013 8000", " 李娜 ", "（０５７１）８８８８８８８８", "暂无", "华为技术有限公司\u200b",
}

func BenchmarkClean(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		for _, c := range cells {
			Clean(c)
		}
	}
	// One iteration is one row of len(cells) cells.
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkCleanChineseClean(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Clean("浙江省杭州市西湖区文三路90号")
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkCleanChineseDirty(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Clean(" 浙江省 杭州市（西湖区）文三路９０号\u3000")
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

var blankCases = []string{"", " ", "\t\n\v\f\r ", "\u3000", "\u00a0", "\u0085", "\u2028", "\u200b", " a ", "a", "\xff", " \xff",
	"\u3000\u3000无", "\x00", "\x1c", " \u205f\u3000 ", "\ufeff", "\xe3\x80"}

// TestBlank checks Blank against strings.TrimSpace, which it replaces.
func TestBlank(t *testing.T) {
	for _, s := range blankCases {
		t.Run(s, func(t *testing.T) {
			if got, want := Blank(s), strings.TrimSpace(s) == ""; got != want {
				t.Errorf("Blank(%q) = %v, want %v", s, got, want)
			}
		})
	}
	for r := rune(0); r <= utf8.MaxRune; r++ {
		s := string(r)
		if got, want := Blank(s), strings.TrimSpace(s) == ""; got != want {
			t.Fatalf("Blank(%q) = %v, want %v", s, got, want)
		}
	}
}

func FuzzBlank(f *testing.F) {
	for _, s := range blankCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := Blank(s), strings.TrimSpace(s) == ""; got != want {
			t.Errorf("Blank(%q) = %v, want %v", s, got, want)
		}
	})
}

// TestDecodeRune checks DecodeRune against utf8.DecodeRuneInString on every
// three-byte lead with the continuation bytes at and around their limits,
// and on shorter, ASCII and four-byte text.
func TestDecodeRune(t *testing.T) {
	conts := []byte{0x00, 0x7f, 0x80, 0x9f, 0xa0, 0xbf, 0xc0, 0xff}
	var cases []string
	for c0 := 0xc0; c0 <= 0xff; c0++ {
		for _, c1 := range conts {
			for _, c2 := range conts {
				cases = append(cases, string([]byte{byte(c0), c1, c2}), string([]byte{byte(c0), c1}))
			}
		}
	}
	cases = append(cases, "", "a", "ab", "杭州", "𠀀x", "\xe6\x9d", "x杭")
	for _, s := range cases {
		for i := range len(s) {
			r, size := DecodeRune(s, i)
			wr, wsize := utf8.DecodeRuneInString(s[i:])
			if r != wr || size != wsize {
				t.Errorf("DecodeRune(%q, %d) = %U, %d; want %U, %d", s, i, r, size, wr, wsize)
			}
		}
	}
}

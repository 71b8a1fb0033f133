package text

import (
	"strings"
	"testing"
)

// markLists are the kinds of lists the rules file gives, the default ones
// included.
var markLists = [][]string{
	{"空", "无", "暂无", "没有", "不详", "未知", "待定", "待补充", "无号码", "-", "--", "---", "—", "——", "/", `\`, ".", "?", "？",
		"n/a", "na", "#n/a", "null", "none", "nil", "0"},
	{"同上", "同左", `"`, "“", "”", "〃", "ditto"},
	{"K", "ÅÅ", "ǅ"},
	{},
}

var markInputs = []string{
	"", "无", "暂无", " 暂无 ", "暂\u200b无", "N/A", "Ｎ／Ａ", "n/a ", "#N/A", "NULL", "Null", "-", "--", "----", "同上", "同 上",
	"DITTO", "ditto.", "〃", "\"", "0", "00", "北京华信科技有限公司", "暂无暂无暂无暂无暂无", "\u212a", "k", "ÅÅ", "åå",
	"\u212b\u212b", "ǆ", "ǅ", "Ǆ", "\xff", "无\xff", "待补充", "待补充。", strings.Repeat("\u200b", 40) + "无",
	"n\u200b/\u200ba", "ＮＵＬＬ", "nil\t", "\u3000none\u3000",
	"Na", "NA", "Ditto", "\u212aK", "丰", "上", "同", "无无", "张伟", "-1", "?", "\u4e00", "\u9fff", "Ånone",
}

// naiveHas is what the marks' Is did before the rune-count shortcut.
func naiveHas(list []string, s string) bool {
	set := map[string]bool{}
	for _, x := range list {
		if k := key(x); k != "" {
			set[k] = true
		}
	}
	return s != "" && set[key(s)]
}

func TestMarkSetAgrees(t *testing.T) {
	for _, list := range markLists {
		p, d := NewPlaceholders(list), NewDittos(list)
		for _, s := range markInputs {
			want := naiveHas(list, s)
			if got := p.Is(s); got != want {
				t.Errorf("Placeholders%q.Is(%q) = %v, want %v", list, s, got, want)
			}
			if got := d.Is(s); got != want {
				t.Errorf("Dittos%q.Is(%q) = %v, want %v", list, s, got, want)
			}
			if got := p.IsCleaned(Clean(s)); got != want {
				t.Errorf("Placeholders%q.IsCleaned(Clean(%q)) = %v, want %v", list, s, got, want)
			}
			if got := d.IsCleaned(Clean(s)); got != want {
				t.Errorf("Dittos%q.IsCleaned(Clean(%q)) = %v, want %v", list, s, got, want)
			}
		}
	}
}

// FuzzMarkSet: the shortcut never changes the answer.
func FuzzMarkSet(f *testing.F) {
	for _, s := range markInputs {
		f.Add(s)
	}
	sets := make([]*Placeholders, len(markLists))
	for i, list := range markLists {
		sets[i] = NewPlaceholders(list)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for i, list := range markLists {
			want := naiveHas(list, s)
			if got := sets[i].Is(s); got != want {
				t.Fatalf("Placeholders%q.Is(%q) = %v, want %v", list, s, got, want)
			}
			if got := sets[i].IsCleaned(Clean(s)); got != want {
				t.Fatalf("Placeholders%q.IsCleaned(Clean(%q)) = %v, want %v", list, s, got, want)
			}
			if got, want := lower(s), strings.ToLower(s); got != want {
				t.Fatalf("lower(%q) = %q, want %q", s, got, want)
			}
		}
	})
}

func TestLowerAgrees(t *testing.T) {
	for _, s := range append(markInputs, "ABC", "abc", "华信ABC", "华信abc", "Ǆ华", "\xe4\xb8", "华\xff", "ÀÉ") {
		if got, want := lower(s), strings.ToLower(s); got != want {
			t.Errorf("lower(%q) = %q, want %q", s, got, want)
		}
	}
}

func TestHan3Agrees(t *testing.T) {
	for r := rune(0x80); r <= 0x10FFFF; r++ {
		if got, want := HanAt(string(r)+"x", 0), r >= 0x4E00 && r <= 0x9FFF; got != want {
			t.Fatalf("HanAt(%U) = %v, want %v", r, got, want)
		}
	}
	for _, s := range []string{"\xe4\xb8", "\xe4", "\xe9\xbf\xc0", "\xe4\xb7\xbf", "a\xe4\xb8\x80"} {
		if HanAt(s, 0) {
			t.Errorf("HanAt(%q, 0) = true", s)
		}
	}
}

func TestAllHan(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"", false}, {"张伟", true}, {"一", true}, {"\u9fff", true}, {"\u4dff", false}, {"\ua000", false}, {"张 伟", false},
		{"张伟a", false}, {"（张伟）", false}, {"\xe4\xb8", false}, {"张\xe4\xb8\x80", true}, {"張偉", true}, {"\U00020000", false},
	}
	for _, tt := range tests {
		if got := AllHan(tt.s); got != tt.want {
			t.Errorf("AllHan(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
	for r := rune(0x3000); r < 0xA100; r++ {
		if got, want := AllHan(string(r)+string(r)), r >= 0x4E00 && r <= 0x9FFF; got != want {
			t.Fatalf("AllHan(%U twice) = %v, want %v", r, got, want)
		}
	}
}

package name

import (
	"slices"
	"strings"
	"testing"

	"github.com/crmclean/crmclean/pipeline/normalize/pinyin"
	"github.com/crmclean/crmclean/pipeline/record"
)

func TestReadings(t *testing.T) {
	n := newTestNamer()
	tests := []struct {
		name string
		in   string
		kind record.Kind
		// first is each unit's first reading; also lists readings that must
		// be among the unit's readings, by unit index.
		first []string
		also  map[int][]string
	}{
		{"surname 单", "单小明", record.Person, []string{"shan", "xiao", "ming"}, map[int][]string{0: {"dan"}}},
		{"surname 曾", "曾国藩", record.Person, []string{"zeng", "guo", "fan"}, map[int][]string{0: {"ceng"}}},
		{"surname 解", "解放", record.Person, []string{"xie", "fang"}, map[int][]string{0: {"jie"}}},
		{"surname 仇", "仇英", record.Person, []string{"qiu", "ying"}, map[int][]string{0: {"chou"}}},
		{"surname 区", "区志强", record.Person, []string{"ou", "zhi", "qiang"}, map[int][]string{0: {"qu"}}},
		{"surname 查", "查良镛", record.Person, []string{"zha", "liang", "yong"}, map[int][]string{0: {"cha"}}},
		{"surname 朴", "朴树", record.Person, []string{"piao", "shu"}, map[int][]string{0: {"pu"}}},
		{"surname table only for the first character", "王单", record.Person, []string{"wang", "dan"}, nil},
		{"no surname table for companies", "单氏科技", record.Company, []string{"dan", "shi", "ke", "ji"}, map[int][]string{0: {"shan"}}},
		{"compound surname one unit", "欧阳娜娜", record.Person, []string{"ouyang", "na", "na"}, nil},
		{"compound surname from the table", "尉迟恭", record.Person, []string{"yuchi", "gong"}, nil},
		{"compound surname built in", "诸葛亮", record.Person, []string{"zhuge", "liang"}, nil},
		{"place word 重庆", "重庆华信科技有限公司", record.Company, []string{"chong", "qing", "hua", "xin", "ke", "ji", "you", "xian", "gong", "si"}, map[int][]string{0: {"zhong"}}},
		{"place word 长沙", "长沙银行", record.Company, []string{"chang", "sha", "yin", "hang"}, map[int][]string{0: {"zhang"}}},
		{"place word 厦门", "厦门华信", record.Company, []string{"xia", "men", "hua", "xin"}, map[int][]string{0: {"sha"}}},
		{"place word inside a person's name", "张长安", record.Person, []string{"zhang", "chang", "an"}, nil},
		{"latin and digits one unit", "ABC科技123", record.Company, []string{"abc", "ke", "ji", "123"}, nil},
		{"spaces and brackets are not units", "华信 （北京）", record.Company, []string{"hua", "xin", "bei", "jing"}, nil},
		{"full-width latin", "ＡＢＣ", record.Company, []string{"abc"}, nil},
		{"traditional", "張偉", record.Person, []string{"zhang", "wei"}, nil},
		{"no pinyin: kept as a unit", "ア", record.Company, []string{"ア"}, nil},
		{"empty", "", record.Person, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := n.Readings(tt.in, tt.kind)
			var first []string
			for _, u := range got {
				first = append(first, u[0])
			}
			if !slices.Equal(first, tt.first) {
				t.Fatalf("Readings(%q) = %v, want first readings %v", tt.in, got, tt.first)
			}
			for i, want := range tt.also {
				for _, w := range want {
					if !slices.Contains(got[i], w) {
						t.Errorf("Readings(%q) unit %d = %v, want it to include %q", tt.in, i, got[i], w)
					}
				}
			}
			if p := n.Pinyin(tt.in, tt.kind); p != strings.Join(first, "") {
				t.Errorf("Pinyin(%q) = %q, want %q", tt.in, p, strings.Join(first, ""))
			}
		})
	}
}

func TestPinyinAndInitials(t *testing.T) {
	n := newTestNamer()
	tests := []struct {
		name, in         string
		kind             record.Kind
		pinyin, initials string
	}{
		{"polyphone surname", "单小明", record.Person, "shanxiaoming", "sxm"},
		{"compound surname", "欧阳修", record.Person, "ouyangxiu", "oyx"},
		{"place word", "重庆长安汽车", record.Company, "chongqingchanganqiche", "cqcaqc"},
		{"latin word", "Huaxin科技", record.Company, "huaxinkeji", "hxkj"},
		{"non-pinyin latin", "ABC科技", record.Company, "abckeji", "akj"},
		{"digits", "3M中国", record.Company, "3mzhongguo", "3zg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := n.Pinyin(tt.in, tt.kind); got != tt.pinyin {
				t.Errorf("Pinyin(%q) = %q, want %q", tt.in, got, tt.pinyin)
			}
			if got := n.Initials(tt.in, tt.kind); got != tt.initials {
				t.Errorf("Initials(%q) = %q, want %q", tt.in, got, tt.initials)
			}
		})
	}
}

// Homophones have one pinyin but stay apart in the match key: matching,
// not normalization, decides whether they are one customer.
func TestHomophones(t *testing.T) {
	n := newTestNamer()
	tests := []struct {
		name string
		a, b string
		kind record.Kind
	}{
		{"company", "北京华信科技有限公司", "北京华新科技", record.Company},
		{"person", "张玮", "张伟", record.Person},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Blocking reads the match key, as matching does.
			if pa, pb := n.Pinyin(n.MatchKey(tt.a), tt.kind), n.Pinyin(n.MatchKey(tt.b), tt.kind); pa != pb {
				t.Errorf("Pinyin(MatchKey(%q)) = %q, Pinyin(MatchKey(%q)) = %q; want equal", tt.a, pa, tt.b, pb)
			}
			if ka, kb := n.MatchKey(tt.a), n.MatchKey(tt.b); ka == kb {
				t.Errorf("MatchKey(%q) = MatchKey(%q) = %q; want them literal and different", tt.a, tt.b, ka)
			}
		})
	}
}

func TestRomanized(t *testing.T) {
	n := newTestNamer()
	tests := []struct {
		name string
		in   string
		want []string
		ok   bool
	}{
		{"given order", "Zhang Wei", []string{"zhang", "wei"}, true},
		{"western order upper case", "WEI ZHANG", []string{"wei", "zhang"}, true},
		{"hyphen", "zhang-wei", []string{"zhang", "wei"}, true},
		{"camel case", "ZhangWei", []string{"zhang", "wei"}, true},
		{"comma", "Zhang, Wei", []string{"zhang", "wei"}, true},
		{"joined given name", "Zhang Xiaoming", []string{"zhang", "xiao", "ming"}, true},
		{"hyphenated given name", "Zhang Xiao-Ming", []string{"zhang", "xiao", "ming"}, true},
		{"compound surname", "Ouyang Nana", []string{"ou", "yang", "na", "na"}, true},
		{"passport lyu", "LYU Bu", []string{"lv", "bu"}, true},
		{"umlaut", "Lü Bu", []string{"lv", "bu"}, true},
		{"full-width", "Ｚｈａｎｇ Ｗｅｉ", []string{"zhang", "wei"}, true},
		{"not pinyin", "John Smith", nil, false},
		{"Han", "张伟", nil, false},
		{"digits", "Zhang3", nil, false},
		{"empty", "", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := n.Romanized(tt.in)
			if ok != tt.ok || !slices.Equal(got, tt.want) {
				t.Errorf("Romanized(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

// TestRomanizedMatchesHan checks the path matching takes: a Han name's
// readings against a romanized name's syllables, in both orders.
func TestRomanizedMatchesHan(t *testing.T) {
	n := newTestNamer()
	tests := []struct {
		name, han, roman string
		exact, fuzzy     bool
	}{
		{"given order", "张伟", "Zhang Wei", true, true},
		{"western order", "张伟", "WEI ZHANG", true, true},
		{"polyphone surname read right", "单小明", "Shan Xiaoming", true, true},
		{"polyphone surname, other reading", "单小明", "Dan Xiaoming", true, true},
		{"compound surname western", "欧阳娜娜", "Nana Ouyang", true, true},
		{"fuzzy initial", "张伟", "Zang Wei", false, true},
		{"fuzzy final", "林伟", "Ling Wei", false, true},
		{"fuzzy n/l", "南伟", "Lan Wei", false, true},
		{"different", "张伟", "Wang Wei", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			syl, ok := n.Romanized(tt.roman)
			if !ok {
				t.Fatalf("Romanized(%q) not ok", tt.roman)
			}
			e, f := pinyin.Match(n.Readings(tt.han, record.Person), syl)
			if e != tt.exact || f != tt.fuzzy {
				t.Errorf("Match(%s, %s) = %v, %v; want %v, %v", tt.han, tt.roman, e, f, tt.exact, tt.fuzzy)
			}
		})
	}
}

func TestSyllableSimilarPairs(t *testing.T) {
	for _, p := range [][2]string{{"zhang", "zang"}, {"lin", "ling"}, {"nan", "lan"}} {
		if exact, fuzzy := SyllableSimilar(p[0], p[1]); exact || !fuzzy {
			t.Errorf("SyllableSimilar(%q, %q) = %v, %v; want false, true", p[0], p[1], exact, fuzzy)
		}
	}
}

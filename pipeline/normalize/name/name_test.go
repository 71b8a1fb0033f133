package name

import (
	"strings"
	"testing"

	"github.com/crmclean/crmclean/pipeline/record"
)

// testOptions are small word lists in the shape of the default rules.
func testOptions() Options {
	return Options{
		LegalForms:        []string{"股份有限公司", "有限责任公司", "集团有限公司", "有限公司", "股份公司", "集团公司", "集团", "公司", "co., ltd.", "co.,ltd.", "company limited", "limited", "ltd", "inc.", "inc", "corp.", "llc"},
		CompanyWords:      []string{"公司", "集团", "厂", "店", "中心", "事务所", "学校", "大学", "医院", "银行", "工作室", "超市", "部", "行", "社", "co.", "ltd", "inc", "company", "limited", "group"},
		BranchWords:       []string{"分公司", "办事处", "分店", "分厂", "支行", "分行", "营业部"},
		IndividualMarkers: []string{"个人", "个体", "散客", "自然人", "无"},
		Regions:           []string{"北京市", "北京", "上海市", "上海", "广东省", "广东", "深圳市", "深圳", "杭州市", "杭州", "重庆市", "重庆", "长沙市", "长沙", "厦门市", "厦门", "内蒙古自治区", "内蒙古", "中山市", "中山", "x"},
		Surnames: map[string][]string{
			"单": {"shan", "dan"}, "曾": {"zeng", "ceng"}, "解": {"xie", "jie"}, "仇": {"qiu", "chou"},
			"区": {"ou", "qu"}, "查": {"zha", "cha"}, "朴": {"piao", "pu"}, "欧阳": {"ou yang"},
			"尉迟": {"yu chi"}, "长孙": {"zhang sun"},
		},
		PlaceWords: map[string]string{"重庆": "chong qing", "长沙": "chang sha", "厦门": "xia men", "长安": "chang an", "银行": "yin hang"},
	}
}

func newTestNamer() *Namer { return New(testOptions()) }

func TestValidate(t *testing.T) {
	if err := testOptions().Validate(); err != nil {
		t.Fatalf("Validate() of the test options = %v, want nil", err)
	}
	bad := testOptions()
	bad.Surnames = map[string][]string{"单": {"shan dan"}, "欧阳修": {"ou yang xiu"}, "曾": {}}
	bad.PlaceWords = map[string]string{"重庆": "chongqing", "长沙": "chang xx"}
	err := bad.Validate()
	if err == nil {
		t.Fatal("Validate() = nil, want an error for malformed entries")
	}
	for _, want := range []string{`"单"`, `"欧阳修"`, `"曾"`, `"重庆"`, `"长沙"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %q, want it to name %s", err, want)
		}
	}
	// Malformed entries are ignored, not fatal.
	n := New(bad)
	if got := n.Pinyin("重庆", record.Company); got != "zhongqing" {
		t.Errorf("Pinyin(重庆) with a malformed place word = %q, want go-pinyin's zhongqing", got)
	}
}

func TestIsIndividualMarker(t *testing.T) {
	n := newTestNamer()
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"marker", "个人", true},
		{"with spaces", " 个 人 ", true},
		{"full-width brackets around", "（个人）", true},
		{"户 suffix", "个体户", true},
		{"客户 suffix", "散客客户", true},
		{"company", "个人护理用品有限公司", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := n.IsIndividualMarker(tt.in); got != tt.want {
				t.Errorf("IsIndividualMarker(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestKind(t *testing.T) {
	n := newTestNamer()
	tests := []struct {
		name       string
		in         string
		hasContact bool
		want       record.Kind
	}{
		{"legal form", "华信科技有限公司", false, record.Company},
		{"company word", "张记面馆店", false, record.Company},
		{"trade word only", "华信科技", false, record.Company},
		{"trade word with contact", "鑫源商贸", true, record.Company},
		{"one-char company word at end", "老王五金行", false, record.Company},
		{"region then name", "杭州华信", false, record.Company},
		{"two-character person", "张伟", false, record.Person},
		{"three-character person", "王小明", true, record.Person},
		{"polyphone surname", "单雄信", false, record.Person},
		{"compound surname", "欧阳娜娜", false, record.Person},
		{"compound surname, built in", "司马光", false, record.Person},
		{"four characters with a single surname are a brand", "国色天娇", false, record.Company},
		{"four characters with another contact", "金华天地", true, record.Company},
		{"unknown surname", "鑫源", false, record.Company},
		{"minority name with dot", "阿依古丽·买买提", false, record.Person},
		{"traditional person", "張偉", false, record.Person},
		{"traditional company", "華信科技有限公司", false, record.Company},
		{"latin legal form", "Huaxin Technology Co., Ltd.", false, record.Company},
		{"latin inc", "Acme Inc", false, record.Company},
		{"romanized", "Zhang Wei", true, record.Person},
		{"romanized western upper", "WEI ZHANG", false, record.Person},
		{"romanized hyphen", "zhang-wei", false, record.Person},
		{"romanized camel case", "ZhangWei", false, record.Person},
		{"one latin word", "Huawei", false, record.Company},
		{"western name", "John Smith", false, record.Person},
		{"western words with contact", "Blue Ocean", true, record.Company},
		{"digits", "3M", false, record.Company},
		{"mixed scripts", "A8音乐", false, record.Company},
		{"full-width latin legal form", "ＡＣＭＥ　ＬＴＤ", false, record.Company},
		{"empty", "", false, record.Company},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := n.Kind(tt.in, tt.hasContact); got != tt.want {
				t.Errorf("Kind(%q, %v) = %s, want %s", tt.in, tt.hasContact, got, tt.want)
			}
		})
	}
}

func TestDisplay(t *testing.T) {
	n := newTestNamer()
	tests := []struct {
		name, in, want string
	}{
		{"unchanged", "华信科技有限公司", "华信科技有限公司"},
		{"half-width brackets", "华信科技(北京)有限公司", "华信科技（北京）有限公司"},
		{"square brackets", "华信科技[北京]有限公司", "华信科技（北京）有限公司"},
		{"lenticular brackets", "华信科技【北京】有限公司", "华信科技（北京）有限公司"},
		{"spaces between Han", " 华信 科技　有限公司 ", "华信科技有限公司"},
		{"spaces inside brackets", "华信科技 ( 北京 ) 有限公司", "华信科技（北京）有限公司"},
		{"full-width latin", "ＡＢＣ科技", "ABC科技"},
		{"latin spacing", "Huaxin   Technology Co. , Ltd.", "Huaxin Technology Co., Ltd."},
		{"latin brackets keep outer spaces", "Huaxin (Beijing) Co., Ltd.", "Huaxin （Beijing） Co., Ltd."},
		{"person with spaces", "张  伟", "张伟"},
		{"middle dots unified", "阿依古丽•买买提", "阿依古丽·买买提"},
		{"zero-width and BOM dropped", "\ufeff华信\u200b科技", "华信科技"},
		{"line break", "华信科技\n有限公司", "华信科技有限公司"},
		{"case kept", "WEI Zhang", "WEI Zhang"},
		{"traditional kept", "華信科技", "華信科技"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := n.Display(tt.in)
			if got != tt.want {
				t.Errorf("Display(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if again := n.Display(got); again != got {
				t.Errorf("Display(Display(%q)) = %q, want %q", tt.in, again, got)
			}
		})
	}
}

func TestMatchKey(t *testing.T) {
	n := newTestNamer()
	tests := []struct {
		name, in, want string
	}{
		{"leading region", "北京华信科技有限公司", "华信科技"},
		{"bracketed region", "华信科技（北京）有限公司", "华信科技"},
		{"half-width bracketed region, other legal form", "华信科技(北京)有限责任公司", "华信科技"},
		{"bracketed full region name", "华信科技（北京市）股份有限公司", "华信科技"},
		{"branch kept", "北京华信科技有限公司上海分公司", "华信科技上海分公司"},
		{"office kept", "华信科技有限公司上海办事处", "华信科技上海办事处"},
		{"homophone stays literal", "北京华新科技", "华新科技"},
		{"province and city", "广东省深圳市华信科技有限公司", "华信科技"},
		{"region that is the name: university", "北京大学", "北京大学"},
		{"region that is the name: bank", "北京银行", "北京银行"},
		{"too little left", "深圳华", "深圳华"},
		{"region not leading", "华信北京科技有限公司", "华信北京科技"},
		{"region that is the name: longer", "中山大学附属第一医院", "中山大学附属第一医院"},
		{"region that is the name: branch", "北京银行上海分行", "北京银行上海分行"},
		{"bracketed group", "华信（集团）有限公司", "华信"},
		{"group inside", "华信集团科技有限公司", "华信科技"},
		{"other bracketed text kept", "华信（亚太）科技有限公司", "华信亚太科技"},
		{"co ltd", "Huaxin Technology Co., Ltd.", "huaxintechnology"},
		{"co ltd upper no space", "HUAXIN TECHNOLOGY CO.,LTD", "huaxintechnology"},
		{"co ltd full-width", "Ｈｕａｘｉｎ Ｃｏ．，Ｌｔｄ．", "huaxin"},
		{"company limited", "Huaxin Company Limited", "huaxin"},
		{"inc", "Acme, Inc.", "acme"},
		{"latin form not a suffix", "Ltd Ventures", "ltdventures"},
		{"latin form inside a word", "Incubator Labs", "incubatorlabs"},
		{"legal form only", "有限公司", "有限公司"},
		{"latin form only", "Co., Ltd.", "coltd"},
		{"person", "张 伟", "张伟"},
		{"traditional", "華信科技有限公司", "華信科技"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := n.MatchKey(tt.in)
			if got != tt.want {
				t.Errorf("MatchKey(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if again := n.MatchKey(got); again != got {
				t.Errorf("MatchKey(MatchKey(%q)) = %q, want %q", tt.in, again, got)
			}
		})
	}
}

func TestMatchKeySameCompany(t *testing.T) {
	n := newTestNamer()
	groups := [][]string{
		{"北京华信科技有限公司", "华信科技（北京）有限公司", "华信科技(北京)有限责任公司", "华信科技股份有限公司", " 华信 科技 "},
		{"Huaxin Technology Co., Ltd.", "HUAXIN TECHNOLOGY CO.,LTD", "huaxin technology limited"},
	}
	for _, g := range groups {
		want := n.MatchKey(g[0])
		for _, s := range g[1:] {
			if got := n.MatchKey(s); got != want {
				t.Errorf("MatchKey(%q) = %q, want %q as for %q", s, got, want, g[0])
			}
		}
	}
	if a, b := n.MatchKey("北京华信科技有限公司"), n.MatchKey("北京华信科技有限公司上海分公司"); a == b {
		t.Errorf("a branch has the key of its head office: %q", a)
	}
}

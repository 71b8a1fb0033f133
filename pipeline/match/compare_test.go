package match

import (
	"testing"

	"github.com/crmclean/crmclean/pipeline/record"
)

func TestCompareNames(t *testing.T) {
	rd := reader{namer: fakeNamer{}}
	read := func(s string, kind record.Kind) nameFeat { return rd.read(compact(s), s, kind) }
	tests := []struct {
		name    string
		a, b    string
		kind    record.Kind
		want    int
		wantHow int
	}{
		{"same characters", "张伟", "张伟", record.Person, agree, howSame},
		{"homophone surname 张/章", "张伟", "章伟", record.Person, near, howPinyin},
		{"input-method typo 玮/伟", "张玮", "张伟", record.Person, near, howPinyin},
		{"homophone trade name 华信/华新", "华信科技", "华新科技", record.Company, near, howPinyin},
		{"polyphone surname 单 as shan against romanized", "单伟", "Shan Wei", record.Person, near, howRomanized},
		{"polyphone surname 单 as dan against romanized", "单伟", "Dan Wei", record.Person, near, howRomanized},
		{"polyphone surname 曾 as zeng", "曾丽", "Zeng Li", record.Person, near, howRomanized},
		{"romanized Western order", "张伟", "Wei Zhang", record.Person, near, howRomanized},
		{"romanized both orders", "ZHANG WEI", "Wei Zhang", record.Person, near, howRomanized},
		{"place word 重庆 reads chongqing", "重庆华信", "Chongqing Huaxin", record.Company, near, howRomanized},
		{"fuzzy initial zh/z and final in/ing", "陈静", "岑金", record.Person, fuzzy, howFuzzyPinyin},
		{"fuzzy n/l", "刘娜", "牛娜", record.Person, fuzzy, howFuzzyPinyin},
		{"pinyin initials abbreviation", "hxkj", "华信科技", record.Company, fuzzy, howInitials},
		{"company short form is a prefix", "华信", "华信科技", record.Company, fuzzy, howContains},
		{"one character differs in a long name", "恒源物流", "恒达物流", record.Company, fuzzy, howOneChar},
		{"two characters differ, one of them read alike only fuzzily (子/织, zi/zhi)", "协豪电子", "协豪纺织", record.Company, disagree, howNone},
		{"two characters differ, one of them read alike only by a rare reading (食/印, yi)", "翔顺食品", "翔顺印刷", record.Company, disagree, howNone},
		{"different names", "王建国", "李秀英", record.Person, disagree, howNone},
		{"h/f is not a fuzzy confusion", "胡军", "福军", record.Person, disagree, howNone},
		{"missing", "", "张伟", record.Person, missing, howNone},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, b := read(tc.a, tc.kind), read(tc.b, tc.kind)
			lv, how := compareNames(&a, &b, tc.kind == record.Company)
			if lv != tc.want || how != tc.wantHow {
				t.Errorf("compareNames(%q, %q) = %s/%d, want %s/%d", tc.a, tc.b, levelNames[lv], how, levelNames[tc.want], tc.wantHow)
			}
			lv2, _ := compareNames(&b, &a, tc.kind == record.Company)
			if lv2 != lv {
				t.Errorf("not symmetric: reversed gives %s", levelNames[lv2])
			}
		})
	}
}

// TestCompareGroupNames: a company name that starts another is a short
// form of it, unless it names a group: the other is then a company of the
// group. Keys are the match keys normalize gives (legal forms, 集团
// among them, and leading regions left out).
func TestCompareGroupNames(t *testing.T) {
	rd := reader{namer: fakeNamer{}}
	type name struct{ written, key string }
	tests := []struct {
		name    string
		a, b    name
		want    int
		wantHow int
	}{
		{"a group and a company of it", name{"大连昌顺集团有限公司", "昌顺"}, name{"大连昌顺食品有限公司", "昌顺食品"}, disagree, howGroup},
		{"a group and a company of it that is a group too", name{"大连昌顺集团公司", "昌顺"}, name{"大连昌顺食品集团有限公司", "昌顺食品"}, disagree, howGroup},
		{"a group named in brackets", name{"昌顺（集团）有限公司", "昌顺"}, name{"昌顺物流有限公司", "昌顺物流"}, disagree, howGroup},
		{"a group and its provincial company", name{"中国移动通信集团有限公司", "中国移动通信"}, name{"中国移动通信集团浙江有限公司", "中国移动通信浙江"}, disagree, howGroup},
		{"the trade word left out: a short form", name{"华信有限公司", "华信"}, name{"华信科技有限公司", "华信科技"}, fuzzy, howContains},
		{"a short form of a company named a group", name{"大连昌顺", "昌顺"}, name{"大连昌顺食品集团有限公司", "昌顺食品"}, fuzzy, howContains},
		{"one group written with and without 集团", name{"海尔集团公司", "海尔"}, name{"海尔有限公司", "海尔"}, agree, howSame},
		{"two companies of one group", name{"昌顺食品有限公司", "昌顺食品"}, name{"昌顺建材集团有限公司", "昌顺建材"}, disagree, howNone},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, b := rd.read(tc.a.key, tc.a.written, record.Company), rd.read(tc.b.key, tc.b.written, record.Company)
			for _, order := range [][2]*nameFeat{{&a, &b}, {&b, &a}} {
				lv, how := compareNames(order[0], order[1], true)
				if lv != tc.want || how != tc.wantHow {
					t.Errorf("compareNames(%q, %q) = %s/%d, want %s/%d", order[0].key, order[1].key, levelNames[lv], how, levelNames[tc.want], tc.wantHow)
				}
			}
		})
	}
}

func TestCompareContacts(t *testing.T) {
	rd := reader{namer: fakeNamer{}}
	read := func(s string) nameFeat { return rd.read(compact(s), s, record.Person) }
	tests := []struct {
		name string
		a, b string
		want int
	}{
		{"title of the same surname", "李经理", "李敏", fuzzy},
		{"two titles of one surname", "周总", "周女士", fuzzy},
		{"title of another surname", "王经理", "李敏", disagree},
		{"same person", "李敏", "李敏", agree},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, b := read(tc.a), read(tc.b)
			if lv, _ := comparePersons(&a, &b); lv != tc.want {
				t.Errorf("comparePersons(%q, %q) = %s, want %s", tc.a, tc.b, levelNames[lv], levelNames[tc.want])
			}
		})
	}
}

func TestCompareAddress(t *testing.T) {
	at := func(adcode, city, district, detail string) *feat {
		return &feat{adcode: adcode, city: city, district: district, bigrams: bigrams(detail)}
	}
	tests := []struct {
		name string
		a, b *feat
		want int
	}{
		{"same district and detail", at("440106", "广州市", "天河区", "体育西路1号"), at("440106", "广州市", "天河区", "体育西路1号"), agree},
		{"same district, one detail missing", at("440106", "广州市", "天河区", "体育西路1号"), at("440106", "广州市", "天河区", ""), near},
		{"same city, district unknown on one side, same detail", at("440106", "广州市", "天河区", "体育西路1号"), at("440100", "广州市", "", "体育西路1号"), agree},
		{"province-level adcode only is unknown, not different", at("130108", "石家庄市", "裕华区", "紫竹街29号"), at("130000", "", "", ""), missing},
		{"same city, different districts", at("440106", "广州市", "天河区", "体育西路1号"), at("440104", "广州市", "越秀区", "北京路9号"), fuzzy},
		{"different cities", at("440106", "广州市", "天河区", ""), at("440305", "深圳市", "南山区", ""), disagree},
		{"different provinces", at("440106", "广州市", "天河区", ""), at("320106", "南京市", "鼓楼区", ""), disagree},
		{"two municipalities differ", at("110105", "北京市", "朝阳区", "建国路8号"), at("120225", "天津市", "蓟县", "建国路8号"), disagree},
		{"municipality: 1101 and 1102 codes share the city", at("110105", "北京市", "朝阳区", "建国路8号"), at("110229", "北京市", "延庆县", "建国路8号"), fuzzy},
		{"no adcodes, city names differ", at("", "广州市", "", ""), at("", "深圳市", "", ""), disagree},
		{"nothing known", at("", "", "", ""), at("", "", "", ""), missing},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if lv, _ := compareAddress(tc.a, tc.b); lv != tc.want {
				t.Errorf("compareAddress = %s, want %s", levelNames[lv], levelNames[tc.want])
			}
		})
	}
}

func TestCompareSharedNumbers(t *testing.T) {
	free := []email{{addr: "a@qq.com", domain: "qq.com", free: true}}
	tests := []struct {
		name string
		a, b []email
		want int
	}{
		{"same free-mail address", free, []email{{addr: "a@qq.com", domain: "qq.com", free: true}}, agree},
		{"same free-mail domain only", free, []email{{addr: "b@qq.com", domain: "qq.com", free: true}}, disagree},
		{"same company domain", []email{{addr: "a@hx.com", domain: "hx.com"}}, []email{{addr: "b@hx.com", domain: "hx.com"}}, near},
		{"one side missing", free, nil, missing},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if lv, _, _ := compareEmails(tc.a, tc.b); lv != tc.want {
				t.Errorf("compareEmails = %s, want %s", levelNames[lv], levelNames[tc.want])
			}
		})
	}
}

func TestBranchOf(t *testing.T) {
	words := []string{"分公司", "办事处", "分店", "营业部"}
	tests := []struct{ name, in, want string }{
		{"city branch after the legal form", "华信科技有限公司上海分公司", "上海分公司"},
		{"same branch without the legal form", "华信科技上海分公司", "上海分公司"},
		{"numbered shop", "好又多超市第一分店", "第一分店"},
		{"head office", "华信科技有限公司", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := branchOf(tc.in, words); got != tc.want {
				t.Errorf("branchOf(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

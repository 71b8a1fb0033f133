package match

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/crmclean/crmclean/pipeline/record"
)

var freeDomains = []string{"qq.com", "163.com", "126.com", "gmail.com"}

// filler returns distinct unrelated records, so that value frequencies
// behave as in a real file.
func filler(n int) []*record.Record {
	out := make([]*record.Record, n)
	for i := range out {
		s := spec{name: fmt.Sprintf("路人%03d", i), mobile: fmt.Sprintf("+8615%09d", 100000+i*7919),
			address: fmt.Sprintf("幸福路%d号", i), tag: "filler"}.at(i % len(places))
		out[i] = s.record()
	}
	return out
}

// bandOf matches a and b (records 0 and 1, among filler and extras) and
// says whether they merge, go to review or stay apart, with their pair.
func bandOf(t *testing.T, a, b spec, extra ...spec) (string, *Pair) {
	t.Helper()
	recs := []*record.Record{a.record(), b.record()}
	for _, e := range extra {
		recs = append(recs, e.record())
	}
	recs = append(recs, filler(60)...)
	res, err := Match(context.Background(), recs, Options{Namer: fakeNamer{}, FreeDomains: freeDomains})
	if err != nil {
		t.Fatal(err)
	}
	is01 := func(p Pair) bool { return min(p.A, p.B) == 0 && max(p.A, p.B) == 1 }
	for _, p := range res.Links {
		if is01(p) {
			return "merge", &p
		}
	}
	for _, p := range res.Review {
		if is01(p) {
			return "review", &p
		}
	}
	for _, c := range res.Clusters {
		if slices.Contains(c, 0) && slices.Contains(c, 1) {
			return "merge", nil // joined through a third record
		}
	}
	return "apart", nil
}

func evidence(p *Pair, field string) *Evidence {
	if p == nil {
		return nil
	}
	for i := range p.Evidence {
		if p.Evidence[i].Field == field {
			return &p.Evidence[i]
		}
	}
	return nil
}

func describe(p *Pair) string {
	if p == nil {
		return "(no pair)"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "score %.1f:", p.Score)
	for _, e := range p.Evidence {
		fmt.Fprintf(&b, " [%s %s %+.1f %s]", e.Field, e.Outcome, e.Weight, e.Text("en"))
	}
	return b.String()
}

func TestNamedPairs(t *testing.T) {
	co := func(name, key string) spec { return spec{kind: record.Company, name: name, key: key} }
	p := func(name string) spec { return spec{name: name} }
	with := func(s spec, f func(*spec)) spec { f(&s); return s }
	mob := func(m string) func(*spec) { return func(s *spec) { s.mobile = m } }
	commons := []spec{ // make 张伟 a common name
		p("张伟").at(2), p("张伟").at(3), p("张伟").at(4), p("张伟").at(5), p("张伟").at(6), p("张伟").at(7),
	}
	for i := range commons {
		commons[i].mobile = fmt.Sprintf("+861390000%04d", i)
		commons[i].tag = "common"
	}

	tests := []struct {
		name    string
		a, b    spec
		extra   []spec
		want    []string // acceptable bands
		field   string   // evidence to check, optional
		outcome string
		detail  string // substring of the evidence detail
	}{
		{
			name: "homophone company 华信/华新 with same mobile and address merges",
			a:    with(co("北京华信科技有限公司", "华信科技").at(0), func(s *spec) { s.mobile = "+8613800138000"; s.address = "建国路88号" }),
			b:    with(co("北京华新科技有限公司", "华新科技").at(0), func(s *spec) { s.mobile = "+8613800138000"; s.address = "建国路88号" }),
			want: []string{"merge"}, field: "name", outcome: "near", detail: "same pinyin huaxinkeji",
		},
		{
			name: "homophone company 华信/华新 on name and city alone never merges",
			a:    co("北京华信科技有限公司", "华信科技").at(0),
			b:    co("北京华新科技有限公司", "华新科技").at(0),
			want: []string{"review", "apart"}, field: "name", outcome: "near",
		},
		{
			name: "homophone persons 张伟/章伟 with same mobile merge",
			a:    with(p("张伟").at(1), mob("+8613911112222")),
			b:    with(p("章伟").at(1), mob("+8613911112222")),
			want: []string{"merge"}, field: "name", outcome: "near",
		},
		{
			name: "homophone persons 张伟/章伟 on name alone never merge",
			a:    p("张伟").at(1),
			b:    p("章伟").at(1),
			want: []string{"review", "apart"},
		},
		{
			name: "input-method typo 张玮/张伟 with same mobile merges",
			a:    with(p("张玮").at(1), mob("+8613911113333")),
			b:    with(p("张伟").at(1), mob("+8613911113333")),
			want: []string{"merge"}, field: "name", outcome: "near",
		},
		{
			name: "polyphone surname 单 reads shan: 单伟 = Shan Wei",
			a:    with(p("单伟").at(2), mob("+8613922224444")),
			b:    with(p("Wei Shan").at(2), mob("+8613922224444")),
			want: []string{"merge"}, field: "name", outcome: "near", detail: "romanized",
		},
		{
			name: "polyphone surname 曾 reads zeng: 曾丽 = ZENG LI",
			a:    with(p("曾丽").at(2), mob("+8613922225555")),
			b:    with(p("ZENG LI").at(2), mob("+8613922225555")),
			want: []string{"merge"}, field: "name", outcome: "near",
		},
		{
			name: "romanized in Chinese order and Western order match each other",
			a:    with(p("Zhang Wei").at(3), mob("+8613933336666")),
			b:    with(p("WEI ZHANG").at(3), mob("+8613933336666")),
			want: []string{"merge"}, field: "name", outcome: "near",
		},
		{
			name: "fuzzy pinyin zh/z and in/ing is weaker: 陈静/岑金 same mobile",
			a:    with(p("陈静").at(3), mob("+8613933337777")),
			b:    with(p("岑金").at(3), mob("+8613933337777")),
			want: []string{"review", "apart", "merge"}, field: "name", outcome: "fuzzy",
		},
		{
			name: "different branches of one company never merge",
			a: with(co("华信科技有限公司上海分公司", "华信科技上海分公司").at(1), func(s *spec) {
				s.line = "+862150001000"
				s.contact = "王强"
				s.mobile = "+8613811110000"
			}),
			b: with(co("华信科技有限公司北京分公司", "华信科技北京分公司").at(0), func(s *spec) {
				s.line = "+862150001000"
				s.contact = "王强"
				s.mobile = "+8613811110000"
			}),
			want: []string{"review", "apart"}, field: "branch", outcome: "disagree",
		},
		{
			name: "family members sharing a landline and address stay apart",
			a:    with(p("王建国").at(4), func(s *spec) { s.line = "+8657188880000"; s.address = "文三路100号" }),
			b:    with(p("李秀英").at(4), func(s *spec) { s.line = "+8657188880000"; s.address = "文三路100号" }),
			want: []string{"apart"}, field: "landline", outcome: "agree",
		},
		{
			name:  "a common name with different mobiles in different cities stays apart",
			a:     with(p("张伟").at(0), mob("+8613700001111")),
			b:     with(p("张伟").at(1), mob("+8613700002222")),
			extra: commons,
			want:  []string{"apart"},
		},
		{
			name: "one trade name in two provinces with no shared evidence stays apart",
			a:    co("广州华信科技有限公司", "华信科技").at(2),
			b:    co("南京华信科技有限公司", "华信科技").at(5),
			want: []string{"apart"}, field: "address", outcome: "disagree",
		},
		{
			name: "a shared free-mail address is strong evidence",
			a:    with(p("刘洋").at(6), func(s *spec) { s.email = "liuyang1988@qq.com" }),
			b:    with(p("刘洋").at(6), func(s *spec) { s.email = "liuyang1988@qq.com" }),
			want: []string{"merge"}, field: "email", outcome: "agree", detail: "free-mail",
		},
		{
			name: "a shared company domain alone is weak",
			a:    with(p("赵敏").at(6), func(s *spec) { s.email = "zhaomin@huaxin.com" }),
			b:    with(p("孙丽").at(6), func(s *spec) { s.email = "sunli@huaxin.com" }),
			want: []string{"apart"},
		},
		{
			name: "the same USCC merges differently written names",
			a:    with(co("深圳市鑫达电子有限公司", "鑫达电子").at(3), func(s *spec) { s.uscc = "91440300MA5F0X1234" }),
			b:    with(co("鑫达电子（深圳）有限公司", "鑫达电子深圳").at(3), func(s *spec) { s.uscc = "91440300MA5F0X1234" }),
			want: []string{"merge"}, field: "uscc", outcome: "agree",
		},
		{
			name: "different valid USCCs never merge, even with the same name and mobile",
			a: with(co("深圳市鑫达电子有限公司", "鑫达电子").at(3), func(s *spec) {
				s.uscc = "91440300MA5F0X1234"
				s.mobile = "+8613666660000"
			}),
			b: with(co("深圳市鑫达电子有限公司", "鑫达电子").at(3), func(s *spec) {
				s.uscc = "91440300MA5F0Y9999"
				s.mobile = "+8613666660000"
			}),
			want: []string{"review", "apart"}, field: "uscc", outcome: "disagree",
		},
		{
			name: "an identical rare company name in one city is not merged on the name alone",
			a:    co("杭州恒源物流有限公司", "恒源物流").at(4),
			b:    co("杭州恒源物流有限公司", "恒源物流").at(4),
			want: []string{"review"},
		},
		{
			name: "same company, address and contact merge without a phone",
			a:    with(co("杭州恒源物流有限公司", "恒源物流").at(4), func(s *spec) { s.contact = "周杰"; s.address = "文一路8号" }),
			b:    with(co("恒源物流有限公司", "恒源物流").at(4), func(s *spec) { s.contact = "周杰"; s.address = "文一路8号" }),
			want: []string{"merge"},
		},
		{
			name: "重庆 reads chongqing on any reading",
			a:    with(co("重庆华信科技有限公司", "重庆华信科技").at(1), mob("+8613812345678")),
			b:    with(co("Chongqing Huaxin Keji", "").at(1), mob("+8613812345678")),
			want: []string{"merge"}, field: "name", outcome: "near",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.a.tag, tc.b.tag = "a", "b"
			got, pair := bandOf(t, tc.a, tc.b, tc.extra...)
			if !slices.Contains(tc.want, got) {
				t.Fatalf("band = %s, want %v; %s", got, tc.want, describe(pair))
			}
			if tc.field == "" || pair == nil {
				return
			}
			e := evidence(pair, tc.field)
			if e == nil {
				t.Fatalf("no %s evidence; %s", tc.field, describe(pair))
			}
			if e.Outcome != tc.outcome || !strings.Contains(e.Text("en"), tc.detail) {
				t.Errorf("%s evidence = %s %q, want %s containing %q", tc.field, e.Outcome, e.Text("en"), tc.outcome, tc.detail)
			}
		})
	}
}

package match

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/crmclean/crmclean/pipeline/record"
)

// matchAll matches the records of specs among filler and returns the
// result; the specs are records 0…len(specs)-1.
func matchAll(t *testing.T, opt Options, specs ...spec) *Result {
	t.Helper()
	var recs []*record.Record
	for _, s := range specs {
		recs = append(recs, s.record())
	}
	recs = append(recs, filler(60)...)
	if opt.Namer == nil {
		opt.Namer = fakeNamer{}
	}
	opt.FreeDomains = freeDomains
	res, err := Match(context.Background(), recs, opt)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func numberUse(res *Result, number string) *NumberUse {
	for i := range res.Numbers {
		if res.Numbers[i].Number == number {
			return &res.Numbers[i]
		}
	}
	return nil
}

func inReview(res *Result, a, b int) bool {
	for _, p := range res.Review {
		if int(min(p.A, p.B)) == min(a, b) && int(max(p.A, p.B)) == max(a, b) {
			return true
		}
	}
	return false
}

// pairsOf lists every pair of the first n records.
func pairsOf(n int) [][2]int {
	var out [][2]int
	for a := range n {
		for b := a + 1; b < n; b++ {
			out = append(out, [2]int{a, b})
		}
	}
	return out
}

func TestNumbers(t *testing.T) {
	const home = "+8613912340001"
	const addr = "幸福小区3栋2单元501"
	const board = "+864118123456" // a group's switchboard
	const tower = "光明路134号昌顺大厦"   // its building
	person := func(name, mobile, tag string) spec {
		return spec{name: name, mobile: mobile, address: addr, tag: tag}.at(4)
	}
	tests := []struct {
		name  string
		specs []spec
		opt   Options
		// together and apart list pairs of the specs that must, or must
		// not, end in one customer; unasked pairs must not be in review.
		together, apart [][2]int
		reviewed        [][2]int
		number          string
		class           NumberClass
		why             string
	}{
		{
			name: "a household sharing one mobile stays apart, out of review",
			specs: []spec{person("马泽洋", home, "h1"), person("马子骞", home, "h2"), person("马瑞霖", home, "h3"),
				person("马泽洋", home, "h1b")},
			together: [][2]int{{0, 3}},
			apart:    [][2]int{{0, 1}, {0, 2}, {1, 2}, {1, 3}},
			number:   home, class: NumberShared, why: WhyHousehold,
		},
		{
			name:   "siblings sharing a generation character are different people",
			specs:  []spec{person("马泽洋", home, "s1"), person("马泽宇", home, "s2")},
			apart:  [][2]int{{0, 1}},
			number: home, class: NumberShared, why: WhyHousehold,
		},
		{
			name:   "siblings whose names read alike only through a rare reading",
			specs:  []spec{person("郭汐柏", home, "g1"), person("郭汐博", home, "g2"), person("郭汐月", home, "g3")},
			apart:  pairsOf(3),
			number: home, class: NumberShared, why: WhyHousehold,
		},
		{
			name:   "two siblings whose names read alike only through a rare reading",
			specs:  []spec{person("刘可熙", home, "k1"), person("刘可奕", home, "k2")},
			apart:  pairsOf(2),
			number: home, class: NumberShared, why: WhyHousehold,
		},
		{
			name: "a sibling's mobile written a digit short is still the household's",
			specs: []spec{person("李依柏", home, "y1"), person("李依轩", home, "y2"),
				spec{name: "李依博", short: "1391234001", address: addr, tag: "y3"}.at(4)},
			apart:  pairsOf(3),
			number: home, class: NumberShared, why: WhyHousehold,
		},
		{
			name: "a household of two surnames at one address",
			specs: []spec{person("马建国", home, "f1"), person("李梅", home, "f2"), person("马泽洋", home, "f3"),
				spec{name: "李梅", mobile: "+8613512340077", address: addr, tag: "f2b"}.at(4)},
			together: [][2]int{{1, 3}},
			apart:    [][2]int{{0, 1}, {0, 2}, {1, 2}, {0, 3}, {2, 3}},
			number:   home, class: NumberShared, why: WhyHousehold,
		},
		{
			name: "companies with one agent do not merge on his contact and mobile",
			specs: []spec{
				spec{kind: record.Company, name: "杭州华信科技有限公司", key: "华信科技", contact: "周建军", mobile: "+8613812340002", address: "文三路100号", tag: "a1"}.at(4),
				spec{kind: record.Company, name: "杭州宏达机械有限公司", key: "宏达机械", contact: "周建军", mobile: "+8613812340002", address: "古墩路8号", tag: "a2"}.at(4),
				spec{kind: record.Company, name: "杭州绿源食品有限公司", key: "绿源食品", contact: "周建军", mobile: "+8613812340002", city: "杭州市", province: "浙江省", address: "莫干山路77号", tag: "a3"},
			},
			apart:  pairsOf(3),
			number: "+8613812340002", class: NumberShared, why: WhyAgent,
		},
		{
			name: "a sales rep's number typed for his customers is nobody's: a duplicate still merges",
			specs: []spec{
				spec{name: "刘洋", mobile: "+8613700001111", owner: "王经理", address: "建国路1号", tag: "r1"}.at(0),
				spec{name: "孙丽", mobile: "+8613700001111", owner: "王经理", address: "中山路2号", tag: "r2"}.at(1),
				spec{name: "郑浩", mobile: "+8613700001111", owner: "王经理", address: "天河路3号", tag: "r3"}.at(2),
				spec{name: "吴敏", mobile: "+8613700001111", owner: "王经理", address: "南山路4号", tag: "r4"}.at(3),
				// 刘洋 again, with his own mobile: the rep's number must not
				// count as a mobile disagreeing.
				spec{name: "刘洋", mobile: "+8615811112222", address: "建国路1号", tag: "r1b"}.at(0),
			},
			together: [][2]int{{0, 4}},
			apart:    [][2]int{{0, 1}, {1, 2}, {2, 3}, {0, 3}},
			number:   "+8613700001111", class: NumberNotOwn, why: WhyRep,
		},
		{
			name: "a number written as an owner's phone anywhere is nobody's own",
			specs: []spec{
				spec{name: "邓超", mobile: "+8613700003333", address: "光华路7号", tag: "w1"}.at(0),
				spec{name: "邓超", mobile: "+8615900001234", address: "光华路7号", tag: "w2"}.at(0),
				{name: "宋佳", ownerPhones: "+8613700003333", tag: "w3"},
			},
			together: [][2]int{{0, 1}},
			number:   "+8613700003333", class: NumberNotOwn, why: WhyRep,
		},
		{
			name: "a listed sample number is no evidence",
			specs: []spec{
				spec{name: "赵磊", mobile: "+8613800138000", tag: "l1"}.at(0),
				spec{name: "赵磊", mobile: "+8613800138000", tag: "l2"}.at(5),
			},
			opt:    Options{NotOwnNumbers: []string{"+8613800138000"}},
			apart:  [][2]int{{0, 1}},
			number: "+8613800138000", class: NumberNotOwn, why: WhyListed,
		},
		{
			name: "a lucky number carried only by its owner stays his",
			specs: []spec{
				spec{name: "黄志强", mobile: "+8618888888888", tag: "o1"}.at(3),
				spec{name: "黄志强", mobile: "+8618888888888", address: "科技园1号", tag: "o2"}.at(3),
			},
			together: [][2]int{{0, 1}},
		},
		{
			name: "filler typed for unrelated customers",
			specs: []spec{
				spec{name: "钱进", mobile: "+8618888888888", address: "和平里9号", tag: "x1"}.at(0),
				spec{name: "冯佳", mobile: "+8618888888888", tag: "x2"}.at(1),
				spec{name: "蒋涛", mobile: "+8618888888888", tag: "x3"}.at(2),
				spec{name: "钱进", mobile: "+8613611112222", address: "和平里9号", tag: "x1b"}.at(0),
			},
			together: [][2]int{{0, 3}},
			apart:    [][2]int{{0, 1}, {1, 2}},
			number:   "+8618888888888", class: NumberNotOwn, why: WhyFiller,
		},
		{
			name: "a lucky number typed for two unrelated customers is a filler",
			specs: []spec{
				spec{name: "钱进", mobile: "+8613688888888", tag: "z1"}.at(0),
				spec{name: "冯佳", mobile: "+8613688888888", tag: "z2"}.at(1),
			},
			apart:  [][2]int{{0, 1}},
			number: "+8613688888888", class: NumberNotOwn, why: WhyFiller,
		},
		{
			name: "a title-only name is a variant when the number is his alone",
			specs: []spec{
				spec{name: "陈思佳", mobile: "+8613912340003", address: addr, tag: "t1"}.at(4),
				spec{name: "陈先生", mobile: "+8613912340003", address: addr, tag: "t2"}.at(4),
			},
			together: [][2]int{{0, 1}},
		},
		{
			name: "a title-only name with two persons of its surname on the number",
			specs: []spec{
				spec{name: "陈思佳", mobile: home, address: addr, tag: "u1"}.at(4),
				spec{name: "陈建国", mobile: home, address: addr, tag: "u2"}.at(4),
				spec{name: "陈先生", mobile: home, address: addr, tag: "u3"}.at(4),
			},
			apart:  pairsOf(3),
			number: home, class: NumberShared, why: WhyHousehold,
		},
		{
			name: "a group, no contact named, and a company of it on the group's switchboard: two customers, out of review",
			specs: []spec{
				spec{kind: record.Company, name: "大连昌顺集团有限公司", key: "昌顺", line: board, address: tower, tag: "g1"}.at(5),
				spec{kind: record.Company, name: "大连昌顺食品有限公司", key: "昌顺食品", contact: "李海辉", line: board, address: tower, tag: "g2"}.at(5),
			},
			apart:  [][2]int{{0, 1}},
			number: board, class: NumberShared, why: WhyGroup,
		},
		{
			name: "a group written short and a company of it, each with its own contact on the switchboard",
			specs: []spec{
				spec{kind: record.Company, name: "大连昌顺", key: "昌顺", contact: "王霞英", line: board, address: tower, tag: "h1"}.at(5),
				spec{kind: record.Company, name: "大连昌顺食品有限公司", key: "昌顺食品", contact: "李海辉", line: board, address: tower, tag: "h2"}.at(5),
			},
			apart:  [][2]int{{0, 1}},
			number: board, class: NumberShared, why: WhyGroup,
		},
		{
			name: "a company written without its trade word, one contact: one customer on its own number",
			specs: []spec{
				spec{kind: record.Company, name: "大连华信有限公司", key: "华信", contact: "周建军", line: board, address: tower, tag: "i1"}.at(5),
				spec{kind: record.Company, name: "大连华信科技有限公司", key: "华信科技", contact: "周建军", line: board, address: tower, tag: "i2"}.at(5),
			},
			together: [][2]int{{0, 1}},
		},
		{
			name: "companies of a group one character apart on its switchboard: two customers, out of review",
			specs: []spec{
				spec{kind: record.Company, name: "济南腾银电子有限公司", key: "腾银电子", contact: "孙杰", line: board, address: tower, tag: "j1"}.at(5),
				spec{kind: record.Company, name: "济南腾银电气有限公司", key: "腾银电气", contact: "王轩娜", line: board, address: tower, tag: "j2"}.at(5),
				spec{kind: record.Company, name: "济南腾银物流有限公司", key: "腾银物流", contact: "赵敏", line: board, address: tower, tag: "j3"}.at(5),
			},
			apart:  pairsOf(3),
			number: board, class: NumberShared, why: WhyGroup,
		},
		{
			name: "a company's name mistyped by one character on its agent's mobile: one customer",
			specs: []spec{
				spec{kind: record.Company, name: "武汉海科建材有限公司", key: "海科建材", contact: "袁伟明", mobile: "+8613344220012", address: "江汉路8号", tag: "k1"}.at(7),
				spec{kind: record.Company, name: "武汉凯科建材有限公司", key: "凯科建材", contact: "袁伟明", mobile: "+8613344220012", tag: "k2"}.at(7),
				spec{kind: record.Company, name: "武汉宏达机械有限公司", key: "宏达机械", contact: "袁伟明", mobile: "+8613344220012", address: "解放大道99号", tag: "k3"}.at(7),
				spec{kind: record.Company, name: "武汉绿源食品有限公司", key: "绿源食品", contact: "袁伟明", mobile: "+8613344220012", address: "中山大道1号", tag: "k4"}.at(7),
			},
			together: [][2]int{{0, 1}},
			apart:    [][2]int{{0, 2}, {0, 3}, {2, 3}},
			number:   "+8613344220012", class: NumberShared, why: WhyAgent,
		},
		{
			name: "two unrelated customers sharing a number: shared, not merged",
			specs: []spec{
				spec{name: "何静", mobile: "+8613912340004", tag: "c1"}.at(6),
				spec{name: "林峰", mobile: "+8613912340004", tag: "c2"}.at(6),
			},
			apart:  [][2]int{{0, 1}},
			number: "+8613912340004", class: NumberShared, why: WhyCustomers,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := matchAll(t, tc.opt, tc.specs...)
			for _, p := range tc.together {
				if !together(res, p[0], p[1]) {
					t.Errorf("%s and %s not merged", tc.specs[p[0]].tag, tc.specs[p[1]].tag)
				}
			}
			for _, p := range tc.apart {
				if together(res, p[0], p[1]) {
					t.Errorf("%s and %s merged", tc.specs[p[0]].tag, tc.specs[p[1]].tag)
				}
			}
			for _, p := range pairsOf(len(tc.specs)) {
				if inReview(res, p[0], p[1]) && !slices.Contains(tc.reviewed, p) {
					t.Errorf("%s and %s sent to review", tc.specs[p[0]].tag, tc.specs[p[1]].tag)
				}
			}
			if tc.number == "" {
				for _, u := range res.Numbers {
					if int(u.Records[0]) < len(tc.specs) {
						t.Errorf("number %s judged %s (%s), want its owner's own", u.Number, u.Class, u.Why)
					}
				}
				return
			}
			u := numberUse(res, tc.number)
			if u == nil {
				t.Fatalf("number %s not judged; judged: %+v", tc.number, res.Numbers)
			}
			if u.Class != tc.class || u.Why != tc.why {
				t.Errorf("number %s judged %s (%s), want %s (%s)", tc.number, u.Class, u.Why, tc.class, tc.why)
			}
		})
	}
}

func TestLucky(t *testing.T) {
	for n, want := range map[string]bool{"+8618888888888": true, "+8613900000000": true, "+8613812345678": true,
		"+8613987654321": true, "+8613812345670": false, "+8613800138000": false, "+8615811112222": false, "": false} {
		if got := lucky(n); got != want {
			t.Errorf("lucky(%q) = %v, want %v", n, got, want)
		}
	}
}

func TestMissingIsNotDisagreement(t *testing.T) {
	tests := []struct {
		name string
		a, b spec
		want string
	}{
		{"same name and mobile, no address on one row",
			spec{name: "王芳", mobile: "+8613612345678", address: "人民路5号", tag: "a"}.at(2),
			spec{name: "王芳", mobile: "+8613612345678", tag: "b"}, "merge"},
		{"same name and full address, no mobile on one row",
			spec{name: "王芳", mobile: "+8613612345678", address: "人民路5号3栋101", tag: "a"}.at(2),
			spec{name: "王芳", address: "人民路5号3栋101", tag: "b"}.at(2), "merge"},
		{"same name and full address, different mobiles",
			spec{name: "王芳", mobile: "+8613612345678", address: "人民路5号3栋101", tag: "a"}.at(2),
			spec{name: "王芳", mobile: "+8613712345679", address: "人民路5号3栋101", tag: "b"}.at(2), "apart"},
		{"a mobile written one digit short",
			spec{name: "李建华", mobile: "+8613612345678", tag: "a"}.at(2),
			spec{name: "李建华", short: "1361245678", tag: "b"}.at(2), "merge"},
		{"a romanized name with the same mobile",
			spec{name: "陈思佳", mobile: "+8613612340001", tag: "a"}.at(1),
			spec{name: "CHEN SIJIA", mobile: "+8613612340001", tag: "b"}, "merge"},
		{"a romanized name in western order",
			spec{name: "陈思佳", mobile: "+8613612340001", tag: "a"}.at(1),
			spec{name: "Sijia Chen", mobile: "+8613612340001", tag: "b"}, "merge"},
	}
	// The common name 王芳 is carried by several other customers.
	var common []spec
	for i := range 6 {
		common = append(common, spec{name: "王芳", mobile: fmt.Sprintf("+861500000%04d", i), tag: fmt.Sprintf("wf%d", i)}.at(i%len(places)))
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, p := bandOf(t, tc.a, tc.b, common...)
			if got != tc.want {
				t.Errorf("%s, want %s; %s", got, tc.want, describe(p))
			}
		})
	}
}

// TestNumberJudgedAnewReopens checks that an earlier customer whose merge
// rested on a number is matched again when new rows show the number to
// be a sales rep's, and that it is left alone when the number's
// judgement does not change.
func TestNumberJudgedAnewReopens(t *testing.T) {
	const rep = "+8613700002222"
	company := func(name, key, tag string, place int) spec {
		return spec{kind: record.Company, name: name, key: key, contact: "", mobile: rep, owner: "王经理", tag: tag}.at(place)
	}
	old := []spec{
		company("华信科技有限公司", "华信科技", "o1", 0),
		company("华信电子有限公司", "华信电子", "o2", 0),
	}
	fresh := []spec{
		company("宏达机械有限公司", "宏达机械", "n1", 1),
		company("绿源食品有限公司", "绿源食品", "n2", 2),
		company("远航物流有限公司", "远航物流", "n3", 3),
	}
	var recs []*record.Record
	for _, s := range append(append([]spec(nil), old...), fresh...) {
		recs = append(recs, s.record())
	}
	recs = append(recs, filler(40)...)
	existing := make([]string, len(recs))
	existing[0], existing[1] = "C1", "C1" // an earlier run merged them on the number
	opt := Options{Namer: fakeNamer{}, FreeDomains: freeDomains, Existing: existing}
	res, err := Match(context.Background(), recs, opt)
	if err != nil {
		t.Fatal(err)
	}
	if u := numberUse(res, rep); u == nil || u.Class != NumberNotOwn {
		t.Fatalf("number %s judged %+v, want not own", rep, u)
	}
	if !slices.Equal(res.Reopened, []string{"C1"}) {
		t.Errorf("reopened %v, want [C1]", res.Reopened)
	}
	if together(res, 0, 1) {
		t.Errorf("华信科技 and 华信电子 still merged on a rep's number")
	}

	opt.PriorNumbers = res.Numbers
	again, err := Match(context.Background(), recs, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Reopened) != 0 {
		t.Errorf("reopened %v with the number judged as before, want none", again.Reopened)
	}
}

func TestPattern(t *testing.T) {
	res := matchAll(t, Options{},
		spec{name: "王芳", mobile: "+8613612345678", address: "人民路5号3栋101", tag: "a"}.at(2),
		spec{name: "王芳", address: "人民路5号3栋101", email: "wf@qq.com", tag: "b"}.at(2))
	var p *Pair
	for i := range res.Links {
		if min(res.Links[i].A, res.Links[i].B) == 0 && max(res.Links[i].A, res.Links[i].B) == 1 {
			p = &res.Links[i]
		}
	}
	if p == nil {
		t.Fatal("not merged")
	}
	if want := "person·name=·mobile∅·address="; p.Pattern != want {
		t.Errorf("pattern %q, want %q", p.Pattern, want)
	}
	kind, parts, ok := ParsePattern(p.Pattern)
	if !ok || kind != "person" || len(parts) != 3 || parts[1] != (PatternPart{"mobile", "missing"}) {
		t.Errorf("ParsePattern(%q) = %q, %v, %v", p.Pattern, kind, parts, ok)
	}
	for _, bad := range []string{"", "person", "robot·name=", "person·name?"} {
		if _, _, ok := ParsePattern(bad); ok {
			t.Errorf("ParsePattern(%q) accepted", bad)
		}
	}
}

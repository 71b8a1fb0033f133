package address

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

type want struct {
	p, c, d, detail, adcode string
	rules                   []string // expected issue rules, in order
}

var resolveCases = []struct {
	name string
	in   Input
	want want
}{
	// One address column, full and short names, separators.
	{"full names", Input{Address: "浙江省杭州市西湖区文三路90号"}, want{"浙江省", "杭州市", "西湖区", "文三路90号", "330106", nil}},
	{"short names", Input{Address: "浙江杭州西湖区文三路90号"}, want{"浙江省", "杭州市", "西湖区", "文三路90号", "330106", nil}},
	{"spaces between levels and in detail", Input{Address: "浙江 杭州 西湖区 文三路 90 号"}, want{"浙江省", "杭州市", "西湖区", "文三路90号", "330106", nil}},
	{"commas between levels", Input{Address: "浙江省，杭州市，西湖区，文三路90号"}, want{"浙江省", "杭州市", "西湖区", "文三路90号", "330106", nil}},
	{"country prefix skipped", Input{Address: "中国浙江省杭州市西湖区文三路90号"}, want{"浙江省", "杭州市", "西湖区", "文三路90号", "330106", nil}},
	{"spaces inside names", Input{Address: "浙 江省杭州 市西湖区学院路1号"}, want{"浙江省", "杭州市", "西湖区", "学院路1号", "330106", nil}},
	{"full-width detail folded", Input{Address: "浙江省杭州市西湖区文三路９０号　Ａ座"}, want{"浙江省", "杭州市", "西湖区", "文三路90号A座", "330106", nil}},
	{"space between latin words kept", Input{Address: "浙江省杭州市西湖区文三路90号 Room 5"}, want{"浙江省", "杭州市", "西湖区", "文三路90号Room 5", "330106", nil}},
	{"no region at all", Input{Address: "文三路90号"}, want{"", "", "", "文三路90号", "", nil}},
	{"empty input", Input{}, want{"", "", "", "", "", nil}},

	// Short forms must not eat into street names.
	{"street named like district", Input{Address: "杭州市西湖路1号"}, want{"浙江省", "杭州市", "", "西湖路1号", "330100", nil}},
	{"street named like district across a space", Input{Address: "杭州市西湖 路1号"}, want{"浙江省", "杭州市", "", "西湖路1号", "330100", nil}},
	{"short district after city", Input{Address: "杭州西湖文三路"}, want{"浙江省", "杭州市", "西湖区", "文三路", "330106", nil}},
	{"short district without context stays detail", Input{Address: "西湖文三路"}, want{"", "", "", "西湖文三路", "", nil}},
	{"road named after another city", Input{Address: "上海市北京东路100号"}, want{"上海市", "上海市", "", "北京东路100号", "310000", nil}},
	{"road named after a city alone", Input{Address: "中山路100号"}, want{"", "", "", "中山路100号", "", nil}},
	{"place named after a city", Input{Address: "广州市广州大道中1号"}, want{"广东省", "广州市", "", "广州大道中1号", "440100", nil}},
	{"generic district name needs its city", Input{Address: "东区大道1号"}, want{"", "", "", "东区大道1号", "", nil}},
	{"generic district name under its city", Input{Address: "四川省攀枝花市东区炳草岗1号"}, want{"四川省", "攀枝花市", "东区", "炳草岗1号", "510402", nil}},
	{"two-character county", Input{Address: "山西省阳泉市盂县秀水路1号"}, want{"山西省", "阳泉市", "盂县", "秀水路1号", "140322", nil}},
	{"short district set apart before a place", Input{Address: "陕西 西安 新城 广场街1号"}, want{"陕西省", "西安市", "新城区", "广场街1号", "610102", nil}},
	{"spaced short names split", Input{Address: "山东 青岛 市南 香港中路1号"}, want{"山东省", "青岛市", "市南区", "香港中路1号", "370202", nil}},

	// Missing levels inferred when unambiguous.
	{"province from city", Input{Address: "杭州市上城区解放路1号"}, want{"浙江省", "杭州市", "上城区", "解放路1号", "330102", nil}},
	{"city and province from unique district", Input{Address: "义乌市稠州北路1号"}, want{"浙江省", "金华市", "义乌市", "稠州北路1号", "330782", []string{RuleInferred}}},
	{"municipality from unique district", Input{Address: "海淀区中关村大街1号"}, want{"北京市", "北京市", "海淀区", "中关村大街1号", "110108", []string{RuleInferred}}},
	{"short county-level name ending in 港 alone before a town", Input{Address: "张家港杨舍镇人民路1号"}, want{"江苏省", "苏州市", "张家港市", "杨舍镇人民路1号", "320582", []string{RuleInferred}}},
	{"short district name ending in 桥 alone before a street", Input{Address: "柯桥华舍街道1号"}, want{"浙江省", "绍兴市", "柯桥区", "华舍街道1号", "330603", []string{RuleInferred}}},
	{"province-level short then county", Input{Address: "新疆和田洛浦县团结路1号"}, want{"新疆维吾尔自治区", "和田地区", "洛浦县", "团结路1号", "653224", nil}},
	{"county named like its city", Input{Address: "湖南 湘潭 湘潭 建设路1号"}, want{"湖南省", "湘潭市", "湘潭县", "建设路1号", "430321", nil}},
	{"province or city of one name", Input{Address: "吉林"}, want{"吉林省", "", "", "", "220000", nil}},
	{"province then city of one name", Input{Address: "吉林吉林市船营区"}, want{"吉林省", "吉林市", "船营区", "", "220204", nil}},

	// Ambiguous district names: other context or nothing, never a guess.
	{"ambiguous district alone", Input{Address: "朝阳区建国路88号"}, want{"", "", "", "朝阳区建国路88号", "", []string{RuleAmbiguous}}},
	{"ambiguous district resolved by municipality", Input{Address: "北京朝阳区建国路88号"}, want{"北京市", "北京市", "朝阳区", "建国路88号", "110105", nil}},
	{"ambiguous district resolved by city", Input{Address: "长春市朝阳区西安大路1号"}, want{"吉林省", "长春市", "朝阳区", "西安大路1号", "220104", nil}},
	{"ambiguous district within one province", Input{Address: "江苏鼓楼区中山路1号"}, want{"江苏省", "", "", "鼓楼区中山路1号", "320000", []string{RuleAmbiguous}}},
	{"ambiguous district resolved by city 2", Input{Address: "南京市鼓楼区中山路1号"}, want{"江苏省", "南京市", "鼓楼区", "中山路1号", "320106", nil}},
	{"ambiguous district in a column", Input{District: "鼓楼区", Address: "中山路1号"}, want{"", "", "", "中山路1号", "", []string{RuleAmbiguous}}},
	{"province column short name that is also a district", Input{Province: "河北", Address: "中山路1号"}, want{"河北省", "", "", "中山路1号", "130000", nil}},
	{"city column name that is also a province", Input{City: "吉林", Address: "解放路1号"}, want{"吉林省", "吉林市", "", "解放路1号", "220200", nil}},
	{"province name in the city column", Input{City: "浙江"}, want{"浙江省", "", "", "", "330000", nil}},
	{"column leftovers kept apart", Input{Province: "海", District: "宁"}, want{"", "", "", "海,宁", "", nil}},

	// Municipalities and flattened statistical levels.
	{"municipality short", Input{Address: "上海浦东新区世纪大道100号"}, want{"上海市", "上海市", "浦东新区", "世纪大道100号", "310115", nil}},
	{"municipality repeated as city", Input{Address: "北京市北京市东城区东长安街1号"}, want{"北京市", "北京市", "东城区", "东长安街1号", "110101", nil}},
	{"municipality 市辖区 level", Input{Address: "北京市市辖区东城区东长安街1号"}, want{"北京市", "北京市", "东城区", "东长安街1号", "110101", nil}},
	{"chongqing county", Input{Address: "重庆市城口县葛城街道1号"}, want{"重庆市", "重庆市", "城口县", "葛城街道1号", "500229", nil}},
	{"municipality only", Input{Address: "天津"}, want{"天津市", "天津市", "", "", "120000", nil}},

	// County-level cities and cities without districts.
	{"county-level city", Input{Address: "河南省郑州市新密市青屏大街1号"}, want{"河南省", "郑州市", "新密市", "青屏大街1号", "410183", nil}},
	{"city without districts", Input{Address: "广东省东莞市长安镇振安路1号"}, want{"广东省", "东莞市", "", "长安镇振安路1号", "441900", nil}},
	{"city without districts then a district name", Input{Address: "广东省中山市东区中山路1号"}, want{"广东省", "中山市", "", "东区中山路1号", "442000", nil}},
	{"danzhou", Input{Address: "海南省儋州市那大镇1号"}, want{"海南省", "儋州市", "", "那大镇1号", "460400", nil}},
	{"jiayuguan", Input{Address: "甘肃嘉峪关市新华路1号"}, want{"甘肃省", "嘉峪关市", "", "新华路1号", "620200", nil}},
	{"province-administered county city", Input{Address: "湖北省仙桃市沔阳大道1号"}, want{"湖北省", "仙桃市", "", "沔阳大道1号", "429004", nil}},

	// Autonomous regions, prefectures, Hong Kong, Macao, Taiwan.
	{"inner mongolia short", Input{Address: "内蒙古呼和浩特市新城区中山路1号"}, want{"内蒙古自治区", "呼和浩特市", "新城区", "中山路1号", "150102", nil}},
	{"guangxi short", Input{Address: "广西南宁市青秀区民族大道1号"}, want{"广西壮族自治区", "南宁市", "青秀区", "民族大道1号", "450103", nil}},
	{"ningxia short", Input{Address: "宁夏银川市兴庆区解放东街1号"}, want{"宁夏回族自治区", "银川市", "兴庆区", "解放东街1号", "640104", nil}},
	{"tibet short", Input{Address: "西藏拉萨市城关区北京中路1号"}, want{"西藏自治区", "拉萨市", "城关区", "北京中路1号", "540102", nil}},
	{"autonomous prefecture", Input{Address: "湖北恩施市舞阳大街1号"}, want{"湖北省", "恩施土家族苗族自治州", "恩施市", "舞阳大街1号", "422801", []string{RuleInferred}}},
	{"autonomous prefecture short", Input{Address: "吉林延边延吉市光明街1号"}, want{"吉林省", "延边朝鲜族自治州", "延吉市", "光明街1号", "222401", nil}},
	{"hong kong", Input{Address: "香港九龙城区太子道1号"}, want{"香港特别行政区", "香港特别行政区", "九龙城区", "太子道1号", "810000", nil}},
	{"macao", Input{Address: "澳门花地玛堂区黑沙环1号"}, want{"澳门特别行政区", "澳门特别行政区", "花地玛堂区", "黑沙环1号", "820000", nil}},
	{"taiwan", Input{Address: "台湾省台北市信义区市府路1号"}, want{"台湾省", "台北市", "信义区", "市府路1号", "710000", nil}},

	// Renamed and merged divisions.
	{"renamed city", Input{Address: "湖北省襄樊市樊城区人民路1号"}, want{"湖北省", "襄阳市", "樊城区", "人民路1号", "420606", []string{RuleRenamed}}},
	{"merged district", Input{Address: "上海市闸北区天目中路1号"}, want{"上海市", "上海市", "静安区", "天目中路1号", "310106", []string{RuleRenamed}}},
	{"former prefecture now a county-level city", Input{Address: "安徽省巢湖市健康路1号"}, want{"安徽省", "合肥市", "巢湖市", "健康路1号", "340181", []string{RuleInferred}}},

	// One-character typos.
	{"typo in city", Input{Address: "浙江省杭洲市西湖区文三路1号"}, want{"浙江省", "杭州市", "西湖区", "文三路1号", "330106", []string{RuleTypoFixed}}},
	{"typo in district", Input{Address: "杭州市西胡区文三路1号"}, want{"浙江省", "杭州市", "西湖区", "文三路1号", "330106", []string{RuleTypoFixed}}},
	{"typo in province", Input{Address: "浙将省杭州市西湖区文三路1号"}, want{"浙江省", "杭州市", "西湖区", "文三路1号", "330106", []string{RuleTypoFixed}}},
	{"typo with two close names not fixed", Input{Address: "北京市南城区前门大街1号"}, want{"北京市", "北京市", "", "南城区前门大街1号", "110000", nil}},
	{"real name of another division not fixed", Input{Address: "广西贵港市屏南县人民路1号"}, want{"广西壮族自治区", "贵港市", "", "屏南县人民路1号", "450800", []string{RuleConflict}}},
	{"wrong suffix not fixed", Input{Address: "杭州市西湖镇1号"}, want{"浙江省", "杭州市", "", "西湖镇1号", "330100", nil}},

	// Split columns, alone or with the address column.
	{"columns only", Input{Province: "浙江省", City: "杭州市", District: "西湖区"}, want{"浙江省", "杭州市", "西湖区", "", "330106", nil}},
	{"columns short", Input{Province: "浙江", City: "杭州", District: "西湖"}, want{"浙江省", "杭州市", "西湖区", "", "330106", nil}},
	{"district column alone", Input{District: "义乌"}, want{"浙江省", "金华市", "义乌市", "", "330782", []string{RuleInferred}}},
	{"columns then street", Input{Province: "浙江", City: "杭州", Address: "西湖区文三路90号"}, want{"浙江省", "杭州市", "西湖区", "文三路90号", "330106", nil}},
	{"columns give context to short district", Input{City: "杭州", Address: "西湖文三路"}, want{"浙江省", "杭州市", "西湖区", "文三路", "330106", nil}},
	{"columns repeat the address", Input{Province: "浙江省", City: "杭州市", District: "西湖区", Address: "浙江省杭州市西湖区文三路90号"}, want{"浙江省", "杭州市", "西湖区", "文三路90号", "330106", nil}},
	{"columns disambiguate district", Input{Province: "北京", Address: "朝阳区建国路88号"}, want{"北京市", "北京市", "朝阳区", "建国路88号", "110105", nil}},
	{"city and district columns", Input{City: "长春市", District: "朝阳区"}, want{"吉林省", "长春市", "朝阳区", "", "220104", nil}},
	{"filler in city column", Input{Province: "上海市", City: "市辖区", District: "长宁区", Address: "延安西路1号"}, want{"上海市", "上海市", "长宁区", "延安西路1号", "310105", nil}},
	{"typo in district column", Input{Province: "浙江", City: "杭州", District: "西胡区"}, want{"浙江省", "杭州市", "西湖区", "", "330106", []string{RuleTypoFixed}}},

	// Contradictions.
	{"text more specific than conflicting columns", Input{Province: "浙江", City: "杭州", Address: "江苏省南京市鼓楼区中山路1号"}, want{"江苏省", "南京市", "鼓楼区", "中山路1号", "320106", []string{RuleConflict}}},
	{"columns more specific than conflicting text", Input{Province: "浙江省", City: "杭州市", District: "西湖区", Address: "江苏省中山路1号"}, want{"浙江省", "杭州市", "西湖区", "江苏省中山路1号", "330106", []string{RuleConflict}}},
	{"text contradicts itself", Input{Address: "浙江省南京市鼓楼区中山路1号"}, want{"浙江省", "", "", "南京市鼓楼区中山路1号", "330000", []string{RuleConflict}}},
	{"columns contradict each other", Input{Province: "浙江省", City: "南京市"}, want{"浙江省", "", "", "南京市", "330000", []string{RuleConflict}}},
}

func format(r Result) string { return r.Province + r.City + r.District + r.Detail }

func TestResolve(t *testing.T) {
	if len(resolveCases) < 50 {
		t.Fatalf("only %d cases", len(resolveCases))
	}
	for _, tc := range resolveCases {
		t.Run(tc.name, func(t *testing.T) {
			got := Resolve(tc.in)
			g := want{got.Province, got.City, got.District, got.Detail, got.Adcode, rulesOf(got)}
			if fmt.Sprint(g) != fmt.Sprint(tc.want) {
				t.Errorf("Resolve(%+v)\n got %q\nwant %q\nissues: %+v", tc.in, g, tc.want, got.Issues)
			}
			for _, is := range got.Issues {
				if is.Col != -1 || is.Text("en") == "" || is.Value == "" || is.Severity == "" {
					t.Errorf("incomplete issue %+v", is)
				}
				if (is.Rule == RuleTypoFixed || is.Rule == RuleRenamed) && is.Fix == "" {
					t.Errorf("issue %s without Fix", is.Rule)
				}
			}
			again := Resolve(Input{Address: format(got)})
			if again.Province != got.Province || again.City != got.City || again.District != got.District ||
				again.Detail != got.Detail || again.Adcode != got.Adcode {
				t.Errorf("not idempotent: Resolve(%q) = %+v, first %+v", format(got), again, got)
			}
		})
	}
}

func rulesOf(r Result) []string {
	var out []string
	for _, is := range r.Issues {
		out = append(out, is.Rule)
	}
	return out
}

// TestResolveGolden pins the full results, issue messages included, of the
// addresses in testdata/addresses.txt (one a line; "省|市|区|地址" for split
// columns). Run with -update to rewrite testdata/resolve.golden.
func TestResolveGolden(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "addresses.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimSpace(string(src)), "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		in := Input{Address: line}
		if f := strings.Split(line, "|"); len(f) == 4 {
			in = Input{Province: f[0], City: f[1], District: f[2], Address: f[3]}
		}
		r := Resolve(in)
		fmt.Fprintf(&b, "%s\n\t%s / %s / %s / %s [%s]\n", line, r.Province, r.City, r.District, r.Detail, r.Adcode)
		for _, is := range r.Issues {
			fmt.Fprintf(&b, "\t%s %s value=%q fix=%q: %s\n", is.Severity, is.Rule, is.Value, is.Fix, is.Text("en"))
		}
	}
	golden := filepath.Join("testdata", "resolve.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if b.String() != string(want) {
		t.Errorf("results differ from %s (run go test -update and review the diff):\n%s", golden, b.String())
	}
}

func TestShorten(t *testing.T) {
	for _, tc := range []struct {
		name  string
		level int
		want  string
	}{
		{"浙江省", levelProvince, "浙江"},
		{"内蒙古自治区", levelProvince, "内蒙古"},
		{"广西壮族自治区", levelProvince, "广西"},
		{"新疆维吾尔自治区", levelProvince, "新疆"},
		{"宁夏回族自治区", levelProvince, "宁夏"},
		{"香港特别行政区", levelProvince, "香港"},
		{"北京市", levelProvince, "北京"},
		{"杭州市", levelCity, "杭州"},
		{"恩施土家族苗族自治州", levelCity, "恩施"},
		{"大兴安岭地区", levelCity, "大兴安岭"},
		{"锡林郭勒盟", levelCity, "锡林郭勒"},
		{"西湖区", levelDistrict, "西湖"},
		{"浦东新区", levelDistrict, "浦东"},
		{"和布克赛尔蒙古自治县", levelDistrict, "和布克赛尔"},
		{"双江拉祜族佤族布朗族傣族自治县", levelDistrict, "双江"},
		{"城区", levelDistrict, "城区"},
		{"盂县", levelDistrict, "盂县"},
	} {
		if got := shorten(tc.name, tc.level); got != tc.want {
			t.Errorf("shorten(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestData(t *testing.T) {
	count := map[int]int{}
	var walk func(d *division)
	walk = func(d *division) {
		for _, k := range d.kids {
			count[k.level]++
			if k.code != "" && (len(k.code) != 6 || strings.Trim(k.code, "0123456789") != "") {
				t.Errorf("%s: bad code %q", k.name, k.code)
			}
			if k.level == levelDistrict && k.name == k.parent.name {
				t.Errorf("%s repeats its city", k.name)
			}
			walk(k)
		}
	}
	walk(idx.root)
	// 31 mainland provinces + Taiwan, Hong Kong, Macao; about 2,850
	// county-level divisions in the mainland.
	if count[levelProvince] != 34 || count[levelCity] < 330 || count[levelDistrict] < 2800 {
		t.Errorf("unexpected division counts %v", count)
	}
	for name, cands := range idx.names {
		if len(cands) > maxEnds {
			t.Errorf("%q has %d candidates, more than maxEnds", name, len(cands))
		}
		// hasOld looks at the last candidate only.
		for i, c := range cands {
			if !c.old && i > 0 && cands[i-1].old {
				t.Errorf("%q: a current candidate after a former one", name)
			}
		}
	}
	for _, name := range []string{"市辖区", "县", "省直辖县级行政区划"} {
		if _, ok := idx.names[name]; ok {
			t.Errorf("statistical level %q indexed as a division", name)
		}
	}
}

func TestBuildErrors(t *testing.T) {
	for _, tc := range []struct{ name, tsv, want string }{
		{"empty", "# nothing\n", "no divisions"},
		{"city first", "C\t330100\t杭州市\n", "line 1: city \"杭州市\" before any province"},
		{"district first", "P\t330000\t浙江省\nD\t330106\t西湖区\n", "line 2: district \"西湖区\" before any city"},
		{"bad level", "X\t1\tx\n", "line 1: unknown level \"X\""},
		{"short line", "P\t330000\n", "line 1: want 3 tab-separated fields"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := build(tc.tsv)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("build error %v, want %q", err, tc.want)
			}
		})
	}
}

func TestRegionNames(t *testing.T) {
	names := RegionNames()
	for _, n := range []string{"浙江省", "浙江", "杭州市", "杭州", "内蒙古", "北京市", "北京", "恩施", "香港"} {
		if !slices.Contains(names, n) {
			t.Errorf("RegionNames lacks %q", n)
		}
	}
	for _, n := range []string{"西湖区", "西湖", "义乌市", "市辖区"} {
		if slices.Contains(names, n) {
			t.Errorf("RegionNames has district-level %q", n)
		}
	}
	for i := 1; i < len(names); i++ {
		if utf8.RuneCountInString(names[i]) > utf8.RuneCountInString(names[i-1]) {
			t.Fatalf("not longest first: %q before %q", names[i-1], names[i])
		}
	}
	names[0] = "changed"
	if RegionNames()[0] == "changed" {
		t.Error("RegionNames returns shared storage")
	}
}

func TestProvinceOfCity(t *testing.T) {
	for _, tc := range []struct{ city, want string }{
		{"杭州", "浙江省"},
		{"杭州市", "浙江省"},
		{"北京", "北京市"},
		{"吉林市", "吉林省"},
		{"恩施", "湖北省"},
		{"仙桃市", "湖北省"},
		{"西湖区", ""},
		{"不存在", ""},
		{"", ""},
	} {
		if got := ProvinceOfCity(tc.city); got != tc.want {
			t.Errorf("ProvinceOfCity(%q) = %q, want %q", tc.city, got, tc.want)
		}
	}
}

func TestCleanDetail(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"文三路 90 号", "文三路90号"},
		{"，文三路90号。", "文三路90号"},
		{"Ａ座　５楼", "A座5楼"},
		{"Room  5 Block B", "Room 5 Block B"},
		{"- 文三路", "文三路"},
	} {
		got := cleanDetail(tc.in)
		if got != tc.want {
			t.Errorf("cleanDetail(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if again := cleanDetail(got); again != got {
			t.Errorf("cleanDetail not idempotent on %q: %q", got, again)
		}
	}
}

// TestRealAddresses checks testdata/real_addresses.tsv: addresses as people
// write them (labels, former names, typos, repeated prefixes, non-standard
// names, short county-level names, divisions starting with street words),
// each with its expected province, city, district, adcode, detail and
// issue rules.
func TestRealAddresses(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "real_addresses.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	rows := 0
	for i, line := range strings.Split(string(src), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 8 {
			t.Fatalf("real_addresses.tsv line %d: want 8 fields, got %d: %q", i+1, len(f), line)
		}
		rows++
		var rules []string
		if f[7] != "" {
			rules = strings.Split(f[7], ",")
		}
		w := want{f[2], f[3], f[4], f[6], f[5], rules}
		t.Run(f[0]+"/"+f[1], func(t *testing.T) {
			got := Resolve(Input{Address: f[1]})
			if g := (want{got.Province, got.City, got.District, got.Detail, got.Adcode, rulesOf(got)}); !sameWant(g, w) {
				t.Errorf("Resolve(%q)\n got  %s/%s/%s | %s [%s] %v\n want %s/%s/%s | %s [%s] %v", f[1],
					g.p, g.c, g.d, g.detail, g.adcode, g.rules, w.p, w.c, w.d, w.detail, w.adcode, w.rules)
			}
		})
	}
	if rows < 150 {
		t.Errorf("real_addresses.tsv has %d addresses, want at least 150", rows)
	}
}

func sameWant(a, b want) bool {
	return a.p == b.p && a.c == b.c && a.d == b.d && a.detail == b.detail && a.adcode == b.adcode && slices.Equal(a.rules, b.rules)
}

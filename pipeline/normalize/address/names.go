package address

import "strings"

// ethnicGroups are the names of China's ethnic groups as they appear in the
// names of autonomous divisions (恩施土家族苗族自治州), plus 各 (各族).
var ethnicGroups = strings.Fields(`蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲
高山 拉祜 水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒
乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺 各`)

// suffixes are the generic endings stripped to get a division's short name,
// by level, longest first.
var suffixes = [...][]string{
	levelProvince: {"特别行政区", "自治区", "省", "市"},
	levelCity:     {"自治州", "地区", "林区", "盟", "市"},
	levelDistrict: {"自治县", "自治旗", "新区", "林区", "特区", "区", "县", "市", "旗"},
}

// shorten returns the short name people write for a division: 浙江 for
// 浙江省, 恩施 for 恩施土家族苗族自治州, 义乌 for 义乌市. It returns name
// unchanged when no short form of at least two characters exists.
func shorten(name string, level int) string {
	if level < levelProvince || level > levelDistrict {
		return name
	}
	stem := name
	for _, suf := range suffixes[level] {
		if s, ok := strings.CutSuffix(stem, suf); ok {
			stem = s
			if strings.HasPrefix(suf, "自治") {
				stem = stripEthnic(stem)
			}
			break
		}
	}
	if len([]rune(stem)) < 2 {
		return name
	}
	return stem
}

// stripEthnic removes trailing ethnic-group names, with or without 族,
// keeping at least two characters: 恩施土家族苗族 → 恩施, 新疆维吾尔 → 新疆,
// 内蒙古 stays.
func stripEthnic(s string) string {
	for {
		rest := strings.TrimSuffix(s, "族")
		best := ""
		for _, g := range ethnicGroups {
			if strings.HasSuffix(rest, g) && len(g) > len(best) {
				best = g
			}
		}
		stem := strings.TrimSuffix(rest, best)
		if best == "" || len([]rune(stem)) < 2 {
			return s
		}
		s = stem
	}
}

// alias is a former division name that people still write.
type alias struct {
	old                      string // former full name
	province, city, district string // the division it became (full names)
}

// aliases lists a few well-known renames and mergers announced by the
// Ministry of Civil Affairs (民政部 行政区划变更), which the source data,
// a snapshot of current divisions, does not carry. Only changes where the
// whole former division went into one current division are listed: a former
// district split between several (杭州 江干区) cannot be mapped.
var aliases = []alias{
	{"襄樊市", "湖北省", "襄阳市", ""},     // 2010
	{"思茅市", "云南省", "普洱市", ""},     // 2007
	{"崇文区", "北京市", "北京市", "东城区"},  // 2010
	{"宣武区", "北京市", "北京市", "西城区"},  // 2010
	{"卢湾区", "上海市", "上海市", "黄浦区"},  // 2011
	{"闸北区", "上海市", "上海市", "静安区"},  // 2015
	{"南汇区", "上海市", "上海市", "浦东新区"}, // 2009
	{"塘沽区", "天津市", "天津市", "滨海新区"}, // 2009
	{"汉沽区", "天津市", "天津市", "滨海新区"}, // 2009
	{"大港区", "天津市", "天津市", "滨海新区"}, // 2009
	{"萝岗区", "广东省", "广州市", "黄埔区"},  // 2014
	{"白下区", "江苏省", "南京市", "秦淮区"},  // 2013
	{"下关区", "江苏省", "南京市", "鼓楼区"},  // 2013
	{"沧浪区", "江苏省", "苏州市", "姑苏区"},  // 2012
	{"平江区", "江苏省", "苏州市", "姑苏区"},  // 2012
	{"金阊区", "江苏省", "苏州市", "姑苏区"},  // 2012
	{"下城区", "浙江省", "杭州市", "拱墅区"},  // 2021
}

package address

import (
	"bufio"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

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

// abbreviations returns names people write for a division besides its
// full and short names: 广西省 for an autonomous region, 文山州 for an
// autonomous prefecture, and the usual contractions of banners and
// counties whose full names are long (察右中旗, 科左后旗, 阜蒙县).
func abbreviations(d *division) []string {
	switch {
	case d.level == levelProvince && strings.HasSuffix(d.name, "自治区"):
		return []string{shorten(d.name, levelProvince) + "省"}
	case d.level == levelCity && strings.HasSuffix(d.name, "自治州"):
		return []string{shorten(d.name, levelCity) + "州"}
	case d.level == levelDistrict:
		for _, a := range bannerContractions {
			if rest, ok := strings.CutPrefix(d.name, a[0]); ok {
				return []string{a[1] + rest}
			}
		}
	}
	return nil
}

// bannerContractions turn the long prefixes of banner and county names
// into the contraction in common use: 察哈尔右翼中旗 → 察右中旗.
var bannerContractions = [][2]string{
	{"察哈尔右翼", "察右"}, {"科尔沁右翼", "科右"}, {"科尔沁左翼", "科左"}, {"土默特", "土"},
	{"达尔罕茂明安联合旗", "达茂旗"}, {"阿拉善", "阿"}, {"阜新蒙古族自治县", "阜蒙县"},
	{"喀喇沁左翼蒙古族自治县", "喀左县"},
}

// addFormer indexes the former names of former.tsv (see gen/former): each
// as a candidate for the current division it became, or for each of them
// when it was split. A former name is left out where it is also the name
// of a current province or city (临汾市 was also a county-level city, now
// 尧都区) or of a current division of the same city, so that reading a
// current name never changes. Its short form (江干 for 江干区) is added
// unless it is a current division's full name.
func (ix *index) addFormer(tsv string) error {
	ix.current = map[string]bool{}
	upper := map[string]bool{} // current province and city names
	var walk func(d *division)
	walk = func(d *division) {
		for _, k := range d.kids {
			ix.current[k.name] = true
			if k.level < levelDistrict {
				upper[k.name] = true
			}
			walk(k)
		}
	}
	walk(ix.root)
	sc := bufio.NewScanner(strings.NewReader(tsv))
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if text == "" || text[0] == '#' {
			continue
		}
		f := strings.Split(text, "\t")
		if len(f) != 7 || f[0] != "C" && f[0] != "D" {
			return fmt.Errorf("former.tsv line %d: want level C or D and 7 fields, got %q", line, text)
		}
		level := levelCity
		if f[0] == "D" {
			level = levelDistrict
		}
		prov, parent, name := ix.find(f[2], "", ""), f[3], f[4]
		year, err := strconv.Atoi(f[5])
		if err != nil || prov == nil {
			return fmt.Errorf("former.tsv line %d: bad province or year in %q", line, text)
		}
		var targets []*division
		for _, code := range strings.Split(f[6], ";") {
			d := ix.byCode[code]
			if d == nil || !d.within(prov) {
				return fmt.Errorf("former.tsv line %d: %s is no division of %s", line, code, prov.name)
			}
			targets = append(targets, d)
		}
		generic := utf8.RuneCountInString(name) == 2 && strings.HasSuffix(name, "区")
		if upper[name] || level == levelCity && ix.current[name] || generic && len(targets) > 1 {
			continue
		}
		var via *division
		if level == levelDistrict {
			for _, k := range prov.kids {
				if k.name == parent || parent == "直辖" && k.name == prov.name {
					via = k
				}
			}
		}
		clash := false
		for _, t := range targets {
			for _, sib := range t.parent.kids {
				clash = clash || sib.name == name && sib != t
			}
			if via != nil {
				for _, sib := range via.kids {
					clash = clash || sib.name == name
				}
			}
		}
		if clash {
			continue
		}
		short := shorten(name, level)
		for _, t := range targets {
			c := candidate{div: t, old: true, year: int16(year), split: len(targets) > 1, generic: generic}
			if via != nil && via != t.parent {
				c.via = via
			}
			ix.add(name, c)
			if short != name && !ix.current[short] && !generic && !strings.ContainsRune("市城郊矿", []rune(short)[0]) {
				c.short = true
				ix.add(short, c)
			}
		}
	}
	return sc.Err()
}

package address

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// RegionNames returns the full and short names of the provinces and
// prefecture-level cities (浙江省, 浙江, 杭州市, 杭州, …), longest first so
// that a caller stripping them from a company name removes 杭州市 before
// 杭州. The slice is a copy.
func RegionNames() []string {
	return append([]string(nil), idx.regions...)
}

// ProvinceOfCity returns the province of a prefecture-level city given by
// its full or short name (杭州 → 浙江省; 北京 → 北京市), or "" when the name
// is no such city or names cities in several provinces.
func ProvinceOfCity(city string) string {
	prov := ""
	for _, c := range idx.cities[city] {
		p := c.parent.name
		if prov != "" && prov != p {
			return ""
		}
		prov = p
	}
	return prov
}

// PlaceNames returns the names of the county-level divisions that a
// company name may start with: their full names (天河区, 江阴市, 平和县)
// and the short names of county-level cities (江阴, 昆山), current and
// former (海门市, 郫县), longest first.
// The slice is new on each call.
func PlaceNames() []string {
	seen := map[string]bool{}
	var out []string
	var walk func(d *division)
	walk = func(d *division) {
		for _, k := range d.kids {
			if k.level == levelDistrict {
				seen[k.name] = true
				if s := shorten(k.name, k.level); s != k.name && strings.HasSuffix(k.name, "市") {
					seen[s] = true
				}
			}
			walk(k)
		}
	}
	walk(idx.root)
	// Former county-level names start company names registered before the
	// change (海门市, 郫县): full names, and short ones of former cities.
	for name, cands := range idx.names {
		for _, c := range cands {
			if c.old && !c.short && !c.generic && c.div.level == levelDistrict {
				seen[name] = true
				if s := shorten(name, levelDistrict); s != name && strings.HasSuffix(name, "市") {
					seen[s] = true
				}
			}
		}
	}
	for n := range seen {
		out = append(out, n)
	}
	sortLongestFirst(out)
	return out
}

// BrandLikeRegions returns the two-character short names of the
// county-level cities under a province directly and of the 地区 and 盟
// (东方, 文昌, 新星, 阿里):
// words that start brand names as often as they name the place, where a
// prefecture city's (中山, 东莞) names the place.
func BrandLikeRegions() []string {
	var out []string
	for _, p := range idx.root.kids {
		for _, c := range p.kids {
			if len(c.kids) == 0 && !strings.HasSuffix(c.code, "00") || strings.HasSuffix(c.name, "地区") || strings.HasSuffix(c.name, "盟") {
				// Two characters make a word (东方, 新星, 白杨); 阿克苏 and
				// 石河子 name the place.
				if s := shorten(c.name, levelCity); s != c.name && utf8.RuneCountInString(s) == 2 {
					out = append(out, s)
				}
			}
		}
	}
	sortLongestFirst(out)
	return out
}

func sortLongestFirst(names []string) {
	sort.Slice(names, func(i, j int) bool {
		a, b := names[i], names[j]
		if la, lb := utf8.RuneCountInString(a), utf8.RuneCountInString(b); la != lb {
			return la > lb
		}
		return a < b
	})
}

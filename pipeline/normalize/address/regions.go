package address

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

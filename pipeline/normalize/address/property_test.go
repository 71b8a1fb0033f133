package address

import (
	"flag"
	"math/rand/v2"
	"strings"
	"testing"
)

var seed = flag.Uint64("seed", 1, "random seed of TestResolveNeverWrong")

// streets are made-up detail parts, several of them starting with words
// that also begin division names or make streets of them.
var streets = []string{"路1号", "中山路8号", "人民大街2号", "大厦5楼", "北街3号", "建设路10号", "新村2栋", "东路1号",
	" 文化路 5 号", "，幸福里3号", "广场1号", "公园路9号", "湾1号", "镇中心", "开发区1号"}

// TestResolveNeverWrong writes addresses from random real divisions, with
// full or short names, levels left out, spaces and street parts, sometimes
// in split columns, and
// checks that the result is never a division the address is not in, and
// that resolving the formatted result gives the same result.
func TestResolveNeverWrong(t *testing.T) {
	rng := rand.New(rand.NewPCG(*seed, 2))
	var districts []*division
	var walk func(d *division)
	walk = func(d *division) {
		if d.level == levelDistrict || d.level == levelCity && len(d.kids) == 0 {
			districts = append(districts, d)
		}
		for _, k := range d.kids {
			walk(k)
		}
	}
	walk(idx.root)
	n := 20000
	if testing.Short() {
		n = 2000
	}
	wrong := 0
	for range n {
		truth := districts[rng.IntN(len(districts))]
		var b strings.Builder
		var cols [3]string
		split := rng.IntN(3) == 0 // names in split columns, the street in the address
		written := 0
		for _, level := range []int{levelProvince, levelCity, levelDistrict} {
			d := truth.at(level)
			if d == nil || rng.IntN(4) == 0 {
				continue // level left out
			}
			name := d.name
			// A short district name alone is a word, not an address (河南
			// is a province and a county of 青海).
			if rng.IntN(2) == 0 && (level < levelDistrict || written > 0) {
				name = shorten(name, level)
			}
			written++
			if split {
				cols[level-1] = name
				continue
			}
			b.WriteString(name)
			if rng.IntN(3) == 0 {
				b.WriteString(" ")
			}
		}
		b.WriteString(streets[rng.IntN(len(streets))])
		in := Input{Province: cols[0], City: cols[1], District: cols[2], Address: b.String()}
		got := Resolve(in)
		checkCanonical(t, got)
		if got.Province != "" {
			d := idx.find(got.Province, got.City, got.District)
			if !truth.within(d) {
				wrong++
				if wrong <= 20 {
					t.Errorf("Resolve(%q) = %s/%s/%s, but the address is in %s", in, got.Province, got.City, got.District, fullPath(truth))
				}
			}
		}
		again := Resolve(Input{Address: format(got)})
		if again.Province != got.Province || again.City != got.City || again.District != got.District || again.Detail != got.Detail {
			t.Errorf("not idempotent for %q: %+v then %+v", in, got, again)
		}
	}
	if wrong > 0 {
		t.Errorf("%d of %d addresses resolved to a wrong division", wrong, n)
	}
}

// TestFixKeepsProvince writes addresses that name their province in full
// and misspell one character of the city or district below it (with a
// character of another division name, so that many misspellings are real
// names elsewhere), and checks that no correction or rename gives another
// province, nor another city when the city is written correctly.
func TestFixKeepsProvince(t *testing.T) {
	rng := rand.New(rand.NewPCG(*seed, 3))
	var districts []*division
	var pool []rune // the characters of all division names
	var walk func(d *division)
	walk = func(d *division) {
		if d.level == levelDistrict {
			districts = append(districts, d)
		}
		if d.level > levelRoot {
			pool = append(pool, []rune(d.name)...)
		}
		for _, k := range d.kids {
			walk(k)
		}
	}
	walk(idx.root)
	misspell := func(name string) string {
		rs := []rune(name)
		if len(rs) < 2 {
			return name
		}
		rs[rng.IntN(len(rs)-1)] = pool[rng.IntN(len(pool))] // not the suffix
		return string(rs)
	}
	n := 20000
	if testing.Short() {
		n = 2000
	}
	fixes := 0
	for range n {
		d := districts[rng.IntN(len(districts))]
		prov, city := d.at(levelProvince), d.at(levelCity)
		cityName, districtName := city.name, d.name
		cityRight := rng.IntN(2) == 0
		if cityRight {
			districtName = misspell(districtName)
		} else {
			cityName = misspell(cityName)
		}
		if prov == city || rng.IntN(4) == 0 {
			cityName = "" // a municipality, or the city left out
		}
		in := Input{Address: prov.name + cityName + districtName + streets[rng.IntN(len(streets))]}
		got := Resolve(in)
		for _, is := range got.Issues {
			if is.Rule == RuleTypoFixed || is.Rule == RuleRenamed {
				fixes++
			}
		}
		if got.Province != "" && got.Province != prov.name {
			t.Errorf("Resolve(%q) gives province %s, but the address names %s", in.Address, got.Province, prov.name)
		}
		if cityRight && cityName != "" && got.City != "" && got.City != city.name {
			t.Errorf("Resolve(%q) gives city %s, but the address names %s", in.Address, got.City, city.name)
		}
	}
	if fixes < n/20 {
		t.Errorf("only %d of %d misspelt addresses were corrected or renamed: the test tries too little", fixes, n)
	}
}

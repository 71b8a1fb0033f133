// Package name normalizes customer names: it tells companies from persons,
// builds a canonical display name and a match key for companies (legal form
// and region stripped, branch kept), reads names as pinyin with the surname
// and place-word corrections matching needs, parses romanized names, and
// checks unified social credit codes (USCC).
package name

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/crmclean/crmclean/pipeline/normalize/pinyin"
	"github.com/crmclean/crmclean/pipeline/normalize/text"
)

// Options are the word lists a Namer works with; they come from the rules
// file (rules.Names, rules.Pinyin) and the address package (Regions).
type Options struct {
	LegalForms        []string // 有限公司, Co., Ltd. …: stripped from the match key
	CompanyWords      []string // 公司, 厂, 中心 …: make a name a company
	BranchWords       []string // 分公司, 办事处 …: kept in the match key
	IndividualMarkers []string // 个人, 个体 … in a company-name column
	// Regions are province and city names, full and short (北京市, 北京,
	// 内蒙古自治区, 内蒙古). Names shorter than two characters are ignored.
	Regions []string
	// Places are county-level place names (天河区, 江阴市, 平和县, 昆山):
	// removed from the start of a match key like regions.
	Places []string
	// BrandLike are short region names that start brand names as often as
	// they name the place (东方, 阿里, 中山): removed only when written in
	// full (中山市).
	BrandLike []string
	// Surnames maps a surname (one or two characters) to its readings,
	// the usual one first; a compound surname's reading is written with
	// spaces between syllables ("ou yang").
	Surnames map[string][]string
	// PlaceWords maps a word go-pinyin misreads to its reading, one
	// syllable per character, space-separated (重庆: "chong qing").
	PlaceWords map[string]string
}

// Validate reports entries of the surname and place-word tables that New
// would have to ignore, naming them.
func (o Options) Validate() error {
	var bad []string
	for _, k := range sortedKeys(o.Surnames) {
		n := utf8.RuneCountInString(k)
		if n < 1 || n > 2 || len(o.Surnames[k]) == 0 {
			bad = append(bad, fmt.Sprintf("pinyin.surnames %q: want a one- or two-character surname with at least one reading", k))
			continue
		}
		for _, r := range o.Surnames[k] {
			if len(strings.Fields(r)) != n || !allSyllables(r) {
				bad = append(bad, fmt.Sprintf("pinyin.surnames %q: reading %q needs %d pinyin syllable(s), space-separated", k, r, n))
			}
		}
	}
	for _, k := range sortedKeys(o.PlaceWords) {
		v := o.PlaceWords[k]
		if len(strings.Fields(v)) != utf8.RuneCountInString(k) || !allSyllables(v) {
			bad = append(bad, fmt.Sprintf("pinyin.place_words %q: reading %q needs one pinyin syllable per character, space-separated", k, v))
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("name rules: %s", strings.Join(bad, "; "))
	}
	return nil
}

func allSyllables(s string) bool {
	for _, f := range strings.Fields(s) {
		if !pinyin.IsSyllable(strings.ToLower(f)) {
			return false
		}
	}
	return true
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Namer applies one set of Options. It is safe for concurrent use.
type Namer struct {
	hanForms     []string   // Han legal forms, longest first
	hanFormMasks []uint64   // runeMask of each of hanForms
	latinForms   [][]string // latin legal forms as word sequences, longest first
	companyHan   []string   // company words with Han characters, longest first
	companyLat   map[string]bool
	branches     []string // branch words, longest first
	individuals  map[string]bool
	regions      map[string]bool
	brandLike    map[string]bool
	regionFirst  map[rune]regionStarts // the regions by first rune
	regionStart  runeBits              // the first runes of regionFirst
	oneChar      runeSet               // company words of one character (厂, 行 …)
	surnames     runeSet               // one-character surnames: the keys of single, and commonSurnames
	markerStart  runeSet               // the first runes of individuals

	companyIx wordIndex // legal forms, company words of two characters or more, trade words
	// hanFormIx finds hanForms. Like every folded word they are valid
	// UTF-8, so its scan by runes finds all that strings.Index finds.
	hanFormIx wordIndex
	startIx   wordIndex // company words: a region before one of them is part of the name
	neutralIx wordIndex // branch words, legal forms, company and trade words: not a name of their own

	single       map[rune][]string   // surname readings, table first then go-pinyin's
	compound     map[string]string   // compound surname → joined reading, rules and built-in
	compoundUnit map[string][]string // the same reading as a one-reading unit
	places       map[rune][]place    // place words by first rune, longest first
}

// regionStarts describes the regions that start with one rune.
type regionStarts struct {
	lens   []int  // their distinct rune counts, most first
	second uint64 // the runeBit of their second runes: a filter
}

// place is a place word with per-character readings (table first).
type place struct {
	word     string
	readings [][]string
}

// New builds a Namer. Malformed table entries (see Options.Validate) are
// ignored.
func New(opt Options) *Namer {
	n := &Namer{
		companyLat:  make(map[string]bool),
		individuals: make(map[string]bool),
		regions:     make(map[string]bool),
		brandLike:   make(map[string]bool),
		regionFirst: make(map[rune]regionStarts),
		single:      make(map[rune][]string),
		compound:    make(map[string]string),
		places:      make(map[rune][]place),
	}
	for _, f := range opt.LegalForms {
		f = fold(f)
		if f == "" {
			continue
		}
		if hasHan(f) {
			n.hanForms = append(n.hanForms, f)
		} else if w := latinWords(f); len(w) > 0 {
			n.latinForms = append(n.latinForms, w)
		}
	}
	byLen(n.hanForms)
	for _, f := range n.hanForms {
		n.hanFormMasks = append(n.hanFormMasks, runeMask(f))
	}
	n.hanFormIx = newWordIndex(n.hanForms)
	sort.SliceStable(n.latinForms, func(i, j int) bool { return len(n.latinForms[i]) > len(n.latinForms[j]) })
	for _, w := range opt.CompanyWords {
		w = fold(w)
		switch {
		case w == "":
		case hasHan(w):
			n.companyHan = append(n.companyHan, w)
		default:
			for _, x := range latinWords(w) {
				n.companyLat[x] = true
			}
		}
	}
	byLen(n.companyHan)
	for _, w := range n.companyHan {
		if r, size := utf8.DecodeRuneInString(w); size == len(w) {
			n.oneChar.add(r)
		}
	}
	for _, w := range opt.BranchWords {
		if w = fold(w); w != "" {
			n.branches = append(n.branches, w)
		}
	}
	byLen(n.branches)
	for _, w := range opt.IndividualMarkers {
		if w = fold(w); w != "" {
			n.individuals[w] = true
			r, _ := utf8.DecodeRuneInString(w)
			n.markerStart.add(r)
		}
	}
	for _, b := range opt.BrandLike {
		n.brandLike[fold(b)] = true
	}
	for _, r := range append(append([]string(nil), opt.Regions...), opt.Places...) {
		r = fold(r)
		if c := utf8.RuneCountInString(r); c >= 2 {
			n.regions[r] = true
			first, size := utf8.DecodeRuneInString(r)
			second, _ := utf8.DecodeRuneInString(r[size:])
			starts := n.regionFirst[first]
			if !slices.Contains(starts.lens, c) {
				starts.lens = append(starts.lens, c)
			}
			starts.second |= runeBit(second)
			n.regionFirst[first] = starts
			n.regionStart.add(first)
		}
	}
	for _, starts := range n.regionFirst {
		sort.Sort(sort.Reverse(sort.IntSlice(starts.lens)))
	}
	var multi []string
	for _, w := range append(append([]string(nil), n.hanForms...), n.companyHan...) {
		if utf8.RuneCountInString(w) >= 2 {
			multi = append(multi, w)
		}
	}
	n.companyIx = newWordIndex(multi, tradeWords)
	n.startIx = newWordIndex(n.companyHan)
	n.neutralIx = newWordIndex(n.branches, n.hanForms, n.companyHan, tradeWords)
	n.loadSurnames(opt.Surnames)
	for r := range n.single {
		n.surnames.add(r)
	}
	for _, r := range commonSurnames {
		n.surnames.add(r)
	}
	n.compoundUnit = make(map[string][]string, len(n.compound))
	for k, r := range n.compound {
		n.compoundUnit[k] = []string{r}
	}
	n.loadPlaces(opt.PlaceWords)
	return n
}

func (n *Namer) loadSurnames(table map[string][]string) {
	for _, k := range compoundSurnames {
		var b strings.Builder
		for _, r := range k {
			if rs := pinyin.Of(r); len(rs) > 0 {
				b.WriteString(rs[0])
			}
		}
		n.compound[k] = b.String()
	}
	for _, k := range sortedKeys(table) {
		rs := []rune(k)
		switch len(rs) {
		case 1:
			var readings []string
			for _, r := range table[k] {
				if r = strings.ToLower(strings.TrimSpace(r)); pinyin.IsSyllable(r) && !contains(readings, r) {
					readings = append(readings, r)
				}
			}
			if len(readings) == 0 {
				continue
			}
			for _, r := range pinyin.Of(rs[0]) {
				if !contains(readings, r) {
					readings = append(readings, r)
				}
			}
			n.single[rs[0]] = readings
		case 2:
			if len(table[k]) == 0 {
				continue
			}
			r := strings.ToLower(table[k][0])
			if len(strings.Fields(r)) == 2 && allSyllables(r) {
				n.compound[k] = strings.Join(strings.Fields(r), "")
			}
		}
	}
}

func (n *Namer) loadPlaces(table map[string]string) {
	for _, k := range sortedKeys(table) {
		rs := []rune(k)
		syl := strings.Fields(strings.ToLower(table[k]))
		if len(rs) < 1 || len(syl) != len(rs) || !allSyllables(table[k]) {
			continue
		}
		p := place{word: k, readings: make([][]string, len(rs))}
		for i, r := range rs {
			readings := []string{syl[i]}
			for _, x := range pinyin.Of(r) {
				if !contains(readings, x) {
					readings = append(readings, x)
				}
			}
			p.readings[i] = readings
		}
		n.places[rs[0]] = append(n.places[rs[0]], p)
	}
	for r, list := range n.places {
		sort.SliceStable(list, func(i, j int) bool { return len(list[i].word) > len(list[j].word) })
		n.places[r] = list
	}
}

// byLen sorts words longest first (ties alphabetically) so that the longest
// match wins.
func byLen(words []string) {
	sort.Slice(words, func(i, j int) bool {
		if len(words[i]) != len(words[j]) {
			return len(words[i]) > len(words[j])
		}
		return words[i] < words[j]
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// IsIndividualMarker reports whether s, found in a company-name column,
// means "an individual" (个人, 个体户, 散客 …) rather than naming a company.
func (n *Namer) IsIndividualMarker(s string) bool {
	// A leading CJK unified ideograph stays first through NFKC (it has no
	// decomposition and composes with nothing), lower-casing, trimming and
	// compact; a marker, with or without 户, 客户 or 用户 after it, starts
	// with the first rune of one. Most names are told apart here.
	if first, _ := text.DecodeRune(s, 0); text.HanAt(s, 0) && !n.markerStart.has(first) {
		return false
	}
	k := s // a name of CJK unified ideographs only is its own compact fold
	if !text.AllHan(s) {
		k = compact(fold(s))
	}
	if n.individuals[k] {
		return true
	}
	for _, suffix := range []string{"户", "客户", "用户"} {
		if base, ok := strings.CutSuffix(k, suffix); ok && base != "" && n.individuals[base] {
			return true
		}
	}
	return false
}

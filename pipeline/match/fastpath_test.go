package match

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/crmclean/crmclean/pipeline/normalize"
	"github.com/crmclean/crmclean/rules"
)

// The tests here pin the shortcuts taken for speed at scale to the plain
// computations they replace: a value's frequency counted in a map, pairs
// gathered, sorted and deduplicated as one list, details compared before
// the address level is graded, keys compared as strings.

// fastPathFeatures extracts the features of synthetic records with the
// fake and the real name readers, and Existing customers for some.
func fastPathFeatures(t *testing.T) map[string]*features {
	t.Helper()
	norm, err := normalize.New(rules.Default())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*features{}
	for _, tc := range []struct {
		name  string
		namer Namer
		seed  uint64
	}{
		{"fake namer", fakeNamer{}, 5},
		{"real namer", norm.Namer(), 9},
	} {
		recs, _ := synth(3000, tc.seed)
		opt := Options{Namer: tc.namer, FreeDomains: freeDomains, Workers: 3}
		if err := opt.defaults(); err != nil {
			t.Fatal(err)
		}
		out[tc.name] = extract(recs, &opt)
	}
	return out
}

func TestKeyCount(t *testing.T) {
	for name, fs := range fastPathFeatures(t) {
		t.Run(name, func(t *testing.T) {
			for i := range fs.f {
				got, want := keyCount(&fs.f[i]), 0
				keys(&fs.f[i], nil, func(int, []byte) { want++ })
				if got != want {
					t.Fatalf("record %d (%q): keyCount = %d, keys yields %d", i, fs.f[i].display, got, want)
				}
			}
		})
	}
}

// refFrequencies counts as frequencies did with maps from value hash to
// count.
func refFrequencies(fs []feat) (freq func(field, v string) int32, tf tfScale) {
	counts := map[string]map[uint64]int32{}
	count := func(field string, each func(f *feat, yield func(v, by string))) tfField {
		type vb struct{ v, by uint64 }
		var all []vb
		for i := range fs {
			each(&fs[i], func(v, by string) {
				if v != "" {
					all = append(all, vb{hashKey(0, v), byHash(by)})
				}
			})
		}
		slices.SortFunc(all, func(a, b vb) int { return cmp.Or(cmp.Compare(a.v, b.v), cmp.Compare(a.by, b.by)) })
		m := map[uint64]int32{}
		for i, x := range all {
			switch {
			case i == 0 || x.v != all[i-1].v:
				m[x.v] = 1
				if x.by == 0 && i+1 < len(all) && all[i+1].v == x.v {
					m[x.v] = 0
				}
			case x.by != all[i-1].by:
				m[x.v]++
			}
		}
		counts[field] = m
		var total, sq float64
		for _, n := range m {
			total += float64(n)
			sq += float64(n) * float64(n)
		}
		if total == 0 {
			return tfField{}
		}
		return tfField{total: total, avg: sq / (total * total)}
	}
	tf.name = count("name", func(f *feat, y func(v, by string)) { y(f.name.key, f.identity()) })
	tf.py = count("py", func(f *feat, y func(v, by string)) { y(f.name.py, f.identity()); y(f.contact.py, f.identity()) })
	tf.contact = count("contact", func(f *feat, y func(v, by string)) { y(f.contact.key, f.identity()) })
	tf.mobile = count("mobile", func(f *feat, y func(v, by string)) {
		for _, v := range f.mobiles {
			y(v.s, f.name.key)
		}
	})
	tf.line = count("line", func(f *feat, y func(v, by string)) {
		for _, v := range f.lines {
			y(v.s, f.name.key)
		}
	})
	tf.email = count("email", func(f *feat, y func(v, by string)) {
		for _, e := range f.emails {
			y(e.addr, f.name.key)
		}
	})
	tf.mobile.discount, tf.line.discount, tf.email.discount = 1, 1, 1
	return func(field, v string) int32 {
		if v == "" {
			return 0
		}
		return counts[field][hashKey(0, v)]
	}, tf
}

func TestFrequenciesAgreeWithMaps(t *testing.T) {
	for name, fs := range fastPathFeatures(t) {
		t.Run(name, func(t *testing.T) {
			freq, tf := refFrequencies(fs.f)
			if fs.tf != tf {
				t.Errorf("tf = %+v, want %+v", fs.tf, tf)
			}
			for i := range fs.f {
				f := &fs.f[i]
				check := func(what string, got, want int32) {
					t.Helper()
					if got != want {
						t.Fatalf("record %d (%q): %s frequency %d, want %d", i, f.display, what, got, want)
					}
				}
				check("name", f.name.freq, freq("name", f.name.key))
				check("name pinyin", f.name.pyFreq, freq("py", f.name.py))
				check("contact", f.contact.freq, freq("contact", f.contact.key))
				check("contact pinyin", f.contact.pyFreq, freq("py", f.contact.py))
				for _, v := range f.mobiles {
					check("mobile "+v.s, v.freq, freq("mobile", v.s))
				}
				for _, v := range f.lines {
					check("line "+v.s, v.freq, freq("line", v.s))
				}
				for _, e := range f.emails {
					check("e-mail "+e.addr, e.freq, freq("email", e.addr))
				}
			}
		})
	}
}

// refPairs gathers block's pairs as one list, sorted and deduplicated.
func refPairs(fs *features, opt *Options, settled func(i, j int32) bool) []uint64 {
	es, err := blockEntries(context.Background(), fs, opt.Workers)
	if err != nil {
		panic(err)
	}
	var pairs []uint64
	add := func(i, j int32) {
		if settled == nil || !settled(i, j) {
			pairs = append(pairs, uint64(i)<<32|uint64(j))
		}
	}
	for lo, hi := range blocks(es) {
		blk := slices.CompactFunc(slices.Clone(es[lo:hi]), func(a, b entry) bool { return a.i == b.i })
		all := func(blk []entry) {
			for x := range blk {
				for y := x + 1; y < len(blk); y++ {
					add(blk[x].i, blk[y].i)
				}
			}
		}
		limit := opt.BlockLimit(weakKey[blk[0].typ])
		if blk[0].typ == typInitials && !slices.ContainsFunc(blk, func(e entry) bool { return fs.f[e.i].name.abbreviated() }) {
			continue
		}
		fine := limit
		if grows[blk[0].typ] {
			fine = min(limit, fineBlock)
		}
		if len(blk) <= fine {
			all(blk)
			continue
		}
		windowBy := func(blk []entry, key func(*feat) string) {
			var sorted []entry
			for _, e := range blk {
				if key(&fs.f[e.i]) != "" {
					sorted = append(sorted, e)
				}
			}
			slices.SortStableFunc(sorted, func(a, b entry) int { return cmp.Compare(key(&fs.f[a.i]), key(&fs.f[b.i])) })
			for x := range sorted {
				for y := x + 1; y < len(sorted) && y < x+window; y++ {
					add(min(sorted[x].i, sorted[y].i), max(sorted[x].i, sorted[y].i))
				}
			}
		}
		if blk[0].typ == typAddress {
			windowBy(blk, func(f *feat) string { return f.name.py }) // a busy address
			continue
		}
		// Large: by province and city, then district; records of unknown
		// city among themselves and, in a block within the limit, with
		// every other record.
		byPlace := func(es []entry, place func(*feat) string) map[string][]entry {
			m := map[string][]entry{}
			for _, e := range es {
				p := place(&fs.f[e.i])
				m[p] = append(m[p], e)
			}
			return m
		}
		for city, part := range byPlace(blk, func(f *feat) string { return f.province + f.city }) {
			switch {
			case city == "":
				if len(part) <= limit {
					all(part)
				}
				if len(blk) <= limit {
					for _, u := range part {
						for _, e := range blk {
							if fs.f[e.i].province+fs.f[e.i].city != "" {
								add(min(u.i, e.i), max(u.i, e.i))
							}
						}
					}
				}
			case len(part) <= limit:
				all(part)
			default:
				windowBy(part, func(f *feat) string {
					if len(f.mobiles) == 0 {
						return ""
					}
					return f.mobiles[0].s
				})
				windowBy(part, func(f *feat) string { return f.place })
				for _, d := range byPlace(part, func(f *feat) string { return f.district }) {
					if len(d) <= limit {
						all(d)
					}
				}
			}
		}
	}
	var byPy []int32
	for i := range fs.f {
		if fs.f[i].name.py != "" {
			byPy = append(byPy, int32(i))
		}
	}
	slices.SortStableFunc(byPy, func(a, b int32) int { return cmp.Compare(fs.f[a].name.py, fs.f[b].name.py) })
	for x := range byPy {
		for y := x + 1; y < len(byPy) && y < x+window; y++ {
			add(min(byPy[x], byPy[y]), max(byPy[x], byPy[y]))
		}
	}
	slices.Sort(pairs)
	return slices.Compact(pairs)
}

func TestBlockPairsAgreeWithList(t *testing.T) {
	for name, fs := range fastPathFeatures(t) {
		for _, tc := range []struct {
			name     string
			maxBlock int
			existing bool
			parts    int
		}{
			{"default caps", 0, false, 0},
			{"small caps", 16, false, 0},
			{"existing customers", 0, true, 0},
			{"many parts", 0, false, 500},
			{"many parts, existing customers", 0, true, 700},
		} {
			t.Run(name+"/"+tc.name, func(t *testing.T) {
				if tc.parts > 0 {
					defer func(n int) { pairsPerPart = n }(pairsPerPart)
					pairsPerPart = tc.parts
				}
				opt := Options{MaxBlock: tc.maxBlock, Workers: 2}
				if err := opt.defaults(); err != nil {
					t.Fatal(err)
				}
				var dec *decisions
				var settled func(i, j int32) bool
				if tc.existing {
					r := rand.New(rand.NewPCG(1, 2))
					ex := make([]string, len(fs.f))
					for i := range ex {
						if r.IntN(4) > 0 {
							ex[i] = fmt.Sprintf("c%d", r.IntN(len(ex)/2))
						}
					}
					dec = settle(ex, fs, nil, &Stats{})
					settled = dec.settled
				}
				got, _, err := block(context.Background(), fs, &opt, dec, &Stats{})
				if err != nil {
					t.Fatal(err)
				}
				want := refPairs(fs, &opt, settled)
				if !slices.Equal(got, want) {
					t.Errorf("block gives %d pairs, the plain list %d", len(got), len(want))
				}
				if len(want) == 0 {
					t.Error("no pairs: the test checks nothing")
				}
			})
		}
	}
}

func TestCompareShortcuts(t *testing.T) {
	for name, fs := range fastPathFeatures(t) {
		t.Run(name, func(t *testing.T) {
			opt := Options{Workers: 2}
			if err := opt.defaults(); err != nil {
				t.Fatal(err)
			}
			pairs, _, err := block(context.Background(), fs, &opt, nil, &Stats{})
			if err != nil {
				t.Fatal(err)
			}
			r := rand.New(rand.NewPCG(3, 4))
			for range 20000 { // unrelated pairs too
				i, j := r.IntN(len(fs.f)), r.IntN(len(fs.f))
				pairs = append(pairs, uint64(i)<<32|uint64(j))
			}
			levels := map[string]int{}
			for _, p := range pairs {
				a, b := &fs.f[p>>32], &fs.f[uint32(p)]
				lv, detail := compareAddress(a, b)
				if got := addressLevel(a, b, nil); got != lv {
					t.Fatalf("pair %d-%d: addressLevel %s, compareAddress %s", p>>32, uint32(p), levelNames[got], levelNames[lv])
				}
				if want := plainDetail(a, b); detail != want && !(math.IsNaN(detail) && math.IsNaN(want)) {
					t.Fatalf("pair %d-%d: detail %v, want %v", p>>32, uint32(p), detail, want)
				}
				levels[levelNames[lv]]++
				for _, n := range [][2]*nameFeat{{&a.name, &b.name}, {&a.contact, &b.contact}} {
					ua, ub := n[0].units, n[1].units
					if len(ua) != len(ub) || len(ua) == 0 {
						continue
					}
					stop := 2
					if len(ua) < 3 {
						stop = 1
					}
					verdict := func(exact, fz bool, diff int) [3]bool { return [3]bool{exact, fz, diff == 1 && len(ua) >= 3} }
					if got, want := verdict(unitsAlike(ua, ub, stop)), verdict(unitsAlike(ua, ub, len(ua)+1)); got != want {
						t.Fatalf("pair %d-%d: units of %q and %q: stopping early gives %v, the whole comparison %v", p>>32, uint32(p), n[0].key, n[1].key, got, want)
					}
				}
				na, nb := a.name, b.name
				na.keyH, nb.keyH, na.keyID, nb.keyID = 0, 0, 0, 0
				if got, want := fmt.Sprint(compareNames(&a.name, &b.name, a.company && b.company)), fmt.Sprint(compareNames(&na, &nb, a.company && b.company)); got != want {
					t.Fatalf("pair %d-%d: compareNames %s, by strings alone %s", p>>32, uint32(p), got, want)
				}
				for _, side := range []struct {
					what   string
					a, b   []value
					ha, hb uint64
				}{{"mobiles", a.mobiles, b.mobiles, a.mobileH, b.mobileH}, {"lines", a.lines, b.lines, a.lineH, b.lineH}} {
					got := comparePhonesOf(side.a, side.b, side.ha, side.hb)
					if want := comparePhones(side.a, side.b); got != want {
						t.Fatalf("pair %d-%d: %s compare %s (%+v), by the lists %s (%+v)", p>>32, uint32(p), side.what, levelNames[got.lv], got, levelNames[want.lv], want)
					}
				}
				unhashed := func(es []email) []email {
					out := slices.Clone(es)
					for k := range out {
						out[k].h = 0
					}
					return out
				}
				if got, want := fmt.Sprint(compareEmails(a.emails, b.emails)), fmt.Sprint(compareEmails(unhashed(a.emails), unhashed(b.emails))); got != want {
					t.Fatalf("pair %d-%d: compareEmails %s, by the addresses alone %s", p>>32, uint32(p), got, want)
				}
				if got, want := compareUSCC(a, b), plainUSCC(a.uscc, b.uscc); got != want {
					t.Fatalf("pair %d-%d: compareUSCC %s, want %s", p>>32, uint32(p), levelNames[got], levelNames[want])
				}
			}
			for _, l := range []string{"agree", "near", "fuzzy", "disagree"} {
				if levels[l] == 0 {
					t.Errorf("no pair with the address %s: the test misses a path (%v)", l, levels)
				}
			}
		})
	}
}

func plainDetail(a, b *feat) float64 {
	if len(a.bigrams) > 0 && len(b.bigrams) > 0 {
		return dice(a.bigrams, b.bigrams)
	}
	return -1
}

func plainUSCC(a, b string) int {
	switch {
	case a == "" || b == "":
		return missing
	case a == b:
		return agree
	}
	return disagree
}

func TestDiceBound(t *testing.T) {
	tests := []struct {
		name string
		a, b []uint32
	}{
		{"inside", []uint32{1, 2}, []uint32{1, 2, 3, 4, 5}},
		{"same", []uint32{1, 2, 3}, []uint32{1, 2, 3}},
		{"apart", []uint32{1}, []uint32{2, 3, 4}},
		{"thirds", []uint32{1, 2, 3}, []uint32{1, 2, 3, 4, 5, 6, 7, 8, 9}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if d, b := dice(tc.a, tc.b), diceBound(len(tc.a), len(tc.b)); d > b {
				t.Errorf("dice %v above its bound %v", d, b)
			}
		})
	}
}

func TestBranchLead(t *testing.T) {
	words := defaultBranches()
	tests := []struct {
		name  string
		words []string
		in    string
	}{
		{"branch", words, "华信科技有限公司上海分公司"},
		{"head office", words, "华信科技有限公司"},
		{"lead character only", words, "分众传媒"},
		{"empty word", []string{"分公司", ""}, "华信科技"},
		{"broken word", []string{"\x88\x86公司"}, "华信分公司"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lead := leads(tc.words)
			skipped := lead != "" && !strings.ContainsAny(tc.in, lead)
			if want := branchOfCompact(tc.in, tc.words); skipped && want != "" {
				t.Errorf("lead %q skips %q, whose branch is %q", lead, tc.in, want)
			}
		})
	}
}

func TestSortEntriesIsStableByHash(t *testing.T) {
	tests := []struct {
		name    string
		records int
		hashes  func(r *rand.Rand) uint64
	}{
		{"few records", 100, func(r *rand.Rand) uint64 { return r.Uint64N(50) << 40 }},
		{"shared keys", 20000, func(r *rand.Rand) uint64 { return hashKey(0, fmt.Sprint(r.IntN(5000))) }},
		{"one top digit", 5000, func(r *rand.Rand) uint64 { return r.Uint64N(3000) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(7, 8))
			var es []entry
			for i := range tc.records {
				for typ := range 9 {
					for range r.IntN(3) {
						h := tc.hashes(r)
						es = append(es, entry{h: h, typ: uint8(typ), i: int32(i)})
						if r.IntN(10) == 0 { // a key yielded twice
							es = append(es, entry{h: h, typ: uint8(typ), i: int32(i)})
						}
					}
				}
			}
			want := slices.Clone(es)
			slices.SortStableFunc(want, func(a, b entry) int { return cmp.Compare(a.h, b.h) })
			sortEntries(es)
			if !slices.Equal(es, want) {
				t.Errorf("%d entries: order differs from a stable sort by hash", len(es))
			}
		})
	}
}

func TestNumberKeys(t *testing.T) {
	fs := make([]feat, 5)
	for i, k := range []string{"华信", "华信", "鑫达", "甲", "乙"} {
		fs[i].name.key = k
	}
	// 甲 and 乙 share a hash, as if it collided.
	all := []occurrence{{v: 1, i: 0}, {v: 1, i: 1}, {v: 2, i: 2}, {v: 3, i: 3}, {v: 3, i: 4}}
	numberKeys(fs, all, func(f *feat) *nameFeat { return &f.name })
	got := []uint32{fs[0].name.keyID, fs[1].name.keyID, fs[2].name.keyID, fs[3].name.keyID, fs[4].name.keyID}
	if want := []uint32{1, 1, 2, 0, 0}; !slices.Equal(got, want) {
		t.Errorf("keyIDs %v, want %v (a shared hash of different keys numbers none)", got, want)
	}
	a, b := fs[3].name, fs[4].name
	a.keyH, b.keyH = 3, 3
	if sameKey(&a, &b) {
		t.Errorf("sameKey(%q, %q) with one hash and no numbers", a.key, b.key)
	}
	if !sameKey(&fs[0].name, &fs[1].name) || sameKey(&fs[0].name, &fs[2].name) {
		t.Error("sameKey does not follow the numbers")
	}
}

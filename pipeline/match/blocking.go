package match

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"
)

// Key types of blocking, as reported in Stats.
const (
	keyMobile   = "mobile"
	keyEmail    = "email"
	keyUSCC     = "uscc"
	keyCompany  = "company_key"
	keyPinyin   = "pinyin"
	keyFuzzy    = "fuzzy_pinyin"
	keyInitials = "initials_city"
	keyLandline = "landline"
	keyAddress  = "address"
	keyNeighbor = "pinyin_neighbourhood"
)

var keyTypes = []string{keyMobile, keyEmail, keyUSCC, keyCompany, keyPinyin, keyFuzzy, keyInitials, keyLandline, keyAddress}

// weakKey marks key types whose blocks grow with the file (common names,
// office buildings):
// they are capped at an eighth of MaxBlock. A common name's duplicates
// still meet through the mobile, e-mail and address keys and the sorted
// neighbourhood.
var weakKey = [9]bool{4: true, 5: true, 6: true, 8: true}

// maxCombos caps the blocking keys one name yields from its heteronyms.
const maxCombos = 8

// window is the sorted-neighbourhood window on pinyin keys.
const window = 4

// keys calls emit with every blocking key of f, typed by its index in keyTypes.
func keys(f *feat, emit func(typ int, key string)) {
	for _, v := range f.mobiles {
		emit(0, v.s)
	}
	for _, e := range f.emails {
		emit(1, e.addr)
	}
	if f.uscc != "" {
		emit(2, f.uscc)
	}
	nf := &f.name
	if f.company && nf.key != "" {
		emit(3, nf.key)
	}
	if nf.roman != nil {
		emit(4, nf.py)
		if len(nf.roman) > 1 { // Western order: "Wei Zhang" → zhangwei
			emit(4, nf.roman[len(nf.roman)-1]+strings.Join(nf.roman[:len(nf.roman)-1], ""))
		}
	} else if len(nf.units) > 0 {
		combos(nf.units, maxCombos, func(s string) { emit(4, s) })
	}
	if nf.py != "" {
		emit(5, fuzzyKey(nf.py, nf.units, nf.roman))
	}
	if len(nf.initial) >= 2 && f.city != "" {
		emit(6, nf.initial+"|"+f.city)
	}
	for _, v := range f.lines {
		emit(7, v.s)
	}
	if f.place != "" && len(f.bigrams) >= 4 {
		emit(8, f.place)
	}
}

// combos yields the joined readings of up to limit reading combinations,
// the most likely (first readings) first.
func combos(units [][]string, limit int, yield func(string)) {
	idx := make([]int, len(units))
	var b strings.Builder
	for n := 0; n < limit; n++ {
		b.Reset()
		for i, u := range units {
			if len(u) > 0 {
				b.WriteString(u[idx[i]])
			}
		}
		yield(b.String())
		// advance the odometer, last unit fastest
		i := len(units) - 1
		for ; i >= 0; i-- {
			idx[i]++
			if idx[i] < len(units[i]) {
				break
			}
			idx[i] = 0
		}
		if i < 0 {
			return
		}
	}
}

// fuzzyKey folds the first readings with the fuzzy-pinyin confusions
// (zh→z, ch→c, sh→s, l→n; ang→an, eng→en, ing→in), so that names read
// alike by a southern speaker share a block.
func fuzzyKey(py string, units [][]string, roman []string) string {
	var b strings.Builder
	fold := func(s string) {
		switch {
		case strings.HasPrefix(s, "zh"), strings.HasPrefix(s, "ch"), strings.HasPrefix(s, "sh"):
			s = s[:1] + s[2:]
		case strings.HasPrefix(s, "l"):
			s = "n" + s[1:]
		}
		if n := len(s); n >= 3 && s[n-2:] == "ng" && s[n-3] != 'o' {
			s = s[:n-1]
		}
		b.WriteString(strings.ReplaceAll(s, "v", "u"))
	}
	switch {
	case roman != nil:
		for _, s := range roman {
			fold(s)
		}
	case len(units) > 0:
		for _, u := range units {
			if len(u) > 0 {
				fold(u[0])
			}
		}
	default:
		fold(py)
	}
	return b.String()
}

// entry is one record under one blocking key, by the key's hash.
type entry struct {
	h   uint64
	typ uint8
	i   int32
}

func hashKey(typ int, s string) uint64 {
	h := uint64(14695981039346656037)
	h = (h ^ uint64(typ)) * 1099511628211
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * 1099511628211
	}
	return h
}

// block returns the distinct candidate pairs (i<<32 | j, i < j) in
// ascending order, and fills the blocking figures of st.
func block(ctx context.Context, fs *features, opt *Options, st *Stats) ([]uint64, error) {
	n := len(fs.f)
	parts := make([][]entry, opt.Workers)
	chunk := (n + opt.Workers - 1) / opt.Workers
	g, gctx := errgroup.WithContext(ctx)
	for w := range opt.Workers {
		lo, hi := w*chunk, min(n, (w+1)*chunk)
		g.Go(func() error {
			var es []entry
			for i := lo; i < hi; i++ {
				if i%4096 == 0 {
					if err := gctx.Err(); err != nil {
						return err
					}
				}
				keys(&fs.f[i], func(typ int, k string) {
					es = append(es, entry{h: hashKey(typ, k), typ: uint8(typ), i: int32(i)})
				})
			}
			parts[w] = es
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	es := slices.Concat(parts...)
	parts = nil
	slices.SortFunc(es, func(a, b entry) int { return cmp.Or(cmp.Compare(a.h, b.h), cmp.Compare(a.i, b.i)) })

	st.Blocks = map[string]int{}
	var pairs []uint64
	for lo := 0; lo < len(es); {
		hi := lo + 1
		for hi < len(es) && es[hi].h == es[lo].h {
			hi++
		}
		blk := es[lo:hi]
		lo = hi
		// A record can yield one key twice (two heteronym combinations
		// spelling the same); entries are sorted by record, so compact.
		blk = slices.CompactFunc(blk, func(a, b entry) bool { return a.i == b.i })
		if len(blk) < 2 {
			continue
		}
		typ := keyTypes[blk[0].typ]
		limit := opt.MaxBlock
		if weakKey[blk[0].typ] {
			limit = max(2, opt.MaxBlock/8)
		}
		if len(blk) > limit {
			st.CappedBlocks = append(st.CappedBlocks, CappedBlock{KeyType: typ, Key: keyText(fs, blk[0]), Size: len(blk)})
			continue
		}
		st.Blocks[typ]++
		for x := range blk {
			for y := x + 1; y < len(blk); y++ {
				pairs = append(pairs, uint64(blk[x].i)<<32|uint64(blk[y].i))
			}
		}
	}
	es = nil

	// Sorted neighbourhood on the pinyin key catches what the exact keys
	// miss (a dropped or extra character).
	byPy := make([]int32, 0, n)
	for i := range fs.f {
		if fs.f[i].name.py != "" {
			byPy = append(byPy, int32(i))
		}
	}
	slices.SortFunc(byPy, func(a, b int32) int {
		return cmp.Or(strings.Compare(fs.f[a].name.py, fs.f[b].name.py), cmp.Compare(a, b))
	})
	added := 0
	for x := range byPy {
		for y := x + 1; y < len(byPy) && y < x+window; y++ {
			i, j := min(byPy[x], byPy[y]), max(byPy[x], byPy[y])
			pairs = append(pairs, uint64(i)<<32|uint64(j))
			added++
		}
	}
	if added > 0 {
		st.Blocks[keyNeighbor] = added
	}
	sortPairs(pairs)
	pairs = slices.Compact(pairs)
	slices.SortFunc(st.CappedBlocks, func(a, b CappedBlock) int {
		return cmp.Or(cmp.Compare(b.Size, a.Size), strings.Compare(a.KeyType, b.KeyType), strings.Compare(a.Key, b.Key))
	})
	return pairs, nil
}

// keyText recovers the text of the key an entry stands for.
func keyText(fs *features, e entry) string {
	var out string
	keys(&fs.f[e.i], func(typ int, k string) {
		if out == "" && typ == int(e.typ) && hashKey(typ, k) == e.h {
			out = k
		}
	})
	return out
}

// sortPairs sorts in place with an LSD radix sort: candidate pair lists
// run to tens of millions on a large file.
func sortPairs(a []uint64) {
	if len(a) < 1<<12 {
		slices.Sort(a)
		return
	}
	buf := make([]uint64, len(a))
	src, dst := a, buf
	for shift := uint(0); shift < 64; shift += 16 {
		var count [1 << 16]int
		for _, v := range src {
			count[(v>>shift)&0xFFFF]++
		}
		if count[(src[0]>>shift)&0xFFFF] == len(src) {
			continue // all equal in this digit
		}
		pos := 0
		for i, c := range count {
			count[i] = pos
			pos += c
		}
		for _, v := range src {
			d := (v >> shift) & 0xFFFF
			dst[count[d]] = v
			count[d]++
		}
		src, dst = dst, src
	}
	if &src[0] != &a[0] {
		copy(a, src)
	}
}

// parallel runs fn over [0, n) split into one chunk per worker.
func parallel(n, workers int, fn func(lo, hi int)) {
	if workers <= 1 || n < 1024 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	chunk := (n + workers - 1) / workers
	for lo := 0; lo < n; lo += chunk {
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			fn(lo, hi)
		}(lo, min(n, lo+chunk))
	}
	wg.Wait()
}

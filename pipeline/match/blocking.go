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

// keys calls emit with every blocking key of f, typed by its index in
// keyTypes. Each key is built in b, which emit must not keep: it is
// reused for the next key. keys returns b for reuse by the next record.
// BlockKeys exposes the keys' hashes, which callers store: a change to
// what keys yields (or to hashKey, keyTypes' order or weakKey) must bump
// KeysVersion.
func keys(f *feat, b []byte, emit func(typ int, key []byte)) []byte {
	for _, v := range f.mobiles {
		b = append(b[:0], v.s...)
		emit(0, b)
	}
	for _, e := range f.emails {
		b = append(b[:0], e.addr...)
		emit(1, b)
	}
	if f.uscc != "" {
		b = append(b[:0], f.uscc...)
		emit(2, b)
	}
	nf := &f.name
	if f.company && nf.key != "" {
		b = append(b[:0], nf.key...)
		emit(3, b)
	}
	if nf.roman != nil {
		b = append(b[:0], nf.py...)
		emit(4, b)
		if last := len(nf.roman) - 1; last > 0 { // Western order: "Wei Zhang" → zhangwei
			b = append(b[:0], nf.roman[last]...)
			for _, s := range nf.roman[:last] {
				b = append(b, s...)
			}
			emit(4, b)
		}
	} else if len(nf.units) > 0 {
		b = combos(b, nf.units, maxCombos, func(k []byte) { emit(4, k) })
	}
	if nf.py != "" {
		b = fuzzyKey(b[:0], nf.py, nf.units, nf.roman)
		emit(5, b)
	}
	if len(nf.initial) >= 2 && f.city != "" {
		b = append(b[:0], nf.initial...)
		b = append(b, '|')
		b = append(b, f.city...)
		emit(6, b)
	}
	for _, v := range f.lines {
		b = append(b[:0], v.s...)
		emit(7, b)
	}
	if f.place != "" && len(f.bigrams) >= 4 {
		b = append(b[:0], f.place...)
		emit(8, b)
	}
	return b
}

// combos yields the joined readings of up to limit reading combinations,
// the most likely (first readings) first, each built in b (returned for
// reuse).
func combos(b []byte, units [][]string, limit int, yield func([]byte)) []byte {
	var stack [16]int
	idx := stack[:0]
	if len(units) > len(stack) {
		idx = make([]int, len(units))
	} else {
		idx = stack[:len(units)]
	}
	for n := 0; n < limit; n++ {
		b = b[:0]
		for i, u := range units {
			if len(u) > 0 {
				b = append(b, u[idx[i]]...)
			}
		}
		yield(b)
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
			return b
		}
	}
	return b
}

// fuzzyKey appends to b the first readings folded with the fuzzy-pinyin
// confusions (zh→z, ch→c, sh→s, l→n; ang→an, eng→en, ing→in), so that
// names read alike by a southern speaker share a block.
func fuzzyKey(b []byte, py string, units [][]string, roman []string) []byte {
	fold := func(s string) {
		start := len(b)
		switch {
		case strings.HasPrefix(s, "zh"), strings.HasPrefix(s, "ch"), strings.HasPrefix(s, "sh"):
			b = append(append(b, s[0]), s[2:]...)
		case strings.HasPrefix(s, "l"):
			b = append(append(b, 'n'), s[1:]...)
		default:
			b = append(b, s...)
		}
		if seg := b[start:]; len(seg) >= 3 && string(seg[len(seg)-2:]) == "ng" && seg[len(seg)-3] != 'o' {
			b = b[:len(b)-1]
		}
		for i := start; i < len(b); i++ {
			if b[i] == 'v' {
				b[i] = 'u'
			}
		}
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
	return b
}

// entry is one record under one blocking key, by the key's hash.
type entry struct {
	h   uint64
	typ uint8
	i   int32
}

func hashKey[T string | []byte](typ int, s T) uint64 {
	h := uint64(14695981039346656037)
	h = (h ^ uint64(typ)) * 1099511628211
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * 1099511628211
	}
	return h
}

// blockEntries returns every record's blocking keys as entries sorted by
// key hash, then record.
func blockEntries(ctx context.Context, fs *features, workers int) ([]entry, error) {
	n := len(fs.f)
	parts := make([][]entry, workers)
	chunk := (n + workers - 1) / workers
	g, gctx := errgroup.WithContext(ctx)
	for w := range workers {
		lo, hi := w*chunk, min(n, (w+1)*chunk)
		g.Go(func() error {
			es := make([]entry, 0, max(0, hi-lo)*6)
			var buf []byte
			for i := lo; i < hi; i++ {
				if i%4096 == 0 {
					if err := gctx.Err(); err != nil {
						return err
					}
				}
				buf = keys(&fs.f[i], buf, func(typ int, k []byte) {
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
	sortEntries(es)
	return es, nil
}

// block returns the distinct candidate pairs (i<<32 | j, i < j) in
// ascending order, and fills the blocking figures of st. Pairs of two
// records an earlier run settled (dec.settled) are left out before they
// are compared; dec may be nil.
func block(ctx context.Context, fs *features, opt *Options, dec *decisions, st *Stats) ([]uint64, error) {
	n := len(fs.f)
	es, err := blockEntries(ctx, fs, opt.Workers)
	if err != nil {
		return nil, err
	}
	var settled func(i, j int32) bool
	if dec != nil && dec.existing != nil {
		settled = dec.settled
	}

	st.Blocks = map[string]int{}
	pairs := make([]uint64, 0, countPairs(es, opt.MaxBlock)+n*(window-1))
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
		limit := opt.BlockLimit(weakKey[blk[0].typ])
		if len(blk) > limit {
			st.CappedBlocks = append(st.CappedBlocks, CappedBlock{KeyType: typ, Key: keyText(fs, blk[0]), Size: len(blk)})
			continue
		}
		st.Blocks[typ]++
		for x := range blk {
			for y := x + 1; y < len(blk); y++ {
				if settled != nil && settled(blk[x].i, blk[y].i) {
					continue
				}
				pairs = append(pairs, uint64(blk[x].i)<<32|uint64(blk[y].i))
			}
		}
	}
	es = nil

	// Sorted neighbourhood on the pinyin key catches what the exact keys
	// miss (a dropped or extra character).
	// Sorted by the key's first eight bytes, then the key, then record:
	// most comparisons are decided without reading the strings.
	type pyPos struct {
		head uint64
		i    int32
	}
	byPy := make([]pyPos, 0, n)
	for i := range fs.f {
		if py := fs.f[i].name.py; py != "" {
			byPy = append(byPy, pyPos{head8(py), int32(i)})
		}
	}
	slices.SortFunc(byPy, func(a, b pyPos) int {
		if a.head != b.head {
			return cmp.Compare(a.head, b.head)
		}
		return cmp.Or(strings.Compare(fs.f[a.i].name.py, fs.f[b.i].name.py), cmp.Compare(a.i, b.i))
	})
	added := 0
	for x := range byPy {
		for y := x + 1; y < len(byPy) && y < x+window; y++ {
			i, j := min(byPy[x].i, byPy[y].i), max(byPy[x].i, byPy[y].i)
			if settled != nil && settled(i, j) {
				continue
			}
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

// head8 packs the first eight bytes of s big-endian, zero-padded: two
// strings whose heads differ compare as their heads do.
func head8(s string) uint64 {
	var h uint64
	for k := range 8 {
		h <<= 8
		if k < len(s) {
			h |= uint64(s[k])
		}
	}
	return h
}

// countPairs returns how many pairs the blocks of es (sorted by hash,
// then record) yield, so that the pair list is allocated once.
func countPairs(es []entry, maxBlock int) int {
	total := 0
	for lo := 0; lo < len(es); {
		k, hi := 1, lo+1
		for hi < len(es) && es[hi].h == es[lo].h {
			if es[hi].i != es[hi-1].i {
				k++
			}
			hi++
		}
		limit := max(2, maxBlock)
		if weakKey[es[lo].typ] {
			limit = max(2, maxBlock/8)
		}
		if k >= 2 && k <= limit {
			total += k * (k - 1) / 2
		}
		lo = hi
	}
	return total
}

// keyText recovers the text of the key an entry stands for.
func keyText(fs *features, e entry) string {
	var out string
	keys(&fs.f[e.i], nil, func(typ int, k []byte) {
		if out == "" && typ == int(e.typ) && hashKey(typ, k) == e.h {
			out = string(k)
		}
	})
	return out
}

// sortEntries sorts es by key hash, then record. es comes in record order
// (each worker's chunk in turn), so a stable radix sort on the hash alone
// gives that order without comparing records.
func sortEntries(es []entry) {
	if len(es) < 1<<12 {
		slices.SortStableFunc(es, func(a, b entry) int { return cmp.Compare(a.h, b.h) })
		return
	}
	buf := make([]entry, len(es))
	src, dst := es, buf
	var count [1 << 16]int
	for shift := uint(0); shift < 64; shift += 16 {
		clear(count[:])
		for _, e := range src {
			count[(e.h>>shift)&0xFFFF]++
		}
		if count[(src[0].h>>shift)&0xFFFF] == len(src) {
			continue // all equal in this digit
		}
		pos := 0
		for d, c := range count {
			count[d] = pos
			pos += c
		}
		for _, e := range src {
			d := (e.h >> shift) & 0xFFFF
			dst[count[d]] = e
			count[d]++
		}
		src, dst = dst, src
	}
	if &src[0] != &es[0] {
		copy(es, src)
	}
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

package match

import (
	"cmp"
	"context"
	"iter"
	"math"
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

// typInitials and typAddress are keyInitials' and keyAddress' indexes in
// keyTypes.
const (
	typInitials = 6
	typAddress  = 8
)

// weakKey marks key types whose blocks grow with the file (common names,
// office buildings):
// they are capped at an eighth of MaxBlock. A common name's duplicates
// still meet through the mobile, e-mail and address keys and the sorted
// neighbourhood.
var weakKey = [9]bool{4: true, 5: true, 6: true, 8: true}

// grows marks the key types whose blocks grow with the file (a common
// name's pinyin, fuzzy pinyin and initials, a company name's key, an
// office building's address): their blocks over fineBlock are compared by
// city (see splitBlock), so that the candidate pairs grow with the rows
// rather than with their square.
var grows = [9]bool{3: true, 4: true, 5: true, 6: true, 8: true}

// fineBlock is the largest block of a key that grows with the file
// compared whole (when the key's limit is not lower).
const fineBlock = 10

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
	var idx []int
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

// keyCount is the number of keys keys yields for f (a name's heteronym
// combinations spelling one key twice count twice), so that the entries
// are allocated once.
func keyCount(f *feat) int {
	n := len(f.mobiles) + len(f.emails) + len(f.lines)
	if f.uscc != "" {
		n++
	}
	nf := &f.name
	if f.company && nf.key != "" {
		n++
	}
	if nf.roman != nil {
		n++
		if len(nf.roman) > 1 {
			n++
		}
	} else if len(nf.units) > 0 {
		c := 1
		for _, u := range nf.units {
			if c *= max(1, len(u)); c >= maxCombos {
				break
			}
		}
		n += min(c, maxCombos)
	}
	if nf.py != "" {
		n++
	}
	if len(nf.initial) >= 2 && f.city != "" {
		n++
	}
	if f.place != "" && len(f.bigrams) >= 4 {
		n++
	}
	return n
}

// blockEntries returns every record's blocking keys as entries sorted by
// key hash, then record.
func blockEntries(ctx context.Context, fs *features, workers int) ([]entry, error) {
	n := len(fs.f)
	chunk := (n + workers - 1) / workers
	// Count first, so that every worker fills its own part of one array.
	counts := make([]int, workers)
	for i := range fs.f {
		counts[i/chunk] += keyCount(&fs.f[i])
	}
	total := 0
	for _, c := range counts {
		total += c
	}
	es := make([]entry, total)
	parts := make([][]entry, workers)
	g, gctx := errgroup.WithContext(ctx)
	at := 0
	for w := range workers {
		lo, hi := w*chunk, min(n, (w+1)*chunk)
		part := es[at : at : at+counts[w]]
		at += counts[w]
		g.Go(func() error {
			var buf []byte
			for i := lo; i < hi; i++ {
				if i%4096 == 0 {
					if err := gctx.Err(); err != nil {
						return err
					}
				}
				buf = keys(&fs.f[i], buf, func(typ int, k []byte) {
					part = append(part, entry{h: hashKey(typ, k), typ: uint8(typ), i: int32(i)})
				})
			}
			parts[w] = part
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	for w, part := range parts {
		if len(part) != counts[w] {
			// keyCount missed a key: a part outgrew its room and moved.
			es = slices.Concat(parts...)
			break
		}
	}
	sortEntries(es)
	return es, nil
}

// blocks yields the bounds of each run of entries that share a key hash,
// in order: es[lo:hi] is one block.
func blocks(es []entry) iter.Seq2[int, int] {
	return func(yield func(lo, hi int) bool) {
		for lo := 0; lo < len(es); {
			hi := lo + 1
			for hi < len(es) && es[hi].h == es[lo].h {
				hi++
			}
			if !yield(lo, hi) {
				return
			}
			lo = hi
		}
	}
}

// block returns the distinct candidate pairs (i<<32 | j, i < j) in
// ascending order, and fills the blocking figures of st. Pairs of two
// records an earlier run settled (dec.settled) are left out before they
// are compared; dec may be nil.
//
// It also returns the pairs the estimator sees beside them: a sample of
// the pairs of blocks within their limit that were compared by city or by
// a window instead of whole (some may be candidate pairs as well).
func block(ctx context.Context, fs *features, opt *Options, dec *decisions, st *Stats) (pairs []uint64, sample estSample, err error) {
	n := len(fs.f)
	// Sorted neighbourhood on the pinyin key catches what the exact keys
	// miss (a dropped or extra character). The records are sorted by
	// their pinyin on the side, while the exact keys are gathered.
	type pyPos struct {
		head uint64
		i    int32
	}
	var byPy []pyPos
	sorted := make(chan struct{})
	go func() {
		defer close(sorted)
		// Sorted by the key's first eight bytes, then the key, then
		// record: most comparisons are decided without reading the strings.
		byPy = make([]pyPos, 0, n)
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
	}()
	es, err := blockEntries(ctx, fs, opt.Workers)
	if err != nil {
		<-sorted
		return nil, sample, err
	}
	// A record can yield one key twice (two heteronym combinations
	// spelling the same); entries are sorted by key, then record, so
	// dropping repeats leaves each block's records distinct and ascending.
	es = slices.CompactFunc(es, func(a, b entry) bool { return a.h == b.h && a.i == b.i })
	var settled func(i, j int32) bool
	if dec != nil && dec.existing != nil {
		settled = dec.settled
	}

	// The blocks to compare, as ranges of es; the others are too small
	// or too large (reported).
	var spans []span
	// Parts of oversized blocks, cut from es into extra (xspans).
	var extra []entry
	var xspans []span
	var cross []uint64
	var pl *placeIDs // made at the first block to split
	var whole []span // blocks within their limit not compared whole
	st.Blocks = map[string]int{}
	strong, weak := opt.BlockLimit(false), opt.BlockLimit(true)
	for lo, hi := range blocks(es) {
		blk := es[lo:hi]
		if len(blk) < 2 {
			continue
		}
		typ, limit := keyTypes[blk[0].typ], strong
		if weakKey[blk[0].typ] {
			limit = weak
		}
		if blk[0].typ == typInitials && !slices.ContainsFunc(blk, func(e entry) bool { return fs.f[e.i].name.abbreviated() }) {
			// Initials find a name written as its pinyin initials (hxkj
			// for 华信科技); names that merely share initials (张伟, 赵文)
			// are not worth comparing: a fifth of all pairs, none of them
			// duplicates found no other way on the benchmark corpus.
			continue
		}
		fine := limit
		if grows[blk[0].typ] {
			fine = min(limit, fineBlock)
		}
		if len(blk) > fine && len(blk) <= limit {
			whole = append(whole, span{int32(hi - len(blk)), int32(hi)})
		}
		if blk[0].typ == typAddress && len(blk) > fine {
			// An address key holds the city already: the records of a
			// busy address (an office building) are compared by the
			// sorted-neighbourhood window in order of their name's
			// pinyin instead, which bounds a record's pairs whatever the
			// number of its neighbours. Of the true pairs of the 1M
			// benchmark corpus, 6 of 542,476 are found only by an address
			// key in a block this large.
			cross = appendWindow(cross, fs, blk, window, namePinyin, settled)
			st.Blocks[typ]++
			continue
		}
		if len(blk) > fine {
			// Compared by city (and an oversized city by district)
			// rather than whole or skipped, so that a block growing with
			// the file never costs the square of its rows nor loses the
			// pairs a smaller file compares (a pair that can merge
			// through a name or address key agrees on the address, hence
			// on the city).
			if pl == nil {
				pl = placesOf(fs)
			}
			parts, across, crowded := splitBlock(fs, pl, blk, limit)
			for _, sub := range parts {
				if sub.capped {
					st.CappedBlocks = append(st.CappedBlocks, CappedBlock{KeyType: typ, Key: keyText(fs, blk[0]) + sub.where, Size: len(sub.entries)})
					continue
				}
				st.Blocks[typ]++
				xspans = append(xspans, span{int32(len(extra)), int32(len(extra) + len(sub.entries))})
				extra = append(extra, sub.entries...)
			}
			// A city over the limit is compared by district, and across
			// its districts (a duplicate's district is often missing or
			// told apart) by windows in order of mobile and of address.
			for _, c := range crowded {
				cross = appendWindow(cross, fs, c, window, firstMobile, settled)
				cross = appendWindow(cross, fs, c, window, addressOf, settled)
			}
			for _, c := range across {
				for _, e := range c.unknown {
					for _, f := range c.known {
						i, j := min(e.i, f.i), max(e.i, f.i)
						if settled == nil || !settled(i, j) {
							cross = append(cross, uint64(i)<<32|uint64(j))
						}
					}
				}
			}
			continue
		}
		st.Blocks[typ]++
		spans = append(spans, span{int32(hi - len(blk)), int32(hi)})
	}
	// Pairs of a record of unknown place with the others of its block,
	// and those of busy addresses' windows, each once, by first record.
	sortPairs(cross, nil)
	cross = slices.Compact(cross)
	sample = sampleOf(es, whole, settled)
	eachBlock := func(fn func(blk []entry)) {
		for _, sp := range spans {
			fn(es[sp.lo:sp.hi])
		}
		for _, sp := range xspans {
			fn(extra[sp.lo:sp.hi])
		}
	}

	<-sorted // byPy
	// The pairs (i, j), i < j, are gathered in parts by ranges of i, each
	// part sorted and deduplicated on its own, so that the raw pairs (a
	// pair shares several keys) of only one part are held at a time.
	neighbours := func(yield func(i, j int32)) {
		for x := range byPy {
			for y := x + 1; y < len(byPy) && y < x+window; y++ {
				i, j := min(byPy[x].i, byPy[y].i), max(byPy[x].i, byPy[y].i)
				if settled == nil || !settled(i, j) {
					yield(i, j)
				}
			}
		}
	}
	// An upper bound of the raw pairs per range of 1/1024th of the
	// records, by first record, from which the parts are cut to hold
	// about pairsPerPart each: most pairs come first, a pair's first
	// record being the smaller of two.
	const ranges = 1024
	var upTo [ranges + 1]int // raw pairs with a first record in ranges below
	rangeOf := func(i int32) int { return int(int64(i) * ranges / int64(n)) }
	eachBlock(func(blk []entry) {
		for x, e := range blk {
			upTo[rangeOf(e.i)+1] += len(blk) - 1 - x
		}
	})
	for x := range byPy {
		for y := x + 1; y < len(byPy) && y < x+window; y++ {
			upTo[rangeOf(min(byPy[x].i, byPy[y].i))+1]++
		}
	}
	for _, p := range cross {
		upTo[rangeOf(int32(p>>32))+1]++
	}
	for r := range ranges {
		upTo[r+1] += upTo[r]
	}
	raw := upTo[ranges]
	var cuts []int // the parts: ranges cuts[k] to cuts[k+1]
	most := 0      // the most raw pairs of a part
	for r := 0; r < ranges; {
		next := r + 1
		for next < ranges && upTo[next+1]-upTo[r] <= pairsPerPart {
			next++
		}
		cuts = append(cuts, r)
		most = max(most, upTo[next]-upTo[r])
		r = next
	}
	cuts = append(cuts, ranges)
	// firstOf is the first record of range r.
	firstOf := func(r int) int32 { return int32((int64(r)*int64(n) + ranges - 1) / ranges) }
	part := make([]uint64, 0, most)
	var buf []uint64
	added := 0
	for k := range len(cuts) - 1 {
		if err := ctx.Err(); err != nil {
			return nil, sample, err
		}
		lo, hi := firstOf(cuts[k]), firstOf(cuts[k+1])
		part = part[:0]
		eachBlock(func(blk []entry) {
			// Records ascend in a block: pairs whose first record is
			// in the part start at the first such record.
			if blk[0].i >= hi || blk[len(blk)-2].i < lo {
				return
			}
			x := 0
			for blk[x].i < lo {
				x++
			}
			for ; x < len(blk)-1 && blk[x].i < hi; x++ {
				e := blk[x]
				for _, f := range blk[x+1:] {
					if settled == nil || !settled(e.i, f.i) {
						part = append(part, uint64(e.i)<<32|uint64(f.i))
					}
				}
			}
		})
		from, _ := slices.BinarySearch(cross, uint64(lo)<<32)
		to, _ := slices.BinarySearch(cross, uint64(hi)<<32)
		part = append(part, cross[from:to]...)
		neighbours(func(i, j int32) {
			if i >= lo && i < hi {
				part = append(part, uint64(i)<<32|uint64(j))
				added++
			}
		})
		buf = sortPairs(part, buf)
		part = slices.Compact(part)
		if pairs == nil && len(part) > 0 { // the first part tells how many pairs to expect
			rawHere := upTo[cuts[k+1]] - upTo[cuts[k]]
			pairs = make([]uint64, 0, int(float64(len(part))*float64(raw)/float64(rawHere)*1.05))
		}
		pairs = append(pairs, part...)
	}
	part, buf, es, spans, extra, xspans, cross = nil, nil, nil, nil, nil, nil, nil
	if added > 0 {
		st.Blocks[keyNeighbor] = added
	}
	slices.SortFunc(st.CappedBlocks, func(a, b CappedBlock) int {
		return cmp.Or(cmp.Compare(b.Size, a.Size), strings.Compare(a.KeyType, b.KeyType), strings.Compare(a.Key, b.Key))
	})
	return pairs, sample, nil
}

// span is a range of entries, lo to hi.
type span struct{ lo, hi int32 }

// estSample are pairs compared for the estimate only (ascending,
// distinct), each standing for oneIn pairs.
type estSample struct {
	pairs []uint64
	oneIn int
}

// sampleSize is about the most pairs an estimate sample holds: enough that
// sampling moves no weight by more than a few hundredths of a bit, few
// enough that comparing them costs little beside the candidate pairs
// (a few per cent of them at 1M rows, less beyond). A variable for tests.
var sampleSize = 1 << 18

// sampleOf draws the sample of the pairs of the blocks es[sp.lo:sp.hi],
// one pair in so many that it holds about sampleSize at most (all of them
// when they are fewer), unless settled. A pair is drawn by a mix of its
// bits, so that a pair several blocks share is drawn in all of them or
// none, whatever the order of blocks or the number of workers.
func sampleOf(es []entry, blocks []span, settled func(i, j int32) bool) estSample {
	all := 0
	for _, sp := range blocks {
		n := int(sp.hi - sp.lo)
		all += n * (n - 1) / 2
	}
	oneIn := max(1, (all+sampleSize-1)/sampleSize)
	var pairs []uint64
	for _, sp := range blocks {
		blk := es[sp.lo:sp.hi]
		for x, e := range blk {
			for _, f := range blk[x+1:] {
				p := uint64(e.i)<<32 | uint64(f.i) // records ascend in a block
				if (oneIn == 1 || mix(p)%uint64(oneIn) == 0) && (settled == nil || !settled(e.i, f.i)) {
					pairs = append(pairs, p)
				}
			}
		}
	}
	sortPairs(pairs, nil)
	return estSample{pairs: slices.Compact(pairs), oneIn: oneIn}
}

// mix is splitmix64's finalizer.
func mix(p uint64) uint64 {
	p ^= p >> 30
	p *= 0xbf58476d1ce4e5b9
	p ^= p >> 27
	p *= 0x94d049bb133111eb
	return p ^ p>>31
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

// pairsPerPart is about how many raw pairs block gathers at a time (a
// variable for tests).
var pairsPerPart = 4 << 20

// sortPairs sorts a in place with an LSD radix sort (candidate pair lists
// run to millions), using buf as scratch space, and returns buf (grown as
// needed) for reuse.
func sortPairs(a, buf []uint64) []uint64 {
	if len(a) < 1<<12 {
		slices.Sort(a)
		return buf
	}
	if cap(buf) < len(a) {
		buf = make([]uint64, len(a))
	}
	src, dst := a, buf[:len(a)]
	var count [1 << 16]int
	for shift := uint(0); shift < 64; shift += 16 {
		clear(count[:])
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
	return buf
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

// subBlock is a part of a split block: its entries, in record order;
// capped when it is still too large to compare, and then where it lies.
type subBlock struct {
	entries []entry
	where   string
	capped  bool
}

// appendWindow appends to pairs those of each record of blk with a
// non-empty sort key with the next w-1 such records in order of the key
// (then record), i < j, unless settled.
func appendWindow(pairs []uint64, fs *features, blk []entry, w int, key func(*feat) string, settled func(i, j int32) bool) []uint64 {
	sorted := make([]entry, 0, len(blk))
	for _, e := range blk {
		if key(&fs.f[e.i]) != "" {
			sorted = append(sorted, e)
		}
	}
	slices.SortStableFunc(sorted, func(a, b entry) int {
		return strings.Compare(key(&fs.f[a.i]), key(&fs.f[b.i]))
	})
	for x, e := range sorted {
		for _, f := range sorted[x+1 : min(len(sorted), x+w)] {
			i, j := min(e.i, f.i), max(e.i, f.i)
			if settled == nil || !settled(i, j) {
				pairs = append(pairs, uint64(i)<<32|uint64(j))
			}
		}
	}
	return pairs
}

// Sort keys of the windows over large blocks.
func namePinyin(f *feat) string { return f.name.py }
func addressOf(f *feat) string  { return f.place }
func firstMobile(f *feat) string {
	if len(f.mobiles) == 0 {
		return ""
	}
	return f.mobiles[0].s
}

// placeIDs numbers the records' cities (province and city) and districts
// from 1, 0 when unknown, so that blocks are split comparing numbers.
type placeIDs struct {
	city, district []int32
}

func placesOf(fs *features) *placeIDs {
	pl := &placeIDs{city: make([]int32, len(fs.f)), district: make([]int32, len(fs.f))}
	cities := map[[2]string]int32{}
	districts := map[string]int32{}
	for i := range fs.f {
		f := &fs.f[i]
		if f.province != "" || f.city != "" {
			k := [2]string{f.province, f.city}
			id, ok := cities[k]
			if !ok {
				id = int32(len(cities) + 1)
				cities[k] = id
			}
			pl.city[i] = id
		}
		if f.district != "" {
			id, ok := districts[f.district]
			if !ok {
				id = int32(len(districts) + 1)
				districts[f.district] = id
			}
			pl.district[i] = id
		}
	}
	return pl
}

// unplaced are the records of a split block whose place is unknown, with
// the others of the block they are compared with one by one.
type unplaced struct {
	unknown, known []entry
}

// splitBlock cuts a block over fine into the records of each city, and a
// city's part over limit into those of each district; the cities over
// limit are returned as crowded, to be compared by windows as well. A part of unknown
// city (or district) is compared within itself; while the block is within
// limit, the size it used to be compared whole at, each of its records is
// also compared with every other record of the block (returned as
// unplaced), so that splitting loses no pair but those of two known,
// different places. Parts of one record are dropped; parts still over
// limit are returned capped.
func splitBlock(fs *features, pl *placeIDs, blk []entry, limit int) (parts []subBlock, across []unplaced, crowded [][]entry) {
	// byPlace adds the parts of es by place (id: a record's place number,
	// 0 unknown), and returns those of a known place over over, to split
	// further. A part's place is spelt out (where) only when it is capped
	// or split.
	byPlace := func(es []entry, id []int32, over int, where func(*feat) string) (split []subBlock) {
		sorted := slices.Clone(es)
		slices.SortStableFunc(sorted, func(a, b entry) int { return cmp.Compare(id[a.i], id[b.i]) })
		for lo := 0; lo < len(sorted); {
			p := id[sorted[lo].i]
			hi := lo + 1
			for hi < len(sorted) && id[sorted[hi].i] == p {
				hi++
			}
			part := sorted[lo:hi]
			lo = hi
			if p == 0 && len(es) <= limit && len(part) < len(es) {
				across = append(across, unplaced{unknown: part, known: sorted[hi:]})
			}
			if len(part) < 2 {
				continue
			}
			sub := subBlock{entries: part}
			switch {
			case p != 0 && len(part) > over:
				sub.where = where(&fs.f[part[0].i])
				split = append(split, sub)
			default:
				if sub.capped = len(part) > limit; sub.capped {
					sub.where = where(&fs.f[part[0].i])
				}
				parts = append(parts, sub)
			}
		}
		return split
	}
	for _, c := range byPlace(blk, pl.city, limit, func(f *feat) string { return " | " + f.province + f.city }) {
		crowded = append(crowded, c.entries)
		byPlace(c.entries, pl.district, math.MaxInt, func(f *feat) string { return c.where + f.district })
	}
	return parts, across, crowded
}

// abbreviated reports a name written as pinyin initials in latin letters
// (hxkj): its key is its initials.
func (nf *nameFeat) abbreviated() bool {
	return len(nf.key) >= 2 && nf.key == nf.initial && !hasHanUnits(nf.units)
}

// without returns the pairs of a not in b, both ascending, reusing a.
func without(a, b []uint64) []uint64 {
	out := a[:0]
	k := 0
	for _, p := range a {
		for k < len(b) && b[k] < p {
			k++
		}
		if k < len(b) && b[k] == p {
			continue
		}
		out = append(out, p)
	}
	return out
}

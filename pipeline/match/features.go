package match

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/crmclean/crmclean/pipeline/normalize/pinyin"
	"github.com/crmclean/crmclean/pipeline/normalize/text"
	"github.com/crmclean/crmclean/pipeline/record"
	"github.com/crmclean/crmclean/rules"
)

// feat is what comparison needs of one record, computed once.
type feat struct {
	company bool
	name    nameFeat // NameKey for companies, Name for persons
	contact nameFeat // empty when it is the name itself (persons)
	display string   // the name as written, for evidence

	mobiles []value
	lines   []value // landline, service and other numbers, by E.164 (switchboard)
	// mobileH and lineH are the hash of the only mobile or other number,
	// 0 unless there is exactly one, not shared (see singles): compared
	// without reading the lists.
	mobileH, lineH uint64
	// short are mobiles written one digit short (ten digits), compared
	// as near matches of the other side's mobiles.
	short  []string
	emails []email
	owner  string // the owner column (a sales rep), for judging numbers
	notOwn int32  // numbers removed as none of the customer's own
	judged bool   // carries a number this run judged anew (numbers.go)

	province, city, district, adcode string
	bigrams                          []uint32 // sorted distinct character bigrams of the address detail
	place                            string   // city and compact address detail, a blocking key
	uscc                             string
	usccH                            uint64 // hashKey(0, uscc)
	branch                           string // branch designation, e.g. "上海分公司"
}

// nameFeat is a person's or company's name read for comparison.
type nameFeat struct {
	key     string     // compact form, compared for agreement
	keyH    uint64     // hashKey(0, key), compared first
	units   [][]string // readings per unit
	py      string     // first readings joined ("zhangwei"); romanized names as written
	roman   []string   // syllables of a name written in latin letters
	initial string     // first letters of the first readings ("zw")
	freq    int32      // records with this key
	pyFreq  int32      // records with this pinyin key
	titled  bool       // surname and title (李经理), see isTitled
	group   bool       // a company name declaring a group (昌顺集团), see isGroupName
	// keyID numbers the distinct keys of a run (names and contacts
	// apart), so that two keys compare without reading them; 0 when
	// unknown (see numberKeys).
	keyID uint32
}

// value is a phone with the number of distinct names it appears with.
type value struct {
	s    string
	h    uint64 // hash of s, compared first to spare reading s
	freq int32
	// shared marks a number several customers share (numbers.go);
	// ambiguous one that two persons of one surname share.
	shared, ambiguous bool
}

// email is an address with its domain split off.
type email struct {
	h      uint64 // hashKey(0, addr), compared first
	addr   string
	domain string
	free   bool
	freq   int32
}

// features holds every record's features in fingerprint order.
type features struct {
	f     []feat
	index []int // internal position → input index
	tf    tfScale
}

// tfScale holds, per field, the average chance that two random records
// agree (sum of squared value shares) and the totals the shares divide by.
type tfScale struct {
	name, py, contact, mobile, line, email tfField
}

type tfField struct {
	total    float64
	avg      float64
	discount int32 // occurrences the pair itself accounts for
}

// adj is the term-frequency adjustment, in bits, of agreeing on a value
// seen freq times: positive for rare values, negative for common ones.
func (t tfField) adj(freq int32, lo, hi float64) float64 {
	if freq <= 0 || t.total == 0 || t.avg == 0 {
		return 0
	}
	return max(lo, min(hi, math.Log2(t.avg*t.total/float64(max(1, freq-t.discount)))))
}

// keyOf gives, per internal position, the row key of its record: its key
// in keys, or its input index when keys is empty.
func (fs *features) keyOf(keys []record.Key) []record.Key {
	out := make([]record.Key, len(fs.index))
	for i, x := range fs.index {
		if len(keys) > 0 {
			out[i] = keys[x]
		} else {
			out[i] = record.Key(x)
		}
	}
	return out
}

// toKeys translates ps's internal positions to row keys (keyOf), in place.
func toKeys(ps []Pair, key []record.Key) []Pair {
	for i := range ps {
		ps[i].A, ps[i].B = key[ps[i].A], key[ps[i].B]
	}
	return ps
}

// order ranks records by a stable content key so that results do not
// depend on input order.
func order(recs []*record.Record) []int {
	// The fingerprint's first eight bytes decide most comparisons without
	// reading the records; input position breaks the last ties, as a
	// stable sort would, so an unstable (faster) sort gives the same order.
	type ranked struct {
		head uint64
		x    int
	}
	rs := make([]ranked, len(recs))
	for i, r := range recs {
		rs[i] = ranked{head8(r.Fingerprint), i}
	}
	slices.SortFunc(rs, func(p, q ranked) int {
		if p.head != q.head {
			return cmp.Compare(p.head, q.head)
		}
		x, y := p.x, q.x
		a, b := recs[x], recs[y]
		if c := strings.Compare(a.Fingerprint, b.Fingerprint); c != 0 {
			return c // the usual case: decided without the tie-breakers
		}
		return cmp.Or(
			strings.Compare(a.Prov.File, b.Prov.File),
			strings.Compare(a.Prov.Sheet, b.Prov.Sheet),
			cmp.Compare(a.Prov.Row, b.Prov.Row),
			strings.Compare(a.Norm.Name, b.Norm.Name),
			cmp.Compare(x, y),
		)
	})
	idx := make([]int, len(recs))
	for i, r := range rs {
		idx[i] = r.x
	}
	return idx
}

// defaultBranches are the default rules' branch words, parsed once.
var defaultBranches = sync.OnceValue(func() []string { return rules.Default().Names.BranchWords })

// extract computes the features of every record and the value frequencies.
func extract(recs []*record.Record, opt *Options) *features {
	fs := &features{index: order(recs), f: make([]feat, len(recs))}
	free := make(map[string]bool, len(opt.FreeDomains))
	for _, d := range opt.FreeDomains {
		free[strings.ToLower(strings.TrimSpace(d))] = true
	}
	branches := opt.BranchWords
	if branches == nil {
		branches = defaultBranches()
	}
	branches = slices.Clone(branches)
	slices.SortFunc(branches, func(a, b string) int { return cmp.Or(cmp.Compare(len(b), len(a)), strings.Compare(a, b)) })
	// Records are read in input order, the order they lie in memory,
	// rather than fetched at random in fingerprint order.
	rank := make([]int32, len(recs))
	for i, x := range fs.index {
		rank[x] = int32(i)
	}
	parallel(len(recs), opt.Workers, func(lo, hi int) {
		rd := reader{namer: opt.Namer, branchLead: leads(branches)}
		for x := lo; x < hi; x++ {
			rd.feat(&fs.f[rank[x]], &recs[x].Norm, free, branches)
		}
	})
	fs.frequencies(opt.Workers)
	return fs
}

// reader computes features; one per goroutine.
type reader struct {
	namer Namer
	slab  [][]string // backing store the records' reading units are cut from
	// branchLead holds the first character of every branch word: a name
	// without any holds no branch word. Empty when a word is empty.
	branchLead string
}

// leads returns the distinct first characters of words, or "" when a word
// is empty (it occurs in every name) or not UTF-8 (it may begin inside a
// character).
func leads(words []string) string {
	var b strings.Builder
	for _, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		if w == "" || !utf8.ValidString(w) {
			return ""
		}
		if !strings.ContainsRune(b.String(), r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// readingsAppender is implemented by a Namer that can append a name's
// readings to a slice instead of allocating one per name (*name.Namer).
type readingsAppender interface {
	AppendReadings(dst [][]string, name string, kind record.Kind) [][]string
}

// slabSize is the number of units the reader allocates at a time.
const slabSize = 4096

// readings returns the namer's readings of key, cut from the reader's slab
// when the namer can append.
func (rd *reader) readings(key string, kind record.Kind) [][]string {
	ra, ok := rd.namer.(readingsAppender)
	if !ok {
		return rd.namer.Readings(key, kind)
	}
	// A name rarely has more units than bytes, so the units usually fit in
	// the slab; when they do not, append moves them to a new array and the
	// units already handed out keep the old one.
	if cap(rd.slab)-len(rd.slab) < len(key) {
		rd.slab = make([][]string, 0, max(slabSize, len(key)))
	}
	start := len(rd.slab)
	rd.slab = ra.AppendReadings(rd.slab, key, kind)
	if len(rd.slab) == start {
		return nil
	}
	return rd.slab[start:len(rd.slab):len(rd.slab)]
}

// feat fills f, a zero feat, with the features of n.
func (rd *reader) feat(f *feat, n *record.Normalized, free map[string]bool, branches []string) {
	f.company, f.display = n.Kind == record.Company, n.Name
	cname := compact(n.Name)
	key := cname
	kind := record.Person
	if f.company {
		kind = record.Company
		if n.NameKey != "" {
			key = compact(n.NameKey)
		}
	}
	f.name = rd.read(key, n.Name, kind)
	if c := compact(n.Contact); c != "" && (f.company || c != cname) {
		f.contact = rd.read(c, n.Contact, record.Person)
	}
	for _, p := range n.Phones {
		if p.E164 == "" {
			continue
		}
		if p.Type == record.Mobile {
			f.mobiles = appendValue(f.mobiles, p.E164)
		} else {
			f.lines = appendValue(f.lines, p.E164)
		}
	}
	f.singles()
	f.short, f.owner = n.ShortMobiles(), n.Owner
	for _, e := range n.Emails {
		e = strings.ToLower(strings.TrimSpace(e))
		at := strings.LastIndexByte(e, '@')
		if at <= 0 || slices.ContainsFunc(f.emails, func(x email) bool { return x.addr == e }) {
			continue
		}
		d := e[at+1:]
		f.emails = append(f.emails, email{h: hashKey(0, e), addr: e, domain: d, free: free[d]})
	}
	f.province, f.city, f.district, f.adcode = n.Province, n.City, n.District, n.Adcode
	if len(f.adcode) != 6 {
		f.adcode = ""
	}
	f.bigrams = bigrams(n.Address)
	if d := compact(n.Address); d != "" {
		f.place = n.City + "|" + d
	}
	f.uscc = strings.ToUpper(strings.TrimSpace(n.USCC))
	f.usccH = hashKey(0, f.uscc)
	if f.company && (rd.branchLead == "" || strings.ContainsAny(cname, rd.branchLead)) {
		f.branch = branchOfCompact(cname, branches)
	}
}

// singles sets mobileH and lineH: the hash of the only number of its
// kind when there is exactly one and it is not shared, else 0.
func (f *feat) singles() {
	f.mobileH, f.lineH = single(f.mobiles), single(f.lines)
}

func single(vs []value) uint64 {
	if len(vs) == 1 && !vs[0].shared {
		return vs[0].h
	}
	return 0
}

func appendValue(vs []value, s string) []value {
	for _, v := range vs {
		if v.s == s {
			return vs
		}
	}
	return append(vs, value{s: s, h: hashKey(0, s)})
}

// isGroupName reports a company name declaring a group: 集团 as its legal
// form (昌顺集团有限公司, 昌顺集团公司) or anywhere else (中国移动通信集团浙江
// 有限公司, 华信（集团）有限公司). The match key leaves it out, as a legal form.
func isGroupName(written string) bool { return strings.Contains(written, "集团") }

// compact drops spaces and folds latin letters to lower case.
func compact(s string) string {
	s = strings.TrimSpace(s)
	if !needsCompact(s) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if !unicode.IsSpace(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// needsCompact reports whether s holds a space or an upper-case letter,
// deciding CJK ideographs (neither) and ASCII without the Unicode tables.
func needsCompact(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 'A' && c <= 'Z' || c == ' ' || c >= '\t' && c <= '\r' {
				return true
			}
			i++
			continue
		}
		if text.HanAt(s, i) {
			i += 3
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) || unicode.IsUpper(r) {
			return true
		}
		i += size
	}
	return false
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// read gives a name's readings (or its romanized syllables when it is
// written in latin letters) and pinyin keys.
func (rd *reader) read(key, written string, kind record.Kind) nameFeat {
	nf := nameFeat{key: key, titled: isTitled(key), group: kind == record.Company && isGroupName(written)}
	if key == "" {
		return nf
	}
	nf.keyH = hashKey(0, key)
	if !hasHan(written) {
		if syl, ok := rd.romanized(written); ok && len(syl) > 0 {
			nf.roman, nf.py = syl, strings.Join(syl, "")
			nf.initial = initials(nil, syl)
			return nf
		}
	}
	if rd.namer != nil {
		nf.units = rd.readings(key, kind)
	} else {
		nf.units = plainReadings(key)
	}
	size := 0
	for _, u := range nf.units {
		if len(u) > 0 {
			size += len(u[0])
		}
	}
	var b strings.Builder
	b.Grow(size)
	for _, u := range nf.units {
		if len(u) > 0 {
			b.WriteString(u[0])
		}
	}
	nf.py = b.String()
	nf.initial = initials(nf.units, nil)
	return nf
}

func (rd *reader) romanized(s string) ([]string, bool) {
	if rd.namer != nil {
		return rd.namer.Romanized(s)
	}
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return r < 'a' || r > 'z' }) {
		syl, ok := pinyin.Split(w)
		if !ok {
			return nil, false
		}
		out = append(out, syl...)
	}
	return out, len(out) > 0
}

// plainReadings reads each character with go-pinyin's readings; anything
// without a reading stands for itself.
func plainReadings(s string) [][]string {
	out := make([][]string, 0, utf8.RuneCountInString(s))
	for _, r := range s {
		if rs := pinyin.Of(r); len(rs) > 0 {
			out = append(out, rs)
		} else {
			out = append(out, []string{string(unicode.ToLower(r))})
		}
	}
	return out
}

func initials(units [][]string, roman []string) string {
	b := make([]byte, 0, len(units)+len(roman))
	for _, u := range units {
		if len(u) > 0 && u[0] != "" {
			b = append(b, u[0][0])
		}
	}
	for _, s := range roman {
		b = append(b, s[0])
	}
	return string(b)
}

// bigrams returns the sorted distinct character bigrams of an address
// detail, ignoring spaces and punctuation.
func bigrams(s string) []uint32 {
	if s == "" {
		return nil
	}
	var prev rune
	out := make([]uint32, 0, utf8.RuneCountInString(s))
	for _, r := range s {
		// CJK ideographs are neither spaces nor punctuation and have no case.
		if r < 0x4E00 || r > 0x9FFF {
			if unicode.IsSpace(r) || unicode.IsPunct(r) {
				continue
			}
			r = unicode.ToLower(r)
		}
		if prev != 0 {
			out = append(out, uint32(prev)*2654435761^uint32(r))
		}
		prev = r
	}
	if len(out) == 0 {
		return nil
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// branchOf returns a company name's branch designation: the last branch
// word with up to two characters before it ("上海分公司", "第一分店"), so
// that "X公司上海分公司" and "X上海分公司" designate the same branch.
func branchOf(name string, words []string) string {
	return branchOfCompact(compact(name), words)
}

// branchOfCompact is branchOf of a name already compacted.
func branchOfCompact(name string, words []string) string {
	best, at := "", -1
	for _, w := range words {
		if i := strings.LastIndex(name, w); i > at {
			best, at = w, i
		}
	}
	if at < 0 {
		return ""
	}
	prefix := []rune(name[:at])
	start := max(0, len(prefix)-2)
	return string(prefix[start:]) + best
}

// frequencies counts, for term-frequency adjustment, how many customers
// share each value. Records of one customer must not make its name look
// common, so a name counts the distinct identities (first mobile, else
// first e-mail) it occurs with, and a phone or e-mail address the distinct
// names it occurs with.
func (fs *features) frequencies(workers int) {
	// The jobs pass their occurrence lists on for reuse.
	bufs := make(chan []occurrence, 6)
	// name, when not nil, gives the name an occurrence stands for: the
	// names then get their keyID.
	distinct := func(fs []feat, perRecord int, each func(int, *feat, func(v, by uint64, slot int32)), set func(f *feat, slot, n int32), discount int32, name func(f *feat) *nameFeat) tfField {
		var buf []occurrence
		select {
		case buf = <-bufs:
		default:
		}
		tf, buf := distinct(fs, buf, perRecord, each, set, discount)
		if name != nil {
			numberKeys(fs, buf, name)
		}
		bufs <- buf
		return tf
	}
	// Each record's identity and name, as "by" hashes, hashed once.
	ids, names := make([]uint64, len(fs.f)), make([]uint64, len(fs.f))
	parallel(len(fs.f), workers, func(lo, hi int) {
		for k := lo; k < hi; k++ {
			ids[k], names[k] = byHash(fs.f[k].identity()), byHash(fs.f[k].name.key)
		}
	})
	var tf tfScale
	jobs := []func(){
		func() {
			tf.name = distinct(fs.f, 1, func(k int, f *feat, yield func(v, by uint64, slot int32)) {
				if f.name.key != "" {
					yield(f.name.keyH, ids[k], 0)
				}
			}, func(f *feat, _, n int32) { f.name.freq = n }, 0, func(f *feat) *nameFeat { return &f.name })
		},
		func() {
			tf.py = distinct(fs.f, 2, func(k int, f *feat, yield func(v, by uint64, slot int32)) {
				if f.name.py != "" || f.contact.py != "" {
					id := ids[k]
					if f.name.py != "" {
						yield(hashKey(0, f.name.py), id, 0)
					}
					if f.contact.py != "" {
						yield(hashKey(0, f.contact.py), id, 1)
					}
				}
			}, func(f *feat, slot, n int32) {
				if slot == 0 {
					f.name.pyFreq = n
				} else {
					f.contact.pyFreq = n
				}
			}, 0, nil)
		},
		func() {
			tf.contact = distinct(fs.f, 1, func(k int, f *feat, yield func(v, by uint64, slot int32)) {
				if f.contact.key != "" {
					yield(f.contact.keyH, ids[k], 0)
				}
			}, func(f *feat, _, n int32) { f.contact.freq = n }, 0, func(f *feat) *nameFeat { return &f.contact })
		},
		func() {
			tf.mobile = distinct(fs.f, 1, func(k int, f *feat, yield func(v, by uint64, slot int32)) {
				if len(f.mobiles) > 0 {
					by := names[k]
					for j, v := range f.mobiles {
						yield(v.h, by, int32(j))
					}
				}
			}, func(f *feat, j, n int32) { f.mobiles[j].freq = n }, 1, nil)
		},
		func() {
			tf.line = distinct(fs.f, 1, func(k int, f *feat, yield func(v, by uint64, slot int32)) {
				if len(f.lines) > 0 {
					by := names[k]
					for j, v := range f.lines {
						yield(v.h, by, int32(j))
					}
				}
			}, func(f *feat, j, n int32) { f.lines[j].freq = n }, 1, nil)
		},
		func() {
			tf.email = distinct(fs.f, 1, func(k int, f *feat, yield func(v, by uint64, slot int32)) {
				if len(f.emails) > 0 {
					by := names[k]
					for j, e := range f.emails {
						yield(e.h, by, int32(j))
					}
				}
			}, func(f *feat, j, n int32) { f.emails[j].freq = n }, 1, nil)
		},
	}
	sem := make(chan struct{}, max(1, workers))
	var wg sync.WaitGroup
	for _, job := range jobs {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			job()
		})
	}
	wg.Wait()
	fs.tf = tf
}

// numberKeys gives the names of the occurrences in all (sorted by value
// hash, one occurrence per name) their keyID: one number per distinct key,
// counted from 1, or 0 for the keys of a hash two different keys share.
func numberKeys(fs []feat, all []occurrence, name func(*feat) *nameFeat) {
	id := uint32(0)
	for lo := 0; lo < len(all); {
		hi := lo + 1
		key := name(&fs[all[lo].i]).key
		clean := true
		for hi < len(all) && all[hi].v == all[lo].v {
			clean = clean && name(&fs[all[hi].i]).key == key
			hi++
		}
		next := uint32(0)
		if clean && id < math.MaxUint32 {
			id++
			next = id
		}
		for _, o := range all[lo:hi] {
			name(&fs[o.i]).keyID = next
		}
		lo = hi
	}
}

// identity is what tells two customers of one name apart when counting
// how common the name is.
func (f *feat) identity() string {
	switch {
	case len(f.mobiles) > 0:
		return f.mobiles[0].s
	case len(f.emails) > 0:
		return f.emails[0].addr
	}
	return ""
}

// byHash is the hash distinct counts a "by" string under: never 0, which
// stands for the empty (unknown) one.
func byHash(by string) uint64 {
	if by == "" {
		return 0
	}
	return hashKey(1, by) | 1
}

// occurrence is one value of one record, by the value's 64-bit hash (a
// collision only blurs a frequency), with the "by" string it occurs with
// and where its frequency goes: record i, slot (which name, or which
// phone or address of the record).
type occurrence struct {
	v, by   uint64
	i, slot int32
}

// distinct counts, per value, the distinct non-empty "by" strings it
// occurs with, at least one, and hands every occurrence's record its
// value's count through set. each yields a record's non-empty values
// (hashed with hashKey(0, …)) with their by (byHash) and slot; perRecord
// is a guess of the values per record. It returns the field's
// term-frequency scale with the given discount, and buf (grown, to reuse)
// that it gathered the occurrences in.
func distinct(fs []feat, buf []occurrence, perRecord int, each func(int, *feat, func(v, by uint64, slot int32)), set func(f *feat, slot, n int32), discount int32) (tfField, []occurrence) {
	all := slices.Grow(buf[:0], len(fs)*perRecord)
	var i int32
	yield := func(v, by uint64, slot int32) { // made once: a closure per record would escape
		all = append(all, occurrence{v, by, i, slot})
	}
	for k := range fs {
		i = int32(k)
		each(k, &fs[k], yield)
	}
	slices.SortFunc(all, func(a, b occurrence) int {
		if a.v != b.v {
			return cmp.Compare(a.v, b.v)
		}
		return cmp.Compare(a.by, b.by)
	})
	var total, sq float64
	for lo := 0; lo < len(all); {
		v := all[lo].v
		hi := lo + 1
		for hi < len(all) && all[hi].v == v {
			hi++
		}
		var n int32 = 1
		if all[lo].by == 0 && hi > lo+1 {
			n = 0 // an unknown identity does not count when known ones follow
		}
		for k := lo + 1; k < hi; k++ {
			if all[k].by != all[k-1].by {
				n++
			}
		}
		for _, o := range all[lo:hi] {
			set(&fs[o.i], o.slot, n)
		}
		total += float64(n)
		sq += float64(n) * float64(n)
		lo = hi
	}
	if total == 0 {
		return tfField{}, all
	}
	return tfField{total: total, avg: sq / (total * total), discount: discount}, all
}

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
	emails  []email

	province, city, district, adcode string
	bigrams                          []uint32 // sorted distinct character bigrams of the address detail
	place                            string   // city and compact address detail, a blocking key
	uscc                             string
	branch                           string // branch designation, e.g. "上海分公司"
}

// nameFeat is a person's or company's name read for comparison.
type nameFeat struct {
	key     string     // compact form, compared for agreement
	units   [][]string // readings per unit
	py      string     // first readings joined ("zhangwei"); romanized names as written
	roman   []string   // syllables of a name written in latin letters
	initial string     // first letters of the first readings ("zw")
	freq    int32      // records with this key
	pyFreq  int32      // records with this pinyin key
	titled  bool       // surname and title (李经理), see isTitled
}

// value is a phone with the number of distinct names it appears with.
type value struct {
	s    string
	h    uint64 // hash of s, compared first to spare reading s
	freq int32
}

// email is an address with its domain split off.
type email struct {
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

func (fs *features) toInput(ps []Pair) []Pair {
	out := make([]Pair, len(ps))
	for i, p := range ps {
		p.A, p.B = fs.index[p.A], fs.index[p.B]
		out[i] = p
	}
	return out
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
	parallel(len(recs), opt.Workers, func(lo, hi int) {
		rd := reader{namer: opt.Namer}
		for i := lo; i < hi; i++ {
			rd.feat(&fs.f[i], &recs[fs.index[i]].Norm, free, branches)
		}
	})
	fs.frequencies(opt.Workers)
	return fs
}

// reader computes features; one per goroutine.
type reader struct {
	namer Namer
	slab  [][]string // backing store the records' reading units are cut from
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
	for _, e := range n.Emails {
		e = strings.ToLower(strings.TrimSpace(e))
		at := strings.LastIndexByte(e, '@')
		if at <= 0 || slices.ContainsFunc(f.emails, func(x email) bool { return x.addr == e }) {
			continue
		}
		d := e[at+1:]
		f.emails = append(f.emails, email{addr: e, domain: d, free: free[d]})
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
	if f.company {
		f.branch = branchOfCompact(cname, branches)
	}
}

func appendValue(vs []value, s string) []value {
	for _, v := range vs {
		if v.s == s {
			return vs
		}
	}
	return append(vs, value{s: s, h: hashKey(0, s)})
}

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
	nf := nameFeat{key: key, titled: isTitled(key)}
	if key == "" {
		return nf
	}
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
	var names, pys, contacts, mobiles, lines, emails freqs
	jobs := []func(){
		func() {
			names = distinct(fs.f, func(f *feat, yield func(v, by string)) { yield(f.name.key, f.identity()) })
		},
		func() {
			pys = distinct(fs.f, func(f *feat, yield func(v, by string)) {
				yield(f.name.py, f.identity())
				yield(f.contact.py, f.identity())
			})
		},
		func() {
			contacts = distinct(fs.f, func(f *feat, yield func(v, by string)) { yield(f.contact.key, f.identity()) })
		},
		func() {
			mobiles = distinct(fs.f, func(f *feat, yield func(v, by string)) {
				for _, v := range f.mobiles {
					yield(v.s, f.name.key)
				}
			})
		},
		func() {
			lines = distinct(fs.f, func(f *feat, yield func(v, by string)) {
				for _, v := range f.lines {
					yield(v.s, f.name.key)
				}
			})
		},
		func() {
			emails = distinct(fs.f, func(f *feat, yield func(v, by string)) {
				for _, e := range f.emails {
					yield(e.addr, f.name.key)
				}
			})
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
	parallel(len(fs.f), workers, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			fs.f[i].setFrequencies(names, pys, contacts, mobiles, lines, emails)
		}
	})
	fs.tf = tfScale{
		name: scale(names, 0), py: scale(pys, 0), contact: scale(contacts, 0),
		mobile: scale(mobiles, 1), line: scale(lines, 1), email: scale(emails, 1),
	}
}

func (f *feat) setFrequencies(names, pys, contacts, mobiles, lines, emails freqs) {
	f.name.freq, f.name.pyFreq = names.of(f.name.key), pys.of(f.name.py)
	f.contact.freq, f.contact.pyFreq = contacts.of(f.contact.key), pys.of(f.contact.py)
	for j := range f.mobiles {
		f.mobiles[j].freq = mobiles.of(f.mobiles[j].s)
	}
	for j := range f.lines {
		f.lines[j].freq = lines.of(f.lines[j].s)
	}
	for j := range f.emails {
		f.emails[j].freq = emails.of(f.emails[j].addr)
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

// distinct counts, per non-empty value (by its 64-bit hash), the distinct
// non-empty "by" strings it occurs with, at least one. A hash collision
// only blurs a frequency.
func distinct(fs []feat, each func(*feat, func(v, by string))) freqs {
	type vb struct{ v, by uint64 }
	all := make([]vb, 0, len(fs))
	yield := func(v, by string) { // made once: a closure per record would escape
		if v == "" {
			return
		}
		var hb uint64
		if by != "" {
			hb = hashKey(1, by) | 1 // never 0, which stands for unknown
		}
		all = append(all, vb{hashKey(0, v), hb})
	}
	for i := range fs {
		each(&fs[i], yield)
	}
	slices.SortFunc(all, func(a, b vb) int {
		if a.v != b.v {
			return cmp.Compare(a.v, b.v)
		}
		return cmp.Compare(a.by, b.by)
	})
	out := make(freqs, len(all)/2+1)
	for i, x := range all {
		switch {
		case i == 0 || x.v != all[i-1].v:
			out[x.v] = 1
			if x.by == 0 && i+1 < len(all) && all[i+1].v == x.v {
				out[x.v] = 0 // an unknown identity does not count when known ones follow
			}
		case x.by != all[i-1].by:
			out[x.v]++
		}
	}
	return out
}

// freqs maps a value's hash to its frequency.
type freqs map[uint64]int32

func (f freqs) of(v string) int32 {
	if v == "" {
		return 0
	}
	return f[hashKey(0, v)]
}

func scale(counts freqs, discount int32) tfField {
	var total, sq float64
	for _, n := range counts {
		total += float64(n)
		sq += float64(n) * float64(n)
	}
	if total == 0 {
		return tfField{}
	}
	return tfField{total: total, avg: sq / (total * total), discount: discount}
}

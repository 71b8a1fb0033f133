// Package merge turns clusters of matched rows into golden customer
// records: one customer per cluster, with a deterministic customer_id and
// each field chosen by the rules' survivorship strategies.
package merge

import (
	"crypto/sha256"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/crmclean/crmclean/pipeline/match"
	"github.com/crmclean/crmclean/pipeline/msg"
	"github.com/crmclean/crmclean/pipeline/normalize/text"
	"github.com/crmclean/crmclean/pipeline/record"
	"github.com/crmclean/crmclean/rules"
)

// GoldenVersion numbers the ways Build makes golden records from the same
// rows: raise it when a change to Build changes them, so that an
// incremental run builds every stored customer again and reports those
// that changed. 2: contacts with ids, variants joined, Chinese script first.
const GoldenVersion = 2

// Customer is one golden record.
type Customer struct {
	ID      string
	Kind    record.Kind
	Name    string
	Contact string   // the main contact: the display name of one of Contacts
	Mobile  string   // main mobile, E.164: the main one of Phones' mobiles
	Phones  []string // the customer's own numbers (numbers several customers share included)
	// SharedPhones are numbers in the customer's rows that are not its
	// own: a sales rep's number, a filler (see match.NumberNotOwn).
	SharedPhones []string
	Landline     string
	LandlineExt  string
	Email        string
	Emails       []string
	Province     string
	City         string
	District     string
	Address      string
	Adcode       string
	USCC         string
	CreatedAt    string
	SourceIDs    []string
	Owner        string
	Title        string
	Extras       map[string]string // unmapped source columns by original header; nil for none
	Sensitive    map[string]string // sensitive columns kept by the rules: clean.csv/xlsx only
	Contacts     []Contact
	Rows         []*record.Record // the rows of the customer, the kept row first
	Conflicts    []Conflict
}

// Conflict records a field whose rows disagree.
type Conflict struct {
	Field  string
	Chosen string
	Others []string
}

// Merger builds customers with one rule set.
type Merger struct {
	strategies map[string]string
	fallback   string
	priority   []string
	fileDates  map[string]string
	datePats   []string // fileDates' patterns, sorted, so the first match is deterministic
	namer      match.Namer
	notOwn     map[string]bool
	shared     map[string]bool
	readings   sync.Map     // contact name → *match.NameReading, see reading
	cached     atomic.Int64 // names in readings
	scratch    sync.Pool    // *scratch: a worker's buffers, reused from one Build to the next
}

// scratch holds the buffers Build works in, which no customer keeps: one
// per Build at a time (sync.Pool), so that building a customer allocates
// its record and little else.
type scratch struct {
	cands []pickCand       // pick's distinct values of one field
	stats []numStat        // numbers' distinct numbers
	locs  []locCount       // location's distinct province/city/district
	names []written        // contacts' distinct contact names
	rows  []*record.Record // Build's rows in file order
	text  []byte           // the merged rows' reason, rendered
}

// New returns a Merger for r. namer reads contact names as matching reads
// them, to tell which are one person (normalize.Normalizer.Namer; nil
// reads each character with its plain readings).
func New(r *rules.Rules, namer match.Namer) *Merger {
	m := &Merger{strategies: r.Survivorship.Fields, fallback: r.Survivorship.Default, priority: r.Survivorship.SourcePriority,
		fileDates: r.Survivorship.FileDates, namer: namer}
	for p := range m.fileDates {
		m.datePats = append(m.datePats, p)
	}
	sort.Strings(m.datePats)
	if m.fallback == "" {
		m.fallback = "most_frequent"
	}
	return m
}

// SetNotOwn gives the numbers (E.164) that are none of their carriers'
// own, as the matching found them: Build lists them in SharedPhones, never
// in Phones or as the mobile. It must be called before Build, not
// concurrently with it.
func (m *Merger) SetNotOwn(numbers map[string]bool) { m.notOwn = numbers }

// SetShared gives the numbers (E.164) several customers really share, as
// the matching found them (a household's, an agent's): a contact's name
// alike another only through a rare reading (郭汐柏 / 郭汐博) is not joined
// to it on such a number. Like SetNotOwn, before Build.
func (m *Merger) SetShared(numbers map[string]bool) { m.shared = numbers }

// ID derives a customer id from the fingerprints of its rows: "C" and a
// short hash of the smallest one, so ids do not depend on worker count,
// file order or map order.
func ID(rows []*record.Record) string {
	min := ""
	for _, r := range rows {
		if min == "" || r.Fingerprint < min {
			min = r.Fingerprint
		}
	}
	return shortID('C', "", min)
}

// shortID is prefix and the first ten hexadecimal digits, upper case, of
// the SHA-256 of salt and key.
func shortID(prefix byte, salt, key string) string {
	b := make([]byte, 0, 64) // on the stack for the usual fingerprint
	sum := sha256.Sum256(append(append(b, salt...), key...))
	const digits = "0123456789ABCDEF"
	var id [11]byte
	id[0] = prefix
	for i := range 5 {
		id[1+2*i], id[2+2*i] = digits[sum[i]>>4], digits[sum[i]&15]
	}
	return string(id[:])
}

// Build makes one customer from the rows of a cluster and sets each row's
// lineage: the representative row kept, the others merged. It may be called
// concurrently for clusters that share no rows.
func (m *Merger) Build(rows []*record.Record) *Customer {
	sc, _ := m.scratch.Get().(*scratch)
	if sc == nil {
		sc = &scratch{}
	}
	defer m.scratch.Put(sc)
	sc.rows = append(sc.rows[:0], rows...) // the caller's order stays as it is
	defer clear(sc.rows)                   // the pool holds no rows
	rows = sc.rows
	slices.SortStableFunc(rows, func(a, b *record.Record) int { return a.Prov.Compare(b.Prov) })
	// Extras stays nil for a customer without extra columns (most of
	// them): the state stores it as {} all the same (state.GoldenOf).
	c := &Customer{ID: ID(rows)}
	keep := representative(rows)
	c.Rows = make([]*record.Record, 0, len(rows))
	c.Rows = append(append(append(c.Rows, rows[keep]), rows[:keep]...), rows[keep+1:]...)
	merged := ""
	if len(c.Rows) > 1 {
		p := c.Rows[0].Prov
		sc.text = msg.New("merged.same_customer", msg.Where(p.File, p.Sheet, strconv.Itoa(p.Row))).AppendIn(sc.text[:0], "en")
		merged = string(sc.text) // one string for every merged row
	}
	for i, r := range c.Rows {
		r.CustomerID = c.ID
		if i == 0 {
			r.Status, r.Reason = record.Kept, ""
		} else {
			r.Status, r.Reason = record.Merged, merged
		}
	}

	c.Kind = m.kind(rows)
	c.Name = m.pick(sc, "name", rows, func(n *record.Normalized) string { return n.Name }, c)
	contact := m.pick(sc, "contact", rows, func(n *record.Normalized) string { return n.Contact }, c)
	c.USCC = m.pick(sc, "uscc", rows, func(n *record.Normalized) string { return n.USCC }, c)
	c.CreatedAt = m.pick(sc, "created_at", rows, func(n *record.Normalized) string { return n.CreatedAt }, c)
	c.Owner = m.pick(sc, "owner", rows, func(n *record.Normalized) string { return n.Owner }, c)
	c.Title = m.pick(sc, "title", rows, func(n *record.Normalized) string { return n.Title() }, c)
	m.location(sc, rows, c)
	nums := m.phones(sc, rows, c)
	for _, r := range rows {
		for _, e := range r.Norm.Emails {
			c.Emails = appendUnique(c.Emails, e)
		}
		for _, id := range r.Norm.SourceIDs {
			c.SourceIDs = appendUnique(c.SourceIDs, id)
		}
		for _, v := range r.Values {
			if v.Header() == "" || v.Text() == "" {
				continue
			}
			switch v.Field() {
			case "", record.FieldOwnerPhone: // carried under the header as written
				if c.Extras == nil {
					c.Extras = map[string]string{}
				}
				if _, ok := c.Extras[v.Header()]; !ok {
					c.Extras[v.Header()] = v.Text()
				}
			case "sensitive":
				if c.Sensitive == nil {
					c.Sensitive = map[string]string{}
				}
				if _, ok := c.Sensitive[v.Header()]; !ok {
					c.Sensitive[v.Header()] = v.Text()
				}
			}
		}
	}
	c.Email = m.pick(sc, "email", rows, func(n *record.Normalized) string { return first(n.Emails) }, c)
	var ns names
	c.Contacts, ns = m.contacts(sc, rows, nums)
	if i := ns.contactOf(contact); i >= 0 {
		c.Contact = c.Contacts[i].Name // 陈思佳, chosen as Chen Sijia
	}
	ns.release(sc)
	return c
}

// representative picks the row that best stands for the customer: the most
// complete one, the earliest on ties.
func representative(rows []*record.Record) int {
	best, bestScore := 0, -1
	for i, r := range rows {
		n := &r.Norm
		score := len(n.Phones) + len(n.Emails)
		for _, s := range []string{n.Name, n.Contact, n.Province, n.City, n.District, n.Address, n.USCC, n.CreatedAt} {
			if s != "" {
				score++
			}
		}
		if score > bestScore {
			best, bestScore = i, score
		}
	}
	return best
}

func (m *Merger) kind(rows []*record.Record) record.Kind {
	for _, r := range rows {
		if r.Norm.Kind == record.Company {
			return record.Company
		}
	}
	return record.Person
}

// hanFirst are the fields whose value in Chinese script wins over one in
// latin letters whatever the strategy (韩一全 over HAN YIQUAN): a
// romanized name is how an old system or an English form wrote it.
var hanFirst = map[string]bool{"name": true, "contact": true}

// manyValues is the number of distinct values of a field from which pick
// looks them up in a map.
const manyValues = 16

// pickCand is one distinct value of a field among a customer's rows.
type pickCand struct {
	value string
	count int
	first int
	date  string
	prio  int
	han   bool
}

// pick chooses a field's value among the rows by the field's strategy and
// records a conflict when rows disagree. It works in sc.cands.
func (m *Merger) pick(sc *scratch, field string, rows []*record.Record, get func(*record.Normalized) string, c *Customer) string {
	strategy := m.strategies[field]
	if strategy == "" {
		strategy = m.fallback
	}
	han := hanFirst[field]
	// A customer has few distinct values: they are looked up by scanning
	// them, and in a map only in a large cluster.
	cands := sc.cands[:0]
	defer func() { sc.cands = cands[:0] }() // grown, for the next field
	var index map[string]int
	for i, r := range rows {
		v := get(&r.Norm)
		if v == "" {
			continue
		}
		var date string
		if strategy == "most_recent" {
			date = m.dateOf(r)
		}
		j := -1
		if index != nil {
			if k, ok := index[v]; ok {
				j = k
			}
		} else {
			for k := range cands {
				if cands[k].value == v {
					j = k
					break
				}
			}
		}
		if j >= 0 {
			cands[j].count++
			if date > cands[j].date {
				cands[j].date = date
			}
			continue
		}
		x := pickCand{value: v, count: 1, first: i, date: date}
		if strategy == "source_priority" {
			x.prio = m.priorityOf(r.Prov.File)
		}
		cands = append(cands, x)
		switch {
		case index != nil:
			index[v] = len(cands) - 1
		case len(cands) == manyValues:
			index = make(map[string]int, 2*manyValues)
			for k := range cands {
				index[cands[k].value] = k
			}
		}
	}
	if len(cands) == 0 {
		return ""
	}
	if len(cands) == 1 {
		return cands[0].value
	}
	if han { // asked only where values disagree: most customers have one
		for k := range cands {
			cands[k].han = text.HasHan(cands[k].value)
		}
	}
	better := func(a, b *pickCand) bool {
		if a.han != b.han {
			return a.han
		}
		switch strategy {
		case "most_complete":
			if la, lb := len([]rune(a.value)), len([]rune(b.value)); la != lb {
				return la > lb
			}
		case "most_recent":
			if a.date != b.date {
				return a.date > b.date
			}
		case "earliest":
			return a.value < b.value
		case "source_priority":
			if a.prio != b.prio {
				return a.prio < b.prio
			}
		}
		if a.count != b.count {
			return a.count > b.count
		}
		return a.first < b.first
	}
	slices.SortStableFunc(cands, func(a, b pickCand) int {
		switch {
		case better(&a, &b):
			return -1
		case better(&b, &a):
			return 1
		}
		return 0
	})
	if field != "created_at" {
		conf := Conflict{Field: field, Chosen: cands[0].value, Others: make([]string, 0, len(cands)-1)}
		for _, x := range cands[1:] {
			conf.Others = append(conf.Others, x.value)
		}
		c.Conflicts = append(c.Conflicts, conf)
	}
	return cands[0].value
}

// dateOf is how recent a row's data is: the date the rules give its file,
// else its created_at. A file's modification time is never used.
func (m *Merger) dateOf(r *record.Record) string {
	for _, p := range m.datePats {
		if matchGlob(p, r.Prov.File) {
			return m.fileDates[p]
		}
	}
	return r.Norm.CreatedAt
}

func (m *Merger) priorityOf(file string) int {
	for i, p := range m.priority {
		if matchGlob(p, file) {
			return i
		}
	}
	return len(m.priority)
}

// locCount is one distinct province/city/district of a customer's rows,
// with the rows giving it.
type locCount struct {
	province, city, district string
	count                    int
}

// location takes province, city, district, detail and adcode together from
// one row, so that they stay consistent: the most precise, then most
// frequent district, then the longest detail. It works in sc.locs.
func (m *Merger) location(sc *scratch, rows []*record.Record, c *Customer) {
	// How many rows give each row's province/city/district: counted in a
	// short list (a customer has one or two), in a map for a large one.
	locs := sc.locs[:0]
	var many map[string]int
	count := func(n *record.Normalized) int {
		if many != nil {
			return many[n.Province+"/"+n.City+"/"+n.District]
		}
		for k := range locs {
			if l := &locs[k]; l.province == n.Province && l.city == n.City && l.district == n.District {
				return l.count
			}
		}
		return 0
	}
	if len(rows) > manyValues || slashed(rows) {
		// Counted by the joined key, as the short list counts the parts
		// unless a part holds the separator itself.
		many = map[string]int{}
		for _, r := range rows {
			many[r.Norm.Province+"/"+r.Norm.City+"/"+r.Norm.District]++
		}
	} else {
	rows:
		for _, r := range rows {
			n := &r.Norm
			for k := range locs {
				if l := &locs[k]; l.province == n.Province && l.city == n.City && l.district == n.District {
					l.count++
					continue rows
				}
			}
			locs = append(locs, locCount{n.Province, n.City, n.District, 1})
		}
	}
	best := -1
	bestKey := func(n *record.Normalized) (int, int, int) {
		level := 0
		for _, s := range [...]string{n.Province, n.City, n.District} {
			if s != "" {
				level++
			}
		}
		return level, count(n), utf8.RuneCountInString(n.Address)
	}
	for i, r := range rows {
		if best < 0 {
			best = i
			continue
		}
		l1, c1, d1 := bestKey(&r.Norm)
		l2, c2, d2 := bestKey(&rows[best].Norm)
		if l1 > l2 || l1 == l2 && (c1 > c2 || c1 == c2 && d1 > d2) {
			best = i
		}
	}
	clear(locs) // no strings kept alive by the buffer
	sc.locs = locs[:0]
	n := &rows[best].Norm
	c.Province, c.City, c.District, c.Address, c.Adcode = n.Province, n.City, n.District, n.Address, n.Adcode
	// A detail written only on a row with a less precise location still helps.
	if c.Address == "" {
		for _, r := range rows {
			if r.Norm.Address != "" && (r.Norm.City == "" || r.Norm.City == c.City) {
				c.Address = r.Norm.Address
				break
			}
		}
	}
}

// slashed reports whether a row's province, city or district holds a "/",
// which would make two different places one key when joined with it.
func slashed(rows []*record.Record) bool {
	for _, r := range rows {
		n := &r.Norm
		if strings.Contains(n.Province, "/") || strings.Contains(n.City, "/") || strings.Contains(n.District, "/") {
			return true
		}
	}
	return false
}

// phones keeps every distinct number of the customer's own and, apart,
// those that are not (SharedPhones); the main mobile and landline are
// chosen as numbers does. It returns the numbers.
func (m *Merger) phones(sc *scratch, rows []*record.Record, c *Customer) numberSet {
	nums := m.numbers(sc, rows)
	c.Phones, c.SharedPhones = slices.Clip(nums.own), slices.Clip(nums.shared)
	c.Mobile = nums.mobile
	c.Landline, c.LandlineExt = nums.landline, nums.landlineExt
	return nums
}

// numberSet is the numbers of some rows: own and shared keys (E.164 with
// any extension) in order of appearance, and the main mobile and landline
// (E.164, "" for none).
type numberSet struct {
	own, shared           []string
	mobile                string
	landline, landlineExt string
}

// numStat is one distinct own number of some rows.
type numStat struct {
	phone *record.Phone // as first written, in its row
	key   string
	count int
	own   bool
}

// numbers gathers the numbers of rows. The main mobile is the own one that
// recurs most across the rows, then one marked as the customer's own, then
// the first seen; the main landline likewise. It works in sc.stats.
func (m *Merger) numbers(sc *scratch, rows []*record.Record) numberSet {
	var out numberSet
	stats := sc.stats[:0] // in order of appearance; a customer has few
	for _, r := range rows {
		for i := range r.Norm.Phones {
			p := &r.Norm.Phones[i]
			k := p.Key()
			if m.notOwn[p.E164] {
				out.shared = appendUnique(out.shared, k)
				continue
			}
			j := -1
			for x := range stats {
				if stats[x].key == k {
					j = x
					break
				}
			}
			if j >= 0 {
				stats[j].count++
				stats[j].own = stats[j].own || p.Own
				continue
			}
			stats = append(stats, numStat{phone: p, key: k, count: 1, own: p.Own})
			out.own = append(out.own, k)
		}
	}
	best := func(t record.PhoneType) *record.Phone {
		b := -1
		for i := range stats {
			s := &stats[i]
			if s.phone.Type != t {
				continue
			}
			// Earlier ones win ties: stats are in order of appearance.
			if b < 0 || s.count > stats[b].count || s.count == stats[b].count && s.own && !stats[b].own {
				b = i
			}
		}
		if b < 0 {
			return nil
		}
		return stats[b].phone
	}
	if p := best(record.Mobile); p != nil {
		out.mobile = p.E164
	}
	if p := best(record.Landline); p != nil {
		out.landline, out.landlineExt = p.E164, p.Ext
	}
	clear(stats) // no rows kept alive by the buffer
	sc.stats = stats[:0]
	return out
}

func first(list []string) string {
	if len(list) == 0 {
		return ""
	}
	return list[0]
}

func appendUnique(list []string, s string) []string {
	if s == "" {
		return list
	}
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// matchGlob matches a source_priority pattern against a relative path or its base name.
func matchGlob(pattern, file string) bool {
	if ok, _ := path.Match(pattern, file); ok {
		return true
	}
	ok, _ := path.Match(pattern, path.Base(file))
	return ok
}

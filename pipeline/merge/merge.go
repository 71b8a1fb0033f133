// Package merge turns clusters of matched rows into golden customer
// records: one customer per cluster, with a deterministic customer_id and
// each field chosen by the rules' survivorship strategies.
package merge

import (
	"crypto/sha256"
	"encoding/hex"
	"path"
	"sort"
	"strings"

	"github.com/crmclean/crmclean/pipeline/record"
	"github.com/crmclean/crmclean/rules"
)

// Customer is one golden record.
type Customer struct {
	ID      string
	Kind    record.Kind
	Name    string
	Contact string
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
	Extras       map[string]string // unmapped source columns by original header
	Sensitive    map[string]string // sensitive columns kept by the rules: clean.csv/xlsx only
	Contacts     []Contact
	Rows         []*record.Record // the rows of the customer, the kept row first
	Conflicts    []Conflict
}

// Contact is one contact person of a customer.
type Contact struct {
	Name         string
	Mobile       string
	Phones       []string
	SharedPhones []string // numbers beside the contact that are not the customer's own
	Email        string
	Title        string
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
	notOwn     map[string]bool
}

// New returns a Merger for r.
func New(r *rules.Rules) *Merger {
	m := &Merger{strategies: r.Survivorship.Fields, fallback: r.Survivorship.Default, priority: r.Survivorship.SourcePriority,
		fileDates: r.Survivorship.FileDates}
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
	sum := sha256.Sum256([]byte(min))
	return "C" + strings.ToUpper(hex.EncodeToString(sum[:])[:10])
}

// Build makes one customer from the rows of a cluster and sets each row's
// lineage: the representative row kept, the others merged. It may be called
// concurrently for clusters that share no rows.
func (m *Merger) Build(rows []*record.Record) *Customer {
	rows = append([]*record.Record(nil), rows...)
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Prov.Compare(rows[j].Prov) < 0 })
	c := &Customer{ID: ID(rows), Extras: map[string]string{}}
	keep := representative(rows)
	c.Rows = append([]*record.Record{rows[keep]}, append(append([]*record.Record(nil), rows[:keep]...), rows[keep+1:]...)...)
	for i, r := range c.Rows {
		r.CustomerID = c.ID
		if i == 0 {
			r.Status, r.Reason = record.Kept, ""
		} else {
			r.Status, r.Reason = record.Merged, "same customer as "+c.Rows[0].Prov.String()
		}
	}

	c.Kind = m.kind(rows)
	c.Name = m.pick("name", rows, func(n *record.Normalized) string { return n.Name }, c)
	c.Contact = m.pick("contact", rows, func(n *record.Normalized) string { return n.Contact }, c)
	c.USCC = m.pick("uscc", rows, func(n *record.Normalized) string { return n.USCC }, c)
	c.CreatedAt = m.pick("created_at", rows, func(n *record.Normalized) string { return n.CreatedAt }, c)
	c.Owner = m.pick("owner", rows, func(n *record.Normalized) string { return n.Owner }, c)
	c.Title = m.pick("title", rows, func(n *record.Normalized) string { return n.Title }, c)
	m.location(rows, c)
	m.phones(rows, c)
	for _, r := range rows {
		for _, e := range r.Norm.Emails {
			c.Emails = appendUnique(c.Emails, e)
		}
		for _, id := range r.Norm.SourceIDs {
			c.SourceIDs = appendUnique(c.SourceIDs, id)
		}
		for _, v := range r.Values {
			if v.Header == "" || v.Text == "" {
				continue
			}
			switch v.Field {
			case "", record.FieldOwnerPhone: // carried under the header as written
				if _, ok := c.Extras[v.Header]; !ok {
					c.Extras[v.Header] = v.Text
				}
			case "sensitive":
				if c.Sensitive == nil {
					c.Sensitive = map[string]string{}
				}
				if _, ok := c.Sensitive[v.Header]; !ok {
					c.Sensitive[v.Header] = v.Text
				}
			}
		}
	}
	c.Email = m.pick("email", rows, func(n *record.Normalized) string { return first(n.Emails) }, c)
	c.Contacts = m.contacts(rows)
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

// pick chooses a field's value among the rows by the field's strategy and
// records a conflict when rows disagree.
func (m *Merger) pick(field string, rows []*record.Record, get func(*record.Normalized) string, c *Customer) string {
	strategy := m.strategies[field]
	if strategy == "" {
		strategy = m.fallback
	}
	type cand struct {
		value string
		count int
		first int
		date  string
		prio  int
	}
	var cands []*cand
	index := map[string]*cand{}
	for i, r := range rows {
		v := get(&r.Norm)
		if v == "" {
			continue
		}
		date := m.dateOf(r)
		if x, ok := index[v]; ok {
			x.count++
			if date > x.date {
				x.date = date
			}
			continue
		}
		x := &cand{value: v, count: 1, first: i, date: date, prio: m.priorityOf(r.Prov.File)}
		index[v] = x
		cands = append(cands, x)
	}
	if len(cands) == 0 {
		return ""
	}
	better := func(a, b *cand) bool {
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
	sort.SliceStable(cands, func(i, j int) bool { return better(cands[i], cands[j]) })
	if len(cands) > 1 && field != "created_at" {
		conf := Conflict{Field: field, Chosen: cands[0].value}
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

// location takes province, city, district, detail and adcode together from
// one row, so that they stay consistent: the most precise, then most
// frequent district, then the longest detail.
func (m *Merger) location(rows []*record.Record, c *Customer) {
	count := map[string]int{}
	for _, r := range rows {
		count[r.Norm.Province+"/"+r.Norm.City+"/"+r.Norm.District]++
	}
	best := -1
	bestKey := func(n *record.Normalized) (int, int, int) {
		level := 0
		for _, s := range []string{n.Province, n.City, n.District} {
			if s != "" {
				level++
			}
		}
		return level, count[n.Province+"/"+n.City+"/"+n.District], len([]rune(n.Address))
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

// phones keeps every distinct number; the main mobile is the one that recurs
// most across the rows, then one marked as the customer's own, then the
// first seen. The main landline likewise.
func (m *Merger) phones(rows []*record.Record, c *Customer) {
	type stat struct {
		phone record.Phone
		count int
		own   bool
		first int
	}
	var stats []*stat
	index := map[string]*stat{}
	order := 0
	for _, r := range rows {
		for _, p := range r.Norm.Phones {
			k := p.Key()
			if m.notOwn[p.E164] {
				c.SharedPhones = appendUnique(c.SharedPhones, k)
				continue
			}
			if s, ok := index[k]; ok {
				s.count++
				s.own = s.own || p.Own
				continue
			}
			s := &stat{phone: p, count: 1, own: p.Own, first: order}
			order++
			index[k] = s
			stats = append(stats, s)
			c.Phones = append(c.Phones, k)
		}
	}
	best := func(t record.PhoneType) *stat {
		var b *stat
		for _, s := range stats {
			if s.phone.Type != t {
				continue
			}
			if b == nil || s.count > b.count || s.count == b.count && (s.own && !b.own || s.own == b.own && s.first < b.first) {
				b = s
			}
		}
		return b
	}
	if s := best(record.Mobile); s != nil {
		c.Mobile = s.phone.E164
	}
	if s := best(record.Landline); s != nil {
		c.Landline, c.LandlineExt = s.phone.E164, s.phone.Ext
	}
}

// contacts lists every distinct contact person of a company with the
// numbers and e-mail written beside them.
func (m *Merger) contacts(rows []*record.Record) []Contact {
	var out []Contact
	index := map[string]int{}
	for _, r := range rows {
		n := &r.Norm
		name := n.Contact
		if name == "" {
			continue
		}
		i, ok := index[name]
		if !ok {
			i = len(out)
			index[name] = i
			out = append(out, Contact{Name: name, Title: n.Title})
		}
		ct := &out[i]
		for _, p := range n.Phones {
			if m.notOwn[p.E164] {
				ct.SharedPhones = appendUnique(ct.SharedPhones, p.Key())
				continue
			}
			ct.Phones = appendUnique(ct.Phones, p.Key())
			if p.Type == record.Mobile && ct.Mobile == "" {
				ct.Mobile = p.E164
			}
		}
		if ct.Email == "" {
			ct.Email = first(n.Emails)
		}
		if ct.Title == "" {
			ct.Title = n.Title
		}
	}
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

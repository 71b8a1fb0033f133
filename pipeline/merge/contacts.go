package merge

import (
	"cmp"
	"slices"

	"github.com/crmclean/crmclean/pipeline/match"
	"github.com/crmclean/crmclean/pipeline/normalize/text"
	"github.com/crmclean/crmclean/pipeline/record"
)

// Contact is one contact person of a customer.
type Contact struct {
	// ID is stable: derived from the contact's own rows (ContactID), never
	// its position, so that a merge decision elsewhere never moves it to
	// another person. An incremental run keeps the id the rows had.
	ID           string `json:",omitempty"`
	Name         string // the Chinese-script form of the name, then the fullest
	Mobile       string
	Phones       []string
	SharedPhones []string // numbers beside the contact that are not the customer's own
	Email        string
	Title        string
	// Rows are the customer's rows naming the contact, in provenance
	// order. Not part of the golden record.
	Rows []*record.Record `json:"-"`
}

// ContactID derives a contact id from the fingerprints of the rows naming
// the contact: "P" and a short hash of the smallest one, so ids depend on
// no position, worker count, file order or merge elsewhere.
func ContactID(rows []*record.Record) string {
	min := ""
	for _, r := range rows {
		if min == "" || r.Fingerprint < min {
			min = r.Fingerprint
		}
	}
	return shortID('P', "contact\x00", min)
}

// written is one name as written in a customer's contact column, with the
// rows writing it.
type written struct {
	name    string
	rows    []*record.Record
	own     []string // the customer's own numbers (E.164) on those rows
	parent  int      // union-find over the names of one customer
	contact int      // index of its contact
}

// manyNames is the number of distinct contact names from which a customer's
// names are looked up in a map rather than by scanning them.
const manyNames = 8

// names lists the distinct contact names of rows in order of appearance.
type names struct {
	list  []written
	index map[string]int // with manyNames names or more
}

func (ns names) find(name string) int {
	if ns.index != nil {
		if i, ok := ns.index[name]; ok {
			return i
		}
		return -1
	}
	for i := range ns.list {
		if ns.list[i].name == name {
			return i
		}
	}
	return -1
}

func (ns *names) add(name string) int {
	i := len(ns.list)
	ns.list = append(ns.list, written{name: name, parent: i})
	switch {
	case ns.index != nil:
		ns.index[name] = i
	case len(ns.list) == manyNames:
		ns.index = make(map[string]int, 2*manyNames)
		for j := range ns.list {
			ns.index[ns.list[j].name] = j
		}
	}
	return i
}

// contacts lists the distinct contact persons of the customer of rows
// (sorted by provenance), with the numbers and e-mail written beside them,
// and returns the names written, each with its contact. Names that are
// variants of one another as matching judges them are one contact (陈思佳
// / 陈饲佳 / Chen Sijia); a shared number alone never joins two names.
// all are the numbers of every row, which the contact of a customer whose
// rows all name it shares.
func (m *Merger) contacts(sc *scratch, rows []*record.Record, all numberSet) ([]Contact, names) {
	ns := names{list: sc.names[:0]} // Build hands it back (release)
	for _, r := range rows {
		if r.Norm.Contact == "" {
			r.ContactID = ""
			continue
		}
		i := ns.find(r.Norm.Contact)
		if i < 0 {
			i = ns.add(r.Norm.Contact)
		}
		ns.list[i].rows = append(ns.list[i].rows, r)
	}
	list := ns.list
	switch len(list) {
	case 0:
		return nil, ns
	case 1: // the usual customer: nothing to join
		ct := Contact{Name: list[0].name, Rows: list[0].rows}
		if len(ct.Rows) == len(rows) {
			m.fillContact(sc, &ct, &all)
		} else {
			m.fillContact(sc, &ct, nil)
		}
		return []Contact{ct}, ns
	}
	for i := range list {
		for _, r := range list[i].rows {
			for _, p := range r.Norm.Phones {
				if !m.notOwn[p.E164] {
					list[i].own = appendUnique(list[i].own, p.E164)
				}
			}
		}
	}
	m.joinVariants(list)
	out := make([]Contact, 0, len(list))
	var best []int // per contact, the name it is shown by
	for i := range list {
		// A root is the smallest index of its set (union): seen first.
		if root := find(list, i); root != i {
			c := list[root].contact
			list[i].contact = c
			if fullerName(&list[i], &list[best[c]]) {
				best[c] = i
			}
			continue
		}
		list[i].contact = len(out)
		best = append(best, i)
		out = append(out, Contact{})
	}
	for c := range out {
		out[c].Name = list[best[c]].name
	}
	if len(out) == len(list) {
		for i := range list {
			out[i].Rows = list[i].rows
		}
	} else {
		for _, r := range rows {
			if r.Norm.Contact != "" {
				c := list[ns.find(r.Norm.Contact)].contact
				out[c].Rows = append(out[c].Rows, r)
			}
		}
	}
	for c := range out {
		m.fillContact(sc, &out[c], nil)
	}
	return out, ns
}

// release hands the list of names back to sc, for the next customer: the
// names must not be used after. The rows slices of the names stay with the
// contacts that took them.
func (ns names) release(sc *scratch) {
	clear(ns.list)
	sc.names = ns.list[:0]
}

// contactOf returns the contact of a name written in the contact column,
// or -1.
func (ns names) contactOf(name string) int {
	if i := ns.find(name); i >= 0 {
		return ns.list[i].contact
	}
	return -1
}

// fillContact sets a contact's id, numbers, e-mail and title from its
// rows; nums, when given, are the numbers of those rows.
func (m *Merger) fillContact(sc *scratch, ct *Contact, nums *numberSet) {
	ct.ID = ContactID(ct.Rows)
	if nums == nil {
		n := m.numbers(sc, ct.Rows)
		nums = &n
	}
	// Capped, so that appending to one list never writes into another.
	ct.Phones, ct.SharedPhones = slices.Clip(nums.own), slices.Clip(nums.shared)
	ct.Mobile = nums.mobile
	for _, r := range ct.Rows {
		r.ContactID = ct.ID
		if ct.Email == "" {
			ct.Email = first(r.Norm.Emails)
		}
		if ct.Title == "" {
			ct.Title = r.Norm.Title()
		}
	}
}

// fullerName reports whether a is the better display name of one person:
// one in Chinese script, then a full name rather than a title form (陈天宇
// before 陈先生), then the longer, then the one on more rows; the first
// written otherwise.
func fullerName(a, b *written) bool {
	if ha, hb := text.HasHan(a.name), text.HasHan(b.name); ha != hb {
		return ha
	}
	if ta, tb := match.Titled(a.name), match.Titled(b.name); ta != tb {
		return tb
	}
	if la, lb := len([]rune(a.name)), len([]rune(b.name)); la != lb {
		return la > lb
	}
	return len(a.rows) > len(b.rows)
}

// joinVariants joins the names that are forms of one person's name, each
// name read once. Homophones, input-method typos, romanizations and
// traditional script join always; names alike only through a rare reading
// of a character (郭汐柏 / 郭汐博: a typo or a sibling) only when they share
// a number that is theirs alone; a title form (陈先生) joins the full name
// of its surname only when that is the only one in question — the only
// one in the customer, or the only one sharing its number.
func (m *Merger) joinVariants(names []written) {
	reads := make([]*match.NameReading, len(names))
	for i := range names {
		reads[i] = m.reading(names[i].name)
	}
	var titledPairs [][2]int // a title form and a full name of its surname
	for i := range names {
		for j := i + 1; j < len(names); j++ {
			switch match.CompareReadings(reads[i], reads[j]) {
			case match.FormSame:
				union(names, i, j)
			case match.FormRare:
				if m.shareOwn(&names[i], &names[j], true) {
					union(names, i, j)
				}
			case match.FormTitle:
				t, f := i, j
				if !reads[t].Titled() {
					t, f = j, i
				}
				if reads[t].Titled() && !reads[f].Titled() {
					titledPairs = append(titledPairs, [2]int{t, f})
				}
			}
		}
	}
	slices.SortStableFunc(titledPairs, func(a, b [2]int) int { return cmp.Compare(a[0], b[0]) })
	for lo := 0; lo < len(titledPairs); {
		hi := lo
		for hi < len(titledPairs) && titledPairs[hi][0] == titledPairs[lo][0] {
			hi++
		}
		m.joinTitle(names, titledPairs[lo:hi])
		lo = hi
	}
}

// maxReadings caps the contact names whose readings a Merger keeps: a
// name recurs across customers (王伟, 李娜), but a run of a million rows
// must not keep every name it met.
const maxReadings = 100_000

// reading returns the reading of a contact name, read once per Merger (up
// to maxReadings names). Readings are read-only once made, so customers
// built at the same time share them.
func (m *Merger) reading(name string) *match.NameReading {
	if r, ok := m.readings.Load(name); ok {
		return r.(*match.NameReading)
	}
	r := match.ReadName(m.namer, name, record.Person)
	if m.cached.Load() >= maxReadings {
		return &r
	}
	got, loaded := m.readings.LoadOrStore(name, &r)
	if !loaded {
		m.cached.Add(1)
	}
	return got.(*match.NameReading)
}

// joinTitle joins a title form to the one full name of pairs (all of one
// title form) in question.
func (m *Merger) joinTitle(names []written, pairs [][2]int) {
	t := pairs[0][0]
	var roots, sharing []int
	for _, p := range pairs {
		r := find(names, p[1])
		if !slices.Contains(roots, r) {
			roots = append(roots, r)
		}
		if m.shareOwn(&names[t], &names[p[1]], false) && !slices.Contains(sharing, r) {
			sharing = append(sharing, r)
		}
	}
	switch {
	case len(roots) == 1:
		union(names, t, roots[0])
	case len(sharing) == 1:
		union(names, t, sharing[0])
	}
}

// shareOwn reports whether a and b share one of the customer's own
// numbers; with alone, one that no other customer shares (a household's
// or an agent's mobile does not count).
func (m *Merger) shareOwn(a, b *written, alone bool) bool {
	for _, n := range a.own {
		if slices.Contains(b.own, n) && !(alone && m.shared[n]) {
			return true
		}
	}
	return false
}

func find(names []written, i int) int {
	for names[i].parent != i {
		names[i].parent = names[names[i].parent].parent
		i = names[i].parent
	}
	return i
}

// union joins the sets of i and j under the smaller root, so that a
// contact is listed where its first name is written.
func union(names []written, i, j int) {
	ri, rj := find(names, i), find(names, j)
	if ri > rj {
		ri, rj = rj, ri
	}
	names[rj].parent = ri
}

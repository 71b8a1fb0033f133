package match

import (
	"cmp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/crmclean/crmclean/pipeline/record"
)

// A telephone number is evidence that two rows are one customer only when
// it is that customer's. Over the whole run, every number written for more
// than one name is judged by who carries it:
//
//   - a household (persons of one surname, or at one address), an agent
//     (one contact person for several companies), or any two customers
//     share it for real: it stays each one's number, but agreeing on it is
//     no evidence that two rows with different names are one customer;
//   - a number carried by many customers with unrelated names (a sales
//     rep's own number typed for his customers, a filler typed when the
//     real one was unknown), or listed in the rules as never anyone's (a
//     sample number such as 13800138000), is not the customer's: it is no
//     evidence at all, never a customer's mobile, and is reported.
//
// The judgement is made on the records of the run: on an incremental run
// those are the new rows and every stored row sharing a key with them, so
// every row carrying a number the new rows carry is among them.

// NumberClass is what the run found a telephone number to be.
type NumberClass string

const (
	// NumberShared is a number several customers really share.
	NumberShared NumberClass = "shared"
	// NumberNotOwn is a number that is none of its carriers' own.
	NumberNotOwn NumberClass = "not_own"
)

// Why a number was classed, for the report.
const (
	WhyHousehold = "household" // persons of one surname or one address
	WhyAgent     = "agent"     // one contact person for several companies
	WhyGroup     = "group"     // companies at one address (a group's switchboard)
	WhyCustomers = "customers" // a few unrelated customers
	WhyListed    = "listed"    // in the rules' list of numbers that are nobody's
	WhyRep       = "rep"       // many customers of one owner (a sales rep's own number)
	WhyFiller    = "filler"    // many unrelated customers
)

// NumberUse is a telephone number carried by more than one customer, or
// listed as nobody's, with what the run made of it.
type NumberUse struct {
	Number    string // E.164
	Mobile    bool
	Class     NumberClass
	Why       string // one of the Why constants
	Customers int    // distinct customers (name groups) carrying it
	Rows      int    // records carrying it
	// Records are the row keys (Options.Keys) of the records carrying
	// it, ascending.
	Records []record.Key
	// Owner is the owner column's value that most of its rows share
	// (a sales rep), "" when none does.
	Owner string
}

// notOwnCustomers is the fewest unrelated customers that make a number
// nobody's own. Two unrelated customers may really share a number (a
// couple of different surnames, two companies of one owner); three
// unrelated ones sharing it are a rep's number or a filler far more often
// than a family.
const notOwnCustomers = 3

// maxCarrierGroups bounds the name-group analysis of one number: a number
// with more distinct names than this is a filler without comparing them
// pairwise.
const maxCarrierGroups = 48

// numberLists are the numbers known to be nobody's own before the
// carriers are looked at: listed in the rules, or written in an owner
// phone column (a staff member's) somewhere in the run.
type numberLists struct {
	listed, owners map[string]bool
}

// numberOcc is one number of one record, by the number's hash.
type numberOcc struct {
	h      uint64
	i      int32 // internal position
	slot   int16 // index in the record's mobiles or lines
	mobile bool
}

// classifyNumbers judges every number carried by more than one name (or
// listed, or found nobody's own by an earlier run), marks shared numbers
// in the features and removes numbers that are nobody's from them, and
// returns the judgements sorted by number. A number prior judged keeps
// that judgement unless this run's judgement is graver (own < shared <
// nobody's own); records carrying a number whose judgement changes are
// marked judged: an earlier run's customer holding one is matched again
// (see settle).
func classifyNumbers(fs *features, lists numberLists, prior []NumberUse) []NumberUse {
	earlier := make(map[string]NumberUse, len(prior))
	for _, u := range prior {
		earlier[u.Number] = u
	}
	known := func(s string) bool {
		if lists.listed[s] || lists.owners[s] {
			return true
		}
		_, ok := earlier[s]
		return ok
	}
	var occs []numberOcc
	for i := range fs.f {
		f := &fs.f[i]
		for j, v := range f.mobiles {
			if v.freq > 1 || known(v.s) {
				occs = append(occs, numberOcc{v.h, int32(i), int16(j), true})
			}
		}
		for j, v := range f.lines {
			if v.freq > 1 || known(v.s) {
				occs = append(occs, numberOcc{v.h, int32(i), int16(j), false})
			}
		}
	}
	if len(occs) == 0 {
		return nil
	}
	slices.SortFunc(occs, func(a, b numberOcc) int {
		return cmp.Or(cmp.Compare(a.h, b.h), cmp.Compare(a.i, b.i))
	})
	var uses []NumberUse
	var drop []numberOcc
	for lo := 0; lo < len(occs); {
		hi := lo + 1
		for hi < len(occs) && occs[hi].h == occs[lo].h {
			hi++
		}
		group := occs[lo:hi]
		lo = hi
		first := group[0]
		num := fs.number(first)
		// A hash two numbers share: judge the first number's carriers only.
		same := group[:0:0]
		for _, o := range group {
			if fs.number(o) == num {
				same = append(same, o)
			}
		}
		u, ok := judgeNumber(fs, same, lists.listed[num])
		if lists.owners[num] && u.Class != NumberNotOwn {
			// Written in an owner phone column (负责人电话) somewhere in
			// the run: a staff member's number, whoever else carries it.
			u.Class, u.Why, ok = NumberNotOwn, WhyRep, true
		}
		before, judgedBefore := earlier[num]
		if judgedBefore && (!ok || gravity(u.Class) < gravity(before.Class)) {
			// An earlier run saw more of its rows.
			rows, customers := u.Rows, u.Customers
			u, ok = before, true
			u.Rows, u.Customers, u.Records = rows, customers, nil
		}
		if !ok {
			continue
		}
		if !judgedBefore || before.Class != u.Class {
			for _, o := range same {
				fs.f[o.i].judged = true
			}
		}
		u.Number, u.Mobile = num, first.mobile
		for _, o := range same {
			if len(u.Records) == 0 || u.Records[len(u.Records)-1] != record.Key(o.i) {
				u.Records = append(u.Records, record.Key(o.i))
			}
		}
		switch u.Class {
		case NumberShared:
			ambiguous := u.Why == WhyHousehold && surnameTwice(fs, same)
			for _, o := range same {
				v := fs.value(o)
				v.shared = true
				v.ambiguous = ambiguous
				fs.f[o.i].singles()
			}
		case NumberNotOwn:
			drop = append(drop, same...)
		}
		uses = append(uses, u)
	}
	fs.dropNumbers(drop)
	slices.SortFunc(uses, func(a, b NumberUse) int { return strings.Compare(a.Number, b.Number) })
	return uses
}

// lucky reports a number whose last seven digits are one digit repeated
// (18888888888, 13900000000) or run up or down (13812345678): the kind
// typed as a filler. Its real owner keeps it when only his rows carry it.
func lucky(number string) bool {
	if len(number) < 8 {
		return false
	}
	tail := number[len(number)-7:]
	same, up, down := true, true, true
	for i := 1; i < len(tail); i++ {
		same = same && tail[i] == tail[0]
		up = up && tail[i] == tail[i-1]+1
		down = down && tail[i] == tail[i-1]-1
	}
	return same || up || down
}

// gravity orders the judgements: a number's own, shared, nobody's own.
func gravity(c NumberClass) int {
	switch c {
	case NumberNotOwn:
		return 2
	case NumberShared:
		return 1
	}
	return 0
}

func (fs *features) value(o numberOcc) *value {
	if o.mobile {
		return &fs.f[o.i].mobiles[o.slot]
	}
	return &fs.f[o.i].lines[o.slot]
}

func (fs *features) number(o numberOcc) string { return fs.value(o).s }

// dropNumbers removes the given numbers from their records' features.
func (fs *features) dropNumbers(occs []numberOcc) {
	if len(occs) == 0 {
		return
	}
	// Remove the highest slots first, so that the lower ones stay put.
	slices.SortFunc(occs, func(a, b numberOcc) int {
		return cmp.Or(cmp.Compare(a.i, b.i), cmp.Compare(b.slot, a.slot))
	})
	for _, o := range occs {
		f := &fs.f[o.i]
		if o.mobile {
			f.mobiles = slices.Delete(slices.Clone(f.mobiles), int(o.slot), int(o.slot)+1)
		} else {
			f.lines = slices.Delete(slices.Clone(f.lines), int(o.slot), int(o.slot)+1)
		}
		f.notOwn++
	}
	for _, o := range occs {
		fs.f[o.i].singles()
	}
}

// judgeNumber judges one number from its carriers (occurrences in
// ascending record order). It reports false for a number that is its only
// customer's own.
func judgeNumber(fs *features, occs []numberOcc, listed bool) (NumberUse, bool) {
	u := NumberUse{Rows: len(occs)}
	owners := map[string]int{}
	for _, o := range occs {
		if ow := fs.f[o.i].owner; ow != "" {
			owners[ow]++
		}
	}
	for ow, n := range owners {
		if 2*n > len(occs) && (u.Owner == "" || ow < u.Owner) {
			u.Owner = ow
		}
	}
	if listed {
		u.Class, u.Why, u.Customers = NumberNotOwn, WhyListed, len(partyGroups(fs, occs))
		return u, true
	}
	groups := partyGroups(fs, occs)
	u.Customers = len(groups)
	switch {
	case len(groups) <= 1:
		return u, false
	case len(groups) > maxCarrierGroups:
		u.Class, u.Why = NumberNotOwn, WhyFiller
	case household(fs, groups):
		u.Class, u.Why = NumberShared, WhyHousehold
	case agent(fs, groups):
		u.Class, u.Why = NumberShared, WhyAgent
	case companyGroup(fs, groups):
		u.Class, u.Why = NumberShared, WhyGroup
	case len(groups) >= notOwnCustomers:
		u.Class, u.Why = NumberNotOwn, WhyFiller
		if u.Owner != "" {
			u.Why = WhyRep
		}
	case lucky(fs.number(occs[0])):
		// Two unrelated customers on 13688888888: a filler typed twice,
		// not a number they share.
		u.Class, u.Why = NumberNotOwn, WhyFiller
	default:
		u.Class, u.Why = NumberShared, WhyCustomers
	}
	return u, true
}

// partyGroups groups a number's carriers into the customers they stand
// for: records whose names are variants of one another (a homophone, a
// romanization, a one-character typo in a company name) are one group,
// and a person named as a company's contact joins the company. A company
// name that starts another (华信 / 华信科技) joins that group only when it
// starts no other, declares no group and names no other contact: 顺泓
// beside 顺泓建材 and 顺泓食品, or 顺泓集团 beside 顺泓建材 alone, is a group of
// companies, not one. Records without a name, and persons named only by
// surname and title (陈先生), join no group. It stops counting past
// maxCarrierGroups.
func partyGroups(fs *features, occs []numberOcc) [][]int32 {
	var groups [][]int32
	prev := int32(-1)
next:
	for _, o := range occs {
		if o.i == prev {
			continue // a record carrying the number twice
		}
		prev = o.i
		f := &fs.f[o.i]
		if f.name.key == "" || !f.company && f.name.titled {
			continue
		}
		for g, members := range groups {
			if sameParty(f, &fs.f[members[0]]) {
				groups[g] = append(groups[g], o.i)
				continue next
			}
		}
		if len(groups) > maxCarrierGroups {
			break
		}
		groups = append(groups, []int32{o.i})
	}
	// A group whose company name starts exactly one other group's joins
	// it, unless one of its names declares a group (昌顺集团 beside 昌顺食品
	// is a group and one of its companies, see compareNames) or the two
	// name different contact persons: 昌顺 and 昌顺食品, each with its own
	// contact on one switchboard, are two companies of a group, not one
	// company written short.
	joined := make([]bool, len(groups))
	for g := range groups {
		f := &fs.f[groups[g][0]]
		if !f.company || len(groups) > maxCarrierGroups || namesGroup(fs, groups[g]) {
			continue
		}
		into := -1
		for h := range groups {
			o := &fs.f[groups[h][0]]
			if h == g || joined[h] || !o.company || !startsWith(o.name.key, f.name.key) {
				continue
			}
			if into >= 0 {
				into = -2 // starts several
				break
			}
			into = h
		}
		if into >= 0 && !contactsDiffer(fs, groups[g], groups[into]) {
			groups[into] = append(groups[into], groups[g]...)
			joined[g] = true
		}
	}
	out := groups[:0]
	for g, members := range groups {
		if !joined[g] {
			out = append(out, members)
		}
	}
	return out
}

// namesGroup reports whether a company name of the records declares a
// group (昌顺集团有限公司).
func namesGroup(fs *features, records []int32) bool {
	return slices.ContainsFunc(records, func(x int32) bool { return fs.f[x].name.group })
}

// contactsDiffer reports whether the records of two companies name
// contact persons (not a surname and title alone) and none of one's is one
// of the other's.
func contactsDiffer(fs *features, a, b []int32) bool {
	ca, cb := namedContacts(fs, a), namedContacts(fs, b)
	for _, x := range ca {
		for _, y := range cb {
			if lv, _ := compareNames(x, y, false); lv != disagree {
				return false
			}
		}
	}
	return len(ca) > 0 && len(cb) > 0
}

// namedContacts returns the distinct contacts of the records, leaving out
// a surname and title alone (陈先生).
func namedContacts(fs *features, records []int32) []*nameFeat {
	var out []*nameFeat
	for _, x := range records {
		c := &fs.f[x].contact
		if c.key != "" && !c.titled && !slices.ContainsFunc(out, func(o *nameFeat) bool { return sameKey(o, c) }) {
			out = append(out, c)
		}
	}
	return out
}

// sameParty reports whether two records carrying one number may be one
// customer by their names.
func sameParty(a, b *feat) bool {
	switch {
	case a.company && b.company:
		return variants(compareNames(&a.name, &b.name, true))
	case !a.company && !b.company:
		// Names alike only through a rare reading are two people here: a
		// household of 刘可熙 and 刘可奕 shares the number.
		lv, how := compareNames(&a.name, &b.name, false)
		return variants(lv, how) && how != howHeteronym
	case a.company:
		return contactIs(a, &b.name)
	}
	return contactIs(b, &a.name)
}

// contactIs reports whether a company's contact is the person p.
func contactIs(company *feat, p *nameFeat) bool {
	if company.contact.key == "" {
		return false
	}
	lv, _ := compareNames(&company.contact, p, false)
	return lv != disagree
}

// household reports carriers that are all persons who share a surname, or
// who live at one place.
func household(fs *features, groups [][]int32) bool {
	surname := ""
	sameSurname := true
	for _, g := range groups {
		f := &fs.f[g[0]]
		if f.company {
			return false
		}
		switch s := surnameOf(f); {
		case surname == "":
			surname = s
		case s != surname:
			sameSurname = false
		}
	}
	return sameSurname && surname != "" || onePlace(fs, groups)
}

// companyGroup reports carriers that are companies at one address: a
// group's companies on one switchboard.
func companyGroup(fs *features, groups [][]int32) bool {
	for _, g := range groups {
		if !fs.f[g[0]].company {
			return false
		}
	}
	return onePlace(fs, groups)
}

// onePlace reports whether at least two of the groups have an address and
// all those addresses are one place (the same or a near address).
func onePlace(fs *features, groups [][]int32) bool {
	place, known := -1, 0
	for _, g := range groups {
		at := -1
		for _, x := range g {
			if len(fs.f[x].bigrams) > 0 && fs.f[x].city != "" {
				at = int(x)
				break
			}
		}
		if at < 0 {
			continue
		}
		known++
		if place < 0 {
			place = at
			continue
		}
		if lv := addressLevel(&fs.f[place], &fs.f[at], nil); lv != agree && lv != near {
			return false
		}
	}
	return known >= 2
}

// agent reports carriers that are companies (or their contact as a
// person) of whom at least three in four name one contact person: the
// number is the contact's.
func agent(fs *features, groups [][]int32) bool {
	contacts := make([]*nameFeat, 0, len(groups))
	companies := 0
	for _, g := range groups {
		f := &fs.f[g[0]]
		var c *nameFeat
		if f.company {
			companies++
			// The group's contact: the first of its records naming one.
			for _, x := range g {
				if fs.f[x].contact.key != "" && !fs.f[x].contact.titled {
					c = &fs.f[x].contact
					break
				}
			}
		} else {
			c = &f.name
		}
		if c != nil {
			contacts = append(contacts, c)
		}
	}
	if companies < 2 {
		return false
	}
	best := 0
	for i, c := range contacts {
		n := 0
		for _, d := range contacts {
			if lv, _ := compareNames(c, d, false); lv != disagree {
				n++
			}
		}
		best = max(best, n)
		if 4*(len(contacts)-i) < 3*len(groups) {
			break // fewer left than a majority needs
		}
	}
	return best >= 2 && 4*best >= 3*len(groups)
}

// surnameOf is the first character of a person's name key, "" for a name
// in latin letters.
func surnameOf(f *feat) string {
	if f.name.roman != nil || f.name.key == "" {
		if len(f.name.roman) > 0 {
			return f.name.roman[0]
		}
		return ""
	}
	_, n := utf8.DecodeRuneInString(f.name.key)
	return f.name.key[:n]
}

// surnameTwice reports whether two persons with different given names and
// one surname carry the number: a form of address such as 陈先生 cannot
// tell which of them it is.
func surnameTwice(fs *features, occs []numberOcc) bool {
	seen := map[string]*feat{}
	for _, o := range occs {
		f := &fs.f[o.i]
		if f.company || f.name.titled || f.name.key == "" {
			continue
		}
		s := surnameOf(f)
		if p, ok := seen[s]; ok {
			if lv, _ := compareNames(&p.name, &f.name, false); lv == disagree {
				return true
			}
			continue
		}
		seen[s] = f
	}
	return false
}

package report

import (
	"cmp"
	"runtime"
	"slices"
	"strings"

	"github.com/crmclean/crmclean/pipeline/match"
	"github.com/crmclean/crmclean/pipeline/merge"
	"github.com/crmclean/crmclean/pipeline/normalize/pinyin"
	"github.com/crmclean/crmclean/pipeline/record"
)

// maxCheck is how many customers or numbers each list of the "check
// these" panel shows, maxLargest how many of the largest customers.
const (
	maxCheck   = 10
	maxLargest = 5
)

// Check lists results worth a person's look although nothing blocks them:
// customers merged from rows that name different persons or companies
// (household members, two companies of one group), the numbers carried by
// many customers that are none of theirs, and the largest customers.
type Check struct {
	MixedNames      int             `json:"mixed_names"` // customers whose rows name different persons or companies
	MixedNamesList  []CheckCustomer `json:"mixed_names_list"`
	SharedNumbers   []CheckNumber   `json:"shared_numbers"` // numbers that are none of their carriers' own, most customers first
	LargestClusters []CheckCustomer `json:"largest_clusters"`
}

// CheckCustomer is one customer to check, with the command that shows why
// its rows were merged.
type CheckCustomer struct {
	CustomerID string   `json:"customer_id"`
	Kind       string   `json:"kind"`
	Rows       int      `json:"rows"`
	Names      []string `json:"names"` // the distinct names of its rows, masked
	Explain    string   `json:"explain"`
}

// CheckNumber is a number carried by several customers that is none of
// theirs, with a command explaining one customer that carries it.
type CheckNumber struct {
	Number    string   `json:"number"` // masked
	Why       string   `json:"why"`
	Customers int      `json:"customers"`
	Names     []string `json:"names"` // masked
	Explain   string   `json:"explain,omitempty"`
}

func explainCmd(id string) string { return "crmclean explain " + id }

func check(in Input, m masker) Check {
	c := Check{MixedNamesList: []CheckCustomer{}, SharedNumbers: []CheckNumber{}, LargestClusters: []CheckCustomer{}}
	var mixed []CheckCustomer
	var warm byte
	for i, cu := range in.Customers {
		if i+warmAhead < len(in.Customers) {
			warm ^= warmNames(in.Customers[i+warmAhead])
		}
		if len(cu.Rows) < 2 {
			continue
		}
		if names := distinctNames(cu); len(names) > 1 {
			mixed = append(mixed, checkCustomer(cu, names, m))
		}
	}
	byNames := func(a, b CheckCustomer) int {
		return cmp.Or(-cmp.Compare(len(a.Names), len(b.Names)), -cmp.Compare(a.Rows, b.Rows), strings.Compare(a.CustomerID, b.CustomerID))
	}
	runtime.KeepAlive(warm) // the reads ahead are not optimized away
	slices.SortFunc(mixed, byNames)
	c.MixedNames = len(mixed)
	c.MixedNamesList = append(c.MixedNamesList, mixed[:min(len(mixed), maxCheck)]...)

	for _, cu := range largestCustomers(in.Customers, maxLargest) {
		if len(cu.Rows) < 2 {
			break
		}
		c.LargestClusters = append(c.LargestClusters, checkCustomer(cu, distinctNames(cu), m))
	}

	if in.Match != nil {
		uses := slices.Clone(in.Match.Numbers)
		slices.SortStableFunc(uses, func(a, b match.NumberUse) int {
			return cmp.Or(-cmp.Compare(a.Customers, b.Customers), -cmp.Compare(a.Rows, b.Rows), strings.Compare(a.Number, b.Number))
		})
		for _, u := range uses {
			if u.Class != match.NumberNotOwn {
				continue
			}
			if len(c.SharedNumbers) == maxCheck {
				break
			}
			cn := CheckNumber{Number: m.phone(u.Number), Why: u.Why, Customers: u.Customers, Names: []string{}}
			for _, x := range u.Records {
				r := in.row(x)
				if r == nil {
					continue
				}
				if cn.Explain == "" && r.CustomerID != "" {
					cn.Explain = explainCmd(r.CustomerID)
				}
				if n := m.field("name", r.Norm.Name, r.Norm.Kind != record.Company); n != "" && len(cn.Names) < maxNumberNames && !slices.Contains(cn.Names, n) {
					cn.Names = append(cn.Names, n)
				}
			}
			c.SharedNumbers = append(c.SharedNumbers, cn)
		}
	}
	return c
}

// largestCustomers returns the n customers of the most rows, by rows
// (most first) then id: the first n of them sorted so, picked in one pass
// rather than sorting every customer.
func largestCustomers(customers []*merge.Customer, n int) []*merge.Customer {
	before := func(a, b *merge.Customer) int {
		return cmp.Or(-cmp.Compare(len(a.Rows), len(b.Rows)), strings.Compare(a.ID, b.ID))
	}
	top := make([]*merge.Customer, 0, n+1)
	for _, c := range customers {
		if len(top) == n && before(c, top[n-1]) >= 0 {
			continue
		}
		at, _ := slices.BinarySearchFunc(top, c, before)
		top = slices.Insert(top, at, c)
		if len(top) > n {
			top = top[:n]
		}
	}
	return top
}

// warmAhead is how many customers ahead of the one it looks at check
// reads their rows' names (warmNames).
const warmAhead = 8

// warmNames reads the first byte of the names distinctNames reads of cu's
// rows, and returns them combined. The rows of a customer lie scattered
// over a heap of gigabytes, in file order, not the customers': reading
// them a few customers ahead, with reads that depend on nothing before
// them, lets the waits for memory overlap. It changes nothing reported.
func warmNames(cu *merge.Customer) byte {
	var w byte
	if len(cu.Rows) < 2 {
		return w
	}
	for _, r := range cu.Rows {
		if s := cmp.Or(r.Norm.NameKey, r.Norm.Name); s != "" {
			w ^= s[0]
		}
	}
	return w
}

// distinctNames returns the names of a customer's rows that sound
// different: their match keys (legal form and region stripped) read as
// pinyin, syllables sorted, so that a romanized spelling (Li Na, Na Li) or
// a homophone typo is one name with its Chinese form, and household
// members (马泽洋, 马子骞) are two.
func distinctNames(cu *merge.Customer) []*record.Record {
	var out []*record.Record
	if len(cu.Rows) == 0 {
		return out
	}
	first := cmp.Or(cu.Rows[0].Norm.NameKey, cu.Rows[0].Norm.Name)
	if !slices.ContainsFunc(cu.Rows[1:], func(r *record.Record) bool { return cmp.Or(r.Norm.NameKey, r.Norm.Name) != first }) {
		// Most customers: every row has one name, read once.
		if soundKey(first) != "" {
			out = append(out, cu.Rows[0])
		}
		return out
	}
	seen := map[string]bool{}
	read := map[string]bool{} // names already read as sound
	for _, r := range cu.Rows {
		name := cmp.Or(r.Norm.NameKey, r.Norm.Name)
		if read[name] {
			continue
		}
		read[name] = true
		k := soundKey(name)
		if k == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, r)
	}
	return out
}

func checkCustomer(cu *merge.Customer, names []*record.Record, m masker) CheckCustomer {
	cc := CheckCustomer{CustomerID: cu.ID, Kind: string(cu.Kind), Rows: len(cu.Rows), Names: []string{}, Explain: explainCmd(cu.ID)}
	for _, r := range names {
		if n := m.field("name", r.Norm.Name, r.Norm.Kind != record.Company); n != "" && !slices.Contains(cc.Names, n) && len(cc.Names) < maxNumberNames {
			cc.Names = append(cc.Names, n)
		}
	}
	return cc
}

// soundKey is s read as toneless pinyin syllables, sorted: Han characters
// by their most common reading, runs of latin letters split into
// syllables; what reads as neither is kept as it is.
func soundKey(s string) string {
	var syl []string
	var latin strings.Builder
	flush := func() {
		if latin.Len() == 0 {
			return
		}
		if parts, ok := pinyin.Split(latin.String()); ok {
			syl = append(syl, parts...)
		} else {
			syl = append(syl, latin.String())
		}
		latin.Reset()
	}
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z':
			latin.WriteRune(r)
			continue
		case r == ' ' || r == '-' || r == '·' || r == '.':
		default:
			flush()
			if rd := pinyin.Of(r); len(rd) > 0 {
				syl = append(syl, rd[0])
			} else {
				syl = append(syl, string(r))
			}
			continue
		}
		flush()
	}
	flush()
	slices.Sort(syl)
	return strings.Join(syl, " ")
}

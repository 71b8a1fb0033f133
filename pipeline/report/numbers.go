package report

import (
	"cmp"
	"slices"
	"strings"

	"github.com/crmclean/crmclean/pipeline/match"
	"github.com/crmclean/crmclean/pipeline/record"
)

// maxNumbers is how many numbers the report lists in full.
const maxNumbers = 50

// maxNumberNames is how many of a number's names are listed.
const maxNumberNames = 5

// SharedNumber is a telephone number carried by several customers: one
// that is none of theirs (a sales rep's own number, a filler), or one
// they really share (a household's, an agent's).
type SharedNumber struct {
	Number    string   `json:"number"` // masked unless unmasked
	Mobile    bool     `json:"mobile"`
	Class     string   `json:"class"` // not_own or shared
	Why       string   `json:"why"`   // listed, rep, filler, household, agent, customers
	Customers int      `json:"customers"`
	Rows      int      `json:"rows"`
	Names     []string `json:"names"` // a few of the names carrying it, masked
	Files     []string `json:"files"`
	Owner     string   `json:"owner,omitempty"` // the owner column most of its rows share, masked
}

// Numbers lists the numbers matching judged: those that are none of
// their carriers' own first (they are what to check), most customers first.
type Numbers struct {
	NotOwn int            `json:"not_own"` // numbers judged none of their carriers' own
	Shared int            `json:"shared"`  // numbers several customers really share
	List   []SharedNumber `json:"list"`    // at most maxNumbers
}

// Total is the number of numbers judged.
func (n Numbers) Total() int { return n.NotOwn + n.Shared }

func numbers(in Input, m masker) Numbers {
	out := Numbers{List: []SharedNumber{}}
	if in.Match == nil {
		return out
	}
	uses := slices.Clone(in.Match.Numbers)
	slices.SortStableFunc(uses, func(a, b match.NumberUse) int {
		return cmp.Or(cmp.Compare(classRank(a.Class), classRank(b.Class)), -cmp.Compare(a.Customers, b.Customers),
			-cmp.Compare(a.Rows, b.Rows), strings.Compare(a.Number, b.Number))
	})
	for _, u := range uses {
		if u.Class == match.NumberNotOwn {
			out.NotOwn++
		} else {
			out.Shared++
		}
		if len(out.List) == maxNumbers {
			continue
		}
		sn := SharedNumber{Number: m.phone(u.Number), Mobile: u.Mobile, Class: string(u.Class), Why: u.Why,
			Customers: u.Customers, Rows: u.Rows, Names: []string{}, Files: []string{}, Owner: m.name(u.Owner)}
		for _, x := range u.Records {
			r := in.row(x)
			if r == nil {
				continue
			}
			if n := m.field("name", r.Norm.Name, r.Norm.Kind != record.Company); n != "" && len(sn.Names) < maxNumberNames && !slices.Contains(sn.Names, n) {
				sn.Names = append(sn.Names, n)
			}
			if !slices.Contains(sn.Files, r.Prov.File) {
				sn.Files = append(sn.Files, r.Prov.File)
			}
		}
		slices.Sort(sn.Files)
		out.List = append(out.List, sn)
	}
	return out
}

func classRank(c match.NumberClass) int {
	if c == match.NumberNotOwn {
		return 0
	}
	return 1
}

package report

import (
	"cmp"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/crmclean/crmclean/pipeline/merge"
	"github.com/crmclean/crmclean/pipeline/record"
)

func TestCheckMixedNames(t *testing.T) {
	person := func(names ...string) *merge.Customer {
		c := &merge.Customer{ID: "P" + names[0], Kind: record.Person}
		for _, n := range names {
			c.Rows = append(c.Rows, &record.Record{Norm: record.Normalized{Kind: record.Person, Name: n, NameKey: n}})
		}
		return c
	}
	company := func(id string, keys ...string) *merge.Customer {
		c := &merge.Customer{ID: id, Kind: record.Company}
		for _, k := range keys {
			c.Rows = append(c.Rows, &record.Record{Norm: record.Normalized{Kind: record.Company, Name: k + "有限公司", NameKey: k}})
		}
		return c
	}
	in := Input{Customers: []*merge.Customer{
		person("马泽洋", "马子骞", "马瑞霖"),    // a household merged: three persons
		person("李娜", "Li Na", "Na Li"), // one person, romanized either way
		person("张伟", "张伟"),             // one person, twice
		company("C1", "华信科技", "华新科技"),  // a homophone typo: one company
		company("C2", "华信科技", "宏图软件"),  // two companies
		person("王芳"),                   // alone
	}}
	got := check(in, masker{on: false})
	var ids []string
	for _, c := range got.MixedNamesList {
		ids = append(ids, c.CustomerID)
	}
	if want := []string{"P马泽洋", "C2"}; !reflect.DeepEqual(ids, want) || got.MixedNames != 2 {
		t.Errorf("mixed names %v (%d), want %v", ids, got.MixedNames, want)
	}
	if c := got.MixedNamesList[0]; c.Explain != "crmclean explain P马泽洋" || len(c.Names) != 3 || c.Rows != 3 {
		t.Errorf("household entry %+v", c)
	}
	if len(got.LargestClusters) != 5 || got.LargestClusters[0].Rows != 3 {
		t.Errorf("largest clusters %+v: want the five customers of several rows, largest first", got.LargestClusters)
	}
	masked := check(in, masker{on: true})
	if n := masked.MixedNamesList[0].Names; !reflect.DeepEqual(n, []string{"马*洋", "马*骞", "马*霖"}) {
		t.Errorf("masked names %v", n)
	}
}

// TestLargestCustomers checks the one-pass pick against sorting every
// customer: most rows first, ties by id, at most n.
func TestLargestCustomers(t *testing.T) {
	var cs []*merge.Customer
	for i, rows := range []int{1, 3, 3, 7, 2, 7, 1, 5, 3, 9, 2, 7} {
		cs = append(cs, &merge.Customer{ID: fmt.Sprintf("C%02d", (i*7)%12), Rows: make([]*record.Record, rows)})
	}
	for _, tc := range []struct {
		name string
		cs   []*merge.Customer
		n    int
	}{
		{"none", nil, 5},
		{"fewer than n", cs[:3], 5},
		{"ties by id", cs, 5},
		{"one", cs, 1},
		{"all", cs, len(cs)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := slices.Clone(tc.cs)
			slices.SortFunc(want, func(a, b *merge.Customer) int {
				return cmp.Or(-cmp.Compare(len(a.Rows), len(b.Rows)), strings.Compare(a.ID, b.ID))
			})
			want = want[:min(len(want), tc.n)]
			got := largestCustomers(tc.cs, tc.n)
			if !slices.Equal(got, want) {
				t.Errorf("got %v, want %v", ids(got), ids(want))
			}
		})
	}
}

func ids(cs []*merge.Customer) []string {
	var out []string
	for _, c := range cs {
		out = append(out, fmt.Sprintf("%s:%d", c.ID, len(c.Rows)))
	}
	return out
}

package report

import (
	"reflect"
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

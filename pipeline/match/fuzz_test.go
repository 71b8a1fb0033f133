package match

import (
	"context"
	"testing"

	"github.com/crmclean/crmclean/pipeline/record"
)

// FuzzMatch feeds arbitrary names, contacts and addresses: Match must not
// panic, must put every record in exactly one cluster, and name
// comparison must be symmetric.
func FuzzMatch(f *testing.F) {
	f.Add("张伟", "章伟", "李经理", "体育西路1号", true)
	f.Add("Wei Zhang", "ZHANG  WEI", "", "", false)
	f.Add("华信科技有限公司上海分公司", "hxkj", "王总", "中山路", true)
	f.Add("", "\x00\uFFFD", "单", "1", false)
	f.Fuzz(func(t *testing.T, n1, n2, contact, address string, company bool) {
		kind := record.Person
		if company {
			kind = record.Company
		}
		specs := []spec{
			{kind: kind, name: n1, key: n1, contact: contact, mobile: "+8613800000001", address: address, tag: "1"},
			{kind: kind, name: n2, key: n2, contact: n1, mobile: "+8613800000001", address: address, tag: "2"},
			{kind: kind, name: n2, contact: contact, line: "+862088880000", address: n1, tag: "3"},
		}
		var recs []*record.Record
		for i, s := range specs {
			recs = append(recs, s.at(i%2).record())
		}
		res, err := Match(context.Background(), recs, Options{Namer: fakeNamer{}, FreeDomains: freeDomains})
		if err != nil {
			t.Fatal(err)
		}
		seen := make([]int, len(recs))
		for _, c := range res.Clusters {
			for _, i := range c {
				seen[i]++
			}
		}
		for i, n := range seen {
			if n != 1 {
				t.Fatalf("record %d in %d clusters", i, n)
			}
		}
		rd := reader{namer: fakeNamer{}}
		a, b := rd.read(compact(n1), n1, kind), rd.read(compact(n2), n2, kind)
		l1, _ := compareNames(&a, &b, company)
		l2, _ := compareNames(&b, &a, company)
		if l1 != l2 {
			t.Errorf("compareNames(%q, %q) = %s, reversed %s", n1, n2, levelNames[l1], levelNames[l2])
		}
	})
}

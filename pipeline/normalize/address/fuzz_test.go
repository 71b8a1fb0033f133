package address

import (
	"testing"
	"unicode/utf8"
)

// FuzzResolve checks that Resolve never panics, that its divisions are
// canonical names of the data that belong together, and that resolving its
// formatted output gives the same result.
func FuzzResolve(f *testing.F) {
	for _, tc := range resolveCases {
		f.Add(tc.in.Province, tc.in.City, tc.in.District, tc.in.Address)
	}
	f.Add("", "", "", "浙江 杭州 西湖 路 1 号")
	f.Add("吉林", "吉林", "", "吉林大街")
	f.Add("", "", "", "\xff浙江省\x00杭州市")
	f.Fuzz(func(t *testing.T, province, city, district, address string) {
		in := Input{Province: province, City: city, District: district, Address: address}
		got := Resolve(in)
		checkCanonical(t, got)
		if !utf8.ValidString(got.Detail) {
			t.Errorf("Detail %q is not valid UTF-8", got.Detail)
		}
		again := Resolve(Input{Address: format(got)})
		checkCanonical(t, again)
		if again.Province != got.Province || again.City != got.City || again.District != got.District ||
			again.Detail != got.Detail || again.Adcode != got.Adcode {
			t.Errorf("not idempotent for %+v:\nfirst %+v\nagain %+v", in, got, again)
		}
	})
}

func checkCanonical(t *testing.T, r Result) {
	t.Helper()
	switch {
	case r.Province == "" && (r.City != "" || r.District != ""),
		r.City == "" && r.District != "":
		t.Fatalf("levels skipped: %+v", r)
	case r.Province == "":
		if r.Adcode != "" {
			t.Fatalf("adcode without division: %+v", r)
		}
		return
	}
	d := idx.find(r.Province, r.City, r.District)
	if d == nil {
		t.Fatalf("%s/%s/%s is not a division of the data", r.Province, r.City, r.District)
	}
	if r.Adcode == "" || (d.code != "" && d.code != r.Adcode) {
		t.Fatalf("adcode %q for %s/%s/%s, data has %q", r.Adcode, r.Province, r.City, r.District, d.code)
	}
}

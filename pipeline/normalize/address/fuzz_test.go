package address

import (
	"strings"
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

var trimCases = []struct{ name, in, want string }{
	{"empty", "", ""},
	{"only separators", " ，、-/ ", ""},
	{"han both ends", "，文三路90号。", "文三路90号"},
	{"ascii both ends", ", Room 5 .", "Room 5"},
	{"full-width ends", "：西湖区／", "西湖区"},
	{"non-han last rune", "，文三路①", "文三路①"},
	{"invalid byte last", "文三路\xff", "文三路\xff"},
	{"han lead bytes only", "路\xe4\xb8", "路\xe4\xb8"},
	{"one byte", "-", ""},
}

// TestTrimSeparators checks trimSeparators on named cases and against
// strings.TrimFunc, which it replaces for speed.
func TestTrimSeparators(t *testing.T) {
	for _, tc := range trimCases {
		t.Run(tc.name, func(t *testing.T) {
			if got := trimSeparators(tc.in); got != tc.want {
				t.Errorf("trimSeparators(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if want := strings.TrimFunc(tc.in, isSeparator); tc.want != want {
				t.Errorf("case %q: strings.TrimFunc gives %q", tc.in, want)
			}
		})
	}
}

// FuzzTrimSeparators checks that trimSeparators trims as strings.TrimFunc
// with isSeparator does, for any bytes.
func FuzzTrimSeparators(f *testing.F) {
	for _, tc := range trimCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := trimSeparators(s), strings.TrimFunc(s, isSeparator); got != want {
			t.Errorf("trimSeparators(%q) = %q, strings.TrimFunc gives %q", s, got, want)
		}
	})
}

package phone

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/crmclean/crmclean/pipeline/msg"
	"github.com/crmclean/crmclean/pipeline/record"
)

// TestSubscriberTableEqualsPhonenumbers proves the generated area-code
// table, deep refinements included, against phonenumbers: for every area
// code and subscriber length (6 to 8), every two leading digits, and for
// the shapes the table refines, every leading digits one deeper than its
// longest refinement, completed other than by the generator's samples,
// the table's verdict is phonenumbers' (a valid fixed line or not). An
// ask verdict is allowed anywhere: phonenumbers then decides.
func TestSubscriberTableEqualsPhonenumbers(t *testing.T) {
	p := newParser(t)
	completions := []string{"2468024", "7777777"}
	if testing.Short() {
		completions = completions[:1]
	}
	var checked, asked int
	check := func(code string, a areaCode, sub string) {
		v := a.subscriber(sub)
		if v == ask {
			asked++
			return
		}
		s := p.slow("+86" + code + sub)
		if landline := s.st == whole && s.typ == record.Landline; (v == yes) != landline {
			t.Errorf("0%s-%s: table says %v, phonenumbers %v %s", code, sub, v == yes, s.st == whole, s.typ)
		}
		checked++
	}
	for code, a := range areaCodes {
		for n := 6; n <= 8; n++ {
			for _, lead := range leadingDigits(2) {
				depth := 2
				if a.odd[n-6]&(1<<(lead[0]-'0')) != 0 {
					for _, d := range a.deep {
						if d.n == n && d.prefix[0] == lead[0] {
							depth = max(depth, len(d.prefix)+1)
						}
					}
				}
				for _, more := range leadingDigits(min(depth, n) - 2) {
					for _, rest := range completions {
						sub := lead + more
						check(code, a, sub+rest[:n-len(sub)])
					}
				}
			}
		}
	}
	t.Logf("%d numbers checked, %d left to phonenumbers", checked, asked)
}

// leadingDigits lists every string of n decimal digits.
func leadingDigits(n int) []string {
	out := []string{""}
	for range n {
		var next []string
		for _, s := range out {
			for d := range 10 {
				next = append(next, s+fmt.Sprint(d))
			}
		}
		out = next
	}
	return out
}

// TestLengths pins the subscriber-length descriptions of lengths, which
// issue messages quote, to the table's bits.
func TestLengths(t *testing.T) {
	tests := []struct {
		name string
		a    areaCode
		want string
	}{
		{name: "eight", a: areaCode{lens: [3]uint16{0, 0, 0x3fc}}, want: "8"},
		{name: "seven or eight", a: areaCode{lens: [3]uint16{0, 0x3fc, 0x3fc}}, want: "7 or 8"},
		{name: "six to eight", a: areaCode{lens: [3]uint16{1, 2, 4}}, want: "6 or 7 or 8"},
		{name: "six or eight", a: areaCode{lens: [3]uint16{1, 0, 4}}, want: "6 or 8"},
		{name: "odd ignored when lens", a: areaCode{lens: [3]uint16{0, 0, 4}, odd: [3]uint16{0x200, 0, 0}}, want: "8"},
		{name: "odd only", a: areaCode{odd: [3]uint16{0x200, 0, 0}}, want: "6"},
		{name: "none", a: areaCode{}, want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := msg.Arg("en", tt.a.lengths()); got != tt.want {
				t.Errorf("lengths() = %q, want %q", got, tt.want)
			}
		})
	}
	for code, a := range areaCodes {
		if got, want := msg.Arg("en", a.lengths()), joinLengths(a); got != want {
			t.Errorf("area code %s: lengths() = %q, want %q", code, got, want)
		}
	}
}

// joinLengths is lengths written plainly.
func joinLengths(a areaCode) string {
	var ls []string
	for i := range a.lens {
		if a.lens[i] != 0 {
			ls = append(ls, fmt.Sprint(6+i))
		}
	}
	if len(ls) == 0 {
		for i := range a.odd {
			if a.odd[i] != 0 {
				ls = append(ls, fmt.Sprint(6+i))
			}
		}
	}
	return strings.Join(ls, " or ")
}

// TestIsMobileEqualsPrefixes checks the five-digit spread of the mobile
// prefixes against the generated prefixes themselves, for every first five
// digits (and a few that are not digits).
func TestIsMobileEqualsPrefixes(t *testing.T) {
	byPrefixes := func(d string) bool {
		for n := 2; n <= 5; n++ {
			if mobilePrefixes[d[:n]] {
				return true
			}
		}
		return false
	}
	mobiles := 0
	for n := range 100000 {
		d := fmt.Sprintf("%05d123456", n)
		got, want := isMobile([]byte(d)), byPrefixes(d)
		if got != want {
			t.Errorf("isMobile(%s) = %v, mobilePrefixes say %v", d, got, want)
		}
		if got {
			mobiles++
		}
	}
	if mobiles == 0 {
		t.Error("no five-digit prefix is a mobile")
	}
	for _, d := range []string{"", "1380", "13a00138000", "1:800138000", "１３８"} {
		if isMobile([]byte(d)) {
			t.Errorf("isMobile(%q) = true", d)
		}
	}
}

// TestServesCity compares servesCity, which consults AreaCode only for a
// mismatch, with the plain reading: a city is known when AreaCode knows
// it, and served when the code's cities hold it (with or without 市).
func TestServesCity(t *testing.T) {
	plain := func(code, city string) (bool, bool) {
		if AreaCode(city) == "" {
			return false, false
		}
		for _, c := range areaCodes[code].cities {
			if c == city || c == city+"市" {
				return true, true
			}
		}
		return false, true
	}
	cities := []string{"", " ", "杭州市", "杭州", " 杭州市", "杭州市 ", "杭州市市", "某某市", "北京", "市", "上海市"}
	for code, a := range areaCodes {
		for _, c := range a.cities {
			if strings.TrimSpace(c) != c || strings.HasSuffix(c, "市市") {
				t.Errorf("area code %s: city %q has spaces or 市市", code, c)
			}
			cities = append(cities, c, strings.TrimSuffix(c, "市"))
		}
	}
	for code := range areaCodes {
		for _, city := range cities {
			gs, gk := servesCity(code, city)
			ws, wk := plain(code, city)
			if gs != ws || gk != wk {
				t.Fatalf("servesCity(%q, %q) = %v, %v; want %v, %v", code, city, gs, gk, ws, wk)
			}
		}
	}
}

// TestLookupAreaEqualsMap checks the indexed area-code lookup against the
// plain reading of areaCodes for every string of up to five digits and
// some that are not digits.
func TestLookupAreaEqualsMap(t *testing.T) {
	plain := func(national string) (string, areaCode, bool) {
		if len(national) >= 4 {
			if a, ok := areaCodes[national[:4]]; ok {
				return national[:4], a, true
			}
		}
		n := 3
		if strings.HasPrefix(national, "10") || strings.HasPrefix(national, "2") {
			n = 2
		}
		if len(national) < n {
			return "", areaCode{}, false
		}
		a, ok := areaCodes[national[:n]]
		return national[:n], a, ok
	}
	inputs := []string{"", "x", "5a1", "57x8", "8o78", "1０", "２1"}
	for n := 0; n <= 5; n++ {
		inputs = append(inputs, leadingDigits(n)...)
	}
	found := 0
	for _, in := range inputs {
		gc, ga, gok := lookupArea(in)
		wc, wa, wok := plain(in)
		if gc != wc || gok != wok || !reflect.DeepEqual(ga, wa) {
			t.Fatalf("lookupArea(%q) = %q, %v; want %q, %v", in, gc, gok, wc, wok)
		}
		if gok {
			found++
		}
	}
	if found == 0 {
		t.Error("no area code found")
	}
	// lengthIssue looks an area code up by itself
	for code, a := range areaCodes {
		if gc, ga, ok := lookupArea(code); gc != code || !ok || !reflect.DeepEqual(ga, a) {
			t.Errorf("lookupArea(%q) = %q, %v", code, gc, ok)
		}
	}
}

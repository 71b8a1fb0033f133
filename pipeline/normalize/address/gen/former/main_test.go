package main

import (
	"slices"
	"testing"
)

func TestSuccessors(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"330212", []string{"330212"}},
		{"330102[1996];330102;330114", []string{"330102", "330114"}},
		{"370211[1996];370211[2003];370211", []string{"370211"}},
		{"130108[2001]", []string{"130108"}},
	} {
		if got := successors(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("successors(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestResolveChain follows a code through a later change of the same code
// (桥东区 became 襄都区 keeping 130502) and a chain of two changes.
func TestResolveChain(t *testing.T) {
	cur := map[string]current{"130502": {name: "襄都区"}, "450107": {name: "西乡塘区"}}
	rows := []row{
		{code: "130502", name: "桥东区", start: 1983, end: 2020, next: []string{"130502"}},
		{code: "450104", name: "城北区", start: 1980, end: 2004, next: []string{"450107"}},
		{code: "450107", name: "市郊区", start: 1984, end: 2001, next: []string{"450104"}},
	}
	byCode := map[string][]row{}
	for _, r := range rows {
		byCode[r.code] = append(byCode[r.code], r)
	}
	if got, err := resolve([]string{"130502"}, 2020, byCode, cur, 0); err != nil || !slices.Equal(got, []string{"130502"}) {
		t.Errorf("桥东区: %v %v", got, err)
	}
	if got, err := resolve([]string{"450104"}, 2001, byCode, cur, 0); err != nil || !slices.Equal(got, []string{"450107"}) {
		t.Errorf("市郊区 → 城北区 → 西乡塘区: %v %v", got, err)
	}
	if _, err := resolve([]string{"999999"}, 2001, byCode, cur, 0); err == nil {
		t.Error("unknown successor accepted")
	}
}

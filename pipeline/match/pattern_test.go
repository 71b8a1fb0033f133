package match

import (
	"context"
	"testing"

	"github.com/crmclean/crmclean/pipeline/record"
)

// TestPatternOf rebuilds every pair's pattern from its evidence, as a
// later run does for the pairs an earlier one stored.
func TestPatternOf(t *testing.T) {
	recs, _ := synth(3000, 7)
	res, err := Match(context.Background(), recs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, set := range [][]Pair{res.Links, res.Review} {
		for _, p := range set {
			n++
			company := recs[p.A].Norm.Kind == record.Company || recs[p.B].Norm.Kind == record.Company
			if got := PatternOf(p.Evidence, company); got != p.Pattern {
				t.Fatalf("PatternOf(%v) = %q, want %q", p.Evidence, got, p.Pattern)
			}
		}
	}
	if n == 0 || len(res.Review) == 0 {
		t.Fatalf("%d pairs with a pattern, %d review pairs: the corpus tests nothing", n, len(res.Review))
	}
}

func TestHardConflict(t *testing.T) {
	for _, tc := range []struct {
		name, code string
		want       bool
	}{
		{"persons alike", "person·name=·mobile∅·address=", false},
		{"persons named differently", "person·name≠·mobile=·address=", true},
		{"companies named differently", "company·name≠·contact=·mobile=·address∅", false},
		{"different USCCs", "company·name=·mobile∅·address=·uscc≠", true},
		{"different branches", "company·name~·mobile∅·address∅·branch≠", true},
		{"one a branch", "company·name~·mobile=·address∅·branch~", false},
		{"no pattern", "decided", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := HardConflict(tc.code); got != tc.want {
				t.Errorf("HardConflict(%q) = %v, want %v", tc.code, got, tc.want)
			}
		})
	}
}

func TestLabel(t *testing.T) {
	for _, tc := range []struct {
		name, code, lang, want string
	}{
		{"chinese", "person·name=·mobile∅·address≈", "zh", "个人：名称一致 · 手机缺失 · 地址相近"},
		{"default is chinese", "company·name~·mobile=·address∅", "", "企业：名称近似 · 手机一致 · 地址缺失"},
		{"english", "company·name~·mobile=·address∅·branch~", "en", "companies: name alike · mobile agrees · address missing · branch alike"},
		{"no pattern", "x", "en", "x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Label(tc.code, tc.lang); got != tc.want {
				t.Errorf("Label(%q, %q) = %q, want %q", tc.code, tc.lang, got, tc.want)
			}
		})
	}
}

func TestByCustomer(t *testing.T) {
	customer := []string{"C1", "C1", "C2", "C2", "C3", ""}
	pairs := []Pair{
		{A: 0, B: 2, Score: 5, Pattern: "weak"},
		{A: 1, B: 3, Score: 8, Pattern: "strong"},
		{A: 3, B: 0, Score: 8, Pattern: "tie, later in pair order"},
		{A: 4, B: 0, Score: 9},
		{A: 0, B: 1, Score: 7}, // one customer already
		{A: 5, B: 4, Score: 9}, // a row without customer
	}
	got := ByCustomer(pairs, func(i int) string { return customer[i] })
	want := []Pair{{A: 4, B: 0, Score: 9, Rows: 1}, {A: 1, B: 3, Score: 8, Pattern: "strong", Rows: 3}}
	if len(got) != len(want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i].A != want[i].A || got[i].B != want[i].B || got[i].Score != want[i].Score || got[i].Pattern != want[i].Pattern || got[i].Rows != want[i].Rows {
			t.Errorf("pair %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

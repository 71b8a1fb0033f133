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
	got := ByCustomer(pairs, func(i record.Key) string { return customer[i] })
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

// TestLearnedPatterns decides the review pairs of a pattern by a learned
// verdict: merge joins them, keep leaves them apart, neither asks a person,
// and a merge never applies to a pattern holding a hard conflict.
func TestLearnedPatterns(t *testing.T) {
	recs, _ := synth(3000, 7)
	base, err := Match(context.Background(), recs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	byPattern := map[string][]Pair{}
	for _, p := range base.Review {
		byPattern[p.Pattern] = append(byPattern[p.Pattern], p)
	}
	var code string
	for c, ps := range byPattern {
		if !HardConflict(c) && (code == "" || len(ps) > len(byPattern[code])) {
			code = c
		}
	}
	if code == "" {
		t.Fatal("no review pattern without a hard conflict: the corpus tests nothing")
	}
	for _, verdict := range []string{DecisionMerge, DecisionKeep} {
		t.Run(verdict, func(t *testing.T) {
			res, err := Match(context.Background(), recs, Options{Patterns: map[string]string{code: verdict}})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range res.Review {
				if p.Pattern == code {
					t.Fatalf("pair %d-%d of %s still in review", p.A, p.B, code)
				}
			}
			// Review leaves out pairs whose rows cluster together anyway;
			// ByPattern counts every pair the verdict decided.
			if res.Stats.ByPattern[code] < len(byPattern[code]) {
				t.Errorf("ByPattern %v, want at least the %d review pairs of %s", res.Stats.ByPattern, len(byPattern[code]), code)
			}
			if len(res.Review) != len(base.Review)-len(byPattern[code]) && verdict == DecisionKeep {
				t.Errorf("%d review pairs, want %d", len(res.Review), len(base.Review)-len(byPattern[code]))
			}
			joined := 0
			for _, p := range byPattern[code] {
				if together(res, p.A, p.B) {
					joined++
				}
			}
			switch {
			case verdict == DecisionMerge && joined == 0:
				t.Errorf("none of the %d pairs of %s merged", len(byPattern[code]), code)
			case verdict == DecisionKeep && joined > 0:
				t.Errorf("%d pairs of %s merged on keep", joined, code)
			}
		})
	}
	var hard string
	for c := range byPattern {
		if HardConflict(c) {
			hard = c
		}
	}
	if hard != "" {
		res, err := Match(context.Background(), recs, Options{Patterns: map[string]string{hard: DecisionMerge}})
		if err != nil {
			t.Fatal(err)
		}
		if res.Stats.ByPattern[hard] != 0 {
			t.Errorf("a merge applied to %s, a hard conflict", hard)
		}
	}
}

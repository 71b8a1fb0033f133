package pipeline

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/crmclean/crmclean/pipeline/match"
	"github.com/crmclean/crmclean/pipeline/report"
	"github.com/crmclean/crmclean/pipeline/state"
)

func TestLearnPatterns(t *testing.T) {
	const (
		alike = "company·name≈·mobile∅·address="
		mixed = "person·name=·mobile∅·address="
		hard  = "company·name=·mobile∅·address=·uscc≠"
		few   = "person·name≈·mobile=·address∅"
		kept  = "person·name=·mobile≠·address∅"
		gone  = "company·name=·mobile∅·address∅"
	)
	ds := map[[2]string]state.Decision{}
	add := func(code, verdict string, n int) {
		for i := range n {
			k := state.PairKey(fmt.Sprintf("%s-%d-a", code, i), fmt.Sprintf("%s-%d-b", code, i))
			if _, dup := ds[k]; dup {
				k[1] += verdict
			}
			ds[k] = state.Decision{A: k[0], B: k[1], Verdict: verdict, Pattern: code}
		}
	}
	add(alike, state.Merge, 20)
	add(mixed, state.Merge, 19)
	add(mixed, state.Keep, 1)
	add(hard, state.Merge, 25)
	add(few, state.Merge, 19)
	add(kept, state.Keep, 21)
	add(gone, state.Merge, 22)
	add("", state.Merge, 30) // decided without a pattern

	learned := learnPatterns(ds, 20, map[string]bool{gone: true})
	got := map[string]string{}
	for _, l := range learned {
		got[l.Pattern] = l.Verdict
	}
	want := map[string]string{alike: match.DecisionMerge, mixed: "", hard: "", few: "", kept: match.DecisionKeep, gone: ""}
	if len(got) != len(want) {
		t.Fatalf("learned %+v", learned)
	}
	for code, v := range want {
		if got[code] != v {
			t.Errorf("%s: verdict %q, want %q", code, got[code], v)
		}
	}
	if learned[0].Pattern != hard || learned[0].Decided() != 25 {
		t.Errorf("first %+v, want the most decided", learned[0])
	}
	applied := appliedPatterns(learned)
	if len(applied) != 2 || applied[alike] != match.DecisionMerge || applied[kept] != match.DecisionKeep {
		t.Errorf("applied %v", applied)
	}
	if off := appliedPatterns(learnPatterns(ds, 0, nil)); off != nil {
		t.Errorf("learn_pattern 0 applied %v", off)
	}
}

func TestPatternsSince(t *testing.T) {
	const (
		a = "person·name=·mobile∅·address="
		b = "company·name≈·mobile∅·address="
	)
	stored := func(m map[string]string) []byte {
		t.Helper()
		v, err := patternsSetting(m)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name        string
		stored      []byte
		applied     map[string]string
		wantAdded   map[string]string
		wantDropped bool
	}{
		{"none, none", nil, nil, nil, false},
		{"none stored, one learned", nil, map[string]string{a: match.DecisionMerge}, map[string]string{a: match.DecisionMerge}, false},
		{"empty stored", []byte(""), map[string]string{a: match.DecisionKeep}, map[string]string{a: match.DecisionKeep}, false},
		{"same", stored(map[string]string{a: match.DecisionMerge}), map[string]string{a: match.DecisionMerge}, nil, false},
		{"one more", stored(map[string]string{a: match.DecisionMerge}), map[string]string{a: match.DecisionMerge, b: match.DecisionKeep}, map[string]string{b: match.DecisionKeep}, false},
		{"forgotten", stored(map[string]string{a: match.DecisionMerge, b: match.DecisionKeep}), map[string]string{b: match.DecisionKeep}, nil, true},
		{"verdict turned", stored(map[string]string{a: match.DecisionMerge}), map[string]string{a: match.DecisionKeep}, nil, true},
		{"a hash of an older state", []byte("0123456789abcdef0123456789abcdef"), map[string]string{a: match.DecisionMerge}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			added, dropped := patternsSince(tt.stored, tt.applied)
			if dropped != tt.wantDropped || len(added) != len(tt.wantAdded) {
				t.Fatalf("added %v, dropped %v; want %v, %v", added, dropped, tt.wantAdded, tt.wantDropped)
			}
			for code, v := range tt.wantAdded {
				if added[code] != v {
					t.Errorf("added[%s] = %q, want %q", code, added[code], v)
				}
			}
		})
	}
}

// TestSyncRefinesWeights: once 20 pairs are decided, the next run
// refines the match weights with them and report.json says what moved;
// without decisions nothing moves.
func TestSyncRefinesWeights(t *testing.T) {
	const code = "company·name≈·mobile∅·address="
	e := newSyncEnv(t)
	e.run()
	refined := func(out string) report.RefinedWeights {
		t.Helper()
		data, err := os.ReadFile(filepath.Join(out, "report.json"))
		if err != nil {
			t.Fatal(err)
		}
		var rep report.Report
		if err := json.Unmarshal(data, &rep); err != nil {
			t.Fatal(err)
		}
		return rep.Budget.Weights
	}
	if _, out := e.run(); refined(out).Decisions != 0 || len(refined(out).Moved) != 0 {
		t.Errorf("weights refined without decisions: %+v", refined(out))
	}
	var ds []state.Decision
	for i := range 19 {
		ds = append(ds, state.Decision{A: fmt.Sprintf("gone-%02d-a", i), B: fmt.Sprintf("gone-%02d-b", i), Verdict: state.Merge, Pattern: code})
	}
	storeDecisions(t, e.state, ds...)
	if _, out := e.run(); refined(out).Decisions != 0 {
		t.Errorf("weights refined by 19 decisions: %+v", refined(out))
	}
	storeDecisions(t, e.state, state.Decision{A: "gone-19-a", B: "gone-19-b", Verdict: state.Merge, Pattern: code})
	res, out := e.run()
	r := refined(out)
	if r.Decisions != 20 || len(r.Moved) == 0 {
		t.Fatalf("weights refined %+v, want 20 decisions moving some", r)
	}
	up := false
	for _, m := range r.Moved {
		if m.Kind == "person" {
			t.Errorf("company decisions moved a person weight: %+v", m)
		}
		up = up || m.Kind == "company" && m.Field == "name" && m.Outcome == "near" && m.After > m.Before
	}
	if !up {
		t.Errorf("company name near did not rise with 20 merges showing it: %+v", r.Moved)
	}
	if res.Match.Stats.Labelled != 20 {
		t.Errorf("Stats.Labelled %d, want 20", res.Match.Stats.Labelled)
	}
}

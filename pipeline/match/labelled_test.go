package match

import "testing"

// TestLabelledWeights: decided pairs move the weights of the outcomes
// they show once enough are decided — merges up, keeps down — and leave
// them alone with too few decisions, for the other kind, and for missing
// values.
func TestLabelledWeights(t *testing.T) {
	const code = "company·name≈·mobile∅·address="
	weight := func(ls []Labelled, kind, field, outcome string) (now, before float64, labelled int) {
		t.Helper()
		st := &Stats{}
		estimate(nil, nil, 1, &Options{NoEM: true, Labelled: ls}, st)
		for _, fw := range st.Weights {
			if fw.Kind == kind && fw.Field == field && fw.Outcome == outcome {
				return fw.Weight, fw.Before, st.Labelled
			}
		}
		t.Fatalf("no weight %s.%s.%s", kind, field, outcome)
		return 0, 0, 0
	}
	tests := []struct {
		name                 string
		ls                   []Labelled
		kind, field, outcome string
		wantMove             int // +1 up, -1 down, 0 unchanged
		wantLabelled         int
	}{
		{"no decisions", nil, "company", "name", "near", 0, 0},
		{"19 merges are too few", []Labelled{{Pattern: code, Merge: 19}}, "company", "name", "near", 0, 0},
		{"20 merges raise name near", []Labelled{{Pattern: code, Merge: 20}}, "company", "name", "near", +1, 20},
		{"and address agree", []Labelled{{Pattern: code, Merge: 20}}, "company", "address", "agree", +1, 20},
		{"missing stays no evidence", []Labelled{{Pattern: code, Merge: 20}}, "company", "mobile", "missing", 0, 20},
		{"4 pairs showing an outcome are too few", []Labelled{{Pattern: code, Merge: 20}, {Pattern: "company·name≠·mobile∅·address=", Merge: 4}}, "company", "name", "disagree", 0, 24},
		{"an outcome not shown stays", []Labelled{{Pattern: code, Merge: 20}}, "company", "name", "disagree", 0, 20},
		{"persons are another kind", []Labelled{{Pattern: code, Merge: 20}}, "person", "name", "near", 0, 20},
		{"25 keeps lower name near", []Labelled{{Pattern: code, Keep: 25}}, "company", "name", "near", -1, 25},
		{"not a pattern", []Labelled{{Pattern: "no pattern", Merge: 40}}, "company", "name", "near", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base, _, _ := weight(nil, tt.kind, tt.field, tt.outcome)
			got, before, labelled := weight(tt.ls, tt.kind, tt.field, tt.outcome)
			if before != base {
				t.Errorf("weight before the decisions %.1f, want %.1f", before, base)
			}
			if labelled != tt.wantLabelled {
				t.Errorf("Stats.Labelled %d, want %d", labelled, tt.wantLabelled)
			}
			switch {
			case tt.wantMove > 0 && got <= base, tt.wantMove < 0 && got >= base, tt.wantMove == 0 && got != base:
				t.Errorf("weight %.1f, before %.1f: want move %+d", got, base, tt.wantMove)
			}
			if got-base > labelBound+0.05 || base-got > labelBound+0.05 {
				t.Errorf("weight moved %.1f bits, more than %d", got-base, labelBound)
			}
		})
	}
}

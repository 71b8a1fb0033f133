package state

import (
	"context"
	"reflect"
	"testing"
)

func TestDecisionsOrderIndependent(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	if err := s.AddDecisions(ctx, []Decision{{A: "fp-b", B: "fp-a", Verdict: Merge, Source: "review.xlsx"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.AddDecisions(ctx, []Decision{{A: "fp-a", B: "fp-b", Verdict: Keep, Source: "decide"}}); err != nil {
		t.Fatal(err)
	}
	ds, err := s.Decisions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 1 || ds[0].A != "fp-a" || ds[0].B != "fp-b" || ds[0].Verdict != Keep || ds[0].Source != "decide" {
		t.Errorf("decisions = %+v, want one keep on fp-a/fp-b from decide", ds)
	}
	if PairKey("x", "y") != PairKey("y", "x") {
		t.Error("PairKey depends on order")
	}
	audit, err := s.Audit(ctx)
	if err != nil || len(audit) != 2 || audit[0].Kind != KindDecisions || audit[0].Counts[Merge] != 1 ||
		!reflect.DeepEqual(audit[1].Inputs, []string{"decide"}) {
		t.Errorf("audit = %+v, %v", audit, err)
	}

	bad := []struct {
		name string
		d    Decision
	}{
		{"unknown verdict", Decision{A: "a", B: "b", Verdict: "合并"}},
		{"same row twice", Decision{A: "a", B: "a", Verdict: Merge}},
		{"missing side", Decision{A: "a", Verdict: Keep}},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			if err := s.AddDecisions(ctx, []Decision{tt.d}); err == nil {
				t.Error("AddDecisions accepted it")
			}
		})
	}
}

func TestSurvivor(t *testing.T) {
	p := &Snapshot{Issued: map[string]int64{"CB": 1, "CA": 2, "CC": 1}}
	tests := []struct {
		name string
		ids  []string
		want string
	}{
		{"older run wins over lexical order", []string{"CA", "CB"}, "CB"},
		{"same run: lexical", []string{"CC", "CB"}, "CB"},
		{"issued beats never issued", []string{"C0", "CA"}, "CA"},
		{"neither issued: lexical", []string{"CZ", "CY"}, "CY"},
		{"none", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := p.Survivor(tt.ids...); got != tt.want {
				t.Errorf("Survivor(%v) = %q, want %q", tt.ids, got, tt.want)
			}
		})
	}
}

func TestResolve(t *testing.T) {
	type call struct {
		base     string
		previous []string
		want     Resolution
	}
	tests := []struct {
		name  string
		calls []call
	}{
		{"new cluster keeps its batch id", []call{{"CNEW", nil, Resolution{ID: "CNEW", New: true}}}},
		{"existing customer keeps its id", []call{{"CXYZ", []string{"CB", "CB", ""}, Resolution{ID: "CB"}}}},
		{"two customers merge into the older", []call{{"CXYZ", []string{"CA", "CB"}, Resolution{ID: "CB", Merged: []string{"CA"}}}}},
		{"retired id is not reused", []call{{"CRET", nil, Resolution{ID: derived("CRET", 1), New: true}}}},
		{"split: the second part gets a new id", []call{
			{"C1", []string{"CB"}, Resolution{ID: "CB"}},
			{"C2", []string{"CB"}, Resolution{ID: "C2", New: true}},
		}},
		{"same batch id twice in one run", []call{
			{"CNEW", nil, Resolution{ID: "CNEW", New: true}},
			{"CNEW", nil, Resolution{ID: derived("CNEW", 1), New: true}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &Snapshot{Issued: map[string]int64{"CA": 2, "CB": 1, "CRET": 1}, claimed: map[string]bool{}}
			for _, c := range tt.calls {
				if got := p.Resolve(c.base, c.previous); !reflect.DeepEqual(got, c.want) {
					t.Errorf("Resolve(%q, %v) = %+v, want %+v", c.base, c.previous, got, c.want)
				}
			}
		})
	}
}

// derived is the n-th id derived from base, computed independently.
func derived(base string, n int) string {
	p := &Snapshot{Issued: map[string]int64{base: 1}, claimed: map[string]bool{}}
	for i := 1; i < n; i++ {
		p.claimed[p.allocate(base)] = true
	}
	return p.allocate(base)
}

// TestIDsNeverReused goes through the store: a customer retired in one run
// does not get its id back when a cluster with the same batch id appears.
func TestIDsNeverReused(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	ch := fixtureChanges(0, "a.xlsx", 2) // customers CA000001, CA000002
	r1 := mustCommit(t, s, fixtureRun(), ch)
	// Run 2: both rows are gone; the customers retire, CA000002 into CA000001.
	r2 := mustCommit(t, s, fixtureRun(), Changes{Base: r1, GoneFiles: []string{"a.xlsx"}, Customers: []Customer{
		{ID: "CA000001", Retired: true}, {ID: "CA000002", MergedInto: "CA000001"}}})
	p, err := s.Previous(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c := p.Customers["CA000002"]; !c.Retired || c.MergedInto != "CA000001" {
		t.Errorf("merged customer = %+v", c)
	}
	seen := map[string]bool{}
	for _, base := range []string{"CA000001", "CA000002", "CA000001"} {
		res := p.Resolve(base, nil)
		if res.ID == "CA000001" || res.ID == "CA000002" || seen[res.ID] {
			t.Errorf("Resolve(%q) = %q: an id was reused", base, res.ID)
		}
		seen[res.ID] = true
	}
	p2, err := s.Previous(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := p.Resolve("CA000009", nil), p2.Resolve("CA000009", nil); !reflect.DeepEqual(a, b) {
		t.Errorf("Resolve is not deterministic: %+v vs %+v", a, b)
	}
	ms, err := s.Merges(ctx)
	if err != nil || !reflect.DeepEqual(ms, []MergeRecord{{Run: r2, From: "CA000002", Into: "CA000001"}}) {
		t.Errorf("Merges = %+v, %v", ms, err)
	}
}

func TestRunChanges(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	r1 := mustCommit(t, s, fixtureRun(), fixtureChanges(0, "a.xlsx", 5)) // CA000001…CA000005
	r2 := mustCommit(t, s, fixtureRun(), Changes{Base: r1, Customers: []Customer{
		{ID: "CA000001", Golden: []byte(`{"name":"changed"}`)},
		{ID: "CA000002", MergedInto: "CA000001"},
		{ID: "CA000003", Retired: true},
		{ID: "CNEW", Golden: []byte(`{}`)},
	}})
	got, err := s.RunChanges(ctx, r2, r1)
	if err != nil {
		t.Fatal(err)
	}
	want := []CustomerChange{
		{ID: "CA000001", Change: ChangeUpdated},
		{ID: "CA000002", Change: ChangeMerged, MergedInto: "CA000001"},
		{ID: "CA000003", Change: ChangeRetired},
		{ID: "CA000004", Change: ChangeUnchanged},
		{ID: "CA000005", Change: ChangeUnchanged},
		{ID: "CNEW", Change: ChangeNew},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("RunChanges =\n%+v\nwant\n%+v", got, want)
	}
	// Run 3 touches nothing: the retired and merged customers drop out.
	r3 := mustCommit(t, s, fixtureRun(), Changes{Base: r2})
	got, err = s.RunChanges(ctx, r3, r2)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 || got[0].Change != ChangeUnchanged || got[3].ID != "CNEW" {
		t.Errorf("RunChanges after an empty run = %+v", got)
	}
	// Unless run 2 was never published: then run 3's delta carries its
	// changes.
	got, err = s.RunChanges(ctx, r3, r1)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("RunChanges since run 1 =\n%+v\nwant\n%+v", got, want)
	}
	if _, err := s.RunChanges(ctx, r2, r1); err == nil {
		t.Error("RunChanges of an older run succeeded")
	}
}

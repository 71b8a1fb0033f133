package state

import (
	"context"
	"testing"
)

// queryFixture stores two files: a.csv with rows 2-4 (three customers, the
// third merged into the first) and b.xlsx with row 2 on two sheets.
func queryFixture(t *testing.T) *Store {
	t.Helper()
	s, _ := openTemp(t)
	ch := fixtureChanges(0, "a.csv", 3)
	ch.Rows[2].CustomerID = ch.Rows[0].CustomerID // CA000003's row now belongs to CA000001
	ch.Customers[2].MergedInto, ch.Customers[2].Retired = ch.Customers[0].ID, true
	for i, sheet := range []string{"华东", "华北"} {
		r := fixtureRecord("b.xlsx", 2, fixtureName, fixturePhone, "CB00000"+string(rune('1'+i)))
		r.Prov.Sheet = sheet
		r.Fingerprint = "fp-b-" + sheet
		ch.Rows = append(ch.Rows, RowOf(r))
		ch.Customers = append(ch.Customers, Customer{ID: r.CustomerID, Golden: []byte(`{}`)})
	}
	ch.Files = append(ch.Files, File{Rel: "b.xlsx", Hash: "h-b", Rows: 2})
	mustCommit(t, s, fixtureRun("a.csv", "b.xlsx"), ch)
	return s
}

func fingerprints(rows []Row) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r.Fingerprint)
	}
	return out
}

func TestRowQueries(t *testing.T) {
	ctx := context.Background()
	s := queryFixture(t)

	t.Run("row by fingerprint", func(t *testing.T) {
		r, ok, err := s.Row(ctx, "fp-a.csv-0003")
		if err != nil || !ok {
			t.Fatalf("Row = %v, %v", ok, err)
		}
		if r.Prov.File != "a.csv" || r.Prov.Row != 3 || r.CustomerID != "CA000002" || r.Norm.Name != fixtureName+"2" {
			t.Errorf("Row = %+v", r)
		}
		if _, ok, err := s.Row(ctx, "fp-nope"); ok || err != nil {
			t.Errorf("unknown fingerprint: ok %v, err %v", ok, err)
		}
	})

	tests := []struct {
		name string
		got  func() ([]Row, error)
		want []string
	}{
		{"customer with a merged row", func() ([]Row, error) { return s.CustomerRows(ctx, "CA000001") }, []string{"fp-a.csv-0002", "fp-a.csv-0004"}},
		{"customer with one row", func() ([]Row, error) { return s.CustomerRows(ctx, "CA000002") }, []string{"fp-a.csv-0003"}},
		{"merged customer has no rows", func() ([]Row, error) { return s.CustomerRows(ctx, "CA000003") }, nil},
		{"unknown customer", func() ([]Row, error) { return s.CustomerRows(ctx, "CZZZ") }, nil},
		{"csv position", func() ([]Row, error) { return s.RowsAt(ctx, "a.csv", 4) }, []string{"fp-a.csv-0004"}},
		{"xlsx position on two sheets", func() ([]Row, error) { return s.RowsAt(ctx, "b.xlsx", 2) }, []string{"fp-b-华东", "fp-b-华北"}},
		{"position past the end", func() ([]Row, error) { return s.RowsAt(ctx, "a.csv", 99) }, nil},
		{"unknown file", func() ([]Row, error) { return s.RowsAt(ctx, "c.csv", 2) }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := tt.got()
			if err != nil {
				t.Fatal(err)
			}
			if got := fingerprints(rows); !equalStrings(got, tt.want) {
				t.Errorf("rows %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCustomerQuery(t *testing.T) {
	ctx := context.Background()
	s := queryFixture(t)
	tests := []struct {
		name       string
		id         string
		wantOK     bool
		wantMerged string
	}{
		{"live", "CA000001", true, ""},
		{"merged", "CA000003", true, "CA000001"},
		{"unknown", "C0000000000", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, ok, err := s.Customer(ctx, tt.id)
			if err != nil {
				t.Fatal(err)
			}
			if ok != tt.wantOK || c.MergedInto != tt.wantMerged || (ok && (c.ID != tt.id || c.Golden != nil || c.FirstRun == 0)) {
				t.Errorf("Customer(%s) = %+v, %v; want ok %v, merged into %q", tt.id, c, ok, tt.wantOK, tt.wantMerged)
			}
		})
	}
}

// TestAddDecisionsReplaces pins what review apply and decide rely on: a
// later decision on a pair replaces the earlier one, whichever side is
// given first.
func TestAddDecisionsReplaces(t *testing.T) {
	ctx := context.Background()
	s := queryFixture(t)
	if err := s.AddDecisions(ctx, []Decision{{A: "fp-a.csv-0002", B: "fp-a.csv-0003", Verdict: Merge, Source: "review file r1.csv"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.AddDecisions(ctx, []Decision{{A: "fp-a.csv-0003", B: "fp-a.csv-0002", Verdict: Keep, Source: "decide command", Pattern: "person·name=·mobile∅·address="}}); err != nil {
		t.Fatal(err)
	}
	ds, err := s.Decisions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 1 || ds[0].Verdict != Keep || ds[0].Source != "decide command" || ds[0].A != "fp-a.csv-0002" || ds[0].Pattern != "person·name=·mobile∅·address=" {
		t.Errorf("decisions %+v, want the later keep only, with its pattern", ds)
	}
}

func TestSetSetting(t *testing.T) {
	ctx := context.Background()
	s := queryFixture(t)
	for _, v := range []string{"one", "two"} {
		if err := s.SetSetting(ctx, "test_setting", []byte(v)); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Setting(ctx, "test_setting"); err != nil || string(got) != v {
			t.Errorf("setting %q (err %v), want %q", got, err, v)
		}
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

package pipeline

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/crmclean/crmclean/pipeline/ingest"
	"github.com/crmclean/crmclean/pipeline/record"
	"github.com/crmclean/crmclean/rules"
)

// stageFunc makes a rowCleaner of a function.
type stageFunc func(*record.Record)

func (f stageFunc) Apply(r *record.Record) { f(r) }

// TestCleanRejectsARowThatPanics checks that a stage's panic on one row
// rejects that row with the panic as its reason, and that the stages run
// in order on rows that do not panic.
func TestCleanRejectsARowThatPanics(t *testing.T) {
	fill := stageFunc(func(r *record.Record) {
		if r.Get(record.FieldName) == "〣" {
			panic("index out of range [3] with length 3")
		}
		r.Norm.Name = r.Get(record.FieldName)
	})
	check := stageFunc(func(r *record.Record) {
		if r.Norm.Name == "" {
			t.Errorf("row %d: the second stage ran before the first", r.Prov.Row)
		}
	})
	rows := []*record.Record{
		{Prov: record.Provenance{File: "a.csv", Row: 2}, Values: []record.Value{record.NewValue(record.FieldName, 0, "", "华信科技", "")}},
		{Prov: record.Provenance{File: "a.csv", Row: 3}, Values: []record.Value{record.NewValue(record.FieldName, 0, "", "〣", "")}},
	}
	for _, r := range rows {
		clean(r, fill, check)
	}
	if ok := rows[0]; ok.Status == record.Rejected || ok.Norm.Name != "华信科技" {
		t.Errorf("good row: status %q, name %q; want it cleaned and kept", ok.Status, ok.Norm.Name)
	}
	bad := rows[1]
	if bad.Status != record.Rejected || !strings.Contains(bad.Reason, "index out of range") {
		t.Fatalf("panicking row: status %q, reason %q; want rejected with the panic", bad.Status, bad.Reason)
	}
	if len(bad.Issues) != 1 || bad.Issues[0].Rule != RuleInternal || bad.Issues[0].Severity != record.Error {
		t.Errorf("panicking row: issues %+v; want one %s error", bad.Issues, RuleInternal)
	}
}

// TestReadOrder checks that the costliest files start first, a workbook
// counting workbookCost times its size, and that files of equal cost keep
// their order.
func TestReadOrder(t *testing.T) {
	dir := t.TempDir()
	files := []struct {
		name string
		size int
	}{
		{"a.csv", 100}, {"b.xlsx", 30}, {"c.csv", 400}, {"d.csv", 100}, {"e.csv", 0},
	}
	var inputs []ingest.Input
	for _, f := range files {
		path := filepath.Join(dir, f.name)
		if err := os.WriteFile(path, make([]byte, f.size), 0o600); err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, ingest.Input{Path: path, Rel: f.name})
	}
	inputs = append(inputs, ingest.Input{Path: filepath.Join(dir, "gone.csv"), Rel: "gone.csv"}) // vanished: cost 0
	var got []string
	for _, i := range readOrder(inputs) {
		got = append(got, inputs[i].Rel)
	}
	want := []string{"c.csv", "b.xlsx", "a.csv", "d.csv", "e.csv", "gone.csv"}
	if !slices.Equal(got, want) {
		t.Errorf("read order %v, want %v", got, want)
	}
}

// TestWorkersDoNotChangeTheResult runs the fixtures with one worker and
// with four: reading, matching and building the customers in parallel must
// give the same customers, contacts, rows and lineage.
func TestWorkersDoNotChangeTheResult(t *testing.T) {
	render := func(workers int) []string {
		res, err := prepare(t.Context(), Config{Inputs: []string{filepath.Join("..", "fixtures", "sheets")},
			Rules: rules.Default(), Workers: workers, Progress: noProgress{}})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range res.Customers {
			out = append(out, fmt.Sprintf("%s %s %s %s %d", c.ID, c.Name, c.Mobile, c.Address, len(c.Rows)))
			for _, ct := range c.Contacts {
				out = append(out, fmt.Sprintf("  %s %s %s %d", ct.ID, ct.Name, ct.Mobile, len(ct.Rows)))
			}
		}
		for _, r := range res.Records {
			out = append(out, fmt.Sprintf("%s %s %s %s", r.Prov, r.Status, r.CustomerID, r.Reason))
		}
		return out
	}
	one, four := render(1), render(4)
	if len(one) < 100 {
		t.Fatalf("only %d lines from the fixtures", len(one))
	}
	if !slices.Equal(one, four) {
		for i := range min(len(one), len(four)) {
			if one[i] != four[i] {
				t.Fatalf("line %d differs:\n1 worker:  %s\n4 workers: %s", i, one[i], four[i])
			}
		}
		t.Fatalf("%d lines with 1 worker, %d with 4", len(one), len(four))
	}
}

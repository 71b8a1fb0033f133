package pipeline

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/crmclean/crmclean/pipeline/ingest"
	"github.com/crmclean/crmclean/pipeline/record"
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
		{Prov: record.Provenance{File: "a.csv", Row: 2}, Values: []record.Value{{Field: record.FieldName, Text: "华信科技"}}},
		{Prov: record.Provenance{File: "a.csv", Row: 3}, Values: []record.Value{{Field: record.FieldName, Text: "〣"}}},
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

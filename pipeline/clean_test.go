package pipeline

import (
	"strings"
	"testing"

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

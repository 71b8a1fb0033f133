package main

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/crmclean/crmclean/pipeline"
	"github.com/crmclean/crmclean/pipeline/ingest"
	"github.com/crmclean/crmclean/pipeline/merge"
	"github.com/crmclean/crmclean/pipeline/sink"
	"github.com/crmclean/crmclean/pipeline/source"
)

// TestSheetProblemIsOneMessage checks that a sheet whose reading stopped
// gets one message saying where and where the rest went, never also "is
// empty" (a damaged sheet said both).
func TestSheetProblemIsOneMessage(t *testing.T) {
	stop := &source.PositionError{Path: "坏.xlsx", Sheet: "客户", Row: 1, Col: -1, Err: errors.New("flate: corrupt input")}
	tests := []struct {
		name string
		sh   ingest.SheetReport
		want string
	}{
		{"StoppedAtFirstRow", ingest.SheetReport{Name: "客户", Err: stop, Stopped: 1},
			`Warning: reading stopped early: 坏.xlsx, sheet "客户", row 1: flate: corrupt input (0 rows above it were read; from row 1 on, the sheet is one rejected entry in lineage.csv)`},
		{"EveryRowRead", ingest.SheetReport{Name: "客户", Rows: 40, HeaderFound: true, Err: errors.New("坏.xlsx, sheet \"客户\": checksum error: every row was read")},
			`Warning: 坏.xlsx, sheet "客户": checksum error: every row was read`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			printFileProblems(&b, &pipeline.Result{Files: []ingest.FileReport{{Input: ingest.Input{Rel: "坏.xlsx"}, Format: "xlsx", Sheets: []ingest.SheetReport{tt.sh}}}})
			if got := strings.TrimSpace(b.String()); got != tt.want {
				t.Errorf("problems:\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

// TestRolledColumnsWarned checks that a run whose source columns do not fit
// in clean.xlsx says where the rest went.
func TestRolledColumnsWarned(t *testing.T) {
	c := &merge.Customer{ID: "C1", Extras: map[string]string{}}
	for i := range 16_384 {
		c.Extras[fmt.Sprintf("列%05d", i)] = "x"
	}
	var b bytes.Buffer
	printOutputNotes(&b, &pipeline.Result{Customers: []*merge.Customer{c}})
	fit := 16_384 - len(sink.CleanColumns) - 1 // beside the contract's columns and "extra"
	rolled := fmt.Sprintf(`the other %d (from "列%05d" on)`, 16_384-fit, fit)
	if got := b.String(); !strings.Contains(got, "carry 16384 source columns") || !strings.Contains(got, rolled) || !strings.Contains(got, `"extra"`) {
		t.Errorf("warning %q", got)
	}
	b.Reset()
	printOutputNotes(&b, &pipeline.Result{Customers: []*merge.Customer{{ID: "C2", Extras: map[string]string{"备注": "x"}}}})
	if b.Len() != 0 {
		t.Errorf("warning for one column: %q", b.String())
	}
}

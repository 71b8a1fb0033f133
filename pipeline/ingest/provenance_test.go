package ingest

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/crmclean/crmclean/pipeline/record"
	"github.com/crmclean/crmclean/rules"
)

// TestRowsPointAtTheirCells checks, for every workbook in fixtures/, that
// each data row's provenance (sheet, row, column) names the cell its value
// came from, read independently with excelize.
func TestRowsPointAtTheirCells(t *testing.T) {
	files, _ := filepath.Glob("../../fixtures/sheets/*.xlsx")
	rd := NewReader(rules.Default())
	checked := 0
	for _, path := range files {
		wb, err := excelize.OpenFile(path)
		if err != nil {
			continue // the corrupt and encrypted fixtures
		}
		rel := filepath.Base(path)
		rd.ReadFile(context.Background(), Input{Path: path, Rel: rel}, func(r *record.Record) {
			if r.Status != "" {
				return
			}
			for _, v := range r.Values {
				cell, _ := excelize.CoordinatesToCellName(v.Col()+1, r.Prov.Row)
				got, err := wb.GetCellValue(r.Prov.Sheet, cell, excelize.Options{RawCellValue: true})
				if err != nil {
					t.Errorf("%s %s!%s: %v", rel, r.Prov.Sheet, cell, err)
					continue
				}
				if got == "" {
					// A value copied from a merged cell's top-left.
					if !merged(t, wb, r.Prov.Sheet, cell) {
						t.Errorf("%s %s!%s: empty in the file, %q in the record", rel, r.Prov.Sheet, cell, v.Raw())
					}
					continue
				}
				if strings.TrimSpace(got) != strings.TrimSpace(v.Raw()) && !sameNumber(got, v.Raw()) {
					t.Errorf("%s %s!%s (%s): file has %q, record has %q", rel, r.Prov.Sheet, cell, v.Header(), got, v.Raw())
				}
				checked++
			}
		})
		wb.Close()
	}
	if checked < 100 {
		t.Fatalf("only %d cells checked", checked)
	}
}

func merged(t *testing.T, wb *excelize.File, sheet, cell string) bool {
	cells, err := wb.GetMergeCells(sheet)
	if err != nil {
		t.Fatal(err)
	}
	c, r, _ := excelize.CellNameToCoordinates(cell)
	for _, m := range cells {
		c1, r1, _ := excelize.CellNameToCoordinates(m.GetStartAxis())
		c2, r2, _ := excelize.CellNameToCoordinates(m.GetEndAxis())
		if c >= c1 && c <= c2 && r >= r1 && r <= r2 {
			return true
		}
	}
	return false
}

// sameNumber accepts a raw stored number ("1.3800138E10", "44927") whose
// exact or date rendering the reader produced instead.
func sameNumber(raw, text string) bool {
	if raw == "" || !strings.ContainsAny(raw[:1], "0123456789-") {
		return false
	}
	for _, r := range raw {
		if !strings.ContainsRune("0123456789.Ee+-", r) {
			return false
		}
	}
	return text != ""
}

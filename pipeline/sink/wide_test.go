package sink

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/crmclean/crmclean/pipeline/merge"
	"github.com/crmclean/crmclean/pipeline/record"
)

// wideCustomers returns n customers carrying cols source columns each.
func wideCustomers(n, cols int) []*merge.Customer {
	var cs []*merge.Customer
	for i := range n {
		c := &merge.Customer{ID: fmt.Sprintf("C%010d", i), Kind: record.Company, Name: fmt.Sprintf("宽表客户%d", i),
			Extras: map[string]string{}, Rows: make([]*record.Record, 1)}
		for j := range cols {
			c.Extras[fmt.Sprintf("列%05d", j)] = fmt.Sprintf("值%d-%d", i, j)
		}
		cs = append(cs, c)
	}
	return cs
}

// TestCleanExtrasRolled checks that source columns beyond what fits are
// carried in one last column, "extra", as header=value pairs.
func TestCleanExtrasRolled(t *testing.T) {
	defer func(n int) { maxExtraColumns = n }(maxExtraColumns)
	maxExtraColumns = 2
	c := &merge.Customer{ID: "C1", Extras: map[string]string{"a": "1", "b": "2", "d": "4", "e": ""}}
	other := &merge.Customer{ID: "C2", Extras: map[string]string{"c": "3"}}
	e := CleanExtras([]*merge.Customer{c, other})
	if !reflect.DeepEqual(e.Headers, []string{"a", "b"}) || !reflect.DeepEqual(e.Rolled, []string{"c", "d", "e"}) {
		t.Fatalf("extras %+v, want a, b in columns and c, d, e rolled", e)
	}
	if h := CleanHeader(e); !reflect.DeepEqual(h[len(CleanColumns):], []string{"a", "b", ExtraColumn}) {
		t.Errorf("header ends %q", h[len(CleanColumns):])
	}
	if row := CleanRow(c, e); !reflect.DeepEqual(row[len(CleanColumns):], []string{"1", "2", "d=4"}) {
		t.Errorf("row ends %q, want 1, 2, d=4", row[len(CleanColumns):])
	}
}

// TestWriteCleanXLSXFullWidth checks that a workbook as wide as Excel
// allows (16,384 source columns) never fails the clean.xlsx writer: the
// columns that do not fit beside the contract's are rolled into "extra",
// and every column gets its width.
func TestWriteCleanXLSXFullWidth(t *testing.T) {
	dir := t.TempDir()
	cs := wideCustomers(3, excelize.MaxColumns)
	if err := WriteCleanXLSX(context.Background(), dir, cs); err != nil {
		t.Fatal(err)
	}
	f := openXLSX(t, filepath.Join(dir, "clean.xlsx"))
	rows := sheetRows(t, f)["clean"]
	if len(rows) != 4 || len(rows[0]) != excelize.MaxColumns || rows[0][excelize.MaxColumns-1] != ExtraColumn {
		t.Fatalf("%d rows, header of %d columns ending %q; want 4 rows, %d columns ending %q", len(rows), len(rows[0]), rows[0][len(rows[0])-1], excelize.MaxColumns, ExtraColumn)
	}
	rolled := rows[1][excelize.MaxColumns-1]
	first := fmt.Sprintf("列%d=值0-%d; ", maxExtraColumns, maxExtraColumns) // the sources' columns count from 0
	if n := strings.Count(rolled, "; ") + 1; n != len(CleanColumns)+1 || !strings.HasPrefix(rolled, first) {
		t.Errorf("extra holds %d pairs (%.40q…), want %d from %q", n, rolled, len(CleanColumns)+1, first)
	}
	if got := countCols(t, filepath.Join(dir, "clean.xlsx")); got != excelize.MaxColumns {
		t.Errorf("%d <col> elements, want one per column", got)
	}
	if w, err := f.GetColWidth("clean", "XFD"); err != nil || w < minColWidth {
		t.Errorf("width of XFD = %v, %v; want at least %d", w, err, minColWidth)
	}
}

// countCols counts the <col> elements of clean.xlsx's first sheet.
func countCols(t *testing.T, path string) int {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	rc, err := zr.Open("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return len(regexp.MustCompile(`<col min=`).FindAllIndex(data, -1))
}

// BenchmarkWriteCleanXLSXWide writes 20 customers of 1,000 and 10,000
// source columns: the cost per column must not grow with the columns (the
// column widths were set in quadratic time: 10,000 columns took 8 min 20 s).
func BenchmarkWriteCleanXLSXWide(b *testing.B) {
	for _, cols := range []int{1_000, 10_000} {
		b.Run(fmt.Sprintf("cols=%d", cols), func(b *testing.B) {
			cs := wideCustomers(20, cols)
			dir := b.TempDir()
			b.ReportAllocs()
			for b.Loop() {
				if err := WriteCleanXLSX(context.Background(), dir, cs); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(cols)*float64(b.N)/b.Elapsed().Seconds(), "columns/s")
		})
	}
}

package ingest

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/crmclean/crmclean/pipeline/record"
	"github.com/crmclean/crmclean/pipeline/source"
	"github.com/crmclean/crmclean/rules"
)

// TestStrayQuoteBeforeHeader checks that a quote left before the header
// neither hides the name column (50 companies read as persons) nor joins
// the header to the rows below: the header is repaired, with a warning
// naming the line and column.
func TestStrayQuoteBeforeHeader(t *testing.T) {
	for _, tt := range []struct {
		name string
		tail string // a later quote the stray one would close at
	}{{"NeverClosed", ""}, {"ClosedByALaterQuote", "上海某某有限公司,\"王五\",13900000000,上海市\n"}} {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			b.WriteString("\"客户名称,联系人,手机,地址\n")
			for i := range 50 {
				fmt.Fprintf(&b, "上海第%d号贸易有限公司,张%d,1380013%04d,上海市浦东新区世纪大道%d号\n", i, i, i, i)
			}
			b.WriteString(tt.tail)
			path := writeFile(t, t.TempDir(), "q.csv", b.String())
			recs, rep := readAll(t, rules.Default(), path)
			sh := rep.Sheets[0]
			if !sh.HeaderFound || sh.Layout.HeaderRow != 1 || sh.Layout.PersonList {
				t.Fatalf("header found %v at row %d, person list %v; want the header at row 1 with a name column", sh.HeaderFound, sh.Layout.HeaderRow, sh.Layout.PersonList)
			}
			if got := sh.Layout.Columns[0]; got.Field != record.FieldName || got.Header != "客户名称" {
				t.Errorf("column A = %q → %q, want 客户名称 → name", got.Header, got.Field)
			}
			if len(sh.Warnings) != 1 || !strings.Contains(sh.Warnings[0], "q.csv, row 1, column A") {
				t.Errorf("warnings = %q, want one naming q.csv, row 1, column A", sh.Warnings)
			}
			data := 0
			for _, r := range recs {
				if r.Status == "" {
					data++
				}
			}
			if want := 50 + strings.Count(tt.tail, "\n"); data != want || len(recs) != want+1 {
				t.Errorf("%d data rows of %d records, want %d of %d", data, len(recs), want, want+1)
			}
		})
	}
}

// TestSourceIssuesReachTheRecord checks that what the reader found in a row
// (text in the other encoding, bytes that are text in neither) becomes the
// record's issues with the column's field and header, and that nothing of
// a dropped sensitive column is kept.
func TestSourceIssuesReachTheRecord(t *testing.T) {
	gbk, err := simplifiedchinese.GB18030.NewEncoder().String("客户名称,手机,身份证号\n上海恒丰电子有限公司,13800138000,110101199001011234\n")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString(gbk)
	for i := range 20 {
		g, _ := simplifiedchinese.GB18030.NewEncoder().String(fmt.Sprintf("北京第%d贸易有限公司,1390000%04d,\n", i, i))
		b.WriteString(g)
	}
	b.WriteString("福州衡丰电子,13700000000,\n") // UTF-8, appended by another program
	b.WriteString("坏\xff公司,13600000000,1101\xff\n")
	path := writeFile(t, t.TempDir(), "客服.csv", b.String())
	recs, rep := readAll(t, rules.Default(), path)
	if rep.Err != nil || rep.Encoding != source.EncodingGB18030 {
		t.Fatalf("read: %v, encoding %q", rep.Err, rep.Encoding)
	}
	byRow := map[int]*record.Record{}
	for _, r := range recs {
		byRow[r.Prov.Row] = r
	}
	if r := byRow[23]; r.Get(record.FieldName) != "福州衡丰电子" || len(r.Issues) != 1 || r.Issues[0].Rule != source.RuleOtherEncoding || r.Issues[0].Col != -1 {
		t.Errorf("row 23: name %q, issues %+v; want 福州衡丰电子 with one row issue %s", r.Get(record.FieldName), r.Issues, source.RuleOtherEncoding)
	}
	// Mostly UTF-8 with a byte that is text in neither: read as UTF-8.
	r := byRow[24]
	if len(r.Issues) != 2 || r.Issues[0].Rule != source.RuleOtherEncoding {
		t.Fatalf("row 24: issues %+v, want the row's encoding and one cell (the sensitive column's is dropped with it)", r.Issues)
	}
	if is := r.Issues[1]; is.Rule != source.RuleInvalidBytes || is.Col != 0 || is.Field != record.FieldName || is.Header != "客户名称" || is.Value != "坏\uFFFD公司" {
		t.Errorf("row 24: issue %+v, want %s in column A (name, 客户名称) with its value", is, source.RuleInvalidBytes)
	}
}

// lastRowBook writes a 2 KB workbook: a header, two customers, and one
// stray cell in A1048576, the last row Excel has.
func lastRowBook(t testing.TB, dir string) string {
	t.Helper()
	wb := excelize.NewFile()
	defer wb.Close()
	for cell, v := range map[string]string{"A1": "客户名称", "B1": "手机", "A2": "上海恒丰电子有限公司", "B2": "13800138000",
		"A3": "北京华信科技有限公司", "B3": "13900139000", "A1048576": "x"} {
		if err := wb.SetCellStr("Sheet1", cell, v); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, "末行.xlsx")
	if err := wb.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestBlankRunIsOneEntry checks that a run of blank rows is accounted for
// by one record (row to RowEnd) instead of one per row: a cell in A1048576
// made a million lineage entries per file.
func TestBlankRunIsOneEntry(t *testing.T) {
	recs, rep := readAll(t, rules.Default(), lastRowBook(t, t.TempDir()))
	if rep.Err != nil {
		t.Fatal(rep.Err)
	}
	type entry struct {
		row, end int
		status   record.Status
		reason   string
	}
	var got []entry
	for _, r := range recs {
		got = append(got, entry{r.Prov.Row, r.Prov.RowEnd, r.Status, r.Reason})
	}
	want := []entry{
		{1, 0, record.Skipped, "header row"},
		{2, 0, "", ""},
		{3, 0, "", ""},
		{4, 1048575, record.Skipped, ReasonBlankRows},
		{1048576, 0, "", ""},
	}
	if !slices.Equal(got, want) {
		t.Errorf("records:\n got %v\nwant %v", got, want)
	}
	if sh := rep.Sheets[0]; sh.Rows != 1048576 || sh.Noise != 1048572 || sh.DataRows != 3 {
		t.Errorf("sheet counts rows %d, noise %d, data %d; want 1048576, 1048572, 3", sh.Rows, sh.Noise, sh.DataRows)
	}
}

// BenchmarkLastRowBook reads the workbook of TestBlankRunIsOneEntry.
func BenchmarkLastRowBook(b *testing.B) {
	path := lastRowBook(b, b.TempDir())
	rd := NewReader(rules.Default())
	b.ReportAllocs()
	var rows int
	for b.Loop() {
		rows = 0
		rep := rd.ReadFile(context.Background(), Input{Path: path, Rel: "末行.xlsx"}, func(r *record.Record) { rows += r.Prov.Rows() })
		if rep.Err != nil {
			b.Fatal(rep.Err)
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// TestReadingStoppedAccountsForTheRest checks that a sheet whose reading
// breaks off keeps the rows before the break and accounts for the rest in
// one rejected entry from the row where reading stopped.
func TestReadingStoppedAccountsForTheRest(t *testing.T) {
	csv := "客户名称,手机\n甲公司,13800000001\n\n乙公司,13800000002\n" + strings.Repeat("长", 400_000) + ",13800000003\n丙公司,13800000004\n"
	recs, rep := readAll(t, rules.Default(), writeFile(t, t.TempDir(), "断.csv", csv))
	sh := rep.Sheets[0]
	if sh.Err == nil || sh.Stopped != 5 || sh.Rows != 4 || !rep.Incomplete() {
		t.Fatalf("sheet: err %v, stopped %d, rows %d; want an error, stopped at row 5 after 4 rows", sh.Err, sh.Stopped, sh.Rows)
	}
	last := recs[len(recs)-1]
	if len(recs) != 5 || last.Prov.Row != 5 || last.Prov.RowEnd != 0 || last.Status != record.Rejected ||
		!strings.HasPrefix(last.Reason, ReasonUnread+": reading stopped at row 5, so it and any rows below it were not read: ") {
		t.Errorf("%d records, the last %+v; want 5, the last the rejected rest from row 5", len(recs), last)
	}
}

func TestUnreadEntry(t *testing.T) {
	in := Input{Rel: "坏.xlsx"}
	tests := []struct {
		name     string
		stop     source.PositionError
		end      int
		contains string
	}{
		{"DeclaredLastRow", source.PositionError{Row: 1481, LastRow: 3001, Err: source.ErrCorrupt}, 3001, "rows 1481-3001 were not read"},
		{"TheLastRow", source.PositionError{Row: 9, LastRow: 9, Err: source.ErrCorrupt}, 0, "at row 9, the last"},
		{"Unknown", source.PositionError{Row: 9, Err: source.ErrCorrupt}, 0, "it and any rows below it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := unread(in, "S", &tt.stop)
			if r.Prov.Row != tt.stop.Row || r.Prov.RowEnd != tt.end || r.Status != record.Rejected || !strings.Contains(r.Reason, tt.contains) {
				t.Errorf("unread = %+v, %q; want rows %d-%d rejected, reason containing %q", r.Prov, r.Reason, tt.stop.Row, tt.end, tt.contains)
			}
		})
	}
}

// badSharedStringBook writes a workbook of a header and n customers whose
// cell A5 (a company name) points past the end of the shared strings.
func badSharedStringBook(t *testing.T, dir string, n int) string {
	t.Helper()
	wb := excelize.NewFile()
	defer wb.Close()
	rows := [][]string{{"客户名称", "手机"}}
	for i := range n {
		rows = append(rows, []string{fmt.Sprintf("上海第%d号贸易有限公司", i), fmt.Sprintf("1380013%04d", i)})
	}
	for i, row := range rows {
		for j, v := range row {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if err := wb.SetCellStr("Sheet1", cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if _, err := wb.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	bad := regexp.MustCompile(`(<c r="A5"[^>]* t="s"[^>]*><v>)\d+(</v>)`)
	damaged := false
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if f.Name == "xl/worksheets/sheet1.xml" {
			damaged = bad.Match(data)
			data = bad.ReplaceAll(data, []byte("${1}99999${2}"))
		}
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if !damaged {
		t.Fatal("A5 is not a shared string in the workbook excelize wrote")
	}
	path := filepath.Join(dir, "坏串.xlsx")
	if err := os.WriteFile(path, out.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestSharedStringOutOfRange checks that a cell pointing past the end of
// the shared strings loses that cell only: its row is read with an issue
// naming the cell, and every row below it is read and accounted for.
func TestSharedStringOutOfRange(t *testing.T) {
	const n = 20
	recs, rep := readAll(t, rules.Default(), badSharedStringBook(t, t.TempDir(), n))
	if rep.Err != nil || rep.Incomplete() {
		t.Fatalf("read: %v (incomplete %v), want the book read", rep.Err, rep.Incomplete())
	}
	var rows []int
	data := 0
	for _, r := range recs {
		for n := r.Prov.Row; n <= max(r.Prov.Row, r.Prov.RowEnd); n++ {
			rows = append(rows, n)
		}
		if r.Status == "" {
			data++
		}
		if r.Prov.Row != 5 {
			continue
		}
		if len(r.Issues) != 1 || r.Issues[0].Rule != source.RuleUnreadableCell || r.Issues[0].Col != 0 || r.Issues[0].Field != record.FieldName {
			t.Errorf("row 5 issues %+v, want one %s in column A (name)", r.Issues, source.RuleUnreadableCell)
		}
		if got := r.Get(record.FieldPhone); got != "13800130003" {
			t.Errorf("row 5 phone %q, want the rest of the row read", got)
		}
	}
	want := make([]int, n+1)
	for i := range want {
		want[i] = i + 1
	}
	if !slices.Equal(rows, want) {
		t.Errorf("rows accounted for %v, want 1-%d once each", rows, n+1)
	}
	if data != n {
		t.Errorf("%d data rows, want %d", data, n)
	}
}

package sink

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/crmclean/crmclean/pipeline/match"
	"github.com/crmclean/crmclean/pipeline/merge"
	"github.com/crmclean/crmclean/pipeline/record"
)

// Names a spreadsheet would evaluate if they were written carelessly.
var injections = []string{`=HYPERLINK("http://x","click")`, "+1+1", "@SUM(A1)", "-2+3", "\t=1+1", "\r=1+1"}

// testCustomers is a small hand-made customer list: ordinary companies and
// people, the formula injections as names, and values Excel likes to mangle.
func testCustomers() []*merge.Customer {
	cs := []*merge.Customer{
		{ID: "C0A1B2C3D4E", Kind: record.Company, Name: "上海华信贸易有限公司", Contact: "张伟", Mobile: "+8613800138000",
			Phones: []string{"+8613800138000", "+862161234567;ext=801"}, Landline: "+862161234567", LandlineExt: "801",
			Email: "zhangwei@huaxin.example", Emails: []string{"zhangwei@huaxin.example"}, Province: "上海市", City: "上海市", District: "黄浦区",
			Address: "南京东路100号", Adcode: "310101", USCC: "91310101MA1FPX1234", CreatedAt: "2021-03-05", SourceIDs: []string{"007", "KH-0012"},
			Title: "采购经理", Extras: map[string]string{"备注": "老客户, \"VIP\"\n两行", "行业": "贸易"},
			Contacts: []merge.Contact{{ID: "P1A2B3C4D5E", Name: "张伟", Mobile: "+8613800138000", Phones: []string{"+8613800138000"}, Email: "zhangwei@huaxin.example", Title: "采购经理"},
				{ID: "P0F0E0D0C0B", Name: "李娜", Mobile: "+8613912345678", Phones: []string{"+8613912345678"}, Title: "财务"}},
			Rows: make([]*record.Record, 2)},
		{ID: "C1F2E3D4C5B", Kind: record.Person, Name: "王芳", Contact: "王芳", Mobile: "+8618612345678", Phones: []string{"+8618612345678"},
			Province: "北京市", City: "北京市", District: "朝阳区", Address: "建国路88号", Adcode: "110105", CreatedAt: "2022-11-30T09:15:00+08:00",
			Extras: map[string]string{"行业": "个人"}, Rows: make([]*record.Record, 1),
			Contacts: []merge.Contact{{ID: "P2000000000", Name: "王芳", Mobile: "+8618612345678", Phones: []string{"+8618612345678"}}}},
		{ID: "C2000000000", Kind: record.Company, Name: "深圳市腾达科技有限公司", Landline: "+864008001234", Phones: []string{"+864008001234"},
			Province: "广东省", City: "深圳市", District: "南山区", Address: "科技园1栋", Rows: make([]*record.Record, 1)},
	}
	for i, name := range injections {
		cs = append(cs, &merge.Customer{ID: fmt.Sprintf("C9%09d", i), Kind: record.Person, Name: name, Contact: name,
			Mobile: "+8613800138000", Phones: []string{"+8613800138000"}, Address: name, Rows: make([]*record.Record, 1),
			Contacts: []merge.Contact{{ID: fmt.Sprintf("P9%09d", i), Name: name, Mobile: "+8613800138000", Title: name}}})
	}
	return cs
}

// testRejected returns rejected rows: one with a cell-level error whose
// value is a formula, one rejected as a whole row.
func testRejected() []*record.Record {
	return []*record.Record{
		{Prov: record.Provenance{File: "客户/华东.xlsx", Sheet: "Sheet1", Row: 7}, Status: record.Rejected,
			Values: []record.Value{record.NewValue("name", 0, "客户名称", "=1+1", "=1+1"), record.NewValue("phone", 3, "手机", "138001380", "138001380")},
			Issues: []record.Issue{
				{Field: "phone", Col: 3, Header: "手机", Value: "138001380", Rule: "phone.invalid", Severity: record.Error, Message: "not a phone number: 9 digits, a mobile needs 11"},
				{Field: "email", Col: 4, Header: "邮箱", Value: "x@", Rule: "email.invalid", Severity: record.Warning, Message: "not an e-mail address"},
			}},
		{Prov: record.Provenance{File: "b.csv", Row: 3}, Status: record.Rejected, Reason: "no name, phone or e-mail",
			Values: []record.Value{record.NewValue("", 1, "备注", "@SUM(A1)", "@SUM(A1)")}},
		{Prov: record.Provenance{File: "b.csv", Row: 4}, Status: record.Kept},
	}
}

// testReview returns two matched rows and a doubtful pair between them.
func testReview() ([]*record.Record, []match.Pair) {
	recs := []*record.Record{
		{Prov: record.Provenance{File: "a.xlsx", Sheet: "客户", Row: 2}, Fingerprint: "fa", CustomerID: "C0A1B2C3D4E",
			Norm: record.Normalized{Name: "=HYPERLINK(\"http://x\",\"click\")", Contact: "张伟", Phones: []record.Phone{{E164: "+8613800138000", Type: record.Mobile}}}},
		{Prov: record.Provenance{File: "b.csv", Row: 9}, Fingerprint: "fb", CustomerID: "C1F2E3D4C5B",
			Norm: record.Normalized{Name: "华信贸易", Contact: "张伟", Phones: []record.Phone{{E164: "+862161234567", Ext: "801", Type: record.Landline}}}},
	}
	pairs := []match.Pair{{A: 0, B: 1, Score: 7.5, Evidence: []match.Evidence{{Field: "contact", Outcome: "agree", Weight: 3.2}, {Field: "name", Outcome: "fuzzy", Weight: -1, Detail: "华信 ~ 华新"}}}}
	return recs, pairs
}

func openXLSX(t *testing.T, path string) *excelize.File {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// sheetRows reads every row of every sheet, in sheet order.
func sheetRows(t *testing.T, f *excelize.File) map[string][][]string {
	t.Helper()
	out := map[string][][]string{}
	for _, s := range f.GetSheetList() {
		rows, err := f.GetRows(s)
		if err != nil {
			t.Fatalf("rows of %s: %v", s, err)
		}
		out[s] = rows
	}
	return out
}

// padded pads row with empty cells to n, as GetRows trims trailing blanks.
func padded(row []string, n int) []string {
	for len(row) < n {
		row = append(row, "")
	}
	return row
}

// assertInert checks that every non-empty cell of every sheet is a typed
// string with no formula.
func assertInert(t *testing.T, f *excelize.File) {
	t.Helper()
	for _, s := range f.GetSheetList() {
		rows, _ := f.GetRows(s)
		for r, row := range rows {
			for c, v := range row {
				if v == "" {
					continue
				}
				ref := cellName(c+1, r+1)
				typ, err := f.GetCellType(s, ref)
				// Typed text (inline or shared) is never evaluated; a number
				// cell (a score) holds a number and nothing else.
				_, numErr := strconv.ParseFloat(v, 64)
				text := typ == excelize.CellTypeInlineString || typ == excelize.CellTypeSharedString
				number := (typ == excelize.CellTypeUnset || typ == excelize.CellTypeNumber) && numErr == nil
				if err != nil || !text && !number {
					t.Errorf("%s!%s %q: cell type %v (err %v), want typed text or a number", s, ref, v, typ, err)
				}
				if fm, _ := f.GetCellFormula(s, ref); fm != "" {
					t.Errorf("%s!%s: formula %q set", s, ref, fm)
				}
			}
		}
	}
}

func assertMode(t *testing.T, path string) {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if m := st.Mode().Perm(); m != 0o600 {
		t.Errorf("%s: mode %o, want 600", filepath.Base(path), m)
	}
}

func assertFrozen(t *testing.T, f *excelize.File, sheet string) {
	t.Helper()
	p, err := f.GetPanes(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Freeze || p.YSplit != 1 || p.TopLeftCell != "A2" {
		t.Errorf("sheet %s: panes %+v, want the header row frozen", sheet, p)
	}
}

func TestWriteCleanXLSX(t *testing.T) {
	dir := t.TempDir()
	cs := testCustomers()
	if err := WriteCleanXLSX(context.Background(), dir, cs); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "clean.xlsx")
	assertMode(t, path)
	f := openXLSX(t, path)
	if got := f.GetSheetList(); !reflect.DeepEqual(got, []string{"clean"}) {
		t.Fatalf("sheets %v, want [clean]", got)
	}
	rows := sheetRows(t, f)["clean"]
	extras := CleanExtras(cs)
	header := CleanHeader(extras)
	if !reflect.DeepEqual(rows[0], header) {
		t.Errorf("header\n got %q\nwant %q", rows[0], header)
	}
	if len(rows) != len(cs)+1 {
		t.Fatalf("%d rows, want %d", len(rows), len(cs)+1)
	}
	for i, c := range cs {
		if got, want := padded(rows[i+1], len(header)), CleanRow(c, extras); !reflect.DeepEqual(got, want) {
			t.Errorf("row %d\n got %q\nwant %q (as clean.csv before escaping)", i+2, got, want)
		}
	}
	assertFrozen(t, f, "clean")
	assertInert(t, f)

	bold, _ := f.GetCellStyle("clean", "A1")
	if st, _ := f.GetStyle(bold); st == nil || st.Font == nil || !st.Font.Bold {
		t.Errorf("header style %+v, want bold", st)
	}
	for _, col := range cleanTextColumns {
		ref := cellName(columnIndex(CleanColumns, col)+1, 2)
		id, _ := f.GetCellStyle("clean", ref)
		if st, _ := f.GetStyle(id); st == nil || st.NumFmt != 49 {
			t.Errorf("%s (%s): style %+v, want text format 49", col, ref, st)
		}
	}
	// Widths follow the content: the Chinese address column is wider than
	// the kind column.
	wKind, _ := f.GetColWidth("clean", "B")
	wName, _ := f.GetColWidth("clean", "C")
	if wName <= wKind || wName > maxColWidth {
		t.Errorf("widths: kind %.1f, name %.1f; want name wider than kind and at most %d", wKind, wName, maxColWidth)
	}
}

// TestWriteContactsXLSX reads contacts.xlsx back: the rows of contacts.csv
// (before its formula escaping), by customer then contact id, ids and
// phones as text.
func TestWriteContactsXLSX(t *testing.T) {
	dir := t.TempDir()
	cs := testCustomers()
	if err := WriteContactsXLSX(context.Background(), dir, cs); err != nil {
		t.Fatal(err)
	}
	if err := WriteContacts(context.Background(), dir, cs); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "contacts.xlsx")
	assertMode(t, path)
	f := openXLSX(t, path)
	if got := f.GetSheetList(); !reflect.DeepEqual(got, []string{"contacts"}) {
		t.Fatalf("sheets %v, want [contacts]", got)
	}
	rows := sheetRows(t, f)["contacts"]
	csvRows := readCSV(t, filepath.Join(dir, "contacts.csv"))
	if !reflect.DeepEqual(rows[0], ContactColumns) || !reflect.DeepEqual(csvRows[0], ContactColumns) {
		t.Errorf("headers %q and %q, want %q", rows[0], csvRows[0], ContactColumns)
	}
	var want [][]string
	for _, c := range cs {
		for _, ct := range sortedContacts(c) {
			want = append(want, ContactRow(c, ct))
		}
	}
	if len(rows) != len(want)+1 || len(csvRows) != len(want)+1 {
		t.Fatalf("%d xlsx and %d csv rows, want %d", len(rows), len(csvRows), len(want)+1)
	}
	for i, w := range want {
		if got := padded(rows[i+1], len(ContactColumns)); !reflect.DeepEqual(got, w) {
			t.Errorf("row %d\n got %q\nwant %q", i+2, got, w)
		}
		for j, v := range csvRows[i+1] {
			if v != w[j] && v != "'"+w[j] {
				t.Errorf("contacts.csv row %d column %s: %q, want %q", i+2, ContactColumns[j], v, w[j])
			}
		}
	}
	// 李娜's id sorts before 张伟's: the order is the ids', not the sheets'.
	if rows[1][2] != "李娜" || rows[2][2] != "张伟" {
		t.Errorf("first contacts %q, %q; want 李娜 then 张伟", rows[1][2], rows[2][2])
	}
	assertFrozen(t, f, "contacts")
	assertInert(t, f)
	for _, col := range contactTextColumns {
		ref := cellName(columnIndex(ContactColumns, col)+1, 2)
		id, _ := f.GetCellStyle("contacts", ref)
		if st, _ := f.GetStyle(id); st == nil || st.NumFmt != 49 {
			t.Errorf("%s (%s): style %+v, want text format 49", col, ref, st)
		}
	}
}

func TestXLSXRollover(t *testing.T) {
	defer func(n int) { maxSheetRows = n }(maxSheetRows)
	maxSheetRows = 4 // header + 3 rows per sheet
	cs := testCustomers()[:8]
	dir := t.TempDir()
	if err := WriteCleanXLSX(context.Background(), dir, cs); err != nil {
		t.Fatal(err)
	}
	f := openXLSX(t, filepath.Join(dir, "clean.xlsx"))
	want := []string{"clean", "clean_2", "clean_3"}
	if got := f.GetSheetList(); !reflect.DeepEqual(got, want) {
		t.Fatalf("sheets %v, want %v", got, want)
	}
	all := sheetRows(t, f)
	var ids []string
	for _, s := range want {
		rows := all[s]
		if rows[0][0] != "customer_id" || rows[0][len(CleanColumns)-1] != "source_count" {
			t.Errorf("sheet %s: header %q not repeated", s, rows[0])
		}
		if len(rows) > maxSheetRows {
			t.Errorf("sheet %s: %d rows, limit %d", s, len(rows), maxSheetRows)
		}
		for _, r := range rows[1:] {
			ids = append(ids, r[0])
		}
		assertFrozen(t, f, s)
	}
	var wantIDs []string
	for _, c := range cs {
		wantIDs = append(wantIDs, c.ID)
	}
	if !reflect.DeepEqual(ids, wantIDs) {
		t.Errorf("ids across sheets %v, want %v", ids, wantIDs)
	}
}

func TestXLSXEmpty(t *testing.T) {
	dir := t.TempDir()
	if err := WriteReviewXLSX(context.Background(), dir, nil, nil, ReviewOptions{}); err != nil {
		t.Fatal(err)
	}
	f := openXLSX(t, filepath.Join(dir, "review.xlsx"))
	rows := sheetRows(t, f)["review"]
	if len(rows) != 1 || !reflect.DeepEqual(rows[0], ReviewColumns) {
		t.Errorf("empty review.xlsx rows %q, want the header only", rows)
	}
}

func TestWriteRejectsXLSX(t *testing.T) {
	for _, tc := range []struct {
		name     string
		limit    int
		comments bool
	}{
		{"with comments", 50_000, true},
		{"over the comment limit", 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func(n int) { maxRejectComments = n }(maxRejectComments)
			maxRejectComments = tc.limit
			dir := t.TempDir()
			recs := testRejected()
			if err := WriteRejectsXLSX(context.Background(), dir, recs, "en"); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "rejects.xlsx")
			assertMode(t, path)
			f := openXLSX(t, path)
			rows := sheetRows(t, f)["rejects"]
			var want [][]string
			for _, r := range recs {
				if r.Status == record.Rejected {
					want = append(want, RejectLines(r, "en")...)
				}
			}
			if len(rows) != len(want)+1 || !reflect.DeepEqual(rows[0], RejectColumns) {
				t.Fatalf("rows %q, want header + %d lines", rows, len(want))
			}
			for i, w := range want {
				if got := padded(rows[i+1], len(RejectColumns)); !reflect.DeepEqual(got, w) {
					t.Errorf("line %d\n got %q\nwant %q", i+2, got, w)
				}
			}
			assertFrozen(t, f, "rejects")
			assertInert(t, f)

			// Line 2: the phone error, marked on its value cell (H2);
			// line 3: a row-level reason, marked on the reason cell (E3).
			marked := map[string]string{"H2": "not a phone number: 9 digits, a mobile needs 11 [phone.invalid]", "E3": "no name, phone or e-mail"}
			for ref := range marked {
				id, _ := f.GetCellStyle("rejects", ref)
				st, _ := f.GetStyle(id)
				if st == nil || len(st.Fill.Color) == 0 || st.Fill.Color[0] != "FFC7CE" {
					t.Errorf("%s: style %+v, want the highlight fill", ref, st)
				}
			}
			if id, _ := f.GetCellStyle("rejects", "D2"); id != 0 {
				if st, _ := f.GetStyle(id); len(st.Fill.Color) > 0 {
					t.Errorf("D2 highlighted too: %+v", st)
				}
			}
			cm, err := f.GetComments("rejects")
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, c := range cm {
				text := c.Text
				for _, p := range c.Paragraph {
					text += p.Text
				}
				got[c.Cell] = strings.TrimPrefix(text, c.Author+":")
			}
			if !tc.comments {
				marked = map[string]string{}
			}
			if !reflect.DeepEqual(got, marked) {
				t.Errorf("comments %q, want %q", got, marked)
			}
		})
	}
}

func TestWriteReviewXLSX(t *testing.T) {
	dir := t.TempDir()
	recs, pairs := testReview()
	if err := WriteReviewXLSX(context.Background(), dir, recs, pairs, ReviewOptions{}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "review.xlsx")
	assertMode(t, path)
	f := openXLSX(t, path)
	rows := sheetRows(t, f)["review"]
	if len(rows) != 2 || !reflect.DeepEqual(padded(rows[1], len(ReviewColumns)), ReviewRow(recs, pairs[0], ReviewOptions{})) {
		t.Fatalf("rows %q, want header + the pair as in review.csv", rows)
	}
	assertFrozen(t, f, "review")
	assertInert(t, f)
	dvs, err := f.GetDataValidations("review")
	if err != nil {
		t.Fatal(err)
	}
	if len(dvs) != 1 {
		t.Fatalf("%d data validations, want 1", len(dvs))
	}
	dv := dvs[0]
	col := cellName(columnIndex(ReviewColumns, "decision")+1, 2)[:1]
	if col != "G" {
		t.Errorf("decision is column %s, want G, on the first screen after the ids and names", col)
	}
	if dv.Sqref != fmt.Sprintf("%s2:%s%d", col, col, maxSheetRows) || dv.Type != "list" {
		t.Errorf("validation on %q type %q, want the decision column %s as a list", dv.Sqref, dv.Type, col)
	}
	if typ, _ := f.GetCellType("review", "B2"); typ == excelize.CellTypeInlineString || typ == excelize.CellTypeSharedString {
		t.Errorf("score cell is text (type %v), want a number", typ)
	}
	for _, v := range DecisionValues {
		if !strings.Contains(dv.Formula1, v) {
			t.Errorf("drop-down %q lacks %q", dv.Formula1, v)
		}
	}
}

func TestXLSXCreateError(t *testing.T) {
	dir := t.TempDir()
	// A folder in the file's place fails like a file Excel holds open.
	if err := os.Mkdir(filepath.Join(dir, "clean.xlsx"), 0o700); err != nil {
		t.Fatal(err)
	}
	err := WriteCleanXLSX(context.Background(), dir, testCustomers())
	if err == nil || !strings.Contains(err.Error(), "clean.xlsx") || !strings.Contains(err.Error(), "close it") {
		t.Errorf("error %v, want one naming clean.xlsx and asking to close it", err)
	}
}

func TestDisplayWidth(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want float64
	}{
		{"empty", "", 0},
		{"ascii", "customer_id", 11},
		{"chinese counts double", "上海市", 6},
		{"mixed", "A栋3号", 6},
		{"fullwidth digits", "１２", 4},
		{"longest line", "ab\n上海市浦东\nc", 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := displayWidth(tc.in); got != tc.want {
				t.Errorf("displayWidth(%q) = %g, want %g", tc.in, got, tc.want)
			}
		})
	}
}

func BenchmarkWriteCleanXLSX(b *testing.B) {
	const n = 100_000
	base := testCustomers()[0]
	cs := make([]*merge.Customer, n)
	for i := range cs {
		c := *base
		c.ID = fmt.Sprintf("C%010d", i)
		c.Mobile = fmt.Sprintf("+86138%08d", i)
		cs[i] = &c
	}
	benchWriter(b, n, func(dir string) error { return WriteCleanXLSX(context.Background(), dir, cs) })
}

func TestWriteReviewXLSXRollover(t *testing.T) {
	defer func(n int) { maxSheetRows = n }(maxSheetRows)
	maxSheetRows = 2
	dir := t.TempDir()
	recs, pairs := testReview()
	if err := WriteReviewXLSX(context.Background(), dir, recs, append(pairs, pairs[0]), ReviewOptions{}); err != nil {
		t.Fatal(err)
	}
	f := openXLSX(t, filepath.Join(dir, "review.xlsx"))
	for _, s := range []string{"review", "review_2"} {
		dvs, err := f.GetDataValidations(s)
		if err != nil || len(dvs) != 1 || dvs[0].Sqref != "G2:G2" {
			t.Errorf("sheet %s: validations %v (err %v), want one on G2:G2", s, dvs, err)
		}
		assertFrozen(t, f, s)
	}
}

// TestXLSXColumnOrder checks that the <col> elements are in ascending
// order, as Excel requires of a valid sheet.
func TestXLSXColumnOrder(t *testing.T) {
	dir := t.TempDir()
	if err := WriteCleanXLSX(context.Background(), dir, testCustomers()); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.OpenReader(filepath.Join(dir, "clean.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	rc, err := zr.Open("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(rc)
	prev := 0
	for _, m := range regexp.MustCompile(`<col min="(\d+)"`).FindAllSubmatch(data, -1) {
		n, _ := strconv.Atoi(string(m[1]))
		if n <= prev {
			t.Fatalf("<col min=%d> after <col min=%d>", n, prev)
		}
		prev = n
	}
	if prev != len(CleanHeader(CleanExtras(testCustomers()))) {
		t.Errorf("last <col> %d, want one per column", prev)
	}
}

func BenchmarkWriteContactsXLSX(b *testing.B) {
	const n = 50_000 // customers of two contacts each
	base := testCustomers()[0]
	cs := make([]*merge.Customer, n)
	for i := range cs {
		c := *base
		c.ID = fmt.Sprintf("C%010d", i)
		c.Contacts = slices.Clone(base.Contacts)
		for j := range c.Contacts {
			c.Contacts[j].ID = fmt.Sprintf("P%09d%d", i, j)
			c.Contacts[j].Mobile = fmt.Sprintf("+86138%07d%d", i, j)
		}
		cs[i] = &c
	}
	benchWriter(b, 2*n, func(dir string) error { return WriteContactsXLSX(context.Background(), dir, cs) })
}

// TestXLSXRepeatable checks that a book of many sheets comes out byte for
// byte the same each time, with its sheets zipped in sheet order: excelize
// hands over the sheet parts in map order.
func TestXLSXRepeatable(t *testing.T) {
	defer func(n int) { maxSheetRows = n }(maxSheetRows)
	maxSheetRows = 2 // header + 1 row per sheet: eight sheets
	cs := testCustomers()[:8]
	var first []byte
	for i := range 6 {
		dir := t.TempDir()
		if err := WriteCleanXLSX(context.Background(), dir, cs); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(dir, "clean.xlsx"))
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = b
			zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
			if err != nil {
				t.Fatal(err)
			}
			var sheets []string
			for _, f := range zr.File {
				if strings.HasPrefix(f.Name, "xl/worksheets/sheet") {
					sheets = append(sheets, f.Name)
				}
			}
			want := []string{"xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/worksheets/sheet3.xml", "xl/worksheets/sheet4.xml",
				"xl/worksheets/sheet5.xml", "xl/worksheets/sheet6.xml", "xl/worksheets/sheet7.xml", "xl/worksheets/sheet8.xml"}
			if !reflect.DeepEqual(sheets, want) {
				t.Fatalf("sheet parts zipped as %v, want %v", sheets, want)
			}
			continue
		}
		if !bytes.Equal(b, first) {
			t.Fatalf("write %d differs from the first", i+1)
		}
	}
}

package sink

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/crmclean/crmclean/pipeline/merge"
	"github.com/crmclean/crmclean/pipeline/record"
	"github.com/crmclean/crmclean/pipeline/source"
)

// awkwardTexts are cell texts the row writer must escape, keep or repair,
// with what a reader must get back.
var awkwardTexts = []struct{ name, in, want string }{
	{"markup", `<b>&"华信"'</b>`, `<b>&"华信"'</b>`},
	{"leading and trailing spaces", "  张伟 ", "  张伟 "},
	{"tab, CR and newline", "a\tb\r\nc\n", "a\tb\r\nc\n"},
	{"control character", "a\x01b\x1fc", "a\uFFFDb\uFFFDc"},
	{"invalid UTF-8", "a\xffb", "a\uFFFDb"},
	{"non-character", "a\uFFFEb", "a\uFFFDb"},
	{"escaped-character lookalike", "_x0041_", "_x0041_"},
	{"two lookalikes sharing an underscore", "_x0041_x0042_", "_x0041_x0042_"},
	{"lookalike escape itself", "_x005F_", "_x005F_"},
	{"not a lookalike", "_x00G1_ _x004_", "_x00G1_ _x004_"},
	{"astral", "𠀀😀", "𠀀😀"},
	{"formula", "=HYPERLINK(\"http://x\")", "=HYPERLINK(\"http://x\")"},
	{"too long", strings.Repeat("长", excelize.TotalCellChars+5), strings.Repeat("长", excelize.TotalCellChars)},
}

// TestRowWriterTexts writes the awkward texts into clean.xlsx and reads
// them back with excelize and with crmclean's own reader.
func TestRowWriterTexts(t *testing.T) {
	var cs []*merge.Customer
	for i, tc := range awkwardTexts {
		cs = append(cs, &merge.Customer{ID: string(rune('A'+i)) + "0000000000", Kind: record.Person, Name: tc.in,
			Rows: make([]*record.Record, 1)})
	}
	dir := t.TempDir()
	if err := WriteCleanXLSX(context.Background(), dir, cs); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "clean.xlsx")
	nameCol := columnIndex(CleanColumns, "name")

	rows := sheetRows(t, openXLSX(t, path))["clean"]
	for i, tc := range awkwardTexts {
		if got := rows[i+1][nameCol]; got != tc.want {
			t.Errorf("%s: excelize reads %q, want %q", tc.name, got, tc.want)
		}
	}
	assertInert(t, openXLSX(t, path))
	// Readers of Go's encoding/xml keep spaces anyway; Excel keeps them
	// only where the text says so.
	if raw := sheetXML(t, path, "xl/worksheets/sheet1.xml"); !strings.Contains(raw, `<t xml:space="preserve">  张伟 </t>`) {
		t.Errorf("leading and trailing spaces not marked to be preserved in the sheet XML")
	}

	f, err := source.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	i := -1
	for r, err := range f.Sheets[0].Rows {
		if err != nil {
			t.Fatal(err)
		}
		if i++; i == 0 {
			continue // header
		}
		tc := awkwardTexts[i-1]
		if got := r.Cells[nameCol].Text; got != tc.want {
			t.Errorf("%s: crmclean reads %q, want %q", tc.name, got, tc.want)
		}
	}
	if i != len(awkwardTexts) {
		t.Errorf("crmclean read %d data rows, want %d", i, len(awkwardTexts))
	}
}

// sheetXML returns a part of the workbook at path.
func sheetXML(t *testing.T, path, part string) string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	rc, err := zr.Open(part)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(rc)
	return string(data)
}

func TestAppendColumnName(t *testing.T) {
	for col := 1; col <= 16384; col++ {
		want, _ := excelize.ColumnNumberToName(col)
		if got := string(appendColumnName(nil, col)); got != want {
			t.Fatalf("column %d: %q, want %q", col, got, want)
		}
	}
}

// TestRowSpoolsRemoved checks that no spool file is left beside the
// workbook, after a book is written and after one is abandoned.
func TestRowSpoolsRemoved(t *testing.T) {
	dir := t.TempDir()
	if err := WriteCleanXLSX(context.Background(), dir, testCustomers()); err != nil {
		t.Fatal(err)
	}
	b, err := createXLSX(xlsxOptions{ctx: context.Background(), path: filepath.Join(dir, "other.xlsx"), sheet: "x", header: []string{"a"}})
	if err != nil {
		t.Fatal(err)
	}
	for range widthSample + 1 { // past the held-back rows: a sheet and its spool exist
		if err := b.Write([]xlsxCell{{text: "1"}}); err != nil {
			t.Fatal(err)
		}
	}
	b.abort()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != "clean.xlsx" {
			t.Errorf("left in the output folder: %s", e.Name())
		}
	}
}

// TestSplicingZip checks that a sheet part gets its spooled rows, across
// excelize's writes, as a valid deflated zip entry (the reader checks the
// CRC-32 and lengths), and that rows with nowhere to go fail the workbook
// rather than vanish.
func TestSplicingZip(t *testing.T) {
	const part = "xl/worksheets/sheet1.xml"
	rows := strings.Repeat(`<row r="2"><c r="A2" t="inlineStr"><is><t>华信</t></is></c></row>`, 500)
	for _, tc := range []struct {
		name, part, body string
		ok               bool
	}{
		{"rows spliced", part, `<worksheet><sheetData><row r="1"/></sheetData><pageMargins/></worksheet>`, true},
		{"rows spliced at the end", part, `<worksheet><sheetData><row r="1"/></sheetData>`, true},
		{"no sheetData end", part, `<worksheet><sheetData/></worksheet>`, false},
		{"sheet part never written", "xl/worksheets/sheet9.xml", `<worksheet/>`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := os.CreateTemp(t.TempDir(), "rows")
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			s := newSpool(f, "clean", part)
			if err := s.write([]byte(rows)); err != nil {
				t.Fatal(err)
			}
			if err := s.flush(); err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			z := newSplicingZip(&out, []*rowSpool{s})
			w, err := z.Create(tc.part)
			if err != nil {
				t.Fatal(err)
			}
			io.WriteString(w, tc.body[:12]) // in two writes: the end tag may come in a later one
			io.WriteString(w, tc.body[12:])
			other, err := z.Create("xl/styles.xml") // the next part ends the sheet's
			if err == nil {
				_, err = io.WriteString(other, "<styleSheet/>")
			}
			if err == nil {
				err = z.Close()
			}
			if ok := err == nil; ok != tc.ok {
				t.Fatalf("writing the zip: %v, want ok=%v", err, tc.ok)
			}
			if !tc.ok {
				return
			}
			zr, err := zip.NewReader(bytes.NewReader(out.Bytes()), int64(out.Len()))
			if err != nil {
				t.Fatal(err)
			}
			rc, err := zr.Open(tc.part)
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(rc) // fails on a wrong CRC-32 or length
			if err != nil {
				t.Fatalf("reading %s back: %v", tc.part, err)
			}
			at := strings.Index(tc.body, "</sheetData>")
			if want := tc.body[:at] + rows + tc.body[at:]; string(got) != want {
				t.Errorf("part %s\n got %.200s…\nwant %.200s…", tc.part, got, want)
			}
		})
	}
}

// TestCRC32Combine checks crc32Combine against the CRC of the joined bytes.
func TestCRC32Combine(t *testing.T) {
	data := []byte(strings.Repeat("crmclean 华信科技 0123456789 ", 300))
	for _, cut := range []int{0, 1, 7, 8, 100, 4095, len(data) - 1, len(data)} {
		a, b := data[:cut], data[cut:]
		got := crc32Combine(crc32.ChecksumIEEE(a), crc32.ChecksumIEEE(b), int64(len(b)))
		if want := crc32.ChecksumIEEE(data); got != want {
			t.Errorf("cut at %d: %08x, want %08x", cut, got, want)
		}
	}
}

// FuzzAppendCellText checks that every text becomes well-formed XML
// character data that a reader, undoing _xHHHH_ escapes as Excel does,
// reads back as the text with what XML cannot hold replaced by U+FFFD.
func FuzzAppendCellText(f *testing.F) {
	for _, tc := range awkwardTexts {
		if len(tc.in) < 1000 {
			f.Add(tc.in)
		}
	}
	f.Add("_x005F_x0041_")
	f.Add("_x_x0041__")
	f.Fuzz(func(t *testing.T, s string) {
		doc := "<t>" + string(appendCellText(nil, s)) + "</t>"
		var got string
		if err := xml.Unmarshal([]byte(doc), &got); err != nil {
			t.Fatalf("appendCellText(%q) is not XML character data: %v\n%s", s, err, doc)
		}
		if got, want := excelUnescape(got), xmlSafe(s); got != want {
			t.Fatalf("appendCellText(%q) reads back as %q, want %q", s, got, want)
		}
	})
}

// excelUnescape replaces each _xHHHH_ by the character it encodes, left to
// right, as Excel reads cell text.
func excelUnescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		if escapedCharAt(s, i) {
			n, _ := strconv.ParseUint(s[i+2:i+6], 16, 32)
			b.WriteRune(rune(n))
			i += 7
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

// xmlSafe replaces what XML 1.0 cannot hold by U+FFFD: invalid UTF-8,
// control characters other than tab, newline and carriage return,
// U+FFFE and U+FFFF.
func xmlSafe(s string) string {
	var b strings.Builder
	for _, r := range s { // invalid bytes come as U+FFFD
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF {
			r = utf8.RuneError
		}
		b.WriteRune(r)
	}
	return b.String()
}

// FuzzAppendCellTextFast checks that appendCellText's byte scan of valid
// UTF-8 writes the same bytes as the rune by rune appendCellTextRunes.
func FuzzAppendCellTextFast(f *testing.F) {
	for _, tc := range awkwardTexts {
		if len(tc.in) < 1000 {
			f.Add(tc.in)
		}
	}
	for _, s := range []string{"_x005F_x0041_", "_x_x0041__", "\uFFFE\uFFFF\uFFFD\uF8FF", "华信\uFFFE", "\xEF\xBF", "a\x00b\x1fc\x7f", "杭州 & <上海>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := appendCellText(nil, s), appendCellTextRunes(nil, s); !bytes.Equal(got, want) {
			t.Fatalf("appendCellText(%q) = %q, rune by rune %q", s, got, want)
		}
	})
}

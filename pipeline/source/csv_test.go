package source

import (
	"bytes"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"

	"github.com/crmclean/crmclean/pipeline/record"
)

var updateCSV = flag.Bool("update-csv", false, "rewrite the CSV reader's golden files in testdata/csv")

// csvRow is an expected row: its number, cell texts, ragged state and
// issues (as "column:rule", "row:rule" for the whole row).
type csvRow struct {
	num    int
	end    int // a run of blank rows num..end
	cells  []string
	ragged bool
	want   int
	issues []string
}

// flagged returns r with issues.
func (r csvRow) flagged(issues ...string) csvRow {
	r.issues = issues
	return r
}

func row(num int, cells ...string) csvRow { return csvRow{num: num, cells: cells} }

// blanks is a run of blank rows, first to last.
func blanks(first, last int) csvRow { return csvRow{num: first, end: last} }

func ragged(num, want int, cells ...string) csvRow {
	return csvRow{num: num, cells: cells, ragged: true, want: want}
}

func (r csvRow) String() string {
	s := fmt.Sprintf("%d: %q", r.num, r.cells)
	if r.end != 0 {
		s = fmt.Sprintf("%d-%d: %q", r.num, r.end, r.cells)
	}
	if r.ragged {
		s += fmt.Sprintf(" ragged(want %d)", r.want)
	}
	if len(r.issues) > 0 {
		s += fmt.Sprintf(" issues%q", r.issues)
	}
	return s
}

// issueKeys renders issues as csvRow.issues does.
func issueKeys(issues []record.Issue) []string {
	var out []string
	for _, is := range issues {
		col := "row"
		if is.Col >= 0 {
			col = record.ColumnName(is.Col)
		}
		out = append(out, col+":"+is.Rule)
	}
	return out
}

// readAllCSV reads data as the file named name and returns its rows.
func readAllCSV(t testing.TB, name string, data []byte) (*File, []csvRow) {
	t.Helper()
	f, err := readCSV(bytes.NewReader(data), name)
	if err != nil {
		t.Fatalf("readCSV(%q): %v", name, err)
	}
	return f, collectCSV(t, f)
}

func collectCSV(t testing.TB, f *File) []csvRow {
	t.Helper()
	if len(f.Sheets) != 1 || f.Sheets[0].Name != "" {
		t.Fatalf("sheets = %+v, want one named \"\"", f.Sheets)
	}
	var rows []csvRow
	for r, err := range f.Sheets[0].Rows {
		if err != nil {
			t.Fatalf("after row %d: %v", len(rows), err)
		}
		got := csvRow{num: r.Num, end: r.End, ragged: r.Ragged, want: r.Want, issues: issueKeys(r.Issues)}
		for _, is := range r.Issues {
			if is.Text("en") == "" || is.Severity != record.Warning {
				t.Errorf("row %d: issue %+v without a message or not a warning", r.Num, is)
			}
		}
		for _, c := range r.Cells {
			if c.Type != Text || c.Merged || c.Lossy {
				t.Errorf("row %d: cell %+v, want plain text", r.Num, c)
			}
			got.cells = append(got.cells, c.Text)
		}
		rows = append(rows, got)
	}
	return rows
}

func diffRows(t *testing.T, got, want []csvRow) {
	t.Helper()
	n := max(len(got), len(want))
	for i := range n {
		var g, w string
		if i < len(got) {
			g = got[i].String()
		}
		if i < len(want) {
			w = want[i].String()
		}
		if g != w {
			t.Errorf("row %d:\n got  %s\n want %s", i+1, g, w)
		}
	}
}

func TestCSVRead(t *testing.T) {
	tests := []struct {
		name  string
		file  string // default "t.csv"
		in    string
		delim rune // default ','
		want  []csvRow
	}{
		{name: "Simple", in: "a,b,c\n1,2,3\n", want: []csvRow{row(1, "a", "b", "c"), row(2, "1", "2", "3")}},
		{name: "NoFinalNewline", in: "a,b\n1,2", want: []csvRow{row(1, "a", "b"), row(2, "1", "2")}},
		{name: "CRLF", in: "a,b\r\n1,2\r\n", want: []csvRow{row(1, "a", "b"), row(2, "1", "2")}},
		{name: "CROnly", in: "a,b\r1,2\r3,4", want: []csvRow{row(1, "a", "b"), row(2, "1", "2"), row(3, "3", "4")}},
		{name: "MixedEndings", in: "a,b\r\n1,2\n3,4\r5,6\r\n", want: []csvRow{row(1, "a", "b"), row(2, "1", "2"), row(3, "3", "4"), row(4, "5", "6")}},
		{
			name: "BlankLinesCounted",
			in:   "a,b\n\n1,2\n\n\n3,4\n",
			want: []csvRow{row(1, "a", "b"), row(2), row(3, "1", "2"), blanks(4, 5), row(6, "3", "4")},
		},
		{
			name: "BlankCRLFLines",
			in:   "a,b\r\n\r\n1,2\r\n",
			want: []csvRow{row(1, "a", "b"), row(2), row(3, "1", "2")},
		},
		// Blank rows after the last non-blank one are not part of the
		// sheet, as in Excel's used range.
		{name: "TrailingBlankLines", in: "a,b\n1,2\n\n,,\n  \n", want: []csvRow{row(1, "a", "b"), row(2, "1", "2")}},
		{name: "LeadingBlankLines", in: "\n\na,b\n1,2\n", want: []csvRow{blanks(1, 2), row(3, "a", "b"), row(4, "1", "2")}},
		{
			name: "TitleAboveHeader",
			in:   "客户名单,,\n导出日期 2024-05-01,,\n姓名,手机,城市\n张三,13800138000,北京\n",
			want: []csvRow{row(1, "客户名单"), row(2, "导出日期 2024-05-01"), row(3, "姓名", "手机", "城市"), row(4, "张三", "13800138000", "北京")},
		},
		{
			name: "QuotedNewlineIsOneRecord",
			in:   "a,b\n\"x\ny\",2\n3,4\n",
			want: []csvRow{row(1, "a", "b"), row(2, "x\ny", "2"), row(3, "3", "4")},
		},
		{
			name: "QuotedBlankLinesInside",
			in:   "h1,h2\n\"a\n\n\nb\",1\n\n2,3",
			want: []csvRow{row(1, "h1", "h2"), row(2, "a\n\n\nb", "1"), row(3), row(4, "2", "3")},
		},
		{name: "QuotedCRLFBecomesLF", in: "a,b\r\n\"x\r\ny\",2\r\n", want: []csvRow{row(1, "a", "b"), row(2, "x\ny", "2")}},
		{name: "QuotedCRBecomesLF", in: "\"x\ry\",2\r3,4", want: []csvRow{row(1, "x\ny", "2"), row(2, "3", "4")}},
		{name: "DoubledQuotes", in: "\"他说\"\"好\"\"\",b\n", want: []csvRow{row(1, "他说\"好\"", "b")}},
		{name: "QuotedDelimiter", in: "\"a,b\",c\n", want: []csvRow{row(1, "a,b", "c")}},
		{name: "QuotedAtEOF", in: "a,\"b\"", want: []csvRow{row(1, "a", "b")}},
		{name: "EmptyQuoted", in: "\"\",x\n", want: []csvRow{row(1, "", "x")}},
		{name: "OnlyEmptyQuoted", in: "a\n\"\"\nb\n", want: []csvRow{row(1, "a"), row(2), row(3, "b")}},
		{name: "BareQuoteInField", in: "ab\"c,d\n", want: []csvRow{row(1, "ab\"c", "d")}},
		{name: "BareQuoteAtFieldEnd", in: "5'11\",d\n", want: []csvRow{row(1, "5'11\"", "d")}},
		{name: "TextAfterClosingQuote", in: "\"abc\"def,x\n", want: []csvRow{row(1, "abc\"def", "x")}},
		{name: "SpacesAfterClosingQuote", in: "\"abc\"  ,x\n", want: []csvRow{row(1, "abc", "x")}},
		{name: "LeadingSpaceThenQuote", in: " \"a\",b\n", want: []csvRow{row(1, " \"a\"", "b")}},
		{
			name: "UnterminatedQuoteAtEOF",
			in:   "a,b\n\"x,y\n1,2\n",
			want: []csvRow{row(1, "a", "b"), row(2, "\"x", "y").flagged("A:csv.stray_quote"), row(3, "1", "2")},
		},
		{
			// A stray quote before the header would join it to the rows
			// below, up to the next quote: the header is read on its own.
			name: "StrayQuoteBeforeHeader",
			in:   "\"客户名称,联系人,手机\n甲公司,张三,138\n乙公司,\"李四\",139\n丙公司,王五,137\n",
			want: []csvRow{row(1, "\"客户名称", "联系人", "手机").flagged("A:csv.stray_quote"), row(2, "甲公司", "张三", "138"),
				row(3, "乙公司", "李四", "139"), row(4, "丙公司", "王五", "137")},
		},
		{
			name: "StrayQuoteInTitleAboveHeader",
			in:   "\"客户名单 2024\n客户名称,联系人,手机\n甲公司,\"张\n三\",138\n乙公司,李四,\"139\"\n",
			want: []csvRow{row(1, "\"客户名单 2024").flagged("A:csv.stray_quote"), row(2, "客户名称", "联系人", "手机"),
				row(3, "甲公司", "张\n三", "138"), row(4, "乙公司", "李四", "139")},
		},
		{
			// Below the header, a quoted cell over several lines is a cell,
			// even when its first line holds as many commas as a row.
			name: "MultiLineCellBelowHeaderKept",
			in:   "a,b,c\n1,\"x,y,z\nw\",2\n3,4,5\n",
			want: []csvRow{row(1, "a", "b", "c"), row(2, "1", "x,y,z\nw", "2"), row(3, "3", "4", "5")},
		},
		{
			name: "UnterminatedQuoteMidRecord",
			in:   "a,\"b\nc,d",
			want: []csvRow{row(1, "a", "\"b").flagged("B:csv.stray_quote"), row(2, "c", "d")},
		},
		{
			name: "UnterminatedAfterGoodQuote",
			in:   "\"ok\",\"bad\n\"x\",y\n",
			// The third quote closes "bad\n; the field's stray text swallows
			// the rest of that line, as a LazyQuotes reader would.
			want: []csvRow{row(1, "ok", "bad\n\"x\"", "y")},
		},
		{name: "TrailingEmptyTrimmed", in: "a,b,c\n1,,\n", want: []csvRow{row(1, "a", "b", "c"), row(2, "1")}},
		{name: "TrailingDelimiter", in: "a,b,\n1,2,\n", want: []csvRow{row(1, "a", "b"), row(2, "1", "2")}},
		{name: "InnerEmptyKept", in: "a,b,c\n,,3\n", want: []csvRow{row(1, "a", "b", "c"), row(2, "", "", "3")}},
		{name: "RaggedFewer", in: "a,b,c\n1,2\n", want: []csvRow{row(1, "a", "b", "c"), ragged(2, 3, "1", "2")}},
		{name: "RaggedMore", in: "a,b\n1,2,3\n4,5\n", want: []csvRow{row(1, "a", "b"), ragged(2, 2, "1", "2", "3"), row(3, "4", "5")}},
		{
			name: "BlankRowsNeverRagged",
			in:   "a,b,c\n,\n  \n1,2,3\n",
			want: []csvRow{row(1, "a", "b", "c"), blanks(2, 3), row(4, "1", "2", "3")},
		},
		{
			name: "WantSkipsOneFieldTitle",
			in:   "客户名单\n\n姓名,手机\n张三,13800138000\n合计 1 人\n",
			want: []csvRow{row(1, "客户名单"), row(2), row(3, "姓名", "手机"), row(4, "张三", "13800138000"), ragged(5, 2, "合计 1 人")},
		},
		{
			name: "WantFromFirstNonBlank",
			in:   ",,,\na,b\n1,2\n",
			want: []csvRow{row(1), row(2, "a", "b"), row(3, "1", "2")},
		},
		{name: "WhitespaceKept", in: " a , b \n", want: []csvRow{row(1, " a ", " b ")}},
		{name: "Tab", file: "t.tsv", in: "姓名\t手机\n张三\t13800138000\n", delim: '\t', want: []csvRow{row(1, "姓名", "手机"), row(2, "张三", "13800138000")}},
		{name: "TabInCSVFile", in: "姓名\t地址\n张三\t北京市,朝阳区\n", delim: '\t', want: []csvRow{row(1, "姓名", "地址"), row(2, "张三", "北京市,朝阳区")}},
		{name: "Semicolon", in: "a;b;c\n1;2,5;3\n", delim: ';', want: []csvRow{row(1, "a", "b", "c"), row(2, "1", "2,5", "3")}},
		{name: "Pipe", file: "t.txt", in: "a|b\n1|2\n", delim: '|', want: []csvRow{row(1, "a", "b"), row(2, "1", "2")}},
		{name: "SingleColumn", in: "姓名\n张三\n李四\n", want: []csvRow{row(1, "姓名"), row(2, "张三"), row(3, "李四")}},
		{name: "SingleColumnTSV", file: "t.tsv", in: "姓名\n张三\n", delim: '\t', want: []csvRow{row(1, "姓名"), row(2, "张三")}},
		{name: "TabInsideQuotes", in: "\"a\tb\",c\n\"d\te\",f\n", want: []csvRow{row(1, "a\tb", "c"), row(2, "d\te", "f")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := cmpOr(tt.file, "t.csv")
			f, got := readAllCSV(t, file, []byte(tt.in))
			if d := cmpOr(tt.delim, ','); f.Delim != d {
				t.Errorf("Delim = %q, want %q", f.Delim, d)
			}
			if f.Format != "csv" || f.Encoding != EncodingUTF8 || f.Path != file {
				t.Errorf("File = {Path %q, Format %q, Encoding %q}, want {%q, csv, UTF-8}", f.Path, f.Format, f.Encoding, file)
			}
			diffRows(t, got, tt.want)
		})
	}
}

func cmpOr[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// TestCSVRowNumbers checks numbering over many multi-line records, against
// numbers computed independently.
func TestCSVRowNumbers(t *testing.T) {
	var b strings.Builder
	var want []csvRow
	b.WriteString("导出时间：2024-05-01\n\n编号,备注\n")
	want = append(want, row(1, "导出时间：2024-05-01"), row(2), row(3, "编号", "备注"))
	for i := range 300 {
		num := len(want) + 1
		switch i % 4 {
		case 0:
			fmt.Fprintf(&b, "%d,\"第一行\n第二行\n第三行\"\n", i)
			want = append(want, row(num, fmt.Sprint(i), "第一行\n第二行\n第三行"))
		case 1:
			b.WriteString("\r\n")
			want = append(want, row(num))
		case 2:
			fmt.Fprintf(&b, "%d,\"a\r\n\r\nb\"\r", i)
			want = append(want, row(num, fmt.Sprint(i), "a\n\nb"))
		default:
			fmt.Fprintf(&b, "%d,plain\n", i)
			want = append(want, row(num, fmt.Sprint(i), "plain"))
		}
	}
	_, got := readAllCSV(t, "n.csv", []byte(b.String()))
	diffRows(t, got, want)
}

// TestCSVStrayQuoteLimit checks that a quote left open for more than
// maxQuotedField bytes is read as text and the lines after it as records.
func TestCSVStrayQuoteLimit(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("a,b\nx,\"stray\n")
	lines := maxQuotedField/8 + 1000
	for i := range lines {
		fmt.Fprintf(&b, "%06d,y\n", i)
	}
	b.WriteString("\"late\",z\n")
	_, got := readAllCSV(t, "q.csv", b.Bytes())
	if len(got) != lines+3 {
		t.Fatalf("got %d rows, want %d", len(got), lines+3)
	}
	diffRows(t, got[:3], []csvRow{row(1, "a", "b"), row(2, "x", "\"stray").flagged("B:csv.stray_quote"), row(3, "000000", "y")})
	diffRows(t, got[len(got)-1:], []csvRow{row(lines+3, "late", "z")})
}

func TestCSVEncodings(t *testing.T) {
	gbk := func(s string) []byte {
		b, _, err := transform.Bytes(simplifiedchinese.GB18030.NewEncoder(), []byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	utf16 := func(s string, bigEndian, bom bool) []byte {
		var b []byte
		if bom {
			b = append(b, 0xFF, 0xFE)
			if bigEndian {
				b[0], b[1] = 0xFE, 0xFF
			}
		}
		for _, r := range s {
			for _, u := range utf16Units(r) {
				if bigEndian {
					b = append(b, byte(u>>8), byte(u))
				} else {
					b = append(b, byte(u), byte(u>>8))
				}
			}
		}
		return b
	}
	const text = "姓名,手机,地址\r\n张三,13800138000,\"北京市朝阳区\n建国路88号\"\r\n"
	wantRows := []csvRow{row(1, "姓名", "手机", "地址"), row(2, "张三", "13800138000", "北京市朝阳区\n建国路88号")}
	longUTF8 := strings.Repeat("客户名称联系地址", 20)
	tests := []struct {
		name  string
		file  string
		in    []byte
		enc   string
		delim rune
		want  []csvRow
	}{
		{name: "UTF8", in: []byte(text), enc: EncodingUTF8, delim: ',', want: wantRows},
		{
			name: "UTF8BOMTab", file: "t.csv", in: []byte("\uFEFF序号\t姓名\n1\t王芳\n"), enc: EncodingUTF8BOM, delim: '\t',
			want: []csvRow{row(1, "序号", "姓名"), row(2, "1", "王芳")},
		},
		{name: "GBK", in: gbk(text), enc: EncodingGB18030, delim: ',', want: wantRows},
		{
			name: "GB18030FourByte", in: gbk("名称,备注\n𠮷野家,€5\n"), enc: EncodingGB18030, delim: ',',
			want: []csvRow{row(1, "名称", "备注"), row(2, "𠮷野家", "€5")},
		},
		{name: "UTF16LEBOM", in: utf16(text, false, true), enc: EncodingUTF16LE, delim: ',', want: wantRows},
		{name: "UTF16BEBOM", in: utf16(text, true, true), enc: EncodingUTF16BE, delim: ',', want: wantRows},
		{name: "UTF16LENoBOM", in: utf16(text, false, false), enc: EncodingUTF16LE, delim: ',', want: wantRows},
		{name: "UTF16BENoBOM", in: utf16(text, true, false), enc: EncodingUTF16BE, delim: ',', want: wantRows},
		{name: "UTF16LETab", file: "t.txt", in: utf16("a\tb\n1\t2\n", false, true), enc: EncodingUTF16LE, delim: '\t', want: []csvRow{row(1, "a", "b"), row(2, "1", "2")}},
		{
			// A UTF-8 export that cut one character in half is still UTF-8;
			// the broken bytes become U+FFFD.
			name: "MostlyUTF8", in: []byte("名称,备注\n" + longUTF8 + ",\xe5\xae\n"), enc: EncodingUTF8, delim: ',',
			want: []csvRow{row(1, "名称", "备注"), row(2, longUTF8, "\uFFFD").flagged("B:text.invalid_bytes")},
		},
		{name: "ASCII", in: []byte("id,name\n1,Li Lei\n"), enc: EncodingUTF8, delim: ',', want: []csvRow{row(1, "id", "name"), row(2, "1", "Li Lei")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, got := readAllCSV(t, cmpOr(tt.file, "t.csv"), tt.in)
			if f.Encoding != tt.enc || f.Delim != tt.delim {
				t.Errorf("Encoding, Delim = %q, %q; want %q, %q", f.Encoding, f.Delim, tt.enc, tt.delim)
			}
			diffRows(t, got, tt.want)
		})
	}
}

func utf16Units(r rune) []uint16 {
	if r < 0x10000 {
		return []uint16{uint16(r)}
	}
	r -= 0x10000
	return []uint16{uint16(0xD800 + r>>10), uint16(0xDC00 + r&0x3FF)}
}

func TestCSVFileErrors(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{name: "ZeroBytes", in: nil, want: ErrEmpty},
		{name: "OnlyBOM", in: []byte("\uFEFF"), want: ErrEmpty},
		{name: "OnlyWhitespace", in: []byte(" \r\n\n\t \n"), want: ErrEmpty},
		{name: "BOMAndNewlines", in: []byte("\uFEFF\r\n\r\n"), want: ErrEmpty},
		{name: "OnlyUTF16BOM", in: []byte{0xFF, 0xFE}, want: ErrEmpty},
		{name: "UTF16Whitespace", in: []byte{0xFF, 0xFE, '\n', 0, ' ', 0}, want: ErrEmpty},
		{name: "InvalidBytes", in: []byte("a,b\n\x80\x80\xff\xff,1\n"), want: ErrEncoding},
		{name: "Binary", in: []byte{0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0xFF, 0xFF, 0x80}, want: ErrEncoding},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := readCSV(bytes.NewReader(tt.in), "客户.csv")
			var fe *FileError
			if !errors.As(err, &fe) || !errors.Is(err, tt.want) {
				t.Fatalf("readCSV = %v, %v; want a *FileError wrapping %q", f, err, tt.want)
			}
			if fe.Path != "客户.csv" || !strings.HasPrefix(err.Error(), "客户.csv: ") {
				t.Errorf("error %q does not name the file", err)
			}
			if tt.want == ErrEncoding && fe.Hint == "" {
				t.Errorf("encoding error without a hint: %v", err)
			}
		})
	}
}

func TestOpenCSVErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "无此文件.csv")
	_, err := Open(missing)
	var fe *FileError
	if !errors.As(err, &fe) || !errors.Is(err, fs.ErrNotExist) || fe.Path != missing {
		t.Errorf("Open(missing) = %v, want a *FileError wrapping fs.ErrNotExist", err)
	}
	folder := filepath.Join(dir, "folder.csv")
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(folder); !errors.As(err, &fe) || fe.Path != folder {
		t.Errorf("Open(folder) = %v, want a *FileError", err)
	}
	empty := filepath.Join(dir, "empty.tsv")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(empty); !errors.Is(err, ErrEmpty) {
		t.Errorf("Open(empty) = %v, want ErrEmpty", err)
	}
}

// TestCSVReadError checks that a read failure after the start of the file
// stops the rows with a *PositionError naming the row.
func TestCSVReadError(t *testing.T) {
	var b bytes.Buffer
	for b.Len() < 3*encodingSample {
		b.WriteString("张三,13800138000\n")
	}
	boom := errors.New("disk on fire")
	f, err := readCSV(io.MultiReader(&b, iotest.ErrReader(boom)), "x.csv")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for r, err := range f.Sheets[0].Rows {
		if err != nil {
			var pe *PositionError
			if !errors.As(err, &pe) || !errors.Is(err, boom) || pe.Row != n+1 || pe.Path != "x.csv" {
				t.Fatalf("error = %v, want a *PositionError at row %d wrapping %v", err, n+1, boom)
			}
			return
		}
		n = r.Num
	}
	t.Fatal("no error reported")
}

func TestCSVRowsOnce(t *testing.T) {
	f, err := readCSV(strings.NewReader("a,b\n1,2\n3,4\n"), "x.csv")
	if err != nil {
		t.Fatal(err)
	}
	for r := range f.Sheets[0].Rows {
		if r.Num == 2 {
			break
		}
	}
	for _, err := range f.Sheets[0].Rows {
		if !errors.Is(err, errRowsReread) {
			t.Errorf("second range: err = %v, want errRowsReread", err)
		}
	}
}

func TestOpenCSVFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "客户.TSV")
	if err := os.WriteFile(path, []byte("a\tb,c\n1\t2,3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	got := collectCSV(t, f)
	if err := f.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if f.Delim != '\t' {
		t.Errorf("Delim = %q, want tab", f.Delim)
	}
	diffRows(t, got, []csvRow{row(1, "a", "b,c"), row(2, "1", "2,3")})
}

// TestCSVGolden reads every file in testdata/csv and compares a dump of it
// with the .golden file beside it (go test -run CSVGolden -update-csv).
func TestCSVGolden(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("testdata", "csv", "*.*"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, path := range paths {
		if strings.HasSuffix(path, ".golden") {
			continue
		}
		n++
		t.Run(filepath.Base(path), func(t *testing.T) {
			got := dumpCSV(t, path)
			golden := path + ".golden"
			if *updateCSV {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update-csv to create it)", err)
			}
			if got != string(want) {
				t.Errorf("dump of %s differs from %s:\n%s", path, golden, got)
			}
		})
	}
	if n == 0 {
		t.Fatal("no files in testdata/csv")
	}
}

// dumpCSV renders a CSV file for golden comparison, one line per row with
// the cells quoted, so line breaks and spaces inside cells show.
func dumpCSV(t *testing.T, path string) string {
	t.Helper()
	f, err := Open(path)
	if err != nil { // named by base name, the same on every OS
		return fmt.Sprintf("error: %s\n", strings.ReplaceAll(err.Error(), path, filepath.Base(path)))
	}
	defer f.Close()
	var b strings.Builder
	fmt.Fprintf(&b, "encoding %s, delimiter %q\n", f.Encoding, f.Delim)
	for r, err := range f.Sheets[0].Rows {
		if err != nil {
			fmt.Fprintf(&b, "error: %v\n", err)
			break
		}
		fmt.Fprintf(&b, "%d:", r.Num)
		for _, c := range r.Cells {
			fmt.Fprintf(&b, " %q", c.Text)
		}
		if r.Ragged {
			fmt.Fprintf(&b, " (ragged, want %d)", r.Want)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// TestCSVDevSheets reads the development corpus, if present: encodings as
// known, no errors, and as many rows as an independent quote-aware count of
// records finds.
func TestCSVDevSheets(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "bench", "dev", "sheets")
	paths, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
	if len(paths) == 0 {
		t.Skip("development corpus not found in", dir)
	}
	wantEnc := map[string]string{
		"客服中心.csv":   EncodingGB18030,
		"财务开票信息.csv": EncodingGB18030,
		"市场活动报名.csv": EncodingUTF8BOM,
	}
	wantDelim := map[string]rune{"市场活动报名.csv": '\t'}
	for _, path := range paths {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			f, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if w, ok := wantEnc[name]; ok && f.Encoding != w {
				t.Errorf("Encoding = %q, want %q", f.Encoding, w)
			}
			if w := cmpOr(wantDelim[name], ','); f.Delim != w {
				t.Errorf("Delim = %q, want %q", f.Delim, w)
			}
			rows := 0
			for r, err := range f.Sheets[0].Rows {
				if err != nil {
					t.Fatal(err)
				}
				rows++
				if r.Num != rows {
					t.Fatalf("row %d numbered %d", rows, r.Num)
				}
				for _, c := range r.Cells {
					if !utf8.ValidString(c.Text) || strings.ContainsRune(c.Text, utf8.RuneError) {
						t.Errorf("row %d: cell %q is not clean UTF-8", r.Num, c.Text)
					}
				}
			}
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if want := countRecords(raw); rows != want {
				t.Errorf("read %d rows, want %d records", rows, want)
			}
			t.Logf("%s: %s, delimiter %q, %d rows", name, f.Encoding, f.Delim, rows)
		})
	}
}

// countRecords counts the records of CSV text by toggling on quotes — the
// simplest rule that holds for well-formed files. Its bytes are UTF-8 or
// GB18030, where a quote byte is always a quote character.
func countRecords(b []byte) int {
	n, inQuote := 0, false
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '"':
			inQuote = !inQuote
		case '\r':
			if !inQuote {
				n++
				if i+1 < len(b) && b[i+1] == '\n' {
					i++
				}
			}
		case '\n':
			if !inQuote {
				n++
			}
		}
	}
	if len(b) > 0 && b[len(b)-1] != '\n' && b[len(b)-1] != '\r' {
		n++
	}
	return n
}

// FuzzCSVRead reads arbitrary bytes: it must never panic, errors must be
// *FileError, rows must be numbered 1, 2, 3 … with valid UTF-8 cells, and for
// UTF-8 text without quotes or CR the rows must be exactly its lines split
// at the delimiter.
func FuzzCSVRead(f *testing.F) {
	seeds := []string{
		"", "\uFEFF", "a,b\n1,2\n", "a,b\r\n\"x\ny\",2\r\n", "\"", "\"\"\"", "a\"b,c\n",
		"a\tb\n1\t2\n", "a;b\n", "a|b|c\n", "\n\n\n", "\r\r\n\r", "\"a\"b\"c\n", ",,,\n,\n",
		"\xff\xfea\x00,\x00b\x00", "\xfe\xff\x00a\x00,", "\xd6\xd0\xce\xc4,\xb2\xe2\n", "\x80\xff",
		"\xab\xc8\xa4\xe1,\xb9\x71\xb8\xdc\n",            // Big5 客戶,電話
		"\xd6\xd0\xce\xc4,\xb2\xe2\n\xe4\xb8\xad,\xff\n", // a GBK line, then UTF-8 with a byte that is neither
		"a|b\n\xd8\x7c|\xd6\xd0\n",                       // GBK with '|' as the second byte of 丨
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	if paths, err := filepath.Glob(filepath.Join("testdata", "csv", "*.*")); err == nil {
		for _, p := range paths {
			if b, err := os.ReadFile(p); err == nil && !strings.HasSuffix(p, ".golden") {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := readCSV(bytes.NewReader(data), "f.csv")
		if err != nil {
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is not a *FileError", err)
			}
			return
		}
		var got [][]string
		for r, err := range file.Sheets[0].Rows {
			if err != nil {
				t.Fatalf("row error on in-memory input: %v", err)
			}
			if r.Num != len(got)+1 || r.End != 0 && r.End <= r.Num {
				t.Fatalf("row %d numbered %d-%d", len(got)+1, r.Num, r.End)
			}
			if r.End != 0 && len(r.Cells) > 0 {
				t.Fatalf("rows %d-%d: a blank run with cells %+v", r.Num, r.End, r.Cells)
			}
			for n := r.Num; n < r.End; n++ {
				got = append(got, nil) // the run's rows but its last
			}
			var cells []string
			flagged := map[int]bool{}
			for _, is := range r.Issues {
				flagged[is.Col] = true
				if is.Text("en") == "" {
					t.Fatalf("row %d: issue without a message: %+v", r.Num, is)
				}
			}
			for i, c := range r.Cells {
				if !utf8.ValidString(c.Text) {
					t.Fatalf("row %d: invalid UTF-8 %q", r.Num, c.Text)
				}
				// U+FFFD only where a cell is flagged, unless the file
				// holds U+FFFD itself (in UTF-8 or GB18030).
				if strings.ContainsRune(c.Text, utf8.RuneError) && !flagged[i] &&
					!bytes.Contains(data, []byte("\uFFFD")) && !bytes.Contains(data, []byte{0x84, 0x31, 0xA4, 0x37}) {
					t.Fatalf("row %d, column %s: %q holds U+FFFD without an issue", r.Num, record.ColumnName(i), c.Text)
				}
				cells = append(cells, c.Text)
			}
			if len(cells) > 0 && cells[len(cells)-1] == "" {
				t.Fatalf("row %d: trailing empty cell not trimmed: %q", r.Num, cells)
			}
			got = append(got, cells)
		}
		if file.Encoding != EncodingUTF8 || !utf8.Valid(data) || bytes.ContainsAny(data, "\"\r") {
			return
		}
		lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
		for len(lines) > 0 && strings.TrimSpace(strings.ReplaceAll(lines[len(lines)-1], string(file.Delim), "")) == "" {
			lines = lines[:len(lines)-1] // trailing blank lines are not rows
		}
		if len(got) != len(lines) {
			t.Fatalf("%d rows, want %d (one per line)", len(got), len(lines))
		}
		for i, line := range lines {
			want := strings.Split(line, string(file.Delim))
			for len(want) > 0 && want[len(want)-1] == "" {
				want = want[:len(want)-1]
			}
			if !slices.Equal(got[i], want) && !(len(got[i]) == 0 && strings.TrimSpace(strings.Join(want, "")) == "") {
				t.Fatalf("row %d = %q, want %q", i+1, got[i], want)
			}
		}
	})
}

// FuzzSniffDelimiter checks that sniffing never panics, picks a candidate
// or the preferred delimiter, and finds the delimiter of a regular table.
func FuzzSniffDelimiter(f *testing.F) {
	f.Add([]byte("a,b\n1,2\n"), byte(','), uint8(3), uint8(2))
	f.Add([]byte("a\tb,c\n\"x\ty\"\tz\n"), byte('\t'), uint8(1), uint8(4))
	f.Add([]byte("\"unterminated,\n"), byte(';'), uint8(2), uint8(3))
	f.Add([]byte{}, byte('|'), uint8(0), uint8(0))
	f.Fuzz(func(t *testing.T, sample []byte, pref byte, which, cols uint8) {
		for _, atEOF := range []bool{false, true} {
			d := sniffDelimiter(sample, atEOF, ',')
			if !slices.Contains(csvDelimiters, d) {
				t.Fatalf("sniffDelimiter = %q, not a candidate", d)
			}
		}
		if !slices.Contains(csvDelimiters, pref) {
			pref = ','
		}
		if d := sniffDelimiter(sample, true, pref); !bytes.ContainsAny(sample, ",\t;|") && d != pref {
			t.Fatalf("no candidate in the sample, got %q, want the preferred %q", d, pref)
		}
		// A regular table of letters is split at its own delimiter.
		delim := csvDelimiters[int(which)%len(csvDelimiters)]
		n := int(cols)%8 + 2
		var b bytes.Buffer
		for r := range 5 {
			for c := range n {
				if c > 0 {
					b.WriteByte(delim)
				}
				fmt.Fprintf(&b, "r%dc%d", r, c)
			}
			b.WriteString("\n")
		}
		if d := sniffDelimiter(b.Bytes(), true, pref); d != delim {
			t.Fatalf("table split by %q sniffed as %q", delim, d)
		}
	})
}

// benchCSV writes (once per machine) a UTF-8 CSV file of rows rows × 6
// columns of Chinese names, mobiles, addresses and dates.
func benchCSV(b *testing.B, rows int, gb bool) string {
	b.Helper()
	name := fmt.Sprintf("crmclean-bench-%d.csv", rows)
	if gb {
		name = fmt.Sprintf("crmclean-bench-%d-gb18030.csv", rows)
	}
	path := filepath.Join(os.TempDir(), name)
	if _, err := os.Stat(path); err == nil {
		return path
	}
	var w io.Writer
	out, err := os.Create(path + ".tmp")
	if err != nil {
		b.Fatal(err)
	}
	w = out
	if gb {
		w = transform.NewWriter(out, simplifiedchinese.GB18030.NewEncoder())
	}
	bw := bytes.NewBuffer(nil)
	surnames := []string{"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴"}
	given := []string{"伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军"}
	cities := []string{"北京市朝阳区", "上海市浦东新区", "广州市天河区", "深圳市南山区", "杭州市西湖区"}
	bw.WriteString("客户编号,姓名,手机,地址,邮箱,登记时间\r\n")
	for i := range rows {
		fmt.Fprintf(bw, "C%07d,%s%s,1%010d,%s建设路%d号,user%d@example.com,2024-%02d-%02d\r\n",
			i, surnames[i%10], given[i/10%10], 3800000000+i, cities[i%5], i%999+1, i, i%12+1, i%28+1)
		if bw.Len() > 1<<20 {
			if _, err := w.Write(bw.Bytes()); err != nil {
				b.Fatal(err)
			}
			bw.Reset()
		}
	}
	if _, err := w.Write(bw.Bytes()); err != nil {
		b.Fatal(err)
	}
	if c, ok := w.(io.Closer); ok && gb {
		if err := c.Close(); err != nil {
			b.Fatal(err)
		}
	}
	if err := out.Close(); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(path+".tmp", path); err != nil {
		b.Fatal(err)
	}
	return path
}

func benchOpenCSV(b *testing.B, path string, wantRows int, wantEnc string) {
	b.ReportAllocs()
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(st.Size())
	for b.Loop() {
		f, err := Open(path)
		if err != nil {
			b.Fatal(err)
		}
		if f.Encoding != wantEnc {
			b.Fatalf("Encoding = %q, want %q", f.Encoding, wantEnc)
		}
		n := 0
		for r, err := range f.Sheets[0].Rows {
			if err != nil {
				b.Fatal(err)
			}
			n += len(r.Cells) / 6
		}
		f.Close()
		if n != wantRows+1 {
			b.Fatalf("read %d full rows, want %d", n, wantRows+1)
		}
	}
	b.ReportMetric(float64(wantRows+1)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapSys)/(1<<20), "heap-sys-MiB")
}

// BenchmarkCSV1M reads a 1,000,000-row × 6-column UTF-8 file.
func BenchmarkCSV1M(b *testing.B) {
	benchOpenCSV(b, benchCSV(b, 1_000_000, false), 1_000_000, EncodingUTF8)
}

// BenchmarkCSVGB18030 reads a 200,000-row × 6-column GB18030 file.
func BenchmarkCSVGB18030(b *testing.B) {
	benchOpenCSV(b, benchCSV(b, 200_000, true), 200_000, EncodingGB18030)
}

// BenchmarkEncodingCSV reads the BenchmarkCSV1M file with encoding/csv,
// for comparison.
func BenchmarkEncodingCSV(b *testing.B) {
	path := benchCSV(b, 1_000_000, false)
	b.ReportAllocs()
	const rows = 1_000_001
	for b.Loop() {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		r := csv.NewReader(f)
		r.ReuseRecord = true
		n := 0
		for {
			_, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		f.Close()
		if n != rows {
			b.Fatalf("read %d rows, want %d", n, rows)
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

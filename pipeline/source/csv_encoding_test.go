package source

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/transform"
)

func TestDetectEncoding(t *testing.T) {
	gb, _, err := transform.Bytes(simplifiedchinese.GB18030.NewEncoder(), []byte("客户名称,联系电话\n上海某某有限公司,021-12345678\n"))
	if err != nil {
		t.Fatal(err)
	}
	cut := []byte("名称,地址\n张三,北京") // ends in a whole character
	tests := []struct {
		name   string
		sample []byte
		atEOF  bool
		want   string // "" when nothing fits
	}{
		{name: "ASCII", sample: []byte("a,b\n"), atEOF: true, want: EncodingUTF8},
		{name: "UTF8", sample: cut, atEOF: true, want: EncodingUTF8},
		{name: "UTF8CutOneByte", sample: cut[:len(cut)-1], atEOF: false, want: EncodingUTF8},
		{name: "UTF8CutTwoBytes", sample: cut[:len(cut)-2], atEOF: false, want: EncodingUTF8},
		{name: "UTF8BOM", sample: []byte("\uFEFFa"), atEOF: true, want: EncodingUTF8BOM},
		{name: "UTF16LEBOM", sample: []byte{0xFF, 0xFE, 'a', 0}, atEOF: true, want: EncodingUTF16LE},
		{name: "UTF16BEBOM", sample: []byte{0xFE, 0xFF, 0, 'a'}, atEOF: true, want: EncodingUTF16BE},
		{name: "UTF16LENoBOM", sample: []byte{'a', 0, ',', 0, 'b', 0, '\n', 0}, atEOF: true, want: EncodingUTF16LE},
		{name: "UTF16BENoBOM", sample: []byte{0, 'a', 0, ',', 0, 'b', 0, '\n'}, atEOF: true, want: EncodingUTF16BE},
		{name: "GB18030", sample: gb, atEOF: true, want: EncodingGB18030},
		{name: "GB18030CutLeadByte", sample: gb[:len(gb)-len("021-12345678\n")-1], atEOF: false, want: EncodingGB18030},
		{name: "Invalid", sample: []byte{0x80, 0x80, 0xFF}, atEOF: true, want: ""},
		{name: "StrayNULNotUTF16", sample: []byte("a,b\x00\nc,d\n1,2\n"), atEOF: true, want: EncodingUTF8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			enc, err := detectEncoding(tt.sample, tt.atEOF)
			if (err == nil) != (tt.want != "") || enc.name != tt.want {
				t.Errorf("detectEncoding(% x) = %q, %v; want %q", tt.sample, enc.name, err, tt.want)
			}
		})
	}
}

// TestCSVSampleBoundary reads files whose encoding sample ends inside a
// character, in UTF-8 and in GB18030: the encoding is still recognised.
func TestCSVSampleBoundary(t *testing.T) {
	gb := func(s string) []byte {
		b, _, err := transform.Bytes(simplifiedchinese.GB18030.NewEncoder(), []byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	utf := func(s string) []byte { return []byte(s) }
	tail := strings.Repeat("中", 100)
	for _, enc := range []struct {
		name   string
		encode func(string) []byte
		cuts   int // bytes per character of tail, minus one
	}{{EncodingUTF8, utf, 2}, {EncodingGB18030, gb, 1}} {
		for cut := 1; cut <= enc.cuts; cut++ {
			var b bytes.Buffer
			b.Write(enc.encode("名称\n"))
			b.WriteString(strings.Repeat("a", encodingSample-cut-b.Len()))
			b.Write(enc.encode(tail + "\n"))
			f, rows := readAllCSV(t, "b.csv", b.Bytes())
			if f.Encoding != enc.name || len(rows) != 2 || !strings.HasSuffix(rows[1].cells[0], tail) {
				t.Errorf("%s cut %d: Encoding %q, %d rows; want %s, 2 ending in %s", enc.name, cut, f.Encoding, len(rows), enc.name, tail)
			}
		}
	}
}

// encodeIn returns s in enc (GB18030 or Big5).
func encodeIn(t testing.TB, enc encoding.Encoding, s string) []byte {
	t.Helper()
	b, _, err := transform.Bytes(enc.NewEncoder(), []byte(s))
	if err != nil {
		t.Fatalf("encode %q: %v", s, err)
	}
	return b
}

// customerLines returns n CSV lines of Chinese customers, from row first.
func customerLines(first, n int) string {
	var b strings.Builder
	names := []string{"上海恒丰电子有限公司", "北京市朝阳区建国路", "广州天河软件园", "深圳南山科技园", "杭州西湖区文三路"}
	for i := range n {
		fmt.Fprintf(&b, "%s%d,张%d,1380013%04d\n", names[(first+i)%len(names)], first+i, first+i, first+i)
	}
	return b.String()
}

// TestCSVEncodingByRow checks that a file's encoding is decided by the
// bulk of it and each record decoded on its own: a row in the other
// encoding is read in it and flagged, bytes that are text in neither are
// replaced and flagged at their cell, and neither stops the file.
func TestCSVEncodingByRow(t *testing.T) {
	gb := func(s string) []byte { return encodeIn(t, simplifiedchinese.GB18030, s) }
	big5 := func(s string) []byte { return encodeIn(t, traditionalchinese.Big5, s) }
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	header := "客户名称,联系人,手机\n"
	body := customerLines(2, 40) // rows 2..41
	// A GBK file whose bytes after the first encoding sample are broken:
	// today's reader turned them into U+FFFD silently.
	long := customerLines(2, encodingSample/30)
	longRows := strings.Count(long, "\n") + 1
	tests := []struct {
		name   string
		in     []byte
		enc    string
		delim  rune
		checks map[int]csvRow // row number → expected row
		rows   int
	}{
		{
			name: "GBKOneBadByteEarly", enc: EncodingGB18030, rows: 42,
			in: cat(gb(header), gb("上海某某公司,王芳,13900000000\n"), []byte{0xFF}, gb("bad,李四,13800000001\n"), gb(body[strings.Index(body, "\n")+1:])),
			checks: map[int]csvRow{
				2: row(2, "上海某某公司", "王芳", "13900000000"),
				3: row(3, "\uFFFDbad", "李四", "13800000001").flagged("A:text.invalid_bytes"),
			},
		},
		{
			name: "GBKBadByteAfterSample", enc: EncodingGB18030, rows: longRows + 1,
			in: cat(gb(header), gb(long), gb("尾行,"), []byte("\xff\xfe,1\n")),
			checks: map[int]csvRow{
				longRows + 1: row(longRows+1, "尾行", "\uFFFD\uFFFD", "1").flagged("B:text.invalid_bytes"),
			},
		},
		{
			name: "UTF8WithGBKRowsAppended", enc: EncodingUTF8, rows: 43,
			in: cat([]byte(header+body), gb("福州衡丰电子,覃兰德,13700000000\n"), gb("厦门某某贸易,陈静,13600000000\n")),
			checks: map[int]csvRow{
				41: row(41, "北京市朝阳区建国路41", "张41", "13800130041"),
				42: row(42, "福州衡丰电子", "覃兰德", "13700000000").flagged("row:" + RuleOtherEncoding),
				43: row(43, "厦门某某贸易", "陈静", "13600000000").flagged("row:" + RuleOtherEncoding),
			},
		},
		{
			name: "GBKWithUTF8RowsAppended", enc: EncodingGB18030, rows: 43,
			in: cat(gb(header+body), []byte("福州衡丰电子,覃兰德,13700000000\n张三,李四,13600000000\n")),
			checks: map[int]csvRow{
				2:  row(2, "广州天河软件园2", "张2", "13800130002"),
				42: row(42, "福州衡丰电子", "覃兰德", "13700000000").flagged("row:" + RuleOtherEncoding),
				43: row(43, "张三", "李四", "13600000000").flagged("row:" + RuleOtherEncoding),
			},
		},
		{
			name: "UTF8BadBytesInNeither", enc: EncodingUTF8BOM, rows: 42,
			in: cat([]byte("\uFEFF"+header+body), []byte("坏行,\xe5,\x9b\xad\n")),
			checks: map[int]csvRow{
				42: row(42, "坏行", "\uFFFD", "\uFFFD").flagged("B:text.invalid_bytes", "C:text.invalid_bytes"),
			},
		},
		{
			name: "UTF8TruncatedCharacterStaysUTF8", enc: EncodingUTF8, rows: 42,
			in: cat([]byte(header+body), []byte("上海恒丰电子有限公司,王\xe8\x8a,13900000000\n")),
			checks: map[int]csvRow{
				42: row(42, "上海恒丰电子有限公司", "王\uFFFD", "13900000000").flagged("B:text.invalid_bytes"),
			},
		},
		{
			name: "Big5", enc: EncodingBig5, rows: 3,
			in: big5("客戶名稱,聯絡人,電話\n香港恆豐電子有限公司,陳大文,85221234567\n臺北市信義區,林志明,886227201234\n"),
			checks: map[int]csvRow{
				1: row(1, "客戶名稱", "聯絡人", "電話"),
				2: row(2, "香港恆豐電子有限公司", "陳大文", "85221234567"),
				3: row(3, "臺北市信義區", "林志明", "886227201234"),
			},
		},
		{
			name: "Big5WithUTF8Row", enc: EncodingBig5, rows: 4,
			in: cat(big5("客戶名稱,聯絡人,電話\n香港恆豐電子有限公司,陳大文,85221234567\n臺北市信義區,林志明,886227201234\n"),
				[]byte("上海恒丰电子,王芳,13900000000\n")),
			checks: map[int]csvRow{
				4: row(4, "上海恒丰电子", "王芳", "13900000000").flagged("row:" + RuleOtherEncoding),
			},
		},
		{
			// 丨 is 0xD8 0x7C in GBK: its second byte is '|'. The text is
			// decoded before it is split, and a bad byte is still flagged.
			name: "GBKPipeDelimited", enc: EncodingGB18030, delim: '|', rows: 4,
			in: cat(gb("客户名称|联系人|手机\n丨字公司|王芳|13900000000\n丨丨丨|张三|13800000000\n"), []byte("x|\xff|1\n")),
			checks: map[int]csvRow{
				2: row(2, "丨字公司", "王芳", "13900000000"),
				3: row(3, "丨丨丨", "张三", "13800000000"),
				4: row(4, "x", "\uFFFD", "1").flagged("B:text.invalid_bytes"),
			},
		},
		{
			name: "UTF16LoneSurrogate", enc: EncodingUTF16LE, rows: 2,
			in: []byte{0xFF, 0xFE, 'a', 0, ',', 0, 'b', 0, '\n', 0, 'x', 0, ',', 0, 0x00, 0xD8, 'y', 0, '\n', 0},
			checks: map[int]csvRow{
				2: row(2, "x", "\uFFFDy").flagged("B:text.invalid_bytes"),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, rows := readAllCSV(t, "t.csv", tt.in)
			if f.Encoding != tt.enc || f.Delim != cmpOr(tt.delim, ',') {
				t.Errorf("Encoding, Delim = %q, %q; want %q, %q", f.Encoding, f.Delim, tt.enc, cmpOr(tt.delim, ','))
			}
			if len(rows) != tt.rows {
				t.Errorf("%d rows, want %d", len(rows), tt.rows)
			}
			for _, r := range rows {
				want, ok := tt.checks[r.num]
				switch {
				case ok:
					if r.String() != want.String() {
						t.Errorf("row %d:\n got  %s\n want %s", r.num, r, want)
					}
				case len(r.issues) > 0:
					t.Errorf("row %d: unexpected issues: %s", r.num, r)
				}
			}
		})
	}
}

// TestDetectEncodingRefusesGarbage checks that a file most of whose lines
// are text in no encoding is refused, with the first such line named.
func TestDetectEncodingRefusesGarbage(t *testing.T) {
	in := []byte("id,name\n1,\x80\x80\xff\n2,\xff\xfe\x80\n3,ok\n")
	_, err := detectEncoding(in, true)
	if !errors.Is(err, ErrEncoding) || !strings.Contains(err.Error(), "line 2 ") || !strings.Contains(err.Error(), "1 more of the 2 lines") {
		t.Errorf("detectEncoding = %v; want ErrEncoding naming line 2 and counting the lines", err)
	}
}

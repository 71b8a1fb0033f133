package source

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
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
			enc, ok := detectEncoding(tt.sample, tt.atEOF)
			if ok != (tt.want != "") || enc.name != tt.want {
				t.Errorf("detectEncoding(% x) = %q, %v; want %q", tt.sample, enc.name, ok, tt.want)
			}
		})
	}
}

func TestTrimPartialRune(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{name: "Empty", in: "", want: ""},
		{name: "ASCII", in: "ab", want: "ab"},
		{name: "Whole", in: "a中", want: "a中"},
		{name: "CutAfterOne", in: "a\xe4", want: "a"},
		{name: "CutAfterTwo", in: "a\xe4\xb8", want: "a"},
		{name: "FourByteCutAfterThree", in: "a\xf0\xa0\xae", want: "a"},
		{name: "FourByteWhole", in: "a𠮷", want: "a𠮷"},
		{name: "InvalidTailKept", in: "a\x80\x80\x80\x80", want: "a\x80\x80\x80\x80"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(trimPartialRune([]byte(tt.in))); got != tt.want {
				t.Errorf("trimPartialRune(%q) = %q, want %q", tt.in, got, tt.want)
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

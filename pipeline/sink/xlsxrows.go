package sink

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// An xlsxBook's data rows do not go through excelize's stream writer, which
// spends about 30 µs and 190 allocations on a clean.xlsx row. Each sheet's
// rows are rendered here into a temporary file beside the workbook, and
// spliced into the sheet's XML, just before </sheetData>, as excelize zips
// the workbook. excelize still writes everything else: styles, the header
// row, panes, column widths, comments and data validations.

// rowSpool holds the rendered rows of one sheet.
type rowSpool struct {
	file  *os.File
	w     *bufio.Writer
	part  string // the sheet's part in the package: xl/worksheets/sheetN.xml
	used  bool   // spliced into the workbook
	sheet string
}

// newRowSpool creates the spool of the sheet excelize streams with sw. New
// sheets are stored as sheet<SheetID>.xml.
func newRowSpool(dir string, sw *excelize.StreamWriter) (*rowSpool, error) {
	f, err := os.CreateTemp(dir, ".crmclean-rows-*") // 0600
	if err != nil {
		return nil, err
	}
	return &rowSpool{file: f, w: bufio.NewWriterSize(f, 1<<16), sheet: sw.Sheet,
		part: "xl/worksheets/sheet" + strconv.Itoa(sw.SheetID) + ".xml"}, nil
}

// remove deletes the spool's file.
func (s *rowSpool) remove() {
	s.file.Close()
	os.Remove(s.file.Name())
}

// appendRow appends the XML of row n: an inline string for every cell
// with text, a bare styled cell for an empty one with a style of its own
// (as excelize writes them), nothing for other empty cells.
func appendRow(dst []byte, n int, cells []xlsxCell, colStyle []int) []byte {
	dst = append(dst, `<row r="`...)
	dst = strconv.AppendInt(dst, int64(n), 10)
	dst = append(dst, `">`...)
	for i, c := range cells {
		if c.text == "" && c.style == 0 {
			continue
		}
		style := c.style
		if style == 0 && i < len(colStyle) {
			style = colStyle[i]
		}
		dst = append(dst, `<c r="`...)
		dst = appendColumnName(dst, i+1)
		dst = strconv.AppendInt(dst, int64(n), 10)
		dst = append(dst, '"')
		if style != 0 {
			dst = append(dst, ` s="`...)
			dst = strconv.AppendInt(dst, int64(style), 10)
			dst = append(dst, '"')
		}
		if c.text == "" {
			dst = append(dst, `/>`...)
			continue
		}
		dst = append(dst, ` t="inlineStr"><is><t`...)
		text := truncateCell(c.text)
		if preserveSpace(text) {
			dst = append(dst, ` xml:space="preserve"`...)
		}
		dst = append(dst, '>')
		dst = appendCellText(dst, text)
		dst = append(dst, `</t></is></c>`...)
	}
	return append(dst, `</row>`...)
}

// appendColumnName appends the letters of column col (1-based): A, Z, AA.
func appendColumnName(dst []byte, col int) []byte {
	var buf [4]byte
	i := len(buf)
	for col > 0 {
		col--
		i--
		buf[i] = byte('A' + col%26)
		col /= 26
	}
	return append(dst, buf[i:]...)
}

// truncateCell cuts s to the 32,767 UTF-16 code units a cell holds, as
// excelize does.
func truncateCell(s string) string {
	if len(s) <= excelize.TotalCellChars { // never more units than bytes
		return s
	}
	units := 0
	for i, r := range s {
		if units += utf16.RuneLen(r); units > excelize.TotalCellChars {
			return s[:i]
		}
	}
	return s
}

// preserveSpace reports whether s starts or ends with white space, which
// an XML reader would otherwise be free to drop.
func preserveSpace(s string) bool {
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
	return s != "" && (isSpace(s[0]) || isSpace(s[len(s)-1]))
}

// appendCellText appends s as the text of an inline string: escaped as
// encoding/xml escapes character data (newlines kept as they are, as
// excelize keeps them), characters XML 1.0 cannot hold as U+FFFD, and every
// "_" that starts an _xHHHH_ sequence, which Excel reads as an escaped
// character, escaped itself as _x005F_.
func appendCellText(dst []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		var esc string
		size := 1
		switch {
		case c >= utf8.RuneSelf:
			r, n := utf8.DecodeRuneInString(s[i:])
			size = n
			if r == utf8.RuneError && n == 1 || r == 0xFFFE || r == 0xFFFF {
				esc = "\uFFFD"
			}
		case c == '&':
			esc = "&amp;"
		case c == '<':
			esc = "&lt;"
		case c == '>':
			esc = "&gt;"
		case c == '"':
			esc = "&#34;"
		case c == '\'':
			esc = "&#39;"
		case c == '\t':
			esc = "&#x9;"
		case c == '\r':
			esc = "&#xD;"
		case c == '\n':
		case c < 0x20:
			esc = "\uFFFD"
		case c == '_' && escapedCharAt(s, i):
			esc = "_x005F_"
		}
		if esc != "" {
			dst = append(append(dst, s[last:i]...), esc...)
			last = i + size
		}
		i += size
	}
	return append(dst, s[last:]...)
}

// escapedCharAt reports whether s[i:] starts with _xHHHH_.
func escapedCharAt(s string, i int) bool {
	if i+7 > len(s) || s[i+1] != 'x' || s[i+6] != '_' {
		return false
	}
	for _, c := range []byte(s[i+2 : i+6]) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// splicingZip is the zip writer excelize writes the workbook with: it adds
// each sheet's spooled rows to the sheet's part.
type splicingZip struct {
	excelize.ZipWriter
	spools map[string]*rowSpool
	open   *splicer // the sheet part being written, if any
}

func (z *splicingZip) Create(name string) (io.Writer, error) {
	if err := z.finish(); err != nil {
		return nil, err
	}
	w, err := z.ZipWriter.Create(name)
	if err != nil {
		return nil, err
	}
	if s, ok := z.spools[name]; ok {
		z.open = &splicer{w: w, spool: s}
		return z.open, nil
	}
	return w, nil
}

func (z *splicingZip) Close() error {
	if err := z.finish(); err != nil {
		return err
	}
	for _, s := range z.spools {
		if !s.used {
			return fmt.Errorf("sheet %q: its rows were not written (no part %s)", s.sheet, s.part)
		}
	}
	return z.ZipWriter.Close()
}

// finish checks that the sheet part written last got its rows.
func (z *splicingZip) finish() error {
	if z.open == nil {
		return nil
	}
	s := z.open
	z.open = nil
	if !s.spool.used {
		return fmt.Errorf("sheet %q: no </sheetData> in %s to put its rows before", s.spool.sheet, s.spool.part)
	}
	return nil
}

// sheetDataEnd is where a sheet's rows go.
var sheetDataEnd = []byte("</sheetData>")

// splicer passes a sheet part through, holding it back until </sheetData>,
// where it writes the spooled rows first. What comes before is small: the
// sheet's properties, columns and header row.
type splicer struct {
	w     io.Writer
	spool *rowSpool
	held  []byte
}

func (s *splicer) Write(p []byte) (int, error) {
	if s.spool.used {
		return s.w.Write(p)
	}
	s.held = append(s.held, p...)
	at := bytes.Index(s.held, sheetDataEnd)
	if at < 0 {
		return len(p), nil
	}
	if _, err := s.w.Write(s.held[:at]); err != nil {
		return 0, err
	}
	if _, err := s.spool.file.Seek(0, io.SeekStart); err != nil {
		return 0, err
	}
	if _, err := io.Copy(s.w, s.spool.file); err != nil {
		return 0, err
	}
	s.spool.used = true
	if _, err := s.w.Write(s.held[at:]); err != nil {
		return 0, err
	}
	s.held = nil
	return len(p), nil
}

// spoolDir is where a book's row spools go: beside the workbook, on the
// same disk as the output.
func spoolDir(path string) string { return filepath.Dir(path) }

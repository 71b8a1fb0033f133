package sink

import (
	"archive/zip"
	"bufio"
	"bytes"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/klauspost/compress/flate"
	"github.com/xuri/excelize/v2"
)

// An xlsxBook's data rows do not go through excelize's stream writer, which
// spends about 30 µs and 190 allocations on a clean.xlsx row. Each sheet's
// rows are rendered here and deflated into a temporary file beside the
// workbook, then spliced into the sheet's part, just before </sheetData>,
// as excelize zips the workbook: deflate streams ended by a sync flush can
// follow one another, so the part is the deflated XML before the rows, the
// rows as spooled, and the deflated rest. excelize still writes everything
// else: styles, the header row, panes, comments and data validations. The
// <cols> element (column widths and styles) is rendered here too, and
// spliced in before <sheetData>.

// rowSpool holds the deflated rows of one sheet.
type rowSpool struct {
	file  *os.File
	buf   *bufio.Writer
	zw    *flate.Writer
	crc   uint32 // CRC-32 of the rows' XML
	size  int64  // length of the rows' XML
	part  string // the sheet's part in the package: xl/worksheets/sheetN.xml
	used  bool   // spliced into the workbook
	sheet string
	cols  []byte // the sheet's <cols> element, or nothing
}

// newRowSpool creates the spool of the sheet excelize streams with sw. New
// sheets are stored as sheet<SheetID>.xml.
func newRowSpool(dir string, sw *excelize.StreamWriter) (*rowSpool, error) {
	f, err := os.CreateTemp(dir, ".crmclean-rows-*") // 0600
	if err != nil {
		return nil, err
	}
	return newSpool(f, sw.Sheet, "xl/worksheets/sheet"+strconv.Itoa(sw.SheetID)+".xml"), nil
}

// newSpool makes a spool of the rows of sheet, stored as part, in f.
func newSpool(f *os.File, sheet, part string) *rowSpool {
	buf := bufio.NewWriterSize(f, 1<<16)
	zw, _ := flate.NewWriter(buf, zipLevel) // a valid level: no error
	return &rowSpool{file: f, buf: buf, zw: zw, sheet: sheet, part: part}
}

// write adds rendered rows.
func (s *rowSpool) write(p []byte) error {
	s.crc = crc32.Update(s.crc, crc32.IEEETable, p)
	s.size += int64(len(p))
	_, err := s.zw.Write(p)
	return err
}

// flush ends the rows' deflate stream with a sync flush, not a final
// block, so that the rest of the part can follow it, and writes it out.
func (s *rowSpool) flush() error {
	if err := s.zw.Flush(); err != nil {
		return err
	}
	return s.buf.Flush()
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
	var digits [20]byte
	num := strconv.AppendInt(digits[:0], int64(n), 10) // once a row, not once a cell
	dst = append(dst, `<row r="`...)
	dst = append(dst, num...)
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
		dst = append(dst, num...)
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
		if c.number && isNumber(c.text) {
			dst = append(dst, `><v>`...)
			dst = append(dst, c.text...)
			dst = append(dst, `</v></c>`...)
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

// isNumber reports whether s can stand as a cell's numeric value as it is.
func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil && !strings.ContainsAny(s, "xXpP_infINFaA")
}

// appendCols appends the <cols> element giving every column its width and,
// where it has one, its style (so that cells a person types in later get it
// too: phones stay text). Nothing for no columns.
func appendCols(dst []byte, widths []float64, styles []int) []byte {
	if len(widths) == 0 {
		return dst
	}
	dst = append(dst, `<cols>`...)
	for i, w := range widths {
		dst = append(dst, `<col min="`...)
		dst = strconv.AppendInt(dst, int64(i+1), 10)
		dst = append(dst, `" max="`...)
		dst = strconv.AppendInt(dst, int64(i+1), 10)
		dst = append(dst, `" width="`...)
		dst = strconv.AppendFloat(dst, w, 'f', -1, 64)
		dst = append(dst, `" customWidth="1"`...)
		if i < len(styles) && styles[i] != 0 {
			dst = append(dst, ` style="`...)
			dst = strconv.AppendInt(dst, int64(styles[i]), 10)
			dst = append(dst, '"')
		}
		dst = append(dst, `/>`...)
	}
	return append(dst, `</cols>`...)
}

// appendColumnName appends the letters of column col (1-based): A, Z, AA.
func appendColumnName(dst []byte, col int) []byte {
	if col <= 26 { // nearly every cell
		return append(dst, byte('A'+col-1))
	}
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
//
// Valid UTF-8 (every cell but a broken source's) is scanned byte by byte
// against a table instead of rune by rune: the bytes of a multi-byte
// character never look like ASCII, and the only ones to replace, U+FFFE
// and U+FFFF, start with 0xEF. At a million customers this is a third of
// rendering the workbooks' rows; FuzzAppendCellTextFast holds it equal to
// appendCellTextRunes, which handles invalid UTF-8.
func appendCellText(dst []byte, s string) []byte {
	if !utf8.ValidString(s) {
		return appendCellTextRunes(dst, s)
	}
	last := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if cellTextMarked[c] == 0 {
			continue
		}
		var esc string
		size := 1
		switch c {
		case 0xEF: // U+FFFE and U+FFFF are EF BF BE and EF BF BF
			if i+2 >= len(s) || s[i+1] != 0xBF || s[i+2] != 0xBE && s[i+2] != 0xBF {
				continue
			}
			esc, size = "\uFFFD", 3
		case '_':
			if !escapedCharAt(s, i) {
				continue
			}
			esc = "_x005F_"
		default:
			esc = cellTextEscapes[c]
		}
		dst = append(append(dst, s[last:i]...), esc...)
		last = i + size
		i += size - 1
	}
	return append(dst, s[last:]...)
}

// cellTextEscapes are the replacements of the ASCII bytes appendCellText
// escapes; cellTextMarked marks them, "_" and 0xEF, the bytes it looks at.
var (
	cellTextEscapes [utf8.RuneSelf]string
	cellTextMarked  [256]uint8
)

func init() {
	for c := range byte(0x20) {
		if c != '\n' {
			cellTextEscapes[c] = "\uFFFD"
		}
	}
	cellTextEscapes['&'], cellTextEscapes['<'], cellTextEscapes['>'] = "&amp;", "&lt;", "&gt;"
	cellTextEscapes['"'], cellTextEscapes['\''] = "&#34;", "&#39;"
	cellTextEscapes['\t'], cellTextEscapes['\r'] = "&#x9;", "&#xD;"
	for c, esc := range cellTextEscapes {
		if esc != "" {
			cellTextMarked[c] = 1
		}
	}
	cellTextMarked['_'], cellTextMarked[0xEF] = 1, 1
}

// appendCellTextRunes is appendCellText rune by rune, for any bytes:
// invalid UTF-8 becomes U+FFFD.
func appendCellTextRunes(dst []byte, s string) []byte {
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
		case escapedCharAt(s, i):
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
	if i+7 > len(s) || s[i] != '_' || s[i+1] != 'x' || s[i+6] != '_' {
		return false
	}
	for _, c := range []byte(s[i+2 : i+6]) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// zipLevel is the deflate level of the workbooks: the fastest. Sheet XML
// is repetitive enough that it still shrinks about tenfold, at a third of
// the default level's time. The deflater is klauspost/compress's, a
// drop-in for compress/flate that is 1.4-1.7 times as fast at this level
// (BenchmarkWriteCleanXLSX, BenchmarkWriteContactsXLSX); the tests read
// every book back with excelize.
const zipLevel = flate.BestSpeed

// splicingZip is the zip writer excelize writes the workbook with: it puts
// each sheet's spooled rows into the sheet's part.
//
// excelize writes the sheet parts of a book in map order; they are held
// (without their rows, so they are small) and written in sheet order before
// the next other part, so that the same rows always give the same bytes.
type splicingZip struct {
	*zip.Writer
	spools map[string]*rowSpool
	order  map[string]int // a sheet part's place among the spools
	held   []*heldPart    // sheet parts written by excelize, not yet zipped
}

// heldPart is a sheet part as excelize writes it, without the rows: the
// sheet's properties, columns and header row, and what follows the rows.
type heldPart struct {
	name  string
	spool *rowSpool
	bytes.Buffer
}

func newSplicingZip(out io.Writer, spools []*rowSpool) *splicingZip {
	zw := zip.NewWriter(out)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, zipLevel)
	})
	z := &splicingZip{Writer: zw, spools: map[string]*rowSpool{}, order: map[string]int{}}
	for i, s := range spools {
		z.spools[s.part] = s
		z.order[s.part] = i
	}
	return z
}

func (z *splicingZip) Create(name string) (io.Writer, error) {
	if s, ok := z.spools[name]; ok {
		p := &heldPart{name: name, spool: s}
		z.held = append(z.held, p)
		return p, nil
	}
	if err := z.finishHeld(); err != nil {
		return nil, err
	}
	return z.Writer.Create(name)
}

func (z *splicingZip) Close() error {
	if err := z.finishHeld(); err != nil {
		return err
	}
	for _, s := range z.spools {
		if !s.used {
			return fmt.Errorf("sheet %q: its rows were not written (no part %s)", s.sheet, s.part)
		}
	}
	return z.Writer.Close()
}

// finishHeld writes the held sheet parts in sheet order.
func (z *splicingZip) finishHeld() error {
	held := z.held
	z.held = nil
	slices.SortFunc(held, func(a, b *heldPart) int { return z.order[a.name] - z.order[b.name] })
	for _, p := range held {
		if err := z.finish(p); err != nil {
			return err
		}
	}
	return nil
}

// finish writes a held sheet part: the deflated XML before </sheetData>,
// the spooled rows, and the deflated rest, under the CRC and lengths of the
// whole.
func (z *splicingZip) finish(p *heldPart) error {
	xml := p.Bytes()
	if len(p.spool.cols) > 0 {
		at := bytes.Index(xml, sheetDataStart)
		if at < 0 || bytes.Contains(xml[:at], []byte("<cols>")) {
			return fmt.Errorf("sheet %q: no <sheetData> in %s to put the columns before, or columns there already", p.spool.sheet, p.name)
		}
		xml = slices.Concat(xml[:at], p.spool.cols, xml[at:])
	}
	at := bytes.Index(xml, sheetDataEnd)
	if at < 0 {
		return fmt.Errorf("sheet %q: no </sheetData> in %s to put its rows before", p.spool.sheet, p.name)
	}
	head, err := deflated(xml[:at], false)
	if err != nil {
		return err
	}
	tail, err := deflated(xml[at:], true)
	if err != nil {
		return err
	}
	rows, err := p.spool.file.Seek(0, io.SeekEnd)
	if err != nil {
		return err
	}
	crc := crc32.ChecksumIEEE(xml[:at])
	crc = crc32Combine(crc, p.spool.crc, p.spool.size)
	crc = crc32Combine(crc, crc32.ChecksumIEEE(xml[at:]), int64(len(xml)-at))
	w, err := z.Writer.CreateRaw(&zip.FileHeader{Name: p.name, Method: zip.Deflate, CRC32: crc,
		CompressedSize64: uint64(int64(len(head)) + rows + int64(len(tail))), UncompressedSize64: uint64(int64(len(xml)) + p.spool.size)})
	if err != nil {
		return err
	}
	if _, err := w.Write(head); err != nil {
		return err
	}
	if _, err := p.spool.file.Seek(0, io.SeekStart); err != nil {
		return err
	}
	if _, err := io.Copy(w, p.spool.file); err != nil {
		return err
	}
	if _, err := w.Write(tail); err != nil {
		return err
	}
	p.spool.used = true
	return nil
}

// sheetDataEnd is where a sheet's rows go, sheetDataStart where its
// columns go before.
var (
	sheetDataEnd   = []byte("</sheetData>")
	sheetDataStart = []byte("<sheetData")
)

// deflated compresses b at zipLevel, ended by a final block when last and
// by a sync flush otherwise.
func deflated(b []byte, last bool) ([]byte, error) {
	var out bytes.Buffer
	zw, _ := flate.NewWriter(&out, zipLevel)
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	end := zw.Flush
	if last {
		end = zw.Close
	}
	if err := end(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// crc32Combine returns the CRC-32 (IEEE) of a+b from crcA, the CRC of a,
// and crcB and lenB, those of b: zlib's crc32_combine, which multiplies
// crcA by x^(8·lenB) in GF(2) with repeated squaring of the operator that
// appends one zero bit.
func crc32Combine(crcA, crcB uint32, lenB int64) uint32 {
	if lenB <= 0 {
		return crcA
	}
	var even, odd [32]uint32 // operators for 2^k and 2^(k+1) zero bits
	odd[0] = 0xEDB88320      // the reflected polynomial: one zero bit
	row := uint32(1)
	for i := 1; i < 32; i++ {
		odd[i] = row
		row <<= 1
	}
	gf2Square(&even, &odd) // two zero bits
	gf2Square(&odd, &even) // four
	for {
		gf2Square(&even, &odd) // the first pass: one zero byte
		if lenB&1 != 0 {
			crcA = gf2Times(&even, crcA)
		}
		if lenB >>= 1; lenB == 0 {
			break
		}
		gf2Square(&odd, &even)
		if lenB&1 != 0 {
			crcA = gf2Times(&odd, crcA)
		}
		if lenB >>= 1; lenB == 0 {
			break
		}
	}
	return crcA ^ crcB
}

func gf2Times(mat *[32]uint32, vec uint32) uint32 {
	var sum uint32
	for i := 0; vec != 0; i, vec = i+1, vec>>1 {
		if vec&1 != 0 {
			sum ^= mat[i]
		}
	}
	return sum
}

func gf2Square(square, mat *[32]uint32) {
	for i := range 32 {
		square[i] = gf2Times(mat, mat[i])
	}
}

package source

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strconv"

	"github.com/crmclean/crmclean/pipeline/msg"
	"github.com/crmclean/crmclean/pipeline/record"
)

// Excel's grid limits.
const (
	maxRows = 1 << 20
	maxCols = 1 << 14
)

// sheetRows returns the iterator over a worksheet part's rows. Each range
// reads the part twice: a quick pass collects the merged ranges (stored after
// the cells), then the rows are streamed one <row> element at a time. A part
// damaged somewhere (a broken deflate stream, a bad checksum) loses its
// merged ranges, which come after the damage, but not the rows before it:
// the stream stops at the first row it cannot read, with a *PositionError
// naming that row.
func (wb *workbook) sheetRows(sheet string, zf *zip.File) iter.Seq2[Row, error] {
	return func(yield func(Row, error) bool) {
		merges, err := wb.scanMerges(zf)
		if err != nil && !errors.Is(err, ErrCorrupt) {
			yield(Row{}, wb.positionError(sheet, 0, -1, err))
			return
		}
		rc, err := wb.openPart(zf)
		if err != nil {
			yield(Row{}, wb.positionError(sheet, 0, -1, err))
			return
		}
		defer rc.Close()
		s := &sheetStream{
			wb:     wb,
			sheet:  sheet,
			w:      newXMLWindow(rc, wb.lim.element),
			merges: merges,
			yield:  yield,
		}
		err = s.run()
		if err == nil && s.w.err != nil {
			// Every row was read, then the part's checksum failed.
			err = s.errorAt(0, -1, fmt.Errorf("%w: %w: every row was read, but some cells may hold damaged values (check them in Excel)", ErrCorrupt, s.w.err))
		}
		if err != nil && !errors.Is(err, errStopped) {
			var pe *PositionError
			if errors.As(err, &pe) && pe.Row > 0 {
				if err := s.blanksBefore(pe.Row); err != nil {
					return // blank rows above the row not read are in the sheet
				}
			}
			yield(Row{}, err)
		}
	}
}

func (wb *workbook) positionError(sheet string, row, col int, err error) error {
	return &PositionError{Path: wb.path, Sheet: sheet, Row: row, Col: col, Err: err}
}

// errStopped ends a sheet stream when the consumer stops ranging.
var errStopped = errors.New("stopped")

// mergeRange is one merged area, 0-based inclusive columns, 1-based rows.
type mergeRange struct {
	r1, r2, c1, c2 int
	value          Cell
}

// scanMerges collects the <mergeCell ref="A1:B2"/> ranges of a sheet part,
// sorted by first row. It skips the cell data with a plain byte search.
func (wb *workbook) scanMerges(zf *zip.File) ([]*mergeRange, error) {
	rc, err := wb.openPart(zf)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	w := newXMLWindow(rc, wb.lim.element)
	var out []*mergeRange
	pat := []byte("mergeCell")
	const keep = 64 // room for "<prefix:" before the name
	for {
		i := w.skipTo(pat, keep)
		if i < 0 {
			break
		}
		// Accept <mergeCell or <prefix:mergeCell, not <mergeCells.
		j := i - 1
		for j >= 0 && isNameByte(w.data()[j]) {
			j--
		}
		if j >= 0 && w.data()[j] == ':' {
			for j--; j >= 0 && isNameByte(w.data()[j]); j-- {
			}
		}
		if j < 0 || w.data()[j] != '<' || !w.ensure(i+len(pat)+1) || !isSpace(w.data()[i+len(pat)]) {
			w.advance(i + len(pat))
			continue
		}
		e := w.tagEnd(j)
		if e < 0 {
			break
		}
		if ref, ok := attr(w.data()[j:e], "ref"); ok {
			if m, ok := parseRange(ref); ok {
				out = append(out, m)
			}
		}
		w.advance(e)
	}
	if w.err != nil {
		return nil, w.failure("the merged cells")
	}
	slices.SortStableFunc(out, func(a, b *mergeRange) int { return a.r1 - b.r1 })
	return out, nil
}

func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.'
}

// parseRange parses "A1:C3". A single cell is not a merge.
func parseRange(ref []byte) (*mergeRange, bool) {
	i := bytes.IndexByte(ref, ':')
	if i < 0 {
		return nil, false
	}
	c1, r1, ok1 := parseCellRef(ref[:i])
	c2, r2, ok2 := parseCellRef(ref[i+1:])
	if !ok1 || !ok2 || r1 == 0 || r2 == 0 {
		return nil, false
	}
	if r2 < r1 {
		r1, r2 = r2, r1
	}
	if c2 < c1 {
		c1, c2 = c2, c1
	}
	if r1 == r2 && c1 == c2 {
		return nil, false
	}
	return &mergeRange{r1: r1, r2: r2, c1: c1, c2: c2}, true
}

// parseCellRef parses "B12" into column 1, row 12. "$" anchors are ignored;
// row is 0 when the reference has no digits.
func parseCellRef(ref []byte) (col, row int, ok bool) {
	i := 0
	col = -1
	if i < len(ref) && ref[i] == '$' {
		i++
	}
	n := 0
	for ; i < len(ref); i++ {
		c := ref[i] | 0x20
		if c < 'a' || c > 'z' {
			break
		}
		n = n*26 + int(c-'a'+1)
		if n > maxCols {
			return 0, 0, false
		}
	}
	if n == 0 {
		return 0, 0, false
	}
	col = n - 1
	if i < len(ref) && ref[i] == '$' {
		i++
	}
	for ; i < len(ref); i++ {
		c := ref[i]
		if c < '0' || c > '9' {
			return 0, 0, false
		}
		row = row*10 + int(c-'0')
		if row > maxRows {
			return 0, 0, false
		}
	}
	return col, row, true
}

// sheetStream turns <row> elements into Rows.
type sheetStream struct {
	wb     *workbook
	sheet  string
	w      *xmlWindow
	yield  func(Row, error) bool
	merges []*mergeRange // sorted by r1; merges[next:] not yet started
	next   int
	active []*mergeRange

	last    int // last row number seen in the XML
	emitted int // last row number yielded
	inline  []byte
	issues  []record.Issue // of the row being read
	dimEnd  int            // last row of the sheet's <dimension>, 0 if none
}

func (s *sheetStream) run() error {
	// Find <sheetData>.
	for {
		el, _, stop, ok := s.w.nextElement()
		if !ok {
			if s.w.err != nil {
				return s.errorAt(0, -1, s.w.failure("the sheet"))
			}
			return nil // no cell data at all
		}
		s.w.advance(stop)
		if !el.end && string(el.local) == "dimension" {
			if ref, ok := attr(el.tag, "ref"); ok {
				_, s.dimEnd, _ = parseCellRef(ref[bytes.IndexByte(ref, ':')+1:])
			}
		}
		if !el.end && string(el.local) == "sheetData" {
			if el.self {
				return nil
			}
			break
		}
	}
	var rowClose []byte
	for {
		el, start, stop, ok := s.w.nextElement()
		if !ok {
			return s.errorAt(s.last+1, -1, s.w.failure("<sheetData>"))
		}
		switch {
		case el.end && string(el.local) == "sheetData":
			return nil
		case el.end || string(el.local) != "row":
			s.w.advance(stop)
		case el.self:
			if err := s.row(el.tag, nil); err != nil {
				return err
			}
			s.w.advance(stop)
		default:
			if rowClose == nil || !bytes.Equal(rowClose[2:len(rowClose)-1], el.qname()) {
				rowClose = el.closeTag()
			}
			j := s.w.index(stop, rowClose)
			if j < 0 {
				return s.errorAt(s.last+1, -1, s.w.failure("a <row>"))
			}
			d := s.w.data()
			if err := s.row(d[start:stop], d[stop:j]); err != nil {
				return err
			}
			s.w.advance(j + len(rowClose))
		}
	}
}

func (s *sheetStream) errorAt(row, col int, err error) error {
	return &PositionError{Path: s.wb.path, Sheet: s.sheet, Row: row, Col: col, Err: err, LastRow: max(s.dimEnd, s.last)}
}

// row handles one <row> element: its start tag and its content.
func (s *sheetStream) row(tag, body []byte) error {
	num := s.last + 1
	if r, ok := attr(tag, "r"); ok {
		n, err := strconv.Atoi(string(r))
		if err != nil || n < 1 || n > maxRows {
			return s.errorAt(s.last+1, -1, fmt.Errorf("%w: bad row number %q", ErrCorrupt, r))
		}
		num = n
	}
	if num <= s.last {
		return s.errorAt(s.last+1, -1, fmt.Errorf("%w: row %d comes after row %d", ErrCorrupt, num, s.last))
	}
	s.issues = nil
	cells, err := s.cells(num, body)
	if err != nil {
		return err
	}
	// Rows missing from the XML are blank (or covered by a merge).
	for n := s.last + 1; n < num; n++ {
		if s.next == len(s.merges) && len(s.active) == 0 {
			break // no merge covers them: blank, held back by emit
		}
		if err := s.emit(n, nil, nil); err != nil {
			return err
		}
	}
	s.last = num
	return s.emit(num, cells, s.issues)
}

// emit applies merges to a row and yields it, holding back blank rows until
// a non-blank one follows: the run of blank rows before it is yielded as one
// Row, and trailing blank rows are never yielded (Excel's used range ends at
// the last row with a value). A row of cells all blank is a blank row.
func (s *sheetStream) emit(num int, cells []Cell, issues []record.Issue) error {
	if len(s.merges) > 0 {
		cells = s.applyMerges(num, cells)
	}
	for len(cells) > 0 && cells[len(cells)-1].Text == "" {
		cells = cells[:len(cells)-1]
	}
	row := Row{Num: num, Cells: cells, Issues: issues}
	if row.Blank() && len(issues) == 0 {
		return nil // yielded later if a non-blank row follows
	}
	if err := s.blanksBefore(num); err != nil {
		return err
	}
	s.emitted = num
	if !s.yield(row, nil) {
		return errStopped
	}
	return nil
}

// blanksBefore yields the blank rows held back before row num, as one Row.
func (s *sheetStream) blanksBefore(num int) error {
	if first := s.emitted + 1; first < num {
		r := Row{Num: first}
		if num-1 > first {
			r.End = num - 1
		}
		s.emitted = num - 1
		if !s.yield(r, nil) {
			return errStopped
		}
	}
	return nil
}

// applyMerges fills the cells of row num covered by merged ranges with the
// value of each range's top-left cell.
func (s *sheetStream) applyMerges(num int, cells []Cell) []Cell {
	for s.next < len(s.merges) && s.merges[s.next].r1 <= num {
		m := s.merges[s.next]
		s.next++
		if m.r2 < num {
			continue // the range's first rows were never in the file
		}
		if m.r1 == num && m.c1 < len(cells) {
			m.value = cells[m.c1]
		}
		s.active = append(s.active, m)
	}
	kept := s.active[:0]
	for _, m := range s.active {
		if m.r2 < num {
			continue
		}
		kept = append(kept, m)
		if m.value.Text == "" {
			continue
		}
		if len(cells) <= m.c2 {
			cells = append(cells, make([]Cell, m.c2+1-len(cells))...)
		}
		for c := m.c1; c <= m.c2; c++ {
			if num == m.r1 && c == m.c1 {
				continue
			}
			v := m.value
			v.Merged = true
			cells[c] = v
		}
	}
	clear(s.active[len(kept):])
	s.active = kept
	return cells
}

// cells parses the <c> elements of a row.
func (s *sheetStream) cells(num int, b []byte) ([]Cell, error) {
	var (
		cells    []Cell
		col      = -1
		inCell   bool
		inInline bool
		phonetic int
		cellType []byte
		style    = -1
		value    []byte
		hasValue bool
	)
	finish := func() error {
		inCell = false
		if !hasValue {
			return nil
		}
		c, err := s.wb.cellValue(cellType, style, value, s.inline)
		if err != nil {
			// One cell the file has lost (a shared string that is not in
			// the table) loses neither its row nor the rows below.
			s.issues = append(s.issues, record.NewIssue(record.Issue{Col: col, Rule: RuleUnreadableCell, Severity: record.Warning},
				msg.New("cell.unreadable", err.Error())))
			return nil
		}
		if c.Text == "" {
			return nil
		}
		if len(c.Text) > s.wb.lim.cell {
			return s.errorAt(num, col, ErrCellTooLong)
		}
		if col >= len(cells) {
			if col < cap(cells) {
				cells = cells[:col+1]
			} else {
				grown := make([]Cell, col+1, max(col+1, 2*cap(cells), 8))
				copy(grown, cells)
				cells = grown
			}
		}
		cells[col] = c
		return nil
	}
	for i := 0; i < len(b); {
		el, _, stop := nextTag(b, i)
		if stop < 0 {
			break
		}
		i = stop
		switch string(el.local) {
		case "c":
			if el.end {
				if inCell {
					if err := finish(); err != nil {
						return nil, err
					}
				}
				continue
			}
			if inCell {
				if err := finish(); err != nil {
					return nil, err
				}
			}
			inCell, inInline, phonetic = true, false, 0
			cellType, style, value, hasValue = nil, -1, nil, false
			s.inline = s.inline[:0]
			col++
			var ref []byte
			eachAttr(el.tag, func(key, val []byte) bool {
				if len(key) == 1 {
					switch key[0] {
					case 'r':
						ref = val
					case 't':
						cellType = val
					case 's':
						style = atoiBytes(val)
					}
				}
				return true
			})
			if ref != nil {
				c, _, ok := parseCellRef(ref)
				if !ok {
					return nil, s.errorAt(num, col, fmt.Errorf("%w: bad cell reference %q", ErrCorrupt, ref))
				}
				col = c
			}
			if col >= maxCols {
				return nil, s.errorAt(num, -1, fmt.Errorf("%w: a cell beyond column XFD", ErrCorrupt))
			}
			if el.self {
				inCell = false
				continue
			}
			// Fast path for the usual <c …><v>text</v></c>.
			if v, n := plainValue(b[i:]); n > 0 {
				value, hasValue = v, true
				i += n
				if err := finish(); err != nil {
					return nil, err
				}
			}
		case "v":
			if inCell && !el.end && !el.self {
				end := bytes.IndexByte(b[i:], '<')
				if end < 0 {
					end = len(b) - i
				}
				if bytes.HasPrefix(b[i+end:], []byte("<![CDATA[")) || bytes.IndexByte(b[i:i+end], '&') >= 0 {
					var dec []byte
					dec, i = appendCharData(nil, b, i)
					value = dec
				} else {
					value = b[i : i+end]
					i += end
				}
				hasValue = true
			}
		case "is":
			if inCell {
				inInline = !el.end && !el.self
				hasValue = true
			}
		case "rPh":
			if el.end {
				phonetic--
			} else if !el.self {
				phonetic++
			}
		case "t":
			if inInline && !el.end && !el.self && phonetic <= 0 {
				s.inline, i = appendCharData(s.inline, b, i)
			}
		}
	}
	if inCell {
		if err := finish(); err != nil {
			return nil, err
		}
	}
	return cells, nil
}

// plainValue matches b against "<v>text</v></c>" with text free of entities
// and returns the text and the length matched, or n = 0.
func plainValue(b []byte) (v []byte, n int) {
	if len(b) < 11 || b[0] != '<' || b[1] != 'v' || b[2] != '>' {
		return nil, 0
	}
	j := bytes.IndexByte(b[3:], '<')
	if j < 0 {
		return nil, 0
	}
	end := 3 + j
	if !bytes.HasPrefix(b[end:], []byte("</v></c>")) || bytes.IndexByte(b[3:end], '&') >= 0 {
		return nil, 0
	}
	return b[3:end], end + len("</v></c>")
}

func atoiBytes(b []byte) int {
	n := 0
	if len(b) == 0 {
		return -1
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return -1
		}
		n = n*10 + int(c-'0')
		if n > 1<<30 {
			return -1
		}
	}
	return n
}

// cellValue turns a cell's type attribute, style and stored value into a
// Cell.
func (wb *workbook) cellValue(typ []byte, style int, v, inline []byte) (Cell, error) {
	if len(v) == 0 && len(inline) == 0 {
		return Cell{}, nil
	}
	switch string(typ) {
	case "s":
		i := atoiBytes(bytes.TrimSpace(v))
		if i < 0 || i >= len(wb.strings) {
			return Cell{}, fmt.Errorf("%w: shared string %q does not exist", ErrCorrupt, v)
		}
		return Cell{Text: wb.strings[i]}, nil
	case "inlineStr":
		if len(inline) == 0 && len(v) > 0 {
			inline = v
		}
		return Cell{Text: string(decodeOOXMLEscapes(inline))}, nil
	case "str":
		return Cell{Text: string(decodeOOXMLEscapes(v))}, nil
	case "b":
		switch string(bytes.TrimSpace(v)) {
		case "1", "true", "TRUE":
			return Cell{Text: "TRUE", Type: Bool}, nil
		case "0", "false", "FALSE":
			return Cell{Text: "FALSE", Type: Bool}, nil
		}
		return Cell{Text: string(v)}, nil
	case "e":
		return Cell{Text: string(bytes.TrimSpace(v)), Type: ErrorValue}, nil
	case "d":
		if d, ok := isoDate(string(v)); ok {
			return Cell{Text: d, Type: Date}, nil
		}
		return Cell{Text: string(v)}, nil
	}
	// A number ("n" or no type).
	if style >= 0 && style < len(wb.dateXF) && wb.dateXF[style] {
		if f, err := strconv.ParseFloat(string(bytes.TrimSpace(v)), 64); err == nil {
			if d, ok := serialDate(f, wb.date1904); ok {
				return Cell{Text: d, Type: Date}, nil
			}
		}
	}
	text, lossy, ok := formatNumber(v)
	if !ok {
		return Cell{Text: string(v)}, nil
	}
	return Cell{Text: text, Type: Number, Lossy: lossy}, nil
}

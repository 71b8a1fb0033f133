package sink

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/width"
)

// maxSheetRows is how many rows, header included, one sheet holds before the
// output continues on a new sheet (clean_2, clean_3 …) with the header
// repeated: Excel's limit. Tests lower it.
var maxSheetRows = excelize.TotalRows

// widthSample is how many rows are buffered to size the columns before the
// first row is streamed.
const widthSample = 500

// Column widths in Excel character units.
const (
	minColWidth = 6
	maxColWidth = 60
)

// xlsxCell is one cell to write: its text, an optional style and an
// optional comment (a note Excel shows on hover).
type xlsxCell struct {
	text    string
	style   int // 0 for the column's default style
	comment string
	number  bool // text is a number, written as one (a score Excel can sort and filter)
}

// xlsxOptions configures one workbook written by xlsxBook.
type xlsxOptions struct {
	ctx      context.Context // Write and Close fail once it is done
	path     string          // file to create
	sheet    string          // base sheet name; later sheets get _2, _3 …
	header   []string        // header row, repeated on every sheet
	textCols []string        // columns formatted as text ("@"): phones and ids
	// onSheet is called for every sheet after it is created and before its
	// rows are flushed, to add data validations or comments.
	onSheet func(f *excelize.File, sheet string) error
	// lead, when set, is a small sheet placed first in the book, before
	// the streamed ones (the patterns of review.xlsx).
	lead *leadSheet
}

// leadSheet is a small sheet written whole, first in a book: an optional
// note line, a bold header and its rows.
type leadSheet struct {
	name   string
	note   string // a line above the header; "" for none
	header []string
	rows   [][]xlsxCell
	// onSheet adds data validations; header is the header's row number.
	onSheet func(f *excelize.File, sheet string, header, last int) error
}

// xlsxBook streams rows into a workbook: a frozen, bold header row on every
// sheet, CJK-aware column widths, and every cell written as a typed inline
// string that Excel never evaluates as a formula. Past maxSheetRows it
// continues on a new sheet.
type xlsxBook struct {
	opt      xlsxOptions
	out      *os.File
	f        *excelize.File
	sw       *excelize.StreamWriter
	sheets   []string
	row      int // last row written on the current sheet
	pending  [][]xlsxCell
	widths   []float64
	bold     int
	colStyle []int // per column: the text style or 0
	started  bool
	spools   []*rowSpool // the data rows of each sheet; see xlsxrows.go
	line     []byte      // the row being rendered
	rows     int         // rows written, to look at the context (checkEvery)
	group    string      // name of the current group of sheets (Group), "" for opt.sheet
	inGroup  int         // sheets of the current group so far
}

// Group starts a new sheet named name for the rows written next (a sales
// rep's own rows); past maxSheetRows it continues on name_2 ….
func (b *xlsxBook) Group(name string) error {
	if !b.started {
		if err := b.start(); err != nil {
			return err
		}
	}
	b.group, b.inGroup = name, 0
	return b.nextSheet()
}

// createXLSX creates the file at opt.path, owner-readable only, and returns
// a book to stream rows into. The file is created first so that a file held
// open by Excel fails before any work is done.
func createXLSX(opt xlsxOptions) (*xlsxBook, error) {
	out, err := os.OpenFile(opt.path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, lockedHint("create", opt.path, err)
	}
	f := excelize.NewFile()
	b := &xlsxBook{opt: opt, out: out, f: f}
	fail := func(err error) (*xlsxBook, error) {
		f.Close()
		out.Close()
		return nil, fmt.Errorf("write %s: %w", opt.path, err)
	}
	if b.bold, err = f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Alignment: &excelize.Alignment{Vertical: "center"},
	}); err != nil {
		return fail(err)
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@": text
	if err != nil {
		return fail(err)
	}
	b.colStyle = make([]int, len(opt.header))
	for i, h := range opt.header {
		for _, t := range opt.textCols {
			if h == t {
				b.colStyle[i] = text
			}
		}
	}
	if opt.lead != nil {
		if err := b.writeLead(opt.lead); err != nil {
			return fail(err)
		}
	}
	return b, nil
}

// writeLead writes the lead sheet in place of the book's first sheet.
func (b *xlsxBook) writeLead(l *leadSheet) error {
	f := b.f
	if err := f.SetSheetName(f.GetSheetName(0), l.name); err != nil {
		return err
	}
	row := 1
	if l.note != "" {
		if err := f.SetCellStr(l.name, "A1", l.note); err != nil {
			return err
		}
		row++
	}
	header := row
	widths := make([]float64, len(l.header))
	for i, h := range l.header {
		widths[i] = displayWidth(h) + 2
		if err := f.SetCellStr(l.name, cellName(i+1, row), h); err != nil {
			return err
		}
	}
	if err := f.SetCellStyle(l.name, cellName(1, row), cellName(len(l.header), row), b.bold); err != nil {
		return err
	}
	for _, cells := range l.rows {
		row++
		for i, c := range cells {
			at := cellName(i+1, row)
			var err error
			if v, perr := strconv.ParseFloat(c.text, 64); c.number && perr == nil {
				err = f.SetCellFloat(l.name, at, v, -1, 64)
			} else {
				err = f.SetCellStr(l.name, at, c.text)
			}
			if err != nil {
				return err
			}
			if i < len(widths) {
				widths[i] = max(widths[i], displayWidth(c.text)+1)
			}
		}
	}
	for i, w := range widths {
		col, err := excelize.ColumnNumberToName(i + 1)
		if err != nil {
			return err
		}
		if err := f.SetColWidth(l.name, col, col, min(max(w, minColWidth), maxColWidth)); err != nil {
			return err
		}
	}
	if err := f.SetPanes(l.name, &excelize.Panes{Freeze: true, YSplit: header, TopLeftCell: cellName(1, header+1), ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if l.onSheet != nil {
		return l.onSheet(f, l.name, header, max(row, header+1))
	}
	return nil
}

// lockedHint wraps an error opening or renaming an output file with a hint
// for the usual cause on Windows: the file is open in Excel.
func lockedHint(op, path string, err error) error {
	return fmt.Errorf("%s %s: %w (if the file is open in Excel or another program, close it and run again)", op, path, err)
}

// newStyle registers a cell style in the book.
func (b *xlsxBook) newStyle(s *excelize.Style) (int, error) {
	id, err := b.f.NewStyle(s)
	if err != nil {
		return 0, fmt.Errorf("write %s: %w", b.opt.path, err)
	}
	return id, nil
}

// Write adds one row. The first rows are held back to size the columns.
func (b *xlsxBook) Write(cells []xlsxCell) error {
	if b.rows++; b.rows%checkEvery == 0 {
		if err := b.opt.ctx.Err(); err != nil {
			return fmt.Errorf("write %s: %w", b.opt.path, err)
		}
	}
	if !b.started {
		b.pending = append(b.pending, append([]xlsxCell(nil), cells...))
		if len(b.pending) < widthSample {
			return nil
		}
		return b.start()
	}
	return b.emit(cells)
}

// start sizes the columns from the header and the held-back rows and
// streams those rows.
func (b *xlsxBook) start() error {
	b.started = true
	b.widths = make([]float64, len(b.opt.header))
	for i, h := range b.opt.header {
		b.widths[i] = displayWidth(h) + 2
	}
	for _, row := range b.pending {
		for i, c := range row {
			if i < len(b.widths) {
				b.widths[i] = max(b.widths[i], displayWidth(c.text)+1)
			}
		}
	}
	for i := range b.widths {
		b.widths[i] = min(max(b.widths[i], minColWidth), maxColWidth)
	}
	pending := b.pending
	b.pending = nil
	for _, row := range pending {
		if err := b.emit(row); err != nil {
			return err
		}
	}
	return nil
}

// emit streams one row, opening a new sheet first when needed.
func (b *xlsxBook) emit(cells []xlsxCell) error {
	if b.sw == nil || b.row >= maxSheetRows {
		if err := b.nextSheet(); err != nil {
			return err
		}
	}
	b.row++
	sheet := b.sheets[len(b.sheets)-1]
	for i, c := range cells {
		if c.comment != "" {
			// The comment goes into the sheet's comments part, which
			// excelize links to the sheet.
			if err := b.f.AddComment(sheet, excelize.Comment{Cell: cellName(i+1, b.row), Author: "crmclean", Text: c.comment}); err != nil {
				return fmt.Errorf("write %s, sheet %q, row %d: %w", b.opt.path, sheet, b.row, err)
			}
		}
	}
	b.line = appendRow(b.line[:0], b.row, cells, b.colStyle)
	if err := b.spools[len(b.spools)-1].write(b.line); err != nil {
		return fmt.Errorf("write %s, sheet %q, row %d: %w", b.opt.path, sheet, b.row, err)
	}
	return nil
}

// nextSheet flushes the current sheet and starts the next one with the
// header row, frozen panes and column widths.
func (b *xlsxBook) nextSheet() error {
	if err := b.flushSheet(); err != nil {
		return err
	}
	name := cmp.Or(b.group, b.opt.sheet)
	if b.inGroup > 0 {
		name += "_" + strconv.Itoa(b.inGroup+1)
	}
	b.inGroup++
	fail := func(err error) error { return fmt.Errorf("write %s, sheet %q: %w", b.opt.path, name, err) }
	if len(b.sheets) == 0 && b.opt.lead == nil {
		if err := b.f.SetSheetName(b.f.GetSheetName(0), name); err != nil {
			return fail(err)
		}
	} else if _, err := b.f.NewSheet(name); err != nil {
		return fail(err)
	}
	b.sheets = append(b.sheets, name)
	sw, err := b.f.NewStreamWriter(name)
	if err != nil {
		return fail(err)
	}
	b.sw = sw
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
		return fail(err)
	}
	if b.opt.onSheet != nil {
		if err := b.opt.onSheet(b.f, name); err != nil {
			return fail(err)
		}
	}
	header := make([]any, len(b.opt.header))
	for i, h := range b.opt.header {
		header[i] = excelize.Cell{StyleID: b.bold, Value: h}
	}
	if err := sw.SetRow("A1", header, excelize.RowOpts{Height: 20}); err != nil {
		return fail(err)
	}
	spool, err := newRowSpool(filepath.Dir(b.opt.path), sw) // beside the book, on the same disk
	if err != nil {
		return fail(err)
	}
	// The column widths and styles are spliced in with the rows:
	// excelize's SetColWidth and SetColStyle compare each column with
	// every one set before (10,000 columns took over eight minutes).
	spool.cols = appendCols(nil, b.widths, b.colStyle)
	b.spools = append(b.spools, spool)
	b.row = 1
	return nil
}

func (b *xlsxBook) flushSheet() error {
	if b.sw == nil {
		return nil
	}
	if err := b.sw.Flush(); err != nil {
		return fmt.Errorf("write %s, sheet %q: %w", b.opt.path, b.sw.Sheet, err)
	}
	if err := b.spools[len(b.spools)-1].flush(); err != nil {
		return fmt.Errorf("write %s, sheet %q: %w", b.opt.path, b.sw.Sheet, err)
	}
	b.sw = nil
	return nil
}

// removeSpools deletes the sheets' row spools.
func (b *xlsxBook) removeSpools() {
	for _, s := range b.spools {
		s.remove()
	}
	b.spools = nil
}

// Close writes out the workbook and closes the file. An empty book still
// gets its header row.
func (b *xlsxBook) Close() error {
	defer b.f.Close()
	defer b.removeSpools()
	if err := b.opt.ctx.Err(); err != nil {
		b.out.Close()
		os.Remove(b.opt.path)
		return fmt.Errorf("write %s: %w", b.opt.path, err)
	}
	if !b.started {
		if err := b.start(); err != nil {
			b.out.Close()
			return err
		}
	}
	if b.sw == nil && len(b.sheets) == 0 {
		if err := b.nextSheet(); err != nil {
			b.out.Close()
			return err
		}
	}
	if err := b.flushSheet(); err != nil {
		b.out.Close()
		return err
	}
	// Zip straight into the file (excelize would otherwise build the whole
	// archive in memory first), adding the spooled rows.
	out := b.out
	b.f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return newSplicingZip(out, b.spools) })
	if err := b.f.Write(io.Discard); err != nil {
		out.Close()
		os.Remove(b.opt.path)
		return fmt.Errorf("write %s: %w", b.opt.path, err)
	}
	if err := out.Close(); err != nil {
		return lockedHint("close", b.opt.path, err)
	}
	return nil
}

// abort discards the book after an error; the partial file is removed.
func (b *xlsxBook) abort() {
	b.removeSpools()
	b.f.Close()
	b.out.Close()
	os.Remove(b.opt.path)
}

func cellName(col, row int) string {
	s, _ := excelize.CoordinatesToCellName(col, row)
	return s
}

// displayWidth estimates how many Excel character units s takes: wide
// (CJK) characters count two. Multi-line text counts its longest line.
func displayWidth(s string) float64 {
	best, cur := 0, 0
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		s = s[n:]
		switch {
		case r == '\n':
			best, cur = max(best, cur), 0
		case r < 0x80:
			cur++
		default:
			switch width.LookupRune(r).Kind() {
			case width.EastAsianWide, width.EastAsianFullwidth:
				cur += 2
			default:
				cur++
			}
		}
	}
	return float64(max(best, cur))
}

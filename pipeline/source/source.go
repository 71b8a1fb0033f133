// Package source reads customer sheets — .xlsx/.xlsm workbooks and
// .csv/.tsv/.txt text files — into rows of cell texts, exactly and with each
// row's position as a person sees it in Excel. It knows nothing of headers or
// customers: that is the mapping stage's job.
package source

import (
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"strings"

	"github.com/crmclean/crmclean/pipeline/record"
)

// CellType says what kind of value a cell held in the file.
type CellType uint8

const (
	Text   CellType = iota // a string (every CSV cell)
	Number                 // a numeric cell, written out exactly (never 1.38E+10)
	Date                   // a numeric cell with a date format, written as ISO 8601
	Bool
	ErrorValue // #N/A, #REF! …
)

// Cell is one cell of a row.
type Cell struct {
	Text string // exact text: numbers in plain digits, dates as YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS
	Type CellType
	// Merged is set when the value was copied from the top-left cell of a
	// merged range that covers this cell.
	Merged bool
	// Lossy is set when the file stored a long digit string (an 18-digit ID, a
	// bank account) as a floating-point number, so digits past the 15th were
	// already lost in the file: the value must not be trusted.
	Lossy bool
}

// Row is one row of a sheet. Cells are indexed by column (0 = A); trailing
// empty cells are trimmed.
type Row struct {
	Num int // 1-based row number as Excel shows it
	// End is set for a run of blank rows yielded as one: the run's last
	// row (> Num). Blank rows after a sheet's last non-blank one are not
	// part of it (Excel's used range) and are never yielded.
	End   int
	Cells []Cell
	// Ragged is set for a CSV record with a different number of fields than
	// the first record of more than one field (a one-cell title line above
	// the table does not count): Want is that count.
	Ragged bool
	Want   int
	// Issues are problems found in the row that did not stop reading: text
	// in the file's other encoding, bytes that are text in none, a cell
	// whose value the file has lost. Col is the cell's column, or -1 for
	// the whole row; Field and Header are left to the mapping.
	Issues []record.Issue
}

// Blank reports whether every cell of the row is empty or white space.
func (r Row) Blank() bool {
	for _, c := range r.Cells {
		if strings.TrimSpace(c.Text) != "" {
			return false
		}
	}
	return true
}

// Sheet is one readable sheet of a file (a CSV file has exactly one, named "").
type Sheet struct {
	Name string
	// Rows yields the sheet's rows in order, each run of blank rows as one
	// Row (see Row.End), and stops at the first error (a *PositionError).
	// It may be ranged over once.
	Rows iter.Seq2[Row, error]
}

// File is an opened source file.
type File struct {
	Path     string // as given to Open
	Format   string // "xlsx", "csv"
	Encoding string // CSV: "UTF-8", "UTF-8 BOM", "GB18030", "UTF-16LE", "UTF-16BE"
	Delim    rune   // CSV delimiter
	Sheets   []Sheet
	// Skipped names sheets not read, with the reason (hidden, chart sheet …).
	Skipped []SkippedSheet
	// Size is the file's size on disk, in bytes (see BytesRead).
	Size  int64
	read  *byteCount
	close func() error
}

// SkippedSheet is a sheet that was not read.
type SkippedSheet struct {
	Name   string
	Reason string
}

// Close releases the file.
func (f *File) Close() error {
	if f.close == nil {
		return nil
	}
	return f.close()
}

// Sentinel causes of file errors, for errors.Is.
var (
	ErrEncrypted   = errors.New("the workbook is password-protected")
	ErrCorrupt     = errors.New("the file is damaged or not what its name says")
	ErrEmpty       = errors.New("the file is empty")
	ErrUnsupported = errors.New("unsupported file type")
	ErrTooLarge    = errors.New("the file expands beyond the safety limit")
	ErrEncoding    = errors.New("the text encoding could not be recognised")
	ErrNotRegular  = errors.New("not a regular file")
	ErrCellTooLong = fmt.Errorf("a cell is longer than %d MB", MaxCell>>20)
	ErrRowTooLong  = fmt.Errorf("a row is longer than %d MB", MaxRecord>>20)
	ErrTooManyCols = fmt.Errorf("a row has more than %d columns", MaxColumns)
)

// Limits on what one cell and one row may hold: bytes of UTF-8 text (of
// the file's own encoding, for a CSV file), and columns, as many as Excel
// has. A file may hold any number of rows: exports of ten million are
// normal. A cell or a row beyond a limit stops the reading of its sheet
// with a *PositionError wrapping ErrCellTooLong, ErrRowTooLong or
// ErrTooManyCols; the rows before it are kept. (Excel itself holds at most
// 32,767 characters in a cell.)
const (
	MaxCell    = 1 << 20
	MaxRecord  = 100 << 20
	MaxColumns = maxCols
)

// FileError is a problem with a whole file: it cannot be read at all.
type FileError struct {
	Path string
	Err  error  // wraps a sentinel above, or an I/O error
	Hint string // what the user can do
}

func (e *FileError) Error() string {
	msg := fmt.Sprintf("%s: %v", e.Path, e.Err)
	if e.Hint != "" {
		msg += " — " + e.Hint
	}
	return msg
}

func (e *FileError) Unwrap() error { return e.Err }

// PositionError is a problem at a place inside a file. Yielded by
// Sheet.Rows, it ends the rows: Row is then the first row not read (0 when
// every row was read, as when a workbook's checksum fails at its end), and
// LastRow the sheet's last row as the file declares it (a workbook's
// <dimension>; 0 when unknown), so the rows not read can be accounted for.
type PositionError struct {
	Path    string
	Sheet   string
	Row     int // 0 when unknown
	Col     int // 0-based; -1 when unknown
	Err     error
	LastRow int
}

func (e *PositionError) Error() string {
	var b strings.Builder
	b.WriteString(e.Path)
	if e.Sheet != "" {
		fmt.Fprintf(&b, ", sheet %q", e.Sheet)
	}
	if e.Row > 0 {
		fmt.Fprintf(&b, ", row %d", e.Row)
	}
	if e.Col >= 0 {
		fmt.Fprintf(&b, ", column %s", record.ColumnName(e.Col))
	}
	fmt.Fprintf(&b, ": %v", e.Err)
	return b.String()
}

func (e *PositionError) Unwrap() error { return e.Err }

// OutputMarker is the file crmclean leaves in the output folders it writes
// (sink.Marker): a folder holding it is crmclean's output, never input.
const OutputMarker = ".crmclean-output"

// Supported reports whether Open reads files with path's extension.
func Supported(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".xlsx", ".xlsm", ".csv", ".tsv", ".txt", ".xls":
		return true
	}
	return false
}

// Open opens a source file by its extension. Errors are *FileError. Only
// regular files are read (a symbolic link is followed): a FIFO would block
// the run for ever and a device such as /dev/zero never ends.
func Open(path string) (*File, error) {
	if err := CheckRegular(path); err != nil {
		return nil, err
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".xlsx", ".xlsm":
		return openXLSX(path)
	case ".csv", ".tsv", ".txt":
		return openCSV(path)
	case ".xls":
		return openXLS(path)
	}
	return nil, &FileError{Path: path, Err: ErrUnsupported, Hint: "crmclean reads .xlsx, .xlsm, .csv, .tsv and .txt files"}
}

// CheckRegular returns a *FileError unless path names a regular file, after
// following symbolic links. It never opens the file, so a FIFO cannot block.
func CheckRegular(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // FileError names the path already
		}
		return &FileError{Path: path, Err: fmt.Errorf("open: %w", err), Hint: "check that the file exists and that you may read it"}
	}
	if !st.Mode().IsRegular() {
		what := "a special file"
		switch {
		case st.IsDir():
			what = "a folder"
		case st.Mode()&fs.ModeNamedPipe != 0:
			what = "a named pipe (FIFO)"
		case st.Mode()&fs.ModeDevice != 0:
			what = "a device"
		case st.Mode()&fs.ModeSocket != 0:
			what = "a socket"
		}
		return &FileError{Path: path, Err: fmt.Errorf("%w: it is %s", ErrNotRegular, what), Hint: "give crmclean the exported file itself"}
	}
	return nil
}

package source

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// csvBuffer is the size of the record reader's buffer, and so of the sample
// the delimiter is sniffed from.
const csvBuffer = 64 << 10

// errRowsReread is returned when a CSV sheet's rows are ranged over twice.
var errRowsReread = errors.New("the rows of a CSV file can be read only once; open the file again")

// openCSV opens a .csv, .tsv or .txt file: it detects the text encoding and
// the delimiter, and returns a File with one sheet named "" whose rows are
// read as they are ranged over.
//
// Row.Num counts every record from the top of the file, blank lines and lines
// above the header included; a quoted field spanning several lines is one
// record. A blank line is a row without cells. A record with a different
// number of fields than the first non-blank one is kept with Ragged set —
// where that first record has more than one field: a title line above the
// table such as "导出时间：2024-05-01" sets no count, or every row below it
// would be ragged; and a one-column file has no ragged rows.
//
// Text that is not valid UTF-8 in a file detected as UTF-8 (a character cut
// in half by an old export) becomes U+FFFD in its cell.
//
// A quote that never closes (by the end of the file, or within a megabyte) is
// read as a plain character of its field, and the lines after it are read as
// records of their own: no text is lost, and row numbers stay as they were.
func openCSV(path string, read func(int64)) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // FileError names the path already
		}
		return nil, &FileError{Path: path, Err: fmt.Errorf("open: %w", err), Hint: "check that the file exists and that you may read it"}
	}
	var r io.Reader = f
	if read != nil {
		r = countingReader{f, read}
	}
	file, err := readCSV(r, path)
	if err != nil {
		f.Close()
		return nil, err
	}
	file.close = f.Close
	return file, nil
}

// readCSV reads CSV text from r as the file at path (whose extension picks
// the preferred delimiter: tab for .tsv, else comma).
func readCSV(r io.Reader, path string) (*File, error) {
	raw := bufio.NewReaderSize(r, encodingSample)
	sample, err := raw.Peek(encodingSample)
	atEOF := err == io.EOF
	if err != nil && !atEOF && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, &FileError{Path: path, Err: fmt.Errorf("read: %w", err), Hint: "check that the file is readable"}
	}
	if len(sample) == 0 {
		return nil, &FileError{Path: path, Err: ErrEmpty}
	}
	enc, ok := detectEncoding(sample, atEOF)
	if !ok {
		return nil, &FileError{
			Path: path,
			Err:  fmt.Errorf("%w: it is neither UTF-8, UTF-16 nor GBK/GB18030", ErrEncoding),
			Hint: encodingHint,
		}
	}
	if _, err := raw.Discard(enc.bom); err != nil {
		return nil, &FileError{Path: path, Err: fmt.Errorf("read: %w", err)}
	}

	recs := newCSVRecords(enc.reader(raw), ',', csvBuffer)
	recs.decoded = enc.decoder != nil
	text, all := recs.fillSample()
	if recs.err != nil {
		return nil, &FileError{Path: path, Err: fmt.Errorf("read: %w", recs.err), Hint: "check that the file is readable"}
	}
	if all && len(bytes.TrimSpace(text)) == 0 {
		return nil, &FileError{Path: path, Err: ErrEmpty}
	}
	var pref byte = ','
	if strings.EqualFold(filepath.Ext(path), ".tsv") {
		pref = '\t'
	}
	recs.delim = sniffDelimiter(text, all, pref)

	return &File{
		Path:     path,
		Format:   "csv",
		Encoding: enc.name,
		Delim:    rune(recs.delim),
		Sheets:   []Sheet{{Name: "", Rows: csvRows(recs, path)}},
	}, nil
}

// csvRows yields the records of recs as rows, numbered from 1.
func csvRows(recs *csvRecords, path string) func(yield func(Row, error) bool) {
	used := false
	return func(yield func(Row, error) bool) {
		if used {
			yield(Row{}, &PositionError{Path: path, Col: -1, Err: errRowsReread})
			return
		}
		used = true
		num, want := 0, 0
		var arena cellArena
		for recs.next() {
			num++
			row := Row{Num: num}
			if !recs.blank() {
				row.Cells = arena.cells(recs)
				if n := recs.fields(); !row.Blank() {
					switch {
					case want == 0 && n > 1:
						want = n
					case want != 0 && n != want:
						row.Ragged, row.Want = true, want
					}
				}
			}
			if !yield(row, nil) {
				return
			}
		}
		if recs.err != nil {
			yield(Row{}, &PositionError{Path: path, Row: num + 1, Col: -1, Err: fmt.Errorf("read: %w", recs.err)})
		}
	}
}

// cellArena hands out cells and their texts in blocks, so reading a row
// costs no allocation most of the time. A row kept by the caller keeps its
// block (some kilobytes) alive.
type cellArena struct {
	slab []Cell
	text strings.Builder // written only by appending, so its strings stay valid
}

const (
	arenaCells = 1024
	arenaText  = 32 << 10
)

// cells turns the last record into cells, trailing empty ones trimmed. Bytes
// that are not UTF-8 become U+FFFD.
func (a *cellArena) cells(recs *csvRecords) []Cell {
	n := recs.fields()
	for n > 0 && len(recs.field(n-1)) == 0 {
		n--
	}
	if n == 0 {
		return nil
	}
	if len(a.slab) < n {
		a.slab = make([]Cell, max(arenaCells, n))
	}
	cells := a.slab[:n:n]
	a.slab = a.slab[n:]
	first, last := recs.bounds[0], recs.bounds[2*n-1]
	text := recs.rec[first:last]
	if !recs.decoded && !utf8.Valid(text) {
		for i := range cells {
			cells[i].Text = strings.ToValidUTF8(string(recs.field(i)), "\uFFFD")
		}
		return cells
	}
	if a.text.Cap()-a.text.Len() < len(text) {
		a.text = strings.Builder{}
		a.text.Grow(max(arenaText, len(text)))
	}
	start := a.text.Len()
	a.text.Write(text)
	s := a.text.String()[start:]
	for i := range cells {
		cells[i].Text = s[recs.bounds[2*i]-first : recs.bounds[2*i+1]-first]
	}
	return cells
}

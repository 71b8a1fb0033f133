package source

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/crmclean/crmclean/pipeline/msg"
	"github.com/crmclean/crmclean/pipeline/record"
)

// csvBuffer is the starting size of the record reader's buffer.
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
// The encoding is decided from the bulk of the file (see detectEncoding),
// and each record decoded on its own: a record that is text in the file's
// other encoding (a GBK file appended to by a UTF-8 program, or the other
// way round) is read in it, and bytes that are text in neither become
// U+FFFD; either way the row carries an issue naming it, and the column.
//
// A quote that never closes (by the end of the file, or within a megabyte) is
// read as a plain character of its field, and the lines after it are read as
// records of their own: no text is lost, and row numbers stay as they were.
// A cell longer than MaxCell or a record longer than MaxRecord stops the
// rows with a *PositionError.
func openCSV(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // FileError names the path already
		}
		return nil, &FileError{Path: path, Err: fmt.Errorf("open: %w", err), Hint: "check that the file exists and that you may read it"}
	}
	count := &byteCount{}
	file, err := readCSV(countingReader{f, count}, path)
	if err != nil {
		f.Close()
		return nil, err
	}
	if st, err := f.Stat(); err == nil {
		file.Size = st.Size()
	}
	file.close, file.read = f.Close, count
	return file, nil
}

// readCSV reads CSV text from r as the file at path (whose extension picks
// the preferred delimiter: tab for .tsv, else comma).
func readCSV(r io.Reader, path string) (*File, error) {
	sample, atEOF, err := readSample(r)
	if err != nil {
		return nil, &FileError{Path: path, Err: fmt.Errorf("read: %w", err), Hint: "check that the file is readable"}
	}
	if len(sample) == 0 {
		return nil, &FileError{Path: path, Err: ErrEmpty}
	}
	enc, err := detectEncoding(sample, atEOF)
	if err != nil {
		return nil, &FileError{Path: path, Err: err, Hint: encodingHint}
	}
	text := enc.decodeSample(sample, atEOF)
	if atEOF && len(bytes.TrimSpace(text)) == 0 {
		return nil, &FileError{Path: path, Err: ErrEmpty}
	}
	var pref byte = ','
	if strings.EqualFold(filepath.Ext(path), ".tsv") {
		pref = '\t'
	}
	delim := sniffDelimiter(text, atEOF, pref)
	if delim >= 0x40 || delim >= 0x30 && delim <= 0x39 {
		enc = enc.streamed() // '|' may be the second byte of a GBK or Big5 character
	}
	recs := newCSVRecords(enc.reader(io.MultiReader(bytes.NewReader(sample[enc.bom:]), r)), delim, csvBuffer)
	recs.enc = enc
	_, recs.width = delimiterFit(text, atEOF, delim)
	return &File{
		Path:     path,
		Format:   "csv",
		Encoding: enc.name,
		Delim:    rune(delim),
		Sheets:   []Sheet{{Name: "", Rows: csvRows(recs, path)}},
	}, nil
}

// readSample reads the first bytes of r, to decide the encoding and the
// delimiter from: encodingSample bytes, more (up to maxEncodingSample) while
// they hold fewer than minEvidence bytes beyond ASCII. atEOF reports that
// the sample is all of r.
func readSample(r io.Reader) (sample []byte, atEOF bool, err error) {
	sample = make([]byte, 0, csvBuffer) // grown as it fills: most files are small
	for {
		n, err := io.ReadFull(r, sample[len(sample):cap(sample)])
		sample = sample[:len(sample)+n]
		switch {
		case err == io.EOF || err == io.ErrUnexpectedEOF:
			return sample, true, nil
		case err != nil:
			return nil, false, err
		}
		if len(sample) >= maxEncodingSample || len(sample) >= encodingSample && len(sample)-asciiCount(sample) >= minEvidence {
			return sample, false, nil
		}
		sample = slices.Grow(sample, min(len(sample), maxEncodingSample-len(sample)))
	}
}

// asciiCount counts the bytes of b below 0x80.
func asciiCount(b []byte) int {
	n := 0
	for _, c := range b {
		if c < utf8.RuneSelf {
			n++
		}
	}
	return n
}

// csvRows yields the records of recs as rows, numbered from 1. A run of
// blank records (empty lines, or cells all blank) is yielded as one row
// once a non-blank record follows it; blank records at the end are not.
func csvRows(recs *csvRecords, path string) func(yield func(Row, error) bool) {
	used := false
	return func(yield func(Row, error) bool) {
		if used {
			yield(Row{}, &PositionError{Path: path, Col: -1, Err: errRowsReread})
			return
		}
		used = true
		num, want := 0, 0
		blankFrom := 0 // first row of the blank run not yet yielded; 0 for none
		blanks := func(last int) bool {
			if blankFrom == 0 {
				return true
			}
			r := Row{Num: blankFrom}
			if last > blankFrom {
				r.End = last
			}
			blankFrom = 0
			return yield(r, nil)
		}
		var arena cellArena
		for recs.next() {
			num++
			row := Row{Num: num}
			if !recs.blank() {
				row.Cells, row.Issues = arena.cells(recs)
				for _, col := range recs.strayCols {
					row.Issues = append(row.Issues, record.NewIssue(record.Issue{Col: col, Rule: RuleStrayQuote, Severity: record.Warning},
						msg.New("csv.stray_quote")))
				}
			}
			if row.Blank() && len(row.Issues) == 0 {
				if blankFrom == 0 {
					blankFrom = num
				}
				continue
			}
			switch n := recs.fields(); {
			case want == 0 && n > 1:
				want = n
			case want != 0 && n != want:
				row.Ragged, row.Want = true, want
			}
			if !blanks(num-1) || !yield(row, nil) {
				return
			}
		}
		var err error
		switch {
		case recs.stop != nil:
			err = &PositionError{Path: path, Row: num + 1, Col: recs.stopCol, Err: recs.stop}
		case recs.err != nil:
			err = &PositionError{Path: path, Row: num + 1, Col: -1, Err: fmt.Errorf("read: %w", recs.err)}
		}
		if err != nil && blanks(num) { // blank rows above a row not read are in the sheet
			yield(Row{}, err)
		}
	}
}

// cellArena hands out cells and their texts in blocks, so reading a row
// costs no allocation most of the time. A row kept by the caller keeps its
// block (some kilobytes) alive.
type cellArena struct {
	slab []Cell
	text strings.Builder // written only by appending, so its strings stay valid
	// A record decoded from GB18030 or Big5, or repaired: field i is
	// decoded[bounds[i]:bounds[i+1]].
	decoded []byte
	bounds  []int
	scratch []byte
}

const (
	arenaCells = 1024
	arenaText  = 32 << 10
)

// cells turns the last record into cells, trailing empty ones trimmed, and
// returns the issues of its text: a record in the file's other encoding,
// bytes that are text in neither.
func (a *cellArena) cells(recs *csvRecords) ([]Cell, []record.Issue) {
	n := recs.fields()
	for n > 0 && len(recs.field(n-1)) == 0 {
		n--
	}
	if n == 0 {
		return nil, nil
	}
	if len(a.slab) < n {
		a.slab = make([]Cell, max(arenaCells, n))
	}
	cells := a.slab[:n:n]
	a.slab = a.slab[n:]
	enc := recs.enc
	switch {
	case enc.text == nil: // decoded by stream: UTF-8, bad bytes already U+FFFD
		a.copyFields(recs, cells)
		return cells, replacedCells(cells, enc.name)
	case enc.text.decoder == nil && fieldsValid(recs, n):
		a.copyFields(recs, cells) // the usual UTF-8 record
		return cells, nil
	}
	return cells, a.decodeFields(recs, cells)
}

// copyFields sets the cells to the fields of the record as they are, with
// one copy of the record's text.
func (a *cellArena) copyFields(recs *csvRecords, cells []Cell) {
	n := len(cells)
	first, last := recs.bounds[0], recs.bounds[2*n-1]
	s := a.store(recs.rec[first:last])
	for i := range cells {
		cells[i].Text = s[recs.bounds[2*i]-first : recs.bounds[2*i+1]-first]
	}
}

// store copies b into the arena's text and returns it.
func (a *cellArena) store(b []byte) string {
	if a.text.Cap()-a.text.Len() < len(b) {
		a.text = strings.Builder{}
		a.text.Grow(max(arenaText, len(b)))
	}
	start := a.text.Len()
	a.text.Write(b)
	return a.text.String()[start:]
}

// fieldsValid reports whether the first n fields of the record are UTF-8.
// Each field is checked on its own: fields copied back to back (a quoted
// record) can form a character together that neither holds.
func fieldsValid(recs *csvRecords, n int) bool {
	for i := range n {
		if !utf8.Valid(recs.field(i)) {
			return false
		}
	}
	return true
}

// decodeFields decodes the record's fields in the file's encoding, or in
// its other one when the record is text in that one instead, and sets the
// cells to them.
func (a *cellArena) decodeFields(recs *csvRecords, cells []Cell) []record.Issue {
	enc := recs.enc
	cs, bad := enc.text, a.decode(recs, cells, enc.text)
	switch {
	case enc.other == nil:
	case enc.text.decoder == nil:
		// UTF-8 with broken bytes, unless the record is really GBK: its
		// bytes then mostly fail to form UTF-8 characters.
		if good, broken := utf8Evidence(recs, len(cells)); broken > good && a.validIn(recs, cells, enc.other) {
			cs, bad = enc.other, a.decode(recs, cells, enc.other)
		}
	case bad != nil || hasWideUTF8(recs, len(cells)):
		// GBK or Big5: a record that is UTF-8 is read as UTF-8, even when
		// its bytes happen to pair into (wrong) GBK characters; so is one
		// that is text in neither but mostly UTF-8.
		if good, broken := utf8Evidence(recs, len(cells)); broken == 0 && a.validIn(recs, cells, enc.other) || bad != nil && good > broken {
			cs, bad = enc.other, a.decode(recs, cells, enc.other)
		}
	}
	s := a.store(a.decoded)
	for i := range cells {
		cells[i].Text = s[a.bounds[i]:a.bounds[i+1]]
	}
	var issues []record.Issue
	if cs != enc.text {
		issues = append(issues, record.NewIssue(record.Issue{Col: -1, Rule: RuleOtherEncoding, Severity: record.Warning},
			msg.New("text.other_encoding", cs.name, enc.text.name)))
	}
	for _, i := range bad {
		m := msg.New("text.invalid_bytes", cs.name)
		if enc.other != nil {
			m = msg.New("text.invalid_bytes_either", enc.text.name, enc.other.name)
		}
		issues = append(issues, record.NewIssue(record.Issue{Col: i, Value: cells[i].Text, Rule: RuleInvalidBytes, Severity: record.Warning}, m))
	}
	return issues
}

// decode decodes the record's fields in cs into a.decoded and returns the
// columns where bytes were not text in cs.
func (a *cellArena) decode(recs *csvRecords, cells []Cell, cs *charset) (bad []int) {
	a.decoded, a.bounds = a.decoded[:0], append(a.bounds[:0], 0)
	for i := range cells {
		var ok bool
		a.decoded, ok = cs.appendText(a.decoded, recs.field(i))
		a.bounds = append(a.bounds, len(a.decoded))
		if !ok {
			bad = append(bad, i)
		}
	}
	return bad
}

// validIn reports whether every field of the record is text in cs.
func (a *cellArena) validIn(recs *csvRecords, cells []Cell, cs *charset) bool {
	for i := range cells {
		if !cs.valid(recs.field(i), &a.scratch) {
			return false
		}
	}
	return true
}

// utf8Evidence counts, over the record's fields, the well-formed UTF-8
// characters beyond ASCII (good) and the bytes that start none (broken).
func utf8Evidence(recs *csvRecords, n int) (good, broken int) {
	for i := range n {
		b := recs.field(i)
		for len(b) > 0 {
			if b[0] < utf8.RuneSelf {
				b = b[1:]
				continue
			}
			r, size := utf8.DecodeRune(b)
			if r == utf8.RuneError && size == 1 {
				broken++
			} else {
				good++
			}
			b = b[size:]
		}
	}
	return good, broken
}

// hasWideUTF8 reports whether the record's fields are UTF-8 holding a
// character of three or four bytes (every Chinese character is one). GBK
// text is hardly ever that by chance.
func hasWideUTF8(recs *csvRecords, n int) bool {
	wide := false
	for i := range n {
		b := recs.field(i)
		if isASCII(b) {
			continue
		}
		if !utf8.Valid(b) {
			return false
		}
		for _, c := range b {
			if c >= 0xE0 {
				wide = true
				break
			}
		}
	}
	return wide
}

// replacedCells returns an issue for each cell of a stream-decoded record
// that holds U+FFFD: bytes the decoder could not read.
func replacedCells(cells []Cell, encName string) []record.Issue {
	var issues []record.Issue
	for i, c := range cells {
		if strings.Contains(c.Text, "\uFFFD") {
			issues = append(issues, record.NewIssue(record.Issue{Col: i, Value: c.Text, Rule: RuleInvalidBytes, Severity: record.Warning},
				msg.New("text.invalid_bytes", encName)))
		}
	}
	return issues
}

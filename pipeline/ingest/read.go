package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"slices"
	"strconv"
	"strings"

	"github.com/crmclean/crmclean/pipeline/mapping"
	"github.com/crmclean/crmclean/pipeline/msg"
	"github.com/crmclean/crmclean/pipeline/normalize/idnumber"
	"github.com/crmclean/crmclean/pipeline/normalize/text"
	"github.com/crmclean/crmclean/pipeline/record"
	"github.com/crmclean/crmclean/pipeline/source"
	"github.com/crmclean/crmclean/rules"
)

// Reader reads source files into records with one rule set.
type Reader struct {
	mapper        *mapping.Mapper
	placeholders  *text.Placeholders
	dittos        *text.Dittos
	keepSensitive bool
}

// NewReader returns a Reader for the rules r.
func NewReader(r *rules.Rules) *Reader {
	return &Reader{
		mapper:        mapping.New(r),
		placeholders:  text.NewPlaceholders(r.Placeholders),
		dittos:        text.NewDittos(r.DittoMarks),
		keepSensitive: r.Sensitive.Keep,
	}
}

// Mapper returns the reader's column mapper.
func (rd *Reader) Mapper() *mapping.Mapper { return rd.mapper }

// FileReport describes what was read from one file.
type FileReport struct {
	Input
	Format   string
	Encoding string
	Delim    rune
	Err      error // the file could not be read at all (a *source.FileError), or broke off mid-way
	Sheets   []SheetReport
	Skipped  []source.SkippedSheet
}

// Incomplete reports whether part of the file could not be read: the file
// itself, or a sheet from some row on (or, every row read, with a checksum
// that failed).
func (r FileReport) Incomplete() bool {
	if r.Err != nil {
		return true
	}
	for _, sh := range r.Sheets {
		if sh.Err != nil {
			return true
		}
	}
	return false
}

// SheetReport describes one sheet.
type SheetReport struct {
	Name        string
	Layout      mapping.Layout
	HeaderFound bool
	Rows        int // rows read, header and noise included
	DataRows    int // rows below the header that are not noise
	Noise       int
	Err         error // reading broke off (a *source.PositionError); rows before it are kept
	// Stopped is the row where reading stopped, when Err names one: it and
	// the rows below it are one rejected lineage entry. It is 0 when every
	// row was read (a workbook whose checksum failed at the end).
	Stopped int
	// Warnings are problems of the sheet that a person should know and
	// that no data row carries: a repaired header, bad bytes in it.
	Warnings []string
}

// Emit receives each row read, in sheet order: data rows with Status "",
// noise, title and header rows with Status skipped, and data rows
// identical to an earlier one of their sheet with Status merged and SameAs
// set (they need no cleaning: merge.FollowIdentical gives them the lineage
// of that row).
type Emit func(*record.Record)

// ReadFile reads every sheet of one file. It never fails: problems are in
// the report, and every row read reaches emit.
func (rd *Reader) ReadFile(ctx context.Context, in Input, emit Emit) FileReport {
	return rd.ReadFileCounting(ctx, in, emit, nil)
}

// progressRows is how many rows are read between two byte counts.
const progressRows = 256

// ReadFileCounting is ReadFile telling count (when not nil), every few
// hundred rows and at the end, how many more bytes of the file on disk
// were read (see source.File.BytesRead): a progress bar by bytes.
func (rd *Reader) ReadFileCounting(ctx context.Context, in Input, emit Emit, count func(delta int64)) FileReport {
	rep := FileReport{Input: in}
	f, err := source.Open(in.Path)
	if err != nil {
		rep.Err = relabel(err, in)
		return rep
	}
	defer f.Close()
	if count != nil {
		var told int64
		tell := func() {
			if n := f.BytesRead(); n > told {
				count(n - told)
				told = n
			}
		}
		defer tell()
		rows, inner := 0, emit
		emit = func(r *record.Record) {
			inner(r)
			if rows++; rows%progressRows == 0 {
				tell()
			}
		}
	}
	rep.Format, rep.Encoding, rep.Delim, rep.Skipped = f.Format, f.Encoding, f.Delim, f.Skipped
	for _, sh := range f.Sheets {
		if ctx.Err() != nil {
			rep.Err = ctx.Err()
			return rep
		}
		rep.Sheets = append(rep.Sheets, rd.readSheet(ctx, in, sh, emit))
	}
	return rep
}

// relabel makes a file error name the relative path the user knows.
func relabel(err error, in Input) error {
	var fe *source.FileError
	if errors.As(err, &fe) {
		c := *fe
		c.Path = in.Rel
		return &c
	}
	var pe *source.PositionError
	if errors.As(err, &pe) {
		c := *pe
		c.Path = in.Rel
		return &c
	}
	return fmt.Errorf("%s: %w", in.Rel, err)
}

// sheetState carries what one sheet's rows need from the rows before them.
type sheetState struct {
	in       Input
	sheet    string
	layout   mapping.Layout
	header   source.Row
	byCol    []mapping.Column // by column index; Field "" where none is mapped
	isMapped []bool
	previous []previousCell // by column index: last data row's cleaned text, for ditto marks
	seen     occurrences    // fingerprints so far, to tell identical rows apart
	hashed   []byte         // what fingerprint hashes, kept to be reused
	// values and records are the arrays the sheet's rows are cut from
	// (see newRecord and fill): one allocation per many rows, and no room
	// left over in any row, where a slice and a record per row took half
	// the live heap of a run (1.16 of 2.6 GB at a million rows).
	values  []record.Value
	records []record.Record
	columns []*record.Column // by column index: what the column's values share (see valueColumn)
}

// Rows are cut from arrays of up to this many records and values at a
// time; a sheet's first arrays are small and each next one twice the last,
// so that a folder of small sheets leaves little room unused.
const (
	recordChunk = 256
	valueChunk  = 4096
)

// newRecord returns a new record at p, cut from the sheet's array.
func (st *sheetState) newRecord(p record.Provenance) *record.Record {
	if len(st.records) == cap(st.records) {
		st.records = make([]record.Record, 0, min(max(2*cap(st.records), 8), recordChunk))
	}
	st.records = append(st.records, record.Record{Prov: p})
	return &st.records[len(st.records)-1]
}

// valueRoom returns the rest of the sheet's value array, with room for at
// least n more values. A row appends its values to it and keeps them with
// keepValues.
func (st *sheetState) valueRoom(n int) []record.Value {
	if cap(st.values)-len(st.values) < n {
		st.values = make([]record.Value, 0, max(min(max(2*cap(st.values), 64), valueChunk), n))
	}
	return st.values[len(st.values):len(st.values)]
}

// keepValues takes vals, appended to valueRoom's slice, out of the
// sheet's array: they are the row's, with no room to grow into the next
// row's (an append copies them).
func (st *sheetState) keepValues(vals []record.Value) []record.Value {
	st.values = st.values[:len(st.values)+len(vals)]
	return vals[:len(vals):len(vals)]
}

func (rd *Reader) readSheet(ctx context.Context, in Input, sh source.Sheet, emit Emit) SheetReport {
	rep := SheetReport{Name: sh.Name}
	st := &sheetState{in: in, sheet: sh.Name}
	var buf []source.Row
	flush := func() {
		probe := repairStrayQuotes(buf)
		layout, ok := rd.mapper.Detect(in.Rel, probe)
		if i := headerIndex(buf, layout.HeaderRow); ok && i >= 0 && !slices.Equal(probe[i].Cells, buf[i].Cells) {
			buf[i] = probe[i]
			for _, is := range buf[i].Issues {
				if is.Rule == source.RuleStrayQuote {
					rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s, row %d, column %s: the header cell opens a quote that never closes: it was read without the quote, as %q",
						location(in.Rel, sh.Name), buf[i].Num, record.ColumnName(is.Col), buf[i].Cells[is.Col].Text))
				}
			}
		}
		rep.HeaderFound = ok
		if ok {
			st.layout = layout
			for _, c := range layout.Columns {
				if c.Index < 0 {
					continue // never a cell's index
				}
				for len(st.byCol) <= c.Index {
					st.byCol = append(st.byCol, mapping.Column{})
					st.isMapped = append(st.isMapped, false)
				}
				st.byCol[c.Index], st.isMapped[c.Index] = c, true
			}
		}
		rep.Layout = layout
		for _, r := range buf {
			rd.row(st, &rep, r, emit)
		}
		buf = nil
	}
	detected, n := false, 0
	var stop *source.PositionError
	for r, err := range sh.Rows {
		if err != nil {
			rep.Err = relabel(err, in)
			errors.As(err, &stop)
			break
		}
		if n++; n%4096 == 0 && ctx.Err() != nil {
			rep.Err = ctx.Err()
			break
		}
		if !detected {
			buf = append(buf, r)
			if len(buf) >= mapping.HeaderScan+mapping.SampleRows {
				flush()
				detected = true
			}
			continue
		}
		rd.row(st, &rep, r, emit)
	}
	if !detected {
		flush()
	}
	if stop != nil && stop.Row > 0 {
		rep.Stopped = stop.Row
		emit(unread(in, sh.Name, stop))
	}
	return rep
}

// ReasonUnread begins the lineage reason of the rows of a sheet that
// could not be read, from the row where reading stopped.
const ReasonUnread = "not read"

// unread is the lineage entry of the rows of a sheet from the one where
// reading stopped (stop.Row) to its last row, when the file declares it: one
// rejected entry, so that every row is accounted for.
func unread(in Input, sheet string, stop *source.PositionError) *record.Record {
	rec := &record.Record{Prov: record.Provenance{File: in.Rel, Sheet: sheet, Row: stop.Row}, Status: record.Rejected}
	switch {
	case stop.LastRow > stop.Row:
		rec.Prov.RowEnd = stop.LastRow
		rec.Reason = msg.Text("en", "reject.unread_rows", strconv.Itoa(stop.Row), strconv.Itoa(stop.LastRow), stop.Err.Error())
	case stop.LastRow == stop.Row:
		rec.Reason = msg.Text("en", "reject.unread_last", strconv.Itoa(stop.Row), stop.Err.Error())
	default:
		rec.Reason = msg.Text("en", "reject.unread_below", strconv.Itoa(stop.Row), stop.Err.Error())
	}
	return rec
}

// Reasons of blank rows in lineage: one row, or a run of them in one entry
// (row to row_end).
const (
	ReasonBlankRow  = "blank row"
	ReasonBlankRows = "blank rows"
)

func (rd *Reader) row(st *sheetState, rep *SheetReport, r source.Row, emit Emit) {
	rec := st.newRecord(record.Provenance{File: st.in.Rel, Sheet: st.sheet, Row: r.Num, RowEnd: r.End})
	rep.Rows += rec.Prov.Rows()
	blank := ReasonBlankRow
	if r.End > r.Num {
		blank = ReasonBlankRows
	}
	switch {
	case r.Blank() && len(r.Issues) == 0: // a row whose only cell was lost is not blank
		rec.Status, rec.Reason = record.Skipped, blank
		if rep.HeaderFound && r.Num > st.layout.HeaderRow {
			rep.Noise += rec.Prov.Rows()
		}
	case !rep.HeaderFound:
		rec.Status, rec.Reason = record.Rejected, msg.Text("en", "reject.no_header")
	case r.Num < st.layout.HeaderRow:
		rec.Status, rec.Reason = record.Skipped, msg.Text("en", "skip.title")
	case r.Num == st.layout.HeaderRow:
		st.header = r
		rec.Status, rec.Reason = record.Skipped, msg.Text("en", "skip.header")
		for _, is := range r.Issues {
			if is.Rule != source.RuleStrayQuote { // reported as repaired
				rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s: %s", issuePlace(st, r.Num, is.Col), is.Message))
			}
		}
	default:
		if why := rd.mapper.Noise(r, st.header); why != "" && !r.Blank() {
			why, _ = idnumber.MaskResident(why) // a note row quoted in the reason
			rec.Status, rec.Reason = record.Skipped, why
			rep.Noise++
			break
		}
		rep.DataRows++
		rd.fill(st, rec, r)
		if rec.SameAs != "" {
			rec.Status, rec.Reason = record.Merged, ReasonIdentical
		}
	}
	emit(rec)
}

// ReasonIdentical is the lineage reason of a row identical to an earlier
// row of its sheet until the pipeline names that row
// (merge.FollowIdentical).
const ReasonIdentical = "identical to an earlier row of the sheet"

// fill turns a data row's cells into values: cleaned, placeholders emptied,
// ditto marks resolved from the row above, lossy numbers distrusted.
func (rd *Reader) fill(st *sheetState, rec *record.Record, r source.Row) {
	if r.Ragged {
		rec.AddIssue(record.NewIssue(record.Issue{Col: -1, Rule: "row.ragged", Severity: record.Warning},
			msg.New("row.ragged", strconv.Itoa(len(r.Cells)), strconv.Itoa(r.Want))))
	}
	for _, is := range r.Issues {
		if col, mapped := st.column(is.Col); mapped {
			if col.Sensitive {
				if !rd.keepSensitive {
					continue // the column is dropped: so is what it held
				}
				is.Field = "sensitive"
			} else {
				is.Field = col.Field
			}
			is.Header = col.Header
		}
		rec.AddIssue(is)
	}
	rec.Values = st.valueRoom(len(r.Cells))
	for i, c := range r.Cells {
		raw := c.Text
		col, mapped := st.column(i)
		if text.Blank(raw) {
			if mapped {
				st.forget(i) // a blank cell breaks a ditto chain
			}
			continue
		}
		if !mapped {
			col = mapping.Column{Index: i, Evidence: mapping.Unmapped}
		}
		if col.Sensitive && !rd.keepSensitive {
			continue
		}
		cleaned, read := text.Clean(raw), raw // the value's texts; raw stays the cell as read, for issues
		if !col.Sensitive {
			cleaned, read = maskResident(rec, col, i, cleaned, read)
		}
		switch {
		case c.Lossy:
			rec.AddIssue(record.NewIssue(record.Issue{Field: col.Field, Col: i, Header: col.Header, Value: raw, Rule: "cell.lossy_number", Severity: record.Warning},
				msg.New("cell.lossy_number")))
			cleaned = ""
		case rd.dittos.IsCleaned(cleaned):
			prev, ok := st.above(i)
			if !ok {
				rec.AddIssue(record.NewIssue(record.Issue{Field: col.Field, Col: i, Header: col.Header, Value: raw, Rule: "cell.ditto_unresolved", Severity: record.Warning},
					msg.New("cell.ditto_unresolved")))
				cleaned = ""
			} else {
				rec.AddIssue(record.NewIssue(record.Issue{Field: col.Field, Col: i, Header: col.Header, Value: raw, Rule: "cell.ditto", Severity: record.Info, Fix: prev},
					msg.New("cell.ditto")))
				cleaned = prev
			}
		case rd.placeholders.IsCleaned(cleaned):
			cleaned = ""
		}
		if cleaned != "" || c.Merged {
			st.remember(i, cleaned)
		}
		rec.Values = append(rec.Values, st.valueColumn(i, col).Value(cleaned, read))
	}
	rec.Values = st.keepValues(rec.Values)
	rec.Fingerprint = st.fingerprint(rec)
}

// RuleIDNumber is the issue of a cell outside a sensitive column that held
// a resident identity card number, masked at ingest.
const RuleIDNumber = "cell.id_number"

// maskResident masks the resident identity numbers written in a cell of a
// column that is not sensitive (a note, a tax-number column), so that they
// reach no output, report or state. A cell that is nothing but one is
// emptied: it is never a 统一社会信用代码, nor any other value.
func maskResident(rec *record.Record, col mapping.Column, i int, cleaned, raw string) (string, string) {
	t, inText := idnumber.MaskResident(cleaned)
	r, inRaw := t, inText // most cells read as they are cleaned: one scan
	if raw != cleaned {
		r, inRaw = idnumber.MaskResident(raw)
	}
	if !inText && !inRaw {
		return cleaned, raw
	}
	if !inRaw {
		r = t // written in full-width digits: the cleaned text shows where
	}
	if idnumber.Classify(cleaned) == idnumber.ResidentID {
		t = ""
	}
	rec.AddIssue(record.Issue{Field: col.Field, Col: i, Header: col.Header, Value: r, Rule: RuleIDNumber, Severity: record.Warning,
		Message: "a resident identity card number (身份证号) in this cell was masked: it is personal data and never kept"})
	return t, r
}

// valueColumn returns the column description that the values of column i
// share (col is its mapping): made once per sheet and column.
func (st *sheetState) valueColumn(i int, col mapping.Column) *record.Column {
	for len(st.columns) <= i {
		st.columns = append(st.columns, nil)
	}
	if st.columns[i] == nil {
		field := col.Field
		if col.Sensitive {
			field = "sensitive"
		}
		st.columns[i] = &record.Column{Field: field, Header: col.Header, Index: i}
	}
	return st.columns[i]
}

// fingerprint identifies a row by file, sheet and content — or its source
// key where one is mapped — so it keeps its identity when rows above it are
// inserted. Identical rows in one sheet are told apart by occurrence, and
// a row with the content of the first row of its fingerprint gets that
// row's fingerprint in SameAs.
func (st *sheetState) fingerprint(rec *record.Record) string {
	b := st.hashed[:0]
	write := func(p string) {
		b = append(append(b, p...), 0)
	}
	write(st.in.Rel)
	write(st.sheet)
	for _, v := range rec.Values {
		write(v.Header())
		write(v.Text())
	}
	var content uint32
	if id := rec.Get(record.FieldSourceID); id != "" {
		// Rows keyed by a source id share a fingerprint whatever their
		// content: a checksum of the content tells which are identical
		// to the first (two rows a clash took for identical would still
		// share their source id).
		content = crc32.Checksum(b, castagnoli)
		b = b[:0]
		write(st.in.Rel)
		write(st.sheet)
		write("id")
		write(id)
	}
	st.hashed = b
	sum := sha256.Sum256(b)
	key := [10]byte(sum[:10])
	fp := hex.EncodeToString(key[:]) // 20 hex digits
	if n, same := st.seen.add(key, content); n > 1 {
		if same {
			rec.SameAs = fp
		}
		fp = fmt.Sprintf("%s-%d", fp, n)
	}
	return fp
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// previousCell is the cleaned text of a column in the last data row.
type previousCell struct {
	text string
	ok   bool
}

// column returns the mapping of column i, if it is mapped.
func (st *sheetState) column(i int) (mapping.Column, bool) {
	if i >= 0 && i < len(st.byCol) && st.isMapped[i] {
		return st.byCol[i], true
	}
	return mapping.Column{}, false
}

// above returns the text of column i in the last data row, for a ditto
// mark, if there is one.
func (st *sheetState) above(i int) (string, bool) {
	if i < len(st.previous) && st.previous[i].ok {
		return st.previous[i].text, true
	}
	return "", false
}

func (st *sheetState) remember(i int, text string) {
	for len(st.previous) <= i {
		st.previous = append(st.previous, previousCell{})
	}
	st.previous[i] = previousCell{text: text, ok: true}
}

func (st *sheetState) forget(i int) {
	if i < len(st.previous) {
		st.previous[i] = previousCell{}
	}
}

// repairStrayQuotes returns rows with the quote that opens a cell and never
// closes (source.RuleStrayQuote) taken off, for finding the header: a
// stray " before a header cell must not hide the column's name. The rows
// themselves are left as they are.
func repairStrayQuotes(rows []source.Row) []source.Row {
	var out []source.Row
	for i, r := range rows {
		cloned := false
		for _, is := range r.Issues {
			if is.Rule != source.RuleStrayQuote || is.Col < 0 || is.Col >= len(r.Cells) {
				continue
			}
			if out == nil {
				out = slices.Clone(rows)
			}
			if !cloned {
				out[i].Cells, cloned = slices.Clone(r.Cells), true
			}
			out[i].Cells[is.Col].Text = strings.TrimPrefix(r.Cells[is.Col].Text, `"`)
		}
	}
	if out == nil {
		return rows
	}
	return out
}

// headerIndex returns the index in rows of the row numbered num, or -1.
func headerIndex(rows []source.Row, num int) int {
	for i, r := range rows {
		if r.Num == num {
			return i
		}
	}
	return -1
}

// location names a sheet as messages do: the file, and the sheet of a
// workbook.
func location(rel, sheet string) string {
	if sheet == "" {
		return rel
	}
	return fmt.Sprintf("%s, sheet %q", rel, sheet)
}

// issuePlace names the row and column of an issue of a sheet's row.
func issuePlace(st *sheetState, row, col int) string {
	p := fmt.Sprintf("%s, row %d", location(st.in.Rel, st.sheet), row)
	if col >= 0 {
		p += ", column " + record.ColumnName(col)
	}
	return p
}

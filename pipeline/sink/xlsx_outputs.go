package sink

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/xuri/excelize/v2"

	"github.com/crmclean/crmclean/pipeline/match"
	"github.com/crmclean/crmclean/pipeline/merge"
	"github.com/crmclean/crmclean/pipeline/msg"
	"github.com/crmclean/crmclean/pipeline/record"
)

// cleanTextColumns are the clean.xlsx columns formatted as text, so Excel
// never shows a phone or an id as 1.38E+10 or drops its leading zeros.
var cleanTextColumns = []string{"customer_id", "mobile", "phones", "shared_phones", "landline", "landline_ext", "adcode", "uscc", "source_ids"}

// maxRejectComments is the largest number of rejects.xlsx lines that get a
// cell comment. excelize keeps comments in memory and checks each new one
// against all earlier ones (5,000 comments take about 0.6 s, 50,000 over a
// minute), so with more lines the file is written without comments; the
// reason is still in its own column and the cell still highlighted.
var maxRejectComments = 10_000

// DecisionValues are the values the decision column of review.csv and
// review.xlsx accepts.
var DecisionValues = []string{"merge", "keep", "合并", "不合并"}

// WriteCleanXLSX writes clean.xlsx: the rows and columns of clean.csv, with
// phone and id columns as text.
func WriteCleanXLSX(ctx context.Context, dir string, customers []*merge.Customer) error {
	return WriteCleanFiles(ctx, dir, customers, Formats{XLSX: true})
}

// contactTextColumns are the contacts.xlsx columns formatted as text.
var contactTextColumns = []string{"contact_id", "customer_id", "mobile", "phones", "shared_phones"}

// WriteContactsXLSX writes contacts.xlsx: the rows and columns of
// contacts.csv, with phone and id columns as text.
func WriteContactsXLSX(ctx context.Context, dir string, customers []*merge.Customer) error {
	return WriteContactsFiles(ctx, dir, customers, Formats{XLSX: true})
}

// WriteRejectsXLSX writes rejects.xlsx: the rows of rejects.csv, the value
// cell of each reason highlighted and the reason attached to it as a comment
// (up to maxRejectComments lines).
func WriteRejectsXLSX(ctx context.Context, dir string, records []*record.Record, lang string) error {
	return WriteRejectsFiles(ctx, dir, records, lang, Formats{XLSX: true})
}

// writeRejectsXLSX writes rejects.xlsx from the lines of rejects.csv.
func writeRejectsXLSX(ctx context.Context, dir string, lines [][]string) error {
	b, err := createXLSX(xlsxOptions{ctx: ctx, path: filepath.Join(dir, "rejects.xlsx"), sheet: "rejects", header: RejectColumns,
		textCols: []string{"row", "column", "value"}})
	if err != nil {
		return err
	}
	mark, err := b.newStyle(&excelize.Style{
		NumFmt: 49,
		Fill:   excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFC7CE"}},
		Font:   &excelize.Font{Color: "9C0006"},
	})
	if err != nil {
		b.abort()
		return err
	}
	comments := len(lines) <= maxRejectComments
	reason, value, rule := columnIndex(RejectColumns, "reason"), columnIndex(RejectColumns, "value"), columnIndex(RejectColumns, "rule")
	var cells []xlsxCell
	for _, line := range lines {
		cells = textCells(cells[:0], line)
		// The value cell shows the offending cell; a row-level reason has
		// none, so the reason cell is marked instead.
		at := value
		if line[value] == "" && line[columnIndex(RejectColumns, "column")] == "" {
			at = reason
		}
		cells[at].style = mark
		if comments {
			note := line[reason]
			if line[rule] != "" {
				note += " [" + line[rule] + "]"
			}
			cells[at].comment = note
		}
		if err := b.Write(cells); err != nil {
			b.abort()
			return err
		}
	}
	return b.Close()
}

// WriteReviewXLSX writes review.xlsx: first a sheet of the review pairs
// evidence patterns (PatternColumns) with a decision cell per pattern,
// then the rows of review.csv; both decision columns offer DecisionValues
// in a drop-down list, and scores are numbers.
func WriteReviewXLSX(ctx context.Context, dir string, recs []*record.Record, pairs []match.Pair, opt ReviewOptions) error {
	dropDown := func(f *excelize.File, sheet string, column int, from, to int) error {
		col, err := excelize.ColumnNumberToName(column + 1)
		if err != nil {
			return err
		}
		dv := excelize.NewDataValidation(true)
		dv.Sqref = fmt.Sprintf("%s%d:%s%d", col, from, col, to)
		if err := dv.SetDropList(DecisionValues); err != nil {
			return err
		}
		dv.SetError(excelize.DataValidationErrorStyleStop, "decision", "Choose merge, keep, 合并 or 不合并.")
		return f.AddDataValidation(sheet, dv)
	}
	lead := &leadSheet{name: patternSheet, note: msg.Text(opt.Lang, "review.patterns_note"), header: PatternColumns,
		onSheet: func(f *excelize.File, sheet string, header, last int) error {
			return dropDown(f, sheet, columnIndex(PatternColumns, "decision"), header+1, last)
		}}
	numeric := []int{columnIndex(PatternColumns, "pairs"), columnIndex(PatternColumns, "score_min"), columnIndex(PatternColumns, "score_max")}
	for _, s := range SummarizePatterns(pairs) {
		cells := textCells(nil, patternRow(recs, s, opt))
		for _, i := range numeric {
			cells[i].number = true
		}
		lead.rows = append(lead.rows, cells)
	}
	b, err := createXLSX(xlsxOptions{ctx: ctx, path: filepath.Join(dir, "review.xlsx"), sheet: "review", header: ReviewColumns,
		textCols: []string{"pair_id", "customer_id_a", "mobile_a", "phones_a", "customer_id_b", "mobile_b", "phones_b",
			"fingerprint_a", "fingerprint_b", "decision"},
		onSheet: func(f *excelize.File, sheet string) error {
			return dropDown(f, sheet, columnIndex(ReviewColumns, "decision"), 2, maxSheetRows)
		},
		lead: lead})
	if err != nil {
		return err
	}
	score, rows := columnIndex(ReviewColumns, "score"), columnIndex(ReviewColumns, "row_pairs")
	var cells []xlsxCell
	for _, p := range pairs {
		cells = textCells(cells[:0], ReviewRow(recs, p, opt))
		cells[score].number, cells[rows].number = true, true
		if err := b.Write(cells); err != nil {
			b.abort()
			return err
		}
	}
	return b.Close()
}

// patternSheet is the name of review.xlsx's first sheet.
const patternSheet = "patterns"

// textCells appends row as plain cells to dst. Unlike CSV, xlsx cells need
// no apostrophe: they are typed strings, which Excel does not evaluate.
func textCells(dst []xlsxCell, row []string) []xlsxCell {
	for _, s := range row {
		dst = append(dst, xlsxCell{text: s})
	}
	return dst
}

func columnIndex(cols []string, name string) int {
	for i, c := range cols {
		if c == name {
			return i
		}
	}
	panic("sink: no column " + name)
}

package sink

import (
	"context"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/crmclean/crmclean/pipeline/merge"
	"github.com/crmclean/crmclean/pipeline/msg"
	"github.com/crmclean/crmclean/pipeline/record"
)

// CleanColumns are the fixed columns of clean.csv, per the output contract.
var CleanColumns = []string{"customer_id", "kind", "name", "contact", "mobile", "phones", "shared_phones", "landline", "landline_ext",
	"email", "province", "city", "district", "address", "adcode", "uscc", "created_at", "source_ids", "source_count"}

var phoneColumns = []string{"mobile", "phones", "shared_phones", "landline"}

// ExtraHeaders returns the unmapped source headers carried by the customers,
// then the sensitive ones the rules keep, each group sorted, without those
// that clash with a contract column.
func ExtraHeaders(customers []*merge.Customer) []string {
	seen := map[string]bool{}
	for _, c := range CleanColumns {
		seen[c] = true
	}
	collect := func(get func(*merge.Customer) map[string]string) []string {
		var out []string
		for _, c := range customers {
			for h := range get(c) {
				if !seen[h] {
					seen[h] = true
					out = append(out, h)
				}
			}
		}
		sort.Strings(out)
		return out
	}
	extras := collect(func(c *merge.Customer) map[string]string { return c.Extras })
	return append(extras, collect(func(c *merge.Customer) map[string]string { return c.Sensitive })...)
}

// maxExtraColumns is how many source columns clean.csv and clean.xlsx
// carry under their own headers: as many as an Excel sheet has room for
// beside the contract's columns and ExtraColumn (16,384 columns in all; a
// workbook of 16,384 columns failed the whole run in the clean.xlsx
// writer). Tests lower it.
var maxExtraColumns = excelize.MaxColumns - len(CleanColumns) - 1

// ExtraColumn is the last column of clean.csv and clean.xlsx when the
// source columns are more than fit: it carries the rest, as "header=value"
// pairs joined by "; ".
const ExtraColumn = "extra"

// Extras are the source columns clean.csv and clean.xlsx carry after the
// contract's.
type Extras struct {
	Headers []string // each in a column of its own
	Rolled  []string // together in ExtraColumn (none unless Headers is full)
}

// CleanExtras returns the source columns the customers carry (see
// ExtraHeaders): as many as fit in columns of their own, the rest
// rolled into ExtraColumn.
func CleanExtras(customers []*merge.Customer) Extras {
	all := ExtraHeaders(customers)
	if len(all) <= maxExtraColumns {
		return Extras{Headers: all}
	}
	return Extras{Headers: all[:maxExtraColumns:maxExtraColumns], Rolled: all[maxExtraColumns:]}
}

// Columns returns the extra columns' headers.
func (e Extras) Columns() []string {
	if len(e.Rolled) == 0 {
		return e.Headers
	}
	return append(slices.Clip(e.Headers), ExtraColumn)
}

// CleanHeader returns the header row of clean.csv and clean.xlsx.
func CleanHeader(e Extras) []string {
	return slices.Concat(CleanColumns, e.Columns())
}

// CleanRow renders a customer as a clean.csv row.
func CleanRow(c *merge.Customer, e Extras) []string { return appendCleanRow(nil, c, e) }

// appendCleanRow appends the cells of CleanRow to dst: the writers render
// every row into one slice.
func appendCleanRow(dst []string, c *merge.Customer, e Extras) []string {
	row := append(dst, c.ID, string(c.Kind), c.Name, c.Contact, c.Mobile, strings.Join(c.Phones, "|"), strings.Join(c.SharedPhones, "|"), c.Landline, c.LandlineExt,
		c.Email, c.Province, c.City, c.District, c.Address, c.Adcode, c.USCC, c.CreatedAt, strings.Join(c.SourceIDs, "|"), strconv.Itoa(len(c.Rows)))
	value := func(h string) string {
		if v, ok := c.Extras[h]; ok {
			return v
		}
		return c.Sensitive[h]
	}
	for _, h := range e.Headers {
		row = append(row, value(h))
	}
	if len(e.Rolled) > 0 {
		var pairs []string
		for _, h := range e.Rolled {
			if v := value(h); v != "" {
				pairs = append(pairs, h+"="+v)
			}
		}
		row = append(row, strings.Join(pairs, "; "))
	}
	return row
}

// WriteClean writes clean.csv: one row per customer, sorted by customer_id.
func WriteClean(ctx context.Context, dir string, customers []*merge.Customer) error {
	return WriteCleanFiles(ctx, dir, customers, Formats{CSV: true})
}

// ContactColumns are the columns of contacts.csv, per the output contract.
var ContactColumns = []string{"contact_id", "customer_id", "contact", "mobile", "phones", "shared_phones", "email", "title"}

// ContactRow renders a contact of customer c as a contacts.csv row.
func ContactRow(c *merge.Customer, ct *merge.Contact) []string { return appendContactRow(nil, c, ct) }

// appendContactRow appends the cells of ContactRow to dst.
func appendContactRow(dst []string, c *merge.Customer, ct *merge.Contact) []string {
	return append(dst, ct.ID, c.ID, ct.Name, ct.Mobile, strings.Join(ct.Phones, "|"), strings.Join(ct.SharedPhones, "|"), ct.Email, ct.Title)
}

// WriteContacts writes contacts.csv: every distinct contact person of each
// customer, by customer then contact id.
func WriteContacts(ctx context.Context, dir string, customers []*merge.Customer) error {
	return WriteContactsFiles(ctx, dir, customers, Formats{CSV: true})
}

// sortedContacts returns the contacts of c by id, so that a file's order
// depends on nothing but the ids.
func sortedContacts(c *merge.Customer) []*merge.Contact { return appendSortedContacts(nil, c) }

// appendSortedContacts appends the contacts of c by id to dst: the
// writers reuse one slice for every customer.
func appendSortedContacts(dst []*merge.Contact, c *merge.Customer) []*merge.Contact {
	start := len(dst)
	for i := range c.Contacts {
		dst = append(dst, &c.Contacts[i])
	}
	if len(c.Contacts) > 1 { // most customers have one: spare the sort
		out := dst[start:]
		sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	}
	return dst
}

// LineageColumns are the columns of lineage.csv, per the output contract.
var LineageColumns = []string{"source_file", "sheet", "row", "row_end", "customer_id", "status", "reason_code", "reason"}

// WriteLineage writes lineage.csv: one row per input row read (one per run
// of blank rows, row_end its last), sorted by source file, sheet and row,
// its reason in lang.
func WriteLineage(ctx context.Context, dir string, records []*record.Record, lang string) error {
	w, err := CreateCSV(ctx, filepath.Join(dir, "lineage.csv"), LineageColumns)
	if err != nil {
		return err
	}
	var cell []byte
	for _, r := range records {
		w.Cell(r.Prov.File)
		w.Cell(r.Prov.Sheet)
		w.Int(r.Prov.Row)
		if r.Prov.RowEnd > r.Prov.Row {
			w.Int(r.Prov.RowEnd)
		} else {
			w.Cell("")
		}
		code, m, reason := lineageReason(r, lang)
		w.Cell(r.CustomerID)
		w.Cell(string(r.Status))
		w.Cell(code)
		if m.IsZero() {
			w.Cell(reason)
		} else {
			cell = m.AppendIn(cell[:0], lang)
			w.Bytes(cell)
		}
		if err := w.EndRow(); err != nil {
			w.Close()
			return err
		}
	}
	return w.Close()
}

// Reason returns the stable code and the readable text in lang of a row's
// lineage reason: empty for a kept row; for a rejected row, its first
// rejecting issue's rule and every rejecting issue's message; else the
// reason's catalogue id ("other" for a reason crmclean did not word).
func Reason(r *record.Record, lang string) (code, text string) {
	code, m, text := lineageReason(r, lang)
	if !m.IsZero() {
		text = m.In(lang)
	}
	return code, text
}

// lineageReason is Reason with the text a catalogue message, m, where it
// is one, for WriteLineage to render into its line.
func lineageReason(r *record.Record, lang string) (code string, m msg.Msg, text string) {
	if r.Reason == "" {
		return "", m, ""
	}
	if r.Status == record.Rejected {
		var texts []string
		for _, is := range r.Issues {
			if is.Severity == record.Error {
				if code == "" {
					code = is.Rule
				}
				texts = append(texts, is.Text(lang))
			}
		}
		if code != "" {
			sep := "；"
			if lang == "en" {
				sep = "; "
			}
			return code, m, strings.Join(texts, sep)
		}
	}
	if m = msg.Reason(r.Reason); m.IsZero() {
		return "other", m, r.Reason
	}
	return string(m.ID), m, ""
}

// RejectColumns are the columns of rejects.csv.
var RejectColumns = []string{"source_file", "sheet", "row", "reason_code", "reason", "column", "header", "value", "rule", "original_values"}

// WriteRejects writes rejects.csv: one row per reason of each rejected row,
// with the row's original values so nothing is lost, the reasons in lang.
func WriteRejects(ctx context.Context, dir string, records []*record.Record, lang string) error {
	return WriteRejectsFiles(ctx, dir, records, lang, Formats{CSV: true})
}

// WriteRejectsFiles writes rejects.csv and rejects.xlsx (as f says) from
// one pass over the rows.
func WriteRejectsFiles(ctx context.Context, dir string, records []*record.Record, lang string, f Formats) error {
	var lines [][]string
	for _, r := range records {
		if r.Status == record.Rejected {
			lines = append(lines, RejectLines(r, lang)...)
		}
	}
	if f.CSV {
		if err := writeLinesCSV(ctx, filepath.Join(dir, "rejects.csv"), RejectColumns, lines); err != nil {
			return err
		}
	}
	if f.XLSX {
		return writeRejectsXLSX(ctx, dir, lines)
	}
	return nil
}

// writeLinesCSV writes a CSV file of header and lines rendered beforehand
// (rejects.csv and issues.csv, whose workbooks show the same lines).
func writeLinesCSV(ctx context.Context, path string, header []string, lines [][]string) error {
	w, err := CreateCSV(ctx, path, header)
	if err != nil {
		return err
	}
	for _, line := range lines {
		if err := w.Write(line); err != nil {
			w.Close()
			return err
		}
	}
	return w.Close()
}

// RejectLines renders a rejected record as rejects.csv rows: one per issue
// of severity error, or one with the lineage reason when it has none, the
// reasons in lang.
func RejectLines(r *record.Record, lang string) [][]string {
	orig := OriginalValues(r)
	base := []string{r.Prov.File, r.Prov.Sheet, strconv.Itoa(r.Prov.Row)}
	var out [][]string
	for _, is := range r.Issues {
		if is.Severity != record.Error {
			continue
		}
		out = append(out, append(append([]string(nil), base...), is.Rule, is.Text(lang), is.Column(), is.Header, is.Value, is.Rule, orig))
	}
	if len(out) == 0 {
		code, text := Reason(r, lang)
		out = append(out, append(append([]string(nil), base...), code, text, "", "", "", "", orig))
	}
	return out
}

// OriginalValues renders a row's cells as "header=value" pairs in column order.
func OriginalValues(r *record.Record) string {
	parts := make([]string, 0, len(r.Values))
	for _, v := range r.Values {
		if v.Field() == "sensitive" {
			continue
		}
		h := v.Header()
		if h == "" {
			h = v.Column()
		}
		parts = append(parts, h+"="+v.Raw())
	}
	return strings.Join(parts, "; ")
}

package sink

import (
	"cmp"
	"context"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/crmclean/crmclean/pipeline/msg"
	"github.com/crmclean/crmclean/pipeline/record"
)

// IssueColumns are the columns of issues.csv and of each owner's sheet of
// issues.xlsx: the fix list, one row per problem found in a data row.
var IssueColumns = []string{"source_file", "sheet", "row", "column", "header", "value", "rule", "severity", "message", "fix", "owner"}

// IssueLines renders the issues of the data rows (skipped rows have none)
// as issues.csv rows, messages in lang. fix is the value crmclean wrote
// instead, or that the problem needs a person. Values of sensitive columns
// are never written.
func IssueLines(records []*record.Record, lang string) [][]string {
	needs := msg.Text(lang, "fix.needs_person")
	var out [][]string
	for _, r := range records {
		if r.Status == record.Skipped || len(r.Issues) == 0 {
			continue
		}
		sensitive := map[int]bool{}
		for _, v := range r.Values {
			if v.Field() == "sensitive" {
				sensitive[v.Col()] = true
			}
		}
		owner := cmp.Or(r.Norm.Owner, r.Get(record.FieldOwner))
		for _, is := range r.Issues {
			value, fix := is.Value, is.Fix
			if is.Field == "sensitive" || is.Col >= 0 && sensitive[is.Col] {
				value, fix = "", ""
			}
			if is.Severity != record.Info || fix == "" {
				fix = needs
			}
			out = append(out, []string{r.Prov.File, r.Prov.Sheet, strconv.Itoa(r.Prov.Row), is.Column(), is.Header, value,
				is.Rule, string(is.Severity), is.Text(lang), fix, owner})
		}
	}
	return out
}

// WriteIssues writes issues.csv, the fix list, in lang.
func WriteIssues(ctx context.Context, dir string, records []*record.Record, lang string) error {
	return WriteIssuesFiles(ctx, dir, records, lang, Formats{CSV: true})
}

// WriteIssuesXLSX writes issues.xlsx (see writeIssuesXLSX).
func WriteIssuesXLSX(ctx context.Context, dir string, records []*record.Record, lang string) error {
	return WriteIssuesFiles(ctx, dir, records, lang, Formats{XLSX: true})
}

// WriteIssuesFiles writes issues.csv and issues.xlsx (as f says) from one
// rendering of the fix list.
func WriteIssuesFiles(ctx context.Context, dir string, records []*record.Record, lang string, f Formats) error {
	lines := IssueLines(records, lang)
	if f.CSV {
		if err := writeLinesCSV(ctx, filepath.Join(dir, "issues.csv"), IssueColumns, lines); err != nil {
			return err
		}
	}
	if f.XLSX {
		return writeIssuesXLSX(ctx, dir, slices.Clone(lines), lang)
	}
	return nil
}

// writeIssuesXLSX writes issues.xlsx from the lines of issues.csv, which
// it sorts: on one sheet per owner when the sheets name owners (else one
// per source file), so that each sales rep gets only his own rows, then a
// summary sheet counting each sheet's problems and those that need a
// person.
func writeIssuesXLSX(ctx context.Context, dir string, lines [][]string, lang string) error {
	owner, file := columnIndex(IssueColumns, "owner"), columnIndex(IssueColumns, "source_file")
	by := file
	if slices.ContainsFunc(lines, func(l []string) bool { return l[owner] != "" }) {
		by = owner
	}
	none := msg.Text(lang, "fix.no_owner")
	key := func(l []string) string {
		if by == file {
			return l[file]
		}
		return cmp.Or(l[owner], none)
	}
	slices.SortStableFunc(lines, func(a, b []string) int { return strings.Compare(key(a), key(b)) })

	b, err := createXLSX(xlsxOptions{ctx: ctx, path: filepath.Join(dir, "issues.xlsx"), sheet: "issues", header: IssueColumns,
		textCols: []string{"row", "column", "value", "fix"}})
	if err != nil {
		return err
	}
	type count struct {
		sheet, group   string
		issues, person int
	}
	var counts []count
	names := map[string]bool{}
	fix := columnIndex(IssueColumns, "fix")
	needs := msg.Text(lang, "fix.needs_person")
	var cells []xlsxCell
	for i, l := range lines {
		if i == 0 || key(l) != key(lines[i-1]) {
			g := key(l)
			name := sheetName(g, by == file, names)
			if err := b.Group(name); err != nil {
				b.abort()
				return err
			}
			counts = append(counts, count{sheet: name, group: g})
		}
		c := &counts[len(counts)-1]
		c.issues++
		if l[fix] == needs {
			c.person++
		}
		cells = textCells(cells[:0], l)
		if err := b.Write(cells); err != nil {
			b.abort()
			return err
		}
	}
	if len(lines) == 0 {
		if err := b.Group("issues"); err != nil {
			b.abort()
			return err
		}
	}
	if err := b.flushSheet(); err != nil {
		b.abort()
		return err
	}
	summary := sheetName(msg.Text(lang, "fix.summary"), false, names)
	if _, err := b.f.NewSheet(summary); err != nil {
		b.abort()
		return err
	}
	rows := [][]any{{msg.Text(lang, "fix.c_sheet"), msg.Text(lang, "fix.c_group"), msg.Text(lang, "fix.c_issues"), msg.Text(lang, "fix.c_person")}}
	for _, c := range counts {
		rows = append(rows, []any{c.sheet, c.group, c.issues, c.person})
	}
	for i, r := range rows {
		if err := b.f.SetSheetRow(summary, "A"+strconv.Itoa(i+1), &r); err != nil {
			b.abort()
			return err
		}
	}
	if err := b.f.SetColWidth(summary, "A", "B", 28); err != nil {
		b.abort()
		return err
	}
	return b.Close()
}

// sheetName makes a group's name a valid, unused sheet name: at most 31
// characters, none of []:*?/\, a file by its base name without extension.
func sheetName(s string, isFile bool, used map[string]bool) string {
	if isFile {
		s = strings.TrimSuffix(path.Base(s), path.Ext(s))
	}
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '_'
		}
		return r
	}, strings.Trim(s, "'"))
	s = cmp.Or(s, "_")
	if rs := []rune(s); len(rs) > 28 {
		s = string(rs[:28])
	}
	name := s
	for n := 2; used[strings.ToLower(name)]; n++ {
		name = s + "~" + strconv.Itoa(n)
	}
	used[strings.ToLower(name)] = true
	return name
}

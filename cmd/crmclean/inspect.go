package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/crmclean/crmclean/pipeline/ingest"
	"github.com/crmclean/crmclean/pipeline/mapping"
	"github.com/crmclean/crmclean/pipeline/record"
)

func inspectCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("crmclean inspect", flag.ContinueOnError)
	fs.SetOutput(stdout) // for --help; parse errors are returned, not printed
	var c commonFlags
	c.register(fs)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: crmclean inspect [flags] INPUT...\n\nShow, for each file and sheet, the encoding, delimiter, header row, how each column maps\nto a customer field and why, and how many data rows it holds. Nothing is written.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	inputs, done, err := parseArgs(fs, args)
	if done {
		return err
	}
	if len(inputs) == 0 {
		return usagef("no INPUT given: name the files or folders of sheets to inspect")
	}
	r, err := loadRules(c.rulesFile)
	if err != nil {
		return err
	}
	files, ignored, err := ingest.Discover(inputs)
	if err != nil {
		return err
	}
	reader := ingest.NewReader(r)
	for _, in := range files {
		rep := reader.ReadFile(ctx, in, func(*record.Record) {})
		writeInspect(stdout, rep)
	}
	for _, ig := range ignored {
		fmt.Fprintf(stdout, "skipped %s: %s\n", ig.Path, ig.Reason)
	}
	return nil
}

// writeInspect prints one file's report.
func writeInspect(w io.Writer, rep ingest.FileReport) {
	fmt.Fprintf(w, "%s\n", rep.Rel)
	if rep.Err != nil && len(rep.Sheets) == 0 {
		fmt.Fprintf(w, "  cannot be read: %v\n\n", rep.Err)
		return
	}
	switch rep.Format {
	case "csv":
		fmt.Fprintf(w, "  format: CSV, encoding %s, delimiter %s\n", rep.Encoding, delimName(rep.Delim))
	default:
		fmt.Fprintf(w, "  format: %s\n", strings.ToUpper(rep.Format))
	}
	for _, sk := range rep.Skipped {
		fmt.Fprintf(w, "  sheet %q not read: %s\n", sk.Name, sk.Reason)
	}
	for _, sh := range rep.Sheets {
		prefix := "  "
		if rep.Format != "csv" {
			fmt.Fprintf(w, "  sheet %q\n", sh.Name)
			prefix = "    "
		}
		if !sh.HeaderFound {
			switch {
			case sh.Err != nil:
				fmt.Fprintf(w, "%s%s\n", prefix, stopMessage(sh))
			case sh.Rows == 0:
				fmt.Fprintf(w, "%sempty sheet\n", prefix)
			}
			if sh.Rows > 0 {
				fmt.Fprintf(w, "%sno header row found in the first %d rows: its %d rows would be rejected\n", prefix, mapping.HeaderScan, sh.Rows)
			}
			continue
		}
		fmt.Fprintf(w, "%sheader row: %d\n", prefix, sh.Layout.HeaderRow)
		var lines [][4]string
		var unmapped []string
		for _, col := range sh.Layout.Columns {
			field, why := col.Field, col.Evidence
			switch {
			case col.Sensitive:
				field = "(dropped: sensitive)"
			case field == "":
				field = "(kept as extra column)"
				unmapped = append(unmapped, fmt.Sprintf("%s %q", col.Letter(), col.Header))
			}
			if col.Detail != "" {
				why += ": " + col.Detail
			}
			lines = append(lines, [4]string{col.Letter(), fmt.Sprintf("%q", col.Header), "→ " + field, why})
		}
		writeColumns(w, prefix+"  ", lines)
		for _, col := range sh.Layout.Columns {
			if col.Warning != "" {
				fmt.Fprintf(w, "%swarning: column %s %q: %s\n", prefix, col.Letter(), col.Header, col.Warning)
			}
		}
		if sh.Layout.PersonList {
			fmt.Fprintf(w, "%sno customer-name column: each row's person is the customer\n", prefix)
		}
		if len(unmapped) > 0 {
			fmt.Fprintf(w, "%sunmapped: %s\n", prefix, strings.Join(unmapped, ", "))
		}
		fmt.Fprintf(w, "%srows: %d data, %d noise (footers, subtotals, blank), %d read in all\n", prefix, sh.DataRows, sh.Noise, sh.Rows)
		for _, msg := range sh.Warnings {
			fmt.Fprintf(w, "%swarning: %s\n", prefix, msg)
		}
		if sh.Err != nil {
			fmt.Fprintf(w, "%s%s\n", prefix, stopMessage(sh))
		}
	}
	if rep.Err != nil {
		fmt.Fprintf(w, "  problem: %v\n", rep.Err)
	}
	fmt.Fprintln(w)
}

// writeColumns prints rows of cells padded to the display width of each
// column (a Chinese character takes two cells on a terminal).
func writeColumns(w io.Writer, prefix string, rows [][4]string) {
	var widths [4]int
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], displayWidth(c))
		}
	}
	for _, r := range rows {
		var b strings.Builder
		b.WriteString(prefix)
		for i, c := range r {
			b.WriteString(c)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-displayWidth(c)+2))
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}

// displayWidth counts East Asian wide characters as two cells.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		if unicode.Is(unicode.Han, r) || r >= 0x3000 && r <= 0x303F || r >= 0xFF00 && r <= 0xFF60 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

func delimName(d rune) string {
	switch d {
	case ',':
		return "comma"
	case '\t':
		return "tab"
	case ';':
		return "semicolon"
	case '|':
		return "pipe"
	case 0:
		return "unknown"
	}
	return fmt.Sprintf("%q", d)
}

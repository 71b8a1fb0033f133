package main

import (
	"bytes"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// explainCommand shows which rows formed a customer and the evidence and
// weights for each link, from a run's output folder.
func explainCommand(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("crmclean explain", flag.ContinueOnError)
	fs.SetOutput(stdout) // for --help; parse errors are returned, not printed
	out := fs.String("out", "out", "output `DIR` of the run to explain")
	statePath := fs.String("state", "", "explain from the state `FILE` of incremental runs instead of an output folder\n(needed after --changes-only runs, whose outputs hold only what changed)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: crmclean explain [--out DIR | --state FILE] CUSTOMER_ID...\n\nShow the rows that formed each customer, and the evidence and weights that linked them.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	ids, done, err := parseArgs(fs, args)
	if done {
		return err
	}
	if len(ids) == 0 {
		return usagef("no CUSTOMER_ID given")
	}
	if *statePath != "" {
		return explainFromState(*statePath, ids, stdout)
	}
	tables := map[string][]map[string]string{}
	for _, name := range []string{"clean.csv", "lineage.csv", "links.csv", "review.csv"} {
		rows, err := readOutputCSV(filepath.Join(*out, name))
		if err != nil {
			return fmt.Errorf("read the run's output: %w (run crmclean run first, or pass --out)", err)
		}
		tables[name] = rows
	}
	for _, id := range ids {
		if err := explainOne(stdout, id, tables); err != nil {
			return err
		}
	}
	return nil
}

func explainOne(w io.Writer, id string, t map[string][]map[string]string) error {
	var cust map[string]string
	for _, c := range t["clean.csv"] {
		if c["customer_id"] == id {
			cust = c
		}
	}
	if cust == nil {
		return usagef("customer %q is not in clean.csv of this run (after a --changes-only run, explain with --state FILE)", id)
	}
	fmt.Fprintf(w, "%s  %s (%s)\n", id, cust["name"], cust["kind"])
	for _, f := range []string{"contact", "mobile", "phones", "landline", "email", "province", "city", "district", "address", "uscc", "source_ids"} {
		if v := cust[f]; v != "" {
			fmt.Fprintf(w, "  %-10s %s\n", f, v)
		}
	}
	fmt.Fprintln(w, "\nrows:")
	for _, l := range t["lineage.csv"] {
		if l["customer_id"] == id {
			fmt.Fprintf(w, "  %-7s %s\n", l["status"], place(l["source_file"], l["sheet"], l["row"]))
		}
	}
	links := 0
	for _, l := range t["links.csv"] {
		if l["customer_id"] != id {
			continue
		}
		if links == 0 {
			fmt.Fprintln(w, "\nlinks (automatic merges):")
		}
		links++
		fmt.Fprintf(w, "  %s ~ %s  score %s\n", place(l["source_a"], l["sheet_a"], l["row_a"]), place(l["source_b"], l["sheet_b"], l["row_b"]), l["score"])
		for _, e := range strings.Split(l["evidence"], "; ") {
			fmt.Fprintf(w, "      %s\n", e)
		}
	}
	if links == 0 {
		fmt.Fprintln(w, "\nno links: the customer comes from one row")
	}
	for _, r := range t["review.csv"] {
		if r["customer_id_a"] == id || r["customer_id_b"] == id {
			other := r["customer_id_b"]
			if other == id {
				other = r["customer_id_a"]
			}
			fmt.Fprintf(w, "\nin review: pair %s with %s, score %s, decision %q\n      %s\n", r["pair_id"], other, r["score"], r["decision"], r["evidence"])
		}
	}
	fmt.Fprintln(w)
	return nil
}

func place(file, sheet, row string) string {
	if sheet == "" {
		return fmt.Sprintf("%s row %s", file, row)
	}
	return fmt.Sprintf("%s [%s] row %s", file, sheet, row)
}

// readOutputCSV reads one of crmclean's output CSV files into header-keyed rows.
func readOutputCSV(path string) ([]map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff"))))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(recs) == 0 {
		return nil, nil
	}
	out := make([]map[string]string, 0, len(recs)-1)
	for _, rec := range recs[1:] {
		m := make(map[string]string, len(recs[0]))
		for i, h := range recs[0] {
			if i < len(rec) {
				m[h] = strings.TrimPrefix(rec[i], "'")
			}
		}
		out = append(out, m)
	}
	return out, nil
}

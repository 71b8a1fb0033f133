package main

import (
	"encoding/csv"
	"encoding/json"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// englishRE finds two or more English words in a row: a sentence or a
// phrase, where ids, codes, file names and single proper names are one word.
var englishRE = regexp.MustCompile(`[A-Za-z][A-Za-z'-]+(?:[ ]+[A-Za-z][A-Za-z'-]+)+`)

// properNames may appear in a Chinese text as they are, and so may
// crmclean commands.
var properNames = regexp.MustCompile(`UTF-8 BOM|UTF-16[LB]E BOM|crmclean [a-z]+`)

// TestZhOutputsHaveNoEnglish runs the fixtures in the default language and
// checks that what a person reads — the report page, the texts of
// report.json, the reasons of lineage.csv and rejects.csv, the texts of
// review.csv and the fix list — holds no English phrase outside ids,
// numbers and proper names.
func TestZhOutputsHaveNoEnglish(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	if code, _, stderr := runCLI(t, "run", "--quiet", "--out", out, fixtures); code != 0 {
		t.Fatalf("run: %d %s", code, stderr)
	}
	check := func(where, text string) {
		t.Helper()
		for _, m := range englishRE.FindAllString(properNames.ReplaceAllString(text, ""), -1) {
			t.Errorf("%s: English %q in %q", where, m, text)
		}
	}

	page, err := os.ReadFile(filepath.Join(out, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	body := regexp.MustCompile(`(?s)<style.*?</style>`).ReplaceAllString(string(page), "")
	for _, text := range regexp.MustCompile(`<[^>]*>`).Split(body, -1) {
		if text = strings.TrimSpace(html.UnescapeString(text)); text != "" {
			check("report.html", text)
		}
	}

	data, err := os.ReadFile(filepath.Join(out, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				walk(path+"."+k, x)
			}
		case []any:
			for _, x := range v {
				walk(path, x)
			}
		case string:
			check("report.json "+path, v)
		}
	}
	walk("", doc)

	for _, name := range []string{"lineage.csv", "rejects.csv"} {
		for _, row := range readCSVRows(t, filepath.Join(out, name), "reason") {
			check(name, row)
		}
	}
	// The texts a consultant reads in review.csv, and the fix list.
	for _, col := range []string{"pattern_label", "agreed", "disagreed", "missing", "source_a", "source_b", "evidence"} {
		for _, v := range readCSVRows(t, filepath.Join(out, "review.csv"), col) {
			check("review.csv "+col, v)
			if strings.HasPrefix(col, "source_") && !strings.Contains(v, "第 ") {
				t.Errorf("review.csv %s: %q does not say the row in Chinese", col, v)
			}
		}
	}
	for _, col := range []string{"message", "fix"} {
		for _, v := range readCSVRows(t, filepath.Join(out, "issues.csv"), col) {
			check("issues.csv "+col, v)
		}
	}
}

// readCSVRows returns the values of column col of a CSV file.
func readCSVRows(t *testing.T, path, col string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 {
		t.Fatalf("%s is empty", path)
	}
	at := -1
	for i, h := range rows[0] {
		if strings.TrimPrefix(h, "\ufeff") == col {
			at = i
		}
	}
	if at < 0 {
		t.Fatalf("%s has no column %s: %v", path, col, rows[0])
	}
	var out []string
	for _, r := range rows[1:] {
		out = append(out, r[at])
	}
	return out
}

// TestIssuesListEveryIssue checks that the fix list has one row for every
// issue report.json counts, rule by rule, and that it is owner-only.
func TestIssuesListEveryIssue(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	if code, _, stderr := runCLI(t, "run", "--quiet", "--out", out, fixtures); code != 0 {
		t.Fatalf("run: %d %s", code, stderr)
	}
	data, err := os.ReadFile(filepath.Join(out, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Summary struct{ Issues int } `json:"summary"`
		Issues  []struct {
			Rule  string `json:"rule"`
			Count int    `json:"count"`
		} `json:"issues"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{}
	for _, g := range doc.Issues {
		want[g.Rule] = g.Count
	}
	got := map[string]int{}
	rules := readCSVRows(t, filepath.Join(out, "issues.csv"), "rule")
	for _, r := range rules {
		got[r]++
	}
	if len(rules) != doc.Summary.Issues || doc.Summary.Issues == 0 {
		t.Errorf("issues.csv has %d rows, report.json counts %d issues", len(rules), doc.Summary.Issues)
	}
	for rule, n := range want {
		if got[rule] != n {
			t.Errorf("rule %s: %d rows in issues.csv, report.json counts %d", rule, got[rule], n)
		}
	}
	for rule := range got {
		if _, ok := want[rule]; !ok {
			t.Errorf("rule %s in issues.csv is not in report.json", rule)
		}
	}
	for _, name := range []string{"issues.csv", "issues.xlsx"} {
		fi, err := os.Stat(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600: it is personal data", name, fi.Mode().Perm())
		}
	}
}

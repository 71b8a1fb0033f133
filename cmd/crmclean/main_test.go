package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

var update = flag.Bool("update", false, "rewrite golden files")

const fixtures = "../../fixtures/sheets"

// readCSV reads an output CSV (UTF-8 with BOM) into header-keyed rows.
func readCSV(t *testing.T, path string) []map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasPrefix(filepath.Base(filepath.Dir(path)), "out") && !bytes.HasPrefix(data, []byte("\ufeff")) {
		t.Errorf("%s: no UTF-8 BOM", filepath.Base(path))
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var out []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = r[i]
		}
		out = append(out, m)
	}
	return out
}

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	code = run(context.Background(), args, &o, &e)
	return code, o.String(), e.String()
}

// TestRunFixtures runs the whole pipeline on the bundled sheets and checks
// that every input row is accounted for exactly once, per the truth the
// fixture generator wrote.
func TestRunFixtures(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	code, _, stderr := runCLI(t, "run", "--quiet", "--out", out, fixtures)
	if code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	lineage := readCSV(t, filepath.Join(out, "lineage.csv"))
	type key struct{ file, sheet, row string }
	status := map[key]map[string]string{}
	for _, l := range lineage {
		k := key{l["source_file"], l["sheet"], l["row"]}
		if _, dup := status[k]; dup {
			t.Errorf("lineage lists %v twice", k)
		}
		status[k] = l
		switch l["status"] {
		case "kept", "merged":
			if l["customer_id"] == "" {
				t.Errorf("%v: %s without customer_id", k, l["status"])
			}
		case "rejected", "skipped":
			if l["reason"] == "" {
				t.Errorf("%v: %s without a reason", k, l["status"])
			}
		default:
			t.Errorf("%v: bad status %q", k, l["status"])
		}
	}
	truth := readCSV(t, "../../fixtures/truth.csv")
	inTruth := map[key]bool{}
	for _, tr := range truth {
		k := key{tr["source_file"], tr["sheet"], tr["row"]}
		inTruth[k] = true
		l, ok := status[k]
		if !ok {
			t.Errorf("truth row %v missing from lineage.csv", k)
			continue
		}
		if l["status"] != "kept" && l["status"] != "merged" {
			t.Errorf("truth row %v (%s) is %s: %s", k, tr["name"], l["status"], l["reason"])
		}
	}
	for k, l := range status {
		if !inTruth[k] && (l["status"] == "kept" || l["status"] == "merged") {
			t.Errorf("row %v is not customer data but was %s", k, l["status"])
		}
	}
	// Files and sheets that cannot or must not be read are reported by name.
	for _, ex := range readCSV(t, "../../fixtures/expected_files.csv") {
		name := ex["source_file"]
		if !strings.Contains(stderr, name) && !strings.Contains(stderr, ex["sheet"]+"\"") {
			t.Errorf("stderr does not mention %s (%s)", name, ex["kind"])
		}
		if ex["kind"] == "hidden_sheet" {
			for k := range status {
				if k.file == name && k.sheet == ex["sheet"] {
					t.Errorf("hidden sheet row %v was read", k)
				}
			}
		}
	}
	for _, f := range []string{"clean.csv", "contacts.csv", "rejects.csv", "review.csv", ".crmclean-output"} {
		info, err := os.Stat(filepath.Join(out, f))
		if err != nil {
			t.Errorf("output %s: %v", f, err)
			continue
		}
		if perm := info.Mode().Perm(); perm&0o077 != 0 {
			t.Errorf("%s is readable by others: %v", f, perm)
		}
	}
}

func TestRunRefusesForeignFolder(t *testing.T) {
	out := t.TempDir()
	if err := os.WriteFile(filepath.Join(out, "notes.txt"), []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, "run", "--quiet", "--out", out, fixtures)
	if code != exitUsage || !strings.Contains(stderr, "was not created by crmclean") {
		t.Fatalf("exit %d, stderr %q; want 2 and a refusal", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "notes.txt")); err != nil {
		t.Fatal("user's file touched")
	}
}

func TestRunReplacesItsOwnOutput(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	for i := range 2 {
		if code, _, stderr := runCLI(t, "run", "--quiet", "--out", out, fixtures); code != exitOK {
			t.Fatalf("run %d: exit %d\n%s", i, code, stderr)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "rules.yaml")
	os.WriteFile(bad, []byte("colums: {}\n"), 0o600)
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no command", nil, exitUsage, "Usage"},
		{"unknown command", []string{"frobnicate"}, exitUsage, `unknown command "frobnicate"`},
		{"no input", []string{"run"}, exitUsage, "no INPUT"},
		{"bad lang", []string{"run", "--lang", "fr", fixtures}, exitUsage, "--lang"},
		{"bad rules", []string{"run", "--rules", bad, fixtures}, exitUsage, "line 1: unknown key colums (did you mean columns?)"},
		{"misspelt command", []string{"inspcet", fixtures}, exitUsage, `unknown command "inspcet" (did you mean "inspect"?)` + "\nTry: crmclean inspect --help"},
		{"misspelt flag", []string{"run", "--ot", "x", fixtures}, exitUsage, "Error: unknown flag --ot (did you mean --out?)\nTry: crmclean run --help\n"},
		{"flag without value", []string{"run", fixtures, "--out"}, exitUsage, "flag --out needs a value"},
		{"bad number", []string{"run", "--workers", "many", fixtures}, exitUsage, `invalid value "many" for flag --workers`},
		{"missing input", []string{"run", "--out", filepath.Join(t.TempDir(), "o"), "/nonexistent/sheets"}, exitFailed, "/nonexistent/sheets"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want %d containing %q", code, stderr, tt.code, tt.want)
			}
		})
	}
}

// TestHelp checks that every command answers --help on stdout with exit
// 0, and that a wrong flag prints one error, no usage dump.
func TestHelp(t *testing.T) {
	for _, cmd := range [][]string{{"run"}, {"inspect"}, {"explain"}, {"review", "apply"}, {"review"}, {"decide"}, {"purge"}, {"init"}, {"help"}} {
		for _, flag := range []string{"--help", "-h"} {
			args := append(append([]string(nil), cmd...), flag)
			code, stdout, stderr := runCLI(t, args...)
			if code != exitOK || !strings.Contains(stdout, "Usage") || stderr != "" {
				t.Errorf("%v: exit %d, stdout %d bytes, stderr %q; want 0 and the usage on stdout", args, code, len(stdout), stderr)
			}
		}
	}
	code, stdout, stderr := runCLI(t, "run", "--outt", "x", fixtures)
	if code != exitUsage || stdout != "" || strings.Count(stderr, "\n") != 2 {
		t.Errorf("wrong flag: exit %d, stdout %q, stderr %q; want 2 and two lines (Error, Try)", code, stdout, stderr)
	}
}

func TestStrictExitCode(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	// The fixtures hold unreadable files, so --strict must say so.
	if code, _, _ := runCLI(t, "run", "--quiet", "--strict", "--out", out, fixtures); code != exitRejected {
		t.Fatalf("exit %d, want %d", code, exitRejected)
	}
}

func TestInit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.yaml")
	if code, _, stderr := runCLI(t, "init", path); code != 0 {
		t.Fatalf("init: %d %s", code, stderr)
	}
	if code, _, stderr := runCLI(t, "init", path); code != exitUsage || !strings.Contains(stderr, "already exists") {
		t.Fatalf("second init: %d %s", code, stderr)
	}
	// The written file loads as a rules file.
	out := filepath.Join(t.TempDir(), "out")
	if code, _, stderr := runCLI(t, "run", "--quiet", "--rules", path, "--out", out, fixtures); code != 0 {
		t.Fatalf("run with written rules: %d %s", code, stderr)
	}
}

// TestInspectGolden pins what `crmclean inspect` says about every fixture.
func TestInspectGolden(t *testing.T) {
	code, stdout, stderr := runCLI(t, "inspect", fixtures)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	golden := filepath.Join("testdata", "inspect.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(stdout), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if stdout != string(want) {
		t.Errorf("inspect output differs from %s (go test -update to accept):\n%s", golden, stdout)
	}
}

func TestExplain(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	if code, _, stderr := runCLI(t, "run", "--quiet", "--out", out, fixtures); code != 0 {
		t.Fatalf("run: %d %s", code, stderr)
	}
	var id string
	for _, c := range readCSV(t, filepath.Join(out, "clean.csv")) {
		if c["source_count"] != "1" {
			id = c["customer_id"]
			break
		}
	}
	if id == "" {
		t.Fatal("no merged customer in the fixtures")
	}
	code, stdout, stderr := runCLI(t, "explain", "--out", out, id)
	if code != 0 {
		t.Fatalf("explain: %d %s", code, stderr)
	}
	for _, want := range []string{id, "rows:", "kept", "merged", "links (automatic merges):", "score"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("explain output lacks %q:\n%s", want, stdout)
		}
	}
	if code, _, stderr := runCLI(t, "explain", "--out", out, "CNOSUCHID"); code != exitUsage || !strings.Contains(stderr, "CNOSUCHID") {
		t.Errorf("unknown id: exit %d %q", code, stderr)
	}
}

// TestExplainFromState explains customers from the state file of a run and
// expects what explaining them from its output folder shows.
func TestExplainFromState(t *testing.T) {
	dir := t.TempDir()
	out, db := filepath.Join(dir, "out"), filepath.Join(dir, "state.db")
	if code, _, stderr := runCLI(t, "run", "--quiet", "--state", db, "--out", out, fixtures); code != 0 {
		t.Fatalf("run: %d %s", code, stderr)
	}
	explained := 0
	for _, c := range readCSV(t, filepath.Join(out, "clean.csv")) {
		if c["source_count"] == "1" {
			continue
		}
		id := c["customer_id"]
		_, fromOut, _ := runCLI(t, "explain", "--out", out, id)
		code, fromState, stderr := runCLI(t, "explain", "--state", db, id)
		if code != 0 {
			t.Fatalf("explain --state %s: %d %s", id, code, stderr)
		}
		if fromState != fromOut {
			t.Errorf("explain %s from the state:\n%s\nfrom the output folder:\n%s", id, fromState, fromOut)
		}
		if explained++; explained == 20 {
			break
		}
	}
	if explained == 0 {
		t.Fatal("no merged customer in the fixtures")
	}
	if code, _, stderr := runCLI(t, "explain", "--state", db, "CNOSUCHID"); code != exitUsage || !strings.Contains(stderr, "CNOSUCHID") {
		t.Errorf("unknown id: exit %d %q", code, stderr)
	}
}

// TestMatchingOnLabelledCases checks the fixtures' labelled matching cases:
// hard negatives (branches, common names, one trade name in two provinces,
// families sharing a landline, a shared sales-rep phone, homophone names)
// never share a customer, and the same customer written differently across
// files becomes one customer.
func TestMatchingOnLabelledCases(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	if code, _, stderr := runCLI(t, "run", "--quiet", "--out", out, fixtures); code != 0 {
		t.Fatalf("run: %d %s", code, stderr)
	}
	type key struct{ file, sheet, row string }
	customer := map[key]string{}
	for _, l := range readCSV(t, filepath.Join(out, "lineage.csv")) {
		customer[key{l["source_file"], l["sheet"], l["row"]}] = l["customer_id"]
	}
	entitiesOf := map[string]map[string]bool{} // customer → true entities
	byCase := map[string][]map[string]string{}
	for _, tr := range readCSV(t, "../../fixtures/truth.csv") {
		c := customer[key{tr["source_file"], tr["sheet"], tr["row"]}]
		if entitiesOf[c] == nil {
			entitiesOf[c] = map[string]bool{}
		}
		entitiesOf[c][tr["entity_id"]] = true
		tr["customer_id"] = c
		byCase[tr["case"]] = append(byCase[tr["case"]], tr)
	}
	for c, ents := range entitiesOf {
		if len(ents) > 1 {
			t.Errorf("customer %s merges different customers %v", c, ents)
		}
	}
	for name, rows := range byCase {
		if !strings.HasPrefix(name, "hn_") {
			continue
		}
		seen := map[string]string{}
		for _, r := range rows {
			if e, ok := seen[r["customer_id"]]; ok && e != r["entity_id"] {
				t.Errorf("%s: %s and %s merged", name, e, r["entity_id"])
			}
			seen[r["customer_id"]] = r["entity_id"]
		}
	}
	for _, name := range []string{"same_company_variants", "same_person_3_depts"} {
		ids := map[string]map[string]bool{} // entity → customers
		for _, r := range byCase[name] {
			if ids[r["entity_id"]] == nil {
				ids[r["entity_id"]] = map[string]bool{}
			}
			ids[r["entity_id"]][r["customer_id"]] = true
		}
		for e, cs := range ids {
			if len(cs) != 1 {
				t.Errorf("%s: entity %s split over customers %v", name, e, cs)
			}
		}
	}
}

func TestFormatProfiles(t *testing.T) {
	for format, file := range map[string]string{"salesforce": "salesforce_accounts.csv", "cn-crm": "cn_crm_客户.csv"} {
		out := filepath.Join(t.TempDir(), "out")
		if code, _, stderr := runCLI(t, "run", "--quiet", "--format", format, "--out", out, fixtures); code != 0 {
			t.Fatalf("%s: exit %d %s", format, code, stderr)
		}
		rows := readCSV(t, filepath.Join(out, file))
		clean := readCSV(t, filepath.Join(out, "clean.csv"))
		if len(rows) == 0 || len(rows) > len(clean) {
			t.Errorf("%s: %d rows for %d customers", file, len(rows), len(clean))
		}
	}
	if code, _, stderr := runCLI(t, "run", "--format", "nope", "--out", filepath.Join(t.TempDir(), "o"), fixtures); code != exitUsage || !strings.Contains(stderr, `"nope"`) {
		t.Errorf("unknown profile: exit %d %q", code, stderr)
	}
}

// TestSensitiveColumnsNeverLeak checks that ID-card and bank-account values
// in the fixtures reach no output file by default, and only clean.csv and
// clean.xlsx when the rules keep them.
func TestSensitiveColumnsNeverLeak(t *testing.T) {
	wb, err := excelize.OpenFile(filepath.Join(fixtures, "门店会员.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	var secrets []string
	for _, sheet := range wb.GetSheetList() {
		rows, _ := wb.GetRows(sheet)
		for i, r := range rows {
			for j, h := range rows[0] {
				if i > 0 && (h == "身份证号" || h == "银行账号") && j < len(r) && len(r[j]) > 8 {
					secrets = append(secrets, r[j])
				}
			}
		}
	}
	wb.Close()
	if len(secrets) == 0 {
		t.Fatal("fixture has no sensitive values")
	}
	keep := filepath.Join(t.TempDir(), "keep.yaml")
	os.WriteFile(keep, []byte("sensitive:\n  keep: true\n"), 0o600)
	for _, tc := range []struct {
		name    string
		args    []string
		allowed map[string]bool
	}{
		{"dropped", nil, nil},
		{"kept", []string{"--rules", keep}, map[string]bool{"clean.csv": true, "clean.xlsx": true}},
	} {
		out := filepath.Join(t.TempDir(), "out")
		args := append(append([]string{"run", "--quiet", "--format", "cn-crm", "--out", out}, tc.args...), fixtures)
		if code, _, stderr := runCLI(t, args...); code != 0 {
			t.Fatalf("%s: %d %s", tc.name, code, stderr)
		}
		entries, _ := os.ReadDir(out)
		found := map[string]bool{}
		for _, e := range entries {
			data, _ := os.ReadFile(filepath.Join(out, e.Name()))
			if strings.HasSuffix(e.Name(), ".xlsx") {
				data = xlsxText(t, filepath.Join(out, e.Name()))
			}
			for _, s := range secrets {
				if bytes.Contains(data, []byte(s)) {
					found[e.Name()] = true
					if !tc.allowed[e.Name()] {
						t.Errorf("%s: %s holds sensitive value %s", tc.name, e.Name(), s)
					}
				}
			}
		}
		if tc.allowed != nil && !found["clean.csv"] {
			t.Errorf("%s: sensitive values not in clean.csv although the rules keep them", tc.name)
		}
	}
}

// xlsxText returns every cell text of a workbook, one per line.
func xlsxText(t *testing.T, path string) []byte {
	t.Helper()
	wb, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	var b bytes.Buffer
	for _, sheet := range wb.GetSheetList() {
		rows, _ := wb.GetRows(sheet)
		for _, r := range rows {
			b.WriteString(strings.Join(r, "\n"))
			b.WriteByte('\n')
		}
	}
	return b.Bytes()
}

// TestReportJSONGolden pins report.json of a run on the fixtures; the run's
// start time and duration are the only figures that may vary.
func TestReportJSONGolden(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	if code, _, stderr := runCLI(t, "run", "--quiet", "--out", out, fixtures); code != 0 {
		t.Fatalf("run: %d %s", code, stderr)
	}
	data, err := os.ReadFile(filepath.Join(out, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	summary := doc["summary"].(map[string]any)
	for _, k := range []string{"started_at", "duration_seconds"} {
		if _, ok := summary[k]; !ok {
			t.Errorf("summary.%s missing", k)
		}
		summary[k] = "(varies)"
	}
	got, _ := json.MarshalIndent(doc, "", "  ")
	golden := filepath.Join("testdata", "report.fixtures.json")
	if *update {
		if err := os.WriteFile(golden, append(got, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (go test -update creates it)", err)
	}
	if string(append(got, '\n')) != string(want) {
		t.Errorf("report.json differs from %s (go test -update to accept)", golden)
	}
}

// TestSummaryCountsOnRerun checks that a re-run reading no file but
// merging two customers by a decision says so in its summary.
func TestSummaryCountsOnRerun(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "state.db")
	out1, out2 := filepath.Join(dir, "out1"), filepath.Join(dir, "out2")
	if code, _, stderr := runCLI(t, "run", "--quiet", "--state", db, "--out", out1, fixtures); code != exitOK {
		t.Fatalf("run 1: exit %d\n%s", code, stderr)
	}
	clean := readCSV(t, filepath.Join(out1, "clean.csv"))
	a, b := clean[0]["customer_id"], clean[1]["customer_id"]
	if code, _, stderr := runCLI(t, "decide", "merge", "--state", db, a, b); code != exitOK {
		t.Fatalf("decide: exit %d\n%s", code, stderr)
	}
	code, stdout, stderr := runCLI(t, "run", "--state", db, "--out", out2, fixtures)
	if code != exitOK {
		t.Fatalf("run 2: exit %d\n%s", code, stderr)
	}
	summary := stdout + stderr
	merged := 0
	for _, r := range readCSV(t, filepath.Join(out2, "lineage.csv")) {
		if r["status"] == "merged" {
			merged++
		}
	}
	if want := fmt.Sprintf("rows merged        %d ", merged); !strings.Contains(summary, want) {
		t.Errorf("summary lacks %q (lineage.csv's merged rows):\n%s", want, summary)
	}
	if !strings.Contains(summary, ", 1 merged,") {
		t.Errorf("summary does not count the merged customer:\n%s", summary)
	}
}

// TestMemProfile: CRMCLEAN_MEMPROFILE=FILE writes a heap profile at the end
// of every stage of a run, as FILE.stage, even with --quiet.
func TestMemProfile(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("CRMCLEAN_MEMPROFILE", filepath.Join(dir, "heap"))
	if code, _, stderr := runCLI(t, "run", "--quiet", "--out", filepath.Join(dir, "out"), fixtures); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, stage := range []string{"read", "match", "golden-records", "write"} {
		b, err := os.ReadFile(filepath.Join(dir, "heap."+stage))
		if err != nil {
			t.Errorf("no profile of stage %s: %v", stage, err)
		} else if !bytes.HasPrefix(b, []byte{0x1f, 0x8b}) { // a gzipped pprof protobuf
			t.Errorf("heap.%s is not a profile: % x…", stage, b[:min(len(b), 8)])
		}
	}
}

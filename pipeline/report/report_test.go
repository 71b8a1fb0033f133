package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/crmclean/crmclean/pipeline/cputime"
	"github.com/crmclean/crmclean/pipeline/match"
)

var update = flag.Bool("update", false, "rewrite testdata/report.json from the current output")

func marshal(t *testing.T, r *Report) []byte {
	t.Helper()
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(data, '\n')
}

func TestGoldenJSON(t *testing.T) {
	dir := t.TempDir()
	if err := WriteJSON(dir, Build(fixtureInput())); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "report.json")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./pipeline/report -run TestGoldenJSON -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) && i < len(wl); i++ {
			if gl[i] != wl[i] {
				t.Fatalf("report.json differs from %s at line %d:\n got: %s\nwant: %s\n(run with -update if the change is intended)", golden, i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("report.json differs from %s in length: got %d lines, want %d", golden, len(gl), len(wl))
	}
}

func TestWriteFileMode(t *testing.T) {
	dir := t.TempDir()
	r := Build(fixtureInput())
	if err := WriteJSON(dir, r); err != nil {
		t.Fatal(err)
	}
	if err := WriteHTML(dir, r, "zh"); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"report.json", "report.html"} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s mode = %v, want 0600", name, fi.Mode().Perm())
		}
	}
	if err := WriteJSON(filepath.Join(dir, "missing", "dir"), r); err == nil || !strings.Contains(err.Error(), "report.json") {
		t.Errorf("WriteJSON into a missing folder: err = %v, want an error naming report.json", err)
	}
}

// TestDeterministic checks that the volatile fields come from Input only.
func TestDeterministic(t *testing.T) {
	a, b := marshal(t, Build(fixtureInput())), marshal(t, Build(fixtureInput()))
	if !bytes.Equal(a, b) {
		t.Fatal("two builds of the same input differ")
	}
	in := fixtureInput()
	in.Started = in.Started.Add(1)
	in.Duration++
	r := Build(in)
	if r.Summary.StartedAt != "2026-11-23T12:00:00+08:00" {
		t.Errorf("started_at = %q, want the rules' time zone +08:00", r.Summary.StartedAt)
	}
}

func TestFigures(t *testing.T) {
	r := Build(fixtureInput())
	s := r.Summary
	ints := []struct {
		name      string
		got, want int
	}{
		{"files_found", s.FilesFound, 3},
		{"files_read", s.FilesRead, 2},
		{"files_unreadable", s.FilesUnreadable, 1},
		{"files_ignored", s.FilesIgnored, 1},
		{"sheets_read", s.SheetsRead, 3},
		{"rows_read", s.RowsRead, 14},
		{"data_rows", s.DataRows, 7},
		{"skipped_rows", s.SkippedRows, 7},
		{"rejected_rows", s.RejectedRows, 1},
		{"kept_rows", s.KeptRows, 5},
		{"merged_rows", s.MergedRows, 1},
		{"customers", s.Customers, 5},
		{"companies", s.Companies, 2},
		{"persons", s.Persons, 3},
		{"review_pairs", s.ReviewPairs, 2},
		{"phones.mobile", r.Phones.Mobile, 4},
		{"phones.landline", r.Phones.Landline, 1},
		{"phones.service", r.Phones.Service, 1},
		{"phones.invalid", r.Phones.Invalid, 1},
		{"address.rows_with_address", r.Address.RowsWithAddress, 5},
		{"rejected groups", len(r.Rejected), 1},
		{"rejected[0].rows", r.Rejected[0].Rows, 1},
	}
	for _, c := range ints {
		if c.got != c.want {
			t.Errorf("%s = %d, want %d", c.name, c.got, c.want)
		}
	}
	if r.Rejected[0].Reason != "required.name" {
		t.Errorf("rejected reason = %q, want the rule required.name", r.Rejected[0].Reason)
	}
	// All 7 data rows, as written: name 6/7, phone 6/7, address
	// (3+1+2+0+0+0+2)/3/7 (row 4's province and city were inferred from
	// its district), e-mail 1/7 (row 3's domain was corrected).
	if r.Quality.Overall != 69 {
		t.Errorf("overall score = %v, want 69", r.Quality.Overall)
	}
	if want := []RuleCount{{"address.inferred", 1}, {"email.domain_fixed", 1}}; !reflect.DeepEqual(r.Summary.Repairs, want) {
		t.Errorf("repairs = %v, want %v", r.Summary.Repairs, want)
	}
	// 门店会员.csv, two rows: name 2/2, phone 1/2, address (0 + 2/3)/2, e-mail 1/2.
	for _, f := range r.Quality.Files {
		if f.SourceFile == "门店会员.csv" && f.Score != 64.2 {
			t.Errorf("score of 门店会员.csv = %v, want 64.2", f.Score)
		}
	}
	if want := []VerdictCount{{"unreadable_files", 1}, {"rejected_rows", 1}, {"review_pairs", 2}}; r.Verdict.Ready || !equalCounts(r.Verdict.Reasons, want) {
		t.Errorf("verdict = %+v, want not ready because of %v", r.Verdict, want)
	}
	phone := r.Fields[2]
	if phone.Field != "phone" || phone.FilledBefore != 1 || phone.ValidBefore != 0.8571 || phone.FilledAfter != 0.8 {
		t.Errorf("phone field = %+v, want filled 7/7, valid 6/7, after 4/5", phone)
	}
	if g := r.Issues[0]; g.Severity != "error" || g.Rule != "required.name" {
		t.Errorf("first issue group = %s (%s), want errors first", g.Rule, g.Severity)
	}
}

func equalCounts(a, b []VerdictCount) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestVerdictReady(t *testing.T) {
	in := fixtureInput()
	in.Files = in.Files[:2]
	in.Match.Review = nil
	for _, r := range in.Records {
		if r.Status == "rejected" {
			r.Status = "skipped"
		}
	}
	r := Build(in)
	if !r.Verdict.Ready || len(r.Verdict.Reasons) != 0 {
		t.Errorf("verdict = %+v, want ready", r.Verdict)
	}
	in.Customers = nil
	if r := Build(in); r.Verdict.Ready {
		t.Errorf("verdict with no customers = %+v, want not ready", r.Verdict)
	}
}

func TestNilMatchAndRules(t *testing.T) {
	in := fixtureInput()
	in.Match, in.Rows, in.Rules = nil, nil, nil
	r := Build(in)
	if r.Duplicates.Matched || r.Summary.ReviewPairs != 0 {
		t.Errorf("duplicates without a match result = %+v", r.Duplicates)
	}
	if len(r.Duplicates.ClusterSizes) != 2 {
		t.Errorf("cluster sizes = %v, want sizes 1 and 2 from the customers", r.Duplicates.ClusterSizes)
	}
	if r.Settings.RulesHash == "" {
		t.Error("settings without rules: want the default rules' hash")
	}
}

// TestPrivacy checks, for both renderings, what may and may not appear.
func TestPrivacy(t *testing.T) {
	never := []string{idNumber, cappedKey, "1101011990"}
	personal := []string{mobile1, mobile2, "138 0013 8000", email1, "zhangwei@qq.con", "li.na@", contact1, person1,
		contact3, person2, rejMobile, badMobile, landline1}
	cases := []struct {
		name      string
		noMask    bool
		forbidden []string
		required  []string
	}{
		{"masked", false, append(append([]string(nil), never...), personal...),
			[]string{"138****8000", "z***@qq.com", "张*", "李*", "欧**娜", "L* N*", companyA, companyB}},
		{"no-mask", true, never, []string{"+86" + mobile1, email1, contact1, person1, contact3, person2}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := fixtureInput()
			in.NoMask = c.noMask
			r := Build(in)
			var html bytes.Buffer
			if err := RenderHTML(&html, r, "zh"); err != nil {
				t.Fatal(err)
			}
			for _, doc := range []struct{ name, text string }{{"report.json", string(marshal(t, r))}, {"report.html", html.String()}} {
				for _, s := range c.forbidden {
					if strings.Contains(doc.text, s) {
						t.Errorf("%s contains %q", doc.name, s)
					}
				}
			}
			js := string(marshal(t, r))
			for _, s := range c.required {
				if !strings.Contains(js, s) {
					t.Errorf("report.json lacks %q", s)
				}
			}
		})
	}
}

func TestSharedNumbers(t *testing.T) {
	r := Build(fixtureInput())
	n := r.Numbers
	if n.NotOwn != 1 || n.Shared != 1 || len(n.List) != 2 {
		t.Fatalf("numbers = %+v, want one not_own and one shared listed", n)
	}
	first := n.List[0]
	if first.Class != "not_own" || first.Why != "rep" || first.Customers != 3 || first.Owner == "" || first.Owner == contact3 {
		t.Errorf("first listed = %+v, want the rep's number first with its owner masked", first)
	}
	if len(first.Names) == 0 || len(first.Files) == 0 {
		t.Errorf("first listed = %+v, want the names and files carrying it", first)
	}
	var html bytes.Buffer
	if err := RenderHTML(&html, r, "en"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(html.String(), "a sales rep&#39;s own") && !strings.Contains(html.String(), "a sales rep's own") {
		t.Errorf("report.html does not explain the rep's number")
	}
}

func BenchmarkBuild(b *testing.B) {
	in := fixtureInput()
	// Grow the fixture to a realistic size by repeating its rows.
	base := in.Records
	for i := 1; len(in.Records) < 20000; i++ {
		for _, r := range base {
			c := *r
			c.Prov.Row += i * 100
			in.Records = append(in.Records, &c)
		}
	}
	b.ReportAllocs()
	cpu0 := cputime.Process()
	for b.Loop() {
		Build(in)
	}
	cpu := cputime.Process() - cpu0
	b.ReportMetric(float64(len(in.Records))*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	if cpu > 0 { // user and system time, which a loaded machine stretches less
		b.ReportMetric(float64(len(in.Records))*float64(b.N)/cpu.Seconds(), "rows/cpu-s")
	}
}

func BenchmarkRenderHTML(b *testing.B) {
	r := Build(fixtureInput())
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := RenderHTML(&buf, r, "zh"); err != nil {
			b.Fatal(err)
		}
	}
}

func TestEmptyInput(t *testing.T) {
	r := Build(Input{})
	js := string(marshal(t, r))
	if strings.Contains(js, "null") {
		t.Errorf("report.json of an empty run holds null:\n%s", js)
	}
	if r.Verdict.Ready || len(r.Verdict.Reasons) != 1 || r.Verdict.Reasons[0].Code != "no_customers" {
		t.Errorf("verdict of an empty run = %+v, want not ready: no_customers", r.Verdict)
	}
	var buf bytes.Buffer
	if err := RenderHTML(&buf, r, "en"); err != nil {
		t.Fatal(err)
	}
}

func TestReviewBudget(t *testing.T) {
	var pairs []match.Pair
	// Seven patterns holding 7, 6, … 1 pairs: 28 pairs, the five largest 25.
	for i := range 7 {
		for range 7 - i {
			pairs = append(pairs, match.Pair{Pattern: fmt.Sprintf("person·name=·mobile∅·address%s", []string{"=", "≈", "~", "≠", "∅", "=·email=", "=·email≠"}[i]), Rows: 2})
		}
	}
	b := budget(Input{Review: pairs, Lang: "en"})
	if b.Pairs != 28 || b.RowPairs != 56 || b.Minutes != 9.3 || b.Patterns != 7 || b.Top5Share != 0.8929 {
		t.Errorf("budget %+v, want 28 pairs (56 of rows), 9.3 minutes, 7 patterns, top 5 0.8929", b)
	}
	if len(b.Largest) != 5 || b.Largest[0].Pairs != 7 || b.Largest[0].Label != "persons: name agrees · mobile missing · address agrees" {
		t.Errorf("largest %+v", b.Largest)
	}
	if e := budget(Input{}); e.Pairs != 0 || e.Largest == nil || e.Top5Share != 0 {
		t.Errorf("empty budget %+v, want zeros and an empty list", e)
	}
}

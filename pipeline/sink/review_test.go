package sink

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/crmclean/crmclean/pipeline/match"
	"github.com/crmclean/crmclean/pipeline/record"
)

// Invented fingerprints, shaped like the real ones (20 hex digits).
const (
	fpA = "0a1b2c3d4e5f60718293"
	fpB = "9f8e7d6c5b4a39281706"
	fpC = "5555aaaa5555aaaa5555"
	fpD = "1234567890abcdef1234-2"
)

// reviewLine is a review.csv row for the pair a, b with decision; its
// other cells hold plausible values.
func reviewLine(a, b, decision string) []string {
	row := make([]string, len(ReviewColumns))
	for i, c := range ReviewColumns {
		switch c {
		case "pair_id":
			row[i] = PairID(a, b)
		case "score":
			row[i] = "7.5"
		case "name_a", "name_b":
			row[i] = "华信贸易有限公司"
		case "fingerprint_a":
			row[i] = a
		case "fingerprint_b":
			row[i] = b
		case "decision":
			row[i] = decision
		}
	}
	return row
}

// withCell returns row with column name set to v.
func withCell(row []string, name, v string) []string {
	row = append([]string(nil), row...)
	row[columnIndex(ReviewColumns, name)] = v
	return row
}

// csvText renders lines as CSV text.
func csvText(lines ...[]string) string {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.WriteAll(lines)
	return b.String()
}

func TestParseDecision(t *testing.T) {
	tests := []struct {
		in, want string
		wantErr  bool
	}{
		{"merge", VerdictMerge, false},
		{"Merge", VerdictMerge, false},
		{" MERGE ", VerdictMerge, false},
		{"keep", VerdictKeep, false},
		{"KEEP\t", VerdictKeep, false},
		{"合并", VerdictMerge, false},
		{"　合并　", VerdictMerge, false}, // full-width spaces
		{"不合并", VerdictKeep, false},
		{"", "", false},
		{"   ", "", false},
		{"是", "", true},
		{"否", "", true},
		{"yes", "", true},
		{"merged", "", true},
		{"不 合并", "", true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q", tt.in), func(t *testing.T) {
			got, err := ParseDecision(tt.in)
			if got != tt.want || (err != nil) != tt.wantErr {
				t.Errorf("ParseDecision(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.wantErr)
			}
			if err != nil && !errors.Is(err, ErrDecision) {
				t.Errorf("error %v is not ErrDecision", err)
			}
		})
	}
}

// reviewResult is a Review reduced to what the tests compare.
type reviewResult struct {
	decided   []string // "row:verdict:A:B"
	undecided int
	bad       []string // "row: sentinel"
}

func summarizeReview(r *Review) reviewResult {
	var out reviewResult
	for _, d := range r.Decided {
		at := fmt.Sprint(d.Row)
		if d.Sheet != "" {
			at = d.Sheet + "!" + at
		}
		out.decided = append(out.decided, fmt.Sprintf("%s:%s:%s:%s", at, d.Verdict, d.A, d.B))
	}
	out.undecided = r.Undecided
	for _, e := range r.Bad {
		kind := "other"
		for _, s := range []error{ErrPairEdited, ErrDecision, ErrDecisionConflict} {
			if errors.Is(e, s) {
				kind = s.Error()
			}
		}
		out.bad = append(out.bad, fmt.Sprintf("%d: %s", e.Row, kind))
	}
	return out
}

func TestReadReviewCSV(t *testing.T) {
	header := ReviewColumns
	gbk := func(s string) string {
		b, err := simplifiedchinese.GB18030.NewEncoder().String(s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	tests := []struct {
		name    string
		content string
		want    reviewResult
	}{
		{
			name:    "utf-8 with BOM, English verdicts and an empty one",
			content: "\ufeff" + csvText(header, reviewLine(fpA, fpB, "merge"), reviewLine(fpA, fpC, ""), reviewLine(fpB, fpC, "keep")),
			want:    reviewResult{decided: []string{"2:merge:" + fpA + ":" + fpB, "4:keep:" + fpB + ":" + fpC}, undecided: 1},
		},
		{
			name:    "utf-8 without BOM, Chinese verdicts, case and spaces",
			content: csvText(header, reviewLine(fpA, fpB, " 合并 "), reviewLine(fpA, fpC, "不合并"), reviewLine(fpB, fpC, "KEEP"), reviewLine(fpC, fpD, "Merge")),
			want: reviewResult{decided: []string{"2:merge:" + fpA + ":" + fpB, "3:keep:" + fpA + ":" + fpC,
				"4:keep:" + fpB + ":" + fpC, "5:merge:" + fpC + ":" + fpD}},
		},
		{
			name:    "GB18030 as Excel saves it again",
			content: gbk(csvText(header, reviewLine(fpA, fpB, "合并"), reviewLine(fpA, fpC, "不合并"))),
			want:    reviewResult{decided: []string{"2:merge:" + fpA + ":" + fpB, "3:keep:" + fpA + ":" + fpC}},
		},
		{
			name:    "fingerprints swapped: the pair is the same",
			content: csvText(header, withCell(withCell(reviewLine(fpA, fpB, "keep"), "fingerprint_a", fpB), "fingerprint_b", fpA)),
			want:    reviewResult{decided: []string{"2:keep:" + fpB + ":" + fpA}},
		},
		{
			name: "edited pair_id and fingerprint are bad, the other rows apply",
			content: csvText(header, reviewLine(fpA, fpB, "merge"), withCell(reviewLine(fpA, fpC, "keep"), "pair_id", "P000000000000"),
				withCell(reviewLine(fpB, fpC, "合并"), "fingerprint_b", fpD), reviewLine(fpC, fpD, "keep")),
			want: reviewResult{decided: []string{"2:merge:" + fpA + ":" + fpB, "5:keep:" + fpC + ":" + fpD},
				bad: []string{"3: " + ErrPairEdited.Error(), "4: " + ErrPairEdited.Error()}},
		},
		{
			name:    "empty fingerprint",
			content: csvText(header, withCell(reviewLine(fpA, fpB, "merge"), "fingerprint_a", "")),
			want:    reviewResult{bad: []string{"2: " + ErrPairEdited.Error()}},
		},
		{
			name:    "a row paired with itself",
			content: csvText(header, reviewLine(fpA, fpA, "merge")),
			want:    reviewResult{bad: []string{"2: " + ErrPairEdited.Error()}},
		},
		{
			name:    "unknown decision",
			content: csvText(header, reviewLine(fpA, fpB, "是"), reviewLine(fpA, fpC, "keep")),
			want:    reviewResult{decided: []string{"3:keep:" + fpA + ":" + fpC}, bad: []string{"2: " + ErrDecision.Error()}},
		},
		{
			name:    "an undecided row is not checked",
			content: csvText(header, withCell(reviewLine(fpA, fpB, ""), "pair_id", "edited")),
			want:    reviewResult{undecided: 1},
		},
		{
			name:    "same pair twice with the same verdict counts once",
			content: csvText(header, reviewLine(fpA, fpB, "merge"), reviewLine(fpB, fpA, "合并")),
			want:    reviewResult{decided: []string{"2:merge:" + fpA + ":" + fpB}},
		},
		{
			name:    "same pair decided both ways: neither applies",
			content: csvText(header, reviewLine(fpA, fpB, "merge"), reviewLine(fpA, fpC, "keep"), reviewLine(fpA, fpB, "不合并")),
			want: reviewResult{decided: []string{"3:keep:" + fpA + ":" + fpC},
				bad: []string{"2: " + ErrDecisionConflict.Error(), "4: " + ErrDecisionConflict.Error()}},
		},
		{
			name: "title row, blank line, columns moved and one added",
			content: "Review of 2026-03\n\n" + csvText(
				[]string{"decision", "note", "fingerprint_b", "pair_id", "fingerprint_a"},
				[]string{"keep", "checked by 王芳", fpB, PairID(fpA, fpB), fpA},
				[]string{"", "", "", "", ""},
				[]string{"合并", "", fpD, PairID(fpC, fpD), fpC}),
			want: reviewResult{decided: []string{"4:keep:" + fpA + ":" + fpB, "6:merge:" + fpC + ":" + fpD}},
		},
		{
			name:    "header only",
			content: csvText(header),
			want:    reviewResult{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "review.csv")
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			r, err := ReadReview(path)
			if err != nil {
				t.Fatal(err)
			}
			if got := summarizeReview(r); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
			for _, e := range r.Bad {
				if !strings.HasPrefix(e.Error(), fmt.Sprintf("review.csv, row %d", e.Row)) {
					t.Errorf("error %q does not name the file and row", e)
				}
			}
		})
	}
}

func TestReadReviewRejectsFile(t *testing.T) {
	tests := []struct {
		name, file, content string
		want                error
	}{
		{"an old review file without fingerprints", "review.csv", "pair_id,score,decision\nP0123456789AB,7.5,merge\n", ErrNotReview},
		{"another output", "clean.csv", "\ufeffcustomer_id,name\nC0A1B2C3D4E,华信\n", ErrNotReview},
		{"empty file", "review.csv", "", nil},
		{"not a spreadsheet", "review.pdf", "%PDF-1.4", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), tt.file)
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := ReadReview(path)
			if err == nil {
				t.Fatal("no error")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("error %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.file) {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
}

// TestReadReviewXLSX fills the decision drop-down of a review.xlsx written
// by WriteReviewXLSX, continued on a second sheet, as a consultant would.
func TestReadReviewXLSX(t *testing.T) {
	defer func(n int) { maxSheetRows = n }(maxSheetRows)
	maxSheetRows = 2
	dir := t.TempDir()
	recs, pairs := testReview()
	if err := WriteReviewXLSX(context.Background(), dir, recs, append(pairs, pairs[0]), ReviewOptions{}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "review.xlsx")
	f := openXLSX(t, path)
	decision := cellName(columnIndex(ReviewColumns, "decision")+1, 2)
	if err := f.SetCellStr("review", decision, "合并"); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellStr("review_2", decision, "合并"); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	r, err := ReadReview(path)
	if err != nil {
		t.Fatal(err)
	}
	want := reviewResult{decided: []string{"review!2:merge:fa:fb"}}
	if got := summarizeReview(r); !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}

	if err := f.SetCellStr("review_2", decision, "keep"); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	r, err = ReadReview(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Bad) != 2 || r.Bad[0].Sheet != "review" || r.Bad[1].Sheet != "review_2" || !errors.Is(r.Bad[1], ErrDecisionConflict) {
		t.Errorf("bad rows %v, want the conflicting rows of both sheets", r.Bad)
	}
	if msg := r.Bad[1].Error(); !strings.HasPrefix(msg, `review.xlsx, sheet "review_2", row 2 (pair P`) {
		t.Errorf("error %q does not name the file, sheet and row", msg)
	}
}

// TestReviewRoundTrip reads back what WriteReview wrote: every pair comes
// back undecided, and decided once the decision cells are filled.
func TestReviewRoundTrip(t *testing.T) {
	dir := t.TempDir()
	recs, pairs := testReview()
	if err := WriteReview(context.Background(), dir, recs, pairs, ReviewOptions{}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "review.csv")
	r, err := ReadReview(path)
	if err != nil {
		t.Fatal(err)
	}
	if r.Undecided != len(pairs) || len(r.Decided) != 0 || len(r.Bad) != 0 {
		t.Fatalf("read back %+v, want %d undecided pairs", summarizeReview(r), len(pairs))
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	rows[1][columnIndex(ReviewColumns, "decision")] = "不合并"
	var buf bytes.Buffer
	if err := csv.NewWriter(&buf).WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err = ReadReview(path)
	if err != nil {
		t.Fatal(err)
	}
	want := reviewResult{decided: []string{"2:keep:fa:fb"}}
	if got := summarizeReview(r); !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

// FuzzReadReview: reading any review.csv never panics, every bad row is
// positioned, and every decided row's pair_id matches its fingerprints.
func FuzzReadReview(f *testing.F) {
	f.Add([]byte("\ufeff" + csvText(ReviewColumns, reviewLine(fpA, fpB, "merge"), reviewLine(fpA, fpC, "不合并"))))
	f.Add([]byte(csvText(ReviewColumns, withCell(reviewLine(fpA, fpB, "keep"), "pair_id", "P1"), reviewLine(fpA, fpB, ""))))
	f.Add([]byte("pair_id,fingerprint_a,fingerprint_b,decision\n\"P1\nx\",a,b,合并\n,,,\n"))
	f.Add([]byte("decision;pair_id;fingerprint_a;fingerprint_b\nmerge;" + PairID("a", "b") + ";a;b\n"))
	f.Add([]byte{0xEF, 0xBB, 0xBF, 0xFF, 0xFE, 0x00})
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "review.csv")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		r, err := ReadReview(path)
		if err != nil {
			return
		}
		for _, d := range r.Decided {
			if d.Row < 1 || PairID(d.A, d.B) != d.PairID || (d.Verdict != VerdictMerge && d.Verdict != VerdictKeep) {
				t.Errorf("decided row %+v is not valid", d)
			}
		}
		for _, e := range r.Bad {
			if e.Row < 1 || e.Err == nil {
				t.Errorf("bad row %+v is not positioned", e)
			}
		}
	})
}

// BenchmarkReadReview reads a review.csv of 10,000 decided pairs.
func BenchmarkReadReview(b *testing.B) {
	const n = 10_000
	lines := [][]string{ReviewColumns}
	for i := range n {
		lines = append(lines, reviewLine(fmt.Sprintf("%020x", i), fmt.Sprintf("%020x", i+n), DecisionValues[i%len(DecisionValues)]))
	}
	path := filepath.Join(b.TempDir(), "review.csv")
	if err := os.WriteFile(path, []byte("\ufeff"+csvText(lines...)), 0o600); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		r, err := ReadReview(path)
		if err != nil || len(r.Decided) != n {
			b.Fatalf("%d decided, err %v", len(r.Decided), err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// TestReadReviewPatterns decides patterns on the first sheet of a
// review.xlsx: a pattern's decision applies to its pairs left open, a
// pair's own decision wins, and a merge never applies to a pattern holding
// a hard conflict.
func TestReadReviewPatterns(t *testing.T) {
	const (
		alike = "company·name~·mobile=·address∅"
		hard  = "company·name=·mobile∅·address=·uscc≠"
		other = "company·name≈·mobile∅·address="
	)
	var recs []*record.Record
	for i, fp := range []string{"fa", "fb", "fc", "fd", "fe"} {
		recs = append(recs, &record.Record{Fingerprint: fp, CustomerID: fmt.Sprintf("C%d", i),
			Prov: record.Provenance{File: "a.xlsx", Sheet: "客户", Row: i + 2}, Norm: record.Normalized{Name: fmt.Sprintf("华信%d", i), Kind: record.Company}})
	}
	pairs := []match.Pair{
		{A: 0, B: 1, Score: 9, Pattern: alike},
		{A: 2, B: 3, Score: 8, Pattern: alike},
		{A: 0, B: 2, Score: 7, Pattern: hard},
		{A: 1, B: 4, Score: 6, Pattern: other},
	}
	dir := t.TempDir()
	if err := WriteReviewXLSX(context.Background(), dir, recs, pairs, ReviewOptions{}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "review.xlsx")
	f := openXLSX(t, path)
	if got := f.GetSheetList(); !reflect.DeepEqual(got, []string{"patterns", "review"}) {
		t.Fatalf("sheets %q, want the patterns first", got)
	}
	rows := sheetRows(t, f)["patterns"]
	code, decision, count := columnIndex(PatternColumns, "pattern"), columnIndex(PatternColumns, "decision"), columnIndex(PatternColumns, "pairs")
	set := func(sheet string, row, col int, v string) {
		t.Helper()
		if err := f.SetCellStr(sheet, cellName(col+1, row), v); err != nil {
			t.Fatal(err)
		}
	}
	var codes []string
	for i, row := range rows[2:] {
		row = padded(row, len(PatternColumns))
		codes = append(codes, row[code]+"="+row[count])
		switch row[code] {
		case alike:
			set("patterns", i+3, decision, "合并")
		case hard:
			set("patterns", i+3, decision, "merge")
		}
	}
	if want := []string{alike + "=2", hard + "=1", other + "=1"}; !reflect.DeepEqual(codes, want) {
		t.Errorf("patterns sheet lists %q, want %q (most pairs first)", codes, want)
	}
	set("review", 3, columnIndex(ReviewColumns, "decision"), "keep") // the second pair, by its own decision
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	r, err := ReadReview(path)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range r.Decided {
		got = append(got, fmt.Sprintf("%s-%s:%s:%v", d.A, d.B, d.Verdict, d.ByPattern))
	}
	if want := []string{"fc-fd:keep:false", "fa-fb:merge:true"}; !reflect.DeepEqual(got, want) {
		t.Errorf("decided %q, want %q", got, want)
	}
	if r.Undecided != 2 {
		t.Errorf("%d undecided, want the hard and the other pattern's pairs", r.Undecided)
	}
	if len(r.Patterns) != 1 || r.Patterns[0].Pattern != alike || r.Patterns[0].Pairs != 1 {
		t.Errorf("patterns %+v, want %s deciding 1 pair", r.Patterns, alike)
	}
	if len(r.Bad) != 1 || !errors.Is(r.Bad[0], ErrHardPattern) || r.Bad[0].Sheet != "patterns" {
		t.Errorf("bad %v, want the hard pattern's merge refused", r.Bad)
	}
}

// TestEvidenceCells sorts evidence into agreed, disagreed and missing by
// its outcome, never by the sign of its weight: a field empty on either
// side is missing, whatever it weighs.
func TestEvidenceCells(t *testing.T) {
	ev := []match.Evidence{
		{Field: "name", Outcome: "near", Weight: 6.9},
		{Field: "contact", Outcome: "agree", Weight: 5.3},
		{Field: "mobile", Outcome: "missing", Weight: 0.4},   // positive, yet no agreement
		{Field: "email", Outcome: "missing", Weight: -0.3},   // negative, yet no disagreement
		{Field: "landline", Outcome: "disagree", Weight: -2}, //
		{Field: "address", Outcome: "fuzzy", Weight: 0.02},   // weighs nothing worth showing
	}
	for _, tc := range []struct {
		lang                       string
		agreed, disagreed, missing string
	}{
		{"zh", "名称（相近） +6.9；联系人 +5.3；地址（近似）", "座机 -2.0", "手机 +0.4；邮箱 -0.3"},
		{"en", "name (near) +6.9; contact +5.3; address (alike)", "landline -2.0", "mobile +0.4; e-mail -0.3"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			a, d, m := evidenceCells(ev, tc.lang)
			if a != tc.agreed || d != tc.disagreed || m != tc.missing {
				t.Errorf("got agreed %q, disagreed %q, missing %q\nwant          %q, %q, %q", a, d, m, tc.agreed, tc.disagreed, tc.missing)
			}
		})
	}
}

package sink

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/crmclean/crmclean/pipeline/match"
	"github.com/crmclean/crmclean/pipeline/record"
	"github.com/crmclean/crmclean/pipeline/source"
)

// Errors of a review file handed back, for errors.Is.
var (
	// ErrNotReview: the file lacks the columns review apply needs.
	ErrNotReview = errors.New("not a crmclean review file")
	// ErrPairEdited: pair_id is not the id of the row's two fingerprints.
	ErrPairEdited = errors.New("pair_id does not match fingerprint_a and fingerprint_b")
	// ErrDecision: the decision cell holds none of DecisionValues.
	ErrDecision = errors.New("unknown decision")
	// ErrDecisionConflict: two rows decide the same pair differently.
	ErrDecisionConflict = errors.New("the same pair is decided differently on another row")
	// ErrHardPattern: merge decided for a pattern that holds a hard
	// conflict (different USCCs, different branches, persons named
	// differently), which no pattern decision overrides.
	ErrHardPattern = errors.New("its pairs hold a hard conflict (different USCCs, different branches or persons named differently), which a pattern never merges: decide such pairs one by one on the review sheet")
)

// Verdicts a decision cell stands for, as ParseDecision returns them.
const (
	VerdictMerge = "merge"
	VerdictKeep  = "keep"
)

// ParseDecision reads a decision cell: merge or 合并 (VerdictMerge), keep or
// 不合并 (VerdictKeep), with surrounding spaces and the case of merge/keep
// ignored. An empty cell is undecided: "" and no error.
func ParseDecision(s string) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", nil
	case strings.EqualFold(s, "merge") || s == "合并":
		return VerdictMerge, nil
	case strings.EqualFold(s, "keep") || s == "不合并":
		return VerdictKeep, nil
	}
	return "", fmt.Errorf("%w %q: use merge, keep, 合并 or 不合并 (or leave it empty)", ErrDecision, s)
}

// ReviewDecision is a decided row of a review file handed back.
type ReviewDecision struct {
	Sheet   string // "" for CSV
	Row     int    // as Excel shows it
	PairID  string
	A, B    string // the rows' fingerprints as in the file
	Verdict string // VerdictMerge or VerdictKeep
	// Pattern is the pair's evidence pattern code ("" in files written
	// before patterns existed).
	Pattern string
	// ByPattern: the row's own decision cell is empty, and the verdict is
	// its pattern's, decided on the patterns sheet.
	ByPattern bool
}

// PatternDecision is a decided row of the patterns sheet of review.xlsx.
type PatternDecision struct {
	Sheet   string
	Row     int
	Pattern string // the pattern code
	Verdict string // VerdictMerge or VerdictKeep
	Pairs   int    // the pairs of the file it decided: those whose own decision cell is empty
}

// Place names the row for messages: file, sheet and row.
func (d ReviewDecision) Place(file string) string {
	return record.Provenance{File: file, Sheet: d.Sheet, Row: d.Row}.String()
}

// ReviewRowError is a decided row of a review file that cannot be applied.
type ReviewRowError struct {
	File   string
	Sheet  string
	Row    int
	PairID string
	Err    error
}

func (e *ReviewRowError) Error() string {
	at := record.Provenance{File: e.File, Sheet: e.Sheet, Row: e.Row}.String()
	if e.PairID != "" {
		at += fmt.Sprintf(" (pair %s)", e.PairID)
	}
	return at + ": " + e.Err.Error()
}

func (e *ReviewRowError) Unwrap() error { return e.Err }

// Review is what ReadReview found in a review file.
type Review struct {
	// Decided are the rows with a valid decision, one per pair: first
	// those with their own, in file order, then those decided by their
	// pattern (ByPattern), in file order.
	Decided   []ReviewDecision
	Undecided int               // rows with neither their own decision nor a decided pattern
	Bad       []*ReviewRowError // decided rows that cannot be applied, in file order
	Patterns  []PatternDecision // decided rows of the patterns sheet, in file order
}

// reviewKeys are the columns ReadReview needs on a sheet of pairs;
// patternKeys those of the patterns sheet.
var (
	reviewKeys  = []string{"pair_id", "fingerprint_a", "fingerprint_b", "decision"}
	patternKeys = []string{"pattern", "decision"}
)

// headerSearchRows is how far down a sheet ReadReview looks for the header
// row, in case someone added a title above it.
const headerSearchRows = 10

// ReadReview reads a review.csv or review.xlsx handed back by the
// consultant. It finds the columns by header name, so columns may be moved,
// added or hidden; CSV may be UTF-8 with or without BOM, or GB18030 when
// Excel saved it again. Every sheet with a pair_id header is read (a long
// review.xlsx continues on review_2, …), and a sheet with pattern and
// decision headers but no pair_id is the patterns sheet: a pattern's
// decision applies to every pair of that pattern in the file whose own
// decision cell is empty. A decided row whose pair_id does not match its
// fingerprints, or whose decision is unknown, is reported in Bad and left
// out; the other rows are still read. The error is for a file that cannot
// be read or is no review file (ErrNotReview).
func ReadReview(path string) (*Review, error) {
	f, err := source.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read review file: %w", err)
	}
	defer f.Close()
	rd := reviewReader{file: filepath.Base(path), seen: map[string]int{}, patterns: map[string]int{}, out: &Review{}}
	found := false
	for _, sh := range f.Sheets {
		ok, err := rd.sheet(sh)
		if err != nil {
			return nil, fmt.Errorf("read review file: %w", err)
		}
		found = found || ok
	}
	if !found {
		return nil, fmt.Errorf("%s: %w: no sheet has the columns %s; give the review.csv or review.xlsx of a crmclean run (files written before fingerprint_a/fingerprint_b existed cannot be applied: run again to get a new one)",
			rd.file, ErrNotReview, strings.Join(reviewKeys, ", "))
	}
	rd.dropConflicts()
	rd.byPattern()
	return rd.out, nil
}

// reviewReader gathers the decisions of one review file.
type reviewReader struct {
	file      string
	seen      map[string]int // pair id → index in out.Decided
	conflicts map[string]bool
	sheets    []string          // in file order
	open      []ReviewDecision  // rows whose own decision cell is empty
	patterns  map[string]int    // pattern → index in out.Patterns
	clashing  map[string]string // patterns decided both ways → the first row's place
	out       *Review
}

// sheet reads one sheet, reporting whether it had the review header or
// the patterns sheet's.
func (rd *reviewReader) sheet(sh source.Sheet) (bool, error) {
	rd.sheets = append(rd.sheets, sh.Name)
	var col map[string]int
	patterns := false
	for row, err := range sh.Rows {
		if err != nil {
			return false, err
		}
		if col == nil {
			if col = header(row, reviewKeys); col == nil {
				if col = header(row, patternKeys); col != nil {
					if _, pairs := col["pair_id"]; !pairs {
						patterns = true
					} else {
						col = nil
					}
				}
			}
			if col == nil && row.Num >= headerSearchRows {
				return false, nil
			}
			continue
		}
		if patterns {
			rd.patternRow(sh.Name, row, col)
		} else {
			rd.row(sh.Name, row, col)
		}
	}
	return col != nil, nil
}

// header maps the columns of a header row by lower-case name, or returns
// nil when row lacks one of keys.
func header(row source.Row, keys []string) map[string]int {
	col := map[string]int{}
	for i, c := range row.Cells {
		h := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(c.Text, "\ufeff")))
		if _, dup := col[h]; !dup && h != "" {
			col[h] = i
		}
	}
	for _, k := range keys {
		if _, ok := col[k]; !ok {
			return nil
		}
	}
	return col
}

// patternRow reads one row of the patterns sheet.
func (rd *reviewReader) patternRow(sheet string, row source.Row, col map[string]int) {
	cell := func(name string) string {
		if i, ok := col[name]; ok && i < len(row.Cells) {
			return strings.TrimSpace(row.Cells[i].Text)
		}
		return ""
	}
	code := cell("pattern")
	if row.Blank() || code == "" {
		return
	}
	bad := func(err error) {
		rd.out.Bad = append(rd.out.Bad, &ReviewRowError{File: rd.file, Sheet: sheet, Row: row.Num, Err: fmt.Errorf("pattern %s: %w", code, err)})
	}
	verdict, err := ParseDecision(cell("decision"))
	switch {
	case err != nil:
		bad(err)
		return
	case verdict == "":
		return
	case verdict == VerdictMerge && match.HardConflict(code):
		bad(ErrHardPattern)
		return
	}
	d := PatternDecision{Sheet: sheet, Row: row.Num, Pattern: code, Verdict: verdict}
	if i, dup := rd.patterns[code]; dup {
		if first := rd.out.Patterns[i]; first.Verdict != verdict && rd.clashing[code] == "" {
			if rd.clashing == nil {
				rd.clashing = map[string]string{}
			}
			rd.clashing[code] = record.Provenance{File: rd.file, Sheet: first.Sheet, Row: first.Row}.String()
			bad(fmt.Errorf("%w (%s says %s, this row %s): decide the pattern once", ErrDecisionConflict, rd.clashing[code], first.Verdict, verdict))
		}
		return
	}
	rd.patterns[code] = len(rd.out.Patterns)
	rd.out.Patterns = append(rd.out.Patterns, d)
}

// byPattern decides the rows left open by their pattern's decision, when
// the patterns sheet has one; a pattern decided both ways decides none.
func (rd *reviewReader) byPattern() {
	if len(rd.clashing) > 0 {
		kept := rd.out.Patterns[:0]
		for _, p := range rd.out.Patterns {
			if rd.clashing[p.Pattern] == "" {
				kept = append(kept, p)
			}
		}
		rd.out.Patterns = kept
		clear(rd.patterns)
		for i, p := range rd.out.Patterns {
			rd.patterns[p.Pattern] = i
		}
	}
	for _, d := range rd.open {
		i, ok := rd.patterns[d.Pattern]
		_, decided := rd.seen[d.PairID] // the same pair has a decision of its own on another row
		if decided || rd.conflicts[d.PairID] || !ok || d.Pattern == "" || d.A == "" || d.B == "" || d.A == d.B || PairID(d.A, d.B) != d.PairID {
			rd.out.Undecided++
			continue
		}
		d.Verdict, d.ByPattern = rd.out.Patterns[i].Verdict, true
		rd.seen[d.PairID] = len(rd.out.Decided)
		rd.out.Decided = append(rd.out.Decided, d)
		rd.out.Patterns[i].Pairs++
	}
}

// row reads one data row.
func (rd *reviewReader) row(sheet string, row source.Row, col map[string]int) {
	cell := func(name string) string {
		if i, ok := col[name]; ok && i < len(row.Cells) {
			return strings.TrimSpace(row.Cells[i].Text)
		}
		return ""
	}
	if row.Blank() {
		return
	}
	d := ReviewDecision{Sheet: sheet, Row: row.Num, PairID: cell("pair_id"), A: cell("fingerprint_a"), B: cell("fingerprint_b"),
		Pattern: cell("pattern")}
	bad := func(err error) {
		rd.out.Bad = append(rd.out.Bad, &ReviewRowError{File: rd.file, Sheet: sheet, Row: row.Num, PairID: d.PairID, Err: err})
	}
	verdict, err := ParseDecision(cell("decision"))
	switch {
	case err != nil:
		bad(err)
		return
	case verdict == "":
		rd.open = append(rd.open, d)
		return
	case d.A == "" || d.B == "":
		bad(fmt.Errorf("%w: a fingerprint cell is empty; copy the row back from the review file as crmclean wrote it", ErrPairEdited))
		return
	case d.A == d.B || PairID(d.A, d.B) != d.PairID:
		bad(fmt.Errorf("%w (they give %s): the row was edited, or the cells changed when the file was saved; copy the row back from the review file as crmclean wrote it",
			ErrPairEdited, PairID(d.A, d.B)))
		return
	}
	d.Verdict = verdict
	if rd.conflicts[d.PairID] {
		bad(ErrDecisionConflict)
		return
	}
	if i, dup := rd.seen[d.PairID]; dup {
		first := rd.out.Decided[i]
		if first.Verdict != verdict {
			if rd.conflicts == nil {
				rd.conflicts = map[string]bool{}
			}
			rd.conflicts[d.PairID] = true
			bad(fmt.Errorf("%w (%s says %s, this row %s): decide it once", ErrDecisionConflict, first.Place(rd.file), first.Verdict, verdict))
		}
		return
	}
	rd.seen[d.PairID] = len(rd.out.Decided)
	rd.out.Decided = append(rd.out.Decided, d)
}

// dropConflicts moves the first row of each conflicting pair from Decided
// to Bad: neither verdict is applied.
func (rd *reviewReader) dropConflicts() {
	if len(rd.conflicts) == 0 {
		return
	}
	kept := rd.out.Decided[:0]
	var bad []*ReviewRowError
	for _, d := range rd.out.Decided {
		if rd.conflicts[d.PairID] {
			bad = append(bad, &ReviewRowError{File: rd.file, Sheet: d.Sheet, Row: d.Row, PairID: d.PairID,
				Err: fmt.Errorf("%w: decide it once", ErrDecisionConflict)})
			continue
		}
		kept = append(kept, d)
	}
	rd.out.Decided = kept
	rd.out.Bad = append(rd.out.Bad, bad...)
	slices.SortStableFunc(rd.out.Bad, func(a, b *ReviewRowError) int {
		if a.Sheet != b.Sheet {
			return slices.Index(rd.sheets, a.Sheet) - slices.Index(rd.sheets, b.Sheet)
		}
		return a.Row - b.Row
	})
}

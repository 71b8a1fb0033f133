package sink

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/crmclean/crmclean/pipeline/match"
	"github.com/crmclean/crmclean/pipeline/record"
	"github.com/crmclean/crmclean/pipeline/source"
)

// ReviewColumns are the columns of review.csv. The rows' fingerprints stand
// just before decision, which stays last for the consultant: `crmclean
// review apply` stores the decisions against them.
var ReviewColumns = []string{"pair_id", "score",
	"customer_id_a", "name_a", "contact_a", "mobile_a", "phones_a", "email_a", "address_a", "source_a",
	"customer_id_b", "name_b", "contact_b", "mobile_b", "phones_b", "email_b", "address_b", "source_b",
	"agreed", "disagreed", "evidence", "fingerprint_a", "fingerprint_b", "decision"}

// PairID derives a review pair's id from the two rows' fingerprints, in
// either order, so decisions survive re-runs and rule changes.
func PairID(a, b string) string {
	if b < a {
		a, b = b, a
	}
	sum := sha256.Sum256([]byte(a + "\x00" + b))
	return "P" + strings.ToUpper(hex.EncodeToString(sum[:])[:12])
}

// ReviewRow renders a doubtful pair as a review.csv row.
func ReviewRow(recs []*record.Record, p match.Pair) []string {
	a, b := recs[p.A], recs[p.B]
	var agreed, disagreed []string
	for _, e := range p.Evidence {
		switch {
		case e.Weight > 0:
			agreed = append(agreed, e.Field)
		case e.Weight < 0:
			disagreed = append(disagreed, e.Field)
		}
	}
	side := func(r *record.Record) []string {
		n := &r.Norm
		var phones []string
		for _, p := range n.Phones {
			phones = append(phones, p.Key())
		}
		mobile := ""
		if m := n.Mobiles(); len(m) > 0 {
			mobile = m[0]
		}
		email := ""
		if len(n.Emails) > 0 {
			email = n.Emails[0]
		}
		return []string{r.CustomerID, n.Name, n.Contact, mobile, strings.Join(phones, "|"), email,
			n.Province + n.City + n.District + n.Address, r.Prov.String()}
	}
	row := []string{PairID(a.Fingerprint, b.Fingerprint), fmt.Sprintf("%.1f", p.Score)}
	row = append(row, side(a)...)
	row = append(row, side(b)...)
	return append(row, strings.Join(agreed, ", "), strings.Join(disagreed, ", "), Evidence(p), a.Fingerprint, b.Fingerprint, "")
}

// WriteReview writes review.csv: the doubtful pairs with their evidence and
// an empty decision column (merge / keep, also 合并 / 不合并).
func WriteReview(ctx context.Context, dir string, recs []*record.Record, pairs []match.Pair) error {
	w, err := CreateCSV(ctx, filepath.Join(dir, "review.csv"), ReviewColumns, "mobile_a", "phones_a", "mobile_b", "phones_b")
	if err != nil {
		return err
	}
	for _, p := range pairs {
		if err := w.Write(ReviewRow(recs, p)); err != nil {
			w.Close()
			return err
		}
	}
	return w.Close()
}

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
	Decided   []ReviewDecision  // rows with a valid decision, in file order, one per pair
	Undecided int               // rows whose decision cell is empty
	Bad       []*ReviewRowError // decided rows that cannot be applied, in file order
}

// reviewKeys are the columns ReadReview needs.
var reviewKeys = []string{"pair_id", "fingerprint_a", "fingerprint_b", "decision"}

// headerSearchRows is how far down a sheet ReadReview looks for the header
// row, in case someone added a title above it.
const headerSearchRows = 10

// ReadReview reads a review.csv or review.xlsx handed back by the
// consultant. It finds the columns by header name, so columns may be moved,
// added or hidden; CSV may be UTF-8 with or without BOM, or GB18030 when
// Excel saved it again. Every sheet with a pair_id header is read (a long
// review.xlsx continues on review_2, …). A decided row whose pair_id does not
// match its fingerprints, or whose decision is unknown, is reported in Bad
// and left out; the other rows are still read. The error is for a file that
// cannot be read or is no review file (ErrNotReview).
func ReadReview(path string) (*Review, error) {
	f, err := source.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read review file: %w", err)
	}
	defer f.Close()
	rd := reviewReader{file: filepath.Base(path), seen: map[string]int{}, out: &Review{}}
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
	return rd.out, nil
}

// reviewReader gathers the decisions of one review file.
type reviewReader struct {
	file      string
	seen      map[string]int // pair id → index in out.Decided
	conflicts map[string]bool
	sheets    []string // in file order
	out       *Review
}

// sheet reads one sheet, reporting whether it had the review header.
func (rd *reviewReader) sheet(sh source.Sheet) (bool, error) {
	rd.sheets = append(rd.sheets, sh.Name)
	var col map[string]int
	for row, err := range sh.Rows {
		if err != nil {
			return false, err
		}
		if col == nil {
			if col = reviewHeader(row); col == nil && row.Num >= headerSearchRows {
				return false, nil
			}
			continue
		}
		rd.row(sh.Name, row, col)
	}
	return col != nil, nil
}

// reviewHeader maps the needed columns of a header row, or returns nil when
// row is not the header.
func reviewHeader(row source.Row) map[string]int {
	col := map[string]int{}
	for i, c := range row.Cells {
		h := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(c.Text, "\ufeff")))
		if _, dup := col[h]; !dup && slices.Contains(reviewKeys, h) {
			col[h] = i
		}
	}
	if len(col) != len(reviewKeys) {
		return nil
	}
	return col
}

// row reads one data row.
func (rd *reviewReader) row(sheet string, row source.Row, col map[string]int) {
	cell := func(name string) string {
		if i := col[name]; i < len(row.Cells) {
			return strings.TrimSpace(row.Cells[i].Text)
		}
		return ""
	}
	if row.Blank() {
		return
	}
	d := ReviewDecision{Sheet: sheet, Row: row.Num, PairID: cell("pair_id"), A: cell("fingerprint_a"), B: cell("fingerprint_b")}
	bad := func(err error) {
		rd.out.Bad = append(rd.out.Bad, &ReviewRowError{File: rd.file, Sheet: sheet, Row: row.Num, PairID: d.PairID, Err: err})
	}
	verdict, err := ParseDecision(cell("decision"))
	switch {
	case err != nil:
		bad(err)
		return
	case verdict == "":
		rd.out.Undecided++
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

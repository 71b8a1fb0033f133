package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/crmclean/crmclean/pipeline"
	"github.com/crmclean/crmclean/pipeline/match"
	"github.com/crmclean/crmclean/pipeline/record"
	"github.com/crmclean/crmclean/pipeline/sink"
	"github.com/crmclean/crmclean/pipeline/state"
)

// maxDecidePairs is how many row pairs one decide command may record: two
// customers of n and m rows give n×m pairs. A variable for tests.
var maxDecidePairs = 10_000

const reviewUsage = `Usage: crmclean review apply --state FILE REVIEW

Store the decisions a consultant made in a review.csv or review.xlsx in the
state file, so every later 'crmclean run --state FILE' honours them.

Run 'crmclean review apply -h' for details.
`

// reviewCommand dispatches the review subcommands.
func reviewCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, reviewUsage)
		return usagef("review needs a subcommand: apply")
	}
	switch args[0] {
	case "apply":
		return reviewApplyCommand(ctx, args[1:], stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, reviewUsage)
		return nil
	}
	return usagef("unknown review subcommand %q: use 'crmclean review apply'", args[0])
}

// reviewApplyCommand stores the decisions of a review file handed back.
func reviewApplyCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("crmclean review apply", flag.ContinueOnError)
	fs.SetOutput(stdout) // for --help; parse errors are returned, not printed
	path := fs.String("state", "", "state `FILE` of the project (required; it must exist)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: crmclean review apply --state FILE REVIEW.csv|REVIEW.xlsx

Store the decisions filled in the decision column of a review file in the
state file. merge or 合并 keeps the two rows in one customer; keep or 不合并
keeps them apart; an empty cell leaves the pair undecided. Every later
'crmclean run --state FILE' honours the decisions, also after rules change.

Columns are found by their header (pair_id, fingerprint_a, fingerprint_b,
decision), so they may be moved or hidden. A row whose pair_id no longer
matches its fingerprints was edited: it is listed and not applied, the other
rows are. A row whose rows are no longer in the state file (their sheet was
changed or dropped) is stale: it is listed and not applied. Applying a file
again, or a newer one, replaces earlier decisions on the same pairs.

Exit status: 0 when every decided row was applied or stale, 1 when any row
could not be applied, 2 for bad usage or a file that is not a review file.

Example:
  crmclean run --state project.db --out out 客户资料/
  (the consultant fills the decision column of out/review.xlsx)
  crmclean review apply --state project.db out/review.xlsx
  crmclean run --state project.db --out out2 客户资料/

Flags:
`)
		fs.PrintDefaults()
	}
	pos, done, err := parseArgs(fs, args)
	if done {
		return err
	}
	if len(pos) != 1 {
		return usagef("review apply takes one review file (review.csv or review.xlsx), got %d arguments", len(pos))
	}
	file := pos[0]
	if err := stateExists(*path); err != nil {
		return err
	}
	if _, err := os.Stat(file); err != nil {
		return usageError{fmt.Errorf("review file %s: %w", file, err)}
	}
	review, err := sink.ReadReview(file)
	if errors.Is(err, sink.ErrNotReview) {
		return usageError{err}
	}
	if err != nil {
		return err
	}
	s, err := openState(ctx, *path)
	if err != nil {
		return err
	}
	res, err := applyReview(ctx, s, filepath.Base(file), review)
	if cerr := s.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close state file %s: %w", *path, cerr)
	}
	if err != nil {
		return err
	}
	res.print(stdout, stderr, filepath.Base(file), *path)
	if len(review.Bad) > 0 {
		return exitError{exitFailed}
	}
	return nil
}

// reviewOutcome is what review apply did with a review file.
type reviewOutcome struct {
	merges, keeps, undecided int
	patterns                 []sink.PatternDecision // decided on the patterns sheet
	stale                    []string               // messages naming the row
	bad                      []*sink.ReviewRowError
}

// applyReview stores the decided rows of review whose fingerprints the
// state knows; the others are stale.
func applyReview(ctx context.Context, s *state.Store, name string, review *sink.Review) (*reviewOutcome, error) {
	out := &reviewOutcome{undecided: review.Undecided, bad: review.Bad, patterns: review.Patterns}
	source := "review file " + name
	now := time.Now()
	var ds []state.Decision
	for _, d := range review.Decided {
		var missing []string
		for _, fp := range []string{d.A, d.B} {
			_, ok, err := s.Row(ctx, fp)
			if err != nil {
				return nil, err
			}
			if !ok {
				missing = append(missing, fp)
			}
		}
		if len(missing) > 0 {
			out.stale = append(out.stale, fmt.Sprintf("%s (pair %s): row %s is no longer in the state file (its sheet changed or was dropped); decide the pair again in the next review file",
				d.Place(name), d.PairID, strings.Join(missing, " and row ")))
			continue
		}
		verdict := state.Keep
		if d.Verdict == sink.VerdictMerge {
			verdict = state.Merge
			out.merges++
		} else {
			out.keeps++
		}
		ds = append(ds, state.Decision{A: d.A, B: d.B, Verdict: verdict, Source: source, At: now, Pattern: d.Pattern})
	}
	if err := s.AddDecisions(ctx, ds); err != nil {
		return nil, err
	}
	return out, nil
}

func (o *reviewOutcome) print(stdout, stderr io.Writer, name, statePath string) {
	for _, e := range o.bad {
		fmt.Fprintf(stderr, "Error: %v\n", e)
	}
	for _, m := range o.stale {
		fmt.Fprintf(stderr, "Warning: %s\n", m)
	}
	fmt.Fprintf(stdout, "Applied %s to %s: %d merge, %d keep recorded; %s undecided", name, statePath, o.merges, o.keeps, rowCount(o.undecided))
	if len(o.stale) > 0 {
		fmt.Fprintf(stdout, "; %s refused as stale", rowCount(len(o.stale)))
	}
	if len(o.bad) > 0 {
		fmt.Fprintf(stdout, "; %s could not be applied (listed above)", rowCount(len(o.bad)))
	}
	fmt.Fprintln(stdout, ".")
	if len(o.patterns) > 0 {
		pairs := 0
		for _, p := range o.patterns {
			pairs += p.Pairs
		}
		fmt.Fprintf(stdout, "%s decided %s left open on the review sheet:\n", plural(len(o.patterns), "pattern", "patterns"), plural(pairs, "pair", "pairs"))
		for _, p := range o.patterns {
			fmt.Fprintf(stdout, "  %s %s: %s\n", p.Pattern, p.Verdict, plural(p.Pairs, "pair", "pairs"))
		}
	}
	if o.merges+o.keeps > 0 {
		fmt.Fprintf(stdout, "The decisions take effect in the next 'crmclean run --state %s'.\n", statePath)
	}
}

// forgetPatternCommand stops a learned evidence pattern from being applied
// by later runs.
func forgetPatternCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("crmclean decide forget-pattern", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("state", "", "state `FILE` of the project (required; it must exist)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: crmclean decide forget-pattern --state FILE CODE

Stop applying the evidence pattern CODE (as in review.csv's pattern column,
e.g. "person·name=·mobile∅·address=") by itself. Once enough review
decisions on a pattern all say the same (rules match.learn_pattern), runs
with --state decide its pairs without asking; after forget-pattern its pairs
go to review again from the next run on. The decisions made pair by pair
stay.

Flags:
`)
		fs.PrintDefaults()
	}
	pos, done, err := parseArgs(fs, args)
	if done {
		return err
	}
	if len(pos) != 1 {
		return usagef("forget-pattern takes one pattern code, got %d arguments", len(pos))
	}
	code := pos[0]
	if _, _, ok := match.ParsePattern(code); !ok {
		return usagef("forget-pattern %q: not a pattern code; copy it from the pattern column of review.csv (e.g. person·name=·mobile∅·address=)", code)
	}
	if err := stateExists(*path); err != nil {
		return err
	}
	s, err := openState(ctx, *path)
	if err != nil {
		return err
	}
	l, err := pipeline.ForgetPattern(ctx, s, code)
	if cerr := s.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close state file %s: %w", *path, cerr)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Forgot pattern %s (%d merge, %d keep decided pair by pair; those decisions stay).\n"+
		"From the next 'crmclean run --state %s' on, its pairs go to review again.\n", code, l.Merge, l.Keep, *path)
	return nil
}

// decideCommand records a decision on two customers or rows.
func decideCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("crmclean decide", flag.ContinueOnError)
	fs.SetOutput(stdout) // for --help; parse errors are returned, not printed
	path := fs.String("state", "", "state `FILE` of the project (required; it must exist)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: crmclean decide keep|merge --state FILE A B

Record that A and B are different customers (keep, 不合并) or the same
customer (merge, 合并). Every later 'crmclean run --state FILE' honours it.
A and B are each:
  a customer id as in clean.csv      C1A2B3C4D5E
  a row fingerprint                  as in review.csv (fingerprint_a)
  a row as in lineage.csv            FILE:ROW, or FILE:SHEET:ROW for a workbook
For a customer the decision applies to every pair of its rows with the
other side's rows (at most 10,000 pairs). To split a wrong automatic merge,
give two of its rows, or the customer and the row to take out of it.

Examples:
  crmclean decide keep --state project.db C1A2B3C4D5E C9F8E7D6C5B
  crmclean decide keep --state project.db 客户台账.xlsx:华东:14 C1A2B3C4D5E
  crmclean decide merge --state project.db 呼叫中心.csv:8 C1A2B3C4D5E

'crmclean decide forget-pattern --state FILE CODE' stops applying an evidence
pattern learned from decisions (see its -h).

Flags:
`)
		fs.PrintDefaults()
	}
	pos, done, err := parseArgs(fs, args)
	if done {
		return err
	}
	if len(pos) != 3 {
		return usagef("decide takes a verdict (keep or merge) and two customers or rows, got %d arguments", len(pos))
	}
	verdict, err := sink.ParseDecision(pos[0])
	if err != nil || verdict == "" {
		return usagef("decide %q: the first argument must be keep or merge (also 不合并 or 合并)", pos[0])
	}
	if err := stateExists(*path); err != nil {
		return err
	}
	s, err := openState(ctx, *path)
	if err != nil {
		return err
	}
	msg, err := decide(ctx, s, verdict, pos[1], pos[2])
	if cerr := s.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close state file %s: %w", *path, cerr)
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, msg)
	fmt.Fprintf(stdout, "It takes effect in the next 'crmclean run --state %s'.\n", *path)
	return nil
}

// side is one resolved argument of decide: a customer's rows or one row.
type side struct {
	arg      string
	customer string // set when arg named a customer
	rows     []state.Row
}

// rowCount is "1 row", "2 rows"…
// plural renders n with the word for one or for several.
func plural(n int, one, several string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, several)
}

func rowCount(n int) string {
	if n == 1 {
		return "1 row"
	}
	return fmt.Sprintf("%d rows", n)
}

func (sd side) String() string {
	if sd.customer != "" {
		return fmt.Sprintf("customer %s (%s)", sd.customer, rowCount(len(sd.rows)))
	}
	r := sd.rows[0]
	if r.Status == record.Rejected {
		return fmt.Sprintf("row %s (rejected: %s; the decision applies once it is read cleanly)", r.Prov, r.Reason)
	}
	return "row " + r.Prov.String()
}

// decide records verdict on every cross pair of the rows of a and b and
// returns what it recorded.
func decide(ctx context.Context, s *state.Store, verdict, a, b string) (string, error) {
	sa, err := resolveSide(ctx, s, a)
	if err != nil {
		return "", err
	}
	sb, err := resolveSide(ctx, s, b)
	if err != nil {
		return "", err
	}
	if sa.customer != "" && sa.customer == sb.customer {
		if verdict == sink.VerdictKeep {
			return "", usagef("%s and %s are the same customer: give two rows of it to split it (see lineage.csv)", a, b)
		}
		return "", usagef("%s and %s are the same customer already: nothing to merge", a, b)
	}
	if n := len(sa.rows) * len(sb.rows); n > maxDecidePairs {
		return "", usagef("%s and %s make %d pairs of rows, more than %d: give rows (FILE:ROW) instead", sa, sb, n, maxDecidePairs)
	}
	v := state.Keep
	if verdict == sink.VerdictMerge {
		v = state.Merge
	}
	source := fmt.Sprintf("decide command: %s %s %s", v, a, b)
	now := time.Now()
	seen := map[[2]string]bool{}
	var ds []state.Decision
	for _, ra := range sa.rows {
		for _, rb := range sb.rows {
			k := state.PairKey(ra.Fingerprint, rb.Fingerprint)
			if ra.Fingerprint == rb.Fingerprint || seen[k] {
				continue
			}
			seen[k] = true
			ds = append(ds, state.Decision{A: k[0], B: k[1], Verdict: v, Source: source, At: now})
		}
	}
	if len(ds) == 0 {
		return "", usagef("%s and %s are the same row: give two different customers or rows", a, b)
	}
	if err := s.AddDecisions(ctx, ds); err != nil {
		return "", err
	}
	noun := "pairs"
	if len(ds) == 1 {
		noun = "pair"
	}
	return fmt.Sprintf("Recorded %s for %d %s of rows: %s and %s.", v, len(ds), noun, sa, sb), nil
}

// customerIDPattern is the shape of ids merge.ID issues.
var customerIDPattern = regexp.MustCompile(`^C[0-9A-F]{10}$`)

// resolveSide finds the rows arg names: a customer id, a row fingerprint,
// FILE:ROW or FILE:SHEET:ROW. An unknown one is a usage error.
func resolveSide(ctx context.Context, s *state.Store, arg string) (side, error) {
	sd := side{arg: arg}
	c, ok, err := s.Customer(ctx, arg)
	if err != nil {
		return sd, err
	}
	if ok {
		switch {
		case c.MergedInto != "":
			return sd, usagef("customer %s was merged into %s: give %s, or rows (FILE:ROW)", arg, c.MergedInto, c.MergedInto)
		case c.Retired:
			return sd, usagef("customer %s is retired: its rows are no longer in the inputs", arg)
		}
		rows, err := s.CustomerRows(ctx, arg)
		if err != nil {
			return sd, err
		}
		if len(rows) == 0 {
			return sd, usagef("customer %s has no rows in the state file (was it purged?)", arg)
		}
		sd.customer, sd.rows = arg, rows
		return sd, nil
	}
	r, ok, err := s.Row(ctx, arg)
	if err != nil {
		return sd, err
	}
	if ok {
		return rowSide(arg, r)
	}
	if rows, file, sheet, n, isPos, err := rowsAtPosition(ctx, s, arg); isPos {
		switch {
		case err != nil:
			return sd, err
		case len(rows) == 1:
			return rowSide(arg, rows[0])
		case len(rows) > 1:
			var sheets []string
			for _, r := range rows {
				sheets = append(sheets, strconv.Quote(r.Prov.Sheet))
			}
			return sd, usagef("%s has a row %d on sheets %s: give %s:SHEET:%d", file, n, strings.Join(sheets, ", "), file, n)
		case sheet != "":
			return sd, usagef("%s: the state file has no row %d on sheet %q of %s; name the file as source_file in lineage.csv", arg, n, sheet, file)
		default:
			return sd, usagef("%s: the state file has no row %d of %s; name the file as source_file in lineage.csv", arg, n, file)
		}
	}
	if customerIDPattern.MatchString(arg) {
		return sd, usagef("customer %s is not in the state file: give an id from a run with this --state file", arg)
	}
	return sd, usagef("%s is neither a customer id, a row fingerprint nor FILE:ROW known to the state file", arg)
}

// rowSide is the side of one row; rows that are not customer data are
// refused.
func rowSide(arg string, r state.Row) (side, error) {
	if r.Status == record.Skipped {
		return side{}, usagef("%s is row %s, which is not customer data (skipped: %s): no decision can apply to it", arg, r.Prov, r.Reason)
	}
	return side{arg: arg, rows: []state.Row{r}}, nil
}

// rowsAtPosition reads arg as FILE:ROW or FILE:SHEET:ROW and returns the
// stored rows there. isPos is false when arg does not end in :ROW. As file
// names may hold colons, FILE:SHEET:ROW is tried after FILE:ROW.
func rowsAtPosition(ctx context.Context, s *state.Store, arg string) (rows []state.Row, file, sheet string, n int, isPos bool, err error) {
	i := strings.LastIndexByte(arg, ':')
	if i <= 0 {
		return nil, "", "", 0, false, nil
	}
	n, err = strconv.Atoi(arg[i+1:])
	if err != nil || n < 1 {
		return nil, "", "", 0, false, nil
	}
	file = arg[:i]
	rows, err = s.RowsAt(ctx, file, n)
	if err != nil || len(rows) > 0 {
		return rows, file, "", n, true, err
	}
	j := strings.LastIndexByte(file, ':')
	if j <= 0 {
		return nil, file, "", n, true, nil
	}
	file, sheet = file[:j], file[j+1:]
	all, err := s.RowsAt(ctx, file, n)
	for _, r := range all {
		if r.Prov.Sheet == sheet {
			rows = append(rows, r)
		}
	}
	return rows, file, sheet, n, true, err
}

// stateExists checks the --state flag before opening: review apply and
// decide never create a state file.
func stateExists(path string) error {
	if path == "" {
		return usagef("no --state FILE given: name the project's state file (from 'crmclean run --state FILE')")
	}
	if _, err := os.Stat(path); err != nil {
		return usageError{fmt.Errorf("state file %s: %w (it is created by 'crmclean run --state FILE')", path, err)}
	}
	return nil
}

// openState opens an existing state file; a file that is not one is a
// usage error.
func openState(ctx context.Context, path string) (*state.Store, error) {
	s, err := state.Open(ctx, path)
	if errors.Is(err, state.ErrNotState) || errors.Is(err, state.ErrNewerSchema) {
		return nil, usageError{err}
	}
	return s, err
}

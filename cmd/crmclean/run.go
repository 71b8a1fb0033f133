package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/crmclean/crmclean/pipeline"
	"github.com/crmclean/crmclean/pipeline/ingest"
	"github.com/crmclean/crmclean/pipeline/match"
	"github.com/crmclean/crmclean/pipeline/record"
	preport "github.com/crmclean/crmclean/pipeline/report"
	"github.com/crmclean/crmclean/pipeline/sink"
	"github.com/crmclean/crmclean/pipeline/state"
	"github.com/crmclean/crmclean/rules"
)

// commonFlags are shared by run and inspect.
type commonFlags struct {
	rulesFile string
	workers   int
	quiet     bool
}

func (c *commonFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.rulesFile, "rules", "", "rules `FILE` (YAML) layered on the built-in defaults; see 'crmclean init'")
	fs.IntVar(&c.workers, "workers", runtime.NumCPU(), "`N` workers reading, cleaning and matching in parallel")
	fs.BoolVar(&c.quiet, "quiet", false, "no progress output")
}

// parseInterspersed parses flags that may stand before or after the inputs.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		if args[0] == "--" {
			return append(positional, args[1:]...), nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// parseArgs parses a command's flags and returns its positional arguments.
// done is true when the command has nothing more to do: its help was
// printed (err nil) or its flags were wrong (a usage error).
//
// The flag package's own messages and usage dump are silenced: help goes
// out once, when asked for, and a wrong flag is one error naming the
// closest flag.
func parseArgs(fs *flag.FlagSet, args []string) (pos []string, done bool, err error) {
	out := fs.Output()
	fs.SetOutput(io.Discard)
	pos, err = parseInterspersed(fs, args)
	fs.SetOutput(out)
	if errors.Is(err, flag.ErrHelp) {
		fs.Usage()
		return nil, true, nil
	}
	if err != nil {
		return nil, true, flagError(fs, err)
	}
	return pos, false, nil
}

// flagError rewrites the flag package's parse errors for the user:
// "unknown flag --ot (did you mean --out?)", with the command's help as
// the hint.
func flagError(fs *flag.FlagSet, err error) error {
	try := fs.Name() + " --help"
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		name = strings.TrimLeft(name, "-")
		var known []string
		fs.VisitAll(func(f *flag.Flag) { known = append(known, f.Name) })
		if s := rules.Suggest(name, known); s != "" {
			return usageTry(fmt.Errorf("unknown flag --%s (did you mean --%s?)", name, s), try)
		}
		return usageTry(fmt.Errorf("unknown flag --%s", name), try)
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: "); ok {
		return usageTry(fmt.Errorf("flag --%s needs a value", strings.TrimLeft(name, "-")), try)
	}
	// "invalid value "x" for flag -workers: parse error"
	msg = strings.Replace(msg, " for flag -", " for flag --", 1)
	return usageTry(fmt.Errorf("%s", strings.TrimSuffix(msg, ": parse error")), try)
}

func loadRules(path string) (*rules.Rules, error) {
	r, err := rules.Load(path)
	if err != nil {
		return nil, usageTry(err, "fix the rules file, or compare it with the defaults: crmclean init defaults.yaml")
	}
	return r, nil
}

func runCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("crmclean run", flag.ContinueOnError)
	fs.SetOutput(stdout) // for --help; parse errors are returned, not printed
	var f runFlags
	f.register(fs)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: crmclean run [flags] INPUT...\n\nClean every sheet in INPUT (files, or folders read recursively) into --out.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	inputs, done, err := parseArgs(fs, args)
	if done {
		return err
	}
	cfg, err := f.config(ctx, inputs, stdout, stderr)
	if err != nil {
		return err
	}
	res, err := pipeline.Run(ctx, cfg)
	if errors.Is(err, state.ErrNotState) || errors.Is(err, state.ErrNewerSchema) {
		return usageError{err} // as purge, review and decide
	}
	if err != nil {
		if errors.Is(err, pipeline.ErrNoRows) && res != nil {
			printFileProblems(stderr, res)
		}
		return err
	}
	s := summarize(res)
	printFileProblems(stderr, res)
	printOutputNotes(stderr, res)
	printSummary(stderr, res, s, f.out)
	if res.Previous != "" {
		fmt.Fprintf(stderr, "Note: the review file of the folder replaced held decisions this run did not apply: it is kept as %s\n"+
			"      (apply them with 'crmclean run --decisions %s …' or 'crmclean review apply')\n",
			res.Previous, filepath.Join(res.Previous, "review.xlsx"))
	}
	if f.strict && (s.rejected > 0 || s.unreadable > 0) {
		return exitError{exitRejected}
	}
	return nil
}

// runFlags are the flags of crmclean run.
type runFlags struct {
	commonFlags
	out, lang, format, statePath string
	noMask, strict               bool
	changesOnly, retireMissing   bool
	decisionFiles                fileList
}

func (f *runFlags) register(fs *flag.FlagSet) {
	f.commonFlags.register(fs)
	fs.StringVar(&f.out, "out", "out", "output `DIR`; created if missing; never an existing non-empty folder crmclean did not create")
	fs.StringVar(&f.lang, "lang", "zh", "report language: zh (Simplified Chinese) or en")
	fs.BoolVar(&f.noMask, "no-mask", false, "show phone numbers, e-mails and names unmasked in the report")
	fs.StringVar(&f.format, "format", "generic", "import profile: "+strings.Join(rules.ProfileNames(), ", ")+", or a profile `FILE` (YAML)")
	fs.BoolVar(&f.strict, "strict", false, "exit with code 3 when any row was rejected or any file could not be read")
	fs.StringVar(&f.statePath, "state", "", "state `FILE` (SQLite) for incremental runs: unchanged files are not read again, customer ids stay stable,\nreview decisions are honoured and changes.csv lists what changed; created (owner-only) when missing")
	fs.BoolVar(&f.changesOnly, "changes-only", false, "with --state: clean.csv and contacts.csv hold only new and updated customers (for an upsert import)")
	fs.Var(&f.decisionFiles, "decisions", "a filled review `FILE` (review.csv or review.xlsx of an earlier run) whose decisions the run applies;\nrepeat for several (a later file wins on a pair decided in two); with --state they are stored in the state")
	fs.BoolVar(&f.retireMissing, "retire-missing", false, "with --state: forget the rows of files in the state that were not given this run and retire\ncustomers left without rows (by default those rows stay and are reported)")
}

// config checks the flags and turns them into the run's configuration,
// reading the decision files given.
func (f *runFlags) config(ctx context.Context, inputs []string, stdout, stderr io.Writer) (pipeline.Config, error) {
	var cfg pipeline.Config
	if len(inputs) == 0 {
		return cfg, usagef("no INPUT given: name the files or folders of sheets to clean")
	}
	if f.lang != "zh" && f.lang != "en" {
		return cfg, usagef("--lang must be zh or en, not %q", f.lang)
	}
	if f.workers < 1 {
		return cfg, usagef("--workers must be at least 1, not %d", f.workers)
	}
	r, err := loadRules(f.rulesFile)
	if err != nil {
		return cfg, err
	}
	profile, err := rules.LoadProfile(f.format)
	if err != nil {
		return cfg, usageError{err}
	}
	if err := sink.CheckTarget(f.out); err != nil {
		return cfg, usageError{err}
	}
	if (f.changesOnly || f.retireMissing) && f.statePath == "" {
		return cfg, usagef("--changes-only and --retire-missing need --state FILE")
	}
	cfg = pipeline.Config{Inputs: inputs, Out: f.out, Rules: r, Workers: f.workers, Lang: f.lang, NoMask: f.noMask, Profile: profile,
		Progress: withMemProfile(newProgress(stderr, f.quiet), os.Getenv("CRMCLEAN_MEMPROFILE"), stderr), State: f.statePath, ChangesOnly: f.changesOnly, RetireMissing: f.retireMissing}
	if len(f.decisionFiles) > 0 {
		if cfg.Decisions, err = readDecisionFiles(ctx, f.decisionFiles, f.statePath, stdout, stderr); err != nil {
			return cfg, err
		}
	}
	if cfg.State == "" {
		// A batch run knows now which decisions it applies: refuse before
		// the work rather than after it.
		stored := func(a, b, verdict string) bool { return cfg.Decisions[state.PairKey(a, b)] == verdict }
		if err := sink.CheckReplace(f.out, stored); err != nil {
			return cfg, usageError{err}
		}
	}
	return cfg, nil
}

// fileList is a flag given once per file.
type fileList []string

func (l *fileList) String() string { return strings.Join(*l, ", ") }

func (l *fileList) Set(v string) error {
	*l = append(*l, v)
	return nil
}

// readDecisionFiles reads filled review files for a run. Without a state
// their decisions are returned for the batch run, a later file's verdict
// replacing an earlier one's on the same pair; with one they are stored
// in it, as review apply does, and the run takes them from there. A row
// that cannot be applied stops the run before it starts: a decision is
// never dropped silently.
func readDecisionFiles(ctx context.Context, files []string, statePath string, stdout, stderr io.Writer) (map[[2]string]string, error) {
	out := map[[2]string]string{}
	var bad []*sink.ReviewRowError
	var reviews []*sink.Review
	for _, file := range files {
		if _, err := os.Stat(file); err != nil {
			return nil, usageError{fmt.Errorf("--decisions %s: %w", file, err)}
		}
		review, err := sink.ReadReview(file)
		if errors.Is(err, sink.ErrNotReview) {
			return nil, usageError{fmt.Errorf("--decisions: %w", err)}
		}
		if err != nil {
			return nil, err
		}
		bad = append(bad, review.Bad...)
		reviews = append(reviews, review)
	}
	if len(bad) > 0 {
		for _, e := range bad {
			fmt.Fprintf(stderr, "Error: %v\n", e)
		}
		return nil, usagef("%s of the --decisions files cannot be applied (listed above): fix them, or empty their decision cells", rowCount(len(bad)))
	}
	if statePath != "" {
		if err := stateExists(statePath); err != nil {
			return nil, usagef("--decisions with --state %s: the state file does not exist yet; run once without --decisions first, or without --state", statePath)
		}
		s, err := openState(ctx, statePath)
		if err != nil {
			return nil, err
		}
		for i, review := range reviews {
			res, err := applyReview(ctx, s, filepath.Base(files[i]), review)
			if err != nil {
				s.Close()
				return nil, err
			}
			res.print(stderr, stderr, filepath.Base(files[i]), statePath)
		}
		if err := s.Close(); err != nil {
			return nil, fmt.Errorf("close state file %s: %w", statePath, err)
		}
		return nil, nil
	}
	for i, review := range reviews {
		byPattern := 0
		for _, d := range review.Decided {
			out[state.PairKey(d.A, d.B)] = d.Verdict
			if d.ByPattern {
				byPattern++
			}
		}
		by := ""
		if byPattern > 0 {
			by = fmt.Sprintf(" (%d by %s on the patterns sheet)", byPattern, plural(len(review.Patterns), "pattern", "patterns"))
		}
		fmt.Fprintf(stderr, "Decisions from %s: %s decided%s, %s undecided\n", files[i], plural(len(review.Decided), "pair", "pairs"), by, rowCount(review.Undecided))
	}
	return out, nil
}

type summary struct {
	rowsIn, kept, merged, rejected, skipped, unreadable, review, customers int
	patterns                                                               int // evidence patterns among the review pairs
	rowsLabel                                                              string
	// On an incremental run, merged counts every row of the output merged
	// into another row's customer (stored rows included: a decision or a
	// new row may merge customers without any file read), mergedRead those
	// of the files read this run.
	mergedRead int
}

// summarize counts the rows of the run. On an incremental run the rows are
// those of the files read this run (the others come from the state), and
// the customers every live one.
func summarize(res *pipeline.Result) summary {
	s := summary{customers: len(res.Customers), rowsLabel: "rows in"}
	read := map[string]bool{}
	si := res.Sync
	if si != nil {
		for _, f := range si.FilesRead {
			read[f] = true
		}
		c := si.Counts
		s.customers = c["new"] + c["updated"] + c["unchanged"]
		s.rowsLabel = "rows read"
	}
	for _, r := range res.Records {
		if r.Status == record.Merged {
			s.merged++
		}
		if si != nil && !read[r.Prov.File] {
			continue
		}
		n := r.Prov.Rows() // a run of blank rows counts all its rows
		s.rowsIn += n
		switch r.Status {
		case record.Kept:
			s.kept++
		case record.Merged:
			s.mergedRead++
		case record.Rejected:
			s.rejected += n
		case record.Skipped:
			s.skipped += n
		}
	}
	for _, f := range res.Files {
		if f.Err != nil {
			s.unreadable++
		}
	}
	review := res.ReviewPairs()
	s.review = len(review)
	patterns := map[string]bool{}
	for _, p := range review {
		patterns[p.Pattern] = true
	}
	s.patterns = len(patterns)
	return s
}

// printFileProblems lists files that could not be read and sheets or files
// that were skipped, so nothing is dropped silently.
func printFileProblems(w io.Writer, res *pipeline.Result) {
	for _, f := range res.Files {
		if f.Err != nil {
			fmt.Fprintf(w, "Warning: could not read %v\n", f.Err)
		}
		for _, sk := range f.Skipped {
			fmt.Fprintf(w, "Note: %s, sheet %q not read: %s\n", f.Rel, sk.Name, sk.Reason)
		}
		for _, sh := range f.Sheets {
			for _, msg := range sh.Warnings {
				fmt.Fprintf(w, "Warning: %s\n", msg)
			}
			if msg := stopMessage(sh); msg != "" {
				fmt.Fprintf(w, "Warning: %s\n", msg)
			}
			if sh.Rows == 0 && sh.Err == nil {
				fmt.Fprintf(w, "Note: %s%s is empty\n", f.Rel, sheetLabel(sh.Name))
			}
			if !sh.HeaderFound && sh.Rows > 0 {
				fmt.Fprintf(w, "Warning: %s%s: no header row found; its rows are rejected (map the columns with file_mappings in the rules file)\n", f.Rel, sheetLabel(sh.Name))
			}
		}
	}
	for _, ig := range res.Ignored {
		fmt.Fprintf(w, "Note: skipped %s: %s\n", ig.Path, ig.Reason)
	}
	if n := len(res.StaleRemoved); n > 0 {
		fmt.Fprintf(w, "Note: removed %d temporary output folder(s) left by stopped runs: %s\n", n, strings.Join(res.StaleRemoved, ", "))
	}
}

// printOutputNotes says where the outputs hold less than the inputs: source
// columns beyond what a sheet has room for, carried in one column.
func printOutputNotes(w io.Writer, res *pipeline.Result) {
	if e := sink.CleanExtras(res.Customers); len(e.Rolled) > 0 {
		fmt.Fprintf(w, "Warning: the inputs carry %d source columns, more than clean.xlsx has room for: the first %d have columns of their own in clean.csv and clean.xlsx, the other %d (from %q on) are carried in the last column, %q, as header=value pairs\n",
			len(e.Headers)+len(e.Rolled), len(e.Headers), len(e.Rolled), e.Rolled[0], sink.ExtraColumn)
	}
}

// stopMessage describes a sheet whose reading broke off, in one message:
// where it stopped and where the rest is accounted for.
func stopMessage(sh ingest.SheetReport) string {
	switch {
	case sh.Err == nil:
		return ""
	case sh.Stopped > 0:
		return fmt.Sprintf("reading stopped early: %v (%d rows above it were read; from row %d on, the sheet is one rejected entry in lineage.csv)",
			sh.Err, sh.Rows, sh.Stopped)
	}
	return sh.Err.Error()
}

func sheetLabel(name string) string {
	if name == "" {
		return ""
	}
	return fmt.Sprintf(", sheet %q", name)
}

func printSummary(w io.Writer, res *pipeline.Result, s summary, out string) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "")
	fmt.Fprintf(tw, "%s\t%d\t(%d customer rows, %d skipped as noise)\n", s.rowsLabel, s.rowsIn, s.rowsIn-s.skipped, s.skipped)
	fmt.Fprintf(tw, "customers out\t%d\t\n", s.customers)
	if res.Sync != nil {
		fmt.Fprintf(tw, "rows merged\t%d\t(into another row's customer, in the output; %d of the rows read)\n", s.merged, s.mergedRead)
	} else {
		fmt.Fprintf(tw, "rows merged\t%d\t\n", s.merged)
	}
	if s.review > 0 {
		fmt.Fprintf(tw, "review pairs\t%d\t(pairs of customers: about %s min at %d s a pair; %s, decided at once on review.xlsx's first sheet)\n",
			s.review, strconv.FormatFloat(float64(s.review*preport.SecondsPerPair)/60, 'f', 1, 64), preport.SecondsPerPair, plural(s.patterns, "evidence pattern", "evidence patterns"))
	} else {
		fmt.Fprintf(tw, "review pairs\t0\t\n")
	}
	fmt.Fprintf(tw, "rows rejected\t%d\t(reasons in rejects.csv)\n", s.rejected)
	fmt.Fprintf(tw, "unreadable files\t%d\t\n", s.unreadable)
	fmt.Fprintf(tw, "time\t%s\t(%s reading, cleaning and matching; the rest writing)\n", time.Since(res.Started).Round(time.Millisecond), res.Duration.Round(time.Millisecond))
	if si := res.Sync; si != nil {
		printSync(tw, si)
	}
	printRefined(tw, res.Match)
	fmt.Fprintf(tw, "output\t%s\t\n", out)
	tw.Flush()
}

// maxLearnedShown is how many learned patterns the summary lists.
const maxLearnedShown = 5

// printLearned says what the project's decisions taught: the patterns the
// run decided by itself, and those on their way to it.
func printLearned(w io.Writer, learned []pipeline.LearnedPattern) {
	shown := 0
	for _, l := range learned {
		if shown == maxLearnedShown {
			break
		}
		verdict := "merge"
		if l.Keep > 0 {
			verdict = "keep"
		}
		all := l.Merge == 0 || l.Keep == 0
		var what string
		switch {
		case l.Verdict == match.DecisionMerge:
			what = fmt.Sprintf("%d decided, all merge: merged by the run itself from now on (%s this run)", l.Decided(), plural(l.Applied, "pair of rows", "pairs of rows"))
		case l.Verdict == match.DecisionKeep:
			what = fmt.Sprintf("%d decided, all keep: not asked again and not linked from now on (%s this run)", l.Decided(), plural(l.Applied, "pair of rows", "pairs of rows"))
		case l.Forgotten:
			what = fmt.Sprintf("%d decided; forgotten (decide forget-pattern): never applied by itself", l.Decided())
		case all && l.HardConflict && verdict == "merge":
			what = fmt.Sprintf("%d decided, all merge; a hard conflict: never merged by pattern", l.Decided())
		case all:
			what = fmt.Sprintf("%d decided, all %s (rules match.learn_pattern decides when the run applies it)", l.Decided(), verdict)
		default:
			continue // decided both ways: the pattern does not tell
		}
		fmt.Fprintf(w, "learned pattern\t\t%s (%s): %s\n", l.Pattern, match.Label(l.Pattern, "en"), what)
		shown++
	}
}

// maxMovedShown is how many moved weights the summary names.
const maxMovedShown = 4

// printRefined says which match weights the project's decisions moved.
func printRefined(w io.Writer, m *match.Result) {
	if m == nil || m.Stats.Labelled == 0 {
		return
	}
	r := preport.Refined(m)
	var moved []string
	for i, mw := range r.Moved {
		if i == maxMovedShown {
			moved = append(moved, fmt.Sprintf("%d more in report.json", len(r.Moved)-i))
			break
		}
		moved = append(moved, fmt.Sprintf("%s %s %s %+.1f → %.1f", mw.Kind, mw.Field, mw.Outcome, mw.After-mw.Before, mw.After))
	}
	if len(moved) == 0 {
		moved = append(moved, "none moved by 0.1 or more")
	}
	fmt.Fprintf(w, "weights refined\t%d\t(decided pairs as evidence: %s)\n", r.Decisions, strings.Join(moved, "; "))
}

// printSync adds what an incremental run did with the state.
func printSync(w io.Writer, si *pipeline.SyncInfo) {
	c := si.Counts
	fmt.Fprintf(w, "customers changed\t%d\t(%d new, %d updated, %d merged, %d retired; %d unchanged; see changes.csv)\n",
		c["new"]+c["updated"]+c["merged"]+c["retired"], c["new"], c["updated"], c["merged"], c["retired"], c["unchanged"])
	if k := si.ContactCounts; k["new"]+k["updated"]+k["merged"]+k["retired"] > 0 {
		fmt.Fprintf(w, "contacts changed\t%d\t(%d new, %d updated, %d merged, %d retired)\n",
			k["new"]+k["updated"]+k["merged"]+k["retired"], k["new"], k["updated"], k["merged"], k["retired"])
	}
	printLearned(w, si.Learned)
	fmt.Fprintf(w, "files from state\t%d\t(unchanged since the last run, not read again; %d read)\n", len(si.FilesReused), len(si.FilesRead))
	switch {
	case si.Regrown:
		fmt.Fprintf(w, "rows matched\tall\t(the rows more than doubled since the match weights were estimated: estimated again)\n")
	case si.PatternsChanged && !si.RulesChanged:
		fmt.Fprintf(w, "rows matched\tall\t(a learned pattern is no longer applied: its pairs are asked again; no row cleaned again)\n")
	}
	if !si.First && !si.RulesChanged && !si.Regrown && !si.PatternsChanged {
		fmt.Fprintf(w, "rows matched\t%d\t(the new rows and the customers they may touch; the rest left as they were)\n", si.RowsMatched)
	}
	if si.Rescored > 0 {
		fmt.Fprintf(w, "pairs scored again\t%d\t(doubtful pairs of newly learned merge patterns: only their customers matched again)\n", si.Rescored)
	}
	if si.LeftOut > 0 {
		fmt.Fprintf(w, "left out of review\t%d\t(doubtful pairs of learned keep patterns; decide forget-pattern brings them back)\n", si.LeftOut)
	}
	if si.RowsReused > 0 {
		fmt.Fprintf(w, "rows not cleaned again\t%d\t(unchanged rows of changed files)\n", si.RowsReused)
	}
	if si.RulesChanged {
		fmt.Fprintf(w, "rules changed\tyes\t(since the last run: every file read and cleaned again)\n")
	}
	if len(si.FilesKept) > 0 {
		fmt.Fprintf(w, "files not given\t%d\t(rows kept from the state: %s; --retire-missing drops them)\n",
			len(si.FilesKept), strings.Join(si.FilesKept, ", "))
	}
	if len(si.FilesGone) > 0 {
		fmt.Fprintf(w, "files retired\t%d\t(%s)\n", len(si.FilesGone), strings.Join(si.FilesGone, ", "))
	}
	if si.Republished != nil {
		fmt.Fprintf(w, "republished\trun %d\t(saved, but its outputs never appeared: now in %s)\n",
			si.Republished.ID, si.Republished.Out)
	}
	if si.Carried != nil {
		fmt.Fprintf(w, "changes carried\tfrom run %d\t(saved, but its outputs never appeared: its changes are in this run's changes.csv and delta)\n",
			si.Carried.ID)
	}
}

// hintFor suggests what to do about a run error.
func hintFor(err error) string {
	switch {
	case errors.Is(err, context.Canceled):
		return "run the command again: it was stopped (Ctrl-C) and left the output folder as it was"
	case errors.Is(err, pipeline.ErrNoRows):
		return "check the inputs: 'crmclean inspect INPUT...' shows what each file holds"
	case errors.Is(err, state.ErrNotState):
		return "give --state the project's state file (restore it from a backup if it was damaged), or a new file name to start a new state"
	case errors.Is(err, state.ErrNewerSchema):
		return "use the crmclean version that wrote the state file, or a newer one"
	case errors.Is(err, sink.ErrNotOurs):
		return "pass --out with a new or empty folder"
	case errors.Is(err, os.ErrNotExist):
		return "check the path (quote paths that contain spaces)"
	case errors.Is(err, os.ErrPermission):
		return "check that you may write there, and that no output file is open in Excel"
	}
	return ""
}

func version() string {
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return pipeline.Version
}

func initCommand(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("crmclean init", flag.ContinueOnError)
	fs.SetOutput(stdout)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: crmclean init [FILE]

Write the built-in rules (header synonyms, placeholder values, footer markers,
sensitive columns, name and phone rules, match thresholds …) to FILE, default
crmclean-rules.yaml, to edit and pass with 'crmclean run --rules FILE'. Your
file is layered on the defaults: keep only what you change. An existing file
is never overwritten.
`)
	}
	pos, done, err := parseArgs(fs, args)
	if done {
		return err
	}
	path := "crmclean-rules.yaml"
	if len(pos) > 1 {
		return usageTry(fmt.Errorf("init takes at most one FILE, got %d", len(pos)), "crmclean init --help")
	}
	if len(pos) == 1 {
		path = pos[0]
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if errors.Is(err, os.ErrExist) {
		return usagef("%s already exists; not overwritten (remove it or name another file)", path)
	}
	if err != nil {
		return fmt.Errorf("write rules: %w", err)
	}
	if _, err := f.Write(rules.DefaultYAML()); err != nil {
		f.Close()
		return fmt.Errorf("write rules: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write rules: %w", err)
	}
	fmt.Fprintf(stdout, "Wrote the default rules to %s. Edit it and pass it with: crmclean run --rules %s INPUT...\n", path, path)
	return nil
}

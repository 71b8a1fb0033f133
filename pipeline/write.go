package pipeline

import (
	"context"
	"fmt"
	"slices"

	"golang.org/x/sync/errgroup"

	"github.com/crmclean/crmclean/pipeline/match"
	"github.com/crmclean/crmclean/pipeline/merge"
	"github.com/crmclean/crmclean/pipeline/record"
	"github.com/crmclean/crmclean/pipeline/report"
	"github.com/crmclean/crmclean/pipeline/sink"
	"github.com/crmclean/crmclean/pipeline/state"
)

// stage writes the output files of res into a staging folder and returns
// it, ready to publish. The writers stop once ctx is done or one of them
// fails; the staging folder is then removed.
func stage(ctx context.Context, cfg Config, res *Result) (*sink.Staging, error) {
	st, err := sink.Stage(cfg.Out, func(a, b, verdict string) bool {
		return res.decided[state.PairKey(a, b)] == verdict
	})
	if err != nil {
		return nil, err
	}
	res.StaleRemoved = append(res.StaleRemoved, st.Removed...)
	customers, rows := res.Customers, res.Records
	if res.Sync != nil && cfg.ChangesOnly {
		customers, rows = changedOnly(res)
	}
	review := res.ReviewPairs()
	ropt := sink.ReviewOptions{Lang: cfg.Lang, NoMask: cfg.NoMask}
	parent := ctx
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(max(cfg.Workers, 1))
	// Costliest first, so that no long writer starts last while the others
	// are done: at a million rows clean.csv and clean.xlsx take the longest,
	// then the report (built here, beside the other files) and the contacts.
	// A table's CSV and workbook are written in one pass over its rows.
	both := sink.Formats{CSV: true, XLSX: true}
	writers := []fileWriter{
		{2, func(dir string) error { return sink.WriteCleanFiles(ctx, dir, customers, both) }},
		{1, func(dir string) error { // report.json and report.html count as one
			if err := ctx.Err(); err != nil {
				return err
			}
			rep := report.Build(report.Input{Learned: learnedForReport(res), Version: Version, Started: res.Started, Duration: res.Duration, Files: res.Files,
				Ignored: res.Ignored, Records: res.Records, Customers: res.Customers, Match: res.Match, Rows: res.Rows,
				Review: review, Rules: res.Rules, Lang: cfg.Lang, NoMask: cfg.NoMask})
			if err := report.WriteJSON(dir, rep); err != nil {
				return err
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			return report.WriteHTML(dir, rep, cfg.Lang)
		}},
		{2, func(dir string) error { return sink.WriteContactsFiles(ctx, dir, customers, both) }},
		{1, func(dir string) error { return sink.WriteLinks(ctx, dir, res.Rows, res.Match.Links) }},
		{1, func(dir string) error { return sink.WriteLineage(ctx, dir, rows, cfg.Lang) }},
		{1, func(dir string) error { return sink.WriteReviewXLSX(ctx, dir, res.Rows, review, ropt) }},
		{1, func(dir string) error { return sink.WriteReview(ctx, dir, res.Rows, review, ropt) }},
		{2, func(dir string) error { return sink.WriteRejectsFiles(ctx, dir, rows, cfg.Lang, both) }},
		{2, func(dir string) error { return sink.WriteIssuesFiles(ctx, dir, rows, cfg.Lang, both) }},
	}
	if cfg.Profile != nil && len(cfg.Profile.Files) > 0 {
		writers = append(writers, fileWriter{1, func(dir string) error { return sink.WriteProfile(ctx, dir, cfg.Profile, customers) }})
	}
	if res.Sync != nil {
		changes := changeLines(res.Sync, cfg.ChangesOnly)
		writers = append(writers, fileWriter{1, func(dir string) error { return sink.WriteChanges(ctx, dir, changes) }})
	}
	// The files are independent: write them side by side.
	progress := cfg.Progress
	if progress == nil {
		progress = noProgress{}
	}
	files := int64(0)
	for _, w := range writers {
		files += w.files
	}
	progress.Stage("write", files)
	for _, w := range writers {
		g.Go(func() error {
			defer progress.Add(w.files)
			if err := ctx.Err(); err != nil {
				return err
			}
			return w.write(st.Dir)
		})
	}
	err = g.Wait()
	progress.Done()
	if err == nil {
		err = parent.Err() // stopped as the last file was done: still stopped
	}
	if err != nil {
		st.Abort()
		return nil, fmt.Errorf("write output: %w", err)
	}
	return st, nil
}

// fileWriter writes some of the output files: how many, and how.
type fileWriter struct {
	files int64
	write func(dir string) error
}

// ReviewPairs are the doubtful pairs a person decides: one per pair of
// customers (match.ByCustomer), highest score first. Every pair of rows
// stays in Match.Review (and, with a state, in the state).
func (res *Result) ReviewPairs() []match.Pair {
	if res.review != nil {
		return res.review
	}
	if res.Match == nil {
		return nil
	}
	return match.ByCustomer(res.Match.Review, func(k record.Key) string { return res.Rows[k].CustomerID })
}

// changedOnly picks the customers new or updated in an incremental run and
// the rows of the files it read or whose customer changed — since the last
// published run, so with those of a run that never published — the delta
// an upsert import needs.
func changedOnly(res *Result) ([]*merge.Customer, []*record.Record) {
	touched := map[string]bool{}
	for _, c := range res.Sync.Changes {
		if c.Change == state.ChangeNew || c.Change == state.ChangeUpdated {
			touched[c.ID] = true
		}
	}
	read := map[string]bool{}
	for _, f := range slices.Concat(res.Sync.FilesRead, res.Sync.FilesCarried) {
		read[f] = true
	}
	var customers []*merge.Customer
	for _, c := range res.Customers {
		if touched[c.ID] {
			customers = append(customers, c)
		}
	}
	var rows []*record.Record
	for _, r := range res.Records {
		if read[r.Prov.File] || touched[r.CustomerID] {
			rows = append(rows, r)
		}
	}
	return customers, rows
}

// changeLines interleaves the customer and contact lines of changes.csv:
// by customer id, a customer's own line first, then its contacts' by id.
// A changes-only run lists what changed: its unchanged customers are
// counted in the summary, not listed (at a million rows they are nearly
// every line).
func changeLines(si *SyncInfo, changesOnly bool) []sink.Change {
	out := make([]sink.Change, 0, len(si.Changes)+len(si.ContactChanges))
	contacts := si.ContactChanges
	for _, c := range si.Changes {
		for len(contacts) > 0 && contacts[0].Customer < c.ID {
			out = append(out, contactLine(contacts[0]))
			contacts = contacts[1:]
		}
		if changesOnly && c.Change == state.ChangeUnchanged {
			continue
		}
		out = append(out, sink.Change{ID: c.ID, Change: c.Change, MergedInto: c.MergedInto})
		for len(contacts) > 0 && contacts[0].Customer == c.ID {
			out = append(out, contactLine(contacts[0]))
			contacts = contacts[1:]
		}
	}
	for _, x := range contacts {
		out = append(out, contactLine(x))
	}
	return out
}

func contactLine(x state.ContactChange) sink.Change {
	return sink.Change{ID: x.Customer, ContactID: x.ID, Change: x.Change, MergedInto: x.MergedInto}
}

// learnedForReport are the learned patterns of an incremental run, as the
// report shows them.
func learnedForReport(res *Result) []report.Learned {
	if res.Sync == nil {
		return nil
	}
	var out []report.Learned
	for _, l := range res.Sync.Learned {
		out = append(out, report.Learned{Pattern: l.Pattern, Merge: l.Merge, Keep: l.Keep, Verdict: l.Verdict, Forgotten: l.Forgotten, Applied: l.Applied})
	}
	return out
}

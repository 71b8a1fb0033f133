package pipeline

import (
	"fmt"

	"golang.org/x/sync/errgroup"

	"github.com/crmclean/crmclean/pipeline/report"
	"github.com/crmclean/crmclean/pipeline/sink"
)

// Write writes the output files of res into a staging folder beside
// cfg.Out and moves it into place only when every file is complete, so a
// failed run never leaves a half-written output folder.
func Write(cfg Config, res *Result) error {
	st, err := sink.Stage(cfg.Out)
	if err != nil {
		return err
	}
	rep := report.Build(report.Input{Version: Version, Started: res.Started, Duration: res.Duration, Files: res.Files,
		Ignored: res.Ignored, Records: res.Records, Customers: res.Customers, Match: res.Match, Matched: res.Matched,
		Rules: res.Rules, Lang: cfg.Lang, NoMask: cfg.NoMask})
	writers := []func(dir string) error{
		func(dir string) error { return sink.WriteClean(dir, res.Customers) },
		func(dir string) error { return sink.WriteCleanXLSX(dir, res.Customers) },
		func(dir string) error { return sink.WriteContacts(dir, res.Customers) },
		func(dir string) error { return sink.WriteLineage(dir, res.Records) },
		func(dir string) error { return sink.WriteRejects(dir, res.Records) },
		func(dir string) error { return sink.WriteRejectsXLSX(dir, res.Records) },
		func(dir string) error { return sink.WriteReview(dir, res.Matched, res.Match.Review) },
		func(dir string) error { return sink.WriteReviewXLSX(dir, res.Matched, res.Match.Review) },
		func(dir string) error { return sink.WriteLinks(dir, res.Matched, res.Match.Links) },
		func(dir string) error { return report.WriteJSON(dir, rep) },
		func(dir string) error { return report.WriteHTML(dir, rep, cfg.Lang) },
	}
	if cfg.Profile != nil && len(cfg.Profile.Files) > 0 {
		writers = append(writers, func(dir string) error { return sink.WriteProfile(dir, cfg.Profile, res.Customers) })
	}
	// The files are independent: write them side by side.
	g := new(errgroup.Group)
	g.SetLimit(max(cfg.Workers, 1))
	for _, w := range writers {
		g.Go(func() error { return w(st.Dir) })
	}
	if err := g.Wait(); err != nil {
		st.Abort()
		return fmt.Errorf("write output: %w", err)
	}
	if err := st.Publish(); err != nil {
		st.Abort()
		return err
	}
	return nil
}

package pipeline

import (
	"fmt"

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
	writers := []func(dir string) error{
		func(dir string) error { return sink.WriteClean(dir, res.Customers) },
		func(dir string) error { return sink.WriteContacts(dir, res.Customers) },
		func(dir string) error { return sink.WriteLineage(dir, res.Records) },
		func(dir string) error { return sink.WriteRejects(dir, res.Records) },
		func(dir string) error { return sink.WriteReview(dir, res.Matched, res.Match.Review) },
		func(dir string) error { return sink.WriteLinks(dir, res.Matched, res.Match.Links) },
	}
	for _, w := range writers {
		if err := w(st.Dir); err != nil {
			st.Abort()
			return fmt.Errorf("write output: %w", err)
		}
	}
	if err := st.Publish(); err != nil {
		st.Abort()
		return err
	}
	return nil
}

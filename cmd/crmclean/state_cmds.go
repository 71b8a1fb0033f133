package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/crmclean/crmclean/pipeline/state"
)

// purgeCommand deletes the personal data in a state file when an
// engagement ends, keeping the run log as the audit trail.
func purgeCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("crmclean purge", flag.ContinueOnError)
	fs.SetOutput(stdout) // for --help; parse errors are returned, not printed
	path := fs.String("state", "", "state `FILE` of the project to purge (required)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: crmclean purge --state FILE\n\n"+
			"Delete the personal data in a state file when the engagement ends: source rows, golden records,\n"+
			"review decisions and input file hashes. The run log stays as the audit trail, with a line for\n"+
			"the purge; customer ids are remembered so they are never issued again.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	pos, done, err := parseArgs(fs, args)
	if done {
		return err
	}
	if len(pos) > 0 {
		return usagef("purge takes no arguments, got %q: name the file with --state", pos[0])
	}
	if *path == "" {
		return usagef("no --state FILE given: name the state file to purge")
	}
	if _, err := os.Stat(*path); err != nil {
		return usageError{fmt.Errorf("state file %s: %w", *path, err)}
	}
	s, err := state.Open(ctx, *path)
	if errors.Is(err, state.ErrNotState) || errors.Is(err, state.ErrNewerSchema) {
		return usageError{err}
	}
	if err != nil {
		return err
	}
	n, err := s.Purge(ctx)
	var outs []string
	if err == nil {
		outs, err = outputFolders(ctx, s)
	}
	if cerr := s.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close state file %s: %w", *path, cerr)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Purged %s: deleted %d source rows, %d customers, %d review decisions and %d input file records.\n"+
		"The run log is kept as the audit trail.\n", *path, n.Rows, n.Customers, n.Decisions, n.Files)
	if len(outs) > 0 {
		fmt.Fprintf(stdout, "These output folders of earlier runs still hold personal data; delete them too:\n")
		for _, o := range outs {
			fmt.Fprintf(stdout, "  %s\n", o)
		}
	}
	return nil
}

// outputFolders lists the output folders of the logged runs that still exist.
func outputFolders(ctx context.Context, s *state.Store) ([]string, error) {
	runs, err := s.Audit(ctx)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []string
	for _, r := range runs {
		if r.Out == "" || seen[r.Out] {
			continue
		}
		seen[r.Out] = true
		if _, err := os.Stat(r.Out); err == nil {
			out = append(out, r.Out)
		}
	}
	return out, nil
}

// Command crmclean turns a company's customer spreadsheets into one clean,
// deduplicated customer list for a CRM go-live, with lineage for every row
// and a quality report.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"

	"github.com/crmclean/crmclean/rules"
)

// Exit codes, per the output contract.
const (
	exitOK       = 0
	exitFailed   = 1
	exitUsage    = 2
	exitRejected = 3 // --strict: rows were rejected or files could not be read
)

// usageError is bad usage or configuration: exit code 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// tryError gives an error the hint printed after it as "Try: …".
type tryError struct {
	err error
	try string
}

func (e tryError) Error() string { return e.err.Error() }
func (e tryError) Unwrap() error { return e.err }

// usageTry is a usage error with its own hint.
func usageTry(err error, try string) error { return usageError{tryError{err, try}} }

// exitError carries a specific exit code with an already-printed outcome.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

const usage = `crmclean — clean customer spreadsheets for a CRM go-live

Usage:
  crmclean run [flags] INPUT...     clean the sheets in INPUT (files or folders)
  crmclean inspect [flags] INPUT... show how each sheet would be read and mapped
  crmclean explain [--out DIR] ID... show which rows formed a customer and why they were linked
  crmclean review apply --state FILE REVIEW
                                    store the decisions filled in a review.csv/review.xlsx
  crmclean decide keep|merge --state FILE A B
                                    record that two customers or rows are different (keep) or the same (merge)
  crmclean decide forget-pattern --state FILE CODE
                                    stop applying an evidence pattern learned from decisions
  crmclean purge --state FILE       delete the customer data kept in a state file (keeps the audit log)
  crmclean init [FILE]              write the default rules file for editing (default crmclean-rules.yaml)
  crmclean version                  print the version

Run 'crmclean run -h' for the flags of a command.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	stopProfile := startProfile(os.Getenv("CRMCLEAN_CPUPROFILE"))
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stopProfile()
	stop()
	os.Exit(code)
}

// startProfile writes a CPU profile of the whole command to path, for
// developers measuring a run (CRMCLEAN_CPUPROFILE=FILE); it returns the
// function that stops it.
func startProfile(path string) func() {
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintf(os.Stderr, "Warning: no CPU profile: %v\n", err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintf(os.Stderr, "Warning: no CPU profile: %v\n", err)
		f.Close()
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}

// run dispatches a command line and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	var err error
	switch args[0] {
	case "run":
		err = runCommand(ctx, args[1:], stdout, stderr)
	case "inspect":
		err = inspectCommand(ctx, args[1:], stdout, stderr)
	case "explain":
		err = explainCommand(args[1:], stdout, stderr)
	case "init":
		err = initCommand(args[1:], stdout, stderr)
	case "purge":
		err = purgeCommand(ctx, args[1:], stdout, stderr)
	case "review":
		err = reviewCommand(ctx, args[1:], stdout, stderr)
	case "decide":
		if len(args) > 1 && args[1] == "forget-pattern" {
			err = forgetPatternCommand(ctx, args[2:], stdout, stderr)
		} else {
			err = decideCommand(ctx, args[1:], stdout, stderr)
		}
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, "crmclean", version())
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
	default:
		err = unknownCommand(args[0])
	}
	return report(err, stderr)
}

// commands are the command names, for suggestions.
var commands = []string{"run", "inspect", "explain", "review", "decide", "purge", "init", "version", "help"}

// unknownCommand is the error for a command crmclean does not have, with
// the closest one suggested.
func unknownCommand(name string) error {
	if s := rules.Suggest(name, commands); s != "" {
		return usageTry(fmt.Errorf("unknown command %q (did you mean %q?)", name, s), "crmclean "+s+" --help")
	}
	return usagef("unknown command %q", name)
}

// report prints err for the user and maps it to an exit code.
func report(err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	var ex exitError
	if errors.As(err, &ex) {
		return ex.code
	}
	fmt.Fprintf(stderr, "Error: %v\n", err)
	hint := hintFor(err)
	var ue usageError
	if errors.As(err, &ue) {
		try := "crmclean help"
		var te tryError
		if errors.As(err, &te) {
			try = te.try
		} else if hint != "" {
			try = hint
		}
		fmt.Fprintln(stderr, "Try:", try)
		return exitUsage
	}
	if hint != "" {
		fmt.Fprintf(stderr, "Try: %s\n", hint)
	}
	return exitFailed
}

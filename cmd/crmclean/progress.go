package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/crmclean/crmclean/pipeline"
	"github.com/crmclean/crmclean/pipeline/cputime"
)

// newProgress returns a progress bar on a terminal, plain progress lines
// otherwise, and nothing with --quiet. Both end each stage with a line
// saying what it did and how long it took, in wall and CPU time.
func newProgress(w io.Writer, quiet bool) pipeline.RowProgress {
	if quiet {
		return nil
	}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return &barProgress{w: w}
	}
	return &lineProgress{w: w}
}

// stageClock times one stage in wall and process CPU time and counts what
// it went through.
type stageClock struct {
	name  string
	total int64
	start time.Time
	cpu   time.Duration
	n     int64 // towards total: bytes for the read stage
	rows  int64 // rows read
}

func startClock(name string, total int64) stageClock {
	return stageClock{name: name, total: total, start: time.Now(), cpu: cputime.Process()}
}

// bytes reports whether the stage counts bytes (the read stage).
func (c *stageClock) bytes() bool { return c.name == "read" }

// count says how far the stage is: "450000 rows, 46.1 of 102.3 MB",
// "20480 of 633000 customers".
func (c *stageClock) count() string {
	switch {
	case c.bytes() && c.total > 0:
		return fmt.Sprintf("%d rows, %s of %s", c.rows, megabytes(c.n), megabytes(c.total))
	case c.bytes():
		return fmt.Sprintf("%d rows", c.rows)
	case c.total > 0:
		return fmt.Sprintf("%d of %d %s", c.n, c.total, unitOf(c.name))
	}
	return fmt.Sprintf("%d %s", c.n, unitOf(c.name))
}

// summary is the line that ends a stage: "match: done in 3.2s (CPU 6.1s)",
// with what it went through.
func (c *stageClock) summary() string {
	wall := time.Since(c.start).Round(time.Millisecond)
	took := wall.String()
	if cpu := cputime.Process(); cpu > 0 {
		took = fmt.Sprintf("%s (CPU %s)", wall, (cpu - c.cpu).Round(time.Millisecond))
	}
	switch {
	case c.bytes():
		return fmt.Sprintf("%s: done, %d rows (%s) in %s", c.name, c.rows, megabytes(c.total), took)
	case c.n > 0:
		return fmt.Sprintf("%s: done, %d %s in %s", c.name, c.n, unitOf(c.name), took)
	}
	return fmt.Sprintf("%s: done in %s", c.name, took)
}

func megabytes(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }

// unitOf names what a stage counts.
func unitOf(stage string) string {
	switch stage {
	case "golden records":
		return "customers"
	case "write":
		return "files"
	case "read":
		return "bytes"
	}
	return "rows"
}

// barProgress draws a progressbar on a terminal: a bar where the stage
// knows its total (reading: the input files' bytes), else a spinner with
// the count so far and the elapsed time, redrawn every 100 ms even while
// nothing is counted, so the screen is never still for long.
type barProgress struct {
	w     io.Writer
	mu    sync.Mutex
	bar   *progressbar.ProgressBar
	clock stageClock
	shown time.Time // when the count was last put in the description
}

func (p *barProgress) Stage(name string, total int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clock = startClock(name, total)
	opts := []progressbar.Option{
		progressbar.OptionSetWriter(p.w),
		progressbar.OptionSetDescription(fmt.Sprintf("%-14s", name)),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionSetRenderBlankState(true),
		progressbar.OptionSpinnerType(14),
		progressbar.OptionThrottle(100 * time.Millisecond),
		progressbar.OptionClearOnFinish(),
		// No rate: the first frame of a stage would show millions of rows a
		// second. A bar predicts the time left instead.
		progressbar.OptionSetPredictTime(total > 0),
	}
	if total > 0 && !p.clock.bytes() {
		// A spinner (total unknown), and the read stage, show their count
		// in the description (see describe), never as "n/-".
		opts = append(opts, progressbar.OptionShowCount(), progressbar.OptionSetItsString(unitOf(name)))
	}
	p.bar = progressbar.NewOptions64(total, opts...)
}

// describe puts the count in the description, at most five times a second.
func (p *barProgress) describe() {
	if p.clock.total > 0 && !p.clock.bytes() || time.Since(p.shown) < 200*time.Millisecond {
		return
	}
	p.shown = time.Now()
	p.bar.Describe(fmt.Sprintf("%-14s %s", p.clock.name, p.clock.count()))
}

func (p *barProgress) Add(n int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		p.clock.n += n
		p.describe()
		_ = p.bar.Add64(n)
	}
}

func (p *barProgress) AddRows(n int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		p.clock.rows += n
		p.describe()
	}
}

func (p *barProgress) Done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		_ = p.bar.Finish()
		p.bar = nil
		fmt.Fprintln(p.w, p.clock.summary())
	}
}

// lineProgress writes a plain line when a stage starts, every five seconds
// while it counts, and when it ends.
type lineProgress struct {
	w     io.Writer
	mu    sync.Mutex
	clock stageClock
	last  time.Time
	n     atomic.Int64
	rows  atomic.Int64
}

func (p *lineProgress) Stage(name string, total int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clock, p.last = startClock(name, total), time.Now()
	p.n.Store(0)
	p.rows.Store(0)
	switch {
	case p.clock.bytes() && total > 0:
		fmt.Fprintf(p.w, "%s: started (%s)\n", name, megabytes(total))
	case total > 0:
		fmt.Fprintf(p.w, "%s: started (%d %s)\n", name, total, unitOf(name))
	default:
		fmt.Fprintf(p.w, "%s: started\n", name)
	}
}

func (p *lineProgress) Add(n int64) {
	p.n.Add(n)
	p.tick()
}

func (p *lineProgress) AddRows(n int64) {
	p.rows.Add(n)
	p.tick()
}

// tick writes a line if the last is five seconds old.
func (p *lineProgress) tick() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if time.Since(p.last) >= 5*time.Second {
		p.last = time.Now()
		p.clock.n, p.clock.rows = p.n.Load(), p.rows.Load()
		fmt.Fprintf(p.w, "%s: %s\n", p.clock.name, p.clock.count())
	}
}

func (p *lineProgress) Done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clock.n, p.clock.rows = p.n.Load(), p.rows.Load()
	fmt.Fprintln(p.w, p.clock.summary())
}

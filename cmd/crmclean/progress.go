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
)

// newProgress returns a progress bar on a terminal, plain progress lines
// otherwise, and nothing with --quiet. Both end each stage with a line
// saying what it did and how long it took, in wall and CPU time.
func newProgress(w io.Writer, quiet bool) pipeline.Progress {
	if quiet {
		return nil
	}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return &barProgress{w: w}
	}
	return &lineProgress{w: w}
}

// stageClock times one stage in wall and process CPU time.
type stageClock struct {
	name  string
	total int64
	start time.Time
	cpu   time.Duration
}

func startClock(name string, total int64) stageClock {
	return stageClock{name: name, total: total, start: time.Now(), cpu: processCPU()}
}

// summary is the line that ends a stage: "match: done in 3.2s (CPU 6.1s)",
// with the count of rows (or files, or customers) it went through.
func (c stageClock) summary(n int64) string {
	wall := time.Since(c.start).Round(time.Millisecond)
	var took string
	if cpu := processCPU(); cpu > 0 {
		took = fmt.Sprintf("%s (CPU %s)", wall, (cpu - c.cpu).Round(time.Millisecond))
	} else {
		took = wall.String()
	}
	if n > 0 {
		return fmt.Sprintf("%s: done, %d %s in %s", c.name, n, unitOf(c.name), took)
	}
	return fmt.Sprintf("%s: done in %s", c.name, took)
}

// unitOf names what a stage counts.
func unitOf(stage string) string {
	switch stage {
	case "golden records":
		return "customers"
	case "write":
		return "files"
	}
	return "rows"
}

// barProgress draws a progressbar on a terminal: a bar where the stage
// knows its total, else a spinner with the count so far and the elapsed
// time, redrawn every 100 ms even while nothing is counted, so the screen
// is never still for long.
type barProgress struct {
	w     io.Writer
	mu    sync.Mutex
	bar   *progressbar.ProgressBar
	clock stageClock
	n     int64
	shown time.Time // when a spinner's count was last put in its description
}

func (p *barProgress) Stage(name string, total int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clock, p.n = startClock(name, total), 0
	opts := []progressbar.Option{
		progressbar.OptionSetWriter(p.w),
		progressbar.OptionSetDescription(fmt.Sprintf("%-14s", name)),
		progressbar.OptionSetItsString(unitOf(name)),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionSetRenderBlankState(true),
		progressbar.OptionSpinnerType(14),
		progressbar.OptionThrottle(100 * time.Millisecond),
		progressbar.OptionClearOnFinish(),
		// No rate: the first frame of a stage would show millions of rows a
		// second. A bar predicts the time left instead.
		progressbar.OptionSetPredictTime(total > 0),
	}
	if total > 0 {
		// A spinner (total unknown) shows its count in the description
		// (see Add), never as "n/-".
		opts = append(opts, progressbar.OptionShowCount())
	}
	p.bar = progressbar.NewOptions64(total, opts...)
}

func (p *barProgress) Add(n int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		p.n += n
		if p.clock.total <= 0 && time.Since(p.shown) >= 200*time.Millisecond {
			p.shown = time.Now()
			p.bar.Describe(fmt.Sprintf("%-14s %d %s", p.clock.name, p.n, unitOf(p.clock.name)))
		}
		_ = p.bar.Add64(n)
	}
}

func (p *barProgress) Done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		_ = p.bar.Finish()
		p.bar = nil
		fmt.Fprintln(p.w, p.clock.summary(p.n))
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
}

func (p *lineProgress) Stage(name string, total int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clock, p.last = startClock(name, total), time.Now()
	p.n.Store(0)
	if total > 0 {
		fmt.Fprintf(p.w, "%s: started (%d %s)\n", name, total, unitOf(name))
	} else {
		fmt.Fprintf(p.w, "%s: started\n", name)
	}
}

func (p *lineProgress) Add(n int64) {
	total := p.n.Add(n)
	p.mu.Lock()
	defer p.mu.Unlock()
	if time.Since(p.last) >= 5*time.Second {
		p.last = time.Now()
		if p.clock.total > 0 {
			fmt.Fprintf(p.w, "%s: %d of %d %s\n", p.clock.name, total, p.clock.total, unitOf(p.clock.name))
		} else {
			fmt.Fprintf(p.w, "%s: %d %s\n", p.clock.name, total, unitOf(p.clock.name))
		}
	}
}

func (p *lineProgress) Done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintln(p.w, p.clock.summary(p.n.Load()))
}

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
// otherwise, and nothing with --quiet.
func newProgress(w io.Writer, quiet bool) pipeline.Progress {
	if quiet {
		return nil
	}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return &barProgress{w: w}
	}
	return &lineProgress{w: w}
}

// barProgress draws a progressbar on a terminal.
type barProgress struct {
	w   io.Writer
	mu  sync.Mutex
	bar *progressbar.ProgressBar
}

func (p *barProgress) Stage(name string, total int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.bar = progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(p.w),
		progressbar.OptionSetDescription(fmt.Sprintf("%-6s", name)),
		progressbar.OptionSetItsString("rows"),
		progressbar.OptionShowIts(),
		progressbar.OptionShowCount(),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
}

func (p *barProgress) Add(n int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		_ = p.bar.Add64(n)
	}
}

func (p *barProgress) Done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		_ = p.bar.Finish()
		p.bar = nil
	}
}

// lineProgress writes a plain line per stage and every few seconds.
type lineProgress struct {
	w     io.Writer
	mu    sync.Mutex
	name  string
	start time.Time
	last  time.Time
	n     atomic.Int64
}

func (p *lineProgress) Stage(name string, total int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.name, p.start, p.last = name, time.Now(), time.Now()
	p.n.Store(0)
	fmt.Fprintf(p.w, "%s: started\n", name)
}

func (p *lineProgress) Add(n int64) {
	total := p.n.Add(n)
	p.mu.Lock()
	defer p.mu.Unlock()
	if time.Since(p.last) >= 5*time.Second {
		p.last = time.Now()
		fmt.Fprintf(p.w, "%s: %d rows\n", p.name, total)
	}
}

func (p *lineProgress) Done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n := p.n.Load(); n > 0 {
		fmt.Fprintf(p.w, "%s: done, %d rows in %s\n", p.name, n, time.Since(p.start).Round(time.Millisecond))
	} else {
		fmt.Fprintf(p.w, "%s: done in %s\n", p.name, time.Since(p.start).Round(time.Millisecond))
	}
}

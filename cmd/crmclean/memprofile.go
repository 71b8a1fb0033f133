package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"

	"github.com/crmclean/crmclean/pipeline"
)

// memProfiler writes a heap profile at the end of every stage, for
// developers measuring a run's memory (CRMCLEAN_MEMPROFILE=FILE writes
// FILE.read, FILE.match, FILE.golden-records, FILE.write, …): the live heap
// is highest between two stages, when one stage's results wait for the
// next. It collects garbage before each profile, so a profiled run is
// slower than one that is not. Read one with
// `go tool pprof -sample_index=inuse_space -top bin/crmclean FILE.match`.
type memProfiler struct {
	pipeline.RowProgress // nil with --quiet
	path                 string
	stage                string
	w                    io.Writer // where each profile's line goes
}

// withMemProfile returns p, wrapped to write heap profiles to path.stage
// when path is not empty, each with a line to w.
func withMemProfile(p pipeline.RowProgress, path string, w io.Writer) pipeline.RowProgress {
	if path == "" {
		return p
	}
	return &memProfiler{RowProgress: p, path: path, w: w}
}

func (m *memProfiler) Stage(name string, total int64) {
	m.stage = name
	if m.RowProgress != nil {
		m.RowProgress.Stage(name, total)
	}
}

func (m *memProfiler) Add(n int64) {
	if m.RowProgress != nil {
		m.RowProgress.Add(n)
	}
}

func (m *memProfiler) AddRows(n int64) {
	if m.RowProgress != nil {
		m.RowProgress.AddRows(n)
	}
}

func (m *memProfiler) Done() {
	if m.RowProgress != nil {
		m.RowProgress.Done()
	}
	if err := writeHeapProfile(m.path+"."+strings.ReplaceAll(m.stage, " ", "-"), m.w); err != nil {
		fmt.Fprintf(m.w, "Warning: no heap profile: %v\n", err)
	}
}

// writeHeapProfile collects garbage, so that the profile shows what is
// live now, writes the heap profile to path and says so on w.
func writeHeapProfile(path string, w io.Writer) error {
	runtime.GC()
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintf(w, "heap profile %s: %.0f MB live, %.0f MB from the system\n",
		path, float64(ms.HeapAlloc)/1e6, float64(ms.Sys)/1e6)
	return f.Close()
}

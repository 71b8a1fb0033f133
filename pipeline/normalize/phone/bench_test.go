package phone

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// messyCells is a realistic mix of what phone columns hold.
var messyCells = []string{
	"13800138000", "138 0013 8000", "+86 138-0013-8000", "１３９００１３９０００", "0571-88881234",
	"(0571)8888 1234转801", "13800138000/13900139000", "手机:13800138000 电话：0571-88881234",
	"13800138000（微信同号）", "88881234", "400-800-1234", "1.3800138E+10", "13800138000.0",
	"1380013800", "010-6234-5678-56", "95588", "+1 415 555 2671", "0592-56769178",
}

func BenchmarkParseMobile(b *testing.B) {
	p := newParser(b)
	ctx := Context{City: "杭州市"}
	b.ReportAllocs()
	for b.Loop() {
		p.Parse("13800138000", ctx)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "cells/s")
}

func BenchmarkParseLandline(b *testing.B) {
	p := newParser(b)
	ctx := Context{City: "杭州市"}
	b.ReportAllocs()
	for b.Loop() {
		p.Parse("0571-88881234", ctx)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "cells/s")
}

func BenchmarkParseMixed(b *testing.B) {
	p := newParser(b)
	ctx := Context{City: "杭州市"}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		for _, c := range messyCells {
			p.Parse(c, ctx)
		}
		n += len(messyCells)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "cells/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/cell")
}

// BenchmarkParseCorpus parses the distinct phone cells of the benchmark
// corpus's CSV sheets ($CRMCLEAN_BENCH_DIR/sheets/*.csv), each with the
// city its row names, as the normalizer passes the address's city; skipped
// when CRMCLEAN_BENCH_DIR is unset.
func BenchmarkParseCorpus(b *testing.B) {
	dir := os.Getenv("CRMCLEAN_BENCH_DIR")
	if dir == "" {
		b.Skip("CRMCLEAN_BENCH_DIR is not set")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "sheets", "*.csv"))
	if len(files) == 0 {
		b.Skipf("no CSV sheets in %s", filepath.Join(dir, "sheets"))
	}
	cells := phoneCells(b, files, true)
	p := newParser(b)
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	n := 0
	for b.Loop() {
		for _, c := range cells {
			p.Parse(c.text, Context{City: c.city})
		}
		n += len(cells)
	}
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/cell")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(n), "allocs/cell")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(n), "B/cell")
}

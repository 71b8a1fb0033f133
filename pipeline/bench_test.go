package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/crmclean/crmclean/pipeline/record"
	"github.com/crmclean/crmclean/rules"
)

// benchInputs returns the benchmark corpus made by
// `go run ./fixtures/gen --rows N --out DIR` (see `make bench`), named by
// CRMCLEAN_BENCH_DIR, or skips.
func benchInputs(b *testing.B) string {
	dir := os.Getenv("CRMCLEAN_BENCH_DIR")
	if dir == "" {
		b.Skip("CRMCLEAN_BENCH_DIR not set: run make bench")
	}
	return filepath.Join(dir, "sheets")
}

// BenchmarkProcess measures every stage but writing on the benchmark corpus.
func BenchmarkProcess(b *testing.B) {
	in := benchInputs(b)
	cfg := Config{Inputs: []string{in}, Rules: rules.Default(), Workers: 2}
	var rows int
	for b.Loop() {
		res, err := prepare(context.Background(), cfg)
		if err != nil {
			b.Fatal(err)
		}
		rows = len(res.Records)
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkReadNormalize measures ingest, normalization and validation alone.
func BenchmarkReadNormalize(b *testing.B) {
	in := benchInputs(b)
	cfg := Config{Inputs: []string{in}, Rules: rules.Default(), Workers: 2, Progress: noProgress{}}
	var rows int
	for b.Loop() {
		res := &Result{}
		norm, err := newNormalizer(cfg)
		if err != nil {
			b.Fatal(err)
		}
		inputs, _, _ := discover(cfg)
		if err := read(context.Background(), cfg, inputs, norm, res, nil); err != nil {
			b.Fatal(err)
		}
		rows = 0
		for _, r := range res.Records {
			if r.Status != record.Skipped {
				rows++
			}
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

package normalize_test

import (
	"bufio"
	"context"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/crmclean/crmclean/pipeline/cputime"
	"github.com/crmclean/crmclean/pipeline/ingest"
	"github.com/crmclean/crmclean/pipeline/normalize"
	"github.com/crmclean/crmclean/pipeline/record"
	"github.com/crmclean/crmclean/pipeline/validate"
	"github.com/crmclean/crmclean/rules"
)

// benchFile is the benchmark corpus's UTF-8 CSV, so that the bare
// encoding/csv read needs no decoding and reads exactly what ingest reads.
const benchFile = "老系统导出.csv"

// benchWorkers is the number of cores of the speed target (issue 3).
const benchWorkers = 2

// benchInput returns the benchmark CSV made by
// `go run ./fixtures/gen --rows N --out DIR` (see `make bench`) in the
// folder named by CRMCLEAN_BENCH_DIR, or skips.
func benchInput(b *testing.B) ingest.Input {
	b.Helper()
	dir := os.Getenv("CRMCLEAN_BENCH_DIR")
	if dir == "" {
		b.Skip("CRMCLEAN_BENCH_DIR not set: run make bench")
	}
	path := filepath.Join(dir, "sheets", benchFile)
	if _, err := os.Stat(path); err != nil {
		b.Skipf("benchmark corpus: %v", err)
	}
	return ingest.Input{Path: path, Rel: benchFile}
}

// readRecords reads in through ingest and returns its data rows.
func readRecords(b *testing.B, rd *ingest.Reader, in ingest.Input) []record.Record {
	b.Helper()
	var recs []record.Record
	rep := rd.ReadFile(context.Background(), in, func(r *record.Record) {
		if r.Status != record.Skipped && r.Status != record.Rejected {
			recs = append(recs, *r)
		}
	})
	if rep.Err != nil {
		b.Fatalf("read %s: %v", in.Rel, rep.Err)
	}
	if len(recs) == 0 {
		b.Fatalf("read %s: no data rows", in.Rel)
	}
	return recs
}

// reset copies the freshly read records into work, so that every timed
// pass normalizes records that have not been normalized yet.
func reset(work, fresh []record.Record) {
	for i := range fresh {
		work[i] = fresh[i]
		work[i].Issues = slices.Clip(fresh[i].Issues)
	}
}

// benchBatch is how many rows a worker takes at a time, as the pipeline's
// workers take batches of pipeline.batchSize rows.
const benchBatch = 2048

// normalizeChunks runs normalize and validate over recs with workers
// goroutines, each taking the next batch of rows until none are left.
func normalizeChunks(n *normalize.Normalizer, v *validate.Validator, recs []record.Record, workers int) {
	var wg sync.WaitGroup
	var next atomic.Int64
	for range workers {
		wg.Go(func() {
			for {
				hi := int(next.Add(benchBatch))
				lo := hi - benchBatch
				if lo >= len(recs) {
					return
				}
				for i := lo; i < min(hi, len(recs)); i++ {
					n.Apply(&recs[i])
					v.Apply(&recs[i])
				}
			}
		})
	}
	wg.Wait()
}

func benchNormalize(b *testing.B, workers int) {
	in := benchInput(b)
	r := rules.Default()
	timeNormalize(b, r, readRecords(b, ingest.NewReader(r), in), workers)
}

// timeNormalize times normalize and validate over fresh with workers
// goroutines, restoring the input between passes with the timer stopped.
func timeNormalize(b *testing.B, r *rules.Rules, fresh []record.Record, workers int) {
	n, err := normalize.New(r)
	if err != nil {
		b.Fatal(err)
	}
	v := validate.New(r)
	work := make([]record.Record, len(fresh))
	b.ReportAllocs()
	var cpu time.Duration
	for b.Loop() {
		// Restoring the input is the harness's work, not normalization's.
		b.StopTimer()
		reset(work, fresh)
		b.StartTimer()
		cpu0 := cputime.Process()
		normalizeChunks(n, v, work, workers)
		cpu += cputime.Process() - cpu0
	}
	rows := float64(len(fresh)) * float64(b.N)
	b.ReportMetric(rows/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/rows, "ns/row")
	if cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/rows, "cpu-ns/row")
	}
}

// BenchmarkNormalize measures normalize.Apply and validate.Apply over the
// rows of the benchmark CSV with two workers, the target's two cores.
func BenchmarkNormalize(b *testing.B) { benchNormalize(b, benchWorkers) }

// BenchmarkNormalizeCorpus is BenchmarkNormalize over every sheet of the
// benchmark corpus, the CSVs in their encodings and the workbook: all of its
// rows, with the mix of columns each source has.
func BenchmarkNormalizeCorpus(b *testing.B) {
	in := benchInput(b)
	sheets, err := filepath.Glob(filepath.Join(filepath.Dir(in.Path), "*"))
	if err != nil {
		b.Fatal(err)
	}
	r := rules.Default()
	rd := ingest.NewReader(r)
	var fresh []record.Record
	for _, path := range sheets {
		fresh = append(fresh, readRecords(b, rd, ingest.Input{Path: path, Rel: filepath.Base(path)})...)
	}
	timeNormalize(b, r, fresh, benchWorkers)
}

// BenchmarkNormalizeSerial is BenchmarkNormalize on one goroutine: its
// ns/row is the CPU cost of a row, which a loaded machine disturbs less
// than the parallel wall-clock figure.
func BenchmarkNormalizeSerial(b *testing.B) { benchNormalize(b, 1) }

// BenchmarkIngest measures ingest.Reader.ReadFile alone on the benchmark CSV.
func BenchmarkIngest(b *testing.B) {
	in := benchInput(b)
	rd := ingest.NewReader(rules.Default())
	var rows int
	b.ReportAllocs()
	for b.Loop() {
		rows = 0
		rep := rd.ReadFile(context.Background(), in, func(*record.Record) { rows++ })
		if rep.Err != nil {
			b.Fatalf("read %s: %v", in.Rel, rep.Err)
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkBareCSV reads the same file with encoding/csv alone, the
// yardstick the speed target is measured against.
func BenchmarkBareCSV(b *testing.B) {
	in := benchInput(b)
	var rows int
	b.ReportAllocs()
	for b.Loop() {
		rows = 0
		f, err := os.Open(in.Path)
		if err != nil {
			b.Fatal(err)
		}
		cr := csv.NewReader(bufio.NewReader(f))
		cr.FieldsPerRecord = -1
		cr.ReuseRecord = false
		for {
			_, err := cr.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatalf("read %s: %v", in.Rel, err)
			}
			rows++
		}
		f.Close()
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

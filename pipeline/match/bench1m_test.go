package match_test

import (
	"context"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/crmclean/crmclean/pipeline/cputime"
	"github.com/crmclean/crmclean/pipeline/ingest"
	"github.com/crmclean/crmclean/pipeline/match"
	"github.com/crmclean/crmclean/pipeline/normalize"
	"github.com/crmclean/crmclean/pipeline/record"
	"github.com/crmclean/crmclean/pipeline/validate"
	"github.com/crmclean/crmclean/rules"
)

// benchWorkers is the target machine's core count.
const benchWorkers = 2

// BenchmarkMatch1M times Match on the benchmark corpus made by
// `go run ./fixtures/gen --rows 1000000 --out DIR` in the folder named by
// CRMCLEAN_BENCH_DIR (skipped when unset), with the default rules'
// options on two workers. The records are read, normalized and validated
// once, outside the timer. Besides rows/s and candidate pairs/s it
// reports each step's seconds, the process CPU seconds of Match and its
// peak heap: the most heap objects seen while Match ran, sampled every
// 20 ms, less what was live just before (base_heap_MB).
func BenchmarkMatch1M(b *testing.B) {
	recs := benchRecords(b)
	r := rules.Default()
	norm, err := normalize.New(r)
	if err != nil {
		b.Fatal(err)
	}
	opt := match.Options{
		MergeThreshold:  r.Match.MergeThreshold,
		ReviewThreshold: r.Match.ReviewThreshold,
		MaxBlock:        r.Match.MaxBlock,
		FreeDomains:     r.Email.FreeDomains,
		NotOwnNumbers:   r.Phone.NotOwnE164(),
		BranchWords:     r.Names.BranchWords,
		Namer:           norm.Namer(),
		Workers:         benchWorkers,
	}
	b.ReportAllocs()
	var (
		res        *match.Result
		peak, live uint64
		cpu        time.Duration
	)
	for b.Loop() {
		b.StopTimer()
		res = nil
		runtime.GC()
		base := heapObjects()
		live = base
		stop := sampleHeap()
		cpu0 := cputime.Process()
		b.StartTimer()
		// Goroutines started by Match inherit the label, so a CPU
		// profile can be cut to the timed part: -tagfocus stage=match.
		pprof.Do(context.Background(), pprof.Labels("stage", "match"), func(ctx context.Context) {
			res, err = match.Match(ctx, recs, opt)
		})
		b.StopTimer()
		cpu += cputime.Process() - cpu0
		if top := stop(); top > base {
			peak = max(peak, top-base)
		}
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	sec := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(float64(len(recs))/sec, "rows/s")
	b.ReportMetric(float64(res.Stats.CandidatePairs)/sec, "pairs/s")
	b.ReportMetric(float64(res.Stats.CandidatePairs), "pairs")
	b.ReportMetric(float64(len(res.Links)), "links")
	b.ReportMetric(float64(len(res.Review)), "review")
	t := res.Stats.Timings
	for _, m := range []struct {
		d    time.Duration
		name string
	}{
		{t.Features, "features_s"},
		{t.Blocking, "blocking_s"},
		{t.Comparison, "comparison_s"},
		{t.Estimation, "estimation_s"},
		{t.Clustering, "clustering_s"},
	} {
		b.ReportMetric(m.d.Seconds(), m.name)
	}
	if cpu > 0 {
		b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu_s")
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak_heap_MB")
	// The heap live before Match (the records): the garbage collector
	// runs once Match has allocated about as much again.
	b.ReportMetric(float64(live)/(1<<20), "base_heap_MB")
}

// benchRecords reads, normalizes and validates every sheet of the
// benchmark corpus and returns the rows matching sees (no status yet),
// or skips when the corpus is missing.
func benchRecords(b *testing.B) []*record.Record {
	b.Helper()
	dir := os.Getenv("CRMCLEAN_BENCH_DIR")
	if dir == "" {
		b.Skip("CRMCLEAN_BENCH_DIR not set: run make bench")
	}
	sheets := filepath.Join(dir, "sheets")
	if _, err := os.Stat(sheets); err != nil {
		b.Skipf("benchmark corpus: %v", err)
	}
	inputs, _, err := ingest.Discover([]string{sheets})
	if err != nil {
		b.Fatalf("discover %s: %v", sheets, err)
	}
	if len(inputs) == 0 {
		b.Skipf("benchmark corpus: no sheets in %s", sheets)
	}
	r := rules.Default()
	rd := ingest.NewReader(r)
	norm, err := normalize.New(r)
	if err != nil {
		b.Fatal(err)
	}
	val := validate.New(r)

	perFile := make([][]*record.Record, len(inputs))
	var g errgroup.Group
	g.SetLimit(benchWorkers)
	for i, in := range inputs {
		g.Go(func() error {
			rep := rd.ReadFile(context.Background(), in, func(r *record.Record) {
				perFile[i] = append(perFile[i], r)
			})
			if rep.Err != nil {
				b.Errorf("read %s: %v", in.Rel, rep.Err)
			}
			return nil
		})
	}
	_ = g.Wait()
	if b.Failed() {
		b.FailNow()
	}
	var all []*record.Record
	for _, rs := range perFile {
		all = append(all, rs...)
	}
	var wg sync.WaitGroup
	chunk := (len(all) + benchWorkers - 1) / benchWorkers
	for lo := 0; lo < len(all); lo += chunk {
		wg.Go(func() {
			for _, r := range all[lo:min(len(all), lo+chunk)] {
				if r.Status == "" {
					norm.Apply(r)
					val.Apply(r)
				}
			}
		})
	}
	wg.Wait()
	usable := make([]*record.Record, 0, len(all))
	for _, r := range all {
		if r.Status == "" {
			usable = append(usable, r)
		}
	}
	if len(usable) == 0 {
		b.Fatalf("benchmark corpus %s: no usable rows", sheets)
	}
	return usable
}

// heapObjectsMetric is the runtime metric sampled for peak heap.
const heapObjectsMetric = "/memory/classes/heap/objects:bytes"

// heapObjects returns the bytes of heap objects, live and not yet swept.
func heapObjects() uint64 {
	s := []metrics.Sample{{Name: heapObjectsMetric}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// sampleHeap samples heapObjects every 20 ms until the returned function
// is called, which returns the largest sample.
func sampleHeap() (stop func() uint64) {
	done := make(chan struct{})
	result := make(chan uint64)
	go func() {
		s := []metrics.Sample{{Name: heapObjectsMetric}}
		var top uint64
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(s)
			top = max(top, s[0].Value.Uint64())
			select {
			case <-done:
				metrics.Read(s)
				result <- max(top, s[0].Value.Uint64())
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		return <-result
	}
}

// BenchmarkMatchBlockingQuality matches the benchmark corpus once with its
// truth (DIR/truth.csv) beside it and reports how much of the truth the
// blocking and the clustering keep as the corpus grows: pair_completeness
// (true duplicate pairs that were compared), pair_recall (true pairs put in
// one customer), customers_per_row, and the blocks too large to compare
// (capped_blocks, capped_rows: the records in them). Run it on corpora of
// 1M, 3M and 10M rows (make bench BENCH_ROWS=…): the figures must not fall
// as the rows grow. With CRMCLEAN_BLOCK_PROFILE set it also logs, per key
// type, how many blocks of each size there are and the pairs they yield
// (run with -v to see it whole).
func BenchmarkMatchBlockingQuality(b *testing.B) {
	recs := benchRecords(b)
	entity := benchTruth(b)
	r := rules.Default()
	norm, err := normalize.New(r)
	if err != nil {
		b.Fatal(err)
	}
	opt := match.Options{MergeThreshold: r.Match.MergeThreshold, ReviewThreshold: r.Match.ReviewThreshold,
		MaxBlock: r.Match.MaxBlock, FreeDomains: r.Email.FreeDomains, NotOwnNumbers: r.Phone.NotOwnE164(),
		BranchWords: r.Names.BranchWords, Namer: norm.Namer(), Workers: benchWorkers, KeepCandidates: true}
	if os.Getenv("CRMCLEAN_BLOCK_PROFILE") != "" {
		b.Logf("blocks by key type and size:\n%s", match.BlockProfile(recs, opt))
	}
	var res *match.Result
	for b.Loop() {
		if res, err = match.Match(context.Background(), recs, opt); err != nil {
			b.Fatal(err)
		}
	}
	ent := make([]string, len(recs))
	for i, rec := range recs {
		ent[i] = entity[benchKey(rec.Prov)]
	}
	byEntity := map[string][]int{}
	for i, e := range ent {
		if e != "" {
			byEntity[e] = append(byEntity[e], i)
		}
	}
	truePairs := map[[2]int]bool{}
	for _, rows := range byEntity {
		for x, a := range rows {
			for _, c := range rows[x+1:] {
				truePairs[[2]int{min(a, c), max(a, c)}] = true
			}
		}
	}
	compared := 0
	for _, p := range res.Candidates {
		if truePairs[[2]int{int(min(p[0], p[1])), int(max(p[0], p[1]))}] {
			compared++
		}
	}
	of := make([]int, len(recs))
	for c, members := range res.Clusters {
		for _, x := range members {
			of[x] = c
		}
	}
	together := 0
	for p := range truePairs {
		if of[p[0]] == of[p[1]] {
			together++
		}
	}
	if os.Getenv("CRMCLEAN_BLOCK_PROFILE") != "" {
		// The true pairs not compared: sharing a blocking key (lost to
		// a block's split or cap) or none (only the sorted
		// neighbourhood can find them).
		cand := make(map[[2]int]bool, len(res.Candidates))
		for _, p := range res.Candidates {
			cand[[2]int{int(min(p[0], p[1])), int(max(p[0], p[1]))}] = true
		}
		ks := match.BlockKeys(recs, opt)
		shared, none := 0, 0
		for p := range truePairs {
			if cand[p] {
				continue
			}
			a := map[uint64]bool{}
			for _, k := range ks[p[0]].Keys {
				a[k.Hash] = true
			}
			if slices.ContainsFunc(ks[p[1]].Keys, func(k match.BlockKey) bool { return a[k.Hash] }) {
				shared++
			} else {
				none++
			}
		}
		b.Logf("true pairs not compared: %d sharing a key, %d sharing none", shared, none)
	}
	capped := 0
	for _, cb := range res.Stats.CappedBlocks {
		capped += cb.Size
	}
	n := float64(max(1, len(truePairs)))
	b.ReportMetric(float64(compared)/n, "pair_completeness")
	b.ReportMetric(float64(together)/n, "pair_recall")
	b.ReportMetric(float64(len(res.Clusters))/float64(len(recs)), "customers_per_row")
	b.ReportMetric(float64(len(res.Stats.CappedBlocks)), "capped_blocks")
	b.ReportMetric(float64(capped), "capped_rows")
	b.ReportMetric(float64(len(recs)), "rows")
	b.ReportMetric(float64(res.Stats.CandidatePairs), "pairs")
}

// benchTruth reads DIR/truth.csv: the entity of each row, by benchKey.
func benchTruth(b *testing.B) map[string]string {
	b.Helper()
	f, err := os.Open(filepath.Join(os.Getenv("CRMCLEAN_BENCH_DIR"), "truth.csv"))
	if err != nil {
		b.Skipf("benchmark truth: %v", err)
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		b.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.TrimPrefix(h, "\ufeff")] = i
	}
	out := map[string]string{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return out
		}
		if err != nil {
			b.Fatal(err)
		}
		row, _ := strconv.Atoi(rec[col["row"]])
		out[benchKey(record.Provenance{File: rec[col["source_file"]], Sheet: rec[col["sheet"]], Row: row})] = rec[col["entity_id"]]
	}
}

func benchKey(p record.Provenance) string {
	return p.File + "\x00" + p.Sheet + "\x00" + strconv.Itoa(p.Row)
}

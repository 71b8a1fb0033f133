package pipeline

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"testing"

	"github.com/crmclean/crmclean/pipeline/match"
	"github.com/crmclean/crmclean/pipeline/normalize"
	"github.com/crmclean/crmclean/pipeline/record"
	"github.com/crmclean/crmclean/rules"
)

// devCorpus is the shared development corpus beside the repository.
const devCorpus = "../../shared/bench/dev"

// TestBlockingPairsCompleteness measures, on the shared dev corpus, the
// share of true duplicate pairs that blocking brings to comparison, and the
// candidate pairs per row. It fails below a floor just under today's figure.
func TestBlockingPairsCompleteness(t *testing.T) {
	truthPath := filepath.Join(devCorpus, "truth.csv")
	f, err := os.Open(truthPath)
	if err != nil {
		t.Skipf("dev corpus not available: %v", err)
	}
	truth, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	entity := map[record.Provenance]string{}
	for _, r := range truth[1:] {
		var row int
		for _, c := range r[2] {
			row = row*10 + int(c-'0')
		}
		entity[record.Provenance{File: r[0], Sheet: r[1], Row: row}] = r[3]
	}

	cfg := Config{Inputs: []string{filepath.Join(devCorpus, "sheets")}, Rules: rules.Default(), Workers: 2, Progress: noProgress{}}
	res := &Result{}
	norm, err := normalize.New(cfg.Rules)
	if err != nil {
		t.Fatal(err)
	}
	inputs, _, _ := discover(cfg)
	if err := read(context.Background(), cfg, inputs, norm, res, nil); err != nil {
		t.Fatal(err)
	}
	var usable []*record.Record
	for _, r := range res.Records {
		if r.Status == "" {
			usable = append(usable, r)
		}
	}
	opt := matchOptions(cfg, norm, nil)
	opt.KeepCandidates = true
	m, err := match.Match(context.Background(), usable, opt)
	if err != nil {
		t.Fatal(err)
	}
	byEntity := map[string]int{}
	for _, r := range usable {
		byEntity[entity[r.Prov]]++
	}
	truePairs := 0
	for e, n := range byEntity {
		if e != "" {
			truePairs += n * (n - 1) / 2
		}
	}
	found := 0
	for _, c := range m.Candidates {
		a, b := entity[usable[c[0]].Prov], entity[usable[c[1]].Prov]
		if a != "" && a == b {
			found++
		}
	}
	completeness := float64(found) / float64(truePairs)
	t.Logf("rows %d, candidate pairs %d (%.2f per row), true pairs %d, reaching comparison %d: pairs completeness %.4f",
		len(usable), len(m.Candidates), float64(len(m.Candidates))/float64(len(usable)), truePairs, found, completeness)
	if completeness < 0.99 {
		t.Errorf("pairs completeness %.4f below the floor 0.99", completeness)
	}
}

package match

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/crmclean/crmclean/pipeline/record"
)

func TestOptions(t *testing.T) {
	t.Run("review threshold above merge threshold is an error", func(t *testing.T) {
		_, err := Match(context.Background(), filler(3), Options{MergeThreshold: 5, ReviewThreshold: 8})
		if !errors.Is(err, ErrThresholds) {
			t.Errorf("err = %v, want ErrThresholds", err)
		}
	})
	t.Run("cancelled context stops the run", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := Match(ctx, filler(10), Options{}); !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	})
	t.Run("no records", func(t *testing.T) {
		res, err := Match(context.Background(), nil, Options{})
		if err != nil || len(res.Clusters) != 0 {
			t.Errorf("got %v, %v; want an empty result", res, err)
		}
	})
	t.Run("configured weights are used as given", func(t *testing.T) {
		// Different landlines keep the pair from being decisive: its
		// score decides.
		a := spec{name: "周杰", mobile: "+8613500000001", line: "+862188880001", tag: "a"}.at(1)
		b := spec{name: "周杰", mobile: "+8613500000001", line: "+862188880002", tag: "b"}.at(1)
		recs := append([]*record.Record{a.record(), b.record()}, filler(20)...)
		opt := Options{Namer: fakeNamer{}, Weights: map[string]MU{"mobile.agree": {M: 0.5, U: 0.5}}}
		res, err := Match(context.Background(), recs, opt)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range res.Stats.Weights {
			if w.Field == "mobile" && w.Outcome == "agree" && (w.Source != "configured" || w.Weight != 0) {
				t.Errorf("%s mobile.agree = %+.1f from %s, want 0 from configured", w.Kind, w.Weight, w.Source)
			}
		}
		if together(res, 0, 1) {
			t.Errorf("merged although a shared mobile was configured to weigh nothing")
		}
		res, err = Match(context.Background(), recs, Options{Namer: fakeNamer{}})
		if err != nil {
			t.Fatal(err)
		}
		if !together(res, 0, 1) {
			t.Errorf("not merged with the default weights: the configured weight is what keeps them apart")
		}
	})
	t.Run("oversized blocks of one place are reported, not compared", func(t *testing.T) {
		var recs []*record.Record
		for i := range 10 {
			recs = append(recs, spec{name: fmt.Sprintf("住户%d", i), line: "+862088880000", tag: "shared"}.at(2).record())
		}
		res, err := Match(context.Background(), recs, Options{Namer: fakeNamer{}, MaxBlock: 4})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, c := range res.Stats.CappedBlocks {
			if c.KeyType == keyLandline && strings.HasPrefix(c.Key, "+862088880000 | ") && c.Size == 10 {
				found = true
			}
		}
		if !found {
			t.Errorf("capped blocks %+v lack the shared landline of 10", res.Stats.CappedBlocks)
		}
	})
}

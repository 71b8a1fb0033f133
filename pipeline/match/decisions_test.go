package match

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/crmclean/crmclean/pipeline/msg"
	"github.com/crmclean/crmclean/pipeline/record"
)

// verdict is a decision between two test records named by tag.
type verdict struct{ a, b, verdict string }

// decisionKey orders two fingerprints into a Decisions key.
func decisionKey(a, b string) [2]string {
	if a > b {
		a, b = b, a
	}
	return [2]string{a, b}
}

// decisionCase is a set of tagged records among filler, matched without
// and then with decisions.
type decisionCase struct {
	recs []*record.Record
	at   map[string]int // tag → input index
}

func newDecisionCase(specs []spec) *decisionCase {
	dc := &decisionCase{at: map[string]int{}}
	for _, s := range specs {
		dc.at[s.tag] = len(dc.recs)
		dc.recs = append(dc.recs, s.record())
	}
	dc.recs = append(dc.recs, filler(60)...)
	return dc
}

// fp is the fingerprint of the record tagged tag, or tag itself for a
// row that is not in the input.
func (dc *decisionCase) fp(tag string) string {
	if i, ok := dc.at[tag]; ok {
		return dc.recs[i].Fingerprint
	}
	return tag
}

func (dc *decisionCase) decisions(vs []verdict) map[[2]string]string {
	if vs == nil {
		return nil
	}
	m := map[[2]string]string{}
	for _, v := range vs {
		m[decisionKey(dc.fp(v.a), dc.fp(v.b))] = v.verdict
	}
	return m
}

func (dc *decisionCase) match(t *testing.T, vs []verdict) *Result {
	t.Helper()
	res, err := Match(context.Background(), dc.recs, Options{Namer: fakeNamer{}, FreeDomains: freeDomains, Workers: 2, Decisions: dc.decisions(vs)})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func hasPair[K ~int | ~int32](ps []Pair, a, b K) (Pair, bool) {
	for _, p := range ps {
		if min(p.A, p.B) == record.Key(min(a, b)) && max(p.A, p.B) == record.Key(max(a, b)) {
			return p, true
		}
	}
	return Pair{}, false
}

// checkDecisionsHonoured checks what every run with decisions must give:
// merged pairs together and linked with the decision as evidence, kept
// pairs apart and unlinked, no decided pair in review, every link inside
// a cluster.
func checkDecisionsHonoured(t *testing.T, recs []*record.Record, dec map[[2]string]string, res *Result, conflicting map[[2]string]bool) {
	t.Helper()
	at := map[string]int{}
	for i, r := range recs {
		at[r.Fingerprint] = i
	}
	for k, v := range dec {
		a, okA := at[k[0]]
		b, okB := at[k[1]]
		if !okA || !okB || conflicting[k] {
			continue
		}
		if _, ok := hasPair(res.Review, a, b); ok {
			t.Errorf("pair %s–%s decided %s is still in review", k[0], k[1], v)
		}
		link, linked := hasPair(res.Links, a, b)
		switch v {
		case DecisionMerge:
			if !together(res, a, b) {
				t.Errorf("pair %s–%s decided merge is apart", k[0], k[1])
			}
			if !linked {
				t.Errorf("pair %s–%s decided merge is not in Links", k[0], k[1])
			} else if len(link.Evidence) == 0 || !reflect.DeepEqual(link.Evidence[0], Evidence{Field: "decision", Outcome: "merge", Msg: msg.New("ev.decided")}) {
				t.Errorf("pair %s–%s decided merge: evidence %s, want the decision first", k[0], k[1], describe(&link))
			} else if got := link.Evidence[0].Text("en"); got != "decided by a person" {
				t.Errorf("pair %s–%s decided merge: detail %q, want %q", k[0], k[1], got, "decided by a person")
			}
		case DecisionKeep:
			if together(res, a, b) {
				t.Errorf("pair %s–%s decided keep is in one cluster", k[0], k[1])
			}
			if linked {
				t.Errorf("pair %s–%s decided keep is in Links", k[0], k[1])
			}
		}
	}
	for _, l := range res.Links {
		if !together(res, l.A, l.B) {
			t.Errorf("link %d–%d reported but its records are apart", l.A, l.B)
		}
	}
}

func TestDecisions(t *testing.T) {
	p := func(tag, name string, place int, f func(*spec)) spec {
		s := spec{name: name, tag: tag}.at(place)
		if f != nil {
			f(&s)
		}
		return s
	}
	co := func(tag, name, key string, place int, f func(*spec)) spec {
		s := spec{kind: record.Company, name: name, key: key, tag: tag}.at(place)
		if f != nil {
			f(&s)
		}
		return s
	}
	strong := func(s *spec) { s.mobile, s.email = "+8613512340001", "ldm1975@qq.com" }
	weak := func(s *spec) { s.line, s.address = "+862584001234", "中山北路30号" }
	both := func(s *spec) { strong(s); weak(s) }
	type stats struct{ merges, keeps, conflicting int }

	tests := []struct {
		name         string
		specs        []spec
		before       [][2]string // together without decisions (preconditions)
		beforeApart  [][2]string // apart without decisions (preconditions)
		beforeReview [][2]string // in review without decisions (preconditions)
		decide       []verdict
		together     [][2]string
		apart        [][2]string
		stats        stats
	}{
		{
			name: "keep splits an automatic merge of two records",
			specs: []spec{
				p("A", "刘洋", 6, func(s *spec) { s.mobile, s.email = "+8613700001111", "liuyang1988@qq.com" }),
				p("B", "刘洋", 6, func(s *spec) { s.mobile, s.email = "+8613700001111", "liuyang1988@qq.com" }),
			},
			before: [][2]string{{"A", "B"}},
			decide: []verdict{{"A", "B", DecisionKeep}},
			apart:  [][2]string{{"A", "B"}},
			stats:  stats{keeps: 1},
		},
		{
			name: "keep on a chain A–B–C: B goes with A, the side it shares mobile and e-mail with",
			specs: []spec{
				p("A", "刘德明", 5, strong),
				p("B", "刘德明", 5, both),
				p("C", "刘德明", 5, weak),
			},
			before:   [][2]string{{"A", "B"}, {"B", "C"}},
			decide:   []verdict{{"A", "C", DecisionKeep}},
			together: [][2]string{{"A", "B"}},
			apart:    [][2]string{{"A", "C"}, {"B", "C"}},
			stats:    stats{keeps: 1},
		},
		{
			name: "keep on a chain A–B–C: B goes with C, the side it shares mobile and e-mail with",
			specs: []spec{
				p("A", "刘德明", 5, weak),
				p("B", "刘德明", 5, both),
				p("C", "刘德明", 5, strong),
			},
			before:   [][2]string{{"A", "B"}, {"B", "C"}},
			decide:   []verdict{{"A", "C", DecisionKeep}},
			together: [][2]string{{"B", "C"}},
			apart:    [][2]string{{"A", "C"}, {"A", "B"}},
			stats:    stats{keeps: 1},
		},
		{
			name: "merge of two records with nothing in common",
			specs: []spec{
				p("A", "王建国", 0, func(s *spec) { s.mobile = "+8613911110000" }),
				p("B", "李秀英", 3, func(s *spec) { s.mobile = "+8613622220000"; s.address = "文三路100号" }),
			},
			decide:   []verdict{{"A", "B", DecisionMerge}},
			together: [][2]string{{"A", "B"}},
			stats:    stats{merges: 1},
		},
		{
			name: "merge across a hard conflict (different USCCs)",
			specs: []spec{
				co("A", "深圳市鑫达电子有限公司", "鑫达电子", 3, func(s *spec) { s.uscc, s.mobile = "91440300MA5F0X1234", "+8613666660000" }),
				co("B", "深圳市鑫达电子有限公司", "鑫达电子", 3, func(s *spec) { s.uscc, s.mobile = "91440300MA5F0Y9999", "+8613666660000" }),
			},
			beforeApart: [][2]string{{"A", "B"}},
			decide:      []verdict{{"A", "B", DecisionMerge}},
			together:    [][2]string{{"A", "B"}},
			stats:       stats{merges: 1},
		},
		{
			name: "merge of two records keeps a third that conflicts with one of them out",
			specs: []spec{
				co("A", "深圳市鑫达电子有限公司", "鑫达电子", 3, func(s *spec) { s.uscc, s.mobile = "91440300MA5F0X1234", "+8613600000001" }),
				co("B", "深圳市鑫达电子有限公司", "鑫达电子", 3, func(s *spec) { s.mobile, s.email = "+8613600000001", "xinda@xinda-e.com" }),
				co("C", "深圳市鑫达电子有限公司", "鑫达电子", 3, func(s *spec) { s.uscc, s.email = "91440300MA5F0Y9999", "xinda@xinda-e.com" }),
			},
			decide:   []verdict{{"B", "C", DecisionMerge}},
			together: [][2]string{{"B", "C"}},
			apart:    [][2]string{{"A", "C"}},
			stats:    stats{merges: 1},
		},
		{
			name: "a review pair decided keep leaves review",
			specs: []spec{
				co("A", "杭州恒源物流有限公司", "恒源物流", 4, nil),
				co("B", "杭州恒源物流有限公司", "恒源物流", 4, nil),
			},
			beforeReview: [][2]string{{"A", "B"}},
			decide:       []verdict{{"A", "B", DecisionKeep}},
			apart:        [][2]string{{"A", "B"}},
			stats:        stats{keeps: 1},
		},
		{
			name: "a review pair decided merge leaves review and merges",
			specs: []spec{
				co("A", "杭州恒源物流有限公司", "恒源物流", 4, nil),
				co("B", "杭州恒源物流有限公司", "恒源物流", 4, nil),
			},
			beforeReview: [][2]string{{"A", "B"}},
			decide:       []verdict{{"A", "B", DecisionMerge}},
			together:     [][2]string{{"A", "B"}},
			stats:        stats{merges: 1},
		},
		{
			name: "decisions naming rows not in the input are ignored",
			specs: []spec{
				p("A", "刘洋", 6, func(s *spec) { s.mobile, s.email = "+8613700001111", "liuyang1988@qq.com" }),
				p("B", "刘洋", 6, func(s *spec) { s.mobile, s.email = "+8613700001111", "liuyang1988@qq.com" }),
				p("C", "王建国", 0, nil),
			},
			before:   [][2]string{{"A", "B"}},
			decide:   []verdict{{"A", "ghost", DecisionKeep}, {"ghost", "B", DecisionKeep}, {"C", "phantom", DecisionMerge}, {"ghost", "phantom", DecisionMerge}},
			together: [][2]string{{"A", "B"}},
			apart:    [][2]string{{"A", "C"}},
		},
		{
			name: "conflicting decisions: merges A–B and B–C win over keep A–C",
			specs: []spec{
				p("A", "王建国", 0, func(s *spec) { s.mobile = "+8613911110000" }),
				p("B", "李秀英", 3, func(s *spec) { s.mobile = "+8613622220000" }),
				p("C", "赵敏", 5, func(s *spec) { s.mobile = "+8613533330000" }),
			},
			decide:   []verdict{{"A", "B", DecisionMerge}, {"B", "C", DecisionMerge}, {"A", "C", DecisionKeep}},
			together: [][2]string{{"A", "B"}, {"B", "C"}, {"A", "C"}},
			stats:    stats{merges: 2, conflicting: 1},
		},
		{
			name: "keep beside a merge: C, an automatic duplicate of A, is kept apart from A's decided partner B",
			specs: []spec{
				p("A", "刘洋", 6, func(s *spec) { s.mobile, s.email = "+8613700001111", "liuyang1988@qq.com" }),
				p("B", "李秀英", 3, nil),
				p("C", "刘洋", 6, func(s *spec) { s.mobile, s.email = "+8613700001111", "liuyang1988@qq.com" }),
			},
			before:   [][2]string{{"A", "C"}},
			decide:   []verdict{{"A", "B", DecisionMerge}, {"B", "C", DecisionKeep}},
			together: [][2]string{{"A", "B"}},
			apart:    [][2]string{{"A", "C"}, {"B", "C"}},
			stats:    stats{merges: 1, keeps: 1},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dc := newDecisionCase(tc.specs)
			idx := func(pr [2]string) (int, int) { return dc.at[pr[0]], dc.at[pr[1]] }
			plain := dc.match(t, nil)
			for _, pr := range tc.before {
				if a, b := idx(pr); !together(plain, a, b) {
					t.Fatalf("precondition: %s and %s apart without decisions", pr[0], pr[1])
				}
			}
			for _, pr := range tc.beforeApart {
				if a, b := idx(pr); together(plain, a, b) {
					t.Fatalf("precondition: %s and %s together without decisions", pr[0], pr[1])
				}
			}
			for _, pr := range tc.beforeReview {
				if a, b := idx(pr); !slices.ContainsFunc(plain.Review, func(p Pair) bool { return int(min(p.A, p.B)) == min(a, b) && int(max(p.A, p.B)) == max(a, b) }) {
					t.Fatalf("precondition: %s–%s not in review without decisions", pr[0], pr[1])
				}
			}

			res := dc.match(t, tc.decide)
			for _, pr := range tc.together {
				if a, b := idx(pr); !together(res, a, b) {
					t.Errorf("%s and %s apart, want together", pr[0], pr[1])
				}
			}
			for _, pr := range tc.apart {
				if a, b := idx(pr); together(res, a, b) {
					t.Errorf("%s and %s together, want apart", pr[0], pr[1])
				}
			}
			got := stats{res.Stats.DecidedMerges, res.Stats.DecidedKeeps, res.Stats.ConflictingDecisions}
			if got != tc.stats {
				t.Errorf("decided merges, keeps, conflicting = %v, want %v", got, tc.stats)
			}
			conflicting := map[[2]string]bool{}
			if tc.stats.conflicting > 0 {
				for _, v := range tc.decide {
					if v.verdict == DecisionKeep {
						conflicting[decisionKey(dc.fp(v.a), dc.fp(v.b))] = true
					}
				}
			}
			checkDecisionsHonoured(t, dc.recs, dc.decisions(tc.decide), res, conflicting)

			// Filler records, which no decision names, are untouched.
			wantC, _ := fingerprints(dc.recs[len(tc.specs):], restrict(plain, len(tc.specs)))
			gotC, _ := fingerprints(dc.recs[len(tc.specs):], restrict(res, len(tc.specs)))
			if !slices.Equal(gotC, wantC) {
				t.Errorf("clusters of undecided filler records changed")
			}
		})
	}
}

// restrict keeps the clusters made only of records from index from on,
// renumbered from 0.
func restrict(res *Result, from int) *Result {
	out := &Result{}
	for _, c := range res.Clusters {
		if slices.ContainsFunc(c, func(i record.Key) bool { return int(i) < from }) {
			continue
		}
		cc := make([]record.Key, len(c))
		for k, i := range c {
			cc[k] = i - record.Key(from)
		}
		out.Clusters = append(out.Clusters, cc)
	}
	return out
}

func TestDecisionMergeLinkEvidence(t *testing.T) {
	dc := newDecisionCase([]spec{
		spec{name: "王建国", mobile: "+8613911110000", tag: "A"}.at(0),
		spec{name: "李秀英", mobile: "+8613622220000", tag: "B"}.at(3),
	})
	res := dc.match(t, []verdict{{"A", "B", DecisionMerge}})
	link, ok := hasPair(res.Links, 0, 1)
	if !ok {
		t.Fatalf("decided pair not in Links: %v", res.Links)
	}
	if link.Score >= 0 {
		t.Errorf("score %.1f, want the real (negative) score of two different people", link.Score)
	}
	sum := 0.0
	for _, e := range link.Evidence {
		sum += e.Weight
	}
	if d := sum - link.Score; d > 0.5 || d < -0.5 {
		t.Errorf("evidence sums to %.1f, score %.1f; %s", sum, link.Score, describe(&link))
	}
	if e := evidence(&link, "mobile"); e == nil || e.Outcome != "disagree" {
		t.Errorf("mobile evidence = %+v, want disagree; %s", e, describe(&link))
	}
}

func TestDecisionErrors(t *testing.T) {
	dc := newDecisionCase([]spec{
		spec{name: "刘洋", mobile: "+8613700001111", tag: "A"}.at(6),
		spec{name: "刘洋", mobile: "+8613700001111", tag: "B"}.at(6),
	})
	a, b := dc.fp("A"), dc.fp("B")
	lo, hi := min(a, b), max(a, b)
	tests := []struct {
		name    string
		dec     map[[2]string]string
		wantErr bool
		apart   bool // A and B end apart
	}{
		{name: "unknown verdict", dec: map[[2]string]string{{lo, hi}: "maybe"}, wantErr: true},
		{name: "Chinese verdict is for the caller to translate", dec: map[[2]string]string{{lo, hi}: "不合并"}, wantErr: true},
		{name: "empty verdict", dec: map[[2]string]string{{lo, hi}: ""}, wantErr: true},
		{name: "unknown verdict on rows not in the input", dec: map[[2]string]string{{"x", "y"}: "split"}, wantErr: true},
		{name: "one pair in both orders with different verdicts", dec: map[[2]string]string{{lo, hi}: DecisionKeep, {hi, lo}: DecisionMerge}, wantErr: true},
		{name: "one pair in both orders with one verdict", dec: map[[2]string]string{{lo, hi}: DecisionKeep, {hi, lo}: DecisionKeep}, apart: true},
		{name: "a reversed key reads as its pair", dec: map[[2]string]string{{hi, lo}: DecisionKeep}, apart: true},
		{name: "a row decided with itself is ignored", dec: map[[2]string]string{{a, a}: DecisionKeep}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Match(context.Background(), dc.recs, Options{Namer: fakeNamer{}, FreeDomains: freeDomains, Decisions: tc.dec})
			if tc.wantErr {
				if !errors.Is(err, ErrDecision) {
					t.Fatalf("err = %v, want ErrDecision", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := !together(res, 0, 1); got != tc.apart {
				t.Errorf("apart = %v, want %v", got, tc.apart)
			}
		})
	}
	t.Run("error names the verdict and the rows", func(t *testing.T) {
		_, err := Match(context.Background(), nil, Options{Decisions: map[[2]string]string{{"fa", "fb"}: "合并吧"}})
		want := `invalid decision: verdict "合并吧" for rows fa and fb: want "merge" or "keep"`
		if err == nil || err.Error() != want {
			t.Errorf("err = %v, want %s", err, want)
		}
	})
}

// synthDecisions picks decisions the way a consultant's review produces
// them on a synthetic file: keeps on some automatic links, merges on some
// review pairs, and merges and keeps between random records.
func synthDecisions(recs []*record.Record, res *Result, seed uint64) map[[2]string]string {
	r := rand.New(rand.NewPCG(seed, 1))
	dec := map[[2]string]string{}
	put := func(a, b int, v string) {
		if a != b {
			dec[decisionKey(recs[a].Fingerprint, recs[b].Fingerprint)] = v
		}
	}
	for k, l := range res.Links {
		if k%7 == 0 {
			put(int(l.A), int(l.B), DecisionKeep)
		}
	}
	for k, p := range res.Review {
		if k%3 == 0 {
			put(int(p.A), int(p.B), DecisionMerge)
		} else if k%3 == 1 {
			put(int(p.A), int(p.B), DecisionKeep)
		}
	}
	for range 40 {
		put(r.IntN(len(recs)), r.IntN(len(recs)), DecisionMerge)
		put(r.IntN(len(recs)), r.IntN(len(recs)), DecisionKeep)
	}
	for range 5 { // contradictions: merge a–b, merge b–c, keep a–c
		a, b, c := r.IntN(len(recs)), r.IntN(len(recs)), r.IntN(len(recs))
		put(a, b, DecisionMerge)
		put(b, c, DecisionMerge)
		put(a, c, DecisionKeep)
	}
	return dec
}

func TestDeterministicWithDecisions(t *testing.T) {
	recs, _ := synth(4000, 17)
	dec := synthDecisions(recs, run(t, recs, 1), 5)
	matchWith := func(in []*record.Record, workers int) *Result {
		res, err := Match(context.Background(), in, Options{Namer: fakeNamer{}, FreeDomains: freeDomains, Workers: workers, Decisions: dec})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	first := matchWith(recs, 1)
	if first.Stats.DecidedMerges == 0 || first.Stats.DecidedKeeps == 0 || first.Stats.ConflictingDecisions == 0 {
		t.Fatalf("decided merges %d, keeps %d, conflicting %d: want some of each",
			first.Stats.DecidedMerges, first.Stats.DecidedKeeps, first.Stats.ConflictingDecisions)
	}
	t.Logf("%d decisions: %d merges, %d keeps applied, %d conflicting; %d split clusters",
		len(dec), first.Stats.DecidedMerges, first.Stats.DecidedKeeps, first.Stats.ConflictingDecisions, first.Stats.SplitClusters)
	wantC, wantR := fingerprints(recs, first)
	wantL := linkFingerprints(recs, first)
	for _, tc := range orders {
		t.Run(tc.name, func(t *testing.T) {
			in := slices.Clone(recs)
			if tc.seed != 0 {
				r := rand.New(rand.NewPCG(tc.seed, 0))
				r.Shuffle(len(in), func(i, j int) { in[i], in[j] = in[j], in[i] })
			}
			res := matchWith(in, tc.workers)
			gotC, gotR := fingerprints(in, res)
			if !slices.Equal(gotC, wantC) {
				t.Errorf("clusters differ from the one-worker run (%d vs %d clusters)", len(gotC), len(wantC))
			}
			if !slices.Equal(gotR, wantR) {
				t.Errorf("review pairs differ from the one-worker run (%d vs %d)", len(gotR), len(wantR))
			}
			if got := linkFingerprints(in, res); !slices.Equal(got, wantL) {
				t.Errorf("links differ from the one-worker run (%d vs %d)", len(got), len(wantL))
			}
			if res.Stats.DecidedMerges != first.Stats.DecidedMerges || res.Stats.DecidedKeeps != first.Stats.DecidedKeeps ||
				res.Stats.ConflictingDecisions != first.Stats.ConflictingDecisions {
				t.Errorf("decision counts differ from the one-worker run")
			}
		})
	}
	t.Run("every applied decision is honoured", func(t *testing.T) {
		// Keeps that merge decisions contradict are exempt.
		must := map[string]string{} // fingerprint → representative, by merge decisions
		var find func(string) string
		find = func(x string) string {
			if p, ok := must[x]; ok && p != x {
				r := find(p)
				must[x] = r
				return r
			}
			return x
		}
		for k, v := range dec {
			if v == DecisionMerge {
				if ra, rb := find(k[0]), find(k[1]); ra != rb {
					must[ra] = rb
				}
			}
		}
		conflicting := map[[2]string]bool{}
		for k, v := range dec {
			if v == DecisionKeep && find(k[0]) == find(k[1]) {
				conflicting[k] = true
			}
		}
		if len(conflicting) != first.Stats.ConflictingDecisions {
			t.Errorf("ConflictingDecisions = %d, want %d", first.Stats.ConflictingDecisions, len(conflicting))
		}
		checkDecisionsHonoured(t, recs, dec, first, conflicting)
	})
}

func linkFingerprints(recs []*record.Record, res *Result) []string {
	var out []string
	for _, l := range res.Links {
		out = append(out, fmt.Sprintf("%s ~ %s %.1f %s", recs[l.A].Fingerprint, recs[l.B].Fingerprint, l.Score, describe(&l)))
	}
	slices.Sort(out)
	return out
}

// TestDecisionsOversizedCluster drives the path for clusters too large to
// check pair by pair: a chain of strong links over maxCheck+2 records.
func TestDecisionsOversizedCluster(t *testing.T) {
	recs := filler(maxCheck + 2)
	opt := Options{Namer: fakeNamer{}, FreeDomains: freeDomains, NoEM: true}
	if err := opt.defaults(); err != nil {
		t.Fatal(err)
	}
	fs := extract(recs, &opt)
	w := estimate(nil, nil, 1, &opt, &Stats{})
	w.tf = &fs.tf
	n := len(recs)
	var links []link
	for i := range n - 1 {
		s := opt.MergeThreshold + strongMargin + 1
		if i == 0 {
			s += 5 // 0–1 is stronger than 1–2
		}
		links = append(links, link{a: int32(i), b: int32(i + 1), score: s})
	}
	dec := &decisions{
		merge: [][2]int32{{5, int32(n - 3)}},
		keep:  [][2]int32{{0, 2}},
	}
	st := &Stats{}
	clusters, kept := cluster(fs, links, w, dec, &opt, st)
	of := make([]int, n)
	for c, members := range clusters {
		for _, x := range members {
			of[x] = c
		}
	}
	if of[0] != of[1] {
		t.Errorf("0 and 1 (the stronger link) apart")
	}
	if of[0] == of[2] {
		t.Errorf("0 and 2 decided keep are together")
	}
	if of[5] != of[n-3] {
		t.Errorf("5 and %d decided merge are apart", n-3)
	}
	if _, ok := hasPair(kept, 5, n-3); !ok {
		t.Errorf("decided merge 5–%d not among the links", n-3)
	}
	if st.SplitClusters != 1 {
		t.Errorf("SplitClusters = %d, want 1", st.SplitClusters)
	}
}

// BenchmarkMatchDecisions20k matches 20,000 synthetic records with about
// 1,500 decisions, as on a re-run after a thorough review.
func BenchmarkMatchDecisions20k(b *testing.B) {
	recs, _ := synth(20_000, 1)
	base, err := Match(context.Background(), recs, Options{Namer: fakeNamer{}, FreeDomains: freeDomains, Workers: 2})
	if err != nil {
		b.Fatal(err)
	}
	dec := synthDecisions(recs, base, 3)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Match(context.Background(), recs, Options{Namer: fakeNamer{}, FreeDomains: freeDomains, Workers: 2, Decisions: dec}); err != nil {
			b.Fatal(err)
		}
	}
	sec := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(float64(len(recs))/sec, "rows/s")
	b.ReportMetric(float64(len(dec)), "decisions")
}

// BenchmarkMatchNoDecisions20k is the baseline for BenchmarkMatchDecisions20k.
func BenchmarkMatchNoDecisions20k(b *testing.B) {
	recs, _ := synth(20_000, 1)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Match(context.Background(), recs, Options{Namer: fakeNamer{}, FreeDomains: freeDomains, Workers: 2}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(recs))/(b.Elapsed().Seconds()/float64(b.N)), "rows/s")
}

package match

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/crmclean/crmclean/pipeline/record"
)

// existingOf renders customers by tag (tag → customer id) as
// Options.Existing for dc's records; filler records alternate between new
// and customers of their own, so that settled pairs also meet filler.
func (dc *decisionCase) existingOf(customers map[string]string) []string {
	if customers == nil {
		return nil
	}
	ex := make([]string, len(dc.recs))
	for tag, id := range customers {
		ex[dc.at[tag]] = id
	}
	for i := len(dc.at); i < len(dc.recs); i++ {
		if i%2 == 0 {
			ex[i] = fmt.Sprintf("F%d", i)
		}
	}
	return ex
}

// checkExistingHonoured checks what every run with Existing must give:
// a customer no keep decision names stays in one cluster, and no link or
// review pair joins two records of earlier customers unless a merge
// decision names it or a keep decision reopened their customer.
// A customer may be reopened only by a keep decision or by a number whose
// judgement (prior, of the earlier run) the run changed: such customers
// are matched again and exempt from the checks.
func checkExistingHonoured(t *testing.T, recs []*record.Record, existing []string, dec map[[2]string]string, res *Result, prior []NumberUse) {
	t.Helper()
	reopened := map[string]bool{}
	justified := map[string]bool{}
	was := map[string]NumberClass{}
	for _, u := range prior {
		was[u.Number] = u.Class
	}
	for _, u := range res.Numbers {
		if was[u.Number] == u.Class {
			continue
		}
		for _, i := range u.Records {
			if existing[i] != "" {
				justified[existing[i]] = true
			}
		}
	}
	decided := map[[2]string]bool{}
	for k, v := range dec {
		decided[decisionKey(k[0], k[1])] = true
		if v != DecisionKeep {
			continue
		}
		for _, fp := range k {
			for i, r := range recs {
				if r.Fingerprint == fp && existing[i] != "" {
					reopened[existing[i]] = true
				}
			}
		}
	}
	for _, id := range res.Reopened {
		if !reopened[id] && !justified[id] {
			// A keep decision may reopen customers on the way between its
			// sides; those carry no keep side themselves.
			if dec == nil {
				t.Errorf("customer %s reopened without a keep decision or a number judged anew", id)
			}
		}
		reopened[id] = true
	}
	of := make([]int, len(recs))
	for c, members := range res.Clusters {
		for _, i := range members {
			of[i] = c
		}
	}
	first := map[string]int{}
	for i, id := range existing {
		if id == "" || reopened[id] {
			continue
		}
		if f, ok := first[id]; !ok {
			first[id] = i
		} else if of[f] != of[i] {
			t.Errorf("customer %s split: records %d and %d apart", id, f, i)
		}
	}
	settled := func(p Pair) bool {
		a, b := existing[p.A], existing[p.B]
		if a == "" || b == "" || a == b && reopened[a] {
			return false
		}
		return !decided[decisionKey(recs[p.A].Fingerprint, recs[p.B].Fingerprint)]
	}
	for _, p := range res.Links {
		if settled(p) {
			t.Errorf("link %d–%d between customers %s and %s an earlier run settled", p.A, p.B, existing[p.A], existing[p.B])
		}
	}
	for _, p := range res.Review {
		if settled(p) {
			t.Errorf("review pair %d–%d between customers %s and %s an earlier run settled", p.A, p.B, existing[p.A], existing[p.B])
		}
	}
}

func TestExisting(t *testing.T) {
	p := func(tag, name string, place int, f func(*spec)) spec {
		s := spec{name: name, tag: tag}.at(place)
		if f != nil {
			f(&s)
		}
		return s
	}
	co := func(tag, name, key string, place int) spec {
		return spec{kind: record.Company, name: name, key: key, tag: tag}.at(place)
	}
	mobile := func(s *spec) { s.mobile = "+8613700001111" }
	mail := func(s *spec) { s.email = "liuyang1988@qq.com" }
	both := func(s *spec) { mobile(s); mail(s) }
	strong := func(s *spec) { s.mobile, s.email = "+8613512340001", "ldm1975@qq.com" }
	weak := func(s *spec) { s.line, s.address = "+862584001234", "中山北路30号" }
	strongWeak := func(s *spec) { strong(s); weak(s) }

	tests := []struct {
		name        string
		specs       []spec
		customers   map[string]string // tag → earlier customer
		before      [][2]string       // together when all are new (preconditions)
		beforeApart [][2]string       // apart when all are new (preconditions)
		decide      []verdict
		together    [][2]string
		apart       [][2]string
		split       bool // SplitClusters > 0
	}{
		{
			name: "a new record with the customer's mobile and name joins it",
			specs: []spec{
				p("A", "刘洋", 6, both),
				p("B", "刘洋", 6, mail),
				p("N", "刘洋", 6, mobile),
			},
			customers: map[string]string{"A": "C1", "B": "C1"},
			before:    [][2]string{{"A", "N"}},
			together:  [][2]string{{"A", "B"}, {"A", "N"}},
		},
		{
			name: "a new record linking two customers joins them into one cluster",
			specs: []spec{
				p("A1", "刘洋", 6, mobile),
				p("A2", "刘洋", 6, mobile),
				p("B", "刘洋", 6, func(s *spec) { s.email = "ly@163.com" }),
				p("N", "刘洋", 6, func(s *spec) { mobile(s); s.email = "ly@163.com" }),
			},
			customers:   map[string]string{"A1": "C1", "A2": "C1", "B": "C2"},
			beforeApart: [][2]string{{"A1", "B"}}, // without N
			together:    [][2]string{{"A1", "A2"}, {"A1", "B"}, {"A1", "N"}},
		},
		{
			name: "two customers that would merge as new records stay apart",
			specs: []spec{
				p("A", "刘洋", 6, both),
				p("B", "刘洋", 6, both),
			},
			customers: map[string]string{"A": "C1", "B": "C2"},
			before:    [][2]string{{"A", "B"}},
			apart:     [][2]string{{"A", "B"}},
		},
		{
			name: "two customers that would go to review as new records are not asked about",
			specs: []spec{
				co("A", "杭州恒源物流有限公司", "恒源物流", 4),
				co("B", "杭州恒源物流有限公司", "恒源物流", 4),
			},
			customers: map[string]string{"A": "C1", "B": "C2"},
			apart:     [][2]string{{"A", "B"}},
		},
		{
			name: "a customer whose records score badly together is not split; a new record is weighed against all of it",
			specs: []spec{
				p("A", "王建国", 0, func(s *spec) { s.mobile = "+8613911110000" }),
				p("B", "李秀英", 3, func(s *spec) { s.mobile = "+8613622220000"; s.address = "文三路100号" }),
				p("N", "王建国", 0, func(s *spec) { s.mobile = "+8613911110000" }),
			},
			customers:   map[string]string{"A": "C1", "B": "C1"},
			beforeApart: [][2]string{{"A", "B"}},
			together:    [][2]string{{"A", "B"}},
			// N–A is a merge link, but N–B is far below: on average N is
			// not of the customer, as with records decided merged.
			apart: [][2]string{{"A", "N"}},
			split: true,
		},
		{
			name: "a customer whose records score badly together takes a new record that matches all of it",
			specs: []spec{
				p("A", "王建国", 0, func(s *spec) { s.mobile = "+8613911110000" }),
				p("B", "王建国", 0, func(s *spec) { s.mobile = "+8613622220000"; s.email = "wjg@163.com"; s.address = "文三路100号" }),
				p("N", "王建国", 0, func(s *spec) { s.mobile = "+8613911110000"; s.email = "wjg@163.com" }),
			},
			customers:   map[string]string{"A": "C1", "B": "C1"},
			beforeApart: [][2]string{{"A", "B"}},
			together:    [][2]string{{"A", "B"}, {"A", "N"}},
		},
		{
			name: "a customer holding a hard conflict is not split",
			specs: []spec{
				co("A", "深圳市鑫达电子有限公司", "鑫达电子", 3),
				co("B", "深圳市鑫达电子有限公司", "鑫达电子", 3),
			},
			customers: map[string]string{"A": "C1", "B": "C1"},
			together:  [][2]string{{"A", "B"}},
		},
		{
			name: "a keep decision inside a customer splits it",
			specs: []spec{
				p("A", "刘洋", 6, both),
				p("B", "刘洋", 6, both),
			},
			customers: map[string]string{"A": "C1", "B": "C1"},
			decide:    []verdict{{"A", "B", DecisionKeep}},
			apart:     [][2]string{{"A", "B"}},
		},
		{
			name: "a keep inside a customer A–B–C: B goes with A, the side it shares mobile and e-mail with",
			specs: []spec{
				p("A", "刘德明", 5, strong),
				p("B", "刘德明", 5, strongWeak),
				p("C", "刘德明", 5, weak),
			},
			customers: map[string]string{"A": "C1", "B": "C1", "C": "C1"},
			decide:    []verdict{{"A", "C", DecisionKeep}},
			together:  [][2]string{{"A", "B"}},
			apart:     [][2]string{{"A", "C"}, {"B", "C"}},
			split:     true,
		},
		{
			name: "a keep inside a customer leaves the others settled",
			specs: []spec{
				p("A", "刘洋", 6, both),
				p("B", "刘洋", 6, both),
				p("D", "刘洋", 6, both),
			},
			customers: map[string]string{"A": "C1", "B": "C1", "D": "C2"},
			decide:    []verdict{{"A", "B", DecisionKeep}},
			apart:     [][2]string{{"A", "B"}, {"A", "D"}, {"B", "D"}},
		},
		{
			name: "a merge decision between two customers joins them",
			specs: []spec{
				p("A1", "王建国", 0, func(s *spec) { s.mobile = "+8613911110000" }),
				p("A2", "王建国", 0, func(s *spec) { s.mobile = "+8613911110000" }),
				p("B", "李秀英", 3, func(s *spec) { s.mobile = "+8613622220000" }),
			},
			customers: map[string]string{"A1": "C1", "A2": "C1", "B": "C2"},
			decide:    []verdict{{"A2", "B", DecisionMerge}},
			together:  [][2]string{{"A1", "B"}, {"A2", "B"}},
		},
		{
			// Reopened, the two customers are matched as new records: the
			// merge holds A1 and B1 together, the keep A2 and B2 apart.
			name: "a keep across customers that a merge decision joins reopens them",
			specs: []spec{
				p("A1", "刘洋", 6, both),
				p("A2", "刘洋", 6, both),
				p("B1", "王建国", 0, func(s *spec) { s.mobile = "+8613911110000" }),
				p("B2", "王建国", 0, func(s *spec) { s.mobile = "+8613911110000" }),
			},
			customers: map[string]string{"A1": "C1", "A2": "C1", "B1": "C2", "B2": "C2"},
			decide:    []verdict{{"A1", "B1", DecisionMerge}, {"A2", "B2", DecisionKeep}},
			together:  [][2]string{{"A1", "B1"}},
			apart:     [][2]string{{"A2", "B2"}},
			split:     true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dc := newDecisionCase(tc.specs)
			idx := func(pr [2]string) (int, int) { return dc.at[pr[0]], dc.at[pr[1]] }
			plain := dc.match(t, nil)
			for _, pr := range tc.before {
				if a, b := idx(pr); !together(plain, a, b) {
					t.Fatalf("precondition: %s and %s apart as new records", pr[0], pr[1])
				}
			}
			if len(tc.beforeApart) > 0 {
				// Without the new records.
				var old []*record.Record
				pos := map[string]int{}
				for tag, i := range dc.at {
					if _, ok := tc.customers[tag]; ok {
						pos[tag] = len(old)
						old = append(old, dc.recs[i])
					}
				}
				res := run(t, append(old, filler(60)...), 2)
				for _, pr := range tc.beforeApart {
					if together(res, pos[pr[0]], pos[pr[1]]) {
						t.Fatalf("precondition: %s and %s together without the new records", pr[0], pr[1])
					}
				}
			}

			ex := dc.existingOf(tc.customers)
			dec := dc.decisions(tc.decide)
			res, err := Match(context.Background(), dc.recs, Options{Namer: fakeNamer{}, FreeDomains: freeDomains, Workers: 2, Decisions: dec, Existing: ex})
			if err != nil {
				t.Fatal(err)
			}
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
			distinct := map[string]bool{}
			for _, id := range ex {
				if id != "" {
					distinct[id] = true
				}
			}
			if res.Stats.ExistingGroups != len(distinct) {
				t.Errorf("ExistingGroups = %d, want %d", res.Stats.ExistingGroups, len(distinct))
			}
			if got := res.Stats.SplitClusters > 0; got != tc.split {
				t.Errorf("SplitClusters = %d, want some: %v", res.Stats.SplitClusters, tc.split)
			}
			checkExistingHonoured(t, dc.recs, ex, dec, res, nil)
			checkDecisionsHonoured(t, dc.recs, dec, res, nil)
		})
	}
}

func TestExistingErrors(t *testing.T) {
	recs := filler(5)
	tests := []struct {
		name     string
		recs     []*record.Record
		existing []string
		wantErr  bool
	}{
		{name: "none", recs: recs},
		{name: "one per record", recs: recs, existing: []string{"C1", "", "C1", "C2", ""}},
		{name: "all new", recs: recs, existing: make([]string, 5)},
		{name: "too few", recs: recs, existing: []string{"C1", ""}, wantErr: true},
		{name: "too many", recs: recs, existing: make([]string, 6), wantErr: true},
		{name: "customers without records", existing: []string{"C1"}, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Match(context.Background(), tc.recs, Options{Namer: fakeNamer{}, Existing: tc.existing})
			if tc.wantErr != errors.Is(err, ErrExisting) || !tc.wantErr && err != nil {
				t.Fatalf("err = %v, want ErrExisting: %v", err, tc.wantErr)
			}
		})
	}
	t.Run("error says how many", func(t *testing.T) {
		_, err := Match(context.Background(), recs, Options{Existing: []string{"C1"}})
		want := `existing customers do not match the records: 1 existing customer entries for 5 records; give one per record ("" for a new one) or none`
		if err == nil || err.Error() != want {
			t.Errorf("err = %v, want %s", err, want)
		}
	})
}

// earlier runs Match on the records where old is true, as a first run,
// and returns Options.Existing for all records (the first run's cluster
// of each old record, "" for the others) and its judged numbers, for
// Options.PriorNumbers.
func earlier(t testing.TB, recs []*record.Record, old func(i int) bool) ([]string, []NumberUse) {
	t.Helper()
	var sub []*record.Record
	var at []int
	for i, r := range recs {
		if old(i) {
			sub = append(sub, r)
			at = append(at, i)
		}
	}
	res := run(t, sub, 2)
	ex := make([]string, len(recs))
	for c, members := range res.Clusters {
		for _, k := range members {
			ex[at[k]] = fmt.Sprintf("C%d", c)
		}
	}
	return ex, res.Numbers
}

func TestDeterministicWithExisting(t *testing.T) {
	recs, _ := synth(4000, 23)
	ex, prior := earlier(t, recs, func(i int) bool { return i%5 != 0 })
	dec := synthDecisions(recs, run(t, recs, 2), 9)
	matchWith := func(in []*record.Record, inEx []string, workers int) *Result {
		res, err := Match(context.Background(), in, Options{Namer: fakeNamer{}, FreeDomains: freeDomains, Workers: workers, Decisions: dec, Existing: inEx, PriorNumbers: prior})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	first := matchWith(recs, ex, 1)
	if first.Stats.ExistingGroups == 0 || first.Stats.DecidedMerges == 0 || first.Stats.DecidedKeeps == 0 {
		t.Fatalf("existing groups %d, decided merges %d, keeps %d: want some of each",
			first.Stats.ExistingGroups, first.Stats.DecidedMerges, first.Stats.DecidedKeeps)
	}
	t.Logf("%d existing customers, %d decisions, %d split clusters, %d candidate pairs",
		first.Stats.ExistingGroups, len(dec), first.Stats.SplitClusters, first.Stats.CandidatePairs)
	wantC, wantR := fingerprints(recs, first)
	wantL := linkFingerprints(recs, first)
	for _, tc := range orders {
		t.Run(tc.name, func(t *testing.T) {
			perm := make([]int, len(recs))
			for i := range perm {
				perm[i] = i
			}
			if tc.seed != 0 {
				rand.New(rand.NewPCG(tc.seed, 0)).Shuffle(len(perm), func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
			}
			in := make([]*record.Record, len(recs))
			inEx := make([]string, len(recs))
			for k, i := range perm {
				in[k], inEx[k] = recs[i], ex[i]
			}
			res := matchWith(in, inEx, tc.workers)
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
			if got, want := counts(&res.Stats), counts(&first.Stats); got != want {
				t.Errorf("counts %v, one-worker run %v", got, want)
			}
		})
	}
	t.Run("customers and decisions are honoured", func(t *testing.T) {
		checkExistingHonoured(t, recs, ex, dec, first, prior)
	})
}

// counts are the figures of st that must not depend on workers or order.
func counts(st *Stats) [8]int {
	return [8]int{st.CandidatePairs, st.MergePairs, st.ReviewPairs, st.SplitClusters,
		st.DecidedMerges, st.DecidedKeeps, st.ConflictingDecisions, st.ExistingGroups}
}

// TestExistingPairsNotCompared checks that pairs of two records of earlier
// customers are dropped before comparison, not compared and discarded.
func TestExistingPairsNotCompared(t *testing.T) {
	recs, _ := synth(5000, 41)
	ex, prior := earlier(t, recs, func(i int) bool { return i%5 != 0 })
	full, err := Match(context.Background(), recs, Options{Namer: fakeNamer{}, FreeDomains: freeDomains, Workers: 2, KeepCandidates: true})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Match(context.Background(), recs, Options{Namer: fakeNamer{}, FreeDomains: freeDomains, Workers: 2, KeepCandidates: true, Existing: ex, PriorNumbers: prior})
	if err != nil {
		t.Fatal(err)
	}
	// Records of one reopened customer are matched again among themselves.
	reopened := map[string]bool{}
	for _, id := range res.Reopened {
		reopened[id] = true
	}
	open := func(a, b record.Key) bool { return ex[a] == "" || ex[b] == "" || ex[a] == ex[b] && reopened[ex[a]] }
	for _, p := range res.Candidates {
		if !open(p[0], p[1]) {
			t.Fatalf("records %d (%s) and %d (%s) of earlier customers were compared", p[0], ex[p[0]], p[1], ex[p[1]])
		}
	}
	withNew := 0
	for _, p := range full.Candidates {
		if open(p[0], p[1]) {
			withNew++
		}
	}
	if res.Stats.CandidatePairs != withNew {
		t.Errorf("%d candidate pairs, want the %d of the full run that hold a new record", res.Stats.CandidatePairs, withNew)
	}
	t.Logf("candidate pairs: %d with Existing, %d without; %d customers reopened", res.Stats.CandidatePairs, full.Stats.CandidatePairs, len(res.Reopened))
}

// BenchmarkMatchIncremental10k40k matches 10,000 new records with 40,000
// records of earlier customers (the shape of an incremental run's subset).
func BenchmarkMatchIncremental10k40k(b *testing.B) {
	recs, _ := synth(50_000, 1)
	ex, prior := earlier(b, recs, func(i int) bool { return i%5 != 0 })
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Match(context.Background(), recs, Options{Namer: fakeNamer{}, FreeDomains: freeDomains, Workers: 2, Existing: ex, PriorNumbers: prior}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(recs))/(b.Elapsed().Seconds()/float64(b.N)), "rows/s")
}

// BenchmarkMatchAllNew50k is the baseline for BenchmarkMatchIncremental10k40k.
func BenchmarkMatchAllNew50k(b *testing.B) {
	recs, _ := synth(50_000, 1)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Match(context.Background(), recs, Options{Namer: fakeNamer{}, FreeDomains: freeDomains, Workers: 2}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(recs))/(b.Elapsed().Seconds()/float64(b.N)), "rows/s")
}

// TestExistingAllNew: Existing naming no customer gives the run without it.
func TestExistingAllNew(t *testing.T) {
	recs, _ := synth(3000, 43)
	dec := synthDecisions(recs, run(t, recs, 2), 7)
	for _, tc := range []struct {
		name string
		dec  map[[2]string]string
	}{
		{"without decisions", nil},
		{"with decisions", dec},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opt := Options{Namer: fakeNamer{}, FreeDomains: freeDomains, Workers: 2, Decisions: tc.dec}
			want, err := Match(context.Background(), recs, opt)
			if err != nil {
				t.Fatal(err)
			}
			opt.Existing = make([]string, len(recs))
			got, err := Match(context.Background(), recs, opt)
			if err != nil {
				t.Fatal(err)
			}
			wantC, wantR := fingerprints(recs, want)
			gotC, gotR := fingerprints(recs, got)
			if !slices.Equal(gotC, wantC) || !slices.Equal(gotR, wantR) || !slices.Equal(linkFingerprints(recs, got), linkFingerprints(recs, want)) {
				t.Errorf("clusters, review or links differ from the run without Existing")
			}
			if counts(&got.Stats) != counts(&want.Stats) {
				t.Errorf("counts %v, want %v", counts(&got.Stats), counts(&want.Stats))
			}
		})
	}
}

package state

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// indexed returns the rows of ch with keys: row i has key 1000+i (its
// own), key 7 (shared by all) and sort key "py" + i.
func indexed(ch Changes) Changes {
	for i := range ch.Rows {
		ch.Rows[i].Indexed = true
		ch.Rows[i].Keys = []uint64{uint64(1000 + i), 7, 1 << 63}
		ch.Rows[i].SortKey = "py" + string(rune('a'+i))
	}
	return ch
}

func fps(rows []Row) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r.Fingerprint)
	}
	return out
}

func TestCandidates(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	ch := indexed(fixtureChanges(0, "a.csv", 5))
	mustCommit(t, s, fixtureRun("a.csv"), ch)
	all := fps(ch.Rows)

	tests := []struct {
		name   string
		l      Lookup
		want   []string
		capped int
	}{
		{"own key", Lookup{Keys: []KeyLimit{{1002, 10}}}, all[2:3], 0},
		{"high bit key survives int64", Lookup{Keys: []KeyLimit{{1 << 63, 10}}}, all, 0},
		{"shared key", Lookup{Keys: []KeyLimit{{7, 10}}}, all, 0},
		{"shared key over its limit", Lookup{Keys: []KeyLimit{{7, 4}}}, nil, 1},
		{"shared key at its limit", Lookup{Keys: []KeyLimit{{7, 5}}}, all, 0},
		{"unknown key", Lookup{Keys: []KeyLimit{{99, 10}}}, nil, 0},
		{"excluded file", Lookup{Keys: []KeyLimit{{7, 10}}, Exclude: map[string]bool{"a.csv": true}}, nil, 0},
		{"neighbours", Lookup{Sorts: []string{"pyc"}, Window: 2}, all[1:3], 0},
		{"neighbours of a new key", Lookup{Sorts: []string{"pyb0"}, Window: 3}, all[0:4], 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, capped, err := s.Candidates(ctx, tt.l)
			if err != nil {
				t.Fatal(err)
			}
			if got := fps(rows); !slices.Equal(got, tt.want) || capped != tt.capped {
				t.Errorf("got %v (capped %d), want %v (capped %d)", got, capped, tt.want, tt.capped)
			}
		})
	}
}

func TestCandidatesFollowChanges(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	ch := indexed(fixtureChanges(0, "a.csv", 3))
	run1 := mustCommit(t, s, fixtureRun("a.csv"), ch)
	find := func(key uint64) []string {
		t.Helper()
		rows, _, err := s.Candidates(ctx, Lookup{Keys: []KeyLimit{{key, 10}}})
		if err != nil {
			t.Fatal(err)
		}
		return fps(rows)
	}

	// Row 0 gets new keys; row 1 is rewritten without keys (a lineage
	// change): it keeps its keys; row 2 is gone.
	next := Changes{Base: run1, Rows: []Row{ch.Rows[0], ch.Rows[1]}, GoneRows: []string{ch.Rows[2].Fingerprint}}
	next.Rows[0].Keys = []uint64{2000}
	next.Rows[1].Indexed, next.Rows[1].Keys = false, nil
	run2 := mustCommit(t, s, fixtureRun("a.csv"), next)
	if got := find(1000); len(got) != 0 {
		t.Errorf("old key of a re-indexed row still finds %v", got)
	}
	if got := find(2000); !slices.Equal(got, []string{ch.Rows[0].Fingerprint}) {
		t.Errorf("new key finds %v", got)
	}
	if got := find(1001); !slices.Equal(got, []string{ch.Rows[1].Fingerprint}) {
		t.Errorf("a row written without keys lost them: %v", got)
	}
	if got := find(7); !slices.Equal(got, []string{ch.Rows[1].Fingerprint}) {
		t.Errorf("shared key finds %v, want only row 1", got)
	}

	// A gone file takes its rows' keys and pairs with it.
	pairs := Changes{Base: run2, Pairs: []Pair{{A: ch.Rows[1].Fingerprint, B: ch.Rows[0].Fingerprint, Kind: PairReview, Score: 7.5, Evidence: []byte(`[]`)}}}
	run3 := mustCommit(t, s, fixtureRun("a.csv"), pairs)
	var got []Pair
	if err := s.EachPair(ctx, PairReview, func(p Pair) error { got = append(got, p); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].A != ch.Rows[0].Fingerprint || got[0].Score != 7.5 || got[0].Run != run3 {
		t.Errorf("pairs: %+v", got)
	}
	mustCommit(t, s, fixtureRun(), Changes{Base: run3, GoneFiles: []string{"a.csv"}})
	if got := find(1001); len(got) != 0 {
		t.Errorf("keys of a gone file's rows still find %v", got)
	}
	var n int
	if err := s.db.QueryRow(`SELECT (SELECT count(*) FROM row_keys) + (SELECT count(*) FROM pairs)`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d keys and pairs left after the file went (%v)", n, err)
	}
}

func TestResetPairs(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	ch := fixtureChanges(0, "a.csv", 3)
	ch.Pairs = []Pair{{A: "fp-2", B: "fp-1", Kind: PairLink, Score: 12, Evidence: []byte(`[]`)}}
	id := mustCommit(t, s, fixtureRun("a.csv"), ch)
	mustCommit(t, s, fixtureRun("a.csv"), Changes{Base: id, ResetPairs: true,
		Pairs: []Pair{{A: "fp-3", B: "fp-1", Kind: PairReview, Score: 7, Evidence: []byte(`[]`)}}})
	var got []string
	if err := s.EachPair(ctx, "", func(p Pair) error { got = append(got, p.A+"/"+p.B+"/"+p.Kind); return nil }); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, []string{"fp-1/fp-3/review"}) {
		t.Errorf("pairs after a reset: %v", got)
	}
}

func TestSettings(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	if v, err := s.Setting(ctx, "weights"); v != nil || err != nil {
		t.Fatalf("unset setting: %q, %v", v, err)
	}
	id := mustCommit(t, s, fixtureRun(), Changes{Settings: map[string][]byte{"weights": []byte(`{"a":1}`)}})
	mustCommit(t, s, fixtureRun(), Changes{Base: id, Settings: map[string][]byte{"weights": []byte(`{"a":2}`)}})
	if v, err := s.Setting(ctx, "weights"); string(v) != `{"a":2}` || err != nil {
		t.Errorf("setting: %q, %v", v, err)
	}
}

func TestPurgeDropsIndex(t *testing.T) {
	s, _ := openTemp(t)
	ch := indexed(fixtureChanges(0, "a.csv", 3))
	ch.Pairs = []Pair{{A: ch.Rows[0].Fingerprint, B: ch.Rows[1].Fingerprint, Kind: PairLink, Score: 12, Evidence: []byte(`[]`)}}
	mustCommit(t, s, fixtureRun("a.csv"), ch)
	if _, err := s.Purge(context.Background()); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := s.db.QueryRow(`SELECT (SELECT count(*) FROM row_keys) + (SELECT count(*) FROM pairs)`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d keys and pairs left after purge (%v)", n, err)
	}
}

// TestManyKeys stores more index entries than one INSERT carries.
func TestManyKeys(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	ch := indexed(fixtureChanges(0, "a.csv", 200))
	mustCommit(t, s, fixtureRun("a.csv"), ch)
	var n int
	if err := s.db.QueryRow(`SELECT count(*) FROM row_keys`).Scan(&n); err != nil || n != 600 {
		t.Fatalf("%d index entries (%v), want 600", n, err)
	}
	rows, _, err := s.Candidates(ctx, Lookup{Keys: []KeyLimit{{7, 1000}, {1150, 10}}})
	if err != nil || len(rows) != 200 {
		t.Errorf("shared key finds %d rows (%v), want 200", len(rows), err)
	}
	rows, _, err = s.Candidates(ctx, Lookup{Keys: []KeyLimit{{1150, 10}}})
	if err != nil || len(rows) != 1 || rows[0].Fingerprint != ch.Rows[150].Fingerprint {
		t.Errorf("own key finds %v (%v)", fps(rows), err)
	}
	// More keys than one statement asks for: the rows' own keys of the
	// even rows, unknown keys and the shared key over its limit.
	var l Lookup
	for i := 0; i < 200; i += 2 {
		l.Keys = append(l.Keys, KeyLimit{uint64(1000 + i), 1}, KeyLimit{uint64(5000 + i), 1})
	}
	for i := range keysPerLookup {
		l.Keys = append(l.Keys, KeyLimit{uint64(9000 + i), 3})
	}
	l.Keys = append(l.Keys, KeyLimit{7, 199})
	// And more sort keys than one statement asks for: every odd row's,
	// whose window of 2 also finds the even row before it.
	l.Window = 2
	for i := 1; i < 200; i += 2 {
		l.Sorts = append(l.Sorts, ch.Rows[i].SortKey)
	}
	rows, capped, err := s.Candidates(ctx, l)
	if err != nil || len(rows) != 200 || capped != 1 || rows[150].Fingerprint != ch.Rows[150].Fingerprint {
		t.Errorf("%d keys: %d rows, capped %d (%v)", len(l.Keys), len(rows), capped, err)
	}
}

func TestPairsOf(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	ch := fixtureChanges(0, "a.csv", 4)
	ch.Pairs = []Pair{
		{A: "fp-1", B: "fp-2", Kind: PairLink, Score: 12, Evidence: []byte(`[]`)},
		{A: "fp-2", B: "fp-3", Kind: PairLink, Score: 11, Evidence: []byte(`[]`)},
		{A: "fp-3", B: "fp-4", Kind: PairLink, Score: 10, Evidence: []byte(`[]`)},
		{A: "fp-1", B: "fp-4", Kind: PairReview, Score: 7, Evidence: []byte(`[]`)},
	}
	mustCommit(t, s, fixtureRun("a.csv"), ch)
	tests := []struct {
		kind string
		fps  []string
		want []string
	}{
		{PairLink, []string{"fp-2"}, []string{"fp-1/fp-2", "fp-2/fp-3"}},
		{PairLink, []string{"fp-2", "fp-3"}, []string{"fp-1/fp-2", "fp-2/fp-3", "fp-3/fp-4"}},
		{PairReview, []string{"fp-4"}, []string{"fp-1/fp-4"}},
		{PairReview, []string{"fp-2"}, nil},
		{PairLink, nil, nil},
	}
	for _, tt := range tests {
		ps, err := s.PairsOf(ctx, tt.kind, tt.fps)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range ps {
			got = append(got, p.A+"/"+p.B)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("PairsOf(%s, %v) = %v, want %v", tt.kind, tt.fps, got, tt.want)
		}
	}
}

func TestRowsOfCustomers(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	ch := fixtureChanges(0, "a.csv", 4) // customers CA000001…CA000004, one row each
	ch.Rows[1].CustomerID = "CA000001"
	mustCommit(t, s, fixtureRun("a.csv"), ch)
	rows, err := s.RowsOfCustomers(ctx, []string{"CA000001", "CA000003", "CNOSUCH"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fps(rows), []string{ch.Rows[0].Fingerprint, ch.Rows[1].Fingerprint, ch.Rows[2].Fingerprint}; !slices.Equal(got, want) {
		t.Errorf("rows %v, want %v", got, want)
	}
	if rows[0].Norm.Name == "" || len(rows[0].Values) == 0 {
		t.Errorf("row payload not decoded: %+v", rows[0])
	}
	rows, err = s.RowsOfCustomers(ctx, []string{"CA000001"}, func(fp string) bool { return fp == ch.Rows[0].Fingerprint })
	if err != nil || !slices.Equal(fps(rows), []string{ch.Rows[1].Fingerprint}) {
		t.Errorf("with a row held: %v (%v)", fps(rows), err)
	}
	byFP, err := s.Rows(ctx, []string{ch.Rows[3].Fingerprint, "fp-nosuch"})
	if err != nil || len(byFP) != 1 || byFP[ch.Rows[3].Fingerprint].Norm.Name != ch.Rows[3].Norm.Name {
		t.Errorf("Rows: %v (%v)", byFP, err)
	}
}

// TestManyPairs stores more pairs than one statement carries, one of them
// twice: the later one wins.
func TestManyPairs(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	ch := fixtureChanges(0, "a.csv", 2)
	pairsPerInsert := argsPerInsert / 6
	for i := range 2*pairsPerInsert + 5 {
		ch.Pairs = append(ch.Pairs, Pair{A: fmt.Sprintf("fp-%04d", i+1), B: "fp-0000", Kind: PairReview, Score: float64(i), Evidence: []byte(`[]`)})
	}
	ch.Pairs = append(ch.Pairs, Pair{A: "fp-0000", B: "fp-0001", Kind: PairLink, Score: 99, Evidence: []byte(`[]`)})
	mustCommit(t, s, fixtureRun("a.csv"), ch)
	var got []Pair
	if err := s.EachPair(ctx, "", func(p Pair) error { got = append(got, p); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2*pairsPerInsert+5 || got[0].A != "fp-0000" || got[0].B != "fp-0001" || got[0].Kind != PairLink || got[0].Score != 99 {
		t.Errorf("%d pairs, first %+v", len(got), got[0])
	}
}

// TestBulkLoad commits a first run big enough to load in bulk (indexes
// dropped and rebuilt): the indexes are back, identical, and used.
func TestBulkLoad(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	schema := func() string {
		var out []string
		rows, err := s.db.Query(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var name, sql string
			if err := rows.Scan(&name, &sql); err != nil {
				t.Fatal(err)
			}
			out = append(out, name+": "+sql)
		}
		return fmt.Sprint(out)
	}
	before := schema()
	ch := indexed(fixtureChanges(0, "a.csv", bulkRows))
	mustCommit(t, s, fixtureRun("a.csv"), ch)
	if after := schema(); after != before {
		t.Errorf("indexes after a bulk load:\n%s\nwant\n%s", after, before)
	}
	got, err := s.CustomerRows(ctx, ch.Rows[bulkRows/2].CustomerID)
	if err != nil || len(got) != 1 || got[0].Fingerprint != ch.Rows[bulkRows/2].Fingerprint {
		t.Errorf("CustomerRows after a bulk load: %v (%v)", fps(got), err)
	}
	var plan string
	if err := s.db.QueryRow(`EXPLAIN QUERY PLAN SELECT rowid FROM rows WHERE customer_id = 'x'`).Scan(new(int), new(int), new(int), &plan); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plan, "rows_by_customer") {
		t.Errorf("query plan after a bulk load: %s", plan)
	}
}

// TestBulkLoadFails: a bulk load that fails after dropping the indexes
// leaves the state as it was, indexes included.
func TestBulkLoadFails(t *testing.T) {
	s, _ := openTemp(t)
	before := dump(t, s)
	failpoint = func(step string) error {
		if step == "rows" {
			return errInjected
		}
		return nil
	}
	t.Cleanup(func() { failpoint = nil })
	if _, err := s.Commit(context.Background(), fixtureRun("a.csv"), indexed(fixtureChanges(0, "a.csv", bulkRows))); err == nil {
		t.Fatal("commit did not fail")
	}
	if after := dump(t, s); after != before {
		t.Error("a failed bulk load changed the state")
	}
}

// TestBulkLoadStoresAsUpserts commits the same first run in bulk and row
// by row, its rows out of fingerprint order, a row and a customer given
// twice (the later one, with other keys, stands) and more customers than
// one statement carries: both states hold the same.
func TestBulkLoadStoresAsUpserts(t *testing.T) {
	ctx := context.Background()
	changes := func() Changes {
		ch := indexed(fixtureChanges(0, "a.csv", 3*argsPerInsert))
		slices.Reverse(ch.Rows)
		again := ch.Rows[5]
		again.Prov.Row, again.Keys, again.SortKey = 9999, []uint64{42}, "again"
		ch.Rows = append(ch.Rows, again)
		ch.Customers = append(ch.Customers, Customer{ID: ch.Customers[7].ID, Golden: []byte(`{"name":"again"}`)})
		return ch
	}
	state := func(bulk bool) string {
		defer func(n int) { bulkRows = n }(bulkRows)
		if bulk {
			bulkRows = 1
		} else {
			bulkRows = 1 << 30
		}
		s, _ := openTemp(t)
		mustCommit(t, s, fixtureRun("a.csv"), changes())
		var keys []string
		err := each(ctx, s.db, `SELECT k.key, r.fingerprint FROM row_keys k JOIN rows r ON r.rowid = k.row ORDER BY 1, 2`, func(rs *sql.Rows) error {
			var k int64
			var fp string
			err := rs.Scan(&k, &fp)
			keys = append(keys, fmt.Sprintf("%d %s", k, fp))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		// The tables but the index by rowid, which differ as the rows
		// went in in another order.
		var tables []string
		for _, section := range strings.Split(dump(t, s), "\n== ") {
			if !strings.HasPrefix(section, "row_keys ") {
				tables = append(tables, section)
			}
		}
		again, err := s.Golden(ctx, changes().Customers[7].ID)
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(tables, "\n== ") + "\n== keys\n" + strings.Join(keys, "\n") + "\n== golden given twice\n" + string(again)
	}
	bulk, upserted := state(true), state(false)
	if bulk != upserted {
		t.Errorf("a bulk load stores\n%s\nrow by row\n%s", bulk, upserted)
	}
	if !strings.Contains(bulk, "42 "+changes().Rows[5].Fingerprint) || strings.Contains(bulk, fmt.Sprintf("%d %s", 1000+3*argsPerInsert-6, changes().Rows[5].Fingerprint)) {
		t.Errorf("the row given twice does not have the keys given last:\n%s", bulk)
	}
	if !strings.Contains(bulk, `{"name":"again"}`) {
		t.Errorf("the customer given twice is not stored as given last")
	}
}

// TestCommitRawEqualsTx commits the same runs (a first one in bulk, then
// one that changes rows, customers and pairs) with full batches run on
// the driver's statement and through database/sql: both states hold the
// same.
func TestCommitRawEqualsTx(t *testing.T) {
	runs := func() []Changes {
		first := indexed(fixtureChanges(0, "a.csv", 3*argsPerInsert))
		for i := 0; i+1 < len(first.Rows); i += 2 {
			first.Pairs = append(first.Pairs, Pair{A: first.Rows[i].Fingerprint, B: first.Rows[i+1].Fingerprint,
				Kind: PairReview, Score: float64(i) / 7, Evidence: []byte(`[{"f":"name"}]`)})
		}
		second := indexed(fixtureChanges(1, "a.csv", 2*argsPerInsert))
		for i := range second.Rows {
			second.Rows[i].Status, second.Rows[i].Keys = "merged", []uint64{uint64(i % 7)}
		}
		for i := range second.Customers {
			second.Customers[i].Golden = fmt.Appendf(nil, `{"name":"again %d"}`, i)
		}
		second.Pairs = first.Pairs[:len(first.Pairs)/2]
		for i := range second.Pairs {
			second.Pairs[i].Kind = PairLink
		}
		return []Changes{first, second}
	}
	state := func(raw bool) string {
		defer func(was bool, n int) { rawBatches, bulkRows = was, n }(rawBatches, bulkRows)
		rawBatches, bulkRows = raw, 1
		s, _ := openTemp(t)
		for _, ch := range runs() {
			mustCommit(t, s, fixtureRun("a.csv"), ch)
		}
		return dump(t, s)
	}
	raw, tx := state(true), state(false)
	if raw != tx {
		t.Errorf("with the driver's statements the state holds\n%s\nthrough database/sql\n%s", raw, tx)
	}
	if !strings.Contains(raw, "again 1") || !strings.Contains(raw, "link") {
		t.Errorf("the second run is not in the state:\n%s", raw)
	}
}

package pipeline

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/crmclean/crmclean/pipeline/match"
	"github.com/crmclean/crmclean/pipeline/merge"
	"github.com/crmclean/crmclean/pipeline/record"
	"github.com/crmclean/crmclean/pipeline/state"
)

// outputs completes the result of an incremental run for writing: unless
// only changes are wanted, every customer the run left alone is rebuilt
// from its stored rows; review.csv lists every open doubtful pair, stored
// or new, and links.csv the links of the customers written.
func (s *runner) outputs(ctx context.Context, m *match.Result) error {
	if s.full {
		return nil
	}
	if !s.cfg.ChangesOnly {
		if err := s.addUntouched(ctx, m); err != nil {
			return err
		}
	} else if err := s.addCarried(ctx, m); err != nil {
		return err
	}
	// The stored rows matched this run belong with the rows read.
	for _, r := range s.matched {
		if !s.changed[r.Prov.File] {
			s.res.Records = append(s.res.Records, r)
		}
	}
	sortRecords(s.res.Records)
	return s.pairs(ctx, m)
}

// inRunSkip refuses the stored rows the run holds: those it matched or
// read, and those of the files it read again or retired.
func (s *runner) inRunSkip() func(*state.Row) bool {
	inRun := map[string]bool{}
	for _, r := range s.matched {
		inRun[state.KeyOf(r)] = true
	}
	for _, r := range s.res.Records {
		inRun[state.KeyOf(r)] = true
	}
	return func(row *state.Row) bool {
		return inRun[row.Fingerprint] || s.changed[row.Prov.File] || slices.Contains(s.goneFile, row.Prov.File)
	}
}

// addUntouched rebuilds, once, every customer the run left alone from its
// stored rows, and adds them and their rows to the result.
func (s *runner) addUntouched(ctx context.Context, m *match.Result) error {
	if s.rebuilt {
		return nil
	}
	s.rebuilt = true
	merger := newMerger(s.cfg, s.norm, s.notOwnSet(m), s.sharedSet(m))
	recs, customers, err := rebuild(ctx, s.store, merger, s.inRunSkip())
	if err != nil {
		return err
	}
	s.res.Records = append(s.res.Records, recs...)
	s.res.Customers = append(s.res.Customers, customers...)
	sortByID(s.res.Customers)
	return nil
}

// addCarried adds, for the delta of a changes-only run, what runs
// committed but never published changed and this run did not rebuild: the
// new and updated customers (rebuilt from their stored rows, under their
// ids) and the rows of the files those runs read.
func (s *runner) addCarried(ctx context.Context, m *match.Result) error {
	if s.info.Carried == nil || s.rebuilt {
		return nil
	}
	recs, err := s.carriedRows(ctx)
	if err != nil {
		return err
	}
	groups := map[string][]*record.Record{}
	for _, r := range recs {
		if r.CustomerID != "" && (r.Status == record.Kept || r.Status == record.Merged) && r.SameAs == "" {
			groups[r.CustomerID] = append(groups[r.CustomerID], r)
		}
	}
	s.res.Records = append(s.res.Records, recs...)
	s.res.Customers = append(s.res.Customers, buildGroups(newMerger(s.cfg, s.norm, s.notOwnSet(m), s.sharedSet(m)), recs, groups)...)
	sortByID(s.res.Customers)
	return nil
}

// carriedRows loads the stored rows the run does not hold of the new and
// updated customers it did not build, and of the files carried.
func (s *runner) carriedRows(ctx context.Context) ([]*record.Record, error) {
	skip := s.inRunSkip()
	built := map[string]bool{}
	for _, c := range s.res.Customers {
		built[c.ID] = true
	}
	var ids []string
	for _, c := range s.info.Changes {
		if (c.Change == state.ChangeNew || c.Change == state.ChangeUpdated) && !built[c.ID] {
			ids = append(ids, c.ID)
		}
	}
	loaded := map[string]bool{}
	var recs []*record.Record
	add := func(row state.Row) {
		if !skip(&row) && !loaded[row.Fingerprint] {
			loaded[row.Fingerprint] = true
			recs = append(recs, row.Record())
		}
	}
	rows, err := s.store.RowsOfCustomers(ctx, ids, nil)
	if err != nil {
		return nil, err
	}
	for _, row := range rows {
		add(row)
	}
	for _, rel := range s.info.FilesCarried {
		if err := s.eachStoredRow(ctx, rel, add); err != nil {
			return nil, err
		}
	}
	return recs, nil
}

// rebuild loads the stored rows that skip does not refuse and rebuilds
// their customers, under their stored ids (their contacts under theirs),
// from the rows alone.
func rebuild(ctx context.Context, store *state.Store, merger *merge.Merger, skip func(*state.Row) bool) ([]*record.Record, []*merge.Customer, error) {
	var recs []*record.Record
	groups := map[string][]*record.Record{}
	err := store.EachRow(ctx, "", func(row state.Row) error {
		if skip(&row) {
			return nil
		}
		r := row.Record()
		recs = append(recs, r)
		if r.CustomerID != "" && (r.Status == record.Kept || r.Status == record.Merged) && r.SameAs == "" {
			groups[r.CustomerID] = append(groups[r.CustomerID], r)
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("load rows from the state: %w", err)
	}
	return recs, buildGroups(merger, recs, groups), nil
}

// buildGroups builds one customer per group of rows of recs, under the
// group's stored id (its contacts under theirs), sorted by id; the copies
// of an identical row (SameAs) follow their first.
func buildGroups(merger *merge.Merger, recs []*record.Record, groups map[string][]*record.Record) []*merge.Customer {
	customers := make([]*merge.Customer, 0, len(groups))
	for id, rows := range groups {
		c := buildWithStoredContacts(merger, rows)
		c.ID = id
		for _, r := range c.Rows {
			r.CustomerID = id
		}
		customers = append(customers, c)
	}
	merge.FollowIdentical(recs, customers)
	sortByID(customers)
	return customers
}

// pairs sets the review and link pairs to write: this run's, and the
// stored ones that still hold — review pairs whose rows are in different
// live customers and undecided, links within one customer (not on a
// changes-only run). It completes the run's row table: the rows of the
// result, then the stored rows only review pairs name.
func (s *runner) pairs(ctx context.Context, m *match.Result) error {
	t := newPairTable(s.res.Rows, s.res.Records, m)
	found := map[[2]string]bool{}
	for _, set := range [][]match.Pair{t.links, t.review} {
		for _, p := range set {
			found[state.PairKey(t.seq[p.A].Fingerprint, t.seq[p.B].Fingerprint)] = true
		}
	}
	stored, err := s.storedPairs(ctx, found)
	if err != nil {
		return err
	}
	if err := s.fetchMissing(ctx, stored, t.at, t.byFP); err != nil {
		return err
	}
	for _, p := range stored {
		if err := s.addStored(t, p); err != nil {
			return err
		}
	}
	byPair(t.links, t.seq)
	byPair(t.review, t.seq)
	perCustomer := match.ByCustomer(t.review, func(k record.Key) string { return t.seq[k].CustomerID })

	// From seq's places to row keys in the completed table; the rows the
	// match names (clusters, numbers) through their places in seq.
	table, key := rowTable(s.res.Records, t.seq)
	out := *m
	out.Links, out.Review = rekey(t.links, key), rekey(t.review, key)
	through := func(k record.Key) record.Key { return key[t.place[k]] }
	out.Clusters = make([][]record.Key, len(m.Clusters))
	for i, cl := range m.Clusters {
		out.Clusters[i] = mapKeys(cl, through)
	}
	out.Numbers = slices.Clone(m.Numbers)
	for i := range out.Numbers {
		out.Numbers[i].Records = mapKeys(out.Numbers[i].Records, through)
	}
	out.Candidates = nil // only a measuring run keeps them
	s.res.Match, s.res.Rows, s.res.review = &out, table, rekey(perCustomer, key)
	return nil
}

// mapKeys maps every key of ks through f, into a new slice.
func mapKeys(ks []record.Key, f func(record.Key) record.Key) []record.Key {
	out := make([]record.Key, len(ks))
	for i, k := range ks {
		out[i] = f(k)
	}
	return out
}

// pairTable gathers the pairs to write of an incremental run and the rows
// they name.
type pairTable struct {
	// seq lists the rows the pairs name in the order they are first
	// named: the rows matched, then stored rows as the state lists their
	// pairs. The pair standing for two customers in review is chosen in
	// that order (match.ByCustomer takes the first of equal scores), as
	// earlier versions chose it, so that review files do not change.
	seq           []*record.Record
	place         []record.Key              // a row key of the rows matched → its place in seq
	at            map[string]int            // fingerprint → place in seq
	byFP          map[string]*record.Record // the rows of the result, and those fetched for stored pairs, by fingerprint
	links, review []match.Pair              // by place in seq
}

// newPairTable starts the pairs to write with those of m (row keys of
// rows), and the rows of the result (records).
func newPairTable(rows, records []*record.Record, m *match.Result) *pairTable {
	seq, place := matchedRows(rows, m)
	t := &pairTable{seq: seq, place: place, at: map[string]int{}, byFP: map[string]*record.Record{},
		links: rekey(m.Links, place), review: rekey(m.Review, place)}
	for i, r := range seq {
		t.at[r.Fingerprint] = i
	}
	for _, r := range records {
		if r.Fingerprint != "" {
			t.byFP[r.Fingerprint] = r
		}
	}
	return t
}

// pos finds a row's place in seq, adding it when the pairs have not named
// it yet; -1 when the state no longer holds it.
func (t *pairTable) pos(fp string) record.Key {
	if i, ok := t.at[fp]; ok {
		return record.Key(i)
	}
	r := t.byFP[fp]
	if r == nil {
		return -1
	}
	t.seq = append(t.seq, r)
	t.at[fp] = len(t.seq) - 1
	return record.Key(len(t.seq) - 1)
}

// addStored adds a pair the state holds to the pairs to write, when it
// still holds: an undecided review pair between two live customers (left
// out when a learned pattern keeps them apart), a link within one.
func (s *runner) addStored(t *pairTable, p state.Pair) error {
	if p.Kind == state.PairReview {
		if _, decided := s.snap.Decisions[state.PairKey(p.A, p.B)]; decided {
			return nil
		}
	}
	if p.Kind == state.PairLink && (t.byFP[p.A] == nil || t.byFP[p.B] == nil) {
		return nil // a link's rows are held whenever its customer is written
	}
	a, b := t.pos(p.A), t.pos(p.B)
	if a < 0 || b < 0 || !live(t.seq[a]) || !live(t.seq[b]) {
		return nil
	}
	ev, err := state.DecodeEvidence(p.Evidence)
	if err != nil {
		return err
	}
	company := t.seq[a].Norm.Kind == record.Company || t.seq[b].Norm.Kind == record.Company
	mp := match.Pair{A: a, B: b, Score: p.Score, Evidence: ev, Pattern: match.PatternOf(ev, company)}
	ca, cb := t.seq[a].CustomerID, t.seq[b].CustomerID
	switch {
	case p.Kind == state.PairLink && ca == cb:
		t.links = append(t.links, mp)
	case p.Kind == state.PairReview && ca != cb && s.patterns[mp.Pattern] == match.DecisionKeep:
		// A learned keep leaves the pairs earlier runs stored out of
		// review (forgetting the pattern brings them back).
		s.info.LeftOut++
		s.countApplied(mp.Pattern)
	case p.Kind == state.PairReview && ca != cb:
		t.review = append(t.review, mp)
	}
	return nil
}

// live reports whether a row belongs to a live customer: kept or merged,
// with a customer id.
func live(r *record.Record) bool {
	return r.CustomerID != "" && (r.Status == record.Kept || r.Status == record.Merged)
}

// storedPairs are the pairs the state holds that this run did not find
// (found): every open review pair, and the links of every customer except
// on a changes-only run, whose links.csv lists the links it made (explain
// --state shows any customer's).
func (s *runner) storedPairs(ctx context.Context, found map[[2]string]bool) ([]state.Pair, error) {
	var stored []state.Pair
	keep := func(p state.Pair) error {
		if !found[state.PairKey(p.A, p.B)] {
			stored = append(stored, p)
		}
		return nil
	}
	if err := s.store.EachPair(ctx, state.PairReview, keep); err != nil {
		return nil, err
	}
	if !s.cfg.ChangesOnly {
		if err := s.store.EachPair(ctx, state.PairLink, keep); err != nil {
			return nil, err
		}
	}
	return stored, nil
}

// fetchMissing reads from the state the rows of stored review pairs that
// the run holds nowhere (at, byFP) into byFP.
func (s *runner) fetchMissing(ctx context.Context, stored []state.Pair, at map[string]int, byFP map[string]*record.Record) error {
	var missing []string
	for _, p := range stored {
		for _, fp := range []string{p.A, p.B} {
			if _, ok := at[fp]; !ok && byFP[fp] == nil && p.Kind == state.PairReview {
				missing = append(missing, fp)
			}
		}
	}
	fetched, err := s.store.Rows(ctx, missing)
	if err != nil {
		return err
	}
	for fp, row := range fetched {
		byFP[fp] = row.Record()
	}
	return nil
}

// matchedRows lists the rows of the table rows that m matched (every
// cluster member), in key order; place gives each row key its place in
// that list.
func matchedRows(rows []*record.Record, m *match.Result) (seq []*record.Record, place []record.Key) {
	matched := make([]bool, len(rows))
	for _, cl := range m.Clusters {
		for _, k := range cl {
			matched[k] = true
		}
	}
	place = make([]record.Key, len(rows))
	for k, r := range rows {
		place[k] = -1
		if matched[k] {
			place[k] = record.Key(len(seq))
			seq = append(seq, r)
		}
	}
	return seq, place
}

// byPair sorts pairs (places in seq) by their rows' fingerprints.
func byPair(ps []match.Pair, seq []*record.Record) {
	sort.Slice(ps, func(i, j int) bool {
		ki := state.PairKey(seq[ps[i].A].Fingerprint, seq[ps[i].B].Fingerprint)
		kj := state.PairKey(seq[ps[j].A].Fingerprint, seq[ps[j].B].Fingerprint)
		return strings.Compare(ki[0]+"\x00"+ki[1], kj[0]+"\x00"+kj[1]) < 0
	})
}

// rowTable makes the run's row table: the rows of records, then the rows
// of seq records does not hold. key gives each place in seq its row key.
func rowTable(records, seq []*record.Record) (table []*record.Record, key []record.Key) {
	key = make([]record.Key, len(seq))
	at := make(map[*record.Record]int, len(seq))
	for i, r := range seq {
		at[r] = i
		key[i] = -1
	}
	for k, r := range records {
		if i, ok := at[r]; ok {
			key[i] = record.Key(k)
		}
	}
	table = slices.Clip(records)
	for i, r := range seq {
		if key[i] < 0 {
			key[i] = record.Key(len(table))
			table = append(table, r)
		}
	}
	return table, key
}

// rekey gives pairs naming places in a sequence of rows the row keys
// key gives those places, in a new slice.
func rekey(ps []match.Pair, key []record.Key) []match.Pair {
	out := make([]match.Pair, len(ps))
	for i, p := range ps {
		p.A, p.B = key[p.A], key[p.B]
		out[i] = p
	}
	return out
}

// republish rebuilds the outputs of run u from the state alone and
// publishes them to its output folder; its delta holds every change since
// run since, the last one published.
func republish(ctx context.Context, cfg Config, store *state.Store, u *state.RunRecord, since int64) error {
	snap, err := store.Previous(ctx)
	if err != nil {
		return err
	}
	cfg.Out = u.Out
	cfg.ChangesOnly = u.Counts["changes_only"] > 0
	s := newRunner(cfg, store, snap, u.Started)
	s.info.RunID = u.ID
	changes, err := store.RunChanges(ctx, u.ID, since)
	if err != nil {
		return err
	}
	s.setChanges(changes)
	written := map[string]bool{} // rows written since: the lineage of a changes-only run
	numbers, err := loadNumbers(ctx, store)
	if err != nil {
		return err
	}
	explicit, err := loadContactChanges(ctx, store) // carried from earlier unpublished runs too
	if err != nil {
		return err
	}
	norm, err := newNormalizer(cfg)
	if err != nil {
		return err
	}
	recs, customers, err := rebuild(ctx, store, newMerger(cfg, norm, notOwnOf(numbers), sharedOf(numbers)), func(row *state.Row) bool {
		if row.LastRun > since {
			written[row.Fingerprint] = true
		}
		return false
	})
	if err != nil {
		return err
	}
	s.res.Records, s.res.Customers = recs, customers
	s.setContactChanges(explicit)
	if cfg.ChangesOnly {
		s.info.FilesRead = nil
		touched := map[string]bool{}
		for _, c := range changes {
			touched[c.ID] = c.Change == state.ChangeNew || c.Change == state.ChangeUpdated
		}
		var delta []*record.Record
		for _, r := range recs {
			fp := state.KeyOf(r)
			if written[fp] || touched[r.CustomerID] {
				delta = append(delta, r)
			}
		}
		s.res.Records = delta
	}
	if err := s.pairs(ctx, &match.Result{}); err != nil {
		return err
	}
	s.res.Duration = u.Ended.Sub(u.Started)
	st, err := stage(ctx, cfg, s.res)
	if err != nil {
		return err
	}
	if err := st.Publish(); err != nil {
		st.Abort()
		return err
	}
	return store.MarkPublished(ctx, u.ID)
}

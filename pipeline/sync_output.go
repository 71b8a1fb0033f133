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
func (s *syncRun) outputs(ctx context.Context, m *match.Result) error {
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
func (s *syncRun) inRunSkip() func(*state.Row) bool {
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
func (s *syncRun) addUntouched(ctx context.Context, m *match.Result) error {
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
func (s *syncRun) addCarried(ctx context.Context, m *match.Result) error {
	if s.info.Carried == nil || s.rebuilt {
		return nil
	}
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
	rows, err := s.store.RowsOfCustomers(ctx, ids, nil)
	if err != nil {
		return err
	}
	for _, row := range rows {
		if !skip(&row) {
			loaded[row.Fingerprint] = true
			recs = append(recs, row.Record())
		}
	}
	for _, rel := range s.info.FilesCarried {
		err := s.store.EachRow(ctx, rel, func(row state.Row) error {
			if !skip(&row) && !loaded[row.Fingerprint] {
				loaded[row.Fingerprint] = true
				recs = append(recs, row.Record())
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("load rows of %s from the state: %w", rel, err)
		}
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
// changes-only run).
func (s *syncRun) pairs(ctx context.Context, m *match.Result) error {
	recs := append([]*record.Record(nil), s.res.Matched...)
	index := map[string]int{}
	for i, r := range recs {
		index[r.Fingerprint] = i
	}
	byFP := map[string]*record.Record{}
	for _, r := range s.res.Records {
		if r.Fingerprint != "" {
			byFP[r.Fingerprint] = r
		}
	}
	out := *m
	out.Links = append([]match.Pair(nil), m.Links...)
	out.Review = append([]match.Pair(nil), m.Review...)
	found := map[[2]string]bool{}
	for _, set := range [][]match.Pair{m.Links, m.Review} {
		for _, p := range set {
			found[state.PairKey(recs[p.A].Fingerprint, recs[p.B].Fingerprint)] = true
		}
	}
	// pos finds a row's record, loading it from the state when the run
	// does not hold it.
	pos := func(fp string) (int, error) {
		if i, ok := index[fp]; ok {
			return i, nil
		}
		r := byFP[fp]
		if r == nil {
			return -1, nil // gone from the state
		}
		recs = append(recs, r)
		index[fp] = len(recs) - 1
		return len(recs) - 1, nil
	}
	// Every open review pair; the links of every customer, except on a
	// changes-only run, whose links.csv lists the links it made (explain
	// --state shows any customer's).
	var stored []state.Pair
	keep := func(p state.Pair) error {
		if !found[state.PairKey(p.A, p.B)] {
			stored = append(stored, p)
		}
		return nil
	}
	if err := s.store.EachPair(ctx, state.PairReview, keep); err != nil {
		return err
	}
	if !s.cfg.ChangesOnly {
		if err := s.store.EachPair(ctx, state.PairLink, keep); err != nil {
			return err
		}
	}
	var missing []string
	for _, p := range stored {
		for _, fp := range []string{p.A, p.B} {
			if _, ok := index[fp]; !ok && byFP[fp] == nil && p.Kind == state.PairReview {
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
	for _, p := range stored {
		if p.Kind == state.PairReview {
			if _, decided := s.snap.Decisions[state.PairKey(p.A, p.B)]; decided {
				continue
			}
		}
		if p.Kind == state.PairLink && (byFP[p.A] == nil || byFP[p.B] == nil) {
			continue // a link's rows are held whenever its customer is written
		}
		a, err := pos(p.A)
		if err != nil {
			return err
		}
		b, err := pos(p.B)
		if err != nil {
			return err
		}
		if a < 0 || b < 0 {
			continue
		}
		ca, cb := recs[a].CustomerID, recs[b].CustomerID
		if ca == "" || cb == "" || (recs[a].Status != record.Kept && recs[a].Status != record.Merged) ||
			(recs[b].Status != record.Kept && recs[b].Status != record.Merged) {
			continue
		}
		ev, err := state.DecodeEvidence(p.Evidence)
		if err != nil {
			return err
		}
		company := recs[a].Norm.Kind == record.Company || recs[b].Norm.Kind == record.Company
		mp := match.Pair{A: a, B: b, Score: p.Score, Evidence: ev, Pattern: match.PatternOf(ev, company)}
		switch {
		case p.Kind == state.PairLink && ca == cb:
			out.Links = append(out.Links, mp)
		case p.Kind == state.PairReview && ca != cb && s.patterns[mp.Pattern] == match.DecisionKeep:
			// A learned keep leaves the pairs earlier runs stored out of
			// review (forgetting the pattern brings them back).
			s.info.LeftOut++
			s.countApplied(mp.Pattern)
		case p.Kind == state.PairReview && ca != cb:
			out.Review = append(out.Review, mp)
		}
	}
	byPair := func(ps []match.Pair) {
		sort.Slice(ps, func(i, j int) bool {
			ki := state.PairKey(recs[ps[i].A].Fingerprint, recs[ps[i].B].Fingerprint)
			kj := state.PairKey(recs[ps[j].A].Fingerprint, recs[ps[j].B].Fingerprint)
			return strings.Compare(ki[0]+"\x00"+ki[1], kj[0]+"\x00"+kj[1]) < 0
		})
	}
	byPair(out.Links)
	byPair(out.Review)
	s.res.Match, s.res.Matched = &out, recs
	return nil
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
	s := newSyncRun(cfg, store, snap, u.Started)
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

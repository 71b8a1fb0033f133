package state

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"

	"github.com/crmclean/crmclean/pipeline/record"
)

// Snapshot is the state a run starts from, kept lean for a million rows:
// rows are not in it but streamed with EachRow, and golden records are
// loaded one at a time with Golden.
type Snapshot struct {
	Base      int64                  // the last run or purge; pass it back in Changes.Base
	Files     map[string]File        // by Rel
	Customers map[string]Customer    // by id, live, merged and retired; Golden is nil
	Decisions map[[2]string]Decision // by PairKey
	Issued    map[string]int64       // every customer id ever issued → its first run
	Last      *RunRecord             // the latest pipeline run, nil before the first

	claimed map[string]bool // ids given to a cluster of this run by Resolve
}

// Previous loads the state a new run starts from, in one read transaction.
func (s *Store) Previous(ctx context.Context) (*Snapshot, error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("read state: %w", err)
	}
	defer tx.Rollback()
	p := &Snapshot{Files: map[string]File{}, Customers: map[string]Customer{},
		Decisions: map[[2]string]Decision{}, Issued: map[string]int64{}, claimed: map[string]bool{}}
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM runs WHERE kind IN ('run', 'purge')`).Scan(&p.Base); err != nil {
		return nil, fmt.Errorf("read state: %w", err)
	}
	err = each(ctx, tx, `SELECT rel, hash, rows, run_id FROM files`, func(rs *sql.Rows) error {
		var f File
		if err := rs.Scan(&f.Rel, &f.Hash, &f.Rows, &f.Run); err != nil {
			return err
		}
		p.Files[f.Rel] = f
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read files: %w", err)
	}
	err = each(ctx, tx, `SELECT id, golden_hash, coalesce(merged_into, ''), retired, first_run, last_run FROM customers`, func(rs *sql.Rows) error {
		var c Customer
		if err := rs.Scan(&c.ID, &c.GoldenHash, &c.MergedInto, &c.Retired, &c.FirstRun, &c.LastRun); err != nil {
			return err
		}
		p.Customers[c.ID] = c
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read customers: %w", err)
	}
	err = each(ctx, tx, `SELECT id, first_run FROM issued`, func(rs *sql.Rows) error {
		var id string
		var run int64
		if err := rs.Scan(&id, &run); err != nil {
			return err
		}
		p.Issued[id] = run
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read issued ids: %w", err)
	}
	last, err := runs(ctx, tx, `WHERE kind = 'run' ORDER BY id DESC LIMIT 1`)
	if err != nil {
		return nil, fmt.Errorf("read run log: %w", err)
	}
	if len(last) == 1 {
		p.Last = &last[0]
	}
	ds, err := decisions(ctx, tx)
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		p.Decisions[PairKey(d.A, d.B)] = d
	}
	return p, nil
}

func each(ctx context.Context, q querier, query string, fn func(*sql.Rows) error, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// EachRow calls fn for every stored row of file (every row when file is
// ""), in file, sheet and row order. fn must not use the store.
func (s *Store) EachRow(ctx context.Context, file string, fn func(Row) error) error {
	query := `SELECT fingerprint, file, sheet, row, status, coalesce(customer_id, ''), content_hash, data, first_run, last_run FROM rows`
	var args []any
	if file != "" {
		query += ` WHERE file = ?`
		args = append(args, file)
	}
	query += ` ORDER BY file, sheet, row`
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("read rows: %w", err)
	}
	defer tx.Rollback()
	dict, err := s.shared.load(ctx, tx)
	if err != nil {
		return fmt.Errorf("read rows: %w", err)
	}
	err = each(ctx, tx, query, func(rs *sql.Rows) error {
		var r Row
		var status string
		var data []byte
		if err := rs.Scan(&r.Fingerprint, &r.Prov.File, &r.Prov.Sheet, &r.Prov.Row, &status, &r.CustomerID,
			hashColumn{&r.ContentHash}, &data, &r.FirstRun, &r.LastRun); err != nil {
			return err
		}
		r.Status = record.Status(status)
		if err := decodeRow(data, &r, dict); err != nil {
			return err
		}
		return fn(r)
	}, args...)
	if err != nil {
		return fmt.Errorf("read rows: %w", err)
	}
	return nil
}

// Golden returns the stored golden record of customer id, or nil when the
// customer is unknown or its data was purged.
func (s *Store) Golden(ctx context.Context, id string) ([]byte, error) {
	gs, err := s.Goldens(ctx, []string{id})
	return gs[id], err
}

// Goldens returns the stored golden records of customers ids, by id; a
// customer unknown or whose data was purged is left out.
func (s *Store) Goldens(ctx context.Context, ids []string) (map[string][]byte, error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("read customers: %w", err)
	}
	defer tx.Rollback()
	dict, err := s.shared.load(ctx, tx)
	if err != nil {
		return nil, fmt.Errorf("read customers: %w", err)
	}
	out := make(map[string][]byte, len(ids))
	err = inBatches(ctx, tx, `SELECT id, golden FROM customers WHERE golden IS NOT NULL AND id IN `, ``, nil, anys(ids), func(rs *sql.Rows) error {
		var id string
		var g []byte
		if err := rs.Scan(&id, &g); err != nil {
			return err
		}
		if len(g) > 0 {
			js, err := unpackGolden(g, dict)
			if err != nil {
				return fmt.Errorf("customer %s: %w", id, err)
			}
			out[id] = js
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read customers: %w", err)
	}
	return out, nil
}

// Survivor picks the id that survives when customers merge: the oldest
// (smallest first run; ids not yet issued count as newest), then the
// lexically smallest. It returns "" for no ids.
func (p *Snapshot) Survivor(ids ...string) string {
	best := ""
	for _, id := range ids {
		if best == "" || p.older(id, best) {
			best = id
		}
	}
	return best
}

func (p *Snapshot) older(a, b string) bool {
	ra, oka := p.Issued[a]
	rb, okb := p.Issued[b]
	if oka != okb {
		return oka
	}
	if ra != rb {
		return ra < rb
	}
	return a < b
}

// Resolution is the id a cluster of this run gets.
type Resolution struct {
	ID     string   // the customer id of the cluster
	New    bool     // a customer that did not exist before
	Merged []string // earlier customers folded into ID (retire them with MergedInto = ID)
}

// Resolve gives a cluster its customer id. base is the id the cluster would
// get in a batch run (merge.ID); previous lists the customer ids its rows
// had in the state (duplicates and "" are ignored).
//
// A cluster with no earlier customer gets base, or a new id derived from it
// when base was issued before: ids are never reused. A cluster whose rows
// belonged to earlier customers keeps the Survivor of those, and the others
// are reported as merged. When an earlier customer splits, the first cluster
// resolved keeps its id and later ones get new ids, so call Resolve for the
// clusters in a deterministic order (for example sorted by base).
func (p *Snapshot) Resolve(base string, previous []string) Resolution {
	if p.claimed == nil {
		p.claimed = map[string]bool{}
	}
	var olds []string
	for _, id := range previous {
		if id != "" && !p.claimed[id] && !contains(olds, id) {
			olds = append(olds, id)
		}
	}
	if len(olds) == 0 {
		id := p.allocate(base)
		p.claimed[id] = true
		return Resolution{ID: id, New: true}
	}
	sort.Slice(olds, func(i, j int) bool { return p.older(olds[i], olds[j]) })
	res := Resolution{ID: olds[0]}
	for _, id := range olds {
		p.claimed[id] = true
	}
	if len(olds) > 1 {
		res.Merged = olds[1:]
	}
	return res
}

// allocate returns base, or the first of base's derived ids, that was
// never issued nor claimed in this run.
func (p *Snapshot) allocate(base string) string {
	id := base
	for n := 1; ; n++ {
		if _, issued := p.Issued[id]; !issued && !p.claimed[id] {
			return id
		}
		sum := sha256.Sum256(fmt.Appendf(nil, "%s#%d", base, n))
		id = "C" + strings.ToUpper(hex.EncodeToString(sum[:])[:10])
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

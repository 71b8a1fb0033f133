package state

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Pair kinds.
const (
	PairLink   = "link"   // an automatic merge link between two rows of one customer
	PairReview = "review" // a doubtful pair left to a person
)

// Pair is a merge link or a doubtful pair found by a run, between two rows
// by fingerprint, with its score and evidence (EncodeEvidence; JSON in
// states of earlier versions, which DecodeEvidence reads too), so that
// later runs can list open review pairs and explain customers they did
// not rebuild.
type Pair struct {
	A, B     string
	Kind     string // PairLink or PairReview
	Score    float64
	Evidence []byte
	Run      int64 // set by the store
}

// KeyLimit is a blocking key to look up with the largest block it may
// hold: a key shared by more stored rows than Limit is skipped, as the
// matcher skips oversized blocks.
type KeyLimit struct {
	Key   uint64
	Limit int
}

// Lookup is what an incremental run asks the store: the stored rows that
// share a blocking key with its new rows, or sort within Window of one of
// their sort keys.
type Lookup struct {
	Keys    []KeyLimit
	Sorts   []string
	Window  int
	Exclude map[string]bool // files whose stored rows are not wanted (read again by the run)
}

// keysPerLookup is how many blocking keys (or rows) one lookup statement
// asks for, and sortsPerLookup how many sort keys: two compound terms each,
// within SQLite's 500.
const (
	keysPerLookup  = 500
	sortsPerLookup = 100
)

// Candidates returns the stored kept and merged rows that l finds, each
// once, in file, sheet and row order, and how many keys were skipped as
// oversized.
func (s *Store) Candidates(ctx context.Context, l Lookup) (rows []Row, capped int, err error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, 0, fmt.Errorf("look up candidates: %w", err)
	}
	defer tx.Rollback()
	dict, err := s.shared.load(ctx, tx)
	if err != nil {
		return nil, 0, fmt.Errorf("look up candidates: %w", err)
	}
	ids := map[int64]bool{}
	// Keys go in batches: count each key's block, then read the blocks
	// within their limit, two statements per batch instead of one per key.
	limit := make(map[int64]int, len(l.Keys))
	for _, k := range l.Keys {
		limit[int64(k.Key)] = k.Limit
	}
	keys := make([]any, 0, len(limit))
	for k := range limit {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b any) int { return cmp.Compare(a.(int64), b.(int64)) })
	for len(keys) > 0 {
		batch := keys[:min(len(keys), keysPerLookup)]
		keys = keys[len(batch):]
		in := strings.Repeat(", ?", len(batch))[2:]
		var wanted []any
		err := each(ctx, tx, `SELECT key, count(*) FROM row_keys WHERE key IN (`+in+`) GROUP BY key`, func(rs *sql.Rows) error {
			var k int64
			var n int
			if err := rs.Scan(&k, &n); err != nil {
				return err
			}
			if n > limit[k] {
				capped++
			} else {
				wanted = append(wanted, k)
			}
			return nil
		}, batch...)
		if err != nil {
			return nil, 0, fmt.Errorf("look up candidates: %w", err)
		}
		if len(wanted) == 0 {
			continue
		}
		err = each(ctx, tx, `SELECT row FROM row_keys WHERE key IN (`+strings.Repeat(", ?", len(wanted))[2:]+`)`, func(rs *sql.Rows) error {
			var id int64
			if err := rs.Scan(&id); err != nil {
				return err
			}
			ids[id] = true
			return nil
		}, wanted...)
		if err != nil {
			return nil, 0, fmt.Errorf("look up candidates: %w", err)
		}
	}
	if l.Window > 0 {
		// Each sort key asks for its neighbours on both sides; many
		// keys go in one compound statement.
		var sorts []string
		for _, sk := range l.Sorts {
			if sk != "" {
				sorts = append(sorts, sk)
			}
		}
		const term = `SELECT * FROM (SELECT rowid FROM rows WHERE sort_key >= ? AND sort_key <> '' ORDER BY sort_key LIMIT ?)
			UNION ALL SELECT * FROM (SELECT rowid FROM rows WHERE sort_key < ? AND sort_key <> '' ORDER BY sort_key DESC LIMIT ?)`
		for len(sorts) > 0 {
			batch := sorts[:min(len(sorts), sortsPerLookup)]
			sorts = sorts[len(batch):]
			args := make([]any, 0, 4*len(batch))
			for _, sk := range batch {
				args = append(args, sk, l.Window-1, sk, l.Window-1)
			}
			query := strings.Repeat(term+"\nUNION ALL ", len(batch)-1) + term
			err := each(ctx, tx, query, func(rs *sql.Rows) error {
				var id int64
				if err := rs.Scan(&id); err != nil {
					return err
				}
				ids[id] = true
				return nil
			}, args...)
			if err != nil {
				return nil, 0, fmt.Errorf("look up neighbours: %w", err)
			}
		}
	}
	all := make([]any, 0, len(ids))
	for id := range ids {
		all = append(all, id)
	}
	err = inBatches(ctx, tx, `SELECT `+rowColumns+` FROM rows WHERE status IN ('kept', 'merged') AND rowid IN `, ``, nil, all,
		func(rs *sql.Rows) error {
			r, err := scanRow(rs, dict)
			if err != nil {
				return err
			}
			if !l.Exclude[r.Prov.File] {
				rows = append(rows, r)
			}
			return nil
		})
	if err != nil {
		return nil, 0, fmt.Errorf("read candidate rows: %w", err)
	}
	sortRows(rows)
	return rows, capped, nil
}

// RowsOfCustomers returns the rows of the customers ids (those whose
// CustomerID is one of them), in file, sheet and row order, leaving out the
// rows skip says the caller holds already (skip may be nil).
func (s *Store) RowsOfCustomers(ctx context.Context, ids []string, skip func(fp string) bool) ([]Row, error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("read rows of customers: %w", err)
	}
	defer tx.Rollback()
	dict, err := s.shared.load(ctx, tx)
	if err != nil {
		return nil, fmt.Errorf("read rows of customers: %w", err)
	}
	var out []Row
	err = inBatches(ctx, tx, `SELECT `+rowColumns+` FROM rows WHERE customer_id IN `, ``, nil, anys(ids), func(rs *sql.Rows) error {
		var r Row
		var data []byte
		if err := scanRowHead(rs, &r, &data); err != nil {
			return err
		}
		if skip != nil && skip(r.Fingerprint) {
			return nil
		}
		if err := decodeRow(data, &r, dict); err != nil {
			return err
		}
		out = append(out, r)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read rows of customers: %w", err)
	}
	sortRows(out)
	return out, nil
}

// Rows returns the stored rows with the fingerprints fps, by fingerprint;
// fingerprints the state does not hold are left out.
func (s *Store) Rows(ctx context.Context, fps []string) (map[string]Row, error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("read rows: %w", err)
	}
	defer tx.Rollback()
	dict, err := s.shared.load(ctx, tx)
	if err != nil {
		return nil, fmt.Errorf("read rows: %w", err)
	}
	out := make(map[string]Row, len(fps))
	err = inBatches(ctx, tx, `SELECT `+rowColumns+` FROM rows WHERE fingerprint IN `, ``, nil, anys(fps), func(rs *sql.Rows) error {
		r, err := scanRow(rs, dict)
		if err == nil {
			out[r.Fingerprint] = r
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read rows: %w", err)
	}
	return out, nil
}

// EachPair calls fn for every stored pair of kind (every pair when kind is
// ""), ordered by pair. fn must not use the store.
func (s *Store) EachPair(ctx context.Context, kind string, fn func(Pair) error) error {
	query := `SELECT a, b, kind, score, evidence, run_id FROM pairs`
	var args []any
	if kind != "" {
		query += ` WHERE kind = ?`
		args = append(args, kind)
	}
	err := each(ctx, s.db, query+` ORDER BY a, b`, func(rs *sql.Rows) error {
		var p Pair
		if err := rs.Scan(&p.A, &p.B, &p.Kind, &p.Score, &p.Evidence, &p.Run); err != nil {
			return err
		}
		return fn(p)
	}, args...)
	if err != nil {
		return fmt.Errorf("read pairs: %w", err)
	}
	return nil
}

// PairsOf returns the stored pairs of kind that involve one of the rows
// fps, each once, ordered by pair.
func (s *Store) PairsOf(ctx context.Context, kind string, fps []string) ([]Pair, error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("read pairs: %w", err)
	}
	defer tx.Rollback()
	seen := map[[2]string]bool{}
	var out []Pair
	for _, side := range []string{"a", "b"} {
		err := inBatches(ctx, tx, `SELECT a, b, kind, score, evidence, run_id FROM pairs WHERE kind = ? AND `+side+` IN `, ``,
			[]any{kind}, anys(fps), func(rs *sql.Rows) error {
				var p Pair
				if err := rs.Scan(&p.A, &p.B, &p.Kind, &p.Score, &p.Evidence, &p.Run); err != nil {
					return err
				}
				if k := [2]string{p.A, p.B}; !seen[k] {
					seen[k] = true
					out = append(out, p)
				}
				return nil
			})
		if err != nil {
			return nil, fmt.Errorf("read pairs: %w", err)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].A < out[j].A || out[i].A == out[j].A && out[i].B < out[j].B })
	return out, nil
}

// Setting returns the stored value of setting name, or nil.
func (s *Store) Setting(ctx context.Context, name string) ([]byte, error) {
	var v []byte
	err := s.db.QueryRowContext(ctx, `SELECT value FROM settings WHERE name = ?`, name).Scan(&v)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read setting %s: %w", name, err)
	}
	return v, nil
}

// SetSetting stores a small value for later runs outside a run (see
// Changes.Settings), replacing the one stored under name.
func (s *Store) SetSetting(ctx context.Context, name string, value []byte) error {
	if _, err := s.db.ExecContext(ctx, `INSERT INTO settings (name, value) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value`, name, nonNilBytes(value)); err != nil {
		return fmt.Errorf("store setting %s: %w", name, err)
	}
	return nil
}

// inBatches runs prefix + "(?, ?, …)" + suffix with the arguments head
// followed by values, many values at a time (keysPerLookup), calling fn
// for every result row.
func inBatches(ctx context.Context, q querier, prefix, suffix string, head, values []any, fn func(*sql.Rows) error) error {
	for len(values) > 0 {
		batch := values[:min(len(values), keysPerLookup)]
		values = values[len(batch):]
		query := prefix + "(" + strings.Repeat(", ?", len(batch))[2:] + ")" + suffix
		if err := each(ctx, q, query, fn, append(append([]any(nil), head...), batch...)...); err != nil {
			return err
		}
	}
	return nil
}

func anys[T any](xs []T) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

func sortRows(rows []Row) {
	// A Row is some 400 bytes, which a stable sort of the rows themselves
	// copied many times over (0.9 s of a 1 % re-run at a million rows):
	// sort their indexes, then move each row once.
	order := make([]int32, len(rows))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(a, b int32) int { return rows[a].Prov.Compare(rows[b].Prov) })
	sorted := make([]Row, len(rows))
	for i, j := range order {
		sorted[i] = rows[j]
	}
	copy(rows, sorted)
}

// packKeys stores blocking keys as 8 big-endian bytes each; nil for none.
func packKeys(keys []uint64) []byte {
	if len(keys) == 0 {
		return nil
	}
	b := make([]byte, 8*len(keys))
	for i, k := range keys {
		binary.BigEndian.PutUint64(b[8*i:], k)
	}
	return b
}

func unpackKeys(b []byte) []uint64 {
	keys := make([]uint64, len(b)/8)
	for i := range keys {
		keys[i] = binary.BigEndian.Uint64(b[8*i:])
	}
	return keys
}

func nonNilBytes(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

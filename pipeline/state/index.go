package state

import (
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"sort"
)

// Pair kinds.
const (
	PairLink   = "link"   // an automatic merge link between two rows of one customer
	PairReview = "review" // a doubtful pair left to a person
)

// Pair is a merge link or a doubtful pair found by a run, between two rows
// by fingerprint, with its score and evidence (JSON), so that later runs
// can list open review pairs and explain customers they did not rebuild.
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

// Candidates returns the stored kept and merged rows that l finds, each
// once, in file, sheet and row order, and how many keys were skipped as
// oversized.
func (s *Store) Candidates(ctx context.Context, l Lookup) (rows []Row, capped int, err error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, 0, fmt.Errorf("look up candidates: %w", err)
	}
	defer tx.Rollback()
	ids := map[int64]bool{}
	byKey, err := tx.PrepareContext(ctx, `SELECT row FROM row_keys WHERE key = ? LIMIT ?`)
	if err != nil {
		return nil, 0, err
	}
	defer byKey.Close()
	var found []int64
	for _, k := range l.Keys {
		found = found[:0]
		err := eachStmt(ctx, byKey, func(rs *sql.Rows) error {
			var id int64
			if err := rs.Scan(&id); err != nil {
				return err
			}
			found = append(found, id)
			return nil
		}, int64(k.Key), k.Limit+1)
		if err != nil {
			return nil, 0, fmt.Errorf("look up candidates: %w", err)
		}
		if len(found) > k.Limit {
			capped++
			continue
		}
		for _, id := range found {
			ids[id] = true
		}
	}
	if l.Window > 0 {
		after, err := tx.PrepareContext(ctx, `SELECT rowid FROM rows WHERE sort_key >= ? AND sort_key <> '' ORDER BY sort_key LIMIT ?`)
		if err != nil {
			return nil, 0, err
		}
		defer after.Close()
		before, err := tx.PrepareContext(ctx, `SELECT rowid FROM rows WHERE sort_key < ? AND sort_key <> '' ORDER BY sort_key DESC LIMIT ?`)
		if err != nil {
			return nil, 0, err
		}
		defer before.Close()
		for _, sk := range l.Sorts {
			if sk == "" {
				continue
			}
			for _, st := range []*sql.Stmt{after, before} {
				err := eachStmt(ctx, st, func(rs *sql.Rows) error {
					var id int64
					if err := rs.Scan(&id); err != nil {
						return err
					}
					ids[id] = true
					return nil
				}, sk, l.Window-1)
				if err != nil {
					return nil, 0, fmt.Errorf("look up neighbours: %w", err)
				}
			}
		}
	}
	byID, err := tx.PrepareContext(ctx, `SELECT `+rowColumns+` FROM rows WHERE rowid = ? AND status IN ('kept', 'merged')`)
	if err != nil {
		return nil, 0, err
	}
	defer byID.Close()
	for id := range ids {
		err := eachStmt(ctx, byID, func(rs *sql.Rows) error {
			r, err := scanRow(rs)
			if err != nil {
				return err
			}
			if !l.Exclude[r.Prov.File] {
				rows = append(rows, r)
			}
			return nil
		}, id)
		if err != nil {
			return nil, 0, fmt.Errorf("read candidate rows: %w", err)
		}
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
	st, err := tx.PrepareContext(ctx, `SELECT `+rowColumns+` FROM rows WHERE customer_id = ?`)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	var out []Row
	for _, id := range ids {
		err := eachStmt(ctx, st, func(rs *sql.Rows) error {
			var r Row
			var data []byte
			if err := scanRowHead(rs, &r, &data); err != nil {
				return err
			}
			if skip != nil && skip(r.Fingerprint) {
				return nil
			}
			if err := decodeRow(data, &r); err != nil {
				return err
			}
			out = append(out, r)
			return nil
		}, id)
		if err != nil {
			return nil, fmt.Errorf("read rows of customer %s: %w", id, err)
		}
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
	st, err := tx.PrepareContext(ctx, `SELECT `+rowColumns+` FROM rows WHERE fingerprint = ?`)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	out := make(map[string]Row, len(fps))
	for _, fp := range fps {
		err := eachStmt(ctx, st, func(rs *sql.Rows) error {
			r, err := scanRow(rs)
			if err == nil {
				out[r.Fingerprint] = r
			}
			return err
		}, fp)
		if err != nil {
			return nil, fmt.Errorf("read row %s: %w", fp, err)
		}
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
		st, err := tx.PrepareContext(ctx, `SELECT a, b, kind, score, evidence, run_id FROM pairs WHERE `+side+` = ? AND kind = ?`)
		if err != nil {
			return nil, err
		}
		for _, fp := range fps {
			err := eachStmt(ctx, st, func(rs *sql.Rows) error {
				var p Pair
				if err := rs.Scan(&p.A, &p.B, &p.Kind, &p.Score, &p.Evidence, &p.Run); err != nil {
					return err
				}
				if k := [2]string{p.A, p.B}; !seen[k] {
					seen[k] = true
					out = append(out, p)
				}
				return nil
			}, fp, kind)
			if err != nil {
				st.Close()
				return nil, fmt.Errorf("read pairs: %w", err)
			}
		}
		st.Close()
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

func eachStmt(ctx context.Context, st *sql.Stmt, fn func(*sql.Rows) error, args ...any) error {
	rs, err := st.QueryContext(ctx, args...)
	if err != nil {
		return err
	}
	defer rs.Close()
	for rs.Next() {
		if err := fn(rs); err != nil {
			return err
		}
	}
	return rs.Err()
}

func sortRows(rows []Row) {
	sort.Slice(rows, func(i, j int) bool {
		a, b := rows[i].Prov, rows[j].Prov
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Sheet != b.Sheet {
			return a.Sheet < b.Sheet
		}
		return a.Row < b.Row
	})
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

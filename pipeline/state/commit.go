package state

import (
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Changes is what one run changes in the state.
type Changes struct {
	// Base is Snapshot.Base of the state the run started from; Commit
	// refuses with ErrConcurrentRun when another run committed since.
	Base      int64
	Files     []File     // input files read (or found unchanged) by the run
	GoneFiles []string   // files no longer among the inputs: their rows go too
	Rows      []Row      // new and changed rows, upserted by fingerprint
	GoneRows  []string   // fingerprints of rows no longer in their file
	Customers []Customer // new and changed customers, upserted by id
	Decisions []Decision // decisions read from a review file during the run
	// Pairs are the merge links and doubtful pairs the run found, upserted
	// by pair; pairs of rows that are gone are forgotten. ResetPairs
	// forgets every stored pair first (a run that matched every row).
	Pairs      []Pair
	ResetPairs bool
	// Settings are small values kept for later runs, upserted by name.
	Settings map[string][]byte
}

// failpoint, when set by a test, is called between Commit's steps; an
// error (or panic) from it aborts the commit at that step.
var failpoint func(step string) error

// commitSteps are the points where failpoint is called, in order.
var commitSteps = []string{"begin", "files", "rows", "customers", "decisions", "pairs", "settings", "runlog", "commit"}

func step(name string) error {
	if failpoint == nil {
		return nil
	}
	if err := failpoint(name); err != nil {
		return fmt.Errorf("failpoint %s: %w", name, err)
	}
	return nil
}

// Commit stores a run's changes and its log entry in one transaction and
// returns the run's id. Customers merged into another (MergedInto set) are
// recorded in the audit trail, and every customer id is remembered so that
// it is never issued again. Either all of it is stored or none.
func (s *Store) Commit(ctx context.Context, run RunRecord, ch Changes) (runID int64, err error) {
	return s.CommitWhen(ctx, run, ch, nil)
}

// CommitWhen is Commit with the transaction's end held until ready
// returns: the changes are stored while the caller does other work (a
// run writes its outputs), and committed only when ready returns nil,
// rolled back when it returns an error, which CommitWhen returns as it
// is. The run's log entry is written after ready, and takes its end time
// then when run.Ended is zero. A nil ready commits at once.
func (s *Store) CommitWhen(ctx context.Context, run RunRecord, ch Changes, ready func() error) (runID int64, err error) {
	if err := validate(&ch); err != nil {
		return 0, fmt.Errorf("commit run: %w", err)
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return 0, fmt.Errorf("commit run: %w", err)
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("commit run: %w", err)
	}
	defer tx.Rollback()
	if err := step("begin"); err != nil {
		return 0, fmt.Errorf("commit run: %w", err)
	}
	var base int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM runs WHERE kind IN ('run', 'purge')`).Scan(&base); err != nil {
		return 0, fmt.Errorf("commit run: %w", err)
	}
	if base != ch.Base {
		return 0, fmt.Errorf("commit run: %w (it read run %d, the file now holds run %d); run again", ErrConcurrentRun, ch.Base, base)
	}
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) + 1 FROM runs`).Scan(&runID); err != nil {
		return 0, fmt.Errorf("commit run: %w", err)
	}
	dict, err := s.shared.load(ctx, tx)
	if err != nil {
		return 0, fmt.Errorf("commit run: %w", err)
	}
	c := committer{ctx: ctx, tx: tx, conn: conn, run: runID, ids: newStringIDs(dict)}
	c.w.ids = c.ids
	for _, f := range []func(*Changes) error{c.files, c.rows, c.customers, c.decisions, c.pairs, c.settings} {
		if err := f(&ch); err != nil {
			return 0, fmt.Errorf("commit run %d: %w", runID, err)
		}
	}
	if ready != nil {
		if err := ready(); err != nil {
			return 0, err
		}
	}
	run.ID, run.Kind, run.Published = runID, KindRun, false
	run.Counts = withDecisionCounts(run.Counts, ch.Decisions)
	if err := c.logRun(run); err != nil {
		return 0, fmt.Errorf("commit run %d: %w", runID, err)
	}
	if err := step("runlog"); err != nil {
		return 0, fmt.Errorf("commit run %d: %w", runID, err)
	}
	if err := step("commit"); err != nil {
		return 0, fmt.Errorf("commit run %d: %w", runID, err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("commit run %d: %w", runID, err)
	}
	return runID, nil
}

func validate(ch *Changes) error {
	ch.Decisions = append([]Decision(nil), ch.Decisions...) // ordered below; the caller's stay as given
	for i := range ch.Decisions {
		if err := normalizeDecision(&ch.Decisions[i]); err != nil {
			return err
		}
	}
	for _, c := range ch.Customers {
		if c.ID == "" {
			return errors.New("a customer has no id")
		}
		if c.MergedInto == c.ID {
			return fmt.Errorf("customer %s is merged into itself", c.ID)
		}
	}
	for _, r := range ch.Rows {
		if r.Fingerprint == "" {
			return fmt.Errorf("%s: row has no fingerprint", r.Prov)
		}
	}
	return nil
}

// withDecisionCounts adds the decisions a run recorded to its counts, as
// "decisions.merge" and "decisions.keep", for the audit trail: the
// decisions themselves go with a purge, the counts stay.
func withDecisionCounts(counts map[string]int, ds []Decision) map[string]int {
	if len(ds) == 0 {
		return counts
	}
	out := make(map[string]int, len(counts)+2)
	for k, v := range counts {
		out[k] = v
	}
	for _, d := range ds {
		out["decisions."+d.Verdict]++
	}
	return out
}

// committer writes the steps of one Commit.
type committer struct {
	ctx  context.Context
	tx   *sql.Tx
	conn *sql.Conn // the connection of tx, for batchStmt (nil: through tx only)
	run  int64
	ids  *stringIDs // shared strings of the payloads written (nil: none)
	w    rowWriter  // writes the payloads, with ids
}

func (c *committer) files(ch *Changes) error {
	del, err := c.tx.PrepareContext(c.ctx, `DELETE FROM files WHERE rel = ?`)
	if err != nil {
		return err
	}
	defer del.Close()
	for _, rel := range ch.GoneFiles {
		if _, err := del.ExecContext(c.ctx, rel); err != nil {
			return fmt.Errorf("forget file %s: %w", rel, err)
		}
		if err := c.forgetRows(`file = ?`, rel); err != nil {
			return fmt.Errorf("forget rows of file %s: %w", rel, err)
		}
	}
	up, err := c.tx.PrepareContext(c.ctx, `INSERT INTO files (rel, hash, rows, run_id) VALUES (?, ?, ?, ?)
		ON CONFLICT (rel) DO UPDATE SET hash = excluded.hash, rows = excluded.rows, run_id = excluded.run_id`)
	if err != nil {
		return err
	}
	defer up.Close()
	for _, f := range ch.Files {
		if _, err := up.ExecContext(c.ctx, f.Rel, f.Hash, f.Rows, c.run); err != nil {
			return fmt.Errorf("store file %s: %w", f.Rel, err)
		}
	}
	return step("files")
}

// forgetRows deletes the rows matching where, with their keys and pairs.
func (c *committer) forgetRows(where string, args ...any) error {
	type gone struct {
		id   int64
		fp   string
		keys []byte
	}
	var rows []gone
	err := each(c.ctx, c.tx, `SELECT rowid, fingerprint, keys FROM rows WHERE `+where, func(rs *sql.Rows) error {
		var g gone
		if err := rs.Scan(&g.id, &g.fp, &g.keys); err != nil {
			return err
		}
		rows = append(rows, g)
		return nil
	}, args...)
	if err != nil || len(rows) == 0 {
		return err
	}
	for _, g := range rows {
		if err := c.dropKeys(g.id, g.keys); err != nil {
			return err
		}
		if _, err := c.tx.ExecContext(c.ctx, `DELETE FROM pairs WHERE a = ? OR b = ?`, g.fp, g.fp); err != nil {
			return err
		}
	}
	_, err = c.tx.ExecContext(c.ctx, `DELETE FROM rows WHERE `+where, args...)
	return err
}

// keyRow is one entry of the blocking-key index.
type keyRow struct{ key, row int64 }

// addKeys inserts index entries in key order, many per statement: a
// million rows' ten million entries go in as appends to the B-tree, not
// as random inserts.
func (c *committer) addKeys(index []keyRow) error {
	slices.SortFunc(index, func(a, b keyRow) int { return cmp.Or(cmp.Compare(a.key, b.key), cmp.Compare(a.row, b.row)) })
	return c.insertMany(`INSERT OR IGNORE INTO row_keys (key, row) VALUES `, `(?, ?)`, ``, len(index),
		func(args []any, i int) []any { return append(args, index[i].key, index[i].row) })
}

// dropKeys deletes the index entries of the row with rowid id.
func (c *committer) dropKeys(id int64, packed []byte) error {
	for _, k := range unpackKeys(packed) {
		if _, err := c.tx.ExecContext(c.ctx, `DELETE FROM row_keys WHERE key = ? AND row = ?`, int64(k), id); err != nil {
			return err
		}
	}
	return nil
}

// bulkRows is how many rows into an empty table make a bulk load.
var bulkRows = 10_000 // a variable so that tests compare both ways of loading

// rowIndexes are the secondary indexes of the rows table, as the
// migrations create them.
var rowIndexes = []struct{ name, create string }{
	{"rows_by_position", `CREATE INDEX rows_by_position ON rows(file, sheet, row)`},
	{"rows_by_customer", `CREATE INDEX rows_by_customer ON rows(customer_id)`},
	{"rows_by_sort_key", `CREATE INDEX rows_by_sort_key ON rows(sort_key) WHERE sort_key <> ''`},
}

func (c *committer) rows(ch *Changes) error {
	for _, fp := range ch.GoneRows {
		if err := c.forgetRows(`fingerprint = ?`, fp); err != nil {
			return fmt.Errorf("forget row %s: %w", fp, err)
		}
	}
	// On a first run the table is empty: no row has keys to replace, and
	// a big load goes faster with the secondary indexes built afterwards
	// (by sorting) than kept up row by row, and with the rows in key order.
	var empty bool
	if err := c.tx.QueryRowContext(c.ctx, `SELECT NOT EXISTS (SELECT 1 FROM rows)`).Scan(&empty); err != nil {
		return err
	}
	var err error
	if empty && len(ch.Rows) >= bulkRows {
		err = c.bulkRows(ch.Rows)
	} else {
		err = c.upsertRows(ch.Rows, empty)
	}
	if err != nil {
		return err
	}
	if err := c.ids.flush(c); err != nil {
		return fmt.Errorf("store shared strings: %w", err)
	}
	return step("rows")
}

// insertColumns are the columns a row is inserted with, in the order of
// rowArgs.
const insertColumns = `(fingerprint, file, sheet, row, status, customer_id, content_hash, data, first_run, last_run, keys, sort_key)`

// rowArgs appends the values of insertColumns for r, its payload encoded
// into buf; it returns both.
func (c *committer) rowArgs(args []any, buf []byte, r *Row) ([]any, []byte) {
	start := len(buf)
	buf = c.w.row(buf, r)
	return append(args, r.Fingerprint, r.Prov.File, r.Prov.Sheet, r.Prov.Row, string(r.Status),
		nullable(r.CustomerID), packHash(r.ContentHash), buf[start:len(buf):len(buf)], c.run, c.run, packKeys(r.Keys), r.SortKey), buf
}

// upsertRows stores rows one by one, replacing the stored rows of the same
// fingerprint and, for rows given Indexed, their keys; empty says the
// table held no row before.
func (c *committer) upsertRows(rows []Row, empty bool) error {
	const insert = `INSERT INTO rows ` + insertColumns + `
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (fingerprint) DO UPDATE SET file = excluded.file, sheet = excluded.sheet, row = excluded.row,
			status = excluded.status, customer_id = excluded.customer_id, content_hash = excluded.content_hash,
			data = excluded.data, last_run = excluded.last_run`
	up, err := c.tx.PrepareContext(c.ctx, insert+` RETURNING rowid`)
	if err != nil {
		return err
	}
	defer up.Close()
	upIndexed, err := c.tx.PrepareContext(c.ctx, insert+`, keys = excluded.keys, sort_key = excluded.sort_key RETURNING rowid`)
	if err != nil {
		return err
	}
	defer upIndexed.Close()
	old, err := c.tx.PrepareContext(c.ctx, `SELECT rowid, keys FROM rows WHERE fingerprint = ?`)
	if err != nil {
		return err
	}
	defer old.Close()
	var index []keyRow // index entries to add, sorted before inserting
	var args []any
	var buf []byte
	given := twice(rows)
	for i := range rows {
		r := &rows[i]
		if k, ok := given[r.Fingerprint]; ok {
			if k.last != i {
				continue
			}
			if k.keyed >= 0 && k.keyed != i {
				cp := *r
				cp.Indexed, cp.Keys, cp.SortKey = true, rows[k.keyed].Keys, rows[k.keyed].SortKey
				r = &cp
			}
		}
		stmt := up
		if r.Indexed {
			stmt = upIndexed
			if !empty {
				var id int64
				var keys []byte
				switch err := old.QueryRowContext(c.ctx, r.Fingerprint).Scan(&id, &keys); {
				case errors.Is(err, sql.ErrNoRows):
				case err != nil:
					return fmt.Errorf("%s: read row: %w", r.Prov, err)
				default:
					if err := c.dropKeys(id, keys); err != nil {
						return fmt.Errorf("%s: replace keys: %w", r.Prov, err)
					}
				}
			}
		}
		args, buf = c.rowArgs(args[:0], buf[:0], r)
		var id int64
		if err := stmt.QueryRowContext(c.ctx, args...).Scan(&id); err != nil {
			return fmt.Errorf("%s: store row: %w", r.Prov, err)
		}
		if r.Indexed {
			for _, k := range r.Keys {
				index = append(index, keyRow{int64(k), id})
			}
		}
	}
	if err := c.addKeys(index); err != nil {
		return fmt.Errorf("store blocking keys: %w", err)
	}
	return nil
}

// given says, of a fingerprint given more than once in one commit, which
// occurrence stands (the last) and which last came with keys (-1: none):
// the row is stored once, as given last, with those keys.
type given struct{ last, keyed int }

// twice finds the fingerprints given more than once among rows.
func twice(rows []Row) map[string]given {
	order := make([]int32, len(rows))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(a, b int32) int { return strings.Compare(rows[a].Fingerprint, rows[b].Fingerprint) })
	var out map[string]given
	for i := 1; i < len(order); i++ {
		fp := rows[order[i]].Fingerprint
		if fp != rows[order[i-1]].Fingerprint {
			continue
		}
		if out == nil {
			out = map[string]given{}
		}
		g, ok := out[fp]
		if !ok {
			g = given{last: int(order[i-1]), keyed: -1}
			if rows[g.last].Indexed {
				g.keyed = g.last
			}
		}
		g.last = int(order[i])
		if rows[g.last].Indexed {
			g.keyed = g.last
		}
		out[fp] = g
	}
	return out
}

// rowsPerInsert is how many rows one INSERT statement of a bulk load
// carries.
const rowsPerInsert = 64

// bulkRows loads rows into the empty rows table: in fingerprint order,
// many per statement, with rowids given (1, 2, … in that order) rather
// than read back row by row, and the secondary indexes dropped during the
// load and built afterwards. A fingerprint given twice is stored as given
// last, as upsertRows would.
func (c *committer) bulkRows(rows []Row) error {
	for _, ix := range rowIndexes { // the transaction brings the indexes back if it fails
		if _, err := c.tx.ExecContext(c.ctx, `DROP INDEX `+ix.name); err != nil {
			return fmt.Errorf("bulk load: %w", err)
		}
	}
	// Entries left by rows deleted some other way would name rowids given
	// again below.
	if _, err := c.tx.ExecContext(c.ctx, `DELETE FROM row_keys`); err != nil {
		return fmt.Errorf("bulk load: %w", err)
	}
	order := make([]int32, len(rows))
	nkeys := 0
	for i := range order {
		order[i] = int32(i)
		if rows[i].Indexed {
			nkeys += len(rows[i].Keys)
		}
	}
	slices.SortStableFunc(order, func(a, b int32) int { return strings.Compare(rows[a].Fingerprint, rows[b].Fingerprint) })
	index := make([]keyRow, 0, nkeys)
	var full *batchStmt
	defer func() { full.Close() }()
	fill := func(next func() (*batch, bool), send func(*batch) bool) {
		var id int64
		for len(order) > 0 {
			b, ok := next()
			if !ok {
				return
			}
			for len(order) > 0 && b.n < rowsPerInsert {
				r := &rows[order[0]]
				order = order[1:]
				keyed := r
				for len(order) > 0 && rows[order[0]].Fingerprint == r.Fingerprint {
					if r = &rows[order[0]]; r.Indexed {
						keyed = r
					}
					order = order[1:]
				}
				if !keyed.Indexed {
					keyed = r
				}
				id++
				b.args = append(b.args, id)
				k := *r
				k.Keys, k.SortKey = keyed.Keys, keyed.SortKey
				b.args, b.buf = c.rowArgs(b.args, b.buf, &k)
				if keyed.Indexed {
					for _, key := range keyed.Keys {
						index = append(index, keyRow{int64(key), id})
					}
				}
				b.n++
			}
			if !send(b) {
				return
			}
		}
	}
	insert := func(n int) string {
		return `INSERT INTO rows (rowid, ` + insertColumns[1:] + ` VALUES ` +
			strings.Repeat(`, (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, n)[2:]
	}
	fullInsert := insert(rowsPerInsert)
	err := overlapped(fill, func(b *batch) error {
		query := fullInsert
		if b.n < rowsPerInsert {
			query = insert(b.n)
		}
		return c.execBatch(&full, b.n == rowsPerInsert, query, b.args)
	})
	if err != nil {
		return fmt.Errorf("bulk load: store rows: %w", err)
	}
	if err := c.addKeys(index); err != nil {
		return fmt.Errorf("store blocking keys: %w", err)
	}
	for _, ix := range rowIndexes {
		if _, err := c.tx.ExecContext(c.ctx, ix.create); err != nil {
			return fmt.Errorf("bulk load: %w", err)
		}
	}
	return nil
}

func (c *committer) customers(ch *Changes) error {
	// In id order, as the primary key, the issued ids and the index of
	// rows by customer (which each new customer's deferred foreign key
	// looks up) are ordered: a first run's customers go in as appends.
	// A customer given twice is stored as given last.
	cs := slices.Clone(ch.Customers)
	slices.SortStableFunc(cs, func(a, b Customer) int { return strings.Compare(a.ID, b.ID) })
	cs = lastOfRuns(cs, func(a, b Customer) bool { return a.ID == b.ID })
	err := c.insertMany(`INSERT INTO customers (id, golden, golden_hash, merged_into, retired, first_run, last_run) VALUES `,
		`(?, ?, ?, ?, ?, ?, ?)`, ` ON CONFLICT (id) DO UPDATE SET golden = excluded.golden, golden_hash = excluded.golden_hash,
			merged_into = excluded.merged_into, retired = excluded.retired, last_run = excluded.last_run`,
		len(cs), func(args []any, i int) []any {
			cu := &cs[i]
			golden := cu.Golden
			if golden != nil {
				golden = packGolden(&c.w, compactGolden(golden))
			}
			return append(args, cu.ID, golden, GoldenHash(cu.Golden), nullable(cu.MergedInto),
				cu.Retired || cu.MergedInto != "", c.run, c.run)
		})
	if err != nil {
		return fmt.Errorf("store customers: %w", err)
	}
	if err := c.ids.flush(c); err != nil {
		return fmt.Errorf("store shared strings: %w", err)
	}
	err = c.insertMany(`INSERT OR IGNORE INTO issued (id, first_run) VALUES `, `(?, ?)`, ``,
		len(cs), func(args []any, i int) []any { return append(args, cs[i].ID, c.run) })
	if err != nil {
		return fmt.Errorf("store customer ids: %w", err)
	}
	var merged []Customer
	for _, cu := range cs {
		if cu.MergedInto != "" {
			merged = append(merged, cu)
		}
	}
	err = c.insertMany(`INSERT OR REPLACE INTO merges (run_id, from_id, into_id) VALUES `, `(?, ?, ?)`, ``,
		len(merged), func(args []any, i int) []any { return append(args, c.run, merged[i].ID, merged[i].MergedInto) })
	if err != nil {
		return fmt.Errorf("record merges: %w", err)
	}
	return step("customers")
}

// lastOfRuns keeps, of each run of neighbours that same says are equal,
// the last.
func lastOfRuns[T any](s []T, same func(a, b T) bool) []T {
	out := s[:0]
	for i := range s {
		if i+1 < len(s) && same(s[i], s[i+1]) {
			continue
		}
		out = append(out, s[i])
	}
	return out
}

// argsPerInsert bounds the values one statement of insertMany carries
// (SQLite allows 32766).
const argsPerInsert = 1000

// insertMany inserts n rows many per statement: head, then tuple once per
// row joined by commas, then tail; add appends the values of row i.
func (c *committer) insertMany(head, tuple, tail string, n int, add func(args []any, i int) []any) error {
	if n == 0 {
		return nil
	}
	width := strings.Count(tuple, "?")
	per := max(1, argsPerInsert/width)
	var full *batchStmt
	defer func() { full.Close() }()
	fill := func(next func() (*batch, bool), send func(*batch) bool) {
		for i := 0; i < n; {
			b, ok := next()
			if !ok {
				return
			}
			b.n = min(n-i, per)
			for j := i; j < i+b.n; j++ {
				b.args = add(b.args, j)
			}
			i += b.n
			if !send(b) {
				return
			}
		}
	}
	fullQuery := head + strings.Repeat(", "+tuple, per)[2:] + tail
	return overlapped(fill, func(b *batch) error {
		query := fullQuery
		if b.n < per {
			query = head + strings.Repeat(", "+tuple, b.n)[2:] + tail
		}
		return c.execBatch(&full, b.n == per, query, b.args)
	})
}

// execBatch runs one statement of a batched insert. Full batches all have
// the same query, prepared once into *full (the caller closes it); the
// last, shorter one runs as it is.
func (c *committer) execBatch(full **batchStmt, isFull bool, query string, args []any) error {
	if !isFull {
		_, err := c.tx.ExecContext(c.ctx, query, args...)
		return err
	}
	if *full == nil {
		*full = &batchStmt{c: c}
	}
	return (*full).exec(query, args)
}

// batchStmt is the statement of a batched insert's full batches. Inside
// Commit it is prepared on the driver's connection and run with the
// arguments handed over as they are: database/sql would convert every
// argument into a new slice on every statement, a third of what a first
// run's save allocated (300 MB at 200k rows), which the collector then
// had to chase through the run's whole heap. Elsewhere (no connection
// held) it is an ordinary prepared statement. TestCommitRawEqualsTx holds
// both ways equal.
type batchStmt struct {
	c    *committer
	tx   *sql.Stmt
	raw  driver.Stmt
	args []driver.NamedValue
}

func (b *batchStmt) exec(query string, args []any) error {
	c := b.c
	if c.conn == nil || !rawBatches {
		if b.tx == nil {
			stmt, err := c.tx.PrepareContext(c.ctx, query)
			if err != nil {
				return err
			}
			b.tx = stmt
		}
		_, err := b.tx.ExecContext(c.ctx, args...)
		return err
	}
	return c.conn.Raw(func(dc any) error {
		if b.raw == nil {
			prep, ok := dc.(driver.ConnPrepareContext)
			if !ok {
				return fmt.Errorf("sqlite driver: %T cannot prepare with a context", dc)
			}
			stmt, err := prep.PrepareContext(c.ctx, query)
			if err != nil {
				return err
			}
			b.raw = stmt
		}
		nv := b.args[:0]
		for i, a := range args {
			switch v := a.(type) {
			case int:
				a = int64(v)
			case string, []byte, int64, float64, bool, nil:
			default:
				return fmt.Errorf("batched insert: argument %d is a %T", i+1, a)
			}
			nv = append(nv, driver.NamedValue{Ordinal: i + 1, Value: a})
		}
		b.args = nv
		stmt, ok := b.raw.(driver.StmtExecContext)
		if !ok {
			return fmt.Errorf("sqlite driver: %T cannot execute with a context", b.raw)
		}
		_, err := stmt.ExecContext(c.ctx, nv)
		clear(nv) // hold no row's values past its statement
		return err
	})
}

// rawBatches says whether Commit runs full batches on the driver's
// statement; a variable so that tests compare both ways.
var rawBatches = true

// Close closes the statement (nil: none prepared).
func (b *batchStmt) Close() error {
	switch {
	case b == nil:
		return nil
	case b.tx != nil:
		return b.tx.Close()
	case b.raw != nil:
		return b.c.conn.Raw(func(any) error { return b.raw.Close() })
	}
	return nil
}

func (c *committer) decisions(ch *Changes) error {
	if err := putDecisions(c.ctx, c.tx, c.run, ch.Decisions); err != nil {
		return err
	}
	return step("decisions")
}

func (c *committer) pairs(ch *Changes) error {
	if ch.ResetPairs {
		if _, err := c.tx.ExecContext(c.ctx, `DELETE FROM pairs`); err != nil {
			return fmt.Errorf("forget pairs: %w", err)
		}
	}
	// A run's pairs are many (every link of a first run): many per statement.
	const upsert = ` ON CONFLICT (a, b) DO UPDATE SET kind = excluded.kind, score = excluded.score,
		evidence = excluded.evidence, run_id = excluded.run_id`
	// A pair given twice is stored as given last.
	last := make(map[[2]string]int, len(ch.Pairs))
	pairs := make([]Pair, 0, len(ch.Pairs))
	for _, p := range ch.Pairs {
		if p.B < p.A {
			p.A, p.B = p.B, p.A
		}
		k := [2]string{p.A, p.B}
		if i, ok := last[k]; ok {
			pairs[i] = p
			continue
		}
		last[k] = len(pairs)
		pairs = append(pairs, p)
	}
	// In key order: a first run's links go in as appends to the table.
	slices.SortFunc(pairs, func(x, y Pair) int { return cmp.Or(strings.Compare(x.A, y.A), strings.Compare(x.B, y.B)) })
	err := c.insertMany(`INSERT INTO pairs (a, b, kind, score, evidence, run_id) VALUES `, `(?, ?, ?, ?, ?, ?)`, upsert,
		len(pairs), func(args []any, i int) []any {
			p := &pairs[i]
			return append(args, p.A, p.B, p.Kind, p.Score, nonNilBytes(p.Evidence), c.run)
		})
	if err != nil {
		return fmt.Errorf("store pairs: %w", err)
	}
	return step("pairs")
}

func (c *committer) settings(ch *Changes) error {
	for name, v := range ch.Settings {
		if _, err := c.tx.ExecContext(c.ctx, `INSERT INTO settings (name, value) VALUES (?, ?)
			ON CONFLICT (name) DO UPDATE SET value = excluded.value`, name, nonNilBytes(v)); err != nil {
			return fmt.Errorf("store setting %s: %w", name, err)
		}
	}
	return step("settings")
}

func (c *committer) logRun(run RunRecord) error {
	inputs, err := json.Marshal(nonNil(run.Inputs))
	if err != nil {
		return err
	}
	counts, err := json.Marshal(run.Counts)
	if err != nil {
		return err
	}
	if run.Counts == nil {
		counts = []byte("{}")
	}
	if run.Started.IsZero() {
		run.Started = time.Now()
	}
	if run.Ended.IsZero() {
		run.Ended = time.Now()
	}
	_, err = c.tx.ExecContext(c.ctx, `INSERT INTO runs (id, kind, started, ended, inputs, out, rules_hash, counts, published)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, run.ID, run.Kind, formatTime(run.Started), formatTime(run.Ended),
		string(inputs), run.Out, run.RulesHash, string(counts), run.Published)
	if err != nil {
		return fmt.Errorf("write run log: %w", err)
	}
	return nil
}

// MarkPublished records that the outputs of run runID are in place.
func (s *Store) MarkPublished(ctx context.Context, runID int64) error {
	res, err := s.db.ExecContext(ctx, `UPDATE runs SET published = 1 WHERE id = ? AND kind = 'run'`, runID)
	if err != nil {
		return fmt.Errorf("mark run %d published: %w", runID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("mark run %d published: no such run in %s", runID, s.path)
	}
	return nil
}

// Unpublished returns the latest run when it committed but its outputs
// never appeared (the process died between Commit and MarkPublished), or
// nil. The caller rebuilds that run's outputs from the state, publishes them
// to its Out folder and calls MarkPublished.
func (s *Store) Unpublished(ctx context.Context) (*RunRecord, error) {
	runs, err := runs(ctx, s.db, `WHERE kind = 'run' ORDER BY id DESC LIMIT 1`)
	if err != nil {
		return nil, fmt.Errorf("find unpublished run: %w", err)
	}
	if len(runs) == 0 || runs[0].Published {
		return nil, nil
	}
	return &runs[0], nil
}

// Audit returns the whole run log, oldest first: runs, decisions recorded
// and purges. It holds no personal data.
func (s *Store) Audit(ctx context.Context) ([]RunRecord, error) {
	runs, err := runs(ctx, s.db, `ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("read run log: %w", err)
	}
	return runs, nil
}

// Merges returns every merge of one customer into another, oldest first.
func (s *Store) Merges(ctx context.Context) ([]MergeRecord, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT run_id, from_id, into_id FROM merges ORDER BY run_id, from_id`)
	if err != nil {
		return nil, fmt.Errorf("read merges: %w", err)
	}
	defer rows.Close()
	var out []MergeRecord
	for rows.Next() {
		var m MergeRecord
		if err := rows.Scan(&m.Run, &m.From, &m.Into); err != nil {
			return nil, fmt.Errorf("read merges: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

func runs(ctx context.Context, q querier, where string) ([]RunRecord, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, kind, started, ended, inputs, out, rules_hash, counts, published FROM runs `+where)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []RunRecord
	for rows.Next() {
		var r RunRecord
		var started, ended, inputs, counts string
		if err := rows.Scan(&r.ID, &r.Kind, &started, &ended, &inputs, &r.Out, &r.RulesHash, &counts, &r.Published); err != nil {
			return nil, err
		}
		r.Started, r.Ended = parseTime(started), parseTime(ended)
		if err := json.Unmarshal([]byte(inputs), &r.Inputs); err != nil {
			return nil, fmt.Errorf("run %d: damaged inputs: %w", r.ID, err)
		}
		if err := json.Unmarshal([]byte(counts), &r.Counts); err != nil {
			return nil, fmt.Errorf("run %d: damaged counts: %w", r.ID, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// GoldenHash is the hash Commit stores beside a golden record: a later run
// compares it to tell "updated" from "unchanged" customers.
func GoldenHash(golden []byte) string {
	if golden == nil {
		return ""
	}
	sum := sha256.Sum256(golden)
	return hex.EncodeToString(sum[:16])
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

const timeLayout = time.RFC3339Nano

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseTime(s string) time.Time {
	t, _ := time.Parse(timeLayout, s)
	return t
}

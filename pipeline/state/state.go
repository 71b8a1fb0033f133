// Package state is crmclean's state store for incremental runs: a SQLite
// file (given with --state) that remembers the input files, every source row
// by fingerprint, the golden customers with their stable ids, review
// decisions, and a run log that doubles as an audit trail.
//
// A run reads the previous state (Previous, EachRow), computes its changes,
// commits them in one transaction (Commit), then publishes its outputs and
// marks the run published (MarkPublished). A run killed at any point leaves
// the previous state intact; a run that committed but whose outputs never
// appeared is found by Unpublished so the next invocation can republish it.
//
// Sensitive values (record values of field "sensitive") never reach the
// file in clear, and Purge deletes the personal data when an engagement ends.
//
// An incremental run (pipeline.Run), step by step:
//
//  1. Open the store; if Unpublished returns a run, rebuild its outputs from
//     the store (EachRow, EachPair, RunChanges), publish them to its Out
//     folder and MarkPublished it before doing anything else.
//  2. Previous gives the snapshot. When Snapshot.Last.RulesHash differs from
//     the rules of this run, or the match settings (Setting) are missing or
//     stale, the run reads, cleans and matches every row again.
//  3. For each input, HashFile; a file whose hash equals Files[rel].Hash is
//     not read. In a changed file, a row whose fingerprint and ContentHash
//     match a stored row takes the stored cleaned values instead of being
//     cleaned again.
//  4. Candidates finds the stored rows that share a blocking key with the
//     new rows, or sort near them; RowsOfCustomers reads the customers they
//     may join. Those rows and the new ones are matched, honouring
//     Snapshot.Decisions (keyed by PairKey of fingerprints).
//  5. For each cluster, in order of merge.ID, Resolve(merge.ID(rows), the
//     stored CustomerIDs of its rows) gives the customer id: earlier ids are
//     kept, the Survivor wins when customers merge, ids are never reused.
//  6. Commit the changes: Files read, GoneFiles, new or changed Rows (with
//     their blocking keys), GoneRows, the Pairs found, and only the
//     Customers created or changed (golden record JSON; merged ones with
//     MergedInto, vanished ones Retired), with Base = Snapshot.Base.
//     Customers whose GoldenHash is unchanged are not sent: RunChanges
//     relies on it.
//  7. Publish the outputs (changes.csv), then MarkPublished.
package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver: pure Go, no cgo
)

// Errors callers can test with errors.Is.
var (
	// ErrNewerSchema: the file was written by a newer crmclean.
	ErrNewerSchema = errors.New("state file was written by a newer crmclean")
	// ErrNotState: the file is not a crmclean state file.
	ErrNotState = errors.New("not a crmclean state file")
	// ErrConcurrentRun: another run committed since this run read the state.
	ErrConcurrentRun = errors.New("another run changed the state file since this run read it")
)

// busyTimeout is how long a writer waits for another process's lock.
const busyTimeout = 10 * time.Second

// Store is an open state file. It is safe for concurrent use.
type Store struct {
	db     *sql.DB
	path   string
	shared sharedStrings
}

// Open opens the state file at path, creating it readable and writable by
// its owner only (0600) when missing, and brings its schema up to date. It
// refuses a file written by a newer crmclean (ErrNewerSchema), a SQLite
// file that is not a state file, and an empty file (ErrNotState): a state
// file is never empty, as a new one is made whole beside its path and then
// linked into place, so an empty one was truncated or replaced, and taking
// it for a new state would give every customer a new id.
func Open(ctx context.Context, path string) (*Store, error) {
	switch st, err := os.Stat(path); {
	case errors.Is(err, os.ErrNotExist):
		if err := create(ctx, path); err != nil {
			return nil, fmt.Errorf("create state file %s: %w", path, err)
		}
	case err != nil:
		return nil, fmt.Errorf("open state file %s: %w", path, err)
	case st.IsDir():
		return nil, fmt.Errorf("open state file %s: %w: it is a folder", path, ErrNotState)
	case st.Size() == 0:
		return nil, fmt.Errorf("open state file %s: %w: the file is empty (0 bytes), so it was truncated or replaced; "+
			"restore it from a backup, or delete it to start a new state (every customer gets a new id)", path, ErrNotState)
	}
	s, err := open(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("open state file %s: %w", path, err)
	}
	// SQLite creates -wal and -shm with the database file's mode; make sure.
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, 0o600); err != nil && !errors.Is(err, os.ErrNotExist) {
			s.db.Close()
			return nil, fmt.Errorf("open state file %s: restrict permissions: %w", path, err)
		}
	}
	return s, nil
}

// open opens the SQLite file at path and brings its schema up to date.
func open(ctx context.Context, path string) (*Store, error) {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "cache_size(-131072)") // 128 MiB: a first run inserts a million rows into several indexes
	q.Add("_pragma", "temp_store(MEMORY)")  // statement journals of big upserts
	q.Add("_pragma", "journal_mode(WAL)")
	// FULL: a committed run survives power loss, so outputs are never
	// published for a run the store later forgets.
	q.Add("_pragma", "synchronous(FULL)")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	s := &Store{db: db, path: path}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// create makes a new state file at path: the schema is written into a
// private file beside it, which is then linked to path, so that a process
// killed on the way leaves no state file, never an empty one. When another
// process created path meanwhile, its file is kept.
func create(ctx context.Context, path string) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".new-*") // 0600
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		for _, p := range []string{tmp, tmp + "-wal", tmp + "-shm"} {
			_ = os.Remove(p)
		}
	}()
	if err := f.Close(); err != nil {
		return err
	}
	s, err := open(ctx, tmp)
	if err != nil {
		return err
	}
	if err := s.db.Close(); err != nil { // checkpoints the schema into tmp
		return err
	}
	err = os.Link(tmp, path)
	if err == nil || errors.Is(err, os.ErrExist) {
		return nil
	}
	// A file system without hard links: rename, unless path appeared.
	if _, serr := os.Lstat(path); serr == nil {
		return nil
	}
	return os.Rename(tmp, path)
}

// Path returns the file the store was opened from.
func (s *Store) Path() string { return s.path }

// Close closes the store.
func (s *Store) Close() error { return s.db.Close() }

// File is one input file as a run saw it.
type File struct {
	Rel  string // path as in source_file
	Hash string // content hash: an unchanged file need not be read again
	Rows int    // rows read from it
	Run  int64  // the run that last read it (set by the store)
}

// Customer is a golden record as stored.
type Customer struct {
	ID         string
	Golden     []byte // JSON of the golden record; nil when loaded without it
	GoldenHash string // hash of Golden, set by Commit; compares runs cheaply
	MergedInto string // the surviving customer when this one was merged
	Retired    bool   // no longer a live customer (merged, or its rows are gone)
	FirstRun   int64  // set by the store
	LastRun    int64  // set by the store
}

// Verdicts of a review decision.
const (
	Merge = "merge"
	Keep  = "keep"
)

// Decision is a person's verdict on a pair of rows, attached to the rows'
// fingerprints so it survives re-runs and rule changes.
type Decision struct {
	A, B    string // row fingerprints; stored ordered, A < B
	Verdict string // Merge or Keep
	Source  string // where it came from: a review file, the decide command
	At      time.Time
	Run     int64 // the log entry that recorded it (set by the store)
	// Pattern is the pair's evidence pattern code as the review file
	// showed it (match.Pair.Pattern); "" when unknown.
	Pattern string
}

// Kinds of run log entries.
const (
	KindRun       = "run"       // a pipeline run
	KindDecisions = "decisions" // decisions recorded outside a run
	KindPurge     = "purge"     // personal data deleted
)

// RunRecord is one entry of the run log. Only committed runs are ever in
// the log: a run that did not commit leaves no trace.
type RunRecord struct {
	ID        int64
	Kind      string // KindRun, KindDecisions or KindPurge
	Started   time.Time
	Ended     time.Time
	Inputs    []string // the inputs as given on the command line
	Out       string   // the output folder of a run
	RulesHash string
	Counts    map[string]int
	Published bool // the run's outputs are in place
}

// MergeRecord says that one customer was folded into another by a run.
type MergeRecord struct {
	Run        int64
	From, Into string
}

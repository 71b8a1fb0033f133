package state

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
)

// sharedStrings is the process's copy of the strings table: the texts that
// many rows repeat (headers, field names, rules, provinces, cities…), which
// a row's payload names by id (see the codec). The table only grows
// between purges, so a copy is a prefix of it: refresh reads what other
// runs added since.
type sharedStrings struct {
	mu   sync.Mutex
	list []string // by id - 1
}

// load brings the copy up to date with the table and returns it; the
// slice returned is never changed afterwards, only appended to.
func (ss *sharedStrings) load(ctx context.Context, q querier) ([]string, error) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	var max int
	if err := each(ctx, q, `SELECT coalesce(max(id), 0) FROM strings`, func(rs *sql.Rows) error { return rs.Scan(&max) }); err != nil {
		return nil, fmt.Errorf("read shared strings: %w", err)
	}
	if max < len(ss.list) {
		ss.list = nil // purged since (by another process)
	}
	err := each(ctx, q, `SELECT id, s FROM strings WHERE id > ? ORDER BY id`, func(rs *sql.Rows) error {
		var id int
		var s string
		if err := rs.Scan(&id, &s); err != nil {
			return err
		}
		if id != len(ss.list)+1 {
			return fmt.Errorf("shared string %d follows %d: %w", id, len(ss.list), errCorrupt)
		}
		ss.list = append(ss.list, s)
		return nil
	}, len(ss.list))
	if err != nil {
		return nil, fmt.Errorf("read shared strings: %w", err)
	}
	return ss.list[:len(ss.list):len(ss.list)], nil
}

// reset forgets the copy (after a purge emptied the table).
func (ss *sharedStrings) reset() {
	ss.mu.Lock()
	ss.list = nil
	ss.mu.Unlock()
}

// stringIDs gives shared strings their ids while one commit encodes rows:
// strings already in the table keep theirs, new ones get the next ids and
// are inserted by flush, in the commit's transaction.
type stringIDs struct {
	ids   map[string]uint64
	next  uint64   // the id the next new string gets
	added []string // new strings, in id order from first
	first uint64
}

func newStringIDs(list []string) *stringIDs {
	t := &stringIDs{ids: make(map[string]uint64, len(list)), next: uint64(len(list)) + 1}
	for i, s := range list {
		if _, ok := t.ids[s]; !ok {
			t.ids[s] = uint64(i) + 1
		}
	}
	t.first = t.next
	return t
}

// id returns the id of s, giving it one when new.
func (t *stringIDs) id(s string) uint64 {
	if id, ok := t.ids[s]; ok {
		return id
	}
	id := t.next
	t.next++
	t.ids[s] = id
	t.added = append(t.added, s)
	return id
}

// flush inserts the strings given ids since the last flush.
func (t *stringIDs) flush(c *committer) error {
	added, first := t.added, t.first
	t.added, t.first = nil, t.next
	return c.insertMany(`INSERT INTO strings (id, s) VALUES `, `(?, ?)`, ``, len(added),
		func(args []any, i int) []any { return append(args, int64(first)+int64(i), added[i]) })
}

-- Version 3: what an incremental run needs to match new rows against the
-- stored ones without loading them all.
--   rows.keys      the row's blocking keys (match.BlockKeys): 8 bytes each, big-endian
--   rows.sort_key  the row's pinyin sort key, for the sorted-neighbourhood pass
--   row_keys       blocking key → the rows (by rowid) that have it. Rows are
--                  upserted in place, so their rowids are stable; the only
--                  VACUUM (Purge) runs after every row is deleted.
--   pairs          merge links and doubtful pairs found by runs, with their evidence
--   settings       small values kept between runs (match weights, key version)

ALTER TABLE rows ADD COLUMN keys BLOB;
ALTER TABLE rows ADD COLUMN sort_key TEXT NOT NULL DEFAULT '';
CREATE INDEX rows_by_sort_key ON rows(sort_key) WHERE sort_key <> '';

CREATE TABLE row_keys (
	key INTEGER NOT NULL,
	row INTEGER NOT NULL,
	PRIMARY KEY (key, row)
) WITHOUT ROWID;

CREATE TABLE pairs (
	a        TEXT    NOT NULL,
	b        TEXT    NOT NULL,
	kind     TEXT    NOT NULL CHECK (kind IN ('link', 'review')),
	score    REAL    NOT NULL,
	evidence BLOB    NOT NULL, -- JSON array of match.Evidence
	run_id   INTEGER NOT NULL,
	PRIMARY KEY (a, b),
	CHECK (a < b)
) WITHOUT ROWID;
CREATE INDEX pairs_by_b ON pairs(b);

CREATE TABLE settings (
	name  TEXT PRIMARY KEY,
	value BLOB NOT NULL
) WITHOUT ROWID;

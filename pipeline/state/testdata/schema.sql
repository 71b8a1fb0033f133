CREATE TABLE customers (
	id          TEXT    PRIMARY KEY,
	golden      BLOB,
	golden_hash TEXT    NOT NULL DEFAULT '',
	merged_into TEXT,
	retired     INTEGER NOT NULL DEFAULT 0,
	first_run   INTEGER NOT NULL,
	last_run    INTEGER NOT NULL
);

CREATE TABLE decisions (
	a       TEXT    NOT NULL,
	b       TEXT    NOT NULL,
	verdict TEXT    NOT NULL CHECK (verdict IN ('merge', 'keep')),
	source  TEXT    NOT NULL DEFAULT '',
	at      TEXT    NOT NULL,
	run_id  INTEGER NOT NULL, pattern TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (a, b),
	CHECK (a < b)
) WITHOUT ROWID;

CREATE TABLE files (
	rel    TEXT    PRIMARY KEY,
	hash   TEXT    NOT NULL,
	rows   INTEGER NOT NULL,
	run_id INTEGER NOT NULL
);

CREATE TABLE issued (
	id        TEXT    PRIMARY KEY,
	first_run INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE merges (
	run_id  INTEGER NOT NULL,
	from_id TEXT    NOT NULL,
	into_id TEXT    NOT NULL,
	PRIMARY KEY (run_id, from_id)
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

CREATE TABLE row_keys (
	key INTEGER NOT NULL,
	row INTEGER NOT NULL,
	PRIMARY KEY (key, row)
) WITHOUT ROWID;

CREATE TABLE rows (
	fingerprint  TEXT    PRIMARY KEY,
	file         TEXT    NOT NULL,
	sheet        TEXT    NOT NULL,
	row          INTEGER NOT NULL,
	status       TEXT    NOT NULL,
	customer_id  TEXT    REFERENCES customers(id) DEFERRABLE INITIALLY DEFERRED,
	content_hash TEXT    NOT NULL,
	data         BLOB    NOT NULL, -- JSON: values, issues, normalized values
	first_run    INTEGER NOT NULL,
	last_run     INTEGER NOT NULL
, keys BLOB, sort_key TEXT NOT NULL DEFAULT '');

CREATE TABLE runs (
	id         INTEGER PRIMARY KEY,
	started    TEXT    NOT NULL,
	ended      TEXT    NOT NULL,
	inputs     TEXT    NOT NULL DEFAULT '[]', -- JSON array of input paths
	rules_hash TEXT    NOT NULL DEFAULT '',
	counts     TEXT    NOT NULL DEFAULT '{}', -- JSON object of counts
	published  INTEGER NOT NULL DEFAULT 0
, kind TEXT NOT NULL DEFAULT 'run', out TEXT NOT NULL DEFAULT '');

CREATE TABLE schema_version (version INTEGER NOT NULL);

CREATE TABLE settings (
	name  TEXT PRIMARY KEY,
	value BLOB NOT NULL
) WITHOUT ROWID;

CREATE TABLE strings (
	id INTEGER PRIMARY KEY,
	s  TEXT    NOT NULL
);

CREATE INDEX pairs_by_b ON pairs(b);

CREATE INDEX rows_by_customer ON rows(customer_id);

CREATE INDEX rows_by_position ON rows(file, sheet, row);

CREATE INDEX rows_by_sort_key ON rows(sort_key) WHERE sort_key <> '';


-- Version 1: runs, input files, source rows, customers and review decisions.
-- Run ids (run_id, first_run, last_run) are written only by Commit, inside
-- the transaction that logs the run, so they carry no foreign key: with a
-- deferred one, every run logged would scan the rows table.

CREATE TABLE runs (
	id         INTEGER PRIMARY KEY,
	started    TEXT    NOT NULL,
	ended      TEXT    NOT NULL,
	inputs     TEXT    NOT NULL DEFAULT '[]', -- JSON array of input paths
	rules_hash TEXT    NOT NULL DEFAULT '',
	counts     TEXT    NOT NULL DEFAULT '{}', -- JSON object of counts
	published  INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE files (
	rel    TEXT    PRIMARY KEY,
	hash   TEXT    NOT NULL,
	rows   INTEGER NOT NULL,
	run_id INTEGER NOT NULL
);

CREATE TABLE customers (
	id          TEXT    PRIMARY KEY,
	golden      BLOB,
	golden_hash TEXT    NOT NULL DEFAULT '',
	merged_into TEXT,
	retired     INTEGER NOT NULL DEFAULT 0,
	first_run   INTEGER NOT NULL,
	last_run    INTEGER NOT NULL
);

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
);
CREATE INDEX rows_by_position ON rows(file, sheet, row);
-- Needed by the foreign key: without it every customer written scans all rows.
CREATE INDEX rows_by_customer ON rows(customer_id);

CREATE TABLE decisions (
	a       TEXT    NOT NULL,
	b       TEXT    NOT NULL,
	verdict TEXT    NOT NULL CHECK (verdict IN ('merge', 'keep')),
	source  TEXT    NOT NULL DEFAULT '',
	at      TEXT    NOT NULL,
	run_id  INTEGER NOT NULL,
	PRIMARY KEY (a, b),
	CHECK (a < b)
) WITHOUT ROWID;

-- Version 2: an audit trail and ids that are never reused.
--   runs.kind   'run', 'decisions' or 'purge'
--   runs.out    the output folder a run published to (for republishing)
--   issued      every customer id ever handed out, kept through retirement and purge
--   merges      which customer was folded into which, by run

ALTER TABLE runs ADD COLUMN kind TEXT NOT NULL DEFAULT 'run';
ALTER TABLE runs ADD COLUMN out TEXT NOT NULL DEFAULT '';

CREATE TABLE issued (
	id        TEXT    PRIMARY KEY,
	first_run INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO issued (id, first_run) SELECT id, first_run FROM customers;

CREATE TABLE merges (
	run_id  INTEGER NOT NULL,
	from_id TEXT    NOT NULL,
	into_id TEXT    NOT NULL,
	PRIMARY KEY (run_id, from_id)
) WITHOUT ROWID;
INSERT INTO merges (run_id, from_id, into_id)
	SELECT last_run, id, merged_into FROM customers WHERE merged_into IS NOT NULL;

-- Version 5: shared strings, so that a row's payload names the headers,
-- fields, rules, provinces and other strings many rows repeat by a small
-- number instead of spelling them out (rows written before keep theirs).
--   strings  id → text; append-only between purges
CREATE TABLE strings (
	id INTEGER PRIMARY KEY,
	s  TEXT    NOT NULL
);

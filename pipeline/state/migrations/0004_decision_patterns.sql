-- Version 4: the evidence pattern of a decided pair, so that decisions
-- teach later runs: a pattern decided the same way often enough is
-- applied to its pairs automatically (see pipeline's learned patterns).
--   decisions.pattern  the pair's pattern code as the review file showed
--                      it; '' for decisions made without one (decide, or
--                      review files of earlier releases)
ALTER TABLE decisions ADD COLUMN pattern TEXT NOT NULL DEFAULT '';

package record

// Key names a row of a run: its place in the run's row table (the
// pipeline's Result.Rows), which holds every row in lineage order. Match
// results, golden records and the writers name rows by it, so none of them
// carries a second slice of rows beside its indices. An int32 holds two
// billion rows and keeps a pair of rows in 8 bytes.
type Key int32

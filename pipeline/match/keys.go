package match

import (
	"slices"

	"github.com/crmclean/crmclean/pipeline/record"
)

// KeysVersion is the version of the blocking key derivation behind
// BlockKeys: the key texts (keys in blocking.go), the reading of names
// into pinyin they start from, and hashKey. Callers store keys on disk
// with it; any change that makes a record yield different hashes or sort
// keys must bump it, so that stored keys are rebuilt rather than silently
// missing their blocks.
const KeysVersion = 1

// NeighborWindow is the sorted-neighbourhood window: every record with a
// sort key is a candidate of the next NeighborWindow-1 records in order of
// RecordKeys.Sort (ties in order of record.Record.Fingerprint).
const NeighborWindow = window

// BlockKey is one exact blocking key of a record, as Match groups records
// by it: records sharing a Hash are compared pairwise unless more than
// Options.BlockLimit(Weak) records share it; such a block is compared by
// province and city, and a city still over the limit by district. (Within
// the limit, Match may compare a large block of a name, company or address
// key by city or by a window: a subset of its pairs.)
type BlockKey struct {
	// Hash is stable across processes and versions with the same
	// KeysVersion: it may be stored.
	Hash uint64
	// Weak marks keys whose blocks grow with the file (name pinyin,
	// initials + city, address), capped at an eighth of MaxBlock.
	Weak bool
}

// RecordKeys are the blocking keys of one record.
type RecordKeys struct {
	// Keys are the record's distinct exact keys, ordered by Hash.
	Keys []BlockKey
	// Sort is the key of the sorted-neighbourhood pass (the name's
	// pinyin, e.g. "zhangwei"); "" when the record has none.
	Sort string
}

// BlockKeys gives, for each record, the blocking keys Match derives for
// it with the same options (only Namer bears on them), so that a caller
// can find the records an incremental run must match a new record with.
// A record's keys do not depend on the other records.
func BlockKeys(recs []*record.Record, opt Options) []RecordKeys {
	out := make([]RecordKeys, len(recs))
	parallel(len(recs), max(1, opt.Workers), func(lo, hi int) {
		rd := reader{namer: opt.Namer}
		var buf []byte
		var ks []BlockKey
		for i := lo; i < hi; i++ {
			var f feat
			rd.feat(&f, &recs[i].Norm, nil, nil)
			ks = ks[:0]
			buf = keys(&f, buf, func(typ int, k []byte) {
				ks = append(ks, BlockKey{Hash: hashKey(typ, k), Weak: weakKey[typ]})
			})
			// A name's heteronym combinations may spell one key twice.
			slices.SortStableFunc(ks, func(a, b BlockKey) int {
				switch {
				case a.Hash < b.Hash:
					return -1
				case a.Hash > b.Hash:
					return 1
				}
				return 0
			})
			ks = slices.CompactFunc(ks, func(a, b BlockKey) bool { return a.Hash == b.Hash })
			out[i] = RecordKeys{Keys: slices.Clone(ks), Sort: f.name.py}
		}
	})
	return out
}

// BlockLimit is the largest block of a key Match compares pairwise with
// these options: MaxBlock (default 200, at least 2), or for a weak key an
// eighth of it (at least 2). Larger blocks are skipped.
func (o Options) BlockLimit(weak bool) int {
	m := o.MaxBlock
	if m == 0 {
		m = defaultMaxBlock
	}
	m = max(2, m)
	if weak {
		return max(2, m/8)
	}
	return m
}

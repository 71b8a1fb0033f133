// Package incremental decides what a run against a state does with what
// earlier runs stored: which files to read again, whether every row is
// matched again, which stored rows a new row may reuse, which stored
// customers the new rows touch (so whose rows to bring in), and the change
// each customer goes through. It holds the decisions only: reading,
// matching and storing stay with the pipeline and the state, so that
// each decision is tested here on plain values.
package incremental

import (
	"slices"
	"sort"

	"github.com/crmclean/crmclean/pipeline/match"
	"github.com/crmclean/crmclean/pipeline/record"
	"github.com/crmclean/crmclean/pipeline/state"
)

// Input is a file given to a run.
type Input struct {
	Rel  string // as the state names files
	Hash string // its content hash (state.HashFile); "" when it could not be read
}

// Files is what a run does with the files given and stored.
type Files struct {
	Read   []int    // the inputs to read (new, changed, or not hashable), in input order
	Reused []string // inputs unchanged since the last run: their rows come from the state
	Kept   []string // stored files not given: their rows stay; sorted
	Gone   []string // stored files not given, with RetireMissing: their rows go; sorted
	// Stored are the inputs that could be hashed, as the state will hold
	// them; an unchanged file keeps its stored row count.
	Stored []state.File
}

// PlanFiles sorts the inputs into files to read and files unchanged since
// the last run (stored), and the stored files not given into kept and
// retired ones. When the rules changed every file is read again.
func PlanFiles(inputs []Input, stored map[string]state.File, rulesChanged, retireMissing bool) Files {
	var p Files
	given := make(map[string]bool, len(inputs))
	for i, in := range inputs {
		given[in.Rel] = true
		if in.Hash == "" {
			// Unreadable now: read it anyway, so that its report names the problem.
			p.Read = append(p.Read, i)
			continue
		}
		f := state.File{Rel: in.Rel, Hash: in.Hash}
		if old, ok := stored[in.Rel]; ok && old.Hash == in.Hash && !rulesChanged {
			f.Rows = old.Rows
			p.Reused = append(p.Reused, in.Rel)
		} else {
			p.Read = append(p.Read, i)
		}
		p.Stored = append(p.Stored, f)
	}
	for rel := range stored {
		switch {
		case given[rel]:
		case retireMissing:
			p.Gone = append(p.Gone, rel)
		default:
			p.Kept = append(p.Kept, rel)
		}
	}
	sort.Strings(p.Gone)
	sort.Strings(p.Kept)
	return p
}

// Regrowth is how many times the rows of the last full run a run may hold
// before it matches every row again (see Grown).
const Regrowth = 2

// Grown reports whether a run holding rows rows should match every row
// again because the last full run, whose weights it would score with,
// held fullRows: weights estimated on a first sheet are a poor guide for
// ten more. Full runs so come at most once per doubling.
func Grown(rows, fullRows int) bool { return rows > Regrowth*fullRows }

// Reusable reports whether a row read again may take the cleaned values
// the state holds for it (old, when stored says it holds one): it is the
// same row (fingerprint), not yet rejected or skipped by reading, with
// the same content (state.ContentHash, worked out only when the rest
// holds).
func Reusable(r *record.Record, old state.Row, stored bool) bool {
	return stored && r.Fingerprint != "" && r.Status == "" && old.ContentHash == state.ContentHash(r)
}

// Reset turns a stored row's lineage back into that of a row about to be
// matched: kept and merged rows are usable again (no status, reason or
// customer); rejected and skipped rows stay as they were.
func Reset(st record.Status, reason string) (record.Status, string, string) {
	if st == record.Kept || st == record.Merged {
		return "", "", ""
	}
	return st, reason, ""
}

// Touched lists the stored customers the new rows may change, from a
// match of the new rows with the stored rows they may match: the rows
// whose keys are below fresh are new, existing gives every row key's
// stored customer, and was what earlier runs judged each number. A stored
// customer is touched when one of its rows shares a cluster or a review
// pair with a new row, or carries a number the match judged otherwise than
// before (its golden record changes, and perhaps its merge). Candidates
// that score low against every new row cannot change, so their customers
// need not be read in full. Duplicates are possible.
func Touched(m *match.Result, fresh record.Key, existing []string, was map[string]match.NumberClass) []string {
	var ids []string
	for _, cl := range m.Clusters {
		if !slices.ContainsFunc(cl, func(k record.Key) bool { return k < fresh }) {
			continue
		}
		for _, k := range cl {
			if k >= fresh {
				ids = append(ids, existing[k])
			}
		}
	}
	for _, p := range m.Review {
		if p.A < fresh && p.B >= fresh {
			ids = append(ids, existing[p.B])
		}
		if p.B < fresh && p.A >= fresh {
			ids = append(ids, existing[p.A])
		}
	}
	for _, u := range m.Numbers {
		if was[u.Number] == u.Class {
			continue
		}
		for _, k := range u.Records {
			if k >= fresh {
				ids = append(ids, existing[k])
			}
		}
	}
	return ids
}

// LiveChange is the change of a customer the run holds, given what the
// state holds under its id (stored; known when it holds one). same says
// whether its golden record is the stored one; it is asked only when
// that decides.
func LiveChange(stored state.Customer, known bool, same func() (bool, error)) (string, error) {
	switch {
	case !known:
		return state.ChangeNew, nil
	case stored.Retired || stored.MergedInto != "":
		return state.ChangeUpdated, nil
	}
	ok, err := same()
	if err != nil || ok {
		return state.ChangeUnchanged, err
	}
	return state.ChangeUpdated, nil
}

// StoredChange is the change of a stored live customer the run does not
// hold: retired when the run decided it again (decidedAgain: a full run,
// or its rows changed, went or met new rows) and it came out nowhere;
// otherwise unchanged, left as it was.
func StoredChange(decidedAgain bool) string {
	if decidedAgain {
		return state.ChangeRetired
	}
	return state.ChangeUnchanged
}

// Carried is the change to report for a customer whose change this run is
// now, when runs committed since the last published one (whose outputs
// never appeared) changed it earlier: what this run merges or retires
// wins; one they created is new until a delta is published; otherwise an
// earlier change shows where this run changed nothing.
func Carried(now, earlier string) string {
	switch {
	case now == state.ChangeMerged || now == state.ChangeRetired:
		return now
	case earlier == state.ChangeNew:
		return state.ChangeNew
	case now == state.ChangeUnchanged:
		return earlier
	}
	return now
}

// ContactChange is the change of a contact of a new or updated customer:
// new when the state held no contact of its id (existed), unchanged when
// it held it, in the same customer, as it is now (same), else updated.
func ContactChange(existed, same bool) string {
	switch {
	case !existed:
		return state.ChangeNew
	case same:
		return state.ChangeUnchanged
	}
	return state.ChangeUpdated
}

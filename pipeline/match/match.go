// Package match finds duplicate customers among normalized records.
//
// It works in four steps, each in its own file:
//
//   - features.go: every record is read once into compact features (name
//     readings and pinyin keys, phones by type, e-mail parts, address parts)
//     and value frequencies are counted over all records;
//   - blocking.go: records sharing a key (mobile, e-mail, USCC, company key,
//     every heteronym reading of the name, fuzzy pinyin, initials + city,
//     landline, city + address) or sorting next to each other by pinyin
//     become candidate pairs; a block of a key that grows with the file
//     (a name, company key or address) over ten records is compared by
//     city, a busy address by a window in name order, an oversized city by
//     district, and what is still too large is skipped and reported;
//   - compare.go and weights.go: every candidate pair is compared field by
//     field into Fellegi-Sunter outcomes whose log2 likelihood-ratio weights
//     come from configuration or from EM over the candidate pairs (and a
//     sample of the pairs of blocks compared by city rather than whole, so
//     that the estimate does not depend on how blocks are split), with a
//     term-frequency adjustment for common values;
//   - cluster.go: pairs above the merge threshold are unioned, and clusters
//     holding conflicting or weakly attached members are split again by
//     average linkage.
//
// An incremental run matches only new records and the customers they may
// join: keys.go gives the blocking keys a caller stores to find those
// customers, and Options.Existing (existing.go) holds the customers of the
// earlier run together without comparing their records again.
//
// A false merge loses a customer, a missed one only leaves a duplicate, so
// a merge also needs structural evidence: a name alone, however close,
// never merges two records.
package match

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/crmclean/crmclean/pipeline/msg"
	"github.com/crmclean/crmclean/pipeline/record"
)

// Namer reads names as pinyin. *name.Namer implements it.
type Namer interface {
	// Readings gives, per character or unit (a compound surname), every
	// toneless reading, the most likely first.
	Readings(name string, kind record.Kind) [][]string
	// Romanized parses a name written in latin letters ("Zhang Wei") into
	// pinyin syllables as written.
	Romanized(name string) (syllables []string, ok bool)
}

// MU is the pair of Fellegi-Sunter probabilities of one field outcome:
// M among true duplicates, U among distinct customers.
type MU struct {
	M, U float64
}

// Options configure Match.
type Options struct {
	// MergeThreshold and ReviewThreshold are log2 likelihood-ratio scores:
	// pairs at or above MergeThreshold merge (when structurally allowed),
	// pairs between the two go to review. Zero means the defaults 10 and 6.
	MergeThreshold, ReviewThreshold float64
	// MaxBlock caps a block's size: larger blocks are compared by
	// province and city, and cities still larger by district; parts still
	// larger are not compared pairwise but reported in Stats.CappedBlocks.
	// Keys that grow with the file (name pinyin, initials, address) are
	// capped at an eighth of it. Zero means 200. Whatever the cap, blocks
	// of those keys and of the company key over ten records are compared
	// by city already (records of unknown city with all), and a busy
	// address by a window of four (NeighborWindow) in order of name pinyin, so that
	// candidate pairs grow with the rows, not with their square.
	MaxBlock int
	// FreeDomains are free-mail domains (qq.com, 163.com …): a shared
	// address there is strong evidence, a shared company domain weak.
	FreeDomains []string
	// BranchWords mark a branch (分公司, 办事处 …); two names with
	// different branches never merge. Nil means the default rules' list.
	BranchWords []string
	// Namer reads names as pinyin; nil uses plain per-character readings
	// without surname or place-word corrections.
	Namer Namer
	// Workers compare pairs in parallel; below 1 means 1.
	Workers int
	// Weights optionally fixes m/u per "kind.field.outcome" (for example
	// "person.mobile.agree") or "field.outcome" for both kinds; other
	// outcomes are estimated by EM or take the defaults.
	Weights map[string]MU
	// NotOwnNumbers are numbers (E.164) that are never a customer's own:
	// sample or filler numbers from the rules (13800138000), and on an
	// incremental run those an earlier run found to be nobody's. They are
	// no evidence and are reported in Result.Numbers.
	NotOwnNumbers []string
	// PriorNumbers, on an incremental run, are the numbers earlier runs
	// judged (Result.Numbers of the run that last judged each; Records
	// are not needed). A number keeps its judgement unless this run's
	// rows show it shared or nobody's own: this run sees only some of its
	// rows. An earlier customer carrying a number whose judgement changes
	// is matched again (see Existing).
	PriorNumbers []NumberUse
	// NoEM keeps the default (or configured) weights without estimating.
	NoEM bool
	// KeepCandidates fills Result.Candidates, for measuring blocking.
	KeepCandidates bool
	// Decisions are a person's verdicts on pairs of rows, keyed by the two
	// rows' record.Record.Fingerprint in ascending order (key[0] < key[1];
	// a key in descending order is read as the same pair), valued
	// DecisionMerge or DecisionKeep; any other verdict, or one pair given
	// both, is an ErrDecision. A decided pair need not be a candidate
	// pair nor score in any band. Pairs naming a fingerprint that no
	// record holds are ignored.
	//
	// A merge puts the two records in one cluster whatever their scores,
	// hard conflicts included; the cluster check neither questions nor
	// splits records decided merged, and the pair is reported in
	// Result.Links, its evidence led by a "decision" item. A keep puts
	// them in different clusters: their link is dropped, and a cluster
	// that other links still join them in is re-clustered so that no two
	// groups holding the two sides ever merge, each other member going
	// with the side it is more strongly linked to (average linkage, as
	// the cluster check). Decided pairs never go to review.
	//
	// Merge decisions are applied first and win: a keep between two
	// records that merge decisions join, directly or through a chain
	// (merge A–B, merge B–C, keep A–C), is ignored and counted in
	// Stats.ConflictingDecisions.
	Decisions map[[2]string]string
	// Patterns are verdicts (DecisionMerge or DecisionKeep) learned for
	// evidence patterns (Pair.Pattern codes): a pair that would go to
	// review with one of them is decided by it instead, merge making it a
	// merge link (checked with the cluster like any other) and keep
	// linking it not at all (unlike a person's keep, other links may still
	// join its records). A merge never applies to a pattern holding a hard
	// conflict (HardConflict): such pairs still go to review. Counted in
	// Stats.ByPattern.
	Patterns map[string]string
	// Labelled are the patterns of the pairs people decided, as labelled
	// evidence for the weights: once at least 20 pairs of a kind are
	// decided, the outcomes merges show gain m and those keeps show gain
	// u (see refine; others and missing outcomes stay; a weight moves at
	// most 1 bit). Stats.Weights tells what moved.
	Labelled []Labelled
	// Rescore are pairs of rows (by fingerprint, either order) compared
	// and scored again though an earlier run settled them (Existing): the
	// doubtful pairs an earlier run stored, on a run whose learned
	// patterns or weights changed. Each is banded like any candidate
	// pair: a Patterns verdict decides it, a merge link joins the two
	// customers (checked with the cluster like any other), otherwise it
	// goes to review or drops out by its score. Decided pairs stay as
	// decided; pairs naming a fingerprint no record holds are ignored.
	Rescore [][2]string
	// Existing, on an incremental run, gives per record (len(recs)
	// entries, or none) the customer it belongs to from an earlier run, or
	// "" for a new record; any other length is an ErrExisting.
	//
	// Records with the same customer start as one group, held together
	// like records decided merged: the cluster check never splits it.
	// A pair of two records that both belong to customers was settled by
	// the earlier run: it is not compared, linked or sent to review
	// (Decisions may still name it: a merge decision joins two customers).
	// Pairs with a new record are blocked, compared, scored, banded and
	// clustered as on a full run, so a new record can join a customer, or
	// join two customers into one cluster (the cluster check then weighs
	// the customers as groups, by average linkage).
	//
	// A person's keep wins over an earlier run: a keep decision between
	// two records of one customer reopens it, its records are matched
	// among themselves as new ones (pairs with other customers' records
	// stay settled). So does a keep whose two sides merge decisions and
	// customers join: the customers holding either side are reopened
	// (every customer on the way when neither side is in one). A customer
	// of two or more records carrying a number this run found shared or
	// nobody's own, where PriorNumbers said otherwise, is reopened too:
	// its merge may have rested on that number.
	Existing []string
	// Keys are the row keys of the records (len(recs) entries, or none):
	// Result's clusters, pairs and numbers name each record by its key.
	// None: a record's key is its position in recs. Any other length is
	// an ErrKeys.
	Keys []record.Key
}

// ErrKeys reports Options.Keys not matching the records.
var ErrKeys = errors.New("row keys do not match the records")

// Result is the outcome of Match.
type Result struct {
	// Clusters holds the row keys of the input records (Options.Keys);
	// every record is in exactly one cluster (singletons included).
	// Members are ordered by fingerprint, clusters by their first member.
	Clusters [][]record.Key
	// Links are the auto-merge pairs that formed the clusters, and the
	// pairs decided merged, in pair order.
	Links []Pair
	// Review are the doubtful pairs (between the thresholds, or above the
	// merge threshold without structural evidence), not merged.
	Review []Pair
	Stats  Stats
	// Candidates are the pairs that reached comparison, by row key; only
	// with Options.KeepCandidates.
	Candidates [][2]record.Key
	// Numbers are the telephone numbers carried by several customers or
	// listed as nobody's, with what the run made of each, by number.
	Numbers []NumberUse
	// Reopened are the customers of Options.Existing matched again: by a
	// keep decision between their records, or because they carry a
	// number whose judgement this run changed. Sorted.
	Reopened []string
}

// NotOwn returns the numbers of Numbers that are none of their carriers'
// own: no customer's mobile or phones, listed in shared_phones instead.
func (r *Result) NotOwn() map[string]bool {
	out := map[string]bool{}
	for _, u := range r.Numbers {
		if u.Class == NumberNotOwn {
			out[u.Number] = true
		}
	}
	return out
}

// Shared returns the numbers of Numbers that several customers really
// share (a household's, an agent's, a company group's).
func (r *Result) Shared() map[string]bool {
	out := map[string]bool{}
	for _, u := range r.Numbers {
		if u.Class == NumberShared {
			out[u.Number] = true
		}
	}
	return out
}

// Pair is two compared records (by row key, Options.Keys; A before B in
// fingerprint order) with their score and the evidence behind it.
type Pair struct {
	A, B     record.Key
	Score    float64
	Evidence []Evidence
	// Pattern is the evidence pattern code (see pattern.go), e.g.
	// "person·name=·mobile∅·address=": pairs of one pattern deserve one
	// answer. Empty for a pair decided by a person.
	Pattern string
	// Rows, on a pair standing for two customers (ByCustomer), counts the
	// doubtful pairs of rows between them; 0 on a pair of rows.
	Rows int
}

// Evidence is one field's contribution to a pair's score.
type Evidence struct {
	Field   string  // name, contact, mobile, landline, email, address, uscc, branch
	Outcome string  // agree, near, fuzzy, disagree, missing
	Weight  float64 // log2 likelihood ratio, term-frequency adjusted
	// Detail is the detail in English as written: for evidence without a
	// message in the catalogue, or a stored pair's as an earlier version
	// rendered it. The matcher sets only Msg, rendered by Text for the
	// files that show it: an English copy of every pair's evidence, held
	// to the end of a run, took 72 MB at a million rows.
	Detail string
	Msg    msg.Msg // the detail in the catalogue, e.g. "华信 ~ 华新 (same pinyin huaxin)" in English
}

// Text returns the evidence's detail in lang: Detail where it is written
// (in English; a stored pair's as an earlier version wrote it), else its
// message rendered from the catalogue.
func (e Evidence) Text(lang string) string {
	if e.Msg.IsZero() || e.Detail != "" && lang == "en" {
		return e.Detail
	}
	return e.Msg.In(lang)
}

// AppendText appends Text(lang) to b (links.csv renders a few on each line).
func (e Evidence) AppendText(b []byte, lang string) []byte {
	if e.Msg.IsZero() || e.Detail != "" && lang == "en" {
		return append(b, e.Detail...)
	}
	return e.Msg.AppendIn(b, lang)
}

// Stats describe a Match run for the report.
type Stats struct {
	Records        int
	CandidatePairs int
	PairsPerRow    float64
	Blocks         map[string]int // key type → blocks compared (for the neighbourhood pass: pairs added)
	CappedBlocks   []CappedBlock  // blocks over MaxBlock, largest first
	MergePairs     int            // pairs at or above the merge threshold and allowed
	ReviewPairs    int
	BlockedMerges  int // pairs above the merge threshold held back to review (name-only evidence or a hard conflict)
	// ByPattern counts, per pattern of Options.Patterns, the pairs its
	// verdict decided instead of a person.
	ByPattern     map[string]int
	SplitClusters int // union-find clusters split by the cluster check (or by keep decisions)
	ClusterSizes  []SizeCount
	Weights       []FieldWeight // the weights used, per kind, field and outcome
	EM            []EMRun       // per kind: whether EM ran and how it ended
	Timings       Timings
	// DecidedMerges and DecidedKeeps count the decisions that applied: both
	// rows present and, for a keep, not contradicted by merge decisions.
	// Decided pairs are left out of MergePairs, ReviewPairs and
	// BlockedMerges.
	DecidedMerges, DecidedKeeps int
	// ConflictingDecisions counts keep decisions ignored because merge
	// decisions join the two rows.
	ConflictingDecisions int
	// Labelled counts the decided pairs that refined the weights
	// (Options.Labelled; 0 when too few).
	Labelled int
	// ExistingGroups counts the distinct customers in Options.Existing.
	ExistingGroups int
}

// CappedBlock is a block too large to compare pairwise.
type CappedBlock struct {
	KeyType string
	Key     string
	Size    int
}

// SizeCount is one bar of the cluster size histogram.
type SizeCount struct {
	Size, Count int
}

// FieldWeight is the weight of one field outcome.
type FieldWeight struct {
	Kind, Field, Outcome string
	M, U, Weight         float64
	Source               string // default, configured, em, decisions (refined by Options.Labelled)
	// Base is the m/u before the decisions refined it (M and U otherwise),
	// and Before its weight: what a run stores, so that refining does not
	// compound from run to run.
	Base   MU
	Before float64
}

// EMRun says how estimation went for one kind of pair.
type EMRun struct {
	Kind       string
	Pairs      int // candidate pairs, and the sampled pairs of split blocks each standing for the pairs it samples
	Iterations int
	Lambda     float64 // estimated share of duplicates among candidate pairs
	Used       bool
	Note       string
}

// Timings of the steps.
type Timings struct {
	Features, Blocking, Comparison, Estimation, Clustering time.Duration
}

// ErrThresholds reports review and merge thresholds in the wrong order.
var ErrThresholds = errors.New("review threshold above merge threshold")

const (
	defaultMerge    = 10
	defaultReview   = 6
	defaultMaxBlock = 200
)

func (o *Options) defaults() error {
	if o.MergeThreshold == 0 && o.ReviewThreshold == 0 {
		o.MergeThreshold, o.ReviewThreshold = defaultMerge, defaultReview
	}
	if o.ReviewThreshold > o.MergeThreshold {
		return fmt.Errorf("%w: review %g, merge %g", ErrThresholds, o.ReviewThreshold, o.MergeThreshold)
	}
	if o.MaxBlock == 0 {
		o.MaxBlock = defaultMaxBlock
	}
	if o.MaxBlock < 2 {
		o.MaxBlock = 2
	}
	if o.Workers < 1 {
		o.Workers = 1
	}
	return nil
}

// Match finds duplicates among recs and returns the clusters they form,
// the merge links and the pairs left for review.
func Match(ctx context.Context, recs []*record.Record, opt Options) (*Result, error) {
	if err := opt.defaults(); err != nil {
		return nil, err
	}
	ds, err := readDecisions(opt.Decisions)
	if err != nil {
		return nil, err
	}
	if err := checkExisting(opt.Existing, len(recs)); err != nil {
		return nil, err
	}
	if len(opt.Keys) != 0 && len(opt.Keys) != len(recs) {
		return nil, fmt.Errorf("%w: %d keys for %d records", ErrKeys, len(opt.Keys), len(recs))
	}
	res := &Result{Stats: Stats{Records: len(recs)}}
	if len(recs) == 0 {
		// The weights all the same: an incremental run that matches no
		// row still reports what the decisions moved.
		estimate(nil, nil, 1, &opt, &res.Stats)
		return res, nil
	}

	t := time.Now()
	fs := extract(recs, &opt)
	key := fs.keyOf(opt.Keys)
	listed := make(map[string]bool, len(opt.NotOwnNumbers))
	for _, n := range opt.NotOwnNumbers {
		listed[n] = true
	}
	owners := map[string]bool{}
	for _, r := range recs {
		for _, n := range r.Norm.OwnerPhones() {
			owners[n] = true
		}
	}
	res.Numbers = classifyNumbers(fs, numberLists{listed: listed, owners: owners}, opt.PriorNumbers)
	for i := range res.Numbers {
		for j, x := range res.Numbers[i].Records {
			res.Numbers[i].Records[j] = key[x]
		}
		slices.Sort(res.Numbers[i].Records)
	}
	dec := resolve(ds, recs, fs, &res.Stats)
	dec = settle(opt.Existing, fs, dec, &res.Stats)
	res.Reopened = dec.reopenedIDs()
	res.Stats.Timings.Features = time.Since(t)
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	t = time.Now()
	cands, sample, err := block(ctx, fs, &opt, dec, &res.Stats)
	if err != nil {
		return nil, err
	}
	cands = rescored(cands, opt.Rescore, recs, fs)
	sample.pairs = without(sample.pairs, cands)
	res.Stats.CandidatePairs = len(cands)
	if opt.KeepCandidates {
		res.Candidates = make([][2]record.Key, len(cands))
		for k, p := range cands {
			res.Candidates[k] = [2]record.Key{key[p>>32], key[uint32(p)]}
		}
	}
	res.Stats.PairsPerRow = float64(len(cands)) / float64(len(recs))
	res.Stats.Timings.Blocking = time.Since(t)

	t = time.Now()
	outs, err := compareAll(ctx, fs, cands, opt.Workers)
	if err != nil {
		return nil, err
	}
	res.Stats.Timings.Comparison = time.Since(t)

	t = time.Now()
	souts, err := compareAll(ctx, fs, sample.pairs, opt.Workers)
	if err != nil {
		return nil, err
	}
	w := estimate(outs, souts, sample.oneIn, &opt, &res.Stats)
	souts = nil
	w.tf = &fs.tf
	res.Stats.Timings.Estimation = time.Since(t)

	t = time.Now()
	links, review := band(fs, cands, outs, w, dec, &opt, &res.Stats)
	clusters, kept := cluster(fs, links, w, dec, &opt, &res.Stats)
	res.Stats.Timings.Clustering = time.Since(t)

	// A doubtful pair whose records merged anyway through stronger links
	// is no longer a question.
	of := make([]int32, len(recs))
	for c, members := range clusters {
		for _, x := range members {
			of[x] = int32(c)
		}
	}
	open := review[:0]
	for _, p := range review {
		if of[p.A] != of[p.B] {
			open = append(open, p)
		}
	}
	res.Stats.ReviewPairs = len(open)
	// Translate internal (fingerprint-ranked) positions to row keys; the
	// pairs in place, as the internal lists are not used again.
	res.Clusters = make([][]record.Key, len(clusters))
	for c, members := range clusters {
		res.Clusters[c] = make([]record.Key, len(members))
		for j, x := range members {
			res.Clusters[c][j] = key[x]
		}
	}
	res.Links = toKeys(kept, key)
	res.Review = toKeys(open, key)
	return res, nil
}

package pipeline

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/crmclean/crmclean/pipeline/match"
	"github.com/crmclean/crmclean/pipeline/record"
	"github.com/crmclean/crmclean/pipeline/state"
)

// SettingForgottenPatterns is the state setting listing the evidence
// patterns a person told crmclean to forget (JSON list of codes): they are
// never applied by themselves again, whatever their decisions say.
const SettingForgottenPatterns = "match.forgotten_patterns"

// LearnedPattern is what a project's decisions teach about one evidence
// pattern.
type LearnedPattern struct {
	Pattern string
	Merge   int // decisions on pairs of the pattern saying merge
	Keep    int // and keep
	// Verdict is applied to the pattern's pairs by the run itself:
	// match.DecisionMerge or DecisionKeep when at least
	// rules.Match.LearnPattern decisions all say it; "" otherwise.
	Verdict   string
	Forgotten bool // forget-pattern: never applied by itself
	// HardConflict: its pairs hold a hard conflict, which a pattern
	// never merges.
	HardConflict bool
	Applied      int // pairs the verdict decided this run
}

// Decided is the number of decisions on the pattern's pairs.
func (l LearnedPattern) Decided() int { return l.Merge + l.Keep }

// learnPatterns tallies the decisions by their pattern and tells which
// patterns the run applies by themselves: those decided at least
// threshold times (0: never), all the same way, not forgotten, and not a
// merge of a hard conflict. Most decided first, then by code.
func learnPatterns(decisions map[[2]string]state.Decision, threshold int, forgotten map[string]bool) []LearnedPattern {
	at := map[string]int{}
	var out []LearnedPattern
	for _, d := range decisions {
		if d.Pattern == "" {
			continue
		}
		i, ok := at[d.Pattern]
		if !ok {
			i = len(out)
			at[d.Pattern] = i
			out = append(out, LearnedPattern{Pattern: d.Pattern, Forgotten: forgotten[d.Pattern], HardConflict: match.HardConflict(d.Pattern)})
		}
		if d.Verdict == state.Merge {
			out[i].Merge++
		} else {
			out[i].Keep++
		}
	}
	for i := range out {
		l := &out[i]
		if threshold <= 0 || l.Forgotten || l.Decided() < threshold {
			continue
		}
		switch {
		case l.Keep == 0 && !l.HardConflict:
			l.Verdict = match.DecisionMerge
		case l.Merge == 0:
			l.Verdict = match.DecisionKeep
		}
	}
	slices.SortFunc(out, func(a, b LearnedPattern) int {
		return cmp.Or(-cmp.Compare(a.Decided(), b.Decided()), strings.Compare(a.Pattern, b.Pattern))
	})
	return out
}

// labelledPatterns are the decisions as evidence for the weights
// (match.Options.Labelled), by pattern in code order; nil when none.
func labelledPatterns(learned []LearnedPattern) []match.Labelled {
	var out []match.Labelled
	for _, l := range learned {
		out = append(out, match.Labelled{Pattern: l.Pattern, Merge: l.Merge, Keep: l.Keep})
	}
	slices.SortFunc(out, func(a, b match.Labelled) int { return strings.Compare(a.Pattern, b.Pattern) })
	return out
}

// appliedPatterns are the verdicts the run applies by pattern, for
// match.Options.Patterns; nil when none.
func appliedPatterns(learned []LearnedPattern) map[string]string {
	var out map[string]string
	for _, l := range learned {
		if l.Verdict != "" {
			if out == nil {
				out = map[string]string{}
			}
			out[l.Pattern] = l.Verdict
		}
	}
	return out
}

// patternsSetting is how the patterns a run applied by themselves are
// stored between runs (settingAppliedPatterns): code → verdict, as JSON.
func patternsSetting(applied map[string]string) ([]byte, error) {
	if applied == nil {
		applied = map[string]string{}
	}
	return json.Marshal(applied) // keys sorted
}

// patternsSince compares the patterns applied now with those the last run
// applied (stored by patternsSetting). added are the ones applied now and
// not then: an incremental run applies them to the stored doubtful pairs
// of their pattern (see rescorePatterns). dropped reports a pattern
// applied then and not now, or with another verdict, or a stored value
// that does not list them (a state from before it did; none stored is
// none applied): pairs may be merged or left out by a verdict that no
// longer holds, so every row is matched again.
func patternsSince(stored []byte, applied map[string]string) (added map[string]string, dropped bool) {
	before := map[string]string{}
	if len(stored) > 0 {
		if err := json.Unmarshal(stored, &before); err != nil {
			return nil, true
		}
	}
	for code, v := range before {
		if applied[code] != v {
			return nil, true
		}
	}
	for code, v := range applied {
		if before[code] == "" {
			if added == nil {
				added = map[string]string{}
			}
			added[code] = v
		}
	}
	return added, false
}

// ForgottenPatterns reads the patterns forgotten in a state.
func ForgottenPatterns(ctx context.Context, store *state.Store) (map[string]bool, error) {
	b, err := store.Setting(ctx, SettingForgottenPatterns)
	if err != nil || b == nil {
		return map[string]bool{}, err
	}
	var codes []string
	if err := json.Unmarshal(b, &codes); err != nil {
		return nil, fmt.Errorf("read the forgotten patterns of the state: %w", err)
	}
	out := map[string]bool{}
	for _, c := range codes {
		out[c] = true
	}
	return out, nil
}

// ForgetPattern records that code is never applied by itself again, and
// returns what the state's decisions say about it.
func ForgetPattern(ctx context.Context, store *state.Store, code string) (LearnedPattern, error) {
	forgotten, err := ForgottenPatterns(ctx, store)
	if err != nil {
		return LearnedPattern{}, err
	}
	forgotten[code] = true
	codes := make([]string, 0, len(forgotten))
	for c := range forgotten {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	b, err := json.Marshal(codes)
	if err != nil {
		return LearnedPattern{}, err
	}
	if err := store.SetSetting(ctx, SettingForgottenPatterns, b); err != nil {
		return LearnedPattern{}, err
	}
	ds, err := store.Decisions(ctx)
	if err != nil {
		return LearnedPattern{}, err
	}
	l := LearnedPattern{Pattern: code, Forgotten: true}
	for _, d := range ds {
		if d.Pattern == code {
			if d.Verdict == state.Merge {
				l.Merge++
			} else {
				l.Keep++
			}
		}
	}
	return l, nil
}

// rescorePatterns finds, on an incremental run, the doubtful pairs
// earlier runs stored whose pattern the run newly applies as merge, and
// no person decided: they are scored again (match.Options.Rescore) with
// only their two customers matched again, so that the verdict joins them
// as a full run would, without matching every row. (A newly applied keep
// needs no matching: its stored pairs are left out of review, see pairs.)
func (s *runner) rescorePatterns(ctx context.Context) error {
	merges := false
	for _, v := range s.added {
		merges = merges || v == match.DecisionMerge
	}
	if !merges {
		return nil
	}
	var stored []state.Pair
	err := s.store.EachPair(ctx, state.PairReview, func(p state.Pair) error {
		if _, decided := s.snap.Decisions[state.PairKey(p.A, p.B)]; !decided {
			stored = append(stored, p)
		}
		return nil
	})
	if err != nil {
		return err
	}
	fps := make([]string, 0, 2*len(stored))
	for _, p := range stored {
		fps = append(fps, p.A, p.B)
	}
	rows, err := s.store.Rows(ctx, fps)
	if err != nil {
		return err
	}
	for _, p := range stored {
		a, okA := rows[p.A]
		b, okB := rows[p.B]
		if !okA || !okB || a.CustomerID == "" || b.CustomerID == "" || a.CustomerID == b.CustomerID {
			continue // gone, or no longer two customers
		}
		ev, err := state.DecodeEvidence(p.Evidence)
		if err != nil {
			return err
		}
		company := a.Norm.Kind == record.Company || b.Norm.Kind == record.Company
		if s.added[match.PatternOf(ev, company)] != match.DecisionMerge {
			continue
		}
		s.rescore = append(s.rescore, [2]string{p.A, p.B})
		s.touch(a.CustomerID)
		s.touch(b.CustomerID)
	}
	s.info.Rescored = len(s.rescore)
	return nil
}

// countApplied counts one more pair decided this run by the learned
// pattern code.
func (s *runner) countApplied(code string) {
	for i := range s.info.Learned {
		if s.info.Learned[i].Pattern == code {
			s.info.Learned[i].Applied++
		}
	}
}

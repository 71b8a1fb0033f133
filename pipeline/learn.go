package pipeline

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/crmclean/crmclean/pipeline/match"
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

// patternsKey identifies a set of applied patterns: when it changes
// between runs, every row is matched again (as when the rows more than
// double), so that every pair of a pattern gets its verdict, and a
// forgotten pattern's pairs are asked again. "" for none.
func patternsKey(applied map[string]string) string {
	if len(applied) == 0 {
		return ""
	}
	var items []string
	for code, v := range applied {
		items = append(items, code+"="+v)
	}
	slices.Sort(items)
	sum := sha256.Sum256([]byte(strings.Join(items, "\n")))
	return hex.EncodeToString(sum[:16])
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

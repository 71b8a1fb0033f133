package state

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
)

// settingForgotten holds the evidence patterns people asked never to be
// settled by their decisions (a JSON list of pattern codes).
const settingForgotten = "match.forgotten_patterns"

// ForgottenPatterns returns the pattern codes set by ForgetPattern.
func (s *Store) ForgottenPatterns(ctx context.Context) (map[string]bool, error) {
	codes, err := s.forgotten(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(codes))
	for _, c := range codes {
		out[c] = true
	}
	return out, nil
}

func (s *Store) forgotten(ctx context.Context) ([]string, error) {
	b, err := s.Setting(ctx, settingForgotten)
	if err != nil || len(b) == 0 {
		return nil, err
	}
	var codes []string
	if err := json.Unmarshal(b, &codes); err != nil {
		return nil, fmt.Errorf("read setting %s: %w", settingForgotten, err)
	}
	return codes, nil
}

// ForgetPattern stops (forget true) or restarts (false) the settling of
// the pattern code by decisions: its pairs go to review again, while the
// decisions themselves still hold for the pairs they name. It reports
// whether anything changed.
func (s *Store) ForgetPattern(ctx context.Context, code string, forget bool) (bool, error) {
	codes, err := s.forgotten(ctx)
	if err != nil {
		return false, err
	}
	i, found := slices.BinarySearch(codes, code)
	switch {
	case forget && !found:
		codes = slices.Insert(codes, i, code)
	case !forget && found:
		codes = slices.Delete(codes, i, i+1)
	default:
		return false, nil
	}
	b, err := json.Marshal(codes)
	if err != nil {
		return false, err
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO settings (name, value) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value`, settingForgotten, b); err != nil {
		return false, fmt.Errorf("store setting %s: %w", settingForgotten, err)
	}
	return true, nil
}

package state

import (
	"context"
	"maps"
	"slices"
	"testing"
)

// TestForgetPattern checks that forgotten patterns persist, sorted, across
// a reopen, and that forgetting twice or remembering one never forgotten
// changes nothing.
func TestForgetPattern(t *testing.T) {
	ctx := context.Background()
	s, path := openTemp(t)
	steps := []struct {
		code    string
		forget  bool
		changed bool
		want    []string
	}{
		{"company·name=·mobile∅·address=", true, true, []string{"company·name=·mobile∅·address="}},
		{"person·name~·mobile=·address∅", true, true, []string{"company·name=·mobile∅·address=", "person·name~·mobile=·address∅"}},
		{"person·name~·mobile=·address∅", true, false, []string{"company·name=·mobile∅·address=", "person·name~·mobile=·address∅"}},
		{"company·name=·mobile∅·address=", false, true, []string{"person·name~·mobile=·address∅"}},
		{"never·forgotten", false, false, []string{"person·name~·mobile=·address∅"}},
	}
	for _, st := range steps {
		changed, err := s.ForgetPattern(ctx, st.code, st.forget)
		if err != nil {
			t.Fatal(err)
		}
		if changed != st.changed {
			t.Errorf("ForgetPattern(%q, %v) changed = %v, want %v", st.code, st.forget, changed, st.changed)
		}
		got, err := s.ForgottenPatterns(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if keys := slices.Sorted(maps.Keys(got)); !slices.Equal(keys, st.want) {
			t.Errorf("after ForgetPattern(%q, %v): %q, want %q", st.code, st.forget, keys, st.want)
		}
	}
	s.Close()
	s2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	got, err := s2.ForgottenPatterns(ctx)
	if err != nil || len(got) != 1 || !got["person·name~·mobile=·address∅"] {
		t.Errorf("after reopening: %v, %v", got, err)
	}
}

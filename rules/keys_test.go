package rules

import (
	"strings"
	"testing"
)

func TestSuggest(t *testing.T) {
	known := []string{"merge_threshold", "review_threshold", "max_block", "out", "rules", "state", "strict"}
	tests := []struct{ word, want string }{
		{"merge_treshold", "merge_threshold"},
		{"MAX_BLOCK", "max_block"},
		{"ot", "out"},
		{"stat", "state"},
		{"sttae", "state"},
		{"speed", ""},
		{"", ""},
	}
	for _, tc := range tests {
		if got := Suggest(tc.word, known); got != tc.want {
			t.Errorf("Suggest(%q) = %q, want %q", tc.word, got, tc.want)
		}
	}
}

// TestErrorsNameNoGoTypes checks that no rules error shows a Go type name.
func TestErrorsNameNoGoTypes(t *testing.T) {
	for _, doc := range []string{"match:\n  merge_treshold: 9\n", "Match: {}\n", "match:\n  max_block: lots\n",
		"columns:\n  name: 3\n", "validation: {a: b}\n", "survivorship:\n  fields: [a]\n"} {
		_, err := parse([]byte(doc), "my.yaml", Default())
		if err == nil {
			t.Errorf("%q: parsed without error", doc)
			continue
		}
		for _, bad := range []string{"rules.", "unmarshal", "!!", "map[", "[]string"} {
			if strings.Contains(err.Error(), bad) {
				t.Errorf("%q: error %q shows %q", doc, err, bad)
			}
		}
	}
}

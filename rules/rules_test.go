package rules

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDefaultLoads(t *testing.T) {
	r := Default()
	if len(r.Columns["phone"]) == 0 || r.Match.MergeThreshold <= r.Match.ReviewThreshold {
		t.Fatalf("defaults look wrong: %+v", r.Match)
	}
	if r.Hash == "" {
		t.Fatal("no hash")
	}
}

func TestLoadLayersAndValidates(t *testing.T) {
	tests := []struct {
		name    string
		yaml    string
		wantErr string // substring; empty means success
		check   func(t *testing.T, r *Rules)
	}{
		{
			name: "map entries added, others kept",
			yaml: "columns:\n  name: [门店名]\n",
			check: func(t *testing.T, r *Rules) {
				if got := r.Columns["name"]; len(got) != 1 || got[0] != "门店名" {
					t.Errorf("name synonyms = %v, want [门店名]", got)
				}
				if len(r.Columns["phone"]) == 0 {
					t.Error("phone synonyms lost when layering")
				}
			},
		},
		{
			name: "list replaced whole",
			yaml: "placeholders: [无]\n",
			check: func(t *testing.T, r *Rules) {
				if len(r.Placeholders) != 1 {
					t.Errorf("placeholders = %v", r.Placeholders)
				}
			},
		},
		{name: "unknown top-level key", yaml: "colums:\n  name: [x]\n", wantErr: "line 1: unknown key colums (did you mean columns?)"},
		{name: "misspelt key", yaml: "match:\n  merge_treshold: 9\n", wantErr: "line 2: unknown key match.merge_treshold (did you mean match.merge_threshold?)"},
		{name: "key in the wrong case", yaml: "Match:\n  merge_threshold: 9\n", wantErr: "line 1: unknown key Match (did you mean match?)"},
		{name: "a key far from any", yaml: "match:\n  speed: 9\n", wantErr: "line 2: unknown key match.speed (known here: learn_pattern, max_block, merge_threshold, review_threshold)"},
		{name: "not a number", yaml: "match:\n  merge_threshold: high\n", wantErr: `line 2: match.merge_threshold must be a number, not "high"`},
		{name: "not true or false", yaml: "sensitive:\n  keep: maybe\n", wantErr: `line 2: sensitive.keep must be true or false, not "maybe"`},
		{name: "a list where a section goes", yaml: "phone: [CN]\n", wantErr: "line 1: phone must be a section of keys"},
		{name: "unknown field in columns", yaml: "\ncolumns:\n  nmae: [x]\n", wantErr: "line 3: columns.nmae: unknown field"},
		{name: "bad severity", yaml: "validation:\n  - field: name\n    severity: fatal\n", wantErr: "line 3: validation.0.severity"},
		{name: "thresholds swapped", yaml: "match:\n  merge_threshold: 1\n  review_threshold: 5\n", wantErr: "line 3: match.review_threshold"},
		{name: "bad time zone", yaml: "dates:\n  time_zone: Asia/Shanghai\n", wantErr: "line 2: dates.time_zone"},
		{name: "bad yaml", yaml: "columns: [\n", wantErr: "invalid rules"},
		{name: "surname reading not pinyin", yaml: "pinyin:\n  surnames:\n    曾: [zeng, céng]\n",
			wantErr: `line 3: pinyin.surnames.曾: reading "céng" needs 1 pinyin syllable(s)`},
		{name: "compound surname, one syllable", yaml: "pinyin:\n  surnames:\n    欧阳: [ouyang]\n",
			wantErr: `line 3: pinyin.surnames.欧阳: reading "ouyang" needs 2 pinyin syllable(s)`},
		{name: "surname without reading", yaml: "pinyin:\n  surnames:\n\n    解: []\n",
			wantErr: "line 4: pinyin.surnames.解: want a one- or two-character surname"},
		{name: "surname too long", yaml: "pinyin:\n  surnames:\n    司马相: [si ma xiang]\n",
			wantErr: "line 3: pinyin.surnames.司马相"},
		{name: "place word, too few syllables", yaml: "pinyin:\n  place_words:\n    六安: lu\n",
			wantErr: `line 3: pinyin.place_words.六安: reading "lu" needs one pinyin syllable`},
		{name: "unsupported phone region", yaml: "phone:\n  region: ZZ\n", wantErr: "line 2: phone.region"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "my-rules.yaml")
			if err := os.WriteFile(path, []byte(tt.yaml), 0o600); err != nil {
				t.Fatal(err)
			}
			r, err := Load(path)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("Load succeeded, want error containing %q", tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "my-rules.yaml") {
					t.Fatalf("error = %q, want it to name the file and contain %q", err, tt.wantErr)
				}
				if !errors.Is(err, ErrInvalid) {
					t.Errorf("error does not wrap ErrInvalid: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, r)
		})
	}
}

func TestParseOffset(t *testing.T) {
	for in, want := range map[string]int{"+08:00": 8 * 3600, "-05:30": -(5*3600 + 30*60), "+00:00": 0} {
		got, err := ParseOffset(in)
		if err != nil || got != want {
			t.Errorf("ParseOffset(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	if _, err := ParseOffset("CST"); err == nil {
		t.Error("ParseOffset(CST) succeeded")
	}
}

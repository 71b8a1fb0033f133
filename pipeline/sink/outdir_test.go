package sink

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// publishFiles stages an output folder at target holding files and
// publishes it.
func publishFiles(t *testing.T, target string, stored Stored, files ...string) (*Staging, error) {
	t.Helper()
	st, err := Stage(target, stored)
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		if f == "review.csv" {
			recs, pairs := testReview()
			if err := WriteReview(context.Background(), st.Dir, recs, pairs, ReviewOptions{}); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.WriteFile(filepath.Join(st.Dir, f), []byte(f), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Publish(); err != nil {
		st.Abort()
		return nil, err
	}
	return st, nil
}

// fillReview writes the review.csv of testReview into dir with its pair
// decided merge, as a consultant hands it back.
func fillReview(t *testing.T, dir string) {
	t.Helper()
	recs, pairs := testReview()
	if err := WriteReview(context.Background(), dir, recs, pairs, ReviewOptions{}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "review.csv")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	rows[1][columnIndex(ReviewColumns, "decision")] = "合并"
	var buf bytes.Buffer
	if err := csv.NewWriter(&buf).WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	slices.Sort(out)
	return out
}

// storedAll stores every decision; storedNone none.
func storedAll(a, b, verdict string) bool { return true }

var storedNone Stored

func TestPublishKeepsWork(t *testing.T) {
	for _, tc := range []struct {
		name string
		// setup prepares the target (an output folder of an earlier run)
		// and its .previous.
		setup    func(t *testing.T, target string)
		stored   Stored
		wantErr  error
		errNames []string // what the error must name
		previous bool     // the target is kept as target.previous
	}{
		{name: "new folder", setup: func(*testing.T, string) {}},
		{name: "earlier output", setup: func(t *testing.T, target string) {
			publishFiles(t, target, nil, "clean.csv", "review.csv")
		}},
		{name: "a file saved beside the outputs", setup: func(t *testing.T, target string) {
			publishFiles(t, target, nil, "clean.csv")
			os.WriteFile(filepath.Join(target, "review 已审.xlsx"), nil, 0o600)
		}, wantErr: ErrForeignFiles, errNames: []string{"review 已审.xlsx"}},
		{name: "a review file as crmclean wrote it is not read", setup: func(t *testing.T, target string) {
			publishFiles(t, target, nil, "clean.csv", "review.xlsx") // not a workbook: reading it would fail
		}},
		{name: "a review file changed since is read", setup: func(t *testing.T, target string) {
			publishFiles(t, target, nil, "clean.csv", "review.xlsx")
			os.WriteFile(filepath.Join(target, "review.xlsx"), []byte("saved again, unreadable"), 0o600)
		}, previous: true},
		{name: "a workbook open in Excel", setup: func(t *testing.T, target string) {
			publishFiles(t, target, nil, "clean.csv", "review.csv")
			os.WriteFile(filepath.Join(target, "~$review.xlsx"), nil, 0o600)
		}, wantErr: ErrForeignFiles, errNames: []string{"~$review.xlsx", "open in Excel"}},
		{name: "marker of an older release lists no files", setup: func(t *testing.T, target string) {
			os.MkdirAll(target, 0o700)
			os.WriteFile(filepath.Join(target, Marker), []byte("crmclean output folder\n"), 0o600)
			os.WriteFile(filepath.Join(target, "clean.csv"), nil, 0o600)
		}},
		{name: "not a crmclean folder", setup: func(t *testing.T, target string) {
			os.MkdirAll(target, 0o700)
			os.WriteFile(filepath.Join(target, "mine.txt"), nil, 0o600)
		}, wantErr: ErrNotOurs},
		{name: "filled review not applied", setup: func(t *testing.T, target string) {
			publishFiles(t, target, nil, "clean.csv", "review.csv")
			fillReview(t, target)
		}, previous: true},
		{name: "filled review applied by the run", setup: func(t *testing.T, target string) {
			publishFiles(t, target, nil, "clean.csv", "review.csv")
			fillReview(t, target)
		}, stored: storedAll},
		{name: "an older previous without decisions is replaced", setup: func(t *testing.T, target string) {
			publishFiles(t, target+PreviousSuffix, nil, "clean.csv", "review.csv")
			publishFiles(t, target, nil, "clean.csv", "review.csv")
			fillReview(t, target)
		}, previous: true},
		{name: "an older previous with decisions too", setup: func(t *testing.T, target string) {
			publishFiles(t, target+PreviousSuffix, nil, "clean.csv", "review.csv")
			fillReview(t, target+PreviousSuffix)
			publishFiles(t, target, nil, "clean.csv", "review.csv")
			fillReview(t, target)
		}, wantErr: ErrUnapplied, errNames: []string{"out.previous", "review.csv"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			target := filepath.Join(t.TempDir(), "out")
			tc.setup(t, target)
			var before []byte
			if tc.previous {
				before, _ = os.ReadFile(filepath.Join(target, "review.csv"))
			}
			stored := tc.stored
			if stored == nil {
				stored = storedNone
			}
			st, err := publishFiles(t, target, stored, "clean.csv", "review.csv")
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("error %v, want %v", err, tc.wantErr)
			}
			for _, n := range tc.errNames {
				if !strings.Contains(err.Error(), n) {
					t.Errorf("error %q does not name %s", err, n)
				}
			}
			if err != nil {
				return
			}
			if got := names(t, target); !reflect.DeepEqual(got, []string{Marker, "clean.csv", "review.csv"}) {
				t.Errorf("published %q", got)
			}
			if err := CheckTarget(target); err != nil {
				t.Errorf("the published folder cannot be replaced: %v", err)
			}
			prev := target + PreviousSuffix
			if !tc.previous {
				if st.Previous != "" {
					t.Errorf("kept %s, want nothing kept", st.Previous)
				}
				return
			}
			if st.Previous != prev {
				t.Fatalf("Previous %q, want %q", st.Previous, prev)
			}
			if kept, _ := os.ReadFile(filepath.Join(prev, "review.csv")); !bytes.Equal(kept, before) {
				t.Errorf("the filled review.csv was not kept as it was")
			}
			if n, _ := Unapplied(prev, nil); n != 1 {
				t.Errorf("%s holds %d unapplied decisions, want 1", prev, n)
			}
			if n, _ := Unapplied(target, nil); n != 0 {
				t.Errorf("the new %s holds %d unapplied decisions, want none", target, n)
			}
		})
	}
}

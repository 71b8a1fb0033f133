package incremental

import (
	"errors"
	"slices"
	"testing"

	"github.com/crmclean/crmclean/pipeline/match"
	"github.com/crmclean/crmclean/pipeline/record"
	"github.com/crmclean/crmclean/pipeline/state"
)

func TestPlanFiles(t *testing.T) {
	stored := map[string]state.File{
		"a.csv":  {Rel: "a.csv", Hash: "ha", Rows: 10},
		"b.xlsx": {Rel: "b.xlsx", Hash: "hb", Rows: 20},
		"c.csv":  {Rel: "c.csv", Hash: "hc", Rows: 30},
		"d.csv":  {Rel: "d.csv", Hash: "hd", Rows: 40},
	}
	tests := []struct {
		name          string
		inputs        []Input
		stored        map[string]state.File
		rulesChanged  bool
		retireMissing bool
		want          Files
	}{
		{
			name:   "nothing stored: every file is read",
			inputs: []Input{{"a.csv", "ha"}, {"b.xlsx", "hb"}},
			want:   Files{Read: []int{0, 1}, Stored: []state.File{{Rel: "a.csv", Hash: "ha"}, {Rel: "b.xlsx", Hash: "hb"}}},
		},
		{
			name:   "unchanged files are reused with their rows, changed and new ones read, missing ones kept",
			inputs: []Input{{"a.csv", "ha"}, {"b.xlsx", "hb2"}, {"e.csv", "he"}},
			stored: stored,
			want: Files{Read: []int{1, 2}, Reused: []string{"a.csv"}, Kept: []string{"c.csv", "d.csv"},
				Stored: []state.File{{Rel: "a.csv", Hash: "ha", Rows: 10}, {Rel: "b.xlsx", Hash: "hb2"}, {Rel: "e.csv", Hash: "he"}}},
		},
		{
			name:          "missing files are retired with retire-missing",
			inputs:        []Input{{"a.csv", "ha"}},
			stored:        stored,
			retireMissing: true,
			want:          Files{Reused: []string{"a.csv"}, Gone: []string{"b.xlsx", "c.csv", "d.csv"}, Stored: []state.File{{Rel: "a.csv", Hash: "ha", Rows: 10}}},
		},
		{
			name:         "changed rules read every file again",
			inputs:       []Input{{"a.csv", "ha"}, {"b.xlsx", "hb"}, {"c.csv", "hc"}, {"d.csv", "hd"}},
			stored:       stored,
			rulesChanged: true,
			want: Files{Read: []int{0, 1, 2, 3},
				Stored: []state.File{{Rel: "a.csv", Hash: "ha"}, {Rel: "b.xlsx", Hash: "hb"}, {Rel: "c.csv", Hash: "hc"}, {Rel: "d.csv", Hash: "hd"}}},
		},
		{
			name:   "a file that cannot be hashed is read, for its report, and not stored",
			inputs: []Input{{"a.csv", ""}, {"b.xlsx", "hb"}, {"c.csv", "hc"}, {"d.csv", "hd"}},
			stored: stored,
			want: Files{Read: []int{0}, Reused: []string{"b.xlsx", "c.csv", "d.csv"},
				Stored: []state.File{{Rel: "b.xlsx", Hash: "hb", Rows: 20}, {Rel: "c.csv", Hash: "hc", Rows: 30}, {Rel: "d.csv", Hash: "hd", Rows: 40}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := PlanFiles(tt.inputs, tt.stored, tt.rulesChanged, tt.retireMissing)
			if !slices.Equal(got.Read, tt.want.Read) || !slices.Equal(got.Reused, tt.want.Reused) ||
				!slices.Equal(got.Kept, tt.want.Kept) || !slices.Equal(got.Gone, tt.want.Gone) || !slices.Equal(got.Stored, tt.want.Stored) {
				t.Errorf("PlanFiles =\n %+v\nwant\n %+v", got, tt.want)
			}
		})
	}
}

func TestGrown(t *testing.T) {
	tests := []struct {
		name           string
		rows, fullRows int
		want           bool
	}{
		{"a few new rows", 1050, 1000, false},
		{"exactly twice", 2000, 1000, false},
		{"more than twice", 2001, 1000, true},
		{"no full run counted yet", 1, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Grown(tt.rows, tt.fullRows); got != tt.want {
				t.Errorf("Grown(%d, %d) = %v, want %v", tt.rows, tt.fullRows, got, tt.want)
			}
		})
	}
}

func TestReusable(t *testing.T) {
	row := func(status record.Status) *record.Record {
		r := &record.Record{Fingerprint: "fp1", Status: status}
		r.Norm.Name = "上海华信科技有限公司"
		return r
	}
	same := state.Row{Fingerprint: "fp1", ContentHash: state.ContentHash(row(""))}
	tests := []struct {
		name   string
		r      *record.Record
		old    state.Row
		stored bool
		want   bool
	}{
		{"the same row, unchanged", row(""), same, true, true},
		{"not stored", row(""), state.Row{}, false, false},
		{"changed content", row(""), state.Row{Fingerprint: "fp1", ContentHash: "other"}, true, false},
		{"rejected while read", row(record.Rejected), same, true, false},
		{"no fingerprint", &record.Record{}, state.Row{ContentHash: state.ContentHash(&record.Record{})}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Reusable(tt.r, tt.old, tt.stored); got != tt.want {
				t.Errorf("Reusable = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestReset(t *testing.T) {
	tests := []struct {
		status     record.Status
		reason     string
		wantStatus record.Status
		wantReason string
	}{
		{record.Kept, "", "", ""},
		{record.Merged, "merged into C1", "", ""},
		{record.Rejected, "no name", record.Rejected, "no name"},
		{record.Skipped, "blank", record.Skipped, "blank"},
	}
	for _, tt := range tests {
		t.Run(string(tt.status), func(t *testing.T) {
			st, reason, customer := Reset(tt.status, tt.reason)
			if st != tt.wantStatus || reason != tt.wantReason || customer != "" {
				t.Errorf("Reset(%s, %q) = %s, %q, %q; want %s, %q, no customer", tt.status, tt.reason, st, reason, customer, tt.wantStatus, tt.wantReason)
			}
		})
	}
}

func TestTouched(t *testing.T) {
	// Keys 0 and 1 are new rows; 2..5 stored rows of customers S2..S5.
	existing := []string{"", "", "S2", "S3", "S4", "S5"}
	tests := []struct {
		name string
		m    match.Result
		was  map[string]match.NumberClass
		want []string
	}{
		{
			name: "a stored row clustered with a new row",
			m:    match.Result{Clusters: [][]record.Key{{0, 2}, {1}, {3}, {4}, {5}}},
			want: []string{"S2"},
		},
		{
			name: "stored rows clustered among themselves are left alone",
			m:    match.Result{Clusters: [][]record.Key{{0}, {1}, {2, 3}, {4}, {5}}},
		},
		{
			name: "review pairs with a new row, either side",
			m: match.Result{Clusters: [][]record.Key{{0}, {1}, {2}, {3}, {4}, {5}},
				Review: []match.Pair{{A: 0, B: 3}, {A: 4, B: 1}, {A: 2, B: 5}}},
			want: []string{"S3", "S4"},
		},
		{
			name: "a number judged otherwise than before touches its stored carriers",
			m: match.Result{Clusters: [][]record.Key{{0}, {1}, {2}, {3}, {4}, {5}},
				Numbers: []match.NumberUse{
					{Number: "+8613800000001", Class: match.NumberShared, Records: []record.Key{0, 4, 5}},
					{Number: "+8613800000002", Class: match.NumberNotOwn, Records: []record.Key{1, 2}},
				}},
			was:  map[string]match.NumberClass{"+8613800000002": match.NumberNotOwn},
			want: []string{"S4", "S5"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Touched(&tt.m, 2, existing, tt.was)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Touched = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestLiveChange(t *testing.T) {
	errHash := errors.New("hash failed")
	tests := []struct {
		name    string
		stored  state.Customer
		known   bool
		same    bool
		sameErr error
		want    string
		asked   bool
	}{
		{name: "a customer the state never held", want: state.ChangeNew},
		{name: "held, the same golden record", known: true, same: true, want: state.ChangeUnchanged, asked: true},
		{name: "held, another golden record", known: true, want: state.ChangeUpdated, asked: true},
		{name: "retired earlier, live again", stored: state.Customer{Retired: true}, known: true, same: true, want: state.ChangeUpdated},
		{name: "merged earlier, live again", stored: state.Customer{MergedInto: "C2"}, known: true, same: true, want: state.ChangeUpdated},
		{name: "the comparison fails", known: true, sameErr: errHash, want: state.ChangeUnchanged, asked: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			asked := false
			got, err := LiveChange(tt.stored, tt.known, func() (bool, error) {
				asked = true
				return tt.same, tt.sameErr
			})
			if got != tt.want || !errors.Is(err, tt.sameErr) || asked != tt.asked {
				t.Errorf("LiveChange = %s, %v (compared: %v); want %s, %v (compared: %v)", got, err, asked, tt.want, tt.sameErr, tt.asked)
			}
		})
	}
}

func TestStoredChange(t *testing.T) {
	if got := StoredChange(true); got != state.ChangeRetired {
		t.Errorf("a stored customer decided again that came out nowhere: %s, want retired", got)
	}
	if got := StoredChange(false); got != state.ChangeUnchanged {
		t.Errorf("a stored customer the run left alone: %s, want unchanged", got)
	}
}

func TestCarried(t *testing.T) {
	tests := []struct{ now, earlier, want string }{
		{state.ChangeMerged, state.ChangeNew, state.ChangeMerged},
		{state.ChangeRetired, state.ChangeUpdated, state.ChangeRetired},
		{state.ChangeUpdated, state.ChangeNew, state.ChangeNew},
		{state.ChangeUnchanged, state.ChangeNew, state.ChangeNew},
		{state.ChangeUnchanged, state.ChangeUpdated, state.ChangeUpdated},
		{state.ChangeUnchanged, state.ChangeMerged, state.ChangeMerged},
		{state.ChangeUnchanged, state.ChangeRetired, state.ChangeRetired},
		{state.ChangeUpdated, state.ChangeRetired, state.ChangeUpdated},
		{state.ChangeNew, state.ChangeUpdated, state.ChangeNew},
	}
	for _, tt := range tests {
		t.Run(tt.now+" after "+tt.earlier, func(t *testing.T) {
			if got := Carried(tt.now, tt.earlier); got != tt.want {
				t.Errorf("Carried(%s, %s) = %s, want %s", tt.now, tt.earlier, got, tt.want)
			}
		})
	}
}

func TestContactChange(t *testing.T) {
	tests := []struct {
		name          string
		existed, same bool
		want          string
	}{
		{"a contact the state never held", false, false, state.ChangeNew},
		{"held as it is, in the same customer", true, true, state.ChangeUnchanged},
		{"held otherwise, or in another customer", true, false, state.ChangeUpdated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ContactChange(tt.existed, tt.same); got != tt.want {
				t.Errorf("ContactChange(%v, %v) = %s, want %s", tt.existed, tt.same, got, tt.want)
			}
		})
	}
}

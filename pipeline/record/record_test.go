package record

import "testing"

func TestProvenanceCompare(t *testing.T) {
	tests := []struct {
		name string
		a, b Provenance
		want int
	}{
		{"same", Provenance{File: "a.xlsx", Sheet: "S", Row: 3}, Provenance{File: "a.xlsx", Sheet: "S", Row: 3}, 0},
		{"file first", Provenance{File: "a.xlsx", Sheet: "Z", Row: 9}, Provenance{File: "b.csv", Sheet: "", Row: 1}, -1},
		{"then sheet", Provenance{File: "a.xlsx", Sheet: "华东", Row: 2}, Provenance{File: "a.xlsx", Sheet: "Sheet1", Row: 2}, 1},
		{"then row as a number", Provenance{File: "a.csv", Sheet: "", Row: 10}, Provenance{File: "a.csv", Sheet: "", Row: 9}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.a.Compare(tt.b); got != tt.want {
				t.Errorf("Compare = %d, want %d", got, tt.want)
			}
			if got := tt.b.Compare(tt.a); got != -tt.want {
				t.Errorf("reversed Compare = %d, want %d", got, -tt.want)
			}
		})
	}
}

func TestProvenanceRun(t *testing.T) {
	tests := []struct {
		name string
		p    Provenance
		str  string
		rows int
	}{
		{"one row", Provenance{File: "a.csv", Row: 4}, "a.csv, row 4", 1},
		{"a run", Provenance{File: "a.xlsx", Sheet: "S", Row: 2, RowEnd: 1048575}, `a.xlsx, sheet "S", rows 2-1048575`, 1048574},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.String(); got != tt.str {
				t.Errorf("String() = %q, want %q", got, tt.str)
			}
			if got := tt.p.Rows(); got != tt.rows {
				t.Errorf("Rows() = %d, want %d", got, tt.rows)
			}
		})
	}
}

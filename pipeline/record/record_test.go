package record

import "testing"

func TestProvenanceCompare(t *testing.T) {
	tests := []struct {
		name string
		a, b Provenance
		want int
	}{
		{"same", Provenance{"a.xlsx", "S", 3}, Provenance{"a.xlsx", "S", 3}, 0},
		{"file first", Provenance{"a.xlsx", "Z", 9}, Provenance{"b.csv", "", 1}, -1},
		{"then sheet", Provenance{"a.xlsx", "华东", 2}, Provenance{"a.xlsx", "Sheet1", 2}, 1},
		{"then row as a number", Provenance{"a.csv", "", 10}, Provenance{"a.csv", "", 9}, 1},
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

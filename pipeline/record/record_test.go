package record

import (
	"reflect"
	"testing"
)

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

func TestValueParts(t *testing.T) {
	col := &Column{Field: FieldPhone, Header: "手机", Index: 3}
	tests := []struct {
		name                     string
		v                        Value
		field, header, text, raw string
		col                      int
		shared                   bool // points at col itself
	}{
		{"raw equal to text shares the column", col.Value("13800138000", "13800138000"), FieldPhone, "手机", "13800138000", "13800138000", 3, true},
		{"raw that differs is kept", col.Value("13800138000", " 138 0013 8000 "), FieldPhone, "手机", "13800138000", " 138 0013 8000 ", 3, false},
		{"raw kept when the text is emptied", col.Value("", "无"), FieldPhone, "手机", "", "无", 3, false},
		{"an empty raw is kept apart from the text", col.Value("x", ""), FieldPhone, "手机", "x", "", 3, false},
		{"NewValue", NewValue(FieldName, 1, "客户名称", "张伟", "张伟 "), FieldName, "客户名称", "张伟", "张伟 ", 1, false},
		{"WithText drops the old raw", col.Value("a", "A").WithText("b", "b"), FieldPhone, "手机", "b", "b", 3, false},
		{"zero value", Value{}, "", "", "", "", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := tt.v
			if v.Field() != tt.field || v.Header() != tt.header || v.Text() != tt.text || v.Raw() != tt.raw || v.Col() != tt.col {
				t.Errorf("got field %q header %q text %q raw %q col %d, want %q %q %q %q %d",
					v.Field(), v.Header(), v.Text(), v.Raw(), v.Col(), tt.field, tt.header, tt.text, tt.raw, tt.col)
			}
			if got := v.col == col; got != tt.shared {
				t.Errorf("shares the column: %v, want %v", got, tt.shared)
			}
		})
	}
	if col.hasRaw || col.raw != "" {
		t.Errorf("a value's raw text was written into the shared column: %+v", *col)
	}
}

// TestRareFields checks the setters of Normalized's rarely set fields: a
// copy keeps its values when the original is changed, and values emptied
// leave no part behind (so that equal rows compare equal). A field added
// to rareFields needs an accessor, a setter, the state codec and its
// round-trip test (state's fill): this count fails until then.
func TestRareFields(t *testing.T) {
	if n := reflect.TypeFor[rareFields]().NumField(); n != 4 {
		t.Fatalf("rareFields has %d fields: give the new one a setter, store it in the state and fill it in state's round-trip test", n)
	}
	var n Normalized
	n.SetTitle("经理")
	n.SetShortMobiles([]string{"1380013800"})
	copied := n
	n.SetTitle("采购")
	n.SetGender("女")
	n.SetOwnerPhones([]string{"+8613900139000"})
	if copied.Title() != "经理" || copied.Gender() != "" || copied.OwnerPhones() != nil {
		t.Errorf("the copy changed with the original: %q %q %v", copied.Title(), copied.Gender(), copied.OwnerPhones())
	}
	if n.Title() != "采购" || n.Gender() != "女" || !reflect.DeepEqual(n.ShortMobiles(), []string{"1380013800"}) || !reflect.DeepEqual(n.OwnerPhones(), []string{"+8613900139000"}) {
		t.Errorf("got %q %q %v %v", n.Title(), n.Gender(), n.ShortMobiles(), n.OwnerPhones())
	}
	n.SetTitle("")
	n.SetGender("")
	n.SetShortMobiles(nil)
	n.SetOwnerPhones(nil)
	if !reflect.DeepEqual(n, Normalized{}) {
		t.Errorf("emptied fields left a part: %+v", n.rare)
	}
}

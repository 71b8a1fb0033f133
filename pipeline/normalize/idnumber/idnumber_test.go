package idnumber

import "testing"

// Valid numbers used below: 11010519491231002X is the example of
// GB 11643-1999; 440308199901011234 and 4403081999010112 were completed with
// their check digits; 6222021234567890128 is a UnionPay card (Luhn-valid).
func TestResident(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"standard example", "11010519491231002X", true},
		{"lower-case x", "11010519491231002x", true},
		{"Shenzhen 1999", "440308199901011234", true},
		{"wrong check digit", "440308199901011235", false},
		{"no such province", "990308199901011231", false},
		{"31 April", "440308199904311232", false},
		{"29 February 1999", "440308199902291231", false},
		{"born before 1900", "440308189901011235", false},
		{"born in the future", "440308299901011232", false},
		{"17 digits", "44030819990101123", false},
		{"letter inside", "4403081999O1011234", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Resident(tt.in); got != tt.want {
				t.Errorf("Resident(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestBankCard(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"UnionPay 19 digits", "6222021234567890128", true},
		{"Visa 16 digits", "4111111111111111", true},
		{"Mastercard 2-series", "2221000000000009", true},
		{"Luhn fails", "6222021234567890129", false},
		{"no card prefix", "1234567812345670", false},
		{"15 digits", "622202123456789", false},
		{"20 digits", "62220212345678901282", false},
		{"mobile number", "13800138000", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := BankCard(tt.in); got != tt.want {
				t.Errorf("BankCard(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		in   string
		want Kind
	}{
		{"11010519491231002X", ResidentID},
		{" 440308199901011234 ", ResidentID},
		{"４４０３０８１９９９０１０１１２３４", ResidentID},
		{"6222 0212 3456 7890 128", Card},
		{"6222-0212-3456-7890-128", Card},
		{"身份证 11010519491231002X", None},
		{"91440300MA5DA1B67X", None}, // a USCC
		{"13800138000", None},
		{"", None},
	}
	for _, tt := range tests {
		if got := Classify(tt.in); got != tt.want {
			t.Errorf("Classify(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestMaskResident(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"alone", "11010519491231002X", "******************"},
		{"in a note", "已核实身份证11010519491231002X，本人办理", "已核实身份证******************，本人办理"},
		{"two", "440308199901011234/11010519491231002X", "******************/******************"},
		{"part of a longer number", "1440308199901011234", "1440308199901011234"},
		{"followed by a letter", "440308199901011234A", "440308199901011234A"},
		{"wrong check digit stays", "440308199901011235", "440308199901011235"},
		{"a bank card stays", "6222021234567890128", "6222021234567890128"},
		{"no digits", "北京华信科技有限公司", "北京华信科技有限公司"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, masked := MaskResident(tt.in)
			if got != tt.want || masked != (tt.in != tt.want) {
				t.Errorf("MaskResident(%q) = %q, %v; want %q", tt.in, got, masked, tt.want)
			}
		})
	}
}

// FuzzMaskResident: masking never panics, is idempotent, keeps the length,
// and leaves no identity number behind.
func FuzzMaskResident(f *testing.F) {
	for _, s := range []string{"11010519491231002X", "备注11010519491231002X。", "440308199901011234440308199901011234", "", "１１０"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, _ := MaskResident(s)
		if len(got) != len(s) {
			t.Fatalf("MaskResident(%q) changed the length: %q", s, got)
		}
		if again, masked := MaskResident(got); masked || again != got {
			t.Fatalf("MaskResident not idempotent on %q: %q then %q", s, got, again)
		}
		for i := 0; i+18 <= len(got); i++ {
			if Resident(got[i:i+18]) && (i == 0 || !alnum(got[i-1])) && (i+18 == len(got) || !alnum(got[i+18])) {
				t.Fatalf("MaskResident(%q) = %q still holds %q", s, got, got[i:i+18])
			}
		}
		_ = Classify(s)
	})
}

package name

import "testing"

func TestNormalizeUSCC(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		code  string
		valid bool
	}{
		{"valid enterprise", "91110108MA01ABCD1E", "91110108MA01ABCD1E", true},
		{"valid organ", "11100000000013127D", "11100000000013127D", true},
		{"valid social organisation", "52310000MJ0000000G", "52310000MJ0000000G", true},
		{"authority Y", "Y2330100MA2CXP6J1D", "Y2330100MA2CXP6J1D", true},
		{"authority N (农业)", "N2330106MA0000001M", "N2330106MA0000001M", true},
		{"numeric check", "91440300708461136T", "91440300708461136T", true},
		{"lower case", "91110108ma01abcd1e", "91110108MA01ABCD1E", true},
		{"with spaces and dashes", " 9111 0108-MA01-ABCD1E ", "91110108MA01ABCD1E", true},
		{"full-width", "９１１１０１０８ＭＡ０１ＡＢＣＤ１Ｅ", "91110108MA01ABCD1E", true},
		{"wrong check", "91110108MA01ABCD1F", "91110108MA01ABCD1F", false},
		{"two digits swapped", "91110180MA01ABCD1E", "91110180MA01ABCD1E", false},
		{"letter O for zero", "91110108MA01ABCD1O", "91110108MA01ABCD1O", false},
		{"unknown authority", "Z1110108MA01ABCD1E", "Z1110108MA01ABCD1E", false},
		{"category zero", "90110108MA01ABCD1E", "90110108MA01ABCD1E", false},
		{"letter in division code", "9111A108MA01ABCD1E", "9111A108MA01ABCD1E", false},
		{"too short", "91110108MA01ABCD1", "91110108MA01ABCD1", false},
		{"too long", "91110108MA01ABCD1E0", "91110108MA01ABCD1E0", false},
		{"old organisation code", "MA01ABCD-1", "MA01ABCD1", false},
		{"empty", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, valid := NormalizeUSCC(tt.in)
			if code != tt.code || valid != tt.valid {
				t.Errorf("NormalizeUSCC(%q) = %q, %v; want %q, %v", tt.in, code, valid, tt.code, tt.valid)
			}
		})
	}
}

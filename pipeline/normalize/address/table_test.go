package address

import (
	"testing"
	"unsafe"
)

// TestNameTable checks the scanner's table against the names it packs:
// every name is found with its candidates, hashed whole or rune by rune as
// match hashes it, and texts that are no name are not found.
func TestNameTable(t *testing.T) {
	for name, want := range idx.names {
		got, ok := idx.table.find(hashName(name), name)
		if !ok || len(got) != len(want) || &got[0] != &want[0] {
			t.Fatalf("find(%q) = %v, %v; want the candidates of names", name, got, ok)
		}
		h, n := nameSeed, 0
		for _, r := range name {
			h, n = nameStep(h, r), n+1
		}
		if nameHash(h, n) != hashName(name) {
			t.Fatalf("%q hashed rune by rune differs from hashName", name)
		}
	}
	for _, s := range []string{"", "西湖路", "中山公园", "杭州大厦", "浙江省杭州市", "杭州 市", "x", "市"} {
		if _, ok := idx.table.find(hashName(s), s); ok {
			t.Errorf("find(%q) found a name", s)
		}
	}
}

// TestHotSizes keeps the structures the scanner copies or reads for every
// name to one cache line each.
func TestHotSizes(t *testing.T) {
	for _, tc := range []struct {
		name string
		size uintptr
	}{
		{"mention", unsafe.Sizeof(mention{})},
		{"nameEntry", unsafe.Sizeof(nameEntry{})},
	} {
		if tc.size > 64 {
			t.Errorf("%s is %d bytes, want at most 64", tc.name, tc.size)
		}
	}
}

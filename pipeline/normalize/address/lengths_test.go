package address

import (
	"testing"
	"unicode/utf8"
)

// TestLengthsOf checks the rune table match reads against the names
// themselves, for every rune: bit n set exactly when an indexed name of n
// runes starts with it.
func TestLengthsOf(t *testing.T) {
	want := map[rune]uint32{}
	for name := range idx.names {
		r, _ := utf8.DecodeRuneInString(name)
		want[r] |= 1 << utf8.RuneCountInString(name)
	}
	if len(want) == 0 {
		t.Fatal("no names indexed")
	}
	for r := rune(-1); r <= utf8.MaxRune+1; r++ {
		if got := idx.lengthsOf(r); got != want[r] {
			t.Fatalf("lengthsOf(%q) = %b, want %b", r, got, want[r])
		}
	}
	if n := len(idx.lengths.has) * 64; n > 0x10000 {
		t.Errorf("length table covers %d runes: a name starts outside the BMP", n)
	}
}

// TestNameFilter checks that the filter match consults never turns away a
// name, and that it turns away most texts that are none.
func TestNameFilter(t *testing.T) {
	for name := range idx.names {
		first, _ := utf8.DecodeRuneInString(name)
		last, _ := utf8.DecodeLastRuneInString(name)
		if !idx.filter.mayHave(first, last, utf8.RuneCountInString(name)) {
			t.Fatalf("filter turns away the name %q", name)
		}
	}
	passed, tried := 0, 0
	for _, s := range []string{"西湖路", "中山公园", "人民大街", "杭州大厦", "文三路", "北京路", "东方明珠", "南京东路", "开发区",
		"工业园区", "大学城", "科技园", "新华书店", "中心医院"} {
		if _, real := idx.names[s]; real {
			continue
		}
		first, _ := utf8.DecodeRuneInString(s)
		last, _ := utf8.DecodeLastRuneInString(s)
		tried++
		if idx.filter.mayHave(first, last, utf8.RuneCountInString(s)) {
			passed++
		}
	}
	if passed*2 > tried {
		t.Errorf("filter lets %d of %d non-names through", passed, tried)
	}
}

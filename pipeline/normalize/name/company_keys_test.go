package name

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/crmclean/crmclean/pipeline/normalize/address"
)

// TestCompanyKeys checks the keys and kinds of testdata/company_keys.tsv,
// real-looking names with place words inside them, under the default rules.
func TestCompanyKeys(t *testing.T) {
	n := newDefaultNamer(t)
	f, err := os.Open(filepath.Join("testdata", "company_keys.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	rows := 0
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		c := strings.Split(text, "\t")
		if len(c) != 4 {
			t.Fatalf("company_keys.tsv line %d: want 4 fields, got %q", line, text)
		}
		rows++
		pattern, in, key, kind := c[0], c[1], c[2], c[3]
		t.Run(pattern+"/"+in, func(t *testing.T) {
			if got := n.MatchKey(in); got != key {
				t.Errorf("MatchKey(%q) = %q, want %q", in, got, key)
			}
			if got := n.Kind(in, false); kind != "-" && string(got) != kind {
				t.Errorf("Kind(%q) = %s, want %s", in, got, kind)
			}
		})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if rows < 100 {
		t.Errorf("company_keys.tsv has %d names, want at least 100", rows)
	}
}

// TestKeyNeverTradeWord checks that no region before a trade word, with or
// without a legal form, leaves the trade word alone as the key: nine
// airlines (四川航空, 山东航空 …) must not share the key 航空.
func TestKeyNeverTradeWord(t *testing.T) {
	n := newDefaultNamer(t)
	regions := address.RegionNames()
	for _, w := range tradeWords {
		for _, r := range regions {
			for _, in := range []string{r + w, r + w + "有限公司", r + w + "股份有限公司"} {
				if got := n.MatchKey(in); slices.Contains(tradeWords, got) {
					t.Errorf("MatchKey(%q) = %q, a trade word alone", in, got)
				}
			}
		}
	}
}

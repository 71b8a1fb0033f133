package phone

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/crmclean/crmclean/rules"
)

// devSheets is the development corpus; the test is skipped without it.
const devSheets = "../../../../shared/bench/dev/sheets"

// TestDevCorpus runs every phone-bearing cell of the development corpus
// through Parse. It asserts nothing about particular rows: it checks that
// nothing panics and reports how many cells yield a phone. PHONE_DEBUG=1
// logs every issue.
func TestDevCorpus(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(devSheets, "*.csv"))
	if len(files) == 0 {
		t.Skipf("no development corpus in %s", devSheets)
	}
	p := newParser(t)
	var cells, withPhone, issues int
	rulesSeen := map[string]int{}
	for _, c := range phoneCells(t, files, false) {
		cell := c.text
		cells++
		res := p.Parse(cell, Context{})
		if len(res.Phones) > 0 {
			withPhone++
		}
		issues += len(res.Issues)
		for _, is := range res.Issues {
			rulesSeen[is.Rule]++
			if os.Getenv("PHONE_DEBUG") != "" {
				t.Logf("%s: %q -> %s", is.Rule, cell, is.Text("en"))
			}
		}
	}
	if cells == 0 {
		t.Fatal("no phone cells found in the corpus")
	}
	t.Logf("%d phone cells, %.1f%% with at least one phone, %d issues %v",
		cells, 100*float64(withPhone)/float64(cells), issues, rulesSeen)
}

// phoneCell is a phone cell and the first city named in its row.
type phoneCell struct {
	text, city string
}

// phoneCells reads the non-empty cells of the phone columns (by the default
// rules' header synonyms) of CSV files in UTF-8 or GB18030, comma- or
// tab-separated; distinct keeps each cell text once.
func phoneCells(t testing.TB, files []string, distinct bool) []phoneCell {
	t.Helper()
	synonyms := map[string]bool{}
	for _, h := range rules.Default().Columns["phone"] {
		synonyms[headerKey(h)] = true
	}
	var cells []phoneCell
	seen := map[string]bool{}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
		if !utf8.Valid(data) {
			if data, err = simplifiedchinese.GB18030.NewDecoder().Bytes(data); err != nil {
				t.Fatalf("%s: decode GB18030: %v", file, err)
			}
		}
		r := csv.NewReader(bytes.NewReader(data))
		if first, _, _ := bytes.Cut(data, []byte("\n")); bytes.Count(first, []byte("\t")) > bytes.Count(first, []byte(",")) {
			r.Comma = '\t'
		}
		r.FieldsPerRecord = -1
		r.LazyQuotes = true
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		// the header is the first row naming a phone column
		var cols []int
		for i, row := range rows {
			for c, h := range row {
				if synonyms[headerKey(h)] {
					cols = append(cols, c)
				}
			}
			if len(cols) > 0 {
				rows = rows[i+1:]
				break
			}
		}
		for _, row := range rows {
			for _, c := range cols {
				if c >= len(row) || strings.TrimSpace(row[c]) == "" || distinct && seen[row[c]] {
					continue
				}
				seen[row[c]] = true
				cells = append(cells, phoneCell{text: row[c], city: rowCity(row)})
			}
		}
	}
	return cells
}

// headerKey compares headers loosely: lower case, no spaces, no "*".
func headerKey(h string) string {
	h = strings.ToLower(strings.TrimSpace(h))
	return strings.NewReplacer(" ", "", "*", "", "\u3000", "").Replace(h)
}

// rowCity finds the first city with an area code named in a row: a word of
// one to four characters before 市 (杭州市, in 浙江省杭州市西湖区…).
func rowCity(row []string) string {
	for _, field := range row {
		for i := strings.Index(field, "市"); i >= 0; {
			rs := []rune(field[:i])
			for n := 1; n <= 4 && n <= len(rs); n++ {
				if city := string(rs[len(rs)-n:]) + "市"; AreaCode(city) != "" {
					return city
				}
			}
			next := strings.Index(field[i+len("市"):], "市")
			if next < 0 {
				break
			}
			i += len("市") + next
		}
	}
	return ""
}

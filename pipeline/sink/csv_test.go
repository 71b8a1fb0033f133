package sink

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/crmclean/crmclean/rules"
)

func TestSafeCell(t *testing.T) {
	for _, tc := range []struct {
		name     string
		in       string
		phoneCol bool
		want     string
	}{
		{"empty", "", false, ""},
		{"plain text", "上海华信", false, "上海华信"},
		{"formula", `=HYPERLINK("http://x","click")`, false, `'=HYPERLINK("http://x","click")`},
		{"plus formula", "+1+1", false, "'+1+1"},
		{"at function", "@SUM(A1)", false, "'@SUM(A1)"},
		{"minus formula", "-2+3", false, "'-2+3"},
		{"leading tab", "\t=1+1", false, "'\t=1+1"},
		{"leading CR", "\r=1+1", false, "'\r=1+1"},
		{"negative number stays", "-12", false, "-12"},
		{"negative decimal stays", "-3.5", false, "-3.5"},
		{"plus number stays", "+42", false, "+42"},
		{"lone minus", "-", false, "'-"},
		{"minus then dot", "-.5", false, "'-.5"},
		{"trailing dot", "-5.", false, "'-5."},
		{"e164 in phone column", "+8613800138000", true, "+8613800138000"},
		{"e164 outside phone column is a number", "+8613800138000", false, "+8613800138000"},
		{"phone list", "+8613800138000|+862161234567;ext=801", true, "+8613800138000|+862161234567;ext=801"},
		{"phone list outside phone column", "+8613800138000|+862161234567", false, "'+8613800138000|+862161234567"},
		{"formula disguised in phone column", "+86138+1", true, "'+86138+1"},
		{"bad extension", "+862161234567;ext=SUM(1)", true, "'+862161234567;ext=SUM(1)"},
		{"equals inside is fine", "a=b", false, "a=b"},
		{"dash inside is fine", "KH-0012", false, "KH-0012"},
		{"already escaped", "'=1+1", false, "'=1+1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := SafeCell(tc.in, tc.phoneCol); got != tc.want {
				t.Errorf("SafeCell(%q, %v) = %q, want %q", tc.in, tc.phoneCol, got, tc.want)
			}
		})
	}
}

// FuzzSafeCell checks that an escaped cell never starts a formula (unless
// it is a number or phone) and that escaping twice equals escaping once.
func FuzzSafeCell(f *testing.F) {
	for _, s := range append(injections, "", "-12", "+8613800138000", "+8613800138000|+862161234567;ext=801", "上海", "'=1") {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, s string, phoneCol bool) {
		got := SafeCell(s, phoneCol)
		if again := SafeCell(got, phoneCol); again != got {
			t.Errorf("SafeCell not idempotent: %q → %q → %q", s, got, again)
		}
		if got != "" && strings.ContainsRune("=+-@\t\r", rune(got[0])) && !isPlainNumber(got) && !(phoneCol && isPhoneList(got)) {
			t.Errorf("SafeCell(%q) = %q starts a formula", s, got)
		}
		if got != s && got != "'"+s {
			t.Errorf("SafeCell(%q) = %q changed more than a leading apostrophe", s, got)
		}
	})
}

func TestCSVQuotingAndBOM(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.csv")
	w, err := CreateCSV(context.Background(), path, []string{"a", "b", "mobile"}, "mobile")
	if err != nil {
		t.Fatal(err)
	}
	rows := [][]string{
		{`他说"你好"`, "a,b", "+8613800138000"},
		{"两行\n文本", "  spaces  ", ""},
		{"=1+1", "-5", "+86138+1"},
	}
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	assertMode(t, path)
	data, _ := os.ReadFile(path)
	if !bytes.HasPrefix(data, []byte("\ufeffa,b,mobile\n")) {
		t.Errorf("file starts %q, want BOM and header", data[:20])
	}
	if !bytes.Contains(data, []byte(`"他说""你好""","a,b",+8613800138000`)) || !bytes.Contains(data, []byte("\"两行\n文本\"")) {
		t.Errorf("RFC 4180 quoting missing:\n%s", data)
	}
	got := readCSV(t, path)
	want := [][]string{{"a", "b", "mobile"}, rows[0], rows[1], {"'=1+1", "-5", "'+86138+1"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("read back %q, want %q", got, want)
	}
}

// TestInjectionInert writes customers named like formulas through every
// writer, CSV and xlsx, and reads the files back: every CSV cell holding
// one starts with an apostrophe, every xlsx cell is a typed string without
// a formula, and the E.164 mobile stays importable.
func TestInjectionInert(t *testing.T) {
	dir := t.TempDir()
	cs := testCustomers()
	recs, pairs := testReview()
	rejected := testRejected()
	for _, w := range []struct {
		name string
		fn   func() error
	}{
		{"clean.csv", func() error { return WriteClean(context.Background(), dir, cs) }},
		{"contacts.csv", func() error { return WriteContacts(context.Background(), dir, cs) }},
		{"rejects.csv", func() error { return WriteRejects(context.Background(), dir, rejected, "en") }},
		{"review.csv", func() error { return WriteReview(context.Background(), dir, recs, pairs, ReviewOptions{}) }},
		{"clean.xlsx", func() error { return WriteCleanXLSX(context.Background(), dir, cs) }},
		{"contacts.xlsx", func() error { return WriteContactsXLSX(context.Background(), dir, cs) }},
		{"rejects.xlsx", func() error { return WriteRejectsXLSX(context.Background(), dir, rejected, "en") }},
		{"review.xlsx", func() error { return WriteReviewXLSX(context.Background(), dir, recs, pairs, ReviewOptions{}) }},
	} {
		if err := w.fn(); err != nil {
			t.Fatalf("%s: %v", w.name, err)
		}
	}
	for _, name := range rules.ProfileNames() {
		p, err := rules.LoadProfile(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := WriteProfile(context.Background(), dir, p, cs); err != nil {
			t.Fatal(err)
		}
	}
	entries, _ := os.ReadDir(dir)
	checked := map[string]bool{}
	for _, e := range entries {
		path := filepath.Join(dir, e.Name())
		assertMode(t, path)
		checked[e.Name()] = true
		switch filepath.Ext(e.Name()) {
		case ".csv":
			rows := readCSV(t, path)
			for r, row := range rows {
				for c, v := range row {
					if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) && !isPlainNumber(v) && !isPhoneList(v) {
						t.Errorf("%s row %d col %d: %q would be evaluated", e.Name(), r+1, c+1, v)
					}
				}
			}
			if e.Name() == "clean.csv" {
				mobile := columnIndex(rows[0], "mobile")
				for _, row := range rows[1:] {
					if row[mobile] != "" && row[mobile][0] != '+' {
						t.Errorf("clean.csv mobile %q, want E.164 as is", row[mobile])
					}
				}
				found := map[string]bool{}
				for _, row := range rows[1:] {
					found[row[columnIndex(rows[0], "name")]] = true
				}
				for _, inj := range injections {
					if !found["'"+inj] {
						t.Errorf("clean.csv: name %q not written as '%s", inj, inj)
					}
				}
			}
		case ".xlsx":
			f := openXLSX(t, path)
			assertInert(t, f)
			if e.Name() == "clean.xlsx" {
				rows := sheetRows(t, f)["clean"]
				found := map[string]bool{}
				for _, row := range rows[1:] {
					found[row[columnIndex(CleanColumns, "name")]] = true
					if m := row[columnIndex(CleanColumns, "mobile")]; m != "" && m != "+8613800138000" && m != "+8618612345678" {
						t.Errorf("clean.xlsx mobile %q changed", m)
					}
				}
				for _, inj := range injections {
					if !found[inj] {
						t.Errorf("clean.xlsx: name %q not written as is", inj)
					}
				}
			}
		}
	}
	for _, want := range []string{"clean.csv", "clean.xlsx", "contacts.xlsx", "rejects.xlsx", "review.xlsx", "salesforce_accounts.csv", "cn_crm_客户.csv"} {
		if !checked[want] {
			t.Errorf("%s not written", want)
		}
	}
}

func TestCSVCreateError(t *testing.T) {
	dir := t.TempDir()
	// A folder in the file's place fails like a file Excel holds open.
	if err := os.Mkdir(filepath.Join(dir, "salesforce_accounts.csv"), 0o700); err != nil {
		t.Fatal(err)
	}
	p, err := rules.LoadProfile("salesforce")
	if err != nil {
		t.Fatal(err)
	}
	err = WriteProfile(context.Background(), dir, p, testCustomers())
	if err == nil || !strings.Contains(err.Error(), "salesforce_accounts.csv") || !strings.Contains(err.Error(), "close it") {
		t.Errorf("error %v, want one naming salesforce_accounts.csv and asking to close it", err)
	}
}

// fieldCases are cells whose quoting differs between the rules of
// encoding/csv: specials inside, white space first (ASCII and Unicode, as
// the ideographic space of Chinese text), the `\.` of PostgreSQL.
var fieldCases = []string{"", "plain", "上海华信", "a,b", `say "hi"`, `"`, `""`, "line\nbreak", "cr\rhere", "crlf\r\n",
	" lead", "trail ", "\tlead", "\u3000上海", "\u00a0x", "\u2028x", `\.`, `\.x`, `x\.`, ",", "\xff\xfe", "\x85", "中,文", "=1+1", "'="}

// TestAppendFieldMatchesEncodingCSV checks that a row rendered as bytes is
// what encoding/csv writes, byte for byte.
func TestAppendFieldMatchesEncodingCSV(t *testing.T) {
	for _, s := range fieldCases {
		t.Run(s, func(t *testing.T) { checkFieldLikeEncodingCSV(t, s) })
	}
}

func FuzzAppendField(f *testing.F) {
	for _, s := range fieldCases {
		f.Add(s)
	}
	f.Fuzz(checkFieldLikeEncodingCSV)
}

func checkFieldLikeEncodingCSV(t *testing.T, s string) {
	t.Helper()
	var want bytes.Buffer
	w := csv.NewWriter(&want)
	w.Write([]string{s, s, ""})
	w.Flush()
	got := appendField(nil, s)
	got = append(appendField(append(got, ','), s), ",\n"...)
	if !bytes.Equal(got, want.Bytes()) {
		t.Errorf("appendField(%q): got %q, encoding/csv writes %q", s, got, want.Bytes())
	}
}

// TestCSVWriteMatchesEncodingCSV checks a whole file, escaping included,
// against encoding/csv given the escaped cells.
func TestCSVWriteMatchesEncodingCSV(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.csv")
	header := []string{"name", "mobile"}
	w, err := CreateCSV(context.Background(), path, header, "mobile")
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	want.WriteString("\ufeff")
	cw := csv.NewWriter(&want)
	cw.Write(header)
	for _, s := range append(fieldCases, injections...) {
		row := []string{s, s}
		if err := w.Write(row); err != nil {
			t.Fatal(err)
		}
		cw.Write([]string{SafeCell(s, false), SafeCell(s, true)})
		w.Cell(s)
		w.Bytes([]byte(s))
		w.Int(-42)
		if err := w.EndRow(); err != nil {
			t.Fatal(err)
		}
		cw.Write([]string{SafeCell(s, false), SafeCell(s, true), "-42"})
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	cw.Flush()
	got, _ := os.ReadFile(path)
	if !bytes.Equal(got, want.Bytes()) {
		t.Errorf("got\n%q\nwant\n%q", got, want.Bytes())
	}
}

// TestPairIDDigest pins PairID to its definition: "P" and the first 12
// upper-case hex digits of SHA-256 over the smaller fingerprint, NUL, the
// larger.
func TestPairIDDigest(t *testing.T) {
	for _, tc := range []struct{ name, a, b string }{
		{"ordered", "fa", "fb"},
		{"swapped", "fb", "fa"},
		{"empty", "", ""},
		{"chinese", "王芳|138", "王芳|139"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lo, hi := min(tc.a, tc.b), max(tc.a, tc.b)
			sum := sha256.Sum256([]byte(lo + "\x00" + hi))
			want := "P" + strings.ToUpper(hex.EncodeToString(sum[:])[:12])
			if got := PairID(tc.a, tc.b); got != want {
				t.Errorf("PairID(%q, %q) = %s, want %s", tc.a, tc.b, got, want)
			}
		})
	}
}

package sink

import (
	"bytes"
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"

	"github.com/crmclean/crmclean/pipeline/merge"
	"github.com/crmclean/crmclean/rules"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestWriteProfileGolden writes every built-in profile for the hand-made
// customer list and compares each file with testdata/profiles/NAME/.
func TestWriteProfileGolden(t *testing.T) {
	for _, name := range rules.ProfileNames() {
		t.Run(name, func(t *testing.T) {
			p, err := rules.LoadProfile(name)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			if err := WriteProfile(context.Background(), dir, p, testCustomers()); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "profiles", name)
			got := readDir(t, dir)
			if *update {
				os.RemoveAll(golden)
				if err := os.MkdirAll(golden, 0o755); err != nil {
					t.Fatal(err)
				}
				for f, data := range got {
					if err := os.WriteFile(filepath.Join(golden, f), data, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				return
			}
			want := readDir(t, golden)
			if !reflect.DeepEqual(keys(got), keys(want)) {
				t.Fatalf("files %v, want %v (run go test -update to accept)", keys(got), keys(want))
			}
			for f := range want {
				if !bytes.Equal(got[f], want[f]) {
					t.Errorf("%s differs from testdata (run go test -update to accept):\n got:\n%s\nwant:\n%s", f, got[f], want[f])
				}
				assertMode(t, filepath.Join(dir, f))
			}
		})
	}
}

func readDir(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = data
	}
	return out
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// readCSV reads a file written by CreateCSV, checking the BOM.
func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	body, ok := bytes.CutPrefix(data, []byte("\ufeff"))
	if !ok {
		t.Fatalf("%s: no UTF-8 BOM", filepath.Base(path))
	}
	rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", filepath.Base(path), err)
	}
	return rows
}

func TestProfileCell(t *testing.T) {
	c := testCustomers()[0]
	person := testCustomers()[1]
	col := func(src string, opts ...func(*rules.ProfileColumn)) rules.ProfileColumn {
		pc := rules.ProfileColumn{Header: "h", Source: src}
		for _, o := range opts {
			o(&pc)
		}
		return pc
	}
	format := func(f string) func(*rules.ProfileColumn) { return func(c *rules.ProfileColumn) { c.Format = f } }
	for _, tc := range []struct {
		name string
		col  rules.ProfileColumn
		row  profileRow
		want string
	}{
		{"plain field", col("name"), profileRow{c: c}, "上海华信贸易有限公司"},
		{"constant", rules.ProfileColumn{Header: "h", Value: "China"}, profileRow{c: c}, "China"},
		{"mobile e164", col("mobile"), profileRow{c: c}, "+8613800138000"},
		{"mobile national", col("mobile", format("national")), profileRow{c: c}, "13800138000"},
		{"landline national keeps the area code's 0", col("landline", format("national")), profileRow{c: c}, "02161234567"},
		{"phones national with extension", col("phones", format("national")), profileRow{c: c}, "13800138000|02161234567-801"},
		{"service number national", col("landline", format("national")), profileRow{c: testCustomers()[2]}, "4008001234"},
		{"join", col("source_ids", func(c *rules.ProfileColumn) { c.Join = "、" }), profileRow{c: c}, "007、KH-0012"},
		{"fallback when empty", col("landline", func(c *rules.ProfileColumn) { c.Fallback = []string{"mobile"} }), profileRow{c: person}, "+8618612345678"},
		{"map", col("kind", func(c *rules.ProfileColumn) { c.Map = map[string]string{"company": "企业客户"} }), profileRow{c: c}, "企业客户"},
		{"unmapped value kept", col("kind", func(c *rules.ProfileColumn) { c.Map = map[string]string{"company": "企业客户"} }), profileRow{c: person}, "person"},
		{"date from date-time", col("created_at", format("date")), profileRow{c: person}, "2022-11-30"},
		{"date pattern", col("created_at", format("date:YYYY/MM/DD")), profileRow{c: c}, "2021/03/05"},
		{"datetime from date", col("created_at", format("datetime")), profileRow{c: c}, "2021-03-05T00:00:00"},
		{"datetime keeps the offset", col("created_at", format("datetime")), profileRow{c: person}, "2022-11-30T09:15:00+08:00"},
		{"street", col("street"), profileRow{c: c}, "黄浦区南京东路100号"},
		{"full address without repeated municipality", col("full_address"), profileRow{c: c}, "上海市黄浦区南京东路100号"},
		{"extra column", col("extra:行业"), profileRow{c: c}, "贸易"},
		{"contact's own mobile", col("mobile"), profileRow{c: c, ct: &c.Contacts[1]}, "+8613912345678"},
		{"customer field in a contact row", col("name"), profileRow{c: c, ct: &c.Contacts[1]}, "上海华信贸易有限公司"},
		{"contact id", col("contact_id"), profileRow{c: c, ct: &c.Contacts[1]}, "P0F0E0D0C0B"},
		{"source count", col("source_count"), profileRow{c: c}, "2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := profileCell(tc.col, tc.row); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestNationalPhone(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"mobile", "+8613800138000", "13800138000"},
		{"beijing landline", "+861061234567", "01061234567"},
		{"extension", "+862161234567;ext=801", "02161234567-801"},
		{"foreign stays e164", "+85221234567", "+85221234567"},
		{"service number", "+8695588", "95588"},
		{"400 number", "+864008001234", "4008001234"},
		{"bad extension kept", "+862161234567;ext=x", "+862161234567;ext=x"},
		{"not a number", "abc", "abc"},
		{"idempotent", "13800138000", "13800138000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := nationalPhone(tc.in); got != tc.want {
				t.Errorf("nationalPhone(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// TestNationalPhoneAgreesWithLibphonenumber checks the trunk prefix rule
// of nationalPhone against libphonenumber's national format.
func TestNationalPhoneAgreesWithLibphonenumber(t *testing.T) {
	for _, e164 := range []string{"+8613800138000", "+8619912345678", "+861061234567", "+862161234567",
		"+8657188881234", "+864008001234", "+868008101234", "+8695588", "+8675512345678"} {
		pn, err := phonenumbers.Parse(e164, "CN")
		if err != nil {
			t.Fatal(err)
		}
		want := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, phonenumbers.Format(pn, phonenumbers.NATIONAL))
		if got := nationalPhone(e164); got != want {
			t.Errorf("nationalPhone(%q) = %q, libphonenumber %q", e164, got, want)
		}
	}
}

func TestWriteProfileUserFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "my-crm.yaml")
	yaml := "name: my-crm\nfiles:\n  - file: export.csv\n    rows: customers\n    columns:\n      - {header: ID, source: customer_id}\n      - {header: Firma, source: name}\n      - {header: Land, value: CN}\n"
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := rules.LoadProfile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	cs := testCustomers()[:2]
	if err := WriteProfile(context.Background(), out, p, cs); err != nil {
		t.Fatal(err)
	}
	got := readCSV(t, filepath.Join(out, "export.csv"))
	want := [][]string{{"ID", "Firma", "Land"}, {cs[0].ID, cs[0].Name, "CN"}, {cs[1].ID, cs[1].Name, "CN"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// FuzzFormatValue checks that profile formats never panic, keep what they
// cannot read, and that formatting twice equals formatting once.
func FuzzFormatValue(f *testing.F) {
	for _, v := range []string{"+8613800138000", "+862161234567;ext=801", "+864008001234", "+85221234567", "2021-03-05",
		"2022-11-30T09:15:00+08:00", "2022-11-30T09:15:00", "", "abc", "+86", "+86;ext="} {
		for _, format := range []string{"", "e164", "national", "date", "datetime", "date:YYYY/MM/DD", "date:DD.MM.YYYY hh:mm"} {
			f.Add(format, v)
		}
	}
	f.Fuzz(func(t *testing.T, format, v string) {
		once := formatValue(format, v)
		if v == "" && once != "" {
			t.Errorf("formatValue(%q, \"\") = %q, want empty", format, once)
		}
		if format == "national" || format == "e164" || format == "date" || format == "datetime" {
			if twice := formatValue(format, once); twice != once {
				t.Errorf("formatValue(%q): %q → %q → %q", format, v, once, twice)
			}
		}
	})
}

func BenchmarkWriteProfile(b *testing.B) {
	const n = 100_000
	base := testCustomers()[0]
	cs := make([]*merge.Customer, n)
	for i := range cs {
		c := *base
		c.ID = fmt.Sprintf("C%010d", i)
		cs[i] = &c
	}
	p, err := rules.LoadProfile("cn-crm")
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteProfile(context.Background(), dir, p, cs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func TestWriteProfileRequired(t *testing.T) {
	p, err := rules.ParseProfile([]byte("name: r\nfiles:\n  - file: c.csv\n    rows: contacts\n    columns:\n"+
		"      - {header: ID, source: contact_id}\n      - {header: Email, source: email, required: true}\n"), "r.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := WriteProfile(context.Background(), dir, p, testCustomers()); err != nil {
		t.Fatal(err)
	}
	got := readCSV(t, filepath.Join(dir, "c.csv"))
	want := [][]string{{"ID", "Email"}, {"P1A2B3C4D5E", "zhangwei@huaxin.example"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want only the contact with an e-mail: %q", got, want)
	}
}

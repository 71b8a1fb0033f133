package rules

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestBuiltinProfiles(t *testing.T) {
	if got, want := ProfileNames(), []string{"cn-crm", "generic", "salesforce"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("ProfileNames() = %v, want %v", got, want)
	}
	for _, tc := range []struct {
		name  string
		files []string
	}{
		{"generic", nil},
		{"salesforce", []string{"salesforce_accounts.csv", "salesforce_contacts.csv"}},
		{"cn-crm", []string{"cn_crm_客户.csv", "cn_crm_联系人.csv"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := LoadProfile(tc.name)
			if err != nil {
				t.Fatal(err)
			}
			var files []string
			for _, f := range p.Files {
				files = append(files, f.File)
			}
			if p.Name != tc.name || !reflect.DeepEqual(files, tc.files) || p.Source != "" {
				t.Errorf("profile %q source %q files %v, want %q with %v", p.Name, p.Source, files, tc.name, tc.files)
			}
		})
	}
	if p, err := LoadProfile(""); err != nil || p.Name != "generic" {
		t.Errorf(`LoadProfile("") = %v, %v; want generic`, p, err)
	}
}

func TestSalesforceHeaders(t *testing.T) {
	p, err := LoadProfile("salesforce")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string]string{
		"salesforce_accounts.csv": {"External_ID__c": "customer_id", "Name": "name", "BillingCity": "city", "BillingState": "province"},
		"salesforce_contacts.csv": {"External_ID__c": "contact_id", "Account.External_ID__c": "customer_id", "LastName": "contact", "MobilePhone": "mobile", "Email": "email", "Title": "title"},
	}
	for _, f := range p.Files {
		got := map[string]string{}
		for _, c := range f.Columns {
			got[c.Header] = c.Source
		}
		for h, src := range want[f.File] {
			if got[h] != src {
				t.Errorf("%s: column %s from %q, want %q", f.File, h, got[h], src)
			}
		}
	}
}

func TestLoadProfileErrors(t *testing.T) {
	const head = "name: x\nfiles:\n  - file: out.csv\n    rows: customers\n    columns:\n"
	for _, tc := range []struct {
		name, yaml, want string
	}{
		{"unknown source names line and key", head + "      - {header: A, source: customer_id}\n      - {header: B, source: mobil}\n",
			`line 7: files.0.columns.1.source: unknown source "mobil"`},
		{"unknown fallback", head + "      - {header: A, source: landline, fallback: [fax]}\n", `line 6: files.0.columns.0.fallback: unknown source "fax"`},
		{"unknown key", head + "      - {header: A, sauce: name}\n", "line 6: field sauce not found"},
		{"source and value", head + "      - {header: A, source: name, value: x}\n", "exactly one of source and value"},
		{"neither source nor value", head + "      - {header: A}\n", "exactly one of source and value"},
		{"missing header", head + "      - {source: name}\n", "files.0.columns.0.header: a column needs a header"},
		{"duplicate header", head + "      - {header: A, source: name}\n      - {header: A, source: city}\n", `header "A" is used twice`},
		{"phone format on a name", head + "      - {header: A, source: name, format: national}\n", "applies to phone sources"},
		{"unknown format", head + "      - {header: A, source: mobile, format: local}\n", `unknown format "local"`},
		{"bad date pattern", head + "      - {header: A, source: created_at, format: \"date:YYYY-MM-TT\"}\n", "unexpected 'T'"},
		{"join on a single value", head + "      - {header: A, source: name, join: \",\"}\n", "join applies to list sources"},
		{"contact id in a customers file", head + "      - {header: A, source: contact_id}\n", "contact_id applies to contacts files only"},
		{"empty extra header", head + "      - {header: A, source: \"extra:\"}\n", `unknown source "extra:"`},
		{"path in file name", "name: x\nfiles:\n  - file: ../evil.csv\n    rows: customers\n    columns: [{header: A, source: name}]\n", "line 3: files.0.file: file \"../evil.csv\" must be a plain file name"},
		{"not csv", "name: x\nfiles:\n  - file: out.xlsx\n    rows: customers\n    columns: [{header: A, source: name}]\n", "must be a plain file name ending in .csv"},
		{"bad rows", "name: x\nfiles:\n  - file: out.csv\n    rows: people\n    columns: [{header: A, source: name}]\n", `rows must be customers or contacts, not "people"`},
		{"duplicate file", "name: x\nfiles:\n  - {file: a.csv, rows: customers, columns: [{header: A, source: name}]}\n  - {file: A.csv, rows: contacts, columns: [{header: A, source: name}]}\n", `file "A.csv" is listed twice`},
		{"no columns", "name: x\nfiles:\n  - {file: a.csv, rows: customers}\n", "a file needs at least one column"},
		{"no name", "files: []\n", "a profile needs a name"},
		{"not yaml", "name: [\n", "invalid rules"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "my-crm.yaml")
			if err := os.WriteFile(path, []byte(tc.yaml), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := LoadProfile(path)
			if err == nil {
				t.Fatalf("no error, want %q", tc.want)
			}
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "my-crm.yaml") {
				t.Errorf("error %q, want ErrInvalid naming my-crm.yaml and containing %q", err, tc.want)
			}
		})
	}
}

func TestLoadProfileValid(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ok.yml")
	yaml := "name: mine\nfiles:\n  - file: 导出.csv\n    rows: contacts\n    columns:\n" +
		"      - {header: Kunde, source: customer_id}\n      - {header: Person, source: contact_id}\n" +
		"      - {header: Tel, source: phones, format: national, join: \" / \"}\n      - {header: Seit, source: created_at, format: \"date:DD.MM.YYYY\"}\n" +
		"      - {header: Notiz, source: \"extra:备注\"}\n      - {header: Land, value: CN}\n"
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := LoadProfile(path)
	if err != nil {
		t.Fatal(err)
	}
	if p.Source != path || len(p.Files) != 1 || len(p.Files[0].Columns) != 6 {
		t.Errorf("loaded %+v", p)
	}
}

func TestLoadProfileUnknown(t *testing.T) {
	_, err := LoadProfile("hubspot")
	if !errors.Is(err, ErrUnknownProfile) || !strings.Contains(err.Error(), "salesforce") {
		t.Errorf("error %v, want ErrUnknownProfile listing the built-in ones", err)
	}
	_, err = LoadProfile(filepath.Join(t.TempDir(), "missing.yaml"))
	if err == nil || !strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("error %v, want one naming missing.yaml", err)
	}
}

func TestDateLayout(t *testing.T) {
	for _, tc := range []struct{ name, in, want, err string }{
		{"iso date", "YYYY-MM-DD", "2006-01-02", ""},
		{"slashes and time", "YYYY/MM/DD hh:mm:ss", "2006/01/02 15:04:05", ""},
		{"chinese", "YYYY年MM月DD日", "2006年01月02日", ""},
		{"stray letter", "YYYY-MM-DDx", "", "unexpected 'x'"},
		{"digit", "YYYY1", "", "unexpected '1'"},
		{"no token", "--", "", "has no YYYY"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DateLayout(tc.in)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Errorf("DateLayout(%q) error %v, want %q", tc.in, err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("DateLayout(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
}

// FuzzParseProfile checks that no profile file, however broken, panics the
// loader, and that every error wraps ErrInvalid.
func FuzzParseProfile(f *testing.F) {
	for _, name := range ProfileNames() {
		data, _ := ProfileYAML(name)
		f.Add(data)
	}
	f.Add([]byte("name: x\nfiles:\n  - {file: a.csv, rows: contacts, columns: [{header: A, source: \"extra:备注\", format: \"date:YYYY\"}]}\n"))
	f.Add([]byte("files: {}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseProfile(data, "fuzz.yaml")
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error %v does not wrap ErrInvalid", err)
			}
			return
		}
		if p.Name == "" {
			t.Error("a profile without a name was accepted")
		}
	})
}

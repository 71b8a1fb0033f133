package match

import (
	"testing"

	"github.com/crmclean/crmclean/pipeline/record"
)

func TestCompareNamesExported(t *testing.T) {
	tests := []struct {
		a, b string
		kind record.Kind
		want NameForm
	}{
		{"陈思佳", "陈思佳", record.Person, FormSame},
		{"陈思佳", "陈饲佳", record.Person, FormSame},
		{"陈思佳", "Chen Sijia", record.Person, FormSame},
		{"陈思佳", "SIJIA CHEN", record.Person, FormSame},
		{"陈天宇", "陈先生", record.Person, FormTitle},
		{"马泽洋", "马泽宇", record.Person, FormDifferent},
		{"马泽洋", "马子骞", record.Person, FormDifferent},
		{"郭汐柏", "郭汐博", record.Person, FormRare},
		{"华信科技", "华新科技", record.Company, FormSame},
		{"华信", "华信科技", record.Company, FormDifferent},
		{"", "陈思佳", record.Person, FormDifferent},
	}
	for _, tc := range tests {
		if got := CompareNames(fakeNamer{}, tc.a, tc.b, tc.kind); got != tc.want {
			t.Errorf("CompareNames(%q, %q, %s) = %d, want %d", tc.a, tc.b, tc.kind, got, tc.want)
		}
		if got := CompareNames(fakeNamer{}, tc.b, tc.a, tc.kind); got != tc.want {
			t.Errorf("CompareNames(%q, %q, %s) = %d, want %d (reversed)", tc.b, tc.a, tc.kind, got, tc.want)
		}
	}
}

func TestNameReadingTitled(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"陈先生", true},
		{"王总", true},
		{"陈天宇", false},
		{"先生", false},
		{"Chen Sijia", false},
	}
	for _, tc := range tests {
		r := ReadName(fakeNamer{}, tc.name, record.Person)
		if got := r.Titled(); got != tc.want {
			t.Errorf("ReadName(%q).Titled() = %v, want %v", tc.name, got, tc.want)
		}
		if got := Titled(tc.name); got != tc.want {
			t.Errorf("Titled(%q) = %v, want %v", tc.name, got, tc.want)
		}
	}
}

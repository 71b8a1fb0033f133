package normalize

import (
	"testing"

	"github.com/crmclean/crmclean/pipeline/record"
	"github.com/crmclean/crmclean/rules"
)

// TestKindEvidence checks the kind a row's other cells settle: a valid
// unified social credit code makes a short name read as a person (申通)
// a company's; an invalid code, or a code with only a contact, does not.
func TestKindEvidence(t *testing.T) {
	n, err := New(rules.Default())
	if err != nil {
		t.Fatal(err)
	}
	const uscc = "91440300708461136T"
	tests := []struct {
		name        string
		values      []record.Value
		kind        record.Kind
		wantName    string
		wantContact string
	}{
		{"short brand alone is read as a person", []record.Value{{Field: record.FieldName, Text: "申通"}},
			record.Person, "申通", "申通"},
		{"short brand with a credit code", []record.Value{{Field: record.FieldName, Text: "申通"}, {Field: record.FieldUSCC, Text: uscc}},
			record.Company, "申通", ""},
		{"short brand with a contact and a credit code", []record.Value{{Field: record.FieldName, Text: "蓝翔"}, {Field: record.FieldContact, Text: "张伟"}, {Field: record.FieldUSCC, Text: uscc}},
			record.Company, "蓝翔", "张伟"},
		{"invalid credit code is no evidence", []record.Value{{Field: record.FieldName, Text: "申通"}, {Field: record.FieldUSCC, Text: "91440300708461136X"}},
			record.Person, "申通", "申通"},
		{"contact only stays a person", []record.Value{{Field: record.FieldContact, Text: "张伟"}, {Field: record.FieldUSCC, Text: uscc}},
			record.Person, "张伟", "张伟"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &record.Record{Values: tt.values}
			for i := range rec.Values {
				rec.Values[i].Col = i
			}
			n.Apply(rec)
			if rec.Norm.Kind != tt.kind || rec.Norm.Name != tt.wantName || rec.Norm.Contact != tt.wantContact {
				t.Errorf("kind, name, contact = %s, %q, %q; want %s, %q, %q",
					rec.Norm.Kind, rec.Norm.Name, rec.Norm.Contact, tt.kind, tt.wantName, tt.wantContact)
			}
		})
	}
}

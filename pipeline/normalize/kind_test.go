package normalize

import (
	"testing"

	"github.com/crmclean/crmclean/pipeline/record"
	"github.com/crmclean/crmclean/rules"
)

// TestKindEvidence checks the kind a row's other cells settle: a valid
// unified social credit code makes a short name read as a person (申通)
// a company's; an invalid code, or a code with only a contact, does not.
// So does a name column headed as organisations (公司名称, 供应商,
// Company), for a name read as a person by its surname alone.
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
		{"short brand under 公司名称", []record.Value{{Field: record.FieldName, Header: "公司名称", Text: "申通"}},
			record.Company, "申通", ""},
		{"short brand under 供应商 with a contact", []record.Value{{Field: record.FieldName, Header: "供应商", Text: "蓝翔"}, {Field: record.FieldContact, Header: "联系人", Text: "王强"}},
			record.Company, "蓝翔", "王强"},
		{"short brand under Company Name", []record.Value{{Field: record.FieldName, Header: "Company Name", Text: "申通"}},
			record.Company, "申通", ""},
		{"full-width header ＣＯＭＰＡＮＹ", []record.Value{{Field: record.FieldName, Header: "ＣＯＭＰＡＮＹ", Text: "申通"}},
			record.Company, "申通", ""},
		{"a person's name under 客户名称 stays a person", []record.Value{{Field: record.FieldName, Header: "客户名称", Text: "王芳"}},
			record.Person, "王芳", "王芳"},
		{"a person's name under 姓名 stays a person", []record.Value{{Field: record.FieldName, Header: "姓名", Text: "王芳"}},
			record.Person, "王芳", "王芳"},
		{"a compound surname under 公司名称 stays a person", []record.Value{{Field: record.FieldName, Header: "公司名称", Text: "欧阳娜娜"}},
			record.Person, "欧阳娜娜", "欧阳娜娜"},
		{"a latin person's name under 公司名称 stays a person", []record.Value{{Field: record.FieldName, Header: "公司名称", Text: "Zhang Wei"}},
			record.Person, "Zhang Wei", "Zhang Wei"},
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

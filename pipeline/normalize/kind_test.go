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
		{"short brand alone is read as a person", []record.Value{record.NewValue(record.FieldName, 0, "", "申通", "")},
			record.Person, "申通", "申通"},
		{"short brand with a credit code", []record.Value{record.NewValue(record.FieldName, 0, "", "申通", ""), record.NewValue(record.FieldUSCC, 0, "", uscc, "")},
			record.Company, "申通", ""},
		{"short brand with a contact and a credit code", []record.Value{record.NewValue(record.FieldName, 0, "", "蓝翔", ""), record.NewValue(record.FieldContact, 0, "", "张伟", ""), record.NewValue(record.FieldUSCC, 0, "", uscc, "")},
			record.Company, "蓝翔", "张伟"},
		{"invalid credit code is no evidence", []record.Value{record.NewValue(record.FieldName, 0, "", "申通", ""), record.NewValue(record.FieldUSCC, 0, "", "91440300708461136X", "")},
			record.Person, "申通", "申通"},
		{"contact only stays a person", []record.Value{record.NewValue(record.FieldContact, 0, "", "张伟", ""), record.NewValue(record.FieldUSCC, 0, "", uscc, "")},
			record.Person, "张伟", "张伟"},
		{"short brand under 公司名称", []record.Value{record.NewValue(record.FieldName, 0, "公司名称", "申通", "")},
			record.Company, "申通", ""},
		{"short brand under 供应商 with a contact", []record.Value{record.NewValue(record.FieldName, 0, "供应商", "蓝翔", ""), record.NewValue(record.FieldContact, 0, "联系人", "王强", "")},
			record.Company, "蓝翔", "王强"},
		{"short brand under Company Name", []record.Value{record.NewValue(record.FieldName, 0, "Company Name", "申通", "")},
			record.Company, "申通", ""},
		{"full-width header ＣＯＭＰＡＮＹ", []record.Value{record.NewValue(record.FieldName, 0, "ＣＯＭＰＡＮＹ", "申通", "")},
			record.Company, "申通", ""},
		{"a person's name under 客户名称 stays a person", []record.Value{record.NewValue(record.FieldName, 0, "客户名称", "王芳", "")},
			record.Person, "王芳", "王芳"},
		{"a person's name under 姓名 stays a person", []record.Value{record.NewValue(record.FieldName, 0, "姓名", "王芳", "")},
			record.Person, "王芳", "王芳"},
		{"a compound surname under 公司名称 stays a person", []record.Value{record.NewValue(record.FieldName, 0, "公司名称", "欧阳娜娜", "")},
			record.Person, "欧阳娜娜", "欧阳娜娜"},
		{"a latin person's name under 公司名称 stays a person", []record.Value{record.NewValue(record.FieldName, 0, "公司名称", "Zhang Wei", "")},
			record.Person, "Zhang Wei", "Zhang Wei"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &record.Record{Values: tt.values}
			for i := range rec.Values {
				v := rec.Values[i]
				rec.Values[i] = record.NewValue(v.Field(), i, v.Header(), v.Text(), v.Raw())
			}
			n.Apply(rec)
			if rec.Norm.Kind != tt.kind || rec.Norm.Name != tt.wantName || rec.Norm.Contact != tt.wantContact {
				t.Errorf("kind, name, contact = %s, %q, %q; want %s, %q, %q",
					rec.Norm.Kind, rec.Norm.Name, rec.Norm.Contact, tt.kind, tt.wantName, tt.wantContact)
			}
		})
	}
}

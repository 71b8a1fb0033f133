package normalize

import (
	"reflect"
	"testing"

	"github.com/crmclean/crmclean/pipeline/record"
	"github.com/crmclean/crmclean/rules"
)

// appliedFields are the fields Apply reads, each with a sample value.
var appliedFields = []record.Value{
	record.NewValue(record.FieldName, 0, "", "杭州华信科技有限公司", ""), record.NewValue(record.FieldContact, 0, "", "张伟", ""),
	record.NewValue(record.FieldPhone, 0, "", "13800138000", ""), record.NewValue(record.FieldSourceID, 0, "", "CUS1", ""),
	record.NewValue(record.FieldEmail, 0, "", "zw@qq.con", ""), record.NewValue(record.FieldProvince, 0, "", "浙江", ""),
	record.NewValue(record.FieldCity, 0, "", "杭州", ""), record.NewValue(record.FieldDistrict, 0, "", "西湖区", ""),
	record.NewValue(record.FieldAddress, 0, "", "文三路90号", ""), record.NewValue(record.FieldCreatedAt, 0, "", "2023/1/5", ""),
	record.NewValue(record.FieldOwner, 0, "", "李销售", ""), record.NewValue(record.FieldNotes, 0, "", "老客户", ""),
	record.NewValue(record.FieldUSCC, 0, "", "91330106MA2XXXXX0X", ""), record.NewValue(record.FieldGender, 0, "", "男", ""),
	record.NewValue(record.FieldTitle, 0, "", "经理", ""),
}

func TestFieldBits(t *testing.T) {
	var all fieldSet
	for _, v := range appliedFields {
		b := fieldBit(v.Field())
		if b == 0 || b&(b-1) != 0 || all&b != 0 {
			t.Errorf("fieldBit(%q) = %b: want a bit of its own", v.Field(), b)
		}
		all |= b
	}
	for _, f := range []string{"", record.FieldSeq, "Name", "other"} {
		if b := fieldBit(f); b != 0 {
			t.Errorf("fieldBit(%q) = %b, want 0", f, b)
		}
	}
}

// applyEvery is Apply without skipping the steps for absent fields.
func applyEvery(n *Normalizer, rec *record.Record) {
	if rec.Status == record.Skipped || rec.Status == record.Rejected {
		return
	}
	out := &rec.Norm
	n.address(rec, out)
	n.name(rec, out)
	n.phone(rec, out)
	n.email(rec, out)
	n.uscc(rec, out)
	n.created(rec, out)
	for v := range values(rec, record.FieldSourceID) {
		out.SourceIDs = appendUnique(out.SourceIDs, v.Text())
	}
	out.Owner = rec.Get(record.FieldOwner)
	out.SetGender(rec.Get(record.FieldGender))
	out.Notes = rec.Get(record.FieldNotes)
	out.SetTitle(rec.Get(record.FieldTitle))
}

// TestApplySkipsAgree runs Apply and applyEvery on rows holding one field,
// every field but one, and fields present only as empty cells.
func TestApplySkipsAgree(t *testing.T) {
	n, err := New(rules.Default())
	if err != nil {
		t.Fatal(err)
	}
	var rows [][]record.Value
	for i := range appliedFields {
		one := []record.Value{appliedFields[i], record.NewValue("", 0, "", "extra", ""), record.NewValue(record.FieldSeq, 0, "", "1", "")}
		var others []record.Value
		for j, v := range appliedFields {
			if j != i {
				others = append(others, v)
			}
		}
		empty := appliedFields[i]
		empty = empty.WithText("", empty.Raw())
		rows = append(rows, one, others, []record.Value{empty, appliedFields[(i+1)%len(appliedFields)]})
	}
	rows = append(rows, nil, appliedFields)
	for _, vals := range rows {
		for i := range vals {
			vals[i] = record.NewValue(vals[i].Field(), i, vals[i].Header(), vals[i].Text(), vals[i].Text())
		}
		got := record.Record{Values: vals}
		want := record.Record{Values: vals}
		n.Apply(&got)
		applyEvery(n, &want)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Apply(%+v):\n got %+v\nwant %+v", vals, got, want)
		}
	}
}

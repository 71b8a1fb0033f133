package normalize

import (
	"reflect"
	"testing"

	"github.com/crmclean/crmclean/pipeline/record"
	"github.com/crmclean/crmclean/rules"
)

// appliedFields are the fields Apply reads, each with a sample value.
var appliedFields = []record.Value{
	{Field: record.FieldName, Text: "杭州华信科技有限公司"}, {Field: record.FieldContact, Text: "张伟"},
	{Field: record.FieldPhone, Text: "13800138000"}, {Field: record.FieldSourceID, Text: "CUS1"},
	{Field: record.FieldEmail, Text: "zw@qq.con"}, {Field: record.FieldProvince, Text: "浙江"},
	{Field: record.FieldCity, Text: "杭州"}, {Field: record.FieldDistrict, Text: "西湖区"},
	{Field: record.FieldAddress, Text: "文三路90号"}, {Field: record.FieldCreatedAt, Text: "2023/1/5"},
	{Field: record.FieldOwner, Text: "李销售"}, {Field: record.FieldNotes, Text: "老客户"},
	{Field: record.FieldUSCC, Text: "91330106MA2XXXXX0X"}, {Field: record.FieldGender, Text: "男"},
	{Field: record.FieldTitle, Text: "经理"},
}

func TestFieldBits(t *testing.T) {
	var all fieldSet
	for _, v := range appliedFields {
		b := fieldBit(v.Field)
		if b == 0 || b&(b-1) != 0 || all&b != 0 {
			t.Errorf("fieldBit(%q) = %b: want a bit of its own", v.Field, b)
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
		out.SourceIDs = appendUnique(out.SourceIDs, v.Text)
	}
	out.Owner = rec.Get(record.FieldOwner)
	out.Gender = rec.Get(record.FieldGender)
	out.Notes = rec.Get(record.FieldNotes)
	out.Title = rec.Get(record.FieldTitle)
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
		one := []record.Value{appliedFields[i], {Field: "", Text: "extra"}, {Field: record.FieldSeq, Text: "1"}}
		var others []record.Value
		for j, v := range appliedFields {
			if j != i {
				others = append(others, v)
			}
		}
		empty := appliedFields[i]
		empty.Text = ""
		rows = append(rows, one, others, []record.Value{empty, appliedFields[(i+1)%len(appliedFields)]})
	}
	rows = append(rows, nil, appliedFields)
	for _, vals := range rows {
		for i := range vals {
			vals[i].Col, vals[i].Raw = i, vals[i].Text
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

package mapping

import (
	"testing"

	"github.com/crmclean/crmclean/pipeline/source"
	"github.com/crmclean/crmclean/rules"
)

func TestHeaderKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{"手机", "手机"},
		{"*客户名称", "客户名称"},
		{"手机(必填)", "手机"},
		{"手机（必填）", "手机"},
		{" 联系 电话 ", "联系电话"},
		{"Customer Name", "customername"},
		{"ＥＭＡＩＬ", "email"},
		{"地址：", "地址"},
		{"【客户】名称", "名称"},
		{"\ufeff序号", "序号"},
	}
	for _, tt := range tests {
		if got := HeaderKey(tt.in); got != tt.want {
			t.Errorf("HeaderKey(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestLookup(t *testing.T) {
	h := NewHeaders(rules.Default())
	tests := []struct {
		header, field, evidence string
	}{
		{"客户名称", "name", BySynonym},
		{"*客户名称", "name", BySynonym},
		{"手机(必填)", "phone", BySynonym},
		{"联系电话", "phone", BySynonym},
		{"座机", "phone", BySynonym},
		{"Customer Name", "name", BySynonym},
		{"Mobile", "phone", BySynonym},
		{"Tel", "phone", BySynonym},
		{"E-mail", "email", BySynonym},
		{"手机号码2", "phone", BySynonym},
		{"联系人电话", "phone", ByPartial},
		{"客户手机", "phone", ByPartial},
		{"单位地址", "address", BySynonym},
		{"负责人", "owner", BySynonym},
		{"负责人电话", "owner_phone", BySynonym},
		{"业务员手机", "owner_phone", ByPartial},
		{"客户经理电话", "owner_phone", ByPartial},
		{"销售代表手机号码", "owner_phone", ByPartial},
		{"联系人手机", "phone", ByPartial},
		{"纳税人识别号", "uscc", BySynonym},
		{"会员卡号", "source_id", BySynonym},
		{"登记时间", "created_at", BySynonym},
		{"活动名称", "", Unmapped},
		{"Status", "", Unmapped},
		{"", "", Unmapped},
	}
	for _, tt := range tests {
		f, ev := h.Lookup(tt.header)
		if f != tt.field || ev != tt.evidence {
			t.Errorf("Lookup(%q) = %q (%s), want %q (%s)", tt.header, f, ev, tt.field, tt.evidence)
		}
	}
	for _, s := range []string{"身份证号", "银行账号", "证件号码"} {
		if !h.Sensitive(s) {
			t.Errorf("Sensitive(%q) = false", s)
		}
	}
	if h.Sensitive("客户名称") {
		t.Error("Sensitive(客户名称) = true")
	}
}

func row(num int, cells ...string) source.Row {
	r := source.Row{Num: num}
	for _, c := range cells {
		r.Cells = append(r.Cells, source.Cell{Text: c})
	}
	return r
}

func TestDetectHeaderBelowTitle(t *testing.T) {
	m := New(rules.Default())
	rows := []source.Row{
		row(1, "2024年销售部客户台账"),
		row(2),
		row(3, "序号", "客户名称", "联系人", "手机", "省", "市", "区", "详细地址", "身份证号", "跟进阶段"),
		row(4, "1", "北京华信科技有限公司", "张伟", "13800138000", "北京", "北京", "朝阳区", "建国路1号", "110101199001011234", "意向"),
		row(5, "2", "杭州云帆网络有限公司", "李娜", "13900139000", "浙江", "杭州", "西湖区", "文三路2号", "", "成交"),
	}
	l, ok := m.Detect("a.xlsx", rows)
	if !ok || l.HeaderRow != 3 {
		t.Fatalf("Detect: ok=%v header row %d, want 3", ok, l.HeaderRow)
	}
	want := map[string]string{"A": "seq", "B": "name", "C": "contact", "D": "phone", "E": "province", "F": "city", "G": "district", "H": "address", "I": "", "J": ""}
	for _, c := range l.Columns {
		if c.Field != want[c.Letter()] {
			t.Errorf("column %s %q → %q, want %q", c.Letter(), c.Header, c.Field, want[c.Letter()])
		}
	}
	if !l.Columns[8].Sensitive {
		t.Error("身份证号 column not marked sensitive")
	}
	if l.PersonList {
		t.Error("PersonList set on a sheet with a name column")
	}
}

func TestDetectByContent(t *testing.T) {
	m := New(rules.Default())
	rows := []source.Row{row(1, "姓名", "号码", "信箱地址")}
	for i := range 10 {
		rows = append(rows, row(i+2, "王芳", "1380013800"+string(rune('0'+i)), "wf@qq.com"))
	}
	l, ok := m.Detect("m.csv", rows)
	if !ok {
		t.Fatal("no layout")
	}
	if got := l.Columns[1]; got.Field != "phone" || got.Evidence != ByContent {
		t.Errorf("号码 → %q (%s), want phone by content", got.Field, got.Evidence)
	}
	if got := l.Columns[2]; got.Field != "email" || got.Evidence != ByContent {
		t.Errorf("信箱地址 → %q (%s), want email by content", got.Field, got.Evidence)
	}
	if !l.PersonList {
		t.Error("a sheet with only 姓名 should be a person list")
	}
}

func TestPinnedMapping(t *testing.T) {
	r := rules.Default()
	r.FileMappings = []rules.FileMapping{{Pattern: "代理商*.xlsx", Columns: map[string]string{"负责人": "contact", "代理商": "name"}}}
	m := New(r)
	rows := []source.Row{row(1, "代理商", "负责人", "手机"), row(2, "甲公司", "王五", "13800138000")}
	l, _ := m.Detect("sub/代理商名单.xlsx", rows)
	if l.Columns[0].Field != "name" || l.Columns[0].Evidence != ByPin || l.Columns[1].Field != "contact" {
		t.Errorf("pinned mapping not applied: %+v", l.Columns)
	}
}

func TestNoise(t *testing.T) {
	m := New(rules.Default())
	header := row(1, "客户名称", "联系人", "手机")
	tests := []struct {
		name  string
		r     source.Row
		noisy bool
	}{
		{"customer", row(5, "北京华信科技有限公司", "张伟", "13800138000"), false},
		{"blank", row(6, "", " "), true},
		{"total", row(7, "合计", "", "35"), true},
		{"subtotal in second cell", row(8, "", "小计：", "12"), true},
		{"regional subtotal", row(13, "", "云南省 小计", "7家"), true},
		{"maker", row(9, "制表人：王芳"), true},
		{"note", row(10, "备注：本表仅供内部使用"), true},
		{"repeated header", row(11, "客户名称", "联系人", "手机"), true},
		{"company starting with 合", row(12, "合肥华信科技有限公司", "张伟", "13800138000"), false},
	}
	for _, tt := range tests {
		why := m.Noise(tt.r, header)
		if (why != "") != tt.noisy {
			t.Errorf("%s: Noise = %q, want noisy=%v", tt.name, why, tt.noisy)
		}
	}
}

func FuzzDetect(f *testing.F) {
	f.Add("客户名称", "手机", "北京华信", "13800138000", "合计")
	f.Add("", "", "", "", "")
	f.Add("*手机(必填)", "Customer Name", "=1+1", "1.38E+10", "制表人")
	m := New(rules.Default())
	f.Fuzz(func(t *testing.T, a, b, c, d, e string) {
		rows := []source.Row{row(1, a, b), row(2, c, d), row(3, e), row(4, c, e, a)}
		l, ok := m.Detect("x.csv", rows)
		if ok && (l.HeaderRow < 1 || l.HeaderRow > 4) {
			t.Fatalf("header row %d out of range", l.HeaderRow)
		}
		for _, r := range rows {
			m.Noise(r, rows[0])
		}
		_ = HeaderKey(a + b)
	})
}

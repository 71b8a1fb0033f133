package mapping

import (
	"fmt"
	"strings"
	"testing"

	"github.com/crmclean/crmclean/pipeline/source"
	"github.com/crmclean/crmclean/rules"
)

// TestSensitiveHeaders: every spelling of an identity or bank number
// header is sensitive with the default rules — traditional script, variant
// characters, qualifiers, English — and headers of other data are not.
func TestSensitiveHeaders(t *testing.T) {
	h := NewHeaders(rules.Default())
	sensitive := []string{
		// The seven that passed the filter before.
		"身份證號", "公民身份号码", "ID No.", "银行帐号", "收款账号", "对公账户", "Bank Account No",
		// Others of the same kinds.
		"身份证", "身份证号", "身份证号码", "*身份证号(18位)", "法人身份证号", "居民身份证号码", "身份號碼", "证件号码", "证件编号",
		"护照号", "Passport No.", "银行账号", "銀行帳號", "银行账户", "银行卡号", "收款银行账号", "开户行账号", "付款账户",
		"对公账号", "单位对公账户", "账号", "帐号", "ID Card", "ID card no", "ID Number", "Identity Card No.", "National ID",
		"bank account", "Payee Bank Account", "BANK A/C NO", "Bank Card No.", "IBAN", "密码", "社会保障号码",
	}
	for _, s := range sensitive {
		if !h.Sensitive(s) {
			t.Errorf("Sensitive(%q) = false, want true", s)
		}
	}
	plain := []string{"客户名称", "会员卡号", "客户编号", "工单编号", "纳税人识别号", "统一社会信用代码", "联系电话", "Customer ID",
		"ID", "Account Name", "备注", "账单地址", "微信号", "身高", "Member ID", "No."}
	for _, s := range plain {
		if h.Sensitive(s) {
			t.Errorf("Sensitive(%q) = true, want false", s)
		}
	}
}

// A rules file's own sensitive header is normalized the same way.
func TestSensitiveHeadersFromRules(t *testing.T) {
	r := rules.Default()
	r.Sensitive.Headers = []string{"車牌號碼", "license plate"}
	h := NewHeaders(r)
	for _, s := range []string{"车牌号", "车牌号码", "客户车牌号", "License Plate No."} {
		if !h.Sensitive(s) {
			t.Errorf("Sensitive(%q) = false with the rules' 車牌號碼 / license plate", s)
		}
	}
	if h.Sensitive("身份证号") {
		t.Error("a rules file's list replaces the default one, but 身份证号 is still sensitive")
	}
}

// residentIDs and bankCards are valid values (check digits computed).
var (
	residentIDs = []string{"11010519491231002X", "440308199901011234", "330106198502283319", "310104197712120015"}
	bankCards   = []string{"6222021234567890128", "6228480402564890018", "4367421234567896", "6214830212345671"}
)

func sheetWith(header string, values []string) []source.Row {
	rows := []source.Row{row(1, "客户名称", "手机", header)}
	for i, v := range values {
		rows = append(rows, row(i+2, fmt.Sprintf("客户%d有限公司", i), fmt.Sprintf("1380013800%d", i), v))
	}
	return rows
}

// TestSensitiveByContent: an unmapped column of identity or bank card
// numbers is sensitive whatever its header; a mapped one is kept with a
// warning; a column of other numbers is not touched.
func TestSensitiveByContent(t *testing.T) {
	m := New(rules.Default())
	tests := []struct {
		name          string
		header        string
		values        []string
		wantSensitive bool
		wantField     string
		wantWarning   bool
	}{
		{"identity numbers under an unknown header", "附加信息", residentIDs, true, "", false},
		{"bank cards under an unknown header", "其他", bankCards, true, "", false},
		{"identity numbers with no header", "", residentIDs, true, "", false},
		{"mostly identity numbers", "资料", append([]string{"无"}, residentIDs...), true, "", false},
		{"bank cards as member cards: mapped, kept", "会员卡号", bankCards, false, "source_id", true},
		{"identity numbers under a tax-number header: mapped, kept", "税号", residentIDs, false, "uscc", true},
		// Long digit runs that fail the checks are not sensitive (the
		// content test of the other kinds takes them for phones).
		{"order numbers", "订单号", []string{"2024010112345678", "2024010112345679", "2024010112345680", "2024010112345681"}, false, "phone", false},
		{"identity numbers with wrong check digits", "附加信息", []string{"440308199901011235", "110105194912310021", "330106198502283318"}, false, "uscc", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, ok := m.Detect("a.csv", sheetWith(tt.header, tt.values))
			if !ok || len(l.Columns) != 3 {
				t.Fatalf("Detect: ok=%v columns %+v", ok, l.Columns)
			}
			col := l.Columns[2]
			if col.Sensitive != tt.wantSensitive || col.Field != tt.wantField || (col.Warning != "") != tt.wantWarning {
				t.Errorf("column %q → field %q sensitive %v warning %q (%s: %s); want field %q sensitive %v warning %v",
					col.Header, col.Field, col.Sensitive, col.Warning, col.Evidence, col.Detail, tt.wantField, tt.wantSensitive, tt.wantWarning)
			}
			if tt.wantSensitive && (col.Evidence != BySensitiveContent || !strings.Contains(col.Detail, "values are")) {
				t.Errorf("evidence %q detail %q, want %q with the share", col.Evidence, col.Detail, BySensitiveContent)
			}
		})
	}
}
